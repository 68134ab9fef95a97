//! `POST /api/auth/register`.

use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::Json;
use gatehouse_core::flows::RegisterRequest;

use super::dto::{RegisterBody, UserEnvelope};
use crate::error::{ApiResult, Problem};
use crate::extract::{ApiJson, Client};
use crate::state::AppState;

/// Register a new account.
#[utoipa::path(post, path = "/api/auth/register", tag = "auth", request_body = RegisterBody,
    responses(
        (status = 201, body = UserEnvelope),
        (status = 409, description = "`username_taken` or `email_taken`", body = Problem),
        (status = 422, description = "`weak_password`, `invalid_email`, `invalid_username`", body = Problem),
        (status = 429, description = "`rate_limited`", body = Problem),
    ))]
pub async fn register(
    State(state): State<AppState>,
    Client(client): Client,
    headers: HeaderMap,
    ApiJson(body): ApiJson<RegisterBody>,
) -> ApiResult<(StatusCode, Json<UserEnvelope>)> {
    // The account's language (its mails, the verification mail first): the
    // best of `Accept-Language` the catalogs have, else the default.
    let locale = headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| state.config.catalogs.from_accept_language(v));
    let req = RegisterRequest { username: body.username, email: body.email, password: body.password, locale };
    let user = state.lifecycle.register(req, &client).await?;
    Ok((StatusCode::CREATED, Json(UserEnvelope { user: (&user).into() })))
}
