//! An administrator's view of people's API keys: list and revoke.

use super::users::admin_event;
use super::Admin;
use crate::account::UserId;
use crate::api_key::ApiKey;
use crate::audit::{AuditKind, ClientInfo};
use crate::error::{Error, Result};
use crate::flows::parts::load_user;
use crate::rbac::{Actor, USERS_READ, USERS_WRITE};

impl Admin {
    /// Someone's keys, for an administrator.
    pub async fn user_api_keys(&self, actor: &Actor, user: UserId) -> Result<Vec<ApiKey>> {
        actor.require(USERS_READ)?;
        load_user(self.users.as_ref(), user).await?;
        Ok(self.api_keys.api_keys(user).await?)
    }

    /// Revokes someone's key, for an administrator.
    pub async fn revoke_user_api_key(
        &self,
        actor: &Actor,
        user: UserId,
        id: uuid::Uuid,
        client: &ClientInfo,
    ) -> Result<()> {
        actor.require(USERS_WRITE)?;
        let target = load_user(self.users.as_ref(), user).await?;
        actor.may_manage(&target)?;
        if !self.api_keys.revoke_api_key(user, id, self.clock.now()).await? {
            return Err(Error::NotFound("no such API key".into()));
        }
        self.audit.record(admin_event(AuditKind::ApiKeyRevoked, actor, user, client).detail(format!("key {id}"))).await;
        Ok(())
    }
}
