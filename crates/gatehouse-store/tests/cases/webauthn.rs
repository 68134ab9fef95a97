//! WebAuthn: registered credentials (owned per user, credential ids unique
//! across users) and ceremony state (single use, expiring, swept on create).

use gatehouse_core::account::UserId;
use gatehouse_core::mfa::{CeremonyKind, WebauthnCeremony, WebauthnCredential};
use gatehouse_core::store::{Constraint, StoreError};
use time::{Duration, OffsetDateTime};
use uuid::Uuid;

use super::{add_user, now, open, winners};

pub(super) fn credential(user: UserId, credential_id: &[u8], name: &str, at: OffsetDateTime) -> WebauthnCredential {
    WebauthnCredential {
        id: Uuid::now_v7(),
        user_id: user,
        credential_id: credential_id.to_vec(),
        name: name.into(),
        passkey: format!("{{\"cred\":\"{name}\",\"counter\":0}}"),
        created_at: at,
        last_used_at: None,
    }
}

pub(super) fn ceremony(kind: CeremonyKind, user: Option<UserId>, at: OffsetDateTime) -> WebauthnCeremony {
    WebauthnCeremony {
        id: Uuid::now_v7(),
        kind,
        user_id: user,
        mfa_challenge: None,
        state: format!("{{\"kind\":\"{}\"}}", kind.as_str()),
        created_at: at,
        expires_at: at + Duration::minutes(5),
    }
}

fn assert_same_ceremony(read: &WebauthnCeremony, expected: &WebauthnCeremony) {
    assert_eq!(read.id, expected.id);
    assert_eq!(read.kind, expected.kind);
    assert_eq!(read.user_id, expected.user_id);
    assert_eq!(read.mfa_challenge, expected.mfa_challenge);
    assert_eq!(read.state, expected.state);
    assert_eq!(read.created_at, expected.created_at);
    assert_eq!(read.expires_at, expected.expires_at);
}

fn names(credentials: &[WebauthnCredential]) -> Vec<&str> {
    credentials.iter().map(|c| c.name.as_str()).collect()
}

pub async fn webauthn_credentials_belong_to_their_user(url: String) {
    let store = open(&url).await;
    let alice = add_user(store.as_ref(), "alice").await;
    let bob = add_user(store.as_ref(), "bob").await;
    let t = now();
    assert!(store.webauthn_credentials(alice.id).await.unwrap().is_empty());

    // Inserted out of order: listed oldest first.
    let phone = credential(alice.id, b"cred-phone", "Phone", t + Duration::seconds(1));
    let yubikey = credential(alice.id, b"cred-yubikey", "YubiKey", t);
    let bobs = credential(bob.id, b"cred-bob", "Laptop", t);
    for c in [&phone, &yubikey, &bobs] {
        store.add_webauthn_credential(c).await.unwrap();
    }
    let listed = store.webauthn_credentials(alice.id).await.unwrap();
    assert_eq!(names(&listed), ["YubiKey", "Phone"]);
    let read = &listed[0];
    assert_eq!(read.id, yubikey.id);
    assert_eq!(read.user_id, alice.id);
    assert_eq!(read.credential_id, b"cred-yubikey");
    assert_eq!(read.passkey, yubikey.passkey);
    assert_eq!(read.created_at, t);
    assert_eq!(read.last_used_at, None);
    assert_eq!(names(&store.webauthn_credentials(bob.id).await.unwrap()), ["Laptop"]);

    // By the authenticator's id, whoever owns it.
    let found = store.webauthn_credential_by_credential_id(b"cred-bob").await.unwrap().unwrap();
    assert_eq!((found.id, found.user_id), (bobs.id, bob.id));
    assert!(store.webauthn_credential_by_credential_id(b"cred-none").await.unwrap().is_none());

    // A use stores the new passkey state and the time.
    let used = t + Duration::minutes(3);
    store.update_webauthn_credential(phone.id, "{\"counter\":7}", used).await.unwrap();
    let read = store.webauthn_credential_by_credential_id(b"cred-phone").await.unwrap().unwrap();
    assert_eq!(read.passkey, "{\"counter\":7}");
    assert_eq!(read.last_used_at, Some(used));
    assert_eq!(read.name, "Phone");
    // An unknown id is not an error.
    store.update_webauthn_credential(Uuid::now_v7(), "{}", used).await.unwrap();

    // Renaming and deleting need the owner: Bob cannot touch Alice's key.
    assert!(!store.rename_webauthn_credential(bob.id, phone.id, "Mine now").await.unwrap());
    assert!(!store.delete_webauthn_credential(bob.id, phone.id).await.unwrap());
    assert_eq!(names(&store.webauthn_credentials(alice.id).await.unwrap()), ["YubiKey", "Phone"]);
    assert!(store.rename_webauthn_credential(alice.id, phone.id, "Work phone").await.unwrap());
    assert!(!store.rename_webauthn_credential(alice.id, Uuid::now_v7(), "Nothing").await.unwrap());
    assert_eq!(names(&store.webauthn_credentials(alice.id).await.unwrap()), ["YubiKey", "Work phone"]);

    assert!(store.delete_webauthn_credential(alice.id, yubikey.id).await.unwrap());
    assert!(!store.delete_webauthn_credential(alice.id, yubikey.id).await.unwrap());
    assert!(store.webauthn_credential_by_credential_id(b"cred-yubikey").await.unwrap().is_none());
    assert_eq!(names(&store.webauthn_credentials(alice.id).await.unwrap()), ["Work phone"]);
    assert_eq!(names(&store.webauthn_credentials(bob.id).await.unwrap()), ["Laptop"]);
}

