//! Signing keys, for an administrator: list them all, and rotate (the new
//! keys sign at once on this node; other nodes follow through the store's
//! change feed or their reload).

use super::Admin;
use crate::audit::ClientInfo;
use crate::error::Result;
use crate::flows::parts::keys::{keep_published, rotate};
use crate::rbac::Actor;
use crate::token::StoredKey;

impl Admin {
    /// Every key, retired ones too, newest first.
    pub async fn all_keys(&self, actor: &Actor) -> Result<Vec<StoredKey>> {
        actor.require(crate::rbac::KEYS_READ)?;
        Ok(self.key_store.all_keys().await?)
    }

    /// Rotates the signing keys and starts using the new ones at once.
    pub async fn rotate_keys(&self, actor: &Actor, client: &ClientInfo) -> Result<Vec<StoredKey>> {
        actor.require(crate::rbac::KEYS_ROTATE)?;
        let keep = keep_published(self.config.tokens.access_ttl);
        let keys = rotate(
            self.key_store.as_ref(),
            self.audit_log.as_ref(),
            &self.master,
            self.config.signing_alg,
            keep,
            self.clock.now(),
            actor.user,
            client,
        )
        .await?;
        self.tokens.reload_keys().await?;
        Ok(keys)
    }
}
