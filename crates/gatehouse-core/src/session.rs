//! Sessions and the refresh tokens bound to them.
//!
//! A session is one sign-in on one device. It owns a chain of refresh tokens:
//! each refresh spends the current token and creates its successor. Only the
//! SHA-256 digest of a refresh token is ever stored.

use std::fmt;

use time::OffsetDateTime;
use uuid::Uuid;

use crate::account::UserId;
use crate::crypto::TokenDigest;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(transparent)]
pub struct SessionId(pub Uuid);

impl SessionId {
    pub fn new() -> Self {
        Self(Uuid::now_v7())
    }
}

impl Default for SessionId {
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Display for SessionId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// What a session is for: who holds its tokens.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SessionKind {
    /// The JSON API: the holder has an access + refresh token pair.
    Api,
    /// A browser signed in to Gatehouse's own pages: the "refresh token" of
    /// its chain is the value of the session cookie, never rotated.
    Browser,
    /// Tokens issued to an OAuth client on the user's behalf (authorization
    /// code grant), limited to the granted scope.
    OAuth { client_id: String, scope: crate::oauth::ScopeSet },
}

impl SessionKind {
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Api => "api",
            Self::Browser => "browser",
            Self::OAuth { .. } => "oauth",
        }
    }

    /// The OAuth client the session belongs to, if any.
    pub fn client_id(&self) -> Option<&str> {
        match self {
            Self::OAuth { client_id, .. } => Some(client_id),
            _ => None,
        }
    }
}

/// One sign-in.
#[derive(Clone, Debug)]
pub struct Session {
    pub id: SessionId,
    pub user_id: UserId,
    pub created_at: OffsetDateTime,
    pub last_used_at: OffsetDateTime,
    /// Ends the session when no refresh happens before it (idle lifetime).
    pub idle_expires_at: OffsetDateTime,
    /// Ends the session whatever happens (absolute lifetime).
    pub absolute_expires_at: OffsetDateTime,
    pub revoked_at: Option<OffsetDateTime>,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
    /// How the user authenticated (RFC 8176 method references, e.g. `pwd`, `otp`, `mfa`).
    pub amr: crate::amr::Amr,
    /// When the user last proved who they are in this session (login or step-up).
    pub auth_time: OffsetDateTime,
    pub kind: SessionKind,
}

impl Session {
    /// Active means: not revoked and inside both lifetimes.
    pub fn is_active(&self, now: OffsetDateTime) -> bool {
        self.revoked_at.is_none() && now < self.idle_expires_at && now < self.absolute_expires_at
    }

    /// Whether a use at `now` should move the idle deadline (a write): once
    /// a minute, or per half the `idle` window when that is shorter. Between
    /// two moves the deadline lags by at most that much.
    pub fn touch_due(&self, now: OffsetDateTime, idle: std::time::Duration) -> bool {
        const EVERY: time::Duration = time::Duration::seconds(60);
        now - self.last_used_at >= EVERY.min(time::Duration::try_from(idle / 2).unwrap_or(EVERY))
    }
}

/// A use of a session that moves its idle deadline (see
/// [`crate::store::SessionStore::touch_sessions`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SessionUse {
    pub id: SessionId,
    pub last_used_at: OffsetDateTime,
    pub idle_expires_at: OffsetDateTime,
}

/// A stored refresh token (its digest) in a session's chain.
#[derive(Clone, Debug)]
pub struct RefreshRecord {
    pub id: Uuid,
    pub session_id: SessionId,
    /// The token this one replaced, if any.
    pub parent_id: Option<Uuid>,
    pub digest: TokenDigest,
    pub created_at: OffsetDateTime,
    pub spent_at: Option<OffsetDateTime>,
    /// Fingerprint of the client that spent it (for the retry grace window).
    pub spent_by: Option<String>,
}

/// The new link of a chain, written together with spending the old one.
#[derive(Clone, Debug)]
pub struct Rotation {
    pub old_digest: TokenDigest,
    pub new_id: Uuid,
    pub new_digest: TokenDigest,
    pub client_fingerprint: String,
    pub now: OffsetDateTime,
    /// The session's new idle deadline (and `now` its last use); `None`
    /// leaves the session row alone — it was used moments ago, and skipping
    /// the write keeps the rotation short (see `flows/parts/refresh_tokens.rs`).
    pub idle_expires_at: Option<OffsetDateTime>,
}
