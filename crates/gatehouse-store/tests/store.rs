//! The store contract, run against both backends: every test below runs once on
//! a fresh SQLite file and once on a fresh PostgreSQL database. Most run a
//! third time on the in-memory store of `gatehouse_core::testing`, which
//! flow tests use in place of a database.
//!
//! PostgreSQL is `postgres://postgres@127.0.0.1:5432/postgres` unless
//! `GATEHOUSE_TEST_POSTGRES_URL` says otherwise. Each PostgreSQL test creates a
//! database `gh_store_<uuid>` and drops it afterwards; an unreachable server
//! fails the PostgreSQL tests rather than skipping them.
// Tests may unwrap and panic (STYLE.md 10); the workspace lints deny it elsewhere.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod cases;

use std::future::Future;

use cases::*;
use sqlx::Connection as _;
use uuid::Uuid;

// ---------------------------------------------------------------- harness

const DEFAULT_POSTGRES_URL: &str = "postgres://postgres@127.0.0.1:5432/postgres";

/// Runs `test` in its own task so that a failure still lets us clean up, then
/// re-raises the failure.
async fn run_isolated<Fut>(test: Fut) -> Result<(), Box<dyn std::any::Any + Send>>
where
    Fut: Future<Output = ()> + Send + 'static,
{
    match tokio::spawn(test).await {
        Ok(()) => Ok(()),
        Err(e) if e.is_panic() => Err(e.into_panic()),
        Err(e) => Err(Box::new(format!("test task failed: {e}"))),
    }
}

async fn with_sqlite<F, Fut>(test: F)
where
    F: FnOnce(String) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    let path = std::env::temp_dir().join(format!("gh_store_{}.db", Uuid::new_v4().simple()));
    let url = format!("sqlite://{}", path.display());
    let outcome = run_isolated(test(url)).await;
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
    if let Err(panic) = outcome {
        std::panic::resume_unwind(panic);
    }
}

/// `url` with its database name replaced by `database`.
fn with_database(url: &str, database: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((base, query)) => (base, Some(query)),
        None => (url, None),
    };
    let authority_start = base.find("://").map_or(0, |i| i + 3);
    let root = match base[authority_start..].find('/') {
        Some(i) => &base[..authority_start + i],
        None => base,
    };
    match query {
        Some(query) => format!("{root}/{database}?{query}"),
        None => format!("{root}/{database}"),
    }
}

async fn with_postgres<F, Fut>(test: F)
where
    F: FnOnce(String) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    let admin_url = std::env::var("GATEHOUSE_TEST_POSTGRES_URL").unwrap_or_else(|_| DEFAULT_POSTGRES_URL.into());
    let mut admin = sqlx::PgConnection::connect(&admin_url)
        .await
        .unwrap_or_else(|e| panic!("PostgreSQL is required for these tests (set GATEHOUSE_TEST_POSTGRES_URL): {e}"));
    let database = format!("gh_store_{}", Uuid::new_v4().simple());
    sqlx::query(&format!("CREATE DATABASE {database}")).execute(&mut admin).await.unwrap();
    let outcome = run_isolated(test(with_database(&admin_url, &database))).await;
    // Best effort: FORCE ends the pool connections the test left behind.
    let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS {database} WITH (FORCE)")).execute(&mut admin).await;
    let _ = admin.close().await;
    if let Err(panic) = outcome {
        std::panic::resume_unwind(panic);
    }
}

/// Runs `test` on the in-memory store: `open(MEMORY)` makes a fresh one.
async fn with_memory<F, Fut>(test: F)
where
    F: FnOnce(String) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    test(MEMORY.to_owned()).await;
}

/// Declares each test once per backend: `sqlite::NAME`, `postgres::NAME` and,
/// for the tests of `everywhere`, `memory::NAME`.
macro_rules! store_tests {
    (everywhere: [$($name:ident),* $(,)?], sql_only: [$($sql_name:ident),* $(,)?] $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                async fn $name() {
                    crate::with_sqlite(crate::$name).await;
                }
            )*
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                async fn $sql_name() {
                    crate::with_sqlite(crate::$sql_name).await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                async fn $name() {
                    crate::with_postgres(crate::$name).await;
                }
            )*
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                async fn $sql_name() {
                    crate::with_postgres(crate::$sql_name).await;
                }
            )*
        }
        mod memory {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                async fn $name() {
                    crate::with_memory(crate::$name).await;
                }
            )*
        }
    };
}

