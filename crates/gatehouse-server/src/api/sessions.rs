//! `GET /api/auth/sessions` and `DELETE /api/auth/sessions/{id}`.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use gatehouse_core::session::SessionId;
use gatehouse_core::Error;

use super::dto::{SessionList, SessionView};
use crate::error::{ApiResult, Problem};
use crate::extract::{Auth, Client};
use crate::state::AppState;

/// The caller's active sessions, newest first.
#[utoipa::path(get, path = "/api/auth/sessions", tag = "auth",
    responses((status = 200, body = SessionList), (status = 401, body = Problem)), security(("bearer" = [])))]
pub async fn list(State(state): State<AppState>, Auth(auth): Auth) -> ApiResult<Json<SessionList>> {
    let sessions = state.auth.my_sessions(&auth).await?;
    let sessions = sessions.iter().map(|s| SessionView::new(s, s.id == auth.session_id())).collect();
    Ok(Json(SessionList { sessions }))
}

/// End one of the caller's sessions.
#[utoipa::path(delete, path = "/api/auth/sessions/{id}", tag = "auth",
    params(("id" = String, Path, description = "session id")),
    responses((status = 204), (status = 404, body = Problem), (status = 401, body = Problem)), security(("bearer" = [])))]
pub async fn end(
    State(state): State<AppState>,
    Client(client): Client,
    Auth(auth): Auth,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    let id = uuid::Uuid::parse_str(&id).map_err(|_| Error::NotFound("no such session".into()))?;
    state.auth.end_my_session(&auth, SessionId(id), &client).await?;
    Ok(StatusCode::NO_CONTENT)
}
