//! Faults injected into the real database: every multi-write command is all
//! or nothing.
//!
//! Triggers on every table count the rows written (inserted, updated or
//! deleted) down from N; the write that reaches zero fails, as a full disk or
//! a dropped connection would. Each command runs with N = 1, 2, 3, … until it
//! succeeds: every failed run must leave the database exactly as it was (a
//! snapshot of every table, compared as text), answer 500 and leave the
//! command retryable — the link, the code or the session it uses still works.
//! The audit log's records of failures are left out of the comparison: a
//! command that fails may say so, on its own.

use serde_json::{json, Value};
use sqlx::Row as _;

use crate::browser::*;
use crate::helpers::*;
use crate::oauth::{code_for, exchange, signed_in, VERIFIER};
use crate::on_both_backends;

const NEW_PASSWORD: &str = "an entirely new passphrase 99";

/// The test's own connection to the server's database.
enum Db {
    Sqlite(sqlx::SqlitePool),
    Postgres(sqlx::PgPool),
}

impl Db {
    async fn open(app: &TestApp) -> Db {
        let url = app.config.database_url.clone().expect("a database URL");
        let db = match app.backend {
            Backend::Sqlite => Db::Sqlite(sqlx::SqlitePool::connect(&url).await.unwrap()),
            Backend::Postgres => Db::Postgres(sqlx::PgPool::connect(&url).await.unwrap()),
        };
        db.install().await;
        db
    }

    async fn tables(&self) -> Vec<String> {
        let names: Vec<String> = match self {
            Db::Sqlite(pool) => sqlx::query_scalar(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
            )
            .fetch_all(pool)
            .await
            .unwrap(),
            Db::Postgres(pool) => {
                sqlx::query_scalar("SELECT tablename::text FROM pg_tables WHERE schemaname = 'public' ORDER BY 1")
                    .fetch_all(pool)
                    .await
                    .unwrap()
            }
        };
        names.into_iter().filter(|n| n != "_sqlx_migrations" && n != "fault_countdown").collect()
    }

    /// The countdown and a trigger on every table.
    async fn install(&self) {
        let tables = self.tables().await;
        match self {
            Db::Sqlite(pool) => {
                sqlx::raw_sql(
                    "CREATE TABLE fault_countdown (n INTEGER NOT NULL); INSERT INTO fault_countdown VALUES (0);",
                )
                .execute(pool)
                .await
                .unwrap();
                for table in &tables {
                    for op in ["INSERT", "UPDATE", "DELETE"] {
                        sqlx::raw_sql(&format!(
                            "CREATE TRIGGER fault_{table}_{op} BEFORE {op} ON \"{table}\" \
                             WHEN (SELECT n FROM fault_countdown) > 0 BEGIN \
                               UPDATE fault_countdown SET n = n - 1; \
                               SELECT RAISE(ABORT, 'injected fault') WHERE (SELECT n FROM fault_countdown) = 0; \
                             END;"
                        ))
                        .execute(pool)
                        .await
                        .unwrap();
                    }
                }
            }
            Db::Postgres(pool) => {
                sqlx::raw_sql(
                    "CREATE TABLE fault_countdown (n bigint NOT NULL); INSERT INTO fault_countdown VALUES (0); \
                     CREATE FUNCTION fault_countdown() RETURNS trigger LANGUAGE plpgsql AS $$ \
                     DECLARE remaining bigint; BEGIN \
                       UPDATE fault_countdown SET n = n - 1 WHERE n > 0 RETURNING n INTO remaining; \
                       IF remaining = 0 THEN RAISE EXCEPTION 'injected fault'; END IF; \
                       IF TG_OP = 'DELETE' THEN RETURN OLD; END IF; RETURN NEW; \
                     END $$;",
                )
                .execute(pool)
                .await
                .unwrap();
                for table in &tables {
                    sqlx::raw_sql(&format!(
                        "CREATE TRIGGER fault BEFORE INSERT OR UPDATE OR DELETE ON \"{table}\" \
                         FOR EACH ROW EXECUTE FUNCTION fault_countdown();"
                    ))
                    .execute(pool)
                    .await
                    .unwrap();
                }
            }
        }
    }

    /// The `n`th row written from now fails (0: none).
    async fn arm(&self, n: i64) {
        match self {
            Db::Sqlite(pool) => {
                sqlx::query("UPDATE fault_countdown SET n = $1").bind(n).execute(pool).await.unwrap();
            }
            Db::Postgres(pool) => {
                sqlx::query("UPDATE fault_countdown SET n = $1").bind(n).execute(pool).await.unwrap();
            }
        }
    }

