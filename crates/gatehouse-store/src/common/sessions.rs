//! [`gatehouse_core::store::SessionStore`] for both backends: sessions and the
//! chain of refresh tokens (their digests) each one owns.
//!
//! The refresh rotation is one conditional `UPDATE ... WHERE spent_at IS NULL`
//! followed by the successor's insert, in one write transaction: of concurrent
//! rotations of the same token exactly one matches the row.
//!
//! A session's `amr` is one space-separated column; sessions created before
//! migration 0002 have no `auth_time` and read `created_at` in its place.
//!
//! A session's kind is three columns (migration 0006): `kind`, and for OAuth
//! sessions the `client_id` (a foreign key: the sessions go with their client)
//! and the granted `scope`. Sessions created before 0006 read as API sessions.

use gatehouse_core::session::SessionKind;

/// The `sessions` columns every query reads.
macro_rules! session_columns {
    () => {
        "s.id, s.user_id, s.created_at, s.last_used_at, s.idle_expires_at, s.absolute_expires_at, \
         s.revoked_at, s.ip, s.user_agent, s.amr, COALESCE(s.auth_time, s.created_at) AS auth_time, \
         s.kind, s.client_id, s.scope"
    };
}
pub(crate) use session_columns;

/// The `refresh_tokens` columns every query reads, prefixed so they can sit
/// next to a session's in a join.
macro_rules! refresh_columns {
    () => {
        "r.id AS r_id, r.session_id AS r_session_id, r.parent_id AS r_parent_id, r.digest AS r_digest, \
         r.created_at AS r_created_at, r.spent_at AS r_spent_at, r.spent_by AS r_spent_by"
    };
}
pub(crate) use refresh_columns;

/// The kind of session `id` from its stored `kind`, `client_id` and `scope`.
pub(crate) fn session_kind(
    id: uuid::Uuid,
    kind: &str,
    client_id: Option<String>,
    scope: Option<String>,
) -> Result<SessionKind, sqlx::Error> {
    match (kind, client_id, scope) {
        ("api", _, _) => Ok(SessionKind::Api),
        ("browser", _, _) => Ok(SessionKind::Browser),
        ("oauth", Some(client_id), Some(scope)) => {
            Ok(SessionKind::OAuth { client_id, scope: gatehouse_core::oauth::ScopeSet::from_stored(&scope) })
        }
        ("oauth", _, _) => Err(super::corrupt(format!("session {id}: an OAuth session without its client or scope"))),
        (other, _, _) => Err(super::corrupt(format!("session {id}: unknown kind '{other}'"))),
    }
}

/// The granted scope of an OAuth session, as stored (`NULL` for other kinds).
pub(crate) fn session_scope(kind: &SessionKind) -> Option<String> {
    match kind {
        SessionKind::OAuth { scope, .. } => Some(scope.to_string()),
        SessionKind::Api | SessionKind::Browser => None,
    }
}

