//! Forward-auth: Gatehouse in front of applications it did not write, through
//! the reverse proxy that serves them. The proxy asks about every request:
//!
//! - `GET /api/forward-auth` (Traefik `forwardAuth`, Caddy `forward_auth`,
//!   HAProxy) reads the original request from `X-Forwarded-Method`, `-Proto`,
//!   `-Host` and `-Uri`. A browser navigation that must sign in gets 302 to
//!   the sign-in page (back to the original URL afterwards); anything else 401.
//! - `GET /api/auth-request` (nginx `auth_request`, which understands only
//!   2xx, 401 and 403) reads `X-Original-URL` and `X-Original-Method`, and
//!   answers 401 with the sign-in URL in `X-Gatehouse-Login`, which nginx
//!   copies (`auth_request_set`) into its redirect.
//!
//! Those headers are believed only from a peer in `trusted_proxies`: anyone
//! else is refused, since they could name any request. An allowed request
//! is answered 200 with the person's identity in `X-Gatehouse-User`,
//! `-User-Id`, `-Email` and `-Roles` (empty when no one is signed in, as on
//! a `bypass` path), which the proxy passes to the application; a denied
//! one 403. The decision itself is the core's
//! ([`gatehouse_core::access`]).

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, Request, State};
use axum::http::header::{ACCEPT, CACHE_CONTROL, LOCATION};
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use gatehouse_core::access::{Decision, OriginalRequest};
use gatehouse_core::flows::ProxyVerdict;
use secrecy::SecretString;

use crate::error::{ApiError, ApiResult, Problem};
use crate::pages::browser;
use crate::state::AppState;

/// The sign-in URL an `auth_request` answer carries for nginx to redirect to.
pub const LOGIN_HEADER: &str = "x-gatehouse-login";

pub fn router() -> Router<AppState> {
    Router::new().route("/api/forward-auth", get(forward_auth)).route("/api/auth-request", get(auth_request))
}

/// Which proxy is asking, by the way it speaks.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Asker {
    /// Traefik, Caddy, HAProxy: any status and `Location` pass to the browser.
    Forward,
    /// nginx `auth_request`: only 2xx, 401 and 403.
    AuthRequest,
}

/// Whether the browser behind a request proxied by Traefik, Caddy or
/// HAProxy may reach the application (`X-Forwarded-*`).
#[utoipa::path(get, path = "/api/forward-auth", tag = "forward-auth",
    params(
        ("X-Forwarded-Method" = Option<String>, Header, description = "the original method (default GET)"),
        ("X-Forwarded-Proto" = String, Header, description = "http or https"),
        ("X-Forwarded-Host" = String, Header, description = "the original host"),
        ("X-Forwarded-Uri" = String, Header, description = "the original path and query"),
    ),
    responses(
        (status = 200, description = "allowed; the identity is in X-Gatehouse-User, -User-Id, -Email, -Roles"),
        (status = 302, description = "a browser navigation without a session: to the sign-in page"),
        (status = 400, body = Problem), (status = 401, body = Problem), (status = 403, body = Problem)))]
pub async fn forward_auth(State(state): State<AppState>, request: Request) -> ApiResult<Response> {
    trusted(&state, &request)?;
    let headers = request.headers();
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or("");
    let method = Some(header("x-forwarded-method")).filter(|m| !m.is_empty()).unwrap_or("GET");
    let original = OriginalRequest::new(
        method,
        header("x-forwarded-proto"),
        header("x-forwarded-host"),
        header("x-forwarded-uri"),
    )?;
    answer(&state, headers, &original, Asker::Forward).await
}

/// Whether the browser behind a request proxied by nginx may reach the
/// application (`X-Original-URL`).
#[utoipa::path(get, path = "/api/auth-request", tag = "forward-auth",
    params(
        ("X-Original-URL" = String, Header, description = "the original URL"),
        ("X-Original-Method" = Option<String>, Header, description = "the original method (default GET)"),
    ),
    responses(
        (status = 200, description = "allowed; the identity is in X-Gatehouse-User, -User-Id, -Email, -Roles"),
        (status = 400, body = Problem),
        (status = 401, body = Problem, description = "sign in first: the sign-in URL is in X-Gatehouse-Login"),
        (status = 403, body = Problem)))]
