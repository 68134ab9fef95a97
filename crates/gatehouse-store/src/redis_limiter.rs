//! [`RedisRateLimiter`]: the rate-limit counters in Redis, so that every node
//! behind a load balancer counts into the same fixed windows.
//!
//! One hit is one Lua script, atomic on the Redis server, with the same
//! semantics as the in-process limiter: a key's window starts at its first hit
//! and lasts the rate's window, measured on the node's injected [`Clock`] (the
//! script is handed "now"), never on Redis's. A hit after the window ends
//! starts a new one; otherwise it counts into the current one. Concurrent hits
//! from any number of nodes therefore never race, and a test moves its clock
//! past a window instead of waiting for Redis to expire a key. The key's
//! `PEXPIRE` (window + [`EXPIRY_SLACK`]) only collects keys nobody hits again.
//! Nodes' clocks are expected to agree to within a second or so (NTP); a node
//! whose clock is behind a window's start counts into that window.
//!
//! Keys are `<prefix>w:<hex of the first 16 bytes of SHA-256(key)>`: the
//! limiter's keys name IP addresses, account ids, user names and email
//! addresses, and none of those need to sit in a shared cache in clear. (The
//! `w:` sets them apart from the plain counters that versions before the
//! clock kept under `<prefix><hex>`.)
//!
//! Redis trouble never becomes a 500 or a hanging request. Each hit waits at
//! most [`TIMEOUT`]; a failure counts `gatehouse_ratelimit_redis_errors_total`,
//! leaves Redis alone for [`COOLDOWN`] and is logged at most once per
//! [`WARN_EVERY`]. Meanwhile the hit is answered either by an in-process
//! [`MemoryRateLimiter`] (fail open, the default: each node then enforces the
//! limits on its own) or, with `fail_closed`, refused with
//! [`Error::ServerBusy`] (a 503) — for every key, not only the login ones.

use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use async_trait::async_trait;
use gatehouse_core::clock::Clock;
use gatehouse_core::ratelimit::{unix_millis, MemoryRateLimiter, Rate, RateLimiter};
use gatehouse_core::Error;
use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use sha2::{Digest, Sha256};

/// The key prefix in production.
pub const DEFAULT_PREFIX: &str = "gatehouse:rl:";

/// The longest a hit waits for Redis (connecting included).
pub const TIMEOUT: Duration = Duration::from_millis(250);

/// After a failure, hits skip Redis for this long and use the fallback at once,
/// so an outage costs each request nothing rather than a timeout.
pub const COOLDOWN: Duration = Duration::from_secs(1);

/// At most one warning per this period while Redis keeps failing.
pub const WARN_EVERY: Duration = Duration::from_secs(30);

/// How long past its window a counter stays in Redis: room for nodes' clocks
/// to disagree before a key is collected.
pub const EXPIRY_SLACK: Duration = Duration::from_secs(60);

/// Counts one hit. `KEYS[1]` is a hash (`s`: the window's start in Unix ms,
/// `n`: hits in it); `ARGV` = now (ms), window (ms), expiry (ms). Returns the
/// count in the window and the window's remaining milliseconds.
const HIT_SCRIPT: &str = r"
local now = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local started = tonumber(redis.call('HGET', KEYS[1], 's'))
if started == nil or now - started >= window then
  redis.call('HSET', KEYS[1], 's', now, 'n', 1)
  redis.call('PEXPIRE', KEYS[1], ARGV[3])
  return {1, window}
end
local count = redis.call('HINCRBY', KEYS[1], 'n', 1)
return {count, math.min(window, started + window - now)}
";

/// `redis_url` could not be used; the URL itself is not repeated (it may hold
/// a password).
#[derive(Debug, thiserror::Error)]
#[error("redis_url: {0}")]
pub struct RedisUrlError(String);

pub struct RedisRateLimiter {
    client: redis::Client,
    /// `host:port` (or the socket path), for log lines: never the URL.
    addr: String,
    prefix: String,
    fail_closed: bool,
    script: redis::Script,
    conn: Mutex<ConnectionManager>,
    fallback: MemoryRateLimiter,
    clock: Arc<dyn Clock>,
    health: Mutex<Health>,
}

