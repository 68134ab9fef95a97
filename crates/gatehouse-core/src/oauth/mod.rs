//! OAuth 2.0 / OpenID Connect provider: registered clients, authorization
//! codes, consents, scopes and ID tokens. The flows live in
//! [`crate::flows`] (`authorize`, `oauth_token`, …).

mod client;
mod code;
mod error;
mod grant_type;
mod scope;

pub use client::{ClientKind, ClientUpdate, NewClient, OAuthClient, RegisteredClient, TokenEndpointAuth};
pub use code::{is_pkce_value, AuthorizationCode, Consent, Redemption};
pub use error::{AuthorizeErrorCode, OAuthErrorCode, OAuthFailure};
pub use grant_type::{GrantType, UnknownGrantType};
pub use scope::{is_scope_token, MalformedScope, ScopeSet, MAX_SCOPE_LEN};
