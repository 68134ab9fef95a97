//! A password hash as it is stored: a PHC string (`$argon2id$v=19$…`) or an
//! imported MCF one (`$2b$…`). It is not the password, but it is what an
//! offline guesser needs, so it never shows itself: `Debug` names the scheme
//! only, and there is no `Display`.

/// A stored password hash (see the module docs).
#[derive(Clone, PartialEq, Eq, serde::Deserialize)]
#[serde(transparent)]
pub struct StoredHash(String);

impl StoredHash {
    /// Wraps a hash read from storage or made by the hasher.
    pub fn new(hash: String) -> Self {
        Self(hash)
    }

    /// The hash itself, for storing and verifying.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// The scheme identifier (`argon2id`, `2b`, `pbkdf2-sha256`, …), or
    /// `unknown`.
    pub fn scheme(&self) -> &str {
        self.0.strip_prefix('$').and_then(|rest| rest.split('$').next()).filter(|s| !s.is_empty()).unwrap_or("unknown")
    }
}

impl From<String> for StoredHash {
    fn from(hash: String) -> Self {
        Self(hash)
    }
}

impl From<&str> for StoredHash {
    fn from(hash: &str) -> Self {
        Self(hash.to_owned())
    }
}

impl std::fmt::Debug for StoredHash {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "StoredHash({}, redacted)", self.scheme())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_names_the_scheme_only() {
        let hash = StoredHash::new("$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNo".into());
        let shown = format!("{hash:?}");
        assert_eq!(shown, "StoredHash(argon2id, redacted)");
        assert!(!shown.contains("c2FsdHNhbHQ"));
        assert_eq!(StoredHash::new("plain".into()).scheme(), "unknown");
        assert_eq!(format!("{:?}", StoredHash::new("$2b$12$abc".into())), "StoredHash(2b, redacted)");
    }
}
