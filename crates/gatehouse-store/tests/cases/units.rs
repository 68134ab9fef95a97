//! Units of work: every capability over one transaction, all or nothing.

use std::sync::Arc;

use gatehouse_core::account::Role;
use gatehouse_core::crypto::TokenDigest;
use gatehouse_core::session::Rotation;
use gatehouse_core::store::{Store, StoreError};
use time::Duration;
use uuid::Uuid;

use super::*;

pub async fn units_write_all_or_nothing(url: String) {
    let store = open(&url).await;
    let t = now();

    // Dropped: nothing of it is written, though its own reads saw it.
    let unit = store.begin().await.unwrap();
    let user = unit.insert_user(&new_user("dropped", "dropped@example.com", &["user"], t)).await.unwrap();
    let session = session_for(user.id, t, Duration::hours(1), Duration::days(1));
    unit.create_session(&session, &first_refresh(&session, "dropped")).await.unwrap();
    assert!(unit.user_by_id(user.id).await.unwrap().is_some(), "a unit reads its own writes");
    drop(unit);
    assert!(store.user_by_login("dropped").await.unwrap().is_none());
    assert!(store.session(session.id).await.unwrap().is_none());

    // Committed: all of it at once, and none of it before.
    let unit = store.begin().await.unwrap();
    let user = unit.insert_user(&new_user("kept", "kept@example.com", &["user"], t)).await.unwrap();
    let session = session_for(user.id, t, Duration::hours(1), Duration::days(1));
    unit.create_session(&session, &first_refresh(&session, "kept")).await.unwrap();
    unit.set_active(user.id, false, t).await.unwrap();
    unit.commit().await.unwrap();
    let stored = store.user_by_login("kept").await.unwrap().unwrap();
    assert!(!stored.is_active);
    assert_eq!(stored.roles, vec![Role::user()]);
    assert!(store.session(session.id).await.unwrap().is_some());
}

pub async fn a_step_that_loses_inside_a_unit_undoes_only_itself(url: String) {
    let store = open(&url).await;
    let t = now();
    let user = add_user(store.as_ref(), "alice").await;
    let session = session_for(user.id, t, Duration::hours(1), Duration::days(1));
    store.create_session(&session, &first_refresh(&session, "r0")).await.unwrap();
    let rotation = |new: &str| Rotation {
        old_digest: TokenDigest::of("r0"),
        new_id: Uuid::now_v7(),
        new_digest: TokenDigest::of(new),
        client_fingerprint: "fp".into(),
        now: t,
        idle_expires_at: None,
    };
    assert!(store.rotate_refresh(&rotation("r1")).await.unwrap());

    let unit = store.begin().await.unwrap();
    assert!(!unit.rotate_refresh(&rotation("r2")).await.unwrap(), "a spent token does not rotate");
    unit.set_locked_until(user.id, Some(t + Duration::minutes(5))).await.unwrap();
    unit.commit().await.unwrap();
    assert!(store.refresh_by_digest(&TokenDigest::of("r2")).await.unwrap().is_none());
    assert!(store.user_by_id(user.id).await.unwrap().unwrap().locked_until.is_some());
}

pub async fn a_failed_step_is_never_committed_silently(url: String) {
    let store = open(&url).await;
    let t = now();
    add_user(store.as_ref(), "taken").await;
    let unit = store.begin().await.unwrap();
    let other = unit.insert_user(&new_user("other", "other@example.com", &[], t)).await.unwrap();
    let err = unit.insert_user(&new_user("taken", "x@example.com", &[], t)).await.unwrap_err();
    assert!(matches!(err, StoreError::Conflict(_)), "{err:?}");
    if store.backend() == "postgres" {
        // PostgreSQL answers COMMIT in a failed transaction with a rollback:
        // the unit must say so rather than pretend.
        assert!(unit.commit().await.is_err());
        assert!(store.user_by_id(other.id).await.unwrap().is_none());
    } else {
        drop(unit);
        assert!(store.user_by_id(other.id).await.unwrap().is_none());
    }
}

pub async fn concurrent_units_leave_an_active_holder(url: String) {
    let store = open(&url).await;
    let admin = Role::admin();
    let a = store.insert_user(&new_user("ada", "ada@example.com", &["admin"], now())).await.unwrap();
    let b = store.insert_user(&new_user("bob", "bob@example.com", &["admin"], now())).await.unwrap();
    // Each disables the other unless that would leave no active admin.
    async fn disable_unless_last(store: Arc<dyn Store>, target: gatehouse_core::account::UserId) -> bool {
        let unit = store.begin().await.unwrap();
        if unit.lock_active_holders(&Role::admin()).await.unwrap() <= 1 {
            return false;
        }
        tokio::task::yield_now().await;
        unit.set_active(target, false, now()).await.unwrap();
        unit.commit().await.unwrap();
        true
    }
    for round in 0..20 {
        let first = tokio::spawn(disable_unless_last(store.clone(), b.id));
        let second = tokio::spawn(disable_unless_last(store.clone(), a.id));
        let won = [first.await.unwrap(), second.await.unwrap()];
        assert_eq!(won.iter().filter(|w| **w).count(), 1, "round {round}: {won:?}");
        assert_eq!(store.role_holders(&admin, true).await.unwrap(), 1, "round {round}");
        for id in [a.id, b.id] {
            store.set_active(id, true, now()).await.unwrap();
        }
    }
}
