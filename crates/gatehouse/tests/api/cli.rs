//! The `gatehouse` binary as an operator uses it: config check, exit codes,
//! migrate, user management, import, key rotation.

use std::io::Write;
use std::process::{Command, Output, Stdio};

use crate::helpers::{fresh_postgres_database, STRONG_PASSWORD};

struct Cli {
    dir: tempfile::TempDir,
    database_url: Option<String>,
}

impl Cli {
    fn sqlite() -> Self {
        Self { dir: tempfile::tempdir().unwrap(), database_url: None }
    }

    async fn postgres() -> Self {
        Self { dir: tempfile::tempdir().unwrap(), database_url: Some(fresh_postgres_database().await) }
    }

    fn command(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_gatehouse"));
        cmd.args(args)
            .env("GATEHOUSE_DATA_DIR", self.dir.path())
            .env("GATEHOUSE_ARGON2_MEMORY_KIB", "1024")
            .env("GATEHOUSE_ARGON2_ITERATIONS", "1")
            .env("GATEHOUSE_LOG_LEVEL", "warn");
        if let Some(url) = &self.database_url {
            cmd.env("GATEHOUSE_DATABASE_URL", url);
        }
        cmd
    }

    fn run(&self, args: &[&str], stdin: &str) -> Output {
        let mut child =
            self.command(args).stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
        child.stdin.take().unwrap().write_all(stdin.as_bytes()).unwrap();
        child.wait_with_output().unwrap()
    }

    fn ok(&self, args: &[&str], stdin: &str) -> String {
        let out = self.run(args, stdin);
        assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout).unwrap()
    }
}

