//! `gatehouse keys list|rotate`.

use gatehouse_core::audit::ClientInfo;
use gatehouse_core::crypto::MasterKey;
use gatehouse_core::flows::{keep_published, keys_rotate};
use gatehouse_core::store::Store;

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
    }
    Ok(())
}
