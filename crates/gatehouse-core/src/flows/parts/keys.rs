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

/// Makes a new current key for `primary` and for every other algorithm in
/// use — the key published ahead of use where there is one, else a new
/// one; each old current key stays published as previous, as do earlier
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
        // A key already published ahead of use is the better new key: relying
        // parties may have it cached.
        let waiting = published.iter().find(|k| k.alg == alg && k.status == KeyStatus::Next);
        let (key, detail) = match waiting {
            Some(next) if keys.promote(&next.kid, now, keep_for).await? => {
                let key = StoredKey { status: KeyStatus::Current, ..next.clone() };
                let detail = format!("key {} ({}), published ahead, signs from now", key.kid, alg.as_str());
                (key, detail)
            }
            _ => {
                let key = SigningKey::generate(alg, master, now)?;
                keys.rotate_in(&key, keep_for).await?;
                let detail = format!("new key {} ({})", key.kid, alg.as_str());
                (key, detail)
            }
        };
        let mut event = AuditEvent::new(AuditKind::KeysRotated, Outcome::Success, client).detail(detail);
        event.at = now;
        if let Some(actor) = actor {
            event = event.actor(actor);
        }
        log.append(&event).await?;
        rotated.push(key);
    }
    Ok(rotated)
}

/// When keys change on their own (`signing_key_rotation`): a current key
/// made `every` ago gets a successor, published as next for `prepublish`
/// before it signs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct KeySchedule {
    /// How long a key signs before the next one takes over.
    pub every: Duration,
    /// How long the next key is published before it signs: longer than a
    /// relying party caches the JWK Set. Shorter than `every`.
    pub prepublish: Duration,
}

/// One step of the [`KeySchedule`] at `now`, for every algorithm with a
/// current key: a current key made `every` ago gets a next key; a next key
/// published `prepublish` ago becomes current. A new key is so made every
/// `every` and signs from `prepublish` after. Safe on
/// several nodes at once (the store lets one next key per algorithm in, and
/// promotes it once). Returns whether anything changed; each change is
/// audited.
pub async fn follow_schedule(
    keys: &dyn KeyStore,
    log: &dyn AuditStore,
    master: &MasterKey,
    schedule: KeySchedule,
    keep_for: Duration,
    now: OffsetDateTime,
) -> Result<bool> {
    let published = keys.published_keys().await?;
    let mut changed = false;
    for current in published.iter().filter(|k| k.status == KeyStatus::Current) {
        let alg = current.alg;
        let detail = match published.iter().find(|k| k.alg == alg && k.status == KeyStatus::Next) {
            Some(next) if now >= next.created_at + schedule.prepublish => {
                if !keys.promote(&next.kid, now, keep_for).await? {
                    continue;
                }
                format!("key {} ({}) signs from now, on schedule; {} stops", next.kid, alg.as_str(), current.kid)
            }
            Some(_) => continue,
            None if now >= current.created_at + schedule.every => {
                let next = SigningKey::generate(alg, master, now)?;
                if !keys.prepublish(&next).await? {
                    continue;
                }
                format!("key {} ({}) published ahead of use, on schedule", next.kid, alg.as_str())
            }
            None => continue,
        };
        tracing::info!(alg = alg.as_str(), "{detail}");
        let mut event =
            AuditEvent::new(AuditKind::KeysRotated, Outcome::Success, &ClientInfo::default()).detail(detail);
        event.at = now;
        log.append(&event).await?;
        changed = true;
    }
    Ok(changed)
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
