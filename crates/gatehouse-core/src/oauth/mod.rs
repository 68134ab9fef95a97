//! OAuth 2.0 / OpenID Connect provider: the registered clients. (The
//! endpoints — authorize, token, userinfo, … — build on this.)

mod client;

pub use client::{ClientKind, NewClient, OAuthClient, RegisteredClient, TokenEndpointAuth};
