//! The command line: `gatehouse [global options] <command> [its options]`.
//!
//! The global options (configuration file, data directory, database URL,
//! master key) go with every command. The server's options are flags of
//! `serve` (and of `config check`, which validates them); every other command
//! reads them from the `--config` file and `GATEHOUSE_*` variables alone, so
//! its `--help` shows only what it takes.

use clap::{Parser, Subcommand};

use crate::config::{GlobalOptions, RawConfig};

#[derive(Debug, Parser)]
#[command(
    name = "gatehouse",
    version,
    about = "Gatehouse: a self-hosted authentication and identity server",
    after_help = "Server options (see `gatehouse serve --help`) may also be set in the --config file or as \
                  GATEHOUSE_* variables; every command reads them from there."
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalOptions,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the server
    Serve {
        #[command(flatten)]
        options: Box<RawConfig>,
    },
    /// Create or upgrade the database schema, then exit
    Migrate,
    /// Delete expired sessions, tokens, links and codes (and audit records past audit_retention) now
    Purge,
    /// Copy the SQLite database to a new file while the server runs (on PostgreSQL use pg_dump)
    Backup {
        /// Where to write the copy (must not exist yet)
        path: std::path::PathBuf,
    },
    /// Inspect the configuration
    #[command(subcommand)]
    Config(ConfigCommand),
    /// Manage users
    #[command(subcommand)]
    User(UserCommand),
    /// Manage roles (named sets of permissions)
    #[command(subcommand)]
    Role(RoleCommand),
    /// Manage signing keys
    #[command(subcommand)]
    Keys(KeysCommand),
    /// Manage OAuth clients
    #[command(subcommand)]
    Client(ClientCommand),
    /// Manage upstream identity providers ("Sign in with Google/GitHub/…")
    #[command(subcommand)]
    Upstream(UpstreamCommand),
}

impl Command {
    /// The server options given as flags (`serve`, `config check`); the other
    /// commands take them from the environment and the file only.
    pub fn take_options(&mut self) -> Option<RawConfig> {
        match self {
            Command::Serve { options } | Command::Config(ConfigCommand::Check { options }) => {
                Some(std::mem::take(options.as_mut()))
            }
            _ => None,
        }
    }
}

#[derive(Debug, Subcommand)]
pub enum UpstreamCommand {
    /// Register an upstream provider. Its callback URL is {issuer}/login/upstream/{id}/callback
    Add {
        /// Short id used in URLs (a-z, 0-9, '-'), e.g. "google"
        id: String,
        /// google, github or oidc (a generic OpenID provider; needs --issuer)
        #[arg(long)]
        preset: String,
        /// The button text: "Sign in with NAME" [default: the preset's name]
        #[arg(long)]
        name: Option<String>,
        /// The provider's issuer URL (generic OpenID providers)
        #[arg(long = "upstream-issuer", value_name = "URL")]
        upstream_issuer: Option<String>,
        #[arg(long)]
        client_id: String,
        /// A file holding the client secret ("-" reads standard input)
        #[arg(long, value_name = "PATH")]
        client_secret_file: String,
        /// A scope to request (repeatable) [default: the preset's]
        #[arg(long = "scope")]
        scopes: Vec<String>,
        /// Link to an existing account with the same upstream-verified email
        #[arg(long)]
        link_by_email: bool,
    },
    /// List upstream providers
    List,
    /// Remove an upstream provider and its links to accounts
    Remove { id: String },
}

#[derive(Debug, Subcommand)]
pub enum ClientCommand {
    /// Register a client; its secret (confidential clients) is printed once
    Create {
        #[arg(long)]
        name: String,
        /// An exact redirect URI (repeatable)
        #[arg(long = "redirect-uri")]
        redirect_uris: Vec<String>,
        /// A post-logout redirect URI (repeatable)
        #[arg(long = "post-logout-redirect-uri")]
        post_logout_redirect_uris: Vec<String>,
        /// authorization_code, refresh_token, client_credentials (repeatable)
        #[arg(long = "grant")]
        grants: Vec<String>,
        /// An allowed scope (repeatable) [default: openid profile email]
        #[arg(long = "scope")]
        scopes: Vec<String>,
        /// A public client (SPA, native app): no secret, PKCE required
        #[arg(long)]
        public: bool,
        /// Skip the consent page (your own application)
        #[arg(long)]
        first_party: bool,
        /// How ID tokens for this client are signed: RS256 (default), ES256 or EdDSA
        #[arg(long, value_name = "ALG")]
        id_token_alg: Option<gatehouse_core::token::SigningAlg>,
        /// The application's home page, linked on the login and consent pages
        #[arg(long, value_name = "URL")]
        client_uri: Option<String>,
        /// The application's logo, shown on the login and consent pages
        #[arg(long, value_name = "URL")]
        logo_uri: Option<String>,
    },
    /// List clients
    List {
        /// Print JSON lines instead of a table
        #[arg(long)]
        json: bool,
    },
    /// Change a client: each option given replaces the stored list or value
    Update {
        id: String,
        #[arg(long)]
        name: Option<String>,
        /// An exact redirect URI (repeatable; replaces the list)
        #[arg(long = "redirect-uri")]
        redirect_uris: Vec<String>,
        /// A post-logout redirect URI (repeatable; replaces the list)
        #[arg(long = "post-logout-redirect-uri")]
        post_logout_redirect_uris: Vec<String>,
        /// A grant (repeatable; replaces the list)
        #[arg(long = "grant")]
        grants: Vec<String>,
        /// An allowed scope (repeatable; replaces the list)
        #[arg(long = "scope")]
        scopes: Vec<String>,
        /// Skip (true) or show (false) the consent page
        #[arg(long, value_name = "BOOL")]
        first_party: Option<bool>,
        /// The application's home page ("" removes it)
        #[arg(long, value_name = "URL")]
        client_uri: Option<String>,
        /// The application's logo ("" removes it)
        #[arg(long, value_name = "URL")]
        logo_uri: Option<String>,
    },
    /// Give a confidential client a new secret (printed once); the old one stops working
    RotateSecret { id: String },
    /// Delete a client
    Delete { id: String },
}

