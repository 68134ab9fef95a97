//! Audit events: every security-relevant thing that happens, with who, to whom,
//! from where and with what outcome. Records never hold a secret.

use time::OffsetDateTime;
use uuid::Uuid;

use crate::account::UserId;

/// What happened. The wire/storage form is the snake_case name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AuditKind {
    Register,
    LoginSucceeded,
    LoginFailed,
    AccountLocked,
    Refresh,
    RefreshReuseDetected,
    Logout,
    LogoutAll,
    SessionRevoked,
    RoleChanged,
    AccountDisabled,
    AccountEnabled,
    AccountUnlocked,
    PasswordRehashed,
    UserCreated,
    UserImported,
    KeysRotated,
    MfaChallenged,
    MfaVerified,
    MfaFailed,
    TotpSetup,
    TotpEnabled,
    TotpDisabled,
    BackupCodesRegenerated,
    BackupCodeUsed,
    StepUp,
    PasskeyRegistered,
    PasskeyRemoved,
    VerificationSent,
    EmailVerified,
    EmailChangeRequested,
    EmailChanged,
    PasswordResetRequested,
    PasswordReset,
    PasswordChanged,
    AccountDeleted,
    ClientCreated,
    ClientDeleted,
    ConsentGranted,
    ConsentRevoked,
    AuthorizationCodeIssued,
    AuthorizationCodeReplayed,
    OAuthTokensIssued,
    OAuthTokenRevoked,
    UpstreamAdded,
    UpstreamRemoved,
    UpstreamLinked,
    UpstreamUnlinked,
    UserUpdated,
    PasswordResetForced,
    /// An administrator removed a user's second factors (a lost device).
    SecondFactorsReset,
    RoleCreated,
    RoleUpdated,
    RoleDeleted,
    ClientUpdated,
    ClientSecretRotated,
    ApiKeyCreated,
    ApiKeyRevoked,
    ApiKeyRotated,
}

impl AuditKind {
    pub const ALL: [AuditKind; 59] = [
        Self::Register,
        Self::LoginSucceeded,
        Self::LoginFailed,
        Self::AccountLocked,
        Self::Refresh,
        Self::RefreshReuseDetected,
        Self::Logout,
        Self::LogoutAll,
        Self::SessionRevoked,
        Self::RoleChanged,
        Self::AccountDisabled,
        Self::AccountEnabled,
        Self::AccountUnlocked,
        Self::PasswordRehashed,
        Self::UserCreated,
        Self::UserImported,
        Self::KeysRotated,
        Self::MfaChallenged,
        Self::MfaVerified,
        Self::MfaFailed,
        Self::TotpSetup,
        Self::TotpEnabled,
        Self::TotpDisabled,
        Self::BackupCodesRegenerated,
        Self::BackupCodeUsed,
        Self::StepUp,
        Self::PasskeyRegistered,
        Self::PasskeyRemoved,
        Self::VerificationSent,
        Self::EmailVerified,
        Self::EmailChangeRequested,
        Self::EmailChanged,
        Self::PasswordResetRequested,
        Self::PasswordReset,
        Self::PasswordChanged,
        Self::AccountDeleted,
        Self::ClientCreated,
        Self::ClientDeleted,
        Self::ConsentGranted,
        Self::ConsentRevoked,
        Self::AuthorizationCodeIssued,
        Self::AuthorizationCodeReplayed,
        Self::OAuthTokensIssued,
        Self::OAuthTokenRevoked,
        Self::UpstreamAdded,
        Self::UpstreamRemoved,
        Self::UpstreamLinked,
        Self::UpstreamUnlinked,
        Self::UserUpdated,
        Self::PasswordResetForced,
        Self::SecondFactorsReset,
        Self::RoleCreated,
        Self::RoleUpdated,
        Self::RoleDeleted,
        Self::ClientUpdated,
        Self::ClientSecretRotated,
        Self::ApiKeyCreated,
        Self::ApiKeyRevoked,
        Self::ApiKeyRotated,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Register => "register",
            Self::LoginSucceeded => "login_succeeded",
            Self::LoginFailed => "login_failed",
            Self::AccountLocked => "account_locked",
            Self::Refresh => "refresh",
            Self::RefreshReuseDetected => "refresh_reuse_detected",
            Self::Logout => "logout",
            Self::LogoutAll => "logout_all",
            Self::SessionRevoked => "session_revoked",
            Self::RoleChanged => "role_changed",
            Self::AccountDisabled => "account_disabled",
            Self::AccountEnabled => "account_enabled",
            Self::AccountUnlocked => "account_unlocked",
            Self::PasswordRehashed => "password_rehashed",
            Self::UserCreated => "user_created",
            Self::UserImported => "user_imported",
            Self::KeysRotated => "keys_rotated",
            Self::MfaChallenged => "mfa_challenged",
            Self::MfaVerified => "mfa_verified",
            Self::MfaFailed => "mfa_failed",
            Self::TotpSetup => "totp_setup",
            Self::TotpEnabled => "totp_enabled",
            Self::TotpDisabled => "totp_disabled",
            Self::BackupCodesRegenerated => "backup_codes_regenerated",
            Self::BackupCodeUsed => "backup_code_used",
            Self::StepUp => "step_up",
            Self::PasskeyRegistered => "passkey_registered",
            Self::PasskeyRemoved => "passkey_removed",
            Self::VerificationSent => "verification_sent",
            Self::EmailVerified => "email_verified",
            Self::EmailChangeRequested => "email_change_requested",
            Self::EmailChanged => "email_changed",
            Self::PasswordResetRequested => "password_reset_requested",
            Self::PasswordReset => "password_reset",
            Self::PasswordChanged => "password_changed",
            Self::AccountDeleted => "account_deleted",
            Self::ClientCreated => "client_created",
            Self::ClientDeleted => "client_deleted",
            Self::ConsentGranted => "consent_granted",
            Self::ConsentRevoked => "consent_revoked",
            Self::AuthorizationCodeIssued => "authorization_code_issued",
            Self::AuthorizationCodeReplayed => "authorization_code_replayed",
            Self::OAuthTokensIssued => "oauth_tokens_issued",
            Self::OAuthTokenRevoked => "oauth_token_revoked",
            Self::UpstreamAdded => "upstream_added",
            Self::UpstreamRemoved => "upstream_removed",
            Self::UpstreamLinked => "upstream_linked",
            Self::UpstreamUnlinked => "upstream_unlinked",
            Self::UserUpdated => "user_updated",
            Self::PasswordResetForced => "password_reset_forced",
            Self::SecondFactorsReset => "second_factors_reset",
            Self::RoleCreated => "role_created",
            Self::RoleUpdated => "role_updated",
            Self::RoleDeleted => "role_deleted",
            Self::ClientUpdated => "client_updated",
            Self::ClientSecretRotated => "client_secret_rotated",
            Self::ApiKeyCreated => "api_key_created",
            Self::ApiKeyRevoked => "api_key_revoked",
            Self::ApiKeyRotated => "api_key_rotated",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    Success,
    Failure,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Success => "success",
            Self::Failure => "failure",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "success" => Some(Self::Success),
            "failure" => Some(Self::Failure),
            _ => None,
        }
    }
}

