//! The request timeout: a whole request — reading a slow body included — gets
//! at most `request_timeout`, then a `408 request_timeout`. The listener's
//! header-read timeout covers the head; this covers the rest.

use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::error::ApiError;
use crate::state::AppState;

pub async fn request_timeout(State(state): State<AppState>, request: Request, next: Next) -> Response {
    match tokio::time::timeout(state.limits.request_timeout, next.run(request)).await {
        Ok(response) => response,
        Err(_) => {
            metrics::counter!("gatehouse_requests_timed_out_total").increment(1);
            ApiError::new(StatusCode::REQUEST_TIMEOUT, "request_timeout", "the request took too long; send it again")
                .into_response()
        }
    }
}
