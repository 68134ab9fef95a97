//! `Email`: a pragmatic address check (one `@`, a non-empty local part of at most
//! 64 bytes, a dotted domain of letters, digits and hyphens, at most 254 bytes in
//! all). The domain is lower-cased; uniqueness is case-insensitive.

use std::fmt;

use crate::error::Error;

#[derive(Clone, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(transparent)]
pub struct Email(String);

/// Why an address does not parse. `Display` is the English of the API's
/// problem documents; the pages say it in their own language.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EmailProblem {
    Empty,
    /// Over 254 characters.
    TooLong,
    NoAt,
    /// No local part, or one over 64 characters.
    LocalLength,
    LocalCharacters,
    Domain,
    /// Longer than a check takes (`max` characters; the strength check).
    TooLongToCheck {
        max: usize,
    },
}

impl fmt::Display for EmailProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Empty => f.write_str("the email address is empty"),
            Self::TooLong => f.write_str("the email address is longer than 254 characters"),
            Self::NoAt => f.write_str("the email address must contain '@'"),
            Self::LocalLength => f.write_str("the email address needs 1 to 64 characters before '@'"),
            Self::LocalCharacters => f.write_str("the email address has characters that are not allowed before '@'"),
            Self::Domain => f.write_str("the email address has an invalid domain after '@'"),
            Self::TooLongToCheck { max } => write!(f, "the email address must be at most {max} characters long"),
        }
    }
}

impl Email {
    pub fn parse(raw: &str) -> Result<Self, Error> {
        let s = raw.trim();
        if s.is_empty() {
            return Err(Error::InvalidEmail(EmailProblem::Empty));
        }
        if s.len() > 254 {
            return Err(Error::InvalidEmail(EmailProblem::TooLong));
        }
        let Some((local, domain)) = s.rsplit_once('@') else {
            return Err(Error::InvalidEmail(EmailProblem::NoAt));
        };
        if local.is_empty() || local.len() > 64 {
            return Err(Error::InvalidEmail(EmailProblem::LocalLength));
        }
        if local.contains('@')
            || local.chars().any(|c| c.is_whitespace() || c.is_control() || matches!(c, '<' | '>' | '"'))
        {
            return Err(Error::InvalidEmail(EmailProblem::LocalCharacters));
        }
        let labels: Vec<&str> = domain.split('.').collect();
        let label_ok = |l: &&str| {
            !l.is_empty()
                && l.len() <= 63
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        };
        if labels.len() < 2 || !labels.iter().all(label_ok) {
            return Err(Error::InvalidEmail(EmailProblem::Domain));
        }
        Ok(Self(format!("{local}@{}", domain.to_ascii_lowercase())))
    }

    /// Trusted constructor for values read back from storage.
    pub fn from_trusted(s: String) -> Self {
        Self(s)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Email({})", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_and_normalises() {
        let e = Email::parse("  Alice.Smith+tag@Example.COM ").unwrap();
        assert_eq!(e.as_str(), "Alice.Smith+tag@example.com");
    }

    #[test]
    fn rejects_malformed() {
        for bad in [
            "",
            "alice",
            "@example.com",
            "alice@",
            "alice@localhost",
            "alice@exa mple.com",
            "al ice@example.com",
            "alice@-example.com",
            "alice@example..com",
            &format!("{}@example.com", "a".repeat(65)),
        ] {
            assert!(Email::parse(bad).is_err(), "{bad}");
        }
    }
}
