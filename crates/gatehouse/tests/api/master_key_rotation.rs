//! `gatehouse keys rotate-master`: every stored secret — signing keys, TOTP
//! secrets, upstream client secrets, the backup codes' key — moves to a new
//! master key in one transaction; the server then runs on the new key with
//! nothing lost, and the old key opens nothing.

use std::process::{Command, Output};

use gatehouse_core::flows::NewUpstream;
use serde_json::Value;

use crate::helpers::TestApp;
use crate::mfa::{code, enroll, first_step, fresh_step, second_step};
use crate::on_both_backends;

/// The `gatehouse` binary on `app`'s data directory and database, with
/// `master_key_file` when given (else the data directory's `master.key`).
fn cli(app: &TestApp, args: &[&str], master_key_file: Option<&std::path::Path>) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_gatehouse"));
    cmd.args(args)
        .env("GATEHOUSE_DATA_DIR", &app.dir)
        .env("GATEHOUSE_DATABASE_URL", app.config.database_url.as_deref().unwrap())
        .env("GATEHOUSE_ARGON2_MEMORY_KIB", "1024")
        .env("GATEHOUSE_ARGON2_ITERATIONS", "1")
        .env("GATEHOUSE_LOG_LEVEL", "warn");
    if let Some(path) = master_key_file {
        cmd.env("GATEHOUSE_MASTER_KEY_FILE", path);
    }
    cmd.output().unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

on_both_backends! {
    async fn a_new_master_key_opens_every_secret_and_the_old_one_none(backend) {
        let mut app = TestApp::spawn(backend).await;
        fresh_step(&app).await;
        let tokens = app.signed_up("alice").await;
        let access = tokens["access_token"].as_str().unwrap().to_owned();
        let (secret, backup_codes) = enroll(&app, &access).await;
        let upstream = NewUpstream {
            id: "corp".into(),
            preset: "github".into(),
            client_id: "corp-client".into(),
            client_secret: "the-upstream-secret".to_owned().into(),
            ..Default::default()
        };
        app.state.auth.add_upstream(upstream, &gatehouse_core::rbac::Actor::command_line(), &Default::default()).await.unwrap();
        app.stop().await;

        // The key in use is refused as the new one (exit 2); a missing file gets a new key.
        let old_key = app.dir.join("master.key");
        let same = cli(&app, &["keys", "rotate-master", "--new-master-key-file", old_key.to_str().unwrap()], None);
        assert_eq!(same.status.code(), Some(2), "{}", text(&same.stderr));
        let new_key = app.dir.join("new-master.key");
        let out = cli(&app, &["keys", "rotate-master", "--new-master-key-file", new_key.to_str().unwrap()], None);
        assert!(out.status.success(), "{}", text(&out.stderr));
        let said = text(&out.stdout);
        assert!(said.contains("1 TOTP secrets") && said.contains("1 upstream client secrets") && said.contains("1 kept keys"), "{said}");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(std::fs::metadata(&new_key).unwrap().permissions().mode() & 0o777, 0o600);
        }
        assert_ne!(std::fs::read(&new_key).unwrap(), std::fs::read(&old_key).unwrap());

        // The old key opens nothing any more; the new one does.
        let refused = cli(&app, &["keys", "list"], None);
        assert!(!refused.status.success());
        assert!(text(&refused.stderr).contains("master key"), "{}", text(&refused.stderr));
        let listed = cli(&app, &["keys", "list"], Some(&new_key));
        assert!(listed.status.success(), "{}", text(&listed.stderr));

        // The server on the new key: earlier tokens verify (same signing keys),
        // the TOTP secret and the backup codes still work, the upstream secret opens.
        let new_key_path = new_key.clone();
        let app = app.restart_with(|c| c.master_key_file = Some(new_key_path)).await;
        assert_eq!(app.me(&access).await.status(), 200, "a token signed before the change verifies");
        let mfa_token = first_step(&app, "alice").await;
        assert_eq!(second_step(&app, &mfa_token, &code(&app, &secret, 0)).await.status(), 200, "the TOTP secret");
        let mfa_token = first_step(&app, "alice").await;
        assert_eq!(second_step(&app, &mfa_token, &backup_codes[0]).await.status(), 200, "a printed backup code");
        let provider = app.state.auth.upstream("corp").await.unwrap();
        use secrecy::ExposeSecret as _;
        assert_eq!(app.state.auth.upstream_secret(&provider).unwrap().expose_secret(), "the-upstream-secret");
        let bob: Value = app.signed_up("bob").await;
        assert!(bob["access_token"].is_string());
    }
}
