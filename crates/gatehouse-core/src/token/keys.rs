//! Signing keys: generated here, stored encrypted with the master key, published
//! as a JWKS. The ring holds the current key (signs) and the previous ones
//! (still verify: every key that stopped signing less than a token lifetime
//! ago) so that no rotation breaks a live token.

use std::fmt;
use std::str::FromStr;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use jsonwebtoken::{encode, Algorithm, DecodingKey, EncodingKey, Header};
use ring::rand::SystemRandom;
use ring::signature::{EcdsaKeyPair, Ed25519KeyPair, KeyPair, ECDSA_P256_SHA256_FIXED_SIGNING};
use rsa::pkcs1::EncodeRsaPrivateKey;
use rsa::traits::PublicKeyParts;
use serde::Serialize;
use serde_json::json;
use time::OffsetDateTime;

use crate::crypto::MasterKey;
use crate::error::Error;

/// The JWS algorithms Gatehouse signs with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SigningAlg {
    EdDsa,
    Es256,
    Rs256,
}

impl SigningAlg {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::EdDsa => "EdDSA",
            Self::Es256 => "ES256",
            Self::Rs256 => "RS256",
        }
    }

    pub fn jwt_algorithm(self) -> Algorithm {
        match self {
            Self::EdDsa => Algorithm::EdDSA,
            Self::Es256 => Algorithm::ES256,
            Self::Rs256 => Algorithm::RS256,
        }
    }
}

impl FromStr for SigningAlg {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "EdDSA" | "eddsa" | "Ed25519" | "ed25519" => Ok(Self::EdDsa),
            "ES256" | "es256" => Ok(Self::Es256),
            "RS256" | "rs256" => Ok(Self::Rs256),
            other => Err(format!("unknown signing algorithm '{other}' (expected EdDSA, ES256 or RS256)")),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyStatus {
    /// Published ahead of use (`signing_key_prepublish`): verifies, does not
    /// sign yet, so relying parties have it in their cached JWKS before the
    /// first token it signs reaches them.
    Next,
    /// Signs new tokens and is published.
    Current,
    /// No longer signs, still published so that live tokens verify.
    Previous,
    /// Neither signs nor is published.
    Retired,
}

impl KeyStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Next => "next",
            Self::Current => "current",
            Self::Previous => "previous",
            Self::Retired => "retired",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "next" => Some(Self::Next),
            "current" => Some(Self::Current),
            "previous" => Some(Self::Previous),
            "retired" => Some(Self::Retired),
            _ => None,
        }
    }
}

/// A key as persisted: the private part sealed with the master key (context =
/// kid), the public part as a JWK.
#[derive(Clone)]
pub struct StoredKey {
    pub kid: String,
    pub alg: SigningAlg,
    pub private_sealed: Vec<u8>,
    pub public_jwk: serde_json::Value,
    pub status: KeyStatus,
    pub created_at: OffsetDateTime,
}

impl fmt::Debug for StoredKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StoredKey")
            .field("kid", &self.kid)
            .field("alg", &self.alg)
            .field("status", &self.status)
            .finish_non_exhaustive()
    }
}

/// A usable key: decrypted, ready to sign and verify.
pub struct SigningKey {
    pub kid: String,
    pub alg: SigningAlg,
    pub status: KeyStatus,
    pub public_jwk: serde_json::Value,
    encoding: EncodingKey,
    decoding: DecodingKey,
    /// The parsed Ed25519 pair, kept: jsonwebtoken re-parses the PKCS#8
    /// document (deriving the public key, a scalar multiplication) on every
    /// signature, which doubled the cost of issuing a token.
    ed25519: Option<Ed25519KeyPair>,
}

impl fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SigningKey").field("kid", &self.kid).field("alg", &self.alg).finish_non_exhaustive()
    }
}

