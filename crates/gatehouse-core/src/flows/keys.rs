//! Signing-key lifecycle: create the first key, rotate, and reload the ring
//! (another process — the CLI or another node — may have rotated).

use std::sync::Arc;

use super::Accounts;
use crate::audit::{AuditEvent, AuditKind, ClientInfo, Outcome};
use crate::crypto::MasterKey;
use crate::error::Result;
use crate::store::Store;
use crate::token::{KeyRing, SigningAlg, SigningKey, StoredKey};

/// Loads the published keys, creating the first one on a fresh database.
pub(super) async fn load_or_create(store: &dyn Store, master: &MasterKey, alg: SigningAlg) -> Result<KeyRing> {
    let mut published = store.published_keys().await?;
    if published.is_empty() {
        let key = SigningKey::generate(alg, master)?;
        store.rotate_in(&key).await?;
        tracing::info!(kid = %key.kid, alg = alg.as_str(), "generated the first signing key");
        published = store.published_keys().await?;
    }
    KeyRing::open(&published, master)
}

/// Generates a new current key; the old current stays published as previous.
pub async fn rotate(store: &dyn Store, master: &MasterKey, alg: SigningAlg) -> Result<StoredKey> {
    let key = SigningKey::generate(alg, master)?;
    store.rotate_in(&key).await?;
    store
        .append(&AuditEvent::new(AuditKind::KeysRotated, Outcome::Success, &ClientInfo::default()).detail(format!(
            "new key {} ({})",
            key.kid,
            alg.as_str()
        )))
        .await?;
    Ok(key)
}

impl Accounts {
    /// Re-reads the published keys; returns whether the ring changed.
    pub async fn reload_keys(&self) -> Result<bool> {
        let published = self.store.published_keys().await?;
        let current = self.key_ring();
        let same =
            published.len() == current.kids().len() && published.iter().zip(current.kids()).all(|(a, b)| a.kid == b);
        if same {
            return Ok(false);
        }
        let ring = KeyRing::open(&published, &self.master)?;
        tracing::info!(current = %ring.current().kid, "signing keys reloaded");
        match self.keys.write() {
            Ok(mut guard) => *guard = Arc::new(ring),
            Err(poisoned) => *poisoned.into_inner() = Arc::new(ring),
        }
        Ok(true)
    }

    /// Rotates the signing key and starts using the new one at once.
    pub async fn rotate_keys(&self) -> Result<StoredKey> {
        let key = rotate(self.store.as_ref(), &self.master, self.config.signing_alg).await?;
        self.reload_keys().await?;
        Ok(key)
    }
}
