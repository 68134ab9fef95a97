//! Upstream providers ("Sign in with …"): registering them, and signing a
//! person in with an identity an upstream vouched for.
//!
//! Which local account an upstream identity opens, in order:
//! 1. the account it was linked to before;
//! 2. nothing, when the upstream has not verified the identity's address
//!    (`upstream_email_unverified`): an account made from an address nobody
//!    proved would let its maker pre-hijack the real owner's account;
//! 3. with `link_by_email` on the provider, the account whose address equals
//!    the identity's — verified upstream *and* here, or the account's maker
//!    could be someone who planted the address — (linked and audited);
//! 4. otherwise a new account, if the address is not taken — a taken address
//!    is refused (`email_taken`) rather than silently merged.
//!
//! Links that earlier versions made from unverified addresses are dropped
//! when the address's owner proves it (a password reset, an email
//! verification; see [`AccountLifecycle::drop_unverified_links`](crate::flows::AccountLifecycle)).
//!
//! The account's own policy still applies: disabled accounts stay out, a
//! second factor set up on the account is asked for, and an unverified
//! address is refused when verification is required.

use crate::flows::parts::load_user;
use secrecy::{ExposeSecret, SecretString};
use time::OffsetDateTime;

use super::login::LoginOutcome;
use super::Authenticator;
use crate::account::{Email, NewUser, User, UserId, Username};
use crate::amr::{Amr, AuthMethod};
use crate::audit::{AuditEvent, AuditKind, ClientInfo, Outcome};
use crate::crypto::random_token;
use crate::error::{Error, Result};
use crate::federation::{check_provider_id, UpstreamIdentity, UpstreamKind, UpstreamLink, UpstreamProvider};
use crate::flows::SignIn;
use crate::rbac::Actor;
use crate::store::{StoreError, StoreTx};

/// Upstream providers are an administrator's: the permission catalog has no
/// narrower permission for them, since a provider decides who may sign in.
fn may_manage_upstreams(actor: &Actor) -> Result<()> {
    if actor.is_superuser() {
        return Ok(());
    }
    Err(Error::Forbidden("upstream providers are managed by administrators (the admin role)".into()))
}

/// What an operator asks for (`gatehouse upstream add`).
#[derive(Clone, Debug, Default)]
pub struct NewUpstream {
    pub id: String,
    /// `google`, `github` or `oidc` (generic; needs `issuer`).
    pub preset: String,
    pub name: Option<String>,
    pub issuer: Option<String>,
    pub client_id: String,
    pub client_secret: SecretString,
    /// Empty: the preset's (`openid email profile`; GitHub `read:user user:email`).
    pub scopes: Vec<String>,
    pub link_by_email: bool,
}

