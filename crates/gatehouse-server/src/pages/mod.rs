//! Server-rendered pages (minijinja, HTML auto-escaped), no JavaScript, a
//! strict CSP: `/login` (browser sessions, see [`browser`]), and the pages the
//! links in Gatehouse's mails open, `/verify-email` and `/reset-password`. A
//! GET only shows a form; the action happens on POST, so mail scanners that
//! prefetch links change nothing. In the mail pages the token in the form is
//! the credential; the login form has a double-submit CSRF token.

pub mod browser;
pub(crate) mod login;
mod reset_password;
mod verify_email;

use std::sync::OnceLock;

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use minijinja::Environment;

use crate::state::AppState;

/// CSP of the mail-link pages: only our stylesheet, forms post to us, never framed.
const PAGE_CSP: &str =
    "default-src 'none'; style-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
/// CSP of the sign-in pages (login, second factor, consent, sign-out). No
/// `form-action`: browsers apply it to every redirect that follows a form
/// post, and these forms end in a redirect to the application's registered
/// URI on another origin. Forms are server-rendered and auto-escaped, and no
/// script runs, so nothing can be injected to post elsewhere.
const SIGN_IN_CSP: &str = "default-src 'none'; style-src 'self'; frame-ancestors 'none'; base-uri 'none'";

/// Pages whose forms end in a redirect off this origin.
const SIGN_IN_PAGES: [&str; 4] = ["login.html", "login_mfa.html", "consent.html", "logout_confirm.html"];

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/verify-email", get(verify_email::show).post(verify_email::submit))
        .route("/reset-password", get(reset_password::show).post(reset_password::submit))
        .route("/login", get(login::show).post(login::submit))
        .route("/login/mfa", axum::routing::post(login::submit_mfa))
        .route("/assets/gatehouse.css", get(stylesheet))
}

fn templates() -> &'static Result<Environment<'static>, String> {
    static ENV: OnceLock<Result<Environment<'static>, String>> = OnceLock::new();
    ENV.get_or_init(|| {
        let mut env = Environment::new();
        for (name, source) in [
            ("layout.html", include_str!("../../templates/pages/layout.html")),
            ("verify_email.html", include_str!("../../templates/pages/verify_email.html")),
            ("reset_password.html", include_str!("../../templates/pages/reset_password.html")),
            ("login.html", include_str!("../../templates/pages/login.html")),
            ("login_mfa.html", include_str!("../../templates/pages/login_mfa.html")),
            ("message.html", include_str!("../../templates/pages/message.html")),
            ("consent.html", include_str!("../../templates/pages/consent.html")),
            ("logout_confirm.html", include_str!("../../templates/pages/logout_confirm.html")),
        ] {
            env.add_template(name, source).map_err(|e| e.to_string())?;
        }
        Ok(env)
    })
}

/// Renders a page with the page CSP.
pub(crate) fn render(status: StatusCode, name: &str, ctx: minijinja::Value) -> Response {
    let html = match templates() {
        Ok(env) => env.get_template(name).and_then(|t| t.render(ctx)).map_err(|e| e.to_string()),
        Err(e) => Err(e.clone()),
    };
    match html {
        Ok(html) => {
            let mut res = (status, Html(html)).into_response();
            let sign_in = SIGN_IN_PAGES.contains(&name);
            let csp = if sign_in { SIGN_IN_CSP } else { PAGE_CSP };
            res.headers_mut().insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(csp));
            if sign_in {
                // With `no-referrer` browsers send `Origin: null` on form posts,
                // which the CSRF Origin check must refuse; `same-origin` sends
                // the real origin to us and no referrer to anyone else.
                res.headers_mut().insert(header::REFERRER_POLICY, HeaderValue::from_static("same-origin"));
            }
            res
        }
        Err(e) => {
            tracing::error!(page = name, error = %e, "cannot render a page");
            (StatusCode::INTERNAL_SERVER_ERROR, "internal error").into_response()
        }
    }
}

async fn stylesheet() -> Response {
    let mut res = include_str!("../../assets/gatehouse.css").into_response();
    let h = res.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/css; charset=utf-8"));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=3600"));
    res
}

/// The message a person sees for a failed token.
fn token_problem(e: &gatehouse_core::Error) -> &'static str {
    match e.code() {
        gatehouse_core::ErrorCode::TokenExpired => "This link has expired. Ask for a new one.",
        gatehouse_core::ErrorCode::RateLimited => "Too many attempts. Wait a little and try again.",
        _ => "This link is not valid: it was already used, a newer one was sent, or it is incomplete.",
    }
}
