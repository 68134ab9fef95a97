//! "Sign in with …": `/login/upstream/{id}` sends the browser to the upstream
//! provider with state, nonce and PKCE; `/login/upstream/{id}/callback` checks
//! what comes back and signs the person in (a browser session, like `/login`).
//!
//! Nothing is stored for a pending sign-in: its state, nonce, PKCE verifier
//! and return path travel in a cookie sealed with a key derived from the
//! master key (XChaCha20-Poly1305), valid 10 minutes, bound to the provider.

mod upstream;

use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::Router;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use gatehouse_core::crypto::random_token;
use gatehouse_core::federation::UpstreamProvider;
use gatehouse_core::flows::LoginOutcome;
use gatehouse_core::ErrorCode;
use minijinja::context;
use secrecy::ExposeSecret;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

pub use upstream::UpstreamClient;

use crate::extract::Client;
use crate::pages::{browser, login, render, Lang};
use crate::state::AppState;

/// The cookie that carries a pending upstream sign-in.
const PENDING_COOKIE: &str = "__Host-gatehouse-upstream";
const PENDING_PURPOSE: &str = "gatehouse/upstream-state/v1";
const PENDING_TTL_SECONDS: i64 = 600;

pub fn router() -> Router<AppState> {
    Router::new().route("/login/upstream/{id}", get(start)).route("/login/upstream/{id}/callback", get(callback))
}

/// A pending sign-in, sealed into the cookie.
#[derive(Serialize, Deserialize)]
struct PendingSignIn {
    provider: String,
    state: String,
    nonce: String,
    verifier: String,
    return_to: Option<String>,
    expires: i64,
}

#[derive(Deserialize)]
pub struct StartQuery {
    return_to: Option<String>,
}

fn redirect_uri(state: &AppState, provider: &UpstreamProvider) -> String {
    format!("{}/login/upstream/{}/callback", state.config.tokens.issuer, provider.id)
}

fn problem_page(state: &AppState, lang: &Lang, status: StatusCode, message: &str) -> Response {
    let mut res = render(
        state,
        lang,
        status,
        "message.html",
        context! { product => &state.config.product_name, title => lang.t("upstream-failed-title"), message, error => true },
    );
    res.headers_mut().append(header::SET_COOKIE, browser::clear_cookie(PENDING_COOKIE));
    res
}

pub async fn start(
    State(state): State<AppState>,
    lang: Lang,
    Path(id): Path<String>,
    Query(q): Query<StartQuery>,
) -> Response {
    let provider = match state.auth.upstream(&id).await {
        Ok(p) => p,
        Err(_) => return problem_page(&state, &lang, StatusCode::NOT_FOUND, &lang.t("upstream-unknown")),
    };
    let pending = PendingSignIn {
        provider: provider.id.clone(),
        state: random_token().expose_secret().to_owned(),
        nonce: random_token().expose_secret().to_owned(),
        verifier: random_token().expose_secret().to_owned(),
        return_to: browser::safe_return_to(&state, q.return_to.as_deref()),
        expires: state.clock.unix() + PENDING_TTL_SECONDS,
    };
    let challenge = URL_SAFE_NO_PAD.encode(Sha256::digest(pending.verifier.as_bytes()));
    let url = match state
        .upstreams
        .authorization_url(&provider, &redirect_uri(&state, &provider), &pending.state, &pending.nonce, &challenge)
        .await
    {
        Ok(url) => url,
        Err(e) => {
            tracing::warn!(upstream = %provider.id, error = %e, "cannot start an upstream sign-in");
            let message = lang.t_with("upstream-unreachable", [("provider", provider.name.as_str().into())]);
            return problem_page(&state, &lang, StatusCode::BAD_GATEWAY, &message);
        }
    };
    let sealed = serde_json::to_vec(&pending)
        .map_err(gatehouse_core::Error::internal)
        .and_then(|json| state.auth.seal_browser_state(&json, PENDING_PURPOSE));
    let sealed = match sealed {
        Ok(s) => URL_SAFE_NO_PAD.encode(s),
        Err(e) => {
            tracing::error!(error = %e, "cannot seal an upstream sign-in");
            return problem_page(&state, &lang, StatusCode::INTERNAL_SERVER_ERROR, &lang.t("upstream-unavailable"));
        }
    };
    let mut res = Redirect::to(&url).into_response();
    let cookie = browser::set_cookie(PENDING_COOKIE, &sealed, Some(PENDING_TTL_SECONDS.unsigned_abs()));
    res.headers_mut().append(header::SET_COOKIE, cookie);
    res
}

#[derive(Deserialize)]
pub struct CallbackQuery {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
    iss: Option<String>,
}

