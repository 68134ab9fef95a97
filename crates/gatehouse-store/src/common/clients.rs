//! [`gatehouse_core::store::ClientStore`] for both backends: registered OAuth
//! clients. List members are stored as JSON arrays of strings.
//!
//! Deleting a client relies on the foreign keys of migration 0006 (SQLite
//! connections enforce them, see `SqliteStore::connect`): its authorization
//! codes, consents and sessions cascade from `oauth_clients`, and the refresh
//! tokens from the sessions.

macro_rules! client_columns {
    () => {
        "id, name, kind, secret_digest, redirect_uris, post_logout_redirect_uris, grant_types, scopes, \
         token_endpoint_auth, first_party, id_token_alg, created_at, client_uri, logo_uri"
    };
}
pub(crate) use client_columns;

/// A JSON array of strings as stored.
pub(crate) fn to_json<T: serde::Serialize>(list: &[T]) -> String {
    serde_json::to_string(list).unwrap_or_else(|_| "[]".to_owned())
}

pub(crate) fn from_json<T: serde::de::DeserializeOwned>(
    id: &str,
    column: &str,
    text: &str,
) -> Result<Vec<T>, sqlx::Error> {
    serde_json::from_str(text)
        .map_err(|e| super::corrupt(format!("client {id}: {column} is not a JSON list of its kind: {e}")))
}

