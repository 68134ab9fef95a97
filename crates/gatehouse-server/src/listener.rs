//! The listener: accepts connections and serves each with hyper, under the
//! limits a server facing the internet needs and `axum::serve` does not set.
//!
//! - a global cap on open connections (`max_connections`) and one per client
//!   address (`max_connections_per_ip`; IPv6 grouped by /64, trusted proxies
//!   exempt): a refused connection gets a short `503`/`429` problem answer and
//!   is closed, so one address cannot take every socket;
//! - a header-read timeout (`header_read_timeout`): a connection that does
//!   not finish a request's headers in time — a slowloris, or a keep-alive
//!   connection left idle — is closed;
//! - a bound on the size of a request's head (`max_header_bytes`, `431`);
//! - the whole request, body included, is bounded by the router's request
//!   timeout (`request_timeout`, see `middleware::request_timeout`).
//!
//! Shutdown is graceful: no new connections, in-flight requests finish (for
//! at most the request timeout).

use std::collections::HashMap;
use std::future::Future;
use std::net::IpAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::ConnectInfo;
use axum::Router;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto::Builder;
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use ipnet::IpNet;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tower::ServiceExt;

/// What the listener allows.
#[derive(Clone, Debug)]
pub struct ConnectionLimits {
    pub max_connections: usize,
    pub max_connections_per_ip: usize,
    pub header_read_timeout: Duration,
    pub request_timeout: Duration,
    /// The most a request line and its headers may take (at least 8 KiB).
    pub max_header_bytes: usize,
}

impl Default for ConnectionLimits {
    fn default() -> Self {
        Self {
            max_connections: 4096,
            max_connections_per_ip: 256,
            header_read_timeout: Duration::from_secs(10),
            request_timeout: Duration::from_secs(30),
            max_header_bytes: 32 * 1024,
        }
    }
}

/// The least `max_header_bytes` hyper accepts.
pub const MIN_HEADER_BYTES: usize = 8192;

/// Serves `app` on `listener` until `shutdown` completes, then finishes the
/// requests in flight.
pub async fn serve(
    listener: TcpListener,
    app: Router,
    limits: ConnectionLimits,
    trusted_proxies: Arc<Vec<IpNet>>,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let mut builder = Builder::new(TokioExecutor::new());
    builder
        .http1()
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header_read_timeout)
        .max_buf_size(limits.max_header_bytes.max(MIN_HEADER_BYTES))
        .max_headers(128);
    builder
        .http2()
        .timer(TokioTimer::new())
        .max_header_list_size(u32::try_from(limits.max_header_bytes).unwrap_or(u32::MAX));
    let builder = Arc::new(builder);
    let global = Arc::new(Semaphore::new(limits.max_connections.max(1)));
    let per_ip = Arc::new(PerIp::new(limits.max_connections_per_ip.max(1)));
    let graceful = GracefulShutdown::new();
    tokio::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(e) => {
                    accept_failed(e).await;
                    continue;
                }
            },
            _ = &mut shutdown => break,
        };
        let Ok(permit) = global.clone().try_acquire_owned() else {
            refuse(stream, Refusal::Busy);
            continue;
        };
        let exempt = trusted_proxies.iter().any(|net| net.contains(&peer.ip()));
        let slot = if exempt { None } else { Some(per_ip.clone()) };
        let slot = match slot.map(|p| p.take(peer.ip())) {
            Some(None) => {
                refuse(stream, Refusal::PerIp);
                continue;
            }
            Some(Some(slot)) => Some(slot),
            None => None,
        };
        let _ = stream.set_nodelay(true);
        let service = app.clone().map_request(move |mut req: axum::extract::Request<hyper::body::Incoming>| {
            req.extensions_mut().insert(ConnectInfo(peer));
            req
        });
        let connection = Connection { _permit: permit, _slot: slot };
        let builder = builder.clone();
        let watched = graceful.watch(
            builder
                .serve_connection_with_upgrades(TokioIo::new(stream), TowerToHyperService::new(service))
                .into_owned(),
        );
        metrics::gauge!("gatehouse_connections_open").increment(1.0);
        tokio::spawn(async move {
            // A failed connection (a client that went away, a timeout) is the
            // client's business, not the server's log's.
            let _ = watched.await;
            drop(connection);
            metrics::gauge!("gatehouse_connections_open").decrement(1.0);
        });
    }
    drop(listener);
    tokio::select! {
        _ = graceful.shutdown() => {}
        _ = tokio::time::sleep(limits.request_timeout) => {
            tracing::warn!("requests still running after {:?}; stopping anyway", limits.request_timeout);
        }
    }
    Ok(())
}

