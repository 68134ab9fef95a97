//! `POST /api/auth/webauthn/register/{start,finish}`.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::credentials::CredentialView;
use super::CeremonyResponse;
use crate::error::{ApiResult, Problem};
use crate::extract::{ApiJson, Client, EnrollAuth};
use crate::state::AppState;

/// Start registering a passkey or security key for the signed-in user.
#[utoipa::path(post, path = "/api/auth/webauthn/register/start", tag = "webauthn",
    responses((status = 200, body = CeremonyResponse), (status = 400, body = Problem), (status = 401, body = Problem)),
    security(("bearer" = [])))]
pub async fn start(State(state): State<AppState>, EnrollAuth(auth): EnrollAuth) -> ApiResult<Json<CeremonyResponse>> {
    Ok(Json(state.auth.start_passkey_registration(&auth).await?.into()))
}

#[derive(Deserialize, ToSchema)]
pub struct RegisterFinishBody {
    pub ceremony_id: Uuid,
    /// A name for the credential, e.g. "YubiKey 5" (default "Passkey").
    #[serde(default)]
    pub name: Option<String>,
    /// The `PublicKeyCredential` from `navigator.credentials.create()`, as JSON.
    #[schema(value_type = Object)]
    pub credential: serde_json::Value,
}

#[derive(Serialize, ToSchema)]
pub struct RegisterFinishResponse {
    pub credential: CredentialView,
    /// Backup codes, when this is the account's first second factor (shown once).
    pub backup_codes: Vec<String>,
}

/// Finish the registration with the browser's answer.
#[utoipa::path(post, path = "/api/auth/webauthn/register/finish", tag = "webauthn", request_body = RegisterFinishBody,
    responses((status = 201, body = RegisterFinishResponse), (status = 400, description = "`invalid_request`: the answer did not verify, or the ceremony is unknown or expired", body = Problem)),
    security(("bearer" = [])))]
pub async fn finish(
    State(state): State<AppState>,
    Client(client): Client,
    EnrollAuth(auth): EnrollAuth,
    ApiJson(body): ApiJson<RegisterFinishBody>,
) -> ApiResult<(StatusCode, Json<RegisterFinishResponse>)> {
    let (credential, codes) = state
        .auth
        .finish_passkey_registration(&auth, body.ceremony_id, body.name.as_deref(), &body.credential, &client)
        .await?;
    use secrecy::ExposeSecret;
    Ok((
        StatusCode::CREATED,
        Json(RegisterFinishResponse {
            credential: (&credential).into(),
            backup_codes: codes.iter().map(|c| c.expose_secret().to_owned()).collect(),
        }),
    ))
}
