//! Multi-factor authentication: TOTP enrolment and replay protection, backup
//! codes, login challenges, and the `amr`/`auth_time` of sessions (including
//! sessions written before migration 0002).

use std::borrow::Cow;

use gatehouse_core::crypto::TokenDigest;
use gatehouse_core::mfa::MfaChallenge;
use gatehouse_core::session::SessionId;
use gatehouse_core::store::StoreError;
use time::{Duration, OffsetDateTime};
use uuid::Uuid;

use super::{add_user, first_refresh, new_user, now, open, session_for, winners};

fn amr(methods: &[&str]) -> gatehouse_core::amr::Amr {
    gatehouse_core::amr::Amr::from_stored(methods.iter().copied())
}

pub(super) fn challenge(user: gatehouse_core::account::UserId, secret: &str, at: OffsetDateTime) -> MfaChallenge {
    MfaChallenge {
        id: Uuid::now_v7(),
        user_id: user,
        digest: TokenDigest::of(secret),
        amr: amr(&["pwd"]),
        created_at: at,
        expires_at: at + Duration::minutes(5),
        failed_attempts: 0,
        used_at: None,
    }
}

pub async fn sessions_keep_amr_and_auth_time(url: String) {
    let store = open(&url).await;
    let user = add_user(store.as_ref(), "alice").await;
    let t = now();
    let mut session = session_for(user.id, t, Duration::hours(1), Duration::days(1));
    session.amr = amr(&["pwd", "otp", "mfa"]);
    session.auth_time = t + Duration::seconds(3);
    let first = first_refresh(&session, "token-0");
    store.create_session(&session, &first).await.unwrap();

    let read = store.session(session.id).await.unwrap().unwrap();
    assert_eq!(read.amr, session.amr);
    assert_eq!(read.auth_time, session.auth_time);
    let (_, joined) = store.refresh_by_digest(&first.digest).await.unwrap().unwrap();
    assert_eq!(joined.amr, session.amr);
    assert_eq!(joined.auth_time, session.auth_time);

    let later = t + Duration::minutes(20);
    store.reauthenticated(session.id, &amr(&["pwd", "hwk"]), later).await.unwrap();
    let read = store.session(session.id).await.unwrap().unwrap();
    assert_eq!(read.amr.to_claim(), ["pwd", "hwk"]);
    assert_eq!(read.auth_time, later);
    assert_eq!(read.created_at, t, "only auth_time and amr change");
    let active = store.active_sessions(user.id, t).await.unwrap();
    assert_eq!(active.len(), 1);
    assert_eq!(active[0].auth_time, later);
    // An unknown session is not an error (like the other setters).
    store.reauthenticated(SessionId::new(), &amr(&["pwd"]), later).await.unwrap();
}

