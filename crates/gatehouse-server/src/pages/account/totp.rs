//! Two-step verification on the account page: setting up an authenticator
//! app (QR code and key, then a code to confirm — the pending secret stays on
//! the server between the two steps), turning it off, and new backup codes.
//! Backup codes are shown once, on the page that answers the post.

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use gatehouse_core::flows::TotpEnrollment;
use gatehouse_core::ErrorCode;
use minijinja::context;
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;

use super::{done, failure, internal, page, proof, refusal, renew, with_session_cookie, CsrfForm, Done, Feedback};
use crate::extract::{Client, PageForm};
use crate::pages::render;
use crate::pages::signed_in::{self, SignedIn};
use crate::pages::Lang;
use crate::state::AppState;

#[derive(Deserialize)]
pub struct CodeForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    code: String,
}

#[derive(Deserialize)]
pub struct DisableForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    totp_password: String,
}

#[derive(Deserialize)]
pub struct CodesForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    codes_password: String,
}

/// `POST /account/totp/setup`: a new secret, shown as a QR code and as text.
pub async fn setup(
    State(state): State<AppState>,
    lang: Lang,
    Client(client): Client,
    signed_in: SignedIn,
    headers: HeaderMap,
    PageForm(form): PageForm<CsrfForm>,
) -> Response {
    if !signed_in.check_form(&state, &headers, &form.csrf) {
        return signed_in::forged_in(&state, &lang);
    }
    match state.auth.setup_totp(&signed_in.auth(&state), &client).await {
        Ok(enrollment) => totp_page(&state, &lang, &signed_in, StatusCode::OK, &enrollment, None),
        Err(e) => {
            let (status, message) = failure(&lang, &e);
            page(&state, &lang, &signed_in, Feedback::page(status, message)).await
        }
    }
}

/// `POST /account/totp/enable`: the code from the app turns it on; the
/// backup codes are shown once and the browser gets a new session.
pub async fn enable(
    State(state): State<AppState>,
    lang: Lang,
    Client(client): Client,
    signed_in: SignedIn,
    headers: HeaderMap,
    PageForm(form): PageForm<CodeForm>,
) -> Response {
    if !signed_in.check_form(&state, &headers, &form.csrf) {
        return signed_in::forged_in(&state, &lang);
    }
    let auth = signed_in.auth(&state);
    let code: String = form.code.chars().filter(|c| !c.is_whitespace()).collect();
    match state.auth.enable_totp(&auth, &code, &client).await {
        Ok(codes) => {
            let cookie = renew(&state, &headers, &signed_in, &client).await;
            let title = lang.t("account-codes-on-title");
            let res = codes_page(&state, &lang, &title, &codes, &format!("/account?done={}", Done::TotpOn.as_str()));
            with_session_cookie(&state, res, cookie)
        }
        Err(e) if e.code() == ErrorCode::InvalidMfaCode => match state.auth.pending_totp(&auth).await {
            Ok(Some(enrollment)) => {
                let error = lang.t("account-error-totp-clock");
                totp_page(&state, &lang, &signed_in, StatusCode::UNAUTHORIZED, &enrollment, Some(&error))
            }
            Ok(None) => Redirect::to("/account").into_response(),
            Err(e) => {
                tracing::error!(error = %e, "cannot show a pending authenticator setup");
                internal(&state, &lang)
            }
        },
        Err(e) => {
            let (status, message) = match e.code() {
                ErrorCode::MfaNotEnabled => (StatusCode::CONFLICT, lang.t("account-error-totp-not-started")),
                _ => failure(&lang, &e),
            };
            page(&state, &lang, &signed_in, Feedback::page(status, message)).await
        }
    }
}

/// `POST /account/totp/disable` (a recent sign-in or the current password).
pub async fn disable(
    State(state): State<AppState>,
    lang: Lang,
    Client(client): Client,
    signed_in: SignedIn,
    headers: HeaderMap,
    PageForm(form): PageForm<DisableForm>,
) -> Response {
    if let Some(refused) = refusal(&state, &lang, &signed_in, &headers, &form.csrf) {
        return refused;
    }
    match state.auth.disable_totp(&signed_in.auth(&state), proof(form.totp_password), &client).await {
        Ok(()) => done(Done::TotpOff),
        Err(e) => step_up_failed(&state, &lang, &signed_in, &e, "totp_password").await,
    }
}

/// `POST /account/backup-codes`: new codes; the old ones stop working.
pub async fn backup_codes(
    State(state): State<AppState>,
    lang: Lang,
    Client(client): Client,
    signed_in: SignedIn,
    headers: HeaderMap,
    PageForm(form): PageForm<CodesForm>,
) -> Response {
    if let Some(refused) = refusal(&state, &lang, &signed_in, &headers, &form.csrf) {
        return refused;
    }
    match state.auth.regenerate_backup_codes(&signed_in.auth(&state), proof(form.codes_password), &client).await {
        Ok(codes) => codes_page(&state, &lang, &lang.t("account-codes-new-title"), &codes, "/account"),
        Err(e) => step_up_failed(&state, &lang, &signed_in, &e, "codes_password").await,
    }
}

/// The page again after a flow that needed a recent sign-in failed: a wrong
/// or missing password goes under its field.
async fn step_up_failed(
    state: &AppState,
    lang: &Lang,
    signed_in: &SignedIn,
    e: &gatehouse_core::Error,
    field: &'static str,
) -> Response {
    let (status, message) = failure(lang, e);
    let fb = match e.code() {
        ErrorCode::ReauthenticationRequired | ErrorCode::InvalidCredentials => Feedback::field(status, field, message),
        _ => Feedback::page(status, message),
    };
    page(state, lang, signed_in, fb).await
}

/// The setup page: QR code, the key as text, and the code field.
fn totp_page(
    state: &AppState,
    lang: &Lang,
    signed_in: &SignedIn,
    status: StatusCode,
    enrollment: &TotpEnrollment,
    error: Option<&str>,
) -> Response {
    render(
        state,
        lang,
        status,
        "account_totp.html",
        context! {
            title => lang.t("account-totp-title"),
            csrf => &signed_in.csrf,
            qr => &enrollment.qr_png,
            secret => enrollment.secret.expose_secret(),
            error,
        },
    )
}

/// Backup codes, shown this once; `next` is where "Done" leads.
fn codes_page(state: &AppState, lang: &Lang, title: &str, codes: &[SecretString], next: &str) -> Response {
    let codes: Vec<&str> = codes.iter().map(|c| c.expose_secret()).collect();
    render(state, lang, StatusCode::OK, "account_codes.html", context! { title, codes, next })
}
