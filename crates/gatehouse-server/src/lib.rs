//! Gatehouse's HTTP layer: axum routers for the account API, administration and
//! operations, with the middleware every response passes through (request id,
//! one log line per request, metrics, security headers, body limit, request
//! timeout), and the listener that serves them ([`listener`]).
//!
//! Errors become `problem+json` in one place: [`error`].
#![forbid(unsafe_code)]

pub mod admin;
pub mod api;
pub mod error;
pub mod extract;
pub mod federation;
pub mod forward_auth;
pub mod listener;
pub mod middleware;
pub mod oauth;
pub mod openapi;
pub mod ops;
pub mod pages;
pub mod state;

use std::time::Duration;

use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderName, Request};
use axum::routing::get;
use axum::Router;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, RequestId, SetRequestIdLayer};
use tower_http::trace::TraceLayer;

pub use state::AppState;

/// Request bodies above this are refused with 413.
pub const BODY_LIMIT: usize = 64 * 1024;

const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// The whole HTTP application.
pub fn router(state: AppState) -> Router {
    let trace = TraceLayer::new_for_http()
        .make_span_with(|req: &Request<_>| {
            let request_id =
                req.extensions().get::<RequestId>().and_then(|id| id.header_value().to_str().ok()).unwrap_or("-");
            // The path only: a query string may carry a token or a code.
            tracing::info_span!("request", method = %req.method(), path = %req.uri().path(), request_id = %request_id)
        })
        .on_request(())
        .on_response(|res: &axum::http::Response<_>, latency: Duration, _span: &tracing::Span| {
            tracing::info!(status = res.status().as_u16(), latency_ms = latency.as_secs_f64() * 1000.0, "request");
        })
        .on_failure(());

    Router::new()
        .nest("/api/auth", api::router())
        .nest("/api/admin", admin::router())
        .merge(
            pages::router()
                .route_layer(axum::middleware::from_fn_with_state(state.clone(), pages::origin::to_issuer_origin)),
        )
        .merge(oauth::router())
        .merge(federation::router())
        .merge(forward_auth::router())
        .route("/api/openapi.json", get(ops::openapi))
        .route("/healthz", get(ops::healthz))
        .route("/readyz", get(ops::readyz))
        .route("/metrics", get(ops::metrics))
        .fallback(ops::not_found)
        .method_not_allowed_fallback(ops::method_not_allowed)
        .layer(axum::middleware::from_fn_with_state(state.clone(), middleware::request_timeout))
        .layer(axum::middleware::from_fn(middleware::track_metrics))
        .layer(axum::middleware::from_fn_with_state(state.clone(), middleware::security_headers))
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(CatchPanicLayer::custom(|_| {
            tracing::error!("a handler panicked");
            axum::response::IntoResponse::into_response(error::ApiError::new(
                axum::http::StatusCode::INTERNAL_SERVER_ERROR,
                "internal_error",
                "an unexpected error occurred",
            ))
        }))
        .layer(PropagateRequestIdLayer::new(REQUEST_ID))
        .layer(trace)
        .layer(SetRequestIdLayer::new(REQUEST_ID, MakeRequestUuid))
        .with_state(state)
}
