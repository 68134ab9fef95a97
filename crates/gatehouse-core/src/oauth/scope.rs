//! [`ScopeSet`]: an OAuth `scope` value (RFC 6749 §3.3) as a set of scope
//! tokens, parsed once. On the wire and in the database it is the tokens
//! joined by single spaces, sorted, without repeats; in code it is a set, so
//! "is this covered", "narrow to" and "add to" are methods, not string
//! splitting at every use.

use std::collections::BTreeSet;
use std::fmt;
use std::str::FromStr;

/// The longest scope token accepted (the registered ones are far shorter).
pub const MAX_SCOPE_LEN: usize = 64;

/// A set of scope tokens. Each token is 1 to [`MAX_SCOPE_LEN`] characters of
/// RFC 6749's `scope-token` alphabet: printable ASCII except space, `"` and `\`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct ScopeSet(BTreeSet<String>);

/// A `scope` value that is not a list of scope tokens. The offending token is
/// kept (cut to [`MAX_SCOPE_LEN`] characters) for the error description.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("'{0}' is not a valid scope")]
pub struct MalformedScope(pub String);

/// Whether `token` is one RFC 6749 `scope-token` Gatehouse accepts.
pub fn is_scope_token(token: &str) -> bool {
    !token.is_empty()
        && token.len() <= MAX_SCOPE_LEN
        && token.bytes().all(|b| b == 0x21 || (0x23..=0x5B).contains(&b) || (0x5D..=0x7E).contains(&b))
}

impl ScopeSet {
    /// The empty set.
    pub fn new() -> Self {
        Self::default()
    }

    /// The set of `tokens`; fails on the first that is not a scope token.
    pub fn of<I, S>(tokens: I) -> Result<Self, MalformedScope>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let mut set = BTreeSet::new();
        for token in tokens {
            let token = token.as_ref();
            if !is_scope_token(token) {
                return Err(MalformedScope(token.chars().take(MAX_SCOPE_LEN).collect()));
            }
            set.insert(token.to_owned());
        }
        Ok(Self(set))
    }

    /// A value this server wrote (a database column): the well-formed tokens
    /// of it. Anything else is dropped, which can only narrow a grant.
    pub fn from_stored(stored: &str) -> Self {
        Self::from_names(stored.split(' '))
    }

    /// Names this server checked when it stored them (a client's allowed
    /// scopes): the well-formed ones, as [`ScopeSet::from_stored`] reads.
    pub fn from_names<'a>(names: impl IntoIterator<Item = &'a str>) -> Self {
        Self(names.into_iter().filter(|t| is_scope_token(t)).map(str::to_owned).collect())
    }

    pub fn contains(&self, token: &str) -> bool {
        self.0.contains(token)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// The tokens, in order.
    pub fn iter(&self) -> impl Iterator<Item = &str> {
        self.0.iter().map(String::as_str)
    }

    /// Whether every token of `self` is in `other`.
    pub fn is_subset(&self, other: &ScopeSet) -> bool {
        self.0.is_subset(&other.0)
    }

    /// The first token of `self` that `allowed` refuses, if any.
    pub fn first_not_in(&self, allowed: impl Fn(&str) -> bool) -> Option<&str> {
        self.iter().find(|t| !allowed(t))
    }

    /// The tokens of `self` that `keep` accepts.
    pub fn filter(&self, keep: impl Fn(&str) -> bool) -> ScopeSet {
        Self(self.0.iter().filter(|t| keep(t)).cloned().collect())
    }

    /// `self` with every token of `other` added.
    pub fn union(&self, other: &ScopeSet) -> ScopeSet {
        Self(self.0.union(&other.0).cloned().collect())
    }
}

impl FromStr for ScopeSet {
    type Err = MalformedScope;

    /// A `scope` parameter: tokens separated by spaces (extra spaces are
    /// tolerated, as clients send them).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::of(s.split(' ').filter(|t| !t.is_empty()))
    }
}

impl fmt::Display for ScopeSet {
    /// The tokens joined by single spaces, sorted.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (n, token) in self.0.iter().enumerate() {
            if n > 0 {
                f.write_str(" ")?;
            }
            f.write_str(token)?;
        }
        Ok(())
    }
}

impl serde::Serialize for ScopeSet {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for ScopeSet {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(s: &str) -> ScopeSet {
        s.parse().expect("a scope")
    }

    #[test]
    fn parses_sorts_and_drops_repeats() {
        assert_eq!(set("  profile openid  profile ").to_string(), "openid profile");
        assert!(set("").is_empty());
        assert_eq!(set("posts:read").len(), 1);
    }

    #[test]
    fn refuses_what_rfc_6749_does_not_allow() {
        for bad in ["open\"id", "a\\b", "tab\there", "caf\u{e9}", &"x".repeat(MAX_SCOPE_LEN + 1)] {
            assert!(bad.parse::<ScopeSet>().is_err(), "{bad:?}");
        }
        let long = format!("openid {}", "y".repeat(500));
        assert_eq!(long.parse::<ScopeSet>().unwrap_err().0.len(), MAX_SCOPE_LEN, "the description stays short");
    }

    #[test]
    fn set_operations() {
        let granted = set("openid profile offline_access");
        assert!(set("openid profile").is_subset(&granted));
        assert!(!set("openid email").is_subset(&granted));
        assert_eq!(set("email").union(&set("openid")).to_string(), "email openid");
        assert_eq!(granted.filter(|t| t != "offline_access").to_string(), "openid profile");
        assert_eq!(set("openid email").first_not_in(|t| granted.contains(t)), Some("email"));
    }

    #[test]
    fn stored_values_read_leniently_and_round_trip() {
        assert_eq!(ScopeSet::from_stored("openid  profile"), set("openid profile"));
        assert_eq!(ScopeSet::from_stored(""), ScopeSet::new());
        let json = serde_json::to_string(&set("profile openid")).unwrap();
        assert_eq!(json, "\"openid profile\"");
        assert_eq!(serde_json::from_str::<ScopeSet>(&json).unwrap(), set("openid profile"));
        assert!(serde_json::from_str::<ScopeSet>("\"a\\\\b\"").is_err());
    }
}
