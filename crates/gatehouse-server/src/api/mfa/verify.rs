//! `POST /api/auth/mfa/verify`: complete a login with a second factor.

use axum::extract::State;
use axum::Json;
use serde::Deserialize;
use utoipa::ToSchema;

use crate::api::dto::TokenResponse;
use crate::error::{ApiResult, Problem};
use crate::extract::{ApiJson, Client};
use crate::state::AppState;

#[derive(Deserialize, ToSchema)]
pub struct MfaVerifyBody {
    /// From the login answer.
    #[schema(value_type = String)]
    pub mfa_token: secrecy::SecretString,
    /// A 6-digit authenticator code or a backup code.
    pub code: String,
}

/// Complete a login with an authenticator code or a backup code.
#[utoipa::path(post, path = "/api/auth/mfa/verify", tag = "mfa", request_body = MfaVerifyBody,
    responses(
        (status = 200, body = TokenResponse),
        (status = 401, description = "`invalid_mfa_code`, or `invalid_token` for an unknown, used or expired mfa_token", body = Problem),
        (status = 429, description = "`rate_limited`", body = Problem),
    ))]
pub async fn verify(
    State(state): State<AppState>,
    Client(client): Client,
    ApiJson(body): ApiJson<MfaVerifyBody>,
) -> ApiResult<Json<TokenResponse>> {
    let (user, pair) = state.accounts.verify_mfa(body.mfa_token, &body.code, &client).await?;
    Ok(Json(TokenResponse::new(&user, pair)))
}
