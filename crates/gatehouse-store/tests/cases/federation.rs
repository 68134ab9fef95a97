//! Federation: upstream providers (round trip, unique ids, order), the
//! upstream identities linked to local accounts, and what goes along when a
//! provider or a user is deleted.

use gatehouse_core::account::UserId;
use gatehouse_core::federation::{UpstreamKind, UpstreamLink, UpstreamProvider};
use gatehouse_core::store::{Constraint, StoreError};
use time::{Duration, OffsetDateTime};

use super::{add_user, now, open};

/// An OpenID Connect provider `id`.
pub(super) fn upstream(id: &str, at: OffsetDateTime) -> UpstreamProvider {
    UpstreamProvider {
        id: id.into(),
        name: format!("Provider {id}"),
        kind: UpstreamKind::Oidc,
        issuer: Some(format!("https://{id}.example")),
        client_id: format!("{id}-client"),
        client_secret_sealed: vec![0, 1, 2, 0xfe, 0xff, id.len() as u8],
        scopes: vec!["openid".into(), "email".into(), "profile".into()],
        link_by_email: false,
        created_at: at,
    }
}

pub(super) fn link(provider_id: &str, subject: &str, user: UserId, at: OffsetDateTime) -> UpstreamLink {
    UpstreamLink {
        provider_id: provider_id.into(),
        subject: subject.into(),
        user_id: user,
        created_at: at,
        from_unverified_email: false,
    }
}

fn assert_same_upstream(read: &UpstreamProvider, expected: &UpstreamProvider) {
    assert_eq!(read.id, expected.id);
    assert_eq!(read.name, expected.name);
    assert_eq!(read.kind, expected.kind);
    assert_eq!(read.issuer, expected.issuer);
    assert_eq!(read.client_id, expected.client_id);
    assert_eq!(read.client_secret_sealed, expected.client_secret_sealed);
    assert_eq!(read.scopes, expected.scopes);
    assert_eq!(read.link_by_email, expected.link_by_email);
    assert_eq!(read.created_at, expected.created_at);
}

fn ids(providers: &[UpstreamProvider]) -> Vec<&str> {
    providers.iter().map(|p| p.id.as_str()).collect()
}

fn is_conflict(err: &StoreError, constraint: Constraint) -> bool {
    matches!(err, StoreError::Conflict(c) if *c == constraint)
}

pub async fn upstreams_round_trip_and_are_listed_oldest_first(url: String) {
    let store = open(&url).await;
    let t = now();
    assert!(store.list_upstreams().await.unwrap().is_empty());
    assert!(store.upstream("google").await.unwrap().is_none());

    let google = upstream("google", t + Duration::seconds(2));
    let github = UpstreamProvider {
        id: "github".into(),
        name: "GitHub".into(),
        kind: UpstreamKind::Github,
        issuer: None,
        client_id: "Iv1.0123456789abcdef".into(),
        client_secret_sealed: (0..=255).collect(),
        scopes: vec!["read:user".into(), "user:email".into()],
        link_by_email: true,
        created_at: t + Duration::seconds(1),
    };
    // Same time as `google`: the id breaks the tie.
    let mut acme = upstream("acme", t + Duration::seconds(2));
    acme.scopes = Vec::new();
    for p in [&google, &github, &acme] {
        store.insert_upstream(p).await.unwrap();
    }

    assert_same_upstream(&store.upstream("google").await.unwrap().unwrap(), &google);
    assert_same_upstream(&store.upstream("github").await.unwrap().unwrap(), &github);
    assert_same_upstream(&store.upstream("acme").await.unwrap().unwrap(), &acme);
    assert!(store.upstream("GOOGLE").await.unwrap().is_none(), "ids are exact");

    let listed = store.list_upstreams().await.unwrap();
    assert_eq!(ids(&listed), ["github", "acme", "google"]);
    assert_same_upstream(&listed[0], &github);

    // An id is taken once, whatever else differs; the first stays.
    let mut again = upstream("google", t + Duration::seconds(5));
    again.kind = UpstreamKind::Github;
    again.issuer = None;
    let err = store.insert_upstream(&again).await.unwrap_err();
    assert!(is_conflict(&err, Constraint::UpstreamId), "{err:?}");
    assert_same_upstream(&store.upstream("google").await.unwrap().unwrap(), &google);
    assert_eq!(store.list_upstreams().await.unwrap().len(), 3);
}