/// A database migrated to 0001 only, holding a session, then opened (and so
/// migrated) by the current code: the session reads as a password login
/// authenticated when it was created.
pub async fn sessions_from_before_mfa_still_read(url: String) {
    let t = now() - Duration::hours(1);
    let user = new_user("alice", "alice@example.com", &["user"], t);
    let session_id = Uuid::now_v7();
    if url.starts_with("sqlite:") {
        let old = gatehouse_store::SqliteStore::connect(&url).await.unwrap();
        let mut migrator = sqlx::migrate!("./migrations/sqlite");
        migrator.migrations = Cow::Owned(migrator.migrations.iter().filter(|m| m.version == 1).cloned().collect());
        migrator.run(old.pool()).await.unwrap();
        insert_user_as_in_0001_sqlite(old.pool(), &user).await;
        let (created, idle, absolute) =
            (sqlite_ts(t), sqlite_ts(t + Duration::hours(2)), sqlite_ts(t + Duration::days(1)));
        sqlx::query(
            "INSERT INTO sessions (id, user_id, created_at, last_used_at, idle_expires_at, absolute_expires_at) \
             VALUES ($1, $2, $3, $3, $4, $5)",
        )
        .bind(session_id)
        .bind(user.id.0)
        .bind(created)
        .bind(idle)
        .bind(absolute)
        .execute(old.pool())
        .await
        .unwrap();
        old.close().await;
    } else {
        let old = gatehouse_store::PgStore::connect(&url).await.unwrap();
        let mut migrator = sqlx::migrate!("./migrations/postgres");
        migrator.migrations = Cow::Owned(migrator.migrations.iter().filter(|m| m.version == 1).cloned().collect());
        migrator.run(old.pool()).await.unwrap();
        insert_user_as_in_0001_postgres(old.pool(), &user).await;
        sqlx::query(
            "INSERT INTO sessions (id, user_id, created_at, last_used_at, idle_expires_at, absolute_expires_at) \
             VALUES ($1, $2, $3, $3, $4, $5)",
        )
        .bind(session_id)
        .bind(user.id.0)
        .bind(t)
        .bind(t + Duration::hours(2))
        .bind(t + Duration::days(1))
        .execute(old.pool())
        .await
        .unwrap();
        old.close().await;
    }

    let store = open(&url).await;
    let read = store.session(SessionId(session_id)).await.unwrap().unwrap();
    assert_eq!(read.amr.to_claim(), ["pwd"]);
    assert_eq!(read.auth_time, t);
    assert_eq!(read.created_at, t);
    assert_eq!(read.kind, gatehouse_core::session::SessionKind::Api, "sessions from before 0006 are API sessions");
    store.reauthenticated(read.id, &amr(&["pwd", "otp", "mfa"]), t + Duration::minutes(1)).await.unwrap();
    let read = store.session(read.id).await.unwrap().unwrap();
    assert_eq!(read.auth_time, t + Duration::minutes(1));
    assert_eq!(read.amr.to_claim(), ["pwd", "otp", "mfa"]);
    // The new tables are there too.
    assert!(store.totp(user.id).await.unwrap().is_none());
}

/// The SQLite time text `SqliteStore::ts` writes.
fn sqlite_ts(t: OffsetDateTime) -> String {
    let t = t.to_offset(time::UtcOffset::UTC);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:06}Z",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second(),
        t.microsecond()
    )
}

pub async fn totp_enrolment_and_step_replay(url: String) {
    let store = open(&url).await;
    let alice = add_user(store.as_ref(), "alice").await;
    let bob = add_user(store.as_ref(), "bob").await;
    let t = now();
    assert!(store.totp(alice.id).await.unwrap().is_none());
    assert!(!store.enable_totp(alice.id, 100, t).await.unwrap(), "nothing to enable");
    assert!(!store.use_totp_step(alice.id, 100).await.unwrap(), "no secret");

    // Pending: written, replaceable, not usable.
    assert!(store.put_pending_totp(alice.id, b"sealed-1", t).await.unwrap());
    assert!(store.put_pending_totp(alice.id, b"sealed-2", t + Duration::seconds(1)).await.unwrap());
    let pending = store.totp(alice.id).await.unwrap().unwrap();
    assert_eq!(pending.user_id, alice.id);
    assert_eq!(pending.secret_sealed, b"sealed-2");
    assert_eq!(pending.created_at, t + Duration::seconds(1));
    assert_eq!(pending.enabled_at, None);
    assert_eq!(pending.last_step, None);
    assert!(!store.use_totp_step(alice.id, 100).await.unwrap(), "a pending secret does not verify");

    // Enable: records the step; a second enable does nothing.
    let enabled_at = t + Duration::seconds(30);
    assert!(store.enable_totp(alice.id, 100, enabled_at).await.unwrap());
    assert!(!store.enable_totp(alice.id, 200, enabled_at).await.unwrap());
    let enabled = store.totp(alice.id).await.unwrap().unwrap();
    assert_eq!(enabled.enabled_at, Some(enabled_at));
    assert_eq!(enabled.last_step, Some(100));

    // Replay and older steps are refused; later ones pass, once.
    assert!(!store.use_totp_step(alice.id, 100).await.unwrap());
    assert!(!store.use_totp_step(alice.id, 99).await.unwrap());
    assert!(store.use_totp_step(alice.id, 101).await.unwrap());
    assert!(!store.use_totp_step(alice.id, 101).await.unwrap());
    assert!(store.use_totp_step(alice.id, 105).await.unwrap());
    assert_eq!(store.totp(alice.id).await.unwrap().unwrap().last_step, Some(105));

    // An enabled secret is not replaced by a new pending one.
    assert!(!store.put_pending_totp(alice.id, b"sealed-3", t).await.unwrap());
    let kept = store.totp(alice.id).await.unwrap().unwrap();
    assert_eq!(kept.secret_sealed, b"sealed-2");
    assert_eq!(kept.enabled_at, Some(enabled_at));
    assert_eq!(kept.last_step, Some(105));

    // Bob is untouched; deleting Alice's secret allows a new enrolment.
    assert!(store.totp(bob.id).await.unwrap().is_none());
    assert!(!store.delete_totp(bob.id).await.unwrap());
    assert!(store.delete_totp(alice.id).await.unwrap());
    assert!(!store.delete_totp(alice.id).await.unwrap());
    assert!(store.totp(alice.id).await.unwrap().is_none());
    assert!(!store.use_totp_step(alice.id, 200).await.unwrap());
    assert!(store.put_pending_totp(alice.id, b"sealed-4", t).await.unwrap());
    let fresh = store.totp(alice.id).await.unwrap().unwrap();
    assert_eq!((fresh.enabled_at, fresh.last_step), (None, None));
}

