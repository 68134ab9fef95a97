//! `Client`: the caller's IP and user agent. `X-Forwarded-For` is believed only
//! when the direct peer is a configured trusted proxy; then the right-most
//! address that is not itself a trusted proxy is the client.

use std::net::{IpAddr, SocketAddr};

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::header::USER_AGENT;
use axum::http::request::Parts;
use gatehouse_core::audit::ClientInfo;
use ipnet::IpNet;

use crate::error::ApiError;
use crate::state::AppState;

pub struct Client(pub ClientInfo);

/// The client address for a peer and the `X-Forwarded-For` values it sent.
pub fn client_ip(peer: IpAddr, forwarded_for: &[&str], trusted: &[IpNet]) -> IpAddr {
    let is_trusted = |ip: &IpAddr| trusted.iter().any(|net| net.contains(ip));
    if !is_trusted(&peer) {
        return peer;
    }
    let hops: Vec<IpAddr> =
        forwarded_for.iter().flat_map(|v| v.split(',')).filter_map(|s| s.trim().parse::<IpAddr>().ok()).collect();
    hops.into_iter().rev().find(|ip| !is_trusted(ip)).unwrap_or(peer)
}

impl FromRequestParts<AppState> for Client {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let peer = parts.extensions.get::<ConnectInfo<SocketAddr>>().map(|ConnectInfo(addr)| addr.ip());
        let ip = peer.map(|peer| {
            let forwarded: Vec<&str> =
                parts.headers.get_all("x-forwarded-for").iter().filter_map(|v| v.to_str().ok()).collect();
            if !forwarded.is_empty() && state.trusted_proxies.is_empty() {
                warn_untrusted_proxy(peer);
            }
            client_ip(peer, &forwarded, &state.trusted_proxies)
        });
        let user_agent =
            parts.headers.get(USER_AGENT).and_then(|v| v.to_str().ok()).map(|s| s.chars().take(512).collect());
        Ok(Self(ClientInfo { ip: ip.map(|ip| ip.to_string()), user_agent }))
    }
}

/// Requests carry `X-Forwarded-For` but no proxy is trusted: behind a
/// reverse proxy every client would share its address (rate limits, the
/// refresh grace, audit records). Said once per process.
fn warn_untrusted_proxy(peer: IpAddr) {
    static WARNED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);
    if !WARNED.swap(true, std::sync::atomic::Ordering::Relaxed) {
        tracing::warn!(
            %peer,
            "a request carries X-Forwarded-For but trusted_proxies is empty: if Gatehouse runs behind a reverse \
             proxy, set trusted_proxies to its address, or every client shares the proxy's address"
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forwarded_for_only_from_trusted_proxies() {
        let trusted: Vec<IpNet> = vec!["10.0.0.0/8".parse().unwrap()];
        let peer_untrusted: IpAddr = "203.0.113.9".parse().unwrap();
        let proxy: IpAddr = "10.0.0.2".parse().unwrap();
        // A direct client cannot spoof its address.
        assert_eq!(client_ip(peer_untrusted, &["1.2.3.4"], &trusted), peer_untrusted);
        // Behind our proxy, the right-most untrusted hop is the client.
        assert_eq!(
            client_ip(proxy, &["1.2.3.4, 198.51.100.7, 10.0.0.3"], &trusted),
            "198.51.100.7".parse::<IpAddr>().unwrap()
        );
        // Garbage in the header falls back to the proxy itself.
        assert_eq!(client_ip(proxy, &["not-an-ip"], &trusted), proxy);
    }
}
