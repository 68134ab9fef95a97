//! OAuth 2.0 / OpenID Connect provider: registered clients, authorization
//! codes, consents, scopes and ID tokens. The flows live in
//! [`crate::flows`] (`authorize`, `oauth_token`, …).

mod client;
mod code;
mod error;

pub use client::{ClientKind, ClientUpdate, NewClient, OAuthClient, RegisteredClient, TokenEndpointAuth};
pub use code::{is_pkce_value, AuthorizationCode, Consent, Redemption};
pub use error::{OAuthErrorCode, OAuthFailure};
