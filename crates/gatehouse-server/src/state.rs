//! Shared state of the HTTP layer.

use std::sync::Arc;

use gatehouse_core::clock::Clock;
use gatehouse_core::flows::{AccountLifecycle, AccountsConfig, Admin, Authenticator, OAuthProvider, TokenIssuer};
use gatehouse_core::password::PasswordHasher;
use gatehouse_core::store::Store;
use ipnet::IpNet;
use metrics_exporter_prometheus::PrometheusHandle;

#[derive(Clone)]
pub struct AppState {
    /// Signing in, sessions, second factors, API keys.
    pub auth: Arc<Authenticator>,
    /// The OAuth 2.0 / OpenID Connect provider.
    pub oauth: Arc<OAuthProvider>,
    /// Administration.
    pub admin: Arc<Admin>,
    /// Sign-up, verification, reset, change, deletion.
    pub lifecycle: Arc<AccountLifecycle>,
    /// The signing keys (JWKS) and the access tokens' verifier.
    pub tokens: Arc<TokenIssuer>,
    pub config: Arc<AccountsConfig>,
    /// The time every decision is made by.
    pub clock: Arc<dyn Clock>,
    /// For readiness (a round trip) only.
    pub store: Arc<dyn Store>,
    /// For readiness (the hashing queue) only.
    pub hasher: Arc<PasswordHasher>,
    pub trusted_proxies: Arc<Vec<IpNet>>,
    pub metrics: PrometheusHandle,
    /// Send `Strict-Transport-Security` (the issuer is https).
    pub hsts: bool,
    /// HTTP client and metadata cache for upstream identity providers.
    pub upstreams: Arc<crate::federation::UpstreamClient>,
    /// Templates and assets of the pages (embedded, or the operator's theme).
    pub theme: Arc<crate::pages::theme::Theme>,
    /// Links the sign-up page asks the person to agree to.
    pub legal: Arc<LegalLinks>,
    /// When set, `/metrics` answers only a request bearing this token (its digest).
    pub metrics_token: Option<gatehouse_core::crypto::TokenDigest>,
    /// Connection and request limits (the listener's, and the request timeout).
    pub limits: Arc<crate::listener::ConnectionLimits>,
}

/// The operator's terms of service and privacy policy, when configured.
#[derive(Clone, Debug, Default)]
pub struct LegalLinks {
    pub terms_url: Option<String>,
    pub privacy_url: Option<String>,
}

impl LegalLinks {
    /// Sign-up asks for agreement when there is anything to agree to.
    pub fn required(&self) -> bool {
        self.terms_url.is_some() || self.privacy_url.is_some()
    }
}
