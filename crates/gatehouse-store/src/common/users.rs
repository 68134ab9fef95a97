//! [`gatehouse_core::store::UserStore`] for both backends: users and their roles.
//!
//! Roles live in `user_roles` and are always returned sorted by name.

/// The `users` columns every query reads, in [`impl_user_store!`]'s order.
macro_rules! user_columns {
    () => {
        "id, username, email, password_hash, is_active, email_verified, failed_logins, \
         locked_until, created_at, updated_at"
    };
}
pub(crate) use user_columns;

macro_rules! impl_user_store {
    ($store:ty, $db:ty) => {
        impl $store {
            /// A user from a row of [`user_columns!`] and its roles.
            fn user_from_row(
                row: &<$db as sqlx::Database>::Row,
                roles: Vec<gatehouse_core::account::Role>,
            ) -> Result<gatehouse_core::account::User, sqlx::Error> {
                use sqlx::Row as _;
                let failed_logins: i32 = row.try_get("failed_logins")?;
                Ok(gatehouse_core::account::User {
                    id: gatehouse_core::account::UserId(row.try_get("id")?),
                    username: gatehouse_core::account::Username::from_trusted(row.try_get("username")?),
                    email: gatehouse_core::account::Email::from_trusted(row.try_get("email")?),
                    password_hash: row.try_get("password_hash")?,
                    is_active: row.try_get("is_active")?,
                    email_verified: row.try_get("email_verified")?,
                    roles,
                    failed_logins: u32::try_from(failed_logins).unwrap_or(0),
                    locked_until: row.try_get("locked_until")?,
                    created_at: row.try_get("created_at")?,
                    updated_at: row.try_get("updated_at")?,
                })
            }

            /// Loads the roles of the user in `row` and builds the user.
            /// The user of a row that carries its roles too (`roles` from
            /// [`Self::ROLES_OF_USER`]): one round trip for a user, not two.
            fn user_with_roles(row: &<$db as sqlx::Database>::Row) -> Result<gatehouse_core::account::User, sqlx::Error> {
                use sqlx::Row as _;
                let joined: Option<String> = row.try_get("roles")?;
                let mut roles: Vec<gatehouse_core::account::Role> = joined
                    .as_deref()
                    .unwrap_or_default()
                    .split(' ')
                    .filter(|r| !r.is_empty())
                    .map(|r| gatehouse_core::account::Role::from_trusted(r.to_owned()))
                    .collect();
                roles.sort_by(|a, b| a.as_str().cmp(b.as_str()));
                Self::user_from_row(row, roles)
            }

            async fn load_user(
                conn: &mut <$db as sqlx::Database>::Connection,
                id: uuid::Uuid,
            ) -> Result<Option<gatehouse_core::account::User>, sqlx::Error> {
                // Built once per backend, not per request.
                static SQL: std::sync::OnceLock<String> = std::sync::OnceLock::new();
                let sql = SQL.get_or_init(|| {
                    format!(
                        "SELECT {}, {} AS roles FROM users WHERE id = $1",
                        $crate::common::users::user_columns!(),
                        Self::ROLES_OF_USER
                    )
                });
                sqlx::query(sql)
                    .bind(id)
                    .fetch_optional(&mut *conn)
                    .await?
                    .map(|row| Self::user_with_roles(&row))
                    .transpose()
            }

            /// Roles of several users at once, each list sorted by name.
            async fn roles_of_users(
                conn: &mut <$db as sqlx::Database>::Connection,
                ids: &[uuid::Uuid],
            ) -> Result<std::collections::HashMap<uuid::Uuid, Vec<gatehouse_core::account::Role>>, sqlx::Error> {
                use sqlx::Row as _;
                let mut roles: std::collections::HashMap<_, Vec<_>> = std::collections::HashMap::new();
                if ids.is_empty() {
                    return Ok(roles);
                }
                let mut qb = sqlx::QueryBuilder::<$db>::new("SELECT user_id, role FROM user_roles WHERE user_id IN (");
                let mut list = qb.separated(", ");
                for id in ids {
                    list.push_bind(*id);
                }
                qb.push(") ORDER BY role");
                for row in qb.build().fetch_all(&mut *conn).await? {
                    let user: uuid::Uuid = row.try_get("user_id")?;
                    let role: String = row.try_get("role")?;
                    roles.entry(user).or_default().push(gatehouse_core::account::Role::from_trusted(role));
                }
                Ok(roles)
            }
        }

        #[async_trait::async_trait]
        impl gatehouse_core::store::UserStore for $store {
            async fn insert_user(
                &self,
                user: &gatehouse_core::account::NewUser,
            ) -> gatehouse_core::store::StoreResult<gatehouse_core::account::User> {
                let mut tx = self.begin_write().await?;
                sqlx::query(
                    "INSERT INTO users (id, username, email, password_hash, is_active, email_verified, \
                     failed_logins, locked_until, created_at, updated_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, 0, NULL, $7, $7)",
                )
                .bind(user.id.0)
                .bind(user.username.as_str())
                .bind(user.email.as_str())
                .bind(user.password_hash.as_str())
                .bind(true)
                .bind(user.email_verified)
                .bind(Self::ts(user.created_at))
                .execute(&mut *tx)
                .await
                .map_err(Self::db_err)?;
                for role in &user.roles {
                    sqlx::query("INSERT INTO user_roles (user_id, role) VALUES ($1, $2) ON CONFLICT DO NOTHING")
                        .bind(user.id.0)
                        .bind(role.as_str())
                        .execute(&mut *tx)
                        .await
                        .map_err(Self::db_err)?;
                }
                let stored = Self::load_user(&mut *tx, user.id.0).await.map_err(Self::db_err)?;
                tx.commit().await.map_err(Self::db_err)?;
                stored.ok_or_else(|| {
                    gatehouse_core::store::StoreError::Backend("the inserted user could not be read back".into())
                })
            }

            async fn user_by_id(
                &self,
                id: gatehouse_core::account::UserId,
            ) -> gatehouse_core::store::StoreResult<Option<gatehouse_core::account::User>> {
                let mut conn = self.pool.acquire().await.map_err(Self::db_err)?;
                Self::load_user(&mut *conn, id.0).await.map_err(Self::db_err)
            }

            async fn user_by_login(
                &self,
                login: &str,
            ) -> gatehouse_core::store::StoreResult<Option<gatehouse_core::account::User>> {
                static SQL: std::sync::OnceLock<String> = std::sync::OnceLock::new();
                let sql = SQL.get_or_init(|| {
                    format!(
                        "SELECT {}, {} AS roles FROM users WHERE lower(username) = lower($1) OR lower(email) = lower($1)",
                        $crate::common::users::user_columns!(),
                        Self::ROLES_OF_USER
                    )
                });
                sqlx::query(sql)
                    .bind(login)
                    .fetch_optional(&self.pool)
                    .await
                    .and_then(|row| row.map(|row| Self::user_with_roles(&row)).transpose())
                    .map_err(Self::db_err)
            }

            async fn list_users(
                &self,
                search: Option<&str>,
                limit: u32,
                offset: u32,
            ) -> gatehouse_core::store::StoreResult<Vec<gatehouse_core::account::User>> {
                use sqlx::Row as _;
                let mut conn = self.pool.acquire().await.map_err(Self::db_err)?;
                let mut qb = sqlx::QueryBuilder::<$db>::new(concat!(
                    "SELECT ",
                    $crate::common::users::user_columns!(),
                    " FROM users"
                ));
                if let Some(needle) = search.map(str::trim).filter(|s| !s.is_empty()) {
                    let pattern = $crate::common::contains_pattern(needle);
                    qb.push(" WHERE lower(username) LIKE lower(")
                        .push_bind(pattern.clone())
                        .push(") ESCAPE '\\' OR lower(email) LIKE lower(")
                        .push_bind(pattern)
                        .push(") ESCAPE '\\'");
                }
                qb.push(" ORDER BY created_at, id LIMIT ")
                    .push_bind(i64::from(limit))
                    .push(" OFFSET ")
                    .push_bind(i64::from(offset));
                let rows = qb.build().fetch_all(&mut *conn).await.map_err(Self::db_err)?;
                let ids = rows
                    .iter()
                    .map(|row| row.try_get::<uuid::Uuid, _>("id"))
                    .collect::<Result<Vec<_>, _>>()
                    .map_err(Self::db_err)?;
                let mut roles = Self::roles_of_users(&mut *conn, &ids).await.map_err(Self::db_err)?;
                rows.iter()
                    .zip(&ids)
                    .map(|(row, id)| Self::user_from_row(row, roles.remove(id).unwrap_or_default()))
                    .collect::<Result<Vec<_>, _>>()
                    .map_err(Self::db_err)
            }

            async fn set_password_hash(
                &self,
                id: gatehouse_core::account::UserId,
                hash: &str,
                now: time::OffsetDateTime,
            ) -> gatehouse_core::store::StoreResult<()> {
                sqlx::query("UPDATE users SET password_hash = $2, updated_at = $3 WHERE id = $1")
                    .bind(id.0)
                    .bind(hash)
                    .bind(Self::ts(now))
                    .execute(&self.pool)
                    .await
                    .map_err(Self::db_err)?;
                Ok(())
            }

            async fn set_roles(
                &self,
                id: gatehouse_core::account::UserId,
                roles: &[gatehouse_core::account::Role],
                now: time::OffsetDateTime,
            ) -> gatehouse_core::store::StoreResult<()> {
                let mut tx = self.begin_write().await?;
                sqlx::query("DELETE FROM user_roles WHERE user_id = $1")
                    .bind(id.0)
                    .execute(&mut *tx)
                    .await
                    .map_err(Self::db_err)?;
                for role in roles {
                    sqlx::query("INSERT INTO user_roles (user_id, role) VALUES ($1, $2) ON CONFLICT DO NOTHING")
                        .bind(id.0)
                        .bind(role.as_str())
                        .execute(&mut *tx)
                        .await
                        .map_err(Self::db_err)?;
                }
                sqlx::query("UPDATE users SET updated_at = $2 WHERE id = $1")
                    .bind(id.0)
                    .bind(Self::ts(now))
                    .execute(&mut *tx)
                    .await
                    .map_err(Self::db_err)?;
                tx.commit().await.map_err(Self::db_err)
            }

            async fn set_active(
                &self,
                id: gatehouse_core::account::UserId,
                active: bool,
                now: time::OffsetDateTime,
            ) -> gatehouse_core::store::StoreResult<()> {
                sqlx::query("UPDATE users SET is_active = $2, updated_at = $3 WHERE id = $1")
                    .bind(id.0)
                    .bind(active)
                    .bind(Self::ts(now))
                    .execute(&self.pool)
                    .await
                    .map_err(Self::db_err)?;
                Ok(())
            }

            async fn record_login_failure(
                &self,
                id: gatehouse_core::account::UserId,
            ) -> gatehouse_core::store::StoreResult<u32> {
                use sqlx::Row as _;
                let row = sqlx::query(
                    "UPDATE users SET failed_logins = failed_logins + 1 WHERE id = $1 RETURNING failed_logins",
                )
                .bind(id.0)
                .fetch_optional(&self.pool)
                .await
                .map_err(Self::db_err)?
                .ok_or_else(|| {
                    gatehouse_core::store::StoreError::Backend(format!("record_login_failure: no user {id}"))
                })?;
                let count: i32 = row.try_get("failed_logins").map_err(Self::db_err)?;
                Ok(u32::try_from(count).unwrap_or(0))
            }

            async fn set_locked_until(
                &self,
                id: gatehouse_core::account::UserId,
                until: Option<time::OffsetDateTime>,
            ) -> gatehouse_core::store::StoreResult<()> {
                sqlx::query("UPDATE users SET locked_until = $2 WHERE id = $1")
                    .bind(id.0)
                    .bind(until.map(Self::ts))
                    .execute(&self.pool)
                    .await
                    .map_err(Self::db_err)?;
                Ok(())
            }

            async fn clear_login_failures(
                &self,
                id: gatehouse_core::account::UserId,
            ) -> gatehouse_core::store::StoreResult<()> {
                sqlx::query("UPDATE users SET failed_logins = 0, locked_until = NULL WHERE id = $1")
                    .bind(id.0)
                    .execute(&self.pool)
                    .await
                    .map_err(Self::db_err)?;
                Ok(())
            }
        }
    };
}
pub(crate) use impl_user_store;
