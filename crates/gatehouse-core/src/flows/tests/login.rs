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
    // Locked: the right password is told how long to wait, as a wrong one
    // is — and as a name no account has is after as many failures.
    let right = auth.login(attempt("alice", super::PASSWORD), &client()).await;
    assert!(
        matches!(right, Err(Error::RateLimited { retry_after }) if (4..=5).contains(&retry_after.as_secs())),
        "{right:?}"
    );
    let wrong = auth.login(attempt("alice", "not the password at all"), &client()).await;
    assert!(
        matches!(wrong, Err(Error::RateLimited { retry_after }) if (4..=5).contains(&retry_after.as_secs())),
        "{wrong:?}"
    );
    for _ in 0..5 {
        let unknown = auth.login(attempt("nobody", "not the password at all"), &client()).await;
        assert!(matches!(unknown, Err(Error::InvalidCredentials)), "{unknown:?}");
    }
    let unknown = auth.login(attempt("nobody", super::PASSWORD), &client()).await;
    assert!(
        matches!(unknown, Err(Error::RateLimited { retry_after }) if (4..=5).contains(&retry_after.as_secs())),
        "{unknown:?}"
    );

    h.advance(Duration::from_secs(6));
    let outcome = auth.login(attempt("alice", super::PASSWORD), &client()).await.unwrap();
    let LoginOutcome::Tokens(user, _) = outcome else { panic!("no second factor: tokens") };
    assert_eq!(user.id, alice.id);
    let cleared = h.services.admin.find_user("alice").await.unwrap();
    assert_eq!(cleared.failed_logins, 0, "a sign-in clears the count");
}
