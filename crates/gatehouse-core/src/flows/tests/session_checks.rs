//! The checks of every request come from memory (`LiveSessions`, the
//! remembered tokens of `TokenIssuer`), and memory never outlives what it
//! remembers: a token still expires, a key that leaves the ring takes its
//! tokens with it, a session that ends or changes is read again.

use std::time::Duration;

use secrecy::ExposeSecret;

use super::*;
use crate::clock::Clock as _;
use crate::error::Error;
use crate::flows::SignIn;
use crate::store::Change;

#[tokio::test]
async fn a_remembered_token_still_expires() {
    let h = Harness::new().await;
    let pair = h.signed_in("alice", SignIn::Api).await;
    let token = pair.access_token.expose_secret();
    let auth = &h.services.auth;
    // Access tokens live 15 minutes, and 30 s of clock skew are allowed:
    // remembered 20 s before the end, asked about again 20 s after it (well
    // inside what the memory keeps, so the memory answers).
    h.advance(Duration::from_secs(15 * 60 + 10));
    auth.authenticate_live(token).await.unwrap();
    auth.authenticate_live(token).await.unwrap();
    h.advance(Duration::from_secs(40));
    assert!(matches!(auth.authenticate_live(token).await, Err(Error::TokenExpired)));
}

#[tokio::test]
async fn a_key_that_leaves_the_ring_takes_its_remembered_tokens_with_it() {
    let h = Harness::new().await;
    let pair = h.signed_in("alice", SignIn::Api).await;
    let token = pair.access_token.expose_secret();
    let auth = &h.services.auth;
    auth.authenticate(token).await.unwrap();
    // Two rotations that keep nothing: the key that signed the token is gone
    // from the published set (an operator retiring a key at once).
    let store = h.services.store().clone();
    for _ in 0..2 {
        h.advance(Duration::from_secs(1));
        crate::flows::keys_rotate(
            store.as_ref(),
            store.as_ref(),
            &h.master,
            crate::token::SigningAlg::EdDsa,
            Duration::ZERO,
            h.clock.now(),
            None,
            &client(),
        )
        .await
        .unwrap();
    }
    h.services.apply_change(&Change::Keys).await.unwrap();
    assert!(matches!(auth.authenticate(token).await, Err(Error::InvalidToken)));
}

#[tokio::test]
async fn a_session_ended_through_the_store_is_refused_at_the_next_check() {
    let h = Harness::new().await;
    let pair = h.signed_in("alice", SignIn::Api).await;
    let token = pair.access_token.expose_secret();
    let auth = &h.services.auth;
    auth.authenticate_live(token).await.unwrap();
    // Straight through the store, as any flow (or a unit of work) would.
    let store = h.services.store().clone();
    let unit = store.begin().await.unwrap();
    unit.revoke_session(pair.session_id, h.clock.now()).await.unwrap();
    assert!(auth.authenticate_live(token).await.is_ok(), "not before the unit commits");
    unit.commit().await.unwrap();
    assert!(matches!(auth.authenticate_live(token).await, Err(Error::InvalidToken)));
}

#[tokio::test]
async fn a_browser_sessions_uses_are_kept_in_memory_then_written_together() {
    let h = Harness::new().await;
    let pair = h.signed_in("alice", SignIn::Browser { remember: false }).await;
    let cookie = pair.refresh_token;
    let auth = &h.services.auth;
    let store = h.services.store().clone();
    let idle = Duration::from_secs(30 * 60);
    let first = auth.browser_session(&cookie).await.unwrap().expect("signed in");

    // A use 25 minutes on moves the 30-minute idle deadline: here at once,
    // in the database at the next flush.
    h.advance(Duration::from_secs(25 * 60));
    assert!(auth.browser_session(&cookie).await.unwrap().is_some());
    let row = store.session(pair.session_id).await.unwrap().unwrap();
    assert_eq!(row.idle_expires_at, first.session.idle_expires_at, "not written yet");

    // The copy in memory goes (evicted, say): the use not yet written still counts.
    h.services.apply_change(&Change::Session(pair.session_id)).await.unwrap();
    h.advance(Duration::from_secs(25 * 60));
    assert!(auth.browser_session(&cookie).await.unwrap().is_some(), "alive on the moved deadline");

    let used_at = h.clock.now();
    assert_eq!(h.services.flush_session_uses().await.unwrap(), 1, "the latest use of the one session");
    let row = store.session(pair.session_id).await.unwrap().unwrap();
    let moved = row.idle_expires_at - (used_at + idle);
    assert!(moved.abs() < time::Duration::seconds(1), "the deadline of the last use: {moved}");
    assert_eq!(h.services.flush_session_uses().await.unwrap(), 0, "written once");
}
