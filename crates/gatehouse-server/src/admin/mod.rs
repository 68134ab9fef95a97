//! `/api/admin/*`: administration, for tokens carrying the `admin` role.

pub mod audit;
pub mod clients;
pub mod keys;

use axum::routing::{get, post};
use axum::Router;

use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/audit", get(audit::list))
        .route("/clients", get(clients::list).post(clients::create))
        .route("/clients/{client_id}", get(clients::get).delete(clients::delete))
        .route("/keys", get(keys::list))
        .route("/keys/rotate", post(keys::rotate))
}
