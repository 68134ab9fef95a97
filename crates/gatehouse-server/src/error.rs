//! The one place where errors become HTTP responses.
//!
//! Every domain [`Error`] maps to a status *explicitly* below and is rendered as
//! RFC 9457 `application/problem+json` with a stable `code`. Internal errors are
//! logged with their cause and answered with an opaque 500.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use gatehouse_core::{Error, ErrorCode};
use serde::Serialize;
use utoipa::ToSchema;

/// An RFC 9457 problem document.
#[derive(Debug, Serialize, ToSchema)]
pub struct Problem {
    /// A URI naming the problem type (`about:blank` style tag URIs).
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    pub detail: String,
    /// Stable snake_case error code, e.g. `invalid_credentials`.
    pub code: String,
}

/// An error on its way to becoming a `problem+json` response.
#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    code: &'static str,
    detail: String,
    retry_after: Option<u64>,
    www_authenticate: Option<&'static str>,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, detail: impl Into<String>) -> Self {
        Self { status, code, detail: detail.into(), retry_after: None, www_authenticate: None }
    }

    pub fn status(&self) -> StatusCode {
        self.status
    }
}

/// The HTTP status of an error code: the one mapping, shared by the JSON
/// API and the pages.
pub(crate) fn status_of(code: ErrorCode) -> StatusCode {
    match code {
        ErrorCode::InvalidUsername | ErrorCode::InvalidEmail | ErrorCode::WeakPassword => {
            StatusCode::UNPROCESSABLE_ENTITY
        }
        ErrorCode::UsernameTaken | ErrorCode::EmailTaken | ErrorCode::Conflict => StatusCode::CONFLICT,
        ErrorCode::UnknownRole => StatusCode::UNPROCESSABLE_ENTITY,
        ErrorCode::RoleExists
        | ErrorCode::RoleInUse
        | ErrorCode::BuiltinRole
        | ErrorCode::LastAdmin
        | ErrorCode::SelfAction => StatusCode::CONFLICT,
        ErrorCode::InvalidCredentials
        | ErrorCode::InvalidToken
        | ErrorCode::TokenExpired
        | ErrorCode::TokenReused
        | ErrorCode::Unauthorized
        | ErrorCode::InvalidMfaCode
        | ErrorCode::ReauthenticationRequired => StatusCode::UNAUTHORIZED,
        ErrorCode::AccountDisabled
        | ErrorCode::Forbidden
        | ErrorCode::MfaEnrollmentRequired
        | ErrorCode::EmailNotVerified
        | ErrorCode::UpstreamEmailUnverified
        | ErrorCode::PasswordResetRequired => StatusCode::FORBIDDEN,
        ErrorCode::MfaAlreadyEnabled | ErrorCode::MfaNotEnabled => StatusCode::CONFLICT,
        ErrorCode::RateLimited => StatusCode::TOO_MANY_REQUESTS,
        ErrorCode::NotFound => StatusCode::NOT_FOUND,
        ErrorCode::InvalidRequest => StatusCode::BAD_REQUEST,
        ErrorCode::ServerBusy => StatusCode::SERVICE_UNAVAILABLE,
        ErrorCode::Internal => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

impl From<Error> for ApiError {
    fn from(e: Error) -> Self {
        let code = e.code();
        let status = status_of(code);
        let detail = match &e {
            Error::Internal(cause) => {
                tracing::error!(cause = %cause, "internal error");
                "an unexpected error occurred; it has been logged".to_owned()
            }
            other => other.to_string(),
        };
        let mut api = Self::new(status, code.as_str(), detail);
        match e {
            Error::RateLimited { retry_after } => api.retry_after = Some(retry_after.as_secs().max(1)),
            Error::ServerBusy => api.retry_after = Some(1),
            Error::InvalidToken | Error::TokenExpired => api.www_authenticate = Some(r#"Bearer error="invalid_token""#),
            Error::Unauthorized => api.www_authenticate = Some("Bearer"),
            _ => {}
        }
        api
    }
}

impl From<gatehouse_core::store::StoreError> for ApiError {
    fn from(e: gatehouse_core::store::StoreError) -> Self {
        Error::from(e).into()
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let title = self.status.canonical_reason().unwrap_or("Error").to_owned();
        let body = Problem {
            kind: format!("https://gatehouse.dev/problems/{}", self.code),
            title,
            status: self.status.as_u16(),
            detail: self.detail,
            code: self.code.to_owned(),
        };
        let mut response = (self.status, axum::Json(body)).into_response();
        let headers = response.headers_mut();
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/problem+json"));
        if let Some(secs) = self.retry_after {
            if let Ok(v) = HeaderValue::from_str(&secs.to_string()) {
                headers.insert(header::RETRY_AFTER, v);
            }
        }
        if let Some(challenge) = self.www_authenticate {
            headers.insert(header::WWW_AUTHENTICATE, HeaderValue::from_static(challenge));
        }
        response
    }
}

pub type ApiResult<T> = Result<T, ApiError>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_has_an_explicit_status() {
        use ErrorCode::*;
        let expectations = [
            (WeakPassword, 422),
            (UsernameTaken, 409),
            (InvalidCredentials, 401),
            (TokenReused, 401),
            (AccountDisabled, 403),
            (RateLimited, 429),
            (ServerBusy, 503),
            (InvalidRequest, 400),
            (UnknownRole, 422),
            (RoleExists, 409),
            (RoleInUse, 409),
            (BuiltinRole, 409),
            (LastAdmin, 409),
            (SelfAction, 409),
            (PasswordResetRequired, 403),
            (Internal, 500),
        ];
        for (code, status) in expectations {
            assert_eq!(status_of(code).as_u16(), status, "{code:?}");
        }
    }
}
