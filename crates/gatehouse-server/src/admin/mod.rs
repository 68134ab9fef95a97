//! `/api/admin/*`: administration. Each endpoint needs a permission of the
//! catalog (`users:read`, `roles:write`, …), held by a signed-in user through
//! their roles or granted to a personal API key; the flows check it, and the
//! object-level rules, with the caller's [`gatehouse_core::rbac::Actor`].

pub mod audit;
pub mod clients;
pub mod keys;
pub mod roles;
pub mod users;

use axum::routing::{get, post};
use axum::Router;

use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/audit", get(audit::list))
        .route("/clients", get(clients::list).post(clients::create))
        .route("/clients/{client_id}", get(clients::get).patch(clients::update).delete(clients::delete))
        .route("/clients/{client_id}/secret", post(clients::rotate_secret))
        .route("/keys", get(keys::list))
        .route("/keys/rotate", post(keys::rotate))
        .route("/permissions", get(roles::permissions))
        .route("/roles", get(roles::list).post(roles::create))
        .route("/roles/{name}", get(roles::get).patch(roles::update).delete(roles::delete))
        .route("/users", get(users::list).post(users::create))
        .route("/users/{id}", get(users::get).patch(users::update).delete(users::delete))
        .route("/users/{id}/disable", post(users::disable))
        .route("/users/{id}/enable", post(users::enable))
        .route("/users/{id}/unlock", post(users::unlock))
        .route("/users/{id}/password-reset", post(users::password_reset))
        .route("/users/{id}/mfa", axum::routing::delete(users::reset_mfa))
        .route("/users/{id}/sessions", get(users::sessions).delete(users::end_sessions))
        .route("/users/{id}/sessions/{session_id}", axum::routing::delete(users::end_session))
        .route("/users/{id}/roles", axum::routing::put(users::set_roles))
        .route("/users/{id}/roles/{role}", post(users::grant_role).delete(users::revoke_role))
        .route("/users/{id}/api-keys", get(users::api_keys))
        .route("/users/{id}/api-keys/{key_id}", axum::routing::delete(users::revoke_api_key))
}
