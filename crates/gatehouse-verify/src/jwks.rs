//! The JWKS cache: Gatehouse's published keys by `kid`, each with the one
//! algorithm it may verify.
//!
//! Refreshes are single-flight and bounded: a token with an unknown `kid` (a
//! rotation) triggers one at once unless the last attempt is younger than
//! `min_refresh`, so a flood of made-up key ids costs one fetch per interval;
//! a cache older than `max_age` is refreshed on the next use. When a refresh
//! fails, the keys already known keep working.

use std::collections::HashMap;
use std::str::FromStr;
use std::sync::{Arc, RwLock};
use std::time::Duration;

use jsonwebtoken::jwk::Jwk;
use jsonwebtoken::{Algorithm, DecodingKey};

use crate::error::VerifyError;
use crate::verifier::Now;

/// The largest JWKS document read.
const MAX_JWKS_BYTES: usize = 256 * 1024;

#[derive(Default)]
struct KeySet {
    keys: HashMap<String, (DecodingKey, Algorithm)>,
    /// When the keys were last fetched successfully (the verifier's clock,
    /// Unix seconds).
    fetched: Option<i64>,
    /// When a fetch was last tried, successful or not.
    attempted: Option<i64>,
}

pub(crate) struct Jwks {
    url: String,
    http: reqwest::Client,
    allowed: Vec<Algorithm>,
    min_refresh: Duration,
    max_age: Duration,
    /// The verifier's clock: the intervals above are measured on it, so a
    /// test moves it instead of waiting.
    now: Now,
    set: RwLock<Arc<KeySet>>,
    refreshing: tokio::sync::Mutex<()>,
}

impl Jwks {
    pub(crate) fn new(
        url: String,
        http: reqwest::Client,
        allowed: Vec<Algorithm>,
        min_refresh: Duration,
        max_age: Duration,
        now: Now,
    ) -> Self {
        Self {
            url,
            http,
            allowed,
            min_refresh,
            max_age,
            now,
            set: RwLock::new(Arc::new(KeySet::default())),
            refreshing: tokio::sync::Mutex::new(()),
        }
    }

    /// How long ago `then` was, by the verifier's clock (whole seconds).
    fn since(&self, then: i64) -> Duration {
        Duration::from_secs(u64::try_from((self.now)().saturating_sub(then)).unwrap_or(0))
    }

    fn current(&self) -> Arc<KeySet> {
        match self.set.read() {
            Ok(g) => g.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    fn replace(&self, set: KeySet) {
        match self.set.write() {
            Ok(mut g) => *g = Arc::new(set),
            Err(poisoned) => *poisoned.into_inner() = Arc::new(set),
        }
    }

    /// The key for `kid` and its algorithm, refreshing the cache when it is
    /// old or does not know `kid`.
    pub(crate) async fn key(&self, kid: &str) -> Result<(DecodingKey, Algorithm), VerifyError> {
        let set = self.current();
        let fresh = set.fetched.is_some_and(|t| self.since(t) < self.max_age);
        if fresh {
            if let Some(k) = set.keys.get(kid) {
                return Ok(k.clone());
            }
        }
        self.refresh(&set).await?;
        let set = self.current();
        set.keys.get(kid).cloned().ok_or(VerifyError::UnknownKey)
    }

    /// Fetches the JWKS unless another task did since `seen` was read, or the
    /// last attempt is younger than `min_refresh`.
    async fn refresh(&self, seen: &Arc<KeySet>) -> Result<(), VerifyError> {
        let _one_at_a_time = self.refreshing.lock().await;
        let now = self.current();
        if !Arc::ptr_eq(&now, seen) {
            return Ok(());
        }
        if now.attempted.is_some_and(|t| self.since(t) < self.min_refresh) {
            return if now.fetched.is_some() {
                Ok(())
            } else {
                Err(VerifyError::Unavailable("the JWKS could not be fetched".into()))
            };
        }
        let attempted = Some((self.now)());
        match self.fetch().await {
            Ok(keys) => {
                self.replace(KeySet { keys, fetched: attempted, attempted });
                Ok(())
            }
            Err(e) => {
                tracing::warn!(url = %self.url, error = %e, "cannot refresh the JWKS; keeping the keys already known");
                let known = KeySet { keys: now.keys.clone(), fetched: now.fetched, attempted };
                let usable = known.fetched.is_some();
                self.replace(known);
                if usable {
                    Ok(())
                } else {
                    Err(e)
                }
            }
        }
    }

    async fn fetch(&self) -> Result<HashMap<String, (DecodingKey, Algorithm)>, VerifyError> {
        let unavailable = |e: String| VerifyError::Unavailable(format!("JWKS at {}: {e}", self.url));
        let res = self.http.get(&self.url).send().await.map_err(|e| unavailable(e.to_string()))?;
        if !res.status().is_success() {
            return Err(unavailable(format!("answered {}", res.status())));
        }
        let body = res.bytes().await.map_err(|e| unavailable(e.to_string()))?;
        if body.len() > MAX_JWKS_BYTES {
            return Err(unavailable("the document is too large".into()));
        }
        let doc: serde_json::Value = serde_json::from_slice(&body).map_err(|e| unavailable(e.to_string()))?;
        let entries = doc["keys"].as_array().ok_or_else(|| unavailable("no \"keys\" array".into()))?;
        let mut keys = HashMap::new();
        for entry in entries {
            // Only signing keys with a kid and an allowed algorithm of their own.
            let (Some(kid), Some(alg)) = (entry["kid"].as_str(), entry["alg"].as_str()) else { continue };
            if entry.get("use").and_then(|u| u.as_str()).is_some_and(|u| u != "sig") {
                continue;
            }
            let Some(alg) = Algorithm::from_str(alg).ok().filter(|a| self.allowed.contains(a)) else { continue };
            let Ok(jwk) = serde_json::from_value::<Jwk>(entry.clone()) else { continue };
            let Ok(key) = DecodingKey::from_jwk(&jwk) else { continue };
            keys.insert(kid.to_owned(), (key, alg));
        }
        Ok(keys)
    }
}
