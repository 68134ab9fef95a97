//! Health, readiness, metrics, OpenAPI, request ids and security headers.

use crate::helpers::*;
use crate::on_both_backends;
use serde_json::Value;

on_both_backends! {
    async fn health_readiness_and_metrics(backend) {
        let app = TestApp::spawn(backend).await;
        assert_eq!(app.get("/healthz").send().await.unwrap().status(), 200);
        let ready: Value = app.get("/readyz").send().await.unwrap().json().await.unwrap();
        let expected = if backend == Backend::Sqlite { "sqlite" } else { "postgres" };
        assert_eq!(ready["database"], expected);
        app.login("nobody", "wrong password 123").await;
        let metrics = app.get("/metrics").send().await.unwrap().text().await.unwrap();
        assert!(metrics.contains("http_requests_total"), "{metrics}");
        assert!(metrics.contains("http_request_duration_seconds_bucket"));
        assert!(metrics.contains("gatehouse_logins_total"));
        assert!(metrics.contains("gatehouse_hash_pool_queue"));
    }

    async fn the_janitor_purges_ended_sessions_while_the_server_runs(backend) {
        let app = TestApp::spawn_with(backend, |c| c.purge_interval = Some("1s".into())).await;
        let alice = app.signed_up("alice").await;
        let refresh = alice["refresh_token"].as_str().unwrap_or_default().to_owned();
        let digest = gatehouse_core::crypto::TokenDigest::of(&refresh);
        let r = app.post("/api/auth/logout").json(&serde_json::json!({"refresh_token": refresh})).send().await.unwrap();
        assert!(r.status().is_success(), "{}", r.status());
        assert!(app.state.store.refresh_by_digest(&digest).await.unwrap().is_some(), "ended, not yet purged");
        // The next pass (within a second) deletes the ended session and its token.
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(15);
        while app.state.store.refresh_by_digest(&digest).await.unwrap().is_some() {
            assert!(std::time::Instant::now() < deadline, "the janitor did not purge");
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        let metrics = app.get("/metrics").send().await.unwrap().text().await.unwrap();
        assert!(metrics.contains("gatehouse_purged_rows_total{kind=\"sessions\"}"), "{metrics}");
        // The audit log is not touched (its retention is a year).
        assert!(app.state.store.query(&gatehouse_core::audit::AuditQuery { limit: 5, ..Default::default() }).await.unwrap().len() >= 2);
    }

    async fn every_response_has_security_headers_and_a_request_id(backend) {
        let app = TestApp::spawn(backend).await;
        for r in [app.get("/healthz").send().await.unwrap(), app.login("x", "y").await] {
            let h = r.headers();
            assert_eq!(h["x-content-type-options"], "nosniff");
            assert_eq!(h["x-frame-options"], "DENY");
            assert_eq!(h["cache-control"], "no-store");
            assert!(h["content-security-policy"].to_str().unwrap().contains("frame-ancestors 'none'"));
            assert_eq!(h["x-request-id"].to_str().unwrap().len(), 36);
        }
        let r = app.get("/healthz").header("x-request-id", "abc-123").send().await.unwrap();
        assert_eq!(r.headers()["x-request-id"], "abc-123");
    }

    async fn openapi_document_covers_the_api(backend) {
        let app = TestApp::spawn(backend).await;
        let doc: Value = app.get("/api/openapi.json").send().await.unwrap().json().await.unwrap();
        assert!(doc["openapi"].as_str().unwrap().starts_with("3.1"));
        for path in ["/api/auth/register", "/api/auth/login", "/api/auth/refresh", "/api/auth/logout",
                     "/api/auth/logout-all", "/api/auth/me", "/api/auth/sessions", "/api/auth/sessions/{id}",
                     "/api/admin/audit", "/healthz", "/readyz", "/.well-known/jwks.json"] {
            assert!(doc["paths"][path].is_object(), "missing {path}");
        }
        assert!(doc["components"]["schemas"]["Problem"].is_object());
        // Every administration endpoint and the API keys, with their methods.
        for (path, methods) in [
            ("/api/auth/api-keys", &["get", "post"][..]),
            ("/api/auth/api-keys/{id}", &["delete"]),
            ("/api/auth/api-keys/{id}/rotate", &["post"]),
            ("/api/admin/users", &["get", "post"]),
            ("/api/admin/users/{id}", &["get", "patch", "delete"]),
            ("/api/admin/users/{id}/disable", &["post"]),
            ("/api/admin/users/{id}/enable", &["post"]),
            ("/api/admin/users/{id}/unlock", &["post"]),
            ("/api/admin/users/{id}/password-reset", &["post"]),
            ("/api/admin/users/{id}/sessions", &["get", "delete"]),
            ("/api/admin/users/{id}/sessions/{session_id}", &["delete"]),
            ("/api/admin/users/{id}/roles", &["put"]),
            ("/api/admin/users/{id}/roles/{role}", &["post", "delete"]),
            ("/api/admin/users/{id}/api-keys", &["get"]),
            ("/api/admin/users/{id}/api-keys/{key_id}", &["delete"]),
            ("/api/admin/roles", &["get", "post"]),
            ("/api/admin/roles/{name}", &["get", "patch", "delete"]),
            ("/api/admin/permissions", &["get"]),
            ("/api/admin/clients", &["get", "post"]),
            ("/api/admin/clients/{client_id}", &["get", "patch", "delete"]),
            ("/api/admin/clients/{client_id}/secret", &["post"]),
            ("/api/admin/keys", &["get"]),
            ("/api/admin/keys/rotate", &["post"]),
        ] {
            for method in methods {
                let op = &doc["paths"][path][method];
                assert!(op.is_object(), "missing {method} {path}");
                assert!(op["responses"]["403"].is_object() || path.starts_with("/api/auth"), "{method} {path} names its 403");
            }
        }
        for schema in ["AdminUserView", "RoleView", "ApiKeyView", "NewApiKeyView", "PermissionCatalog"] {
            assert!(doc["components"]["schemas"][schema].is_object(), "schema {schema}");
        }
    }

    async fn metrics_labels_are_bounded_and_a_token_can_guard_them(backend) {
        let app = TestApp::spawn_with(backend, |c| c.metrics_token = Some("scrape-me-not".into())).await;
        // Made-up methods: one `other` series, however many there are.
        for n in 0..20 {
            let method = reqwest::Method::from_bytes(format!("FUZZ{n}").as_bytes()).unwrap();
            let _ = app.client.request(method, app.url("/healthz")).send().await.unwrap();
        }
        let refused = app.get("/metrics").send().await.unwrap();
        assert_eq!(refused.headers()["www-authenticate"], "Bearer");
        assert_problem(refused, 401, "unauthorized").await;
        let wrong = app.get("/metrics").bearer_auth("guess").send().await.unwrap();
        assert_eq!(wrong.status(), 401);
        let metrics = app.get("/metrics").bearer_auth("scrape-me-not").send().await.unwrap().text().await.unwrap();
        assert!(!metrics.contains("FUZZ"), "{metrics}");
        assert!(metrics.contains("method=\"other\""), "{metrics}");
    }
}

/// The SQLite database and its WAL and shared-memory files are the
/// user's alone (0600) — also when an earlier version left them readable.
#[cfg(unix)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn database_files_are_readable_by_their_owner_only() {
    use std::os::unix::fs::PermissionsExt;
    let app = TestApp::spawn(Backend::Sqlite).await;
    app.signed_up("alice").await;
    let mode = |name: &str| std::fs::metadata(app.dir.join(name)).unwrap().permissions().mode() & 0o777;
    for name in ["gatehouse.db", "gatehouse.db-wal", "gatehouse.db-shm"] {
        assert_eq!(mode(name), 0o600, "{name}");
    }
    for name in ["gatehouse.db", "gatehouse.db-wal"] {
        std::fs::set_permissions(app.dir.join(name), std::fs::Permissions::from_mode(0o644)).unwrap();
    }
    let app = app.restart().await;
    let mode = |name: &str| std::fs::metadata(app.dir.join(name)).unwrap().permissions().mode() & 0o777;
    for name in ["gatehouse.db", "gatehouse.db-wal", "gatehouse.db-shm"] {
        assert_eq!(mode(name), 0o600, "{name} after a restart");
    }
}

