//! [`Verifier`]: checks an access token the way RFC 9068 and RFC 8725 ask,
//! against Gatehouse's published keys, and optionally asks Gatehouse whether
//! the token is still active.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use jsonwebtoken::errors::ErrorKind;
use jsonwebtoken::{decode, decode_header, Algorithm, Validation};

use crate::claims::Claims;
use crate::error::VerifyError;
use crate::jwks::Jwks;

/// Tokens longer than this are refused before any parsing.
const MAX_TOKEN_BYTES: usize = 8 * 1024;

/// Verifies Gatehouse access tokens. Cheap to clone (shared cache).
#[derive(Clone)]
pub struct Verifier {
    inner: Arc<Inner>,
}

struct Inner {
    issuer: String,
    audience: String,
    leeway: u64,
    allowed: Vec<Algorithm>,
    jwks: Jwks,
    http: reqwest::Client,
    introspection: Option<Introspection>,
}

struct Introspection {
    url: String,
    client_id: String,
    client_secret: String,
}

impl fmt::Debug for Verifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Verifier")
            .field("issuer", &self.inner.issuer)
            .field("audience", &self.inner.audience)
            .field("introspection", &self.inner.introspection.as_ref().map(|i| &i.url))
            .finish_non_exhaustive()
    }
}

/// How a [`Verifier`] is set up; see [`Verifier::builder`].
#[must_use]
pub struct VerifierBuilder {
    issuer: String,
    audience: Option<String>,
    jwks_url: Option<String>,
    allowed: Vec<Algorithm>,
    leeway: u64,
    min_refresh: Duration,
    max_age: Duration,
    timeout: Duration,
    introspection: Option<(String, String)>,
    introspection_url: Option<String>,
}

impl Verifier {
    /// A verifier for tokens issued by `issuer` (Gatehouse's `issuer` setting,
    /// e.g. `https://auth.example.com`). Defaults: audience = issuer, JWKS at
    /// `{issuer}/.well-known/jwks.json`, algorithms EdDSA, ES256 and RS256,
    /// 30 s leeway, refresh for an unknown `kid` at most every 5 s, cache at
    /// most 10 minutes old, 5 s HTTP timeout, no introspection.
    pub fn builder(issuer: impl Into<String>) -> VerifierBuilder {
        VerifierBuilder {
            issuer: issuer.into(),
            audience: None,
            jwks_url: None,
            allowed: vec![Algorithm::EdDSA, Algorithm::ES256, Algorithm::RS256],
            leeway: 30,
            min_refresh: Duration::from_secs(5),
            max_age: Duration::from_secs(600),
            timeout: Duration::from_secs(5),
            introspection: None,
            introspection_url: None,
        }
    }

    /// Verifies `token` and returns its claims.
    pub async fn verify(&self, token: &str) -> Result<Claims, VerifyError> {
        let inner = &self.inner;
        if token.len() > MAX_TOKEN_BYTES {
            return Err(VerifyError::Malformed);
        }
        let header = decode_header(token).map_err(|_| VerifyError::Malformed)?;
        let typ = header.typ.as_deref().unwrap_or_default();
        if !typ.eq_ignore_ascii_case("at+jwt") && !typ.eq_ignore_ascii_case("application/at+jwt") {
            return Err(VerifyError::WrongType);
        }
        if !inner.allowed.contains(&header.alg) {
            return Err(VerifyError::AlgorithmNotAllowed);
        }
        let kid = header.kid.as_deref().ok_or(VerifyError::UnknownKey)?;
        let (key, alg) = inner.jwks.key(kid).await?;
        if alg != header.alg {
            return Err(VerifyError::AlgorithmNotAllowed);
        }
        let mut validation = Validation::new(alg);
        validation.leeway = inner.leeway;
        validation.validate_nbf = true;
        validation.set_issuer(&[&inner.issuer]);
        validation.set_audience(&[&inner.audience]);
        validation.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
        let claims = decode::<Claims>(token, &key, &validation)
            .map_err(|e| match e.kind() {
                ErrorKind::ExpiredSignature => VerifyError::Expired,
                ErrorKind::ImmatureSignature => VerifyError::NotYetValid,
                ErrorKind::InvalidIssuer => VerifyError::WrongIssuer,
                ErrorKind::InvalidAudience => VerifyError::WrongAudience,
                ErrorKind::InvalidSignature => VerifyError::BadSignature,
                ErrorKind::InvalidAlgorithm => VerifyError::AlgorithmNotAllowed,
                _ => VerifyError::Malformed,
            })?
            .claims;
        if let Some(i) = &inner.introspection {
            self.introspect(i, token).await?;
        }
        Ok(claims)
    }

