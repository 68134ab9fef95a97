//! Personal API keys: a person makes, lists, rotates and revokes their own
//! (an administrator can list and revoke anyone's), and a request carrying
//! one as `Authorization: Bearer gatehouse_pat_…` is authenticated here.
//!
//! A key's scopes are permissions its owner holds when it is made; at each
//! use it grants what both the key and the owner hold *now*, so taking a
//! role from someone also takes it from their keys. Making or rotating a key
//! needs a recent sign-in (the step-up window) or the password, like the
//! other sensitive changes. A disabled account's keys are refused, and so
//! are the keys of an owner whom the second-factor policy reached after the
//! key was made, until they enrol one; a forced password reset revokes them.

use secrecy::SecretString;
use time::OffsetDateTime;

use super::admin::admin_event;
use super::{ip_key, Accounts, Authenticated, StepUpProof};
use crate::account::{User, UserId};
use crate::api_key::{digest_if_well_formed, ApiKey, NewApiKey, KEYS_PER_USER, NAME_MAX_LEN};
use crate::audit::{AuditEvent, AuditKind, ClientInfo, Outcome};
use crate::error::{Error, Result};
use crate::rbac::{Actor, Permission, USERS_READ, USERS_WRITE};

/// What making a key takes.
pub struct ApiKeyRequest {
    pub name: String,
    /// Permissions the key may use; each must be held by its owner.
    pub scopes: Vec<String>,
    pub expires_at: Option<OffsetDateTime>,
}

/// A request authenticated by an API key.
#[derive(Clone, Debug)]
pub struct ApiKeyAuth {
    pub user: User,
    pub key: ApiKey,
    /// What the key may do now.
    pub actor: Actor,
}

impl ApiKeyAuth {
    /// The permissions in force (the key's scopes the owner still holds).
    pub fn permissions(&self) -> &[Permission] {
        self.actor.permissions()
    }
}

fn check_name(name: &str) -> Result<String> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > NAME_MAX_LEN || name.chars().any(char::is_control) {
        return Err(Error::InvalidRequest(format!("an API key needs a name of 1 to {NAME_MAX_LEN} characters")));
    }
    Ok(name.to_owned())
}

impl Accounts {
    /// Makes a key for the signed-in user; the secret is returned once.
    pub async fn create_api_key(
        &self,
        auth: &Authenticated,
        req: ApiKeyRequest,
        proof: StepUpProof,
        client: &ClientInfo,
    ) -> Result<(ApiKey, SecretString)> {
        let user = self.me(auth).await?;
        let name = check_name(&req.name)?;
        let scopes = crate::rbac::parse_permissions(&req.scopes)?;
        if let Some(p) = scopes.iter().find(|p| !user.permissions.contains(p)) {
            return Err(Error::Forbidden(format!("you do not hold the permission '{p}', so no key of yours can")));
        }
        let now = self.now();
        if req.expires_at.is_some_and(|t| t <= now) {
            return Err(Error::InvalidRequest("expires_at must be in the future".into()));
        }
        let live = self.store.api_keys(user.id).await?.iter().filter(|k| k.is_live(now)).count();
        if live >= KEYS_PER_USER {
            return Err(Error::Conflict(format!("you have {KEYS_PER_USER} live API keys: revoke one first")));
        }
        self.limit("api_key:create", &user.id.to_string(), self.config.limits.api_key_creation).await?;
        self.require_recent_auth(auth, proof, client).await?;
        let minted = NewApiKey::mint(user.id, name, scopes, now, req.expires_at);
        self.store.insert_api_key(&minted.key).await?;
        self.audit(
            AuditEvent::new(AuditKind::ApiKeyCreated, Outcome::Success, client).by_and_for(user.id).detail(format!(
                "key {} '{}' [{}]",
                minted.key.id,
                minted.key.name,
                minted.key.scope()
            )),
        )
        .await;
        Ok((minted.key, minted.secret))
    }

    /// The signed-in user's keys, revoked ones too, newest first.
    pub async fn my_api_keys(&self, auth: &Authenticated) -> Result<Vec<ApiKey>> {
        Ok(self.store.api_keys(auth.user_id()).await?)
    }

    /// Revokes one of the signed-in user's keys (someone else's id is
    /// answered like an unknown one).
    pub async fn revoke_my_api_key(&self, auth: &Authenticated, id: uuid::Uuid, client: &ClientInfo) -> Result<()> {
        if !self.store.revoke_api_key(auth.user_id(), id, self.now()).await? {
            return Err(Error::NotFound("no such API key".into()));
        }
        self.audit(
            AuditEvent::new(AuditKind::ApiKeyRevoked, Outcome::Success, client)
                .by_and_for(auth.user_id())
                .detail(format!("key {id}")),
        )
        .await;
        Ok(())
    }

