//! Account lifecycle: a reset ends every session; links expire by the clock.

use std::time::Duration;

use super::{client, password, Harness};
use crate::account::LoginName;
use crate::error::Error;
use crate::flows::{LoginRequest, RegisterRequest, SignIn};

#[tokio::test]
async fn a_password_reset_ends_every_session() {
    let h = Harness::new().await;
    let alice = h.user("alice", vec![]).await;
    let auth = &h.services.auth;
    let sign_in = || LoginRequest { login: LoginName::parse("alice").unwrap(), password: password(), via: SignIn::Api };
    auth.login(sign_in(), &client()).await.unwrap();
    auth.login(sign_in(), &client()).await.unwrap();
    let store = h.services.store();
    assert_eq!(store.active_sessions(alice.id, h.services.clock.now()).await.unwrap().len(), 2);

    h.services.lifecycle.send_password_reset("alice@example.com", &client()).await.unwrap();
    let token = h.last_link("alice@example.com");
    let new_password = "a different horse battery staple 43".to_owned().into();
    h.services.lifecycle.reset_password(token, new_password, &client()).await.unwrap();
    assert!(store.active_sessions(alice.id, h.services.clock.now()).await.unwrap().is_empty());
    let old = auth.login(sign_in(), &client()).await;
    assert!(matches!(old, Err(Error::InvalidCredentials)), "{old:?}");
}

#[tokio::test]
async fn a_verification_link_expires_by_the_clock() {
    let h = Harness::new().await;
    let request = RegisterRequest { username: "bob".into(), email: "bob@example.com".into(), password: password() };
    h.services.lifecycle.register(request, &client()).await.unwrap();
    let token = h.last_link("bob@example.com");
    h.advance(Duration::from_secs(24 * 3600 + 1));
    let late = h.services.lifecycle.verify_email(token, &client()).await;
    assert!(matches!(late, Err(Error::TokenExpired)), "{late:?}");
}
