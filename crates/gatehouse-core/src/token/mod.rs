//! Tokens: signing keys (generation, encryption at rest, JWKS), JWT access
//! tokens (RFC 9068) and their verification.

mod access;
mod keys;

pub use access::{
    AccessClaims, AccessTokenIssuer, Grant, IssuedAccessToken, TokenSettings, DEFAULT_SCOPE, ENROLL_SCOPE,
};
pub use keys::{KeyRing, KeyStatus, SigningAlg, SigningKey, StoredKey};
