//! A bounded map for caches that must never serve what was just forgotten.
//!
//! The map is split into shards, each behind its own lock, so that requests
//! on different cores seldom wait for each other; each shard keeps at most
//! its share of the capacity and, when full, drops its least recently used
//! entry. An entry is also dropped once it is older than the cache's maximum
//! age, measured on the injected clock.
//!
//! Filling races with forgetting. A reader that read the database just
//! before a writer committed would otherwise put the old value back after
//! the writer forgot it, and it would stay until the maximum age. So each
//! shard counts what it forgets: a reader takes a [`Ticket`] *before* it
//! reads the database, and [`BoundedCache::put`] keeps the value only if
//! nothing in that shard was forgotten since.

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hash};
use std::sync::{Mutex, MutexGuard, PoisonError};

use hashlink::LruCache;
use time::{Duration, OffsetDateTime};

/// Shards per cache: enough that two cores rarely want the same lock.
const SHARDS: usize = 16;

/// A cache of `V` by `K` with a size cap and a maximum age (see the module docs).
pub struct BoundedCache<K, V> {
    shards: Box<[Mutex<Shard<K, V>>]>,
    hasher: RandomState,
    max_age: Duration,
}

struct Shard<K, V> {
    entries: LruCache<K, (V, OffsetDateTime)>,
    /// How many times anything in this shard was forgotten.
    forgotten: u64,
}

/// Taken before reading what will fill the cache (see the module docs).
#[derive(Clone, Copy, Debug)]
#[must_use = "a ticket is handed to `put`"]
pub struct Ticket {
    shard: usize,
    forgotten: u64,
}

impl<K, V> std::fmt::Debug for BoundedCache<K, V> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BoundedCache").field("max_age", &self.max_age).finish_non_exhaustive()
    }
}

impl<K: Hash + Eq + Clone, V: Clone> BoundedCache<K, V> {
    /// Holds about `capacity` entries (at least one per shard), each for at
    /// most `max_age`.
    pub fn new(capacity: usize, max_age: std::time::Duration) -> Self {
        let per_shard = capacity.div_ceil(SHARDS).max(1);
        let shards =
            (0..SHARDS).map(|_| Mutex::new(Shard { entries: LruCache::new(per_shard), forgotten: 0 })).collect();
        let max_age = Duration::try_from(max_age).unwrap_or(Duration::MAX);
        Self { shards, hasher: RandomState::new(), max_age }
    }

    fn index(&self, key: &K) -> usize {
        // The shard count is a power of two: the low bits of the hash choose.
        (self.hasher.hash_one(key) as usize) % SHARDS
    }

    fn shard(&self, index: usize) -> MutexGuard<'_, Shard<K, V>> {
        // A panic while a shard was held cannot leave it half-changed in a
        // way that matters to a cache: keep using it.
        self.shards[index].lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The value for `key`, if one is cached and younger than the maximum age at `now`.
    pub fn get(&self, key: &K, now: OffsetDateTime) -> Option<V> {
        let mut shard = self.shard(self.index(key));
        let (value, put_at) = shard.entries.get(key)?;
        if now - *put_at < self.max_age && now >= *put_at {
            return Some(value.clone());
        }
        shard.entries.remove(key);
        None
    }

    /// A ticket for filling `key`: take it before reading the value.
    pub fn ticket(&self, key: &K) -> Ticket {
        let index = self.index(key);
        Ticket { shard: index, forgotten: self.shard(index).forgotten }
    }

    /// Caches `value` for `key`, unless something in its shard was forgotten
    /// since `ticket` was taken (then the value may already be old). Returns
    /// whether it was kept.
    pub fn put(&self, key: K, value: V, ticket: Ticket, now: OffsetDateTime) -> bool {
        let index = self.index(&key);
        let mut shard = self.shard(index);
        if index != ticket.shard || shard.forgotten != ticket.forgotten {
            return false;
        }
        shard.entries.insert(key, (value, now));
        true
    }

    /// Replaces the value of `key` if it is cached (a change this process
    /// made and knows the result of); an absent key stays absent.
    pub fn update(&self, key: &K, change: impl FnOnce(&mut V)) {
        let mut shard = self.shard(self.index(key));
        if let Some((value, _)) = shard.entries.peek_mut(key) {
            change(value);
        }
    }

