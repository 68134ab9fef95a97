//! Rate limiting: fixed-window counters keyed by scope and subject (an IP or an
//! account). In-process here; `gatehouse_store::RedisRateLimiter`, behind the
//! same trait, lets several nodes share limits. Both measure windows on the
//! injected [`Clock`], so a test moves the clock past a window instead of
//! waiting for it to end.

use std::collections::{HashMap, VecDeque};
use std::fmt;
use std::hash::{BuildHasher, RandomState};
use std::net::{IpAddr, Ipv6Addr};
use std::str::FromStr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_trait::async_trait;
use time::OffsetDateTime;

use crate::clock::Clock;
use crate::error::Error;

/// "N requests per window", written `N/s`, `N/min`, `N/h` or `N/d` in config.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rate {
    pub limit: u32,
    pub window: Duration,
}

impl Rate {
    pub const fn new(limit: u32, window: Duration) -> Self {
        Self { limit, window }
    }

    pub const fn per_minute(limit: u32) -> Self {
        Self::new(limit, Duration::from_secs(60))
    }

    pub const fn per_hour(limit: u32) -> Self {
        Self::new(limit, Duration::from_secs(3600))
    }
}

impl FromStr for Rate {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || format!("'{s}' is not a rate: write e.g. 10/min (units: s, min, h, d)");
        let (n, unit) = s.trim().split_once('/').ok_or_else(bad)?;
        let limit: u32 = n.trim().parse().map_err(|_| bad())?;
        let secs = match unit.trim() {
            "s" | "sec" | "second" => 1,
            "m" | "min" | "minute" => 60,
            "h" | "hour" => 3600,
            "d" | "day" => 86400,
            _ => return Err(bad()),
        };
        Ok(Self::new(limit, Duration::from_secs(secs)))
    }
}

impl fmt::Display for Rate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let unit = match self.window.as_secs() {
            1 => "s",
            60 => "min",
            3600 => "h",
            86400 => "d",
            other => return write!(f, "{}/{}s", self.limit, other),
        };
        write!(f, "{}/{}", self.limit, unit)
    }
}

#[async_trait]
pub trait RateLimiter: Send + Sync {
    /// Counts one hit for `key` and fails with `RateLimited` (with the time until
    /// the window resets) once more than `rate.limit` hits fall in the window.
    async fn hit(&self, key: &str, rate: Rate) -> Result<(), Error>;
}

/// `t` as whole milliseconds since the Unix epoch (0 before it).
pub fn unix_millis(t: OffsetDateTime) -> u64 {
    u64::try_from(t.unix_timestamp_nanos() / 1_000_000).unwrap_or(0)
}

/// The unit one client's requests are counted by: an IPv4 address, or an
/// IPv6 /64 — what one subscriber is usually given, so an attacker with one
/// prefix cannot rotate through 2^64 addresses.
pub fn client_unit(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V4(_) => ip,
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => {
                let s = v6.segments();
                IpAddr::V6(Ipv6Addr::new(s[0], s[1], s[2], s[3], 0, 0, 0, 0))
            }
        },
    }
}

/// In-process limiter: a fixed window per key.
///
/// Memory is bounded whatever the keys: a key is kept as a 64-bit hash
/// (SipHash with a key random per process, so nobody can choose keys that
/// collide) — a 60 KB login name costs what a short one does — and at most
/// `capacity` windows are held. Windows are evicted in the order they end,
/// from one queue per window length (a window length is a limit's, so there
/// are few), a few at each hit: no sweep over the whole table under the lock.
/// When full, the oldest window goes first.
pub struct MemoryRateLimiter {
    windows: Mutex<Windows>,
    hasher: RandomState,
    clock: Arc<dyn Clock>,
}

/// Windows held by default: about 12 MB at most.
pub const DEFAULT_CAPACITY: usize = 200_000;

struct Windows {
    counters: HashMap<u64, Counter>,
    /// Per window length: (start in Unix ms, key), oldest first.
    queues: Vec<(Duration, VecDeque<(u64, u64)>)>,
    capacity: usize,
}

#[derive(Clone, Copy)]
struct Counter {
    /// Unix milliseconds on the limiter's clock.
    started: u64,
    count: u32,
    /// Index into `queues`.
    queue: u32,
}

impl MemoryRateLimiter {
    /// A limiter holding up to [`DEFAULT_CAPACITY`] windows, timed by `clock`.
    pub fn new(clock: Arc<dyn Clock>) -> Self {
        Self::with_capacity(DEFAULT_CAPACITY, clock)
    }

