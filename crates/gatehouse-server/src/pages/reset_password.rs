//! `/reset-password?token=…`: choose a new password.

use axum::extract::{Form, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use gatehouse_core::ErrorCode;
use minijinja::context;
use serde::Deserialize;

use super::{render, token_problem};
use crate::extract::Client;
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
}

pub async fn show(State(state): State<AppState>, Query(q): Query<TokenQuery>) -> Response {
    let config = state.accounts.config();
    render(
        StatusCode::OK,
        "reset_password.html",
        context! { product => &config.product_name, title => "Choose a new password", token => q.token,
        min_length => config.password_policy.min_length },
    )
}

pub async fn submit(State(state): State<AppState>, Client(client): Client, Form(form): Form<ResetForm>) -> Response {
    let config = state.accounts.config();
    let product = config.product_name.clone();
    let min_length = config.password_policy.min_length;
    let token = form.token.clone();
    match state.accounts.reset_password(form.token.into(), form.new_password.into(), &client).await {
        Ok(()) => render(
            StatusCode::OK,
            "reset_password.html",
            context! { product, title => "Password changed", done => true },
        ),
        // A weak password: show the reason, keep the (unspent) link.
        Err(e) if e.code() == ErrorCode::WeakPassword => render(
            StatusCode::UNPROCESSABLE_ENTITY,
            "reset_password.html",
            context! { product, title => "Choose a new password", token, min_length, error => e.to_string() },
        ),
        Err(e) => render(
            StatusCode::BAD_REQUEST,
            "reset_password.html",
            context! { product, title => "Choose a new password", fatal => true, error => token_problem(&e) },
        ),
    }
}
