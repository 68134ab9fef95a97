//! `POST /api/auth/logout` and `POST /api/auth/logout-all`.

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::State;
use axum::http::StatusCode;
use gatehouse_core::Error;

use super::dto::LogoutBody;
use crate::error::{ApiResult, Problem};
use axum::http::header::SET_COOKIE;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};

use crate::extract::{optional_json, Auth, Client, MaybeAuth};
use crate::pages::browser;
use crate::state::AppState;

/// End one session: the one of the refresh token in the body, or of the bearer token.
#[utoipa::path(post, path = "/api/auth/logout", tag = "auth", request_body(content = Option<LogoutBody>, description = "Optional with a bearer token"),
    responses((status = 204), (status = 400, body = Problem), (status = 401, body = Problem)),
    security((), ("bearer" = [])))]
pub async fn logout(
    State(state): State<AppState>,
    Client(client): Client,
    headers: HeaderMap,
    MaybeAuth(auth): MaybeAuth,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<Response> {
    let body: LogoutBody = optional_json(body)?;
    let mut by_cookie = false;
    match (body.refresh_token, auth) {
        (Some(token), _) => state.auth.logout_with_refresh(token, &client).await?,
        (None, Some(auth)) => {
            state.auth.logout(&auth, &client).await?;
            by_cookie = Auth::bearer(&headers).is_none();
        }
        (None, None) => return Err(Error::Unauthorized.into()),
    }
    let mut response = StatusCode::NO_CONTENT.into_response();
    // A single-page app signed out with its cookie: the browser drops it too.
    if by_cookie {
        response.headers_mut().insert(SET_COOKIE, browser::clear_session_cookie(&state));
    }
    Ok(response)
}

/// What signing out everywhere may take (the body is optional).
#[derive(Debug, Default, serde::Deserialize, utoipa::ToSchema)]
pub struct LogoutAllBody {
    /// Revoke the caller's personal API keys too (default true).
    #[serde(default)]
    pub revoke_api_keys: Option<bool>,
}

/// End every session of the caller and, unless told otherwise, revoke their personal API keys.
#[utoipa::path(post, path = "/api/auth/logout-all", tag = "auth", request_body(content = Option<LogoutAllBody>),
    responses((status = 204), (status = 401, body = Problem)), security(("bearer" = [])))]
pub async fn logout_all(
    State(state): State<AppState>,
    Client(client): Client,
    Auth(auth): Auth,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<StatusCode> {
    let body: LogoutAllBody = optional_json(body)?;
    state.auth.logout_all(&auth, body.revoke_api_keys.unwrap_or(true), &client).await?;
    Ok(StatusCode::NO_CONTENT)
}