#[derive(Debug, Subcommand)]
pub enum RoleCommand {
    /// List roles with their permissions
    List {
        /// Print JSON lines instead of a table
        #[arg(long)]
        json: bool,
    },
    /// Create a role
    Create {
        name: String,
        /// A permission it grants, resource:action (repeatable)
        #[arg(long = "permission")]
        permissions: Vec<String>,
        #[arg(long, default_value = "")]
        description: String,
    },
    /// Change a role: --permission (repeatable) replaces its permissions
    Update {
        name: String,
        #[arg(long = "permission")]
        permissions: Vec<String>,
        /// Take every permission away
        #[arg(long, conflicts_with = "permissions")]
        no_permissions: bool,
        #[arg(long)]
        description: Option<String>,
    },
    /// Delete a role (one that users hold needs --force, which takes it from them)
    Delete {
        name: String,
        #[arg(long)]
        force: bool,
    },
    /// Gatehouse's own permissions
    Permissions,
}

#[derive(Debug, Subcommand)]
pub enum ConfigCommand {
    /// Validate the configuration and print it (secrets redacted)
    Check {
        #[command(flatten)]
        options: Box<RawConfig>,
    },
}

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Create a user; the password is read from stdin (or prompted for on a terminal)
    Create {
        #[arg(long)]
        username: String,
        #[arg(long)]
        email: String,
        /// A role to grant (repeatable), e.g. --role admin
        #[arg(long = "role")]
        roles: Vec<String>,
        /// Mark the email address as verified
        #[arg(long)]
        email_verified: bool,
        /// No password: mail the user a link to choose one
        #[arg(long)]
        invite: bool,
        /// The language of the account's mails, the invitation first (en, de, es, …) [default: default_language]
        #[arg(long, value_name = "LANG")]
        locale: Option<String>,
    },
    /// List users
    List {
        /// Part of a username or email
        #[arg(long)]
        search: Option<String>,
        /// Only holders of this role
        #[arg(long)]
        role: Option<String>,
        #[arg(long, default_value_t = 100)]
        limit: u32,
        #[arg(long, default_value_t = 0)]
        offset: u32,
        /// Print JSON lines instead of a table
        #[arg(long)]
        json: bool,
    },
    /// Replace a user's roles (id, username or email)
    SetRole {
        user: String,
        /// The roles the user should have (repeatable; none removes all)
        #[arg(long = "role")]
        roles: Vec<String>,
    },
    /// Change a user's username or email (a new email is unverified unless --email-verified true)
    Update {
        user: String,
        #[arg(long)]
        username: Option<String>,
        #[arg(long)]
        email: Option<String>,
        #[arg(long, value_name = "BOOL")]
        email_verified: Option<bool>,
    },
    /// End every session of a user
    Logout { user: String },
    /// Disable an account (its sessions end)
    Disable { user: String },
    /// Enable a disabled account
    Enable { user: String },
    /// Clear failed-login lockout
    Unlock { user: String },
    /// Demand a new password: sessions end, API keys are revoked, a reset link is mailed
    ResetPassword { user: String },
    /// Remove the second factors (TOTP, backup codes, passkeys) of someone who lost them;
    /// sessions end and a notice is mailed
    ResetMfa { user: String },
    /// Delete an account and everything that is theirs
    Delete { user: String },
    /// Import users with existing password hashes from JSON lines (a file or - for stdin):
    /// {"username","email","password_hash","roles":[...],"email_verified":bool}
    Import { file: std::path::PathBuf },
}

#[derive(Debug, Subcommand)]
pub enum KeysCommand {
    /// List signing keys
    List,
    /// Make a new signing key current; the old ones stay published while tokens they signed may live
    Rotate,
    /// Re-seal every stored secret (signing keys, TOTP secrets, upstream client secrets) under a
    /// new master key, in one transaction; stop the servers first, start them with the new key after
    RotateMaster {
        /// The new master key (base64 of 32 bytes); a new one is made there (0600) if the file is missing
        #[arg(long)]
        new_master_key_file: std::path::PathBuf,
    },
}
