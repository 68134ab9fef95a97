//! An example resource server: the routes a service behind Gatehouse would
//! protect, each in a few lines with `gatehouse-verify`.
//!
//! - `GET /api/protected`: any valid access token;
//! - `GET /api/admin/report`: tokens carrying the `admin` role;
//! - `GET /api/reports`: tokens granted the `read:reports` scope (e.g. a
//!   client-credentials token of a back-end job);
//! - `GET /api/posts`: tokens carrying the `posts:read` permission (a role
//!   that grants it, or an API key scoped to it when the service introspects);
//! - `GET /healthz`: no token.

use axum::routing::get;
use axum::{Json, Router};
use gatehouse_verify::{AuthError, AuthUser, Verifier};
use serde_json::{json, Value};

/// The service's routes, verifying tokens with `verifier`.
pub fn app(verifier: Verifier) -> Router {
    Router::new()
        .route("/api/protected", get(protected))
        .route("/api/admin/report", get(admin_report))
        .route("/api/reports", get(reports))
        .route("/api/posts", get(posts))
        .route("/healthz", get(|| async { "ok" }))
        .with_state(verifier)
}

async fn protected(user: AuthUser) -> Json<Value> {
    let c = user.claims();
    Json(json!({"message": "hello from a protected route", "sub": c.sub, "roles": c.roles}))
}

async fn admin_report(user: AuthUser) -> Result<Json<Value>, AuthError> {
    user.require_role("admin")?;
    Ok(Json(json!({"report": "for administrators", "sub": user.claims().sub})))
}

async fn reports(user: AuthUser) -> Result<Json<Value>, AuthError> {
    user.require_scope("read:reports")?;
    Ok(Json(json!({"reports": [], "client_id": user.claims().client_id})))
}

async fn posts(user: AuthUser) -> Result<Json<Value>, AuthError> {
    user.require_permission("posts:read")?;
    let c = user.claims();
    Ok(Json(json!({"posts": [], "sub": c.sub, "via_api_key": c.is_api_key()})))
}
