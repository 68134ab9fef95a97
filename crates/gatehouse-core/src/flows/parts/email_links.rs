//! The single-use links Gatehouse mails — verify an address, confirm a new
//! one, reset a password: made (each supersedes the earlier ones of its kind)
//! and found again by the secret a link carries. Consuming one is the
//! flow's business, in its unit of work.

use std::sync::Arc;

use secrecy::{ExposeSecret, SecretString};
use uuid::Uuid;

use crate::account::User;
use crate::clock::Clock;
use crate::crypto::{random_token, TokenDigest};
use crate::error::{Error, Result};
use crate::flows::AccountsConfig;
use crate::lifecycle::{EmailToken, EmailTokenKind};
use crate::store::{LifecycleStore, StoreTx};

/// Makes and looks up emailed links.
pub struct EmailLinks {
    pub(crate) lifecycle: Arc<dyn LifecycleStore>,
    pub(crate) config: Arc<AccountsConfig>,
    pub(crate) clock: Arc<dyn Clock>,
}

impl EmailLinks {
    /// Creates a token of `kind` for `user` (superseding earlier ones) and
    /// returns its plaintext, for the mail only.
    pub async fn issue_token(
        &self,
        user: &User,
        kind: EmailTokenKind,
        new_email: Option<crate::account::Email>,
    ) -> Result<SecretString> {
        let ttl = self.link_ttl(kind);
        self.issue_token_for(user, kind, new_email, ttl).await
    }

    /// Like [`EmailLinks::issue_token`], with a lifetime of its own.
    pub async fn issue_token_for(
        &self,
        user: &User,
        kind: EmailTokenKind,
        new_email: Option<crate::account::Email>,
        ttl: std::time::Duration,
    ) -> Result<SecretString> {
        let (token, record) = self.email_token(user, kind, new_email, ttl);
        self.lifecycle.issue_email_token(&record).await?;
        Ok(token)
    }

    /// Like [`EmailLinks::issue_token`], written in `unit`.
    pub async fn issue_token_in(
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
        let now = self.clock.now();
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
    pub async fn usable_email_token(&self, token: &SecretString, kinds: &[EmailTokenKind]) -> Result<EmailToken> {
        let presented = token.expose_secret();
        if presented.is_empty() || presented.len() > 128 {
            return Err(Error::InvalidToken);
        }
        let record = self
            .lifecycle
            .email_token(&TokenDigest::of(presented))
            .await?
            .filter(|t| kinds.contains(&t.kind) && t.used_at.is_none())
            .ok_or(Error::InvalidToken)?;
        if record.expires_at <= self.clock.now() {
            return Err(Error::TokenExpired);
        }
        Ok(record)
    }
}
