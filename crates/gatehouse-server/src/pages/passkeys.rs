//! The JSON endpoints `assets/passkey.js` drives from the pages: adding a
//! passkey on `/account`, a passkey as the second factor on `/mfa`, and a
//! sign-in without a password on `/login`. Each ceremony is a `start` (the
//! options for `navigator.credentials`) and a `finish` (the browser's answer).
//!
//! Every request carries the page's CSRF token in `X-CSRF-Token` and, when
//! the browser sends one, its `Origin` must be ours: `/account` checks the
//! session's synchronizer token, `/login` and `/mfa` the double-submit cookie
//! of the sign-in forms. A sign-in ends as the forms' does — a new browser
//! session cookie — with `{ "redirect": … }` for the script to follow.
//! Refusals are `problem+json` (403 `csrf_failed` for a failed CSRF check).

use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};
use gatehouse_core::audit::ClientInfo;
use gatehouse_core::flows::{SignIn, TokenPair};
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;
use serde_json::json;
use uuid::Uuid;

use super::browser;
use super::signed_in::SignedIn;
use crate::api::webauthn::CeremonyResponse;
use crate::error::{ApiError, ApiResult};
use crate::extract::{ApiJson, Client};
use crate::state::AppState;

/// The header that carries the page's CSRF token.
const CSRF_HEADER: &str = "x-csrf-token";
/// Where the account page shows "Passkey added." (see `pages::account`).
const ADDED: &str = "/account?done=passkey-added";
/// Where a sign-in goes when the page named no `return_to`.
const SIGNED_IN: &str = "/account";

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/account/passkeys/register/start", post(register_start))
        .route("/account/passkeys/register/finish", post(register_finish))
        .route("/mfa/passkey/start", post(mfa_start))
        .route("/mfa/passkey/finish", post(mfa_finish))
        .route("/login/passkey/start", post(login_start))
        .route("/login/passkey/finish", post(login_finish))
}

#[derive(Deserialize)]
pub struct RegisterFinishBody {
    ceremony_id: Uuid,
    /// "Laptop", "YubiKey" (default "Passkey").
    #[serde(default)]
    name: Option<String>,
    /// The `PublicKeyCredential` from `navigator.credentials.create()`, as JSON.
    credential: serde_json::Value,
}

#[derive(Deserialize)]
pub struct MfaStartBody {
    #[serde(default)]
    mfa_token: String,
}

#[derive(Deserialize)]
pub struct MfaFinishBody {
    #[serde(default)]
    mfa_token: String,
    ceremony_id: Uuid,
    credential: serde_json::Value,
    #[serde(default)]
    remember: bool,
    #[serde(default)]
    return_to: Option<String>,
}

#[derive(Deserialize)]
pub struct LoginFinishBody {
    ceremony_id: Uuid,
    credential: serde_json::Value,
    #[serde(default)]
    remember: bool,
    #[serde(default)]
    return_to: Option<String>,
}

/// `POST /account/passkeys/register/start`: options to create a passkey.
async fn register_start(State(state): State<AppState>, headers: HeaderMap) -> ApiResult<Response> {
    let signed_in = signed_in(&state, &headers).await?;
    let start = state.auth.start_passkey_registration(&signed_in.auth(&state)).await?;
    Ok(no_store(Json(CeremonyResponse::from(start))))
}

/// `POST /account/passkeys/register/finish`: stores the passkey and renews
/// the session (a second factor is a change of privilege). The first second
/// factor of an account comes with backup codes, shown once by the script.
async fn register_finish(
    State(state): State<AppState>,
    Client(client): Client,
    headers: HeaderMap,
    ApiJson(body): ApiJson<RegisterFinishBody>,
) -> ApiResult<Response> {
    let signed_in = signed_in(&state, &headers).await?;
    let auth = signed_in.auth(&state);
    let (_, codes) = state
        .auth
        .finish_passkey_registration(&auth, body.ceremony_id, body.name.as_deref(), &body.credential, &client)
        .await?;
    let codes: Vec<&str> = codes.iter().map(|c| c.expose_secret()).collect();
    let mut res = no_store(Json(json!({ "ok": true, "redirect": ADDED, "backup_codes": codes })));
    res.headers_mut().append(header::SET_COOKIE, renew(&state, &headers, &signed_in, &client).await);
    Ok(res)
}

/// `POST /mfa/passkey/start`: options to use one of the account's passkeys
/// as the second factor of the sign-in `mfa_token` belongs to.
async fn mfa_start(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiJson(body): ApiJson<MfaStartBody>,
) -> ApiResult<Response> {
    check_sign_in_csrf(&state, &headers)?;
    // Always `Some`: an empty token is refused, never a passwordless start.
    let start = state.auth.start_passkey_login(Some(SecretString::from(body.mfa_token))).await?;
    Ok(no_store(Json(CeremonyResponse::from(start))))
}