impl Authenticator {
    /// Registers an upstream provider; the secret is sealed with the master
    /// key. For administrators only: a provider decides who may sign in.
    pub async fn add_upstream(&self, req: NewUpstream, actor: &Actor, client: &ClientInfo) -> Result<UpstreamProvider> {
        may_manage_upstreams(actor)?;
        check_provider_id(&req.id)?;
        let (kind, name, issuer, scopes) = match req.preset.as_str() {
            "google" => {
                (UpstreamKind::Oidc, "Google", Some("https://accounts.google.com".to_owned()), "openid email profile")
            }
            "github" => (UpstreamKind::Github, "GitHub", None, "read:user user:email"),
            "oidc" => {
                let issuer = req
                    .issuer
                    .clone()
                    .map(|i| i.trim_end_matches('/').to_owned())
                    .filter(|i| i.starts_with("https://") || i.starts_with("http://"))
                    .ok_or_else(|| Error::InvalidRequest("a generic OpenID provider needs its issuer URL".into()))?;
                (UpstreamKind::Oidc, "OpenID", Some(issuer), "openid email profile")
            }
            other => return Err(Error::InvalidRequest(format!("unknown preset '{other}' (google, github or oidc)"))),
        };
        let name = req.name.clone().unwrap_or_else(|| name.to_owned()).trim().to_owned();
        if name.is_empty() || name.chars().count() > 64 {
            return Err(Error::InvalidRequest("a provider name has 1 to 64 characters".into()));
        }
        if req.client_id.trim().is_empty() || req.client_secret.expose_secret().is_empty() {
            return Err(Error::InvalidRequest("the upstream's client id and secret are required".into()));
        }
        let scopes =
            if req.scopes.is_empty() { scopes.split(' ').map(str::to_owned).collect() } else { req.scopes.clone() };
        let provider = UpstreamProvider {
            client_secret_sealed: self.master.seal(req.client_secret.expose_secret().as_bytes(), req.id.as_bytes())?,
            id: req.id,
            name,
            kind,
            issuer,
            client_id: req.client_id.trim().to_owned(),
            scopes,
            link_by_email: req.link_by_email,
            created_at: self.clock.now(),
        };
        self.upstreams.insert_upstream(&provider).await.map_err(|e| match e {
            StoreError::Conflict(_) => Error::Conflict(format!("an upstream '{}' exists already", provider.id)),
            other => other.into(),
        })?;
        let mut event = AuditEvent::new(AuditKind::UpstreamAdded, Outcome::Success, client).detail(format!(
            "{} ({})",
            provider.id,
            provider.kind.as_str()
        ));
        event.actor = actor.user;
        self.audit.record(event).await;
        Ok(provider)
    }

    pub async fn upstreams(&self) -> Result<Vec<UpstreamProvider>> {
        Ok(self.upstreams.list_upstreams().await?)
    }

    pub async fn upstream(&self, id: &str) -> Result<UpstreamProvider> {
        self.upstreams.upstream(id).await?.ok_or_else(|| Error::NotFound(format!("no upstream provider '{id}'")))
    }

    /// Removes an upstream provider (administrators only).
    pub async fn remove_upstream(&self, id: &str, actor: &Actor, client: &ClientInfo) -> Result<()> {
        may_manage_upstreams(actor)?;
        if !self.upstreams.delete_upstream(id).await? {
            return Err(Error::NotFound(format!("no upstream provider '{id}'")));
        }
        let mut event = AuditEvent::new(AuditKind::UpstreamRemoved, Outcome::Success, client).detail(id.to_owned());
        event.actor = actor.user;
        self.audit.record(event).await;
        Ok(())
    }

    /// The provider's client secret, for the token request.
    pub fn upstream_secret(&self, provider: &UpstreamProvider) -> Result<SecretString> {
        let plain = self.master.open(&provider.client_secret_sealed, provider.id.as_bytes())?;
        String::from_utf8(plain).map(SecretString::from).map_err(Error::internal)
    }

    /// Seals a short-lived browser value (the upstream sign-in's state) with a
    /// key derived from the master key; `purpose` binds it to one use.
    pub fn seal_browser_state(&self, plaintext: &[u8], purpose: &str) -> Result<Vec<u8>> {
        self.master.seal(plaintext, purpose.as_bytes())
    }

    /// Opens what [`Authenticator::seal_browser_state`] sealed for `purpose`.
    pub fn open_browser_state(&self, sealed: &[u8], purpose: &str) -> Result<Vec<u8>> {
        self.master.open(sealed, purpose.as_bytes()).map_err(|_| Error::InvalidToken)
    }

