//! Signing-key lifecycle: create the first key, rotate, and reload the ring
//! (another process — the CLI or another node — may have rotated).
//!
//! Each algorithm has its own current key. The access-token algorithm's key
//! exists from the start; a key for another algorithm (RS256 for ID tokens) is
//! created the first time it is needed, so a server that never acts as an
//! OpenID provider never pays for an RSA key.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use super::Accounts;
use time::OffsetDateTime;

use crate::account::UserId;
use crate::audit::{AuditEvent, AuditKind, ClientInfo, Outcome};
use crate::crypto::MasterKey;
use crate::error::{Error, Result};
use crate::store::{Change, Changes, Store};
use crate::token::{AccessClaims, AccessTokenIssuer, KeyRing, KeyStatus, SigningAlg, SigningKey, StoredKey};

/// The least time between two reloads caused by tokens with an unknown `kid`:
/// a flood of made-up key ids costs one query per interval, not one each.
const KID_RELOAD_INTERVAL: Duration = Duration::from_secs(1);

/// Lets one unknown-`kid` reload through per [`KID_RELOAD_INTERVAL`].
#[derive(Debug)]
pub(super) struct ReloadGate {
    started: Instant,
    /// Milliseconds after `started` when the gate last opened, plus one (0: never).
    last: AtomicU64,
}

impl Default for ReloadGate {
    fn default() -> Self {
        Self { started: Instant::now(), last: AtomicU64::new(0) }
    }
}

impl ReloadGate {
    /// Whether a reload may run now; at most one caller per interval gets `true`.
    fn try_open(&self) -> bool {
        let now = u64::try_from(self.started.elapsed().as_millis()).unwrap_or(u64::MAX).saturating_add(1);
        let last = self.last.load(Ordering::Relaxed);
        let interval = u64::try_from(KID_RELOAD_INTERVAL.as_millis()).unwrap_or(u64::MAX);
        if last != 0 && now.saturating_sub(last) < interval {
            return false;
        }
        self.last.compare_exchange(last, now, Ordering::AcqRel, Ordering::Relaxed).is_ok()
    }
}

/// Loads the published keys, creating the first one on a fresh database.
pub(super) async fn load_or_create(
    store: &dyn Store,
    master: &MasterKey,
    alg: SigningAlg,
    now: OffsetDateTime,
) -> Result<KeyRing> {
    let mut published = store.published_keys().await?;
    if published.is_empty() {
        let key = SigningKey::generate(alg, master, now)?;
        store.rotate_in(&key, Duration::ZERO).await?;
        tracing::info!(kid = %key.kid, alg = alg.as_str(), "generated the first signing key");
        published = store.published_keys().await?;
    }
    KeyRing::open(&published, master, alg)
}

/// How long a key that stopped signing stays published: the longest lifetime
/// of a token it signed (access and ID tokens live `access_ttl`), plus room
/// for clock skew.
pub fn keep_published(access_ttl: Duration) -> Duration {
    access_ttl.saturating_add(Duration::from_secs(120))
}

/// Generates a new current key for `primary` and for every other algorithm
/// in use; each old current key stays published as previous, as do earlier
/// ones that stopped signing less than `keep_for` ago ([`keep_published`]).
/// Audited with `actor` (an administrator; `None` for the CLI); `now` is
/// when the new keys are made.
pub async fn rotate(
    store: &dyn Store,
    master: &MasterKey,
    primary: SigningAlg,
    keep_for: Duration,
    now: OffsetDateTime,
    actor: Option<UserId>,
    client: &ClientInfo,
) -> Result<Vec<StoredKey>> {
    let published = store.published_keys().await?;
    let mut algs = vec![primary];
    for k in published.iter().filter(|k| k.status == KeyStatus::Current) {
        if !algs.contains(&k.alg) {
            algs.push(k.alg);
        }
    }
    let mut rotated = Vec::with_capacity(algs.len());
    for alg in algs {
        let key = SigningKey::generate(alg, master, now)?;
        store.rotate_in(&key, keep_for).await?;
        let mut event = AuditEvent::new(AuditKind::KeysRotated, Outcome::Success, client).detail(format!(
            "new key {} ({})",
            key.kid,
            alg.as_str()
        ));
        event.at = now;
        if let Some(actor) = actor {
            event = event.actor(actor);
        }
        store.append(&event).await?;
        rotated.push(key);
    }
    Ok(rotated)
}