pub async fn webauthn_credential_ids_are_unique(url: String) {
    let store = open(&url).await;
    let alice = add_user(store.as_ref(), "alice").await;
    let bob = add_user(store.as_ref(), "bob").await;
    let t = now();
    let first = credential(alice.id, b"cred-1", "Key", t);
    store.add_webauthn_credential(&first).await.unwrap();

    // The same authenticator id again, for the same or another user.
    for user in [alice.id, bob.id] {
        match store.add_webauthn_credential(&credential(user, b"cred-1", "Again", t)).await {
            Err(StoreError::Conflict(Constraint::CredentialId)) => {}
            other => panic!("expected a credential id conflict, got {other:?}"),
        }
    }
    // The same row id is a conflict too (the primary key).
    let mut same_id = credential(bob.id, b"cred-2", "Other", t);
    same_id.id = first.id;
    assert!(matches!(store.add_webauthn_credential(&same_id).await, Err(StoreError::Conflict(_))));

    assert_eq!(names(&store.webauthn_credentials(alice.id).await.unwrap()), ["Key"]);
    assert!(store.webauthn_credentials(bob.id).await.unwrap().is_empty());
}

pub async fn webauthn_ceremonies_are_taken_once(url: String) {
    let store = open(&url).await;
    let alice = add_user(store.as_ref(), "alice").await;
    let t = now();

    let register = ceremony(CeremonyKind::Register, Some(alice.id), t);
    let mut second = ceremony(CeremonyKind::SecondFactor, Some(alice.id), t);
    second.mfa_challenge = Some(Uuid::now_v7());
    let passwordless = ceremony(CeremonyKind::Passwordless, None, t);
    for c in [&register, &second, &passwordless] {
        store.create_webauthn_ceremony(c).await.unwrap();
    }
    assert!(matches!(store.create_webauthn_ceremony(&register).await, Err(StoreError::Conflict(_))));

    let at = t + Duration::minutes(1);
    for c in [&register, &second, &passwordless] {
        let taken = store.take_webauthn_ceremony(c.id, at).await.unwrap().unwrap();
        assert_same_ceremony(&taken, c);
        assert!(store.take_webauthn_ceremony(c.id, at).await.unwrap().is_none(), "taken once");
    }
    assert!(store.take_webauthn_ceremony(Uuid::now_v7(), at).await.unwrap().is_none());

    // Expiry is exclusive, and an expired ceremony is gone once tried.
    let late = ceremony(CeremonyKind::Register, Some(alice.id), t);
    store.create_webauthn_ceremony(&late).await.unwrap();
    assert!(store.take_webauthn_ceremony(late.id, late.expires_at).await.unwrap().is_none());
    assert!(store.take_webauthn_ceremony(late.id, t).await.unwrap().is_none(), "deleted when found expired");
    let just_in_time = ceremony(CeremonyKind::Register, Some(alice.id), t);
    store.create_webauthn_ceremony(&just_in_time).await.unwrap();
    let taken = store.take_webauthn_ceremony(just_in_time.id, just_in_time.expires_at - Duration::microseconds(1));
    assert!(taken.await.unwrap().is_some());
}

