//! `GET /api/auth/me`.

use axum::extract::State;
use axum::Json;

use super::dto::{UserEnvelope, UserView};
use crate::error::{ApiResult, Problem};
use crate::extract::EnrollAuth;
use crate::state::AppState;

/// The signed-in user.
#[utoipa::path(get, path = "/api/auth/me", tag = "auth",
    responses((status = 200, body = UserEnvelope), (status = 401, body = Problem)), security(("bearer" = [])))]
pub async fn me(State(state): State<AppState>, EnrollAuth(auth): EnrollAuth) -> ApiResult<Json<UserEnvelope>> {
    let user = state.accounts.me(&auth).await?;
    let mut view: UserView = (&user).into();
    view.mfa = (&state.accounts.mfa_status(user.id).await?).into();
    Ok(Json(UserEnvelope { user: view }))
}
