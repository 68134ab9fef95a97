//! `POST /api/auth/login`.

use axum::extract::State;
use axum::Json;
use gatehouse_core::account::LoginName;
use gatehouse_core::flows::{LoginOutcome, LoginRequest, SignIn};
use gatehouse_core::Error;

use super::dto::{LoginBody, LoginResponse, MfaRequiredResponse, TokenResponse};
use crate::error::{ApiResult, Problem};
use crate::extract::{ApiJson, Client};
use crate::state::AppState;

/// Sign in with username (or email) and password.
#[utoipa::path(post, path = "/api/auth/login", tag = "auth", request_body = LoginBody,
    responses(
        (status = 200, description = "Tokens, or `{mfa_required: true, mfa_token, methods}` when a second factor is needed", body = LoginResponse),
        (status = 401, description = "`invalid_credentials` (same for unknown user, wrong password, locked account)", body = Problem),
        (status = 403, description = "`account_disabled` (only after the correct password)", body = Problem),
        (status = 429, description = "`rate_limited`, with Retry-After", body = Problem),
        (status = 503, description = "`server_busy`: the hashing pool is saturated", body = Problem),
    ))]
pub async fn login(
    State(state): State<AppState>,
    Client(client): Client,
    ApiJson(body): ApiJson<LoginBody>,
) -> ApiResult<Json<LoginResponse>> {
    let login = body
        .username
        .or(body.email)
        .filter(|s| !s.trim().is_empty())
        .ok_or_else(|| Error::InvalidRequest("give 'username' (or 'email') and 'password'".into()))?;
    let result = match LoginName::parse(&login) {
        Ok(login) => state.auth.login(LoginRequest { login, password: body.password, via: SignIn::Api }, &client).await,
        Err(e) => Err(e),
    };
    let outcome = match &result {
        Ok(LoginOutcome::Tokens(..)) => "success",
        Ok(LoginOutcome::MfaRequired { .. }) => "mfa_required",
        Err(e) => e.code().as_str(),
    };
    metrics::counter!("gatehouse_logins_total", "outcome" => outcome).increment(1);
    Ok(Json(match result? {
        LoginOutcome::Tokens(user, pair) => LoginResponse::Tokens(Box::new(TokenResponse::new(&user, pair))),
        LoginOutcome::MfaRequired { mfa_token, methods, expires_in } => {
            use secrecy::ExposeSecret;
            LoginResponse::MfaRequired(MfaRequiredResponse {
                mfa_required: true,
                mfa_token: mfa_token.expose_secret().to_owned(),
                methods,
                expires_in,
            })
        }
    }))
}