    /// RFC 7662: the token must be `active` right now.
    async fn introspect(&self, i: &Introspection, token: &str) -> Result<(), VerifyError> {
        let unavailable = |e: String| VerifyError::Unavailable(format!("introspection at {}: {e}", i.url));
        let res = self
            .inner
            .http
            .post(&i.url)
            .basic_auth(&i.client_id, Some(&i.client_secret))
            .form(&[("token", token), ("token_type_hint", "access_token")])
            .send()
            .await
            .map_err(|e| unavailable(e.to_string()))?;
        if !res.status().is_success() {
            return Err(unavailable(format!("answered {}", res.status())));
        }
        let answer: serde_json::Value = res.json().await.map_err(|e| unavailable(e.to_string()))?;
        match answer["active"].as_bool() {
            Some(true) => Ok(()),
            _ => Err(VerifyError::Inactive),
        }
    }
}

impl VerifierBuilder {
    /// The `aud` tokens must carry (Gatehouse's `audience`; default: the issuer).
    pub fn audience(mut self, audience: impl Into<String>) -> Self {
        self.audience = Some(audience.into());
        self
    }

    /// Where to fetch the keys, when not `{issuer}/.well-known/jwks.json`
    /// (e.g. Gatehouse on an internal address).
    pub fn jwks_url(mut self, url: impl Into<String>) -> Self {
        self.jwks_url = Some(url.into());
        self
    }

    /// Narrows the algorithms accepted (asymmetric only: HMAC and `none` are never accepted).
    pub fn algorithms(mut self, algs: &[Algorithm]) -> Self {
        self.allowed = algs
            .iter()
            .copied()
            .filter(|a| !matches!(a, Algorithm::HS256 | Algorithm::HS384 | Algorithm::HS512))
            .collect();
        self
    }

    /// Clock-skew leeway for `exp` and `nbf`, in seconds.
    pub fn leeway(mut self, seconds: u64) -> Self {
        self.leeway = seconds;
        self
    }

    /// The least time between two JWKS fetches caused by unknown key ids.
    pub fn min_refresh(mut self, interval: Duration) -> Self {
        self.min_refresh = interval;
        self
    }

    /// The oldest the cached JWKS may be before it is fetched again.
    pub fn max_age(mut self, age: Duration) -> Self {
        self.max_age = age;
        self
    }

    /// Timeout of each HTTP call to Gatehouse.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Also asks Gatehouse's introspection endpoint about every token, as the
    /// confidential client `client_id`: a logout, a disabled account or a
    /// revoked grant takes effect at once (one HTTP call per request).
    pub fn introspect(mut self, client_id: impl Into<String>, client_secret: impl Into<String>) -> Self {
        self.introspection = Some((client_id.into(), client_secret.into()));
        self
    }

    /// Where introspection is, when not `{issuer}/oauth2/introspect`.
    pub fn introspection_url(mut self, url: impl Into<String>) -> Self {
        self.introspection_url = Some(url.into());
        self
    }

    pub fn build(self) -> Result<Verifier, reqwest::Error> {
        let http = reqwest::Client::builder().timeout(self.timeout).build()?;
        let base = self.issuer.trim_end_matches('/');
        let jwks_url = self.jwks_url.unwrap_or_else(|| format!("{base}/.well-known/jwks.json"));
        let jwks = Jwks::new(jwks_url, http.clone(), self.allowed.clone(), self.min_refresh, self.max_age);
        let introspection = self.introspection.map(|(client_id, client_secret)| Introspection {
            url: self.introspection_url.unwrap_or_else(|| format!("{base}/oauth2/introspect")),
            client_id,
            client_secret,
        });
        Ok(Verifier {
            inner: Arc::new(Inner {
                audience: self.audience.unwrap_or_else(|| self.issuer.clone()),
                issuer: self.issuer,
                leeway: self.leeway,
                allowed: self.allowed,
                jwks,
                http,
                introspection,
            }),
        })
    }
}
