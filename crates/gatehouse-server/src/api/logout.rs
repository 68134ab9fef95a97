//! `POST /api/auth/logout` and `POST /api/auth/logout-all`.

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::State;
use axum::http::StatusCode;
use gatehouse_core::Error;

use super::dto::LogoutBody;
use crate::error::{ApiError, ApiResult, Problem};
use crate::extract::{Auth, Client, MaybeAuth};
use crate::state::AppState;

/// End one session: the one of the refresh token in the body, or of the bearer token.
#[utoipa::path(post, path = "/api/auth/logout", tag = "auth", request_body = LogoutBody,
    responses((status = 204), (status = 400, body = Problem), (status = 401, body = Problem)),
    security((), ("bearer" = [])))]
pub async fn logout(
    State(state): State<AppState>,
    Client(client): Client,
    MaybeAuth(auth): MaybeAuth,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<StatusCode> {
    let body = body.map_err(|e| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large", "the request body is larger than 64 KiB")
        } else {
            ApiError::new(StatusCode::BAD_REQUEST, "invalid_body", e.body_text())
        }
    })?;
    let body: LogoutBody = if body.iter().all(u8::is_ascii_whitespace) {
        LogoutBody::default()
    } else {
        serde_json::from_slice(&body).map_err(|e| {
            ApiError::new(StatusCode::BAD_REQUEST, "malformed_json", format!("the body is not valid JSON: {e}"))
        })?
    };
    match (body.refresh_token, auth) {
        (Some(token), _) => state.accounts.logout_with_refresh(token, &client).await?,
        (None, Some(auth)) => state.accounts.logout(&auth, &client).await?,
        (None, None) => return Err(Error::Unauthorized.into()),
    }
    Ok(StatusCode::NO_CONTENT)
}

/// End every session of the caller.
#[utoipa::path(post, path = "/api/auth/logout-all", tag = "auth",
    responses((status = 204), (status = 401, body = Problem)), security(("bearer" = [])))]
pub async fn logout_all(
    State(state): State<AppState>,
    Client(client): Client,
    Auth(auth): Auth,
) -> ApiResult<StatusCode> {
    state.accounts.logout_all(&auth, &client).await?;
    Ok(StatusCode::NO_CONTENT)
}
