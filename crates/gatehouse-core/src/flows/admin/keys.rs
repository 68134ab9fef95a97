//! Signing keys, for an administrator: list them all, and rotate (the new
//! keys sign at once on this node; other nodes follow through the store's
//! change feed or their reload). And, with no administrator, the keys'
//! schedule (`signing_key_rotation`), which the server follows on its own.

use super::Admin;
use crate::audit::ClientInfo;
use crate::error::Result;
use crate::flows::parts::keys::{follow_schedule, keep_published, rotate};
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

    /// One step of the key schedule now, when one is configured: publishes
    /// a next key, or makes it current, as due (see
    /// [`crate::flows::KeySchedule`]). The server calls this every half
    /// minute on every node; the store lets one node's change in. Returns
    /// whether the keys changed (this node then signs with the new ring).
    pub async fn follow_key_schedule(&self) -> Result<bool> {
        let Some(schedule) = self.config.key_schedule else {
            return Ok(false);
        };
        let changed = follow_schedule(
            self.key_store.as_ref(),
            self.audit_log.as_ref(),
            &self.master,
            schedule,
            keep_published(self.config.tokens.access_ttl),
            self.clock.now(),
        )
        .await?;
        if changed {
            self.tokens.reload_keys().await?;
        }
        Ok(changed)
    }
}
