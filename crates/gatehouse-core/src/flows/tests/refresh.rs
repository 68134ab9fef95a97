//! Refresh-token rotation: a retry within the grace window gets the same
//! successor; a spent token presented later is reuse and ends the session.

use std::time::Duration;

use secrecy::ExposeSecret;

use super::{client, Harness};
use crate::error::Error;
use crate::flows::SignIn;

#[tokio::test]
async fn a_retry_within_the_grace_window_gets_the_same_successor() {
    let h = Harness::new().await;
    let first = h.signed_in("alice", SignIn::Api).await;
    let auth = &h.services.auth;
    let (_, a) = auth.refresh(first.refresh_token.clone(), &client()).await.unwrap();
    let (_, b) = auth.refresh(first.refresh_token.clone(), &client()).await.unwrap();
    assert_eq!(a.refresh_token.expose_secret(), b.refresh_token.expose_secret());
    assert_ne!(a.refresh_token.expose_secret(), first.refresh_token.expose_secret());
}

#[tokio::test]
async fn a_spent_token_presented_after_the_grace_window_ends_the_session() {
    let h = Harness::new().await;
    let first = h.signed_in("alice", SignIn::Api).await;
    let auth = &h.services.auth;
    let (_, next) = auth.refresh(first.refresh_token.clone(), &client()).await.unwrap();
    h.advance(Duration::from_secs(3));
    let reused = auth.refresh(first.refresh_token.clone(), &client()).await;
    assert!(matches!(reused, Err(Error::TokenReused)), "{reused:?}");
    // The whole session ended: its newest token is dead too.
    let after = auth.refresh(next.refresh_token, &client()).await;
    assert!(matches!(after, Err(Error::InvalidToken)), "{after:?}");
}

#[tokio::test]
async fn a_session_past_its_idle_deadline_cannot_refresh() {
    let h = Harness::new().await;
    let first = h.signed_in("alice", SignIn::Api).await;
    h.advance(Duration::from_secs(7 * 86400 + 1));
    let late = h.services.auth.refresh(first.refresh_token, &client()).await;
    assert!(matches!(late, Err(Error::TokenExpired)), "{late:?}");
}
