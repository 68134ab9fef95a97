//! Parsers of single configuration values: durations, rates, roles, links,
//! secrets read from files.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use gatehouse_core::account::Role;
use gatehouse_core::flows::WebauthnSettings;
use gatehouse_core::ratelimit::Rate;

use super::{bad, ConfigError};

/// Parses `15m`, `14d`, `10s`, `2h`, `500ms` or plain seconds.
pub fn parse_duration(key: &str, s: &str) -> Result<Duration, ConfigError> {
    let s = s.trim();
    let err = || bad(format!("{key}: '{s}' is not a duration (write e.g. 30s, 15m, 12h, 14d)"));
    let split = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
    let (num, unit) = s.split_at(split);
    let n: u64 = num.parse().map_err(|_| err())?;
    let secs = match unit.trim() {
        "" | "s" => n,
        "ms" => return Ok(Duration::from_millis(n)),
        "m" | "min" => n.checked_mul(60).ok_or_else(err)?,
        "h" => n.checked_mul(3600).ok_or_else(err)?,
        "d" => n.checked_mul(86400).ok_or_else(err)?,
        _ => return Err(err()),
    };
    Ok(Duration::from_secs(secs))
}

/// The issuer when none is configured: on a loopback or unspecified address,
/// `http://localhost:PORT` — a name, so passkeys work and browsers treat the
/// plain-http origin as secure — else the address itself.
pub fn default_issuer(bind: SocketAddr) -> String {
    if bind.ip().is_loopback() || bind.ip().is_unspecified() {
        format!("http://localhost:{}", bind.port())
    } else {
        format!("http://{bind}")
    }
}

pub(super) fn read_secret_file(key: &str, path: &Path) -> Result<String, ConfigError> {
    std::fs::read_to_string(path)
        .map(|s| s.trim().to_owned())
        .map_err(|e| bad(format!("{key}: cannot read {}: {e}", path.display())))
}

pub(super) fn pick_secret(
    key: &str,
    inline: Option<String>,
    file: Option<PathBuf>,
) -> Result<Option<String>, ConfigError> {
    match (inline, file) {
        (Some(_), Some(_)) => Err(bad(format!("set either {key} or {key}_file, not both"))),
        (Some(v), None) => Ok(Some(v)),
        (None, Some(path)) => read_secret_file(&format!("{key}_file"), &path).map(Some),
        (None, None) => Ok(None),
    }
}

pub(super) fn rate(key: &str, value: Option<String>, default: Rate) -> Result<Rate, ConfigError> {
    value.map(|v| v.parse::<Rate>().map_err(|e| bad(format!("{key}: {e}")))).transpose().map(|r| r.unwrap_or(default))
}

/// The issuer's origin (scheme://host[:port]) and host, which WebAuthn uses
/// unless configured otherwise.
pub(super) fn webauthn_settings(
    issuer: &str,
    rp_id: Option<String>,
    origin: Option<String>,
) -> Result<WebauthnSettings, ConfigError> {
    let (scheme, rest) = issuer.split_once("://").ok_or_else(|| bad("issuer: expected an http(s) URL"))?;
    let authority = rest.split('/').next().unwrap_or(rest);
    let host = authority.rsplit_once(':').map(|(h, _)| h).unwrap_or(authority).trim_matches(['[', ']']);
    if host.is_empty() {
        return Err(bad("issuer: the URL has no host"));
    }
    let origin = origin.unwrap_or_else(|| format!("{scheme}://{authority}"));
    let rp_id = rp_id.unwrap_or_else(|| host.to_owned());
    let origin_host = origin.split_once("://").map(|(_, r)| r).unwrap_or("");
    let origin_host = origin_host.split(['/', ':']).next().unwrap_or("");
    if !(origin_host == rp_id || origin_host.ends_with(&format!(".{rp_id}"))) {
        return Err(bad(format!("webauthn_rp_id '{rp_id}' must be the origin's host or a parent domain of it")));
    }
    Ok(WebauthnSettings { rp_id, origin })
}

pub(super) fn roles(key: &str, names: Vec<String>) -> Result<Vec<Role>, ConfigError> {
    names
        .iter()
        .filter(|r| !r.trim().is_empty())
        .map(|r| Role::parse(r).map_err(|e| bad(format!("{key}: {e}"))))
        .collect()
}

/// An absolute http(s) link shown on the pages.
pub(super) fn link(key: &str, value: Option<String>) -> Result<Option<String>, ConfigError> {
    match value {
        None => Ok(None),
        Some(v) if v.is_empty() => Ok(None),
        Some(v) => match url::Url::parse(&v) {
            Ok(u) if matches!(u.scheme(), "https" | "http") => Ok(Some(v)),
            _ => Err(bad(format!("{key}: an absolute http(s) URL, got {v:?}"))),
        },
    }
}

