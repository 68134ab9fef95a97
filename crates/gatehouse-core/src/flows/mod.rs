//! The account flows — register, login, refresh, logout, sessions, admin — as
//! one service, [`Accounts`], that the HTTP layer and the CLI call.
//!
//! Each flow lives in a file named after it. They share the helpers here:
//! issuing a token pair for a session, writing audit events, rate limits.

mod account_deletion;
mod account_page;
mod actor;
mod admin;
mod api_keys;
mod authorize;
mod browser;
mod client_cache;
mod clients;
mod email_change;
mod email_verification;
mod federation;
mod keys;
mod login;
mod logout;
mod mfa;
mod oauth_token;
mod oauth_tokens;
mod passkeys;
mod password_change;
mod password_check;
mod password_reset;
mod presence;
mod refresh;
mod register;
mod roles;
mod sessions;
mod totp;

use std::sync::{Arc, RwLock};
use std::time::Duration;

use secrecy::{ExposeSecret, SecretBox, SecretString};
use sha2::{Digest, Sha256};
use time::OffsetDateTime;
use uuid::Uuid;

pub use account_deletion::AccountExport;
pub use admin::{ImportedUser, NewUserRequest, UserUpdate};
pub use api_keys::{ApiKeyAuth, ApiKeyRequest};
pub use authorize::{
    append_query, AuthorizationRequest, AuthorizeDecision, AuthorizeError, Prompt, ValidAuthorization, SUPPORTED_SCOPES,
};
pub use browser::BrowserSession;
pub use email_verification::Verified;
pub use federation::{NewUpstream, FEDERATED_AMR};
pub use keys::{keep_published, rotate as keys_rotate};
pub use login::{LoginOutcome, LoginRequest};
pub use mfa::{MfaStatus, StepUpProof};
pub use oauth_token::{ClientCredentials, OAuthTokenResponse, TokenFields, TokenGrant};
pub use oauth_tokens::{Introspection, LogoutOutcome, LogoutRequest, UserInfo};
pub use passkeys::CeremonyStart;
pub use presence::FAILED_PROOFS_PER_SESSION;
pub use register::RegisterRequest;
pub use roles::{NewRole, RoleUpdate};
pub use totp::TotpEnrollment;

use crate::account::{Role, User, UserId};
use crate::audit::{AuditEvent, ClientInfo};
use crate::clock::Clock;
use crate::crypto::{random_token, MasterKey, TokenDigest};
use crate::error::{Error, Result};
use crate::mail::{Mail, Mailer};
use crate::notices::Notices;
use crate::password::{PasswordHasher, PasswordPolicy};
use crate::ratelimit::{Rate, RateLimiter};
use crate::session::{RefreshRecord, Session, SessionId, SessionKind};
use crate::store::{Store, StoreTx};
use crate::token::{
    AccessTokenIssuer, Grant, KeyRing, SigningAlg, TokenSettings, DEFAULT_SCOPE, ENROLL_SCOPE, PERMISSIONS_SCOPE,
};

/// Lockout after consecutive failed logins: from `threshold` failures on, the
/// account's password login is refused for `base_delay * 2^(failures - threshold)`,
/// at most `max_delay`.
#[derive(Clone, Debug)]
pub struct LockoutPolicy {
    pub threshold: u32,
    pub base_delay: Duration,
    pub max_delay: Duration,
}

impl Default for LockoutPolicy {
    fn default() -> Self {
        Self { threshold: 5, base_delay: Duration::from_secs(5), max_delay: Duration::from_secs(15 * 60) }
    }
}

impl LockoutPolicy {
    /// How long to lock after `failures` consecutive failures (None: no lock).
    pub fn delay_after(&self, failures: u32) -> Option<Duration> {
        let over = failures.checked_sub(self.threshold)?;
        let factor = 2u32.checked_pow(over.min(30)).unwrap_or(u32::MAX);
        Some(self.base_delay.saturating_mul(factor).min(self.max_delay))
    }
}

