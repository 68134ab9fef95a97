//! `/api/auth/api-keys`: the caller's personal API keys — make one (the
//! secret is in the answer, once), list, rotate, revoke. Making and rotating
//! need a recent sign-in or the password (or a code) in the body.

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use gatehouse_core::api_key::ApiKey;
use gatehouse_core::flows::{ApiKeyRequest, StepUpProof};
use gatehouse_core::Error;
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;
use utoipa::ToSchema;
use uuid::Uuid;

use super::dto::rfc3339;
use super::mfa::StepUpBody;
use crate::error::{ApiResult, Problem};
use crate::extract::{optional_json, ApiJson, Auth, Client};
use crate::state::AppState;

/// An API key as listed (never its secret).
#[derive(Serialize, ToSchema)]
pub struct ApiKeyView {
    id: Uuid,
    name: String,
    /// The permissions the key may use (each only while its owner holds it).
    scopes: Vec<String>,
    created_at: String,
    expires_at: Option<String>,
    last_used_at: Option<String>,
    last_used_ip: Option<String>,
    revoked_at: Option<String>,
    /// Neither revoked nor expired.
    active: bool,
}

impl ApiKeyView {
    /// The view of `k` at `now` (whether it is active).
    fn at(k: &ApiKey, now: OffsetDateTime) -> Self {
        Self {
            id: k.id,
            name: k.name.clone(),
            scopes: k.scopes.iter().map(|p| p.to_string()).collect(),
            created_at: rfc3339(k.created_at),
            expires_at: k.expires_at.map(rfc3339),
            last_used_at: k.last_used_at.map(rfc3339),
            last_used_ip: k.last_used_ip.clone(),
            revoked_at: k.revoked_at.map(rfc3339),
            active: k.is_live(now),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct ApiKeyList {
    api_keys: Vec<ApiKeyView>,
}

impl ApiKeyList {
    pub fn of(keys: &[ApiKey], now: OffsetDateTime) -> Self {
        Self { api_keys: keys.iter().map(|k| ApiKeyView::at(k, now)).collect() }
    }
}

/// A key just made: the secret is shown only now.
#[derive(Serialize, ToSchema)]
pub struct NewApiKeyView {
    #[serde(flatten)]
    key: ApiKeyView,
    /// `gatehouse_pat_…`: send as `Authorization: Bearer <key>`. Store it now.
    secret: String,
}

impl NewApiKeyView {
    fn new(key: &ApiKey, secret: &SecretString, now: OffsetDateTime) -> Self {
        Self { key: ApiKeyView::at(key, now), secret: secret.expose_secret().to_owned() }
    }
}

#[derive(Deserialize, ToSchema)]
pub struct NewApiKeyBody {
    /// What the key is for, e.g. "CI deploys".
    name: String,
    /// Permissions you hold that the key may use, e.g. `["users:read"]`.
    #[serde(default)]
    scopes: Vec<String>,
    /// RFC 3339; leave out for a key that does not expire.
    expires_at: Option<String>,
    /// Alternatively, the number of days the key lives (1–3650).
    expires_in_days: Option<u32>,
    #[serde(default)]
    #[schema(value_type = Option<String>, format = Password)]
    password: Option<SecretString>,
    #[serde(default)]
    code: Option<String>,
}

fn expiry(body: &NewApiKeyBody, now: OffsetDateTime) -> Result<Option<OffsetDateTime>, Error> {
    match (&body.expires_at, body.expires_in_days) {
        (Some(_), Some(_)) => Err(Error::InvalidRequest("send expires_at or expires_in_days, not both".into())),
        (Some(at), None) => OffsetDateTime::parse(at, &Rfc3339).map(Some).map_err(|_| {
            Error::InvalidRequest("expires_at must be an RFC 3339 time, e.g. 2027-01-31T12:00:00Z".into())
        }),
        (None, Some(days)) if (1..=3650).contains(&days) => Ok(Some(now + time::Duration::days(i64::from(days)))),
        (None, Some(_)) => Err(Error::InvalidRequest("expires_in_days must be 1 to 3650".into())),
        (None, None) => Ok(None),
    }
}

/// Make an API key.
#[utoipa::path(post, path = "/api/auth/api-keys", tag = "auth", request_body = NewApiKeyBody,
    responses((status = 201, body = NewApiKeyView), (status = 400, body = Problem),
        (status = 401, description = "`reauthentication_required`", body = Problem),
        (status = 403, description = "a scope you do not hold", body = Problem), (status = 429, body = Problem)),
    security(("bearer" = [])))]
pub async fn create(
    State(state): State<AppState>,
    Client(client): Client,
    Auth(auth): Auth,
    ApiJson(body): ApiJson<NewApiKeyBody>,
) -> ApiResult<(StatusCode, Json<NewApiKeyView>)> {
    let expires_at = expiry(&body, state.clock.now())?;
    let proof = StepUpProof { password: body.password, code: body.code };
    let req = ApiKeyRequest { name: body.name, scopes: body.scopes, expires_at };
    let (key, secret) = state.auth.create_api_key(&auth, req, proof, &client).await?;
    Ok((StatusCode::CREATED, Json(NewApiKeyView::new(&key, &secret, state.clock.now()))))
}

/// Your API keys, revoked ones too, newest first.
#[utoipa::path(get, path = "/api/auth/api-keys", tag = "auth",
    responses((status = 200, body = ApiKeyList), (status = 401, body = Problem)), security(("bearer" = [])))]
pub async fn list(State(state): State<AppState>, Auth(auth): Auth) -> ApiResult<Json<ApiKeyList>> {
    let keys = state.auth.my_api_keys(&auth).await?;
    Ok(Json(ApiKeyList::of(&keys, state.clock.now())))
}

fn key_id(raw: &str) -> Result<Uuid, Error> {
    Uuid::parse_str(raw).map_err(|_| Error::NotFound("no such API key".into()))
}

/// Revoke one of your API keys; it stops working at once.
#[utoipa::path(delete, path = "/api/auth/api-keys/{id}", tag = "auth", params(("id" = String, Path, description = "key id")),
    responses((status = 204), (status = 404, body = Problem), (status = 401, body = Problem)), security(("bearer" = [])))]
pub async fn revoke(
    State(state): State<AppState>,
    Client(client): Client,
    Auth(auth): Auth,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    state.auth.revoke_my_api_key(&auth, key_id(&id)?, &client).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Replace a key's secret (same name, scopes and expiry); the old secret
/// stops working at once. Needs a recent sign-in or a proof in the body.
#[utoipa::path(post, path = "/api/auth/api-keys/{id}/rotate", tag = "auth", request_body(content = Option<StepUpBody>, description = "A proof of presence when the sign-in is not recent"),
    params(("id" = String, Path, description = "key id")),
    responses((status = 200, body = NewApiKeyView), (status = 404, body = Problem),
        (status = 401, description = "`reauthentication_required`", body = Problem)),
    security(("bearer" = [])))]
pub async fn rotate(
    State(state): State<AppState>,
    Client(client): Client,
    Auth(auth): Auth,
    Path(id): Path<String>,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<Json<NewApiKeyView>> {
    let id = key_id(&id)?;
    let body: StepUpBody = optional_json(body)?;
    let (key, secret) = state.auth.rotate_my_api_key(&auth, id, body.into(), &client).await?;
    Ok(Json(NewApiKeyView::new(&key, &secret, state.clock.now())))
}
