//! API keys: stored by digest, listed newest first, revoked per key and per
//! user, uses recorded, and gone with their user.

use gatehouse_core::api_key::NewApiKey;
use gatehouse_core::rbac::Permission;
use gatehouse_core::store::{Constraint, StoreError};
use secrecy::ExposeSecret;
use time::Duration;

use super::{add_user, now, open};

pub async fn api_keys_round_trip_and_are_revoked(url: String) {
    let store = open(&url).await;
    let alice = add_user(store.as_ref(), "alice").await;
    let bob = add_user(store.as_ref(), "bob").await;
    let t = now();
    let scopes = vec![Permission::parse("posts:read").unwrap(), Permission::parse("users:read").unwrap()];
    let first = NewApiKey::mint(alice.id, "ci".into(), scopes.clone(), t, Some(t + Duration::days(30)));
    let second = NewApiKey::mint(alice.id, "backup".into(), vec![], t + Duration::seconds(1), None);
    store.insert_api_key(&first.key).await.unwrap();
    store.insert_api_key(&second.key).await.unwrap();
    let mut clash = NewApiKey::mint(bob.id, "x".into(), vec![], t, None).key;
    clash.digest = first.key.digest.clone();
    let err = store.insert_api_key(&clash).await.unwrap_err();
    assert!(matches!(&err, StoreError::Conflict(Constraint::SecretDigest)), "{err:?}");

    let found = store.api_key_by_digest(&first.key.digest).await.unwrap().unwrap();
    assert_eq!((found.id, found.user_id, found.name.as_str()), (first.key.id, alice.id, "ci"));
    assert_eq!(found.scopes, scopes);
    assert_eq!(found.expires_at, first.key.expires_at);
    assert!(found.last_used_at.is_none() && found.revoked_at.is_none());
    let digest = gatehouse_core::crypto::TokenDigest::of(first.secret.expose_secret());
    assert!(found.digest.matches(&digest), "stored by the digest of the secret, never the secret");
    let listed = store.api_keys(alice.id).await.unwrap();
    assert_eq!(listed.iter().map(|k| k.name.as_str()).collect::<Vec<_>>(), ["backup", "ci"], "newest first");
    assert!(store.api_keys(bob.id).await.unwrap().is_empty());

    let used = t + Duration::minutes(2);
    store.touch_api_key(first.key.id, used, Some("10.0.0.7")).await.unwrap();
    store.touch_api_key(first.key.id, used, None).await.unwrap();
    let found = store.api_key_by_digest(&first.key.digest).await.unwrap().unwrap();
    assert_eq!((found.last_used_at, found.last_used_ip.as_deref()), (Some(used), Some("10.0.0.7")));

    assert!(!store.revoke_api_key(bob.id, first.key.id, used).await.unwrap(), "not bob's key");
    assert!(store.revoke_api_key(alice.id, first.key.id, used).await.unwrap());
    assert!(!store.revoke_api_key(alice.id, first.key.id, used).await.unwrap(), "already revoked");
    assert_eq!(store.api_key_by_digest(&first.key.digest).await.unwrap().unwrap().revoked_at, Some(used));
    assert_eq!(store.revoke_user_api_keys(alice.id, used).await.unwrap(), 1);
    assert_eq!(store.revoke_user_api_keys(alice.id, used).await.unwrap(), 0);

    assert!(store.delete_user(alice.id).await.unwrap());
    assert!(store.api_key_by_digest(&second.key.digest).await.unwrap().is_none(), "gone with the user");
}