    /// Replaces one of the signed-in user's live keys with a new secret of
    /// the same name, scopes (those still held) and expiry; the old secret
    /// stops working at once.
    pub async fn rotate_my_api_key(
        &self,
        auth: &Authenticated,
        id: uuid::Uuid,
        proof: StepUpProof,
        client: &ClientInfo,
    ) -> Result<(ApiKey, SecretString)> {
        let user = self.me(auth).await?;
        let now = self.now();
        let old = self
            .store
            .api_keys(user.id)
            .await?
            .into_iter()
            .find(|k| k.id == id && k.is_live(now))
            .ok_or_else(|| Error::NotFound("no such API key".into()))?;
        self.limit("api_key:create", &user.id.to_string(), self.config.limits.api_key_creation).await?;
        self.require_recent_auth(auth, proof, client).await?;
        let scopes = old.scopes.iter().filter(|p| user.permissions.contains(p)).cloned().collect();
        let minted = NewApiKey::mint(user.id, old.name.clone(), scopes, now, old.expires_at);
        let unit = self.begin().await?;
        if !unit.revoke_api_key(user.id, old.id, now).await? {
            return Err(Error::NotFound("no such API key".into()));
        }
        unit.insert_api_key(&minted.key).await?;
        self.audit_in(
            unit.as_ref(),
            AuditEvent::new(AuditKind::ApiKeyRotated, Outcome::Success, client)
                .by_and_for(user.id)
                .detail(format!("key {} -> {}", old.id, minted.key.id)),
        )
        .await?;
        unit.commit().await?;
        Ok((minted.key, minted.secret))
    }

    /// Someone's keys, for an administrator.
    pub async fn user_api_keys(&self, actor: &Actor, user: UserId) -> Result<Vec<ApiKey>> {
        actor.require(USERS_READ)?;
        self.load_user(user).await?;
        Ok(self.store.api_keys(user).await?)
    }

    /// Revokes someone's key, for an administrator.
    pub async fn revoke_user_api_key(
        &self,
        actor: &Actor,
        user: UserId,
        id: uuid::Uuid,
        client: &ClientInfo,
    ) -> Result<()> {
        actor.require(USERS_WRITE)?;
        let target = self.load_user(user).await?;
        actor.may_manage(&target)?;
        if !self.store.revoke_api_key(user, id, self.now()).await? {
            return Err(Error::NotFound("no such API key".into()));
        }
        self.audit(admin_event(AuditKind::ApiKeyRevoked, actor, user, client).detail(format!("key {id}"))).await;
        Ok(())
    }

    /// Authenticates a request by its API key. Malformed keys cost no
    /// database query; every attempt counts against the IP's limit, every
    /// use against the key's.
    pub async fn authenticate_api_key(&self, token: &str, client: &ClientInfo) -> Result<ApiKeyAuth> {
        self.limit("api_key:ip", &ip_key(client), self.config.limits.api_key_per_ip).await?;
        self.check_api_key(token, client.ip.as_deref()).await
    }

    /// The key's owner and powers, if `token` is a live key of an active account.
    async fn check_api_key(&self, token: &str, ip: Option<&str>) -> Result<ApiKeyAuth> {
        let digest = digest_if_well_formed(token).ok_or(Error::InvalidToken)?;
        let key = self.store.api_key_by_digest(&digest).await?.ok_or(Error::InvalidToken)?;
        let now = self.now();
        if key.revoked_at.is_some() || !key.digest.matches(&digest) {
            return Err(Error::InvalidToken);
        }
        if !key.is_live(now) {
            return Err(Error::TokenExpired);
        }
        let user = self.store.user_by_id(key.user_id).await?.ok_or(Error::InvalidToken)?;
        if !user.is_active {
            return Err(Error::AccountDisabled);
        }
        // A key made before the policy reached its owner (mfa_required, or a
        // role in mfa_required_roles given later) rests until they enrol.
        if self.mfa_required_for(&user) && !self.mfa_status(user.id).await?.has_second_factor() {
            return Err(Error::MfaEnrollmentRequired);
        }
        self.limit("api_key:key", &key.id.to_string(), self.config.limits.api_key_per_key).await?;
        if key.use_due(now, ip) {
            if let Err(e) = self.store.touch_api_key(key.id, now, ip).await {
                tracing::warn!(error = %e, "cannot record an API key's use");
            }
        }
        let actor = Actor::api_key(&user, key.id, &key.scopes);
        Ok(ApiKeyAuth { user, key, actor })
    }

    /// Whether `token` is a live API key, for introspection (an authenticated
    /// client asks, so no per-IP limit): its auth, or `None`.
    pub(super) async fn live_api_key(&self, token: &str) -> Result<Option<ApiKeyAuth>> {
        match self.check_api_key(token, None).await {
            Ok(auth) => Ok(Some(auth)),
            Err(Error::InvalidToken | Error::TokenExpired | Error::AccountDisabled | Error::MfaEnrollmentRequired) => {
                Ok(None)
            }
            Err(e) => Err(e),
        }
    }
}
