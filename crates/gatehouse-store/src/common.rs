//! What both backends share: the queries, written once in SQL that SQLite and
//! PostgreSQL both accept (`$n` placeholders, `RETURNING`, `ON CONFLICT`,
//! `lower()`), and expanded per backend by [`impl_store!`].
//!
//! A backend module invokes `impl_store!(Type, Database, "name")` after giving
//! its store type:
//! - an implementation of [`Dialect`] (how a time is bound, how an error is
//!   read, the SQL that differs) — `impl_store!` requires it;
//! - a `pool: sqlx::Pool<Database>` field;
//! - `async fn conn(&self) -> Result<unit::Conn<..>, StoreError>` — a
//!   connection for one query (the pool's, or the unit of work's);
//! - `async fn begin_write(&self) -> Result<unit::Write<..>, StoreError>` — a
//!   write transaction (its own, or a savepoint in the unit of work);
//! - `async fn begin_unit(&self) -> Result<Self, StoreError>` — a copy of the
//!   store holding a new unit of work, and `async fn commit_unit(&self)`;
//! - a `grants: Arc<grants::GrantsCache>` field (what each role grants, see `grants`);
//! - an `observers: Arc<observe::Observers>` field and a `held:
//!   Option<Arc<unit::Held<..>>>` field: who hears this process's changes,
//!   and the unit of work that tells them at its commit.
//!
//! No query names the pool: each asks for `self.conn()`, so the same code
//! runs on its own or inside a unit of work (`unit`).
//!
//! The trait implementations are split by capability: `users`, `sessions`,
//! `keys`, `audit`, `mfa`, `webauthn`, `lifecycle`, `clients`, `oauth`,
//! `federation`, `roles` and `api_keys`.

pub(crate) mod api_keys;
pub(crate) mod audit;
pub(crate) mod clients;
pub(crate) mod federation;
pub(crate) mod grants;
pub(crate) mod keys;
pub(crate) mod lifecycle;
pub(crate) mod mfa;
pub(crate) mod oauth;
pub(crate) mod observe;
pub(crate) mod purge;
pub(crate) mod reseal;
pub(crate) mod roles;
pub(crate) mod sessions;
pub(crate) mod unit;
pub(crate) mod users;
pub(crate) mod webauthn;

use gatehouse_core::store::{Constraint, StoreError};
use time::{OffsetDateTime, UtcOffset};

/// What a backend says about itself for the queries written once: the
/// contract `impl_store!` requires (a store type without it does not build).
pub(crate) trait Dialect {
    /// How a time is bound into SQL.
    type Time;
    /// What locks the rows a query reads until the unit of work ends (empty
    /// where writes are serialised anyway).
    const FOR_UPDATE: &'static str;
    /// A user's roles as one space-separated column, inside a query on `users`.
    const ROLES_OF_USER: &'static str;
    /// A time as bound into SQL.
    fn ts(t: OffsetDateTime) -> Self::Time;
    /// An sqlx error as a [`StoreError`], a broken rule named as a [`Constraint`].
    fn db_err(e: sqlx::Error) -> StoreError;
}

/// Any database failure that is not a broken unique rule. sqlx's messages do
/// not include bound values.
pub(crate) fn backend_err(e: sqlx::Error) -> StoreError {
    StoreError::Backend(e.to_string())
}

/// A stored value the domain cannot represent (reported as a decode error).
pub(crate) fn corrupt(what: String) -> sqlx::Error {
    sqlx::Error::Decode(what.into())
}

/// The domain's name for a unique index or constraint (named as PostgreSQL
/// names them; SQLite's messages are mapped to these names first).
pub(crate) fn constraint_named(name: &str) -> Constraint {
    match name {
        "users_username_key" => Constraint::Username,
        "users_email_key" => Constraint::Email,
        "roles_pkey" => Constraint::RoleName,
        "webauthn_credentials_credential_id_key" => Constraint::CredentialId,
        "upstream_providers_pkey" => Constraint::UpstreamId,
        "upstream_links_pkey" => Constraint::UpstreamLink,
        "oauth_clients_pkey" => Constraint::ClientId,
        "refresh_tokens_digest_key"
        | "mfa_challenges_digest_key"
        | "email_tokens_digest_key"
        | "oauth_codes_pkey"
        | "api_keys_digest_key"
        | "mfa_backup_codes_user_digest_key" => Constraint::SecretDigest,
        other => {
            tracing::warn!(constraint = other, "a write broke a unique rule the store does not name");
            Constraint::Unlisted
        }
    }
}

/// `t` in UTC, cut to whole microseconds (what both backends can store).
pub(crate) fn utc_micros(t: OffsetDateTime) -> OffsetDateTime {
    let t = t.to_offset(UtcOffset::UTC);
    t.replace_microsecond(t.microsecond()).unwrap_or(t)
}

