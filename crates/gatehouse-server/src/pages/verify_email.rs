//! `/verify-email?token=…`: confirm an email address (or a new one). The GET
//! only shows a button; the POST spends the token, then offers the way on to
//! the account.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use gatehouse_core::flows::Verified;
use minijinja::context;
use serde::Deserialize;

use super::{render, token_problem, Lang};
use crate::extract::ApiQuery;
use crate::extract::{Client, PageForm};
use crate::state::AppState;

#[derive(Deserialize)]
pub struct TokenQuery {
    #[serde(default)]
    token: String,
}

pub async fn show(State(state): State<AppState>, lang: Lang, ApiQuery(q): ApiQuery<TokenQuery>) -> Response {
    render(
        &state,
        &lang,
        StatusCode::OK,
        "verify_email.html",
        context! { title => lang.t("verify-title"), token => q.token },
    )
}

pub async fn submit(
    State(state): State<AppState>,
    lang: Lang,
    Client(client): Client,
    PageForm(q): PageForm<TokenQuery>,
) -> Response {
    match state.lifecycle.verify_email(q.token.into(), &client).await {
        Ok(kind) => {
            let message = match kind {
                Verified::Email => lang.t("verify-done-email"),
                Verified::NewEmail => lang.t("verify-done-new-email"),
            };
            render(
                &state,
                &lang,
                StatusCode::OK,
                "verify_email.html",
                context! { title => lang.t("verify-done-title"), done => true, message },
            )
        }
        Err(e) => render(
            &state,
            &lang,
            StatusCode::BAD_REQUEST,
            "verify_email.html",
            context! { title => lang.t("verify-title"), error => token_problem(&lang, &e) },
        ),
    }
}
