//! What the session cache hears: this process's changes from the store at
//! once (`Store::observe_changes`), and another process's through the feed
//! (`Store::watch_changes`: PostgreSQL's notices, SQLite's change log).

use std::sync::{Arc, Mutex};
use std::time::Duration as StdDuration;

use gatehouse_core::account::Role;
use gatehouse_core::crypto::TokenDigest;
use gatehouse_core::store::{Change, ChangeObserver, Profile, Store};
use time::Duration;

use super::*;

/// Writes down what it is told.
#[derive(Default)]
struct Heard(Mutex<Vec<Change>>);

impl ChangeObserver for Heard {
    fn changed(&self, change: &Change) {
        self.0.lock().unwrap().push(change.clone());
    }
}

impl Heard {
    /// What was told since the last call.
    fn take(&self) -> Vec<Change> {
        std::mem::take(&mut *self.0.lock().unwrap())
    }
}

async fn add_live_session(store: &dyn Store, user: UserId, secret: &str) -> Session {
    let session = session_for(user, now(), Duration::hours(1), Duration::days(1));
    store.create_session(&session, &first_refresh(&session, secret)).await.unwrap();
    session
}

pub async fn each_change_is_told_to_this_process_once_durable(url: String) {
    let store = open(&url).await;
    let heard = Arc::new(Heard::default());
    store.observe_changes(heard.clone());
    let t = now();
    let alice = add_user(store.as_ref(), "alice").await;
    let session = add_live_session(store.as_ref(), alice.id, "s1").await;
    let other = add_live_session(store.as_ref(), alice.id, "s2").await;
    assert_eq!(heard.take(), vec![], "new rows are nobody's stale copy");

    // Using a session or failing a login is not a change to hear of.
    store.touch_session(session.id, t, t + Duration::hours(1)).await.unwrap();
    store.record_login_failure(alice.id, t, t - Duration::days(1)).await.unwrap();
    assert_eq!(heard.take(), vec![]);

    store.revoke_session(session.id, t).await.unwrap();
    assert_eq!(heard.take(), vec![Change::Session(session.id)]);
    store.reauthenticated(other.id, &other.amr, t).await.unwrap();
    assert_eq!(heard.take(), vec![Change::Session(other.id)]);
    store.revoke_user_sessions(alice.id, t).await.unwrap();
    assert_eq!(heard.take(), vec![Change::SessionsOf(alice.id)]);
    store.revoke_client_sessions(alice.id, "app", t).await.unwrap();
    assert_eq!(heard.take(), vec![Change::SessionsOf(alice.id)]);

    let user = Change::User(alice.id);
    store.set_active(alice.id, false, t).await.unwrap();
    assert_eq!(heard.take(), vec![user.clone()]);
    store.set_password_hash(alice.id, &"$argon2id$v=19$m=19456,t=2,p=1$x$y".to_owned().into(), t).await.unwrap();
    assert_eq!(heard.take(), vec![user.clone()]);
    store.set_password_reset_required(alice.id, true, t).await.unwrap();
    assert_eq!(heard.take(), vec![user.clone()]);
    let profile = Profile { username: alice.username.clone(), email: alice.email.clone(), email_verified: true };
    store.update_profile(alice.id, &profile, t).await.unwrap();
    assert_eq!(heard.take(), vec![user.clone()]);
    store.set_email_verified(alice.id, false, t).await.unwrap();
    assert_eq!(heard.take(), vec![user.clone()]);
    store.set_email(alice.id, &alice.email, t).await.unwrap();
    assert_eq!(heard.take(), vec![user.clone()]);
    let editor = add_role(store.as_ref(), "editor", &["posts:read"]).await;
    store.grant_role(alice.id, &editor.name, t).await.unwrap();
    assert_eq!(heard.take(), vec![user.clone()]);
    store.revoke_role(alice.id, &editor.name, t).await.unwrap();
    assert_eq!(heard.take(), vec![user.clone()]);
    store.set_roles(alice.id, &[Role::user(), editor.name.clone()], t).await.unwrap();
    assert_eq!(heard.take(), vec![user.clone()]);
    store.update_role(&editor).await.unwrap();
    assert_eq!(heard.take(), vec![Change::Roles]);
    store.delete_role(&editor.name).await.unwrap();
    assert_eq!(heard.take(), vec![Change::Roles]);

    // Second factors: what /api/auth/me shows of them.
    let factors = Change::Factors(alice.id);
    store.put_pending_totp(alice.id, b"sealed", t).await.unwrap();
    assert_eq!(heard.take(), vec![], "a secret not yet enabled is no factor");
    store.enable_totp(alice.id, 1, t).await.unwrap();
    assert_eq!(heard.take(), vec![factors.clone()]);
    store.use_totp_step(alice.id, 2).await.unwrap();
    assert_eq!(heard.take(), vec![], "using a factor does not change it");
    store.replace_backup_codes(alice.id, &[TokenDigest::of("c1"), TokenDigest::of("c2")], t).await.unwrap();
    assert_eq!(heard.take(), vec![factors.clone()]);
    store.use_backup_code(alice.id, &TokenDigest::of("c1"), t).await.unwrap();
    assert_eq!(heard.take(), vec![factors.clone()], "one code fewer");
    store.delete_backup_codes(alice.id).await.unwrap();
    assert_eq!(heard.take(), vec![factors.clone()]);
    store.delete_totp(alice.id).await.unwrap();
    assert_eq!(heard.take(), vec![factors]);

    // A unit of work tells its changes when it commits, and a dropped one never.
    let bob = add_user(store.as_ref(), "bob").await;
    let bobs = add_live_session(store.as_ref(), bob.id, "s3").await;
    let unit = store.begin().await.unwrap();
    unit.revoke_session(bobs.id, t).await.unwrap();
    drop(unit);
    assert_eq!(heard.take(), vec![], "rolled back: nothing changed");
    let unit = store.begin().await.unwrap();
    unit.revoke_session(bobs.id, t).await.unwrap();
    unit.set_active(bob.id, false, t).await.unwrap();
    assert_eq!(heard.take(), vec![], "not before the commit");
    unit.commit().await.unwrap();
    assert_eq!(heard.take(), vec![Change::Session(bobs.id), Change::User(bob.id)]);

    store.delete_user(bob.id).await.unwrap();
    assert_eq!(heard.take(), vec![Change::User(bob.id)]);
}

