//! `Username`: 3–32 characters of letters, digits, `.`, `_` and `-`, starting with
//! a letter or digit. Case is kept for display; uniqueness is case-insensitive.

use std::fmt;

use crate::error::Error;

#[derive(Clone, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(transparent)]
pub struct Username(String);

/// Why a username does not parse. `Display` is the English of the API's
/// problem documents; the pages say it in their own language.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UsernameProblem {
    /// Not [`Username::MIN_LEN`] to [`Username::MAX_LEN`] characters.
    Length,
    Characters,
    Start,
    /// Longer than a check takes (`max` characters; the strength check).
    TooLongToCheck {
        max: usize,
    },
}

impl fmt::Display for UsernameProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Length => {
                write!(f, "a username must be {} to {} characters long", Username::MIN_LEN, Username::MAX_LEN)
            }
            Self::Characters => f.write_str("a username may contain only letters, digits, '.', '_' and '-'"),
            Self::Start => f.write_str("a username must start with a letter or digit"),
            Self::TooLongToCheck { max } => write!(f, "the username must be at most {max} characters long"),
        }
    }
}

impl Username {
    pub const MIN_LEN: usize = 3;
    pub const MAX_LEN: usize = 32;

    pub fn parse(raw: &str) -> Result<Self, Error> {
        let s = raw.trim();
        let len = s.chars().count();
        if !(Self::MIN_LEN..=Self::MAX_LEN).contains(&len) {
            return Err(Error::InvalidUsername(UsernameProblem::Length));
        }
        if !s.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-')) {
            return Err(Error::InvalidUsername(UsernameProblem::Characters));
        }
        if !s.starts_with(|c: char| c.is_ascii_alphanumeric()) {
            return Err(Error::InvalidUsername(UsernameProblem::Start));
        }
        Ok(Self(s.to_owned()))
    }

    /// Trusted constructor for values read back from storage.
    pub fn from_trusted(s: String) -> Self {
        Self(s)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Username {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for Username {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Username({})", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_ordinary_names() {
        for ok in ["alice", "Bob_99", "a.b-c", "123", "x".repeat(32).as_str()] {
            assert!(Username::parse(ok).is_ok(), "{ok}");
        }
    }

    #[test]
    fn rejects_bad_names() {
        for bad in ["", "ab", "_alice", "al ice", "alice@example.com", "ålice", "x".repeat(33).as_str()] {
            assert!(Username::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn never_panics_on_arbitrary_input() {
        // A cheap property check over many generated strings.
        let alphabet: Vec<char> = "aZ09._-@ \u{0}é\u{202e}😀".chars().collect();
        let mut seed = 7u64;
        for _ in 0..5000 {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1);
            let len = (seed >> 58) as usize;
            let s: String = (0..len).map(|i| alphabet[((seed >> (i % 50)) as usize) % alphabet.len()]).collect();
            if let Ok(u) = Username::parse(&s) {
                assert!(u.as_str().len() >= 3 && u.as_str().len() <= 32);
                assert!(u.as_str().is_ascii());
            }
        }
    }
}
