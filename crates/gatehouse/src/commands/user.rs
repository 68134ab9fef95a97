//! `gatehouse user …`: create (or invite), list, change, set roles, end
//! sessions, disable/enable, unlock, demand a new password, delete, import. The command line acts as
//! the operator: every permission, but the last administrator is kept.

use std::io::{BufRead, IsTerminal, Read};

use gatehouse_core::account::{Role, User};
use gatehouse_core::audit::ClientInfo;
use gatehouse_core::flows::{Admin, ImportedUser, NewUserRequest, UserUpdate};
use gatehouse_core::rbac::Actor;
use gatehouse_core::store::UserFilter;
use secrecy::SecretString;
use time::OffsetDateTime;

use super::{CommandError, CommandResult};
use crate::cli::UserCommand;
use crate::config::Settings;

pub fn cli_client() -> ClientInfo {
    ClientInfo { ip: None, user_agent: Some("gatehouse-cli".into()) }
}

pub fn date(t: OffsetDateTime) -> String {
    t.format(&time::format_description::well_known::Rfc3339).unwrap_or_default()
}

fn parse_roles(raw: &[String]) -> Result<Vec<Role>, CommandError> {
    raw.iter()
        .flat_map(|r| r.split(','))
        .filter(|r| !r.trim().is_empty())
        .map(|r| Role::parse(r).map_err(CommandError::from))
        .collect()
}

/// The new password: prompted for twice on a terminal, else one line of stdin.
fn read_password() -> Result<SecretString, CommandError> {
    if std::io::stdin().is_terminal() {
        let first = rpassword::prompt_password("Password: ").map_err(|e| CommandError::Runtime(e.into()))?;
        let second = rpassword::prompt_password("Repeat password: ").map_err(|e| CommandError::Runtime(e.into()))?;
        if first != second {
            return Err(CommandError::Usage("the passwords do not match".into()));
        }
        return Ok(SecretString::from(first));
    }
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line).map_err(|e| CommandError::Runtime(e.into()))?;
    let password = line.trim_end_matches(['\r', '\n']).to_owned();
    if password.is_empty() {
        return Err(CommandError::Usage("no password on standard input".into()));
    }
    Ok(SecretString::from(password))
}

fn print_user(u: &User) {
    let roles = u.roles.iter().map(Role::as_str).collect::<Vec<_>>().join(",");
    let state = match (u.is_active, u.locked_until.is_some()) {
        (false, _) => "disabled",
        (true, true) => "locked",
        (true, false) => "active",
    };
    println!("{}  {:<20} {:<32} {:<9} [{}]", u.id, u.username.as_str(), u.email.as_str(), state, roles);
}

fn user_json(u: &User) -> serde_json::Value {
    serde_json::json!({
        "id": u.id, "username": u.username, "email": u.email, "email_verified": u.email_verified,
        "is_active": u.is_active, "roles": u.roles, "locale": u.locale.as_ref().map(|l| l.tag()),
        "created_at": date(u.created_at),
    })
}

