//! The browser session as the pages see it: the `__Host-gatehouse` cookie
//! (HttpOnly, Secure — browsers allow that on http://localhost — SameSite=Lax,
//! Path=/), CSRF checks, and where a page may send the browser next.

use axum::http::header::COOKIE;
use axum::http::{HeaderMap, HeaderValue};
use gatehouse_core::access::AccessRules;
use gatehouse_core::crypto::{random_token, TokenDigest};
use gatehouse_core::flows::BrowserSession;
use secrecy::{ExposeSecret, SecretString};

use crate::state::AppState;

/// The session cookie. `__Host-`: Secure, Path=/, no Domain — it cannot be
/// set or shadowed by a sibling subdomain.
pub const SESSION_COOKIE: &str = "__Host-gatehouse";
/// The session cookie when `cookie_domain` shares it with the applications
/// behind forward-auth: `__Host-` forbids a Domain, so `__Secure-` (decision
/// 0014).
pub const SHARED_SESSION_COOKIE: &str = "__Secure-gatehouse";
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

/// The session cookie's name: [`SHARED_SESSION_COOKIE`] with a
/// `cookie_domain`, [`SESSION_COOKIE`] otherwise.
pub fn session_cookie_name(state: &AppState) -> &'static str {
    if state.config.browser.cookie_domain.is_some() {
        SHARED_SESSION_COOKIE
    } else {
        SESSION_COOKIE
    }
}

/// The `Set-Cookie` of a browser session: with `Domain` when the session is
/// shared with a `cookie_domain`'s subdomains.
pub fn session_cookie(state: &AppState, value: &str, max_age: Option<u64>) -> HeaderValue {
    let Some(domain) = &state.config.browser.cookie_domain else {
        return set_cookie(SESSION_COOKIE, value, max_age);
    };
    let mut cookie =
        format!("{SHARED_SESSION_COOKIE}={value}; Domain={domain}; Path=/; HttpOnly; Secure; SameSite=Lax");
    if let Some(age) = max_age {
        cookie.push_str(&format!("; Max-Age={age}"));
    }
    HeaderValue::from_str(&cookie).unwrap_or_else(|_| HeaderValue::from_static("invalid=1; Max-Age=0"))
}

/// A `Set-Cookie` that deletes the session cookie.
pub fn clear_session_cookie(state: &AppState) -> HeaderValue {
    session_cookie(state, "", Some(0))
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
    session_cookie(state, value, max_age)
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
    let value = cookie(headers, session_cookie_name(state))?;
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
/// (never `//host` or `/\host`, which browsers treat as another site), or
/// an http(s) URL on the issuer's host or on a host an access rule names —
/// the application a forward-auth sign-in came from. No other site: no open
/// redirect.
pub fn safe_return_to(state: &AppState, target: Option<&str>) -> Option<String> {
    return_target(target?, &state.config.tokens.issuer, &state.config.access)
}

fn return_target(t: &str, issuer: &str, access: &AccessRules) -> Option<String> {
    if t.len() > 4096 || t.chars().any(|c| c.is_control()) {
        return None;
    }
    if t.starts_with('/') {
        return (!t.starts_with("//") && !t.starts_with("/\\")).then(|| t.to_owned());
    }
    let url = url::Url::parse(t).ok()?;
    let host = url.host_str()?;
    let issuer = url::Url::parse(issuer).ok()?;
    // Plain http only where the issuer itself is served so (a development set-up).
    let scheme_ok = url.scheme() == "https" || (url.scheme() == "http" && issuer.scheme() == "http");
    let with_port = url.port().map_or_else(|| host.to_owned(), |port| format!("{host}:{port}"));
    let host_ok = issuer.host_str() == Some(host) || access.names_host(&with_port);
    let no_credentials = url.username().is_empty() && url.password().is_none();
    (scheme_ok && host_ok && no_credentials).then(|| url.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn return_targets_stay_on_this_server_or_the_hosts_the_rules_name() {
        use gatehouse_core::access::{AccessRule, Policy};
        let rules = AccessRules {
            rules: vec![AccessRule {
                hosts: vec!["*.apps.example.com".parse().unwrap()],
                paths: Vec::new(),
                methods: Vec::new(),
                policy: Policy::OneFactor,
                roles: Vec::new(),
                permissions: Vec::new(),
            }],
            default_policy: Policy::OneFactor,
        };
        let issuer = "https://id.example.com";
        let ok = |t: &str| return_target(t, issuer, &rules);
        assert_eq!(ok("/oauth2/authorize?x=1").as_deref(), Some("/oauth2/authorize?x=1"));
        assert_eq!(ok("https://wiki.apps.example.com/a?b=c").as_deref(), Some("https://wiki.apps.example.com/a?b=c"));
        assert_eq!(ok("https://id.example.com/account").as_deref(), Some("https://id.example.com/account"));
        for bad in [
            "//evil.example/",
            "/\\evil.example",
            "https://evil.example/",
            "https://apps.example.com.evil.example/",
            "https://user:pw@wiki.apps.example.com/",
            "http://wiki.apps.example.com/",
            "javascript:alert(1)",
            "/a\nb",
        ] {
            assert_eq!(ok(bad), None, "{bad}");
        }
        // A development issuer on plain http lets plain http through.
        assert!(return_target("http://wiki.apps.example.com/", "http://localhost:8080", &rules).is_some());
    }

    #[test]
    fn cookies_are_found_among_others() {
        let mut h = HeaderMap::new();
        h.insert(COOKIE, HeaderValue::from_static("a=1; __Host-gatehouse=tok; b=2"));
        assert_eq!(cookie(&h, SESSION_COOKIE).as_deref(), Some("tok"));
        assert_eq!(cookie(&h, CSRF_COOKIE), None);
    }
}
