//! Multi-factor authentication: TOTP authenticator apps, single-use backup
//! codes, and the short-lived challenge that links a password login to its
//! second factor.

pub mod backup;
pub mod totp;
pub mod webauthn;

use time::OffsetDateTime;
use uuid::Uuid;

use crate::account::UserId;
use crate::crypto::TokenDigest;

/// A user's TOTP secret as stored (sealed with the master key, context = user id).
#[derive(Clone, Debug)]
pub struct TotpRecord {
    pub user_id: UserId,
    pub secret_sealed: Vec<u8>,
    pub created_at: OffsetDateTime,
    /// `None` while set up but not yet confirmed with a code.
    pub enabled_at: Option<OffsetDateTime>,
    /// The last time step accepted (replay protection: only later steps pass).
    pub last_step: Option<i64>,
}

/// A registered WebAuthn credential (passkey or security key).
#[derive(Clone, Debug)]
pub struct WebauthnCredential {
    pub id: Uuid,
    pub user_id: UserId,
    /// The authenticator's credential id (unique across all users).
    pub credential_id: Vec<u8>,
    /// A name the user gave it ("YubiKey", "Phone").
    pub name: String,
    /// The webauthn-rs passkey, serialised (public key, counter, flags).
    pub passkey: String,
    pub created_at: OffsetDateTime,
    pub last_used_at: Option<OffsetDateTime>,
}

/// What a WebAuthn ceremony is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CeremonyKind {
    Register,
    /// Second factor after a password (bound to an MFA challenge).
    SecondFactor,
    /// Passwordless sign-in with a discoverable credential.
    Passwordless,
}

impl CeremonyKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Register => "register",
            Self::SecondFactor => "second_factor",
            Self::Passwordless => "passwordless",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "register" => Some(Self::Register),
            "second_factor" => Some(Self::SecondFactor),
            "passwordless" => Some(Self::Passwordless),
            _ => None,
        }
    }
}

/// Server-side state between the start and the finish of a WebAuthn ceremony.
#[derive(Clone, Debug)]
pub struct WebauthnCeremony {
    pub id: Uuid,
    pub kind: CeremonyKind,
    /// The user registering or signing in (None for passwordless).
    pub user_id: Option<UserId>,
    /// For `SecondFactor`: the MFA challenge it completes.
    pub mfa_challenge: Option<Uuid>,
    /// webauthn-rs ceremony state, serialised.
    pub state: String,
    pub created_at: OffsetDateTime,
    pub expires_at: OffsetDateTime,
}

/// The pending second step of a login. The client holds the `mfa_token`;
/// only its digest is stored.
#[derive(Clone, Debug)]
pub struct MfaChallenge {
    pub id: Uuid,
    pub user_id: UserId,
    pub digest: TokenDigest,
    /// Methods already passed (the first factor), e.g. `pwd`.
    pub amr: crate::amr::Amr,
    pub created_at: OffsetDateTime,
    pub expires_at: OffsetDateTime,
    pub failed_attempts: u32,
    pub used_at: Option<OffsetDateTime>,
}

/// Which second factors a user has: one store query (`MfaStore::second_factors`).
#[derive(Clone, Debug, Default)]
pub struct MfaStatus {
    pub totp: bool,
    pub passkeys: u32,
    pub backup_codes_remaining: u32,
}

impl MfaStatus {
    /// A factor that can be used on its own (backup codes are a fallback only).
    pub fn has_second_factor(&self) -> bool {
        self.totp || self.passkeys > 0
    }

    pub fn methods(&self) -> Vec<String> {
        let mut methods = Vec::new();
        if self.totp {
            methods.push("totp".to_owned());
        }
        if self.passkeys > 0 {
            methods.push("webauthn".to_owned());
        }
        if self.backup_codes_remaining > 0 {
            methods.push("backup_code".to_owned());
        }
        methods
    }
}
