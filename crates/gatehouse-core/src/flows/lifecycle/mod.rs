//! An account's life: sign-up, email verification and change, password reset
//! and change, export and deletion.

mod account_deletion;
mod email_change;
mod email_verification;
mod password_change;
mod password_reset;
mod register;

use std::sync::Arc;

pub use account_deletion::AccountExport;
pub use email_verification::Verified;
pub use register::RegisterRequest;

use super::parts::{AuditSink, EmailLinks, Limits, NewPasswords, Outbox, Proofs, Units};
use super::AccountsConfig;
use crate::account::UserId;
use crate::audit::{AuditEvent, AuditKind, ClientInfo, Outcome};
use crate::clock::Clock;
use crate::error::Result;
use crate::i18n::Locale;
use crate::store::{AuditStore, LifecycleStore, MfaStore, SessionStore, StoreTx, UserStore, WebauthnStore};

/// Runs the account's lifecycle flows.
pub struct AccountLifecycle {
    pub(super) users: Arc<dyn UserStore>,
    pub(super) sessions: Arc<dyn SessionStore>,
    pub(super) mfa: Arc<dyn MfaStore>,
    pub(super) webauthn: Arc<dyn WebauthnStore>,
    pub(super) lifecycle: Arc<dyn LifecycleStore>,
    /// Reading a person's own audit records (for the export).
    pub(super) audit_log: Arc<dyn AuditStore>,
    pub(super) units: Units,
    pub(super) proofs: Arc<Proofs>,
    pub(super) links: Arc<EmailLinks>,
    pub(super) audit: AuditSink,
    pub(super) limits: Limits,
    pub(super) outbox: Arc<Outbox>,
    pub(super) passwords: NewPasswords,
    pub(super) config: Arc<AccountsConfig>,
    pub(super) clock: Arc<dyn Clock>,
}

impl AccountLifecycle {
    /// Changes the language of a signed-in user's mails (`None`: the
    /// default language); one the catalogs lack is stored as `None`. (The
    /// pages' language picker calls it.)
    pub async fn set_locale(&self, user: UserId, locale: Option<Locale>) -> Result<()> {
        let locale = locale.as_ref().and_then(|l| self.config.catalogs.supported(l));
        self.users.set_locale(user, locale.as_ref(), self.clock.now()).await?;
        Ok(())
    }

    /// Drops the user's upstream links made from an unverified address (by
    /// earlier versions), now that the address's owner proved it; returns
    /// how many. The caller ends the sessions they may have opened.
    pub(super) async fn drop_unverified_links(
        &self,
        unit: &dyn StoreTx,
        user: UserId,
        client: &ClientInfo,
    ) -> Result<u64> {
        let dropped = unit.drop_unverified_upstream_links(user).await?;
        if dropped > 0 {
            self.audit
                .record_in(
                    unit,
                    AuditEvent::new(AuditKind::UpstreamUnlinked, Outcome::Success, client)
                        .by_and_for(user)
                        .detail(format!("{dropped} links made from the address before it was proven")),
                )
                .await?;
        }
        Ok(dropped)
    }
}
