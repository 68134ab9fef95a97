//! Changing one's email address: a confirmation link goes to the new address,
//! a notice to the old one; the address changes only when the link is followed
//! (see `email_verification.rs`).

use secrecy::{ExposeSecret, SecretString};

use super::AccountLifecycle;
use crate::account::Email;
use crate::audit::{AuditEvent, AuditKind, ClientInfo, Outcome};
use crate::error::{Error, Result};
use crate::flows::parts::{load_user, Authenticated, Proof};
use crate::lifecycle::EmailTokenKind;

impl AccountLifecycle {
    pub async fn request_email_change(
        &self,
        auth: &Authenticated,
        new_email: &str,
        password: SecretString,
        client: &ClientInfo,
    ) -> Result<()> {
        self.limits.hit("resend:account", &auth.user_id().to_string(), self.config.limits.resend_per_account).await?;
        let new_email = Email::parse(new_email)?;
        let user = load_user(self.users.as_ref(), auth.user_id()).await?;
        let proof = Proof::Password(password);
        if !self.proofs.prove_presence(&user, auth.session_id(), &proof, "email change", client).await? {
            return Err(Error::InvalidCredentials);
        }
        if new_email.as_str().eq_ignore_ascii_case(user.email.as_str()) {
            return Err(Error::InvalidRequest("that is already your address".into()));
        }
        if self.users.user_by_login(new_email.as_str()).await?.is_some() {
            return Err(Error::EmailTaken);
        }
        let token = self.links.issue_token(&user, EmailTokenKind::ChangeEmail, Some(new_email.clone())).await?;
        self.outbox.mail(self.outbox.notices.confirm_new_email(
            &user,
            &new_email,
            token.expose_secret(),
            self.config.email_verification_ttl,
        ));
        self.outbox.mail(self.outbox.notices.email_change_requested(&user, &new_email));
        self.audit
            .record(AuditEvent::new(AuditKind::EmailChangeRequested, Outcome::Success, client).by_and_for(user.id))
            .await;
        Ok(())
    }
}
