//! What an administrator does: users (create, import, update, disable,
//! delete, force a reset), roles, OAuth clients, signing keys, people's API
//! keys and sessions, and reading the audit log. Every call names its
//! [`crate::rbac::Actor`] and checks its permission first.

mod actor;
mod api_keys;
mod clients;
mod keys;
mod roles;
mod users;

use std::sync::Arc;

pub use roles::{NewRole, RoleUpdate};
pub use users::{FactorsReset, ImportedUser, NewUserRequest, UserUpdate};

use super::parts::client_cache::ClientCache;
use super::parts::{AuditSink, EmailLinks, NewPasswords, Outbox, TokenIssuer, Units};
use super::AccountsConfig;
use crate::clock::Clock;
use crate::crypto::MasterKey;
use crate::password::PasswordHasher;
use crate::store::{ApiKeyStore, AuditStore, ClientStore, KeyStore, RoleStore, SessionStore, UserStore};

/// The administrator's service.
pub struct Admin {
    pub(super) users: Arc<dyn UserStore>,
    pub(super) roles: Arc<dyn RoleStore>,
    pub(super) sessions: Arc<dyn SessionStore>,
    pub(super) api_keys: Arc<dyn ApiKeyStore>,
    pub(super) clients: Arc<dyn ClientStore>,
    pub(super) key_store: Arc<dyn KeyStore>,
    /// Reading the audit log (writing goes through `audit`).
    pub(super) audit_log: Arc<dyn AuditStore>,
    pub(super) units: Units,
    pub(super) tokens: Arc<TokenIssuer>,
    pub(super) links: Arc<EmailLinks>,
    pub(super) client_cache: Arc<ClientCache>,
    pub(super) audit: AuditSink,
    pub(super) outbox: Arc<Outbox>,
    pub(super) passwords: NewPasswords,
    pub(super) hasher: Arc<PasswordHasher>,
    pub(super) master: Arc<MasterKey>,
    pub(super) config: Arc<AccountsConfig>,
    pub(super) clock: Arc<dyn Clock>,
}
