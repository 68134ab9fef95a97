//! Gatehouse's own web origin — the issuer's `scheme://host:port` — and what
//! counts as it.
//!
//! When the issuer is on a loopback name (the quick start's
//! `http://localhost:8080`), the other loopback names with the same scheme and
//! port (`127.0.0.1`, `[::1]`) reach the same server on the same machine: a
//! page opened there is sent to the issuer's origin, so the cookies and
//! passkeys (both bound to a host name) work, and a form posted from there
//! passes the Origin check. Any other origin is refused, and the person reads
//! which address to use and how the operator sets it.

use axum::extract::{Request, State};
use axum::http::header::{HOST, ORIGIN};
use axum::http::{HeaderMap, Method};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use url::{Host, Url};

use crate::state::AppState;

/// A web origin: scheme, host and port (the default port made explicit).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Origin {
    scheme: String,
    host: Host<String>,
    port: u16,
}

impl Origin {
    /// The origin of an absolute http(s) URL, or of an `Origin` header value.
    pub fn parse(url: &str) -> Option<Origin> {
        let url = Url::parse(url).ok()?;
        if !matches!(url.scheme(), "http" | "https") {
            return None;
        }
        Some(Origin {
            scheme: url.scheme().to_owned(),
            host: url.host()?.to_owned(),
            port: url.port_or_known_default()?,
        })
    }

    /// The origin a request reached, from its `Host` header, with `scheme`.
    fn of_host(scheme: &str, host: &str) -> Option<Origin> {
        if host.contains(['/', '?', '#', '@']) {
            return None;
        }
        Origin::parse(&format!("{scheme}://{host}"))
    }

    /// The issuer's origin.
    pub fn of_issuer(state: &AppState) -> Option<Origin> {
        Origin::parse(&state.config.tokens.issuer)
    }

    /// `localhost` (and its subdomains, which browsers resolve to loopback
    /// too), 127.0.0.0/8 or ::1.
    pub fn is_loopback(&self) -> bool {
        match &self.host {
            Host::Domain(name) => {
                let name = name.trim_end_matches('.').to_ascii_lowercase();
                name == "localhost" || name.ends_with(".localhost")
            }
            Host::Ipv4(ip) => ip.is_loopback(),
            Host::Ipv6(ip) => ip.is_loopback(),
        }
    }

    /// `other` is this origin, or — this one being on loopback — another
    /// loopback name for it (same scheme and port).
    pub fn accepts(&self, other: &Origin) -> bool {
        self == other
            || (self.scheme == other.scheme && self.port == other.port && self.is_loopback() && other.is_loopback())
    }

    /// `scheme://host[:port]`, as a browser writes it in `Origin`.
    pub fn serialize(&self) -> String {
        let default = if self.scheme == "https" { 443 } else { 80 };
        match self.port {
            p if p == default => format!("{}://{}", self.scheme, self.host),
            p => format!("{}://{}:{p}", self.scheme, self.host),
        }
    }
}

/// A form post is from Gatehouse's own pages: the browser's `Origin`, when it
/// sends one, is the issuer's origin (or a loopback alias of a loopback issuer).
pub fn form_origin_ok(state: &AppState, headers: &HeaderMap) -> bool {
    let Some(sent) = headers.get(ORIGIN) else { return true };
    let sent = sent.to_str().ok().and_then(Origin::parse);
    match (Origin::of_issuer(state), sent) {
        (Some(own), Some(sent)) => own.accepts(&sent),
        _ => false,
    }
}

/// What a person reads when a form was refused: where the form came from is
/// not this server's address (with the address to use and the setting that
/// names it), or else the form expired.
pub fn refusal_message(state: &AppState, lang: &super::Lang, headers: &HeaderMap) -> String {
    if !form_origin_ok(state, headers) {
        let issuer = &state.config.tokens.issuer;
        let sent = headers.get(ORIGIN).and_then(|v| v.to_str().ok());
        tracing::info!(origin = sent.unwrap_or("-"), issuer = %issuer, "a form from another origin was refused");
        let sent = sent.map_or_else(|| lang.t("form-origin-another-site"), str::to_owned);
        return lang.t_with("form-wrong-origin", [("sent", sent.into()), ("issuer", issuer.as_str().into())]);
    }
    lang.t("form-expired")
}

/// Sends a page GET that reached a loopback alias of a loopback issuer (say
/// `127.0.0.1:8080` for `http://localhost:8080`) to the issuer's origin.
pub async fn to_issuer_origin(State(state): State<AppState>, request: Request, next: Next) -> Response {
    if matches!(*request.method(), Method::GET | Method::HEAD) {
        if let Some(target) = issuer_address_of(&state, &request) {
            return Redirect::temporary(&target).into_response();
        }
    }
    next.run(request).await
}

fn issuer_address_of(state: &AppState, request: &Request) -> Option<String> {
    let own = Origin::of_issuer(state)?;
    if !own.is_loopback() {
        return None;
    }
    let host = request.headers().get(HOST)?.to_str().ok()?;
    let reached = Origin::of_host(&own.scheme, host)?;
    if reached == own || !own.accepts(&reached) {
        return None;
    }
    let path = request.uri().path_and_query().map(|p| p.as_str()).unwrap_or("/");
    Some(format!("{}{path}", own.serialize()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn origin(s: &str) -> Origin {
        Origin::parse(s).unwrap()
    }

    #[test]
    fn loopback_names_are_one_origin_for_a_loopback_issuer() {
        let own = origin("http://localhost:8080");
        for alias in ["http://127.0.0.1:8080", "http://[::1]:8080", "http://LOCALHOST:8080", "http://127.0.0.2:8080"] {
            assert!(own.accepts(&origin(alias)), "{alias}");
        }
        for other in
            ["http://localhost:8081", "https://localhost:8080", "http://evil.example:8080", "http://10.0.0.1:8080"]
        {
            assert!(!own.accepts(&origin(other)), "{other}");
        }
    }

    #[test]
    fn a_public_issuer_accepts_only_itself() {
        let own = origin("https://id.example.com");
        assert!(own.accepts(&origin("https://id.example.com:443")));
        assert!(!own.accepts(&origin("http://id.example.com")));
        assert!(!own.accepts(&origin("https://127.0.0.1")));
        assert_eq!(own.serialize(), "https://id.example.com");
        assert_eq!(origin("http://[::1]:8080").serialize(), "http://[::1]:8080");
    }

    #[test]
    fn host_headers_with_paths_are_not_origins() {
        assert_eq!(Origin::of_host("http", "127.0.0.1:8080"), Some(origin("http://127.0.0.1:8080")));
        assert_eq!(Origin::of_host("http", "evil.example/@127.0.0.1"), None);
        assert_eq!(Origin::parse("null"), None);
    }
}
