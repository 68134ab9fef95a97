//! Access tokens: payload, verification by an independent JWT library against
//! the served JWKS, expiry, tampering, algorithm confusion, key rotation.

use crate::helpers::TestApp;
use crate::on_both_backends;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use gatehouse_core::token::{AccessClaims, AccessTokenIssuer};
use jwt_compact::{Algorithm, AlgorithmExt, UntrustedToken};
use serde_json::Value;

fn s(v: &Value) -> &str {
    v.as_str().unwrap()
}

async fn jwks(app: &TestApp) -> Value {
    app.get("/.well-known/jwks.json").send().await.unwrap().json().await.unwrap()
}

/// Verifies with jwt-compact + ed25519-dalek, using only the public JWKS.
fn verify_independently(token: &str, jwks: &Value) -> Value {
    let untrusted = UntrustedToken::new(token).expect("parse");
    let kid = untrusted.header().key_id.clone().expect("kid");
    let jwk = jwks["keys"].as_array().unwrap().iter().find(|k| k["kid"] == kid.as_str()).expect("kid in JWKS");
    let x = URL_SAFE_NO_PAD.decode(s(&jwk["x"])).unwrap();
    let key = ed25519_dalek::VerifyingKey::from_bytes(&x.try_into().unwrap()).unwrap();
    let alg = jwt_compact::alg::Ed25519;
    assert_eq!(alg.name(), "EdDSA");
    let token: jwt_compact::Token<Value> = alg.validator(&key).validate(&untrusted).expect("signature verifies");
    token.claims().custom.clone()
}