pub async fn auth_request(State(state): State<AppState>, request: Request) -> ApiResult<Response> {
    trusted(&state, &request)?;
    let headers = request.headers();
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or("");
    let method = Some(header("x-original-method")).filter(|m| !m.is_empty()).unwrap_or("GET");
    let original = OriginalRequest::from_url(method, header("x-original-url"))?;
    answer(&state, headers, &original, Asker::AuthRequest).await
}

/// Refuses a peer that is not a trusted proxy: its `X-Forwarded-*` could
/// name any request.
fn trusted(state: &AppState, request: &Request) -> Result<(), ApiError> {
    let peer = request.extensions().get::<ConnectInfo<SocketAddr>>().map(|ConnectInfo(addr)| addr.ip());
    if peer.is_some_and(|ip| state.trusted_proxies.iter().any(|net| net.contains(&ip))) {
        return Ok(());
    }
    let who = peer.map_or_else(|| "an unknown peer".to_owned(), |ip| ip.to_string());
    Err(ApiError::new(
        StatusCode::FORBIDDEN,
        "forbidden",
        format!("forward-auth answers only the proxies in trusted_proxies, and {who} is not one"),
    ))
}

async fn answer(state: &AppState, headers: &HeaderMap, request: &OriginalRequest, asker: Asker) -> ApiResult<Response> {
    let cookie = browser::cookie(headers, browser::session_cookie_name(state)).map(SecretString::from);
    let ProxyVerdict { decision, session } = state.auth.forward_auth(cookie.as_ref(), request).await?;
    let issuer = state.config.tokens.issuer.trim_end_matches('/');
    let mut response = match decision {
        Decision::Allow => {
            let mut response = StatusCode::OK.into_response();
            // Always all four, empty for no one: a proxy that copies them
            // (Caddy 2.6 writes a placeholder for a missing one) then
            // overwrites whatever the client sent under those names.
            let (name, id, email, roles) = match &session {
                Some(found) => {
                    let user = &found.user;
                    let roles = user.roles.iter().map(|r| r.as_str()).collect::<Vec<_>>().join(",");
                    (user.username.as_str().to_owned(), user.id.to_string(), user.email.as_str().to_owned(), roles)
                }
                None => Default::default(),
            };
            let out = response.headers_mut();
            put(out, "x-gatehouse-user", &name);
            put(out, "x-gatehouse-user-id", &id);
            put(out, "x-gatehouse-email", &email);
            put(out, "x-gatehouse-roles", &roles);
            response
        }
        Decision::SignIn => {
            let query =
                url::form_urlencoded::Serializer::new(String::new()).append_pair("return_to", &request.url()).finish();
            let login = format!("{issuer}/login?{query}");
            refusal(asker, headers, request, login, "sign in to reach this application")
        }
        // The account page is where a second factor is added.
        Decision::SecondFactor => refusal(
            asker,
            headers,
            request,
            format!("{issuer}/account"),
            "this application needs a sign-in with a second factor",
        ),
        Decision::Forbidden => {
            ApiError::new(StatusCode::FORBIDDEN, "forbidden", "you may not reach this application").into_response()
        }
    };
    // Each answer is about one session at one moment.
    response.headers_mut().insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(response)
}

/// Not (yet) allowed: a browser navigation is sent to `to` where the proxy
/// passes redirects on; otherwise 401, with `to` in [`LOGIN_HEADER`].
fn refusal(asker: Asker, headers: &HeaderMap, request: &OriginalRequest, to: String, detail: &str) -> Response {
    let navigation = matches!(request.method.as_str(), "GET" | "HEAD")
        && headers.get(ACCEPT).and_then(|v| v.to_str().ok()).is_some_and(|accept| accept.contains("text/html"));
    let mut response = if asker == Asker::Forward && navigation {
        StatusCode::FOUND.into_response()
    } else {
        ApiError::new(StatusCode::UNAUTHORIZED, "unauthorized", detail).into_response()
    };
    if let Ok(value) = HeaderValue::from_str(&to) {
        if response.status() == StatusCode::FOUND {
            response.headers_mut().insert(LOCATION, value.clone());
        }
        response.headers_mut().insert(HeaderName::from_static(LOGIN_HEADER), value);
    }
    response
}

/// Sets an identity header; a value no header can carry is left out.
fn put(headers: &mut HeaderMap, name: &'static str, value: &str) {
    if let Ok(value) = HeaderValue::from_str(value) {
        headers.insert(HeaderName::from_static(name), value);
    }
}
