//! The scenarios, against one backend: set-up through the public API and the
//! CLI (users, sessions, an OAuth client), then one closed-loop load each.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use anyhow::{bail, Context};
use base64::Engine;
use bytes::Bytes;
use hyper::StatusCode;
use serde::Serialize;
use serde_json::{json, Value};

use crate::load::{self, req, Outcome, Script, Shape};
use crate::node::NodeConfig;

pub const PASSWORD: &str = "correct horse battery staple 42";

/// What the runs share.
#[derive(Clone, Copy, Debug)]
pub struct Plan {
    pub connections: usize,
    /// Live sessions for the session cache at scale (0: not run).
    pub live_sessions: usize,
    pub shape: Shape,
}

/// Everything measured on one backend.
#[derive(Clone, Debug, Serialize)]
pub struct BackendResults {
    pub backend: String,
    pub startup_fresh_ms: f64,
    pub startup_ms: f64,
    pub idle_rss_mib: f64,
    /// `GET /api/auth/me`: token verification plus the session and user reads.
    pub me: Outcome,
    /// `GET /api/protected` of the example resource server (gatehouse-verify:
    /// verification only, no database).
    pub verify_only: Option<Outcome>,
    pub client_credentials: Outcome,
    pub refresh: Outcome,
    /// One connection: the latency of a login, to set beside one hash.
    pub login_single: Outcome,
    /// Many connections: the hashing pool saturated.
    pub login_saturated: Outcome,
    pub peak_rss_mib: f64,
    /// `me` again with its connections split over two nodes (PostgreSQL only).
    pub me_two_nodes: Option<Outcome>,
    /// `GET /api/forward-auth`: a proxy asking about a browser with a
    /// session cookie (the session and user reads, no token).
    pub forward_auth: Option<Outcome>,
    /// Forward-auth with many live sessions, and the node's memory.
    pub at_scale: Option<crate::live_sessions::AtScale>,
}

fn parse(body: &Bytes) -> anyhow::Result<Value> {
    serde_json::from_slice(body).context("an answer was not JSON")
}

async fn expect_ok(addr: SocketAddr, r: hyper::Request<http_body_util::Full<Bytes>>) -> anyhow::Result<Value> {
    let (status, body) = load::once(addr, r).await?;
    if !status.is_success() {
        bail!("set-up request failed with {status}: {}", String::from_utf8_lossy(&body));
    }
    parse(&body)
}

fn username(i: usize) -> String {
    format!("bench{i:03}")
}

/// Registers `n` users (each one Argon2 hash on the server).
async fn register(addr: SocketAddr, n: usize) -> anyhow::Result<()> {
    for i in 0..n {
        let u = username(i);
        let body = json!({"username": u, "email": format!("{u}@bench.example"), "password": PASSWORD});
        expect_ok(addr, req::post_json(addr, "/api/auth/register", None, &body)).await?;
    }
    Ok(())
}

/// One fresh session per user: (access token, refresh token).
async fn sessions(addr: SocketAddr, n: usize) -> anyhow::Result<Vec<(String, String)>> {
    let mut out = Vec::with_capacity(n);
    for i in 0..n {
        let body = json!({"username": username(i), "password": PASSWORD});
        let v = expect_ok(addr, req::post_json(addr, "/api/auth/login", None, &body)).await?;
        let access = v["access_token"].as_str().context("no access_token")?.to_owned();
        let refresh = v["refresh_token"].as_str().context("no refresh_token")?.to_owned();
        out.push((access, refresh));
    }
    Ok(out)
}

