//! [`gatehouse_core::store::WebauthnStore`] for both backends: registered
//! WebAuthn credentials and the state of ceremonies in progress.
//!
//! A ceremony is single use by deletion: `DELETE ... RETURNING` hands the row
//! to exactly one of concurrent callers (PostgreSQL makes a second `DELETE` of
//! the row wait for the first to commit and then find nothing; SQLite writes
//! one at a time). Expiry is checked on the returned row, so an expired
//! ceremony is removed too. Expired ceremonies that nobody takes are deleted
//! whenever a new one is created, so the table stays small without a sweeper.
//!
//! Credentials are changed only where both the owner and the id match: a user
//! cannot rename or delete another user's credential by guessing its id.

macro_rules! credential_columns {
    () => {
        "id, user_id, credential_id, name, passkey, created_at, last_used_at"
    };
}
pub(crate) use credential_columns;

macro_rules! ceremony_columns {
    () => {
        "id, kind, user_id, mfa_challenge, state, created_at, expires_at"
    };
}
pub(crate) use ceremony_columns;

macro_rules! impl_webauthn_store {
    ($store:ty, $db:ty) => {
        impl $store {
            fn webauthn_credential_from_row(
                row: &<$db as sqlx::Database>::Row,
            ) -> Result<gatehouse_core::mfa::WebauthnCredential, sqlx::Error> {
                use sqlx::Row as _;
                Ok(gatehouse_core::mfa::WebauthnCredential {
                    id: row.try_get("id")?,
                    user_id: gatehouse_core::account::UserId(row.try_get("user_id")?),
                    credential_id: row.try_get("credential_id")?,
                    name: row.try_get("name")?,
                    passkey: row.try_get("passkey")?,
                    created_at: row.try_get("created_at")?,
                    last_used_at: row.try_get("last_used_at")?,
                })
            }

            fn webauthn_ceremony_from_row(
                row: &<$db as sqlx::Database>::Row,
            ) -> Result<gatehouse_core::mfa::WebauthnCeremony, sqlx::Error> {
                use sqlx::Row as _;
                let id: uuid::Uuid = row.try_get("id")?;
                let kind: String = row.try_get("kind")?;
                let kind = gatehouse_core::mfa::CeremonyKind::parse(&kind)
                    .ok_or_else(|| $crate::common::corrupt(format!("WebAuthn ceremony {id}: unknown kind '{kind}'")))?;
                let user_id: Option<uuid::Uuid> = row.try_get("user_id")?;
                Ok(gatehouse_core::mfa::WebauthnCeremony {
                    id,
                    kind,
                    user_id: user_id.map(gatehouse_core::account::UserId),
                    mfa_challenge: row.try_get("mfa_challenge")?,
                    state: row.try_get("state")?,
                    created_at: row.try_get("created_at")?,
                    expires_at: row.try_get("expires_at")?,
                })
            }
        }

        #[async_trait::async_trait]
        impl gatehouse_core::store::WebauthnStore for $store {
            async fn add_webauthn_credential(
                &self,
                credential: &gatehouse_core::mfa::WebauthnCredential,
            ) -> gatehouse_core::store::StoreResult<()> {
                sqlx::query(concat!(
                    "INSERT INTO webauthn_credentials (",
                    $crate::common::webauthn::credential_columns!(),
                    ") VALUES ($1, $2, $3, $4, $5, $6, $7)"
                ))
                .bind(credential.id)
                .bind(credential.user_id.0)
                .bind(credential.credential_id.as_slice())
                .bind(credential.name.as_str())
                .bind(credential.passkey.as_str())
                .bind(Self::ts(credential.created_at))
                .bind(credential.last_used_at.map(Self::ts))
                .execute(&mut *self.conn().await?)
                .await
                .map_err(Self::db_err)?;
                self.note(gatehouse_core::store::Change::Factors(credential.user_id));
                Ok(())
            }

            async fn webauthn_credentials(
                &self,
                user: gatehouse_core::account::UserId,
            ) -> gatehouse_core::store::StoreResult<Vec<gatehouse_core::mfa::WebauthnCredential>> {
                sqlx::query(concat!(
                    "SELECT ",
                    $crate::common::webauthn::credential_columns!(),
                    " FROM webauthn_credentials WHERE user_id = $1 ORDER BY created_at, id"
                ))
                .bind(user.0)
                .fetch_all(&mut *self.conn().await?)
                .await
                .map_err(Self::db_err)?
                .iter()
                .map(Self::webauthn_credential_from_row)
                .collect::<Result<_, _>>()
                .map_err(Self::db_err)
            }

            async fn webauthn_credential_by_credential_id(
                &self,
                credential_id: &[u8],
            ) -> gatehouse_core::store::StoreResult<Option<gatehouse_core::mfa::WebauthnCredential>> {
                sqlx::query(concat!(
                    "SELECT ",
                    $crate::common::webauthn::credential_columns!(),
                    " FROM webauthn_credentials WHERE credential_id = $1"
                ))
                .bind(credential_id)
                .fetch_optional(&mut *self.conn().await?)
                .await
                .map_err(Self::db_err)?
                .map(|row| Self::webauthn_credential_from_row(&row))
                .transpose()
                .map_err(Self::db_err)
            }

            async fn update_webauthn_credential(
                &self,
                id: uuid::Uuid,
                passkey: &str,
                used_at: time::OffsetDateTime,
            ) -> gatehouse_core::store::StoreResult<()> {
                // An unknown id is not an error, like the other setters.
                sqlx::query("UPDATE webauthn_credentials SET passkey = $2, last_used_at = $3 WHERE id = $1")
                    .bind(id)
                    .bind(passkey)
                    .bind(Self::ts(used_at))
                    .execute(&mut *self.conn().await?)
                    .await
                    .map_err(Self::db_err)?;
                Ok(())
            }

            async fn rename_webauthn_credential(
                &self,
                user: gatehouse_core::account::UserId,
                id: uuid::Uuid,
                name: &str,
            ) -> gatehouse_core::store::StoreResult<bool> {
                let done = sqlx::query("UPDATE webauthn_credentials SET name = $3 WHERE id = $1 AND user_id = $2")
                    .bind(id)
                    .bind(user.0)
                    .bind(name)
                    .execute(&mut *self.conn().await?)
                    .await
                    .map_err(Self::db_err)?;
                Ok(done.rows_affected() == 1)
            }

            async fn delete_webauthn_credential(
                &self,
                user: gatehouse_core::account::UserId,
                id: uuid::Uuid,
            ) -> gatehouse_core::store::StoreResult<bool> {
                let done = sqlx::query("DELETE FROM webauthn_credentials WHERE id = $1 AND user_id = $2")
                    .bind(id)
                    .bind(user.0)
                    .execute(&mut *self.conn().await?)
                    .await
                    .map_err(Self::db_err)?;
                self.note(gatehouse_core::store::Change::Factors(user));
                Ok(done.rows_affected() == 1)
            }

            async fn create_webauthn_ceremony(
                &self,
                ceremony: &gatehouse_core::mfa::WebauthnCeremony,
            ) -> gatehouse_core::store::StoreResult<()> {
                let mut tx = self.begin_write().await?;
                // Those that can no longer be taken (see `take_webauthn_ceremony`).
                sqlx::query("DELETE FROM webauthn_ceremonies WHERE expires_at <= $1")
                    .bind(Self::ts(ceremony.created_at))
                    .execute(&mut *tx)
                    .await
                    .map_err(Self::db_err)?;
                sqlx::query(concat!(
                    "INSERT INTO webauthn_ceremonies (",
                    $crate::common::webauthn::ceremony_columns!(),
                    ") VALUES ($1, $2, $3, $4, $5, $6, $7)"
                ))
                .bind(ceremony.id)
                .bind(ceremony.kind.as_str())
                .bind(ceremony.user_id.map(|user| user.0))
                .bind(ceremony.mfa_challenge)
                .bind(ceremony.state.as_str())
                .bind(Self::ts(ceremony.created_at))
                .bind(Self::ts(ceremony.expires_at))
                .execute(&mut *tx)
                .await
                .map_err(Self::db_err)?;
                tx.commit().await.map_err(Self::db_err)
            }

            async fn take_webauthn_ceremony(
                &self,
                id: uuid::Uuid,
                now: time::OffsetDateTime,
            ) -> gatehouse_core::store::StoreResult<Option<gatehouse_core::mfa::WebauthnCeremony>> {
                let Some(row) = sqlx::query(concat!(
                    "DELETE FROM webauthn_ceremonies WHERE id = $1 RETURNING ",
                    $crate::common::webauthn::ceremony_columns!()
                ))
                .bind(id)
                .fetch_optional(&mut *self.conn().await?)
                .await
                .map_err(Self::db_err)?
                else {
                    return Ok(None);
                };
                let ceremony = Self::webauthn_ceremony_from_row(&row).map_err(Self::db_err)?;
                // Expiry is exclusive, as for MFA challenges.
                Ok((ceremony.expires_at > now).then_some(ceremony))
            }
        }
    };
}
pub(crate) use impl_webauthn_store;
