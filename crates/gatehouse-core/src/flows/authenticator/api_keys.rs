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

use super::Authenticator;
use crate::account::User;
use crate::api_key::{ApiKey, NewApiKey, KEYS_PER_USER, NAME_MAX_LEN};
use crate::audit::{AuditEvent, AuditKind, ClientInfo, Outcome};
use crate::error::{Error, Result};
use crate::flows::parts::{ip_key, Authenticated};
use crate::flows::StepUpProof;
use crate::rbac::{Actor, Permission};

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

impl Authenticator {
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
        let now = self.clock.now();
        if req.expires_at.is_some_and(|t| t <= now) {
            return Err(Error::InvalidRequest("expires_at must be in the future".into()));
        }
        let live = self.api_keys.api_keys(user.id).await?.iter().filter(|k| k.is_live(now)).count();
        if live >= KEYS_PER_USER {
            return Err(Error::Conflict(format!("you have {KEYS_PER_USER} live API keys: revoke one first")));
        }
        self.limits.hit("api_key:create", &user.id.to_string(), self.config.limits.api_key_creation).await?;
        self.require_recent_auth(auth, proof, client).await?;
        let minted = NewApiKey::mint(user.id, name, scopes, now, req.expires_at);
        self.api_keys.insert_api_key(&minted.key).await?;
        self.audit
            .record(
                AuditEvent::new(AuditKind::ApiKeyCreated, Outcome::Success, client)
                    .by_and_for(user.id)
                    .detail(format!("key {} '{}' [{}]", minted.key.id, minted.key.name, minted.key.scope())),
            )
            .await;
        Ok((minted.key, minted.secret))
    }

    /// The signed-in user's keys, revoked ones too, newest first.
    pub async fn my_api_keys(&self, auth: &Authenticated) -> Result<Vec<ApiKey>> {
        Ok(self.api_keys.api_keys(auth.user_id()).await?)
    }

    /// Revokes one of the signed-in user's keys (someone else's id is
    /// answered like an unknown one).
    pub async fn revoke_my_api_key(&self, auth: &Authenticated, id: uuid::Uuid, client: &ClientInfo) -> Result<()> {
        if !self.api_keys.revoke_api_key(auth.user_id(), id, self.clock.now()).await? {
            return Err(Error::NotFound("no such API key".into()));
        }
        self.audit
            .record(
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
        let now = self.clock.now();
        let old = self
            .api_keys
            .api_keys(user.id)
            .await?
            .into_iter()
            .find(|k| k.id == id && k.is_live(now))
            .ok_or_else(|| Error::NotFound("no such API key".into()))?;
        self.limits.hit("api_key:create", &user.id.to_string(), self.config.limits.api_key_creation).await?;
        self.require_recent_auth(auth, proof, client).await?;
        let scopes = old.scopes.iter().filter(|p| user.permissions.contains(p)).cloned().collect();
        let minted = NewApiKey::mint(user.id, old.name.clone(), scopes, now, old.expires_at);
        let unit = self.units.begin().await?;
        if !unit.revoke_api_key(user.id, old.id, now).await? {
            return Err(Error::NotFound("no such API key".into()));
        }
        unit.insert_api_key(&minted.key).await?;
        self.audit
            .record_in(
                unit.as_ref(),
                AuditEvent::new(AuditKind::ApiKeyRotated, Outcome::Success, client)
                    .by_and_for(user.id)
                    .detail(format!("key {} -> {}", old.id, minted.key.id)),
            )
            .await?;
        unit.commit().await?;
        Ok((minted.key, minted.secret))
    }

    /// Authenticates a request by its API key. Malformed keys cost no
    /// database query; every attempt counts against the IP's limit, every
    /// use against the key's.
    pub async fn authenticate_api_key(&self, token: &str, client: &ClientInfo) -> Result<ApiKeyAuth> {
        self.limits.hit("api_key:ip", &ip_key(client), self.config.limits.api_key_per_ip).await?;
        self.api_key_check.check(token, client.ip.as_deref()).await
    }
}
