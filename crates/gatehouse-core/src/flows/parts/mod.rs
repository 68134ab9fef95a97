//! The parts the four services share: each is small, holds only the store
//! capabilities it uses, and is handed to the services that need it when
//! [`super::Services::new`] wires them up.
//!
//! - [`TokenIssuer`]: the signing keys, access tokens, and opening sessions;
//!   it also verifies the tokens it issued.
//! - [`AuditSink`]: writes audit records, in a unit of work or on their own.
//! - [`Units`]: opens units of work (see [`crate::store::StoreTx`]).
//! - [`Limits`], [`Outbox`], [`NewPasswords`]: rate limits, mail, and the
//!   password policy with hashing.
//! - [`Proofs`]: a person's proofs of identity after the sign-in — a step-up's
//!   password or code — and the lockout every wrong proof counts towards.
//! - [`EmailLinks`]: the single-use links mailed for verification and reset.
//! - [`ApiKeyCheck`]: whether a presented API key is live, and what it may do.
//! - [`LiveSessions`]: the sessions and users checked on every request, in
//!   memory, forgotten the moment they change.
//! - [`master_key`]: the keys kept sealed in the store, and moving every
//!   stored secret to a new master key.

mod api_key_check;
mod audit_sink;
pub(crate) mod client_cache;
mod email_links;
pub(crate) mod keys;
mod limits;
pub mod live_sessions;
pub(crate) mod master_key;
mod outbox;
mod passwords;
pub(crate) mod presence;
mod refresh_tokens;
mod token_issuer;
mod units;

use std::time::Duration;

use sha2::{Digest, Sha256};
use time::OffsetDateTime;

pub use api_key_check::ApiKeyCheck;
pub use audit_sink::AuditSink;
pub use email_links::EmailLinks;
pub use limits::Limits;
pub use live_sessions::LiveSessions;
pub use outbox::Outbox;
pub use passwords::NewPasswords;
pub use presence::{Proof, Proofs};
pub use refresh_tokens::RefreshTokens;
pub(crate) use token_issuer::first_link;
pub use token_issuer::{Authenticated, TokenIssuer, TokenPair};

pub use units::Units;

use crate::account::{User, UserId};
use crate::audit::ClientInfo;
use crate::error::{Error, Result};
use crate::store::UserStore;

/// The user with this id; `not_found` when there is none.
pub(crate) async fn load_user(users: &dyn UserStore, id: UserId) -> Result<User> {
    users.user_by_id(id).await?.ok_or_else(|| Error::NotFound("no such user".into()))
}

pub use crate::mfa::MfaStatus;

/// A short, non-reversible fingerprint of the client (IP + user agent), used to
/// recognise "the same client" retrying a refresh.
pub(crate) fn client_fingerprint(client: &ClientInfo) -> String {
    let mut h = Sha256::new();
    h.update(client.ip.as_deref().unwrap_or("").as_bytes());
    h.update(b"\n");
    h.update(client.user_agent.as_deref().unwrap_or("").as_bytes());
    hex::encode(&h.finalize()[..16])
}

/// The client's address as a limiter counts it: IPv6 by its /64 (see
/// [`crate::ratelimit::client_unit`]).
pub(crate) fn ip_key(client: &ClientInfo) -> String {
    match client.ip.as_deref().map(|ip| ip.parse::<std::net::IpAddr>()) {
        Some(Ok(ip)) => crate::ratelimit::client_unit(ip).to_string(),
        Some(Err(_)) | None => client.ip.clone().unwrap_or_else(|| "unknown".to_owned()),
    }
}

pub(crate) fn elapsed_since(then: OffsetDateTime, now: OffsetDateTime) -> Duration {
    let d = now - then;
    if d.is_negative() {
        Duration::ZERO
    } else {
        d.unsigned_abs()
    }
}
