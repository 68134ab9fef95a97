//! A user's sessions and API keys, from the user's page: end one session,
//! end all of them (asked first), revoke one API key.

use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;
use gatehouse_core::session::SessionId;
use gatehouse_core::ErrorCode;
use serde::Deserialize;

use super::confirm::{self, Confirmed, Question};
use super::users::{checked, load, path_of};
use super::{actor, back, may, not_found, refused, Admin, Can};
use crate::extract::{Client, PageForm};
use crate::pages::Lang;
use crate::state::AppState;

#[derive(Deserialize)]
pub struct SessionForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    session: String,
}

#[derive(Deserialize)]
pub struct KeyForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    key: String,
}

/// `POST /admin/users/{id}/sessions/end`: ends one session.
pub async fn end_one(
    State(state): State<AppState>,
    lang: Lang,
    Client(client): Client,
    headers: HeaderMap,
    Admin(admin): Admin,
    Path(id): Path<String>,
    PageForm(form): PageForm<SessionForm>,
) -> Response {
    let user = match checked(&state, &lang, &headers, &admin, &form.csrf, &id).await {
        Ok(user) => user,
        Err(res) => return res,
    };
    let Ok(session) = uuid::Uuid::parse_str(form.session.trim()) else {
        return not_found(&state, &lang, "admin-no-such-session");
    };
    match state.admin.end_user_sessions(&actor(&admin), user.id, Some(SessionId(session)), &client).await {
        Ok(_) => back(&path_of(user.id), "session_ended"),
        Err(e) if e.code() == ErrorCode::NotFound => not_found(&state, &lang, "admin-session-already-ended"),
        Err(e) => refused(&state, &lang, &e),
    }
}

/// `GET /admin/users/{id}/sessions/end-all`: asks first.
pub async fn ask_end_all(
    State(state): State<AppState>,
    lang: Lang,
    Admin(admin): Admin,
    Path(id): Path<String>,
) -> Response {
    if let Some(res) = may(&state, &lang, Can::of(&admin).users_write) {
        return res;
    }
    let user = match load(&state, &lang, &admin, &id).await {
        Ok(user) => user,
        Err(res) => return res,
    };
    let consequence =
        lang.t_with("admin-confirm-end-sessions", [("username", user.username.as_str().to_owned().into())]);
    let question = Question::on("users", "end-sessions", &path_of(user.id), "sessions/end-all", consequence);
    confirm::page(&state, &lang, &admin, question)
}

/// `POST /admin/users/{id}/sessions/end-all` (confirmed).
pub async fn end_all(
    State(state): State<AppState>,
    lang: Lang,
    Client(client): Client,
    Path(id): Path<String>,
    Confirmed(admin): Confirmed,
) -> Response {
    let user = match load(&state, &lang, &admin, &id).await {
        Ok(user) => user,
        Err(res) => return res,
    };
    match state.admin.end_user_sessions(&actor(&admin), user.id, None, &client).await {
        Ok(_) => back(&path_of(user.id), "sessions_ended"),
        Err(e) => refused(&state, &lang, &e),
    }
}

/// `POST /admin/users/{id}/api-keys/revoke`: revokes one API key.
pub async fn revoke_key(
    State(state): State<AppState>,
    lang: Lang,
    Client(client): Client,
    headers: HeaderMap,
    Admin(admin): Admin,
    Path(id): Path<String>,
    PageForm(form): PageForm<KeyForm>,
) -> Response {
    let user = match checked(&state, &lang, &headers, &admin, &form.csrf, &id).await {
        Ok(user) => user,
        Err(res) => return res,
    };
    let Ok(key) = uuid::Uuid::parse_str(form.key.trim()) else {
        return not_found(&state, &lang, "admin-no-such-key");
    };
    match state.admin.revoke_user_api_key(&actor(&admin), user.id, key, &client).await {
        Ok(()) => back(&path_of(user.id), "key_revoked"),
        Err(e) if e.code() == ErrorCode::NotFound => not_found(&state, &lang, "admin-key-already-revoked"),
        Err(e) => refused(&state, &lang, &e),
    }
}