/// One browser session per user, signed in as a first-party web app does
/// (`"session": "cookie"`): the session cookie's value.
async fn browser_sessions(addr: SocketAddr, n: usize) -> anyhow::Result<Vec<String>> {
    let mut out = Vec::with_capacity(n);
    for i in 0..n {
        let body = json!({"username": username(i), "password": PASSWORD, "session": "cookie"});
        let mut r = req::post_json(addr, "/api/auth/login", None, &body);
        r.headers_mut().insert("x-gatehouse-csrf", hyper::header::HeaderValue::from_static("1"));
        let (status, headers, body) = load::once_with_headers(addr, r).await?;
        if !status.is_success() {
            bail!("a cookie sign-in failed with {status}: {}", String::from_utf8_lossy(&body));
        }
        let cookie = headers
            .get_all("set-cookie")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find_map(|c| c.strip_prefix("__Host-gatehouse="))
            .and_then(|c| c.split(';').next())
            .context("no session cookie")?;
        out.push(cookie.to_owned());
    }
    Ok(out)
}

/// A confidential client allowed `client_credentials`, by the CLI; its Basic credentials.
fn client(config: &NodeConfig) -> anyhow::Result<String> {
    let out = config
        .cli(&["client", "create", "--name", "bench", "--grant", "client_credentials", "--scope", "read:bench"], "")?;
    let field = |name: &str| -> anyhow::Result<String> {
        out.lines()
            .find_map(|l| l.strip_prefix(name).map(|v| v.trim().to_owned()))
            .with_context(|| format!("`client create` printed no {name}"))
    };
    let (id, secret) = (field("client_id")?, field("client_secret")?);
    Ok(base64::engine::general_purpose::STANDARD.encode(format!("{id}:{secret}")))
}

fn boxed(s: impl Script + 'static) -> Box<dyn Script> {
    Box::new(s)
}

/// `GET path` with each connection's own bearer token.
fn get_with_tokens(targets: &[SocketAddr], path: &'static str, tokens: &[String]) -> Vec<Box<dyn Script>> {
    tokens
        .iter()
        .enumerate()
        .map(|(i, t)| {
            let (addr, t) = (targets[i % targets.len()], t.clone());
            boxed(move |_: Option<(StatusCode, &Bytes)>| req::get(addr, path, Some(&t)))
        })
        .collect()
}

fn access_tokens(s: &[(String, String)]) -> Vec<String> {
    s.iter().map(|(a, _)| a.clone()).collect()
}