    /// Every row of every table, as sorted text — but the audit records of
    /// failures: a command that fails may say so in the log, on its own.
    async fn snapshot(&self) -> String {
        let mut out = String::new();
        for table in self.tables().await {
            let only = if table == "audit_log" { " WHERE outcome <> 'failure'" } else { "" };
            let rows: String = match self {
                Db::Sqlite(pool) => {
                    let columns: Vec<String> =
                        sqlx::query(&format!("SELECT name FROM pragma_table_info('{table}') ORDER BY cid"))
                            .fetch_all(pool)
                            .await
                            .unwrap()
                            .iter()
                            .map(|r| format!("quote(\"{}\")", r.get::<String, _>("name")))
                            .collect();
                    let row = columns.join(" || '|' || ");
                    sqlx::query_scalar(&format!(
                        "SELECT coalesce(group_concat(r, char(10)), '') FROM (SELECT {row} AS r FROM \"{table}\"{only} ORDER BY r)"
                    ))
                    .fetch_one(pool)
                    .await
                    .unwrap()
                }
                Db::Postgres(pool) => sqlx::query_scalar(&format!(
                    "SELECT coalesce(string_agg(t::text, E'\\n' ORDER BY t::text), '') FROM \"{table}\" t{only}"
                ))
                .fetch_one(pool)
                .await
                .unwrap(),
            };
            out.push_str(&format!("== {table}\n{rows}\n"));
        }
        out
    }
}

/// Runs `command` with a fault at the 1st, 2nd, … row written until it
/// succeeds; every failure must leave the database as it was. Returns the
/// successful response and how many faults were survived.
async fn until_it_succeeds<F, Fut>(db: &Db, what: &str, command: F) -> (reqwest::Response, i64)
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = reqwest::Response>,
{
    for n in 1..200 {
        let before = db.snapshot().await;
        db.arm(n).await;
        let response = command().await;
        db.arm(0).await;
        if response.status().is_success() {
            assert!(n > 1, "{what}: the first write did not fail, so nothing was tested");
            return (response, n - 1);
        }
        let status = response.status().as_u16();
        let body = response.text().await.unwrap_or_default();
        assert_eq!(status, 500, "{what}, fault at write {n}: {body}");
        let after = db.snapshot().await;
        assert!(before == after, "{what}, fault at write {n}: half-written\n--- before\n{before}\n--- after\n{after}");
    }
    panic!("{what} never succeeded");
}

fn s(v: &Value) -> &str {
    v.as_str().unwrap_or_default()
}

