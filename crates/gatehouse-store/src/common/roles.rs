//! [`gatehouse_core::store::RoleStore`] for both backends: roles (`roles`)
//! and what each grants (`role_permissions`, migration 0009). Deleting a role
//! takes it from its holders through `user_roles`' foreign key.

macro_rules! impl_role_store {
    ($store:ty, $db:ty) => {
        impl $store {
            /// Every role (or the one named), with its permissions, by name.
            async fn load_roles(
                &self,
                name: Option<&str>,
            ) -> gatehouse_core::store::StoreResult<Vec<gatehouse_core::rbac::RoleDef>> {
                use sqlx::Row as _;
                let mut qb = sqlx::QueryBuilder::<$db>::new(
                    "SELECT r.name, r.description, r.builtin, r.created_at, r.updated_at, p.permission \
                     FROM roles r LEFT JOIN role_permissions p ON p.role = r.name",
                );
                if let Some(name) = name {
                    qb.push(" WHERE r.name = ").push_bind(name.to_owned());
                }
                qb.push(" ORDER BY r.name, p.permission");
                let rows = qb.build().fetch_all(&mut *self.conn().await?).await.map_err(Self::db_err)?;
                let mut roles: Vec<gatehouse_core::rbac::RoleDef> = Vec::new();
                for row in rows {
                    let read = || -> Result<_, sqlx::Error> {
                        let name: String = row.try_get("name")?;
                        let permission: Option<String> = row.try_get("permission")?;
                        Ok((name, permission))
                    };
                    let (name, permission) = read().map_err(Self::db_err)?;
                    if roles.last().is_none_or(|r| r.name.as_str() != name) {
                        let role = (|| -> Result<_, sqlx::Error> {
                            Ok(gatehouse_core::rbac::RoleDef {
                                name: gatehouse_core::account::Role::from_trusted(name.clone()),
                                description: row.try_get("description")?,
                                permissions: Vec::new(),
                                builtin: row.try_get("builtin")?,
                                created_at: row.try_get("created_at")?,
                                updated_at: row.try_get("updated_at")?,
                            })
                        })()
                        .map_err(Self::db_err)?;
                        roles.push(role);
                    }
                    if let (Some(p), Some(role)) = (permission, roles.last_mut()) {
                        role.permissions.push(gatehouse_core::rbac::Permission::from_trusted(p));
                    }
                }
                Ok(roles)
            }

            async fn insert_permissions(
                conn: &mut <$db as sqlx::Database>::Connection,
                role: &str,
                permissions: &[gatehouse_core::rbac::Permission],
            ) -> gatehouse_core::store::StoreResult<()> {
                for p in permissions {
                    sqlx::query("INSERT INTO role_permissions (role, permission) VALUES ($1, $2) ON CONFLICT DO NOTHING")
                        .bind(role)
                        .bind(p.as_str())
                        .execute(&mut *conn)
                        .await
                        .map_err(Self::db_err)?;
                }
                Ok(())
            }
        }

        #[async_trait::async_trait]
        impl gatehouse_core::store::RoleStore for $store {
            async fn roles(&self) -> gatehouse_core::store::StoreResult<Vec<gatehouse_core::rbac::RoleDef>> {
                self.load_roles(None).await
            }

            async fn role(
                &self,
                name: &gatehouse_core::account::Role,
            ) -> gatehouse_core::store::StoreResult<Option<gatehouse_core::rbac::RoleDef>> {
                Ok(self.load_roles(Some(name.as_str())).await?.into_iter().next())
            }

            async fn insert_role(&self, role: &gatehouse_core::rbac::RoleDef) -> gatehouse_core::store::StoreResult<()> {
                let mut tx = self.begin_write().await?;
                sqlx::query(
                    "INSERT INTO roles (name, description, builtin, created_at, updated_at) VALUES ($1, $2, $3, $4, $5)",
                )
                .bind(role.name.as_str())
                .bind(role.description.as_str())
                .bind(role.builtin)
                .bind(Self::ts(role.created_at))
                .bind(Self::ts(role.updated_at))
                .execute(&mut *tx)
                .await
                .map_err(Self::db_err)?;
                Self::insert_permissions(&mut *tx, role.name.as_str(), &role.permissions).await?;
                tx.commit().await.map_err(Self::db_err)
            }

            async fn update_role(
                &self,
                role: &gatehouse_core::rbac::RoleDef,
            ) -> gatehouse_core::store::StoreResult<bool> {
                let mut tx = self.begin_write().await?;
                let found = sqlx::query("UPDATE roles SET description = $2, updated_at = $3 WHERE name = $1")
                    .bind(role.name.as_str())
                    .bind(role.description.as_str())
                    .bind(Self::ts(role.updated_at))
                    .execute(&mut *tx)
                    .await
                    .map_err(Self::db_err)?
                    .rows_affected()
                    == 1;
                if !found {
                    return Ok(false);
                }
                sqlx::query("DELETE FROM role_permissions WHERE role = $1")
                    .bind(role.name.as_str())
                    .execute(&mut *tx)
                    .await
                    .map_err(Self::db_err)?;
                Self::insert_permissions(&mut *tx, role.name.as_str(), &role.permissions).await?;
                tx.commit().await.map_err(Self::db_err)?;
                self.note(gatehouse_core::store::Change::Roles);
                Ok(true)
            }

            async fn delete_role(
                &self,
                name: &gatehouse_core::account::Role,
            ) -> gatehouse_core::store::StoreResult<bool> {
                let mut tx = self.begin_write().await?;
                let deleted = sqlx::query("DELETE FROM roles WHERE name = $1")
                    .bind(name.as_str())
                    .execute(&mut *tx)
                    .await
                    .map_err(Self::db_err)?
                    .rows_affected()
                    == 1;
                tx.commit().await.map_err(Self::db_err)?;
                self.note(gatehouse_core::store::Change::Roles);
                Ok(deleted)
            }

            async fn role_holders(
                &self,
                name: &gatehouse_core::account::Role,
                active_only: bool,
            ) -> gatehouse_core::store::StoreResult<u64> {
                let count: i64 = sqlx::query_scalar(
                    "SELECT count(*) FROM user_roles ur JOIN users u ON u.id = ur.user_id \
                     WHERE ur.role = $1 AND (u.is_active OR NOT $2)",
                )
                .bind(name.as_str())
                .bind(active_only)
                .fetch_one(&mut *self.conn().await?)
                .await
                .map_err(Self::db_err)?;
                Ok(u64::try_from(count).unwrap_or(0))
            }

            async fn lock_active_holders(
                &self,
                name: &gatehouse_core::account::Role,
            ) -> gatehouse_core::store::StoreResult<u64> {
                static SQL: std::sync::OnceLock<String> = std::sync::OnceLock::new();
                let sql = SQL.get_or_init(|| {
                    format!(
                        "SELECT count(*) FROM (SELECT u.id FROM users u JOIN user_roles ur ON ur.user_id = u.id \
                         WHERE ur.role = $1 AND u.is_active ORDER BY u.id{}) held",
                        Self::FOR_UPDATE
                    )
                });
                let count: i64 = sqlx::query_scalar(sql)
                    .bind(name.as_str())
                    .fetch_one(&mut *self.conn().await?)
                    .await
                    .map_err(Self::db_err)?;
                Ok(u64::try_from(count).unwrap_or(0))
            }

            async fn sync_builtin_roles(
                &self,
                builtins: &[gatehouse_core::rbac::RoleDef],
            ) -> gatehouse_core::store::StoreResult<()> {
                let mut tx = self.begin_write().await?;
                for role in builtins {
                    sqlx::query(
                        "INSERT INTO roles (name, description, builtin, created_at, updated_at) \
                         VALUES ($1, $2, $3, $4, $4) ON CONFLICT (name) DO NOTHING",
                    )
                    .bind(role.name.as_str())
                    .bind(role.description.as_str())
                    .bind(true)
                    .bind(Self::ts(role.created_at))
                    .execute(&mut *tx)
                    .await
                    .map_err(Self::db_err)?;
                    Self::insert_permissions(&mut *tx, role.name.as_str(), &role.permissions).await?;
                }
                tx.commit().await.map_err(Self::db_err)?;
                self.note(gatehouse_core::store::Change::Roles);
                Ok(())
            }
        }
    };
}
pub(crate) use impl_role_store;
