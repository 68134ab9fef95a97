//! Account lifecycle by email: the single-use tokens behind "verify your
//! address", "reset your password" and "confirm your new address".

use std::time::Duration;

use time::OffsetDateTime;
use uuid::Uuid;

use crate::account::{Email, UserId};
use crate::crypto::TokenDigest;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EmailTokenKind {
    VerifyEmail,
    ResetPassword,
    ChangeEmail,
}

impl EmailTokenKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::VerifyEmail => "verify_email",
            Self::ResetPassword => "reset_password",
            Self::ChangeEmail => "change_email",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "verify_email" => Some(Self::VerifyEmail),
            "reset_password" => Some(Self::ResetPassword),
            "change_email" => Some(Self::ChangeEmail),
            _ => None,
        }
    }

    /// Default lifetimes: a day to verify, 30 minutes to reset, a day to confirm.
    pub fn default_ttl(self) -> Duration {
        match self {
            Self::VerifyEmail | Self::ChangeEmail => Duration::from_secs(24 * 3600),
            Self::ResetPassword => Duration::from_secs(30 * 60),
        }
    }
}

/// A stored token (only its SHA-256 digest).
#[derive(Clone, Debug)]
pub struct EmailToken {
    pub id: Uuid,
    pub user_id: UserId,
    pub kind: EmailTokenKind,
    pub digest: TokenDigest,
    /// For `ChangeEmail`: the address to switch to once confirmed.
    pub new_email: Option<Email>,
    pub created_at: OffsetDateTime,
    pub expires_at: OffsetDateTime,
    pub used_at: Option<OffsetDateTime>,
}
