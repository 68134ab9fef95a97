//! Signing keys: the current → previous → retired cycle of `rotate_in`, run
//! separately for each algorithm.

use gatehouse_core::store::StoreError;
use gatehouse_core::token::{KeyStatus, SigningAlg, StoredKey};
use time::Duration;

use super::{key, now, open};

/// Each key's kid and status, in the order given.
fn statuses(keys: Vec<StoredKey>) -> Vec<(String, KeyStatus)> {
    keys.into_iter().map(|k| (k.kid, k.status)).collect()
}

fn entry(kid: &str, status: KeyStatus) -> (String, KeyStatus) {
    (kid.to_owned(), status)
}

pub async fn key_rotation_cycles_statuses(url: String) {
    let store = open(&url).await;
    assert!(store.published_keys().await.unwrap().is_empty());
    let t = now();
    let k1 = key("k1", t);
    store.rotate_in(&k1, std::time::Duration::ZERO).await.unwrap();
    let published = store.published_keys().await.unwrap();
    assert_eq!(published.len(), 1);
    assert_eq!(published[0].alg, SigningAlg::EdDsa);
    assert_eq!(published[0].private_sealed, k1.private_sealed);
    assert_eq!(published[0].public_jwk, k1.public_jwk);
    assert_eq!(published[0].created_at, t);
    assert_eq!(published[0].status, KeyStatus::Current);

    let mut k2 = key("k2", t + Duration::days(1));
    k2.status = KeyStatus::Retired; // whatever it says, it goes in as current
    store.rotate_in(&k2, std::time::Duration::ZERO).await.unwrap();
    assert_eq!(
        statuses(store.published_keys().await.unwrap()),
        [("k2".to_owned(), KeyStatus::Current), ("k1".to_owned(), KeyStatus::Previous)]
    );
    store.rotate_in(&key("k3", t + Duration::days(2)), std::time::Duration::ZERO).await.unwrap();
    assert_eq!(
        statuses(store.published_keys().await.unwrap()),
        [("k3".to_owned(), KeyStatus::Current), ("k2".to_owned(), KeyStatus::Previous)]
    );
    store.rotate_in(&key("k4", t + Duration::days(3)), std::time::Duration::ZERO).await.unwrap();
    let all = store.all_keys().await.unwrap();
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
    assert!(matches!(
        store.rotate_in(&key("k1", t + Duration::days(4)), std::time::Duration::ZERO).await,
        Err(StoreError::Conflict(_))
    ));
    assert_eq!(store.published_keys().await.unwrap()[0].kid, "k4");
}

pub async fn each_algorithm_keeps_its_own_current_key(url: String) {
    use KeyStatus::{Current, Previous, Retired};
    use SigningAlg::{EdDsa, Es256, Rs256};
    let store = open(&url).await;
    let t = now();
    let keyed = |kid: &str, alg: SigningAlg, days: i64| StoredKey { alg, ..key(kid, t + Duration::days(days)) };
    let statuses = |keys: Vec<StoredKey>| keys.into_iter().map(|k| (k.kid, k.alg, k.status)).collect::<Vec<_>>();
    let entry = |kid: &str, alg: SigningAlg, status: KeyStatus| (kid.to_owned(), alg, status);

    store.rotate_in(&keyed("ed1", EdDsa, 0), std::time::Duration::ZERO).await.unwrap();
    store.rotate_in(&keyed("rs1", Rs256, 1), std::time::Duration::ZERO).await.unwrap();
    assert_eq!(
        statuses(store.published_keys().await.unwrap()),
        [entry("rs1", Rs256, Current), entry("ed1", EdDsa, Current)],
        "a first key of another algorithm retires nothing"
    );
    store.rotate_in(&keyed("ed2", EdDsa, 2), std::time::Duration::ZERO).await.unwrap();
    store.rotate_in(&keyed("ed3", EdDsa, 3), std::time::Duration::ZERO).await.unwrap();
    assert_eq!(
        statuses(store.all_keys().await.unwrap()),
        [
            entry("ed3", EdDsa, Current),
            entry("ed2", EdDsa, Previous),
            entry("rs1", Rs256, Current),
            entry("ed1", EdDsa, Retired)
        ]
    );
    store.rotate_in(&keyed("rs2", Rs256, 4), std::time::Duration::ZERO).await.unwrap();
    store.rotate_in(&keyed("es1", Es256, 5), std::time::Duration::ZERO).await.unwrap();
    assert_eq!(
        statuses(store.published_keys().await.unwrap()),
        [
            entry("es1", Es256, Current),
            entry("rs2", Rs256, Current),
            entry("ed3", EdDsa, Current),
            entry("ed2", EdDsa, Previous),
            entry("rs1", Rs256, Previous),
        ]
    );
    // A failed rotation (the kid is taken) leaves its algorithm's keys as they were.
    assert!(matches!(
        store.rotate_in(&keyed("rs1", EdDsa, 6), std::time::Duration::ZERO).await,
        Err(StoreError::Conflict(_))
    ));
    let published = statuses(store.published_keys().await.unwrap());
    assert!(published.contains(&entry("ed3", EdDsa, Current)), "{published:?}");
    assert!(published.contains(&entry("ed2", EdDsa, Previous)), "{published:?}");
    assert_eq!(published.len(), 5);
}

