//! Administration of users (CLI and admin API): create, import, list, roles,
//! disable/enable, unlock, and reading the audit log. `actor` is the admin
//! doing it, or `None` for the command line.

use secrecy::SecretString;

use super::Accounts;
use crate::account::{Email, NewUser, Role, User, UserId, Username};
use crate::audit::{AuditEvent, AuditKind, AuditQuery, ClientInfo, Outcome};
use crate::error::{Error, Result};
use crate::password::is_supported_hash;

/// A user created by an operator.
pub struct NewUserRequest {
    pub username: String,
    pub email: String,
    pub password: SecretString,
    pub roles: Vec<Role>,
    pub email_verified: bool,
}

/// One record of `gatehouse user import`: an existing hash from another system.
#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ImportedUser {
    pub username: String,
    pub email: String,
    /// bcrypt, PBKDF2-SHA256/512 (PHC or Django), scrypt or Argon2 PHC string.
    pub password_hash: String,
    #[serde(default)]
    pub roles: Vec<String>,
    #[serde(default)]
    pub email_verified: bool,
}

impl Accounts {
    pub async fn create_user(&self, req: NewUserRequest, actor: Option<UserId>, client: &ClientInfo) -> Result<User> {
        let username = Username::parse(&req.username)?;
        let email = Email::parse(&req.email)?;
        let hash = self.hash_new_password(&req.password, [username.as_str(), email.as_str()]).await?;
        let new = NewUser {
            id: UserId::new(),
            username,
            email,
            password_hash: hash,
            email_verified: req.email_verified,
            roles: req.roles,
            created_at: crate::clock::now(),
        };
        let user = self.store.insert_user(&new).await?;
        let mut event = AuditEvent::new(AuditKind::UserCreated, Outcome::Success, client).subject(user.id);
        event.actor = actor;
        self.audit(event).await;
        Ok(user)
    }

    /// Imports a user with an existing password hash. The hash is upgraded to
    /// Argon2id on the user's first successful login.
    pub async fn import_user(&self, record: ImportedUser, client: &ClientInfo) -> Result<User> {
        let username = Username::parse(&record.username)?;
        let email = Email::parse(&record.email)?;
        if !is_supported_hash(&record.password_hash) {
            return Err(Error::InvalidRequest(
                "password_hash is not a supported hash (bcrypt, pbkdf2-sha256/512, scrypt or argon2)".into(),
            ));
        }
        let roles = record.roles.iter().map(|r| Role::parse(r)).collect::<Result<Vec<_>>>()?;
        let new = NewUser {
            id: UserId::new(),
            username,
            email,
            password_hash: record.password_hash,
            email_verified: record.email_verified,
            roles,
            created_at: crate::clock::now(),
        };
        let user = self.store.insert_user(&new).await?;
        self.audit(AuditEvent::new(AuditKind::UserImported, Outcome::Success, client).subject(user.id)).await;
        Ok(user)
    }

    pub async fn list_users(&self, search: Option<&str>, limit: u32, offset: u32) -> Result<Vec<User>> {
        Ok(self.store.list_users(search, limit.clamp(1, 500), offset).await?)
    }

    /// Finds a user by id, username or email.
    pub async fn find_user(&self, key: &str) -> Result<User> {
        if let Ok(id) = uuid::Uuid::parse_str(key) {
            if let Some(user) = self.store.user_by_id(UserId(id)).await? {
                return Ok(user);
            }
        }
        self.store.user_by_login(key).await?.ok_or_else(|| Error::NotFound(format!("no user '{key}'")))
    }

    pub async fn set_roles(
        &self,
        id: UserId,
        roles: Vec<Role>,
        actor: Option<UserId>,
        client: &ClientInfo,
    ) -> Result<User> {
        let before = self.load_user(id).await?;
        self.store.set_roles(id, &roles, crate::clock::now()).await?;
        let after = self.load_user(id).await?;
        let names = |rs: &[Role]| rs.iter().map(Role::as_str).collect::<Vec<_>>().join(",");
        let mut event = AuditEvent::new(AuditKind::RoleChanged, Outcome::Success, client).subject(id).detail(format!(
            "[{}] -> [{}]",
            names(&before.roles),
            names(&after.roles)
        ));
        event.actor = actor;
        self.audit(event).await;
        Ok(after)
    }

    /// Disables or enables an account. Disabling also ends its sessions.
    pub async fn set_active(
        &self,
        id: UserId,
        active: bool,
        actor: Option<UserId>,
        client: &ClientInfo,
    ) -> Result<User> {
        let now = crate::clock::now();
        self.store.set_active(id, active, now).await?;
        if !active {
            self.store.revoke_user_sessions(id, now).await?;
        }
        let kind = if active { AuditKind::AccountEnabled } else { AuditKind::AccountDisabled };
        let mut event = AuditEvent::new(kind, Outcome::Success, client).subject(id);
        event.actor = actor;
        self.audit(event).await;
        self.load_user(id).await
    }

    pub async fn unlock(&self, id: UserId, actor: Option<UserId>, client: &ClientInfo) -> Result<User> {
        self.store.clear_login_failures(id).await?;
        let mut event = AuditEvent::new(AuditKind::AccountUnlocked, Outcome::Success, client).subject(id);
        event.actor = actor;
        self.audit(event).await;
        self.load_user(id).await
    }

    pub async fn audit_log(&self, mut query: AuditQuery) -> Result<Vec<AuditEvent>> {
        query.limit = query.limit.clamp(1, 500);
        Ok(self.store.query(&query).await?)
    }
}
