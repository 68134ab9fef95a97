//! `GET /api/auth/me`.

use axum::extract::State;
use axum::Json;

use super::dto::{UserEnvelope, UserView};
use crate::error::{ApiResult, Problem};
use crate::extract::Identity;
use crate::state::AppState;

/// The signed-in user (or the owner of the API key sent).
#[utoipa::path(get, path = "/api/auth/me", tag = "auth",
    responses((status = 200, body = UserEnvelope), (status = 401, body = Problem)), security(("bearer" = [])))]
pub async fn me(State(state): State<AppState>, identity: Identity) -> ApiResult<Json<UserEnvelope>> {
    let user = match identity {
        Identity::Session(auth) => state.auth.me(&auth).await?,
        Identity::ApiKey(key) => std::sync::Arc::new(key.user),
    };
    let mut view: UserView = user.as_ref().into();
    view.mfa = (&state.auth.mfa_status(user.id).await?).into();
    Ok(Json(UserEnvelope { user: view }))
}