pub async fn totp_steps_have_one_winner(url: String) {
    let store = open(&url).await;
    let alice = add_user(store.as_ref(), "alice").await;
    let t = now();
    assert!(store.put_pending_totp(alice.id, b"sealed", t).await.unwrap());
    assert!(store.enable_totp(alice.id, 1000, t).await.unwrap());
    let id = alice.id;
    let won = winners(&store, move |store, _| async move { store.use_totp_step(id, 1001).await.unwrap() }).await;
    assert_eq!(won.len(), 1, "exactly one use of a step wins: {won:?}");
    assert_eq!(store.totp(alice.id).await.unwrap().unwrap().last_step, Some(1001));
}

pub async fn backup_codes_are_single_use(url: String) {
    let store = open(&url).await;
    let alice = add_user(store.as_ref(), "alice").await;
    let bob = add_user(store.as_ref(), "bob").await;
    let t = now();
    let codes: Vec<TokenDigest> = (0..5).map(|i| TokenDigest::of(&format!("code-{i}"))).collect();
    assert_eq!(store.backup_codes_remaining(alice.id).await.unwrap(), 0);
    store.replace_backup_codes(alice.id, &codes, t).await.unwrap();
    store.replace_backup_codes(bob.id, &codes[..2], t).await.unwrap();
    assert_eq!(store.backup_codes_remaining(alice.id).await.unwrap(), 5);

    assert!(store.use_backup_code(alice.id, &codes[0], t).await.unwrap());
    assert!(!store.use_backup_code(alice.id, &codes[0], t).await.unwrap(), "used once");
    assert!(!store.use_backup_code(alice.id, &TokenDigest::of("never-issued"), t).await.unwrap());
    assert_eq!(store.backup_codes_remaining(alice.id).await.unwrap(), 4);
    // Bob's copy of the same digest is his own.
    assert!(store.use_backup_code(bob.id, &codes[0], t).await.unwrap());
    assert_eq!(store.backup_codes_remaining(bob.id).await.unwrap(), 1);

    // Replacing drops old codes, used or not.
    let fresh: Vec<TokenDigest> = (0..3).map(|i| TokenDigest::of(&format!("fresh-{i}"))).collect();
    store.replace_backup_codes(alice.id, &fresh, t + Duration::minutes(1)).await.unwrap();
    assert_eq!(store.backup_codes_remaining(alice.id).await.unwrap(), 3);
    assert!(!store.use_backup_code(alice.id, &codes[1], t).await.unwrap(), "old codes are gone");
    assert!(store.use_backup_code(alice.id, &fresh[2], t).await.unwrap());
    // A failed replacement (duplicate digests) changes nothing.
    let dup = [TokenDigest::of("x"), TokenDigest::of("x")];
    assert!(matches!(store.replace_backup_codes(alice.id, &dup, t).await, Err(StoreError::Conflict(_))));
    assert_eq!(store.backup_codes_remaining(alice.id).await.unwrap(), 2);

    store.delete_backup_codes(alice.id).await.unwrap();
    assert_eq!(store.backup_codes_remaining(alice.id).await.unwrap(), 0);
    assert_eq!(store.backup_codes_remaining(bob.id).await.unwrap(), 1);
}

