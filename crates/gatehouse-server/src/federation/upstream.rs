//! Talking to upstream providers: OpenID Connect discovery and JWKS (cached),
//! the authorization URL, the code exchange, and verifying what comes back —
//! the ID token's signature (against the upstream's JWKS, its own algorithm
//! only), issuer, audience, expiry and nonce; or, for GitHub, its user API.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use gatehouse_core::account::Email;
use gatehouse_core::federation::{UpstreamIdentity, UpstreamKind, UpstreamProvider};
use jsonwebtoken::jwk::JwkSet;
use jsonwebtoken::{decode, decode_header, Algorithm, DecodingKey, Validation};
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;
use serde_json::Value;
use tokio::sync::Mutex;

const GITHUB_AUTHORIZE: &str = "https://github.com/login/oauth/authorize";
const GITHUB_TOKEN: &str = "https://github.com/login/oauth/access_token";
const GITHUB_API: &str = "https://api.github.com";
/// How long discovery and JWKS are reused before being fetched again.
const METADATA_TTL: Duration = Duration::from_secs(600);
/// The most an upstream's answer (discovery, JWKS, token, user info) may
/// hold: real ones are a few KB. A larger one is refused as it arrives, never
/// buffered whole.
pub const MAX_UPSTREAM_BODY: usize = 256 * 1024;
/// A whole upstream request, connecting included.
const UPSTREAM_TIMEOUT: Duration = Duration::from_secs(10);
const UPSTREAM_CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// ID-token algorithms accepted from upstreams (never `none`, never HMAC).
const ALLOWED: [Algorithm; 6] =
    [Algorithm::RS256, Algorithm::RS384, Algorithm::RS512, Algorithm::PS256, Algorithm::ES256, Algorithm::EdDSA];

/// Why an upstream sign-in failed. The message is for the log.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct UpstreamError(pub String);

fn fail(what: impl Into<String>) -> UpstreamError {
    UpstreamError(what.into())
}

#[derive(Deserialize)]
struct Discovery {
    issuer: String,
    authorization_endpoint: String,
    token_endpoint: String,
    userinfo_endpoint: Option<String>,
    jwks_uri: String,
}

struct Metadata {
    discovery: Discovery,
    jwks: JwkSet,
    fetched: Instant,
}

/// Everything a sign-in at an upstream needs to be checked on return.
pub struct Pending<'a> {
    pub redirect_uri: &'a str,
    pub nonce: &'a str,
    pub verifier: &'a str,
}

/// The HTTP side of federation, shared by all requests.
pub struct UpstreamClient {
    /// Built on first use: loading the system's CA certificates costs tens of
    /// milliseconds and a megabyte that a server without upstreams never needs.
    http: std::sync::OnceLock<reqwest::Client>,
    cache: Mutex<HashMap<String, Arc<Metadata>>>,
}

impl Default for UpstreamClient {
    fn default() -> Self {
        Self::new()
    }
}

impl UpstreamClient {
    pub fn new() -> Self {
        Self { http: std::sync::OnceLock::new(), cache: Mutex::new(HashMap::new()) }
    }

    fn http(&self) -> &reqwest::Client {
        self.http.get_or_init(|| {
            reqwest::Client::builder()
                .timeout(UPSTREAM_TIMEOUT)
                .connect_timeout(UPSTREAM_CONNECT_TIMEOUT)
                .redirect(reqwest::redirect::Policy::none())
                .user_agent(concat!("gatehouse/", env!("CARGO_PKG_VERSION")))
                .build()
                .unwrap_or_default()
        })
    }

    async fn get_json<T: serde::de::DeserializeOwned>(
        &self,
        url: &str,
        bearer: Option<&str>,
    ) -> Result<T, UpstreamError> {
        let mut req = self.http().get(url).header("accept", "application/json");
        if let Some(token) = bearer {
            req = req.bearer_auth(token);
        }
        let res = req.send().await.map_err(|e| fail(format!("GET {url}: {e}")))?;
        if !res.status().is_success() {
            return Err(fail(format!("GET {url}: HTTP {}", res.status())));
        }
        read_json(res, MAX_UPSTREAM_BODY).await.map_err(|e| fail(format!("GET {url}: {e}")))
    }

    /// Discovery and JWKS of an OpenID provider, fetched at most every 10
    /// minutes — or at once with `fresh` (an unknown `kid`: the keys rotated).
    async fn metadata(&self, provider: &UpstreamProvider, fresh: bool) -> Result<Arc<Metadata>, UpstreamError> {
        let issuer = provider.issuer.as_deref().ok_or_else(|| fail("an OpenID upstream without an issuer"))?;
        if let Some(m) = self.cache.lock().await.get(&provider.id) {
            if !fresh && m.fetched.elapsed() < METADATA_TTL {
                return Ok(m.clone());
            }
        }
        // Fetched without holding the lock: a slow provider must not hold up
        // sign-ins through the others (two concurrent refreshes are harmless).
        let discovery: Discovery = self.get_json(&format!("{issuer}/.well-known/openid-configuration"), None).await?;
        if discovery.issuer.trim_end_matches('/') != issuer {
            return Err(fail(format!("discovery names issuer {} instead of {issuer}", discovery.issuer)));
        }
        let jwks: JwkSet = self.get_json(&discovery.jwks_uri, None).await?;
        let metadata = Arc::new(Metadata { discovery, jwks, fetched: Instant::now() });
        self.cache.lock().await.insert(provider.id.clone(), metadata.clone());
        Ok(metadata)
    }

