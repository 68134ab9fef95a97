//! `/api/admin/clients`: OAuth clients — list, get (`clients:read`),
//! register (the secret is in the answer, once), change, rotate the secret,
//! delete (`clients:write`).

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use gatehouse_core::oauth::{ClientUpdate, NewClient, OAuthClient};
use gatehouse_core::token::SigningAlg;
use gatehouse_core::Error;
use secrecy::ExposeSecret;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::api::dto::rfc3339;
use crate::error::{ApiResult, Problem};
use crate::extract::{AdminActor, ApiJson, Client};
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
    /// The application's home page, linked on the login and consent pages.
    #[serde(skip_serializing_if = "Option::is_none")]
    client_uri: Option<String>,
    /// Its logo, shown on the login and consent pages.
    #[serde(skip_serializing_if = "Option::is_none")]
    logo_uri: Option<String>,
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
            grant_types: c.grant_types.iter().map(|g| g.as_str().to_owned()).collect(),
            scopes: c.scopes.clone(),
            token_endpoint_auth_method: c.token_endpoint_auth.as_str(),
            first_party: c.first_party,
            id_token_signed_response_alg: c.id_token_alg.as_str(),
            client_uri: c.client_uri.clone(),
            logo_uri: c.logo_uri.clone(),
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
    /// The application's home page: https (http only on localhost).
    client_uri: Option<String>,
    /// Its logo, shown on the login and consent pages: https (http only on
    /// localhost); browsers load it from there.
    logo_uri: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct RegisteredClientView {
    #[serde(flatten)]
    client: ClientView,
    /// Shown only now; absent for public clients.
    client_secret: Option<String>,
}

/// What changing a client takes: every field given replaces the stored one.
#[derive(Deserialize, ToSchema)]
pub struct ClientUpdateBody {
    name: Option<String>,
    redirect_uris: Option<Vec<String>>,
    post_logout_redirect_uris: Option<Vec<String>>,
    grant_types: Option<Vec<String>>,
    scopes: Option<Vec<String>>,
    first_party: Option<bool>,
    /// `RS256`, `ES256` or `EdDSA`.
    id_token_signed_response_alg: Option<String>,
    /// The home page; `""` removes it.
    client_uri: Option<String>,
    /// The logo; `""` removes it.
    logo_uri: Option<String>,
}

fn parse_alg(alg: Option<String>) -> Result<Option<SigningAlg>, Error> {
    alg.map(|a| a.parse::<SigningAlg>().map_err(Error::InvalidRequest)).transpose()
}

/// Registered OAuth clients, oldest first.
#[utoipa::path(get, path = "/api/admin/clients", tag = "admin",
    responses((status = 200, body = ClientList), (status = 401, body = Problem), (status = 403, body = Problem)),
    security(("bearer" = [])))]
pub async fn list(State(state): State<AppState>, AdminActor(actor): AdminActor) -> ApiResult<Json<ClientList>> {
    let clients = state.admin.list_clients(&actor).await?;
    Ok(Json(ClientList { clients: clients.iter().map(ClientView::from).collect() }))
}

/// One client.
#[utoipa::path(get, path = "/api/admin/clients/{client_id}", tag = "admin",
    params(("client_id" = String, Path, description = "the client id")),
    responses((status = 200, body = ClientView), (status = 404, body = Problem), (status = 403, body = Problem)),
    security(("bearer" = [])))]
pub async fn get(
    State(state): State<AppState>,
    AdminActor(actor): AdminActor,
    Path(id): Path<String>,
) -> ApiResult<Json<ClientView>> {
    let client = state.admin.client(&actor, &id).await?;
    Ok(Json(ClientView::from(&client)))
}

/// Register a client; a confidential client's secret is in this answer only.
#[utoipa::path(post, path = "/api/admin/clients", tag = "admin", request_body = NewClientBody,
    responses((status = 201, body = RegisteredClientView), (status = 400, body = Problem), (status = 403, body = Problem)),
    security(("bearer" = [])))]
pub async fn create(
    State(state): State<AppState>,
    Client(info): Client,
    AdminActor(actor): AdminActor,
    ApiJson(body): ApiJson<NewClientBody>,
) -> ApiResult<(StatusCode, Json<RegisteredClientView>)> {
    let id_token_alg = parse_alg(body.id_token_signed_response_alg)?;
    let req = NewClient {
        name: body.name,
        public: body.public,
        redirect_uris: body.redirect_uris,
        post_logout_redirect_uris: body.post_logout_redirect_uris,
        grant_types: body.grant_types,
        scopes: body.scopes,
        first_party: body.first_party,
        id_token_alg,
        client_uri: body.client_uri,
        logo_uri: body.logo_uri,
    };
    let registered = state.admin.create_client(req, &actor, &info).await?;
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
    AdminActor(actor): AdminActor,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    state.admin.delete_client(&id, &actor, &info).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Change a client (validated like a registration). Its id, kind and secret
/// stay; tokens already issued stay valid.
#[utoipa::path(patch, path = "/api/admin/clients/{client_id}", tag = "admin", request_body = ClientUpdateBody,
    params(("client_id" = String, Path, description = "the client id")),
    responses((status = 200, body = ClientView), (status = 400, body = Problem), (status = 403, body = Problem),
        (status = 404, body = Problem)),
    security(("bearer" = [])))]
pub async fn update(
    State(state): State<AppState>,
    Client(info): Client,
    AdminActor(actor): AdminActor,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<ClientUpdateBody>,
) -> ApiResult<Json<ClientView>> {
    let update = ClientUpdate {
        name: body.name,
        redirect_uris: body.redirect_uris,
        post_logout_redirect_uris: body.post_logout_redirect_uris,
        grant_types: body.grant_types,
        scopes: body.scopes,
        first_party: body.first_party,
        id_token_alg: parse_alg(body.id_token_signed_response_alg)?,
        client_uri: body.client_uri,
        logo_uri: body.logo_uri,
    };
    let client = state.admin.update_client(&actor, &id, update, &info).await?;
    Ok(Json(ClientView::from(&client)))
}

/// A new secret for a confidential client, in this answer only; the old one
/// stops working.
#[utoipa::path(post, path = "/api/admin/clients/{client_id}/secret", tag = "admin",
    params(("client_id" = String, Path, description = "the client id")),
    responses((status = 200, body = RegisteredClientView), (status = 400, body = Problem, description = "a public client"),
        (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("bearer" = [])))]
pub async fn rotate_secret(
    State(state): State<AppState>,
    Client(info): Client,
    AdminActor(actor): AdminActor,
    Path(id): Path<String>,
) -> ApiResult<Json<RegisteredClientView>> {
    let (client, secret) = state.admin.rotate_client_secret(&actor, &id, &info).await?;
    Ok(Json(RegisteredClientView {
        client: ClientView::from(&client),
        client_secret: Some(secret.expose_secret().to_owned()),
    }))
}