pub async fn second_factors_are_counted_in_one_read(url: String) {
    let store = open(&url).await;
    let alice = add_user(store.as_ref(), "alice").await;
    let bob = add_user(store.as_ref(), "bob").await;
    let t = now();
    let status = store.second_factors(alice.id).await.unwrap();
    assert!(!status.totp && status.passkeys == 0 && status.backup_codes_remaining == 0, "{status:?}");
    // A pending secret is not a factor yet.
    assert!(store.put_pending_totp(alice.id, b"sealed", t).await.unwrap());
    assert!(!store.second_factors(alice.id).await.unwrap().totp);
    assert!(store.enable_totp(alice.id, 1, t).await.unwrap());
    let codes: Vec<TokenDigest> = (0..3).map(|i| TokenDigest::of(&format!("code-{i}"))).collect();
    store.replace_backup_codes(alice.id, &codes, t).await.unwrap();
    assert!(store.use_backup_code(alice.id, &codes[0], t).await.unwrap());
    for (n, key) in [b"key-1".as_slice(), b"key-2"].into_iter().enumerate() {
        let name = format!("Key {n}");
        store.add_webauthn_credential(&super::webauthn::credential(alice.id, key, &name, t)).await.unwrap();
    }
    store.add_webauthn_credential(&super::webauthn::credential(bob.id, b"bob-key", "Bob's", t)).await.unwrap();
    let status = store.second_factors(alice.id).await.unwrap();
    assert!(status.totp, "{status:?}");
    assert_eq!((status.passkeys, status.backup_codes_remaining), (2, 2), "{status:?}");
    assert_eq!(status.methods(), ["totp", "webauthn", "backup_code"]);
    let bobs = store.second_factors(bob.id).await.unwrap();
    assert!(!bobs.totp && bobs.passkeys == 1 && bobs.backup_codes_remaining == 0, "{bobs:?}");
}

pub async fn backup_code_use_has_one_winner(url: String) {
    let store = open(&url).await;
    let alice = add_user(store.as_ref(), "alice").await;
    let t = now();
    let code = TokenDigest::of("code-0");
    store.replace_backup_codes(alice.id, &[code.clone(), TokenDigest::of("code-1")], t).await.unwrap();
    let id = alice.id;
    let won = winners(&store, move |store, _| {
        let code = code.clone();
        async move { store.use_backup_code(id, &code, t).await.unwrap() }
    })
    .await;
    assert_eq!(won.len(), 1, "exactly one use of a code wins: {won:?}");
    assert_eq!(store.backup_codes_remaining(alice.id).await.unwrap(), 1);
}