/// Runs every scenario on the backend behind `config`.
pub async fn run(name: &str, config: &NodeConfig, plan: Plan, two_nodes: bool) -> anyhow::Result<BackendResults> {
    let n = plan.connections;
    // Start-up on a fresh database (migrations, first key), then as it is every other time.
    let first = config.start()?;
    let startup_fresh_ms = first.startup.as_secs_f64() * 1000.0;
    drop(first);
    let node = config.start()?;
    let startup_ms = node.startup.as_secs_f64() * 1000.0;
    tokio::time::sleep(Duration::from_secs(1)).await;
    let idle_rss_mib = node.rss_mib()?;
    let addr = node.addr;
    eprintln!("[{name}] started in {startup_ms:.1} ms ({startup_fresh_ms:.1} ms fresh), idle {idle_rss_mib:.1} MiB");

    register(addr, n).await?;
    let basic = client(config)?;
    let viewers = sessions(addr, n).await?;

    eprintln!("[{name}] GET /api/auth/me");
    let me = load::run(&[addr], get_with_tokens(&[addr], "/api/auth/me", &access_tokens(&viewers)), plan.shape).await?;

    eprintln!("[{name}] GET /api/forward-auth (browser sessions, as a proxy asks)");
    let cookies = browser_sessions(addr, n).await?;
    let scripts = cookies
        .into_iter()
        .map(|cookie| boxed(move |_: Option<(StatusCode, &Bytes)>| req::forward_auth(addr, &cookie)))
        .collect();
    let forward_auth = Some(load::run(&[addr], scripts, plan.shape).await?);

    eprintln!("[{name}] GET /api/protected (protected-api, gatehouse-verify)");
    let resource = config.start_protected_api(addr)?;
    let scripts = get_with_tokens(&[resource.addr], "/api/protected", &access_tokens(&viewers));
    let verify_only = Some(load::run(&[resource.addr], scripts, plan.shape).await?);
    drop(resource);

    eprintln!("[{name}] POST /oauth2/token (client_credentials)");
    let scripts = (0..n)
        .map(|_| {
            let basic = basic.clone();
            boxed(move |_: Option<(StatusCode, &Bytes)>| {
                req::post_form(addr, "/oauth2/token", &basic, "grant_type=client_credentials&scope=read%3Abench")
            })
        })
        .collect();
    let client_credentials = load::run(&[addr], scripts, plan.shape).await?;

    eprintln!("[{name}] POST /api/auth/refresh (rotation)");
    let chains = sessions(addr, n).await?;
    let scripts = chains
        .into_iter()
        .map(|(_, refresh)| {
            let mut current = refresh;
            boxed(move |last: Option<(StatusCode, &Bytes)>| {
                if let Some((status, body)) = last {
                    if status.is_success() {
                        if let Some(next) =
                            parse(body).ok().and_then(|v| v["refresh_token"].as_str().map(str::to_owned))
                        {
                            current = next;
                        }
                    }
                }
                req::post_json(addr, "/api/auth/refresh", None, &json!({"refresh_token": current}))
            })
        })
        .collect();
    let refresh = load::run(&[addr], scripts, plan.shape).await?;

    eprintln!("[{name}] POST /api/auth/login (Argon2id), one connection");
    // Logins take turns over every user: each account may sign in 100 times an hour.
    let turn = Arc::new(AtomicUsize::new(0));
    let login = |conns: usize| -> Vec<Box<dyn Script>> {
        (0..conns)
            .map(|_| {
                let turn = turn.clone();
                boxed(move |_: Option<(StatusCode, &Bytes)>| {
                    let who = username(turn.fetch_add(1, Ordering::Relaxed) % n);
                    req::post_json(addr, "/api/auth/login", None, &json!({"username": who, "password": PASSWORD}))
                })
            })
            .collect()
    };
    let login_single = load::run(&[addr], login(1), plan.shape).await?;
    eprintln!("[{name}] POST /api/auth/login (Argon2id), {n} connections");
    let login_saturated = load::run(&[addr], login(n), plan.shape).await?;
    let peak_rss_mib = node.peak_rss_mib()?;

    let me_two_nodes = if two_nodes {
        eprintln!("[{name}] GET /api/auth/me over two nodes");
        let second = config.start()?;
        let targets = [addr, second.addr];
        let tokens = access_tokens(&viewers);
        let outcome = load::run(&targets, get_with_tokens(&targets, "/api/auth/me", &tokens), plan.shape).await?;
        drop(second);
        Some(outcome)
    } else {
        None
    };

    let at_scale = if plan.live_sessions > 0 {
        let many = plan.live_sessions;
        eprintln!("[{name}] {many} live browser sessions: written, seen once each, then asked about at random");
        let cookies = crate::live_sessions::seed(&config.database_url, many).await?;
        let rss_before_mib = node.rss_mib()?;
        let fill_seconds = crate::live_sessions::fill(addr, &cookies, n).await?;
        let forward_auth = crate::live_sessions::load_at_random(addr, &cookies, n, plan.shape).await?;
        let rss_after_mib = node.rss_mib()?;
        eprintln!("[{name}] RSS {rss_before_mib:.1} MiB before, {rss_after_mib:.1} MiB with {many} sessions held");
        Some(crate::live_sessions::AtScale {
            sessions: many,
            rss_before_mib,
            rss_after_mib,
            fill_seconds,
            forward_auth,
        })
    } else {
        None
    };
    drop(node);

    Ok(BackendResults {
        backend: name.to_owned(),
        startup_fresh_ms,
        startup_ms,
        idle_rss_mib,
        me,
        verify_only,
        client_credentials,
        refresh,
        login_single,
        login_saturated,
        peak_rss_mib,
        me_two_nodes,
        forward_auth,
        at_scale,
    })
}
