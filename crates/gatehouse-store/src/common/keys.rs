//! [`gatehouse_core::store::KeyStore`] for both backends: the signing keys,
//! private parts sealed by the core, public parts as JWK text.
//!
//! A previous key is retired at a rotation only once it stopped signing more
//! than the longest token lifetime ago (`keep_for`): two rotations inside
//! one token lifetime leave both earlier keys published.
//!
//! Each algorithm has its own rotation: `rotate_in` shifts only the keys of the
//! new key's algorithm (previous → retired, current → previous), so there is
//! one current key per algorithm.

macro_rules! key_columns {
    () => {
        "kid, alg, private_sealed, public_jwk, status, created_at"
    };
}
pub(crate) use key_columns;

macro_rules! impl_key_store {
    ($store:ty, $db:ty) => {
        impl $store {
            fn key_from_row(
                row: &<$db as sqlx::Database>::Row,
            ) -> Result<gatehouse_core::token::StoredKey, sqlx::Error> {
                use sqlx::Row as _;
                let kid: String = row.try_get("kid")?;
                let alg: String = row.try_get("alg")?;
                let alg = alg
                    .parse::<gatehouse_core::token::SigningAlg>()
                    .map_err(|e| $crate::common::corrupt(format!("signing key {kid}: {e}")))?;
                let status: String = row.try_get("status")?;
                let status = gatehouse_core::token::KeyStatus::parse(&status)
                    .ok_or_else(|| $crate::common::corrupt(format!("signing key {kid}: unknown status '{status}'")))?;
                let jwk: String = row.try_get("public_jwk")?;
                let public_jwk = serde_json::from_str(&jwk).map_err(|e| {
                    $crate::common::corrupt(format!("signing key {kid}: the public JWK is not JSON: {e}"))
                })?;
                Ok(gatehouse_core::token::StoredKey {
                    alg,
                    private_sealed: row.try_get("private_sealed")?,
                    public_jwk,
                    status,
                    created_at: row.try_get("created_at")?,
                    kid,
                })
            }
        }

        #[async_trait::async_trait]
        impl gatehouse_core::store::KeyStore for $store {
            async fn published_keys(
                &self,
            ) -> gatehouse_core::store::StoreResult<Vec<gatehouse_core::token::StoredKey>> {
                sqlx::query(concat!(
                    "SELECT ",
                    $crate::common::keys::key_columns!(),
                    " FROM signing_keys WHERE status IN ('current', 'previous') \
                     ORDER BY created_at DESC, kid DESC"
                ))
                .fetch_all(&mut *self.conn().await?)
                .await
                .map_err(Self::db_err)?
                .iter()
                .map(Self::key_from_row)
                .collect::<Result<Vec<_>, _>>()
                .map_err(Self::db_err)
            }

            async fn all_keys(&self) -> gatehouse_core::store::StoreResult<Vec<gatehouse_core::token::StoredKey>> {
                sqlx::query(concat!(
                    "SELECT ",
                    $crate::common::keys::key_columns!(),
                    " FROM signing_keys ORDER BY created_at DESC, kid DESC"
                ))
                .fetch_all(&mut *self.conn().await?)
                .await
                .map_err(Self::db_err)?
                .iter()
                .map(Self::key_from_row)
                .collect::<Result<Vec<_>, _>>()
                .map_err(Self::db_err)
            }

            async fn rotate_in(
                &self,
                new: &gatehouse_core::token::StoredKey,
                keep_for: std::time::Duration,
            ) -> gatehouse_core::store::StoreResult<()> {
                let jwk = serde_json::to_string(&new.public_jwk).map_err(|e| {
                    gatehouse_core::store::StoreError::Backend(format!("cannot serialise a public JWK: {e}"))
                })?;
                let now = new.created_at;
                let keep_since = now - time::Duration::try_from(keep_for).unwrap_or(time::Duration::MAX);
                let mut tx = self.begin_write().await?;
                // Previous keys from before `superseded_at` existed count from now.
                sqlx::query(
                    "UPDATE signing_keys SET superseded_at = $2 \
                     WHERE status = 'previous' AND alg = $1 AND superseded_at IS NULL",
                )
                .bind(new.alg.as_str())
                .bind(Self::ts(now))
                .execute(&mut *tx)
                .await
                .map_err(Self::db_err)?;
                sqlx::query(
                    "UPDATE signing_keys SET status = 'retired' \
                     WHERE status = 'previous' AND alg = $1 AND superseded_at < $2",
                )
                .bind(new.alg.as_str())
                .bind(Self::ts(keep_since))
                .execute(&mut *tx)
                .await
                .map_err(Self::db_err)?;
                sqlx::query(
                    "UPDATE signing_keys SET status = 'previous', superseded_at = $2 \
                     WHERE status = 'current' AND alg = $1",
                )
                .bind(new.alg.as_str())
                .bind(Self::ts(now))
                .execute(&mut *tx)
                .await
                .map_err(Self::db_err)?;
                sqlx::query(
                    "INSERT INTO signing_keys (kid, alg, private_sealed, public_jwk, status, created_at) \
                     VALUES ($1, $2, $3, $4, 'current', $5)",
                )
                .bind(new.kid.as_str())
                .bind(new.alg.as_str())
                .bind(new.private_sealed.as_slice())
                .bind(jwk)
                .bind(Self::ts(new.created_at))
                .execute(&mut *tx)
                .await
                .map_err(Self::db_err)?;
                tx.commit().await.map_err(Self::db_err)
            }
        }
    };
}
pub(crate) use impl_key_store;
