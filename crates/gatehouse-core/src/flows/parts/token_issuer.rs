//! The token issuer: Gatehouse's signing keys, the access tokens signed with
//! them, and the sessions those tokens belong to. It verifies what it
//! issued, so [`Authenticated`] — a caller proven by a token — is built here
//! and (for a browser session) by the authenticator only.

use std::sync::{Arc, RwLock};

use secrecy::{ExposeSecret, SecretString};
use time::OffsetDateTime;
use uuid::Uuid;

use super::keys::{self, ReloadGate};
use crate::account::{User, UserId};
use crate::amr::Amr;
use crate::audit::ClientInfo;
use crate::cache::BoundedCache;
use crate::clock::Clock;
use crate::crypto::{random_token, MasterKey, TokenDigest};
use crate::error::{Error, Result};
use crate::flows::{AccountsConfig, SignIn};
use crate::session::{RefreshRecord, Session, SessionId, SessionKind};
use crate::store::{KeyStore, SessionStore, StoreTx};
use crate::token::{
    AccessClaims, AccessTokenIssuer, Grant, IssuedAccessToken, KeyRing, SigningAlg, SigningKey, DEFAULT_SCOPE,
    ENROLL_SCOPE, PERMISSIONS_SCOPE,
};

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
/// ([`TokenIssuer::authenticate`]) or by a browser session
/// ([`crate::flows::Authenticator::browser_auth`]). Only those two build one
/// — the fields are private — and a browser session is not dressed up as a
/// token: it carries no claims, only who, which session and whether it may
/// only enrol a second factor.
#[derive(Clone, Debug)]
pub struct Authenticated {
    user_id: UserId,
    session_id: SessionId,
    /// The session may only enrol a second factor (policy demands one and it
    /// was not signed in with one; tokens: the `mfa_enroll` scope).
    enrolling: bool,
}

