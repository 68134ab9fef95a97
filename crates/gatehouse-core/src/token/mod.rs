//! Tokens: signing keys (generation, encryption at rest, JWKS), JWT access
//! tokens (RFC 9068) and their verification, OpenID Connect ID tokens.

mod access;
mod id;
mod keys;

pub use access::{
    AccessClaims, AccessTokenIssuer, Grant, IssuedAccessToken, TokenSettings, DEFAULT_SCOPE, ENROLL_SCOPE,
    PERMISSIONS_SCOPE,
};
pub use id::{at_hash, read_id_token_hint, sign_id_token, IdClaims};
pub use keys::{KeyRing, KeyStatus, SigningAlg, SigningKey, StoredKey};
