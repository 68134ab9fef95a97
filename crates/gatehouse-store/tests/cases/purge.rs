//! `Store::purge`: what has ended goes, what can still be used stays, and a
//! long refresh chain leaves nothing behind once its session has ended.

use gatehouse_core::audit::{AuditEvent, AuditKind, AuditQuery, ClientInfo, Outcome};
use gatehouse_core::crypto::TokenDigest;
use gatehouse_core::lifecycle::EmailTokenKind;
use gatehouse_core::mfa::CeremonyKind;
use gatehouse_core::retention::{PurgeRequest, Purged};
use gatehouse_core::session::Rotation;
use time::Duration;
use uuid::Uuid;

use super::*;

pub async fn purge_deletes_what_ended_and_keeps_what_is_live(url: String) {
    let store = open(&url).await;
    let alice = add_user(store.as_ref(), "alice").await;
    let t = now() - Duration::days(2);
    let later = now();

    // Sessions: one live, one revoked, one past idle, one past absolute; two tokens each.
    let live = session_for(alice.id, t, Duration::days(30), Duration::days(90));
    let revoked = session_for(alice.id, t, Duration::days(30), Duration::days(90));
    let idle = session_for(alice.id, t, Duration::hours(1), Duration::days(90));
    let absolute = session_for(alice.id, t, Duration::days(30), Duration::days(1));
    for (n, session) in [&live, &revoked, &idle, &absolute].into_iter().enumerate() {
        let first = first_refresh(session, &format!("token-{n}-0"));
        store.create_session(session, &first).await.unwrap();
        let rotation = Rotation {
            old_digest: first.digest.clone(),
            new_id: Uuid::now_v7(),
            new_digest: TokenDigest::of(&format!("token-{n}-1")),
            client_fingerprint: "fp".into(),
            now: t + Duration::minutes(1),
            idle_expires_at: None,
        };
        store.rotate_refresh(&rotation).await.unwrap();
    }
    assert!(store.revoke_session(revoked.id, t + Duration::minutes(2)).await.unwrap());

    // Links, challenges, ceremonies: one expired and one live of each.
    let expired_link = super::lifecycle::token(alice.id, EmailTokenKind::VerifyEmail, "link-old", t);
    let live_link = super::lifecycle::token(alice.id, EmailTokenKind::ResetPassword, "link-new", later);
    for link in [&expired_link, &live_link] {
        store.issue_email_token(link).await.unwrap();
    }
    store.create_mfa_challenge(&super::mfa::challenge(alice.id, "challenge-old", t)).await.unwrap();
    store.create_mfa_challenge(&super::mfa::challenge(alice.id, "challenge-new", later)).await.unwrap();
    // (A new ceremony sweeps those expired at its start: the old one goes in last.)
    let live_ceremony = super::webauthn::ceremony(CeremonyKind::Passwordless, None, later);
    store.create_webauthn_ceremony(&live_ceremony).await.unwrap();
    store
        .create_webauthn_ceremony(&super::webauthn::ceremony(CeremonyKind::Register, Some(alice.id), t))
        .await
        .unwrap();

    // Codes: two days old (gone), expired a minute ago (kept to recognise a replay), live.
    store.insert_client(&super::oauth::client("app", t)).await.unwrap();
    for (secret, at) in [("code-old", t), ("code-recent", later - Duration::minutes(2)), ("code-live", later)] {
        store.insert_authorization_code(&super::oauth::code("app", alice.id, secret, at)).await.unwrap();
    }

    // Audit records: one from 400 days ago, one now.
    for (days, kind) in [(400, AuditKind::LoginFailed), (0, AuditKind::LoginSucceeded)] {
        let mut event = AuditEvent::new(kind, Outcome::Success, &ClientInfo::default()).subject(alice.id);
        event.at = later - Duration::days(days);
        store.append(&event).await.unwrap();
    }

    let request = PurgeRequest { now: later, audit_before: Some(later - Duration::days(365)) };
    let purged = store.purge(request).await.unwrap().expect("no other purge holds the lock");
    let expected = Purged {
        sessions: 3,
        refresh_tokens: 6,
        email_tokens: 1,
        authorization_codes: 1,
        mfa_challenges: 1,
        webauthn_ceremonies: 1,
        audit_records: 1,
        login_names: 0,
    };
    assert_eq!(purged, expected);
    assert_eq!(purged.total(), 14);

    // What is live still works.
    assert!(store.session(live.id).await.unwrap().is_some());
    assert!(store.refresh_by_digest(&TokenDigest::of("token-0-1")).await.unwrap().is_some());
    assert!(
        store.refresh_by_digest(&TokenDigest::of("token-0-0")).await.unwrap().is_some(),
        "spent, kept for reuse detection"
    );
    assert!(store.session(revoked.id).await.unwrap().is_none());
    assert!(store.email_token(&live_link.digest).await.unwrap().is_some());
    assert!(store.email_token(&expired_link.digest).await.unwrap().is_none());
    assert!(store.mfa_challenge(&TokenDigest::of("challenge-new")).await.unwrap().is_some());
    assert!(store.take_webauthn_ceremony(live_ceremony.id, later).await.unwrap().is_some());
    let audit = store.query(&AuditQuery { limit: 10, ..Default::default() }).await.unwrap();
    assert_eq!(audit.len(), 1);
    assert_eq!(audit[0].kind, AuditKind::LoginSucceeded);

    // Nothing is left to do; without a retention the audit log stays.
    let again = store.purge(PurgeRequest { now: later, audit_before: None }).await.unwrap().unwrap();
    assert_eq!(again, Purged::default());
}