impl Authenticated {
    /// For the two verifiers only (this module and the browser sessions).
    pub(in crate::flows) fn verified(user_id: UserId, session_id: SessionId, enrolling: bool) -> Self {
        Self { user_id, session_id, enrolling }
    }

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

/// Signs and verifies access tokens, and opens sessions.
pub struct TokenIssuer {
    keys: RwLock<Arc<KeyRing>>,
    /// The claims of tokens whose signature this node has checked, by the
    /// token's digest: a token presented again costs a hash, not a signature
    /// check (see [`TokenIssuer::verify_access`]).
    verified: BoundedCache<TokenDigest, Arc<AccessClaims>>,
    /// When a token with an unknown `kid` last made this node re-read the keys.
    kid_reload: ReloadGate,
    key_store: Arc<dyn KeyStore>,
    sessions: Arc<dyn SessionStore>,
    master: Arc<MasterKey>,
    config: Arc<AccountsConfig>,
    clock: Arc<dyn Clock>,
}

impl TokenIssuer {
    /// Loads the signing keys, creating the first one on a fresh database.
    pub async fn load(
        key_store: Arc<dyn KeyStore>,
        sessions: Arc<dyn SessionStore>,
        master: Arc<MasterKey>,
        config: Arc<AccountsConfig>,
        clock: Arc<dyn Clock>,
    ) -> Result<Self> {
        let ring = keys::load_or_create(key_store.as_ref(), &master, config.signing_alg, clock.now()).await?;
        Ok(Self {
            keys: RwLock::new(Arc::new(ring)),
            verified: BoundedCache::new(config.session_cache_size, super::live_sessions::MAX_AGE),
            kid_reload: ReloadGate::default(),
            key_store,
            sessions,
            master,
            config,
            clock,
        })
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

    /// Verifies an access token (signature and claims; see
    /// [`AccessTokenIssuer::verify`]). A token signed with a key this node has
    /// not loaded yet — another node rotated a moment ago — makes it re-read
    /// the keys first, at most once a second (`keys::KID_RELOAD_INTERVAL`).
    ///
    /// A token verified before is recognised by its SHA-256 digest, and only
    /// its times are checked again: the same bytes under the same keys verify
    /// the same way. Every change of the key ring forgets them all.
    pub async fn verify_access(&self, token: &str) -> Result<AccessClaims> {
        let digest = TokenDigest::of(token);
        let at = self.clock.now();
        let now = self.clock.unix();
        if let Some(claims) = self.verified.get(&digest, at) {
            AccessTokenIssuer::check_times(&claims, now)?;
            return Ok(AccessClaims::clone(&claims));
        }
        let ticket = self.verified.ticket(&digest);
        let claims = self.verify_signed(token, now).await?;
        self.verified.put(digest, Arc::new(claims.clone()), ticket, at);
        Ok(claims)
    }

    /// [`TokenIssuer::verify_access`] without the memory of earlier tokens.
    async fn verify_signed(&self, token: &str, now: i64) -> Result<AccessClaims> {
        let ring = self.key_ring();
        match AccessTokenIssuer::verify(&ring, &self.config.tokens, token, now) {
            Err(Error::InvalidToken)
                if AccessTokenIssuer::names_unknown_key(&ring, token) && self.kid_reload.try_open() =>
            {
                match self.reload_keys().await {
                    Ok(true) => AccessTokenIssuer::verify(&self.key_ring(), &self.config.tokens, token, now),
                    Ok(false) => Err(Error::InvalidToken),
                    Err(e) => {
                        tracing::warn!(error = %e, "cannot reload signing keys for an unknown key id");
                        Err(Error::InvalidToken)
                    }
                }
            }
            other => other,
        }
    }

    /// Re-reads the published keys; returns whether the ring changed.
    pub async fn reload_keys(&self) -> Result<bool> {
        let published = self.key_store.published_keys().await?;
        if self.key_ring().matches(&published) {
            return Ok(false);
        }
        let ring = KeyRing::open(&published, &self.master, self.config.signing_alg)?;
        tracing::info!(current = %ring.current().kid, "signing keys reloaded");
        match self.keys.write() {
            Ok(mut guard) => *guard = Arc::new(ring),
            Err(poisoned) => *poisoned.into_inner() = Arc::new(ring),
        }
        // A key may have left the ring: what it signed must be checked again.
        self.verified.clear();
        Ok(true)
    }

    /// The ring, with a current key for `alg` (created on first use).
    pub async fn ring_with(&self, alg: SigningAlg) -> Result<Arc<KeyRing>> {
        let ring = self.key_ring();
        if ring.current_for(alg).is_some() {
            return Ok(ring);
        }
        // Another node may have created it since our last reload.
        self.reload_keys().await?;
        if self.key_ring().current_for(alg).is_none() {
            let key = SigningKey::generate(alg, &self.master, self.clock.now())?;
            self.key_store.rotate_in(&key, keys::keep_published(self.config.tokens.access_ttl)).await?;
            tracing::info!(kid = %key.kid, alg = alg.as_str(), "generated the first signing key for this algorithm");
            self.reload_keys().await?;
        }
        Ok(self.key_ring())
    }

    /// Opens a new session for `user`, authenticated by `amr`, and returns its
    /// first token pair (for a browser, the refresh token is the cookie value).
    pub async fn open_session(&self, user: &User, amr: Amr, client: &ClientInfo, via: SignIn) -> Result<TokenPair> {
        let (session, refresh) = self.new_session(user, amr, client, via);
        self.sessions.create_session(&session, &first_link(&session, &refresh)).await?;
        self.token_pair(user, &session, refresh)
    }

    /// Like [`TokenIssuer::open_session`], written in `unit`.
    pub async fn open_session_in(
        &self,
        unit: &dyn StoreTx,
        user: &User,
        amr: Amr,
        client: &ClientInfo,
        via: SignIn,
    ) -> Result<TokenPair> {
        let (session, refresh) = self.new_session(user, amr, client, via);
        unit.create_session(&session, &first_link(&session, &refresh)).await?;
        self.token_pair(user, &session, refresh)
    }

    /// A new session and its first refresh token (not yet stored).
    pub fn new_session(&self, user: &User, amr: Amr, client: &ClientInfo, via: SignIn) -> (Session, SecretString) {
        let now = self.clock.now();
        let config = &self.config;
        let (kind, idle, absolute) = match via {
            SignIn::Api => (SessionKind::Api, config.session_idle, config.session_absolute),
            SignIn::Browser { remember } => (
                SessionKind::Browser,
                config.browser.idle,
                if remember { config.browser.remembered } else { config.browser.absolute },
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

    /// The access token of `session` with `refresh` beside it.
    pub fn token_pair(&self, user: &User, session: &Session, refresh: SecretString) -> Result<TokenPair> {
        let (scope, client_id) = match &session.kind {
            SessionKind::OAuth { client_id, scope } => (scope.to_string(), Some(client_id.as_str())),
            _ if self.config.must_enroll(user, &session.amr) => (ENROLL_SCOPE.to_owned(), None),
            _ => (DEFAULT_SCOPE.to_owned(), None),
        };
        let access = self.access_token(user, session, &scope, client_id)?;
        Ok(TokenPair {
            access_token: access.token,
            expires_in: access.expires_in,
            refresh_token: refresh,
            session_id: session.id,
            scope,
        })
    }

    /// An access token for `user` in `session`, with `scope`.
    pub fn access_token(
        &self,
        user: &User,
        session: &Session,
        scope: &str,
        client_id: Option<&str>,
    ) -> Result<IssuedAccessToken> {
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

    /// The time tokens are issued and checked at.
    pub fn now(&self) -> OffsetDateTime {
        self.clock.now()
    }
}

/// The first refresh-token record of a new session's chain.
pub(crate) fn first_link(session: &Session, refresh: &SecretString) -> RefreshRecord {
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