#[derive(Default)]
struct Health {
    /// Redis is not asked before this instant.
    skip_until: Option<Instant>,
    /// Set by a failure, cleared (and logged) by the next success.
    failing: bool,
    last_warning: Option<Instant>,
    /// Failures since the last warning.
    unreported: u64,
}

impl RedisRateLimiter {
    /// Opens a limiter on `url` (`redis://[:password@]host[:port][/db]`,
    /// `rediss://…` or `unix://…`) whose keys start with `prefix`
    /// ([`DEFAULT_PREFIX`] in production). A malformed URL is an error; an
    /// unreachable server is only a warning: the fallback applies until it
    /// answers. Windows are measured on `clock`.
    pub async fn connect(
        url: &str,
        prefix: &str,
        fail_closed: bool,
        clock: Arc<dyn Clock>,
    ) -> Result<Self, RedisUrlError> {
        let client = redis::Client::open(url).map_err(|e| {
            RedisUrlError(format!(
                "not a usable Redis URL ({e}); write redis://[:PASSWORD@]HOST[:PORT][/DB], rediss://… or unix://PATH"
            ))
        })?;
        let addr = client.get_connection_info().addr().to_string();
        let conn = Self::manager(&client).map_err(|e| RedisUrlError(e.to_string()))?;
        let limiter = Self {
            client,
            addr,
            prefix: prefix.to_owned(),
            fail_closed,
            script: redis::Script::new(HIT_SCRIPT),
            conn: Mutex::new(conn),
            fallback: MemoryRateLimiter::new(clock.clone()),
            clock,
            health: Mutex::new(Health::default()),
        };
        match limiter.ping().await {
            Ok(()) => tracing::info!(redis = %limiter.addr, "rate limits are shared through Redis"),
            Err(e) => limiter.failed(&e),
        }
        Ok(limiter)
    }

    /// Whether Redis answers a `PING` within [`TIMEOUT`].
    pub async fn ping(&self) -> Result<(), String> {
        let mut conn = self.connection();
        let ping = async { redis::cmd("PING").query_async::<String>(&mut conn).await };
        match tokio::time::timeout(TIMEOUT, ping).await {
            Ok(Ok(_)) => Ok(()),
            Ok(Err(e)) => Err(e.to_string()),
            Err(_) => Err(format!("no answer within {} ms", TIMEOUT.as_millis())),
        }
    }

    /// The Redis key for a limiter key.
    fn redis_key(&self, key: &str) -> String {
        let digest = Sha256::digest(key.as_bytes());
        format!("{}w:{}", self.prefix, hex::encode(&digest[..16]))
    }

    /// A connection manager that connects on first use. It reconnects by
    /// itself after a dropped connection; [`Self::failed`] replaces it
    /// anyway, so no error it does not recover from can stick.
    fn manager(client: &redis::Client) -> redis::RedisResult<ConnectionManager> {
        let config = ConnectionManagerConfig::new()
            .set_connection_timeout(Some(TIMEOUT))
            .set_response_timeout(Some(TIMEOUT))
            .set_number_of_retries(0);
        ConnectionManager::new_lazy_with_config(client.clone(), config)
    }

    fn connection(&self) -> ConnectionManager {
        self.conn.lock().unwrap_or_else(PoisonError::into_inner).clone()
    }

    /// Counts one hit in Redis: `(count in the window, remaining ms)`.
    async fn count(&self, key: &str, window: Duration) -> Result<(i64, i64), String> {
        let mut conn = self.connection();
        let window_ms = u64::try_from(window.as_millis()).unwrap_or(u64::MAX).max(1);
        let expiry_ms = window_ms.saturating_add(u64::try_from(EXPIRY_SLACK.as_millis()).unwrap_or(0));
        let now_ms = unix_millis(self.clock.now());
        let mut invocation = self.script.key(self.redis_key(key));
        let hit = invocation.arg(now_ms).arg(window_ms).arg(expiry_ms).invoke_async::<(i64, i64)>(&mut conn);
        match tokio::time::timeout(TIMEOUT, hit).await {
            Ok(Ok(answer)) => Ok(answer),
            Ok(Err(e)) => Err(e.to_string()),
            Err(_) => Err(format!("no answer within {} ms", TIMEOUT.as_millis())),
        }
    }

