//! One integration-test binary: every API test runs against the real server on
//! SQLite and on PostgreSQL.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod helpers;

mod admin;
mod admin_users;
mod api_keys;
mod audit_log;
mod browser;
mod browser_sessions;
mod cli;
mod client_trust;
mod e2e;
mod e2e_journey;
mod e2e_passkeys;
mod errors;
mod faults;
mod federation;
mod forward_auth;
mod fuzz;
mod key_schedule;
mod lifecycle;
mod log_secrets;
mod login;
mod master_key_rotation;
mod mfa;
mod oauth;
mod oidc;
mod operations;
mod pages_account;
mod pages_admin;
mod pages_admin_console;
mod pages_language;
mod pages_signup;
mod passkeys;
mod passwords;
mod postgres_tls;
mod presence;
mod proxies;
mod quick_start;
mod rbac;
mod redis_limits;
mod refresh;
mod register;
mod session_cache;
mod sessions;
mod slow_clients;
mod smtp_sink;
mod spa_cookie;
mod tokens;
mod two_nodes;
mod upgrade;
mod verify;
