//! Gatehouse's flows, as four services the HTTP layer and the CLI call. Each
//! holds only the store capabilities it uses, and the parts it shares with
//! the others ([`parts`]): the token issuer, the audit sink, the clock.
//!
//! - [`Authenticator`]: signing in (password, second factors, passkeys,
//!   upstream providers), sessions, refresh, API keys, step-up.
//! - [`OAuthProvider`]: the OAuth 2.0 / OpenID Connect provider — authorize,
//!   token, introspect, revoke, userinfo, logout, consents.
//! - [`Admin`]: users, roles, clients, keys and the audit log, for an
//!   administrator.
//! - [`AccountLifecycle`]: sign-up, email verification and change, password
//!   reset and change, export and deletion.
//!
//! Each flow lives in a file named after it, in its service's folder.
//! [`Services::new`] wires them up.

mod admin;
mod authenticator;
mod config;
mod lifecycle;
mod oauth;
pub mod parts;
#[cfg(test)]
mod tests;

use std::sync::Arc;

pub use admin::{Admin, FactorsReset, ImportedUser, NewRole, NewUserRequest, RoleUpdate, UserUpdate};
pub use authenticator::{
    ApiKeyAuth, ApiKeyRequest, Authenticator, BrowserSession, CeremonyStart, LoginOutcome, LoginRequest, MfaStatus,
    NewUpstream, ProxyVerdict, StepUpProof, TotpEnrollment,
};
pub use config::{
    AccountsConfig, BrowserSessionConfig, LockoutPolicy, OAuthConfig, RateLimits, SignIn, WebauthnSettings,
};
pub use lifecycle::{AccountExport, AccountLifecycle, RegisterRequest, Verified};
pub use oauth::{
    append_query, AuthorizationRequest, AuthorizeDecision, AuthorizeError, ClientCredentials, Introspection,
    LogoutOutcome, LogoutRequest, OAuthProvider, OAuthTokenResponse, Prompt, Refusal, TokenFields, TokenGrant,
    Untrusted, UserInfo, ValidAuthorization, SUPPORTED_SCOPES,
};
pub use parts::keys::{keep_published, rotate as keys_rotate, KeySchedule};
pub use parts::master_key::rotate_master;
pub use parts::presence::FAILED_PROOFS_PER_SESSION;
pub use parts::{Authenticated, TokenIssuer, TokenPair};

use crate::clock::Clock;
use crate::crypto::MasterKey;
use crate::error::Result;
use crate::mail::Mailer;
use crate::notices::Notices;
use crate::password::PasswordHasher;
use crate::ratelimit::RateLimiter;
use crate::store::{Change, Changes, Store};
use parts::client_cache::ClientCache;
use parts::{
    ApiKeyCheck, AuditSink, EmailLinks, Limits, LiveSessions, NewPasswords, Outbox, Proofs, RefreshTokens, Units,
};

/// The four services and what they share, wired to one store.
#[derive(Clone)]
pub struct Services {
    pub auth: Arc<Authenticator>,
    pub oauth: Arc<OAuthProvider>,
    pub admin: Arc<Admin>,
    pub lifecycle: Arc<AccountLifecycle>,
    pub tokens: Arc<TokenIssuer>,
    pub config: Arc<AccountsConfig>,
    pub clock: Arc<dyn Clock>,
    pub hasher: Arc<PasswordHasher>,
    store: Arc<dyn Store>,
    client_cache: Arc<ClientCache>,
    live: Arc<LiveSessions>,
}

