//! Verifying an email address: a single-use link mailed at registration (and
//! on request), and — with the same link format — confirming a new address.

use secrecy::{ExposeSecret, SecretString};

use super::AccountLifecycle;
use crate::account::User;
use crate::audit::{AuditEvent, AuditKind, ClientInfo, Outcome};
use crate::error::{Error, Result};
use crate::flows::parts::{load_user, Authenticated};
use crate::lifecycle::EmailTokenKind;

/// What a verification link did.
#[derive(Debug, PartialEq, Eq)]
pub enum Verified {
    /// The account's address is verified.
    Email,
    /// The account now uses the new, confirmed address.
    NewEmail,
}

impl AccountLifecycle {
    /// Mails a verification link to the user's address.
    pub(super) async fn send_verification(&self, user: &User) -> Result<()> {
        let token = self.links.issue_token(user, EmailTokenKind::VerifyEmail, None).await?;
        self.outbox.mail(self.outbox.notices.verify_email(
            user,
            token.expose_secret(),
            self.config.email_verification_ttl,
        ));
        Ok(())
    }

    /// `POST /api/auth/email/resend`: another verification mail (rate limited).
    pub async fn resend_verification(&self, auth: &Authenticated, client: &ClientInfo) -> Result<()> {
        self.limits.hit("resend:account", &auth.user_id().to_string(), self.config.limits.resend_per_account).await?;
        let user = load_user(self.users.as_ref(), auth.user_id()).await?;
        if user.email_verified {
            return Ok(());
        }
        self.send_verification(&user).await?;
        self.audit
            .record(AuditEvent::new(AuditKind::VerificationSent, Outcome::Success, client).by_and_for(user.id))
            .await;
        Ok(())
    }

    /// The limits of an anonymous resend (`{email}`); call before answering.
    pub async fn check_resend_limits(&self, email: &str, client: &ClientInfo) -> Result<()> {
        let limits = &self.config.limits;
        self.limits.hit("forgot:ip", &crate::flows::parts::ip_key(client), limits.forgot_per_ip).await?;
        self.limits.hit("resend:email", &email.trim().to_lowercase(), limits.resend_per_account).await
    }

    /// Re-sends the verification mail to an unverified account with this
    /// address; does nothing otherwise. Never reported to the requester.
    pub async fn resend_verification_to(&self, email: &str, client: &ClientInfo) -> Result<()> {
        let Ok(email) = crate::account::Email::parse(email) else { return Ok(()) };
        let Some(user) = self.users.user_by_login(email.as_str()).await? else { return Ok(()) };
        if user.email_verified || !user.is_active || !user.email.as_str().eq_ignore_ascii_case(email.as_str()) {
            return Ok(());
        }
        self.send_verification(&user).await?;
        self.audit
            .record(AuditEvent::new(AuditKind::VerificationSent, Outcome::Success, client).subject(user.id))
            .await;
        Ok(())
    }

    /// Follows a verification or email-change link.
    pub async fn verify_email(&self, token: SecretString, client: &ClientInfo) -> Result<Verified> {
        let now = self.clock.now();
        let record =
            self.links.usable_email_token(&token, &[EmailTokenKind::VerifyEmail, EmailTokenKind::ChangeEmail]).await?;
        let unit = self.units.begin().await?;
        if !unit.consume_email_token(record.id, now).await? {
            return Err(Error::InvalidToken);
        }
        let verified = match (record.kind, record.new_email) {
            (EmailTokenKind::ChangeEmail, Some(new_email)) => {
                unit.set_email(record.user_id, &new_email, now).await?;
                self.audit
                    .record_in(
                        unit.as_ref(),
                        AuditEvent::new(AuditKind::EmailChanged, Outcome::Success, client).by_and_for(record.user_id),
                    )
                    .await?;
                Verified::NewEmail
            }
            _ => {
                unit.set_email_verified(record.user_id, true, now).await?;
                self.audit
                    .record_in(
                        unit.as_ref(),
                        AuditEvent::new(AuditKind::EmailVerified, Outcome::Success, client).by_and_for(record.user_id),
                    )
                    .await?;
                // The owner proved the address: an upstream identity linked
                // from it unproven loses the account, and its sessions end.
                if self.drop_unverified_links(unit.as_ref(), record.user_id, client).await? > 0 {
                    unit.revoke_user_sessions(record.user_id, now).await?;
                }
                Verified::Email
            }
        };
        unit.commit().await?;
        Ok(verified)
    }
}
