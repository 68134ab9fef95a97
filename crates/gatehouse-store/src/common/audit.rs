//! [`gatehouse_core::store::AuditStore`] for both backends: the append-only
//! audit log and its filtered, newest-first reading.

macro_rules! impl_audit_store {
    ($store:ty, $db:ty) => {
        impl $store {
            fn audit_from_row(
                row: &<$db as sqlx::Database>::Row,
            ) -> Result<gatehouse_core::audit::AuditEvent, sqlx::Error> {
                use sqlx::Row as _;
                let kind: String = row.try_get("kind")?;
                let kind = gatehouse_core::audit::AuditKind::parse(&kind)
                    .ok_or_else(|| $crate::common::corrupt(format!("unknown audit kind '{kind}'")))?;
                let outcome: String = row.try_get("outcome")?;
                let outcome = gatehouse_core::audit::Outcome::parse(&outcome)
                    .ok_or_else(|| $crate::common::corrupt(format!("unknown audit outcome '{outcome}'")))?;
                let actor: Option<uuid::Uuid> = row.try_get("actor")?;
                let subject: Option<uuid::Uuid> = row.try_get("subject")?;
                Ok(gatehouse_core::audit::AuditEvent {
                    id: row.try_get("id")?,
                    at: row.try_get("at")?,
                    kind,
                    outcome,
                    actor: actor.map(gatehouse_core::account::UserId),
                    subject: subject.map(gatehouse_core::account::UserId),
                    ip: row.try_get("ip")?,
                    user_agent: row.try_get("user_agent")?,
                    detail: row.try_get("detail")?,
                })
            }
        }

        #[async_trait::async_trait]
        impl gatehouse_core::store::AuditStore for $store {
            async fn append(
                &self,
                event: &gatehouse_core::audit::AuditEvent,
            ) -> gatehouse_core::store::StoreResult<()> {
                sqlx::query(
                    "INSERT INTO audit_log (id, at, kind, outcome, actor, subject, ip, user_agent, detail) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
                )
                .bind(event.id)
                .bind(Self::ts(event.at))
                .bind(event.kind.as_str())
                .bind(event.outcome.as_str())
                .bind(event.actor.map(|id| id.0))
                .bind(event.subject.map(|id| id.0))
                .bind(event.ip.as_deref())
                .bind(event.user_agent.as_deref())
                .bind(event.detail.as_deref())
                .execute(&mut *self.conn().await?)
                .await
                .map_err(Self::db_err)?;
                // To the log once durable: now, or when the unit commits.
                match self.held.as_deref() {
                    Some(held) => held.on_commit(event),
                    None => gatehouse_core::audit::emit(event),
                }
                Ok(())
            }

            /// Every present filter must match; `since` is inclusive and
            /// `until` exclusive. Newest first.
            async fn query(
                &self,
                query: &gatehouse_core::audit::AuditQuery,
            ) -> gatehouse_core::store::StoreResult<Vec<gatehouse_core::audit::AuditEvent>> {
                let mut qb = sqlx::QueryBuilder::<$db>::new(
                    "SELECT id, at, kind, outcome, actor, subject, ip, user_agent, detail FROM audit_log",
                );
                let mut glue = " WHERE ";
                if let Some(user) = query.user {
                    qb.push(glue)
                        .push("(actor = ")
                        .push_bind(user.0)
                        .push(" OR subject = ")
                        .push_bind(user.0)
                        .push(")");
                    glue = " AND ";
                }
                if let Some(kind) = query.kind {
                    qb.push(glue).push("kind = ").push_bind(kind.as_str());
                    glue = " AND ";
                }
                if let Some(outcome) = query.outcome {
                    qb.push(glue).push("outcome = ").push_bind(outcome.as_str());
                    glue = " AND ";
                }
                if let Some(since) = query.since {
                    qb.push(glue).push("at >= ").push_bind(Self::ts(since));
                    glue = " AND ";
                }
                if let Some(until) = query.until {
                    qb.push(glue).push("at < ").push_bind(Self::ts(until));
                }
                qb.push(" ORDER BY at DESC, id DESC LIMIT ")
                    .push_bind(i64::from(query.limit))
                    .push(" OFFSET ")
                    .push_bind(i64::from(query.offset));
                qb.build()
                    .fetch_all(&mut *self.conn().await?)
                    .await
                    .map_err(Self::db_err)?
                    .iter()
                    .map(Self::audit_from_row)
                    .collect::<Result<Vec<_>, _>>()
                    .map_err(Self::db_err)
            }
        }
    };
}
pub(crate) use impl_audit_store;
