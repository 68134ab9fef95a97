//! The JWKS cache against a JWKS server that counts its fetches: bounded
//! refreshes for unknown key ids, one fetch for many concurrent requests,
//! rotation followed, and the known keys kept while the JWKS is down.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use axum::{Json, Router};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use gatehouse_verify::{Verifier, VerifyError};
use jsonwebtoken::{encode, Algorithm, EncodingKey, Header};
use ring::signature::{Ed25519KeyPair, KeyPair};
use serde_json::{json, Value};

const ISSUER: &str = "https://auth.example.com";

#[derive(Default)]
struct Jwks {
    keys: Vec<Value>,
    fetches: u32,
    down: bool,
}

type Shared = Arc<Mutex<Jwks>>;

async fn jwks(State(s): State<Shared>) -> Result<Json<Value>, StatusCode> {
    let mut s = s.lock().unwrap();
    s.fetches += 1;
    if s.down {
        return Err(StatusCode::INTERNAL_SERVER_ERROR);
    }
    Ok(Json(json!({"keys": s.keys})))
}

struct Key {
    encoding: EncodingKey,
    jwk: Value,
}

fn key(kid: &str) -> Key {
    let pkcs8 = Ed25519KeyPair::generate_pkcs8(&ring::rand::SystemRandom::new()).unwrap();
    let pair = Ed25519KeyPair::from_pkcs8(pkcs8.as_ref()).unwrap();
    let x = URL_SAFE_NO_PAD.encode(pair.public_key().as_ref());
    Key {
        encoding: EncodingKey::from_ed_der(pkcs8.as_ref()),
        jwk: json!({"kty": "OKP", "crv": "Ed25519", "x": x, "kid": kid, "alg": "EdDSA", "use": "sig"}),
    }
}

fn token(key: &Key, kid: &str) -> String {
    let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs() as i64;
    let mut header = Header::new(Algorithm::EdDSA);
    header.typ = Some("at+jwt".into());
    header.kid = Some(kid.into());
    let claims = json!({"iss": ISSUER, "sub": "u1", "aud": ISSUER, "exp": now + 60, "iat": now, "nbf": now,
        "jti": "j", "sid": "s", "scope": "openid", "roles": ["user"]});
    encode(&header, &claims, &key.encoding).unwrap()
}

async fn serve(state: Shared) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/jwks.json", listener.local_addr().unwrap());
    let app = Router::new().route("/jwks.json", get(jwks)).with_state(state);
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    url
}

/// The verifiers' clock (Unix seconds): the system's at first, then moved by
/// the test instead of sleeping.
#[derive(Clone)]
struct Clock(Arc<AtomicI64>);

impl Default for Clock {
    fn default() -> Self {
        let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs();
        Self(Arc::new(AtomicI64::new(i64::try_from(now).unwrap())))
    }
}

impl Clock {
    fn reader(&self) -> impl Fn() -> i64 + Send + Sync + 'static {
        let at = self.0.clone();
        move || at.load(Ordering::SeqCst)
    }

    fn advance(&self, seconds: i64) {
        self.0.fetch_add(seconds, Ordering::SeqCst);
    }
}

fn fetches(s: &Shared) -> u32 {
    s.lock().unwrap().fetches
}

#[tokio::test]
async fn unknown_key_ids_cost_one_fetch_per_interval_and_rotation_is_followed() {
    let k1 = key("k1");
    let state = Shared::default();
    state.lock().unwrap().keys.push(k1.jwk.clone());
    let url = serve(state.clone()).await;
    let clock = Clock::default();
    let verifier = Verifier::builder(ISSUER)
        .jwks_url(url)
        .min_refresh(Duration::from_secs(5))
        .clock(clock.reader())
        .build()
        .unwrap();

    // Many concurrent first requests: one fetch.
    let t1 = token(&k1, "k1");
    let all = futures_join(&verifier, &t1, 20).await;
    assert!(all.iter().all(Result::is_ok));
    assert_eq!(fetches(&state), 1);

    // A flood of made-up key ids within the interval: no fetch at all.
    for i in 0..50 {
        assert_eq!(verifier.verify(&token(&k1, &format!("bogus-{i}"))).await, Err(VerifyError::UnknownKey));
    }
    assert_eq!(fetches(&state), 1);

    // A rotation: the new key is published; its first token refreshes the cache once.
    clock.advance(6);
    let k2 = key("k2");
    state.lock().unwrap().keys.insert(0, k2.jwk.clone());
    verifier.verify(&token(&k2, "k2")).await.unwrap();
    verifier.verify(&t1).await.unwrap();
    assert_eq!(fetches(&state), 2);
}

#[tokio::test]
async fn known_keys_keep_working_while_the_jwks_is_down() {
    let k1 = key("k1");
    let state = Shared::default();
    state.lock().unwrap().keys.push(k1.jwk.clone());
    let url = serve(state.clone()).await;
    let clock = Clock::default();
    let verifier = Verifier::builder(ISSUER)
        .jwks_url(url)
        .min_refresh(Duration::from_secs(1))
        .max_age(Duration::from_secs(1))
        .clock(clock.reader())
        .build()
        .unwrap();
    let t1 = token(&k1, "k1");
    verifier.verify(&t1).await.unwrap();
    state.lock().unwrap().down = true;
    clock.advance(2);
    // The cache is stale and the refresh fails: the known key still verifies.
    verifier.verify(&t1).await.unwrap();
    assert_eq!(fetches(&state), 2);
    // A verifier that never fetched cannot decide.
    let cold = Verifier::builder(ISSUER).jwks_url("http://127.0.0.1:9/jwks.json").build().unwrap();
    assert!(matches!(cold.verify(&t1).await, Err(VerifyError::Unavailable(_))));
}

async fn futures_join(
    verifier: &Verifier,
    token: &str,
    n: usize,
) -> Vec<Result<gatehouse_verify::Claims, VerifyError>> {
    let mut set = tokio::task::JoinSet::new();
    for _ in 0..n {
        let (v, t) = (verifier.clone(), token.to_owned());
        set.spawn(async move { v.verify(&t).await });
    }
    let mut out = Vec::new();
    while let Some(r) = set.join_next().await {
        out.push(r.unwrap());
    }
    out
}