impl SigningKey {
    /// Generates a fresh key pair, made at `now`, and returns it sealed for storage.
    pub fn generate(alg: SigningAlg, master: &MasterKey, now: OffsetDateTime) -> Result<StoredKey, Error> {
        let kid = format!("{}-{}", now.unix_timestamp(), &uuid::Uuid::new_v4().simple().to_string()[..8]);
        let rng = SystemRandom::new();
        let (private_der, mut jwk) = match alg {
            SigningAlg::EdDsa => {
                let pkcs8 = Ed25519KeyPair::generate_pkcs8(&rng)
                    .map_err(|_| Error::internal("Ed25519 key generation failed"))?;
                let pair = Ed25519KeyPair::from_pkcs8(pkcs8.as_ref())
                    .map_err(|_| Error::internal("Ed25519 key parse failed"))?;
                let x = URL_SAFE_NO_PAD.encode(pair.public_key().as_ref());
                (pkcs8.as_ref().to_vec(), json!({"kty": "OKP", "crv": "Ed25519", "x": x}))
            }
            SigningAlg::Es256 => {
                let pkcs8 = EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &rng)
                    .map_err(|_| Error::internal("P-256 key generation failed"))?;
                let pair = EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, pkcs8.as_ref(), &rng)
                    .map_err(|_| Error::internal("P-256 key parse failed"))?;
                let point = pair.public_key().as_ref();
                // Uncompressed point: 0x04 || x (32) || y (32).
                if point.len() != 65 {
                    return Err(Error::internal("unexpected P-256 public key length"));
                }
                let x = URL_SAFE_NO_PAD.encode(&point[1..33]);
                let y = URL_SAFE_NO_PAD.encode(&point[33..65]);
                (pkcs8.as_ref().to_vec(), json!({"kty": "EC", "crv": "P-256", "x": x, "y": y}))
            }
            SigningAlg::Rs256 => {
                let mut rng = rand::rngs::OsRng;
                let key = rsa::RsaPrivateKey::new(&mut rng, 2048).map_err(Error::internal)?;
                let der = key.to_pkcs1_der().map_err(Error::internal)?;
                let n = URL_SAFE_NO_PAD.encode(key.n().to_bytes_be());
                let e = URL_SAFE_NO_PAD.encode(key.e().to_bytes_be());
                (der.as_bytes().to_vec(), json!({"kty": "RSA", "n": n, "e": e}))
            }
        };
        if let Some(obj) = jwk.as_object_mut() {
            obj.insert("kid".into(), json!(kid));
            obj.insert("alg".into(), json!(alg.as_str()));
            obj.insert("use".into(), json!("sig"));
        }
        let private_sealed = master.seal(&private_der, kid.as_bytes())?;
        Ok(StoredKey { kid, alg, private_sealed, public_jwk: jwk, status: KeyStatus::Current, created_at: now })
    }

    /// Decrypts a stored key.
    pub fn open(stored: &StoredKey, master: &MasterKey) -> Result<Self, Error> {
        let der = master.open(&stored.private_sealed, stored.kid.as_bytes())?;
        let field = |name: &str| {
            stored
                .public_jwk
                .get(name)
                .and_then(|v| v.as_str())
                .map(str::to_owned)
                .ok_or_else(|| Error::internal(format!("stored key {} has no JWK member '{name}'", stored.kid)))
        };
        let ed25519 = match stored.alg {
            SigningAlg::EdDsa => Some(
                Ed25519KeyPair::from_pkcs8(&der)
                    .map_err(|_| Error::internal(format!("stored key {} is not an Ed25519 key", stored.kid)))?,
            ),
            _ => None,
        };
        let (encoding, decoding) = match stored.alg {
            SigningAlg::EdDsa => (
                EncodingKey::from_ed_der(&der),
                DecodingKey::from_ed_components(&field("x")?).map_err(Error::internal)?,
            ),
            SigningAlg::Es256 => (
                EncodingKey::from_ec_der(&der),
                DecodingKey::from_ec_components(&field("x")?, &field("y")?).map_err(Error::internal)?,
            ),
            SigningAlg::Rs256 => (
                EncodingKey::from_rsa_der(&der),
                DecodingKey::from_rsa_components(&field("n")?, &field("e")?).map_err(Error::internal)?,
            ),
        };
        Ok(Self {
            kid: stored.kid.clone(),
            alg: stored.alg,
            status: stored.status,
            public_jwk: stored.public_jwk.clone(),
            encoding,
            decoding,
            ed25519,
        })
    }

    /// Signs a compact JWS (`header.claims.signature`, each base64url). The
    /// same bytes `jsonwebtoken::encode` produces (Ed25519 signatures are
    /// deterministic; tested), with the Ed25519 pair parsed once.
    pub(crate) fn sign_jwt(&self, header: &Header, claims: &impl Serialize) -> Result<String, Error> {
        let Some(pair) = &self.ed25519 else {
            return encode(header, claims, &self.encoding).map_err(Error::internal);
        };
        let part = |v: Vec<u8>| URL_SAFE_NO_PAD.encode(v);
        let mut token = format!(
            "{}.{}",
            part(serde_json::to_vec(header).map_err(Error::internal)?),
            part(serde_json::to_vec(claims).map_err(Error::internal)?)
        );
        let signature = pair.sign(token.as_bytes());
        token.push('.');
        token.push_str(&URL_SAFE_NO_PAD.encode(signature.as_ref()));
        Ok(token)
    }

    pub(crate) fn decoding(&self) -> &DecodingKey {
        &self.decoding
    }
}