    /// A limiter holding at most `capacity` windows.
    pub fn with_capacity(capacity: usize, clock: Arc<dyn Clock>) -> Self {
        let windows = Windows { counters: HashMap::new(), queues: Vec::new(), capacity: capacity.max(1) };
        Self { windows: Mutex::new(windows), hasher: RandomState::new(), clock }
    }

    /// Windows held now.
    pub fn len(&self) -> usize {
        self.windows.lock().map(|w| w.counters.len()).unwrap_or(0)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Counts a hit of `key` at `now`. A clock stepped back (the system's,
    /// by NTP) only keeps a window open longer: `now - started` saturates.
    fn hit_at(&self, key: &str, rate: Rate, now: OffsetDateTime) -> Result<(), Error> {
        let key = self.hasher.hash_one(key);
        let now = unix_millis(now);
        let window = u64::try_from(rate.window.as_millis()).unwrap_or(u64::MAX).max(1);
        let mut windows = self.windows.lock().map_err(|_| Error::internal("rate limiter lock poisoned"))?;
        windows.evict_ended(now);
        let queue = windows.queue_for(rate.window);
        let counter = match windows.counters.get(&key).copied() {
            Some(c) if c.queue == queue && now.saturating_sub(c.started) < window => {
                Counter { count: c.count.saturating_add(1), ..c }
            }
            found => {
                if found.is_none() && windows.counters.len() >= windows.capacity {
                    windows.evict_oldest();
                }
                windows.push(queue, now, key);
                Counter { started: now, count: 1, queue }
            }
        };
        windows.counters.insert(key, counter);
        if counter.count > rate.limit {
            let left = window.saturating_sub(now.saturating_sub(counter.started));
            return Err(Error::RateLimited { retry_after: Duration::from_millis(left).max(Duration::from_secs(1)) });
        }
        Ok(())
    }
}

impl Windows {
    fn queue_for(&mut self, window: Duration) -> u32 {
        let at = match self.queues.iter().position(|(w, _)| *w == window) {
            Some(at) => at,
            None => {
                self.queues.push((window, VecDeque::new()));
                self.queues.len() - 1
            }
        };
        u32::try_from(at).unwrap_or(u32::MAX)
    }

    fn push(&mut self, queue: u32, started: u64, key: u64) {
        if let Some((_, q)) = self.queues.get_mut(queue as usize) {
            q.push_back((started, key));
        }
    }

    /// Drops the windows that have ended: the fronts of the queues.
    fn evict_ended(&mut self, now: u64) {
        for (at, (window, queue)) in self.queues.iter_mut().enumerate() {
            let window = u64::try_from(window.as_millis()).unwrap_or(u64::MAX).max(1);
            while let Some(&(started, key)) = queue.front() {
                if now.saturating_sub(started) < window {
                    break;
                }
                queue.pop_front();
                // The key may have started a newer window since: keep that one.
                if self.counters.get(&key).is_some_and(|c| c.started == started && c.queue as usize == at) {
                    self.counters.remove(&key);
                }
            }
        }
    }

    /// Drops the window that started first (the table is full).
    fn evict_oldest(&mut self) {
        while let Some(at) = self
            .queues
            .iter()
            .enumerate()
            .filter_map(|(at, (_, q))| q.front().map(|(started, _)| (*started, at)))
            .min()
            .map(|(_, at)| at)
        {
            let Some((started, key)) = self.queues[at].1.pop_front() else { return };
            if self.counters.get(&key).is_some_and(|c| c.started == started && c.queue as usize == at) {
                self.counters.remove(&key);
                return;
            }
        }
    }
}

#[async_trait]
impl RateLimiter for MemoryRateLimiter {
    async fn hit(&self, key: &str, rate: Rate) -> Result<(), Error> {
        self.hit_at(key, rate, self.clock.now())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::{ShiftedClock, SystemClock};

    fn limiter() -> MemoryRateLimiter {
        MemoryRateLimiter::new(Arc::new(SystemClock))
    }

    #[tokio::test]
    async fn limits_per_key() {
        let rl = limiter();
        let rate = Rate::per_minute(2);
        assert!(rl.hit("a", rate).await.is_ok());
        assert!(rl.hit("a", rate).await.is_ok());
        match rl.hit("a", rate).await {
            Err(Error::RateLimited { retry_after }) => {
                assert!(retry_after <= Duration::from_secs(60))
            }
            other => panic!("expected rate limit, got {other:?}"),
        }
        assert!(rl.hit("b", rate).await.is_ok());
    }

    #[tokio::test]
    async fn a_window_ends_when_its_clock_moves_past_it() {
        let clock = Arc::new(ShiftedClock::new());
        let rl = MemoryRateLimiter::new(clock.clone());
        let rate = Rate::per_minute(1);
        assert!(rl.hit("a", rate).await.is_ok());
        assert!(rl.hit("a", rate).await.is_err());
        clock.advance(Duration::from_secs(61));
        assert!(rl.hit("a", rate).await.is_ok(), "a new window, with no wait");
        assert!(rl.hit("a", rate).await.is_err());
    }

    #[test]
    fn windows_end_and_are_evicted_in_order() {
        let rl = limiter();
        let t0 = OffsetDateTime::now_utc();
        let minute = Rate::per_minute(1);
        assert!(rl.hit_at("a", minute, t0).is_ok());
        assert!(rl.hit_at("a", minute, t0 + Duration::from_secs(30)).is_err());
        assert!(rl.hit_at("b", Rate::per_hour(5), t0).is_ok());
        // A minute on: "a" starts over, and its old window is gone.
        assert!(rl.hit_at("a", minute, t0 + Duration::from_secs(61)).is_ok());
        assert_eq!(rl.len(), 2);
        // An hour on: both ended; the next hit evicts them.
        assert!(rl.hit_at("c", minute, t0 + Duration::from_secs(3700)).is_ok());
        assert_eq!(rl.len(), 1);
    }

    #[test]
    fn a_full_table_drops_its_oldest_window() {
        let rl = MemoryRateLimiter::with_capacity(3, Arc::new(SystemClock));
        let t0 = OffsetDateTime::now_utc();
        let rate = Rate::per_hour(1);
        for (n, key) in ["a", "b", "c", "d"].into_iter().enumerate() {
            assert!(rl.hit_at(key, rate, t0 + Duration::from_secs(n as u64)).is_ok());
        }
        assert_eq!(rl.len(), 3);
        let later = t0 + Duration::from_secs(10);
        assert!(rl.hit_at("a", rate, later).is_ok(), "the oldest, a, was dropped");
        assert!(rl.hit_at("d", rate, later).is_err(), "d is still counted");
    }

    /// Resident memory of this process, in bytes (Linux).
    fn rss() -> usize {
        let statm = std::fs::read_to_string("/proc/self/statm").unwrap_or_default();
        let pages: usize = statm.split_whitespace().nth(1).and_then(|p| p.parse().ok()).unwrap_or(0);
        pages * 4096
    }

    #[test]
    fn memory_stays_flat_under_a_hundred_thousand_long_distinct_keys() {
        let rl = limiter();
        let rate = Rate::per_minute(10);
        let t0 = OffsetDateTime::now_utc();
        // A 4 KB login name, different each time (the first bytes change).
        let mut name = vec![b'x'; 4096];
        let before = rss();
        for n in 0..100_000u32 {
            name[..10].copy_from_slice(format!("{n:010}").as_bytes());
            let key = format!("login:account:name:{}", std::str::from_utf8(&name).unwrap());
            assert!(rl.hit_at(&key, rate, t0).is_ok());
        }
        let grown = rss().saturating_sub(before);
        println!("100k distinct 4 KB keys: resident memory grew by {} KiB", grown >> 10);
        assert_eq!(rl.len(), 100_000);
        // The keys' text (400 MB) is nowhere: only hashes and counters.
        assert!(grown < 16 << 20, "{} MiB for 100k windows", grown >> 20);
        // And a minute later they are gone at the next hit.
        assert!(rl.hit_at("after", rate, t0 + Duration::from_secs(61)).is_ok());
        assert_eq!(rl.len(), 1);
    }

    #[test]
    fn ipv6_clients_are_one_unit_per_64() {
        let unit = |s: &str| client_unit(s.parse().unwrap()).to_string();
        assert_eq!(unit("2001:db8:1:2:aaaa::1"), unit("2001:db8:1:2:ffff:1:2:3"));
        assert_ne!(unit("2001:db8:1:2::1"), unit("2001:db8:1:3::1"));
        assert_eq!(unit("2001:db8:1:2:aaaa::1"), "2001:db8:1:2::");
        assert_eq!(unit("::ffff:192.0.2.1"), "192.0.2.1");
        assert_eq!(unit("192.0.2.1"), "192.0.2.1");
    }

    #[test]
    fn parses_rates() {
        assert_eq!("10/min".parse::<Rate>().unwrap(), Rate::per_minute(10));
        assert_eq!(" 5 / h".parse::<Rate>().unwrap(), Rate::per_hour(5));
        assert!("ten/min".parse::<Rate>().is_err());
        assert!("10/fortnight".parse::<Rate>().is_err());
        assert_eq!(Rate::per_minute(3).to_string(), "3/min");
    }
}
