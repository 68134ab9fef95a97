//! Deleting one's account (GDPR art. 17) and exporting one's data (art. 20).
//! Deletion removes the user and everything that is theirs; audit records stay
//! for the operator's security history, anonymised (no IP, no user agent).

use secrecy::SecretString;

use super::AccountLifecycle;
use crate::account::User;
use crate::audit::{AuditEvent, AuditKind, AuditQuery, ClientInfo, Outcome};
use crate::error::{Error, Result};
use crate::flows::parts::{load_user, Authenticated, Proof};
use crate::mfa::WebauthnCredential;
use crate::session::Session;

/// Everything Gatehouse holds about a user, for `GET /api/auth/me/export`.
#[derive(Debug)]
pub struct AccountExport {
    pub user: User,
    pub sessions: Vec<Session>,
    pub totp_enabled: bool,
    pub backup_codes_remaining: u32,
    pub passkeys: Vec<WebauthnCredential>,
    pub audit: Vec<AuditEvent>,
}

impl AccountLifecycle {
    pub async fn delete_account(
        &self,
        auth: &Authenticated,
        password: SecretString,
        client: &ClientInfo,
    ) -> Result<()> {
        let user = load_user(self.users.as_ref(), auth.user_id()).await?;
        let proof = Proof::Password(password);
        if !self.proofs.prove_presence(&user, auth.session_id(), &proof, "account deletion", client).await? {
            return Err(Error::InvalidCredentials);
        }
        self.lifecycle.delete_user(user.id).await?;
        // Recorded after the deletion, so it is kept without IP or user agent.
        self.audit
            .record(
                AuditEvent::new(AuditKind::AccountDeleted, Outcome::Success, &ClientInfo::default()).subject(user.id),
            )
            .await;
        Ok(())
    }

    pub async fn export_account(&self, auth: &Authenticated) -> Result<AccountExport> {
        let user = load_user(self.users.as_ref(), auth.user_id()).await?;
        let status = self.mfa.second_factors(user.id).await?;
        let sessions = self.sessions.active_sessions(user.id, self.clock.now()).await?;
        let passkeys = self.webauthn.webauthn_credentials(user.id).await?;
        let audit =
            self.audit_log.query(&AuditQuery { user: Some(user.id), limit: 1000, ..Default::default() }).await?;
        Ok(AccountExport {
            user,
            sessions,
            totp_enabled: status.totp,
            backup_codes_remaining: status.backup_codes_remaining,
            passkeys,
            audit,
        })
    }
}
