//! `gatehouse keys list|rotate|rotate-master`.

use gatehouse_core::audit::ClientInfo;
use gatehouse_core::audit::{AuditEvent, AuditKind, Outcome};
use gatehouse_core::crypto::MasterKey;
use gatehouse_core::flows::{keep_published, keys_rotate, rotate_master};
use gatehouse_core::store::Store;
use secrecy::ExposeSecret;

use super::{CommandError, CommandResult};
use crate::cli::KeysCommand;
use crate::config::Settings;

pub async fn run(cmd: KeysCommand, settings: &Settings) -> CommandResult {
    let services = crate::startup::services(settings).await?;
    let store: &dyn Store = services.store().as_ref();
    match cmd {
        KeysCommand::List => {
            let keys = store.all_keys().await.map_err(|e| CommandError::Runtime(e.into()))?;
            println!("{:<24} {:<6} {:<9} created", "kid", "alg", "status");
            for k in keys {
                println!(
                    "{:<24} {:<6} {:<9} {}",
                    k.kid,
                    k.alg.as_str(),
                    k.status.as_str(),
                    crate::commands::user::date(k.created_at)
                );
            }
        }
        KeysCommand::Rotate => {
            let master: MasterKey = crate::master_key::load(&settings.master_key)?;
            let cli = ClientInfo::default();
            for key in keys_rotate(
                store,
                store,
                &master,
                settings.accounts.signing_alg,
                keep_published(settings.accounts.tokens.access_ttl),
                services.clock.now(),
                None,
                &cli,
            )
            .await?
            {
                println!("new current key {} ({})", key.kid, key.alg.as_str());
            }
            println!("running servers pick the new keys up at once on PostgreSQL, within 30 s on SQLite");
        }
        KeysCommand::RotateMaster { new_master_key_file } => {
            let old: MasterKey = crate::master_key::load(&settings.master_key)?;
            let new = crate::master_key::read_or_create(&new_master_key_file)?;
            if old.to_base64().expose_secret() == new.to_base64().expose_secret() {
                return Err(CommandError::Usage(format!(
                    "{} holds the master key in use now: give a new one (or a path where none exists yet)",
                    new_master_key_file.display()
                )));
            }
            let done = rotate_master(store, &old, &new).await?;
            let detail = format!(
                "the master key changed: {} signing keys, {} TOTP secrets, {} upstream client secrets and {} kept \
                 keys re-sealed",
                done.signing_keys, done.totp_secrets, done.upstream_secrets, done.kept_secrets
            );
            let mut event = AuditEvent::new(AuditKind::KeysRotated, Outcome::Success, &ClientInfo::default())
                .detail(detail.clone());
            event.at = services.clock.now();
            if let Err(e) = store.append(&event).await {
                tracing::warn!(error = %e, "the master key changed, but the audit record could not be written");
            }
            println!("{detail}");
            println!(
                "start the servers with master_key_file = {} (the old key opens none of them any more)",
                new_master_key_file.display()
            );
        }
    }
    Ok(())
}
