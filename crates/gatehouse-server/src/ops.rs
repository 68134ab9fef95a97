//! Operational endpoints: liveness, readiness, metrics, JWKS and the OpenAPI
//! document.

use axum::extract::State;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;
use utoipa::OpenApi;

use crate::error::{ApiError, ApiResult};
use crate::openapi::ApiDoc;
use crate::state::AppState;

/// The process is up.
#[utoipa::path(get, path = "/healthz", tag = "operations", responses((status = 200)))]
pub async fn healthz() -> Json<serde_json::Value> {
    Json(json!({"status": "ok"}))
}

/// The database answers.
#[utoipa::path(get, path = "/readyz", tag = "operations", responses((status = 200), (status = 503)))]
pub async fn readyz(State(state): State<AppState>) -> ApiResult<Json<serde_json::Value>> {
    let store = state.store;
    store.ping().await.map_err(|e| {
        tracing::warn!(error = %e, "readiness check failed");
        ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "not_ready", "the database is not reachable")
    })?;
    Ok(Json(json!({"status": "ready", "database": store.backend()})))
}

/// Prometheus metrics (text exposition format). With `metrics_token` set,
/// only for `Authorization: Bearer <that token>`.
pub async fn metrics(State(state): State<AppState>, headers: axum::http::HeaderMap) -> Response {
    if let Some(expected) = &state.metrics_token {
        let presented = headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(gatehouse_core::crypto::TokenDigest::of);
        if !presented.is_some_and(|p| p.matches(expected)) {
            let mut refused =
                ApiError::new(StatusCode::UNAUTHORIZED, "unauthorized", "the metrics need their bearer token")
                    .into_response();
            refused.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
            return refused;
        }
    }
    let hasher = state.hasher;
    metrics::gauge!("gatehouse_hash_pool_queue").set(hasher.queue_len() as f64);
    metrics::gauge!("gatehouse_hash_pool_workers").set(hasher.workers() as f64);
    metrics::gauge!("gatehouse_session_cache_sessions").set(state.auth.cached_sessions() as f64);
    let body = state.metrics.render();
    let mut res = body.into_response();
    res.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static("text/plain; version=0.0.4; charset=utf-8"));
    res
}

/// The public signing keys (current and previous).
#[utoipa::path(get, path = "/.well-known/jwks.json", tag = "operations", responses((status = 200)))]
pub async fn jwks(State(state): State<AppState>) -> Response {
    let mut res = Json(state.tokens.key_ring().jwks()).into_response();
    res.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=300"));
    res
}

/// This document.
pub async fn openapi() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}

pub async fn not_found() -> ApiError {
    ApiError::new(StatusCode::NOT_FOUND, "not_found", "there is nothing at this path")
}

pub async fn method_not_allowed() -> ApiError {
    ApiError::new(StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed", "this path does not accept that method")
}
