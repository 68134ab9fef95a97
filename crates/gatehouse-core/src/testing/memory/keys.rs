//! [`KeyStore`] in memory: the signing keys and their rotation.
//!
//! Each algorithm has its own rotation: `rotate_in` shifts only the keys of
//! the new key's algorithm (current → previous, previous → retired) and the
//! new key goes in as current, whatever status it says. A previous key is
//! retired only once it stopped signing (`superseded_at`) more than
//! `keep_for` before the new key was made. A kid is used once.

use async_trait::async_trait;

use super::{conflict, MemoryStore};
use crate::store::{Constraint, KeyStore, StoreResult};
use crate::token::{KeyStatus, StoredKey};

/// A stored key and when it stopped signing (became previous).
#[derive(Clone)]
pub(super) struct KeyRow {
    key: StoredKey,
    superseded_at: Option<time::OffsetDateTime>,
}

impl MemoryStore {
    /// The keys `wanted` picks, newest first.
    fn keys_where(&self, wanted: impl Fn(&StoredKey) -> bool) -> Vec<StoredKey> {
        self.read(|state| {
            let mut keys: Vec<StoredKey> =
                state.keys.iter().map(|row| &row.key).filter(|k| wanted(k)).cloned().collect();
            keys.sort_by(|a, b| (b.created_at, &b.kid).cmp(&(a.created_at, &a.kid)));
            keys
        })
    }
}

#[async_trait]
impl KeyStore for MemoryStore {
    async fn published_keys(&self) -> StoreResult<Vec<StoredKey>> {
        Ok(self.keys_where(|k| k.status != KeyStatus::Retired))
    }

    async fn all_keys(&self) -> StoreResult<Vec<StoredKey>> {
        Ok(self.keys_where(|_| true))
    }

    async fn rotate_in(&self, new: &StoredKey, keep_for: std::time::Duration) -> StoreResult<()> {
        let now = new.created_at;
        // Keys that stopped signing before this have no live token left
        // (none, when `keep_for` reaches past the beginning of time).
        let keep_since = time::Duration::try_from(keep_for).ok().and_then(|keep| now.checked_sub(keep));
        self.write(|state| {
            if state.keys.iter().any(|row| row.key.kid == new.kid) {
                return conflict(Constraint::Unlisted);
            }
            for row in state.keys.iter_mut().filter(|row| row.key.alg == new.alg) {
                match row.key.status {
                    KeyStatus::Previous => {
                        // Previous keys from before `superseded_at` existed count from now.
                        let superseded_at = *row.superseded_at.get_or_insert(now);
                        if keep_since.is_some_and(|since| superseded_at < since) {
                            row.key.status = KeyStatus::Retired;
                        }
                    }
                    KeyStatus::Current => {
                        row.key.status = KeyStatus::Previous;
                        row.superseded_at = Some(now);
                    }
                    KeyStatus::Retired => {}
                }
            }
            let key = StoredKey { status: KeyStatus::Current, ..new.clone() };
            state.keys.push(KeyRow { key, superseded_at: None });
            Ok(())
        })
        .await
    }
}
