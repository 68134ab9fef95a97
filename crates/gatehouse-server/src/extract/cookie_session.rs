//! The browser session cookie on the JSON API (`/api/auth/*`), for a
//! first-party single-page app that keeps no token where a script could read
//! it: the cookie is `HttpOnly`. A request signed in with it — and a sign-in
//! that asks for it (`"session": "cookie"`) — must carry `X-Gatehouse-CSRF: 1`,
//! a header no cross-site form or simple request can send (a page elsewhere
//! would need a CORS preflight, which Gatehouse never grants), and, when the
//! browser names an `Origin`, come from Gatehouse's own. Bearer tokens are
//! unaffected and win when both are sent.

use axum::http::{HeaderMap, StatusCode};
use gatehouse_core::flows::Authenticated;
use gatehouse_core::Error;

use crate::error::ApiError;
use crate::pages::browser;
use crate::state::AppState;

/// The header a cookie-authenticated API request must carry, with value `1`.
pub const CSRF_HEADER: &str = "x-gatehouse-csrf";

/// Refuses a cookie request that is not provably the app's own.
pub fn check(state: &AppState, headers: &HeaderMap) -> Result<(), ApiError> {
    if headers.get(CSRF_HEADER).is_none_or(|v| v.as_bytes() != b"1") {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "forbidden",
            "a request with the session cookie must send the header X-Gatehouse-CSRF: 1",
        ));
    }
    if !browser::same_origin(state, headers) {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "forbidden",
            "a request with the session cookie must come from Gatehouse's own origin",
        ));
    }
    Ok(())
}

/// Whether the request carries the session cookie at all.
pub fn present(state: &AppState, headers: &HeaderMap) -> bool {
    browser::cookie(headers, browser::session_cookie_name(state)).is_some()
}

/// The caller of a request without a bearer token, by its session cookie:
/// 401 without a cookie or with one that names no live session, 403 when
/// the request fails [`check`].
pub async fn authenticated(state: &AppState, headers: &HeaderMap) -> Result<Authenticated, ApiError> {
    if !present(state, headers) {
        return Err(Error::Unauthorized.into());
    }
    check(state, headers)?;
    let session = browser::session(state, headers).await.ok_or(Error::Unauthorized)?;
    Ok(state.auth.browser_auth(&session))
}
