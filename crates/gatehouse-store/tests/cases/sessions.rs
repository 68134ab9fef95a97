//! Sessions and refresh chains: creation, rotation races, expiry, revocation.

use gatehouse_core::crypto::TokenDigest;
use gatehouse_core::session::{Rotation, Session, SessionId};
use gatehouse_core::store::StoreError;
use time::Duration;
use uuid::Uuid;

use super::{add_user, first_refresh, now, open, session_for};

pub async fn session_rotation_has_one_winner(url: String) {
    let store = open(&url).await;
    let user = add_user(store.as_ref(), "alice").await;
    let start = now();
    let session = session_for(user.id, start, Duration::hours(1), Duration::days(30));
    let first = first_refresh(&session, "token-0");
    store.create_session(&session, &first).await.unwrap();

    let (record, stored_session) = store.refresh_by_digest(&first.digest).await.unwrap().unwrap();
    assert_eq!(record.id, first.id);
    assert_eq!(record.parent_id, None);
    assert!(record.digest.matches(&first.digest));
    assert_eq!(record.spent_at, None);
    assert_eq!(stored_session.id, session.id);
    assert_eq!(stored_session.ip.as_deref(), Some("203.0.113.7"));
    assert_eq!(stored_session.idle_expires_at, session.idle_expires_at);
    assert!(store.refresh_successor(first.id).await.unwrap().is_none());

    let at = start + Duration::minutes(10);
    let rotations: Vec<Rotation> = (0..8)
        .map(|i| Rotation {
            old_digest: first.digest.clone(),
            new_id: Uuid::now_v7(),
            new_digest: TokenDigest::of(&format!("token-1-{i}")),
            client_fingerprint: format!("client-{i}"),
            now: at,
            idle_expires_at: Some(at + Duration::hours(1)),
        })
        .collect();
    let tasks: Vec<_> = rotations
        .iter()
        .cloned()
        .map(|rotation| {
            let store = store.clone();
            tokio::spawn(async move { store.rotate_refresh(&rotation).await.unwrap() })
        })
        .collect();
    let mut winners = Vec::new();
    for (i, task) in tasks.into_iter().enumerate() {
        if task.await.unwrap() {
            winners.push(i);
        }
    }
    assert_eq!(winners.len(), 1, "exactly one rotation wins: {winners:?}");
    let winner = &rotations[winners[0]];

    let successor = store.refresh_successor(first.id).await.unwrap().unwrap();
    assert_eq!(successor.id, winner.new_id);
    assert_eq!(successor.parent_id, Some(first.id));
    assert_eq!(successor.session_id, session.id);
    assert!(successor.digest.matches(&winner.new_digest));
    assert_eq!(successor.created_at, at);
    assert_eq!(successor.spent_at, None);
    for (i, loser) in rotations.iter().enumerate().filter(|(i, _)| *i != winners[0]) {
        assert!(store.refresh_by_digest(&loser.new_digest).await.unwrap().is_none(), "loser {i} left a row");
    }

    let (spent, after) = store.refresh_by_digest(&first.digest).await.unwrap().unwrap();
    assert_eq!(spent.spent_at, Some(at));
    assert_eq!(spent.spent_by.as_deref(), Some(winner.client_fingerprint.as_str()));
    assert_eq!(after.last_used_at, at);
    assert_eq!(after.idle_expires_at, at + Duration::hours(1));
    assert_eq!(after.absolute_expires_at, session.absolute_expires_at);

    // Spent and unknown tokens never rotate.
    assert!(!store.rotate_refresh(&rotations[0]).await.unwrap());
    let unknown =
        Rotation { old_digest: TokenDigest::of("never-issued"), new_id: Uuid::now_v7(), ..rotations[1].clone() };
    assert!(!store.rotate_refresh(&unknown).await.unwrap());
    // The successor itself rotates.
    let next = Rotation {
        old_digest: winner.new_digest.clone(),
        new_id: Uuid::now_v7(),
        new_digest: TokenDigest::of("token-2"),
        client_fingerprint: "client-x".into(),
        now: at + Duration::minutes(1),
        idle_expires_at: Some(at + Duration::minutes(61)),
    };
    assert!(store.rotate_refresh(&next).await.unwrap());
    assert_eq!(store.refresh_successor(winner.new_id).await.unwrap().unwrap().id, next.new_id);
    // A digest that already exists is a conflict, not a silent overwrite.
    let dup = Rotation { old_digest: TokenDigest::of("token-2"), new_id: Uuid::now_v7(), ..next.clone() };
    assert!(matches!(store.rotate_refresh(&dup).await, Err(StoreError::Conflict(_))));
}

pub async fn active_sessions_and_revocation(url: String) {
    let store = open(&url).await;
    let alice = add_user(store.as_ref(), "alice").await;
    let bob = add_user(store.as_ref(), "bob").await;
    let t = now();
    let older = session_for(alice.id, t - Duration::hours(2), Duration::hours(3), Duration::days(1));
    let newer = session_for(alice.id, t - Duration::hours(1), Duration::hours(3), Duration::days(1));
    let idle_expired = session_for(alice.id, t - Duration::hours(2), Duration::hours(1), Duration::days(1));
    let absolute_expired = session_for(alice.id, t - Duration::hours(5), Duration::hours(10), Duration::hours(5));
    let mut revoked = session_for(alice.id, t - Duration::minutes(1), Duration::hours(3), Duration::days(1));
    revoked.revoked_at = Some(t - Duration::seconds(30));
    let bobs = session_for(bob.id, t, Duration::hours(3), Duration::days(1));
    for (i, s) in [&older, &newer, &idle_expired, &absolute_expired, &revoked, &bobs].into_iter().enumerate() {
        store.create_session(s, &first_refresh(s, &format!("secret-{i}"))).await.unwrap();
    }

    let ids = |sessions: Vec<Session>| sessions.into_iter().map(|s| s.id).collect::<Vec<_>>();
    assert_eq!(ids(store.active_sessions(alice.id, t).await.unwrap()), [newer.id, older.id]);
    // The idle lifetime ends exactly at idle_expires_at.
    assert_eq!(ids(store.active_sessions(alice.id, older.idle_expires_at).await.unwrap()), [newer.id]);

    assert!(store.revoke_session(newer.id, t).await.unwrap());
    assert!(!store.revoke_session(newer.id, t).await.unwrap(), "already revoked");
    assert!(!store.revoke_session(idle_expired.id, t).await.unwrap(), "expired is not active");
    assert!(!store.revoke_session(SessionId::new(), t).await.unwrap());
    let read = store.session(newer.id).await.unwrap().unwrap();
    assert_eq!(read.revoked_at, Some(t));
    assert!(!read.is_active(t));
    assert_eq!(ids(store.active_sessions(alice.id, t).await.unwrap()), [older.id]);

    let another = session_for(alice.id, t, Duration::hours(3), Duration::days(1));
    store.create_session(&another, &first_refresh(&another, "secret-x")).await.unwrap();
    assert_eq!(store.revoke_user_sessions(alice.id, t).await.unwrap(), 2);
    assert!(store.active_sessions(alice.id, t).await.unwrap().is_empty());
    assert_eq!(store.revoke_user_sessions(alice.id, t).await.unwrap(), 0);
    assert_eq!(ids(store.active_sessions(bob.id, t).await.unwrap()), [bobs.id]);
    assert!(store.session(SessionId::new()).await.unwrap().is_none());
}
