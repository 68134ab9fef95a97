//! `/admin/keys`: the signing keys — which signs, which is published ahead
//! or still verifies, which is retired — and rotating them (asked first).
//! Key material never appears here; the public keys are at the JWKS
//! endpoint.

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use gatehouse_core::token::KeyStatus;
use minijinja::context;
use serde::Serialize;

use super::confirm::{self, Confirmed, Question};
use super::{actor, back, may, notice, refused, render, when, Admin, Can, NoticeQuery};
use crate::extract::Client;
use crate::state::AppState;

const NOTICES: &[(&str, &str, bool)] =
    &[("rotated", "New signing keys sign from now on; the previous ones still verify the tokens they signed.", false)];

/// A key as the table shows it.
#[derive(Serialize)]
struct KeyRow {
    kid: String,
    alg: &'static str,
    status: &'static str,
    signs: bool,
    created: String,
}

/// `GET /admin/keys`.
pub async fn list(State(state): State<AppState>, Admin(admin): Admin, Query(query): Query<NoticeQuery>) -> Response {
    let keys = match state.admin.all_keys(&actor(&admin)).await {
        Ok(keys) => keys,
        Err(e) => return refused(&state, &e),
    };
    let rows: Vec<KeyRow> = keys
        .iter()
        .map(|k| KeyRow {
            kid: k.kid.clone(),
            alg: k.alg.as_str(),
            status: k.status.as_str(),
            signs: k.status == KeyStatus::Current,
            created: when(k.created_at),
        })
        .collect();
    let notice = notice(NOTICES, query.notice.as_deref());
    render(
        &state,
        &admin,
        StatusCode::OK,
        "admin_keys.html",
        context! { title => "Signing keys", tab => "keys", keys => rows, notice },
    )
}

/// `GET /admin/keys/rotate`: asks first.
pub async fn ask_rotate(State(state): State<AppState>, Admin(admin): Admin) -> Response {
    if let Some(res) = may(&state, Can::of(&admin).keys_rotate) {
        return res;
    }
    let question = Question {
        title: "Rotate the signing keys?",
        consequence: "New keys sign every token from now on. Tokens already issued keep working: the keys that \
                      signed them stay published until those tokens expire. Applications that cache the JWKS \
                      fetch it again when they meet the new key id.",
        action: "/admin/keys/rotate",
        button: "Rotate the keys",
        back: "/admin/keys",
        tab: "keys",
    };
    confirm::page(&state, &admin, &question)
}

/// `POST /admin/keys/rotate` (confirmed).
pub async fn rotate(State(state): State<AppState>, Client(client): Client, Confirmed(admin): Confirmed) -> Response {
    match state.admin.rotate_keys(&actor(&admin), &client).await {
        Ok(_) => back("/admin/keys", "rotated"),
        Err(e) => refused(&state, &e),
    }
}
