//! Backup (recovery) codes: ten random single-use codes of 50 bits each,
//! shown once, stored keyed: HMAC-SHA-256 under a key derived from the master
//! key ([`CodeKey`]) of the code's SHA-256 digest. 50 bits would fall to an
//! offline search of a leaked table in hours if stored as a plain hash; keyed,
//! the search needs the master key too. Typed input is forgiving: case,
//! spaces and dashes are ignored.

use rand::RngCore;
use secrecy::{ExposeSecret, SecretBox, SecretString};

use crate::crypto::{MasterKey, TokenDigest};

pub const COUNT: usize = 10;
/// Crockford's base32 alphabet: no I, L, O or U to misread.
const ALPHABET: &[u8; 32] = b"0123456789abcdefghjkmnpqrstvwxyz";
const CHARS: usize = 10;

/// A fresh set of codes, formatted `xxxxx-xxxxx`.
pub fn generate() -> Vec<SecretString> {
    (0..COUNT)
        .map(|_| {
            let mut bytes = [0u8; CHARS];
            rand::rngs::OsRng.fill_bytes(&mut bytes);
            let chars: String = bytes.iter().map(|b| ALPHABET[usize::from(b & 31)] as char).collect();
            SecretString::from(format!("{}-{}", &chars[..5], &chars[5..]))
        })
        .collect()
}

/// The canonical form of a typed code, or `None` if it cannot be one.
pub fn normalise(input: &str) -> Option<String> {
    let code: String = input
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .map(|c| c.to_ascii_lowercase())
        .map(|c| match c {
            'o' => '0',
            'i' | 'l' => '1',
            other => other,
        })
        .collect();
    (code.len() == CHARS && code.bytes().all(|b| ALPHABET.contains(&b))).then_some(code)
}

/// The key backup codes are stored under.
pub struct CodeKey(SecretBox<[u8; 32]>);

impl CodeKey {
    /// The key as derived from `master` (what a database without a kept
    /// key starts from: `flows::parts::master_key::kept_key`).
    pub fn derive(master: &MasterKey) -> Self {
        Self(master.derive("gatehouse/backup-codes/v1"))
    }

    /// The key the store keeps (sealed under the master key).
    pub fn new(key: SecretBox<[u8; 32]>) -> Self {
        Self(key)
    }

    /// The stored form of a typed code (from its canonical form), or `None`
    /// if it cannot be one.
    pub fn digest(&self, input: &str) -> Option<TokenDigest> {
        normalise(input).map(|c| self.rekey(&TokenDigest::of(&c)))
    }

    /// The stored form of a code whose plain SHA-256 digest is `plain`: what
    /// re-keys a row stored before codes were keyed.
    pub fn rekey(&self, plain: &TokenDigest) -> TokenDigest {
        let key = ring::hmac::Key::new(ring::hmac::HMAC_SHA256, self.0.expose_secret());
        let mut out = [0u8; 32];
        out.copy_from_slice(ring::hmac::sign(&key, plain.as_bytes()).as_ref());
        TokenDigest(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use secrecy::ExposeSecret;

    #[test]
    fn codes_are_distinct_and_round_trip() {
        let key = CodeKey::derive(&MasterKey::generate());
        let codes = generate();
        assert_eq!(codes.len(), COUNT);
        let mut seen = std::collections::HashSet::new();
        for code in &codes {
            let c = code.expose_secret();
            assert_eq!(c.len(), 11);
            assert!(seen.insert(c.to_owned()));
            let typed = format!(" {} ", c.to_uppercase().replace('-', " "));
            assert_eq!(key.digest(&typed), key.digest(c));
        }
    }

    #[test]
    fn codes_are_stored_keyed_not_as_a_plain_hash() {
        let (a, b) = (CodeKey::derive(&MasterKey::generate()), CodeKey::derive(&MasterKey::generate()));
        let code = "abcde-12345";
        let plain = TokenDigest::of(&normalise(code).unwrap());
        let stored = a.digest(code).unwrap();
        assert_ne!(stored, plain, "not the SHA-256 an offline search would try");
        assert_ne!(stored, b.digest(code).unwrap(), "another master key, another digest");
        assert_eq!(a.rekey(&plain), stored, "a plain row re-keys to what a login computes");
    }

    #[test]
    fn rejects_what_cannot_be_a_code() {
        assert_eq!(normalise("123456"), None);
        assert_eq!(normalise("abcde-abcdu"), None);
        assert_eq!(normalise(""), None);
    }
}
