//! The OpenAPI 3.1 document of the JSON API, generated from the handlers'
//! annotations (served at `/api/openapi.json`).

use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use crate::{admin, api, error, ops};

#[derive(OpenApi)]
#[openapi(
    info(title = "Gatehouse", description = "Self-hosted authentication and identity server."),
    paths(
        api::register::register,
        api::login::login,
        api::refresh::refresh,
        api::logout::logout,
        api::logout::logout_all,
        api::me::me,
        api::account::delete,
        api::account::export,
        api::email::verify,
        api::email::resend,
        api::email::change,
        api::password::forgot,
        api::password::reset,
        api::password::change,
        api::password_check::check,
        api::sessions::list,
        api::sessions::end,
        api::keys::create,
        api::keys::list,
        api::keys::revoke,
        api::keys::rotate,
        api::consents::list,
        api::consents::revoke,
        api::mfa::verify::verify,
        api::mfa::totp::setup,
        api::mfa::totp::enable,
        api::mfa::totp::disable,
        api::mfa::backup_codes::regenerate,
        api::webauthn::register::start,
        api::webauthn::register::finish,
        api::webauthn::login::start,
        api::webauthn::login::finish,
        api::webauthn::credentials::list,
        api::webauthn::credentials::rename,
        api::webauthn::credentials::remove,
        admin::audit::list,
        admin::clients::list,
        admin::clients::get,
        admin::clients::create,
        admin::clients::update,
        admin::clients::rotate_secret,
        admin::clients::delete,
        admin::keys::list,
        admin::keys::rotate,
        admin::roles::permissions,
        admin::roles::list,
        admin::roles::create,
        admin::roles::get,
        admin::roles::update,
        admin::roles::delete,
        admin::users::list,
        admin::users::create,
        admin::users::get,
        admin::users::update,
        admin::users::delete,
        admin::users::disable,
        admin::users::enable,
        admin::users::unlock,
        admin::users::password_reset,
        admin::users::sessions,
        admin::users::end_sessions,
        admin::users::end_session,
        admin::users::set_roles,
        admin::users::grant_role,
        admin::users::revoke_role,
        admin::users::api_keys,
        admin::users::revoke_api_key,
        ops::healthz,
        ops::readyz,
        ops::jwks,
    ),
    components(schemas(error::Problem)),
    modifiers(&BearerAuth),
    tags((name = "auth", description = "Accounts, tokens and sessions"),
         (name = "account", description = "Email verification, password reset and change, email change, deletion, export"),
         (name = "mfa", description = "Second factors: authenticator apps and backup codes"),
         (name = "webauthn", description = "Passkeys and security keys"),
         (name = "admin", description = "Administration: each endpoint needs a permission (users:read, roles:write, …) held through a role or granted to an API key"),
         (name = "operations", description = "Health, readiness, keys"))
)]
pub struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        if let Some(components) = openapi.components.as_mut() {
            components.add_security_scheme(
                "bearer",
                SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).bearer_format("JWT").build()),
            );
        }
    }
}
