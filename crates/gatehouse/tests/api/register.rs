//! Registration: valid, duplicates, invalid input.

use crate::on_both_backends;
use serde_json::Value;

on_both_backends! {
    async fn valid_registration_returns_the_user(backend) {
        let app = TestApp::spawn(backend).await;
        let r = app.register("alice", "Alice@Example.com", STRONG_PASSWORD).await;
        assert_eq!(r.status(), 201);
        let body: Value = r.json().await.unwrap();
        let user = &body["user"];
        assert_eq!(user["username"], "alice");
        assert_eq!(user["email"], "Alice@example.com");
        assert_eq!(user["email_verified"], false);
        assert_eq!(user["roles"], serde_json::json!(["user"]));
        assert!(user["id"].as_str().unwrap().len() == 36);
        let text = body.to_string();
        assert!(!text.contains("argon2") && !text.contains(STRONG_PASSWORD), "no hash or password in the answer");
    }

    async fn duplicate_username_and_email_are_conflicts(backend) {
        let app = TestApp::spawn(backend).await;
        assert_eq!(app.register("alice", "alice@example.com", STRONG_PASSWORD).await.status(), 201);
        assert_problem(app.register("ALICE", "other@example.com", STRONG_PASSWORD).await, 409, "username_taken").await;
        assert_problem(app.register("alice2", "ALICE@example.COM", STRONG_PASSWORD).await, 409, "email_taken").await;
    }

    async fn invalid_username_and_email_are_422(backend) {
        let app = TestApp::spawn(backend).await;
        assert_problem(app.register("a", "a@example.com", STRONG_PASSWORD).await, 422, "invalid_username").await;
        assert_problem(app.register("bad name", "a@example.com", STRONG_PASSWORD).await, 422, "invalid_username").await;
        assert_problem(app.register("alice", "not-an-email", STRONG_PASSWORD).await, 422, "invalid_email").await;
    }

    async fn weak_and_common_passwords_are_rejected_with_a_reason(backend) {
        let app = TestApp::spawn(backend).await;
        let short = assert_problem(app.register("alice", "a@example.com", "Xk9#short").await, 422, "weak_password").await;
        assert!(short["detail"].as_str().unwrap().contains("12"), "{short}");
        let common = assert_problem(app.register("alice", "a@example.com", "123456789012").await, 422, "weak_password").await;
        assert!(!common["detail"].as_str().unwrap().is_empty());
        let weak = assert_problem(app.register("alice", "a@example.com", "aaaaaaaaaaaaaaaa").await, 422, "weak_password").await;
        assert!(weak["detail"].as_str().unwrap().contains("guess") || weak["detail"].as_str().unwrap().contains("common"), "{weak}");
        let own_name = assert_problem(app.register("jonathan.smithers", "j@example.com", "jonathan.smithers1").await, 422, "weak_password").await;
        assert!(own_name["detail"].is_string());
        let too_long = "x".repeat(257);
        assert_problem(app.register("alice", "a@example.com", &too_long).await, 422, "weak_password").await;
    }
}
