//! [`gatehouse_core::store::ApiKeyStore`] for both backends: personal API
//! keys (`api_keys`, migration 0009), looked up by the SHA-256 digest of the
//! key. Scopes are stored space-separated.

macro_rules! api_key_columns {
    () => {
        "id, user_id, name, digest, scopes, created_at, expires_at, last_used_at, last_used_ip, revoked_at"
    };
}
pub(crate) use api_key_columns;

macro_rules! impl_api_key_store {
    ($store:ty, $db:ty) => {
        impl $store {
            fn api_key_from_row(
                row: &<$db as sqlx::Database>::Row,
            ) -> Result<gatehouse_core::api_key::ApiKey, sqlx::Error> {
                use sqlx::Row as _;
                let id: uuid::Uuid = row.try_get("id")?;
                let digest: Vec<u8> = row.try_get("digest")?;
                let digest = gatehouse_core::crypto::TokenDigest::from_slice(&digest)
                    .ok_or_else(|| $crate::common::corrupt(format!("api key {id}: digest is not 32 bytes")))?;
                let scopes: String = row.try_get("scopes")?;
                Ok(gatehouse_core::api_key::ApiKey {
                    id,
                    user_id: gatehouse_core::account::UserId(row.try_get("user_id")?),
                    name: row.try_get("name")?,
                    digest,
                    scopes: scopes
                        .split_whitespace()
                        .map(|s| gatehouse_core::rbac::Permission::from_trusted(s.to_owned()))
                        .collect(),
                    created_at: row.try_get("created_at")?,
                    expires_at: row.try_get("expires_at")?,
                    last_used_at: row.try_get("last_used_at")?,
                    last_used_ip: row.try_get("last_used_ip")?,
                    revoked_at: row.try_get("revoked_at")?,
                })
            }
        }

        #[async_trait::async_trait]
        impl gatehouse_core::store::ApiKeyStore for $store {
            async fn insert_api_key(
                &self,
                key: &gatehouse_core::api_key::ApiKey,
            ) -> gatehouse_core::store::StoreResult<()> {
                let mut tx = self.begin_write().await?;
                sqlx::query(concat!(
                    "INSERT INTO api_keys (",
                    $crate::common::api_keys::api_key_columns!(),
                    ") VALUES ($1, $2, $3, $4, $5, $6, $7, NULL, NULL, NULL)"
                ))
                .bind(key.id)
                .bind(key.user_id.0)
                .bind(key.name.as_str())
                .bind(key.digest.as_bytes())
                .bind(key.scope())
                .bind(Self::ts(key.created_at))
                .bind(key.expires_at.map(Self::ts))
                .execute(&mut *tx)
                .await
                .map_err(Self::db_err)?;
                tx.commit().await.map_err(Self::db_err)
            }

            async fn api_key_by_digest(
                &self,
                digest: &gatehouse_core::crypto::TokenDigest,
            ) -> gatehouse_core::store::StoreResult<Option<gatehouse_core::api_key::ApiKey>> {
                sqlx::query(concat!(
                    "SELECT ",
                    $crate::common::api_keys::api_key_columns!(),
                    " FROM api_keys WHERE digest = $1"
                ))
                .bind(digest.as_bytes())
                .fetch_optional(&mut *self.conn().await?)
                .await
                .and_then(|row| row.map(|row| Self::api_key_from_row(&row)).transpose())
                .map_err(Self::db_err)
            }

            async fn api_keys(
                &self,
                user: gatehouse_core::account::UserId,
            ) -> gatehouse_core::store::StoreResult<Vec<gatehouse_core::api_key::ApiKey>> {
                sqlx::query(concat!(
                    "SELECT ",
                    $crate::common::api_keys::api_key_columns!(),
                    " FROM api_keys WHERE user_id = $1 ORDER BY created_at DESC, id DESC"
                ))
                .bind(user.0)
                .fetch_all(&mut *self.conn().await?)
                .await
                .and_then(|rows| rows.iter().map(Self::api_key_from_row).collect())
                .map_err(Self::db_err)
            }

            async fn revoke_api_key(
                &self,
                user: gatehouse_core::account::UserId,
                id: uuid::Uuid,
                now: time::OffsetDateTime,
            ) -> gatehouse_core::store::StoreResult<bool> {
                let mut tx = self.begin_write().await?;
                let revoked = sqlx::query(
                    "UPDATE api_keys SET revoked_at = $3 WHERE id = $1 AND user_id = $2 AND revoked_at IS NULL",
                )
                .bind(id)
                .bind(user.0)
                .bind(Self::ts(now))
                .execute(&mut *tx)
                .await
                .map_err(Self::db_err)?
                .rows_affected()
                    == 1;
                tx.commit().await.map_err(Self::db_err)?;
                Ok(revoked)
            }

            async fn revoke_user_api_keys(
                &self,
                user: gatehouse_core::account::UserId,
                now: time::OffsetDateTime,
            ) -> gatehouse_core::store::StoreResult<u64> {
                let mut tx = self.begin_write().await?;
                let n = sqlx::query("UPDATE api_keys SET revoked_at = $2 WHERE user_id = $1 AND revoked_at IS NULL")
                    .bind(user.0)
                    .bind(Self::ts(now))
                    .execute(&mut *tx)
                    .await
                    .map_err(Self::db_err)?
                    .rows_affected();
                tx.commit().await.map_err(Self::db_err)?;
                Ok(n)
            }

            async fn touch_api_key(
                &self,
                id: uuid::Uuid,
                now: time::OffsetDateTime,
                ip: Option<&str>,
            ) -> gatehouse_core::store::StoreResult<()> {
                let mut tx = self.begin_write().await?;
                sqlx::query(
                    "UPDATE api_keys SET last_used_at = $2, last_used_ip = COALESCE($3, last_used_ip) WHERE id = $1",
                )
                .bind(id)
                .bind(Self::ts(now))
                .bind(ip)
                .execute(&mut *tx)
                .await
                .map_err(Self::db_err)?;
                tx.commit().await.map_err(Self::db_err)
            }
        }
    };
}
pub(crate) use impl_api_key_store;
