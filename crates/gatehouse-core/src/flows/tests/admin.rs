//! Administration: the last active administrator stays.

use super::{client, Harness};
use crate::account::Role;
use crate::error::Error;
use crate::rbac::Actor;

#[tokio::test]
async fn the_last_active_administrator_cannot_be_disabled() {
    let h = Harness::new().await;
    let root = h.user("root", vec![Role::admin()]).await;
    let admin = &h.services.admin;
    let refused = admin.set_active(&Actor::command_line(), root.id, false, &client()).await;
    assert!(matches!(refused, Err(Error::LastAdmin(_))), "{refused:?}");
    assert!(admin.find_user("root").await.unwrap().is_active, "nothing half-done");

    // With a second administrator, either may go.
    h.user("deputy", vec![Role::admin()]).await;
    let disabled = admin.set_active(&Actor::command_line(), root.id, false, &client()).await.unwrap();
    assert!(!disabled.is_active);
}

#[tokio::test]
async fn a_second_factor_reset_removes_every_factor_and_session_at_once() {
    let h = Harness::new().await;
    let alice = h.user("alice", vec![]).await;
    let store = h.services.store();
    let now = h.services.clock.now();
    assert!(store.put_pending_totp(alice.id, b"sealed", now).await.unwrap());
    assert!(store.enable_totp(alice.id, 1, now).await.unwrap());
    let codes: Vec<_> = (0..3).map(|i| crate::crypto::TokenDigest::of(&format!("code-{i}"))).collect();
    store.replace_backup_codes(alice.id, &codes, now).await.unwrap();
    for key in [b"key-1".as_slice(), b"key-2"] {
        let credential = crate::mfa::WebauthnCredential {
            id: uuid::Uuid::now_v7(),
            user_id: alice.id,
            credential_id: key.to_vec(),
            name: "Key".into(),
            passkey: "{}".into(),
            created_at: now,
            last_used_at: None,
        };
        store.add_webauthn_credential(&credential).await.unwrap();
    }
    let login = crate::flows::LoginRequest {
        login: crate::account::LoginName::parse("alice").unwrap(),
        password: super::password(),
        via: crate::flows::SignIn::Api,
    };
    assert!(matches!(
        h.services.auth.login(login, &client()).await,
        Ok(crate::flows::LoginOutcome::MfaRequired { .. })
    ));
    h.services
        .tokens
        .open_session(&alice, crate::amr::Amr::none(), &client(), crate::flows::SignIn::Api)
        .await
        .unwrap();

    let reset = h.services.admin.reset_second_factors(&Actor::command_line(), alice.id, &client()).await.unwrap();
    assert_eq!(reset, super::super::FactorsReset { totp: true, passkeys: 2, sessions: 1 });
    let left = store.second_factors(alice.id).await.unwrap();
    assert!(!left.totp && left.passkeys == 0 && left.backup_codes_remaining == 0, "{left:?}");
    assert!(store.active_sessions(alice.id, h.services.clock.now()).await.unwrap().is_empty());
    assert!(h.mail_to("alice@example.com").iter().any(|m| m.subject.contains("second factors")));
}