    /// Where to send the browser: the upstream's authorization endpoint with
    /// state, nonce (OpenID) and a PKCE S256 challenge.
    pub async fn authorization_url(
        &self,
        provider: &UpstreamProvider,
        redirect_uri: &str,
        state: &str,
        nonce: &str,
        challenge: &str,
    ) -> Result<String, UpstreamError> {
        let endpoint = match provider.kind {
            UpstreamKind::Oidc => self.metadata(provider, false).await?.discovery.authorization_endpoint.clone(),
            UpstreamKind::Github => GITHUB_AUTHORIZE.to_owned(),
        };
        let scope = provider.scopes.join(" ");
        let mut params = vec![
            ("response_type", "code"),
            ("client_id", provider.client_id.as_str()),
            ("redirect_uri", redirect_uri),
            ("scope", scope.as_str()),
            ("state", state),
            ("code_challenge", challenge),
            ("code_challenge_method", "S256"),
        ];
        if provider.kind == UpstreamKind::Oidc {
            params.push(("nonce", nonce));
        }
        Ok(gatehouse_core::flows::append_query(&endpoint, &params))
    }

    /// Redeems the code and returns the verified identity.
    pub async fn identity(
        &self,
        provider: &UpstreamProvider,
        secret: &SecretString,
        code: &str,
        pending: &Pending<'_>,
    ) -> Result<UpstreamIdentity, UpstreamError> {
        match provider.kind {
            UpstreamKind::Oidc => self.oidc_identity(provider, secret, code, pending).await,
            UpstreamKind::Github => self.github_identity(provider, secret, code, pending).await,
        }
    }

    async fn exchange(
        &self,
        endpoint: &str,
        provider: &UpstreamProvider,
        secret: &SecretString,
        code: &str,
        pending: &Pending<'_>,
    ) -> Result<Value, UpstreamError> {
        let form = [
            ("grant_type", "authorization_code"),
            ("code", code),
            ("redirect_uri", pending.redirect_uri),
            ("code_verifier", pending.verifier),
            ("client_id", provider.client_id.as_str()),
            ("client_secret", secret.expose_secret()),
        ];
        let res = self
            .http()
            .post(endpoint)
            .header("accept", "application/json")
            .form(&form)
            .send()
            .await
            .map_err(|e| fail(format!("token request: {e}")))?;
        let status = res.status();
        let body: Value = read_json(res, MAX_UPSTREAM_BODY).await.map_err(|e| fail(format!("token response: {e}")))?;
        if !status.is_success() || body.get("error").is_some() {
            return Err(fail(format!("token request refused: HTTP {status}, error {}", body["error"])));
        }
        Ok(body)
    }

    async fn oidc_identity(
        &self,
        provider: &UpstreamProvider,
        secret: &SecretString,
        code: &str,
        pending: &Pending<'_>,
    ) -> Result<UpstreamIdentity, UpstreamError> {
        let metadata = self.metadata(provider, false).await?;
        let tokens = self.exchange(&metadata.discovery.token_endpoint, provider, secret, code, pending).await?;
        let id_token = tokens["id_token"].as_str().ok_or_else(|| fail("the token response has no id_token"))?;
        let header = decode_header(id_token).map_err(|e| fail(format!("ID token header: {e}")))?;
        if !ALLOWED.contains(&header.alg) {
            return Err(fail(format!("ID token algorithm {:?} is not accepted", header.alg)));
        }
        let kid = header.kid.clone().unwrap_or_default();
        let metadata =
            if metadata.jwks.find(&kid).is_some() { metadata } else { self.metadata(provider, true).await? };
        let jwk = metadata.jwks.find(&kid).ok_or_else(|| fail(format!("no upstream key with kid '{kid}'")))?;
        let key = DecodingKey::from_jwk(jwk).map_err(|e| fail(format!("upstream key: {e}")))?;
        let mut validation = Validation::new(header.alg);
        validation.leeway = 60;
        validation.set_issuer(&[metadata.discovery.issuer.as_str()]);
        validation.set_audience(&[provider.client_id.as_str()]);
        validation.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
        let claims = decode::<Value>(id_token, &key, &validation).map_err(|e| fail(format!("ID token: {e}")))?.claims;
        if claims["nonce"].as_str() != Some(pending.nonce) {
            return Err(fail("the ID token's nonce does not match"));
        }
        let subject = claims["sub"].as_str().unwrap_or_default().to_owned();
        let mut profile = claims.clone();
        if profile.get("email").is_none() {
            if let (Some(url), Some(access)) = (&metadata.discovery.userinfo_endpoint, tokens["access_token"].as_str())
            {
                let info: Value = self.get_json(url, Some(access)).await?;
                if info["sub"].as_str() != Some(subject.as_str()) {
                    return Err(fail("userinfo is about someone else"));
                }
                profile = info;
            }
        }
        Ok(identity_from_claims(subject, &profile))
    }