fn operator_workflow(cli: &Cli) {
    assert!(cli.ok(&["migrate"], "").contains("up to date"));
    let created = cli.ok(
        &["user", "create", "--username", "root", "--email", "root@example.com", "--role", "admin"],
        STRONG_PASSWORD,
    );
    assert!(created.contains("root") && created.contains("[admin]"), "{created}");
    // A weak password is refused with exit code 2 and a reason.
    let weak = cli.run(&["user", "create", "--username", "bob", "--email", "bob@example.com"], "password");
    assert_eq!(weak.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&weak.stderr).contains("12"));
    let listed = cli.ok(&["user", "list"], "");
    assert!(listed.contains("root@example.com") && !listed.contains("bob"));
    // Roles: a role must exist before it is given.
    let unknown = cli.run(&["user", "set-role", "root", "--role", "admin", "--role", "auditor"], "");
    assert_eq!(unknown.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("no role 'auditor'"));
    let made =
        cli.ok(&["role", "create", "auditor", "--permission", "audit:read", "--description", "Reads the log"], "");
    assert!(made.contains("auditor") && made.contains("[audit:read]"), "{made}");
    let bad = cli.run(&["role", "create", "odd", "--permission", "not a permission"], "");
    assert_eq!(bad.status.code(), Some(2));
    assert!(cli
        .ok(&["user", "set-role", "root", "--role", "admin", "--role", "auditor"], "")
        .contains("[admin,auditor]"));
    let updated =
        cli.ok(&["role", "update", "auditor", "--permission", "audit:read", "--permission", "users:read"], "");
    assert!(updated.contains("[audit:read users:read]"), "{updated}");
    let roles = cli.ok(&["role", "list", "--json"], "");
    let auditor: serde_json::Value =
        serde_json::from_str(roles.lines().find(|l| l.contains("auditor")).unwrap()).unwrap();
    assert_eq!(auditor["permissions"], serde_json::json!(["audit:read", "users:read"]));
    assert!(roles.contains("\"name\":\"admin\"") && roles.contains("\"builtin\":true"));
    assert!(cli.ok(&["role", "permissions"], "").contains("roles:assign"));
    let in_use = cli.run(&["role", "delete", "auditor"], "");
    assert_eq!(in_use.status.code(), Some(2), "a role someone holds needs --force");
    assert!(String::from_utf8_lossy(&in_use.stderr).contains("1 users hold"));
    assert_eq!(cli.run(&["role", "delete", "admin", "--force"], "").status.code(), Some(2), "built-in");
    assert!(cli.ok(&["role", "delete", "auditor", "--force"], "").contains("taken from 1 users"));
    assert!(cli.ok(&["user", "list", "--role", "admin"], "").contains("root@example.com"));
    // The last administrator cannot be disabled; with a second one, they can.
    let last = cli.run(&["user", "disable", "root@example.com"], "");
    assert_eq!(last.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&last.stderr).contains("last active administrator"));
    cli.ok(&["user", "create", "--username", "ops", "--email", "ops@example.com", "--role", "admin"], STRONG_PASSWORD);
    assert!(cli.ok(&["user", "disable", "root@example.com"], "").contains("disabled"));
    assert!(cli.ok(&["user", "enable", "root"], "").contains("active"));
    // An invitation has no password: a reset link is mailed (to the outbox here).
    let invited = cli.ok(&["user", "create", "--username", "carol", "--email", "carol@example.com", "--invite"], "");
    assert!(invited.contains("a link to choose a password was mailed"), "{invited}");
    // In the invitee's language, which `user list --json` shows; a language without messages is refused.
    cli.ok(
        &["user", "create", "--username", "dora", "--email", "dora@example.com", "--invite", "--locale", "de-CH"],
        "",
    );
    let listed = cli.ok(&["user", "list", "--json", "--search", "dora"], "");
    assert!(listed.contains("\"locale\":\"de\""), "{listed}");
    let refused = cli
        .run(&["user", "create", "--username", "eve", "--email", "eve@example.com", "--invite", "--locale", "tlh"], "");
    assert_eq!(refused.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("--locale tlh"), "{refused:?}");
    assert!(cli.ok(&["user", "reset-password", "ops"], "").contains("API keys revoked"));
    let reset = cli.ok(&["user", "reset-mfa", "ops@example.com"], "");
    assert!(reset.contains("ops: TOTP none, 0 passkeys and the backup codes removed"), "{reset}");
    let renamed = cli.ok(&["user", "update", "carol", "--username", "caroline", "--email", "caroline@example.com"], "");
    assert!(renamed.contains("caroline") && renamed.contains("caroline@example.com"), "{renamed}");
    assert_eq!(cli.run(&["user", "update", "caroline", "--username", "root"], "").status.code(), Some(2), "taken");
    assert!(cli.ok(&["user", "logout", "root"], "").contains("ended 0 sessions of root"));
    assert!(cli.ok(&["user", "delete", "caroline"], "").contains("deleted user caroline"));
    assert_eq!(cli.run(&["user", "delete", "caroline"], "").status.code(), Some(2));
    assert!(cli.ok(&["user", "unlock", "root"], "").contains("active"));
    let purged = cli.ok(&["purge"], "");
    for kind in ["sessions", "refresh_tokens", "email_tokens", "authorization_codes", "audit_records", "total"] {
        assert!(purged.lines().any(|l| l.starts_with(kind)), "{kind} in {purged}");
    }
    assert_eq!(cli.run(&["user", "disable", "nobody"], "").status.code(), Some(2));
    let hash = bcrypt::hash("legacy password one", 4).unwrap();
    let lines = format!(
        "{{\"username\":\"legacy\",\"email\":\"legacy@example.com\",\"password_hash\":\"{hash}\"}}\nnot json\n{{\"username\":\"md5\",\"email\":\"md5@example.com\",\"password_hash\":\"5f4dcc3b\"}}\n"
    );
    let import = cli.run(&["user", "import", "-"], &lines);
    assert_eq!(import.status.code(), Some(2), "partial import exits 2");
    let stderr = String::from_utf8_lossy(&import.stderr);
    assert!(stderr.contains("line 2") && stderr.contains("line 3"), "{stderr}");
    assert!(String::from_utf8_lossy(&import.stdout).contains("imported 1 users, 2 failed"));
    assert!(cli.ok(&["user", "list", "--json"], "").contains("legacy@example.com"));
    // OAuth clients: the secret is printed once, lists survive the round trip.
    let created = cli.ok(
        &[
            "client",
            "create",
            "--name",
            "Shop",
            "--redirect-uri",
            "https://shop.example.com/cb",
            "--redirect-uri",
            "http://localhost:3000/cb",
            "--scope",
            "openid",
            "--scope",
            "email",
            "--first-party",
        ],
        "",
    );
    let client_id = created.lines().find_map(|l| l.strip_prefix("client_id")).unwrap().trim().to_owned();
    let secret = created.lines().find_map(|l| l.strip_prefix("client_secret")).unwrap().trim().to_owned();
    assert!(client_id.starts_with("gh_") && secret.len() == 43, "{created}");
    let public =
        cli.ok(&["client", "create", "--name", "SPA", "--public", "--redirect-uri", "https://spa.example.com/"], "");
    assert!(public.contains("no secret"));
    let listed = cli.ok(&["client", "list", "--json"], "");
    assert!(!listed.contains(&secret), "secrets are never listed");
    let shop: serde_json::Value =
        serde_json::from_str(listed.lines().find(|l| l.contains(&client_id)).unwrap()).unwrap();
    assert_eq!(shop["redirect_uris"], serde_json::json!(["https://shop.example.com/cb", "http://localhost:3000/cb"]));
    assert_eq!(shop["scopes"], serde_json::json!(["openid", "email"]));
    assert_eq!(shop["first_party"], true);
    assert_eq!(shop["token_endpoint_auth_method"], "client_secret_basic");
    assert_eq!(shop["id_token_signed_response_alg"], "RS256");
    let bad = cli.run(&["client", "create", "--name", "Evil", "--redirect-uri", "http://evil.example.com/cb"], "");
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("https"));
    let changed = cli.ok(&["client", "update", &client_id, "--name", "Shop 2", "--scope", "openid"], "");
    let changed: serde_json::Value = serde_json::from_str(changed.trim()).unwrap();
    assert_eq!((changed["name"].as_str(), &changed["scopes"]), (Some("Shop 2"), &serde_json::json!(["openid"])));
    assert_eq!(changed["redirect_uris"], shop["redirect_uris"], "what is not given stays");
    let rotated = cli.ok(&["client", "rotate-secret", &client_id], "");
    let new_secret = rotated.lines().find_map(|l| l.strip_prefix("client_secret")).unwrap().trim().to_owned();
    assert!(new_secret.len() == 43 && new_secret != secret);
    let public_id = cli.ok(&["client", "list", "--json"], "");
    let spa_id = public_id
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .find(|c| c["kind"] == "public")
        .unwrap()["client_id"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(cli.run(&["client", "rotate-secret", &spa_id], "").status.code(), Some(2), "public: no secret");
    assert!(cli.ok(&["client", "delete", &client_id], "").contains("deleted"));
    assert_eq!(cli.run(&["client", "delete", &client_id], "").status.code(), Some(2));
    assert!(!cli.ok(&["client", "list"], "").contains(&client_id));

    // Upstream providers: the secret comes from a file or standard input.
    let added = cli.ok(
        &["upstream", "add", "google", "--preset", "google", "--client-id", "abc.apps", "--client-secret-file", "-"],
        "s3cret\n",
    );
    assert!(added.contains("/login/upstream/google/callback"), "{added}");
    let corp = cli.ok(
        &[
            "upstream",
            "add",
            "corp",
            "--preset",
            "oidc",
            "--upstream-issuer",
            "https://id.corp.example",
            "--client-id",
            "gh",
            "--client-secret-file",
            "-",
            "--link-by-email",
        ],
        "x",
    );
    assert!(corp.contains("added upstream corp"));
    let listed = cli.ok(&["upstream", "list"], "");
    assert!(listed.contains("https://accounts.google.com") && listed.contains("link-by-email=true"), "{listed}");
    assert!(!listed.contains("s3cret"));
    assert_eq!(
        cli.run(
            &["upstream", "add", "google", "--preset", "google", "--client-id", "x", "--client-secret-file", "-"],
            "y"
        )
        .status
        .code(),
        Some(2)
    );
    assert_eq!(
        cli.run(&["upstream", "add", "bad", "--preset", "oidc", "--client-id", "x", "--client-secret-file", "-"], "y")
            .status
            .code(),
        Some(2)
    );
    assert!(cli.ok(&["upstream", "remove", "corp"], "").contains("removed"));
    assert_eq!(cli.run(&["upstream", "remove", "corp"], "").status.code(), Some(2));

    // The access-token key, and the RS256 key made for the clients' ID tokens:
    // each algorithm rotates on its own.
    let before = cli.ok(&["keys", "list"], "");
    assert_eq!(before.matches("current").count(), 2, "{before}");
    assert!(before.contains("EdDSA") && before.contains("RS256"), "{before}");
    assert_eq!(cli.ok(&["keys", "rotate"], "").matches("new current key").count(), 2);
    let after = cli.ok(&["keys", "list"], "");
    assert_eq!(after.matches("current").count(), 2, "{after}");
    assert_eq!(after.matches("previous").count(), 2, "{after}");
}

