//! The OAuth 2.0 / OpenID Connect provider's endpoints: discovery,
//! `/oauth2/authorize` (with the `/consent` page), `/oauth2/token`,
//! `/oauth2/userinfo`, `/oauth2/introspect`, `/oauth2/revoke` and
//! `/oauth2/logout`. The protocol logic is in `gatehouse_core::flows`; this
//! module reads forms, authenticates clients and writes RFC 6749 / 6750
//! error responses — [`OAuthError`] is the one place that maps them.

mod authorize;
mod discovery;
mod introspection;
mod logout;
mod token;
mod userinfo;

use axum::http::header::{AUTHORIZATION, CACHE_CONTROL, CONTENT_TYPE, PRAGMA, WWW_AUTHENTICATE};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use gatehouse_core::flows::ClientCredentials;
use gatehouse_core::oauth::{OAuthErrorCode, OAuthFailure};
use secrecy::SecretString;
use serde::de::DeserializeOwned;
use tower_http::cors::{Any, CorsLayer};

use crate::error::ApiError;
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    // Endpoints an application calls from code, also from a single-page app
    // on another origin: CORS for any origin, without credentials — they
    // authenticate by client secret, PKCE or bearer token, never by cookie.
    let cors = CorsLayer::new()
        .allow_origin(Any)
        .allow_methods([Method::GET, Method::POST])
        .allow_headers([AUTHORIZATION, CONTENT_TYPE])
        .max_age(std::time::Duration::from_secs(600));
    let for_code = Router::new()
        .route("/.well-known/openid-configuration", get(discovery::openid_configuration).options(preflight))
        .route("/.well-known/oauth-authorization-server", get(discovery::openid_configuration).options(preflight))
        .route("/.well-known/jwks.json", get(crate::ops::jwks).options(preflight))
        .route("/oauth2/token", post(token::token).options(preflight))
        .route("/oauth2/userinfo", get(userinfo::get_userinfo).post(userinfo::post_userinfo).options(preflight))
        .route("/oauth2/introspect", post(introspection::introspect).options(preflight))
        .route("/oauth2/revoke", post(introspection::revoke).options(preflight))
        .layer(cors);
    // Pages a person's browser navigates to: no CORS.
    let for_browsers = Router::new()
        .route("/oauth2/authorize", get(authorize::get_authorize).post(authorize::post_authorize))
        .route("/consent", get(authorize::show_consent).post(authorize::submit_consent))
        .route("/oauth2/logout", get(logout::get_logout).post(logout::post_logout));
    for_code.merge(for_browsers)
}

/// `OPTIONS` routes exist so that CORS preflights reach the CORS layer (which
/// answers them) instead of the router's 405.
async fn preflight() -> StatusCode {
    StatusCode::NO_CONTENT
}

/// An OAuth error response: `{"error","error_description"}` with the status
/// RFC 6749 §5.2 / RFC 6750 §3.1 give it; server-side failures stay problem+json.
pub struct OAuthError(pub OAuthFailure);

impl From<OAuthFailure> for OAuthError {
    fn from(f: OAuthFailure) -> Self {
        Self(f)
    }
}

impl From<gatehouse_core::Error> for OAuthError {
    fn from(e: gatehouse_core::Error) -> Self {
        Self(OAuthFailure::Server(e))
    }
}

fn invalid_request(description: impl Into<String>) -> OAuthError {
    OAuthError(OAuthFailure::new(OAuthErrorCode::InvalidRequest, description))
}

impl IntoResponse for OAuthError {
    fn into_response(self) -> Response {
        let (code, description) = match self.0 {
            OAuthFailure::Protocol { code, description } => (code, description),
            OAuthFailure::Server(e) => return ApiError::from(e).into_response(),
        };
        let status = match code {
            OAuthErrorCode::InvalidClient | OAuthErrorCode::InvalidToken => StatusCode::UNAUTHORIZED,
            OAuthErrorCode::InsufficientScope => StatusCode::FORBIDDEN,
            _ => StatusCode::BAD_REQUEST,
        };
        let body = serde_json::json!({ "error": code.as_str(), "error_description": description });
        let mut res = (status, Json(body)).into_response();
        let h = res.headers_mut();
        no_store(h);
        let challenge = match code {
            OAuthErrorCode::InvalidClient => Some(r#"Basic realm="gatehouse""#.to_owned()),
            OAuthErrorCode::InvalidToken | OAuthErrorCode::InsufficientScope => Some(format!(
                r#"Bearer realm="gatehouse", error="{}", error_description="{}""#,
                code.as_str(),
                description.replace(['"', '\\'], "'")
            )),
            _ => None,
        };
        if let Some(value) = challenge.and_then(|c| HeaderValue::from_str(&c).ok()) {
            h.insert(WWW_AUTHENTICATE, value);
        }
        res
    }
}

/// Token responses and errors must not be cached (RFC 6749 §5.1).
fn no_store(h: &mut HeaderMap) {
    h.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert(PRAGMA, HeaderValue::from_static("no-cache"));
}

/// Parses an `application/x-www-form-urlencoded` body; anything else, or a
/// repeated parameter, is `invalid_request` (RFC 6749 §3.2).
fn parse_form<T: DeserializeOwned>(headers: &HeaderMap, body: &[u8]) -> Result<T, OAuthError> {
    let is_form = headers.get(CONTENT_TYPE).and_then(|v| v.to_str().ok()).is_some_and(|ct| {
        ct.split(';').next().is_some_and(|m| m.trim().eq_ignore_ascii_case("application/x-www-form-urlencoded"))
    });
    if !is_form {
        return Err(invalid_request("the body must be application/x-www-form-urlencoded"));
    }
    serde_urlencoded::from_bytes(body).map_err(|e| invalid_request(format!("malformed form: {e}")))
}

/// Client authentication (RFC 6749 §2.3.1): HTTP Basic with the url-encoded
/// id and secret, or `client_id`/`client_secret` in the form — not both.
fn client_credentials(
    headers: &HeaderMap,
    form_id: Option<String>,
    form_secret: Option<String>,
) -> Result<ClientCredentials, OAuthError> {
    let invalid_client =
        || OAuthError(OAuthFailure::new(OAuthErrorCode::InvalidClient, "client authentication failed"));
    if let Some(value) = headers.get(AUTHORIZATION) {
        let value = value.to_str().map_err(|_| invalid_client())?;
        let Some((scheme, encoded)) = value.split_once(' ') else {
            return Err(invalid_client());
        };
        if !scheme.eq_ignore_ascii_case("basic") {
            return Err(invalid_client());
        }
        if form_secret.is_some() {
            return Err(invalid_request("use one client authentication method, not two"));
        }
        let decoded = STANDARD.decode(encoded.trim()).map_err(|_| invalid_client())?;
        let decoded = String::from_utf8(decoded).map_err(|_| invalid_client())?;
        let (id, secret) = decoded.split_once(':').ok_or_else(invalid_client)?;
        let decode =
            |s: &str| url::form_urlencoded::parse(format!("x={s}").as_bytes()).next().map(|(_, v)| v.into_owned());
        let id = decode(id).ok_or_else(invalid_client)?;
        let secret = decode(secret).ok_or_else(invalid_client)?;
        if form_id.as_deref().is_some_and(|f| f != id) {
            return Err(invalid_client());
        }
        return Ok(ClientCredentials { client_id: id, secret: Some(SecretString::from(secret)) });
    }
    let client_id = form_id.filter(|c| !c.is_empty()).ok_or_else(invalid_client)?;
    Ok(ClientCredentials { client_id, secret: form_secret.map(SecretString::from) })
}