/// Rate limits of the account endpoints.
#[derive(Clone, Debug)]
pub struct RateLimits {
    pub login_per_ip: Rate,
    /// Burst limit per account (or per unknown login name).
    pub login_per_account: Rate,
    /// Hard hourly budget per account: with it no more than this many password
    /// attempts per hour are possible, whatever the lockout state.
    pub login_per_account_hourly: Rate,
    pub register_per_ip: Rate,
    pub refresh_per_ip: Rate,
    /// Second-factor attempts per IP and per account.
    pub mfa_per_ip: Rate,
    pub mfa_per_account: Rate,
    /// Password-reset requests per IP and per email address.
    pub forgot_per_ip: Rate,
    pub forgot_per_email: Rate,
    /// Verification mails re-sent per account.
    pub resend_per_account: Rate,
    /// Requests carrying an API key, per IP (checked before the key is looked up).
    pub api_key_per_ip: Rate,
    /// Requests with one API key.
    pub api_key_per_key: Rate,
    /// API keys made (or rotated) per account.
    pub api_key_creation: Rate,
}

impl Default for RateLimits {
    fn default() -> Self {
        Self {
            login_per_ip: Rate::per_minute(30),
            login_per_account: Rate::per_minute(10),
            login_per_account_hourly: Rate::per_hour(100),
            register_per_ip: Rate::per_hour(20),
            refresh_per_ip: Rate::per_minute(120),
            mfa_per_ip: Rate::per_minute(30),
            mfa_per_account: Rate::per_minute(10),
            forgot_per_ip: Rate::per_hour(20),
            forgot_per_email: Rate::per_hour(5),
            resend_per_account: Rate::per_hour(5),
            api_key_per_ip: Rate::per_minute(1200),
            api_key_per_key: Rate::per_minute(600),
            api_key_creation: Rate::per_hour(20),
        }
    }
}

/// Everything the flows need to know from configuration.
#[derive(Clone, Debug)]
pub struct AccountsConfig {
    pub tokens: TokenSettings,
    pub signing_alg: SigningAlg,
    pub session_idle: Duration,
    pub session_absolute: Duration,
    /// A spent refresh token presented again by the same client within this
    /// window gets the same successor instead of ending the session.
    pub refresh_grace: Duration,
    pub lockout: LockoutPolicy,
    pub limits: RateLimits,
    pub password_policy: PasswordPolicy,
    /// Roles a self-registered user gets.
    pub default_roles: Vec<Role>,
    /// Shown as the issuer in authenticator apps.
    pub product_name: String,
    /// Sensitive MFA changes need an authentication at most this old.
    pub step_up_window: Duration,
    /// Every user must have a second factor.
    pub mfa_required: bool,
    /// Users with any of these roles must have a second factor.
    pub mfa_required_roles: Vec<Role>,
    pub webauthn: WebauthnSettings,
    /// Password login is refused (`email_not_verified`) until the address is verified.
    pub require_verified_email: bool,
    pub email_verification_ttl: Duration,
    pub password_reset_ttl: Duration,
    pub browser: BrowserSessionConfig,
    pub oauth: OAuthConfig,
}

/// The WebAuthn relying party: by default the issuer's host and origin.
#[derive(Clone, Debug)]
pub struct WebauthnSettings {
    pub rp_id: String,
    pub origin: String,
}

/// Where a person is signing in: the JSON API (token pair) or Gatehouse's own
/// pages in a browser (a session cookie).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SignIn {
    Api,
    Browser { remember: bool },
}

/// Lifetimes of browser sessions (the sign-in pages' cookie).
#[derive(Clone, Debug)]
pub struct BrowserSessionConfig {
    /// Ends the session after this long without a request.
    pub idle: Duration,
    /// Ends it whatever happens.
    pub absolute: Duration,
    /// The absolute lifetime with "Remember me".
    pub remembered: Duration,
}