/// A Redis URL the limiter can open. The URL is not echoed: it may hold a password.
pub(super) fn check_redis_url(url: &str) -> Result<(), ConfigError> {
    let usage = "redis_url: expected redis://[:PASSWORD@]HOST[:PORT][/DB], rediss://… or unix://PATH";
    let parsed = url::Url::parse(url).map_err(|_| bad(usage))?;
    match parsed.scheme() {
        "redis" | "rediss" | "valkey" | "valkeys" if parsed.host_str().is_some_and(|h| !h.is_empty()) => Ok(()),
        "unix" | "redis+unix" | "valkey+unix" if !parsed.path().is_empty() => Ok(()),
        _ => Err(bad(usage)),
    }
}

pub(super) fn duration(key: &str, value: Option<String>, default: Duration) -> Result<Duration, ConfigError> {
    value.map(|v| parse_duration(key, &v)).transpose().map(|d| d.unwrap_or(default))
}

/// `signing_key_rotation` and `signing_key_prepublish`: `None` when keys
/// rotate only by hand (unset or 0). The key published ahead must be
/// published for less than a key signs.
pub(super) fn key_schedule(
    rotation: Option<String>,
    prepublish: Option<String>,
) -> Result<Option<gatehouse_core::flows::KeySchedule>, ConfigError> {
    let every = duration("signing_key_rotation", rotation, Duration::ZERO)?;
    let prepublish = duration("signing_key_prepublish", prepublish, Duration::from_secs(86400))?;
    if every.is_zero() {
        return Ok(None);
    }
    if prepublish >= every {
        return Err(bad(format!(
            "signing_key_prepublish ({}s) must be shorter than signing_key_rotation ({}s)",
            prepublish.as_secs(),
            every.as_secs()
        )));
    }
    Ok(Some(gatehouse_core::flows::KeySchedule { every, prepublish }))
}

/// `access_default_policy` and the `[[access_rules]]` tables, each checked;
/// an error names the rule by its place (`access_rules[2]`, from 1).
pub(super) fn access_rules(
    default_policy: Option<String>,
    rules: Option<Vec<super::raw::RawAccessRule>>,
) -> Result<gatehouse_core::access::AccessRules, ConfigError> {
    use gatehouse_core::access::{AccessRule, AccessRules, Policy};
    let default_policy = match default_policy {
        Some(p) => p.trim().parse::<Policy>().map_err(|e| bad(format!("access_default_policy: {e}")))?,
        None => Policy::OneFactor,
    };
    let rules = rules
        .unwrap_or_default()
        .into_iter()
        .enumerate()
        .map(|(i, raw)| {
            let at = |e: gatehouse_core::Error| bad(format!("access_rules[{}]: {e}", i + 1));
            AccessRule {
                hosts: raw.hosts.iter().map(|h| h.parse()).collect::<Result<_, _>>().map_err(at)?,
                paths: raw.paths,
                methods: raw.methods,
                policy: raw.policy.trim().parse().map_err(at)?,
                roles: raw.roles.iter().map(|r| Role::parse(r)).collect::<Result<_, _>>().map_err(at)?,
                permissions: gatehouse_core::rbac::parse_permissions(&raw.permissions).map_err(at)?,
            }
            .checked()
            .map_err(at)
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(AccessRules { rules, default_policy })
}

/// `cookie_domain`: a domain the issuer's host lies in (the browser would
/// refuse a cookie for another), without a leading dot; empty is none.
pub(super) fn cookie_domain(raw: Option<String>, issuer: &str) -> Result<Option<String>, ConfigError> {
    let Some(domain) = raw.map(|d| d.trim().trim_start_matches('.').to_ascii_lowercase()).filter(|d| !d.is_empty())
    else {
        return Ok(None);
    };
    let valid = domain.contains('.')
        && domain.split('.').all(|l| !l.is_empty() && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-'));
    if !valid {
        return Err(bad(format!("cookie_domain: '{domain}' is not a domain name such as example.com")));
    }
    let host = url::Url::parse(issuer).ok().and_then(|u| u.host_str().map(str::to_ascii_lowercase)).unwrap_or_default();
    if host != domain && !host.ends_with(&format!(".{domain}")) {
        return Err(bad(format!(
            "cookie_domain: the issuer's host {host} is not in {domain}, so browsers would refuse the cookie"
        )));
    }
    Ok(Some(domain))
}
