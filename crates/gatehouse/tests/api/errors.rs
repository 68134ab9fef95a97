//! Bad input is a clear 4xx problem, never a 500.

use crate::on_both_backends;

on_both_backends! {
    async fn malformed_json_is_400(backend) {
        let app = TestApp::spawn(backend).await;
        let r = app.post("/api/auth/login").header("content-type", "application/json").body("{\"username\": ").send().await.unwrap();
        assert_problem(r, 400, "malformed_json").await;
    }

    async fn wrong_shape_is_422_and_wrong_type_is_415(backend) {
        let app = TestApp::spawn(backend).await;
        let r = app.post("/api/auth/register").json(&serde_json::json!({"username": "alice"})).send().await.unwrap();
        assert_problem(r, 422, "invalid_body").await;
        let r = app.post("/api/auth/register").json(&serde_json::json!({"username": 5, "email": [], "password": {}})).send().await.unwrap();
        assert_problem(r, 422, "invalid_body").await;
        let r = app.post("/api/auth/login").body("username=alice").send().await.unwrap();
        assert_problem(r, 415, "unsupported_media_type").await;
        let r = app.post("/api/auth/login").json(&serde_json::json!({"password": "x"})).send().await.unwrap();
        assert_problem(r, 400, "invalid_request").await;
    }

    async fn page_posts_that_no_form_would_send_are_problems(backend) {
        let app = TestApp::spawn(backend).await;
        for path in ["/login", "/mfa", "/register", "/forgot-password", "/reset-password", "/verify-email"] {
            let r = app.post(path).json(&serde_json::json!({"login": "alice"})).send().await.unwrap();
            assert_problem(r, 415, "unsupported_media_type").await;
        }
        let r = app
            .post("/login")
            .header("content-type", "application/x-www-form-urlencoded")
            .body("login=alice&login=bob&password=x")
            .send()
            .await
            .unwrap();
        assert_problem(r, 422, "invalid_body").await;
    }

    async fn unknown_fields_are_ignored(backend) {
        let app = TestApp::spawn(backend).await;
        let r = app.post("/api/auth/register")
            .json(&serde_json::json!({"username": "alice", "email": "a@example.com", "password": STRONG_PASSWORD, "admin": true}))
            .send().await.unwrap();
        assert_eq!(r.status(), 201);
    }

    async fn oversized_body_is_413(backend) {
        let app = TestApp::spawn(backend).await;
        let big = format!("{{\"username\":\"{}\",\"password\":\"x\"}}", "a".repeat(70 * 1024));
        let r = app.post("/api/auth/login").header("content-type", "application/json").body(big).send().await.unwrap();
        assert_problem(r, 413, "payload_too_large").await;
        let big = format!("{{\"refresh_token\":\"{}\"}}", "a".repeat(70 * 1024));
        let r = app.post("/api/auth/logout").header("content-type", "application/json").body(big).send().await.unwrap();
        assert_problem(r, 413, "payload_too_large").await;
        let r = app.post("/api/auth/logout").header("content-type", "application/json").body("{nope").send().await.unwrap();
        assert_problem(r, 400, "malformed_json").await;
    }

    async fn unknown_paths_and_methods_are_problems(backend) {
        let app = TestApp::spawn(backend).await;
        assert_problem(app.get("/api/nope").send().await.unwrap(), 404, "not_found").await;
        assert_problem(app.get("/api/auth/login").send().await.unwrap(), 405, "method_not_allowed").await;
    }
}
