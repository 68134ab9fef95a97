//! `POST /api/auth/mfa/backup-codes`: replace the backup codes.

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::State;
use axum::Json;

use super::{BackupCodesResponse, StepUpBody};
use crate::error::{ApiResult, Problem};
use crate::extract::{optional_json, Auth, Client};
use crate::state::AppState;

/// Generate new backup codes; the old ones stop working. Needs a recent sign-in or a proof in the body.
#[utoipa::path(post, path = "/api/auth/mfa/backup-codes", tag = "mfa", request_body(content = Option<StepUpBody>, description = "A proof of presence when the sign-in is not recent"),
    responses(
        (status = 200, body = BackupCodesResponse),
        (status = 401, description = "`reauthentication_required`", body = Problem),
        (status = 409, description = "`mfa_not_enabled`", body = Problem),
    ),
    security(("bearer" = [])))]
pub async fn regenerate(
    State(state): State<AppState>,
    Client(client): Client,
    Auth(auth): Auth,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<Json<BackupCodesResponse>> {
    let body: StepUpBody = optional_json(body)?;
    let codes = state.auth.regenerate_backup_codes(&auth, body.into(), &client).await?;
    Ok(Json(BackupCodesResponse::new(codes)))
}
