//! Shared state of the HTTP layer.

use std::sync::Arc;

use gatehouse_core::flows::Accounts;
use ipnet::IpNet;
use metrics_exporter_prometheus::PrometheusHandle;

#[derive(Clone)]
pub struct AppState {
    pub accounts: Arc<Accounts>,
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
