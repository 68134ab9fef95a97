//! `Store::purge`: deletes what has expired (`gatehouse_core::retention`) in
//! one transaction, kind by kind, counting the rows. On PostgreSQL the
//! transaction first takes an advisory lock without waiting; a node that does
//! not get it leaves the work to the node that has it.

/// The advisory lock key of the purge ("gh-purge" in ASCII).
pub const PURGE_LOCK: i64 = 0x6768_2d70_7572_6765;

/// The rows of ended sessions: revoked, or past either deadline.
macro_rules! ended_sessions {
    () => {
        "SELECT id FROM sessions WHERE revoked_at IS NOT NULL OR idle_expires_at <= $1 OR absolute_expires_at <= $1"
    };
}
pub(crate) use ended_sessions;

macro_rules! impl_purge {
    ($store:ty, $db:ty, $name:literal) => {
        impl $store {
            /// See `gatehouse_core::store::Store::purge`.
            async fn purge_expired(
                &self,
                request: gatehouse_core::retention::PurgeRequest,
            ) -> gatehouse_core::store::StoreResult<Option<gatehouse_core::retention::Purged>> {
                use gatehouse_core::retention::{Purged, CODE_REPLAY_MEMORY};
                let now = request.now;
                let mut tx = self.begin_write().await?;
                if $name == "postgres" {
                    let locked: bool = sqlx::query_scalar("SELECT pg_try_advisory_xact_lock($1)")
                        .bind($crate::common::purge::PURGE_LOCK)
                        .fetch_one(&mut *tx)
                        .await
                        .map_err(Self::db_err)?;
                    if !locked {
                        tx.rollback().await.map_err(Self::db_err)?;
                        return Ok(None);
                    }
                }
                // One DELETE, `at` bound as $1: how many rows went.
                macro_rules! delete {
                    ($sql:expr, $at:expr) => {
                        sqlx::query($sql)
                            .bind(Self::ts($at))
                            .execute(&mut *tx)
                            .await
                            .map_err(Self::db_err)?
                            .rows_affected()
                    };
                }
                let purged = Purged {
                    // The tokens first: on SQLite the cascade is not counted.
                    refresh_tokens: delete!(
                        concat!(
                            "DELETE FROM refresh_tokens WHERE session_id IN (",
                            $crate::common::purge::ended_sessions!(),
                            ")"
                        ),
                        now
                    ),
                    sessions: delete!(
                        concat!("DELETE FROM sessions WHERE id IN (", $crate::common::purge::ended_sessions!(), ")"),
                        now
                    ),
                    email_tokens: delete!("DELETE FROM email_tokens WHERE expires_at <= $1", now),
                    authorization_codes: delete!(
                        "DELETE FROM oauth_codes WHERE expires_at <= $1",
                        now - CODE_REPLAY_MEMORY
                    ),
                    mfa_challenges: delete!("DELETE FROM mfa_challenges WHERE expires_at <= $1", now),
                    webauthn_ceremonies: delete!("DELETE FROM webauthn_ceremonies WHERE expires_at <= $1", now),
                    audit_records: match request.audit_before {
                        Some(before) => delete!("DELETE FROM audit_log WHERE at < $1", before),
                        None => 0,
                    },
                    login_names: delete!(
                        "DELETE FROM login_name_failures WHERE last_failure_at < $1",
                        now - gatehouse_core::retention::LOGIN_FAILURE_MEMORY
                    ),
                };
                tx.commit().await.map_err(Self::db_err)?;
                Ok(Some(purged))
            }
        }
    };
}
pub(crate) use impl_purge;
