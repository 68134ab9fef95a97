//! Changing one's password: the current password is required (a proof of
//! presence, with a sign-in's limits); every other session ends, the current
//! one stays; personal API keys are revoked too unless the person keeps them
//! (the API's and the page's default is to revoke: a changed password is
//! often a recovery). The change is one unit of work.

use secrecy::SecretString;

use super::AccountLifecycle;
use crate::audit::{AuditEvent, AuditKind, ClientInfo, Outcome};
use crate::error::{Error, Result};
use crate::flows::parts::{load_user, Authenticated, Proof};

impl AccountLifecycle {
    pub async fn change_password(
        &self,
        auth: &Authenticated,
        current: SecretString,
        new_password: SecretString,
        revoke_api_keys: bool,
        client: &ClientInfo,
    ) -> Result<()> {
        let user = load_user(self.users.as_ref(), auth.user_id()).await?;
        let proof = Proof::Password(current);
        if !self.proofs.prove_presence(&user, auth.session_id(), &proof, "password change", client).await? {
            self.audit
                .record(
                    AuditEvent::new(AuditKind::PasswordChanged, Outcome::Failure, client)
                        .by_and_for(user.id)
                        .detail("wrong current password"),
                )
                .await;
            return Err(Error::InvalidCredentials);
        }
        let hash = self.passwords.hash_new(&new_password, [user.username.as_str(), user.email.as_str()]).await?;
        let now = self.clock.now();
        let unit = self.units.begin().await?;
        unit.set_password_hash(user.id, &hash, now).await?;
        let mut ended = 0u64;
        for session in unit.active_sessions(user.id, now).await? {
            if session.id != auth.session_id() && unit.revoke_session(session.id, now).await? {
                ended += 1;
            }
        }
        let keys = if revoke_api_keys { unit.revoke_user_api_keys(user.id, now).await? } else { 0 };
        self.audit
            .record_in(
                unit.as_ref(),
                AuditEvent::new(AuditKind::PasswordChanged, Outcome::Success, client)
                    .by_and_for(user.id)
                    .detail(format!("{ended} other sessions ended, {keys} API keys revoked")),
            )
            .await?;
        unit.commit().await?;
        self.outbox.mail(self.outbox.notices.password_changed(&user, false));
        Ok(())
    }
}