/// What an accepted connection holds until it closes.
struct Connection {
    _permit: OwnedSemaphorePermit,
    _slot: Option<Slot>,
}

/// An error from `accept`: per-connection ones are skipped; running out of
/// file descriptors is waited out a little rather than spun on.
async fn accept_failed(e: std::io::Error) {
    use std::io::ErrorKind::*;
    if matches!(e.kind(), ConnectionAborted | ConnectionReset | ConnectionRefused | Interrupted | WouldBlock) {
        return;
    }
    tracing::warn!(error = %e, "cannot accept a connection");
    tokio::time::sleep(Duration::from_millis(100)).await;
}

#[derive(Clone, Copy)]
enum Refusal {
    /// The server holds `max_connections`.
    Busy,
    /// The client's address holds `max_connections_per_ip`.
    PerIp,
}

/// Writes a short problem answer if the socket takes it at once, then closes.
fn refuse(stream: TcpStream, why: Refusal) {
    let (status, code, detail, reason) = match why {
        Refusal::Busy => ("503 Service Unavailable", "server_busy", "the server holds too many connections", "global"),
        Refusal::PerIp => ("429 Too Many Requests", "rate_limited", "too many connections from your address", "per_ip"),
    };
    metrics::counter!("gatehouse_connections_refused_total", "reason" => reason).increment(1);
    let number = &status[..3];
    let body = format!(
        r#"{{"type":"about:blank","title":"{}","status":{number},"detail":"{detail}","code":"{code}"}}"#,
        &status[4..]
    );
    let answer = format!(
        "HTTP/1.1 {status}\r\ncontent-type: application/problem+json\r\nretry-after: 1\r\nconnection: close\r\n\
         content-length: {}\r\n\r\n{body}",
        body.len()
    );
    let _ = stream.try_write(answer.as_bytes());
}

/// Open connections per client address (IPv6 by /64).
struct PerIp {
    limit: usize,
    open: Mutex<HashMap<IpAddr, usize>>,
}

/// One connection's place in [`PerIp`], given back when dropped.
struct Slot {
    owner: Arc<PerIp>,
    ip: IpAddr,
}

impl PerIp {
    fn new(limit: usize) -> Self {
        Self { limit, open: Mutex::new(HashMap::new()) }
    }

    fn take(self: Arc<Self>, ip: IpAddr) -> Option<Slot> {
        let ip = gatehouse_core::ratelimit::client_unit(ip);
        {
            let mut open = self.open.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
            let count = open.entry(ip).or_insert(0);
            if *count >= self.limit {
                return None;
            }
            *count += 1;
        }
        Some(Slot { owner: self, ip })
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        let mut open = self.owner.open.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some(count) = open.get_mut(&self.ip) {
            *count = count.saturating_sub(1);
            if *count == 0 {
                open.remove(&self.ip);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn per_ip_slots_are_given_back() {
        let per_ip = Arc::new(PerIp::new(2));
        let ip: IpAddr = IpAddr::V4(std::net::Ipv4Addr::new(192, 0, 2, 1));
        let one = per_ip.clone().take(ip);
        let two = per_ip.clone().take(ip);
        assert!(one.is_some() && two.is_some());
        assert!(per_ip.clone().take(ip).is_none(), "the third is refused");
        assert!(per_ip.clone().take(IpAddr::V4(std::net::Ipv4Addr::new(192, 0, 2, 2))).is_some());
        drop(one);
        assert!(per_ip.clone().take(ip).is_some(), "a closed connection frees its place");
    }
}