macro_rules! impl_session_store {
    ($store:ty, $db:ty) => {
        impl $store {
            fn session_from_row(
                row: &<$db as sqlx::Database>::Row,
            ) -> Result<gatehouse_core::session::Session, sqlx::Error> {
                use sqlx::Row as _;
                let id: uuid::Uuid = row.try_get("id")?;
                let kind: String = row.try_get("kind")?;
                let kind = $crate::common::sessions::session_kind(
                    id,
                    &kind,
                    row.try_get("client_id")?,
                    row.try_get("scope")?,
                )?;
                Ok(gatehouse_core::session::Session {
                    id: gatehouse_core::session::SessionId(id),
                    user_id: gatehouse_core::account::UserId(row.try_get("user_id")?),
                    created_at: row.try_get("created_at")?,
                    last_used_at: row.try_get("last_used_at")?,
                    idle_expires_at: row.try_get("idle_expires_at")?,
                    absolute_expires_at: row.try_get("absolute_expires_at")?,
                    revoked_at: row.try_get("revoked_at")?,
                    ip: row.try_get("ip")?,
                    user_agent: row.try_get("user_agent")?,
                    amr: gatehouse_core::amr::Amr::from_column(row.try_get("amr")?),
                    auth_time: row.try_get("auth_time")?,
                    kind,
                })
            }

            fn refresh_from_row(
                row: &<$db as sqlx::Database>::Row,
            ) -> Result<gatehouse_core::session::RefreshRecord, sqlx::Error> {
                use sqlx::Row as _;
                let digest: Vec<u8> = row.try_get("r_digest")?;
                let digest = gatehouse_core::crypto::TokenDigest::from_slice(&digest).ok_or_else(|| {
                    $crate::common::corrupt(format!("a refresh token digest has {} bytes, not 32", digest.len()))
                })?;
                Ok(gatehouse_core::session::RefreshRecord {
                    id: row.try_get("r_id")?,
                    session_id: gatehouse_core::session::SessionId(row.try_get("r_session_id")?),
                    parent_id: row.try_get("r_parent_id")?,
                    digest,
                    created_at: row.try_get("r_created_at")?,
                    spent_at: row.try_get("r_spent_at")?,
                    spent_by: row.try_get("r_spent_by")?,
                })
            }

            /// Counts the sessions whose `was_active` column is true.
            fn count_active(rows: &[<$db as sqlx::Database>::Row]) -> Result<u64, sqlx::Error> {
                use sqlx::Row as _;
                let mut count = 0;
                for row in rows {
                    if row.try_get::<bool, _>("was_active")? {
                        count += 1;
                    }
                }
                Ok(count)
            }
        }

        #[async_trait::async_trait]
        impl gatehouse_core::store::SessionStore for $store {
            async fn create_session(
                &self,
                session: &gatehouse_core::session::Session,
                first: &gatehouse_core::session::RefreshRecord,
            ) -> gatehouse_core::store::StoreResult<()> {
                let mut tx = self.begin_write().await?;
                sqlx::query(
                    "INSERT INTO sessions (id, user_id, created_at, last_used_at, idle_expires_at, \
                     absolute_expires_at, revoked_at, ip, user_agent, amr, auth_time, kind, client_id, scope) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)",
                )
                .bind(session.id.0)
                .bind(session.user_id.0)
                .bind(Self::ts(session.created_at))
                .bind(Self::ts(session.last_used_at))
                .bind(Self::ts(session.idle_expires_at))
                .bind(Self::ts(session.absolute_expires_at))
                .bind(session.revoked_at.map(Self::ts))
                .bind(session.ip.as_deref())
                .bind(session.user_agent.as_deref())
                .bind(session.amr.to_string())
                .bind(Self::ts(session.auth_time))
                .bind(session.kind.as_str())
                .bind(session.kind.client_id())
                .bind($crate::common::sessions::session_scope(&session.kind))
                .execute(&mut *tx)
                .await
                .map_err(Self::db_err)?;
                sqlx::query(
                    "INSERT INTO refresh_tokens (id, session_id, parent_id, digest, created_at, spent_at, spent_by) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7)",
                )
                .bind(first.id)
                .bind(first.session_id.0)
                .bind(first.parent_id)
                .bind(first.digest.as_bytes())
                .bind(Self::ts(first.created_at))
                .bind(first.spent_at.map(Self::ts))
                .bind(first.spent_by.as_deref())
                .execute(&mut *tx)
                .await
                .map_err(Self::db_err)?;
                tx.commit().await.map_err(Self::db_err)
            }

            async fn session(
                &self,
                id: gatehouse_core::session::SessionId,
            ) -> gatehouse_core::store::StoreResult<Option<gatehouse_core::session::Session>> {
                sqlx::query(concat!(
                    "SELECT ",
                    $crate::common::sessions::session_columns!(),
                    " FROM sessions s WHERE s.id = $1"
                ))
                .bind(id.0)
                .fetch_optional(&mut *self.conn().await?)
                .await
                .map_err(Self::db_err)?
                .map(|row| Self::session_from_row(&row))
                .transpose()
                .map_err(Self::db_err)
            }

            async fn refresh_by_digest(
                &self,
                digest: &gatehouse_core::crypto::TokenDigest,
            ) -> gatehouse_core::store::StoreResult<
                Option<(gatehouse_core::session::RefreshRecord, gatehouse_core::session::Session)>,
            > {
                sqlx::query(concat!(
                    "SELECT ",
                    $crate::common::sessions::refresh_columns!(),
                    ", ",
                    $crate::common::sessions::session_columns!(),
                    " FROM refresh_tokens r JOIN sessions s ON s.id = r.session_id WHERE r.digest = $1"
                ))
                .bind(digest.as_bytes())
                .fetch_optional(&mut *self.conn().await?)
                .await
                .map_err(Self::db_err)?
                .map(|row| Ok((Self::refresh_from_row(&row)?, Self::session_from_row(&row)?)))
                .transpose()
                .map_err(Self::db_err)
            }

            async fn refresh_successor(
                &self,
                parent: uuid::Uuid,
            ) -> gatehouse_core::store::StoreResult<Option<gatehouse_core::session::RefreshRecord>> {
                sqlx::query(concat!(
                    "SELECT ",
                    $crate::common::sessions::refresh_columns!(),
                    " FROM refresh_tokens r WHERE r.parent_id = $1 ORDER BY r.created_at, r.id LIMIT 1"
                ))
                .bind(parent)
                .fetch_optional(&mut *self.conn().await?)
                .await
                .map_err(Self::db_err)?
                .map(|row| Self::refresh_from_row(&row))
                .transpose()
                .map_err(Self::db_err)
            }

            async fn rotate_refresh(
                &self,
                rotation: &gatehouse_core::session::Rotation,
            ) -> gatehouse_core::store::StoreResult<bool> {
                self.rotate_refresh_once(rotation).await
            }

            async fn active_sessions(
                &self,
                user: gatehouse_core::account::UserId,
                now: time::OffsetDateTime,
            ) -> gatehouse_core::store::StoreResult<Vec<gatehouse_core::session::Session>> {
                sqlx::query(concat!(
                    "SELECT ",
                    $crate::common::sessions::session_columns!(),
                    " FROM sessions s WHERE s.user_id = $1 AND s.revoked_at IS NULL \
                     AND s.idle_expires_at > $2 AND s.absolute_expires_at > $2 \
                     ORDER BY s.created_at DESC, s.id DESC"
                ))
                .bind(user.0)
                .bind(Self::ts(now))
                .fetch_all(&mut *self.conn().await?)
                .await
                .map_err(Self::db_err)?
                .iter()
                .map(Self::session_from_row)
                .collect::<Result<Vec<_>, _>>()
                .map_err(Self::db_err)
            }

            async fn revoke_session(
                &self,
                id: gatehouse_core::session::SessionId,
                now: time::OffsetDateTime,
            ) -> gatehouse_core::store::StoreResult<bool> {
                // Any unrevoked session is marked; the answer is whether it was
                // still active (inside both lifetimes) at `now`.
                let rows = sqlx::query(
                    "UPDATE sessions SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL \
                     RETURNING (idle_expires_at > $2 AND absolute_expires_at > $2) AS was_active",
                )
                .bind(id.0)
                .bind(Self::ts(now))
                .fetch_all(&mut *self.conn().await?)
                .await
                .map_err(Self::db_err)?;
                self.note(gatehouse_core::store::Change::Session(id));
                Ok(Self::count_active(&rows).map_err(Self::db_err)? > 0)
            }

            async fn reauthenticated(
                &self,
                id: gatehouse_core::session::SessionId,
                amr: &gatehouse_core::amr::Amr,
                at: time::OffsetDateTime,
            ) -> gatehouse_core::store::StoreResult<()> {
                sqlx::query("UPDATE sessions SET auth_time = $2, amr = $3 WHERE id = $1")
                    .bind(id.0)
                    .bind(Self::ts(at))
                    .bind(amr.to_string())
                    .execute(&mut *self.conn().await?)
                    .await
                    .map_err(Self::db_err)?;
                self.note(gatehouse_core::store::Change::Session(id));
                Ok(())
            }

            async fn revoke_user_sessions(
                &self,
                user: gatehouse_core::account::UserId,
                now: time::OffsetDateTime,
            ) -> gatehouse_core::store::StoreResult<u64> {
                let rows = sqlx::query(
                    "UPDATE sessions SET revoked_at = $2 WHERE user_id = $1 AND revoked_at IS NULL \
                     RETURNING (idle_expires_at > $2 AND absolute_expires_at > $2) AS was_active",
                )
                .bind(user.0)
                .bind(Self::ts(now))
                .fetch_all(&mut *self.conn().await?)
                .await
                .map_err(Self::db_err)?;
                self.note(gatehouse_core::store::Change::SessionsOf(user));
                Self::count_active(&rows).map_err(Self::db_err)
            }

            async fn touch_session(
                &self,
                id: gatehouse_core::session::SessionId,
                now: time::OffsetDateTime,
                idle_expires_at: time::OffsetDateTime,
            ) -> gatehouse_core::store::StoreResult<()> {
                sqlx::query("UPDATE sessions SET last_used_at = $2, idle_expires_at = $3 WHERE id = $1")
                    .bind(id.0)
                    .bind(Self::ts(now))
                    .bind(Self::ts(idle_expires_at))
                    .execute(&mut *self.conn().await?)
                    .await
                    .map_err(Self::db_err)?;
                Ok(())
            }

            async fn touch_sessions(
                &self,
                uses: &[gatehouse_core::session::SessionUse],
            ) -> gatehouse_core::store::StoreResult<()> {
                if uses.is_empty() {
                    return Ok(());
                }
                let mut tx = self.begin_write().await?;
                for used in uses {
                    sqlx::query("UPDATE sessions SET last_used_at = $2, idle_expires_at = $3 WHERE id = $1")
                        .bind(used.id.0)
                        .bind(Self::ts(used.last_used_at))
                        .bind(Self::ts(used.idle_expires_at))
                        .execute(&mut *tx)
                        .await
                        .map_err(Self::db_err)?;
                }
                tx.commit().await.map_err(Self::db_err)
            }

            async fn revoke_client_sessions(
                &self,
                user: gatehouse_core::account::UserId,
                client_id: &str,
                now: time::OffsetDateTime,
            ) -> gatehouse_core::store::StoreResult<u64> {
                let rows = sqlx::query(
                    "UPDATE sessions SET revoked_at = $3 WHERE user_id = $1 AND client_id = $2 AND revoked_at IS NULL \
                     RETURNING (idle_expires_at > $3 AND absolute_expires_at > $3) AS was_active",
                )
                .bind(user.0)
                .bind(client_id)
                .bind(Self::ts(now))
                .fetch_all(&mut *self.conn().await?)
                .await
                .map_err(Self::db_err)?;
                self.note(gatehouse_core::store::Change::SessionsOf(user));
                Self::count_active(&rows).map_err(Self::db_err)
            }
        }
    };
}
pub(crate) use impl_session_store;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn session_kinds_read_back_or_are_corrupt() {
        let id = uuid::Uuid::nil();
        let some = |s: &str| Some(s.to_owned());
        assert_eq!(session_kind(id, "api", None, None).ok(), Some(SessionKind::Api));
        assert_eq!(session_kind(id, "browser", None, None).ok(), Some(SessionKind::Browser));
        let oauth = SessionKind::OAuth {
            client_id: "gh_x".into(),
            scope: gatehouse_core::oauth::ScopeSet::from_stored("openid"),
        };
        assert_eq!(session_kind(id, "oauth", some("gh_x"), some("openid")).ok(), Some(oauth.clone()));
        assert_eq!(session_scope(&oauth), some("openid"));
        assert_eq!(session_scope(&SessionKind::Api), None);
        assert!(session_kind(id, "oauth", None, some("openid")).is_err());
        assert!(session_kind(id, "oauth", some("gh_x"), None).is_err());
        let unknown = session_kind(id, "cli", None, None);
        assert!(matches!(&unknown, Err(sqlx::Error::Decode(e)) if e.to_string().contains("'cli'")), "{unknown:?}");
    }
}