macro_rules! impl_client_store {
    ($store:ty, $db:ty) => {
        impl $store {
            fn client_from_row(
                row: &<$db as sqlx::Database>::Row,
            ) -> Result<gatehouse_core::oauth::OAuthClient, sqlx::Error> {
                use sqlx::Row as _;
                use $crate::common::clients::from_json;
                let id: String = row.try_get("id")?;
                let kind: String = row.try_get("kind")?;
                let kind = gatehouse_core::oauth::ClientKind::parse(&kind)
                    .ok_or_else(|| $crate::common::corrupt(format!("client {id}: unknown kind '{kind}'")))?;
                let auth: String = row.try_get("token_endpoint_auth")?;
                let token_endpoint_auth = gatehouse_core::oauth::TokenEndpointAuth::parse(&auth)
                    .ok_or_else(|| $crate::common::corrupt(format!("client {id}: unknown auth method '{auth}'")))?;
                let digest: Option<Vec<u8>> = row.try_get("secret_digest")?;
                let secret_digest = match digest {
                    Some(d) => Some(gatehouse_core::crypto::TokenDigest::from_slice(&d).ok_or_else(|| {
                        $crate::common::corrupt(format!("client {id}: secret digest is not 32 bytes"))
                    })?),
                    None => None,
                };
                let redirect_uris: String = row.try_get("redirect_uris")?;
                let post_logout: String = row.try_get("post_logout_redirect_uris")?;
                let grants: String = row.try_get("grant_types")?;
                let scopes: String = row.try_get("scopes")?;
                let alg: String = row.try_get("id_token_alg")?;
                let id_token_alg = alg
                    .parse::<gatehouse_core::token::SigningAlg>()
                    .map_err(|e| $crate::common::corrupt(format!("client {id}: id_token_alg: {e}")))?;
                Ok(gatehouse_core::oauth::OAuthClient {
                    redirect_uris: from_json(&id, "redirect_uris", &redirect_uris)?,
                    post_logout_redirect_uris: from_json(&id, "post_logout_redirect_uris", &post_logout)?,
                    grant_types: from_json(&id, "grant_types", &grants)?,
                    scopes: from_json(&id, "scopes", &scopes)?,
                    name: row.try_get("name")?,
                    kind,
                    secret_digest,
                    token_endpoint_auth,
                    first_party: row.try_get("first_party")?,
                    id_token_alg,
                    created_at: row.try_get("created_at")?,
                    id,
                    client_uri: row.try_get("client_uri")?,
                    logo_uri: row.try_get("logo_uri")?,
                })
            }
        }

        #[async_trait::async_trait]
        impl gatehouse_core::store::ClientStore for $store {
            async fn insert_client(
                &self,
                client: &gatehouse_core::oauth::OAuthClient,
            ) -> gatehouse_core::store::StoreResult<()> {
                use $crate::common::clients::to_json;
                sqlx::query(concat!(
                    "INSERT INTO oauth_clients (",
                    $crate::common::clients::client_columns!(),
                    ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)"
                ))
                .bind(client.id.as_str())
                .bind(client.name.as_str())
                .bind(client.kind.as_str())
                .bind(client.secret_digest.as_ref().map(|d| d.as_bytes().to_vec()))
                .bind(to_json(&client.redirect_uris))
                .bind(to_json(&client.post_logout_redirect_uris))
                .bind(to_json(&client.grant_types))
                .bind(to_json(&client.scopes))
                .bind(client.token_endpoint_auth.as_str())
                .bind(client.first_party)
                .bind(client.id_token_alg.as_str())
                .bind(Self::ts(client.created_at))
                .bind(client.client_uri.as_deref())
                .bind(client.logo_uri.as_deref())
                .execute(&mut *self.conn().await?)
                .await
                .map_err(Self::db_err)?;
                Ok(())
            }

            async fn client(
                &self,
                id: &str,
            ) -> gatehouse_core::store::StoreResult<Option<gatehouse_core::oauth::OAuthClient>> {
                sqlx::query(concat!(
                    "SELECT ",
                    $crate::common::clients::client_columns!(),
                    " FROM oauth_clients WHERE id = $1"
                ))
                .bind(id)
                .fetch_optional(&mut *self.conn().await?)
                .await
                .map_err(Self::db_err)?
                .map(|row| Self::client_from_row(&row))
                .transpose()
                .map_err(Self::db_err)
            }

            async fn list_clients(
                &self,
            ) -> gatehouse_core::store::StoreResult<Vec<gatehouse_core::oauth::OAuthClient>> {
                sqlx::query(concat!(
                    "SELECT ",
                    $crate::common::clients::client_columns!(),
                    " FROM oauth_clients ORDER BY created_at, id"
                ))
                .fetch_all(&mut *self.conn().await?)
                .await
                .map_err(Self::db_err)?
                .iter()
                .map(Self::client_from_row)
                .collect::<Result<Vec<_>, _>>()
                .map_err(Self::db_err)
            }

            async fn update_client(
                &self,
                client: &gatehouse_core::oauth::OAuthClient,
            ) -> gatehouse_core::store::StoreResult<bool> {
                use $crate::common::clients::to_json;
                let done = sqlx::query(
                    "UPDATE oauth_clients SET name = $2, secret_digest = $3, redirect_uris = $4, \
                     post_logout_redirect_uris = $5, grant_types = $6, scopes = $7, first_party = $8, \
                     id_token_alg = $9, client_uri = $10, logo_uri = $11 WHERE id = $1",
                )
                .bind(client.id.as_str())
                .bind(client.name.as_str())
                .bind(client.secret_digest.as_ref().map(|d| d.as_bytes().to_vec()))
                .bind(to_json(&client.redirect_uris))
                .bind(to_json(&client.post_logout_redirect_uris))
                .bind(to_json(&client.grant_types))
                .bind(to_json(&client.scopes))
                .bind(client.first_party)
                .bind(client.id_token_alg.as_str())
                .bind(client.client_uri.as_deref())
                .bind(client.logo_uri.as_deref())
                .execute(&mut *self.conn().await?)
                .await
                .map_err(Self::db_err)?;
                Ok(done.rows_affected() == 1)
            }

            async fn delete_client(&self, id: &str) -> gatehouse_core::store::StoreResult<bool> {
                // Codes, consents and sessions (with their refresh tokens) cascade.
                let done = sqlx::query("DELETE FROM oauth_clients WHERE id = $1")
                    .bind(id)
                    .execute(&mut *self.conn().await?)
                    .await
                    .map_err(Self::db_err)?;
                Ok(done.rows_affected() == 1)
            }
        }
    };
}
pub(crate) use impl_client_store;
