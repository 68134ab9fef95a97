//! The load generator: a closed loop over keep-alive HTTP/1.1 connections on
//! one thread (the server gets the other core of a 2-core machine).
//!
//! Each connection runs a [`Script`] that builds the next request from the
//! previous answer (a refresh chain needs the successor token); a request is
//! sent only when the last answer is in. Latencies are recorded from the end
//! of the warm-up to the deadline, per request, exactly (no histogram
//! buckets), and reduced to percentiles at the end.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use anyhow::{bail, Context};
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::client::conn::http1;
use hyper::{Request, StatusCode};
use hyper_util::rt::TokioIo;
use serde::Serialize;
use tokio::net::TcpStream;

/// What a connection sends next, given the answer to what it sent last.
pub trait Script: Send {
    fn next(&mut self, last: Option<(StatusCode, &Bytes)>) -> Request<Full<Bytes>>;
}

impl<F> Script for F
where
    F: FnMut(Option<(StatusCode, &Bytes)>) -> Request<Full<Bytes>> + Send,
{
    fn next(&mut self, last: Option<(StatusCode, &Bytes)>) -> Request<Full<Bytes>> {
        self(last)
    }
}

/// How hard and how long.
#[derive(Clone, Copy, Debug)]
pub struct Shape {
    pub warmup: Duration,
    pub measure: Duration,
}

/// What one run of a scenario measured.
#[derive(Clone, Debug, Serialize)]
pub struct Outcome {
    pub connections: usize,
    pub requests: u64,
    /// Answers that were not 2xx (counted, excluded from nothing: a benchmark
    /// with errors is reported as such).
    pub errors: u64,
    pub seconds: f64,
    pub rps: f64,
    pub p50_ms: f64,
    pub p90_ms: f64,
    pub p99_ms: f64,
    pub max_ms: f64,
    /// The first non-2xx answer, to tell what went wrong.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first_error: Option<String>,
}

/// Runs `scripts` (one per connection, connection `i` to `targets[i % n]`)
/// for `shape`, on the current thread's runtime.
pub async fn run(targets: &[SocketAddr], scripts: Vec<Box<dyn Script>>, shape: Shape) -> anyhow::Result<Outcome> {
    if targets.is_empty() || scripts.is_empty() {
        bail!("a load needs at least one target and one connection");
    }
    let connections = scripts.len();
    let start = Instant::now();
    let measure_from = start + shape.warmup;
    let deadline = measure_from + shape.measure;
    let mut tasks = tokio::task::JoinSet::new();
    for (i, script) in scripts.into_iter().enumerate() {
        let addr = targets[i % targets.len()];
        tasks.spawn_local(connection(addr, script, measure_from, deadline));
    }
    let mut latencies_us: Vec<u32> = Vec::new();
    let mut errors = 0;
    let mut first_error = None;
    while let Some(done) = tasks.join_next().await {
        let (lat, errs, first) = done.context("a load connection panicked")??;
        latencies_us.extend(lat);
        errors += errs;
        first_error = first_error.or(first);
    }
    let seconds = shape.measure.as_secs_f64();
    latencies_us.sort_unstable();
    let pct = |p: f64| -> f64 {
        if latencies_us.is_empty() {
            return 0.0;
        }
        let rank = ((p / 100.0) * latencies_us.len() as f64).ceil() as usize;
        f64::from(latencies_us[rank.clamp(1, latencies_us.len()) - 1]) / 1000.0
    };
    let requests = latencies_us.len() as u64;
    Ok(Outcome {
        connections,
        requests,
        errors,
        seconds,
        rps: requests as f64 / seconds,
        p50_ms: pct(50.0),
        p90_ms: pct(90.0),
        p99_ms: pct(99.0),
        max_ms: pct(100.0),
        first_error,
    })
}

/// What one connection measured: latencies (µs), errors, the first error.
type Measured = (Vec<u32>, u64, Option<String>);

/// One connection's loop.
async fn connection(
    addr: SocketAddr,
    mut script: Box<dyn Script>,
    measure_from: Instant,
    deadline: Instant,
) -> anyhow::Result<Measured> {
    let stream = TcpStream::connect(addr).await.with_context(|| format!("cannot connect to {addr}"))?;
    stream.set_nodelay(true)?;
    let (mut sender, conn) = http1::handshake(TokioIo::new(stream)).await?;
    tokio::task::spawn_local(async move {
        let _ = conn.await;
    });
    let mut latencies = Vec::new();
    let mut errors = 0u64;
    let mut first_error = None;
    let mut last: Option<(StatusCode, Bytes)> = None;
    loop {
        let req = script.next(last.as_ref().map(|(s, b)| (*s, b)));
        let sent = Instant::now();
        if sent >= deadline {
            break;
        }
        sender.ready().await.context("the server closed a connection")?;
        let res = sender.send_request(req).await.context("request failed")?;
        let status = res.status();
        let body = res.into_body().collect().await.context("reading an answer failed")?.to_bytes();
        let done = Instant::now();
        if sent >= measure_from && done <= deadline {
            latencies.push(u32::try_from(done.duration_since(sent).as_micros()).unwrap_or(u32::MAX));
            if !status.is_success() {
                errors += 1;
                if first_error.is_none() {
                    let text = String::from_utf8_lossy(&body);
                    first_error = Some(format!("{status}: {}", text.chars().take(300).collect::<String>()));
                }
            }
        }
        last = Some((status, body));
    }
    Ok((latencies, errors, first_error))
}

