//! Logout, logout-all, and listing/ending one's own sessions.

use crate::on_both_backends;
use serde_json::{json, Value};

fn s(v: &Value) -> &str {
    v.as_str().unwrap()
}

on_both_backends! {
    async fn logout_with_refresh_token_ends_that_session(backend) {
        let app = TestApp::spawn(backend).await;
        let t = app.signed_up("alice").await;
        let r = app.post("/api/auth/logout").json(&json!({"refresh_token": t["refresh_token"]})).send().await.unwrap();
        assert_eq!(r.status(), 204);
        assert_problem(app.refresh(s(&t["refresh_token"])).await, 401, "invalid_token").await;
        assert_eq!(app.me(s(&t["access_token"])).await.status(), 401);
    }

    async fn logout_with_bearer_token_ends_that_session_only(backend) {
        let app = TestApp::spawn(backend).await;
        let a = app.signed_up("alice").await;
        let b: Value = app.login("alice", STRONG_PASSWORD).await.json().await.unwrap();
        let r = app.post("/api/auth/logout").bearer_auth(s(&a["access_token"])).send().await.unwrap();
        assert_eq!(r.status(), 204);
        assert_eq!(app.me(s(&a["access_token"])).await.status(), 401);
        assert_eq!(app.me(s(&b["access_token"])).await.status(), 200);
        // Without any credential, logout is 401.
        assert_problem(app.post("/api/auth/logout").send().await.unwrap(), 401, "unauthorized").await;
    }

    async fn logout_all_ends_every_session(backend) {
        let app = TestApp::spawn(backend).await;
        let a = app.signed_up("alice").await;
        let b: Value = app.login("alice", STRONG_PASSWORD).await.json().await.unwrap();
        let r = app.post("/api/auth/logout-all").bearer_auth(s(&b["access_token"])).send().await.unwrap();
        assert_eq!(r.status(), 204);
        for t in [&a, &b] {
            assert_eq!(app.me(s(&t["access_token"])).await.status(), 401);
            assert_eq!(app.refresh(s(&t["refresh_token"])).await.status(), 401);
        }
    }

    async fn list_and_end_own_sessions(backend) {
        let app = TestApp::spawn(backend).await;
        let a = app.signed_up("alice").await;
        let b: Value = app.login("alice", STRONG_PASSWORD).await.json().await.unwrap();
        let mallory = app.signed_up("mallory").await;
        let list: Value = app.get("/api/auth/sessions").bearer_auth(s(&a["access_token"])).send().await.unwrap().json().await.unwrap();
        let sessions = list["sessions"].as_array().unwrap();
        assert_eq!(sessions.len(), 2);
        assert_eq!(sessions.iter().filter(|x| x["current"] == true).count(), 1);
        assert!(sessions.iter().all(|x| x["user_agent"] == "gatehouse-tests/1"));
        // Someone else cannot end alice's session: it looks unknown to them.
        let r = app.client.delete(app.url(&format!("/api/auth/sessions/{}", s(&b["session_id"]))))
            .bearer_auth(s(&mallory["access_token"])).send().await.unwrap();
        assert_problem(r, 404, "not_found").await;
        // Alice ends her other session.
        let r = app.client.delete(app.url(&format!("/api/auth/sessions/{}", s(&b["session_id"]))))
            .bearer_auth(s(&a["access_token"])).send().await.unwrap();
        assert_eq!(r.status(), 204);
        assert_eq!(app.me(s(&b["access_token"])).await.status(), 401);
        let list: Value = app.get("/api/auth/sessions").bearer_auth(s(&a["access_token"])).send().await.unwrap().json().await.unwrap();
        assert_eq!(list["sessions"].as_array().unwrap().len(), 1);
        let r = app.client.delete(app.url("/api/auth/sessions/not-a-uuid")).bearer_auth(s(&a["access_token"])).send().await.unwrap();
        assert_problem(r, 404, "not_found").await;
    }

    async fn restart_keeps_users_and_sessions(backend) {
        let app = TestApp::spawn(backend).await;
        let t = app.signed_up("alice").await;
        let app = app.restart().await;
        assert_eq!(app.me(s(&t["access_token"])).await.status(), 200, "signing keys survive a restart");
        assert_eq!(app.refresh(s(&t["refresh_token"])).await.status(), 200, "sessions survive a restart");
        assert_eq!(app.login("alice", STRONG_PASSWORD).await.status(), 200);
    }
}