    /// Signs a person in (browser session) with an identity `provider` vouched for.
    pub async fn federated_sign_in(
        &self,
        provider: &UpstreamProvider,
        identity: &UpstreamIdentity,
        remember: bool,
        client: &ClientInfo,
    ) -> Result<LoginOutcome> {
        if identity.subject.is_empty() || identity.subject.len() > 255 {
            return Err(Error::InvalidRequest("the upstream sent no usable subject".into()));
        }
        // A new account or a new link comes with its unit still open, so that
        // the first sign-in is one unit: account, link, session and records,
        // or nothing. A refusal below drops it.
        let (user, pending) = self.account_for(provider, identity, client).await?;
        if !user.is_active {
            return Err(Error::AccountDisabled);
        }
        if self.config.require_verified_email && !user.email_verified {
            return Err(Error::EmailNotVerified);
        }
        let status = self.mfa.second_factors(user.id).await?;
        if status.has_second_factor() {
            // The link stands on the upstream's proof; the second step is the
            // local account's own and opens its session later.
            if let Some(unit) = pending {
                unit.commit().await?;
            }
            let (mfa_token, expires_in) = self.challenge(&user, AuthMethod::Federated, client).await?;
            return Ok(LoginOutcome::MfaRequired { mfa_token, methods: status.methods(), expires_in });
        }
        let amr = Amr::one(AuthMethod::Federated);
        let via = SignIn::Browser { remember };
        let signed_in = AuditEvent::new(AuditKind::LoginSucceeded, Outcome::Success, client)
            .by_and_for(user.id)
            .detail(format!("via upstream {}", provider.id));
        let pair = match pending {
            Some(unit) => {
                let pair = self.tokens.open_session_in(unit.as_ref(), &user, amr, client, via).await?;
                self.audit.record_in(unit.as_ref(), signed_in).await?;
                unit.commit().await?;
                pair
            }
            None => {
                let pair = self.tokens.open_session(&user, amr, client, via).await?;
                self.audit.record(signed_in).await;
                pair
            }
        };
        Ok(LoginOutcome::Tokens(Box::new(user), pair))
    }

    /// The account an upstream identity signs in to: the linked one; else an
    /// existing account with the same verified address (when the provider
    /// links by email), linked now; else a new account, linked now. A new
    /// link comes with the open unit that made it (with its account and its
    /// audit records), for the caller to finish and commit.
    async fn account_for(
        &self,
        provider: &UpstreamProvider,
        identity: &UpstreamIdentity,
        client: &ClientInfo,
    ) -> Result<(User, Option<Box<dyn StoreTx>>)> {
        if let Some(link) = self.upstreams.upstream_link(&provider.id, &identity.subject).await? {
            return Ok((load_user(self.users.as_ref(), link.user_id).await?, None));
        }
        let email = identity
            .email
            .clone()
            .ok_or_else(|| Error::InvalidRequest("the upstream did not share an email address".into()))?;
        if !identity.email_verified {
            self.audit
                .record(
                    AuditEvent::new(AuditKind::LoginFailed, Outcome::Failure, client)
                        .detail(format!("via upstream {}: the address is not verified there", provider.id)),
                )
                .await;
            return Err(Error::UpstreamEmailUnverified);
        }
        if let Some(existing) = self.users.user_by_login(email.as_str()).await? {
            if provider.link_by_email
                && existing.email_verified
                && existing.email.as_str().eq_ignore_ascii_case(email.as_str())
            {
                let unit = self.units.begin().await?;
                if let Err(e) = self.link_in(unit.as_ref(), provider, identity, existing.id, client).await {
                    drop(unit);
                    return Ok((self.linked_meanwhile(provider, identity, e).await?, None));
                }
                return Ok((existing, Some(unit)));
            }
            return Err(Error::EmailTaken);
        }
        self.create_federated_user(provider, identity, email, client).await
    }

    /// After a failed link: the account the identity was linked to in the
    /// meantime (a second tab finishing the same first sign-in), or `error`.
    async fn linked_meanwhile(
        &self,
        provider: &UpstreamProvider,
        identity: &UpstreamIdentity,
        error: Error,
    ) -> Result<User> {
        match self.upstreams.upstream_link(&provider.id, &identity.subject).await? {
            Some(link) => load_user(self.users.as_ref(), link.user_id).await,
            None => Err(error),
        }
    }

