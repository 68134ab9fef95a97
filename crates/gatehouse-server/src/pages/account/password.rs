//! Changing the password on the account page: the current one is required,
//! every other session ends (the core flow), and this browser gets a new
//! session id — a privilege change never keeps an id seen before it.

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use gatehouse_core::ErrorCode;
use serde::Deserialize;

use super::{done, failure, page, refusal, renew, signed_out, with_session_cookie, Done, Feedback};
use crate::extract::{Client, PageForm};
use crate::pages::signed_in::SignedIn;
use crate::pages::Lang;
use crate::state::AppState;

#[derive(Deserialize)]
pub struct PasswordForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    current_password: String,
    #[serde(default)]
    new_password: String,
    #[serde(default)]
    confirm_password: String,
    /// The "also revoke my API keys" box (ticked unless the person unticks it).
    revoke_api_keys: Option<String>,
}

/// `POST /account/password`.
pub async fn change(
    State(state): State<AppState>,
    lang: Lang,
    Client(client): Client,
    signed_in: SignedIn,
    headers: HeaderMap,
    PageForm(form): PageForm<PasswordForm>,
) -> Response {
    if let Some(refused) = refusal(&state, &lang, &signed_in, &headers, &form.csrf) {
        return refused;
    }
    let invalid = StatusCode::UNPROCESSABLE_ENTITY;
    let problem = if form.current_password.is_empty() {
        Some(Feedback::field(invalid, "current_password", lang.t("account-error-enter-current-password")))
    } else if form.new_password != form.confirm_password {
        Some(Feedback::field(invalid, "confirm_password", lang.t("account-error-passwords-differ")))
    } else {
        None
    };
    if let Some(fb) = problem {
        return page(&state, &lang, &signed_in, fb).await;
    }
    let auth = signed_in.auth(&state);
    let changed = state
        .lifecycle
        .change_password(
            &auth,
            form.current_password.into(),
            form.new_password.into(),
            form.revoke_api_keys.is_some(),
            &client,
        )
        .await;
    if let Err(e) = changed {
        let field = if e.code() == ErrorCode::WeakPassword { "new_password" } else { "current_password" };
        let (status, message) = failure(&lang, &e);
        return page(&state, &lang, &signed_in, Feedback::field(status, field, message)).await;
    }
    match renew(&state, &headers, &signed_in, &client).await {
        Some(cookie) => with_session_cookie(&state, done(Done::PasswordChanged), Some(cookie)),
        None => signed_out(&state),
    }
}