/// A previous key stays published while tokens it signed may live
/// (`keep_for`), however many rotations come in between.
pub async fn keys_stay_published_while_their_tokens_may_live(url: String) {
    use KeyStatus::{Current, Previous, Retired};
    let store = open(&url).await;
    let t = now();
    let keep = std::time::Duration::from_secs(15 * 60);
    store.rotate_in(&key("k1", t), keep).await.unwrap();
    // Two rotations a minute apart: both earlier keys may have signed live tokens.
    store.rotate_in(&key("k2", t + Duration::minutes(1)), keep).await.unwrap();
    store.rotate_in(&key("k3", t + Duration::minutes(2)), keep).await.unwrap();
    assert_eq!(
        statuses(store.published_keys().await.unwrap()),
        [entry("k3", Current), entry("k2", Previous), entry("k1", Previous)]
    );
    // Half an hour on, their tokens are dead: the next rotation retires them.
    store.rotate_in(&key("k4", t + Duration::minutes(30)), keep).await.unwrap();
    assert_eq!(
        statuses(store.all_keys().await.unwrap()),
        [entry("k4", Current), entry("k3", Previous), entry("k2", Retired), entry("k1", Retired)]
    );
}

/// A key published ahead of use (`prepublish`) verifies but does not sign
/// until it is promoted; one next key per algorithm, promoted once, and the
/// key it replaces stays published like a rotated one.
pub async fn keys_are_published_ahead_and_promoted_once(url: String) {
    use KeyStatus::{Current, Next, Previous, Retired};
    let store = open(&url).await;
    let t = now();
    let keep = std::time::Duration::from_secs(15 * 60);
    store.rotate_in(&key("k1", t), keep).await.unwrap();
    let mut k2 = key("k2", t + Duration::days(90));
    k2.status = Current; // whatever it says, it goes in as next
    assert!(store.prepublish(&k2).await.unwrap());
    assert_eq!(statuses(store.published_keys().await.unwrap()), [entry("k2", Next), entry("k1", Current)]);
    // Another node publishing its own next key at the same moment: not stored.
    assert!(!store.prepublish(&key("k2b", t + Duration::days(90))).await.unwrap());
    // Another algorithm has its own next key.
    let rsa = StoredKey { alg: SigningAlg::Rs256, ..key("r1", t + Duration::days(90)) };
    assert!(store.prepublish(&rsa).await.unwrap());
    assert_eq!(store.all_keys().await.unwrap().len(), 3, "k2b was not stored");

    // Only a next key is promoted, and only once.
    assert!(!store.promote("k1", t + Duration::days(91), keep).await.unwrap(), "k1 is current, not next");
    assert!(store.promote("k2", t + Duration::days(91), keep).await.unwrap());
    assert!(!store.promote("k2", t + Duration::days(91), keep).await.unwrap(), "a second node changes nothing");
    assert!(!store.promote("nope", t + Duration::days(91), keep).await.unwrap());
    let eddsa = |keys: Vec<StoredKey>| statuses(keys.into_iter().filter(|k| k.alg == SigningAlg::EdDsa).collect());
    assert_eq!(eddsa(store.published_keys().await.unwrap()), [entry("k2", Current), entry("k1", Previous)]);
    // The RS256 next key was left alone.
    assert!(store.published_keys().await.unwrap().iter().any(|k| k.kid == "r1" && k.status == Next));

    // The next round: k1 stopped signing a day ago, longer than its tokens
    // live, so promoting k3 retires it.
    assert!(store.prepublish(&key("k3", t + Duration::days(180))).await.unwrap());
    assert!(store.promote("k3", t + Duration::days(181), keep).await.unwrap());
    assert_eq!(
        eddsa(store.all_keys().await.unwrap()),
        [entry("k3", Current), entry("k2", Previous), entry("k1", Retired)]
    );
    // A kid is used once.
    assert!(matches!(store.prepublish(&key("k1", t + Duration::days(200))).await, Err(StoreError::Conflict(_))));
}

