//! The browser session as the pages see it: the `__Host-gatehouse` cookie
//! (HttpOnly, Secure — browsers allow that on http://localhost — SameSite=Lax,
//! Path=/), CSRF checks, and where a page may send the browser next.

use axum::http::header::COOKIE;
use axum::http::{HeaderMap, HeaderValue};
use gatehouse_core::crypto::{random_token, TokenDigest};
use gatehouse_core::flows::BrowserSession;
use secrecy::{ExposeSecret, SecretString};

use crate::state::AppState;

/// The session cookie. `__Host-`: Secure, Path=/, no Domain — it cannot be
/// set or shadowed by a sibling subdomain.
pub const SESSION_COOKIE: &str = "__Host-gatehouse";
/// The login form's double-submit CSRF cookie (before there is a session).
pub const CSRF_COOKIE: &str = "__Host-gatehouse-csrf";

/// The value of cookie `name`, if the request carries it.
pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.trim().to_owned())
}

/// A `Set-Cookie` value; `max_age` in seconds makes it persistent.
pub fn set_cookie(name: &str, value: &str, max_age: Option<u64>) -> HeaderValue {
    let mut cookie = format!("{name}={value}; Path=/; HttpOnly; Secure; SameSite=Lax");
    if let Some(age) = max_age {
        cookie.push_str(&format!("; Max-Age={age}"));
    }
    HeaderValue::from_str(&cookie).unwrap_or_else(|_| HeaderValue::from_static("invalid=1; Max-Age=0"))
}

/// The `Set-Cookie` of a renewed browser session (see
/// `Authenticator::renew_browser_session`): persistent until the session's
/// absolute deadline when the sign-in chose "Remember me" — its lifetime is
/// longer than an ordinary one — a browser-session cookie otherwise.
pub fn renewed_session_cookie(state: &AppState, old: &gatehouse_core::session::Session, value: &str) -> HeaderValue {
    let now = state.clock.now();
    let lifetime = old.absolute_expires_at - old.created_at;
    let remembered = lifetime > state.config.browser.absolute;
    let max_age = remembered.then(|| (old.absolute_expires_at - now).whole_seconds().max(0).unsigned_abs());
    set_cookie(SESSION_COOKIE, value, max_age)
}

/// A `Set-Cookie` value that deletes the cookie.
pub fn clear_cookie(name: &str) -> HeaderValue {
    set_cookie(name, "", Some(0))
}

/// The double-submit CSRF check of the forms that run before there is a
/// session (login, second step, sign-up, forgot password, passkey sign-in):
/// same origin, and the presented token equals the `__Host-gatehouse-csrf`
/// cookie's (constant time).
pub fn signed_out_csrf_ok(state: &AppState, headers: &HeaderMap, presented: &str) -> bool {
    let Some(cookie) = cookie(headers, CSRF_COOKIE) else {
        return false;
    };
    same_origin(state, headers)
        && !presented.is_empty()
        && !cookie.is_empty()
        && TokenDigest::of(&cookie).matches(&TokenDigest::of(presented))
}

/// A fresh double-submit token: its value for the form, and the cookie to
/// set with the page.
pub fn new_signed_out_csrf() -> (SecretString, HeaderValue) {
    let token = random_token();
    let cookie = set_cookie(CSRF_COOKIE, token.expose_secret(), None);
    (token, cookie)
}

/// The live browser session of the request, if any. A storage failure is
/// logged and treated as "not signed in".
pub async fn session(state: &AppState, headers: &HeaderMap) -> Option<BrowserSession> {
    let value = cookie(headers, SESSION_COOKIE)?;
    match state.auth.browser_session(&SecretString::from(value)).await {
        Ok(found) => found,
        Err(e) => {
            tracing::error!(error = %e, "cannot read a browser session");
            None
        }
    }
}

/// A cross-site form post is refused: when the browser says where the form
/// came from (`Origin`), it must be Gatehouse's own origin (see [`super::origin`]).
pub fn same_origin(state: &AppState, headers: &HeaderMap) -> bool {
    super::origin::form_origin_ok(state, headers)
}

/// Where a page may send the browser after sign-in: a path on this server
/// only (never `//host` or `/\host`, which browsers treat as another site).
pub fn safe_return_to(target: Option<&str>) -> Option<String> {
    let t = target?;
    let ok = t.starts_with('/')
        && !t.starts_with("//")
        && !t.starts_with("/\\")
        && t.len() <= 4096
        && !t.chars().any(|c| c.is_control());
    ok.then(|| t.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn return_targets_stay_on_this_server() {
        assert_eq!(safe_return_to(Some("/oauth2/authorize?x=1")).as_deref(), Some("/oauth2/authorize?x=1"));
        for bad in ["//evil.example/", "/\\evil.example", "https://evil.example/", "javascript:alert(1)", "/a\nb"] {
            assert_eq!(safe_return_to(Some(bad)), None, "{bad}");
        }
    }

    #[test]
    fn cookies_are_found_among_others() {
        let mut h = HeaderMap::new();
        h.insert(COOKIE, HeaderValue::from_static("a=1; __Host-gatehouse=tok; b=2"));
        assert_eq!(cookie(&h, SESSION_COOKIE).as_deref(), Some("tok"));
        assert_eq!(cookie(&h, CSRF_COOKIE), None);
    }
}
