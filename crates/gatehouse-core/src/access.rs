//! Who may reach which application behind a reverse proxy (forward-auth):
//! access rules by host, path and method, the first match wins, and the
//! decision for one proxied request. The HTTP edge parses what the proxy
//! says about the original request into an [`OriginalRequest`]; nothing here
//! does I/O.
//!
//! Paths are compared after percent-decoding and removing dot segments, so
//! `/%61dmin` and `/public/../admin` meet the rules for `/admin` — the
//! application behind the proxy would serve them as `/admin`. A path prefix
//! matches whole segments: `/admin` covers `/admin` and `/admin/users`, not
//! `/administrators`.

use std::fmt;
use std::str::FromStr;

use crate::account::{Role, User};
use crate::error::Error;
use crate::rbac::Permission;

/// What a matching rule asks of the person behind a request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Policy {
    /// Anyone, signed in or not.
    Bypass,
    /// A signed-in person.
    OneFactor,
    /// A person signed in with a second factor.
    TwoFactor,
    /// No one.
    Deny,
}

impl Policy {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Bypass => "bypass",
            Self::OneFactor => "one_factor",
            Self::TwoFactor => "two_factor",
            Self::Deny => "deny",
        }
    }
}

impl FromStr for Policy {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self, Error> {
        match s {
            "bypass" => Ok(Self::Bypass),
            "one_factor" => Ok(Self::OneFactor),
            "two_factor" => Ok(Self::TwoFactor),
            "deny" => Ok(Self::Deny),
            other => {
                Err(Error::InvalidRequest(format!("unknown policy '{other}' (bypass, one_factor, two_factor or deny)")))
            }
        }
    }
}

/// A host a rule names: exact (`app.example.com`) or every subdomain
/// (`*.example.com`, which does not cover `example.com` itself).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum HostPattern {
    Exact(String),
    /// The suffix with its leading dot (`.example.com`).
    Subdomains(String),
}

impl HostPattern {
    /// Whether `host` (any case, with or without a port) is covered.
    pub fn matches(&self, host: &str) -> bool {
        let host = host_without_port(host);
        match self {
            Self::Exact(name) => host.eq_ignore_ascii_case(name),
            Self::Subdomains(suffix) => {
                host.len() > suffix.len()
                    && host.get(host.len() - suffix.len()..).is_some_and(|end| end.eq_ignore_ascii_case(suffix))
            }
        }
    }
}

impl FromStr for HostPattern {
    type Err = Error;

    fn from_str(raw: &str) -> Result<Self, Error> {
        let lower = raw.trim().to_ascii_lowercase();
        let (wild, name) = match lower.strip_prefix("*.") {
            Some(rest) => (true, rest),
            None => (false, lower.as_str()),
        };
        if !is_host_name(name) {
            return Err(Error::InvalidRequest(format!(
                "'{raw}' is not a host name or *.domain (letters, digits, '-' and '.')"
            )));
        }
        Ok(if wild { Self::Subdomains(format!(".{name}")) } else { Self::Exact(name.to_owned()) })
    }
}

impl fmt::Display for HostPattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Exact(name) => f.write_str(name),
            Self::Subdomains(suffix) => write!(f, "*{suffix}"),
        }
    }
}

fn is_host_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 253
        && name.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        })
}

fn host_without_port(host: &str) -> &str {
    match host.rsplit_once(':') {
        Some((name, port)) if !name.contains(':') && port.bytes().all(|b| b.is_ascii_digit()) => name,
        _ => host,
    }
}

/// One access rule: where it applies (every host, path and method when a
/// list is empty) and what it asks.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AccessRule {
    pub hosts: Vec<HostPattern>,
    /// Path prefixes, whole segments (`/admin` covers `/admin/x`, not `/administrators`).
    pub paths: Vec<String>,
    /// Upper-case methods (`GET`, `POST`).
    pub methods: Vec<String>,
    pub policy: Policy,
    /// With a policy that signs in: the person holds one of these roles
    /// (any) — when the list is not empty.
    pub roles: Vec<Role>,
    /// … and every one of these permissions.
    pub permissions: Vec<Permission>,
}

impl AccessRule {
    /// Checks the parts an operator wrote: paths start with `/`, methods are
    /// tokens. Returns the rule with its methods upper-cased.
    pub fn checked(mut self) -> Result<Self, Error> {
        if let Some(bad) = self.paths.iter().find(|p| !p.starts_with('/') || p.chars().any(char::is_control)) {
            return Err(Error::InvalidRequest(format!("the path '{bad}' does not start with '/'")));
        }
        for method in &mut self.methods {
            if method.is_empty() || !method.bytes().all(|b| b.is_ascii_alphabetic()) {
                return Err(Error::InvalidRequest(format!("'{method}' is not an HTTP method")));
            }
            method.make_ascii_uppercase();
        }
        if matches!(self.policy, Policy::Bypass | Policy::Deny)
            && !(self.roles.is_empty() && self.permissions.is_empty())
        {
            return Err(Error::InvalidRequest(format!(
                "a {} rule cannot ask for roles or permissions: no one signs in for it",
                self.policy.as_str()
            )));
        }
        Ok(self)
    }