#[test]
fn operator_workflow_on_sqlite() {
    let cli = Cli::sqlite();
    operator_workflow(&cli);
    // The data directory holds the database and a private master key.
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(cli.dir.path().join("master.key")).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o600);
    assert!(cli.dir.path().join("gatehouse.db").exists());
    // An online copy: private, never over an existing file, and a working database.
    let copy = cli.dir.path().join("copy.db");
    let copy_arg = copy.to_str().unwrap();
    assert!(cli.ok(&["backup", copy_arg], "").contains("master key"));
    assert_eq!(std::fs::metadata(&copy).unwrap().permissions().mode() & 0o777, 0o600);
    assert_eq!(cli.run(&["backup", copy_arg], "").status.code(), Some(2), "never overwrites");
    let listed = cli.ok(&["--database-url", &format!("sqlite://{copy_arg}"), "user", "list"], "");
    assert!(listed.contains("root"), "the copy holds the users: {listed}");
}

#[tokio::test]
async fn operator_workflow_on_postgres() {
    let cli = Cli::postgres().await;
    tokio::task::spawn_blocking(move || {
        operator_workflow(&cli);
        // PostgreSQL has pg_dump; the command says so instead of half-working.
        let out = cli.run(&["backup", cli.dir.path().join("copy.db").to_str().unwrap()], "");
        assert_eq!(out.status.code(), Some(2));
        assert!(String::from_utf8_lossy(&out.stderr).contains("pg_dump"));
    })
    .await
    .unwrap();
}