pub async fn upstream_links_are_unique_per_identity(url: String) {
    let store = open(&url).await;
    let alice = add_user(store.as_ref(), "alice").await;
    let bob = add_user(store.as_ref(), "bob").await;
    let t = now();
    store.insert_upstream(&upstream("google", t)).await.unwrap();
    store.insert_upstream(&upstream("github", t)).await.unwrap();
    assert!(store.upstream_link("google", "1234").await.unwrap().is_none());
    assert!(store.upstream_links(alice.id).await.unwrap().is_empty());

    let google = link("google", "1234", alice.id, t + Duration::seconds(2));
    let github = link("github", "1234", alice.id, t + Duration::seconds(1));
    let google2 = link("google", "5678", alice.id, t + Duration::seconds(3));
    let bobs = link("google", "9999", bob.id, t);
    for l in [&google, &github, &google2, &bobs] {
        store.insert_upstream_link(l).await.unwrap();
    }
    assert_eq!(store.upstream_link("google", "1234").await.unwrap(), Some(google.clone()));
    assert_eq!(store.upstream_link("github", "1234").await.unwrap(), Some(github.clone()));
    assert!(store.upstream_link("google", "12345").await.unwrap().is_none());
    assert!(store.upstream_link("gitlab", "1234").await.unwrap().is_none());

    // A user's links, oldest first; a user may hold several per provider.
    assert_eq!(store.upstream_links(alice.id).await.unwrap(), [github.clone(), google.clone(), google2.clone()]);
    assert_eq!(store.upstream_links(bob.id).await.unwrap(), std::slice::from_ref(&bobs));
    assert!(store.upstream_links(UserId::new()).await.unwrap().is_empty());

    // An identity is linked once, to one account; the first link stays.
    let err = store.insert_upstream_link(&link("google", "1234", bob.id, t)).await.unwrap_err();
    assert!(is_conflict(&err, Constraint::UpstreamLink), "{err:?}");
    let err = store.insert_upstream_link(&google).await.unwrap_err();
    assert!(is_conflict(&err, Constraint::UpstreamLink), "{err:?}");
    assert_eq!(store.upstream_link("google", "1234").await.unwrap(), Some(google));
    assert_eq!(store.upstream_links(bob.id).await.unwrap(), [bobs]);

    // A link needs a known provider and a known user.
    let err = store.insert_upstream_link(&link("gitlab", "1", alice.id, t)).await.unwrap_err();
    assert!(matches!(err, StoreError::Conflict(Constraint::MissingReference)), "{err:?}");
    let err = store.insert_upstream_link(&link("google", "2", UserId::new(), t)).await.unwrap_err();
    assert!(matches!(err, StoreError::Conflict(Constraint::MissingReference)), "{err:?}");
    assert!(store.upstream_link("gitlab", "1").await.unwrap().is_none());
    assert!(store.upstream_link("google", "2").await.unwrap().is_none());
}

pub async fn deleting_an_upstream_takes_its_links(url: String) {
    let store = open(&url).await;
    let alice = add_user(store.as_ref(), "alice").await;
    let t = now();
    store.insert_upstream(&upstream("google", t)).await.unwrap();
    store.insert_upstream(&upstream("github", t + Duration::seconds(1))).await.unwrap();
    let google = link("google", "1234", alice.id, t);
    let github = link("github", "1234", alice.id, t + Duration::seconds(1));
    store.insert_upstream_link(&google).await.unwrap();
    store.insert_upstream_link(&github).await.unwrap();

    assert!(store.delete_upstream("google").await.unwrap());
    assert!(!store.delete_upstream("google").await.unwrap(), "already gone");
    assert!(!store.delete_upstream("gitlab").await.unwrap());
    assert!(store.upstream("google").await.unwrap().is_none());
    assert_eq!(ids(&store.list_upstreams().await.unwrap()), ["github"]);

    assert!(store.upstream_link("google", "1234").await.unwrap().is_none());
    assert_eq!(store.upstream_links(alice.id).await.unwrap(), std::slice::from_ref(&github));
    assert!(store.user_by_id(alice.id).await.unwrap().is_some(), "the user stays");

    // The identity may be linked again once the provider is back.
    store.insert_upstream(&upstream("google", t + Duration::seconds(2))).await.unwrap();
    store.insert_upstream_link(&google).await.unwrap();
    assert_eq!(store.upstream_links(alice.id).await.unwrap(), [google, github]);
}

/// Deleting a user takes their links along (the migration's foreign key
/// cascades); the providers and the other user's links stay.
pub async fn upstream_links_go_with_their_user(url: String) {
    let store = open(&url).await;
    let alice = add_user(store.as_ref(), "alice").await;
    let bob = add_user(store.as_ref(), "bob").await;
    let t = now();
    store.insert_upstream(&upstream("google", t)).await.unwrap();
    store.insert_upstream(&upstream("github", t)).await.unwrap();
    for (user, name) in [(alice.id, "alice"), (bob.id, "bob")] {
        store.insert_upstream_link(&link("google", name, user, t)).await.unwrap();
        store.insert_upstream_link(&link("github", name, user, t)).await.unwrap();
    }

    assert!(store.delete_user(alice.id).await.unwrap());

    assert!(store.upstream_links(alice.id).await.unwrap().is_empty());
    assert!(store.upstream_link("google", "alice").await.unwrap().is_none());
    assert!(store.upstream_link("github", "alice").await.unwrap().is_none());
    assert_eq!(ids(&store.list_upstreams().await.unwrap()), ["github", "google"]);
    assert_eq!(store.upstream_links(bob.id).await.unwrap().len(), 2);
    assert_eq!(store.upstream_link("google", "bob").await.unwrap().map(|l| l.user_id), Some(bob.id));

    // Her identities are free for another account.
    let carol = add_user(store.as_ref(), "carol").await;
    store.insert_upstream_link(&link("google", "alice", carol.id, t)).await.unwrap();
    assert_eq!(store.upstream_link("google", "alice").await.unwrap().map(|l| l.user_id), Some(carol.id));
}
