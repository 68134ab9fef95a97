//! Signing keys on a schedule (`signing_key_rotation`): a new key is
//! published in the JWK Set a `signing_key_prepublish` ahead of use, then
//! signs, and the key it replaces stays published while its tokens live.

use std::time::Duration;

use serde_json::Value;

use crate::helpers::{jwt_parts, TestApp, STRONG_PASSWORD};
use crate::on_both_backends;

const DAY: Duration = Duration::from_secs(86400);

async fn kids(app: &TestApp) -> Vec<String> {
    let jwks: Value = app.get("/.well-known/jwks.json").send().await.unwrap().json().await.unwrap();
    jwks["keys"].as_array().unwrap().iter().map(|k| k["kid"].as_str().unwrap().to_owned()).collect()
}

/// The `kid` that signed a fresh access token of `name`.
async fn signing_kid(app: &TestApp, name: &str) -> (String, String) {
    let r = app.login(name, STRONG_PASSWORD).await;
    assert_eq!(r.status(), 200);
    let tokens: Value = r.json().await.unwrap();
    let access = tokens["access_token"].as_str().unwrap().to_owned();
    let (header, _) = jwt_parts(&access);
    (header["kid"].as_str().unwrap().to_owned(), access)
}

on_both_backends! {
    async fn keys_are_published_ahead_then_sign_on_schedule(backend) {
        let app = TestApp::spawn_with(backend, |c| c.signing_key_rotation = Some("90d".into())).await;
        app.signed_up("alice").await;
        let first = kids(&app).await;
        assert_eq!(first.len(), 1);
        let k1 = first[0].clone();
        assert!(!app.state.admin.follow_key_schedule().await.unwrap(), "nothing due on day one");

        // 90 days on: a next key is published, and does not sign yet.
        app.advance(90 * DAY);
        assert!(app.state.admin.follow_key_schedule().await.unwrap());
        let published = kids(&app).await;
        assert_eq!(published.len(), 2, "{published:?}");
        let k2 = published.iter().find(|k| **k != k1).unwrap().clone();
        assert_eq!(signing_kid(&app, "alice").await.0, k1, "the next key waits a day before it signs");
        assert!(!app.state.admin.follow_key_schedule().await.unwrap(), "one next key at a time");
        app.advance(DAY / 2);
        assert!(!app.state.admin.follow_key_schedule().await.unwrap(), "not published a day yet");

        // A day after it was published, it signs; the old key's tokens still verify.
        app.advance(DAY / 2);
        let (_, old_token) = signing_kid(&app, "alice").await;
        assert!(app.state.admin.follow_key_schedule().await.unwrap());
        let (kid, new_token) = signing_kid(&app, "alice").await;
        assert_eq!(kid, k2);
        assert_eq!(app.me(&old_token).await.status(), 200, "a token of the old key still verifies");
        assert_eq!(app.me(&new_token).await.status(), 200);
        let published = kids(&app).await;
        assert!(published.contains(&k1) && published.contains(&k2), "{published:?}");
        assert!(!app.state.admin.follow_key_schedule().await.unwrap(), "nothing more is due");

        // Audited as on schedule, with no actor.
        let admin = app.signed_in_admin().await;
        let token = admin["access_token"].as_str().unwrap();
        let audit: Value = app.get("/api/admin/audit?event=keys_rotated").bearer_auth(token).send().await.unwrap().json().await.unwrap();
        let events = audit["events"].as_array().unwrap();
        assert_eq!(events.len(), 2, "{events:?}");
        assert!(events.iter().all(|e| e["actor"].is_null() && e["detail"].as_str().unwrap().contains("on schedule")));

        // 90 days after k2 was made, k3 is published; a rotation by hand then
        // makes that key current rather than a new, unpublished one.
        app.advance(89 * DAY);
        assert!(app.state.admin.follow_key_schedule().await.unwrap());
        let k3 = kids(&app).await.into_iter().find(|k| *k != k1 && *k != k2).unwrap();
        let admin: Value = app.login("root", STRONG_PASSWORD).await.json().await.unwrap();
        let token = admin["access_token"].as_str().unwrap();
        let rotated: Value = app.post("/api/admin/keys/rotate").bearer_auth(token).send().await.unwrap().json().await.unwrap();
        assert_eq!(rotated["keys"][0]["kid"], k3.as_str());
        assert_eq!(signing_kid(&app, "alice").await.0, k3);
        // k1 stopped signing months ago: it is no longer published.
        let published = kids(&app).await;
        assert!(!published.contains(&k1) && published.contains(&k2), "{published:?}");
    }

    async fn keys_rotate_only_by_hand_without_a_schedule(backend) {
        let app = TestApp::spawn(backend).await;
        app.advance(400 * DAY);
        assert!(!app.state.admin.follow_key_schedule().await.unwrap());
        assert_eq!(kids(&app).await.len(), 1);
    }
}
