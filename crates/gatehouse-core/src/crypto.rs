//! Small cryptographic building blocks: random opaque tokens, their SHA-256
//! digests, and the master key that encrypts secrets at rest (XChaCha20-Poly1305).

use std::fmt;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use rand::rngs::OsRng;
use rand::RngCore;
use secrecy::{ExposeSecret, SecretBox, SecretString};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use crate::error::Error;

/// SHA-256 of a high-entropy secret (refresh token, API key, ...). This, not the
/// secret, is what is stored and looked up.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct TokenDigest(pub [u8; 32]);

impl TokenDigest {
    pub fn of(secret: &str) -> Self {
        Self(Sha256::digest(secret.as_bytes()).into())
    }

    pub fn from_slice(bytes: &[u8]) -> Option<Self> {
        <[u8; 32]>::try_from(bytes).ok().map(Self)
    }

    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    /// Constant-time comparison.
    pub fn matches(&self, other: &TokenDigest) -> bool {
        self.0.ct_eq(&other.0).into()
    }
}

impl fmt::Debug for TokenDigest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "TokenDigest({}…)", hex::encode(&self.0[..4]))
    }
}

/// A fresh 256-bit random secret, base64url without padding (43 characters).
pub fn random_token() -> SecretString {
    let mut bytes = [0u8; 32];
    OsRng.fill_bytes(&mut bytes);
    SecretString::from(URL_SAFE_NO_PAD.encode(bytes))
}

/// The 256-bit master key. It encrypts signing keys (and later TOTP seeds) at
/// rest and derives the other server-side keys. Its `Debug` is redacted.
pub struct MasterKey(SecretBox<[u8; 32]>);

impl fmt::Debug for MasterKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("MasterKey([redacted])")
    }
}

const NONCE_LEN: usize = 24;

impl MasterKey {
    pub fn generate() -> Self {
        let mut key = Box::new([0u8; 32]);
        OsRng.fill_bytes(key.as_mut());
        Self(SecretBox::new(key))
    }

    /// Parses the base64 (standard or url-safe) form of a 32-byte key.
    pub fn from_base64(encoded: &str) -> Result<Self, Error> {
        let trimmed = encoded.trim();
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(trimmed)
            .or_else(|_| URL_SAFE_NO_PAD.decode(trimmed.trim_end_matches('=')))
            .map_err(|_| Error::InvalidRequest("the master key is not valid base64".into()))?;
        let key: [u8; 32] = bytes
            .try_into()
            .map_err(|_| Error::InvalidRequest("the master key must be 32 bytes (44 base64 characters)".into()))?;
        Ok(Self(SecretBox::new(Box::new(key))))
    }

    pub fn to_base64(&self) -> SecretString {
        SecretString::from(base64::engine::general_purpose::STANDARD.encode(self.0.expose_secret()))
    }

    /// Encrypts `plaintext`, binding it to `context` (e.g. a key id) so that a
    /// ciphertext cannot be moved to another row. Output: nonce || ciphertext.
    pub fn seal(&self, plaintext: &[u8], context: &[u8]) -> Result<Vec<u8>, Error> {
        let cipher = XChaCha20Poly1305::new(self.0.expose_secret().into());
        let mut nonce = [0u8; NONCE_LEN];
        OsRng.fill_bytes(&mut nonce);
        let ct = cipher
            .encrypt(XNonce::from_slice(&nonce), Payload { msg: plaintext, aad: context })
            .map_err(|_| Error::internal("encryption failed"))?;
        let mut out = Vec::with_capacity(NONCE_LEN + ct.len());
        out.extend_from_slice(&nonce);
        out.extend_from_slice(&ct);
        Ok(out)
    }

    /// Decrypts what [`MasterKey::seal`] produced with the same `context`.
    pub fn open(&self, sealed: &[u8], context: &[u8]) -> Result<Vec<u8>, Error> {
        if sealed.len() < NONCE_LEN {
            return Err(Error::internal("sealed value is too short"));
        }
        let (nonce, ct) = sealed.split_at(NONCE_LEN);
        let cipher = XChaCha20Poly1305::new(self.0.expose_secret().into());
        cipher.decrypt(XNonce::from_slice(nonce), Payload { msg: ct, aad: context }).map_err(|_| {
            Error::internal("cannot decrypt a stored secret: is this the master key the data was written with?")
        })
    }

    /// A 256-bit key for one purpose, derived with HMAC-SHA256(master, label).
    pub fn derive(&self, label: &str) -> SecretBox<[u8; 32]> {
        let key = ring::hmac::Key::new(ring::hmac::HMAC_SHA256, self.0.expose_secret());
        let tag = ring::hmac::sign(&key, label.as_bytes());
        let mut out = Box::new([0u8; 32]);
        out.copy_from_slice(tag.as_ref());
        SecretBox::new(out)
    }
}

/// HMAC-SHA256 of `message` under `key`, base64url — used to derive a refresh
/// token's successor from the token itself (see `flows::refresh`).
pub fn hmac_token(key: &SecretBox<[u8; 32]>, message: &str) -> SecretString {
    let key = ring::hmac::Key::new(ring::hmac::HMAC_SHA256, key.expose_secret());
    let tag = ring::hmac::sign(&key, message.as_bytes());
    SecretString::from(URL_SAFE_NO_PAD.encode(tag.as_ref()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seal_open_round_trip_and_context_binding() {
        let k = MasterKey::generate();
        let sealed = k.seal(b"secret", b"kid-1").unwrap();
        assert_eq!(k.open(&sealed, b"kid-1").unwrap(), b"secret");
        assert!(k.open(&sealed, b"kid-2").is_err());
        let other = MasterKey::generate();
        assert!(other.open(&sealed, b"kid-1").is_err());
    }

    #[test]
    fn master_key_base64_round_trip() {
        let k = MasterKey::generate();
        let encoded = k.to_base64();
        let back = MasterKey::from_base64(encoded.expose_secret()).unwrap();
        let sealed = k.seal(b"x", b"").unwrap();
        assert_eq!(back.open(&sealed, b"").unwrap(), b"x");
        assert!(MasterKey::from_base64("c2hvcnQ=").is_err());
        assert!(format!("{k:?}").contains("redacted"));
    }

    #[test]
    fn random_tokens_are_256_bit_and_distinct() {
        let a = random_token();
        let b = random_token();
        assert_eq!(a.expose_secret().len(), 43);
        assert_ne!(a.expose_secret(), b.expose_secret());
        assert!(TokenDigest::of(a.expose_secret()).matches(&TokenDigest::of(a.expose_secret())));
    }
}
