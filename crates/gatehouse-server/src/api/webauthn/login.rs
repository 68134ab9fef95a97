//! `POST /api/auth/webauthn/login/{start,finish}`: sign in with a passkey —
//! as the second factor (with the `mfa_token` of a password login) or without
//! a password (discoverable credential, no `mfa_token`).

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::State;
use axum::Json;
use gatehouse_core::flows::SignIn;
use serde::Deserialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::CeremonyResponse;
use crate::api::dto::TokenResponse;
use crate::error::{ApiResult, Problem};
use crate::extract::{optional_json, ApiJson, Client};
use crate::state::AppState;

#[derive(Deserialize, ToSchema, Default)]
pub struct LoginStartBody {
    /// From a password login that answered `mfa_required`; omit for passwordless.
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub mfa_token: Option<secrecy::SecretString>,
}

/// Start a passkey sign-in.
#[utoipa::path(post, path = "/api/auth/webauthn/login/start", tag = "webauthn", request_body(content = Option<LoginStartBody>, description = "Optional: a passwordless sign-in needs none"),
    responses((status = 200, body = CeremonyResponse), (status = 401, description = "`invalid_token` (mfa_token)", body = Problem)))]
pub async fn start(
    State(state): State<AppState>,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<Json<CeremonyResponse>> {
    let body: LoginStartBody = optional_json(body)?;
    Ok(Json(state.auth.start_passkey_login(body.mfa_token).await?.into()))
}

#[derive(Deserialize, ToSchema)]
pub struct LoginFinishBody {
    pub ceremony_id: Uuid,
    /// The same `mfa_token` as at start, for a second factor.
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub mfa_token: Option<secrecy::SecretString>,
    /// The `PublicKeyCredential` from `navigator.credentials.get()`, as JSON.
    #[schema(value_type = Object)]
    pub credential: serde_json::Value,
}

/// Finish a passkey sign-in; answers a token pair.
#[utoipa::path(post, path = "/api/auth/webauthn/login/finish", tag = "webauthn", request_body = LoginFinishBody,
    responses(
        (status = 200, body = TokenResponse),
        (status = 400, description = "`invalid_request`: the assertion did not verify or the ceremony is unknown", body = Problem),
        (status = 401, description = "`invalid_credentials`, `invalid_token`", body = Problem),
    ))]
pub async fn finish(
    State(state): State<AppState>,
    Client(client): Client,
    ApiJson(body): ApiJson<LoginFinishBody>,
) -> ApiResult<Json<TokenResponse>> {
    let (user, pair) = state
        .auth
        .finish_passkey_login(body.ceremony_id, body.mfa_token, &body.credential, &client, SignIn::Api)
        .await?;
    Ok(Json(TokenResponse::new(&user, pair)))
}