pub async fn mfa_challenge_lifecycle(url: String) {
    let store = open(&url).await;
    let alice = add_user(store.as_ref(), "alice").await;
    let t = now();
    let c = challenge(alice.id, "mfa-token-1", t);
    store.create_mfa_challenge(&c).await.unwrap();
    assert!(matches!(store.create_mfa_challenge(&c).await, Err(StoreError::Conflict(_))));

    let read = store.mfa_challenge(&c.digest).await.unwrap().unwrap();
    assert_eq!(read.id, c.id);
    assert_eq!(read.user_id, alice.id);
    assert!(read.digest.matches(&c.digest));
    assert_eq!(read.amr.to_claim(), ["pwd"]);
    assert_eq!(read.created_at, t);
    assert_eq!(read.expires_at, c.expires_at);
    assert_eq!(read.failed_attempts, 0);
    assert_eq!(read.used_at, None);
    assert!(store.mfa_challenge(&TokenDigest::of("unknown")).await.unwrap().is_none());

    assert_eq!(store.fail_mfa_challenge(c.id).await.unwrap(), 1);
    assert_eq!(store.fail_mfa_challenge(c.id).await.unwrap(), 2);
    assert_eq!(store.mfa_challenge(&c.digest).await.unwrap().unwrap().failed_attempts, 2);
    assert!(store.fail_mfa_challenge(Uuid::now_v7()).await.is_err(), "unknown challenge");

    // Consumable once, before it expires.
    let at = t + Duration::minutes(1);
    assert!(store.consume_mfa_challenge(c.id, at).await.unwrap());
    assert!(!store.consume_mfa_challenge(c.id, at).await.unwrap());
    assert_eq!(store.mfa_challenge(&c.digest).await.unwrap().unwrap().used_at, Some(at));
    assert!(!store.consume_mfa_challenge(Uuid::now_v7(), at).await.unwrap());

    // Expiry is exclusive: at `expires_at` it is already too late.
    let expired = challenge(alice.id, "mfa-token-2", t);
    store.create_mfa_challenge(&expired).await.unwrap();
    assert!(!store.consume_mfa_challenge(expired.id, expired.expires_at).await.unwrap());
    assert!(!store.consume_mfa_challenge(expired.id, expired.expires_at + Duration::seconds(1)).await.unwrap());
    assert!(store.consume_mfa_challenge(expired.id, expired.expires_at - Duration::microseconds(1)).await.unwrap());
}

pub async fn mfa_challenge_consumption_has_one_winner(url: String) {
    let store = open(&url).await;
    let alice = add_user(store.as_ref(), "alice").await;
    let t = now();
    let c = challenge(alice.id, "mfa-token", t);
    store.create_mfa_challenge(&c).await.unwrap();
    let id = c.id;
    let won = winners(&store, move |store, _| async move { store.consume_mfa_challenge(id, t).await.unwrap() }).await;
    assert_eq!(won.len(), 1, "exactly one consumption wins: {won:?}");
    assert_eq!(store.mfa_challenge(&c.digest).await.unwrap().unwrap().used_at, Some(t));
}

/// The `users` columns of migration 0001 (the current `insert_user` reads
/// columns added later).
const USERS_0001: &str =
    "INSERT INTO users (id, username, email, password_hash, email_verified, created_at, updated_at) \
                          VALUES ($1, $2, $3, $4, $5, $6, $6)";

async fn insert_user_as_in_0001_sqlite(pool: &sqlx::SqlitePool, user: &gatehouse_core::account::NewUser) {
    sqlx::query(USERS_0001)
        .bind(user.id.0)
        .bind(user.username.as_str())
        .bind(user.email.as_str())
        .bind(user.password_hash.expose())
        .bind(user.email_verified)
        .bind(sqlite_ts(user.created_at))
        .execute(pool)
        .await
        .unwrap();
}

async fn insert_user_as_in_0001_postgres(pool: &sqlx::PgPool, user: &gatehouse_core::account::NewUser) {
    sqlx::query(USERS_0001)
        .bind(user.id.0)
        .bind(user.username.as_str())
        .bind(user.email.as_str())
        .bind(user.password_hash.expose())
        .bind(user.email_verified)
        .bind(user.created_at)
        .execute(pool)
        .await
        .unwrap();
}
