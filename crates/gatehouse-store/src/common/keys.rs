//! [`gatehouse_core::store::KeyStore`] for both backends: the signing keys,
//! private parts sealed by the core, public parts as JWK text.
//!
//! A previous key is retired at a rotation only once it stopped signing more
//! than the longest token lifetime ago (`keep_for`): two rotations inside
//! one token lifetime leave both earlier keys published.
//!
//! Each algorithm has its own rotation: `rotate_in` shifts only the keys of the
//! new key's algorithm (previous → retired, current → previous), so there is
//! one current key per algorithm. A key published ahead (`prepublish`, at
//! most one next key per algorithm: a unique index) takes the same path
//! when it is promoted. The keys the server keeps for itself (sealed, by
//! name: `kept_secrets`) are here too.

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
                    " FROM signing_keys WHERE status IN ('next', 'current', 'previous') \
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
                let mut tx = self.begin_write().await?;
                $crate::common::keys::supersede!(Self, tx, new.alg, new.created_at, keep_for);
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

            async fn prepublish(
                &self,
                next: &gatehouse_core::token::StoredKey,
            ) -> gatehouse_core::store::StoreResult<bool> {
                let jwk = serde_json::to_string(&next.public_jwk).map_err(|e| {
                    gatehouse_core::store::StoreError::Backend(format!("cannot serialise a public JWK: {e}"))
                })?;
                let mut tx = self.begin_write().await?;
                let waiting: Option<String> =
                    sqlx::query_scalar("SELECT kid FROM signing_keys WHERE alg = $1 AND status = 'next'")
                        .bind(next.alg.as_str())
                        .fetch_optional(&mut *tx)
                        .await
                        .map_err(Self::db_err)?;
                if waiting.is_some() {
                    return Ok(false);
                }
                // Two nodes at once: the unique index on next keys lets one in.
                let inserted = sqlx::query(
                    "INSERT INTO signing_keys (kid, alg, private_sealed, public_jwk, status, created_at) \
                     VALUES ($1, $2, $3, $4, 'next', $5) ON CONFLICT (alg) WHERE status = 'next' DO NOTHING",
                )
                .bind(next.kid.as_str())
                .bind(next.alg.as_str())
                .bind(next.private_sealed.as_slice())
                .bind(jwk)
                .bind(Self::ts(next.created_at))
                .execute(&mut *tx)
                .await
                .map_err(Self::db_err)?
                .rows_affected();
                tx.commit().await.map_err(Self::db_err)?;
                Ok(inserted == 1)
            }

            async fn kept_secret(&self, name: &str) -> gatehouse_core::store::StoreResult<Option<Vec<u8>>> {
                sqlx::query_scalar("SELECT sealed FROM kept_secrets WHERE name = $1")
                    .bind(name)
                    .fetch_optional(&mut *self.conn().await?)
                    .await
                    .map_err(Self::db_err)
            }

            async fn keep_secret(
                &self,
                name: &str,
                sealed: &[u8],
                now: time::OffsetDateTime,
            ) -> gatehouse_core::store::StoreResult<Vec<u8>> {
                let mut conn = self.conn().await?;
                // Another node keeping its own at the same moment: the first stays.
                sqlx::query(
                    "INSERT INTO kept_secrets (name, sealed, created_at) VALUES ($1, $2, $3) \
                     ON CONFLICT (name) DO NOTHING",
                )
                .bind(name)
                .bind(sealed)
                .bind(Self::ts(now))
                .execute(&mut *conn)
                .await
                .map_err(Self::db_err)?;
                sqlx::query_scalar("SELECT sealed FROM kept_secrets WHERE name = $1")
                    .bind(name)
                    .fetch_one(&mut *conn)
                    .await
                    .map_err(Self::db_err)
            }

            async fn promote(
                &self,
                kid: &str,
                now: time::OffsetDateTime,
                keep_for: std::time::Duration,
            ) -> gatehouse_core::store::StoreResult<bool> {
                let mut tx = self.begin_write().await?;
                // Taking the row first (an update that changes nothing): a
                // second node promoting the same key waits here, then finds
                // it current and changes nothing.
                let alg: Option<String> = sqlx::query_scalar(
                    "UPDATE signing_keys SET status = status WHERE kid = $1 AND status = 'next' RETURNING alg",
                )
                .bind(kid)
                .fetch_optional(&mut *tx)
                .await
                .map_err(Self::db_err)?;
                let Some(alg) = alg else {
                    return Ok(false);
                };
                let alg = alg
                    .parse::<gatehouse_core::token::SigningAlg>()
                    .map_err(|e| $crate::common::corrupt(format!("signing key {kid}: {e}")))
                    .map_err(Self::db_err)?;
                $crate::common::keys::supersede!(Self, tx, alg, now, keep_for);
                sqlx::query("UPDATE signing_keys SET status = 'current' WHERE kid = $1")
                    .bind(kid)
                    .execute(&mut *tx)
                    .await
                    .map_err(Self::db_err)?;
                tx.commit().await.map_err(Self::db_err)?;
                Ok(true)
            }
        }
    };
}
pub(crate) use impl_key_store;

/// In the write transaction `$tx`, among the keys of `$alg` at `$now`:
/// previous keys that stopped signing more than `$keep_for` ago are retired
/// and the current key becomes previous.
macro_rules! supersede {
    ($store:ty, $tx:ident, $alg:expr, $now:expr, $keep_for:expr) => {{
        let now: time::OffsetDateTime = $now;
        let alg: gatehouse_core::token::SigningAlg = $alg;
        let keep_since = now - time::Duration::try_from($keep_for).unwrap_or(time::Duration::MAX);
        // Previous keys from before `superseded_at` existed count from now.
        sqlx::query(
            "UPDATE signing_keys SET superseded_at = $2 \
             WHERE status = 'previous' AND alg = $1 AND superseded_at IS NULL",
        )
        .bind(alg.as_str())
        .bind(<$store>::ts(now))
        .execute(&mut *$tx)
        .await
        .map_err(<$store>::db_err)?;
        sqlx::query(
            "UPDATE signing_keys SET status = 'retired' \
             WHERE status = 'previous' AND alg = $1 AND superseded_at < $2",
        )
        .bind(alg.as_str())
        .bind(<$store>::ts(keep_since))
        .execute(&mut *$tx)
        .await
        .map_err(<$store>::db_err)?;
        sqlx::query(
            "UPDATE signing_keys SET status = 'previous', superseded_at = $2 \
             WHERE status = 'current' AND alg = $1",
        )
        .bind(alg.as_str())
        .bind(<$store>::ts(now))
        .execute(&mut *$tx)
        .await
        .map_err(<$store>::db_err)?;
    }};
}
pub(crate) use supersede;
