//! Refresh-token rotation, reuse detection, the retry grace window and
//! concurrent refreshes.

use crate::on_both_backends;
use serde_json::{json, Value};

fn s(v: &Value) -> &str {
    v.as_str().unwrap()
}

const MINUTE: std::time::Duration = std::time::Duration::from_secs(60);
const DAY: std::time::Duration = std::time::Duration::from_secs(86400);

on_both_backends! {
    async fn refresh_rotates_the_pair(backend) {
        let app = TestApp::spawn(backend).await;
        let first = app.signed_up("alice").await;
        let r = app.refresh(s(&first["refresh_token"])).await;
        assert_eq!(r.status(), 200);
        let second: Value = r.json().await.unwrap();
        assert_ne!(second["refresh_token"], first["refresh_token"]);
        assert_ne!(second["access_token"], first["access_token"]);
        assert_eq!(second["session_id"], first["session_id"]);
        assert_eq!(app.me(s(&second["access_token"])).await.status(), 200);
        // The successor rotates again.
        assert_eq!(app.refresh(s(&second["refresh_token"])).await.status(), 200);
    }

    async fn reuse_of_a_spent_token_ends_the_session(backend) {
        let app = TestApp::spawn_with(backend, |c| c.refresh_grace = Some("0s".into())).await;
        let first = app.signed_up("alice").await;
        let second: Value = app.refresh(s(&first["refresh_token"])).await.json().await.unwrap();
        // An attacker replays the stolen, spent token.
        assert_problem(app.refresh(s(&first["refresh_token"])).await, 401, "token_reused").await;
        // The whole session is gone: the legitimate successor and access token too.
        assert_problem(app.refresh(s(&second["refresh_token"])).await, 401, "invalid_token").await;
        assert_eq!(app.me(s(&second["access_token"])).await.status(), 401);
        let events = app.state.admin.audit_log(&crate::helpers::operator(), gatehouse_core::audit::AuditQuery {
            kind: Some(gatehouse_core::audit::AuditKind::RefreshReuseDetected), limit: 5, ..Default::default()
        }).await.unwrap();
        assert_eq!(events.len(), 1);
    }

    async fn retry_within_the_grace_window_gets_the_same_successor(backend) {
        let app = TestApp::spawn(backend).await;
        let first = app.signed_up("alice").await;
        let a: Value = app.refresh(s(&first["refresh_token"])).await.json().await.unwrap();
        // The response was lost; the same client retries the same token.
        let r = app.refresh(s(&first["refresh_token"])).await;
        assert_eq!(r.status(), 200);
        let b: Value = r.json().await.unwrap();
        assert_eq!(a["refresh_token"], b["refresh_token"], "same successor, no second rotation");
        // The retry is on the record.
        let retried = app.state.admin.audit_log(&crate::helpers::operator(), gatehouse_core::audit::AuditQuery {
            kind: Some(gatehouse_core::audit::AuditKind::Refresh), limit: 5, ..Default::default()
        }).await.unwrap();
        assert_eq!(retried.len(), 1);
        assert!(retried[0].detail.as_deref().unwrap_or("").contains("retried within the grace window"));
        // A different client presenting the spent token is reuse.
        let other = reqwest::Client::builder().user_agent("someone-else/1").build().unwrap();
        let r = other.post(app.url("/api/auth/refresh")).json(&json!({"refresh_token": first["refresh_token"]})).send().await.unwrap();
        assert_problem(r, 401, "token_reused").await;
    }

    async fn grace_does_not_apply_once_the_successor_was_used(backend) {
        let app = TestApp::spawn(backend).await;
        let first = app.signed_up("alice").await;
        let second: Value = app.refresh(s(&first["refresh_token"])).await.json().await.unwrap();
        assert_eq!(app.refresh(s(&second["refresh_token"])).await.status(), 200);
        assert_problem(app.refresh(s(&first["refresh_token"])).await, 401, "token_reused").await;
    }

    async fn concurrent_refreshes_rotate_exactly_once(backend) {
        let app = TestApp::spawn(backend).await;
        let first = app.signed_up("alice").await;
        let token = s(&first["refresh_token"]).to_owned();
        let results = futures::future::join_all((0..8).map(|_| app.refresh(&token))).await;
        let mut successors = Vec::new();
        for r in results {
            assert_eq!(r.status(), 200);
            let body: Value = r.json().await.unwrap();
            successors.push(body["refresh_token"].as_str().unwrap().to_owned());
        }
        successors.dedup();
        assert_eq!(successors.len(), 1, "every caller got the one successor");
        assert_eq!(app.refresh(&successors[0]).await.status(), 200);
    }

    async fn unknown_or_malformed_refresh_tokens_are_invalid(backend) {
        let app = TestApp::spawn(backend).await;
        assert_problem(app.refresh("not-a-real-token").await, 401, "invalid_token").await;
        assert_problem(app.refresh("").await, 401, "invalid_token").await;
        assert_problem(app.refresh(&"x".repeat(5000)).await, 401, "invalid_token").await;
    }

    async fn idle_session_lifetime_is_enforced(backend) {
        // The defaults: 14 days idle, 90 days absolute.
        let app = TestApp::spawn(backend).await;
        let first = app.signed_up("alice").await;
        app.advance(DAY * 13);
        let second: Value = app.refresh(s(&first["refresh_token"])).await.json().await.unwrap();
        assert!(second["refresh_token"].is_string(), "used within the idle lifetime: {second}");
        app.advance(DAY * 14 + MINUTE);
        assert_problem(app.refresh(s(&second["refresh_token"])).await, 401, "token_expired").await;
    }

    async fn absolute_session_lifetime_is_enforced(backend) {
        let app = TestApp::spawn(backend).await;
        let mut tokens = app.signed_up("alice").await;
        // Refreshed every ten days, it would live forever but for the absolute lifetime.
        for _ in 0..8 {
            app.advance(DAY * 10);
            tokens = app.refresh(s(&tokens["refresh_token"])).await.json().await.unwrap();
            assert!(tokens["refresh_token"].is_string(), "{tokens}");
        }
        app.advance(DAY * 10 + MINUTE);
        assert_problem(app.refresh(s(&tokens["refresh_token"])).await, 401, "token_expired").await;
    }
}