/// A `LIKE` pattern matching `needle` anywhere, with `\` as the escape
/// character (use with `ESCAPE '\'`).
pub(crate) fn contains_pattern(needle: &str) -> String {
    let mut pattern = String::with_capacity(needle.len() + 2);
    pattern.push('%');
    for c in needle.chars() {
        if matches!(c, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.push(c);
    }
    pattern.push('%');
    pattern
}

/// Implements every store trait for `$store` on database `$db`.
macro_rules! impl_store {
    ($store:ty, $db:ty, $name:literal) => {
        const _: () = {
            fn requires_a_dialect<T: $crate::common::Dialect>() {}
            let _ = requires_a_dialect::<$store>;
        };
        $crate::common::users::impl_user_store!($store, $db);
        $crate::common::sessions::impl_session_store!($store, $db);
        $crate::common::keys::impl_key_store!($store, $db);
        $crate::common::audit::impl_audit_store!($store, $db);
        $crate::common::lifecycle::impl_lifecycle_store!($store, $db);
        $crate::common::clients::impl_client_store!($store, $db);
        $crate::common::oauth::impl_oauth_store!($store, $db);
        $crate::common::federation::impl_federation_store!($store, $db);
        $crate::common::mfa::impl_mfa_store!($store, $db);
        $crate::common::webauthn::impl_webauthn_store!($store, $db);
        $crate::common::roles::impl_role_store!($store, $db);
        $crate::common::api_keys::impl_api_key_store!($store, $db);
        $crate::common::purge::impl_purge!($store, $db, $name);
        $crate::common::reseal::impl_reseal!($store, $db, $name);

        impl $store {
            /// Tells this process's observers of `change`: now, or when the
            /// unit of work this copy runs in commits.
            fn note(&self, change: gatehouse_core::store::Change) {
                match &self.held {
                    Some(held) => held.note(change),
                    None => self.observers.tell(&change),
                }
            }
        }

        #[async_trait::async_trait]
        impl gatehouse_core::store::StoreTx for $store {
            async fn commit(self: Box<Self>) -> gatehouse_core::store::StoreResult<()> {
                self.commit_unit().await
            }
        }

        #[async_trait::async_trait]
        impl gatehouse_core::store::Store for $store {
            async fn begin(&self) -> gatehouse_core::store::StoreResult<Box<dyn gatehouse_core::store::StoreTx>> {
                Ok(Box::new(self.begin_unit().await?))
            }

            async fn ping(&self) -> gatehouse_core::store::StoreResult<()> {
                sqlx::query("SELECT 1").execute(&self.pool).await.map_err(Self::db_err)?;
                Ok(())
            }

            fn backend(&self) -> &'static str {
                $name
            }

            async fn backup_into(&self, path: &str) -> gatehouse_core::store::StoreResult<bool> {
                if $name != "sqlite" {
                    return Ok(false);
                }
                sqlx::query("VACUUM INTO ?").bind(path).execute(&self.pool).await.map_err(Self::db_err)?;
                Ok(true)
            }

            async fn purge(
                &self,
                request: gatehouse_core::retention::PurgeRequest,
            ) -> gatehouse_core::store::StoreResult<Option<gatehouse_core::retention::Purged>> {
                self.purge_expired(request).await
            }

            async fn reseal_all(
                &self,
                reseal: &gatehouse_core::store::Resealer<'_>,
            ) -> gatehouse_core::error::Result<gatehouse_core::store::Resealed> {
                self.reseal_rows(reseal).await
            }

            async fn watch_changes(
                &self,
            ) -> gatehouse_core::store::StoreResult<Option<gatehouse_core::store::Changes>> {
                self.change_feed().await
            }

            fn observe_changes(&self, observer: std::sync::Arc<dyn gatehouse_core::store::ChangeObserver>) {
                self.observers.add(&observer);
            }
        }
    };
}
pub(crate) use impl_store;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn like_patterns_escape_wildcards() {
        assert_eq!(contains_pattern("ali"), "%ali%");
        assert_eq!(contains_pattern("a_b%c\\d"), "%a\\_b\\%c\\\\d%");
    }

    #[test]
    fn constraint_names_map_to_the_domain() {
        assert_eq!(constraint_named("users_username_key"), Constraint::Username);
        assert_eq!(constraint_named("users_email_key"), Constraint::Email);
        assert_eq!(constraint_named("roles_pkey"), Constraint::RoleName);
        assert_eq!(constraint_named("oauth_codes_pkey"), Constraint::SecretDigest);
        assert_eq!(constraint_named("users.id"), Constraint::Unlisted);
    }

    #[test]
    fn times_are_cut_to_microseconds_in_utc() {
        let t = OffsetDateTime::UNIX_EPOCH + time::Duration::nanoseconds(1_234_567);
        let t = t.to_offset(time::macros::offset!(-5));
        let cut = utc_micros(t);
        assert_eq!(cut.offset(), UtcOffset::UTC);
        assert_eq!(cut.nanosecond(), 1_234_000);
    }
}