pub async fn a_long_refresh_chain_leaves_nothing_once_its_session_ends(url: String) {
    let store = open(&url).await;
    let alice = add_user(store.as_ref(), "alice").await;
    let t = now();
    let session = session_for(alice.id, t, Duration::hours(1), Duration::days(1));
    let first = first_refresh(&session, "chain-0");
    store.create_session(&session, &first).await.unwrap();
    let mut digest = first.digest;
    for i in 1..=1500 {
        let next = TokenDigest::of(&format!("chain-{i}"));
        let rotation = Rotation {
            old_digest: digest,
            new_id: Uuid::now_v7(),
            new_digest: next.clone(),
            client_fingerprint: "fp".into(),
            now: t,
            idle_expires_at: None,
        };
        store.rotate_refresh(&rotation).await.unwrap();
        digest = next;
    }
    let live = store.purge(PurgeRequest { now: t + Duration::minutes(30), audit_before: None }).await.unwrap().unwrap();
    assert_eq!(live.refresh_tokens, 0, "a live session keeps its chain");
    let ended = store.purge(PurgeRequest { now: t + Duration::days(2), audit_before: None }).await.unwrap().unwrap();
    assert_eq!((ended.sessions, ended.refresh_tokens), (1, 1501));
    assert!(store.refresh_by_digest(&digest).await.unwrap().is_none());
}

pub async fn only_one_node_purges_at_a_time(url: String) {
    let store = open(&url).await;
    let request = PurgeRequest { now: now(), audit_before: None };
    if !url.starts_with("postgres") {
        // One SQLite database has one node.
        assert!(store.purge(request).await.unwrap().is_some());
        return;
    }
    // Another node holds the purge's advisory lock: this one leaves the work to it.
    let other = sqlx::PgPool::connect(&url).await.unwrap();
    let mut held = other.begin().await.unwrap();
    sqlx::query("SELECT pg_advisory_xact_lock($1)")
        .bind(gatehouse_store::PURGE_LOCK)
        .execute(&mut *held)
        .await
        .unwrap();
    assert_eq!(store.purge(request).await.unwrap(), None);
    held.rollback().await.unwrap();
    assert!(store.purge(request).await.unwrap().is_some(), "the lock is free again");
}

/// Not a contract case: the time one purge pass takes on 50,000 ended
/// sessions with one refresh token each (100,000 rows), printed. Run by hand:
/// `cargo nextest run -p gatehouse-store --test store --run-ignored only purge_timing --no-capture`.
pub async fn purge_timing(url: String) {
    const SESSIONS: i64 = 50_000;
    let store = open(&url).await;
    let alice = add_user(store.as_ref(), "alice").await;
    let t = now() - Duration::days(2);
    let template = session_for(alice.id, t, Duration::hours(1), Duration::days(1));
    store.create_session(&template, &first_refresh(&template, "template")).await.unwrap();
    // Copies of the one session and its token, made in SQL (fast), all ended.
    let (sessions, tokens) = if url.starts_with("postgres") {
        (
            "INSERT INTO sessions (id, user_id, created_at, last_used_at, idle_expires_at, absolute_expires_at, ip, user_agent, amr, auth_time, kind) \
             SELECT gen_random_uuid(), user_id, created_at, last_used_at, idle_expires_at, absolute_expires_at, ip, user_agent, amr, auth_time, kind \
             FROM sessions, generate_series(1, $1)",
            "INSERT INTO refresh_tokens (id, session_id, digest, created_at) \
             SELECT gen_random_uuid(), s.id, sha256(s.id::text::bytea), s.created_at FROM sessions s \
             WHERE NOT EXISTS (SELECT 1 FROM refresh_tokens r WHERE r.session_id = s.id)",
        )
    } else {
        (
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $1) \
             INSERT INTO sessions (id, user_id, created_at, last_used_at, idle_expires_at, absolute_expires_at, ip, user_agent, amr, auth_time, kind) \
             SELECT randomblob(16), user_id, created_at, last_used_at, idle_expires_at, absolute_expires_at, ip, user_agent, amr, auth_time, kind \
             FROM sessions, n",
            "INSERT INTO refresh_tokens (id, session_id, digest, created_at) \
             SELECT randomblob(16), s.id, randomblob(32), s.created_at FROM sessions s \
             WHERE NOT EXISTS (SELECT 1 FROM refresh_tokens r WHERE r.session_id = s.id)",
        )
    };
    let run = |sql: &'static str| {
        let url = url.clone();
        async move {
            if url.starts_with("postgres") {
                let pool = sqlx::PgPool::connect(&url).await.unwrap();
                sqlx::query(sql).bind(SESSIONS).execute(&pool).await.unwrap();
            } else {
                let pool = sqlx::SqlitePool::connect(&url).await.unwrap();
                sqlx::query(sql).bind(SESSIONS).execute(&pool).await.unwrap();
            }
        }
    };
    run(sessions).await;
    run(tokens).await;
    let started = std::time::Instant::now();
    let purged = store.purge(PurgeRequest { now: now(), audit_before: None }).await.unwrap().unwrap();
    let took = started.elapsed();
    assert_eq!((purged.sessions, purged.refresh_tokens), (SESSIONS as u64 + 1, SESSIONS as u64 + 1));
    println!(
        "purge_timing {}: {} rows ({} sessions + {} refresh tokens) in {} ms",
        url.split(':').next().unwrap_or(""),
        purged.total(),
        purged.sessions,
        purged.refresh_tokens,
        took.as_millis()
    );
}