pub async fn webauthn_expired_ceremonies_are_swept(url: String) {
    let store = open(&url).await;
    let alice = add_user(store.as_ref(), "alice").await;
    let t = now();
    let old = ceremony(CeremonyKind::Register, Some(alice.id), t - Duration::hours(1));
    let live = ceremony(CeremonyKind::Passwordless, None, t - Duration::minutes(1));
    store.create_webauthn_ceremony(&old).await.unwrap();
    store.create_webauthn_ceremony(&live).await.unwrap();

    // Creating a ceremony now removes the one that expired before now.
    store.create_webauthn_ceremony(&ceremony(CeremonyKind::Register, Some(alice.id), t)).await.unwrap();
    assert!(
        store.take_webauthn_ceremony(old.id, old.created_at).await.unwrap().is_none(),
        "the expired ceremony was deleted"
    );
    assert!(store.take_webauthn_ceremony(live.id, t).await.unwrap().is_some(), "the live one was kept");
}

pub async fn webauthn_ceremony_take_has_one_winner(url: String) {
    let store = open(&url).await;
    let alice = add_user(store.as_ref(), "alice").await;
    let t = now();
    let c = ceremony(CeremonyKind::SecondFactor, Some(alice.id), t);
    store.create_webauthn_ceremony(&c).await.unwrap();
    let id = c.id;
    let won =
        winners(&store, move |store, _| async move { store.take_webauthn_ceremony(id, t).await.unwrap().is_some() })
            .await;
    assert_eq!(won.len(), 1, "exactly one take wins: {won:?}");
}

/// Deleting a user takes their credentials and ceremonies along (the
/// migrations' foreign keys cascade); the other user's stay.
pub async fn webauthn_rows_go_with_their_user(url: String) {
    let store = open(&url).await;
    let alice = add_user(store.as_ref(), "alice").await;
    let bob = add_user(store.as_ref(), "bob").await;
    let t = now();
    store.add_webauthn_credential(&credential(alice.id, b"cred-alice", "Key", t)).await.unwrap();
    store.add_webauthn_credential(&credential(bob.id, b"cred-bob", "Key", t)).await.unwrap();
    let alices = ceremony(CeremonyKind::Register, Some(alice.id), t);
    let bobs = ceremony(CeremonyKind::Register, Some(bob.id), t);
    store.create_webauthn_ceremony(&alices).await.unwrap();
    store.create_webauthn_ceremony(&bobs).await.unwrap();

    assert!(store.delete_user(alice.id).await.unwrap());

    assert!(store.webauthn_credentials(alice.id).await.unwrap().is_empty());
    assert!(store.webauthn_credential_by_credential_id(b"cred-alice").await.unwrap().is_none());
    assert!(store.take_webauthn_ceremony(alices.id, t).await.unwrap().is_none());
    assert_eq!(names(&store.webauthn_credentials(bob.id).await.unwrap()), ["Key"]);
    assert!(store.take_webauthn_ceremony(bobs.id, t).await.unwrap().is_some());
}