/// The keys in use: one current key per algorithm (signs), any number still
/// published (verify). Access tokens use the configured algorithm; ID tokens
/// use the client's (RS256 by default).
#[derive(Debug)]
pub struct KeyRing {
    /// The algorithm access tokens are signed with.
    primary: SigningAlg,
    /// All published keys including the current ones, newest first.
    published: Vec<SigningKey>,
}

impl KeyRing {
    /// Builds the ring from the published stored keys (newest first); there
    /// must be a current key for `primary`.
    pub fn open(stored: &[StoredKey], master: &MasterKey, primary: SigningAlg) -> Result<Self, Error> {
        let published = stored
            .iter()
            .filter(|k| k.status != KeyStatus::Retired)
            .map(|k| SigningKey::open(k, master))
            .collect::<Result<Vec<_>, _>>()?;
        let ring = Self { primary, published };
        if ring.current_for(primary).is_none() {
            return Err(Error::internal(format!("there is no current {} signing key", primary.as_str())));
        }
        Ok(ring)
    }

    /// The current key of the access-token algorithm.
    pub fn current(&self) -> &SigningKey {
        // `open` guarantees there is one; the fallback is never taken.
        self.current_for(self.primary).unwrap_or(&self.published[0])
    }

    /// The current (newest) key of `alg`, if there is one.
    pub fn current_for(&self, alg: SigningAlg) -> Option<&SigningKey> {
        self.published.iter().find(|k| k.alg == alg && k.status == KeyStatus::Current)
    }

    pub fn find(&self, kid: &str) -> Option<&SigningKey> {
        self.published.iter().find(|k| k.kid == kid)
    }

    /// Whether `stored` (newest first) holds the same keys in the same
    /// statuses as this ring: a key made current on schedule changes no kid.
    pub fn matches(&self, stored: &[StoredKey]) -> bool {
        let published = stored.iter().filter(|k| k.status != KeyStatus::Retired);
        published.clone().count() == self.published.len()
            && published.zip(&self.published).all(|(a, b)| a.kid == b.kid && a.status == b.status)
    }

    /// The JWK Set document (`/.well-known/jwks.json`).
    pub fn jwks(&self) -> serde_json::Value {
        json!({ "keys": self.published.iter().map(|k| k.public_jwk.clone()).collect::<Vec<_>>() })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ed25519_tokens_are_the_bytes_jsonwebtoken_would_sign() {
        let master = MasterKey::generate();
        let key = SigningKey::open(
            &SigningKey::generate(SigningAlg::EdDsa, &master, time::OffsetDateTime::UNIX_EPOCH).unwrap(),
            &master,
        )
        .unwrap();
        let mut header = Header::new(Algorithm::EdDSA);
        header.typ = Some("at+jwt".into());
        header.kid = Some(key.kid.clone());
        let claims = json!({"sub": "u", "scope": "openid profile", "roles": ["user"], "exp": 4_102_444_800u64});
        let ours = key.sign_jwt(&header, &claims).unwrap();
        assert_eq!(ours, encode(&header, &claims, &key.encoding).unwrap());
    }
}
