//! `Role`: a named role such as `admin` or `user`. Role names are lower-case
//! `[a-z0-9_:-]`, 1–64 characters.

use std::fmt;

use crate::error::Error;

#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(transparent)]
pub struct Role(String);

impl Role {
    pub const ADMIN: &'static str = "admin";
    pub const USER: &'static str = "user";

    pub fn parse(raw: &str) -> Result<Self, Error> {
        let s = raw.trim();
        if s.is_empty()
            || s.len() > 64
            || !s.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '_' | ':' | '-'))
        {
            return Err(Error::InvalidRequest(format!(
                "'{s}' is not a valid role name (lower-case letters, digits, '_', ':', '-')"
            )));
        }
        Ok(Self(s.to_owned()))
    }

    pub fn admin() -> Self {
        Self(Self::ADMIN.into())
    }

    pub fn user() -> Self {
        Self(Self::USER.into())
    }

    pub fn from_trusted(s: String) -> Self {
        Self(s)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}
