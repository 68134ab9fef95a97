//! `/verify-email?token=…`: confirm an email address (or a new one). The GET
//! only shows a button; the POST spends the token, then offers the way on to
//! the account.

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use gatehouse_core::flows::Verified;
use minijinja::context;
use serde::Deserialize;

use super::{render, token_problem};
use crate::extract::{Client, PageForm};
use crate::state::AppState;

#[derive(Deserialize)]
pub struct TokenQuery {
    #[serde(default)]
    token: String,
}

pub async fn show(State(state): State<AppState>, Query(q): Query<TokenQuery>) -> Response {
    render(&state, StatusCode::OK, "verify_email.html", context! { title => "Verify your email", token => q.token })
}

pub async fn submit(
    State(state): State<AppState>,
    Client(client): Client,
    PageForm(q): PageForm<TokenQuery>,
) -> Response {
    match state.lifecycle.verify_email(q.token.into(), &client).await {
        Ok(kind) => {
            let message = match kind {
                Verified::Email => "Your email address is verified.",
                Verified::NewEmail => "Your new email address is confirmed and now in use.",
            };
            render(
                &state,
                StatusCode::OK,
                "verify_email.html",
                context! { title => "Email verified", done => true, message },
            )
        }
        Err(e) => render(
            &state,
            StatusCode::BAD_REQUEST,
            "verify_email.html",
            context! { title => "Verify your email", error => token_problem(&e) },
        ),
    }
}