    /// Drops `key`, and makes every fill of its shard under way keep nothing.
    pub fn forget(&self, key: &K) {
        let mut shard = self.shard(self.index(key));
        shard.entries.remove(key);
        shard.forgotten += 1;
    }

    /// Drops every entry `doomed` says, in every shard (a scan: for rare changes).
    pub fn forget_where(&self, doomed: impl Fn(&K, &V) -> bool) {
        for index in 0..SHARDS {
            let mut shard = self.shard(index);
            let keys: Vec<K> =
                shard.entries.iter().filter(|(k, (v, _))| doomed(k, v)).map(|(k, _)| k.clone()).collect();
            for key in &keys {
                shard.entries.remove(key);
            }
            shard.forgotten += 1;
        }
    }

    /// Drops everything.
    pub fn clear(&self) {
        for index in 0..SHARDS {
            let mut shard = self.shard(index);
            shard.entries.clear();
            shard.forgotten += 1;
        }
    }

    /// How many entries are cached (some may be past their age).
    pub fn len(&self) -> usize {
        (0..SHARDS).map(|index| self.shard(index).entries.len()).sum()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t0() -> OffsetDateTime {
        OffsetDateTime::UNIX_EPOCH
    }

    #[test]
    fn a_value_is_served_until_its_age_or_until_forgotten() {
        let cache = BoundedCache::new(100, std::time::Duration::from_secs(60));
        let ticket = cache.ticket(&1);
        assert!(cache.put(1, "a", ticket, t0()));
        assert_eq!(cache.get(&1, t0() + Duration::seconds(59)), Some("a"));
        assert_eq!(cache.get(&1, t0() + Duration::seconds(60)), None, "too old");
        let ticket = cache.ticket(&1);
        assert!(cache.put(1, "a", ticket, t0()));
        cache.forget(&1);
        assert_eq!(cache.get(&1, t0()), None);
    }

    #[test]
    fn a_fill_that_raced_a_forget_keeps_nothing() {
        let cache = BoundedCache::new(100, std::time::Duration::from_secs(60));
        // A reader takes its ticket and reads the old value…
        let ticket = cache.ticket(&7);
        // …a writer commits and forgets…
        cache.forget(&7);
        // …and the reader's old value is not kept.
        assert!(!cache.put(7, "old", ticket, t0()));
        assert_eq!(cache.get(&7, t0()), None);
        // The same after a forget of everything, or of a selection.
        let ticket = cache.ticket(&7);
        cache.clear();
        assert!(!cache.put(7, "old", ticket, t0()));
        let ticket = cache.ticket(&7);
        cache.forget_where(|_, _| false);
        assert!(!cache.put(7, "old", ticket, t0()));
    }

    #[test]
    fn the_cache_holds_its_capacity_and_drops_the_least_recently_used() {
        let cache = BoundedCache::new(SHARDS * 2, std::time::Duration::from_secs(60));
        for key in 0..10_000u32 {
            let ticket = cache.ticket(&key);
            cache.put(key, key, ticket, t0());
            // Key 0 is used all along, so it is never the least recent.
            assert_eq!(cache.get(&0, t0()), Some(0));
        }
        assert!(cache.len() <= SHARDS * 2, "{} entries", cache.len());
        assert_eq!(cache.get(&0, t0()), Some(0));
    }

    #[test]
    fn forget_where_drops_only_what_it_names_and_update_changes_in_place() {
        let cache = BoundedCache::new(100, std::time::Duration::from_secs(60));
        for key in 0..20u32 {
            let ticket = cache.ticket(&key);
            cache.put(key, key % 2, ticket, t0());
        }
        cache.forget_where(|_, v| *v == 1);
        assert_eq!(cache.len(), 10);
        assert_eq!(cache.get(&3, t0()), None);
        cache.update(&4, |v| *v = 9);
        cache.update(&5, |v| *v = 9);
        assert_eq!(cache.get(&4, t0()), Some(9));
        assert_eq!(cache.get(&5, t0()), None, "update never adds");
    }
}
