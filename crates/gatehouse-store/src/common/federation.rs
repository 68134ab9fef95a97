//! [`gatehouse_core::store::FederationStore`] for both backends: registered
//! upstream identity providers and the upstream identities linked to local
//! accounts. A provider's scopes are stored as a JSON array of strings, like the
//! lists of OAuth clients; its client secret is stored sealed, as given.
//!
//! Links go with their provider and with their user (foreign keys of migration
//! 0007): deleting either is one `DELETE` and the links cascade. A duplicate
//! provider id or linked identity breaks a primary key and is reported as
//! `upstream_providers_pkey` or `upstream_links_pkey` by both backends.

macro_rules! upstream_columns {
    () => {
        "id, name, kind, issuer, client_id, client_secret_sealed, scopes, link_by_email, created_at"
    };
}
pub(crate) use upstream_columns;

macro_rules! link_columns {
    () => {
        "provider_id, subject, user_id, created_at, from_unverified_email"
    };
}
pub(crate) use link_columns;

macro_rules! impl_federation_store {
    ($store:ty, $db:ty) => {
        impl $store {
            fn upstream_from_row(
                row: &<$db as sqlx::Database>::Row,
            ) -> Result<gatehouse_core::federation::UpstreamProvider, sqlx::Error> {
                use sqlx::Row as _;
                let id: String = row.try_get("id")?;
                let kind: String = row.try_get("kind")?;
                let kind = gatehouse_core::federation::UpstreamKind::parse(&kind)
                    .ok_or_else(|| $crate::common::corrupt(format!("upstream {id}: unknown kind '{kind}'")))?;
                let scopes: String = row.try_get("scopes")?;
                Ok(gatehouse_core::federation::UpstreamProvider {
                    scopes: $crate::common::clients::from_json(&id, "scopes", &scopes)?,
                    name: row.try_get("name")?,
                    kind,
                    issuer: row.try_get("issuer")?,
                    client_id: row.try_get("client_id")?,
                    client_secret_sealed: row.try_get("client_secret_sealed")?,
                    link_by_email: row.try_get("link_by_email")?,
                    created_at: row.try_get("created_at")?,
                    id,
                })
            }

            fn link_from_row(
                row: &<$db as sqlx::Database>::Row,
            ) -> Result<gatehouse_core::federation::UpstreamLink, sqlx::Error> {
                use sqlx::Row as _;
                Ok(gatehouse_core::federation::UpstreamLink {
                    provider_id: row.try_get("provider_id")?,
                    subject: row.try_get("subject")?,
                    user_id: gatehouse_core::account::UserId(row.try_get("user_id")?),
                    created_at: row.try_get("created_at")?,
                    from_unverified_email: row.try_get("from_unverified_email")?,
                })
            }
        }

        #[async_trait::async_trait]
        impl gatehouse_core::store::FederationStore for $store {
            async fn insert_upstream(
                &self,
                provider: &gatehouse_core::federation::UpstreamProvider,
            ) -> gatehouse_core::store::StoreResult<()> {
                sqlx::query(concat!(
                    "INSERT INTO upstream_providers (",
                    $crate::common::federation::upstream_columns!(),
                    ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)"
                ))
                .bind(provider.id.as_str())
                .bind(provider.name.as_str())
                .bind(provider.kind.as_str())
                .bind(provider.issuer.as_deref())
                .bind(provider.client_id.as_str())
                .bind(provider.client_secret_sealed.as_slice())
                .bind($crate::common::clients::to_json(&provider.scopes))
                .bind(provider.link_by_email)
                .bind(Self::ts(provider.created_at))
                .execute(&mut *self.conn().await?)
                .await
                .map_err(Self::db_err)?;
                Ok(())
            }

            async fn upstream(
                &self,
                id: &str,
            ) -> gatehouse_core::store::StoreResult<Option<gatehouse_core::federation::UpstreamProvider>> {
                sqlx::query(concat!(
                    "SELECT ",
                    $crate::common::federation::upstream_columns!(),
                    " FROM upstream_providers WHERE id = $1"
                ))
                .bind(id)
                .fetch_optional(&mut *self.conn().await?)
                .await
                .map_err(Self::db_err)?
                .map(|row| Self::upstream_from_row(&row))
                .transpose()
                .map_err(Self::db_err)
            }

            async fn list_upstreams(
                &self,
            ) -> gatehouse_core::store::StoreResult<Vec<gatehouse_core::federation::UpstreamProvider>> {
                sqlx::query(concat!(
                    "SELECT ",
                    $crate::common::federation::upstream_columns!(),
                    " FROM upstream_providers ORDER BY created_at, id"
                ))
                .fetch_all(&mut *self.conn().await?)
                .await
                .map_err(Self::db_err)?
                .iter()
                .map(Self::upstream_from_row)
                .collect::<Result<Vec<_>, _>>()
                .map_err(Self::db_err)
            }

            async fn delete_upstream(&self, id: &str) -> gatehouse_core::store::StoreResult<bool> {
                // Its links cascade.
                let done = sqlx::query("DELETE FROM upstream_providers WHERE id = $1")
                    .bind(id)
                    .execute(&mut *self.conn().await?)
                    .await
                    .map_err(Self::db_err)?;
                Ok(done.rows_affected() == 1)
            }

            async fn upstream_link(
                &self,
                provider_id: &str,
                subject: &str,
            ) -> gatehouse_core::store::StoreResult<Option<gatehouse_core::federation::UpstreamLink>> {
                sqlx::query(concat!(
                    "SELECT ",
                    $crate::common::federation::link_columns!(),
                    " FROM upstream_links WHERE provider_id = $1 AND subject = $2"
                ))
                .bind(provider_id)
                .bind(subject)
                .fetch_optional(&mut *self.conn().await?)
                .await
                .map_err(Self::db_err)?
                .map(|row| Self::link_from_row(&row))
                .transpose()
                .map_err(Self::db_err)
            }

            async fn insert_upstream_link(
                &self,
                link: &gatehouse_core::federation::UpstreamLink,
            ) -> gatehouse_core::store::StoreResult<()> {
                sqlx::query(concat!(
                    "INSERT INTO upstream_links (",
                    $crate::common::federation::link_columns!(),
                    ") VALUES ($1, $2, $3, $4, $5)"
                ))
                .bind(link.provider_id.as_str())
                .bind(link.subject.as_str())
                .bind(link.user_id.0)
                .bind(Self::ts(link.created_at))
                .bind(link.from_unverified_email)
                .execute(&mut *self.conn().await?)
                .await
                .map_err(Self::db_err)?;
                Ok(())
            }

            async fn drop_unverified_upstream_links(
                &self,
                user: gatehouse_core::account::UserId,
            ) -> gatehouse_core::store::StoreResult<u64> {
                let done =
                    sqlx::query("DELETE FROM upstream_links WHERE user_id = $1 AND from_unverified_email = TRUE")
                        .bind(user.0)
                        .execute(&mut *self.conn().await?)
                        .await
                        .map_err(Self::db_err)?;
                Ok(done.rows_affected())
            }

            async fn upstream_links(
                &self,
                user: gatehouse_core::account::UserId,
            ) -> gatehouse_core::store::StoreResult<Vec<gatehouse_core::federation::UpstreamLink>> {
                sqlx::query(concat!(
                    "SELECT ",
                    $crate::common::federation::link_columns!(),
                    " FROM upstream_links WHERE user_id = $1 ORDER BY created_at, provider_id, subject"
                ))
                .bind(user.0)
                .fetch_all(&mut *self.conn().await?)
                .await
                .map_err(Self::db_err)?
                .iter()
                .map(Self::link_from_row)
                .collect::<Result<Vec<_>, _>>()
                .map_err(Self::db_err)
            }
        }
    };
}
pub(crate) use impl_federation_store;
