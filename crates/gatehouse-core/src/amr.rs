//! [`Amr`]: how a session was authenticated — the `amr` claim (OpenID Connect
//! Core §2, values from RFC 8176) as a type. Sessions, pending second steps
//! and authorization codes carry it; tokens publish it as a list of strings,
//! and the database keeps it as one space-separated column.

use std::fmt;

/// One authentication method Gatehouse records.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum AuthMethod {
    /// A password (`pwd`).
    Password,
    /// A one-time code: TOTP or a backup code (`otp`).
    Otp,
    /// Proof of possession of a hardware-secured key: a passkey (`hwk`).
    HardwareKey,
    /// A sign-in at an upstream identity provider (`fed`).
    Federated,
    /// More than one factor (`mfa`).
    MultiFactor,
}

impl AuthMethod {
    /// The RFC 8176 value.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Password => "pwd",
            Self::Otp => "otp",
            Self::HardwareKey => "hwk",
            Self::Federated => "fed",
            Self::MultiFactor => "mfa",
        }
    }

    /// The method an RFC 8176 value names, if Gatehouse records it.
    pub fn parse(value: &str) -> Option<Self> {
        Some(match value {
            "pwd" => Self::Password,
            "otp" => Self::Otp,
            "hwk" => Self::HardwareKey,
            "fed" => Self::Federated,
            "mfa" => Self::MultiFactor,
            _ => return None,
        })
    }
}

/// Authentication context classes (`acr`) Gatehouse asserts.
pub mod acr {
    /// One factor.
    pub const SINGLE_FACTOR: &str = "urn:gatehouse:acr:1fa";
    /// Two or more factors.
    pub const MULTI_FACTOR: &str = "urn:gatehouse:acr:2fa";
}

/// The methods a session was authenticated by, in the order they were
/// passed, without repeats.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Amr(Vec<AuthMethod>);

impl Amr {
    /// No methods (a `static` can hold it).
    pub const NONE: Amr = Amr(Vec::new());

    /// A first factor alone.
    pub fn one(method: AuthMethod) -> Self {
        Self(vec![method])
    }

    /// A passkey with user verification: a key held and a PIN or biometric
    /// checked by the authenticator — two factors in one ceremony.
    pub fn passkey() -> Self {
        Self(vec![AuthMethod::HardwareKey, AuthMethod::MultiFactor])
    }

    /// Nothing yet (a client acting for itself; tests).
    pub fn none() -> Self {
        Self::default()
    }

    /// `self` completed by a second factor: `method`, then `mfa`.
    pub fn with_second_factor(&self, method: AuthMethod) -> Self {
        let mut next = self.clone();
        next.push(method);
        next.push(AuthMethod::MultiFactor);
        next
    }

    fn push(&mut self, method: AuthMethod) {
        if !self.0.contains(&method) {
            self.0.push(method);
        }
    }

    pub fn contains(&self, method: AuthMethod) -> bool {
        self.0.contains(&method)
    }

    /// Whether a second factor was passed.
    pub fn is_multi_factor(&self) -> bool {
        self.contains(AuthMethod::MultiFactor)
    }

    /// The authentication context class these methods reach.
    pub fn acr(&self) -> &'static str {
        if self.is_multi_factor() {
            acr::MULTI_FACTOR
        } else {
            acr::SINGLE_FACTOR
        }
    }

    pub fn methods(&self) -> &[AuthMethod] {
        &self.0
    }

    /// The claim: the RFC 8176 values, in order.
    pub fn to_claim(&self) -> Vec<String> {
        self.0.iter().map(|m| m.as_str().to_owned()).collect()
    }

    /// A value this server wrote (a database column, a token it signed): the
    /// methods it names. An unknown word is dropped, which can only lower
    /// what the session is believed to have passed.
    pub fn from_stored<'a>(values: impl IntoIterator<Item = &'a str>) -> Self {
        let mut amr = Self::default();
        for method in values.into_iter().filter_map(AuthMethod::parse) {
            amr.push(method);
        }
        amr
    }

    /// [`Amr::from_stored`] for the space-separated column.
    pub fn from_column(stored: &str) -> Self {
        Self::from_stored(stored.split(' '))
    }
}

impl fmt::Display for Amr {
    /// The values joined by single spaces: the database column.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (n, method) in self.0.iter().enumerate() {
            if n > 0 {
                f.write_str(" ")?;
            }
            f.write_str(method.as_str())?;
        }
        Ok(())
    }
}

impl serde::Serialize for Amr {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.0.iter().map(|m| m.as_str()))
    }
}

impl<'de> serde::Deserialize<'de> for Amr {
    /// A token's `amr` list, read as [`Amr::from_stored`] reads.
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let values = Vec::<String>::deserialize(deserializer)?;
        Ok(Self::from_stored(values.iter().map(String::as_str)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_factor_adds_its_method_and_mfa() {
        let first = Amr::one(AuthMethod::Password);
        assert!(!first.is_multi_factor());
        assert_eq!(first.acr(), acr::SINGLE_FACTOR);
        let both = first.with_second_factor(AuthMethod::Otp);
        assert_eq!(both.to_claim(), ["pwd", "otp", "mfa"]);
        assert_eq!(both.acr(), acr::MULTI_FACTOR);
        // Proving again adds nothing twice.
        assert_eq!(both.with_second_factor(AuthMethod::Otp), both);
    }

    #[test]
    fn the_column_and_the_claim_round_trip_and_unknown_words_drop() {
        let amr = Amr::passkey();
        assert_eq!(amr.to_string(), "hwk mfa");
        assert_eq!(Amr::from_column(&amr.to_string()), amr);
        assert_eq!(Amr::from_column(""), Amr::none());
        assert_eq!(Amr::from_column("pwd sms mfa").to_claim(), ["pwd", "mfa"]);
        let json = serde_json::to_string(&amr).unwrap();
        assert_eq!(json, r#"["hwk","mfa"]"#);
        assert_eq!(serde_json::from_str::<Amr>(&json).unwrap(), amr);
    }
}
