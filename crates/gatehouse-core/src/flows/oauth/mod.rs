//! The OAuth 2.0 / OpenID Connect provider: the authorization endpoint and
//! consents, the token endpoint's grants, and what clients and resource
//! servers ask about tokens (introspection, revocation, userinfo, logout).

mod authorize;
mod token;
mod tokens;

use std::sync::Arc;

pub use authorize::{
    append_query, AuthorizationRequest, AuthorizeDecision, AuthorizeError, Prompt, Refusal, Untrusted,
    ValidAuthorization, SUPPORTED_SCOPES,
};
pub use token::{ClientCredentials, OAuthTokenResponse, TokenFields, TokenGrant};
pub use tokens::{Introspection, LogoutOutcome, LogoutRequest, UserInfo};

use super::parts::client_cache::ClientCache;
use super::parts::{ApiKeyCheck, AuditSink, Limits, LiveSessions, RefreshTokens, TokenIssuer, Units};
use super::AccountsConfig;
use crate::clock::Clock;
use crate::store::{ClientStore, OAuthStore, SessionStore, UserStore};

/// Serves OAuth clients and the people who sign in to them.
pub struct OAuthProvider {
    pub(super) users: Arc<dyn UserStore>,
    pub(super) sessions: Arc<dyn SessionStore>,
    pub(super) clients: Arc<dyn ClientStore>,
    /// Authorization codes and consents.
    pub(super) grants: Arc<dyn OAuthStore>,
    pub(super) units: Units,
    pub(super) tokens: Arc<TokenIssuer>,
    pub(super) refresh_tokens: Arc<RefreshTokens>,
    pub(super) api_key_check: Arc<ApiKeyCheck>,
    /// OAuth clients the token endpoint saw moments ago.
    pub(super) client_cache: Arc<ClientCache>,
    /// The sessions and users userinfo and introspection check.
    pub(super) live: Arc<LiveSessions>,
    pub(super) audit: AuditSink,
    pub(super) limits: Limits,
    pub(super) config: Arc<AccountsConfig>,
    pub(super) clock: Arc<dyn Clock>,
}
