//! Signing keys: the current → previous → retired cycle of `rotate_in`.

use gatehouse_core::store::StoreError;
use gatehouse_core::token::{KeyStatus, SigningAlg, StoredKey};
use time::Duration;

use super::{key, now, open};

pub async fn key_rotation_cycles_statuses(url: String) {
    let store = open(&url).await;
    assert!(store.published_keys().await.unwrap().is_empty());
    let t = now();
    let statuses = |keys: Vec<StoredKey>| keys.into_iter().map(|k| (k.kid, k.status)).collect::<Vec<_>>();
    let k1 = key("k1", t);
    store.rotate_in(&k1).await.unwrap();
    let published = store.published_keys().await.unwrap();
    assert_eq!(published.len(), 1);
    assert_eq!(published[0].alg, SigningAlg::EdDsa);
    assert_eq!(published[0].private_sealed, k1.private_sealed);
    assert_eq!(published[0].public_jwk, k1.public_jwk);
    assert_eq!(published[0].created_at, t);
    assert_eq!(published[0].status, KeyStatus::Current);

    let mut k2 = key("k2", t + Duration::days(1));
    k2.alg = SigningAlg::Es256;
    k2.status = KeyStatus::Retired; // whatever it says, it goes in as current
    store.rotate_in(&k2).await.unwrap();
    assert_eq!(
        statuses(store.published_keys().await.unwrap()),
        [("k2".to_owned(), KeyStatus::Current), ("k1".to_owned(), KeyStatus::Previous)]
    );
    store.rotate_in(&key("k3", t + Duration::days(2))).await.unwrap();
    assert_eq!(
        statuses(store.published_keys().await.unwrap()),
        [("k3".to_owned(), KeyStatus::Current), ("k2".to_owned(), KeyStatus::Previous)]
    );
    store.rotate_in(&key("k4", t + Duration::days(3))).await.unwrap();
    let all = store.all_keys().await.unwrap();
    assert_eq!(all[2].alg, SigningAlg::Es256);
    assert_eq!(
        statuses(all),
        [
            ("k4".to_owned(), KeyStatus::Current),
            ("k3".to_owned(), KeyStatus::Previous),
            ("k2".to_owned(), KeyStatus::Retired),
            ("k1".to_owned(), KeyStatus::Retired),
        ]
    );
    // A kid is used once; the failed rotation changes nothing.
    assert!(matches!(store.rotate_in(&key("k1", t + Duration::days(4))).await, Err(StoreError::Conflict(_))));
    assert_eq!(store.published_keys().await.unwrap()[0].kid, "k4");
}