#[test]
fn config_check_and_exit_codes() {
    let cli = Cli::sqlite();
    let out = cli.ok(&["config", "check"], "");
    assert!(out.contains("bind               127.0.0.1:8080") && out.contains("configuration is valid"), "{out}");
    let secret = "dGhpcyBpcyBhIDMyIGJ5dGUgbWFzdGVyIGtleSEhISE=";
    let with_secret = cli.ok(&["config", "check", "--master-key", secret], "");
    assert!(!with_secret.contains(secret) && with_secret.contains("redacted"));

    let toml = cli.dir.path().join("gatehouse.toml");
    std::fs::write(&toml, "bind = \"127.0.0.1:9999\"\nissuer = \"https://id.example.com\"\n").unwrap();
    let out = cli.ok(&["config", "check", "--config", toml.to_str().unwrap(), "--bind", "127.0.0.1:7777"], "");
    assert!(out.contains("127.0.0.1:7777") && out.contains("https://id.example.com"), "flag beats file: {out}");
    let out = cli
        .command(&["config", "check", "--config", toml.to_str().unwrap()])
        .env("GATEHOUSE_BIND", "127.0.0.1:6666")
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).contains("127.0.0.1:6666"), "env beats file");

    std::fs::write(&toml, "bnid = \"127.0.0.1:9999\"\n").unwrap();
    let out = cli.run(&["config", "check", "--config", toml.to_str().unwrap()], "");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("bnid"));

    let out = cli.command(&["config", "check"]).env("GATEHOUSE_BIDN", "x").output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("GATEHOUSE_BIDN"));

    let out = cli.run(&["config", "check", "--log-format", "xml"], "");
    assert_eq!(out.status.code(), Some(2));

    // A mistake only start-up can find (a broken theme template) is still a
    // configuration error: exit 2, naming the file, before listening.
    let theme = cli.dir.path().join("theme");
    std::fs::create_dir_all(&theme).unwrap();
    std::fs::write(theme.join("login.html"), "{% if %}").unwrap();
    let out = cli.run(&["serve", "--bind", "127.0.0.1:0", "--theme-dir", theme.to_str().unwrap()], "");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("login.html"));
    let out = cli.run(&["no-such-command"], "");
    assert_eq!(out.status.code(), Some(2));

    let key_file = cli.dir.path().join("mk");
    std::fs::write(&key_file, secret).unwrap();
    let out = cli.run(&["config", "check", "--master-key-file", key_file.to_str().unwrap()], "");
    assert!(out.status.success());
}

