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
}