    fn applies_to(&self, request: &OriginalRequest) -> bool {
        (self.hosts.is_empty() || self.hosts.iter().any(|h| h.matches(&request.host)))
            && (self.paths.is_empty() || self.paths.iter().any(|p| path_within(&request.path, p)))
            && (self.methods.is_empty() || self.methods.contains(&request.method))
    }

    fn admits(&self, user: &User) -> bool {
        (self.roles.is_empty() || self.roles.iter().any(|r| user.roles.contains(r)))
            && self.permissions.iter().all(|p| user.permissions.contains(p))
    }
}

/// Whether `path` is `prefix` or lies below it, segment by segment.
fn path_within(path: &str, prefix: &str) -> bool {
    let prefix = prefix.trim_end_matches('/');
    prefix.is_empty() || path == prefix || path.strip_prefix(prefix).is_some_and(|rest| rest.starts_with('/'))
}

/// The rules, in order, and the policy of a request none matches.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AccessRules {
    pub rules: Vec<AccessRule>,
    pub default_policy: Policy,
}

impl Default for AccessRules {
    fn default() -> Self {
        Self { rules: Vec::new(), default_policy: Policy::OneFactor }
    }
}

/// Who is behind a request: the person of a live session, and whether it
/// was signed in with a second factor.
#[derive(Clone, Copy, Debug)]
pub struct Visitor<'a> {
    pub user: &'a User,
    pub multi_factor: bool,
}

/// What the proxy is told.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Decision {
    /// Let it through (with the person's identity when there is one).
    Allow,
    /// No one is signed in: to the sign-in page, then back.
    SignIn,
    /// Signed in without a second factor where one is needed.
    SecondFactor,
    /// Signed in, and this person may not (or no one may).
    Forbidden,
}

impl AccessRules {
    /// The decision for `request` made by `visitor` (`None`: no live session).
    pub fn decide(&self, request: &OriginalRequest, visitor: Option<Visitor<'_>>) -> Decision {
        let rule = self.rules.iter().find(|rule| rule.applies_to(request));
        let policy = rule.map_or(self.default_policy, |rule| rule.policy);
        match (policy, visitor) {
            (Policy::Bypass, _) => Decision::Allow,
            (Policy::Deny, _) => Decision::Forbidden,
            (_, None) => Decision::SignIn,
            (_, Some(visitor)) if rule.is_some_and(|rule| !rule.admits(visitor.user)) => Decision::Forbidden,
            (Policy::TwoFactor, Some(visitor)) if !visitor.multi_factor => Decision::SecondFactor,
            (_, Some(_)) => Decision::Allow,
        }
    }

    /// Whether a rule names `host`: the sign-in pages may send the browser
    /// back there (no other host but the issuer's).
    pub fn names_host(&self, host: &str) -> bool {
        self.rules.iter().flat_map(|rule| &rule.hosts).any(|pattern| pattern.matches(host))
    }
}

/// The request the proxy is asking about, as it reached the proxy.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OriginalRequest {
    /// Upper case.
    pub method: String,
    /// `http` or `https`.
    pub scheme: &'static str,
    /// As the browser sent it, lower-cased (with a port, if any).
    pub host: String,
    /// The path as the rules see it: percent-decoded, without dot segments.
    pub path: String,
    /// The path and query as sent (for the way back after sign-in).
    pub target: String,
}

impl OriginalRequest {
    /// From the proxy's parts (`X-Forwarded-Method`, `-Proto`, `-Host`,
    /// `-Uri`); anything malformed is refused.
    pub fn new(method: &str, scheme: &str, host: &str, target: &str) -> Result<Self, Error> {
        let bad = |what: &str| Error::InvalidRequest(format!("the proxied request's {what} is malformed"));
        let method = method.trim();
        if method.is_empty() || method.len() > 16 || !method.bytes().all(|b| b.is_ascii_alphabetic()) {
            return Err(bad("method"));
        }
        let scheme = match scheme.trim().to_ascii_lowercase().as_str() {
            "https" => "https",
            "http" => "http",
            _ => return Err(bad("scheme")),
        };
        let host = host.trim().to_ascii_lowercase();
        let (name, port) = match host.rsplit_once(':') {
            Some((name, port)) => (name, Some(port)),
            None => (host.as_str(), None),
        };
        if !is_host_name(name)
            || port.is_some_and(|p| p.is_empty() || p.len() > 5 || !p.bytes().all(|b| b.is_ascii_digit()))
        {
            return Err(bad("host"));
        }
        let target = target.trim();
        if !target.starts_with('/') || target.len() > 8192 || target.chars().any(|c| c.is_control() || c == ' ') {
            return Err(bad("path"));
        }
        let raw_path = target.split(['?', '#']).next().unwrap_or(target);
        let path = normalise_path(raw_path).ok_or_else(|| bad("path"))?;
        Ok(Self { method: method.to_ascii_uppercase(), scheme, host, path, target: target.to_owned() })
    }

