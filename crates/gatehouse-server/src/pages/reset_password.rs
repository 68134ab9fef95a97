//! `/reset-password?token=…`: choose a new password. The GET only shows the
//! form; the token in it is the credential, spent by the POST. A weak choice
//! or a mistyped confirmation is explained and the link stays usable.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use minijinja::context;
use serde::Deserialize;

use super::reasons::password_problem;
use super::{render, token_problem, Lang};
use crate::extract::ApiQuery;
use crate::extract::{Client, PageForm};
use crate::state::AppState;

#[derive(Deserialize)]
pub struct TokenQuery {
    #[serde(default)]
    token: String,
}

#[derive(Deserialize)]
pub struct ResetForm {
    #[serde(default)]
    token: String,
    #[serde(default)]
    new_password: String,
    /// The confirmation field (checked when sent).
    confirm_password: Option<String>,
}

/// What is wrong with the form, under its field.
#[derive(Default)]
struct FieldError {
    password: Option<String>,
    confirm: Option<String>,
}

pub async fn show(State(state): State<AppState>, lang: Lang, ApiQuery(q): ApiQuery<TokenQuery>) -> Response {
    form_page(&state, &lang, StatusCode::OK, &q.token, FieldError::default())
}

fn form_page(state: &AppState, lang: &Lang, status: StatusCode, token: &str, error: FieldError) -> Response {
    let min_length = state.config.password_policy.min_length;
    render(
        state,
        lang,
        status,
        "reset_password.html",
        context! {
            title => lang.t("reset-title"),
            token,
            min_length,
            error => error.password,
            confirm_error => error.confirm,
        },
    )
}

pub async fn submit(
    State(state): State<AppState>,
    lang: Lang,
    Client(client): Client,
    PageForm(form): PageForm<ResetForm>,
) -> Response {
    if form.confirm_password.as_ref().is_some_and(|c| *c != form.new_password) {
        let error = FieldError { confirm: Some(lang.t("password-mismatch")), ..FieldError::default() };
        return form_page(&state, &lang, StatusCode::UNPROCESSABLE_ENTITY, &form.token, error);
    }
    let token = form.token.clone();
    match state.lifecycle.reset_password(form.token.into(), form.new_password.into(), &client).await {
        Ok(()) => render(
            &state,
            &lang,
            StatusCode::OK,
            "reset_password.html",
            context! { title => lang.t("reset-done-title"), done => true },
        ),
        // A weak password: show the reason, keep the (unspent) link.
        Err(gatehouse_core::Error::WeakPassword(problem)) => {
            let error = FieldError { password: Some(password_problem(&lang, &problem)), ..FieldError::default() };
            form_page(&state, &lang, StatusCode::UNPROCESSABLE_ENTITY, &token, error)
        }
        Err(e) => render(
            &state,
            &lang,
            StatusCode::BAD_REQUEST,
            "reset_password.html",
            context! { title => lang.t("reset-title"), fatal => true, error => token_problem(&lang, &e) },
        ),
    }
}