on_both_backends! {
    async fn account_commands_are_all_or_nothing(backend) {
        let app = TestApp::spawn(backend).await;
        let admin = app.signed_in_admin().await;
        let alice = app.signed_up("alice").await;
        let other = app.login("alice", STRONG_PASSWORD).await.json::<Value>().await.unwrap();
        let db = Db::open(&app).await;

        // Verifying the address (the link stays usable until it works).
        let link = outbox_token(&app, "alice@example.com", "verify-email").await;
        let verify = || app.post("/api/auth/email/verify").json(&json!({"token": link})).send();
        let (_, faults) = until_it_succeeds(&db, "verify email", || async { verify().await.unwrap() }).await;
        assert!(faults >= 1);

        // Changing the password: other sessions end, all at once or not at all.
        let change = || {
            app.post("/api/auth/password/change")
                .bearer_auth(s(&alice["access_token"]))
                .json(&json!({"current_password": STRONG_PASSWORD, "new_password": NEW_PASSWORD}))
                .send()
        };
        let (_, faults) = until_it_succeeds(&db, "password change", || async { change().await.unwrap() }).await;
        assert!(faults >= 2, "the change writes the hash, the sessions and the audit record: {faults}");
        assert_eq!(app.refresh(s(&other["refresh_token"])).await.status(), 401, "the other session ended");

        // A reset by mailed link.
        let r = app.post("/api/auth/password/forgot").json(&json!({"email": "alice@example.com"})).send().await.unwrap();
        assert_eq!(r.status(), 202);
        let reset_link = outbox_token(&app, "alice@example.com", "reset-password").await;
        let reset = || {
            app.post("/api/auth/password/reset")
                .json(&json!({"token": reset_link, "new_password": "a reset passphrase for alice 7"}))
                .send()
        };
        let (_, faults) = until_it_succeeds(&db, "password reset", || async { reset().await.unwrap() }).await;
        assert!(faults >= 3, "{faults}");
        assert_eq!(app.me(s(&alice["access_token"])).await.status(), 401, "every session ended");
        assert_eq!(app.login("alice", "a reset passphrase for alice 7").await.status(), 200);

        // Signing out everywhere.
        let bob = app.signed_up("bob").await;
        app.login("bob", STRONG_PASSWORD).await;
        let logout_all = || app.post("/api/auth/logout-all").bearer_auth(s(&bob["access_token"])).send();
        until_it_succeeds(&db, "logout-all", || async { logout_all().await.unwrap() }).await;
        assert_eq!(app.refresh(s(&bob["refresh_token"])).await.status(), 401);

        // Signing up: the account, its verification link and the record.
        let sign_up = || app.register("carol", "carol@example.com", STRONG_PASSWORD);
        let (_, faults) = until_it_succeeds(&db, "sign-up", || async { sign_up().await }).await;
        assert!(faults >= 3, "{faults}");
        outbox_token(&app, "carol@example.com", "verify-email").await;

        // The second step of a sign-in: the spent code, the spent challenge,
        // the session and the records.
        let carol = app.login("carol", STRONG_PASSWORD).await.json::<Value>().await.unwrap();
        crate::mfa::fresh_step(&app).await;
        let (secret, _) = crate::mfa::enroll(&app, s(&carol["access_token"])).await;
        let mfa_token = crate::mfa::first_step(&app, "carol").await;
        let code = crate::mfa::code(&app, &secret, 0);
        let (_, faults) = until_it_succeeds(&db, "second step", || async {
            crate::mfa::second_step(&app, &mfa_token, &code).await
        })
        .await;
        assert!(faults >= 4, "{faults}");

        // Turning TOTP on: the enabled secret, the backup codes, the
        // session's second factor and the record.
        let dave = app.signed_up("dave").await;
        let setup: Value = app.post("/api/auth/mfa/totp/setup").bearer_auth(s(&dave["access_token"])).send().await.unwrap().json().await.unwrap();
        let dave_secret = data_encoding::BASE32_NOPAD.decode(s(&setup["secret"]).as_bytes()).unwrap();
        let dave_code = crate::mfa::code(&app, &dave_secret, 0);
        let enable = || {
            app.post("/api/auth/mfa/totp/enable")
                .bearer_auth(s(&dave["access_token"]))
                .json(&json!({"code": dave_code}))
                .send()
        };
        let (_, faults) = until_it_succeeds(&db, "TOTP enable", || async { enable().await.unwrap() }).await;
        assert!(faults >= 4, "{faults}");

        // An administrator giving and taking a role.
        let dave_id = s(&dave["user"]["id"]).to_owned();
        let role = |method: reqwest::Method| {
            app.client
                .request(method, app.url(&format!("/api/admin/users/{dave_id}/roles/admin")))
                .bearer_auth(s(&admin["access_token"]))
                .send()
        };
        until_it_succeeds(&db, "grant a role", || async { role(reqwest::Method::POST).await.unwrap() }).await;
        until_it_succeeds(&db, "take a role", || async { role(reqwest::Method::DELETE).await.unwrap() }).await;

        // An administrator disabling an account.
        let bob_id = s(&bob["user"]["id"]).to_owned();
        let disable = || app.post(&format!("/api/admin/users/{bob_id}/disable")).bearer_auth(s(&admin["access_token"])).send();
        until_it_succeeds(&db, "disable", || async { disable().await.unwrap() }).await;
        assert_problem(app.login("bob", STRONG_PASSWORD).await, 403, "account_disabled").await;

        // An administrator resetting Dave's second factors: TOTP, backup
        // codes, sessions and the record at once.
        let reset = || {
            app.client
                .delete(app.url(&format!("/api/admin/users/{dave_id}/mfa")))
                .bearer_auth(s(&admin["access_token"]))
                .send()
        };
        let (_, faults) = until_it_succeeds(&db, "second-factor reset", || async { reset().await.unwrap() }).await;
        assert!(faults >= 3, "{faults}");
        assert!(app.login("dave", STRONG_PASSWORD).await.json::<Value>().await.unwrap()["access_token"].is_string());
    }

    async fn a_code_is_redeemed_with_its_session_or_not_at_all(backend) {
        let (app, mut browser) = signed_in(backend, |_| {}).await;
        let client = register_client(&app, web_app(false)).await;
        let code = code_for(&mut browser, &client.id, &[]).await;
        let db = Db::open(&app).await;
        let (ok, faults) =
            until_it_succeeds(&db, "code redemption", || async { exchange(&app, &client, &code, VERIFIER).await }).await;
        assert!(faults >= 2, "the code, the session and its refresh token: {faults}");
        let tokens: Value = ok.json().await.unwrap();
        assert!(tokens["access_token"].is_string() && tokens["refresh_token"].is_string(), "{tokens}");
        let again = exchange(&app, &client, &code, VERIFIER).await;
        assert_eq!(again.status(), 400, "spent once it worked");
    }

    async fn a_first_sign_in_through_an_upstream_is_one_unit(backend) {
        // The account, its link, the session and their records: all or none.
        // (Each try is a whole new sign-in upstream, whose database is not armed.)
        let (down, _up) = crate::federation::pair(backend, false, true).await;
        let issuer = down.state.config.tokens.issuer.clone();
        let db = Db::open(&down).await;
        for n in 1..100 {
            let before = db.snapshot().await;
            db.arm(n).await;
            let mut browser = Browser::new(&issuer);
            let login = browser.get("/login").await;
            let done = crate::federation::through_upstream(&mut browser, login).await;
            db.arm(0).await;
            if done.status == 200 {
                assert!(n >= 4, "the account, its link, the session and the records: {n}");
                assert!(done.body.contains("Your account"), "{}", done.body);
                let users = down.state.store.list_users(&Default::default(), 10, 0).await.unwrap();
                assert_eq!(users.len(), 1, "one account, however many tries failed");
                return;
            }
            assert_eq!(done.status, 500, "fault at write {n}: {}", done.body);
            let after = db.snapshot().await;
            assert!(before == after, "fault at write {n}: half-written\n--- before\n{before}\n--- after\n{after}");
        }
        panic!("the sign-in never succeeded");
    }
}
