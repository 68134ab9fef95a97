//! `/api/auth/webauthn/*`: passkeys and security keys — registration,
//! management, and sign-in (as a second factor or without a password).
//!
//! `options` in the start answers is what the browser passes to
//! `navigator.credentials.create()` / `get()` (with base64url strings, as
//! `PublicKeyCredential.parseCreationOptionsFromJSON` expects); `credential`
//! in the finish requests is the resulting `PublicKeyCredential` as JSON.

pub mod credentials;
pub mod login;
pub mod register;

use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

#[derive(Serialize, ToSchema)]
pub struct CeremonyResponse {
    /// Send back with the finish request.
    pub ceremony_id: Uuid,
    /// WebAuthn options (`publicKey` member) for the browser.
    #[schema(value_type = Object)]
    pub options: serde_json::Value,
}

impl From<gatehouse_core::flows::CeremonyStart> for CeremonyResponse {
    fn from(c: gatehouse_core::flows::CeremonyStart) -> Self {
        Self { ceremony_id: c.ceremony_id, options: c.options }
    }
}