/// The pending sign-in in the cookie, if it is intact, unexpired and for this provider.
fn pending_from(state: &AppState, headers: &HeaderMap, provider: &str) -> Option<PendingSignIn> {
    let raw = browser::cookie(headers, PENDING_COOKIE)?;
    let sealed = URL_SAFE_NO_PAD.decode(raw).ok()?;
    let json = state.auth.open_browser_state(&sealed, PENDING_PURPOSE).ok()?;
    let pending: PendingSignIn = serde_json::from_slice(&json).ok()?;
    let live = pending.expires > state.clock.unix();
    (live && pending.provider == provider).then_some(pending)
}

pub async fn callback(
    State(state): State<AppState>,
    lang: Lang,
    Client(client): Client,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(q): Query<CallbackQuery>,
) -> Response {
    let Ok(provider) = state.auth.upstream(&id).await else {
        return problem_page(&state, &lang, StatusCode::NOT_FOUND, &lang.t("upstream-unknown"));
    };
    let Some(pending) = pending_from(&state, &headers, &provider.id) else {
        return problem_page(&state, &lang, StatusCode::BAD_REQUEST, &lang.t("upstream-expired"));
    };
    // The state ties this answer to the browser that started the sign-in (CSRF).
    let state_ok = q.state.as_deref().is_some_and(|s| {
        gatehouse_core::crypto::TokenDigest::of(s).matches(&gatehouse_core::crypto::TokenDigest::of(&pending.state))
    });
    if !state_ok {
        return problem_page(&state, &lang, StatusCode::BAD_REQUEST, &lang.t("upstream-other-browser"));
    }
    // RFC 9207: an answer naming another issuer is a mix-up attack.
    if let (Some(iss), Some(issuer)) = (q.iss.as_deref(), provider.issuer.as_deref()) {
        if iss.trim_end_matches('/') != issuer {
            return problem_page(&state, &lang, StatusCode::BAD_REQUEST, &lang.t("upstream-wrong-issuer"));
        }
    }
    if q.error.is_some() {
        let message = lang.t_with("upstream-cancelled", [("provider", provider.name.as_str().into())]);
        return problem_page(&state, &lang, StatusCode::BAD_REQUEST, &message);
    }
    let Some(code) = q.code.as_deref().filter(|c| !c.is_empty() && c.len() <= 2048) else {
        return problem_page(&state, &lang, StatusCode::BAD_REQUEST, &lang.t("upstream-no-code"));
    };
    let secret = match state.auth.upstream_secret(&provider) {
        Ok(s) => s,
        Err(e) => {
            tracing::error!(upstream = %provider.id, error = %e, "cannot open an upstream secret");
            return problem_page(&state, &lang, StatusCode::INTERNAL_SERVER_ERROR, &lang.t("upstream-unavailable"));
        }
    };
    let redirect = redirect_uri(&state, &provider);
    let check = upstream::Pending { redirect_uri: &redirect, nonce: &pending.nonce, verifier: &pending.verifier };
    let identity = match state.upstreams.identity(&provider, &secret, code, &check).await {
        Ok(i) => i,
        Err(e) => {
            tracing::warn!(upstream = %provider.id, error = %e, "upstream sign-in refused");
            let message = lang.t_with("upstream-not-confirmed", [("provider", provider.name.as_str().into())]);
            return problem_page(&state, &lang, StatusCode::BAD_GATEWAY, &message);
        }
    };
    let mut res = match state.auth.federated_sign_in(&provider, &identity, false, &client).await {
        Ok(LoginOutcome::Tokens(_, pair)) => {
            login::signed_in(&state, &headers, &client, pair, false, pending.return_to).await
        }
        Ok(LoginOutcome::MfaRequired { mfa_token, methods, .. }) => {
            login::mfa_page(&state, &lang, &mfa_token, pending.return_to, false, &methods)
        }
        Err(e) => {
            let message = match e.code() {
                ErrorCode::EmailTaken => lang.t("upstream-email-taken"),
                ErrorCode::AccountDisabled => lang.t("login-account-disabled"),
                ErrorCode::EmailNotVerified => lang.t("login-email-not-verified"),
                ErrorCode::UpstreamEmailUnverified => lang.t("upstream-email-unverified"),
                ErrorCode::RateLimited => crate::pages::too_many(&lang, &e),
                ErrorCode::Internal | ErrorCode::ServerBusy => lang.t("upstream-unavailable-later"),
                _ => lang.t("upstream-did-not-work"),
            };
            if e.code() == ErrorCode::Internal {
                tracing::error!(upstream = %provider.id, error = %e, "federated sign-in failed");
            }
            return problem_page(&state, &lang, crate::error::status_of(e.code()), &message);
        }
    };
    res.headers_mut().append(header::SET_COOKIE, browser::clear_cookie(PENDING_COOKIE));
    res
}