impl Accounts {
    /// Verifies an access token (signature and claims; see
    /// [`AccessTokenIssuer::verify`]). A token signed with a key this node has
    /// not loaded yet — another node rotated a moment ago — makes it re-read
    /// the keys first, at most once per [`KID_RELOAD_INTERVAL`].
    pub(super) async fn verify_access(&self, token: &str) -> Result<AccessClaims> {
        let ring = self.key_ring();
        let now = self.clock.unix();
        match AccessTokenIssuer::verify(&ring, &self.config.tokens, token, now) {
            Err(Error::InvalidToken)
                if AccessTokenIssuer::names_unknown_key(&ring, token) && self.kid_reload.try_open() =>
            {
                match self.reload_keys().await {
                    Ok(true) => AccessTokenIssuer::verify(&self.key_ring(), &self.config.tokens, token, now),
                    Ok(false) => Err(Error::InvalidToken),
                    Err(e) => {
                        tracing::warn!(error = %e, "cannot reload signing keys for an unknown key id");
                        Err(Error::InvalidToken)
                    }
                }
            }
            other => other,
        }
    }

    /// The store's feed of changes by other processes (see
    /// [`crate::store::Store::watch_changes`]); feed each to [`Accounts::apply_change`].
    pub async fn watch_changes(&self) -> Result<Option<Changes>> {
        Ok(self.store.watch_changes().await?)
    }

    /// Drops or re-reads what another process changed.
    pub async fn apply_change(&self, change: &Change) -> Result<()> {
        match change {
            Change::Keys => {
                self.reload_keys().await?;
            }
            Change::Client(id) => self.clients.forget(id),
            Change::Missed => {
                self.clients.clear();
                self.reload_keys().await?;
            }
        }
        Ok(())
    }

    /// Every key, retired ones too, newest first.
    pub async fn all_keys(&self, actor: &crate::rbac::Actor) -> Result<Vec<StoredKey>> {
        actor.require(crate::rbac::KEYS_READ)?;
        Ok(self.store.all_keys().await?)
    }

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

    /// Rotates the signing keys and starts using the new ones at once (other
    /// nodes: see [`Accounts::watch_keys`] and [`Accounts::verify_access`]).
    pub async fn rotate_keys(&self, actor: &crate::rbac::Actor, client: &ClientInfo) -> Result<Vec<StoredKey>> {
        actor.require(crate::rbac::KEYS_ROTATE)?;
        let keep = keep_published(self.config.tokens.access_ttl);
        let keys =
            rotate(self.store.as_ref(), &self.master, self.config.signing_alg, keep, self.now(), actor.user, client)
                .await?;
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
            let key = SigningKey::generate(alg, &self.master, self.now())?;
            self.store.rotate_in(&key, keep_published(self.config.tokens.access_ttl)).await?;
            tracing::info!(kid = %key.kid, alg = alg.as_str(), "generated the first signing key for this algorithm");
            self.reload_keys().await?;
        }
        Ok(self.key_ring())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_unknown_kid_gate_opens_once_per_interval() {
        let gate = ReloadGate::default();
        assert!(gate.try_open());
        assert!(!gate.try_open(), "a second unknown kid within the interval waits");
        // The last opening was more than an interval ago.
        let earlier = Instant::now().checked_sub(KID_RELOAD_INTERVAL * 2).unwrap_or_else(Instant::now);
        let gate = ReloadGate { started: earlier, last: AtomicU64::new(1) };
        assert!(gate.try_open());
        assert!(!gate.try_open());
    }
}
