//! Rate limits shared through Redis (`redis_url`): two servers count into the
//! same windows, and an unreachable Redis neither stops a server from starting
//! nor turns into a 500.
//!
//! Redis is `redis://127.0.0.1:6379` unless `GATEHOUSE_TEST_REDIS_URL` says
//! otherwise; when it does not answer these tests fail, they never skip. The
//! servers use the production key prefix, so each test sends its logins from
//! its own random client address (through a trusted proxy) and never meets the
//! counters of another test or another run.

use gatehouse::config::RawConfig;
use gatehouse_store::redis_limiter::{RedisRateLimiter, DEFAULT_PREFIX};
use reqwest::Response;
use serde_json::json;

use crate::helpers::*;

fn redis_url() -> String {
    std::env::var("GATEHOUSE_TEST_REDIS_URL").unwrap_or_else(|_| "redis://127.0.0.1:6379".into())
}

async fn require_redis() -> String {
    let url = redis_url();
    let limiter =
        RedisRateLimiter::connect(&url, DEFAULT_PREFIX, false, std::sync::Arc::new(gatehouse_core::clock::SystemClock))
            .await
            .unwrap();
    if let Err(e) = limiter.ping().await {
        panic!("Redis is required for the tests and is not reachable at {url}: {e} (start it: .ci/run does)");
    }
    url
}

/// An address from the documentation range 2001:db8::/32 that no other test uses.
fn random_client_ip() -> String {
    let [a, b, c, d, e, f] = rand::random::<[u16; 6]>();
    format!("2001:db8:{a:x}:{b:x}:{c:x}:{d:x}:{e:x}:{f:x}")
}

/// Login attempts per IP set to `per_ip`; the test client is a trusted proxy.
fn limited(redis_url: String, per_ip: &str, fail_closed: bool) -> impl FnOnce(&mut RawConfig) {
    let per_ip = per_ip.to_owned();
    move |c: &mut RawConfig| {
        c.redis_url = Some(redis_url);
        c.rate_limit_fail_closed = Some(fail_closed);
        c.login_rate_per_ip = Some(per_ip);
        c.trusted_proxies = Some(vec!["127.0.0.1".into()]);
    }
}

async fn login_from(app: &TestApp, ip: &str) -> Response {
    app.post("/api/auth/login")
        .header("x-forwarded-for", ip)
        .json(&json!({"username": "nobody-here", "password": "not the password at all"}))
        .send()
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_servers_share_the_per_ip_login_limit() {
    let url = require_redis().await;
    let a = TestApp::spawn_with(Backend::Sqlite, limited(url.clone(), "3/min", false)).await;
    let b = TestApp::spawn_with(Backend::Sqlite, limited(url, "3/min", false)).await;
    let ip = random_client_ip();
    for app in [&a, &b, &a] {
        assert_problem(login_from(app, &ip).await, 401, "invalid_credentials").await;
    }
    // The fourth attempt, whichever server gets it, is over the shared limit.
    let over = login_from(&b, &ip).await;
    let retry_after: u64 = over.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=60).contains(&retry_after), "{retry_after}");
    assert_problem(over, 429, "rate_limited").await;
    assert_problem(login_from(&a, &ip).await, 429, "rate_limited").await;
    // Another client address has its own window.
    assert_problem(login_from(&a, &random_client_ip()).await, 401, "invalid_credentials").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unreachable_redis_falls_back_to_limits_in_process() {
    // Nothing listens on port 1: the server starts all the same.
    let app = TestApp::spawn_with(Backend::Sqlite, limited("redis://127.0.0.1:1".into(), "2/min", false)).await;
    let ip = random_client_ip();
    let started = std::time::Instant::now();
    for _ in 0..2 {
        assert_problem(login_from(&app, &ip).await, 401, "invalid_credentials").await;
    }
    assert_problem(login_from(&app, &ip).await, 429, "rate_limited").await;
    assert!(started.elapsed() < std::time::Duration::from_secs(3), "took {:?}", started.elapsed());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unreachable_redis_refuses_with_503_when_fail_closed() {
    let app = TestApp::spawn_with(Backend::Sqlite, limited("redis://127.0.0.1:1".into(), "100/min", true)).await;
    let busy = login_from(&app, &random_client_ip()).await;
    assert_eq!(busy.headers()["retry-after"], "1");
    assert_problem(busy, 503, "server_busy").await;
    // What is not rate limited still works.
    assert_eq!(app.get("/healthz").send().await.unwrap().status(), 200);
}
