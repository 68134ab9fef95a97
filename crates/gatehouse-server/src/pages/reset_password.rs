//! `/reset-password?token=…`: choose a new password. The GET only shows the
//! form; the token in it is the credential, spent by the POST. A weak choice
//! or a mistyped confirmation is explained and the link stays usable.

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use gatehouse_core::ErrorCode;
use minijinja::context;
use serde::Deserialize;

use super::{render, token_problem};
use crate::extract::{Client, PageForm};
use crate::state::AppState;

const TITLE: &str = "Choose a new password";

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
struct FieldError<'a> {
    password: Option<&'a str>,
    confirm: Option<&'a str>,
}

pub async fn show(State(state): State<AppState>, Query(q): Query<TokenQuery>) -> Response {
    form_page(&state, StatusCode::OK, &q.token, FieldError::default())
}

fn form_page(state: &AppState, status: StatusCode, token: &str, error: FieldError) -> Response {
    let min_length = state.config.password_policy.min_length;
    render(
        state,
        status,
        "reset_password.html",
        context! { title => TITLE, token, min_length, error => error.password, confirm_error => error.confirm },
    )
}

pub async fn submit(
    State(state): State<AppState>,
    Client(client): Client,
    PageForm(form): PageForm<ResetForm>,
) -> Response {
    if form.confirm_password.as_ref().is_some_and(|c| *c != form.new_password) {
        let error = FieldError { confirm: Some("Passwords do not match."), ..FieldError::default() };
        return form_page(&state, StatusCode::UNPROCESSABLE_ENTITY, &form.token, error);
    }
    let token = form.token.clone();
    match state.lifecycle.reset_password(form.token.into(), form.new_password.into(), &client).await {
        Ok(()) => render(
            &state,
            StatusCode::OK,
            "reset_password.html",
            context! { title => "Password changed", done => true },
        ),
        // A weak password: show the reason, keep the (unspent) link.
        Err(e) if e.code() == ErrorCode::WeakPassword => {
            let reason = super::register::sentence(&e.to_string());
            let error = FieldError { password: Some(&reason), ..FieldError::default() };
            form_page(&state, StatusCode::UNPROCESSABLE_ENTITY, &token, error)
        }
        Err(e) => render(
            &state,
            StatusCode::BAD_REQUEST,
            "reset_password.html",
            context! { title => TITLE, fatal => true, error => token_problem(&e) },
        ),
    }
}
