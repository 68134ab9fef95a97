//! Request extractors whose rejections are `problem+json`: JSON bodies, page
//! form posts, the
//! bearer token, and the client's address as far as it can be trusted.

mod auth;
mod client;
mod form;
mod json;

pub use auth::{Auth, EnrollAuth, MaybeAuth};
pub use client::{client_ip, Client};
pub use form::PageForm;
pub use json::{optional_json, ApiJson};
