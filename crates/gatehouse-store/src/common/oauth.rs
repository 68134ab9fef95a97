//! [`gatehouse_core::store::OAuthStore`] for both backends: authorization
//! codes (their digests) and remembered consents.
//!
//! Redeeming a code is one conditional `UPDATE ... WHERE redeemed_at IS NULL`
//! followed by reading the row, in one write transaction: of concurrent
//! redemptions exactly one matches the row and gets `Won`; the others find it
//! redeemed and get `Replayed`. Expiry is the caller's check.
//!
//! A consent is one row per user and client, replaced by an upsert. Codes and
//! consents go with their user and their client (foreign keys of migration 0006).

macro_rules! code_columns {
    () => {
        "digest, client_id, user_id, browser_session, grant_session, redirect_uri, scope, nonce, code_challenge, \
         auth_time, amr, created_at, expires_at, redeemed_at"
    };
}
pub(crate) use code_columns;

macro_rules! consent_columns {
    () => {
        "user_id, client_id, scope, granted_at"
    };
}
pub(crate) use consent_columns;

macro_rules! impl_oauth_store {
    ($store:ty, $db:ty) => {
        impl $store {
            fn code_from_row(
                row: &<$db as sqlx::Database>::Row,
            ) -> Result<gatehouse_core::oauth::AuthorizationCode, sqlx::Error> {
                use sqlx::Row as _;
                let digest: Vec<u8> = row.try_get("digest")?;
                let digest = gatehouse_core::crypto::TokenDigest::from_slice(&digest).ok_or_else(|| {
                    $crate::common::corrupt(format!("an authorization code digest has {} bytes, not 32", digest.len()))
                })?;
                Ok(gatehouse_core::oauth::AuthorizationCode {
                    digest,
                    client_id: row.try_get("client_id")?,
                    user_id: gatehouse_core::account::UserId(row.try_get("user_id")?),
                    browser_session: gatehouse_core::session::SessionId(row.try_get("browser_session")?),
                    grant_session: gatehouse_core::session::SessionId(row.try_get("grant_session")?),
                    redirect_uri: row.try_get("redirect_uri")?,
                    scope: gatehouse_core::oauth::ScopeSet::from_stored(row.try_get("scope")?),
                    nonce: row.try_get("nonce")?,
                    code_challenge: row.try_get("code_challenge")?,
                    auth_time: row.try_get("auth_time")?,
                    amr: gatehouse_core::amr::Amr::from_column(row.try_get("amr")?),
                    created_at: row.try_get("created_at")?,
                    expires_at: row.try_get("expires_at")?,
                    redeemed_at: row.try_get("redeemed_at")?,
                })
            }

            fn consent_from_row(
                row: &<$db as sqlx::Database>::Row,
            ) -> Result<gatehouse_core::oauth::Consent, sqlx::Error> {
                use sqlx::Row as _;
                Ok(gatehouse_core::oauth::Consent {
                    user_id: gatehouse_core::account::UserId(row.try_get("user_id")?),
                    client_id: row.try_get("client_id")?,
                    scope: gatehouse_core::oauth::ScopeSet::from_stored(row.try_get("scope")?),
                    granted_at: row.try_get("granted_at")?,
                })
            }
        }

        #[async_trait::async_trait]
        impl gatehouse_core::store::OAuthStore for $store {
            async fn insert_authorization_code(
                &self,
                code: &gatehouse_core::oauth::AuthorizationCode,
            ) -> gatehouse_core::store::StoreResult<()> {
                sqlx::query(concat!(
                    "INSERT INTO oauth_codes (",
                    $crate::common::oauth::code_columns!(),
                    ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)"
                ))
                .bind(code.digest.as_bytes())
                .bind(code.client_id.as_str())
                .bind(code.user_id.0)
                .bind(code.browser_session.0)
                .bind(code.grant_session.0)
                .bind(code.redirect_uri.as_str())
                .bind(code.scope.to_string())
                .bind(code.nonce.as_deref())
                .bind(code.code_challenge.as_deref())
                .bind(Self::ts(code.auth_time))
                .bind(code.amr.to_string())
                .bind(Self::ts(code.created_at))
                .bind(Self::ts(code.expires_at))
                .bind(code.redeemed_at.map(Self::ts))
                .execute(&mut *self.conn().await?)
                .await
                .map_err(Self::db_err)?;
                Ok(())
            }

            async fn redeem_authorization_code(
                &self,
                digest: &gatehouse_core::crypto::TokenDigest,
                client_id: &str,
                now: time::OffsetDateTime,
            ) -> gatehouse_core::store::StoreResult<gatehouse_core::oauth::Redemption> {
                let mut tx = self.begin_write().await?;
                let redeemed = sqlx::query(
                    "UPDATE oauth_codes SET redeemed_at = $2 \
                     WHERE digest = $1 AND client_id = $3 AND redeemed_at IS NULL",
                )
                .bind(digest.as_bytes())
                .bind(Self::ts(now))
                .bind(client_id)
                .execute(&mut *tx)
                .await
                .map_err(Self::db_err)?;
                let row = sqlx::query(concat!(
                    "SELECT ",
                    $crate::common::oauth::code_columns!(),
                    " FROM oauth_codes WHERE digest = $1"
                ))
                .bind(digest.as_bytes())
                .fetch_optional(&mut *tx)
                .await
                .map_err(Self::db_err)?;
                tx.commit().await.map_err(Self::db_err)?;
                let Some(row) = row else {
                    return Ok(gatehouse_core::oauth::Redemption::Unknown);
                };
                let code = Self::code_from_row(&row).map_err(Self::db_err)?;
                Ok(if code.client_id != client_id {
                    gatehouse_core::oauth::Redemption::OtherClient
                } else if redeemed.rows_affected() == 1 {
                    gatehouse_core::oauth::Redemption::Won(code)
                } else {
                    gatehouse_core::oauth::Redemption::Replayed(code)
                })
            }

            async fn consent(
                &self,
                user: gatehouse_core::account::UserId,
                client_id: &str,
            ) -> gatehouse_core::store::StoreResult<Option<gatehouse_core::oauth::Consent>> {
                sqlx::query(concat!(
                    "SELECT ",
                    $crate::common::oauth::consent_columns!(),
                    " FROM oauth_consents WHERE user_id = $1 AND client_id = $2"
                ))
                .bind(user.0)
                .bind(client_id)
                .fetch_optional(&mut *self.conn().await?)
                .await
                .map_err(Self::db_err)?
                .map(|row| Self::consent_from_row(&row))
                .transpose()
                .map_err(Self::db_err)
            }

            async fn put_consent(
                &self,
                consent: &gatehouse_core::oauth::Consent,
            ) -> gatehouse_core::store::StoreResult<()> {
                sqlx::query(concat!(
                    "INSERT INTO oauth_consents (",
                    $crate::common::oauth::consent_columns!(),
                    ") VALUES ($1, $2, $3, $4) ON CONFLICT (user_id, client_id) \
                     DO UPDATE SET scope = excluded.scope, granted_at = excluded.granted_at"
                ))
                .bind(consent.user_id.0)
                .bind(consent.client_id.as_str())
                .bind(consent.scope.to_string())
                .bind(Self::ts(consent.granted_at))
                .execute(&mut *self.conn().await?)
                .await
                .map_err(Self::db_err)?;
                Ok(())
            }

            async fn consents(
                &self,
                user: gatehouse_core::account::UserId,
            ) -> gatehouse_core::store::StoreResult<Vec<gatehouse_core::oauth::Consent>> {
                sqlx::query(concat!(
                    "SELECT ",
                    $crate::common::oauth::consent_columns!(),
                    " FROM oauth_consents WHERE user_id = $1 ORDER BY granted_at DESC, client_id"
                ))
                .bind(user.0)
                .fetch_all(&mut *self.conn().await?)
                .await
                .map_err(Self::db_err)?
                .iter()
                .map(Self::consent_from_row)
                .collect::<Result<Vec<_>, _>>()
                .map_err(Self::db_err)
            }

            async fn delete_consent(
                &self,
                user: gatehouse_core::account::UserId,
                client_id: &str,
            ) -> gatehouse_core::store::StoreResult<bool> {
                let done = sqlx::query("DELETE FROM oauth_consents WHERE user_id = $1 AND client_id = $2")
                    .bind(user.0)
                    .bind(client_id)
                    .execute(&mut *self.conn().await?)
                    .await
                    .map_err(Self::db_err)?;
                Ok(done.rows_affected() == 1)
            }
        }
    };
}
pub(crate) use impl_oauth_store;
