//! OpenID Connect ID tokens (Core §2): who signed in, for which client, when
//! and how. Signed with the client's algorithm (RS256 unless it asked
//! otherwise), header `typ: JWT` — never `at+jwt`, so an ID token can never
//! pass for an access token.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use jsonwebtoken::{decode, decode_header, Header, Validation};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use sha2::{Digest, Sha256, Sha512};

use super::keys::{KeyRing, SigningAlg};
use crate::error::Error;

/// The claims of an ID token. Scope-dependent user claims (`email`,
/// `preferred_username`, …) travel in `extra`.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct IdClaims {
    pub iss: String,
    pub sub: String,
    pub aud: String,
    /// The client the token was issued to (Core §2), same as `aud`.
    pub azp: String,
    pub exp: i64,
    pub iat: i64,
    pub auth_time: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nonce: Option<String>,
    pub acr: String,
    pub amr: crate::amr::Amr,
    /// Left half of the hash of the access token (Core §3.1.3.6).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at_hash: Option<String>,
    /// The browser session the user signed in with (front-/back-channel logout).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sid: Option<String>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `at_hash`: base64url of the left half of the access token's hash, with the
/// hash of the signing algorithm (SHA-256 for RS256/ES256; SHA-512 for
/// Ed25519, as OpenID Connect and its certified libraries do).
pub fn at_hash(alg: SigningAlg, access_token: &str) -> String {
    let digest: Vec<u8> = match alg {
        SigningAlg::EdDsa => Sha512::digest(access_token.as_bytes()).to_vec(),
        SigningAlg::Es256 | SigningAlg::Rs256 => Sha256::digest(access_token.as_bytes()).to_vec(),
    };
    URL_SAFE_NO_PAD.encode(&digest[..digest.len() / 2])
}

/// Signs `claims` with the current key of `alg`.
pub fn sign_id_token(ring: &KeyRing, alg: SigningAlg, claims: &IdClaims) -> Result<String, Error> {
    let key = ring.current_for(alg).ok_or_else(|| Error::internal(format!("no current {} key", alg.as_str())))?;
    let mut header = Header::new(alg.jwt_algorithm());
    header.typ = Some("JWT".into());
    header.kid = Some(key.kid.clone());
    key.sign_jwt(&header, claims)
}

/// Reads an ID token Gatehouse issued, as `id_token_hint` (RP-initiated
/// logout): signature (by `kid`, with that key's algorithm only) and issuer
/// are checked; expiry is not — a hint may be presented after it expired.
pub fn read_id_token_hint(ring: &KeyRing, issuer: &str, token: &str) -> Result<IdClaims, Error> {
    let header = decode_header(token).map_err(|_| Error::InvalidToken)?;
    let kid = header.kid.as_deref().ok_or(Error::InvalidToken)?;
    let key = ring.find(kid).ok_or(Error::InvalidToken)?;
    if header.alg != key.alg.jwt_algorithm() || header.typ.as_deref().is_some_and(|t| t != "JWT") {
        return Err(Error::InvalidToken);
    }
    let mut validation = Validation::new(key.alg.jwt_algorithm());
    validation.validate_exp = false;
    validation.validate_aud = false;
    validation.set_issuer(&[issuer]);
    validation.set_required_spec_claims(&["iss", "sub", "aud"]);
    decode::<IdClaims>(token, key.decoding(), &validation).map(|d| d.claims).map_err(|_| Error::InvalidToken)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crypto::MasterKey;
    use crate::token::SigningKey;

    #[test]
    fn at_hash_matches_the_core_spec_example() {
        // OpenID Connect Core, Appendix A.3: access token and at_hash (RS256).
        assert_eq!(at_hash(SigningAlg::Rs256, "jHkWEdUXMU1BwAsC4vtUsZwnNvTIxEl0z9K3vx5KF0Y"), "77QmUPtjPfzWtF2AnpK9RQ");
    }

    #[test]
    fn signed_tokens_read_back_as_hints_and_tampering_is_caught() {
        let master = MasterKey::generate();
        let stored = SigningKey::generate(SigningAlg::EdDsa, &master, time::OffsetDateTime::UNIX_EPOCH).unwrap();
        let ring = KeyRing::open(&[stored], &master, SigningAlg::EdDsa).unwrap();
        let claims = IdClaims {
            iss: "http://op".into(),
            sub: "u1".into(),
            aud: "c1".into(),
            azp: "c1".into(),
            exp: 1,
            iat: 0,
            auth_time: 0,
            nonce: Some("n".into()),
            acr: "1".into(),
            amr: crate::amr::Amr::one(crate::amr::AuthMethod::Password),
            at_hash: None,
            sid: None,
            extra: Map::new(),
        };
        let token = sign_id_token(&ring, SigningAlg::EdDsa, &claims).unwrap();
        assert_eq!(read_id_token_hint(&ring, "http://op", &token).unwrap(), claims, "expired hints still read");
        assert!(read_id_token_hint(&ring, "http://other", &token).is_err());
        assert!(sign_id_token(&ring, SigningAlg::Rs256, &claims).is_err(), "no RS256 key in this ring");
        let mut parts: Vec<String> = token.split('.').map(str::to_owned).collect();
        parts[1] = URL_SAFE_NO_PAD.encode(br#"{"iss":"http://op","sub":"admin","aud":"c1"}"#);
        assert!(read_id_token_hint(&ring, "http://op", &parts.join(".")).is_err());
    }
}
