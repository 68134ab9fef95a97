//! [`KeyStore`] in memory: the signing keys and their rotation.
//!
//! Each algorithm has its own rotation: `rotate_in` shifts only the keys of
//! the new key's algorithm (current → previous, previous → retired) and the
//! new key goes in as current, whatever status it says. A previous key is
//! retired only once it stopped signing (`superseded_at`) more than
//! `keep_for` before the new key was made. A kid is used once. A key
//! published ahead (`prepublish`, at most one next key per algorithm) takes
//! the same path when it is promoted. The keys the server keeps for itself
//! (sealed) are here too.

use async_trait::async_trait;

use super::{conflict, MemoryStore};
use crate::store::{Constraint, KeyStore, StoreResult};
use crate::token::{KeyStatus, StoredKey};

/// A stored key and when it stopped signing (became previous).
#[derive(Clone)]
pub(super) struct KeyRow {
    pub(super) key: StoredKey,
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
        self.write(|state| {
            if state.keys.iter().any(|row| row.key.kid == new.kid) {
                return conflict(Constraint::Unlisted);
            }
            supersede(&mut state.keys, new.alg, new.created_at, keep_for);
            let key = StoredKey { status: KeyStatus::Current, ..new.clone() };
            state.keys.push(KeyRow { key, superseded_at: None });
            Ok(())
        })
        .await
    }

    async fn prepublish(&self, next: &StoredKey) -> StoreResult<bool> {
        self.write(|state| {
            if state.keys.iter().any(|row| row.key.kid == next.kid) {
                return conflict(Constraint::Unlisted);
            }
            if state.keys.iter().any(|row| row.key.alg == next.alg && row.key.status == KeyStatus::Next) {
                return Ok(false);
            }
            let key = StoredKey { status: KeyStatus::Next, ..next.clone() };
            state.keys.push(KeyRow { key, superseded_at: None });
            Ok(true)
        })
        .await
    }

    async fn kept_secret(&self, name: &str) -> StoreResult<Option<Vec<u8>>> {
        Ok(self.read(|state| state.kept.get(name).cloned()))
    }

    async fn keep_secret(&self, name: &str, sealed: &[u8], _now: time::OffsetDateTime) -> StoreResult<Vec<u8>> {
        self.write(|state| Ok(state.kept.entry(name.to_owned()).or_insert_with(|| sealed.to_vec()).clone())).await
    }

    async fn promote(&self, kid: &str, now: time::OffsetDateTime, keep_for: std::time::Duration) -> StoreResult<bool> {
        self.write(|state| {
            let Some(alg) = state
                .keys
                .iter()
                .find(|row| row.key.kid == kid && row.key.status == KeyStatus::Next)
                .map(|row| row.key.alg)
            else {
                return Ok(false);
            };
            supersede(&mut state.keys, alg, now, keep_for);
            if let Some(row) = state.keys.iter_mut().find(|row| row.key.kid == kid) {
                row.key.status = KeyStatus::Current;
            }
            Ok(true)
        })
        .await
    }
}

/// Among `alg`'s keys, at `now`: the current key becomes previous, and
/// previous keys that stopped signing more than `keep_for` ago are retired
/// (none, when `keep_for` reaches past the beginning of time).
fn supersede(
    keys: &mut [KeyRow],
    alg: crate::token::SigningAlg,
    now: time::OffsetDateTime,
    keep_for: std::time::Duration,
) {
    let keep_since = time::Duration::try_from(keep_for).ok().and_then(|keep| now.checked_sub(keep));
    for row in keys.iter_mut().filter(|row| row.key.alg == alg) {
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
            KeyStatus::Next | KeyStatus::Retired => {}
        }
    }
}
