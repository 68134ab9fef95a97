//! `/oauth2/userinfo` (OpenID Connect Core §5.3): GET or POST with the access
//! token as a bearer header, or in a POST form (RFC 6750 §2.2).

use axum::body::Bytes;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use axum::Json;
use gatehouse_core::oauth::{OAuthErrorCode, OAuthFailure};
use serde::Deserialize;

use super::{parse_form, OAuthError};
use crate::extract::Auth;
use crate::state::AppState;

fn missing_token() -> OAuthError {
    OAuthError(OAuthFailure::new(OAuthErrorCode::InvalidToken, "no access token was sent"))
}

pub async fn get_userinfo(State(state): State<AppState>, headers: HeaderMap) -> Result<Response, OAuthError> {
    let token = Auth::bearer(&headers).ok_or_else(missing_token)?;
    answer(&state, token).await
}

#[derive(Deserialize)]
struct UserinfoForm {
    access_token: Option<String>,
}

pub async fn post_userinfo(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, OAuthError> {
    if let Some(token) = Auth::bearer(&headers) {
        return answer(&state, token).await;
    }
    let form: UserinfoForm = parse_form(&headers, &body)?;
    let token = form.access_token.ok_or_else(missing_token)?;
    answer(&state, &token).await
}

async fn answer(state: &AppState, token: &str) -> Result<Response, OAuthError> {
    let info = state.oauth.userinfo(token).await?;
    let mut res = Json(info).into_response();
    super::no_store(res.headers_mut());
    Ok(res)
}