store_tests!(
    everywhere: [
        insert_user_and_conflicts,
        lookup_is_case_insensitive,
        list_users_orders_searches_and_pages,
        roles_and_flags,
        login_failures_count_atomically,
        locales_round_trip,
        unknown_login_names_fail_and_lock_like_accounts,
        session_rotation_has_one_winner,
        active_sessions_and_revocation,
        key_rotation_cycles_statuses,
        each_algorithm_keeps_its_own_current_key,
        keys_stay_published_while_their_tokens_may_live,
        keys_are_published_ahead_and_promoted_once,
        sealed_values_are_replaced_all_or_none,
        audit_append_and_query,
        sessions_keep_amr_and_auth_time,
        totp_enrolment_and_step_replay,
        totp_steps_have_one_winner,
        backup_codes_are_single_use,
        second_factors_are_counted_in_one_read,
        each_change_is_told_to_this_process_once_durable,
        backup_code_use_has_one_winner,
        mfa_challenge_lifecycle,
        mfa_challenge_consumption_has_one_winner,
        webauthn_credentials_belong_to_their_user,
        webauthn_credential_ids_are_unique,
        webauthn_ceremonies_are_taken_once,
        webauthn_expired_ceremonies_are_swept,
        webauthn_ceremony_take_has_one_winner,
        webauthn_rows_go_with_their_user,
        email_tokens_round_trip_and_supersede_their_kind,
        email_tokens_are_consumed_once_before_expiry,
        email_token_consumption_has_one_winner,
        email_tokens_are_revoked_by_kind,
        email_address_and_verification,
        clients_keep_their_id_token_alg_home_page_and_logo,
        authorization_codes_are_redeemed_once,
        authorization_code_redemption_has_one_winner,
        consents_are_upserted_listed_and_deleted,
        session_kinds_round_trip,
        sessions_are_touched,
        client_sessions_are_revoked_per_client,
        deleting_a_client_takes_its_sessions_codes_and_consents,
        oauth_rows_go_with_their_user,
        upstreams_round_trip_and_are_listed_oldest_first,
        upstream_links_are_unique_per_identity,
        deleting_an_upstream_takes_its_links,
        upstream_links_go_with_their_user,
        roles_round_trip_and_grant_their_permissions,
        unknown_roles_are_refused_and_deleted_roles_leave_their_holders,
        the_builtin_sync_adds_but_never_removes,
        api_keys_round_trip_and_are_revoked,
        units_write_all_or_nothing,
        a_step_that_loses_inside_a_unit_undoes_only_itself,
        a_failed_step_is_never_committed_silently,
        concurrent_units_leave_an_active_holder,
        purge_deletes_what_ended_and_keeps_what_is_live,
        a_long_refresh_chain_leaves_nothing_once_its_session_ends,
    ],
    // Cases that need an SQL database: not run on the in-memory store.
    sql_only: [
        // Runs the SQL migrations and opens the same database twice.
        migrations_are_idempotent,
        // Builds a database of migration 0001 with raw SQL, then migrates it.
        sessions_from_before_mfa_still_read,
        // Counts the user's rows table by table with raw SQL (the in-memory
        // store checks the same in its own tests, on its own tables).
        deleting_a_user_takes_their_rows_and_anonymises_audit,
        // Two stores on one database, and a change made in raw SQL.
        role_changes_by_another_process_are_seen_at_once,
        // Two stores on one database: the triggers' notices (PostgreSQL) or log (SQLite).
        another_processes_changes_arrive_through_the_feed,
        // Holds PostgreSQL's advisory lock from a second connection.
        only_one_node_purges_at_a_time,
    ],
);

#[test]
fn database_names_are_replaced_in_urls() {
    assert_eq!(
        with_database("postgres://postgres@127.0.0.1:5432/postgres", "x"),
        "postgres://postgres@127.0.0.1:5432/x"
    );
    assert_eq!(with_database("postgres://u:p@h/db?sslmode=disable", "x"), "postgres://u:p@h/x?sslmode=disable");
    assert_eq!(with_database("postgresql://h", "x"), "postgresql://h/x");
}

/// Timings printed by hand, never run by CI (see `cases::purge_timing`).
mod timing {
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    #[ignore = "a measurement: run by hand"]
    async fn purge_timing_sqlite() {
        crate::with_sqlite(crate::purge_timing).await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    #[ignore = "a measurement: run by hand"]
    async fn purge_timing_postgres() {
        crate::with_postgres(crate::purge_timing).await;
    }
}
