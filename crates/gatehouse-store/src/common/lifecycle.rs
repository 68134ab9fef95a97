//! [`gatehouse_core::store::LifecycleStore`] for both backends: single-use
//! email tokens, address changes, and deleting a user (GDPR) while keeping an
//! anonymised audit trail.
//!
//! Consuming a token is one conditional `UPDATE` (`used_at IS NULL AND
//! expires_at > now`), so of concurrent callers exactly one wins, as for MFA
//! challenges. Issuing marks the user's earlier unused tokens of the same kind
//! as used in the same transaction, so only the newest link works.
//!
//! Deleting a user relies on the foreign keys of the migrations: every table
//! holding a user's rows cascades from `users` (refresh tokens from
//! `sessions`), OAuth codes and consents and upstream links included, checked
//! by the store tests.
//! `audit_log` has no foreign key on purpose; its rows keep the bare ids and
//! lose the ip and user agent.

macro_rules! email_token_columns {
    () => {
        "id, user_id, kind, digest, new_email, created_at, expires_at, used_at"
    };
}
pub(crate) use email_token_columns;

macro_rules! impl_lifecycle_store {
    ($store:ty, $db:ty) => {
        impl $store {
            fn email_token_from_row(
                row: &<$db as sqlx::Database>::Row,
            ) -> Result<gatehouse_core::lifecycle::EmailToken, sqlx::Error> {
                use sqlx::Row as _;
                let id: uuid::Uuid = row.try_get("id")?;
                let kind: String = row.try_get("kind")?;
                let kind = gatehouse_core::lifecycle::EmailTokenKind::parse(&kind)
                    .ok_or_else(|| $crate::common::corrupt(format!("email token {id}: unknown kind '{kind}'")))?;
                let digest: Vec<u8> = row.try_get("digest")?;
                let digest = gatehouse_core::crypto::TokenDigest::from_slice(&digest)
                    .ok_or_else(|| $crate::common::corrupt(format!("email token {id}: digest is not 32 bytes")))?;
                let new_email: Option<String> = row.try_get("new_email")?;
                Ok(gatehouse_core::lifecycle::EmailToken {
                    id,
                    user_id: gatehouse_core::account::UserId(row.try_get("user_id")?),
                    kind,
                    digest,
                    new_email: new_email.map(gatehouse_core::account::Email::from_trusted),
                    created_at: row.try_get("created_at")?,
                    expires_at: row.try_get("expires_at")?,
                    used_at: row.try_get("used_at")?,
                })
            }
        }

        #[async_trait::async_trait]
        impl gatehouse_core::store::LifecycleStore for $store {
            async fn issue_email_token(
                &self,
                token: &gatehouse_core::lifecycle::EmailToken,
            ) -> gatehouse_core::store::StoreResult<()> {
                let mut tx = self.begin_write().await?;
                sqlx::query(
                    "UPDATE email_tokens SET used_at = $3 WHERE user_id = $1 AND kind = $2 AND used_at IS NULL",
                )
                .bind(token.user_id.0)
                .bind(token.kind.as_str())
                .bind(Self::ts(token.created_at))
                .execute(&mut *tx)
                .await
                .map_err(Self::db_err)?;
                sqlx::query(concat!(
                    "INSERT INTO email_tokens (",
                    $crate::common::lifecycle::email_token_columns!(),
                    ") VALUES ($1, $2, $3, $4, $5, $6, $7, NULL)"
                ))
                .bind(token.id)
                .bind(token.user_id.0)
                .bind(token.kind.as_str())
                .bind(token.digest.as_bytes())
                .bind(token.new_email.as_ref().map(gatehouse_core::account::Email::as_str))
                .bind(Self::ts(token.created_at))
                .bind(Self::ts(token.expires_at))
                .execute(&mut *tx)
                .await
                .map_err(Self::db_err)?;
                tx.commit().await.map_err(Self::db_err)
            }

            async fn email_token(
                &self,
                digest: &gatehouse_core::crypto::TokenDigest,
            ) -> gatehouse_core::store::StoreResult<Option<gatehouse_core::lifecycle::EmailToken>> {
                sqlx::query(concat!(
                    "SELECT ",
                    $crate::common::lifecycle::email_token_columns!(),
                    " FROM email_tokens WHERE digest = $1"
                ))
                .bind(digest.as_bytes())
                .fetch_optional(&mut *self.conn().await?)
                .await
                .map_err(Self::db_err)?
                .map(|row| Self::email_token_from_row(&row))
                .transpose()
                .map_err(Self::db_err)
            }

            async fn consume_email_token(
                &self,
                id: uuid::Uuid,
                now: time::OffsetDateTime,
            ) -> gatehouse_core::store::StoreResult<bool> {
                let done = sqlx::query(
                    "UPDATE email_tokens SET used_at = $2 WHERE id = $1 AND used_at IS NULL AND expires_at > $2",
                )
                .bind(id)
                .bind(Self::ts(now))
                .execute(&mut *self.conn().await?)
                .await
                .map_err(Self::db_err)?;
                Ok(done.rows_affected() == 1)
            }

            async fn revoke_email_tokens(
                &self,
                user: gatehouse_core::account::UserId,
                kind: gatehouse_core::lifecycle::EmailTokenKind,
                now: time::OffsetDateTime,
            ) -> gatehouse_core::store::StoreResult<()> {
                sqlx::query(
                    "UPDATE email_tokens SET used_at = $3 WHERE user_id = $1 AND kind = $2 AND used_at IS NULL",
                )
                .bind(user.0)
                .bind(kind.as_str())
                .bind(Self::ts(now))
                .execute(&mut *self.conn().await?)
                .await
                .map_err(Self::db_err)?;
                Ok(())
            }

            async fn set_email_verified(
                &self,
                user: gatehouse_core::account::UserId,
                verified: bool,
                now: time::OffsetDateTime,
            ) -> gatehouse_core::store::StoreResult<()> {
                sqlx::query("UPDATE users SET email_verified = $2, updated_at = $3 WHERE id = $1")
                    .bind(user.0)
                    .bind(verified)
                    .bind(Self::ts(now))
                    .execute(&mut *self.conn().await?)
                    .await
                    .map_err(Self::db_err)?;
                self.note(gatehouse_core::store::Change::User(user));
                Ok(())
            }

            async fn set_email(
                &self,
                user: gatehouse_core::account::UserId,
                email: &gatehouse_core::account::Email,
                now: time::OffsetDateTime,
            ) -> gatehouse_core::store::StoreResult<()> {
                sqlx::query("UPDATE users SET email = $2, email_verified = $3, updated_at = $4 WHERE id = $1")
                    .bind(user.0)
                    .bind(email.as_str())
                    .bind(true)
                    .bind(Self::ts(now))
                    .execute(&mut *self.conn().await?)
                    .await
                    .map_err(Self::db_err)?;
                self.note(gatehouse_core::store::Change::User(user));
                Ok(())
            }

            async fn delete_user(
                &self,
                user: gatehouse_core::account::UserId,
            ) -> gatehouse_core::store::StoreResult<bool> {
                let mut tx = self.begin_write().await?;
                sqlx::query("UPDATE audit_log SET ip = NULL, user_agent = NULL WHERE actor = $1 OR subject = $1")
                    .bind(user.0)
                    .execute(&mut *tx)
                    .await
                    .map_err(Self::db_err)?;
                // Every table that refers to users cascades (sessions and with
                // them refresh tokens, roles, MFA, WebAuthn, email tokens, OAuth
                // codes and consents, upstream links); the store test
                // `deleting_a_user_takes_their_rows_and_anonymises_audit` fails
                // on a table it does not know.
                let done = sqlx::query("DELETE FROM users WHERE id = $1")
                    .bind(user.0)
                    .execute(&mut *tx)
                    .await
                    .map_err(Self::db_err)?;
                tx.commit().await.map_err(Self::db_err)?;
                self.note(gatehouse_core::store::Change::User(user));
                Ok(done.rows_affected() == 1)
            }
        }
    };
}
pub(crate) use impl_lifecycle_store;
