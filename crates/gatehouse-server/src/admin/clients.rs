//! `/api/admin/clients`: OAuth clients — list, get, register (the secret is
//! in the answer, once), delete. Admin role required.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use gatehouse_core::account::Role;
use gatehouse_core::oauth::{NewClient, OAuthClient};
use gatehouse_core::token::SigningAlg;
use gatehouse_core::Error;
use secrecy::ExposeSecret;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::api::dto::rfc3339;
use crate::error::{ApiResult, Problem};
use crate::extract::{ApiJson, Auth, Client};
use crate::state::AppState;

/// A client as an administrator sees it (never its secret).
#[derive(Serialize, ToSchema)]
pub struct ClientView {
    client_id: String,
    name: String,
    /// `confidential` or `public`.
    kind: &'static str,
    redirect_uris: Vec<String>,
    post_logout_redirect_uris: Vec<String>,
    grant_types: Vec<String>,
    scopes: Vec<String>,
    token_endpoint_auth_method: &'static str,
    first_party: bool,
    id_token_signed_response_alg: &'static str,
    created_at: String,
}

impl From<&OAuthClient> for ClientView {
    fn from(c: &OAuthClient) -> Self {
        Self {
            client_id: c.id.clone(),
            name: c.name.clone(),
            kind: c.kind.as_str(),
            redirect_uris: c.redirect_uris.clone(),
            post_logout_redirect_uris: c.post_logout_redirect_uris.clone(),
            grant_types: c.grant_types.clone(),
            scopes: c.scopes.clone(),
            token_endpoint_auth_method: c.token_endpoint_auth.as_str(),
            first_party: c.first_party,
            id_token_signed_response_alg: c.id_token_alg.as_str(),
            created_at: rfc3339(c.created_at),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct ClientList {
    clients: Vec<ClientView>,
}

/// What registering a client takes.
#[derive(Deserialize, ToSchema)]
pub struct NewClientBody {
    name: String,
    /// A public client (SPA, native app): no secret, PKCE required.
    #[serde(default)]
    public: bool,
    #[serde(default)]
    redirect_uris: Vec<String>,
    #[serde(default)]
    post_logout_redirect_uris: Vec<String>,
    /// Default: `authorization_code`, `refresh_token`.
    #[serde(default)]
    grant_types: Vec<String>,
    /// Default: `openid profile email`.
    #[serde(default)]
    scopes: Vec<String>,
    /// Skip the consent page (your own application).
    #[serde(default)]
    first_party: bool,
    /// `RS256` (default), `ES256` or `EdDSA`.
    id_token_signed_response_alg: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct RegisteredClientView {
    #[serde(flatten)]
    client: ClientView,
    /// Shown only now; absent for public clients.
    client_secret: Option<String>,
}

/// Registered OAuth clients, oldest first.
#[utoipa::path(get, path = "/api/admin/clients", tag = "admin",
    responses((status = 200, body = ClientList), (status = 401, body = Problem), (status = 403, body = Problem)),
    security(("bearer" = [])))]
pub async fn list(State(state): State<AppState>, Auth(auth): Auth) -> ApiResult<Json<ClientList>> {
    auth.require_role(Role::ADMIN)?;
    let clients = state.accounts.list_clients().await?;
    Ok(Json(ClientList { clients: clients.iter().map(ClientView::from).collect() }))
}

/// One client.
#[utoipa::path(get, path = "/api/admin/clients/{client_id}", tag = "admin",
    params(("client_id" = String, Path, description = "the client id")),
    responses((status = 200, body = ClientView), (status = 404, body = Problem), (status = 403, body = Problem)),
    security(("bearer" = [])))]
pub async fn get(
    State(state): State<AppState>,
    Auth(auth): Auth,
    Path(id): Path<String>,
) -> ApiResult<Json<ClientView>> {
    auth.require_role(Role::ADMIN)?;
    let client = state.accounts.client(&id).await?;
    Ok(Json(ClientView::from(&client)))
}

/// Register a client; a confidential client's secret is in this answer only.
#[utoipa::path(post, path = "/api/admin/clients", tag = "admin", request_body = NewClientBody,
    responses((status = 201, body = RegisteredClientView), (status = 400, body = Problem), (status = 403, body = Problem)),
    security(("bearer" = [])))]
pub async fn create(
    State(state): State<AppState>,
    Client(info): Client,
    Auth(auth): Auth,
    ApiJson(body): ApiJson<NewClientBody>,
) -> ApiResult<(StatusCode, Json<RegisteredClientView>)> {
    auth.require_role(Role::ADMIN)?;
    let id_token_alg = body
        .id_token_signed_response_alg
        .map(|a| a.parse::<SigningAlg>().map_err(Error::InvalidRequest))
        .transpose()?;
    let req = NewClient {
        name: body.name,
        public: body.public,
        redirect_uris: body.redirect_uris,
        post_logout_redirect_uris: body.post_logout_redirect_uris,
        grant_types: body.grant_types,
        scopes: body.scopes,
        first_party: body.first_party,
        id_token_alg,
    };
    let registered = state.accounts.create_client(req, Some(auth.user_id), &info).await?;
    let view = RegisteredClientView {
        client: ClientView::from(&registered.client),
        client_secret: registered.secret.map(|s| s.expose_secret().to_owned()),
    };
    Ok((StatusCode::CREATED, Json(view)))
}

/// Delete a client: its codes, consents and sessions go with it.
#[utoipa::path(delete, path = "/api/admin/clients/{client_id}", tag = "admin",
    params(("client_id" = String, Path, description = "the client id")),
    responses((status = 204), (status = 404, body = Problem), (status = 403, body = Problem)),
    security(("bearer" = [])))]
pub async fn delete(
    State(state): State<AppState>,
    Client(info): Client,
    Auth(auth): Auth,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    auth.require_role(Role::ADMIN)?;
    state.accounts.delete_client(&id, Some(auth.user_id), &info).await?;
    Ok(StatusCode::NO_CONTENT)
}
