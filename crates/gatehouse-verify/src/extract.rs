//! The axum side: [`AuthUser`] extracts a verified token from
//! `Authorization: Bearer`, and its guards answer 403 when the token lacks a
//! role, permission or scope. Refusals are `application/problem+json` with a
//! stable `code` and, for 401 and scope refusals, `WWW-Authenticate` as
//! RFC 6750 describes.

use axum::extract::{FromRef, FromRequestParts};
use axum::http::header::{AUTHORIZATION, CONTENT_TYPE, WWW_AUTHENTICATE};
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

use crate::claims::Claims;
use crate::error::VerifyError;
use crate::verifier::Verifier;

/// The verified bearer of a request.
#[derive(Clone, Debug)]
pub struct AuthUser(Claims);

impl AuthUser {
    pub fn claims(&self) -> &Claims {
        &self.0
    }

    pub fn into_claims(self) -> Claims {
        self.0
    }

    /// 403 `forbidden` unless the token carries `role`.
    pub fn require_role(&self, role: &str) -> Result<(), AuthError> {
        if self.0.has_role(role) {
            Ok(())
        } else {
            Err(AuthError::Forbidden(format!("the role {role} is required")))
        }
    }

    /// 403 `forbidden` unless the token carries `permission` (`resource:action`).
    pub fn require_permission(&self, permission: &str) -> Result<(), AuthError> {
        if self.0.has_permission(permission) {
            Ok(())
        } else {
            Err(AuthError::Forbidden(format!("the permission {permission} is required")))
        }
    }

    /// 403 `insufficient_scope` unless the token was granted `scope`.
    pub fn require_scope(&self, scope: &str) -> Result<(), AuthError> {
        if self.0.has_scope(scope) {
            Ok(())
        } else {
            Err(AuthError::InsufficientScope(scope.to_owned()))
        }
    }
}

impl<S> FromRequestParts<S> for AuthUser
where
    Verifier: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = AuthError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let header = parts.headers.get(AUTHORIZATION).ok_or(AuthError::Missing)?;
        let value = header.to_str().map_err(|_| AuthError::Missing)?;
        let (scheme, token) = value.split_once(' ').ok_or(AuthError::Missing)?;
        if !scheme.eq_ignore_ascii_case("bearer") || token.trim().is_empty() {
            return Err(AuthError::Missing);
        }
        let verifier = Verifier::from_ref(state);
        verifier.verify(token.trim()).await.map(AuthUser).map_err(AuthError::Invalid)
    }
}

/// Why a request was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuthError {
    /// No bearer token: 401 `unauthorized`.
    Missing,
    /// A token that does not verify: 401 `invalid_token` (`token_expired` when
    /// it merely expired), or 503 `verifier_unavailable` when Gatehouse cannot
    /// be reached to decide.
    Invalid(VerifyError),
    /// A valid token without the needed role or permission: 403 `forbidden`.
    Forbidden(String),
    /// A valid token without the needed scope: 403 `insufficient_scope`.
    InsufficientScope(String),
}

impl std::fmt::Display for AuthError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Missing => f.write_str("a bearer token is required"),
            Self::Invalid(e) => write!(f, "{e}"),
            Self::Forbidden(why) => f.write_str(why),
            Self::InsufficientScope(scope) => write!(f, "the scope {scope} is required"),
        }
    }
}

impl std::error::Error for AuthError {}

impl IntoResponse for AuthError {
    fn into_response(self) -> Response {
        let detail = self.to_string();
        let (status, code, challenge) = match &self {
            Self::Missing => (StatusCode::UNAUTHORIZED, "unauthorized", Some("Bearer".to_owned())),
            Self::Invalid(VerifyError::Unavailable(_)) => {
                (StatusCode::SERVICE_UNAVAILABLE, "verifier_unavailable", None)
            }
            Self::Invalid(e) => (
                StatusCode::UNAUTHORIZED,
                if *e == VerifyError::Expired { "token_expired" } else { "invalid_token" },
                Some(format!("Bearer error=\"invalid_token\", error_description=\"{e}\"")),
            ),
            Self::Forbidden(_) => (StatusCode::FORBIDDEN, "forbidden", None),
            Self::InsufficientScope(scope) => (
                StatusCode::FORBIDDEN,
                "insufficient_scope",
                Some(format!("Bearer error=\"insufficient_scope\", scope=\"{scope}\"")),
            ),
        };
        // The reason Gatehouse cannot be reached goes to the log, not to the caller.
        let detail = match &self {
            Self::Invalid(VerifyError::Unavailable(why)) => {
                tracing::warn!(error = %why, "cannot verify a token");
                "the token cannot be checked right now".to_owned()
            }
            _ => detail,
        };
        let body = serde_json::json!({
            "type": format!("https://gatehouse.dev/problems/{code}"),
            "title": status.canonical_reason().unwrap_or("Error"),
            "status": status.as_u16(),
            "detail": detail,
            "code": code,
        });
        let mut res = (status, body.to_string()).into_response();
        res.headers_mut().insert(CONTENT_TYPE, HeaderValue::from_static("application/problem+json"));
        if let Some(value) = challenge.and_then(|c| HeaderValue::from_str(&c).ok()) {
            res.headers_mut().insert(WWW_AUTHENTICATE, value);
        }
        res
    }
}
