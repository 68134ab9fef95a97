//! Personal API keys: long-lived bearer secrets a person makes for scripts
//! and services, limited to scopes that are permissions they hold.
//!
//! A key reads `gatehouse_pat_` + 48 base64url characters: 32 random bytes
//! and a CRC-32 of them. The fixed prefix lets secret scanners spot a leaked
//! key; the checksum lets Gatehouse (and scanners) refuse a mistyped or
//! made-up key without a database query. Only the SHA-256 digest of the whole
//! key is stored; the key itself is shown once, when it is made.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use rand::rngs::OsRng;
use rand::RngCore;
use secrecy::{ExposeSecret, SecretString};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::account::UserId;
use crate::crypto::TokenDigest;
use crate::rbac::Permission;

/// What every API key starts with.
pub const API_KEY_PREFIX: &str = "gatehouse_pat_";
/// Random bytes, then the 4 bytes of their CRC-32 (big-endian).
const SECRET_BYTES: usize = 32;
const ENCODED_LEN: usize = 48;
/// The longest key name accepted.
pub const NAME_MAX_LEN: usize = 100;
/// Live (unrevoked, unexpired) keys one person may have.
pub const KEYS_PER_USER: usize = 50;

/// A new API key's secret (shown once).
pub fn generate() -> SecretString {
    let mut bytes = [0u8; SECRET_BYTES + 4];
    OsRng.fill_bytes(&mut bytes[..SECRET_BYTES]);
    let crc = crc32fast::hash(&bytes[..SECRET_BYTES]);
    bytes[SECRET_BYTES..].copy_from_slice(&crc.to_be_bytes());
    SecretString::from(format!("{API_KEY_PREFIX}{}", URL_SAFE_NO_PAD.encode(bytes)))
}

/// Whether `token` looks like an API key at all (the prefix), so the caller
/// knows not to try it as a JWT.
pub fn looks_like_api_key(token: &str) -> bool {
    token.starts_with(API_KEY_PREFIX)
}

/// The digest to look `token` up by, if it is well-formed with a matching
/// checksum; `None` for anything else (no lookup needed).
pub fn digest_if_well_formed(token: &str) -> Option<TokenDigest> {
    let encoded = token.strip_prefix(API_KEY_PREFIX)?;
    if encoded.len() != ENCODED_LEN {
        return None;
    }
    let bytes = URL_SAFE_NO_PAD.decode(encoded).ok()?;
    let (secret, crc) = bytes.split_at(SECRET_BYTES);
    (crc32fast::hash(secret).to_be_bytes() == crc).then(|| TokenDigest::of(token))
}

/// An API key as stored.
#[derive(Clone, Debug)]
pub struct ApiKey {
    pub id: Uuid,
    pub user_id: UserId,
    pub name: String,
    pub digest: TokenDigest,
    /// Sorted; each a permission the owner held when the key was made.
    pub scopes: Vec<Permission>,
    pub created_at: OffsetDateTime,
    pub expires_at: Option<OffsetDateTime>,
    pub last_used_at: Option<OffsetDateTime>,
    pub last_used_ip: Option<String>,
    pub revoked_at: Option<OffsetDateTime>,
}

impl ApiKey {
    /// Usable at `now`: not revoked, not expired.
    pub fn is_live(&self, now: OffsetDateTime) -> bool {
        self.revoked_at.is_none() && self.expires_at.is_none_or(|t| t > now)
    }

    /// The scopes as one space-separated string.
    pub fn scope(&self) -> String {
        self.scopes.iter().map(Permission::as_str).collect::<Vec<_>>().join(" ")
    }

    /// Whether the last-use record is worth writing again: at most once a
    /// minute, or at once from a new address (`None`: the address is not
    /// known, e.g. an introspection).
    pub fn use_due(&self, now: OffsetDateTime, ip: Option<&str>) -> bool {
        match self.last_used_at {
            None => true,
            Some(at) => now - at >= time::Duration::minutes(1) || (ip.is_some() && self.last_used_ip.as_deref() != ip),
        }
    }
}

/// A key just made: the record and its secret.
pub struct NewApiKey {
    pub key: ApiKey,
    pub secret: SecretString,
}

impl NewApiKey {
    /// A fresh key for `user`.
    pub fn mint(
        user_id: UserId,
        name: String,
        scopes: Vec<Permission>,
        now: OffsetDateTime,
        expires_at: Option<OffsetDateTime>,
    ) -> Self {
        let secret = generate();
        let key = ApiKey {
            id: Uuid::now_v7(),
            user_id,
            name,
            digest: TokenDigest::of(secret.expose_secret()),
            scopes,
            created_at: now,
            expires_at,
            last_used_at: None,
            last_used_ip: None,
            revoked_at: None,
        };
        Self { key, secret }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_have_the_prefix_a_fixed_length_and_a_checksum() {
        let key = generate();
        let key = key.expose_secret();
        assert!(key.starts_with("gatehouse_pat_"));
        assert_eq!(key.len(), API_KEY_PREFIX.len() + ENCODED_LEN);
        assert!(looks_like_api_key(key));
        assert_eq!(digest_if_well_formed(key), Some(TokenDigest::of(key)));
        assert_ne!(generate().expose_secret(), key);
    }

    #[test]
    fn mistyped_or_made_up_keys_are_refused_without_a_lookup() {
        let key = generate();
        let key = key.expose_secret().to_owned();
        // One character changed inside the random part breaks the checksum.
        let mut chars: Vec<char> = key.chars().collect();
        let i = API_KEY_PREFIX.len() + 3;
        chars[i] = if chars[i] == 'A' { 'B' } else { 'A' };
        let typo: String = chars.into_iter().collect();
        assert_eq!(digest_if_well_formed(&typo), None);
        assert_eq!(digest_if_well_formed(&key[..key.len() - 1]), None);
        assert_eq!(digest_if_well_formed(&format!("{key}x")), None);
        assert_eq!(digest_if_well_formed(&key.replace("gatehouse_pat_", "gatehouse_xyz_")), None);
        assert_eq!(digest_if_well_formed(&format!("{API_KEY_PREFIX}{}", "!".repeat(ENCODED_LEN))), None);
    }

    #[test]
    fn liveness_and_use_throttling() {
        let now = crate::clock::Clock::now(&crate::clock::SystemClock);
        let mut k = NewApiKey::mint(UserId::new(), "ci".into(), vec![], now, Some(now + time::Duration::hours(1))).key;
        assert!(k.is_live(now));
        assert!(!k.is_live(now + time::Duration::hours(2)));
        assert!(k.use_due(now, Some("10.0.0.1")));
        k.last_used_at = Some(now);
        k.last_used_ip = Some("10.0.0.1".into());
        assert!(!k.use_due(now + time::Duration::seconds(30), Some("10.0.0.1")));
        assert!(k.use_due(now + time::Duration::seconds(30), Some("10.0.0.2")));
        assert!(k.use_due(now + time::Duration::seconds(61), Some("10.0.0.1")));
        k.revoked_at = Some(now);
        assert!(!k.is_live(now));
    }
}