/// `POST /mfa/passkey/finish`: the second factor verified, the browser is signed in.
async fn mfa_finish(
    State(state): State<AppState>,
    Client(client): Client,
    headers: HeaderMap,
    ApiJson(body): ApiJson<MfaFinishBody>,
) -> ApiResult<Response> {
    check_sign_in_csrf(&state, &headers)?;
    let token = Some(SecretString::from(body.mfa_token));
    let (_, pair) = state
        .auth
        .finish_passkey_login(
            body.ceremony_id,
            token,
            &body.credential,
            &client,
            SignIn::Browser { remember: body.remember },
        )
        .await?;
    Ok(signed_in_json(&state, &headers, &client, pair, body.remember, body.return_to.as_deref()).await)
}

/// `POST /login/passkey/start`: options for a discoverable credential (no
/// username asked).
async fn login_start(State(state): State<AppState>, headers: HeaderMap) -> ApiResult<Response> {
    check_sign_in_csrf(&state, &headers)?;
    let start = state.auth.start_passkey_login(None).await?;
    Ok(no_store(Json(CeremonyResponse::from(start))))
}

/// `POST /login/passkey/finish`: signed in with the passkey alone.
async fn login_finish(
    State(state): State<AppState>,
    Client(client): Client,
    headers: HeaderMap,
    ApiJson(body): ApiJson<LoginFinishBody>,
) -> ApiResult<Response> {
    check_sign_in_csrf(&state, &headers)?;
    let (_, pair) = state
        .auth
        .finish_passkey_login(
            body.ceremony_id,
            None,
            &body.credential,
            &client,
            SignIn::Browser { remember: body.remember },
        )
        .await?;
    Ok(signed_in_json(&state, &headers, &client, pair, body.remember, body.return_to.as_deref()).await)
}

/// The token the script sent in `X-CSRF-Token` ("" when none).
fn presented(headers: &HeaderMap) -> &str {
    headers.get(CSRF_HEADER).and_then(|v| v.to_str().ok()).unwrap_or("")
}

/// The refusal of a request that failed its CSRF check.
fn forged() -> ApiError {
    ApiError::new(
        StatusCode::FORBIDDEN,
        "csrf_failed",
        "the request did not come from this site's page, or the page has expired: reload it",
    )
}

/// The CSRF check of `/login` and `/mfa` (as their forms'): same origin, and
/// the header's token equals the double-submit cookie's.
fn check_sign_in_csrf(state: &AppState, headers: &HeaderMap) -> ApiResult<()> {
    if browser::signed_out_csrf_ok(state, headers, presented(headers)) {
        Ok(())
    } else {
        Err(forged())
    }
}

/// The browser session of an `/account` request (401 without one) that
/// passed the session's CSRF check (403).
async fn signed_in(state: &AppState, headers: &HeaderMap) -> ApiResult<SignedIn> {
    let Some(browser) = browser::session(state, headers).await else {
        return Err(ApiError::new(StatusCode::UNAUTHORIZED, "unauthorized", "sign in first"));
    };
    let csrf = state.auth.csrf_token(&browser.session);
    let signed_in = SignedIn { browser, csrf };
    if !signed_in.check_form(state, headers, presented(headers)) {
        return Err(forged());
    }
    Ok(signed_in)
}

/// A new browser session after the passkey was added; its `Set-Cookie`. If
/// that fails the session ends (the passkey stays; the person signs in
/// again) and the cookie is cleared.
async fn renew(state: &AppState, headers: &HeaderMap, signed_in: &SignedIn, client: &ClientInfo) -> HeaderValue {
    // Read again: adding the passkey changed how the session was authenticated.
    let current = browser::session(state, headers).await.unwrap_or_else(|| signed_in.browser.clone());
    match state.auth.renew_browser_session(&current, client).await {
        Ok(value) => browser::renewed_session_cookie(state, &current.session, value.expose_secret()),
        Err(e) => {
            tracing::error!(error = %e, "cannot renew a browser session; ending it");
            if let Err(e) = state.auth.end_browser_session(&current, client).await {
                tracing::error!(error = %e, "cannot end a browser session");
            }
            browser::clear_session_cookie(state)
        }
    }
}

/// A sign-in's answer: the cookies of `login::signed_in` (new session, any
/// previous one ended, the CSRF cookie cleared) and where to go next.
async fn signed_in_json(
    state: &AppState,
    headers: &HeaderMap,
    client: &ClientInfo,
    pair: TokenPair,
    remember: bool,
    return_to: Option<&str>,
) -> Response {
    let target = browser::safe_return_to(state, return_to).unwrap_or_else(|| SIGNED_IN.to_owned());
    let page = super::login::signed_in(state, headers, client, pair, remember, Some(target.clone())).await;
    let mut res = no_store(Json(json!({ "redirect": target })));
    for cookie in page.headers().get_all(header::SET_COOKIE) {
        res.headers_mut().append(header::SET_COOKIE, cookie.clone());
    }
    res
}

/// A JSON answer no cache keeps (options, backup codes, sign-ins).
fn no_store(body: impl IntoResponse) -> Response {
    let mut res = body.into_response();
    res.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    res
}
