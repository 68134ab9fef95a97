//! The audit log: appending and the filters of `query`.

use gatehouse_core::account::UserId;
use gatehouse_core::audit::{AuditEvent, AuditKind, AuditQuery, ClientInfo, Outcome};
use time::Duration;

use super::{now, open};

pub async fn audit_append_and_query(url: String) {
    let store = open(&url).await;
    let alice = UserId::new(); // audit rows need no user row
    let bob = UserId::new();
    let admin = UserId::new();
    let client = ClientInfo { ip: Some("198.51.100.1".into()), user_agent: Some("curl/8".into()) };
    let t = now();
    let mut events = Vec::new();
    for (i, (kind, outcome, actor, subject)) in [
        (AuditKind::Register, Outcome::Success, Some(alice), Some(alice)),
        (AuditKind::LoginFailed, Outcome::Failure, None, Some(alice)),
        (AuditKind::LoginSucceeded, Outcome::Success, Some(bob), Some(bob)),
        (AuditKind::RoleChanged, Outcome::Success, Some(admin), Some(alice)),
        (AuditKind::LoginFailed, Outcome::Failure, None, Some(bob)),
    ]
    .into_iter()
    .enumerate()
    {
        let mut event = AuditEvent::new(kind, outcome, &client).detail(format!("event {i}"));
        event.at = t + Duration::seconds(i as i64);
        event.actor = actor;
        event.subject = subject;
        store.append(&event).await.unwrap();
        events.push(event);
    }
    let query = |q: AuditQuery| {
        let store = store.clone();
        async move {
            store
                .query(&AuditQuery { limit: if q.limit == 0 { 100 } else { q.limit }, ..q })
                .await
                .unwrap()
                .into_iter()
                .map(|e| e.detail.unwrap_or_default())
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(query(AuditQuery::default()).await, ["event 4", "event 3", "event 2", "event 1", "event 0"]);
    let read = store.query(&AuditQuery { limit: 1, ..AuditQuery::default() }).await.unwrap();
    assert_eq!(read.len(), 1);
    assert_eq!(read[0].id, events[4].id);
    assert_eq!(read[0].at, events[4].at);
    assert_eq!(read[0].kind, AuditKind::LoginFailed);
    assert_eq!(read[0].outcome, Outcome::Failure);
    assert_eq!(read[0].actor, None);
    assert_eq!(read[0].subject, Some(bob));
    assert_eq!(read[0].ip.as_deref(), Some("198.51.100.1"));
    assert_eq!(read[0].user_agent.as_deref(), Some("curl/8"));

    let by_user = |user| AuditQuery { user: Some(user), ..AuditQuery::default() };
    assert_eq!(query(by_user(alice)).await, ["event 3", "event 1", "event 0"]);
    assert_eq!(query(by_user(admin)).await, ["event 3"]);
    assert_eq!(
        query(AuditQuery { kind: Some(AuditKind::LoginFailed), ..AuditQuery::default() }).await,
        ["event 4", "event 1"]
    );
    assert_eq!(query(AuditQuery { kind: Some(AuditKind::LoginFailed), ..by_user(alice) }).await, ["event 1"]);
    assert_eq!(
        query(AuditQuery { outcome: Some(Outcome::Success), ..AuditQuery::default() }).await,
        ["event 3", "event 2", "event 0"]
    );
    assert_eq!(
        query(AuditQuery {
            since: Some(t + Duration::seconds(1)),
            until: Some(t + Duration::seconds(3)),
            ..AuditQuery::default()
        })
        .await,
        ["event 2", "event 1"]
    );
    assert_eq!(query(AuditQuery { limit: 2, offset: 1, ..AuditQuery::default() }).await, ["event 3", "event 2"]);
    assert!(query(AuditQuery { user: Some(UserId::new()), ..AuditQuery::default() }).await.is_empty());
}
