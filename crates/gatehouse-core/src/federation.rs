//! Upstream identity providers ("Sign in with …"): generic OpenID Connect
//! providers (Google is one) and GitHub (OAuth 2.0 with its user API). An
//! operator registers them (`gatehouse upstream add`); a person signs in at the
//! upstream and comes back with an identity, which is linked to one local
//! account. The client secret is sealed with the master key like TOTP seeds.

use time::OffsetDateTime;

use crate::account::{Email, UserId};
use crate::error::Error;

/// The protocol an upstream speaks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UpstreamKind {
    /// OpenID Connect: discovery, ID token verified against its JWKS.
    Oidc,
    /// GitHub: OAuth 2.0 plus `GET /user` and `GET /user/emails`.
    Github,
}

impl UpstreamKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Oidc => "oidc",
            Self::Github => "github",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "oidc" => Some(Self::Oidc),
            "github" => Some(Self::Github),
            _ => None,
        }
    }
}

/// A registered upstream provider.
#[derive(Clone, Debug)]
pub struct UpstreamProvider {
    /// Short slug used in URLs: `/login/upstream/{id}`.
    pub id: String,
    /// What the button says: "Sign in with {name}".
    pub name: String,
    pub kind: UpstreamKind,
    /// The OpenID issuer (discovery is `{issuer}/.well-known/openid-configuration`); `None` for GitHub.
    pub issuer: Option<String>,
    pub client_id: String,
    /// XChaCha20-Poly1305 under the master key, context = the provider id.
    pub client_secret_sealed: Vec<u8>,
    pub scopes: Vec<String>,
    /// Link to an existing local account with the same, upstream-verified
    /// email address. Off by default: it trusts the upstream with that account.
    pub link_by_email: bool,
    pub created_at: OffsetDateTime,
}

/// An upstream identity linked to a local account.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UpstreamLink {
    pub provider_id: String,
    /// The upstream's stable subject (`sub`, or GitHub's numeric user id).
    pub subject: String,
    pub user_id: UserId,
    pub created_at: OffsetDateTime,
    /// Made from an address the upstream had not verified (only earlier
    /// versions did): dropped when the address's owner proves it.
    pub from_unverified_email: bool,
}

/// Who the upstream says the person is (after its token was verified).
#[derive(Clone, Debug)]
pub struct UpstreamIdentity {
    pub subject: String,
    pub email: Option<Email>,
    /// Only a verified address may create or be linked to an account by email.
    pub email_verified: bool,
    /// A username to start from when an account is created.
    pub username_hint: Option<String>,
}

/// Checks an upstream id: 1 to 32 of `a-z 0-9 -`.
pub fn check_provider_id(id: &str) -> Result<(), Error> {
    let ok = !id.is_empty()
        && id.len() <= 32
        && id.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    if ok {
        Ok(())
    } else {
        Err(Error::InvalidRequest("an upstream id is 1 to 32 characters of a-z, 0-9 and '-'".into()))
    }
}
