//! `POST /api/auth/logout` and `POST /api/auth/logout-all`.

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::State;
use axum::http::StatusCode;
use gatehouse_core::Error;

use super::dto::LogoutBody;
use crate::error::{ApiResult, Problem};
use crate::extract::{optional_json, Auth, Client, MaybeAuth};
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
    let body: LogoutBody = optional_json(body)?;
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