    /// Links `identity` to `user` in `unit`, audited there.
    async fn link_in(
        &self,
        unit: &dyn StoreTx,
        provider: &UpstreamProvider,
        identity: &UpstreamIdentity,
        user: UserId,
        client: &ClientInfo,
    ) -> Result<()> {
        let link = UpstreamLink {
            provider_id: provider.id.clone(),
            subject: identity.subject.clone(),
            user_id: user,
            created_at: self.clock.now(),
            from_unverified_email: false,
        };
        unit.insert_upstream_link(&link).await?;
        self.audit
            .record_in(
                unit,
                AuditEvent::new(AuditKind::UpstreamLinked, Outcome::Success, client)
                    .by_and_for(user)
                    .detail(format!("upstream {}", provider.id)),
            )
            .await
    }

    /// A new account for an upstream identity: a username derived from the
    /// upstream's (made unique), the upstream's address, and an unusable
    /// random password (the person can set one with "forgot password").
    ///
    /// Each name tried is its own unit — account, link and records — so a
    /// taken name costs one rolled-back unit and the next name is tried in a
    /// fresh one (PostgreSQL refuses every statement of a transaction after
    /// a failed one), and no attempt leaves anything behind. The unit that
    /// worked is returned open.
    async fn create_federated_user(
        &self,
        provider: &UpstreamProvider,
        identity: &UpstreamIdentity,
        email: Email,
        client: &ClientInfo,
    ) -> Result<(User, Option<Box<dyn StoreTx>>)> {
        let base = username_base(identity.username_hint.as_deref().unwrap_or_else(|| email.as_str()));
        // Slow work before any unit opens (on SQLite a unit holds the write lock).
        let hash = self.hasher.hash(random_token()).await?;
        let now: OffsetDateTime = self.clock.now();
        for attempt in 0..20u32 {
            let candidate = match attempt {
                0 => base.clone(),
                1..=9 => format!("{base}-{}", attempt + 1),
                _ => format!("{base}-{}", &random_token().expose_secret()[..6].to_ascii_lowercase()),
            };
            let Ok(username) = Username::parse(&candidate) else {
                continue;
            };
            let new = NewUser {
                id: UserId::new(),
                username,
                email: email.clone(),
                password_hash: hash.clone(),
                // Only verified addresses get this far.
                email_verified: true,
                roles: self.config.default_roles.clone(),
                locale: None,
                created_at: now,
            };
            let unit = self.units.begin().await?;
            let user = match unit.insert_user(&new).await.map_err(Error::from) {
                Ok(user) => user,
                Err(Error::UsernameTaken) => continue,
                Err(other) => return Err(other),
            };
            self.audit
                .record_in(
                    unit.as_ref(),
                    AuditEvent::new(AuditKind::Register, Outcome::Success, client)
                        .by_and_for(user.id)
                        .detail("via an upstream provider"),
                )
                .await?;
            if let Err(e) = self.link_in(unit.as_ref(), provider, identity, user.id, client).await {
                drop(unit);
                return Ok((self.linked_meanwhile(provider, identity, e).await?, None));
            }
            return Ok((user, Some(unit)));
        }
        Err(Error::Conflict("no free username could be derived; ask an administrator".into()))
    }
}

/// A username-shaped start: the part before any `@`, only allowed
/// characters, 3 to 24 long.
fn username_base(hint: &str) -> String {
    let local = hint.split('@').next().unwrap_or(hint);
    let mut base: String = local
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-') { c.to_ascii_lowercase() } else { '-' })
        .collect::<String>()
        .trim_matches(|c: char| !c.is_ascii_alphanumeric())
        .chars()
        .take(24)
        .collect();
    while base.len() < 3 {
        base.push('x');
    }
    base
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usernames_are_derived_safely() {
        assert_eq!(username_base("Alice Smith"), "alice-smith");
        assert_eq!(username_base("bo@example.com"), "box");
        assert_eq!(username_base("__x__"), "xxx");
        assert_eq!(username_base("åsa"), "sax");
        assert_eq!(username_base(&"a".repeat(40)).len(), 24);
    }
}