/// Kept keys: the first stored under a name stays (two nodes starting at once).
/// Re-sealing replaces every sealed value — signing keys, TOTP secrets,
/// upstream client secrets, kept keys — or, when one fails, none.
pub async fn sealed_values_are_replaced_all_or_none(url: String) {
    use gatehouse_core::store::{Resealed, SealedOwner};
    let store = open(&url).await;
    let t = now();
    assert_eq!(store.kept_secret("k").await.unwrap(), None);
    assert_eq!(store.keep_secret("k", b"first", t).await.unwrap(), b"first");
    assert_eq!(store.keep_secret("k", b"second", t).await.unwrap(), b"first", "the first stays");
    store.rotate_in(&key("k1", t), std::time::Duration::ZERO).await.unwrap();
    let alice = super::add_user(store.as_ref(), "alice").await;
    assert!(store.put_pending_totp(alice.id, b"totp", t).await.unwrap());
    store.insert_upstream(&super::federation::upstream("corp", t)).await.unwrap();
    let sealed_before = store.upstream("corp").await.unwrap().unwrap().client_secret_sealed;

    // One value fails: nothing changes.
    let failing = |owner: &SealedOwner, sealed: &[u8]| match owner {
        SealedOwner::Upstream(_) => Err(gatehouse_core::Error::InvalidRequest("does not open".into())),
        _ => Ok([sealed, b"!"].concat()),
    };
    assert!(store.reseal_all(&failing).await.is_err());
    assert_eq!(store.kept_secret("k").await.unwrap().unwrap(), b"first");
    assert_eq!(store.all_keys().await.unwrap()[0].private_sealed, key("k1", t).private_sealed);
    assert_eq!(store.totp(alice.id).await.unwrap().unwrap().secret_sealed, b"totp");

    // Each value is handed over with its owner, and replaced.
    let tagged = |owner: &SealedOwner, sealed: &[u8]| -> gatehouse_core::error::Result<Vec<u8>> {
        let tag = match owner {
            SealedOwner::SigningKey(kid) => format!("key:{kid}"),
            SealedOwner::Totp(user) => format!("totp:{user}"),
            SealedOwner::Upstream(id) => format!("upstream:{id}"),
            SealedOwner::Kept(name) => format!("kept:{name}"),
        };
        Ok([sealed, tag.as_bytes()].concat())
    };
    let done = store.reseal_all(&tagged).await.unwrap();
    assert_eq!(done, Resealed { signing_keys: 1, totp_secrets: 1, upstream_secrets: 1, kept_secrets: 1 });
    assert_eq!(store.kept_secret("k").await.unwrap().unwrap(), b"firstkept:k");
    assert_eq!(
        store.all_keys().await.unwrap()[0].private_sealed,
        [key("k1", t).private_sealed, b"key:k1".to_vec()].concat()
    );
    assert_eq!(
        store.totp(alice.id).await.unwrap().unwrap().secret_sealed,
        format!("totptotp:{}", alice.id).into_bytes()
    );
    assert_eq!(
        store.upstream("corp").await.unwrap().unwrap().client_secret_sealed,
        [sealed_before, b"upstream:corp".to_vec()].concat()
    );
}
