//! Gatehouse domain: accounts, credentials, password policy and hashing, tokens,
//! sessions, rate limits and audit events.
//!
//! This crate knows nothing about HTTP or SQL. The HTTP layer (`gatehouse-server`)
//! calls the flows in [`flows`]; persistence (`gatehouse-store`) implements the
//! traits in [`store`].
#![forbid(unsafe_code)]

pub mod access;
pub mod account;
pub mod amr;
pub mod api_key;
pub mod audit;
pub mod cache;
pub mod clock;
pub mod crypto;
pub mod error;
pub mod federation;
pub mod flows;
pub mod i18n;
pub mod lifecycle;
pub mod mail;
pub mod mfa;
pub mod notices;
pub mod oauth;
pub mod password;
pub mod ratelimit;
pub mod rbac;
pub mod retention;
pub mod session;
pub mod store;
// Built for this crate's tests, and for other crates' with `test-support`.
#[cfg(any(test, feature = "test-support"))]
pub mod testing;
pub mod token;

pub use error::{Error, ErrorCode};
