//! Forgot / reset password.
//!
//! A request answers the same whether or not the address has an account: the
//! HTTP layer checks the rate limits, answers 202 at once and runs
//! [`AccountLifecycle::send_password_reset`] in the background. A reset uses a
//! single-use, 30-minute link; a newer request or a successful reset makes
//! older links useless; the reset ends every session and mails a notice. A
//! reset is one unit of work: the new password, the spent link, the ended
//! sessions and keys and the audit record are written together or not at all.

use secrecy::{ExposeSecret, SecretString};

use super::AccountLifecycle;
use crate::audit::{AuditEvent, AuditKind, ClientInfo, Outcome};
use crate::error::{Error, Result};
use crate::flows::parts::{ip_key, load_user};
use crate::lifecycle::EmailTokenKind;

impl AccountLifecycle {
    /// The limits of a reset request; call before answering.
    pub async fn check_forgot_limits(&self, email: &str, client: &ClientInfo) -> Result<()> {
        let limits = &self.config.limits;
        self.limits.hit("forgot:ip", &ip_key(client), limits.forgot_per_ip).await?;
        self.limits.hit("forgot:email", &email.trim().to_lowercase(), limits.forgot_per_email).await
    }

    /// Mails a reset link if `email` belongs to an active account; otherwise
    /// does nothing. Its outcome is never shown to the requester.
    pub async fn send_password_reset(&self, email: &str, client: &ClientInfo) -> Result<()> {
        let Ok(email) = crate::account::Email::parse(email) else { return Ok(()) };
        let user = match self.users.user_by_login(email.as_str()).await? {
            Some(u) if u.is_active && u.email.as_str().eq_ignore_ascii_case(email.as_str()) => u,
            _ => {
                self.audit
                    .record(
                        AuditEvent::new(AuditKind::PasswordResetRequested, Outcome::Failure, client)
                            .detail("unknown address"),
                    )
                    .await;
                return Ok(());
            }
        };
        let token = self.links.issue_token(&user, EmailTokenKind::ResetPassword, None).await?;
        self.outbox.mail(self.outbox.notices.reset_password(
            &user,
            token.expose_secret(),
            self.config.password_reset_ttl,
        ));
        self.audit
            .record(AuditEvent::new(AuditKind::PasswordResetRequested, Outcome::Success, client).subject(user.id))
            .await;
        Ok(())
    }

    /// Sets a new password with a reset link's token.
    pub async fn reset_password(
        &self,
        token: SecretString,
        new_password: SecretString,
        client: &ClientInfo,
    ) -> Result<()> {
        self.limits.hit("forgot:ip", &ip_key(client), self.config.limits.forgot_per_ip).await?;
        let now = self.clock.now();
        let record = self.links.usable_email_token(&token, &[EmailTokenKind::ResetPassword]).await?;
        let user = load_user(self.users.as_ref(), record.user_id).await.map_err(|_| Error::InvalidToken)?;
        // Check the policy before spending the link, so a weak choice can be retried.
        let hash = self.passwords.hash_new(&new_password, [user.username.as_str(), user.email.as_str()]).await?;
        let unit = self.units.begin().await?;
        if !unit.consume_email_token(record.id, now).await? {
            return Err(Error::InvalidToken);
        }
        unit.set_password_hash(user.id, &hash, now).await?;
        unit.revoke_email_tokens(user.id, EmailTokenKind::ResetPassword, now).await?;
        unit.clear_login_failures(user.id).await?;
        // Whoever had the account's credentials or a foothold in it loses
        // them: sessions, personal API keys, upstream links from the address
        // before its owner proved it (they just did, by the mailed link).
        let ended = unit.revoke_user_sessions(user.id, now).await?;
        let keys = unit.revoke_user_api_keys(user.id, now).await?;
        self.drop_unverified_links(unit.as_ref(), user.id, client).await?;
        self.audit
            .record_in(
                unit.as_ref(),
                AuditEvent::new(AuditKind::PasswordReset, Outcome::Success, client)
                    .by_and_for(user.id)
                    .detail(format!("{ended} sessions ended, {keys} API keys revoked")),
            )
            .await?;
        unit.commit().await?;
        self.outbox.mail(self.outbox.notices.password_changed(&user, true));
        Ok(())
    }
}
