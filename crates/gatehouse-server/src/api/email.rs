//! `POST /api/auth/email/{verify,resend,change}`.

use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;
use utoipa::ToSchema;

use crate::error::{ApiResult, Problem};
use crate::extract::{optional_json, ApiJson, Auth, Client};
use crate::state::AppState;

#[derive(Deserialize, ToSchema)]
pub struct TokenBody {
    /// The `token` parameter of the link in the mail.
    #[schema(value_type = String)]
    pub token: secrecy::SecretString,
}

/// Follow a verification (or email-change confirmation) link.
#[utoipa::path(post, path = "/api/auth/email/verify", tag = "account", request_body = TokenBody,
    responses((status = 204), (status = 401, description = "`invalid_token` (unknown, used or superseded) or `token_expired`", body = Problem),
        (status = 409, description = "`email_taken`: the new address was taken meanwhile", body = Problem)))]
pub async fn verify(
    State(state): State<AppState>,
    Client(client): Client,
    ApiJson(body): ApiJson<TokenBody>,
) -> ApiResult<StatusCode> {
    state.lifecycle.verify_email(body.token, &client).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, ToSchema, Default)]
pub struct ResendBody {
    /// Without a bearer token (e.g. when login is refused until the address is
    /// verified): the account's address. The answer is the same either way.
    #[serde(default)]
    pub email: Option<String>,
}

/// Send the verification mail again: for the bearer's account, or for `email`.
#[utoipa::path(post, path = "/api/auth/email/resend", tag = "account", request_body(content = Option<ResendBody>, description = "Optional with a bearer token"),
    responses((status = 202), (status = 429, body = Problem)), security((), ("bearer" = [])))]
pub async fn resend(
    State(state): State<AppState>,
    Client(client): Client,
    headers: axum::http::HeaderMap,
    body: Result<axum::body::Bytes, axum::extract::rejection::BytesRejection>,
) -> ApiResult<StatusCode> {
    let body: ResendBody = optional_json(body)?;
    match (Auth::bearer(&headers), body.email) {
        (Some(token), _) => {
            let auth = state.auth.authenticate_for_enrollment(token).await?;
            state.lifecycle.resend_verification(&auth, &client).await?;
        }
        (None, Some(email)) => {
            state.lifecycle.check_resend_limits(&email, &client).await?;
            let lifecycle = state.lifecycle.clone();
            tokio::spawn(async move {
                if let Err(e) = lifecycle.resend_verification_to(&email, &client).await {
                    tracing::error!(error = %e, "verification resend failed");
                }
            });
        }
        (None, None) => return Err(gatehouse_core::Error::Unauthorized.into()),
    }
    Ok(StatusCode::ACCEPTED)
}

#[derive(Deserialize, ToSchema)]
pub struct ChangeEmailBody {
    pub new_email: String,
    #[schema(value_type = String, format = Password)]
    pub password: secrecy::SecretString,
}

/// Ask to change the address: a confirmation link goes to the new one, a notice to the old one.
#[utoipa::path(post, path = "/api/auth/email/change", tag = "account", request_body = ChangeEmailBody,
    responses((status = 202), (status = 401, description = "`invalid_credentials`", body = Problem),
        (status = 409, description = "`email_taken`", body = Problem), (status = 422, description = "`invalid_email`", body = Problem)),
    security(("bearer" = [])))]
pub async fn change(
    State(state): State<AppState>,
    Client(client): Client,
    Auth(auth): Auth,
    ApiJson(body): ApiJson<ChangeEmailBody>,
) -> ApiResult<StatusCode> {
    state.lifecycle.request_email_change(&auth, &body.new_email, body.password, &client).await?;
    Ok(StatusCode::ACCEPTED)
}
