//! `/.well-known/openid-configuration` (OpenID Connect Discovery 1.0, also
//! served as RFC 8414 metadata). It advertises only what works.

use axum::extract::State;
use axum::http::header::CACHE_CONTROL;
use axum::http::HeaderValue;
use axum::response::{IntoResponse, Response};
use axum::Json;
use gatehouse_core::flows::SUPPORTED_SCOPES;
use gatehouse_core::oauth::GrantType;
use serde_json::json;

use crate::state::AppState;

pub async fn openid_configuration(State(state): State<AppState>) -> Response {
    let issuer = &state.config.tokens.issuer;
    let url = |path: &str| format!("{issuer}{path}");
    let doc = json!({
        "issuer": issuer,
        "authorization_endpoint": url("/oauth2/authorize"),
        "token_endpoint": url("/oauth2/token"),
        "userinfo_endpoint": url("/oauth2/userinfo"),
        "jwks_uri": url("/.well-known/jwks.json"),
        "introspection_endpoint": url("/oauth2/introspect"),
        "revocation_endpoint": url("/oauth2/revoke"),
        "end_session_endpoint": url("/oauth2/logout"),
        "scopes_supported": SUPPORTED_SCOPES,
        "response_types_supported": ["code"],
        "response_modes_supported": ["query"],
        "grant_types_supported": GrantType::ALL.map(GrantType::as_str),
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["RS256", "ES256", "EdDSA"],
        "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post", "none"],
        "introspection_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
        "revocation_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post", "none"],
        "code_challenge_methods_supported": ["S256"],
        "prompt_values_supported": ["none", "login", "consent"],
        "claims_supported": [
            "iss", "sub", "aud", "exp", "iat", "auth_time", "nonce", "acr", "amr", "azp", "at_hash", "sid",
            "preferred_username", "name", "updated_at", "email", "email_verified", "roles", "permissions"
        ],
        "claims_parameter_supported": false,
        "request_parameter_supported": false,
        "request_uri_parameter_supported": false,
        "authorization_response_iss_parameter_supported": true
    });
    let mut res = Json(doc).into_response();
    res.headers_mut().insert(CACHE_CONTROL, HeaderValue::from_static("public, max-age=300"));
    res
}