/// The backup drill (SQLite): an online copy plus the master key, put in a
/// fresh data directory, serve the same people — passwords, second factors
/// (TOTP seeds are sealed with the master key) and tokens signed before.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backup_and_the_master_key_restore_a_working_server() {
    let old = TestApp::spawn(Backend::Sqlite).await;
    crate::mfa::fresh_step(&old).await;
    let alice = old.signed_up("alice").await;
    let (secret, _) = crate::mfa::enroll(&old, alice["access_token"].as_str().unwrap_or_default()).await;
    let bob = old.signed_up("bob").await;
    let copy = old.dir.join("backup.db");
    // What `gatehouse backup PATH` runs (the command itself: tests/api/cli.rs).
    assert!(old.state.store.backup_into(copy.to_str().unwrap()).await.unwrap());
    let master = old.dir.join("master.key");

    let restored = TestApp::spawn_with(Backend::Sqlite, |c| {
        let dir = c.data_dir.clone().expect("a data directory");
        std::fs::copy(&copy, dir.join("gatehouse.db")).expect("the copy is restored");
        std::fs::copy(&master, dir.join("master.key")).expect("the master key is restored");
    })
    .await;
    assert_eq!(restored.login("bob", STRONG_PASSWORD).await.status(), 200);
    // The restore happens later than the enrolment: a step after the one it spent.
    restored.advance(old.clock.offset() + std::time::Duration::from_secs(60));
    crate::mfa::fresh_step(&restored).await;
    let mfa_token = crate::mfa::first_step(&restored, "alice").await;
    let code = crate::mfa::code(&restored, &secret, 0);
    assert_eq!(crate::mfa::second_step(&restored, &mfa_token, &code).await.status(), 200, "the TOTP seed opens");
    let before = bob["access_token"].as_str().unwrap_or_default();
    assert_eq!(restored.me(before).await.status(), 200, "a token signed before the backup still verifies");
}
