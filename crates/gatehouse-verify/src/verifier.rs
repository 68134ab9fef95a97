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
/// What Gatehouse's personal API keys start with.
const API_KEY_PREFIX: &str = "gatehouse_pat_";

/// Verifies Gatehouse access tokens. Cheap to clone (shared cache).
#[derive(Clone)]
pub struct Verifier {
    inner: Arc<Inner>,
}

/// Where a verifier reads "now" (Unix seconds).
pub(crate) type Now = Arc<dyn Fn() -> i64 + Send + Sync>;

struct Inner {
    issuer: String,
    audience: String,
    leeway: u64,
    now: Now,
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
    now: Option<Now>,
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
            now: None,
            min_refresh: Duration::from_secs(5),
            max_age: Duration::from_secs(600),
            timeout: Duration::from_secs(5),
            introspection: None,
            introspection_url: None,
        }
    }

    /// Verifies `token` and returns its claims. A personal API key
    /// (`gatehouse_pat_…`) is asked about at the introspection endpoint: a
    /// verifier without introspection refuses keys (`ApiKeyNeedsIntrospection`).
    pub async fn verify(&self, token: &str) -> Result<Claims, VerifyError> {
        let inner = &self.inner;
        if token.len() > MAX_TOKEN_BYTES {
            return Err(VerifyError::Malformed);
        }
        if token.starts_with(API_KEY_PREFIX) {
            let i = inner.introspection.as_ref().ok_or(VerifyError::ApiKeyNeedsIntrospection)?;
            return self.api_key_claims(&self.introspect(i, token, "api_key").await?);
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
        // `exp` and `nbf` are checked below, against the verifier's clock.
        validation.validate_exp = false;
        validation.validate_nbf = false;
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
        let (now, leeway) = ((inner.now)(), i64::try_from(inner.leeway).unwrap_or(i64::MAX));
        if claims.exp < now.saturating_sub(leeway) {
            return Err(VerifyError::Expired);
        }
        if claims.nbf > now.saturating_add(leeway) {
            return Err(VerifyError::NotYetValid);
        }
        if let Some(i) = &inner.introspection {
            self.introspect(i, token, "access_token").await?;
        }
        Ok(claims)
    }

    /// The claims of an API key, from Gatehouse's introspection answer: its
    /// owner, and the permissions it may use now (also as its `scope`).
    fn api_key_claims(&self, answer: &serde_json::Value) -> Result<Claims, VerifyError> {
        let text = |key: &str| answer[key].as_str().map(str::to_owned);
        let claims = Claims {
            iss: text("iss").ok_or(VerifyError::Malformed)?,
            sub: text("sub").ok_or(VerifyError::Malformed)?,
            aud: text("aud").ok_or(VerifyError::Malformed)?,
            exp: answer["exp"].as_i64().unwrap_or(i64::MAX),
            iat: answer["iat"].as_i64().unwrap_or_default(),
            nbf: 0,
            jti: text("jti").unwrap_or_default(),
            sid: String::new(),
            scope: text("scope").unwrap_or_default(),
            roles: Vec::new(),
            permissions: answer["permissions"]
                .as_array()
                .map(|ps| ps.iter().filter_map(|p| p.as_str().map(str::to_owned)).collect())
                .unwrap_or_default(),
            amr: Vec::new(),
            client_id: None,
            api_key: true,
        };
        if claims.iss != self.inner.issuer {
            return Err(VerifyError::WrongIssuer);
        }
        if claims.aud != self.inner.audience {
            return Err(VerifyError::WrongAudience);
        }
        Ok(claims)
    }

    /// RFC 7662: the token must be `active` right now; returns the answer.
    async fn introspect(&self, i: &Introspection, token: &str, hint: &str) -> Result<serde_json::Value, VerifyError> {
        let unavailable = |e: String| VerifyError::Unavailable(format!("introspection at {}: {e}", i.url));
        let res = self
            .inner
            .http
            .post(&i.url)
            .basic_auth(&i.client_id, Some(&i.client_secret))
            .form(&[("token", token), ("token_type_hint", hint)])
            .send()
            .await
            .map_err(|e| unavailable(e.to_string()))?;
        if !res.status().is_success() {
            return Err(unavailable(format!("answered {}", res.status())));
        }
        let answer: serde_json::Value = res.json().await.map_err(|e| unavailable(e.to_string()))?;
        match answer["active"].as_bool() {
            Some(true) => Ok(answer),
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

    /// The time `exp` and `nbf` are checked against, and the JWKS cache's
    /// intervals are measured on, in Unix seconds (default: the system clock). For tests and simulations that move
    /// time instead of waiting for it.
    pub fn clock(mut self, now: impl Fn() -> i64 + Send + Sync + 'static) -> Self {
        self.now = Some(Arc::new(now));
        self
    }

    /// The least time between two JWKS fetches caused by unknown key ids
    /// (measured in whole seconds on the verifier's clock, see
    /// [`VerifierBuilder::clock`]).
    pub fn min_refresh(mut self, interval: Duration) -> Self {
        self.min_refresh = interval;
        self
    }

    /// The oldest the cached JWKS may be before it is fetched again (whole
    /// seconds on the verifier's clock).
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
    /// revoked grant takes effect at once (one HTTP call per request). It is
    /// also what lets the service accept personal API keys (`gatehouse_pat_…`).
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
        let now = self.now.unwrap_or_else(|| Arc::new(system_now));
        let jwks = Jwks::new(jwks_url, http.clone(), self.allowed.clone(), self.min_refresh, self.max_age, now.clone());
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
                now,
                allowed: self.allowed,
                jwks,
                http,
                introspection,
            }),
        })
    }
}

/// The system clock, in Unix seconds.
fn system_now() -> i64 {
    let since = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default();
    i64::try_from(since.as_secs()).unwrap_or(i64::MAX)
}
