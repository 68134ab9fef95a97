//! Password sign-in: the lockout counts wrong passwords and lifts when its
//! time is up (the clock moves; nothing sleeps).

use std::time::Duration;

use super::{client, Harness};
use crate::account::LoginName;
use crate::error::Error;
use crate::flows::{LoginOutcome, LoginRequest, SignIn};

fn attempt(login: &str, password: &str) -> LoginRequest {
    LoginRequest { login: LoginName::parse(login).unwrap(), password: password.to_owned().into(), via: SignIn::Api }
}

#[tokio::test]
async fn wrong_passwords_lock_the_account_until_its_time_is_up() {
    let h = Harness::new().await;
    let alice = h.user("alice", vec![]).await;
    let auth = &h.services.auth;
    for _ in 0..5 {
        let wrong = auth.login(attempt("alice", "not the password at all"), &client()).await;
        assert!(matches!(wrong, Err(Error::InvalidCredentials)), "{wrong:?}");
    }
    let locked = h.services.admin.find_user("alice").await.unwrap();
    assert!(locked.locked_until.is_some(), "the fifth failure locks");
    // Locked: the right password is refused, as an unknown account would be.
    let right = attempt("alice", super::PASSWORD);
    assert!(matches!(auth.login(right, &client()).await, Err(Error::InvalidCredentials)));

    h.advance(Duration::from_secs(6));
    let outcome = auth.login(attempt("alice", super::PASSWORD), &client()).await.unwrap();
    let LoginOutcome::Tokens(user, _) = outcome else { panic!("no second factor: tokens") };
    assert_eq!(user.id, alice.id);
    let cleared = h.services.admin.find_user("alice").await.unwrap();
    assert_eq!(cleared.failed_logins, 0, "a sign-in clears the count");
}
