//! Account lifecycle: a reset ends every session; links expire by the clock.

use std::time::Duration;

use super::{client, password, Harness};
use crate::account::LoginName;
use crate::error::Error;
use crate::flows::{LoginRequest, RegisterRequest, SignIn};
use crate::i18n::Locale;

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
    let request =
        RegisterRequest { username: "bob".into(), email: "bob@example.com".into(), password: password(), locale: None };
    h.services.lifecycle.register(request, &client()).await.unwrap();
    let token = h.last_link("bob@example.com");
    h.advance(Duration::from_secs(24 * 3600 + 1));
    let late = h.services.lifecycle.verify_email(token, &client()).await;
    assert!(matches!(late, Err(Error::TokenExpired)), "{late:?}");
}

#[tokio::test]
async fn a_person_registers_in_a_language_and_changes_it() {
    let h = Harness::new().await;
    let lifecycle = &h.services.lifecycle;
    let request = |name: &str, tag: &str| RegisterRequest {
        username: name.into(),
        email: format!("{name}@example.com"),
        password: password(),
        locale: Locale::parse(tag),
    };
    let bob = lifecycle.register(request("bob", "de-AT"), &client()).await.unwrap();
    assert_eq!(bob.locale, Locale::parse("de"), "kept as the catalogs have it");
    let verify = h.mail_to("bob@example.com").pop().unwrap();
    assert!(verify.subject.starts_with("Bestätigen Sie Ihre E-Mail-Adresse"), "{}", verify.subject);
    // A language no catalog has is no choice.
    let carol = lifecycle.register(request("carol", "fr"), &client()).await.unwrap();
    assert_eq!(carol.locale, None);
    assert!(h.mail_to("carol@example.com").pop().unwrap().subject.starts_with("Verify your email address"));

    let store = h.services.store();
    lifecycle.set_locale(bob.id, Locale::parse("es")).await.unwrap();
    assert_eq!(store.user_by_id(bob.id).await.unwrap().unwrap().locale, Locale::parse("es"));
    lifecycle.send_password_reset("bob@example.com", &client()).await.unwrap();
    let reset = h.mail_to("bob@example.com").pop().unwrap();
    assert!(reset.subject.starts_with("Restablezca su contraseña"), "{}", reset.subject);
    lifecycle.set_locale(bob.id, Locale::parse("ja")).await.unwrap();
    assert_eq!(store.user_by_id(bob.id).await.unwrap().unwrap().locale, None);
    lifecycle.set_locale(bob.id, Locale::parse("de")).await.unwrap();
    lifecycle.set_locale(bob.id, None).await.unwrap();
    assert_eq!(store.user_by_id(bob.id).await.unwrap().unwrap().locale, None);
}
