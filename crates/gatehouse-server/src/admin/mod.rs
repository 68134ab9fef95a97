//! `/api/admin/*`: administration, for tokens carrying the `admin` role.

pub mod audit;

use axum::routing::get;
use axum::Router;

use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new().route("/audit", get(audit::list))
}
