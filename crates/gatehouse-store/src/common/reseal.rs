//! `Store::reseal_all`: every value sealed under the master key — signing
//! keys, TOTP secrets, upstream client secrets, kept keys — replaced in one
//! write transaction. On PostgreSQL the four tables are locked first
//! (`EXCLUSIVE`: reads go on, writes wait), so no row is added under the old
//! key while the transaction runs; SQLite's write lock does the same.

/// Re-seals the `$column` of every row of `$table` (its key `$key`, read as
/// `$key_ty` and made an owner by `$owner`), counting into `$count`.
macro_rules! reseal_table {
    ($tx:ident, $reseal:ident, $table:literal, $key:literal, $key_ty:ty, $column:literal, $owner:expr, $count:expr) => {{
        use sqlx::Row as _;
        let rows = sqlx::query(concat!("SELECT ", $key, ", ", $column, " FROM ", $table))
            .fetch_all(&mut *$tx)
            .await
            .map_err(Self::db_err)?;
        for row in rows {
            let key: $key_ty = row.try_get($key).map_err(Self::db_err)?;
            let sealed: Vec<u8> = row.try_get($column).map_err(Self::db_err)?;
            let owner: gatehouse_core::store::SealedOwner = $owner(key.clone());
            let fresh = $reseal(&owner, &sealed)?;
            sqlx::query(concat!("UPDATE ", $table, " SET ", $column, " = $1 WHERE ", $key, " = $2"))
                .bind(fresh)
                .bind(key)
                .execute(&mut *$tx)
                .await
                .map_err(Self::db_err)?;
            $count += 1;
        }
    }};
}
pub(crate) use reseal_table;

macro_rules! impl_reseal {
    ($store:ty, $db:ty, $name:literal) => {
        impl $store {
            /// See `gatehouse_core::store::Store::reseal_all`.
            async fn reseal_rows(
                &self,
                reseal: &gatehouse_core::store::Resealer<'_>,
            ) -> gatehouse_core::error::Result<gatehouse_core::store::Resealed> {
                use gatehouse_core::account::UserId;
                use gatehouse_core::store::SealedOwner;
                let mut done = gatehouse_core::store::Resealed::default();
                let mut tx = self.begin_write().await?;
                if $name == "postgres" {
                    sqlx::query(
                        "LOCK TABLE signing_keys, mfa_totp, upstream_providers, kept_secrets IN EXCLUSIVE MODE",
                    )
                    .execute(&mut *tx)
                    .await
                    .map_err(Self::db_err)?;
                }
                $crate::common::reseal::reseal_table!(
                    tx,
                    reseal,
                    "signing_keys",
                    "kid",
                    String,
                    "private_sealed",
                    SealedOwner::SigningKey,
                    done.signing_keys
                );
                $crate::common::reseal::reseal_table!(
                    tx,
                    reseal,
                    "mfa_totp",
                    "user_id",
                    uuid::Uuid,
                    "secret_sealed",
                    |id| SealedOwner::Totp(UserId(id)),
                    done.totp_secrets
                );
                $crate::common::reseal::reseal_table!(
                    tx,
                    reseal,
                    "upstream_providers",
                    "id",
                    String,
                    "client_secret_sealed",
                    SealedOwner::Upstream,
                    done.upstream_secrets
                );
                $crate::common::reseal::reseal_table!(
                    tx,
                    reseal,
                    "kept_secrets",
                    "name",
                    String,
                    "sealed",
                    SealedOwner::Kept,
                    done.kept_secrets
                );
                tx.commit().await.map_err(Self::db_err)?;
                Ok(done)
            }
        }
    };
}
pub(crate) use impl_reseal;
