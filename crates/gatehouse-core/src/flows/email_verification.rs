//! Verifying an email address: a single-use link mailed at registration (and
//! on request), and — with the same link format — confirming a new address.

use secrecy::{ExposeSecret, SecretString};
use uuid::Uuid;

use super::{Accounts, Authenticated};
use crate::account::User;
use crate::audit::{AuditEvent, AuditKind, ClientInfo, Outcome};
use crate::crypto::{random_token, TokenDigest};
use crate::error::{Error, Result};
use crate::lifecycle::{EmailToken, EmailTokenKind};
use crate::store::StoreTx;

/// What a verification link did.
#[derive(Debug, PartialEq, Eq)]
pub enum Verified {
    /// The account's address is verified.
    Email,
    /// The account now uses the new, confirmed address.
    NewEmail,
}

impl Accounts {
    /// Creates a token of `kind` for `user` (superseding earlier ones) and
    /// returns its plaintext, for the mail only.
    pub(super) async fn issue_token(
        &self,
        user: &User,
        kind: EmailTokenKind,
        new_email: Option<crate::account::Email>,
    ) -> Result<SecretString> {
        let ttl = self.link_ttl(kind);
        self.issue_token_for(user, kind, new_email, ttl).await
    }

    /// Like [`Accounts::issue_token`], with a lifetime of its own.
    pub(super) async fn issue_token_for(
        &self,
        user: &User,
        kind: EmailTokenKind,
        new_email: Option<crate::account::Email>,
        ttl: std::time::Duration,
    ) -> Result<SecretString> {
        let (token, record) = self.email_token(user, kind, new_email, ttl);
        self.store.issue_email_token(&record).await?;
        Ok(token)
    }

    /// Like [`Accounts::issue_token`], written in `unit`.
    pub(super) async fn issue_token_in(
        &self,
        unit: &dyn StoreTx,
        user: &User,
        kind: EmailTokenKind,
        new_email: Option<crate::account::Email>,
    ) -> Result<SecretString> {
        let ttl = self.link_ttl(kind);
        let (token, record) = self.email_token(user, kind, new_email, ttl);
        unit.issue_email_token(&record).await?;
        Ok(token)
    }

    /// How long a link of `kind` works.
    fn link_ttl(&self, kind: EmailTokenKind) -> std::time::Duration {
        match kind {
            EmailTokenKind::VerifyEmail | EmailTokenKind::ChangeEmail => self.config.email_verification_ttl,
            EmailTokenKind::ResetPassword => self.config.password_reset_ttl,
        }
    }

    /// A new link's secret and the record stored for it.
    fn email_token(
        &self,
        user: &User,
        kind: EmailTokenKind,
        new_email: Option<crate::account::Email>,
        ttl: std::time::Duration,
    ) -> (SecretString, EmailToken) {
        let token = random_token();
        let now = self.now();
        let record = EmailToken {
            id: Uuid::now_v7(),
            user_id: user.id,
            kind,
            digest: TokenDigest::of(token.expose_secret()),
            new_email,
            created_at: now,
            expires_at: now + ttl,
            used_at: None,
        };
        (token, record)
    }

    /// The unused, unexpired token of one of `kinds` behind a link's secret:
    /// `invalid_token` for unknown, used or superseded ones, `token_expired`
    /// for expired ones. Not yet consumed.
    pub(super) async fn usable_email_token(
        &self,
        token: &SecretString,
        kinds: &[EmailTokenKind],
    ) -> Result<EmailToken> {
        let presented = token.expose_secret();
        if presented.is_empty() || presented.len() > 128 {
            return Err(Error::InvalidToken);
        }
        let record = self
            .store
            .email_token(&TokenDigest::of(presented))
            .await?
            .filter(|t| kinds.contains(&t.kind) && t.used_at.is_none())
            .ok_or(Error::InvalidToken)?;
        if record.expires_at <= self.now() {
            return Err(Error::TokenExpired);
        }
        Ok(record)
    }

    /// Mails a verification link to the user's address.
    pub(super) async fn send_verification(&self, user: &User) -> Result<()> {
        let token = self.issue_token(user, EmailTokenKind::VerifyEmail, None).await?;
        self.mail(self.notices.verify_email(user, token.expose_secret(), self.config.email_verification_ttl));
        Ok(())
    }

    /// `POST /api/auth/email/resend`: another verification mail (rate limited).
    pub async fn resend_verification(&self, auth: &Authenticated, client: &ClientInfo) -> Result<()> {
        self.limit("resend:account", &auth.user_id().to_string(), self.config.limits.resend_per_account).await?;
        let user = self.load_user(auth.user_id()).await?;
        if user.email_verified {
            return Ok(());
        }
        self.send_verification(&user).await?;
        self.audit(AuditEvent::new(AuditKind::VerificationSent, Outcome::Success, client).by_and_for(user.id)).await;
        Ok(())
    }

    /// The limits of an anonymous resend (`{email}`); call before answering.
    pub async fn check_resend_limits(&self, email: &str, client: &ClientInfo) -> Result<()> {
        let limits = &self.config.limits;
        self.limit("forgot:ip", &super::ip_key(client), limits.forgot_per_ip).await?;
        self.limit("resend:email", &email.trim().to_lowercase(), limits.resend_per_account).await
    }

    /// Re-sends the verification mail to an unverified account with this
    /// address; does nothing otherwise. Never reported to the requester.
    pub async fn resend_verification_to(&self, email: &str, client: &ClientInfo) -> Result<()> {
        let Ok(email) = crate::account::Email::parse(email) else { return Ok(()) };
        let Some(user) = self.store.user_by_login(email.as_str()).await? else { return Ok(()) };
        if user.email_verified || !user.is_active || !user.email.as_str().eq_ignore_ascii_case(email.as_str()) {
            return Ok(());
        }
        self.send_verification(&user).await?;
        self.audit(AuditEvent::new(AuditKind::VerificationSent, Outcome::Success, client).subject(user.id)).await;
        Ok(())
    }

    /// Follows a verification or email-change link.
    pub async fn verify_email(&self, token: SecretString, client: &ClientInfo) -> Result<Verified> {
        let now = self.now();
        let record =
            self.usable_email_token(&token, &[EmailTokenKind::VerifyEmail, EmailTokenKind::ChangeEmail]).await?;
        let unit = self.begin().await?;
        if !unit.consume_email_token(record.id, now).await? {
            return Err(Error::InvalidToken);
        }
        let verified = match (record.kind, record.new_email) {
            (EmailTokenKind::ChangeEmail, Some(new_email)) => {
                unit.set_email(record.user_id, &new_email, now).await?;
                self.audit_in(
                    unit.as_ref(),
                    AuditEvent::new(AuditKind::EmailChanged, Outcome::Success, client).by_and_for(record.user_id),
                )
                .await?;
                Verified::NewEmail
            }
            _ => {
                unit.set_email_verified(record.user_id, true, now).await?;
                self.audit_in(
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
