//! `/api/auth/mfa/*`: the second step of login, and managing the
//! authenticator app and backup codes.

pub mod backup_codes;
pub mod totp;
pub mod verify;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Proof of identity for sensitive changes when the last sign-in is older
/// than the step-up window: the password or a current authenticator code.
#[derive(Deserialize, ToSchema, Default)]
pub struct StepUpBody {
    #[serde(default)]
    #[schema(value_type = Option<String>, format = Password)]
    pub password: Option<secrecy::SecretString>,
    #[serde(default)]
    pub code: Option<String>,
}

impl From<StepUpBody> for gatehouse_core::flows::StepUpProof {
    fn from(b: StepUpBody) -> Self {
        Self { password: b.password, code: b.code }
    }
}

/// Freshly generated backup codes: shown once, each usable once.
#[derive(Serialize, ToSchema)]
pub struct BackupCodesResponse {
    pub backup_codes: Vec<String>,
}

impl BackupCodesResponse {
    pub fn new(codes: Vec<secrecy::SecretString>) -> Self {
        use secrecy::ExposeSecret;
        Self { backup_codes: codes.iter().map(|c| c.expose_secret().to_owned()).collect() }
    }
}
