//! `gatehouse role list|create|update|delete|permissions`: roles as named
//! sets of `resource:action` permissions. Give them with `gatehouse user set-role`.

use gatehouse_core::flows::{NewRole, RoleUpdate};
use gatehouse_core::rbac::{Actor, RoleDef, CATALOG};

use super::CommandResult;
use crate::cli::RoleCommand;
use crate::commands::user::{cli_client, date};
use crate::config::Settings;

fn role_json(r: &RoleDef) -> serde_json::Value {
    serde_json::json!({
        "name": r.name, "description": r.description, "permissions": r.permissions, "builtin": r.builtin,
        "created_at": date(r.created_at), "updated_at": date(r.updated_at),
    })
}

fn print_role(r: &RoleDef) {
    let perms = r.permissions.iter().map(|p| p.as_str()).collect::<Vec<_>>().join(" ");
    let kind = if r.builtin { "built-in" } else { "" };
    println!("{:<24} {:<9} [{}]  {}", r.name.as_str(), kind, perms, r.description);
}

pub async fn run(cmd: RoleCommand, settings: &Settings) -> CommandResult {
    let services = crate::startup::services(settings).await?;
    let client = cli_client();
    let actor = Actor::command_line();
    match cmd {
        RoleCommand::List { json } => {
            for r in services.admin.roles(&actor).await? {
                if json {
                    println!("{}", role_json(&r));
                } else {
                    print_role(&r);
                }
            }
        }
        RoleCommand::Create { name, permissions, description } => {
            print_role(&services.admin.create_role(&actor, NewRole { name, description, permissions }, &client).await?);
        }
        RoleCommand::Update { name, permissions, no_permissions, description } => {
            let permissions = (no_permissions || !permissions.is_empty()).then_some(permissions);
            let update = RoleUpdate { description, permissions };
            print_role(&services.admin.update_role(&actor, &name, update, &client).await?);
        }
        RoleCommand::Delete { name, force } => {
            let holders = services.admin.delete_role(&actor, &name, force, &client).await?;
            println!("deleted role {name} (taken from {holders} users)");
        }
        RoleCommand::Permissions => {
            for (name, description) in CATALOG {
                println!("{name:<16} {description}");
            }
        }
    }
    Ok(())
}
