//! `POST /oauth2/token`.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use axum::Json;
use gatehouse_core::flows::{TokenFields, TokenGrant};
use secrecy::ExposeSecret;
use serde::Deserialize;
use serde_json::json;

use super::{client_credentials, no_store, parse_form, OAuthError};
use crate::extract::Client;
use crate::state::AppState;

/// Every parameter a token request may carry.
#[derive(Deserialize)]
struct TokenForm {
    grant_type: Option<String>,
    code: Option<String>,
    redirect_uri: Option<String>,
    code_verifier: Option<String>,
    refresh_token: Option<String>,
    scope: Option<String>,
    client_id: Option<String>,
    client_secret: Option<String>,
}

pub async fn token(
    State(state): State<AppState>,
    Client(client): Client,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, OAuthError> {
    let form: TokenForm = parse_form(&headers, &body)?;
    let creds = client_credentials(&headers, form.client_id, form.client_secret)?;
    let grant = TokenGrant::parse(TokenFields {
        grant_type: form.grant_type,
        code: form.code,
        redirect_uri: form.redirect_uri,
        code_verifier: form.code_verifier,
        refresh_token: form.refresh_token,
        scope: form.scope,
    });
    let issued = state.oauth.oauth_token(&creds, grant, &client).await?;
    let mut body = json!({
        "access_token": issued.access_token.expose_secret(),
        "token_type": "Bearer",
        "expires_in": issued.expires_in,
        "scope": issued.scope.to_string(),
    });
    if let Some(refresh) = &issued.refresh_token {
        body["refresh_token"] = json!(refresh.expose_secret());
    }
    if let Some(id_token) = &issued.id_token {
        body["id_token"] = json!(id_token);
    }
    let mut res = Json(body).into_response();
    no_store(res.headers_mut());
    Ok(res)
}
