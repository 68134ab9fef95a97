//! `/forgot-password`: ask for a link to choose a new password. The page
//! answers the same "check your email" whatever the address — whether it has
//! an account is never shown — through the same core calls as
//! `POST /api/auth/password/forgot`: its rate limits are checked before the
//! answer, and the mail is sent in the background so the timing says nothing
//! either. The form carries the double-submit CSRF token of `/login`.

use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use gatehouse_core::account::Email;
use gatehouse_core::ErrorCode;
use minijinja::context;
use secrecy::ExposeSecret;
use serde::Deserialize;

use super::browser::{self, CSRF_COOKIE};
use super::{render, Lang};
use crate::extract::{Client, PageForm};
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new().route("/forgot-password", get(show).post(submit))
}

#[derive(Deserialize)]
pub struct ForgotForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    csrf: String,
}

async fn show(State(state): State<AppState>, lang: Lang) -> Response {
    form_page(&state, &lang, StatusCode::OK, "", None, None)
}

/// The form; `notice` is about the whole request, `error` about the address.
fn form_page(
    state: &AppState,
    lang: &Lang,
    status: StatusCode,
    email: &str,
    notice: Option<&str>,
    error: Option<&str>,
) -> Response {
    let (csrf, cookie) = browser::new_signed_out_csrf();
    let mut res = render(
        state,
        lang,
        status,
        "forgot_password.html",
        context! { title => lang.t("forgot-title"), csrf => csrf.expose_secret(), email, notice, error },
    );
    res.headers_mut().append(header::SET_COOKIE, cookie);
    res
}

async fn submit(
    State(state): State<AppState>,
    lang: Lang,
    Client(client): Client,
    headers: HeaderMap,
    PageForm(form): PageForm<ForgotForm>,
) -> Response {
    let email = form.email.trim();
    if !browser::signed_out_csrf_ok(&state, &headers, &form.csrf) {
        let notice = super::origin::refusal_message(&state, &lang, &headers);
        return form_page(&state, &lang, StatusCode::FORBIDDEN, email, Some(&notice), None);
    }
    // Only the shape of the address: says nothing about accounts.
    if Email::parse(email).is_err() {
        let error = lang.t("forgot-email-invalid");
        return form_page(&state, &lang, StatusCode::UNPROCESSABLE_ENTITY, email, None, Some(&error));
    }
    if let Err(e) = state.lifecycle.check_forgot_limits(email, &client).await {
        let (status, notice) = match e.code() {
            ErrorCode::RateLimited => (StatusCode::TOO_MANY_REQUESTS, super::too_many(&lang, &e)),
            _ => {
                tracing::error!(error = %e, "cannot check the password-reset limits");
                (StatusCode::INTERNAL_SERVER_ERROR, lang.t("sign-in-internal-error"))
            }
        };
        return form_page(&state, &lang, status, email, Some(&notice), None);
    }
    // Off the request path: the answer and its timing are the same either way.
    let lifecycle = state.lifecycle.clone();
    let address = email.to_owned();
    tokio::spawn(async move {
        if let Err(e) = lifecycle.send_password_reset(&address, &client).await {
            tracing::error!(error = %e, "password reset request failed");
        }
    });
    let valid_for = super::durations::span(&lang, state.config.password_reset_ttl);
    let mut res = render(
        &state,
        &lang,
        StatusCode::OK,
        "forgot_password.html",
        context! { title => lang.t("forgot-sent-title"), sent => true, valid_for },
    );
    res.headers_mut().append(header::SET_COOKIE, browser::clear_cookie(CSRF_COOKIE));
    res
}
