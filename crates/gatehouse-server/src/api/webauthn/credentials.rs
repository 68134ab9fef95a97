//! `GET /api/auth/webauthn/credentials`, `PATCH|DELETE …/credentials/{id}`.

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use gatehouse_core::mfa::WebauthnCredential;
use gatehouse_core::Error;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::api::dto::rfc3339;
use crate::api::mfa::StepUpBody;
use crate::error::{ApiResult, Problem};
use crate::extract::{optional_json, ApiJson, Auth, Client};
use crate::state::AppState;

#[derive(Serialize, ToSchema)]
pub struct CredentialView {
    pub id: Uuid,
    pub name: String,
    pub created_at: String,
    pub last_used_at: Option<String>,
}

impl From<&WebauthnCredential> for CredentialView {
    fn from(c: &WebauthnCredential) -> Self {
        Self {
            id: c.id,
            name: c.name.clone(),
            created_at: rfc3339(c.created_at),
            last_used_at: c.last_used_at.map(rfc3339),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct CredentialList {
    pub credentials: Vec<CredentialView>,
}

fn credential_id(raw: &str) -> Result<Uuid, Error> {
    Uuid::parse_str(raw).map_err(|_| Error::NotFound("no such credential".into()))
}

/// The caller's passkeys and security keys.
#[utoipa::path(get, path = "/api/auth/webauthn/credentials", tag = "webauthn",
    responses((status = 200, body = CredentialList), (status = 401, body = Problem)), security(("bearer" = [])))]
pub async fn list(State(state): State<AppState>, Auth(auth): Auth) -> ApiResult<Json<CredentialList>> {
    let credentials = state.auth.list_passkeys(&auth).await?;
    Ok(Json(CredentialList { credentials: credentials.iter().map(CredentialView::from).collect() }))
}

#[derive(Deserialize, ToSchema)]
pub struct RenameBody {
    pub name: String,
}

/// Rename a credential.
#[utoipa::path(patch, path = "/api/auth/webauthn/credentials/{id}", tag = "webauthn", request_body = RenameBody,
    params(("id" = String, Path)),
    responses((status = 204), (status = 404, body = Problem)), security(("bearer" = [])))]
pub async fn rename(
    State(state): State<AppState>,
    Auth(auth): Auth,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<RenameBody>,
) -> ApiResult<StatusCode> {
    state.auth.rename_passkey(&auth, credential_id(&id)?, &body.name).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Remove a credential. Needs a recent sign-in or a proof in the body.
#[utoipa::path(delete, path = "/api/auth/webauthn/credentials/{id}", tag = "webauthn", request_body(content = Option<StepUpBody>, description = "A proof of presence when the sign-in is not recent"),
    params(("id" = String, Path)),
    responses((status = 204), (status = 401, description = "`reauthentication_required`", body = Problem), (status = 404, body = Problem)),
    security(("bearer" = [])))]
pub async fn remove(
    State(state): State<AppState>,
    Client(client): Client,
    Auth(auth): Auth,
    Path(id): Path<String>,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<StatusCode> {
    let body: StepUpBody = optional_json(body)?;
    state.auth.remove_passkey(&auth, credential_id(&id)?, body.into(), &client).await?;
    Ok(StatusCode::NO_CONTENT)
}
