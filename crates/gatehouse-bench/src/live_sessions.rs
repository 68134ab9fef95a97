//! The session cache at scale: many live browser sessions, each of a user of
//! its own, written straight into the database (signing 100,000 people in
//! would be 100,000 Argon2 hashes), each presented to forward-auth once so
//! that the node holds them all, then asked about at random while the
//! node's memory is read.

use std::net::SocketAddr;
use std::time::Instant;

use anyhow::Context;
use bytes::Bytes;
use gatehouse_core::account::{Email, NewUser, UserId, Username};
use gatehouse_core::amr::{Amr, AuthMethod};
use gatehouse_core::crypto::TokenDigest;
use gatehouse_core::session::{RefreshRecord, Session, SessionId, SessionKind};
use hyper::StatusCode;
use rand::Rng;
use serde::Serialize;
use time::{Duration, OffsetDateTime};

use crate::load::{self, req, Outcome, Script, Shape};

/// Rows written per transaction.
const BATCH: usize = 1_000;

/// What the scenario measured.
#[derive(Clone, Debug, Serialize)]
pub struct AtScale {
    pub sessions: usize,
    /// Before the sessions were seen, and once every one of them was.
    pub rss_before_mib: f64,
    pub rss_after_mib: f64,
    /// The first sight of each session (read from the database, then kept).
    pub fill_seconds: f64,
    /// `GET /api/forward-auth` for sessions picked at random among them all.
    pub forward_auth: Outcome,
}

/// Writes `n` users, each with one live browser session; returns the cookies.
pub async fn seed(database_url: &str, n: usize) -> anyhow::Result<Vec<String>> {
    let store = gatehouse_store::connect(database_url).await.context("cannot open the bench database")?;
    let now = OffsetDateTime::now_utc();
    let mut cookies = Vec::with_capacity(n);
    for start in (0..n).step_by(BATCH) {
        let unit = store.begin().await?;
        for i in start..(start + BATCH).min(n) {
            let name = format!("live{i:06}");
            let user = unit
                .insert_user(&NewUser {
                    id: UserId::new(),
                    username: Username::parse(&name)?,
                    email: Email::parse(&format!("{name}@bench.example"))?,
                    // Never signed in with: these people only hold a session.
                    password_hash: "$argon2id$v=19$m=19456,t=2,p=1$c2VlZGVk$bm90IGEgcmVhbCBoYXNo".to_owned().into(),
                    email_verified: true,
                    roles: Vec::new(),
                    locale: None,
                    created_at: now,
                })
                .await?;
            let session = Session {
                id: SessionId::new(),
                user_id: user.id,
                created_at: now,
                last_used_at: now,
                idle_expires_at: now + Duration::hours(12),
                absolute_expires_at: now + Duration::days(1),
                revoked_at: None,
                ip: Some("127.0.0.1".into()),
                user_agent: Some(
                    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/131.0 Safari/537.36".into(),
                ),
                amr: Amr::one(AuthMethod::Password),
                auth_time: now,
                kind: SessionKind::Browser,
            };
            let cookie = format!("{:032x}{:032x}", rand::random::<u128>(), rand::random::<u128>());
            let first = RefreshRecord {
                id: uuid::Uuid::now_v7(),
                session_id: session.id,
                parent_id: None,
                digest: TokenDigest::of(&cookie),
                created_at: now,
                spent_at: None,
                spent_by: None,
            };
            unit.create_session(&session, &first).await?;
            cookies.push(cookie);
        }
        unit.commit().await?;
    }
    Ok(cookies)
}

/// Presents every cookie once, spread over `connections` connections.
pub async fn fill(addr: SocketAddr, cookies: &[String], connections: usize) -> anyhow::Result<f64> {
    let started = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for c in 0..connections {
        let mine: Vec<String> = cookies.iter().skip(c).step_by(connections).cloned().collect();
        tasks.spawn_local(async move {
            let requests = mine.iter().map(|cookie| req::forward_auth(addr, cookie)).collect();
            load::sweep(addr, requests).await
        });
    }
    while let Some(done) = tasks.join_next().await {
        let failed = done.context("a fill connection panicked")??;
        anyhow::ensure!(failed == 0, "{failed} sessions were refused while filling the cache");
    }
    Ok(started.elapsed().as_secs_f64())
}

/// `connections` connections asking about cookies picked at random.
pub async fn load_at_random(
    addr: SocketAddr,
    cookies: &[String],
    connections: usize,
    shape: Shape,
) -> anyhow::Result<Outcome> {
    // One list for every connection: 100,000 cookies are megabytes.
    let cookies: std::sync::Arc<[String]> = cookies.into();
    let scripts = (0..connections)
        .map(|_| {
            let cookies = cookies.clone();
            Box::new(move |_: Option<(StatusCode, &Bytes)>| {
                let pick = rand::thread_rng().gen_range(0..cookies.len());
                req::forward_auth(addr, &cookies[pick])
            }) as Box<dyn Script>
        })
        .collect();
    load::run(&[addr], scripts, shape).await
}
