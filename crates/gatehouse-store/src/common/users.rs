//! [`gatehouse_core::store::UserStore`] for both backends: users and their roles.
//!
//! Roles live in `user_roles` and are always returned sorted by name; a
//! user's permissions (what those roles grant) come from the store's cache of
//! role definitions, checked against `roles_version` in the same query that
//! reads the user (see `grants`), sorted and without duplicates.

/// The `users` columns every query reads, in [`impl_user_store!`]'s order.
macro_rules! user_columns {
    () => {
        "id, username, email, password_hash, is_active, email_verified, failed_logins, \
         locked_until, created_at, updated_at, password_reset_required, locale"
    };
}
pub(crate) use user_columns;

macro_rules! impl_user_store {
    ($store:ty, $db:ty) => {
        impl $store {
            /// A user from a row of [`user_columns!`], its roles and permissions.
            fn user_from_row(
                row: &<$db as sqlx::Database>::Row,
                roles: Vec<gatehouse_core::account::Role>,
                permissions: Vec<gatehouse_core::rbac::Permission>,
            ) -> Result<gatehouse_core::account::User, sqlx::Error> {
                use sqlx::Row as _;
                let failed_logins: i32 = row.try_get("failed_logins")?;
                Ok(gatehouse_core::account::User {
                    id: gatehouse_core::account::UserId(row.try_get("id")?),
                    username: gatehouse_core::account::Username::from_trusted(row.try_get("username")?),
                    email: gatehouse_core::account::Email::from_trusted(row.try_get("email")?),
                    password_hash: gatehouse_core::password::StoredHash::new(row.try_get("password_hash")?),
                    is_active: row.try_get("is_active")?,
                    email_verified: row.try_get("email_verified")?,
                    roles,
                    permissions,
                    password_reset_required: row.try_get("password_reset_required")?,
                    failed_logins: u32::try_from(failed_logins).unwrap_or(0),
                    locked_until: row.try_get("locked_until")?,
                    // A tag that no longer parses is no choice: the default language.
                    locale: row
                        .try_get::<Option<String>, _>("locale")?
                        .as_deref()
                        .and_then(gatehouse_core::i18n::Locale::parse),
                    created_at: row.try_get("created_at")?,
                    updated_at: row.try_get("updated_at")?,
                })
            }

            /// The user of a row that carries its roles and the roles version
            /// too (`roles` from [`Self::ROLES_OF_USER`], `roles_version` from
            /// `grants::ROLES_VERSION`): one round trip for a user. Its
            /// permissions are filled in by [`Self::granted`].
            fn user_with_roles(
                row: &<$db as sqlx::Database>::Row,
            ) -> Result<(gatehouse_core::account::User, i64), sqlx::Error> {
                use sqlx::Row as _;
                let roles: Option<String> = row.try_get("roles")?;
                let version: i64 = row.try_get("roles_version")?;
                let user = Self::user_from_row(row, $crate::common::users::split_roles(roles.as_deref()), Vec::new())?;
                Ok((user, version))
            }

            /// `SELECT <user columns>, roles, roles_version FROM users WHERE <condition>`.
            fn user_query(condition: &str) -> String {
                format!(
                    "SELECT {}, {} AS roles, {} AS roles_version FROM users WHERE {condition}",
                    $crate::common::users::user_columns!(),
                    Self::ROLES_OF_USER,
                    $crate::common::grants::ROLES_VERSION
                )
            }

            async fn load_user(
                conn: &mut <$db as sqlx::Database>::Connection,
                id: uuid::Uuid,
            ) -> Result<Option<(gatehouse_core::account::User, i64)>, sqlx::Error> {
                // Built once per backend, not per request.
                static SQL: std::sync::OnceLock<String> = std::sync::OnceLock::new();
                let sql = SQL.get_or_init(|| Self::user_query("id = $1"));
                sqlx::query(sql)
                    .bind(id)
                    .fetch_optional(&mut *conn)
                    .await?
                    .map(|row| Self::user_with_roles(&row))
                    .transpose()
            }

            /// What each role grants, as of `version` of the definitions or later.
            async fn grants(&self, version: i64) -> gatehouse_core::store::StoreResult<$crate::common::grants::Grants> {
                use sqlx::Row as _;
                if let Some(grants) = self.grants.get(version) {
                    return Ok(grants);
                }
                let rows = sqlx::query($crate::common::grants::GRANTS_QUERY)
                    .fetch_all(&mut *self.conn().await?)
                    .await
                    .map_err(Self::db_err)?;
                let read = rows.first().map(|r| r.try_get::<i64, _>("version")).transpose().map_err(Self::db_err)?;
                let pairs = rows
                    .iter()
                    .map(|r| Ok((r.try_get("role")?, r.try_get("permission")?)))
                    .collect::<Result<Vec<_>, sqlx::Error>>()
                    .map_err(Self::db_err)?;
                let grants = $crate::common::grants::grants_from(pairs);
                self.grants.put(read.unwrap_or(version), grants.clone());
                Ok(grants)
            }

            /// The user with the permissions their roles grant.
            async fn granted(
                &self,
                found: Option<(gatehouse_core::account::User, i64)>,
            ) -> gatehouse_core::store::StoreResult<Option<gatehouse_core::account::User>> {
                let Some((mut user, version)) = found else { return Ok(None) };
                let grants = self.grants(version).await?;
                user.permissions = $crate::common::grants::permissions_of(&grants, &user.roles);
                Ok(Some(user))
            }

            /// Runs `sql` (an insert or delete of one `user_roles` row, binding the
            /// user and the role) and, when it changed a row, the user's `updated_at`.
            async fn change_one_role(
                &self,
                sql: &'static str,
                id: gatehouse_core::account::UserId,
                role: &gatehouse_core::account::Role,
                now: time::OffsetDateTime,
            ) -> gatehouse_core::store::StoreResult<bool> {
                let mut tx = self.begin_write().await?;
                let changed = sqlx::query(sql)
                    .bind(id.0)
                    .bind(role.as_str())
                    .execute(&mut *tx)
                    .await
                    .map_err(Self::db_err)?
                    .rows_affected()
                    == 1;
                if changed {
                    Self::touch_user(&mut *tx, id, now).await?;
                }
                tx.commit().await.map_err(Self::db_err)?;
                self.note(gatehouse_core::store::Change::User(id));
                Ok(changed)
            }

            /// Sets a user's `updated_at` (after a change of their roles).
            async fn touch_user(
                conn: &mut <$db as sqlx::Database>::Connection,
                id: gatehouse_core::account::UserId,
                now: time::OffsetDateTime,
            ) -> gatehouse_core::store::StoreResult<()> {
                sqlx::query("UPDATE users SET updated_at = $2 WHERE id = $1")
                    .bind(id.0)
                    .bind(Self::ts(now))
                    .execute(&mut *conn)
                    .await
                    .map_err(Self::db_err)?;
                Ok(())
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
                     failed_logins, locked_until, created_at, updated_at, locale) \
                     VALUES ($1, $2, $3, $4, $5, $6, 0, NULL, $7, $7, $8)",
                )
                .bind(user.id.0)
                .bind(user.username.as_str())
                .bind(user.email.as_str())
                .bind(user.password_hash.expose())
                .bind(true)
                .bind(user.email_verified)
                .bind(Self::ts(user.created_at))
                .bind(user.locale.as_ref().map(gatehouse_core::i18n::Locale::tag))
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
                self.granted(stored).await?.ok_or_else(|| {
                    gatehouse_core::store::StoreError::Backend("the inserted user could not be read back".into())
                })
            }

            async fn user_by_id(
                &self,
                id: gatehouse_core::account::UserId,
            ) -> gatehouse_core::store::StoreResult<Option<gatehouse_core::account::User>> {
                let mut conn = self.conn().await?;
                let found = Self::load_user(&mut *conn, id.0).await.map_err(Self::db_err)?;
                drop(conn);
                self.granted(found).await
            }

            async fn user_by_login(
                &self,
                login: &str,
            ) -> gatehouse_core::store::StoreResult<Option<gatehouse_core::account::User>> {
                static SQL: std::sync::OnceLock<String> = std::sync::OnceLock::new();
                let sql =
                    SQL.get_or_init(|| Self::user_query("lower(username) = lower($1) OR lower(email) = lower($1)"));
                let found = sqlx::query(sql)
                    .bind(login)
                    .fetch_optional(&mut *self.conn().await?)
                    .await
                    .and_then(|row| row.map(|row| Self::user_with_roles(&row)).transpose())
                    .map_err(Self::db_err)?;
                self.granted(found).await
            }

            async fn list_users(
                &self,
                filter: &gatehouse_core::store::UserFilter,
                limit: u32,
                offset: u32,
            ) -> gatehouse_core::store::StoreResult<Vec<gatehouse_core::account::User>> {
                use sqlx::Row as _;
                let mut conn = self.conn().await?;
                let mut qb = sqlx::QueryBuilder::<$db>::new(concat!(
                    "SELECT ",
                    $crate::common::users::user_columns!(),
                    " FROM users WHERE 1 = 1"
                ));
                if let Some(needle) = filter.search.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
                    let pattern = $crate::common::contains_pattern(needle);
                    qb.push(" AND (lower(username) LIKE lower(")
                        .push_bind(pattern.clone())
                        .push(") ESCAPE '\\' OR lower(email) LIKE lower(")
                        .push_bind(pattern)
                        .push(") ESCAPE '\\')");
                }
                if let Some(role) = &filter.role {
                    qb.push(" AND id IN (SELECT user_id FROM user_roles WHERE role = ")
                        .push_bind(role.as_str().to_owned())
                        .push(")");
                }
                if let Some(active) = filter.active {
                    qb.push(" AND is_active = ").push_bind(active);
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
                let version: i64 = sqlx::query_scalar("SELECT version FROM roles_version WHERE id = 1")
                    .fetch_one(&mut *conn)
                    .await
                    .map_err(Self::db_err)?;
                drop(conn);
                let grants = self.grants(version).await?;
                rows.iter()
                    .zip(&ids)
                    .map(|(row, id)| {
                        let roles = roles.remove(id).unwrap_or_default();
                        let permissions = $crate::common::grants::permissions_of(&grants, &roles);
                        Self::user_from_row(row, roles, permissions)
                    })
                    .collect::<Result<Vec<_>, _>>()
                    .map_err(Self::db_err)
            }

            async fn set_password_hash(
                &self,
                id: gatehouse_core::account::UserId,
                hash: &gatehouse_core::password::StoredHash,
                now: time::OffsetDateTime,
            ) -> gatehouse_core::store::StoreResult<()> {
                sqlx::query(
                    "UPDATE users SET password_hash = $2, password_reset_required = $4, updated_at = $3 WHERE id = $1",
                )
                .bind(id.0)
                .bind(hash.expose())
                .bind(Self::ts(now))
                .bind(false)
                .execute(&mut *self.conn().await?)
                .await
                .map_err(Self::db_err)?;
                self.note(gatehouse_core::store::Change::User(id));
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
                Self::touch_user(&mut *tx, id, now).await?;
                tx.commit().await.map_err(Self::db_err)?;
                self.note(gatehouse_core::store::Change::User(id));
                Ok(())
            }

            async fn grant_role(
                &self,
                id: gatehouse_core::account::UserId,
                role: &gatehouse_core::account::Role,
                now: time::OffsetDateTime,
            ) -> gatehouse_core::store::StoreResult<bool> {
                self.change_one_role(
                    "INSERT INTO user_roles (user_id, role) VALUES ($1, $2) ON CONFLICT DO NOTHING",
                    id,
                    role,
                    now,
                )
                .await
            }

            async fn revoke_role(
                &self,
                id: gatehouse_core::account::UserId,
                role: &gatehouse_core::account::Role,
                now: time::OffsetDateTime,
            ) -> gatehouse_core::store::StoreResult<bool> {
                self.change_one_role("DELETE FROM user_roles WHERE user_id = $1 AND role = $2", id, role, now).await
            }

            async fn update_profile(
                &self,
                id: gatehouse_core::account::UserId,
                profile: &gatehouse_core::store::Profile,
                now: time::OffsetDateTime,
            ) -> gatehouse_core::store::StoreResult<()> {
                sqlx::query(
                    "UPDATE users SET username = $2, email = $3, email_verified = $4, updated_at = $5 WHERE id = $1",
                )
                .bind(id.0)
                .bind(profile.username.as_str())
                .bind(profile.email.as_str())
                .bind(profile.email_verified)
                .bind(Self::ts(now))
                .execute(&mut *self.conn().await?)
                .await
                .map_err(Self::db_err)?;
                self.note(gatehouse_core::store::Change::User(id));
                Ok(())
            }

            async fn set_password_reset_required(
                &self,
                id: gatehouse_core::account::UserId,
                required: bool,
                now: time::OffsetDateTime,
            ) -> gatehouse_core::store::StoreResult<()> {
                sqlx::query("UPDATE users SET password_reset_required = $2, updated_at = $3 WHERE id = $1")
                    .bind(id.0)
                    .bind(required)
                    .bind(Self::ts(now))
                    .execute(&mut *self.conn().await?)
                    .await
                    .map_err(Self::db_err)?;
                self.note(gatehouse_core::store::Change::User(id));
                Ok(())
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
                    .execute(&mut *self.conn().await?)
                    .await
                    .map_err(Self::db_err)?;
                self.note(gatehouse_core::store::Change::User(id));
                Ok(())
            }

            async fn set_locale(
                &self,
                id: gatehouse_core::account::UserId,
                locale: Option<&gatehouse_core::i18n::Locale>,
                now: time::OffsetDateTime,
            ) -> gatehouse_core::store::StoreResult<()> {
                sqlx::query("UPDATE users SET locale = $2, updated_at = $3 WHERE id = $1")
                    .bind(id.0)
                    .bind(locale.map(gatehouse_core::i18n::Locale::tag))
                    .bind(Self::ts(now))
                    .execute(&mut *self.conn().await?)
                    .await
                    .map_err(Self::db_err)?;
                self.note(gatehouse_core::store::Change::User(id));
                Ok(())
            }

            async fn record_login_failure(
                &self,
                id: gatehouse_core::account::UserId,
                now: time::OffsetDateTime,
                forget_before: time::OffsetDateTime,
            ) -> gatehouse_core::store::StoreResult<u32> {
                use sqlx::Row as _;
                let row = sqlx::query(
                    "UPDATE users SET failed_logins = CASE WHEN last_failed_login_at < $3 THEN 1 \
                     ELSE failed_logins + 1 END, last_failed_login_at = $2 WHERE id = $1 RETURNING failed_logins",
                )
                .bind(id.0)
                .bind(Self::ts(now))
                .bind(Self::ts(forget_before))
                .fetch_optional(&mut *self.conn().await?)
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
                    .execute(&mut *self.conn().await?)
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
                    .execute(&mut *self.conn().await?)
                    .await
                    .map_err(Self::db_err)?;
                Ok(())
            }

            async fn record_name_failure(
                &self,
                name: &[u8],
                now: time::OffsetDateTime,
                forget_before: time::OffsetDateTime,
            ) -> gatehouse_core::store::StoreResult<u32> {
                let count: i32 = sqlx::query_scalar(
                    "INSERT INTO login_name_failures (name_digest, failures, last_failure_at) VALUES ($1, 1, $2) \
                     ON CONFLICT (name_digest) DO UPDATE SET failures = CASE \
                     WHEN login_name_failures.last_failure_at < $3 THEN 1 \
                     ELSE login_name_failures.failures + 1 END, last_failure_at = $2 \
                     RETURNING failures",
                )
                .bind(name)
                .bind(Self::ts(now))
                .bind(Self::ts(forget_before))
                .fetch_one(&mut *self.conn().await?)
                .await
                .map_err(Self::db_err)?;
                Ok(u32::try_from(count).unwrap_or(0))
            }

            async fn set_name_locked_until(
                &self,
                name: &[u8],
                until: time::OffsetDateTime,
            ) -> gatehouse_core::store::StoreResult<()> {
                sqlx::query("UPDATE login_name_failures SET locked_until = $2 WHERE name_digest = $1")
                    .bind(name)
                    .bind(Self::ts(until))
                    .execute(&mut *self.conn().await?)
                    .await
                    .map_err(Self::db_err)?;
                Ok(())
            }

            async fn name_locked_until(
                &self,
                name: &[u8],
            ) -> gatehouse_core::store::StoreResult<Option<time::OffsetDateTime>> {
                let until: Option<Option<time::OffsetDateTime>> =
                    sqlx::query_scalar("SELECT locked_until FROM login_name_failures WHERE name_digest = $1")
                        .bind(name)
                        .fetch_optional(&mut *self.conn().await?)
                        .await
                        .map_err(Self::db_err)?;
                Ok(until.flatten())
            }
        }
    };
}
pub(crate) use impl_user_store;

/// Roles as [`impl_user_store!`]'s queries aggregate them (space-separated), sorted.
pub(crate) fn split_roles(joined: Option<&str>) -> Vec<gatehouse_core::account::Role> {
    let mut roles: Vec<_> = joined
        .unwrap_or_default()
        .split(' ')
        .filter(|r| !r.is_empty())
        .map(|r| gatehouse_core::account::Role::from_trusted(r.to_owned()))
        .collect();
    roles.sort();
    roles
}
