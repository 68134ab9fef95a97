//! A user's view of their own account: profile and active sessions.

use super::Authenticator;
use crate::account::User;
use crate::audit::{AuditEvent, AuditKind, ClientInfo, Outcome};
use crate::error::{Error, Result};
use std::sync::Arc;

use crate::flows::parts::Authenticated;
use crate::session::{Session, SessionId};

impl Authenticator {
    /// The signed-in user (the token's session must still be active).
    pub async fn me(&self, auth: &Authenticated) -> Result<Arc<User>> {
        let user = self.live.user(auth.user_id()).await?.ok_or(Error::InvalidToken)?;
        if !user.is_active {
            return Err(Error::AccountDisabled);
        }
        Ok(user)
    }

    /// How many sessions this node checks in memory now (a metric).
    pub fn cached_sessions(&self) -> usize {
        self.live.cached_sessions()
    }

    pub async fn my_sessions(&self, auth: &Authenticated) -> Result<Vec<Session>> {
        Ok(self.sessions.active_sessions(auth.user_id(), self.clock.now()).await?)
    }

    /// Ends one of the user's own sessions. Someone else's session id is
    /// answered exactly like an unknown one.
    pub async fn end_my_session(&self, auth: &Authenticated, id: SessionId, client: &ClientInfo) -> Result<()> {
        let now = self.clock.now();
        match self.sessions.session(id).await? {
            Some(s) if s.user_id == auth.user_id() && s.is_active(now) => {
                self.sessions.revoke_session(id, now).await?;
                self.audit
                    .record(
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
