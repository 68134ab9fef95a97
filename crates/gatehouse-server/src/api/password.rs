//! `POST /api/auth/password/{forgot,reset,change}`.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::error::{ApiResult, Problem};
use crate::extract::{ApiJson, Auth, Client};
use crate::state::AppState;

#[derive(Deserialize, ToSchema)]
pub struct ForgotBody {
    pub email: String,
}

#[derive(Serialize, ToSchema)]
pub struct ForgotResponse {
    pub detail: &'static str,
}

/// Ask for a password-reset link. Always 202 with the same body, whether or not the address has an account.
#[utoipa::path(post, path = "/api/auth/password/forgot", tag = "account", request_body = ForgotBody,
    responses((status = 202, body = ForgotResponse), (status = 429, description = "`rate_limited`", body = Problem)))]
pub async fn forgot(
    State(state): State<AppState>,
    Client(client): Client,
    ApiJson(body): ApiJson<ForgotBody>,
) -> ApiResult<(StatusCode, Json<ForgotResponse>)> {
    state.lifecycle.check_forgot_limits(&body.email, &client).await?;
    // Off the request path: the answer and its timing are the same either way.
    let lifecycle = state.lifecycle.clone();
    tokio::spawn(async move {
        if let Err(e) = lifecycle.send_password_reset(&body.email, &client).await {
            tracing::error!(error = %e, "password reset request failed");
        }
    });
    Ok((
        StatusCode::ACCEPTED,
        Json(ForgotResponse { detail: "if an account uses this address, a link to reset its password is on its way" }),
    ))
}

#[derive(Deserialize, ToSchema)]
pub struct ResetBody {
    #[schema(value_type = String)]
    pub token: secrecy::SecretString,
    #[schema(value_type = String, format = Password)]
    pub new_password: secrecy::SecretString,
    /// Revoke the caller's personal API keys too (default true).
    #[serde(default)]
    pub revoke_api_keys: Option<bool>,
}

/// Set a new password with the link's token; every session ends.
#[utoipa::path(post, path = "/api/auth/password/reset", tag = "account", request_body = ResetBody,
    responses((status = 204), (status = 401, description = "`invalid_token` (unknown, used or superseded) or `token_expired`", body = Problem),
        (status = 422, description = "`weak_password`", body = Problem)))]
pub async fn reset(
    State(state): State<AppState>,
    Client(client): Client,
    ApiJson(body): ApiJson<ResetBody>,
) -> ApiResult<StatusCode> {
    state.lifecycle.reset_password(body.token, body.new_password, &client).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, ToSchema)]
pub struct ChangeBody {
    #[schema(value_type = String, format = Password)]
    pub current_password: secrecy::SecretString,
    #[schema(value_type = String, format = Password)]
    pub new_password: secrecy::SecretString,
    /// Revoke the caller's personal API keys too (default true).
    #[serde(default)]
    pub revoke_api_keys: Option<bool>,
}

/// Change the password; other sessions end, this one stays.
#[utoipa::path(post, path = "/api/auth/password/change", tag = "account", request_body = ChangeBody,
    responses((status = 204), (status = 401, description = "`invalid_credentials`", body = Problem), (status = 422, description = "`weak_password`", body = Problem)),
    security(("bearer" = [])))]
pub async fn change(
    State(state): State<AppState>,
    Client(client): Client,
    Auth(auth): Auth,
    ApiJson(body): ApiJson<ChangeBody>,
) -> ApiResult<StatusCode> {
    let revoke = body.revoke_api_keys.unwrap_or(true);
    state.lifecycle.change_password(&auth, body.current_password, body.new_password, revoke, &client).await?;
    Ok(StatusCode::NO_CONTENT)
}
