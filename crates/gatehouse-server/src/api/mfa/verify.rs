//! `POST /api/auth/mfa/verify`: complete a login with a second factor.

use axum::extract::State;
use axum::Json;
use serde::Deserialize;
use utoipa::ToSchema;

use gatehouse_core::Error;

use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};

use crate::api::dto::{SessionMode, TokenResponse};
use crate::error::{ApiResult, Problem};
use crate::extract::{ApiJson, Client};
use crate::state::AppState;

#[derive(Deserialize, ToSchema)]
pub struct MfaVerifyBody {
    /// From the login answer.
    #[schema(value_type = String)]
    pub mfa_token: secrecy::SecretString,
    /// A 6-digit authenticator code or a backup code.
    #[serde(default)]
    pub code: Option<String>,
    /// Instead of `code`: a passkey assertion for a ceremony started with
    /// `POST /api/auth/webauthn/login/start {mfa_token}`.
    #[serde(default)]
    pub ceremony_id: Option<uuid::Uuid>,
    #[serde(default)]
    #[schema(value_type = Option<Object>)]
    pub credential: Option<serde_json::Value>,
    /// `cookie`: finish a sign-in begun with `session: cookie` — the
    /// session goes into the HttpOnly cookie (send `X-Gatehouse-CSRF: 1`).
    #[serde(default)]
    pub session: Option<SessionMode>,
    /// With `session: cookie`: keep the cookie for the remembered lifetime.
    #[serde(default)]
    pub remember: bool,
}

/// Complete a login with an authenticator code, a backup code or a passkey assertion.
#[utoipa::path(post, path = "/api/auth/mfa/verify", tag = "mfa", request_body = MfaVerifyBody,
    responses(
        (status = 200, description = "Tokens; with `session: cookie` `{session: \"cookie\", user}` and the session in `Set-Cookie`", body = TokenResponse),
        (status = 403, description = "`forbidden`: `session: cookie` without `X-Gatehouse-CSRF: 1` or from another origin", body = Problem),
        (status = 401, description = "`invalid_mfa_code`, or `invalid_token` for an unknown, used or expired mfa_token", body = Problem),
        (status = 429, description = "`rate_limited`", body = Problem),
    ))]
pub async fn verify(
    State(state): State<AppState>,
    Client(client): Client,
    headers: HeaderMap,
    ApiJson(body): ApiJson<MfaVerifyBody>,
) -> ApiResult<Response> {
    let mode = body.session.unwrap_or_default();
    let via = crate::api::login::sign_in_via(&state, &headers, mode, body.remember)?;
    let (user, pair) = match (body.code, body.ceremony_id, body.credential) {
        (Some(code), None, None) => state.auth.verify_mfa(body.mfa_token, &code, &client, via).await?,
        (None, Some(ceremony), Some(credential)) => {
            state.auth.finish_passkey_login(ceremony, Some(body.mfa_token), &credential, &client, via).await?
        }
        _ => {
            return Err(Error::InvalidRequest(
                "send either 'code', or 'ceremony_id' with 'credential' (a passkey assertion)".into(),
            )
            .into())
        }
    };
    if mode == SessionMode::Cookie {
        return Ok(crate::api::login::cookie_signed_in(&state, &user, &pair, body.remember));
    }
    Ok(Json(TokenResponse::new(&user, pair)).into_response())
}