#[test]
fn serve_starts_and_stops_on_sigterm() {
    use std::io::BufRead;
    let cli = Cli::sqlite();
    let mut child = cli
        .command(&["serve", "--bind", "127.0.0.1:0", "--log-level", "info"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Stopped once it says it listens (not after a guessed delay).
    let mut lines = std::io::BufReader::new(child.stdout.take().unwrap()).lines();
    let listening = lines.by_ref().map_while(Result::ok).find(|l| l.contains("gatehouse is listening"));
    assert!(listening.is_some(), "the server announces itself");
    assert!(child.try_wait().unwrap().is_none(), "still running");
    let pid = child.id().to_string();
    assert!(Command::new("kill").args(["-TERM", &pid]).status().unwrap().success());
    let status = child.wait().unwrap();
    assert!(status.success(), "graceful exit 0, got {status:?}");
}

/// `--help` of each command shows what it takes: the server's options on
/// `serve` alone, the global ones everywhere.
#[test]
fn each_command_lists_only_its_own_options() {
    let cli = Cli::sqlite();
    let help = |args: &[&str]| {
        let out = cli.run(args, "");
        assert!(out.status.success(), "{args:?}");
        String::from_utf8(out.stdout).unwrap()
    };
    let serve = help(&["serve", "--help"]);
    for option in ["--bind", "--issuer", "--argon2-memory-kib", "--smtp-url", "--data-dir", "--database-url"] {
        assert!(serve.contains(option), "serve --help lacks {option}");
    }
    for args in [
        &["user", "create", "--help"][..],
        &["keys", "list", "--help"],
        &["client", "create", "--help"],
        &["migrate", "--help"],
    ] {
        let text = help(args);
        for global in ["--config", "--data-dir", "--database-url", "--master-key"] {
            assert!(text.contains(global), "{args:?} lacks the global {global}");
        }
        for server_only in ["--bind", "--argon2-memory-kib", "--smtp-url", "--login-rate-per-ip", "--theme-dir"] {
            assert!(!text.contains(server_only), "{args:?} lists the server's {server_only}");
        }
        assert!(text.lines().count() < 40, "{args:?}: {} lines", text.lines().count());
    }
    // The server's options still reach the other commands from the environment.
    let mut child = cli
        .command(&["user", "create", "--username", "dora", "--email", "dora@example.com"])
        .env("GATEHOUSE_PASSWORD_MIN_LENGTH", "40")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(STRONG_PASSWORD.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("40"), "{}", String::from_utf8_lossy(&out.stderr));
}