    /// Whether Redis is in its cool-down after a failure.
    fn resting(&self) -> bool {
        let health = self.health.lock().unwrap_or_else(PoisonError::into_inner);
        health.skip_until.is_some_and(|until| Instant::now() < until)
    }

    fn failed(&self, error: &str) {
        metrics::counter!("gatehouse_ratelimit_redis_errors_total").increment(1);
        if let Ok(fresh) = Self::manager(&self.client) {
            *self.conn.lock().unwrap_or_else(PoisonError::into_inner) = fresh;
        }
        let now = Instant::now();
        let mut health = self.health.lock().unwrap_or_else(PoisonError::into_inner);
        health.skip_until = Some(now + COOLDOWN);
        health.failing = true;
        health.unreported += 1;
        if health.last_warning.is_some_and(|at| now.duration_since(at) < WARN_EVERY) {
            return;
        }
        let failures = std::mem::take(&mut health.unreported);
        health.last_warning = Some(now);
        drop(health);
        let fallback = if self.fail_closed {
            "refusing rate-limited requests with 503 (rate_limit_fail_closed)"
        } else {
            "counting in this process only"
        };
        tracing::warn!(
            redis = %self.addr,
            %error,
            failures,
            "Redis rate limiter unavailable; {fallback} until it answers"
        );
    }

    fn succeeded(&self) {
        let mut health = self.health.lock().unwrap_or_else(PoisonError::into_inner);
        if health.failing {
            *health = Health { last_warning: health.last_warning, ..Health::default() };
            drop(health);
            tracing::info!(redis = %self.addr, "Redis rate limiter answers again; limits are shared");
        }
    }

    async fn unavailable(&self, key: &str, rate: Rate) -> Result<(), Error> {
        if self.fail_closed {
            Err(Error::ServerBusy)
        } else {
            self.fallback.hit(key, rate).await
        }
    }
}

#[async_trait]
impl RateLimiter for RedisRateLimiter {
    async fn hit(&self, key: &str, rate: Rate) -> Result<(), Error> {
        if self.resting() {
            return self.unavailable(key, rate).await;
        }
        match self.count(key, rate.window).await {
            Ok((count, ttl_ms)) => {
                self.succeeded();
                if count > i64::from(rate.limit) {
                    let retry_after = Duration::from_millis(u64::try_from(ttl_ms).unwrap_or(0));
                    return Err(Error::RateLimited { retry_after: retry_after.max(Duration::from_secs(1)) });
                }
                Ok(())
            }
            Err(e) => {
                self.failed(&e);
                self.unavailable(key, rate).await
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use gatehouse_core::clock::SystemClock;

    use super::*;

    #[tokio::test]
    async fn a_bad_url_is_refused_without_echoing_it() {
        for url in ["http://user:hunter2@example.com", "not a url", "redis://:hunter2@"] {
            let err = RedisRateLimiter::connect(url, DEFAULT_PREFIX, false, Arc::new(SystemClock)).await.err();
            let message = err.map(|e| e.to_string()).unwrap_or_default();
            assert!(message.starts_with("redis_url: ") && !message.contains("hunter2"), "{url}: {message}");
        }
    }

    #[tokio::test]
    async fn keys_are_prefixed_digests() {
        // Port 1: nothing listens, which this test does not mind.
        let limiter =
            RedisRateLimiter::connect("redis://127.0.0.1:1", "p:", false, Arc::new(SystemClock)).await.unwrap();
        let key = limiter.redis_key("forgot:email:alice@example.com");
        assert!(key.starts_with("p:w:") && key.len() == 4 + 32 && !key.contains("alice"), "{key}");
        assert_ne!(key, limiter.redis_key("forgot:email:bob@example.com"));
    }
}