/// The next changes of `feed` until every one of `expected` has come, in
/// any order and among others (PostgreSQL and SQLite name them alike, but
/// a trigger may say one change twice).
async fn hear_all(feed: &mut gatehouse_core::store::Changes, expected: &[Change]) {
    let mut missing: Vec<Change> = expected.to_vec();
    while !missing.is_empty() {
        let change = tokio::time::timeout(StdDuration::from_secs(10), feed.recv())
            .await
            .unwrap_or_else(|_| panic!("not heard within 10 s: {missing:?}"))
            .expect("the feed ended");
        assert_ne!(change, Change::Missed, "nothing was missed");
        missing.retain(|m| *m != change);
    }
}

pub async fn another_processes_changes_arrive_through_the_feed(url: String) {
    let here = open(&url).await;
    let there = open(&url).await;
    let mut feed = here.watch_changes().await.unwrap().expect("SQL stores have a feed");
    let t = now();
    let alice = add_user(there.as_ref(), "alice").await;
    let session = add_live_session(there.as_ref(), alice.id, "s1").await;
    let other = add_live_session(there.as_ref(), alice.id, "s2").await;

    there.revoke_session(session.id, t).await.unwrap();
    hear_all(&mut feed, &[Change::Session(session.id)]).await;
    // Sign out everywhere: each session is named.
    there.revoke_user_sessions(alice.id, t).await.unwrap();
    hear_all(&mut feed, &[Change::Session(other.id)]).await;
    there.set_active(alice.id, false, t).await.unwrap();
    hear_all(&mut feed, &[Change::User(alice.id)]).await;
    let editor = add_role(there.as_ref(), "editor", &["posts:read"]).await;
    there.grant_role(alice.id, &editor.name, t).await.unwrap();
    hear_all(&mut feed, &[Change::User(alice.id)]).await;
    there.update_role(&editor).await.unwrap();
    hear_all(&mut feed, &[Change::Roles]).await;
    there.put_pending_totp(alice.id, b"sealed", t).await.unwrap();
    there.enable_totp(alice.id, 1, t).await.unwrap();
    hear_all(&mut feed, &[Change::Factors(alice.id)]).await;

    // An operator's own SQL is heard too.
    let bob = add_user(there.as_ref(), "bob").await;
    let bobs = add_live_session(there.as_ref(), bob.id, "s3").await;
    raw_sql(
        &url,
        &format!("UPDATE sessions SET revoked_at = created_at WHERE user_id = {}", uuid_literal(&url, bob.id.0)),
    )
    .await;
    hear_all(&mut feed, &[Change::Session(bobs.id)]).await;
    raw_sql(&url, &format!("DELETE FROM users WHERE id = {}", uuid_literal(&url, bob.id.0))).await;
    hear_all(&mut feed, &[Change::User(bob.id)]).await;
}

/// A UUID as the backend's SQL writes it.
fn uuid_literal(url: &str, id: uuid::Uuid) -> String {
    if url.starts_with("sqlite:") {
        format!("x'{}'", id.simple())
    } else {
        format!("'{id}'")
    }
}

/// Runs `sql` on its own connection, as an operator would.
async fn raw_sql(url: &str, sql: &str) {
    if url.starts_with("sqlite:") {
        let raw = gatehouse_store::SqliteStore::connect(url).await.unwrap();
        sqlx::query(sql).execute(raw.pool()).await.unwrap();
        raw.close().await;
    } else {
        let raw = gatehouse_store::PgStore::connect(url).await.unwrap();
        sqlx::query(sql).execute(raw.pool()).await.unwrap();
        raw.close().await;
    }
}
