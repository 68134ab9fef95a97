//! `POST /api/auth/login`: tokens for an API client, or — with
//! `"session": "cookie"` — the browser session cookie for a first-party
//! single-page app ([`crate::extract::cookie_session`]).

use axum::extract::State;
use axum::http::header::SET_COOKIE;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use axum::Json;
use gatehouse_core::account::{LoginName, User};
use gatehouse_core::flows::{LoginOutcome, LoginRequest, SignIn, TokenPair};
use gatehouse_core::Error;
use secrecy::ExposeSecret;

use super::dto::{CookieSignIn, LoginBody, LoginResponse, MfaRequiredResponse, SessionMode, TokenResponse};
use crate::error::{ApiError, ApiResult, Problem};
use crate::extract::{cookie_session, ApiJson, Client};
use crate::pages::browser;
use crate::state::AppState;

/// Sign in with username (or email) and password.
#[utoipa::path(post, path = "/api/auth/login", tag = "auth", request_body = LoginBody,
    responses(
        (status = 200, description = "Tokens, or `{mfa_required: true, mfa_token, methods}` when a second factor is needed, or with `session: cookie` `{session: \"cookie\", user}` and the session in `Set-Cookie`", body = LoginResponse),
        (status = 401, description = "`invalid_credentials` (same for unknown user and wrong password)", body = Problem),
        (status = 403, description = "`account_disabled` (only after the correct password); `forbidden`: `session: cookie` without `X-Gatehouse-CSRF: 1` or from another origin", body = Problem),
        (status = 429, description = "`rate_limited`, with Retry-After: a rate limit, or a lockout (the same for any password, and for a name no account has after as many failures)", body = Problem),
        (status = 503, description = "`server_busy`: the hashing pool is saturated", body = Problem),
    ))]
pub async fn login(
    State(state): State<AppState>,
    Client(client): Client,
    headers: HeaderMap,
    ApiJson(body): ApiJson<LoginBody>,
) -> ApiResult<Response> {
    let mode = body.session.unwrap_or_default();
    let via = sign_in_via(&state, &headers, mode, body.remember)?;
    let login = body
        .username
        .or(body.email)
        .filter(|s| !s.trim().is_empty())
        .ok_or_else(|| Error::InvalidRequest("give 'username' (or 'email') and 'password'".into()))?;
    let result = match LoginName::parse(&login) {
        Ok(login) => state.auth.login(LoginRequest { login, password: body.password, via }, &client).await,
        Err(e) => Err(e),
    };
    let outcome = match &result {
        Ok(LoginOutcome::Tokens(..)) => "success",
        Ok(LoginOutcome::MfaRequired { .. }) => "mfa_required",
        Err(e) => e.code().as_str(),
    };
    metrics::counter!("gatehouse_logins_total", "outcome" => outcome).increment(1);
    Ok(match result? {
        LoginOutcome::Tokens(user, pair) if mode == SessionMode::Cookie => {
            cookie_signed_in(&state, &user, &pair, body.remember)
        }
        LoginOutcome::Tokens(user, pair) => {
            Json(LoginResponse::Tokens(Box::new(TokenResponse::new(&user, pair)))).into_response()
        }
        LoginOutcome::MfaRequired { mfa_token, methods, expires_in } => {
            Json(LoginResponse::MfaRequired(MfaRequiredResponse {
                mfa_required: true,
                mfa_token: mfa_token.expose_secret().to_owned(),
                methods,
                expires_in,
            }))
            .into_response()
        }
    })
}

/// How a sign-in asking for `mode` hands over its session. A cookie sign-in
/// must be the app's own ([`cookie_session::check`]): a login CSRF would sign
/// the victim's browser into someone else's account.
pub(crate) fn sign_in_via(
    state: &AppState,
    headers: &HeaderMap,
    mode: SessionMode,
    remember: bool,
) -> Result<SignIn, ApiError> {
    match mode {
        SessionMode::Tokens => Ok(SignIn::Api),
        SessionMode::Cookie => {
            cookie_session::check(state, headers)?;
            Ok(SignIn::Browser { remember })
        }
    }
}

/// The answer of a sign-in that hands over the browser session cookie: the
/// user in the body, the session (the pair's refresh token, never shown to
/// scripts) in an HttpOnly cookie.
pub(crate) fn cookie_signed_in(state: &AppState, user: &User, pair: &TokenPair, remember: bool) -> Response {
    let max_age = remember.then(|| state.config.browser.remembered.as_secs());
    let cookie = browser::session_cookie(state, pair.refresh_token.expose_secret(), max_age);
    let body = LoginResponse::Cookie(CookieSignIn { session: "cookie".into(), user: user.into() });
    ([(SET_COOKIE, cookie)], Json(body)).into_response()
}
