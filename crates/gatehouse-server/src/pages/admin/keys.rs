//! `/admin/keys`: the signing keys — which signs, which is published ahead
//! or still verifies, which is retired — and rotating them (asked first).
//! Key material never appears here; the public keys are at the JWKS
//! endpoint.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use gatehouse_core::token::KeyStatus;
use minijinja::context;
use serde::Serialize;

use super::confirm::{self, Confirmed, Question};
use super::{actor, back, may, notice, refused, render_admin, when, Admin, Can, NoticeQuery};
use crate::extract::ApiQuery;
use crate::extract::Client;
use crate::pages::Lang;
use crate::state::AppState;

const NOTICES: &[(&str, &str, bool)] = &[("rotated", "admin-keys-rotated", false)];

/// A key as the table shows it.
#[derive(Serialize)]
struct KeyRow {
    kid: String,
    alg: &'static str,
    /// The status's code (`current`, `retired`) and in words.
    status: &'static str,
    status_name: String,
    signs: bool,
    created: String,
}

/// The message of a key's status.
fn status_message(status: KeyStatus) -> &'static str {
    match status {
        KeyStatus::Next => "admin-keys-status-next",
        KeyStatus::Current => "admin-keys-status-current",
        KeyStatus::Previous => "admin-keys-status-previous",
        KeyStatus::Retired => "admin-keys-status-retired",
    }
}

/// `GET /admin/keys`.
pub async fn list(
    State(state): State<AppState>,
    lang: Lang,
    Admin(admin): Admin,
    ApiQuery(query): ApiQuery<NoticeQuery>,
) -> Response {
    let keys = match state.admin.all_keys(&actor(&admin)).await {
        Ok(keys) => keys,
        Err(e) => return refused(&state, &lang, &e),
    };
    let rows: Vec<KeyRow> = keys
        .iter()
        .map(|k| KeyRow {
            kid: k.kid.clone(),
            alg: k.alg.as_str(),
            status: k.status.as_str(),
            status_name: lang.t(status_message(k.status)),
            signs: k.status == KeyStatus::Current,
            created: when(k.created_at),
        })
        .collect();
    let notice = notice(&lang, NOTICES, query.notice.as_deref());
    render_admin(
        &state,
        &lang,
        &admin,
        StatusCode::OK,
        "admin_keys.html",
        context! { title => lang.t("admin-keys-title"), tab => "keys", keys => rows, notice },
    )
}

/// `GET /admin/keys/rotate`: asks first.
pub async fn ask_rotate(State(state): State<AppState>, lang: Lang, Admin(admin): Admin) -> Response {
    if let Some(res) = may(&state, &lang, Can::of(&admin).keys_rotate) {
        return res;
    }
    let question = Question::on("keys", "rotate-keys", "/admin/keys", "rotate", lang.t("admin-confirm-rotate-keys"));
    confirm::page(&state, &lang, &admin, question)
}

/// `POST /admin/keys/rotate` (confirmed).
pub async fn rotate(
    State(state): State<AppState>,
    lang: Lang,
    Client(client): Client,
    Confirmed(admin): Confirmed,
) -> Response {
    match state.admin.rotate_keys(&actor(&admin), &client).await {
        Ok(_) => back("/admin/keys", "rotated"),
        Err(e) => refused(&state, &lang, &e),
    }
}
