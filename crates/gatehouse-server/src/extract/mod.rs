//! Request extractors whose rejections are `problem+json`: JSON bodies, query
//! strings, page form posts, the bearer token or the session cookie (and the
//! admin API's actor), and
//! the client's address as far as it can be trusted.

mod auth;
mod client;
pub mod cookie_session;
mod form;
mod json;
mod query;

pub use auth::{AdminActor, Auth, EnrollAuth, Identity, MaybeAuth};
pub use client::{client_ip, Client};
pub use form::PageForm;
pub use json::{optional_json, ApiJson};
pub use query::ApiQuery;
