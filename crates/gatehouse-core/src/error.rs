//! The domain error type and its stable, public error codes.
//!
//! Every failure a client can see has an [`ErrorCode`]; the HTTP layer maps each
//! code to a status in exactly one place (`gatehouse-server/src/error.rs`).
//! Storage and unexpected failures are [`Error::Internal`]: logged, never shown.

use std::time::Duration;

/// Stable, snake_case error codes that appear in `problem+json` bodies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorCode {
    InvalidUsername,
    InvalidEmail,
    WeakPassword,
    UsernameTaken,
    EmailTaken,
    InvalidCredentials,
    AccountDisabled,
    RateLimited,
    InvalidToken,
    TokenExpired,
    TokenReused,
    Unauthorized,
    Forbidden,
    NotFound,
    InvalidRequest,
    ServerBusy,
    InvalidMfaCode,
    ReauthenticationRequired,
    MfaEnrollmentRequired,
    MfaAlreadyEnabled,
    MfaNotEnabled,
    EmailNotVerified,
    UpstreamEmailUnverified,
    Conflict,
    UnknownRole,
    RoleExists,
    RoleInUse,
    BuiltinRole,
    LastAdmin,
    SelfAction,
    PasswordResetRequired,
    Internal,
}

impl ErrorCode {
    /// The wire form of the code.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::InvalidUsername => "invalid_username",
            Self::InvalidEmail => "invalid_email",
            Self::WeakPassword => "weak_password",
            Self::UsernameTaken => "username_taken",
            Self::EmailTaken => "email_taken",
            Self::InvalidCredentials => "invalid_credentials",
            Self::AccountDisabled => "account_disabled",
            Self::RateLimited => "rate_limited",
            Self::InvalidToken => "invalid_token",
            Self::TokenExpired => "token_expired",
            Self::TokenReused => "token_reused",
            Self::Unauthorized => "unauthorized",
            Self::Forbidden => "forbidden",
            Self::NotFound => "not_found",
            Self::InvalidRequest => "invalid_request",
            Self::ServerBusy => "server_busy",
            Self::InvalidMfaCode => "invalid_mfa_code",
            Self::ReauthenticationRequired => "reauthentication_required",
            Self::MfaEnrollmentRequired => "mfa_enrollment_required",
            Self::MfaAlreadyEnabled => "mfa_already_enabled",
            Self::MfaNotEnabled => "mfa_not_enabled",
            Self::EmailNotVerified => "email_not_verified",
            Self::UpstreamEmailUnverified => "upstream_email_unverified",
            Self::Conflict => "conflict",
            Self::UnknownRole => "unknown_role",
            Self::RoleExists => "role_exists",
            Self::RoleInUse => "role_in_use",
            Self::BuiltinRole => "builtin_role",
            Self::LastAdmin => "last_admin",
            Self::SelfAction => "self_action",
            Self::PasswordResetRequired => "password_reset_required",
            Self::Internal => "internal_error",
        }
    }
}

/// A failure of a domain flow.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// `Display` gives the reason in English.
    #[error("{0}")]
    InvalidUsername(crate::account::UsernameProblem),
    /// `Display` gives the reason in English.
    #[error("{0}")]
    InvalidEmail(crate::account::EmailProblem),
    /// A new password the policy refuses; `Display` gives the reason in English.
    #[error("{0}")]
    WeakPassword(crate::password::PasswordProblem),
    #[error("that username is already taken")]
    UsernameTaken,
    #[error("an account with that email already exists")]
    EmailTaken,
    #[error("the username or password is incorrect")]
    InvalidCredentials,
    #[error("this account is disabled")]
    AccountDisabled,
    #[error("too many requests; try again later")]
    RateLimited { retry_after: Duration },
    #[error("the token is invalid")]
    InvalidToken,
    #[error("the token has expired")]
    TokenExpired,
    #[error("this refresh token was already used; the session has been ended")]
    TokenReused,
    #[error("authentication is required")]
    Unauthorized,
    #[error("{0}")]
    Forbidden(String),
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    InvalidRequest(String),
    #[error("the server is busy; try again shortly")]
    ServerBusy,
    #[error("the code is not valid")]
    InvalidMfaCode,
    #[error("confirm your identity again: send your password or a current authenticator code")]
    ReauthenticationRequired,
    #[error("set up a second factor (POST /api/auth/mfa/totp/setup) before using this account")]
    MfaEnrollmentRequired,
    #[error("an authenticator app is already set up; disable it first")]
    MfaAlreadyEnabled,
    #[error("no authenticator app is set up")]
    MfaNotEnabled,
    #[error("verify your email address first: follow the link in the mail we sent (POST /api/auth/email/resend sends it again)")]
    EmailNotVerified,
    #[error("the upstream provider has not verified this email address: verify it there, or sign up here")]
    UpstreamEmailUnverified,
    /// The request clashes with something that exists (a duplicate name).
    #[error("{0}")]
    Conflict(String),
    /// A role name that no role has (in a list of roles to give).
    #[error("there is no role '{0}' (create it first: POST /api/admin/roles or gatehouse role create)")]
    UnknownRole(String),
    #[error("a role named '{0}' already exists")]
    RoleExists(String),
    #[error("{0}")]
    RoleInUse(String),
    /// A change the built-in roles (`admin`, `user`) do not allow.
    #[error("{0}")]
    BuiltinRole(String),
    /// The change would leave no active account with the admin role.
    #[error("{0}")]
    LastAdmin(String),
    /// An administrator acting on their own account in a way that locks them out.
    #[error("{0}")]
    SelfAction(String),
    #[error("an administrator requires a new password for this account: follow the link mailed to you, or ask for one at POST /api/auth/password/forgot")]
    PasswordResetRequired,
    /// Storage or other unexpected failure. The message is for the log only.
    #[error("internal error: {0}")]
    Internal(String),
}

