//! `/api/admin/keys`: the signing keys — list (public facts only, never a
//! private part; `keys:read`) and rotate (`keys:rotate`).
//!
//! A rotation takes effect on this node at once; other nodes on PostgreSQL
//! hear of it by notice, and any node re-reads the keys when a token names a
//! key id it has not loaded (see `TokenIssuer::verify_access`).

use axum::extract::State;
use axum::Json;
use gatehouse_core::token::StoredKey;
use serde::Serialize;
use utoipa::ToSchema;

use crate::api::dto::rfc3339;
use crate::error::{ApiResult, Problem};
use crate::extract::{AdminActor, Client};
use crate::state::AppState;

/// A signing key as an administrator sees it.
#[derive(Serialize, ToSchema)]
pub struct KeyView {
    kid: String,
    /// `EdDSA`, `ES256` or `RS256`.
    alg: &'static str,
    /// `current` (signs), `previous` (still published, verifies) or `retired`.
    status: &'static str,
    created_at: String,
}

impl From<&StoredKey> for KeyView {
    fn from(k: &StoredKey) -> Self {
        Self { kid: k.kid.clone(), alg: k.alg.as_str(), status: k.status.as_str(), created_at: rfc3339(k.created_at) }
    }
}

#[derive(Serialize, ToSchema)]
pub struct KeyList {
    keys: Vec<KeyView>,
}

/// Every signing key, retired ones too, newest first.
#[utoipa::path(get, path = "/api/admin/keys", tag = "admin",
    responses((status = 200, body = KeyList), (status = 401, body = Problem), (status = 403, body = Problem)),
    security(("bearer" = [])))]
pub async fn list(State(state): State<AppState>, AdminActor(actor): AdminActor) -> ApiResult<Json<KeyList>> {
    let keys = state.admin.all_keys(&actor).await?;
    Ok(Json(KeyList { keys: keys.iter().map(KeyView::from).collect() }))
}

/// Rotate: a new current key for each algorithm in use; the old current key
/// stays published (previous) so tokens it signed verify until they expire,
/// and the key before it is retired.
#[utoipa::path(post, path = "/api/admin/keys/rotate", tag = "admin",
    responses((status = 200, body = KeyList, description = "the new current keys"),
        (status = 401, body = Problem), (status = 403, body = Problem)),
    security(("bearer" = [])))]
pub async fn rotate(
    State(state): State<AppState>,
    Client(info): Client,
    AdminActor(actor): AdminActor,
) -> ApiResult<Json<KeyList>> {
    let keys = state.admin.rotate_keys(&actor, &info).await?;
    Ok(Json(KeyList { keys: keys.iter().map(KeyView::from).collect() }))
}
