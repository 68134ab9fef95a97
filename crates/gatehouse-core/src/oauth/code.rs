//! Authorization codes (RFC 6749 §4.1) and remembered consents.
//!
//! A code is 256 random bits handed to the client through the browser; only
//! its SHA-256 digest is stored. It lives 60 seconds and is redeemed once. The
//! id of the session its redemption creates is fixed when the code is issued,
//! so a replayed code can revoke every token issued from it (RFC 6749 §4.1.2)
//! without a lookup. (A replay that lands while the first redemption is still
//! creating that session finds nothing to revoke yet: a window of one request.)

use time::OffsetDateTime;

use super::ScopeSet;
use crate::account::UserId;
use crate::amr::Amr;
use crate::crypto::TokenDigest;
use crate::session::SessionId;

/// An issued authorization code, as stored.
#[derive(Clone, Debug)]
pub struct AuthorizationCode {
    pub digest: TokenDigest,
    pub client_id: String,
    pub user_id: UserId,
    /// The browser session the user approved the request in.
    pub browser_session: SessionId,
    /// The OAuth session the redemption creates.
    pub grant_session: SessionId,
    /// Exactly as sent to /authorize; the token request must repeat it.
    pub redirect_uri: String,
    /// Granted scopes.
    pub scope: ScopeSet,
    pub nonce: Option<String>,
    /// PKCE S256 challenge (RFC 7636), base64url without padding.
    pub code_challenge: Option<String>,
    pub auth_time: OffsetDateTime,
    pub amr: Amr,
    pub created_at: OffsetDateTime,
    pub expires_at: OffsetDateTime,
    pub redeemed_at: Option<OffsetDateTime>,
}

/// What a redemption attempt found.
#[derive(Clone, Debug)]
pub enum Redemption {
    /// No code with this digest.
    Unknown,
    /// This caller redeemed it (it was unredeemed; expiry is the caller's check).
    Won(AuthorizationCode),
    /// It had been redeemed before: a replay.
    Replayed(AuthorizationCode),
    /// It was issued to another client, which may still redeem it: nothing
    /// changed (a code someone else presents is not burnt for its owner).
    OtherClient,
}

/// A user's remembered approval of a client for some scopes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Consent {
    pub user_id: UserId,
    pub client_id: String,
    /// Approved scopes.
    pub scope: ScopeSet,
    pub granted_at: OffsetDateTime,
}

/// A PKCE verifier or challenge: 43 to 128 unreserved characters (RFC 7636 §4.1).
pub fn is_pkce_value(s: &str) -> bool {
    (43..=128).contains(&s.len())
        && s.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pkce_values_follow_rfc_7636() {
        assert!(is_pkce_value(&"a".repeat(43)));
        assert!(!is_pkce_value(&"a".repeat(42)));
        assert!(!is_pkce_value(&"a".repeat(129)));
        assert!(!is_pkce_value(&format!("{}+", "a".repeat(43))));
    }
}
