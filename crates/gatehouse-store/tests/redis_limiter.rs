//! [`RedisRateLimiter`] against a real Redis: `redis://127.0.0.1:6379` unless
//! `GATEHOUSE_TEST_REDIS_URL` says otherwise. An unreachable Redis fails these
//! tests rather than skipping them. Each test uses its own key prefix, so runs
//! in parallel (or a CI run beside a developer's) never share a counter.
// Tests may unwrap and panic (STYLE.md 10); the workspace lints deny it elsewhere.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::Arc;
use std::time::{Duration, Instant};

use gatehouse_core::clock::{Clock, ShiftedClock, SystemClock};
use gatehouse_core::ratelimit::{Rate, RateLimiter};
use gatehouse_core::Error;
use gatehouse_store::RedisRateLimiter;
use metrics_util::debugging::{DebugValue, DebuggingRecorder};

fn redis_url() -> String {
    std::env::var("GATEHOUSE_TEST_REDIS_URL").unwrap_or_else(|_| "redis://127.0.0.1:6379".into())
}

fn unique_prefix() -> String {
    format!("gh_test:{}:", uuid::Uuid::new_v4().simple())
}

/// A limiter ("a node") on the test Redis; panics if Redis does not answer.
async fn node(prefix: &str) -> RedisRateLimiter {
    node_on(prefix, Arc::new(SystemClock)).await
}

/// [`node`] timing its windows by `clock`.
async fn node_on(prefix: &str, clock: Arc<dyn Clock>) -> RedisRateLimiter {
    let url = redis_url();
    let limiter = RedisRateLimiter::connect(&url, prefix, false, clock).await.unwrap();
    if let Err(e) = limiter.ping().await {
        panic!("Redis is required for the tests and is not reachable at {url}: {e} (start it: .ci/run does)");
    }
    limiter
}

fn retry_after(result: Result<(), Error>) -> Duration {
    match result {
        Err(Error::RateLimited { retry_after }) => retry_after,
        other => panic!("expected a rate limit, got {other:?}"),
    }
}

#[tokio::test]
async fn two_nodes_share_one_window() {
    let prefix = unique_prefix();
    let (a, b) = (node(&prefix).await, node(&prefix).await);
    let rate = Rate::per_minute(5);
    for i in 0..5 {
        let n = if i % 2 == 0 { &a } else { &b };
        n.hit("login:ip:192.0.2.1", rate).await.unwrap_or_else(|e| panic!("hit {}: {e:?}", i + 1));
    }
    let wait = retry_after(b.hit("login:ip:192.0.2.1", rate).await);
    assert!(wait > Duration::ZERO && wait <= Duration::from_secs(60), "{wait:?}");
    retry_after(a.hit("login:ip:192.0.2.1", rate).await);
    // Other keys, and the same key under another prefix, count apart.
    a.hit("login:ip:192.0.2.2", rate).await.unwrap();
    node(&unique_prefix()).await.hit("login:ip:192.0.2.1", rate).await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_hits_never_overshoot() {
    let prefix = unique_prefix();
    let nodes = [Arc::new(node(&prefix).await), Arc::new(node(&prefix).await)];
    let rate = Rate::per_minute(20);
    let mut hits = tokio::task::JoinSet::new();
    for i in 0..60 {
        let n = nodes[i % 2].clone();
        hits.spawn(async move { n.hit("register:ip:198.51.100.7", rate).await });
    }
    let results = hits.join_all().await;
    let allowed = results.iter().filter(|r| r.is_ok()).count();
    assert_eq!(allowed, 20, "exactly the limit passes: {results:?}");
    assert!(results.iter().all(|r| matches!(r, Ok(()) | Err(Error::RateLimited { .. }))));
}

#[tokio::test]
async fn windows_end_on_the_nodes_clock() {
    let clock = Arc::new(ShiftedClock::new());
    let limiter = node_on(&unique_prefix(), clock.clone()).await;
    let rate = Rate::per_minute(2);
    limiter.hit("mfa:account:1", rate).await.unwrap();
    limiter.hit("mfa:account:1", rate).await.unwrap();
    let wait = retry_after(limiter.hit("mfa:account:1", rate).await);
    assert!(wait > Duration::from_secs(59) && wait <= Duration::from_secs(60), "{wait:?}");
    clock.advance(Duration::from_secs(30));
    let wait = retry_after(limiter.hit("mfa:account:1", rate).await);
    assert!(wait > Duration::from_secs(29) && wait <= Duration::from_secs(30), "the same window: {wait:?}");
    // The key is still in Redis (no real time passed); the clock ends the window.
    clock.advance(Duration::from_secs(31));
    limiter.hit("mfa:account:1", rate).await.expect("a new window");
    limiter.hit("mfa:account:1", rate).await.unwrap();
    retry_after(limiter.hit("mfa:account:1", rate).await);
}

#[tokio::test]
async fn a_retry_is_never_asked_for_sooner_than_a_second() {
    let limiter = node(&unique_prefix()).await;
    let rate = Rate::new(1, Duration::from_millis(300));
    limiter.hit("mfa:account:2", rate).await.unwrap();
    let wait = retry_after(limiter.hit("mfa:account:2", rate).await);
    assert_eq!(wait, Duration::from_secs(1), "as the in-process limiter says");
}

fn counter(snapshotter: &metrics_util::debugging::Snapshotter, name: &str) -> u64 {
    snapshotter
        .snapshot()
        .into_vec()
        .into_iter()
        .find_map(|(key, _, _, value)| match value {
            DebugValue::Counter(n) if key.key().name() == name => Some(n),
            _ => None,
        })
        .unwrap_or(0)
}

#[tokio::test]
async fn unreachable_redis_fails_open_to_memory_quickly() {
    let recorder = DebuggingRecorder::new();
    let snapshotter = recorder.snapshotter();
    // Only this test installs a recorder; with `cargo test` (one process) it may
    // already be there, which the `>= 1` below tolerates.
    let _ = recorder.install();

    let started = Instant::now();
    // Nothing listens on port 1.
    let limiter =
        RedisRateLimiter::connect("redis://127.0.0.1:1", "gh_test:", false, Arc::new(SystemClock)).await.unwrap();
    let rate = Rate::per_minute(2);
    limiter.hit("login:ip:203.0.113.9", rate).await.unwrap();
    limiter.hit("login:ip:203.0.113.9", rate).await.unwrap();
    retry_after(limiter.hit("login:ip:203.0.113.9", rate).await);
    limiter.hit("login:ip:203.0.113.10", rate).await.unwrap();
    assert!(started.elapsed() < Duration::from_secs(1), "took {:?}", started.elapsed());
    assert!(limiter.ping().await.is_err());
    assert!(counter(&snapshotter, "gatehouse_ratelimit_redis_errors_total") >= 1);
}

#[tokio::test]
async fn unreachable_redis_fails_closed_quickly_when_configured() {
    let started = Instant::now();
    let limiter =
        RedisRateLimiter::connect("redis://127.0.0.1:1", "gh_test:", true, Arc::new(SystemClock)).await.unwrap();
    for _ in 0..3 {
        let result = limiter.hit("login:ip:203.0.113.9", Rate::per_minute(100)).await;
        assert!(matches!(result, Err(Error::ServerBusy)), "{result:?}");
    }
    assert!(started.elapsed() < Duration::from_secs(1), "took {:?}", started.elapsed());
}
