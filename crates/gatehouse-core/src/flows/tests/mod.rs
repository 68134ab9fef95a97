//! Fast tests of the flows on the in-memory store: the services wired as
//! `gatehouse serve` wires them, on [`MemoryStore`], a clock the tests move
//! and a mailer that keeps what it is given. No database, no HTTP; the API
//! tests in `crates/gatehouse/tests` run the same flows on SQLite and
//! PostgreSQL.

mod admin;
mod authorize;
mod lifecycle;
mod login;
mod refresh;
mod session_checks;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use secrecy::SecretString;

use super::{
    AccountsConfig, BrowserSessionConfig, LockoutPolicy, NewUserRequest, OAuthConfig, RateLimits, Services,
    WebauthnSettings,
};
use crate::account::{Role, User};
use crate::audit::ClientInfo;
use crate::clock::ShiftedClock;
use crate::crypto::MasterKey;
use crate::mail::{Mail, Mailer};
use crate::password::{HashParams, PasswordHasher, PasswordPolicy};
use crate::ratelimit::MemoryRateLimiter;
use crate::rbac::Actor;
use crate::testing::MemoryStore;
use crate::token::{SigningAlg, TokenSettings};

/// A password the default policy accepts.
const PASSWORD: &str = "correct horse battery staple 42";

/// Keeps every mail it is handed.
#[derive(Default)]
struct Kept(Mutex<Vec<Mail>>);

impl Mailer for Kept {
    fn send(&self, mail: Mail) {
        self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner).push(mail);
    }
}

/// The services on the in-memory store, and the handles a test moves.
struct Harness {
    services: Services,
    clock: Arc<ShiftedClock>,
    mail: Arc<Kept>,
    master: Arc<MasterKey>,
}

fn config() -> AccountsConfig {
    AccountsConfig {
        access: Default::default(),
        session_cache_size: 1000,
        catalogs: std::sync::Arc::new(crate::i18n::Catalogs::embedded().expect("embedded catalogs")),
        key_schedule: None,
        tokens: TokenSettings {
            issuer: "http://localhost:8080".into(),
            audience: "gatehouse".into(),
            access_ttl: Duration::from_secs(900),
        },
        signing_alg: SigningAlg::EdDsa,
        session_idle: Duration::from_secs(7 * 86400),
        session_absolute: Duration::from_secs(30 * 86400),
        refresh_grace: Duration::from_secs(2),
        lockout: LockoutPolicy::default(),
        limits: RateLimits::default(),
        password_policy: PasswordPolicy::default(),
        default_roles: vec![Role::parse("member").unwrap()],
        product_name: "Gatehouse".into(),
        step_up_window: Duration::from_secs(600),
        mfa_required: false,
        mfa_required_roles: Vec::new(),
        webauthn: WebauthnSettings { rp_id: "localhost".into(), origin: "http://localhost:8080".into() },
        require_verified_email: false,
        email_verification_ttl: Duration::from_secs(24 * 3600),
        password_reset_ttl: Duration::from_secs(30 * 60),
        browser: BrowserSessionConfig::default(),
        oauth: OAuthConfig::default(),
    }
}

impl Harness {
    async fn new() -> Self {
        let clock = Arc::new(ShiftedClock::new());
        let mail = Arc::new(Kept::default());
        // The cheapest Argon2id parameters: these tests are about the flows.
        let params = HashParams { m_cost_kib: 8, t_cost: 1, p_cost: 1 };
        let master = Arc::new(MasterKey::generate());
        let services = Services::new(
            Arc::new(MemoryStore::new()),
            Arc::new(PasswordHasher::new(params, 1, 64).unwrap()),
            Arc::new(MemoryRateLimiter::new(clock.clone())),
            master.clone(),
            mail.clone(),
            config(),
            clock.clone(),
        )
        .await
        .unwrap();
        Self { services, clock, mail, master }
    }

    /// A new account made by the operator, with `roles` (none: the defaults).
    async fn user(&self, name: &str, roles: Vec<Role>) -> User {
        let request = NewUserRequest {
            username: name.into(),
            email: format!("{name}@example.com"),
            password: Some(PASSWORD.to_owned().into()),
            roles,
            email_verified: true,
            locale: None,
        };
        self.services.admin.create_user(request, &Actor::command_line(), &client()).await.unwrap()
    }

    /// A new account `name` (default roles) signed in `via` the API or the
    /// pages, without a second factor: its token pair (for the pages the
    /// "refresh token" is the session cookie's value).
    async fn signed_in(&self, name: &str, via: super::SignIn) -> super::TokenPair {
        self.user(name, Vec::new()).await;
        let login = crate::account::LoginName::parse(name).unwrap();
        let req = super::LoginRequest { login, password: password(), via };
        match self.services.auth.login(req, &client()).await.unwrap() {
            super::LoginOutcome::Tokens(_, pair) => pair,
            super::LoginOutcome::MfaRequired { .. } => panic!("no second factor"),
        }
    }

    fn advance(&self, by: Duration) {
        self.clock.advance(by);
    }

    /// Every mail handed over for `to`.
    fn mail_to(&self, to: &str) -> Vec<Mail> {
        let mails = self.mail.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        mails.iter().filter(|m| m.to.as_str() == to).cloned().collect()
    }

    /// The secret of the last link mailed to `to` (`…?token=SECRET`).
    fn last_link(&self, to: &str) -> SecretString {
        let mails = self.mail.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let mail = mails.iter().rev().find(|m| m.to.as_str() == to).expect("a mail");
        let start = mail.text.find("token=").expect("a link") + "token=".len();
        let token: String =
            mail.text[start..].chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_').collect();
        token.into()
    }
}

fn client() -> ClientInfo {
    ClientInfo { ip: Some("192.0.2.7".into()), user_agent: Some("flow tests".into()) }
}

fn password() -> SecretString {
    PASSWORD.to_owned().into()
}
