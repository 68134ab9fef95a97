//! Health, readiness, metrics, OpenAPI, request ids and security headers.

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
    }
}