/// Where a request came from, as far as we can trust it.
#[derive(Clone, Debug, Default)]
pub struct ClientInfo {
    pub ip: Option<String>,
    pub user_agent: Option<String>,
}

/// One audit record.
#[derive(Clone, Debug)]
pub struct AuditEvent {
    pub id: Uuid,
    pub at: OffsetDateTime,
    pub kind: AuditKind,
    pub outcome: Outcome,
    /// Who did it (None for anonymous or unknown users, or the CLI).
    pub actor: Option<UserId>,
    /// Whom it concerned.
    pub subject: Option<UserId>,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
    /// Free-form, secret-free details (e.g. the reason of a failure).
    pub detail: Option<String>,
}

/// The log target audit lines are written under: a log pipeline (or a SIEM)
/// selects them by it, and `log_level` can keep them when it quiets the rest
/// (`warn,gatehouse::audit=info`).
pub const LOG_TARGET: &str = "gatehouse::audit";

/// Writes `event` to the log as one line under [`LOG_TARGET`] — one JSON
/// object with `log_format = "json"` — so that security events leave the
/// process. The store calls it once the event is durable: after its insert,
/// or after the unit of work holding it commits (an event of a unit that
/// rolled back never happened, and is not logged). Like the record itself,
/// the line holds no secret.
pub fn emit(event: &AuditEvent) {
    let at = event.at.format(&time::format_description::well_known::Rfc3339).unwrap_or_default();
    tracing::info!(
        target: "gatehouse::audit",
        audit_id = %event.id,
        at = %at,
        kind = event.kind.as_str(),
        outcome = event.outcome.as_str(),
        actor = event.actor.map(|id| id.to_string()),
        subject = event.subject.map(|id| id.to_string()),
        ip = event.ip.as_deref(),
        user_agent = event.user_agent.as_deref(),
        detail = event.detail.as_deref(),
        "audit event"
    );
}

impl AuditEvent {
    pub fn new(kind: AuditKind, outcome: Outcome, client: &ClientInfo) -> Self {
        Self {
            id: Uuid::now_v7(),
            // The flows' clock sets it when the event is written (`AuditSink::record`).
            at: crate::clock::Clock::now(&crate::clock::SystemClock),
            kind,
            outcome,
            actor: None,
            subject: None,
            ip: client.ip.clone(),
            user_agent: client.user_agent.clone(),
            detail: None,
        }
    }

    pub fn actor(mut self, id: UserId) -> Self {
        self.actor = Some(id);
        self
    }

    pub fn subject(mut self, id: UserId) -> Self {
        self.subject = Some(id);
        self
    }

    pub fn by_and_for(self, id: UserId) -> Self {
        self.actor(id).subject(id)
    }

    pub fn detail(mut self, detail: impl Into<String>) -> Self {
        self.detail = Some(detail.into());
        self
    }
}

/// Filters for reading the audit log. All present filters must match.
#[derive(Clone, Debug, Default)]
pub struct AuditQuery {
    /// Matches events whose actor or subject is this user.
    pub user: Option<UserId>,
    pub kind: Option<AuditKind>,
    pub outcome: Option<Outcome>,
    pub since: Option<OffsetDateTime>,
    pub until: Option<OffsetDateTime>,
    pub limit: u32,
    pub offset: u32,
}
