//! The user record as the domain sees it.

use std::fmt;

use time::OffsetDateTime;
use uuid::Uuid;

use super::{Email, Role, Username};
use crate::rbac::Permission;

/// A user's stable identifier (UUID v7: time-ordered, so indexes stay compact).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
#[serde(transparent)]
pub struct UserId(pub Uuid);

impl UserId {
    pub fn new() -> Self {
        Self(Uuid::now_v7())
    }
}

impl Default for UserId {
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Display for UserId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// What the login form calls "username or email". Never logged in full by the
/// flows (it may be an email address).
#[derive(Clone, Debug)]
pub struct LoginName(String);

impl LoginName {
    /// The longest login name: an email address's 254 characters (a
    /// username is shorter). Longer input is no account's, and goes no further.
    pub const MAX_CHARS: usize = 254;

    /// A login name, trimmed; longer than [`Self::MAX_CHARS`] is refused as
    /// `invalid_credentials` before anything (a limiter key, a query) sees it.
    pub fn parse(raw: &str) -> Result<Self, crate::error::Error> {
        let name = raw.trim();
        if name.chars().count() > Self::MAX_CHARS {
            return Err(crate::error::Error::InvalidCredentials);
        }
        Ok(Self(name.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The SHA-256 of the name in lower case: how the failed sign-ins of a
    /// name no account has are kept (never the name itself).
    pub fn digest(&self) -> [u8; 32] {
        use sha2::{Digest, Sha256};
        Sha256::digest(self.0.to_lowercase().as_bytes()).into()
    }
}

/// A user as stored.
#[derive(Clone, Debug)]
pub struct User {
    pub id: UserId,
    pub username: Username,
    pub email: Email,
    /// PHC (or imported MCF) string. Never serialised, never shown.
    pub password_hash: crate::password::StoredHash,
    pub is_active: bool,
    pub email_verified: bool,
    pub roles: Vec<Role>,
    /// What the roles grant together, sorted, without duplicates.
    pub permissions: Vec<Permission>,
    /// An administrator demands a new password: password sign-in is refused
    /// (`password_reset_required`) until the password is reset.
    pub password_reset_required: bool,
    pub failed_logins: u32,
    pub locked_until: Option<OffsetDateTime>,
    /// The language the person chose (or registered in): their mails are in
    /// it. `None`: the default language. A tag the catalogs no longer have
    /// counts as `None` (see [`crate::i18n::Catalogs::supported`]).
    pub locale: Option<crate::i18n::Locale>,
    pub created_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
}

impl User {
    pub fn has_role(&self, role: &str) -> bool {
        self.roles.iter().any(|r| r.as_str() == role)
    }

    pub fn has_permission(&self, permission: &str) -> bool {
        self.permissions.iter().any(|p| p.as_str() == permission)
    }
}

/// A user about to be inserted.
#[derive(Clone, Debug)]
pub struct NewUser {
    pub id: UserId,
    pub username: Username,
    pub email: Email,
    pub password_hash: crate::password::StoredHash,
    pub email_verified: bool,
    pub roles: Vec<Role>,
    /// See [`User::locale`].
    pub locale: Option<crate::i18n::Locale>,
    pub created_at: OffsetDateTime,
}
