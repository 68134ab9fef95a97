//! Backup (recovery) codes: ten random single-use codes of 50 bits each,
//! shown once, stored as SHA-256 digests. Typed input is forgiving: case,
//! spaces and dashes are ignored.

use rand::RngCore;
use secrecy::SecretString;

use crate::crypto::TokenDigest;

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

/// The stored digest of a code (from its canonical form).
pub fn digest(input: &str) -> Option<TokenDigest> {
    normalise(input).map(|c| TokenDigest::of(&c))
}

#[cfg(test)]
mod tests {
    use super::*;
    use secrecy::ExposeSecret;

    #[test]
    fn codes_are_distinct_and_round_trip() {
        let codes = generate();
        assert_eq!(codes.len(), COUNT);
        let mut seen = std::collections::HashSet::new();
        for code in &codes {
            let c = code.expose_secret();
            assert_eq!(c.len(), 11);
            assert!(seen.insert(c.to_owned()));
            let typed = format!(" {} ", c.to_uppercase().replace('-', " "));
            assert_eq!(digest(&typed), digest(c));
        }
    }

    #[test]
    fn rejects_what_cannot_be_a_code() {
        assert_eq!(normalise("123456"), None);
        assert_eq!(normalise("abcde-abcdu"), None);
        assert_eq!(normalise(""), None);
    }
}