/// Sends `requests` one after the other on one keep-alive connection (a
/// set-up, not measured); returns how many were not answered 2xx.
pub async fn sweep(addr: SocketAddr, requests: Vec<Request<Full<Bytes>>>) -> anyhow::Result<u64> {
    let stream = TcpStream::connect(addr).await.with_context(|| format!("cannot connect to {addr}"))?;
    stream.set_nodelay(true)?;
    let (mut sender, conn) = http1::handshake(TokioIo::new(stream)).await?;
    tokio::task::spawn_local(async move {
        let _ = conn.await;
    });
    let mut failed = 0;
    for req in requests {
        sender.ready().await.context("the server closed a connection")?;
        let res = sender.send_request(req).await.context("request failed")?;
        if !res.status().is_success() {
            failed += 1;
        }
        res.into_body().collect().await.context("reading an answer failed")?;
    }
    Ok(failed)
}

/// Sends one request on a fresh connection (set-up, not measured).
pub async fn once(addr: SocketAddr, req: Request<Full<Bytes>>) -> anyhow::Result<(StatusCode, Bytes)> {
    let (status, _, body) = once_with_headers(addr, req).await?;
    Ok((status, body))
}

/// [`once`], with the answer's headers (a `Set-Cookie`, say).
pub async fn once_with_headers(
    addr: SocketAddr,
    req: Request<Full<Bytes>>,
) -> anyhow::Result<(StatusCode, hyper::HeaderMap, Bytes)> {
    let stream = TcpStream::connect(addr).await.with_context(|| format!("cannot connect to {addr}"))?;
    let (mut sender, conn) = http1::handshake(TokioIo::new(stream)).await?;
    let driver = tokio::spawn(async move {
        let _ = conn.await;
    });
    let res = sender.send_request(req).await?;
    let status = res.status();
    let headers = res.headers().clone();
    let body = res.into_body().collect().await?.to_bytes();
    driver.abort();
    Ok((status, headers, body))
}

/// Request builders with the headers every request carries.
pub mod req {
    use super::*;

    fn base(method: &str, addr: SocketAddr, path: &str) -> hyper::http::request::Builder {
        Request::builder()
            .method(method)
            .uri(path)
            .header("host", addr.to_string())
            .header("user-agent", "gatehouse-bench/1")
    }

    pub fn get(addr: SocketAddr, path: &str, bearer: Option<&str>) -> Request<Full<Bytes>> {
        let mut b = base("GET", addr, path);
        if let Some(t) = bearer {
            b = b.header("authorization", format!("Bearer {t}"));
        }
        b.body(Full::new(Bytes::new())).unwrap_or_else(|_| Request::new(Full::new(Bytes::new())))
    }

    pub fn post_json(
        addr: SocketAddr,
        path: &str,
        bearer: Option<&str>,
        body: &serde_json::Value,
    ) -> Request<Full<Bytes>> {
        let mut b = base("POST", addr, path).header("content-type", "application/json");
        if let Some(t) = bearer {
            b = b.header("authorization", format!("Bearer {t}"));
        }
        b.body(Full::new(Bytes::from(body.to_string()))).unwrap_or_else(|_| Request::new(Full::new(Bytes::new())))
    }

    /// What a reverse proxy asks about a browser's request to an
    /// application behind it (`/api/forward-auth`), with the browser's
    /// session cookie.
    pub fn forward_auth(addr: SocketAddr, cookie: &str) -> Request<Full<Bytes>> {
        base("GET", addr, "/api/forward-auth")
            .header("x-forwarded-method", "GET")
            .header("x-forwarded-proto", "https")
            .header("x-forwarded-host", "app.bench.example")
            .header("x-forwarded-uri", "/reports")
            .header("accept", "text/html")
            .header("cookie", format!("__Host-gatehouse={cookie}"))
            .body(Full::new(Bytes::new()))
            .unwrap_or_else(|_| Request::new(Full::new(Bytes::new())))
    }

    pub fn post_form(addr: SocketAddr, path: &str, basic: &str, body: &str) -> Request<Full<Bytes>> {
        base("POST", addr, path)
            .header("content-type", "application/x-www-form-urlencoded")
            .header("authorization", format!("Basic {basic}"))
            .body(Full::new(Bytes::from(body.to_owned())))
            .unwrap_or_else(|_| Request::new(Full::new(Bytes::new())))
    }
}
