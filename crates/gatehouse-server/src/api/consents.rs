//! `GET /api/auth/consents` and `DELETE /api/auth/consents/{client_id}`: the
//! applications a person has allowed (connected apps), and withdrawing one —
//! which also ends the sessions that application holds for them.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use gatehouse_core::Error;
use serde::Serialize;
use utoipa::ToSchema;

use super::dto::rfc3339;
use crate::error::{ApiResult, Problem};
use crate::extract::{Auth, Client};
use crate::state::AppState;

#[derive(Serialize, ToSchema)]
pub struct ConsentView {
    pub client_id: String,
    /// The application's name (absent if it was deleted meanwhile).
    pub client_name: Option<String>,
    /// The approved scopes, space-separated.
    pub scope: String,
    pub granted_at: String,
}

#[derive(Serialize, ToSchema)]
pub struct ConsentList {
    pub consents: Vec<ConsentView>,
}

/// The applications the caller has allowed, newest first.
#[utoipa::path(get, path = "/api/auth/consents", tag = "auth",
    responses((status = 200, body = ConsentList), (status = 401, body = Problem)), security(("bearer" = [])))]
pub async fn list(State(state): State<AppState>, Auth(auth): Auth) -> ApiResult<Json<ConsentList>> {
    let consents = state
        .oauth
        .consents(auth.user_id())
        .await?
        .into_iter()
        .map(|(c, client)| ConsentView {
            client_id: c.client_id,
            client_name: client.map(|c| c.name),
            scope: c.scope.to_string(),
            granted_at: rfc3339(c.granted_at),
        })
        .collect();
    Ok(Json(ConsentList { consents }))
}

/// Withdraw consent from an application; its tokens for the caller stop working.
#[utoipa::path(delete, path = "/api/auth/consents/{client_id}", tag = "auth",
    params(("client_id" = String, Path, description = "the application's client id")),
    responses((status = 204), (status = 404, body = Problem), (status = 401, body = Problem)), security(("bearer" = [])))]
pub async fn revoke(
    State(state): State<AppState>,
    Client(client): Client,
    Auth(auth): Auth,
    Path(client_id): Path<String>,
) -> ApiResult<StatusCode> {
    if state.oauth.revoke_consent(auth.user_id(), &client_id, &client).await? {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(Error::NotFound("no consent for that application".into()).into())
    }
}
