//! `gatehouse upstream add|list|remove`: upstream identity providers.

use std::io::Read as _;

use gatehouse_core::audit::ClientInfo;
use gatehouse_core::flows::NewUpstream;
use gatehouse_core::rbac::Actor;

use super::{CommandError, CommandResult};
use crate::cli::UpstreamCommand;
use crate::commands::user::date;
use crate::config::Settings;

fn read_secret(path: &str) -> Result<String, CommandError> {
    let mut secret = String::new();
    if path == "-" {
        std::io::stdin()
            .read_to_string(&mut secret)
            .map_err(|e| CommandError::Usage(format!("cannot read the client secret from standard input: {e}")))?;
    } else {
        secret = std::fs::read_to_string(path)
            .map_err(|e| CommandError::Usage(format!("cannot read the client secret from {path}: {e}")))?;
    }
    Ok(secret.trim().to_owned())
}

pub async fn run(cmd: UpstreamCommand, settings: &Settings) -> CommandResult {
    let services = crate::startup::services(settings).await?;
    let cli = ClientInfo { ip: None, user_agent: Some("gatehouse-cli".into()) };
    match cmd {
        UpstreamCommand::Add {
            id,
            preset,
            name,
            upstream_issuer,
            client_id,
            client_secret_file,
            scopes,
            link_by_email,
        } => {
            let req = NewUpstream {
                id,
                preset,
                name,
                issuer: upstream_issuer,
                client_id,
                client_secret: read_secret(&client_secret_file)?.into(),
                scopes,
                link_by_email,
            };
            let p = services.auth.add_upstream(req, &Actor::command_line(), &cli).await?;
            println!("added upstream {} ({}, {})", p.id, p.name, p.kind.as_str());
            println!(
                "register this redirect URI at the provider: {}/login/upstream/{}/callback",
                settings.accounts.tokens.issuer, p.id
            );
        }
        UpstreamCommand::List => {
            for p in services.auth.upstreams().await? {
                println!(
                    "{:<16} {:<7} {:<20} {:<40} link-by-email={} {}",
                    p.id,
                    p.kind.as_str(),
                    p.name,
                    p.issuer.as_deref().unwrap_or("-"),
                    p.link_by_email,
                    date(p.created_at)
                );
            }
        }
        UpstreamCommand::Remove { id } => {
            services.auth.remove_upstream(&id, &Actor::command_line(), &cli).await?;
            println!("removed upstream {id}");
        }
    }
    Ok(())
}
