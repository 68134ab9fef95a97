//! OAuth protocol errors (RFC 6749 §5.2, RFC 6750 §3.1): the `error` codes a
//! client library understands, kept apart from Gatehouse's problem+json codes.

use crate::error::Error;

/// An OAuth `error` value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OAuthErrorCode {
    InvalidRequest,
    InvalidClient,
    InvalidGrant,
    UnauthorizedClient,
    UnsupportedGrantType,
    InvalidScope,
    InvalidToken,
    InsufficientScope,
}

impl OAuthErrorCode {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::InvalidRequest => "invalid_request",
            Self::InvalidClient => "invalid_client",
            Self::InvalidGrant => "invalid_grant",
            Self::UnauthorizedClient => "unauthorized_client",
            Self::UnsupportedGrantType => "unsupported_grant_type",
            Self::InvalidScope => "invalid_scope",
            Self::InvalidToken => "invalid_token",
            Self::InsufficientScope => "insufficient_scope",
        }
    }
}

/// An `error` the authorization endpoint sends back to the client on its
/// redirect URI (RFC 6749 §4.1.2.1, OpenID Connect Core §3.1.2.6, RFC 9101 §6).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AuthorizeErrorCode {
    InvalidRequest,
    UnauthorizedClient,
    AccessDenied,
    UnsupportedResponseType,
    InvalidScope,
    ServerError,
    LoginRequired,
    ConsentRequired,
    RequestNotSupported,
    RequestUriNotSupported,
}

impl AuthorizeErrorCode {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::InvalidRequest => "invalid_request",
            Self::UnauthorizedClient => "unauthorized_client",
            Self::AccessDenied => "access_denied",
            Self::UnsupportedResponseType => "unsupported_response_type",
            Self::InvalidScope => "invalid_scope",
            Self::ServerError => "server_error",
            Self::LoginRequired => "login_required",
            Self::ConsentRequired => "consent_required",
            Self::RequestNotSupported => "request_not_supported",
            Self::RequestUriNotSupported => "request_uri_not_supported",
        }
    }
}

/// Why an OAuth endpoint refused: a protocol error for the client, or a
/// server-side condition (rate limit, busy, storage) answered as problem+json.
#[derive(Debug)]
pub enum OAuthFailure {
    Protocol { code: OAuthErrorCode, description: String },
    Server(Error),
}

impl OAuthFailure {
    pub fn new(code: OAuthErrorCode, description: impl Into<String>) -> Self {
        Self::Protocol { code, description: description.into() }
    }
}

impl From<Error> for OAuthFailure {
    fn from(e: Error) -> Self {
        Self::Server(e)
    }
}

impl From<crate::store::StoreError> for OAuthFailure {
    fn from(e: crate::store::StoreError) -> Self {
        Self::Server(e.into())
    }
}