pub async fn run(cmd: UserCommand, settings: &Settings) -> CommandResult {
    let services = crate::startup::services(settings).await?;
    let client = cli_client();
    let actor = Actor::command_line();
    match cmd {
        UserCommand::Create { username, email, roles, email_verified, invite, locale } => {
            let roles = parse_roles(&roles)?;
            let locale = match locale {
                None => None,
                Some(tag) => Some(
                    gatehouse_core::i18n::Locale::parse(&tag)
                        .and_then(|l| settings.accounts.catalogs.supported(&l))
                        .ok_or_else(|| CommandError::Usage(format!("--locale {tag}: there are no messages in it")))?,
                ),
            };
            let password = if invite { None } else { Some(read_password()?) };
            let req = NewUserRequest { username, email, password, roles, email_verified, locale };
            let user = services.admin.create_user(req, &actor, &client).await?;
            print_user(&user);
            if invite {
                println!("a link to choose a password was mailed to {}", user.email);
            }
        }
        UserCommand::List { search, role, limit, offset, json } => {
            let role = role.as_deref().map(Role::parse).transpose()?;
            let filter = UserFilter { search, role, active: None };
            for u in services.admin.list_users(&actor, &filter, limit, offset).await? {
                if json {
                    println!("{}", user_json(&u));
                } else {
                    print_user(&u);
                }
            }
        }
        UserCommand::SetRole { user, roles } => {
            let target = services.admin.find_user(&user).await?;
            let updated = services.admin.set_roles(&actor, target.id, parse_roles(&roles)?, &client).await?;
            print_user(&updated);
        }
        UserCommand::Update { user, username, email, email_verified } => {
            let target = services.admin.find_user(&user).await?;
            let update = UserUpdate { username, email, email_verified };
            print_user(&services.admin.update_user(&actor, target.id, update, &client).await?);
        }
        UserCommand::Logout { user } => {
            let target = services.admin.find_user(&user).await?;
            let ended = services.admin.end_user_sessions(&actor, target.id, None, &client).await?;
            println!("ended {ended} sessions of {}", target.username);
        }
        UserCommand::Disable { user } => set_active(&services.admin, &user, false, &client).await?,
        UserCommand::Enable { user } => set_active(&services.admin, &user, true, &client).await?,
        UserCommand::Unlock { user } => {
            let target = services.admin.find_user(&user).await?;
            print_user(&services.admin.unlock(&actor, target.id, &client).await?);
        }
        UserCommand::ResetMfa { user } => {
            let target = services.admin.find_user(&user).await?;
            let reset = services.admin.reset_second_factors(&actor, target.id, &client).await?;
            println!(
                "{}: TOTP {}, {} passkeys and the backup codes removed; {} sessions ended; a notice was mailed",
                target.username,
                if reset.totp { "removed" } else { "none" },
                reset.passkeys,
                reset.sessions
            );
        }
        UserCommand::ResetPassword { user } => {
            let target = services.admin.find_user(&user).await?;
            print_user(&services.admin.require_password_reset(&actor, target.id, &client).await?);
            println!("sessions ended, API keys revoked, a reset link mailed to {}", target.email);
        }
        UserCommand::Delete { user } => {
            let target = services.admin.find_user(&user).await?;
            services.admin.delete_user_as_admin(&actor, target.id, &client).await?;
            println!("deleted user {} ({})", target.username, target.id);
        }
        UserCommand::Import { file } => import(&services.admin, &file, &client).await?,
    }
    Ok(())
}

async fn set_active(admin: &Admin, user: &str, active: bool, client: &ClientInfo) -> CommandResult {
    let target = admin.find_user(user).await?;
    print_user(&admin.set_active(&Actor::command_line(), target.id, active, client).await?);
    Ok(())
}

/// Imports every line it can; reports each failure with its line number and
/// exits 2 if any line failed.
async fn import(admin: &Admin, file: &std::path::Path, client: &ClientInfo) -> CommandResult {
    let mut text = String::new();
    if file.as_os_str() == "-" {
        std::io::stdin().read_to_string(&mut text).map_err(|e| CommandError::Runtime(e.into()))?;
    } else {
        text = std::fs::read_to_string(file)
            .map_err(|e| CommandError::Usage(format!("cannot read {}: {e}", file.display())))?;
    }
    let (mut imported, mut failed) = (0usize, 0usize);
    for (n, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let result = match serde_json::from_str::<ImportedUser>(line) {
            Ok(record) => admin.import_user(record, client).await.map_err(|e| e.to_string()),
            Err(e) => Err(format!("not a valid record: {e}")),
        };
        match result {
            Ok(_) => imported += 1,
            Err(e) => {
                failed += 1;
                eprintln!("line {}: {e}", n + 1);
            }
        }
    }
    println!("imported {imported} users, {failed} failed");
    if failed > 0 {
        return Err(CommandError::Usage(format!("{failed} records were not imported")));
    }
    Ok(())
}
