//! A user's view of their own account: profile and active sessions.

use super::{Accounts, Authenticated};
use crate::account::User;
use crate::audit::{AuditEvent, AuditKind, ClientInfo, Outcome};
use crate::error::{Error, Result};
use crate::session::{Session, SessionId};

impl Accounts {
    /// The signed-in user (the token's session must still be active).
    pub async fn me(&self, auth: &Authenticated) -> Result<User> {
        let user = self.load_user(auth.user_id()).await.map_err(|_| Error::InvalidToken)?;
        if !user.is_active {
            return Err(Error::AccountDisabled);
        }
        Ok(user)
    }

    pub async fn my_sessions(&self, auth: &Authenticated) -> Result<Vec<Session>> {
        Ok(self.store.active_sessions(auth.user_id(), self.now()).await?)
    }

    /// Ends one of the user's own sessions. Someone else's session id is
    /// answered exactly like an unknown one.
    pub async fn end_my_session(&self, auth: &Authenticated, id: SessionId, client: &ClientInfo) -> Result<()> {
        let now = self.now();
        match self.store.session(id).await? {
            Some(s) if s.user_id == auth.user_id() && s.is_active(now) => {
                self.store.revoke_session(id, now).await?;
                self.audit(
                    AuditEvent::new(AuditKind::SessionRevoked, Outcome::Success, client)
                        .by_and_for(auth.user_id())
                        .detail(format!("session {id}")),
                )
                .await;
                Ok(())
            }
            _ => Err(Error::NotFound("no such session".into())),
        }
    }
}
