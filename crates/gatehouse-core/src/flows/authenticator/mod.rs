//! The authenticator: how a person proves who they are and keeps a session —
//! password sign-in with its lockout, second factors (TOTP, backup codes,
//! passkeys), sign-in through an upstream provider, sessions and refresh,
//! browser sessions, API keys, step-up, and forward-auth for reverse proxies.

mod api_keys;
mod browser;
mod federation;
mod forward_auth;
mod login;
mod logout;
mod mfa;
mod passkeys;
mod password_check;
mod refresh;
mod sessions;
mod totp;
mod totp_pending;

use std::sync::Arc;

pub use crate::flows::parts::MfaStatus;
pub use api_keys::{ApiKeyAuth, ApiKeyRequest};
pub use browser::BrowserSession;
pub use federation::NewUpstream;
pub use forward_auth::ProxyVerdict;
pub use login::{LoginOutcome, LoginRequest};
pub use mfa::StepUpProof;
pub use passkeys::CeremonyStart;
pub use totp::TotpEnrollment;

use super::parts::{
    ApiKeyCheck, AuditSink, Authenticated, Limits, LiveSessions, Proofs, RefreshTokens, TokenIssuer, Units,
};
use super::AccountsConfig;
use crate::clock::Clock;
use crate::crypto::MasterKey;
use crate::error::{Error, Result};
use crate::mfa::backup::CodeKey;
use crate::mfa::webauthn::Passkeys;
use crate::password::PasswordHasher;
use crate::session::SessionKind;
use crate::store::{ApiKeyStore, FederationStore, MfaStore, SessionStore, UserStore, WebauthnStore};

/// Signs people in and keeps their sessions.
pub struct Authenticator {
    pub(super) users: Arc<dyn UserStore>,
    pub(super) sessions: Arc<dyn SessionStore>,
    pub(super) mfa: Arc<dyn MfaStore>,
    pub(super) webauthn: Arc<dyn WebauthnStore>,
    pub(super) api_keys: Arc<dyn ApiKeyStore>,
    pub(super) upstreams: Arc<dyn FederationStore>,
    pub(super) units: Units,
    pub(super) tokens: Arc<TokenIssuer>,
    pub(super) proofs: Arc<Proofs>,
    pub(super) refresh_tokens: Arc<RefreshTokens>,
    pub(super) api_key_check: Arc<ApiKeyCheck>,
    /// The sessions and users checked on every request, in memory.
    pub(super) live: Arc<LiveSessions>,
    pub(super) audit: AuditSink,
    pub(super) limits: Limits,
    pub(super) hasher: Arc<PasswordHasher>,
    pub(super) master: Arc<MasterKey>,
    /// What backup codes are stored under (see `mfa::backup`).
    pub(super) backup_key: CodeKey,
    /// `None` when the issuer is an IP address (WebAuthn needs a domain).
    pub(super) passkeys: Option<Passkeys>,
    pub(super) config: Arc<AccountsConfig>,
    pub(super) clock: Arc<dyn Clock>,
}

/// The WebAuthn relying party of the configured issuer, or `None` (logged)
/// when passkeys cannot work there.
pub(super) fn passkeys_of(config: &AccountsConfig) -> Option<Passkeys> {
    match Passkeys::new(&config.webauthn.rp_id, &config.webauthn.origin, &config.product_name) {
        Ok(p) => Some(p),
        Err(e) => {
            tracing::warn!(
                rp_id = %config.webauthn.rp_id,
                error = %e,
                "passkeys are off: WebAuthn needs a domain name, not an IP address (e.g. issuer http://localhost:8080)"
            );
            None
        }
    }
}

impl Authenticator {
    /// Verifies a bearer access token (signature and claims only; no database).
    pub async fn authenticate(&self, token: &str) -> Result<Authenticated> {
        self.tokens.authenticate(token).await
    }

    /// Like [`Authenticator::authenticate`], and the token's session must
    /// still be active (not logged out, not expired). A token restricted to
    /// enrolling a second factor is refused (`mfa_enrollment_required`).
    pub async fn authenticate_live(&self, token: &str) -> Result<Authenticated> {
        let auth = self.authenticate_for_enrollment(token).await?;
        if auth.may_only_enroll() {
            return Err(Error::MfaEnrollmentRequired);
        }
        Ok(auth)
    }

    /// Like [`Authenticator::authenticate_live`] but also accepts a token
    /// restricted to enrolling a second factor (for the enrolment endpoints
    /// and `/me`).
    pub async fn authenticate_for_enrollment(&self, token: &str) -> Result<Authenticated> {
        let auth = self.authenticate(token).await?;
        let now = self.clock.now();
        // Tokens an OAuth client holds for the user are for resource servers
        // and userinfo, never for managing the account.
        match self.live.session(auth.session_id()).await? {
            Some(s) if s.is_active(now) && s.user_id == auth.user_id() && s.kind == SessionKind::Api => Ok(auth),
            _ => Err(Error::InvalidToken),
        }
    }

    /// Re-keys backup codes stored before codes were keyed (plain SHA-256),
    /// in place: the HMAC is taken over the stored digest. Runs at start,
    /// before any code is checked; each row once, whichever node gets it.
    pub(super) async fn rekey_backup_codes(&self) -> Result<()> {
        let mut rekeyed = 0u64;
        loop {
            let batch = self.mfa.unkeyed_backup_codes(500).await?;
            if batch.is_empty() {
                break;
            }
            for (id, plain) in batch {
                if self.mfa.rekey_backup_code(id, &plain, &self.backup_key.rekey(&plain)).await? {
                    rekeyed += 1;
                }
            }
        }
        if rekeyed > 0 {
            tracing::info!(rekeyed, "backup codes stored as plain digests are now keyed");
        }
        Ok(())
    }
}