impl Error {
    pub fn code(&self) -> ErrorCode {
        match self {
            Self::InvalidUsername(_) => ErrorCode::InvalidUsername,
            Self::InvalidEmail(_) => ErrorCode::InvalidEmail,
            Self::WeakPassword(_) => ErrorCode::WeakPassword,
            Self::UsernameTaken => ErrorCode::UsernameTaken,
            Self::EmailTaken => ErrorCode::EmailTaken,
            Self::InvalidCredentials => ErrorCode::InvalidCredentials,
            Self::AccountDisabled => ErrorCode::AccountDisabled,
            Self::RateLimited { .. } => ErrorCode::RateLimited,
            Self::InvalidToken => ErrorCode::InvalidToken,
            Self::TokenExpired => ErrorCode::TokenExpired,
            Self::TokenReused => ErrorCode::TokenReused,
            Self::Unauthorized => ErrorCode::Unauthorized,
            Self::Forbidden(_) => ErrorCode::Forbidden,
            Self::NotFound(_) => ErrorCode::NotFound,
            Self::InvalidRequest(_) => ErrorCode::InvalidRequest,
            Self::ServerBusy => ErrorCode::ServerBusy,
            Self::InvalidMfaCode => ErrorCode::InvalidMfaCode,
            Self::ReauthenticationRequired => ErrorCode::ReauthenticationRequired,
            Self::MfaEnrollmentRequired => ErrorCode::MfaEnrollmentRequired,
            Self::MfaAlreadyEnabled => ErrorCode::MfaAlreadyEnabled,
            Self::MfaNotEnabled => ErrorCode::MfaNotEnabled,
            Self::EmailNotVerified => ErrorCode::EmailNotVerified,
            Self::UpstreamEmailUnverified => ErrorCode::UpstreamEmailUnverified,
            Self::Conflict(_) => ErrorCode::Conflict,
            Self::UnknownRole(_) => ErrorCode::UnknownRole,
            Self::RoleExists(_) => ErrorCode::RoleExists,
            Self::RoleInUse(_) => ErrorCode::RoleInUse,
            Self::BuiltinRole(_) => ErrorCode::BuiltinRole,
            Self::LastAdmin(_) => ErrorCode::LastAdmin,
            Self::SelfAction(_) => ErrorCode::SelfAction,
            Self::PasswordResetRequired => ErrorCode::PasswordResetRequired,
            Self::Internal(_) => ErrorCode::Internal,
        }
    }

    pub fn internal(e: impl std::fmt::Display) -> Self {
        Self::Internal(e.to_string())
    }
}

impl From<crate::store::StoreError> for Error {
    fn from(e: crate::store::StoreError) -> Self {
        use crate::store::{Constraint, StoreError};
        match e {
            StoreError::Conflict(Constraint::Username) => Self::UsernameTaken,
            StoreError::Conflict(Constraint::Email) => Self::EmailTaken,
            StoreError::Conflict(Constraint::MissingReference) => {
                Self::Conflict("something this refers to was removed meanwhile; try again".into())
            }
            StoreError::Conflict(other) => Self::Internal(format!("unexpected constraint violation: {other:?}")),
            StoreError::Backend(msg) => Self::Internal(msg),
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
