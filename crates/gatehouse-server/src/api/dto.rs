//! JSON shapes of the account API (requests and answers), with their OpenAPI
//! schemas. Secrets are deserialised straight into `SecretString`.

use gatehouse_core::account::User;
use gatehouse_core::flows::{MfaStatus, TokenPair};
use gatehouse_core::session::Session;
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;
use utoipa::ToSchema;
use uuid::Uuid;

pub fn rfc3339(t: OffsetDateTime) -> String {
    t.format(&Rfc3339).unwrap_or_default()
}

#[derive(Deserialize, ToSchema)]
pub struct RegisterBody {
    pub username: String,
    pub email: String,
    #[schema(value_type = String, format = Password)]
    pub password: SecretString,
}

/// How a sign-in hands over its session.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum SessionMode {
    /// An access and a refresh token in the answer.
    #[default]
    Tokens,
    /// The browser session cookie (HttpOnly), no token.
    Cookie,
}

#[derive(Deserialize, ToSchema)]
pub struct LoginBody {
    /// Username or email.
    #[serde(default)]
    pub username: Option<String>,
    /// Alternative to `username`.
    #[serde(default)]
    pub email: Option<String>,
    #[schema(value_type = String, format = Password)]
    pub password: SecretString,
    /// `cookie` for a first-party web app on Gatehouse's origin: the session
    /// goes into an HttpOnly cookie and no token is returned; the request
    /// (and every later one with the cookie) sends `X-Gatehouse-CSRF: 1`.
    /// Default `tokens`.
    #[serde(default)]
    pub session: Option<SessionMode>,
    /// With `session: cookie`: keep the cookie for the remembered lifetime.
    #[serde(default)]
    pub remember: bool,
}

#[derive(Deserialize, ToSchema)]
pub struct RefreshBody {
    #[schema(value_type = String)]
    pub refresh_token: SecretString,
}

#[derive(Deserialize, ToSchema, Default)]
pub struct LogoutBody {
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub refresh_token: Option<SecretString>,
}

#[derive(Serialize, ToSchema, Default)]
pub struct MfaView {
    pub enabled: bool,
    /// `totp`, `webauthn`, `backup_code`.
    pub methods: Vec<String>,
    /// Registered passkeys and security keys.
    pub passkeys: u32,
    pub backup_codes_remaining: u32,
}

impl From<&MfaStatus> for MfaView {
    fn from(s: &MfaStatus) -> Self {
        Self {
            enabled: s.has_second_factor(),
            methods: s.methods(),
            passkeys: s.passkeys,
            backup_codes_remaining: s.backup_codes_remaining,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct UserView {
    pub id: Uuid,
    pub username: String,
    pub email: String,
    pub email_verified: bool,
    pub is_active: bool,
    pub roles: Vec<String>,
    /// What the roles grant (`resource:action`).
    pub permissions: Vec<String>,
    pub mfa: MfaView,
    /// RFC 3339.
    pub created_at: String,
    pub updated_at: String,
}

impl From<&User> for UserView {
    fn from(u: &User) -> Self {
        Self {
            id: u.id.0,
            username: u.username.to_string(),
            email: u.email.to_string(),
            email_verified: u.email_verified,
            is_active: u.is_active,
            roles: u.roles.iter().map(|r| r.to_string()).collect(),
            permissions: u.permissions.iter().map(|p| p.to_string()).collect(),
            mfa: MfaView::default(),
            created_at: rfc3339(u.created_at),
            updated_at: rfc3339(u.updated_at),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct UserEnvelope {
    pub user: UserView,
}

#[derive(Serialize, ToSchema)]
pub struct TokenResponse {
    pub access_token: String,
    /// Always `Bearer`.
    pub token_type: &'static str,
    /// Seconds until the access token expires.
    pub expires_in: u64,
    pub refresh_token: String,
    pub session_id: Uuid,
    /// `mfa_enroll` when the user must set up a second factor before anything else.
    pub scope: String,
    /// True when policy demands a second factor the user has not set up yet:
    /// the access token only allows `/api/auth/mfa/totp/*` and `/api/auth/me`.
    pub mfa_enrollment_required: bool,
    pub user: UserView,
}

impl TokenResponse {
    pub fn new(user: &User, pair: TokenPair) -> Self {
        let restricted = pair.scope == gatehouse_core::token::ENROLL_SCOPE;
        Self {
            access_token: pair.access_token.expose_secret().to_owned(),
            token_type: "Bearer",
            expires_in: pair.expires_in,
            refresh_token: pair.refresh_token.expose_secret().to_owned(),
            session_id: pair.session_id.0,
            scope: pair.scope,
            mfa_enrollment_required: restricted,
            user: user.into(),
        }
    }
}

/// A sign-in with `session: cookie` succeeded: the session is in the
/// `Set-Cookie` of this answer, not in its body.
#[derive(Serialize, ToSchema)]
pub struct CookieSignIn {
    /// Always `cookie`.
    pub session: String,
    pub user: UserView,
}

/// The first step of a login succeeded; a second factor is needed.
#[derive(Serialize, ToSchema)]
pub struct MfaRequiredResponse {
    /// Always true.
    pub mfa_required: bool,
    /// Present this to `POST /api/auth/mfa/verify` within `expires_in` seconds.
    pub mfa_token: String,
    /// `totp`, `backup_code`.
    pub methods: Vec<String>,
    pub expires_in: u64,
}

/// A login answer: tokens, or a request for the second factor.
#[derive(Serialize, ToSchema)]
#[serde(untagged)]
pub enum LoginResponse {
    Tokens(Box<TokenResponse>),
    MfaRequired(MfaRequiredResponse),
    Cookie(CookieSignIn),
}

#[derive(Serialize, ToSchema)]
pub struct SessionView {
    pub id: Uuid,
    pub created_at: String,
    pub last_used_at: String,
    /// When the session ends at the latest (idle or absolute lifetime).
    pub expires_at: String,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
    /// `api` (a token pair), `browser` (the sign-in pages) or `oauth` (an application's tokens).
    pub kind: &'static str,
    /// The application holding the session's tokens (`oauth` sessions).
    pub client_id: Option<String>,
    /// The session of the token making this request.
    pub current: bool,
}

impl SessionView {
    pub fn new(s: &Session, current: bool) -> Self {
        Self {
            id: s.id.0,
            created_at: rfc3339(s.created_at),
            last_used_at: rfc3339(s.last_used_at),
            expires_at: rfc3339(s.idle_expires_at.min(s.absolute_expires_at)),
            ip: s.ip.clone(),
            user_agent: s.user_agent.clone(),
            kind: s.kind.as_str(),
            client_id: s.kind.client_id().map(str::to_owned),
            current,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct SessionList {
    pub sessions: Vec<SessionView>,
}