on_both_backends! {
    async fn access_token_payload_follows_rfc_9068(backend) {
        let app = TestApp::spawn(backend).await;
        let t = app.signed_up("alice").await;
        let (header, claims) = jwt_parts(s(&t["access_token"]));
        assert_eq!(header["typ"], "at+jwt");
        assert_eq!(header["alg"], "EdDSA");
        assert!(header["kid"].is_string());
        assert_eq!(claims["iss"], "http://gatehouse.test");
        assert_eq!(claims["aud"], "http://gatehouse.test");
        assert_eq!(claims["sub"], t["user"]["id"]);
        assert_eq!(claims["sid"], t["session_id"]);
        assert_eq!(claims["roles"], serde_json::json!(["user"]));
        assert!(claims["jti"].is_string() && claims["scope"].is_string());
        let (iat, exp, nbf) = (claims["iat"].as_i64().unwrap(), claims["exp"].as_i64().unwrap(), claims["nbf"].as_i64().unwrap());
        assert_eq!(exp - iat, 900);
        assert!(nbf <= iat);
        assert!(!claims.to_string().contains("alice@example.com"), "no personal data beyond the id");
    }

    async fn an_independent_library_verifies_tokens_against_the_jwks(backend) {
        let app = TestApp::spawn(backend).await;
        let t = app.signed_up("alice").await;
        let claims = verify_independently(s(&t["access_token"]), &jwks(&app).await);
        assert_eq!(claims["sub"], t["user"]["id"]);
    }

    async fn tampered_garbage_and_missing_tokens_are_rejected(backend) {
        let app = TestApp::spawn(backend).await;
        let t = app.signed_up("alice").await;
        let token = s(&t["access_token"]);
        let (_, mut claims) = jwt_parts(token);
        claims["roles"] = serde_json::json!(["admin"]);
        let parts: Vec<&str> = token.split('.').collect();
        let forged = format!("{}.{}.{}", parts[0], URL_SAFE_NO_PAD.encode(claims.to_string()), parts[2]);
        assert_problem(app.me(&forged).await, 401, "invalid_token").await;
        assert_problem(app.me("garbage").await, 401, "invalid_token").await;
        let r = app.get("/api/auth/me").send().await.unwrap();
        assert_eq!(r.headers()["www-authenticate"], "Bearer");
        assert_problem(r, 401, "unauthorized").await;
        let r = app.me("a.b.c").await;
        assert!(r.headers()["www-authenticate"].to_str().unwrap().contains("invalid_token"));
    }

    async fn expired_tokens_are_rejected(backend) {
        let app = TestApp::spawn(backend).await;
        let t = app.signed_up("alice").await;
        let (_, claims) = jwt_parts(s(&t["access_token"]));
        let mut claims: AccessClaims = serde_json::from_value(claims).unwrap();
        let now = time::OffsetDateTime::now_utc().unix_timestamp();
        claims.iat = now - 3600;
        claims.nbf = now - 3600;
        claims.exp = now - 120; // beyond the 30 s leeway
        let ring = app.state.tokens.key_ring();
        let expired = AccessTokenIssuer::sign(&ring, &claims).unwrap();
        use secrecy::ExposeSecret;
        assert_problem(app.me(expired.expose_secret()).await, 401, "token_expired").await;
        // Same claims with a live exp are accepted: the expiry is what failed.
        claims.exp = now + 60;
        let live = AccessTokenIssuer::sign(&ring, &claims).unwrap();
        assert_eq!(app.me(live.expose_secret()).await.status(), 200);
    }

    async fn alg_none_and_hs256_with_the_public_key_are_rejected(backend) {
        let app = TestApp::spawn(backend).await;
        let t = app.signed_up("alice").await;
        let (header, claims) = jwt_parts(s(&t["access_token"]));
        let kid = s(&header["kid"]).to_owned();
        // alg: none, no signature.
        let none_header = serde_json::json!({"alg": "none", "typ": "at+jwt", "kid": kid});
        let none = format!("{}.{}.", URL_SAFE_NO_PAD.encode(none_header.to_string()), URL_SAFE_NO_PAD.encode(claims.to_string()));
        assert_problem(app.me(&none).await, 401, "invalid_token").await;
        // HS256 keyed with the public key (the classic algorithm confusion).
        let keys = jwks(&app).await;
        let jwk = keys["keys"].as_array().unwrap().iter().find(|k| k["kid"] == kid.as_str()).unwrap();
        let public = URL_SAFE_NO_PAD.decode(s(&jwk["x"])).unwrap();
        let mut hs_header = jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256);
        hs_header.typ = Some("at+jwt".into());
        hs_header.kid = Some(kid.clone());
        for secret in [public.as_slice(), s(&jwk["x"]).as_bytes(), jwk.to_string().as_bytes()] {
            let forged = jsonwebtoken::encode(&hs_header, &claims, &jsonwebtoken::EncodingKey::from_secret(secret)).unwrap();
            assert_problem(app.me(&forged).await, 401, "invalid_token").await;
        }
        // A wrong typ (e.g. an ID token replayed as an access token) is refused.
        let (_, claims) = jwt_parts(s(&t["access_token"]));
        let claims: AccessClaims = serde_json::from_value(claims).unwrap();
        let ring = app.state.tokens.key_ring();
        let good = AccessTokenIssuer::sign(&ring, &claims).unwrap();
        use secrecy::ExposeSecret;
        let parts: Vec<&str> = good.expose_secret().split('.').collect();
        let mut h = jwt_parts(good.expose_secret()).0;
        h["typ"] = "JWT".into();
        let retyped = format!("{}.{}.{}", URL_SAFE_NO_PAD.encode(h.to_string()), parts[1], parts[2]);
        assert_problem(app.me(&retyped).await, 401, "invalid_token").await;
    }

    async fn key_rotation_keeps_live_tokens_valid(backend) {
        let app = TestApp::spawn(backend).await;
        let before = app.signed_up("alice").await;
        let old_kid = jwt_parts(s(&before["access_token"])).0["kid"].clone();
        app.state.admin.rotate_keys(&crate::helpers::operator(), &Default::default()).await.unwrap();
        let keys = jwks(&app).await;
        assert_eq!(keys["keys"].as_array().unwrap().len(), 2, "current + previous published");
        assert_eq!(app.me(s(&before["access_token"])).await.status(), 200, "old token still valid");
        let after: Value = app.login("alice", STRONG_PASSWORD).await.json().await.unwrap();
        let new_kid = jwt_parts(s(&after["access_token"])).0["kid"].clone();
        assert_ne!(old_kid, new_kid);
        verify_independently(s(&after["access_token"]), &keys);
        verify_independently(s(&before["access_token"]), &keys);
        // A second rotation within the first token's lifetime retires nothing
        // it needs: all three keys are published and both tokens verify (the
        // first key goes at a rotation once its tokens have expired; see the
        // store's keys_stay_published_while_their_tokens_may_live).
        app.state.admin.rotate_keys(&crate::helpers::operator(), &Default::default()).await.unwrap();
        let keys = jwks(&app).await;
        assert_eq!(keys["keys"].as_array().unwrap().len(), 3);
        assert_eq!(app.me(s(&before["access_token"])).await.status(), 200);
        assert_eq!(app.me(s(&after["access_token"])).await.status(), 200);
        verify_independently(s(&before["access_token"]), &keys);
    }

    async fn es256_and_rs256_are_selectable(backend) {
        for alg in ["ES256", "RS256"] {
            let app = TestApp::spawn_with(backend, |c| c.signing_alg = Some(alg.into())).await;
            let t = app.signed_up("alice").await;
            assert_eq!(jwt_parts(s(&t["access_token"])).0["alg"], alg);
            assert_eq!(app.me(s(&t["access_token"])).await.status(), 200);
            let keys = jwks(&app).await;
            assert_eq!(keys["keys"][0]["alg"], alg);
            // Verify with jsonwebtoken from the JWK alone.
            let jwk: jsonwebtoken::jwk::Jwk = serde_json::from_value(keys["keys"][0].clone()).unwrap();
            let key = jsonwebtoken::DecodingKey::from_jwk(&jwk).unwrap();
            let mut v = jsonwebtoken::Validation::new(if alg == "ES256" { jsonwebtoken::Algorithm::ES256 } else { jsonwebtoken::Algorithm::RS256 });
            v.set_audience(&["http://gatehouse.test"]);
            jsonwebtoken::decode::<Value>(s(&t["access_token"]), &key, &v).expect("verifies from JWKS");
        }
    }
}
