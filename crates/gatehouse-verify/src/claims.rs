//! The claims of a Gatehouse access token, and the questions a guard asks.

use serde::Deserialize;

/// A verified access token's claims.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
pub struct Claims {
    pub iss: String,
    /// The user's id (or the client's, for a client-credentials token).
    pub sub: String,
    pub aud: String,
    pub exp: i64,
    pub iat: i64,
    #[serde(default)]
    pub nbf: i64,
    pub jti: String,
    /// The session; empty for client-credentials tokens.
    #[serde(default)]
    pub sid: String,
    /// Space-separated scopes.
    #[serde(default)]
    pub scope: String,
    #[serde(default)]
    pub roles: Vec<String>,
    /// `resource:action` permissions, when Gatehouse put them in the token.
    #[serde(default)]
    pub permissions: Vec<String>,
    /// How the user authenticated (RFC 8176), e.g. `["pwd","otp","mfa"]`.
    #[serde(default)]
    pub amr: Vec<String>,
    /// The OAuth client the token was issued to; absent for Gatehouse's own API sessions.
    #[serde(default)]
    pub client_id: Option<String>,
    /// A personal API key (checked by introspection), not a JWT: `sub` is its
    /// owner, `permissions` (and `scope`) what it may use now, `jti` its id.
    #[serde(skip)]
    pub api_key: bool,
}

impl Claims {
    pub fn has_role(&self, role: &str) -> bool {
        self.roles.iter().any(|r| r == role)
    }

    pub fn has_scope(&self, scope: &str) -> bool {
        self.scope.split(' ').any(|s| s == scope)
    }

    pub fn has_permission(&self, permission: &str) -> bool {
        self.permissions.iter().any(|p| p == permission)
    }

    /// A personal API key rather than an access token.
    pub fn is_api_key(&self) -> bool {
        self.api_key
    }

    /// A token a client holds for itself (client credentials), not for a person.
    pub fn is_client(&self) -> bool {
        self.sid.is_empty() && self.client_id.is_some()
    }
}
