//! Rate limiting: fixed-window counters keyed by scope and subject (an IP or an
//! account). In-process here; `gatehouse_store::RedisRateLimiter`, behind the
//! same trait, lets several nodes share limits.

use std::collections::HashMap;
use std::fmt;
use std::str::FromStr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use async_trait::async_trait;

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

/// In-process limiter. Memory is bounded: expired windows are swept out when
/// the table grows.
#[derive(Default)]
pub struct MemoryRateLimiter {
    windows: Mutex<HashMap<String, (Instant, u32)>>,
}

const SWEEP_AT: usize = 100_000;

impl MemoryRateLimiter {
    pub fn new() -> Self {
        Self::default()
    }
}

#[async_trait]
impl RateLimiter for MemoryRateLimiter {
    async fn hit(&self, key: &str, rate: Rate) -> Result<(), Error> {
        let now = Instant::now();
        let mut windows = self.windows.lock().map_err(|_| Error::internal("rate limiter lock poisoned"))?;
        if windows.len() >= SWEEP_AT {
            windows.retain(|_, (start, _)| now.duration_since(*start) < Duration::from_secs(86400));
        }
        let entry = windows.entry(key.to_owned()).or_insert((now, 0));
        if now.duration_since(entry.0) >= rate.window {
            *entry = (now, 0);
        }
        entry.1 = entry.1.saturating_add(1);
        if entry.1 > rate.limit {
            let retry_after = rate.window.saturating_sub(now.duration_since(entry.0));
            return Err(Error::RateLimited { retry_after: retry_after.max(Duration::from_secs(1)) });
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn limits_per_key() {
        let rl = MemoryRateLimiter::new();
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

    #[test]
    fn parses_rates() {
        assert_eq!("10/min".parse::<Rate>().unwrap(), Rate::per_minute(10));
        assert_eq!(" 5 / h".parse::<Rate>().unwrap(), Rate::per_hour(5));
        assert!("ten/min".parse::<Rate>().is_err());
        assert!("10/fortnight".parse::<Rate>().is_err());
        assert_eq!(Rate::per_minute(3).to_string(), "3/min");
    }
}