impl Services {
    /// Builds the services; creates the first signing key if there is none,
    /// adds missing built-in roles and re-keys backup codes stored unkeyed.
    pub async fn new(
        store: Arc<dyn Store>,
        hasher: Arc<PasswordHasher>,
        limiter: Arc<dyn RateLimiter>,
        master: Arc<MasterKey>,
        mailer: Arc<dyn Mailer>,
        config: AccountsConfig,
        clock: Arc<dyn Clock>,
    ) -> Result<Self> {
        let config = Arc::new(config);
        let backup_key = crate::mfa::backup::CodeKey::new(
            parts::master_key::kept_key(store.as_ref(), &master, parts::master_key::BACKUP_CODE_KEY, clock.now())
                .await?,
        );
        let tokens = Arc::new(
            TokenIssuer::load(store.clone(), store.clone(), master.clone(), config.clone(), clock.clone()).await?,
        );
        let audit = AuditSink::new(store.clone(), clock.clone());
        let units = Units::new(store.clone());
        let limits = Limits::new(limiter);
        let outbox = Arc::new(Outbox::new(
            mailer,
            Notices::new(&config.product_name, &config.tokens.issuer, config.catalogs.clone())?,
        ));
        let passwords = NewPasswords::new(hasher.clone(), config.password_policy);
        let client_cache = Arc::new(ClientCache::default());
        let live = Arc::new(LiveSessions::new(
            store.clone(),
            store.clone(),
            store.clone(),
            config.session_cache_size,
            clock.clone(),
        ));
        store.observe_changes(live.clone());
        let proofs = Arc::new(Proofs {
            users: store.clone(),
            sessions: store.clone(),
            mfa: store.clone(),
            hasher: hasher.clone(),
            master: master.clone(),
            limits: limits.clone(),
            audit: audit.clone(),
            config: config.clone(),
            clock: clock.clone(),
        });
        let links = Arc::new(EmailLinks { lifecycle: store.clone(), config: config.clone(), clock: clock.clone() });
        let refresh_tokens = Arc::new(RefreshTokens {
            sessions: store.clone(),
            users: store.clone(),
            successor_key: master.derive("gatehouse/refresh-successor/v1"),
            audit: audit.clone(),
            config: config.clone(),
            clock: clock.clone(),
        });
        let api_key_check = Arc::new(ApiKeyCheck {
            api_keys: store.clone(),
            users: store.clone(),
            mfa: store.clone(),
            limits: limits.clone(),
            config: config.clone(),
            clock: clock.clone(),
        });

        let auth = Arc::new(Authenticator {
            users: store.clone(),
            sessions: store.clone(),
            mfa: store.clone(),
            webauthn: store.clone(),
            api_keys: store.clone(),
            upstreams: store.clone(),
            units: units.clone(),
            tokens: tokens.clone(),
            proofs: proofs.clone(),
            refresh_tokens: refresh_tokens.clone(),
            api_key_check: api_key_check.clone(),
            live: live.clone(),
            audit: audit.clone(),
            limits: limits.clone(),
            hasher: hasher.clone(),
            master: master.clone(),
            backup_key,
            passkeys: authenticator::passkeys_of(&config),
            config: config.clone(),
            clock: clock.clone(),
        });
        let oauth = Arc::new(OAuthProvider {
            users: store.clone(),
            sessions: store.clone(),
            clients: store.clone(),
            grants: store.clone(),
            units: units.clone(),
            tokens: tokens.clone(),
            refresh_tokens,
            api_key_check,
            client_cache: client_cache.clone(),
            live: live.clone(),
            audit: audit.clone(),
            limits: limits.clone(),
            config: config.clone(),
            clock: clock.clone(),
        });
        let admin = Arc::new(Admin {
            users: store.clone(),
            roles: store.clone(),
            sessions: store.clone(),
            api_keys: store.clone(),
            clients: store.clone(),
            key_store: store.clone(),
            audit_log: store.clone(),
            units: units.clone(),
            tokens: tokens.clone(),
            links: links.clone(),
            client_cache: client_cache.clone(),
            audit: audit.clone(),
            outbox: outbox.clone(),
            passwords: passwords.clone(),
            hasher: hasher.clone(),
            master: master.clone(),
            config: config.clone(),
            clock: clock.clone(),
        });
        let lifecycle = Arc::new(AccountLifecycle {
            users: store.clone(),
            sessions: store.clone(),
            mfa: store.clone(),
            webauthn: store.clone(),
            lifecycle: store.clone(),
            audit_log: store.clone(),
            units,
            proofs,
            links,
            audit,
            limits,
            outbox,
            passwords,
            config: config.clone(),
            clock: clock.clone(),
        });
        admin.sync_roles().await?;
        auth.rekey_backup_codes().await?;
        Ok(Self { auth, oauth, admin, lifecycle, tokens, config, clock, hasher, store, client_cache, live })
    }

    /// The store the services were built on (for readiness, backups and the
    /// CLI's own commands).
    pub fn store(&self) -> &Arc<dyn Store> {
        &self.store
    }

    /// The store's feed of changes by other processes (see
    /// [`Store::watch_changes`]); feed each to [`Services::apply_change`].
    pub async fn watch_changes(&self) -> Result<Option<Changes>> {
        Ok(self.store.watch_changes().await?)
    }

    /// Writes the sessions' uses kept in memory (see
    /// [`parts::live_sessions::FLUSH_USES_EVERY`]): every so often, and when
    /// the server stops.
    pub async fn flush_session_uses(&self) -> Result<usize> {
        self.live.flush_uses().await
    }

    /// Drops or re-reads what another process changed.
    pub async fn apply_change(&self, change: &Change) -> Result<()> {
        self.live.forget(change);
        match change {
            Change::Keys => {
                self.tokens.reload_keys().await?;
            }
            Change::Client(id) => self.client_cache.forget(id),
            Change::Missed => {
                self.client_cache.clear();
                self.tokens.reload_keys().await?;
            }
            Change::Session(_) | Change::SessionsOf(_) | Change::User(_) | Change::Factors(_) | Change::Roles => {}
        }
        Ok(())
    }
}
