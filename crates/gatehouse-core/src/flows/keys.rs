//! Signing-key lifecycle: create the first key, rotate, and reload the ring
//! (another process — the CLI or another node — may have rotated).
//!
//! Each algorithm has its own current key. The access-token algorithm's key
//! exists from the start; a key for another algorithm (RS256 for ID tokens) is
//! created the first time it is needed, so a server that never acts as an
//! OpenID provider never pays for an RSA key.

use std::sync::Arc;

use super::Accounts;
use crate::audit::{AuditEvent, AuditKind, ClientInfo, Outcome};
use crate::crypto::MasterKey;
use crate::error::Result;
use crate::store::Store;
use crate::token::{KeyRing, KeyStatus, SigningAlg, SigningKey, StoredKey};

/// Loads the published keys, creating the first one on a fresh database.
pub(super) async fn load_or_create(store: &dyn Store, master: &MasterKey, alg: SigningAlg) -> Result<KeyRing> {
    let mut published = store.published_keys().await?;
    if published.is_empty() {
        let key = SigningKey::generate(alg, master)?;
        store.rotate_in(&key).await?;
        tracing::info!(kid = %key.kid, alg = alg.as_str(), "generated the first signing key");
        published = store.published_keys().await?;
    }
    KeyRing::open(&published, master, alg)
}

/// Generates a new current key for `primary` and for every other algorithm
/// in use; each old current key stays published as previous.
pub async fn rotate(store: &dyn Store, master: &MasterKey, primary: SigningAlg) -> Result<Vec<StoredKey>> {
    let published = store.published_keys().await?;
    let mut algs = vec![primary];
    for k in published.iter().filter(|k| k.status == KeyStatus::Current) {
        if !algs.contains(&k.alg) {
            algs.push(k.alg);
        }
    }
    let mut rotated = Vec::with_capacity(algs.len());
    for alg in algs {
        let key = SigningKey::generate(alg, master)?;
        store.rotate_in(&key).await?;
        store
            .append(&AuditEvent::new(AuditKind::KeysRotated, Outcome::Success, &ClientInfo::default()).detail(format!(
                "new key {} ({})",
                key.kid,
                alg.as_str()
            )))
            .await?;
        rotated.push(key);
    }
    Ok(rotated)
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
        let ring = KeyRing::open(&published, &self.master, self.config.signing_alg)?;
        tracing::info!(current = %ring.current().kid, "signing keys reloaded");
        match self.keys.write() {
            Ok(mut guard) => *guard = Arc::new(ring),
            Err(poisoned) => *poisoned.into_inner() = Arc::new(ring),
        }
        Ok(true)
    }

    /// Rotates the signing keys and starts using the new ones at once.
    pub async fn rotate_keys(&self) -> Result<Vec<StoredKey>> {
        let keys = rotate(self.store.as_ref(), &self.master, self.config.signing_alg).await?;
        self.reload_keys().await?;
        Ok(keys)
    }

    /// The ring, with a current key for `alg` (created on first use).
    pub(super) async fn ring_with(&self, alg: SigningAlg) -> Result<Arc<KeyRing>> {
        let ring = self.key_ring();
        if ring.current_for(alg).is_some() {
            return Ok(ring);
        }
        // Another node may have created it since our last reload.
        self.reload_keys().await?;
        if self.key_ring().current_for(alg).is_none() {
            let key = SigningKey::generate(alg, &self.master)?;
            self.store.rotate_in(&key).await?;
            tracing::info!(kid = %key.kid, alg = alg.as_str(), "generated the first signing key for this algorithm");
            self.reload_keys().await?;
        }
        Ok(self.key_ring())
    }
}
