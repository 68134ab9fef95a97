//! `/api/auth/*`: registration, login, token refresh, logout, the caller's own
//! profile, sessions and API keys. One file per flow.

pub mod account;
pub mod consents;
pub mod dto;
pub mod email;
pub mod keys;
pub mod login;
pub mod logout;
pub mod me;
pub mod mfa;
pub mod password;
pub mod password_check;
pub mod refresh;
pub mod register;
pub mod sessions;
pub mod webauthn;

use axum::routing::{delete, get, patch, post};
use axum::Router;

use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/register", post(register::register))
        .route("/login", post(login::login))
        .route("/refresh", post(refresh::refresh))
        .route("/logout", post(logout::logout))
        .route("/logout-all", post(logout::logout_all))
        .route("/me", get(me::me).delete(account::delete))
        .route("/me/export", get(account::export))
        .route("/email/verify", post(email::verify))
        .route("/email/resend", post(email::resend))
        .route("/email/change", post(email::change))
        .route("/password/forgot", post(password::forgot))
        .route("/password/reset", post(password::reset))
        .route("/password/change", post(password::change))
        .route("/password/check", post(password_check::check))
        .route("/api-keys", get(keys::list).post(keys::create))
        .route("/api-keys/{id}", delete(keys::revoke))
        .route("/api-keys/{id}/rotate", post(keys::rotate))
        .route("/sessions", get(sessions::list))
        .route("/sessions/{id}", delete(sessions::end))
        .route("/consents", get(consents::list))
        .route("/consents/{client_id}", delete(consents::revoke))
        .route("/mfa/verify", post(mfa::verify::verify))
        .route("/mfa/totp/setup", post(mfa::totp::setup))
        .route("/mfa/totp/enable", post(mfa::totp::enable))
        .route("/mfa/totp/disable", post(mfa::totp::disable))
        .route("/mfa/backup-codes", post(mfa::backup_codes::regenerate))
        .route("/webauthn/register/start", post(webauthn::register::start))
        .route("/webauthn/register/finish", post(webauthn::register::finish))
        .route("/webauthn/login/start", post(webauthn::login::start))
        .route("/webauthn/login/finish", post(webauthn::login::finish))
        .route("/webauthn/credentials", get(webauthn::credentials::list))
        .route("/webauthn/credentials/{id}", patch(webauthn::credentials::rename).delete(webauthn::credentials::remove))
}