    /// From a whole URL (nginx's `X-Original-URL`) and a method.
    pub fn from_url(method: &str, url: &str) -> Result<Self, Error> {
        let parsed = url::Url::parse(url.trim())
            .map_err(|_| Error::InvalidRequest("the proxied request's URL is malformed".into()))?;
        let host = parsed.host_str().ok_or_else(|| Error::InvalidRequest("the proxied URL has no host".into()))?;
        let host = match parsed.port() {
            Some(port) => format!("{host}:{port}"),
            None => host.to_owned(),
        };
        let mut target = parsed.path().to_owned();
        if let Some(query) = parsed.query() {
            target.push('?');
            target.push_str(query);
        }
        Self::new(method, parsed.scheme(), &host, &target)
    }

    /// The URL the browser asked for: where to send it back after sign-in.
    pub fn url(&self) -> String {
        format!("{}://{}{}", self.scheme, self.host, self.target)
    }
}

/// `raw` percent-decoded with its dot segments removed and runs of `/`
/// made one; `None` when it does not decode to UTF-8 or holds a NUL or a
/// backslash (which some servers read as `/`).
fn normalise_path(raw: &str) -> Option<String> {
    let decoded = percent_encoding::percent_decode_str(raw).decode_utf8().ok()?;
    if decoded.contains(['\0', '\\']) {
        return None;
    }
    let mut segments: Vec<&str> = Vec::new();
    for segment in decoded.split('/') {
        match segment {
            "" | "." => {}
            ".." => {
                segments.pop();
            }
            other => segments.push(other),
        }
    }
    let trailing = decoded.ends_with('/') && !segments.is_empty();
    let mut path = format!("/{}", segments.join("/"));
    if trailing {
        path.push('/');
    }
    Some(path)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::account::{Email, UserId, Username};

    fn user(roles: &[&str], permissions: &[&str]) -> User {
        let now = time::OffsetDateTime::now_utc();
        User {
            id: UserId(uuid::Uuid::now_v7()),
            username: Username::parse("alice").unwrap(),
            email: Email::parse("alice@example.com").unwrap(),
            password_hash: crate::password::StoredHash::from("x".to_owned()),
            is_active: true,
            email_verified: true,
            roles: roles.iter().map(|r| Role::parse(r).unwrap()).collect(),
            permissions: permissions.iter().map(|p| Permission::parse(p).unwrap()).collect(),
            password_reset_required: false,
            failed_logins: 0,
            locked_until: None,
            locale: None,
            created_at: now,
            updated_at: now,
        }
    }

    fn request(method: &str, host: &str, target: &str) -> OriginalRequest {
        OriginalRequest::new(method, "https", host, target).unwrap()
    }

    fn rule(hosts: &[&str], paths: &[&str], policy: Policy) -> AccessRule {
        AccessRule {
            hosts: hosts.iter().map(|h| h.parse().unwrap()).collect(),
            paths: paths.iter().map(|p| (*p).to_owned()).collect(),
            methods: Vec::new(),
            policy,
            roles: Vec::new(),
            permissions: Vec::new(),
        }
    }

    #[test]
    fn host_patterns_match_exactly_or_subdomains_only() {
        let exact: HostPattern = "App.Example.com".parse().unwrap();
        assert!(exact.matches("app.example.com") && exact.matches("APP.example.com:8443"));
        assert!(!exact.matches("evil-app.example.com") && !exact.matches("app.example.com.evil.net"));
        let wild: HostPattern = "*.example.com".parse().unwrap();
        assert!(wild.matches("a.example.com") && wild.matches("a.b.example.com:443"));
        assert!(!wild.matches("example.com") && !wild.matches("badexample.com"));
        for bad in ["", "*.", "exa mple.com", "-a.com", "a..com", "*.*.com", "http://a.com"] {
            assert!(bad.parse::<HostPattern>().is_err(), "{bad}");
        }
    }

    #[test]
    fn the_first_matching_rule_decides_and_the_default_the_rest() {
        let rules = AccessRules {
            rules: vec![
                rule(&["app.example.com"], &["/public"], Policy::Bypass),
                rule(&["app.example.com"], &["/admin"], Policy::Deny),
                rule(&["*.example.com"], &[], Policy::TwoFactor),
            ],
            default_policy: Policy::OneFactor,
        };
        let alice = user(&["user"], &[]);
        let one = Some(Visitor { user: &alice, multi_factor: false });
        let two = Some(Visitor { user: &alice, multi_factor: true });
        assert_eq!(rules.decide(&request("GET", "app.example.com", "/public/x.css"), None), Decision::Allow);
        assert_eq!(rules.decide(&request("GET", "app.example.com", "/admin"), two), Decision::Forbidden);
        assert_eq!(rules.decide(&request("GET", "app.example.com", "/"), None), Decision::SignIn);
        assert_eq!(rules.decide(&request("GET", "app.example.com", "/"), one), Decision::SecondFactor);
        assert_eq!(rules.decide(&request("GET", "app.example.com", "/"), two), Decision::Allow);
        assert_eq!(rules.decide(&request("GET", "other.net", "/"), None), Decision::SignIn, "the default");
        assert_eq!(rules.decide(&request("GET", "other.net", "/"), one), Decision::Allow);
    }

    #[test]
    fn encoded_and_dotted_paths_meet_the_rules_of_the_path_they_reach() {
        let rules = AccessRules {
            rules: vec![rule(&[], &["/admin"], Policy::Deny), rule(&[], &["/"], Policy::Bypass)],
            default_policy: Policy::OneFactor,
        };
        for sneaky in
            ["/admin", "/admin/", "/%61dmin", "/public/../admin/users", "//admin", "/./admin?x=1", "/ADMIN/../admin"]
        {
            assert_eq!(rules.decide(&request("GET", "a.example.com", sneaky), None), Decision::Forbidden, "{sneaky}");
        }
        assert_eq!(rules.decide(&request("GET", "a.example.com", "/administrators"), None), Decision::Allow);
        for refused in ["/a%5cadmin", "/%00", "/%ff", "relative", "/a b"] {
            assert!(OriginalRequest::new("GET", "https", "a.example.com", refused).is_err(), "{refused}");
        }
    }

    #[test]
    fn roles_permissions_and_methods_narrow_a_rule() {
        let mut admins = rule(&["ops.example.com"], &[], Policy::OneFactor);
        admins.roles = vec![Role::parse("ops").unwrap(), Role::parse("admin").unwrap()];
        admins.permissions = vec![Permission::parse("dashboards:read").unwrap()];
        let mut writes = rule(&["wiki.example.com"], &[], Policy::Deny);
        writes.methods = vec!["post".into()];
        let rules = AccessRules {
            rules: vec![admins.checked().unwrap(), writes.checked().unwrap()],
            default_policy: Policy::Bypass,
        };
        let ops = user(&["ops"], &["dashboards:read"]);
        let ops_without = user(&["ops"], &[]);
        let bob = user(&["user"], &["dashboards:read"]);
        let visit = |u| Some(Visitor { user: u, multi_factor: false });
        let dash = request("GET", "ops.example.com", "/");
        assert_eq!(rules.decide(&dash, visit(&ops)), Decision::Allow);
        assert_eq!(rules.decide(&dash, visit(&ops_without)), Decision::Forbidden, "the permission too");
        assert_eq!(rules.decide(&dash, visit(&bob)), Decision::Forbidden, "one of the roles");
        assert_eq!(rules.decide(&dash, None), Decision::SignIn, "first sign in, then the roles");
        assert_eq!(rules.decide(&request("POST", "wiki.example.com", "/edit"), None), Decision::Forbidden);
        assert_eq!(rules.decide(&request("GET", "wiki.example.com", "/edit"), None), Decision::Allow);
        let mut odd = rule(&[], &[], Policy::Bypass);
        odd.roles = vec![Role::parse("ops").unwrap()];
        assert!(odd.checked().is_err(), "bypass asks no one for a role");
    }

    #[test]
    fn the_original_request_comes_from_parts_or_a_url() {
        let r = OriginalRequest::from_url("get", "https://App.Example.com:8443/a/b?c=d").unwrap();
        assert_eq!((r.method.as_str(), r.host.as_str(), r.path.as_str()), ("GET", "app.example.com:8443", "/a/b"));
        assert_eq!(r.url(), "https://app.example.com:8443/a/b?c=d");
        assert!(OriginalRequest::from_url("GET", "javascript:alert(1)").is_err());
        assert!(OriginalRequest::new("GET", "ftp", "a.com", "/").is_err());
        assert!(OriginalRequest::new("G E T", "https", "a.com", "/").is_err());
        assert!(OriginalRequest::new("GET", "https", "a.com:x", "/").is_err());
        let names = AccessRules { rules: vec![rule(&["*.example.com"], &[], Policy::OneFactor)], ..Default::default() };
        assert!(names.names_host("app.example.com") && !names.names_host("evil.net"));
    }
}
