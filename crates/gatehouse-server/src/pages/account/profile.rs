//! The profile section: sending the verification link again and asking to
//! change the email address (a link goes to the new address; the address
//! changes when it is followed, see `/verify-email`).

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use gatehouse_core::ErrorCode;
use serde::Deserialize;

use super::{done, failure, page, refusal, CsrfForm, Done, Feedback};
use crate::extract::{Client, PageForm};
use crate::pages::signed_in::{self, SignedIn};
use crate::pages::Lang;
use crate::state::AppState;

#[derive(Deserialize)]
pub struct EmailForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    new_email: String,
    #[serde(default)]
    email_password: String,
}

/// `POST /account/email/resend`.
pub async fn resend(
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
    match state.lifecycle.resend_verification(&signed_in.auth(&state), &client).await {
        Ok(()) => done(Done::VerificationSent),
        Err(e) => {
            let (status, message) = failure(&lang, &e);
            page(&state, &lang, &signed_in, Feedback::page(status, message)).await
        }
    }
}

/// `POST /account/email`: new address + current password.
pub async fn change_email(
    State(state): State<AppState>,
    lang: Lang,
    Client(client): Client,
    signed_in: SignedIn,
    headers: HeaderMap,
    PageForm(form): PageForm<EmailForm>,
) -> Response {
    if let Some(refused) = refusal(&state, &lang, &signed_in, &headers, &form.csrf) {
        return refused;
    }
    let new_email = form.new_email.trim().to_owned();
    if form.email_password.is_empty() {
        let fb = Feedback::field(
            StatusCode::UNPROCESSABLE_ENTITY,
            "email_password",
            lang.t("account-error-enter-current-password"),
        );
        return page(&state, &lang, &signed_in, fb.keep("new_email", new_email)).await;
    }
    let auth = signed_in.auth(&state);
    match state.lifecycle.request_email_change(&auth, &new_email, form.email_password.into(), &client).await {
        Ok(()) => done(Done::EmailChangeRequested),
        Err(e) => {
            let (status, message) = match e.code() {
                ErrorCode::InvalidRequest => (StatusCode::UNPROCESSABLE_ENTITY, lang.t("account-error-same-address")),
                _ => failure(&lang, &e),
            };
            let field = if e.code() == ErrorCode::InvalidCredentials { "email_password" } else { "new_email" };
            page(&state, &lang, &signed_in, Feedback::field(status, field, message).keep("new_email", new_email)).await
        }
    }
}
