//! [`gatehouse_core::store::MfaStore`] for both backends: TOTP secrets (sealed
//! by the core), backup code digests and login challenges.
//!
//! Every single-use rule is one conditional `UPDATE` whose `WHERE` holds the
//! rule (`last_step < $step`, `used_at IS NULL`, ...), and the answer is
//! whether it changed a row: of concurrent callers exactly one matches. On
//! PostgreSQL a second `UPDATE` of the same row waits for the first to commit
//! and re-checks the condition; on SQLite writes take the database lock one at
//! a time.

macro_rules! totp_columns {
    () => {
        "user_id, secret_sealed, created_at, enabled_at, last_step"
    };
}
pub(crate) use totp_columns;

macro_rules! challenge_columns {
    () => {
        "id, user_id, digest, amr, created_at, expires_at, failed_attempts, used_at"
    };
}
pub(crate) use challenge_columns;

macro_rules! impl_mfa_store {
    ($store:ty, $db:ty) => {
        impl $store {
            fn totp_from_row(
                row: &<$db as sqlx::Database>::Row,
            ) -> Result<gatehouse_core::mfa::TotpRecord, sqlx::Error> {
                use sqlx::Row as _;
                Ok(gatehouse_core::mfa::TotpRecord {
                    user_id: gatehouse_core::account::UserId(row.try_get("user_id")?),
                    secret_sealed: row.try_get("secret_sealed")?,
                    created_at: row.try_get("created_at")?,
                    enabled_at: row.try_get("enabled_at")?,
                    last_step: row.try_get("last_step")?,
                })
            }

            fn challenge_from_row(
                row: &<$db as sqlx::Database>::Row,
            ) -> Result<gatehouse_core::mfa::MfaChallenge, sqlx::Error> {
                use sqlx::Row as _;
                let id: uuid::Uuid = row.try_get("id")?;
                let digest: Vec<u8> = row.try_get("digest")?;
                let digest = gatehouse_core::crypto::TokenDigest::from_slice(&digest).ok_or_else(|| {
                    $crate::common::corrupt(format!(
                        "MFA challenge {id}: the digest has {} bytes, not 32",
                        digest.len()
                    ))
                })?;
                let failed_attempts: i32 = row.try_get("failed_attempts")?;
                Ok(gatehouse_core::mfa::MfaChallenge {
                    id,
                    user_id: gatehouse_core::account::UserId(row.try_get("user_id")?),
                    digest,
                    amr: gatehouse_core::amr::Amr::from_column(row.try_get("amr")?),
                    created_at: row.try_get("created_at")?,
                    expires_at: row.try_get("expires_at")?,
                    failed_attempts: u32::try_from(failed_attempts).unwrap_or(0),
                    used_at: row.try_get("used_at")?,
                })
            }
        }

        #[async_trait::async_trait]
        impl gatehouse_core::store::MfaStore for $store {
            async fn totp(
                &self,
                user: gatehouse_core::account::UserId,
            ) -> gatehouse_core::store::StoreResult<Option<gatehouse_core::mfa::TotpRecord>> {
                sqlx::query(concat!(
                    "SELECT ",
                    $crate::common::mfa::totp_columns!(),
                    " FROM mfa_totp WHERE user_id = $1"
                ))
                .bind(user.0)
                .fetch_optional(&mut *self.conn().await?)
                .await
                .map_err(Self::db_err)?
                .map(|row| Self::totp_from_row(&row))
                .transpose()
                .map_err(Self::db_err)
            }

            async fn put_pending_totp(
                &self,
                user: gatehouse_core::account::UserId,
                sealed: &[u8],
                now: time::OffsetDateTime,
            ) -> gatehouse_core::store::StoreResult<bool> {
                // The `WHERE` of the update keeps an enabled secret untouched
                // (and then no row counts as written).
                let done = sqlx::query(
                    "INSERT INTO mfa_totp (user_id, secret_sealed, created_at, enabled_at, last_step) \
                     VALUES ($1, $2, $3, NULL, NULL) \
                     ON CONFLICT (user_id) DO UPDATE SET secret_sealed = excluded.secret_sealed, \
                     created_at = excluded.created_at, enabled_at = NULL, last_step = NULL \
                     WHERE mfa_totp.enabled_at IS NULL",
                )
                .bind(user.0)
                .bind(sealed)
                .bind(Self::ts(now))
                .execute(&mut *self.conn().await?)
                .await
                .map_err(Self::db_err)?;
                Ok(done.rows_affected() == 1)
            }

            async fn enable_totp(
                &self,
                user: gatehouse_core::account::UserId,
                step: i64,
                now: time::OffsetDateTime,
            ) -> gatehouse_core::store::StoreResult<bool> {
                let done = sqlx::query(
                    "UPDATE mfa_totp SET enabled_at = $2, last_step = $3 WHERE user_id = $1 AND enabled_at IS NULL",
                )
                .bind(user.0)
                .bind(Self::ts(now))
                .bind(step)
                .execute(&mut *self.conn().await?)
                .await
                .map_err(Self::db_err)?;
                self.note(gatehouse_core::store::Change::Factors(user));
                Ok(done.rows_affected() == 1)
            }

            async fn use_totp_step(
                &self,
                user: gatehouse_core::account::UserId,
                step: i64,
            ) -> gatehouse_core::store::StoreResult<bool> {
                let done = sqlx::query(
                    "UPDATE mfa_totp SET last_step = $2 WHERE user_id = $1 AND enabled_at IS NOT NULL \
                     AND (last_step IS NULL OR last_step < $2)",
                )
                .bind(user.0)
                .bind(step)
                .execute(&mut *self.conn().await?)
                .await
                .map_err(Self::db_err)?;
                Ok(done.rows_affected() == 1)
            }

            async fn delete_totp(
                &self,
                user: gatehouse_core::account::UserId,
            ) -> gatehouse_core::store::StoreResult<bool> {
                let done = sqlx::query("DELETE FROM mfa_totp WHERE user_id = $1")
                    .bind(user.0)
                    .execute(&mut *self.conn().await?)
                    .await
                    .map_err(Self::db_err)?;
                self.note(gatehouse_core::store::Change::Factors(user));
                Ok(done.rows_affected() == 1)
            }

            async fn replace_backup_codes(
                &self,
                user: gatehouse_core::account::UserId,
                digests: &[gatehouse_core::crypto::TokenDigest],
                now: time::OffsetDateTime,
            ) -> gatehouse_core::store::StoreResult<()> {
                let mut tx = self.begin_write().await?;
                sqlx::query("DELETE FROM mfa_backup_codes WHERE user_id = $1")
                    .bind(user.0)
                    .execute(&mut *tx)
                    .await
                    .map_err(Self::db_err)?;
                for digest in digests {
                    sqlx::query(
                        "INSERT INTO mfa_backup_codes (id, user_id, digest, created_at, used_at, keyed) \
                         VALUES ($1, $2, $3, $4, NULL, TRUE)",
                    )
                    .bind(uuid::Uuid::now_v7())
                    .bind(user.0)
                    .bind(digest.as_bytes())
                    .bind(Self::ts(now))
                    .execute(&mut *tx)
                    .await
                    .map_err(Self::db_err)?;
                }
                tx.commit().await.map_err(Self::db_err)?;
                self.note(gatehouse_core::store::Change::Factors(user));
                Ok(())
            }

            async fn second_factors(
                &self,
                user: gatehouse_core::account::UserId,
            ) -> gatehouse_core::store::StoreResult<gatehouse_core::mfa::MfaStatus> {
                use sqlx::Row as _;
                let row = sqlx::query(
                    "SELECT \
                       (SELECT COUNT(*) FROM mfa_totp WHERE user_id = $1 AND enabled_at IS NOT NULL) AS totp, \
                       (SELECT COUNT(*) FROM webauthn_credentials WHERE user_id = $1) AS passkeys, \
                       (SELECT COUNT(*) FROM mfa_backup_codes WHERE user_id = $1 AND used_at IS NULL) AS backup_codes",
                )
                .bind(user.0)
                .fetch_one(&mut *self.conn().await?)
                .await
                .map_err(Self::db_err)?;
                let count = |column: &str| -> Result<u32, sqlx::Error> {
                    let n: i64 = row.try_get(column)?;
                    Ok(u32::try_from(n).unwrap_or(u32::MAX))
                };
                Ok(gatehouse_core::mfa::MfaStatus {
                    totp: count("totp").map_err(Self::db_err)? > 0,
                    passkeys: count("passkeys").map_err(Self::db_err)?,
                    backup_codes_remaining: count("backup_codes").map_err(Self::db_err)?,
                })
            }

            async fn unkeyed_backup_codes(
                &self,
                limit: u32,
            ) -> gatehouse_core::store::StoreResult<Vec<(uuid::Uuid, gatehouse_core::crypto::TokenDigest)>> {
                use sqlx::Row as _;
                let rows = sqlx::query("SELECT id, digest FROM mfa_backup_codes WHERE keyed = FALSE LIMIT $1")
                    .bind(i64::from(limit))
                    .fetch_all(&mut *self.conn().await?)
                    .await
                    .map_err(Self::db_err)?;
                rows.iter()
                    .map(|row| {
                        let id: uuid::Uuid = row.try_get("id")?;
                        let digest: Vec<u8> = row.try_get("digest")?;
                        let digest = gatehouse_core::crypto::TokenDigest::from_slice(&digest)
                            .ok_or_else(|| $crate::common::corrupt(format!("backup code {id}: a digest of {} bytes", digest.len())))?;
                        Ok((id, digest))
                    })
                    .collect::<Result<Vec<_>, sqlx::Error>>()
                    .map_err(Self::db_err)
            }

            async fn rekey_backup_code(
                &self,
                id: uuid::Uuid,
                plain: &gatehouse_core::crypto::TokenDigest,
                keyed: &gatehouse_core::crypto::TokenDigest,
            ) -> gatehouse_core::store::StoreResult<bool> {
                let done = sqlx::query(
                    "UPDATE mfa_backup_codes SET digest = $3, keyed = TRUE WHERE id = $1 AND digest = $2 AND keyed = FALSE",
                )
                .bind(id)
                .bind(plain.as_bytes())
                .bind(keyed.as_bytes())
                .execute(&mut *self.conn().await?)
                .await
                .map_err(Self::db_err)?;
                Ok(done.rows_affected() == 1)
            }

            async fn use_backup_code(
                &self,
                user: gatehouse_core::account::UserId,
                digest: &gatehouse_core::crypto::TokenDigest,
                now: time::OffsetDateTime,
            ) -> gatehouse_core::store::StoreResult<bool> {
                let done = sqlx::query(
                    "UPDATE mfa_backup_codes SET used_at = $3 WHERE user_id = $1 AND digest = $2 AND used_at IS NULL",
                )
                .bind(user.0)
                .bind(digest.as_bytes())
                .bind(Self::ts(now))
                .execute(&mut *self.conn().await?)
                .await
                .map_err(Self::db_err)?;
                self.note(gatehouse_core::store::Change::Factors(user));
                Ok(done.rows_affected() == 1)
            }

            async fn backup_codes_remaining(
                &self,
                user: gatehouse_core::account::UserId,
            ) -> gatehouse_core::store::StoreResult<u32> {
                use sqlx::Row as _;
                let row = sqlx::query(
                    "SELECT COUNT(*) AS remaining FROM mfa_backup_codes WHERE user_id = $1 AND used_at IS NULL",
                )
                .bind(user.0)
                .fetch_one(&mut *self.conn().await?)
                .await
                .map_err(Self::db_err)?;
                let remaining: i64 = row.try_get("remaining").map_err(Self::db_err)?;
                Ok(u32::try_from(remaining).unwrap_or(u32::MAX))
            }

            async fn delete_backup_codes(
                &self,
                user: gatehouse_core::account::UserId,
            ) -> gatehouse_core::store::StoreResult<()> {
                sqlx::query("DELETE FROM mfa_backup_codes WHERE user_id = $1")
                    .bind(user.0)
                    .execute(&mut *self.conn().await?)
                    .await
                    .map_err(Self::db_err)?;
                self.note(gatehouse_core::store::Change::Factors(user));
                Ok(())
            }

            async fn create_mfa_challenge(
                &self,
                challenge: &gatehouse_core::mfa::MfaChallenge,
            ) -> gatehouse_core::store::StoreResult<()> {
                let failed_attempts = i32::try_from(challenge.failed_attempts).unwrap_or(i32::MAX);
                sqlx::query(concat!(
                    "INSERT INTO mfa_challenges (",
                    $crate::common::mfa::challenge_columns!(),
                    ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"
                ))
                .bind(challenge.id)
                .bind(challenge.user_id.0)
                .bind(challenge.digest.as_bytes())
                .bind(challenge.amr.to_string())
                .bind(Self::ts(challenge.created_at))
                .bind(Self::ts(challenge.expires_at))
                .bind(failed_attempts)
                .bind(challenge.used_at.map(Self::ts))
                .execute(&mut *self.conn().await?)
                .await
                .map_err(Self::db_err)?;
                Ok(())
            }

            async fn mfa_challenge(
                &self,
                digest: &gatehouse_core::crypto::TokenDigest,
            ) -> gatehouse_core::store::StoreResult<Option<gatehouse_core::mfa::MfaChallenge>> {
                sqlx::query(concat!(
                    "SELECT ",
                    $crate::common::mfa::challenge_columns!(),
                    " FROM mfa_challenges WHERE digest = $1"
                ))
                .bind(digest.as_bytes())
                .fetch_optional(&mut *self.conn().await?)
                .await
                .map_err(Self::db_err)?
                .map(|row| Self::challenge_from_row(&row))
                .transpose()
                .map_err(Self::db_err)
            }

            async fn fail_mfa_challenge(&self, id: uuid::Uuid) -> gatehouse_core::store::StoreResult<u32> {
                use sqlx::Row as _;
                let row = sqlx::query(
                    "UPDATE mfa_challenges SET failed_attempts = failed_attempts + 1 WHERE id = $1 \
                     RETURNING failed_attempts",
                )
                .bind(id)
                .fetch_optional(&mut *self.conn().await?)
                .await
                .map_err(Self::db_err)?
                .ok_or_else(|| {
                    gatehouse_core::store::StoreError::Backend(format!("fail_mfa_challenge: no challenge {id}"))
                })?;
                let count: i32 = row.try_get("failed_attempts").map_err(Self::db_err)?;
                Ok(u32::try_from(count).unwrap_or(0))
            }

            async fn consume_mfa_challenge(
                &self,
                id: uuid::Uuid,
                now: time::OffsetDateTime,
            ) -> gatehouse_core::store::StoreResult<bool> {
                let done = sqlx::query(
                    "UPDATE mfa_challenges SET used_at = $2 WHERE id = $1 AND used_at IS NULL AND expires_at > $2",
                )
                .bind(id)
                .bind(Self::ts(now))
                .execute(&mut *self.conn().await?)
                .await
                .map_err(Self::db_err)?;
                Ok(done.rows_affected() == 1)
            }
        }
    };
}
pub(crate) use impl_mfa_store;
