//! `POST /api/auth/refresh`.

use axum::extract::State;
use axum::Json;

use super::dto::{RefreshBody, TokenResponse};
use crate::error::{ApiResult, Problem};
use crate::extract::{ApiJson, Client};
use crate::state::AppState;

/// Exchange a refresh token for a new pair; the presented token is spent.
#[utoipa::path(post, path = "/api/auth/refresh", tag = "auth", request_body = RefreshBody,
    responses(
        (status = 200, body = TokenResponse),
        (status = 401, description = "`invalid_token`, `token_expired`, or `token_reused` (the session was ended)", body = Problem),
        (status = 429, description = "`rate_limited`", body = Problem),
    ))]
pub async fn refresh(
    State(state): State<AppState>,
    Client(client): Client,
    ApiJson(body): ApiJson<RefreshBody>,
) -> ApiResult<Json<TokenResponse>> {
    let (user, pair) = state.auth.refresh(body.refresh_token, &client).await?;
    Ok(Json(TokenResponse::new(&user, pair)))
}
