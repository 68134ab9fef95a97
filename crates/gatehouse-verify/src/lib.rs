//! Verification of Gatehouse access tokens for resource servers written in
//! Rust: the services behind Gatehouse that receive `Authorization: Bearer`.
//!
//! ```no_run
//! use axum::{routing::get, Router};
//! use gatehouse_verify::{AuthUser, Verifier};
//!
//! async fn protected(user: AuthUser) -> String {
//!     format!("hello {}", user.claims().sub)
//! }
//!
//! async fn posts(user: AuthUser) -> Result<&'static str, gatehouse_verify::AuthError> {
//!     user.require_permission("posts:read")?;
//!     Ok("posts")
//! }
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let verifier = Verifier::builder("https://auth.example.com").build()?;
//! let app: Router = Router::new()
//!     .route("/api/protected", get(protected))
//!     .route("/api/posts", get(posts))
//!     .with_state(verifier);
//! # Ok(()) }
//! ```
//!
//! What is checked (RFC 9068 and RFC 8725): the `typ` header is `at+jwt`; the
//! algorithm is on an allow-list of asymmetric algorithms (never `none`,
//! never HMAC) and is the published key's own; the signature, by `kid`,
//! against Gatehouse's JWKS; `iss`, `aud`, `exp` and `nbf` with a small leeway.
//! The JWKS is cached; a token naming an unknown `kid` (a rotation) refreshes
//! it at once, at most once per `min_refresh`, and the cache is refreshed when
//! older than `max_age`. With [`VerifierBuilder::introspect`] every token is
//! also checked with Gatehouse's introspection endpoint, so a logout or a
//! disabled account takes effect at once instead of when the token expires;
//! such a verifier also accepts personal API keys (`gatehouse_pat_…`), whose
//! owner and permissions the introspection answer gives.

mod claims;
mod error;
mod jwks;
mod verifier;

#[cfg(feature = "axum")]
mod extract;

pub use claims::Claims;
pub use error::VerifyError;
#[cfg(feature = "axum")]
pub use extract::{AuthError, AuthUser};
pub use verifier::{Verifier, VerifierBuilder};