/// The OAuth 2.0 / OpenID Connect provider's policy.
#[derive(Clone, Debug)]
pub struct OAuthConfig {
    /// How long an authorization code can be redeemed (60 s).
    pub code_ttl: Duration,
    /// PKCE (S256) for confidential clients too, not only public ones (RFC 9700 §2.1.1).
    pub pkce_required: bool,
}

impl Default for OAuthConfig {
    fn default() -> Self {
        Self { code_ttl: Duration::from_secs(60), pkce_required: true }
    }
}

impl Default for BrowserSessionConfig {
    fn default() -> Self {
        Self {
            idle: Duration::from_secs(30 * 60),
            absolute: Duration::from_secs(12 * 3600),
            remembered: Duration::from_secs(30 * 86400),
        }
    }
}

/// A new access token + refresh token pair for a session.
#[derive(Debug)]
pub struct TokenPair {
    pub access_token: SecretString,
    pub expires_in: u64,
    pub refresh_token: SecretString,
    pub session_id: SessionId,
    /// `mfa_enroll` when the user must set up a second factor first.
    pub scope: String,
}

/// A caller the server has verified: by a bearer access token
/// ([`Accounts::authenticate`]) or by a browser session
/// ([`Accounts::browser_auth`]). Only those two build one — the fields are
/// private — and a browser session is not dressed up as a token: it carries
/// no claims, only who, which session and whether it may only enrol a second
/// factor.
#[derive(Clone, Debug)]
pub struct Authenticated {
    user_id: UserId,
    session_id: SessionId,
    /// The session may only enrol a second factor (policy demands one and it
    /// was not signed in with one; tokens: the `mfa_enroll` scope).
    enrolling: bool,
}

impl Authenticated {
    pub fn user_id(&self) -> UserId {
        self.user_id
    }

    pub fn session_id(&self) -> SessionId {
        self.session_id
    }

    /// The session may only enrol a second factor.
    pub fn may_only_enroll(&self) -> bool {
        self.enrolling
    }
}

/// The account service.
pub struct Accounts {
    store: Arc<dyn Store>,
    hasher: Arc<PasswordHasher>,
    limiter: Arc<dyn RateLimiter>,
    master: Arc<MasterKey>,
    keys: RwLock<Arc<KeyRing>>,
    /// When a token with an unknown `kid` last made this node re-read the keys.
    kid_reload: keys::ReloadGate,
    /// OAuth clients the token endpoint saw moments ago.
    clients: client_cache::ClientCache,
    successor_key: SecretBox<[u8; 32]>,
    /// What backup codes are stored under (see `mfa::backup`).
    backup_key: crate::mfa::backup::CodeKey,
    passkeys: Option<crate::mfa::webauthn::Passkeys>,
    mailer: Arc<dyn Mailer>,
    notices: Notices,
    config: AccountsConfig,
    /// Where every flow reads "now" (see `clock`).
    clock: Arc<dyn Clock>,
}

impl Accounts {
    /// Builds the service; creates the first signing key if there is none.
    pub async fn new(
        store: Arc<dyn Store>,
        hasher: Arc<PasswordHasher>,
        limiter: Arc<dyn RateLimiter>,
        master: Arc<MasterKey>,
        mailer: Arc<dyn Mailer>,
        config: AccountsConfig,
        clock: Arc<dyn Clock>,
    ) -> Result<Self> {
        let ring = keys::load_or_create(store.as_ref(), &master, config.signing_alg, clock.now()).await?;
        let successor_key = master.derive("gatehouse/refresh-successor/v1");
        let backup_key = crate::mfa::backup::CodeKey::derive(&master);
        let passkeys = match crate::mfa::webauthn::Passkeys::new(
            &config.webauthn.rp_id,
            &config.webauthn.origin,
            &config.product_name,
        ) {
            Ok(p) => Some(p),
            Err(e) => {
                tracing::warn!(
                    rp_id = %config.webauthn.rp_id,
                    error = %e,
                    "passkeys are off: WebAuthn needs a domain name, not an IP address (e.g. issuer http://localhost:8080)"
                );
                None
            }
        };
        let notices = Notices::new(&config.product_name, &config.tokens.issuer)?;
        let accounts = Self {
            store,
            hasher,
            limiter,
            master,
            keys: RwLock::new(Arc::new(ring)),
            kid_reload: keys::ReloadGate::default(),
            clients: client_cache::ClientCache::default(),
            successor_key,
            backup_key,
            passkeys,
            mailer,
            notices,
            config,
            clock,
        };
        accounts.sync_roles().await?;
        accounts.rekey_backup_codes().await?;
        Ok(accounts)
    }

