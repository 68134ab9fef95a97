//! The OpenAPI 3.1 document of the JSON API, generated from the handlers'
//! annotations (served at `/api/openapi.json`).

use utoipa::openapi::path::Operation;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{ContentBuilder, Ref, RefOr, Response, ResponseBuilder};
use utoipa::{Modify, OpenApi};

use crate::{admin, api, error, forward_auth, ops};

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
        admin::users::reset_mfa,
        admin::users::sessions,
        admin::users::end_sessions,
        admin::users::end_session,
        admin::users::set_roles,
        admin::users::grant_role,
        admin::users::revoke_role,
        admin::users::api_keys,
        admin::users::revoke_api_key,
        forward_auth::forward_auth,
        forward_auth::auth_request,
        ops::healthz,
        ops::readyz,
        ops::jwks,
    ),
    components(schemas(error::Problem)),
    modifiers(&BearerAuth, &ProblemResponses),
    tags((name = "auth", description = "Accounts, tokens and sessions"),
         (name = "account", description = "Email verification, password reset and change, email change, deletion, export"),
         (name = "mfa", description = "Second factors: authenticator apps and backup codes"),
         (name = "webauthn", description = "Passkeys and security keys"),
         (name = "admin", description = "Administration: each endpoint needs a permission (users:read, roles:write, …) held through a role or granted to an API key"),
         (name = "forward-auth", description = "Reverse proxies ask whether a request to an application behind them may pass (trusted_proxies only)"),
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

/// Every error answer, as the server sends it: `application/problem+json`
/// with the `Problem` schema. The handlers declare the errors of their own
/// flows; this adds those any request may meet on its way — a malformed or
/// oversized request, the connection and request limits, the rate limits,
/// authentication where a token is taken, an unknown id in the path, an
/// unexpected failure — so a client (or a fuzzer) finds every status it can
/// receive in the document.
struct ProblemResponses;

/// (status, description, when it applies).
const COMMON_PROBLEMS: [(&str, &str, Applies); 12] = [
    ("400", "`malformed_json`, `invalid_request` or another malformed request", Applies::Always),
    ("401", "`unauthorized`, `invalid_token` or `token_expired`: no valid bearer token", Applies::Secured),
    ("403", "`forbidden` or `mfa_enrollment_required`: the token may not do this", Applies::Secured),
    ("404", "`not_found`: nothing has that id", Applies::PathParameters),
    ("408", "`request_timeout`: the request took longer than `request_timeout`", Applies::Always),
    ("413", "`payload_too_large`: the body is over 64 KiB", Applies::Body),
    ("415", "`unsupported_media_type`: the body is not JSON", Applies::Body),
    ("422", "`invalid_body`: the JSON has the wrong shape", Applies::Body),
    (
        "429",
        "`rate_limited` (with `Retry-After`): a rate limit, or too many connections from one address",
        Applies::Always,
    ),
    ("431", "the request head is over `max_header_bytes`", Applies::Always),
    ("500", "`internal_error`: an unexpected failure (logged)", Applies::Always),
    ("503", "`server_busy` (with `Retry-After`): the hashing pool or the connections are full", Applies::Always),
];

#[derive(Clone, Copy, PartialEq, Eq)]
enum Applies {
    Always,
    Secured,
    PathParameters,
    Body,
}

const PROBLEM_JSON: &str = "application/problem+json";

fn problem_content() -> utoipa::openapi::Content {
    ContentBuilder::new().schema(Some(RefOr::Ref(Ref::from_schema_name("Problem")))).build()
}

impl Modify for ProblemResponses {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        for (path, item) in openapi.paths.paths.iter_mut() {
            let operations = [
                item.get.as_mut(),
                item.put.as_mut(),
                item.post.as_mut(),
                item.delete.as_mut(),
                item.patch.as_mut(),
                item.head.as_mut(),
                item.options.as_mut(),
            ];
            for operation in operations.into_iter().flatten() {
                declare_problems(path, operation);
            }
        }
    }
}

fn declare_problems(path: &str, operation: &mut Operation) {
    // The errors a handler declares are problem documents too.
    for (status, response) in operation.responses.responses.iter_mut() {
        if !(status.starts_with('4') || status.starts_with('5')) {
            continue;
        }
        if let RefOr::T(response) = response {
            let declared = response.content.shift_remove("application/json");
            response.content.insert(PROBLEM_JSON.to_owned(), declared.unwrap_or_else(problem_content));
        }
    }
    let secured = operation.security.as_ref().is_some_and(|requirements| {
        requirements.iter().any(|r| serde_json::to_value(r).is_ok_and(|v| v.as_object().is_some_and(|o| !o.is_empty())))
    });
    for (status, description, applies) in COMMON_PROBLEMS {
        let applies = match applies {
            Applies::Always => true,
            Applies::Secured => secured,
            Applies::PathParameters => path.contains('{'),
            Applies::Body => operation.request_body.is_some(),
        };
        if applies && !operation.responses.responses.contains_key(status) {
            let response: Response =
                ResponseBuilder::new().description(description).content(PROBLEM_JSON, problem_content()).build();
            operation.responses.responses.insert(status.to_owned(), RefOr::T(response));
        }
    }
}
