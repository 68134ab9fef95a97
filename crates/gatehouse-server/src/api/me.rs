//! `GET /api/auth/me`.

use axum::extract::State;
use axum::Json;

use super::dto::UserEnvelope;
use crate::error::{ApiResult, Problem};
use crate::extract::Auth;
use crate::state::AppState;

/// The signed-in user.
#[utoipa::path(get, path = "/api/auth/me", tag = "auth",
    responses((status = 200, body = UserEnvelope), (status = 401, body = Problem)), security(("bearer" = [])))]
pub async fn me(State(state): State<AppState>, Auth(auth): Auth) -> ApiResult<Json<UserEnvelope>> {
    let user = state.accounts.me(&auth).await?;
    Ok(Json(UserEnvelope { user: (&user).into() }))
}