    pub fn store(&self) -> &Arc<dyn Store> {
        &self.store
    }

    pub fn hasher(&self) -> &Arc<PasswordHasher> {
        &self.hasher
    }

    pub fn config(&self) -> &AccountsConfig {
        &self.config
    }

    /// The time the flows decide by.
    pub fn now(&self) -> OffsetDateTime {
        self.clock.now()
    }

    pub fn clock(&self) -> &Arc<dyn Clock> {
        &self.clock
    }

    /// The key ring in use now.
    pub fn key_ring(&self) -> Arc<KeyRing> {
        match self.keys.read() {
            Ok(guard) => guard.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    /// Verifies a bearer access token (signature and claims only; no database).
    pub async fn authenticate(&self, token: &str) -> Result<Authenticated> {
        let claims = self.verify_access(token).await?;
        let user_id = claims.user_id()?;
        let session_id = claims.session_id()?;
        Ok(Authenticated { user_id, session_id, enrolling: claims.has_scope(ENROLL_SCOPE) })
    }

    /// Like [`Accounts::authenticate`], and the token's session must still be
    /// active (not logged out, not expired). A token restricted to enrolling a
    /// second factor is refused (`mfa_enrollment_required`).
    pub async fn authenticate_live(&self, token: &str) -> Result<Authenticated> {
        let auth = self.authenticate_for_enrollment(token).await?;
        if auth.may_only_enroll() {
            return Err(Error::MfaEnrollmentRequired);
        }
        Ok(auth)
    }

    /// Like [`Accounts::authenticate_live`] but also accepts a token restricted
    /// to enrolling a second factor (for the enrolment endpoints and `/me`).
    pub async fn authenticate_for_enrollment(&self, token: &str) -> Result<Authenticated> {
        let auth = self.authenticate(token).await?;
        let now = self.now();
        // Tokens an OAuth client holds for the user are for resource servers
        // and userinfo, never for managing the account.
        match self.store.session(auth.session_id()).await? {
            Some(s) if s.is_active(now) && s.user_id == auth.user_id() && s.kind == SessionKind::Api => Ok(auth),
            _ => Err(Error::InvalidToken),
        }
    }

    /// Opens a new session for `user`, authenticated by `amr`, and returns its
    /// first token pair (for a browser, the refresh token is the cookie value).
    async fn open_session(&self, user: &User, amr: Vec<String>, client: &ClientInfo, via: SignIn) -> Result<TokenPair> {
        let (session, refresh) = self.new_session(user, amr, client, via);
        self.store.create_session(&session, &first_link(&session, &refresh)).await?;
        self.token_pair(user, &session, refresh)
    }

    /// Like [`Accounts::open_session`], written in `unit`.
    async fn open_session_in(
        &self,
        unit: &dyn StoreTx,
        user: &User,
        amr: Vec<String>,
        client: &ClientInfo,
        via: SignIn,
    ) -> Result<TokenPair> {
        let (session, refresh) = self.new_session(user, amr, client, via);
        unit.create_session(&session, &first_link(&session, &refresh)).await?;
        self.token_pair(user, &session, refresh)
    }

    /// A new session and its first refresh token (not yet stored).
    fn new_session(&self, user: &User, amr: Vec<String>, client: &ClientInfo, via: SignIn) -> (Session, SecretString) {
        let now = self.now();
        let (kind, idle, absolute) = match via {
            SignIn::Api => (SessionKind::Api, self.config.session_idle, self.config.session_absolute),
            SignIn::Browser { remember } => (
                SessionKind::Browser,
                self.config.browser.idle,
                if remember { self.config.browser.remembered } else { self.config.browser.absolute },
            ),
        };
        let session = Session {
            id: SessionId::new(),
            user_id: user.id,
            created_at: now,
            last_used_at: now,
            idle_expires_at: now + idle,
            absolute_expires_at: now + absolute,
            revoked_at: None,
            ip: client.ip.clone(),
            user_agent: client.user_agent.as_ref().map(|ua| ua.chars().take(512).collect()),
            amr,
            auth_time: now,
            kind,
        };
        (session, random_token())
    }

    fn token_pair(&self, user: &User, session: &Session, refresh: SecretString) -> Result<TokenPair> {
        let (scope, client_id) = match &session.kind {
            SessionKind::OAuth { client_id, scope } => (scope.as_str(), Some(client_id.as_str())),
            _ if self.must_enroll(user, &session.amr) => (ENROLL_SCOPE, None),
            _ => (DEFAULT_SCOPE, None),
        };
        let access = self.access_token(user, session, scope, client_id)?;
        Ok(TokenPair {
            access_token: access.token,
            expires_in: access.expires_in,
            refresh_token: refresh,
            session_id: session.id,
            scope: scope.to_owned(),
        })
    }

    /// An access token for `user` in `session`, with `scope`.
    fn access_token(
        &self,
        user: &User,
        session: &Session,
        scope: &str,
        client_id: Option<&str>,
    ) -> Result<crate::token::IssuedAccessToken> {
        // Gatehouse's own sessions carry the permissions; an OAuth client's
        // tokens only when it was granted the `permissions` scope; a token
        // that may only enrol a second factor never.
        let permissions: &[crate::rbac::Permission] = match &session.kind {
            _ if scope == ENROLL_SCOPE => &[],
            SessionKind::OAuth { .. } if !scope.split(' ').any(|s| s == PERMISSIONS_SCOPE) => &[],
            _ => &user.permissions,
        };
        let grant = Grant {
            user: user.id,
            session: session.id,
            roles: &user.roles,
            permissions,
            amr: &session.amr,
            auth_time: session.auth_time.unix_timestamp(),
            scope,
            client_id,
        };
        AccessTokenIssuer::issue(&self.key_ring(), &self.config.tokens, &grant, self.clock.unix())
    }

    /// Policy demands a second factor of this user.
    fn mfa_required_for(&self, user: &User) -> bool {
        self.config.mfa_required || user.roles.iter().any(|r| self.config.mfa_required_roles.contains(r))
    }

    /// The user must enrol a second factor before getting full tokens: policy
    /// demands one and this session was not authenticated with one.
    fn must_enroll(&self, user: &User, amr: &[String]) -> bool {
        self.mfa_required_for(user) && !amr.iter().any(|m| m == crate::mfa::amr::MFA)
    }

    async fn load_user(&self, id: UserId) -> Result<User> {
        self.store.user_by_id(id).await?.ok_or_else(|| Error::NotFound("no such user".into()))
    }

    /// Opens a unit of work: the writes of one command commit together or
    /// not at all (see [`StoreTx`]). Do slow work — hashing a password,
    /// calling out — before it: on SQLite an open unit holds the write lock.
    async fn begin(&self) -> Result<Box<dyn StoreTx>> {
        Ok(self.store.begin().await?)
    }

    /// Writes an audit event in `unit`: the record commits with what it
    /// records, or neither does.
    async fn audit_in(&self, unit: &dyn StoreTx, mut event: AuditEvent) -> Result<()> {
        event.at = self.now();
        Ok(unit.append(&event).await?)
    }

    /// Writes an audit event on its own. A failure to audit is logged, not
    /// surfaced: the action it records has already happened.
    async fn audit(&self, mut event: AuditEvent) {
        event.at = self.now();
        if let Err(e) = self.store.append(&event).await {
            tracing::error!(error = %e, kind = event.kind.as_str(), "cannot write audit event");
        }
    }

    /// Applies the password policy (off the async runtime: zxcvbn is CPU work)
    /// and hashes the accepted password. `context` is what the password must
    /// not be built from (username, email).
    async fn hash_new_password(
        &self,
        password: &SecretString,
        context: [&str; 2],
    ) -> Result<crate::password::StoredHash> {
        let policy = self.config.password_policy;
        let candidate = password.clone();
        let context = context.map(str::to_owned);
        let checked = tokio::task::spawn_blocking(move || {
            policy.check(candidate.expose_secret(), &[context[0].as_str(), context[1].as_str()])
        })
        .await
        .map_err(Error::internal)??;
        self.hasher.hash(checked.into_secret()).await
    }

    /// Hands a rendered notice to the mailer; a rendering failure is logged.
    fn mail(&self, mail: Result<Mail>) {
        match mail {
            Ok(mail) => self.mailer.send(mail),
            Err(e) => tracing::error!(error = %e, "cannot render a notice"),
        }
    }

    async fn limit(&self, scope: &str, subject: &str, rate: Rate) -> Result<()> {
        self.limiter.hit(&format!("{scope}:{subject}"), rate).await
    }
}

/// The first refresh-token record of a new session's chain.
fn first_link(session: &Session, refresh: &SecretString) -> RefreshRecord {
    RefreshRecord {
        id: Uuid::now_v7(),
        session_id: session.id,
        parent_id: None,
        digest: TokenDigest::of(refresh.expose_secret()),
        created_at: session.created_at,
        spent_at: None,
        spent_by: None,
    }
}

/// A short, non-reversible fingerprint of the client (IP + user agent), used to
/// recognise "the same client" retrying a refresh.
fn client_fingerprint(client: &ClientInfo) -> String {
    let mut h = Sha256::new();
    h.update(client.ip.as_deref().unwrap_or("").as_bytes());
    h.update(b"\n");
    h.update(client.user_agent.as_deref().unwrap_or("").as_bytes());
    hex::encode(&h.finalize()[..16])
}

/// The client's address as a limiter counts it: IPv6 by its /64 (see
/// [`crate::ratelimit::client_unit`]).
fn ip_key(client: &ClientInfo) -> String {
    match client.ip.as_deref().map(|ip| ip.parse::<std::net::IpAddr>()) {
        Some(Ok(ip)) => crate::ratelimit::client_unit(ip).to_string(),
        Some(Err(_)) | None => client.ip.clone().unwrap_or_else(|| "unknown".to_owned()),
    }
}

fn elapsed_since(then: OffsetDateTime, now: OffsetDateTime) -> Duration {
    let d = now - then;
    if d.is_negative() {
        Duration::ZERO
    } else {
        d.unsigned_abs()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lockout_backs_off_exponentially_and_caps() {
        let p = LockoutPolicy::default();
        assert_eq!(p.delay_after(4), None);
        assert_eq!(p.delay_after(5), Some(Duration::from_secs(5)));
        assert_eq!(p.delay_after(6), Some(Duration::from_secs(10)));
        assert_eq!(p.delay_after(8), Some(Duration::from_secs(40)));
        assert_eq!(p.delay_after(40), Some(Duration::from_secs(900)));
        assert_eq!(p.delay_after(u32::MAX), Some(Duration::from_secs(900)));
    }
}
