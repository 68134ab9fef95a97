//! [`GrantType`]: the OAuth grants Gatehouse implements (RFC 6749 §4), as a
//! type. A client is registered with a set of them; the token endpoint's
//! request is checked against that set.

use std::fmt;
use std::str::FromStr;

/// A grant a client may use.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GrantType {
    AuthorizationCode,
    RefreshToken,
    ClientCredentials,
}

impl GrantType {
    /// Every grant, in the order discovery lists them.
    pub const ALL: [GrantType; 3] = [Self::AuthorizationCode, Self::RefreshToken, Self::ClientCredentials];

    /// The `grant_type` value.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::AuthorizationCode => "authorization_code",
            Self::RefreshToken => "refresh_token",
            Self::ClientCredentials => "client_credentials",
        }
    }
}

/// A `grant_type` Gatehouse does not implement.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("unknown grant type (supported: authorization_code, refresh_token, client_credentials)")]
pub struct UnknownGrantType;

impl FromStr for GrantType {
    type Err = UnknownGrantType;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL.into_iter().find(|g| g.as_str() == s).ok_or(UnknownGrantType)
    }
}

impl fmt::Display for GrantType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_round_trip_and_unknown_ones_are_refused() {
        for grant in GrantType::ALL {
            assert_eq!(grant.as_str().parse::<GrantType>(), Ok(grant));
            assert_eq!(serde_json::to_string(&grant).unwrap(), format!("\"{grant}\""));
        }
        assert_eq!("password".parse::<GrantType>(), Err(UnknownGrantType));
        assert_eq!("".parse::<GrantType>(), Err(UnknownGrantType));
    }
}
