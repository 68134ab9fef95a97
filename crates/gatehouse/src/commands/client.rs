//! `gatehouse client create|list|update|rotate-secret|delete`.

use gatehouse_core::audit::ClientInfo;
use gatehouse_core::oauth::{ClientUpdate, NewClient, OAuthClient};
use gatehouse_core::rbac::Actor;
use secrecy::ExposeSecret;

use super::CommandResult;
use crate::cli::ClientCommand;
use crate::commands::user::date;
use crate::config::Settings;

fn client_json(c: &OAuthClient) -> serde_json::Value {
    serde_json::json!({
        "client_id": c.id, "name": c.name, "kind": c.kind.as_str(), "redirect_uris": c.redirect_uris,
        "post_logout_redirect_uris": c.post_logout_redirect_uris, "grant_types": c.grant_types, "scopes": c.scopes,
        "token_endpoint_auth_method": c.token_endpoint_auth.as_str(), "first_party": c.first_party,
        "id_token_signed_response_alg": c.id_token_alg.as_str(), "client_uri": c.client_uri,
        "logo_uri": c.logo_uri, "created_at": date(c.created_at),
    })
}

pub async fn run(cmd: ClientCommand, settings: &Settings) -> CommandResult {
    let services = crate::startup::services(settings).await?;
    let cli = ClientInfo { ip: None, user_agent: Some("gatehouse-cli".into()) };
    let actor = Actor::command_line();
    match cmd {
        ClientCommand::Create {
            name,
            redirect_uris,
            post_logout_redirect_uris,
            grants,
            scopes,
            public,
            first_party,
            id_token_alg,
            client_uri,
            logo_uri,
        } => {
            let req = NewClient {
                name,
                public,
                redirect_uris,
                post_logout_redirect_uris,
                grant_types: grants,
                scopes,
                first_party,
                id_token_alg,
                client_uri,
                logo_uri,
            };
            let registered = services.admin.create_client(req, &actor, &cli).await?;
            println!("client_id      {}", registered.client.id);
            match registered.secret {
                Some(secret) => {
                    println!("client_secret  {}", secret.expose_secret());
                    println!("(the secret is shown only now: store it in your application's secret store)");
                }
                None => println!("public client: no secret; PKCE (S256) is required"),
            }
        }
        ClientCommand::List { json } => {
            for c in services.admin.list_clients(&actor).await? {
                if json {
                    println!("{}", client_json(&c));
                } else {
                    println!(
                        "{:<26} {:<13} {:<24} {}",
                        c.id,
                        c.kind.as_str(),
                        c.name,
                        c.grant_types.iter().map(|g| g.as_str()).collect::<Vec<_>>().join(",")
                    );
                }
            }
        }
        ClientCommand::Update {
            id,
            name,
            redirect_uris,
            post_logout_redirect_uris,
            grants,
            scopes,
            first_party,
            client_uri,
            logo_uri,
        } => {
            let some = |list: Vec<String>| (!list.is_empty()).then_some(list);
            let update = ClientUpdate {
                name,
                redirect_uris: some(redirect_uris),
                post_logout_redirect_uris: some(post_logout_redirect_uris),
                grant_types: some(grants),
                scopes: some(scopes),
                first_party,
                id_token_alg: None,
                client_uri,
                logo_uri,
            };
            let c = services.admin.update_client(&actor, &id, update, &cli).await?;
            println!("{}", client_json(&c));
        }
        ClientCommand::RotateSecret { id } => {
            let (_, secret) = services.admin.rotate_client_secret(&actor, &id, &cli).await?;
            println!("client_secret  {}", secret.expose_secret());
            println!("(the old secret no longer works; the new one is shown only now)");
        }
        ClientCommand::Delete { id } => {
            services.admin.delete_client(&id, &actor, &cli).await?;
            println!("deleted client {id}");
        }
    }
    Ok(())
}
