//! Signing-key lifecycle: create the first key, rotate, and reload the ring
//! (another process — the CLI or another node — may have rotated).
//!
//! Each algorithm has its own current key. The access-token algorithm's key
//! exists from the start; a key for another algorithm (RS256 for ID tokens) is
//! created the first time it is needed, so a server that never acts as an
//! OpenID provider never pays for an RSA key.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use time::OffsetDateTime;

use crate::account::UserId;
use crate::audit::{AuditEvent, AuditKind, ClientInfo, Outcome};
use crate::crypto::MasterKey;
use crate::error::Result;
use crate::store::{AuditStore, KeyStore};
use crate::token::{KeyRing, KeyStatus, SigningAlg, SigningKey, StoredKey};

/// The least time between two reloads caused by tokens with an unknown `kid`:
/// a flood of made-up key ids costs one query per interval, not one each.
pub(crate) const KID_RELOAD_INTERVAL: Duration = Duration::from_secs(1);

/// Lets one unknown-`kid` reload through per [`KID_RELOAD_INTERVAL`].
#[derive(Debug)]
pub(crate) struct ReloadGate {
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
    pub(crate) fn try_open(&self) -> bool {
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
pub(crate) async fn load_or_create(
    store: &dyn KeyStore,
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
// The key store and the audit log are separate capabilities on purpose.
#[allow(clippy::too_many_arguments)]
pub async fn rotate(
    keys: &dyn KeyStore,
    log: &dyn AuditStore,
    master: &MasterKey,
    primary: SigningAlg,
    keep_for: Duration,
    now: OffsetDateTime,
    actor: Option<UserId>,
    client: &ClientInfo,
) -> Result<Vec<StoredKey>> {
    let published = keys.published_keys().await?;
    let mut algs = vec![primary];
    for k in published.iter().filter(|k| k.status == KeyStatus::Current) {
        if !algs.contains(&k.alg) {
            algs.push(k.alg);
        }
    }
    let mut rotated = Vec::with_capacity(algs.len());
    for alg in algs {
        let key = SigningKey::generate(alg, master, now)?;
        keys.rotate_in(&key, keep_for).await?;
        let mut event = AuditEvent::new(AuditKind::KeysRotated, Outcome::Success, client).detail(format!(
            "new key {} ({})",
            key.kid,
            alg.as_str()
        ));
        event.at = now;
        if let Some(actor) = actor {
            event = event.actor(actor);
        }
        log.append(&event).await?;
        rotated.push(key);
    }
    Ok(rotated)
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
