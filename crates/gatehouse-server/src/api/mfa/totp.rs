//! `POST /api/auth/mfa/totp/{setup,enable,disable}`: the authenticator app.

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use secrecy::ExposeSecret;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{BackupCodesResponse, StepUpBody};
use crate::error::{ApiResult, Problem};
use crate::extract::{optional_json, ApiJson, Auth, Client, EnrollAuth};
use crate::state::AppState;

#[derive(Serialize, ToSchema)]
pub struct TotpSetupResponse {
    /// Base32 secret, to type into an app by hand.
    pub secret: String,
    /// `otpauth://totp/…` — what the QR code encodes.
    pub otpauth_uri: String,
    /// The QR code as an SVG document.
    pub qr_svg: String,
    /// The QR code as a PNG `data:` URI.
    pub qr_png: String,
}

#[derive(Deserialize, ToSchema)]
pub struct TotpCodeBody {
    /// The current 6-digit code from the app.
    pub code: String,
}

/// Start setting up an authenticator app (TOTP, SHA-1, 6 digits, 30 s).
#[utoipa::path(post, path = "/api/auth/mfa/totp/setup", tag = "mfa",
    responses((status = 200, body = TotpSetupResponse), (status = 409, description = "`mfa_already_enabled`", body = Problem)),
    security(("bearer" = [])))]
pub async fn setup(
    State(state): State<AppState>,
    Client(client): Client,
    EnrollAuth(auth): EnrollAuth,
) -> ApiResult<Json<TotpSetupResponse>> {
    let e = state.auth.setup_totp(&auth, &client).await?;
    Ok(Json(TotpSetupResponse {
        secret: e.secret.expose_secret().to_owned(),
        otpauth_uri: e.otpauth_uri.expose_secret().to_owned(),
        qr_svg: e.qr_svg,
        qr_png: e.qr_png,
    }))
}

/// Confirm the app with a current code; returns backup codes (shown once) on first enrolment.
#[utoipa::path(post, path = "/api/auth/mfa/totp/enable", tag = "mfa", request_body = TotpCodeBody,
    responses(
        (status = 200, body = BackupCodesResponse),
        (status = 401, description = "`invalid_mfa_code`", body = Problem),
        (status = 409, description = "`mfa_already_enabled` or `mfa_not_enabled` (no setup started)", body = Problem),
    ),
    security(("bearer" = [])))]
pub async fn enable(
    State(state): State<AppState>,
    Client(client): Client,
    EnrollAuth(auth): EnrollAuth,
    ApiJson(body): ApiJson<TotpCodeBody>,
) -> ApiResult<Json<BackupCodesResponse>> {
    let codes = state.auth.enable_totp(&auth, &body.code, &client).await?;
    Ok(Json(BackupCodesResponse::new(codes)))
}

/// Turn the authenticator app off (and delete backup codes). Needs a recent sign-in or a proof in the body.
#[utoipa::path(post, path = "/api/auth/mfa/totp/disable", tag = "mfa", request_body(content = Option<StepUpBody>, description = "A proof of presence when the sign-in is not recent"),
    responses(
        (status = 204),
        (status = 401, description = "`reauthentication_required`", body = Problem),
        (status = 409, description = "`mfa_not_enabled`", body = Problem),
    ),
    security(("bearer" = [])))]
pub async fn disable(
    State(state): State<AppState>,
    Client(client): Client,
    Auth(auth): Auth,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<StatusCode> {
    let body: StepUpBody = optional_json(body)?;
    state.auth.disable_totp(&auth, body.into(), &client).await?;
    Ok(StatusCode::NO_CONTENT)
}
