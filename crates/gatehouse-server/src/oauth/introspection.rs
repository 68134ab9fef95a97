//! `POST /oauth2/introspect` (RFC 7662) and `POST /oauth2/revoke` (RFC 7009).

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;

use super::{client_credentials, invalid_request, no_store, parse_form, OAuthError};
use crate::extract::Client;
use crate::state::AppState;

#[derive(Deserialize)]
struct TokenForm {
    token: Option<String>,
    /// A hint only: Gatehouse tells access and refresh tokens apart itself.
    #[allow(dead_code)]
    token_type_hint: Option<String>,
    client_id: Option<String>,
    client_secret: Option<String>,
}

pub async fn introspect(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, OAuthError> {
    let form: TokenForm = parse_form(&headers, &body)?;
    let creds = client_credentials(&headers, form.client_id, form.client_secret)?;
    let token = form.token.ok_or_else(|| invalid_request("token is missing"))?;
    let answer = state.oauth.introspect(&creds, &token).await?;
    let mut res = Json(answer).into_response();
    no_store(res.headers_mut());
    Ok(res)
}

pub async fn revoke(
    State(state): State<AppState>,
    Client(client): Client,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, OAuthError> {
    let form: TokenForm = parse_form(&headers, &body)?;
    let creds = client_credentials(&headers, form.client_id, form.client_secret)?;
    let token = form.token.ok_or_else(|| invalid_request("token is missing"))?;
    state.oauth.revoke_token(&creds, &token, &client).await?;
    Ok(StatusCode::OK.into_response())
}
