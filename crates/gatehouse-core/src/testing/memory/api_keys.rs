//! [`ApiKeyStore`] in memory: personal API keys, found by the digest of the
//! key. A digest is stored once (`Conflict(SecretDigest)`); a key needs its
//! user (`Conflict(MissingReference)`) and goes with them.

use async_trait::async_trait;
use time::OffsetDateTime;

use super::{conflict, count, MemoryStore};
use crate::account::UserId;
use crate::api_key::ApiKey;
use crate::crypto::TokenDigest;
use crate::rbac::Permission;
use crate::store::{ApiKeyStore, Constraint, StoreResult};

#[async_trait]
impl ApiKeyStore for MemoryStore {
    async fn insert_api_key(&self, key: &ApiKey) -> StoreResult<()> {
        self.write(|state| {
            if state.api_keys.iter().any(|k| k.id == key.id) {
                return conflict(Constraint::Unlisted);
            }
            if state.api_keys.iter().any(|k| k.digest == key.digest) {
                return conflict(Constraint::SecretDigest);
            }
            if !state.has_user(key.user_id) {
                return conflict(Constraint::MissingReference);
            }
            // Stored as written by the SQL stores: scopes as one
            // space-separated text, never used nor revoked yet.
            let scopes = key.scope().split_whitespace().map(|s| Permission::from_trusted(s.to_owned())).collect();
            state.api_keys.push(ApiKey {
                scopes,
                last_used_at: None,
                last_used_ip: None,
                revoked_at: None,
                ..key.clone()
            });
            Ok(())
        })
        .await
    }

    async fn api_key_by_digest(&self, digest: &TokenDigest) -> StoreResult<Option<ApiKey>> {
        Ok(self.read(|state| state.api_keys.iter().find(|k| k.digest == *digest).cloned()))
    }

    async fn api_keys(&self, user: UserId) -> StoreResult<Vec<ApiKey>> {
        Ok(self.read(|state| {
            let mut keys: Vec<ApiKey> = state.api_keys.iter().filter(|k| k.user_id == user).cloned().collect();
            keys.sort_by_key(|k| std::cmp::Reverse((k.created_at, k.id)));
            keys
        }))
    }

    async fn revoke_api_key(&self, user: UserId, id: uuid::Uuid, now: OffsetDateTime) -> StoreResult<bool> {
        self.write(|state| {
            let live = state.api_keys.iter_mut().find(|k| k.id == id && k.user_id == user && k.revoked_at.is_none());
            let Some(key) = live else { return Ok(false) };
            key.revoked_at = Some(now);
            Ok(true)
        })
        .await
    }

    async fn revoke_user_api_keys(&self, user: UserId, now: OffsetDateTime) -> StoreResult<u64> {
        self.write(|state| {
            let mut revoked = 0;
            for key in state.api_keys.iter_mut().filter(|k| k.user_id == user && k.revoked_at.is_none()) {
                key.revoked_at = Some(now);
                revoked += 1;
            }
            Ok(count(revoked))
        })
        .await
    }

    async fn touch_api_key(&self, id: uuid::Uuid, now: OffsetDateTime, ip: Option<&str>) -> StoreResult<()> {
        self.write(|state| {
            if let Some(key) = state.api_keys.iter_mut().find(|k| k.id == id) {
                key.last_used_at = Some(now);
                if let Some(ip) = ip {
                    key.last_used_ip = Some(ip.to_owned());
                }
            }
            Ok(())
        })
        .await
    }
}