    async fn github_identity(
        &self,
        provider: &UpstreamProvider,
        secret: &SecretString,
        code: &str,
        pending: &Pending<'_>,
    ) -> Result<UpstreamIdentity, UpstreamError> {
        let tokens = self.exchange(GITHUB_TOKEN, provider, secret, code, pending).await?;
        let access = tokens["access_token"].as_str().ok_or_else(|| fail("GitHub sent no access token"))?;
        let user: Value = self.get_json(&format!("{GITHUB_API}/user"), Some(access)).await?;
        let emails: Value = self.get_json(&format!("{GITHUB_API}/user/emails"), Some(access)).await?;
        github_identity(&user, &emails).ok_or_else(|| fail("GitHub sent no user id"))
    }
}

/// The identity in OpenID claims (`email_verified` may be a string at some providers).
fn identity_from_claims(subject: String, claims: &Value) -> UpstreamIdentity {
    let verified = match &claims["email_verified"] {
        Value::Bool(b) => *b,
        Value::String(s) => s == "true",
        _ => false,
    };
    UpstreamIdentity {
        subject,
        email: claims["email"].as_str().and_then(|e| Email::parse(e).ok()),
        email_verified: verified,
        username_hint: claims["preferred_username"].as_str().or(claims["name"].as_str()).map(str::to_owned),
    }
}

/// GitHub's `/user` and `/user/emails`: the numeric id is the subject; the
/// primary address counts only if GitHub verified it.
fn github_identity(user: &Value, emails: &Value) -> Option<UpstreamIdentity> {
    let id = user["id"].as_i64()?;
    let primary = emails.as_array().and_then(|list| list.iter().find(|e| e["primary"] == true));
    let (email, verified) = match primary {
        Some(e) => (e["email"].as_str(), e["verified"] == true),
        None => (user["email"].as_str(), false),
    };
    Some(UpstreamIdentity {
        subject: id.to_string(),
        email: email.and_then(|e| Email::parse(e).ok()),
        email_verified: verified,
        username_hint: user["login"].as_str().map(str::to_owned),
    })
}

/// Reads a JSON body of at most `max` bytes: a larger one (announced, or as
/// it streams in) is refused without being held.
async fn read_json<T: serde::de::DeserializeOwned>(mut res: reqwest::Response, max: usize) -> Result<T, String> {
    if res.content_length().is_some_and(|n| n > max as u64) {
        return Err(format!("the answer is larger than {max} bytes"));
    }
    let mut body = Vec::new();
    while let Some(chunk) = res.chunk().await.map_err(|e| e.to_string())? {
        if body.len() + chunk.len() > max {
            return Err(format!("the answer is larger than {max} bytes"));
        }
        body.extend_from_slice(&chunk);
    }
    serde_json::from_slice(&body).map_err(|e| format!("the answer is not the JSON expected: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn answer(body: Vec<u8>) -> reqwest::Response {
        reqwest::Response::from(axum::http::Response::new(body))
    }

    #[tokio::test]
    async fn upstream_answers_are_bounded() {
        let small: Value = read_json(answer(br#"{"issuer":"x"}"#.to_vec()), 64).await.unwrap();
        assert_eq!(small["issuer"], "x");
        let padded = format!(r#"{{"issuer":"x","pad":"{}"}}"#, "a".repeat(100));
        let refused = read_json::<Value>(answer(padded.into_bytes()), 64).await.unwrap_err();
        assert!(refused.contains("larger than 64 bytes"), "{refused}");
    }

    #[test]
    fn github_identities_use_the_verified_primary_address() {
        let user = json!({"id": 42, "login": "octocat", "email": "public@example.com"});
        let emails = json!([
            {"email": "old@example.com", "primary": false, "verified": true},
            {"email": "octo@example.com", "primary": true, "verified": true}
        ]);
        let id = github_identity(&user, &emails).unwrap();
        assert_eq!(id.subject, "42");
        assert_eq!(id.email.unwrap().as_str(), "octo@example.com");
        assert!(id.email_verified);
        assert_eq!(id.username_hint.as_deref(), Some("octocat"));
        let unverified = json!([{"email": "octo@example.com", "primary": true, "verified": false}]);
        assert!(!github_identity(&user, &unverified).unwrap().email_verified);
        assert!(!github_identity(&user, &json!([])).unwrap().email_verified, "the public address is not verified");
        assert!(github_identity(&json!({"login": "x"}), &emails).is_none());
    }

    #[test]
    fn string_booleans_are_understood() {
        let id = identity_from_claims("s".into(), &json!({"email": "a@example.com", "email_verified": "true"}));
        assert!(id.email_verified);
        let id = identity_from_claims("s".into(), &json!({"email": "a@example.com"}));
        assert!(!id.email_verified);
    }
}
