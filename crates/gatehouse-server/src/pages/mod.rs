//! Server-rendered pages (minijinja, HTML auto-escaped, see [`theme`]) with a
//! strict CSP and a little plain JavaScript only where a page needs it (the
//! password toggle and strength meter, WebAuthn); every flow but passkeys
//! works without it.
//!
//! - `/` sends a person to their account, or to sign in;
//! - sign-in: `/login`, `/mfa`, `/register`, `/forgot-password` (browser
//!   sessions, see [`browser`]); the consent and sign-out pages live with the
//!   OAuth endpoints;
//! - mail links: `/verify-email`, `/reset-password` — a GET only shows a
//!   form; the action happens on POST, so mail scanners that prefetch links
//!   change nothing; the token in the form is the credential;
//! - signed in: `/account` and `/admin` ([`signed_in`]), every form with the
//!   session's CSRF token.
//!
//! Page requests that reach a loopback alias of a loopback issuer go to the
//! issuer's own address first ([`origin`]).

mod account;
mod admin;
pub mod browser;
mod device;
mod durations;
mod forgot_password;
pub mod lang;
pub(crate) mod login;
pub mod origin;
mod passkeys;
pub(crate) mod reasons;
mod register;
mod reset_password;
mod session_row;
pub mod signed_in;
pub mod theme;
mod verify_email;

use axum::extract::{Path, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::Router;

use crate::state::AppState;
pub(crate) use lang::Lang;

/// CSP of the pages: our own stylesheet and scripts only (no inline script
/// or style), images from us or `data:` (the TOTP QR code), fetches to us
/// (WebAuthn ceremonies), forms post to us, never framed.
const PAGE_CSP: &str =
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; \
    connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
/// CSP of the sign-in pages (login, second factor, sign-up, consent,
/// sign-out). No `form-action`: browsers apply it to every redirect that
/// follows a form post, and these forms end in a redirect to the
/// application's registered URI on another origin. Forms are server-rendered
/// and auto-escaped, and only our own scripts run, so nothing can be injected
/// to post elsewhere.
const SIGN_IN_CSP: &str =
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; \
    connect-src 'self'; frame-ancestors 'none'; base-uri 'none'";

/// CSP of the assets: a stylesheet, script or font loaded by a page ignores
/// it; an asset opened on its own (an SVG) gets no script, no fetches.
const ASSET_CSP: &str = "default-src 'none'; sandbox";

/// Pages whose forms may end in a redirect off this origin.
const SIGN_IN_PAGES: [&str; 5] = ["login.html", "mfa.html", "register.html", "consent.html", "logout_confirm.html"];

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/verify-email", get(verify_email::show).post(verify_email::submit))
        .route("/reset-password", get(reset_password::show).post(reset_password::submit))
        .route("/", get(login::home))
        .route("/login", get(login::show).post(login::submit))
        .route("/mfa", get(login::mfa_without_challenge).post(login::submit_mfa))
        .route("/assets/{name}", get(asset))
        .route("/language", get(lang::pick))
        .merge(register::router())
        .merge(forgot_password::router())
        .merge(account::router())
        .merge(admin::router())
        .merge(passkeys::router())
}

/// Renders a page in `lang` with the page CSP; `product`, `logo`, the
/// language and the picker's choices are always in the context.
pub(crate) fn render(state: &AppState, lang: &Lang, status: StatusCode, name: &str, ctx: minijinja::Value) -> Response {
    let ctx = minijinja::context! {
        product => &state.config.product_name,
        logo => state.theme.logo(),
        lang => lang.tag(),
        languages => lang.choices(),
        here => lang.here(),
        ..ctx
    };
    match state.theme.render(name, ctx) {
        Ok(html) => {
            let mut res = (status, Html(html)).into_response();
            let sign_in = SIGN_IN_PAGES.contains(&name);
            let csp = if sign_in { SIGN_IN_CSP } else { PAGE_CSP };
            let h = res.headers_mut();
            h.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(csp));
            h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            // With `no-referrer` browsers send `Origin: null` on form posts,
            // which the CSRF Origin check must refuse; `same-origin` sends
            // the real origin to us and no referrer to anyone else.
            h.insert(header::REFERRER_POLICY, HeaderValue::from_static("same-origin"));
            res
        }
        Err(e) => {
            tracing::error!(page = name, error = %e, "cannot render a page");
            (StatusCode::INTERNAL_SERVER_ERROR, "internal error").into_response()
        }
    }
}

/// Lets a page show an image from `uri`'s origin (an OAuth client's
/// registered logo on the login and consent pages): that origin alone joins
/// `img-src`. Nothing else of the page's policy changes; a `uri` that is not
/// an https (or localhost http) URL adds nothing.
pub(crate) fn allow_image(res: &mut Response, uri: Option<&str>) {
    let Some(origin) = uri.and_then(|u| url::Url::parse(u).ok()).map(|u| u.origin()) else { return };
    if !origin.is_tuple() {
        return;
    }
    let origin = origin.ascii_serialization();
    let Some(csp) = res.headers().get(header::CONTENT_SECURITY_POLICY).and_then(|v| v.to_str().ok()) else { return };
    let widened = csp.replacen("img-src 'self' data:", &format!("img-src 'self' data: {origin}"), 1);
    if let Ok(value) = HeaderValue::from_str(&widened) {
        res.headers_mut().insert(header::CONTENT_SECURITY_POLICY, value);
    }
}

/// `/assets/{name}`: the stylesheet, scripts, font and logo of the theme.
async fn asset(State(state): State<AppState>, Path(name): Path<String>) -> Response {
    let Some((body, kind)) = state.theme.asset(&name) else {
        return crate::ops::not_found().await.into_response();
    };
    let mut res = body.into_response();
    let h = res.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(kind));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=3600"));
    // Assets are loaded by the pages, never meant to be opened: one opened
    // as a document (an operator's SVG logo, say) runs nothing.
    h.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(ASSET_CSP));
    res
}

/// The message a person sees for a failed token.
fn token_problem(lang: &Lang, e: &gatehouse_core::Error) -> String {
    match e.code() {
        gatehouse_core::ErrorCode::TokenExpired => lang.t("link-expired"),
        gatehouse_core::ErrorCode::RateLimited => too_many(lang, e),
        _ => lang.t("link-invalid"),
    }
}

/// What a person reads when a rate limit stopped them: how long to wait.
pub(crate) fn too_many(lang: &Lang, e: &gatehouse_core::Error) -> String {
    match e {
        gatehouse_core::Error::RateLimited { retry_after } => {
            lang.t_with("too-many-attempts-wait", [("wait", durations::wait(lang, *retry_after).into())])
        }
        _ => lang.t("too-many-attempts"),
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::too_many;
    use crate::pages::lang::tests::lang;

    #[test]
    fn a_rate_limit_says_how_long_to_wait() {
        let e = gatehouse_core::Error::RateLimited { retry_after: Duration::from_secs(300) };
        assert_eq!(too_many(&lang("en"), &e), "Too many attempts. Try again in 5 minutes.");
        assert_eq!(too_many(&lang("de"), &e), "Zu viele Versuche. Versuchen Sie es in 5 Minuten erneut.");
    }
}
