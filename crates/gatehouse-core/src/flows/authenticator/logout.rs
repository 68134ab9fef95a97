//! Logout: end one session (by refresh token or by the access token's `sid`),
//! or every session of the user.

use secrecy::{ExposeSecret, SecretString};

use super::Authenticator;
use crate::audit::{AuditEvent, AuditKind, ClientInfo, Outcome};
use crate::crypto::TokenDigest;
use crate::error::Result;
use crate::flows::parts::Authenticated;

impl Authenticator {
    /// Ends the session a refresh token belongs to. An unknown token is not an
    /// error (like RFC 7009): the caller's goal, no live session, holds.
    pub async fn logout_with_refresh(&self, token: SecretString, client: &ClientInfo) -> Result<()> {
        let digest = TokenDigest::of(token.expose_secret());
        if let Some((_, session)) = self.sessions.refresh_by_digest(&digest).await? {
            if self.sessions.revoke_session(session.id, self.clock.now()).await? {
                self.audit
                    .record(AuditEvent::new(AuditKind::Logout, Outcome::Success, client).by_and_for(session.user_id))
                    .await;
            }
        }
        Ok(())
    }

    /// Ends the session of the presented access token.
    pub async fn logout(&self, auth: &Authenticated, client: &ClientInfo) -> Result<()> {
        if self.sessions.revoke_session(auth.session_id(), self.clock.now()).await? {
            self.audit
                .record(AuditEvent::new(AuditKind::Logout, Outcome::Success, client).by_and_for(auth.user_id()))
                .await;
        }
        Ok(())
    }

    /// Ends every session of the user — and, with `revoke_api_keys`, their
    /// personal API keys (signing out everywhere is how people answer a
    /// suspected compromise).
    pub async fn logout_all(&self, auth: &Authenticated, revoke_api_keys: bool, client: &ClientInfo) -> Result<u64> {
        let now = self.clock.now();
        let unit = self.units.begin().await?;
        let ended = unit.revoke_user_sessions(auth.user_id(), now).await?;
        let keys = if revoke_api_keys { unit.revoke_user_api_keys(auth.user_id(), now).await? } else { 0 };
        self.audit
            .record_in(
                unit.as_ref(),
                AuditEvent::new(AuditKind::LogoutAll, Outcome::Success, client)
                    .by_and_for(auth.user_id())
                    .detail(format!("{ended} sessions ended, {keys} API keys revoked")),
            )
            .await?;
        unit.commit().await?;
        Ok(ended)
    }
}
