//! Why a token was refused.

/// A refused token, or a verifier that cannot decide.
#[derive(Debug, thiserror::Error, Clone, PartialEq, Eq)]
pub enum VerifyError {
    /// Not a JWT, or a header or claim that does not parse.
    #[error("the token is malformed")]
    Malformed,
    /// `typ` is not `at+jwt`: an ID token or another JWT offered as an access token.
    #[error("not an access token")]
    WrongType,
    /// `alg` is not on the allow-list, or is not the key's own algorithm.
    #[error("the token's algorithm is not allowed")]
    AlgorithmNotAllowed,
    /// No published key has the token's `kid` (even after refreshing the JWKS).
    #[error("the token was signed with an unknown key")]
    UnknownKey,
    #[error("the token's signature does not verify")]
    BadSignature,
    #[error("the token was issued by another issuer")]
    WrongIssuer,
    #[error("the token is meant for another audience")]
    WrongAudience,
    #[error("the token has expired")]
    Expired,
    #[error("the token is not valid yet")]
    NotYetValid,
    /// A personal API key, and the verifier has no introspection to check it with.
    #[error("API keys are accepted only by a verifier that introspects")]
    ApiKeyNeedsIntrospection,
    /// Introspection says the token is no longer active (logged out, disabled, revoked).
    #[error("the token is no longer active")]
    Inactive,
    /// The JWKS (or the introspection endpoint) cannot be reached or read:
    /// the verifier cannot decide. Answer 503, not 401.
    #[error("the verifier cannot reach Gatehouse: {0}")]
    Unavailable(String),
}
