//! `DELETE /api/auth/me` (delete the account) and `GET /api/auth/me/export`.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use serde::Deserialize;
use serde_json::json;
use utoipa::ToSchema;

use super::dto::{rfc3339, SessionView, UserView};
use crate::error::{ApiResult, Problem};
use crate::extract::{ApiJson, Auth, Client};
use crate::state::AppState;

#[derive(Deserialize, ToSchema)]
pub struct DeleteBody {
    #[schema(value_type = String, format = Password)]
    pub password: secrecy::SecretString,
}

/// Delete the account and its personal data (audit records are kept, anonymised).
#[utoipa::path(delete, path = "/api/auth/me", tag = "account", request_body = DeleteBody,
    responses((status = 204), (status = 401, description = "`invalid_credentials`", body = Problem)), security(("bearer" = [])))]
pub async fn delete(
    State(state): State<AppState>,
    Client(client): Client,
    Auth(auth): Auth,
    ApiJson(body): ApiJson<DeleteBody>,
) -> ApiResult<StatusCode> {
    state.lifecycle.delete_account(&auth, body.password, &client).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Everything Gatehouse holds about the caller, as JSON.
#[utoipa::path(get, path = "/api/auth/me/export", tag = "account",
    responses((status = 200, description = "user, sessions, factors (no secrets) and audit events")), security(("bearer" = [])))]
pub async fn export(State(state): State<AppState>, Auth(auth): Auth) -> ApiResult<Json<serde_json::Value>> {
    let e = state.lifecycle.export_account(&auth).await?;
    let user: UserView = (&e.user).into();
    Ok(Json(json!({
        "user": user,
        "sessions": e.sessions.iter().map(|s| SessionView::new(s, s.id == auth.session_id())).collect::<Vec<_>>(),
        "mfa": {
            "totp_enabled": e.totp_enabled,
            "backup_codes_remaining": e.backup_codes_remaining,
            "passkeys": e.passkeys.iter().map(|p| json!({
                "id": p.id, "name": p.name, "created_at": rfc3339(p.created_at), "last_used_at": p.last_used_at.map(rfc3339),
            })).collect::<Vec<_>>(),
        },
        "audit": e.audit.iter().map(|a| json!({
            "at": rfc3339(a.at), "event": a.kind.as_str(), "outcome": a.outcome.as_str(),
            "ip": a.ip, "user_agent": a.user_agent, "detail": a.detail,
        })).collect::<Vec<_>>(),
        "exported_at": rfc3339(state.clock.now()),
    })))
}
