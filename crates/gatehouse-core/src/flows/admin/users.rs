//! Administration of users (admin API, admin pages and CLI): create, import,
//! list, read, change, disable/enable, unlock, demand a new password, delete,
//! and their sessions; and reading the audit log.
//!
//! Every action takes the [`Actor`] doing it and passes its checks first (see
//! `rbac::actor`): the catalog permission, then — for a change — that the
//! actor holds everything the target holds. The audit record names the actor
//! (`None` for the command line). No action may leave Gatehouse without an
//! active administrator (`last_admin`), and no one disables or deletes their
//! own account here (`self_action`; `DELETE /api/auth/me` is the way).

use crate::flows::parts::load_user;
use secrecy::{ExposeSecret, SecretString};

use super::Admin;
use crate::account::{Email, NewUser, Role, User, UserId, Username};
use crate::audit::{AuditEvent, AuditKind, AuditQuery, ClientInfo, Outcome};
use crate::crypto::random_token;
use crate::error::{Error, Result};
use crate::lifecycle::EmailTokenKind;
use crate::password::is_supported_hash;
use crate::rbac::{Actor, USERS_DELETE, USERS_READ, USERS_WRITE};
use crate::session::{Session, SessionId};
use crate::store::{Profile, StoreTx, UserFilter};

/// A user created by an operator.
pub struct NewUserRequest {
    pub username: String,
    pub email: String,
    /// `None`: the account gets no usable password and a mail with a link to
    /// choose one (an invitation).
    pub password: Option<SecretString>,
    /// Empty: the configured default roles.
    pub roles: Vec<Role>,
    pub email_verified: bool,
    /// The language of the account's mails (the invitation first); `None`:
    /// the default language.
    pub locale: Option<crate::i18n::Locale>,
}

/// What [`Admin::reset_second_factors`] removed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FactorsReset {
    /// Whether there was a TOTP secret (enabled or pending).
    pub totp: bool,
    pub passkeys: u32,
    pub sessions: u64,
}

/// A change to a user's names: every `Some` field replaces the stored one.
#[derive(Clone, Debug, Default)]
pub struct UserUpdate {
    pub username: Option<String>,
    /// A new address is unverified unless `email_verified` says otherwise.
    pub email: Option<String>,
    pub email_verified: Option<bool>,
}

/// One record of `gatehouse user import`: an existing hash from another system.
#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ImportedUser {
    pub username: String,
    pub email: String,
    /// bcrypt, PBKDF2-SHA256/512 (PHC or Django), scrypt or Argon2 PHC string.
    pub password_hash: crate::password::StoredHash,
    #[serde(default)]
    pub roles: Vec<String>,
    #[serde(default)]
    pub email_verified: bool,
}

/// An audit event of `kind` about `subject`, done by `actor`.
pub(super) fn admin_event(kind: AuditKind, actor: &Actor, subject: UserId, client: &ClientInfo) -> AuditEvent {
    let mut event = AuditEvent::new(kind, Outcome::Success, client).subject(subject);
    event.actor = actor.user;
    event
}

impl Admin {
    pub async fn create_user(&self, req: NewUserRequest, actor: &Actor, client: &ClientInfo) -> Result<User> {
        actor.require(USERS_WRITE)?;
        let username = Username::parse(&req.username)?;
        let email = Email::parse(&req.email)?;
        let roles = if req.roles.is_empty() { self.config.default_roles.clone() } else { req.roles };
        if roles != self.config.default_roles {
            for role in &roles {
                self.check_grant(actor, role).await?;
            }
        }
        let invited = req.password.is_none();
        let hash = match &req.password {
            Some(password) => self.passwords.hash_new(password, [username.as_str(), email.as_str()]).await?,
            // Nobody knows this password: the invitation link sets the first one.
            None => self.hasher.hash(random_token()).await?,
        };
        let new = NewUser {
            id: UserId::new(),
            username,
            email,
            password_hash: hash,
            email_verified: req.email_verified,
            roles,
            locale: req.locale.as_ref().and_then(|l| self.config.catalogs.supported(l)),
            created_at: self.clock.now(),
        };
        let user = self.users.insert_user(&new).await.map_err(|e| self.role_vanished(e))?;
        self.audit
            .record(admin_event(AuditKind::UserCreated, actor, user.id, client).detail(if invited {
                "invited: a link to choose a password was mailed"
            } else {
                "with a password"
            }))
            .await;
        if invited {
            self.users.set_password_reset_required(user.id, true, self.clock.now()).await?;
            // An invitation waits a day (email_verification_ttl), not half an hour.
            let ttl = self.config.email_verification_ttl;
            let token = self.links.issue_token_for(&user, EmailTokenKind::ResetPassword, None, ttl).await?;
            self.outbox.mail(self.outbox.notices.invitation(&user, token.expose_secret(), ttl));
            return load_user(self.users.as_ref(), user.id).await;
        }
        Ok(user)
    }

    /// Imports a user with an existing password hash. The hash is upgraded to
    /// Argon2id on the user's first successful login. (Command line only.)
    pub async fn import_user(&self, record: ImportedUser, client: &ClientInfo) -> Result<User> {
        let username = Username::parse(&record.username)?;
        let email = Email::parse(&record.email)?;
        if !is_supported_hash(record.password_hash.expose()) {
            return Err(Error::InvalidRequest(
                "password_hash is not a supported hash (bcrypt, pbkdf2-sha256/512, scrypt or argon2)".into(),
            ));
        }
        let mut roles = record.roles.iter().map(|r| Role::parse(r)).collect::<Result<Vec<_>>>()?;
        if roles.is_empty() {
            roles = self.config.default_roles.clone();
        }
        for role in &roles {
            self.role_def(role).await?;
        }
        let new = NewUser {
            id: UserId::new(),
            username,
            email,
            password_hash: record.password_hash,
            email_verified: record.email_verified,
            roles,
            locale: None,
            created_at: self.clock.now(),
        };
        let user = self.users.insert_user(&new).await.map_err(|e| self.role_vanished(e))?;
        self.audit.record(AuditEvent::new(AuditKind::UserImported, Outcome::Success, client).subject(user.id)).await;
        Ok(user)
    }

    pub async fn list_users(&self, actor: &Actor, filter: &UserFilter, limit: u32, offset: u32) -> Result<Vec<User>> {
        actor.require(USERS_READ)?;
        Ok(self.users.list_users(filter, limit.clamp(1, 500), offset).await?)
    }

    /// One user, by id.
    pub async fn user(&self, actor: &Actor, id: UserId) -> Result<User> {
        actor.require(USERS_READ)?;
        load_user(self.users.as_ref(), id).await
    }

    /// Finds a user by id, username or email (the command line's way of naming one).
    pub async fn find_user(&self, key: &str) -> Result<User> {
        if let Ok(id) = uuid::Uuid::parse_str(key) {
            if let Some(user) = self.users.user_by_id(UserId(id)).await? {
                return Ok(user);
            }
        }
        self.users.user_by_login(key).await?.ok_or_else(|| Error::NotFound(format!("no user '{key}'")))
    }

    /// The user `actor` may change (`users:write` and the object check).
    async fn managed_user(&self, actor: &Actor, id: UserId, permission: &str) -> Result<User> {
        actor.require(permission)?;
        let user = load_user(self.users.as_ref(), id).await?;
        actor.may_manage(&user)?;
        Ok(user)
    }

    /// Changes a user's username, email or whether the email is verified.
    pub async fn update_user(
        &self,
        actor: &Actor,
        id: UserId,
        update: UserUpdate,
        client: &ClientInfo,
    ) -> Result<User> {
        let user = self.managed_user(actor, id, USERS_WRITE).await?;
        let username = update.username.as_deref().map(Username::parse).transpose()?;
        let email = update.email.as_deref().map(Email::parse).transpose()?;
        let email_changed = email.as_ref().is_some_and(|e| !e.as_str().eq_ignore_ascii_case(user.email.as_str()));
        let profile = Profile {
            username: username.unwrap_or_else(|| user.username.clone()),
            email: email.unwrap_or_else(|| user.email.clone()),
            email_verified: update.email_verified.unwrap_or(user.email_verified && !email_changed),
        };
        self.users.update_profile(id, &profile, self.clock.now()).await?;
        let after = load_user(self.users.as_ref(), id).await?;
        let mut changes = Vec::new();
        if after.username.as_str() != user.username.as_str() {
            changes.push(format!("username {} -> {}", user.username, after.username));
        }
        if email_changed {
            changes.push("email changed".to_owned());
        }
        if after.email_verified != user.email_verified {
            changes.push(format!("email_verified {} -> {}", user.email_verified, after.email_verified));
        }
        if !changes.is_empty() {
            self.audit.record(admin_event(AuditKind::UserUpdated, actor, id, client).detail(changes.join("; "))).await;
        }
        Ok(after)
    }

    /// Disables or enables an account. Disabling ends its sessions and stops
    /// its API keys (they work again when the account is enabled).
    pub async fn set_active(&self, actor: &Actor, id: UserId, active: bool, client: &ClientInfo) -> Result<User> {
        let user = self.managed_user(actor, id, USERS_WRITE).await?;
        if !active && actor.is(id) {
            return Err(Error::SelfAction("you cannot disable your own account".into()));
        }
        let now = self.clock.now();
        let unit = self.units.begin().await?;
        if !active {
            self.keep_an_admin(unit.as_ref(), &user, "disable").await?;
        }
        unit.set_active(id, active, now).await?;
        if !active {
            unit.revoke_user_sessions(id, now).await?;
        }
        let kind = if active { AuditKind::AccountEnabled } else { AuditKind::AccountDisabled };
        self.audit.record_in(unit.as_ref(), admin_event(kind, actor, id, client)).await?;
        unit.commit().await?;
        load_user(self.users.as_ref(), id).await
    }

    /// Forgets failed sign-ins and lifts the lock.
    pub async fn unlock(&self, actor: &Actor, id: UserId, client: &ClientInfo) -> Result<User> {
        self.managed_user(actor, id, USERS_WRITE).await?;
        self.users.clear_login_failures(id).await?;
        self.audit.record(admin_event(AuditKind::AccountUnlocked, actor, id, client)).await;
        load_user(self.users.as_ref(), id).await
    }

    /// Demands a new password (for a suspected compromise): password sign-in
    /// is refused until it is reset, every session ends, every API key is
    /// revoked, and a reset link is mailed.
    pub async fn require_password_reset(&self, actor: &Actor, id: UserId, client: &ClientInfo) -> Result<User> {
        let user = self.managed_user(actor, id, USERS_WRITE).await?;
        let now = self.clock.now();
        let unit = self.units.begin().await?;
        unit.set_password_reset_required(id, true, now).await?;
        let sessions = unit.revoke_user_sessions(id, now).await?;
        let keys = unit.revoke_user_api_keys(id, now).await?;
        let token = self.links.issue_token_in(unit.as_ref(), &user, EmailTokenKind::ResetPassword, None).await?;
        self.audit
            .record_in(
                unit.as_ref(),
                admin_event(AuditKind::PasswordResetForced, actor, id, client)
                    .detail(format!("{sessions} sessions ended, {keys} API keys revoked")),
            )
            .await?;
        unit.commit().await?;
        self.outbox.mail(self.outbox.notices.password_reset_required(
            &user,
            token.expose_secret(),
            self.config.password_reset_ttl,
        ));
        load_user(self.users.as_ref(), id).await
    }

    /// Resets a user's second factors, for a person who lost their phone and
    /// their backup codes: TOTP (enabled or pending), backup codes and
    /// passkeys are removed and every session ends, in one unit; the person
    /// is told by mail. They sign in with the password alone next, and are
    /// asked to enrol again where policy requires a second factor.
    pub async fn reset_second_factors(&self, actor: &Actor, id: UserId, client: &ClientInfo) -> Result<FactorsReset> {
        let user = self.managed_user(actor, id, USERS_WRITE).await?;
        let now = self.clock.now();
        let unit = self.units.begin().await?;
        let totp = unit.delete_totp(id).await?;
        unit.delete_backup_codes(id).await?;
        let mut passkeys = 0u32;
        for credential in unit.webauthn_credentials(id).await? {
            passkeys += u32::from(unit.delete_webauthn_credential(id, credential.id).await?);
        }
        let sessions = unit.revoke_user_sessions(id, now).await?;
        let detail = format!(
            "TOTP {}, {passkeys} passkeys, backup codes removed; {sessions} sessions ended",
            if totp { "removed" } else { "none" }
        );
        self.audit
            .record_in(unit.as_ref(), admin_event(AuditKind::SecondFactorsReset, actor, id, client).detail(detail))
            .await?;
        unit.commit().await?;
        self.outbox.mail(self.outbox.notices.second_factors_reset(&user));
        Ok(FactorsReset { totp, passkeys, sessions })
    }

    /// Deletes an account and everything that is theirs (the audit log keeps
    /// anonymised records).
    pub async fn delete_user_as_admin(&self, actor: &Actor, id: UserId, client: &ClientInfo) -> Result<()> {
        let user = self.managed_user(actor, id, USERS_DELETE).await?;
        if actor.is(id) {
            return Err(Error::SelfAction("you cannot delete your own account here: use DELETE /api/auth/me".into()));
        }
        let unit = self.units.begin().await?;
        self.keep_an_admin(unit.as_ref(), &user, "delete").await?;
        if !unit.delete_user(id).await? {
            return Err(Error::NotFound("no such user".into()));
        }
        let mut event = AuditEvent::new(AuditKind::AccountDeleted, Outcome::Success, client)
            .subject(id)
            .detail(format!("by an administrator ({})", user.username));
        event.actor = actor.user;
        self.audit.record_in(unit.as_ref(), event).await?;
        unit.commit().await?;
        Ok(())
    }

    /// A user's active sessions, newest first.
    pub async fn user_sessions(&self, actor: &Actor, id: UserId) -> Result<Vec<Session>> {
        actor.require(USERS_READ)?;
        load_user(self.users.as_ref(), id).await?;
        Ok(self.sessions.active_sessions(id, self.clock.now()).await?)
    }

    /// Ends one of a user's sessions (`Some`) or all of them (`None`);
    /// returns how many ended.
    pub async fn end_user_sessions(
        &self,
        actor: &Actor,
        id: UserId,
        session: Option<SessionId>,
        client: &ClientInfo,
    ) -> Result<u64> {
        self.managed_user(actor, id, USERS_WRITE).await?;
        let now = self.clock.now();
        let ended = match session {
            Some(sid) => match self.sessions.session(sid).await? {
                Some(s) if s.user_id == id && s.is_active(now) => {
                    u64::from(self.sessions.revoke_session(sid, now).await?)
                }
                _ => return Err(Error::NotFound("no such session".into())),
            },
            None => self.sessions.revoke_user_sessions(id, now).await?,
        };
        let detail = match session {
            Some(sid) => format!("session {sid}"),
            None => format!("all sessions ({ended})"),
        };
        self.audit.record(admin_event(AuditKind::SessionRevoked, actor, id, client).detail(detail)).await;
        Ok(ended)
    }

    pub async fn audit_log(&self, actor: &Actor, mut query: AuditQuery) -> Result<Vec<AuditEvent>> {
        actor.require(crate::rbac::AUDIT_READ)?;
        query.limit = query.limit.clamp(1, 500);
        Ok(self.audit_log.query(&query).await?)
    }

    /// Refuses to disable or delete the last active administrator. The
    /// active administrators are held in `unit` until it ends, so two
    /// administrators disabling each other at once leave one.
    pub(super) async fn keep_an_admin(&self, unit: &dyn StoreTx, user: &User, action: &str) -> Result<()> {
        let holders = unit.lock_active_holders(&Role::admin()).await?;
        let Some(user) = unit.user_by_id(user.id).await? else {
            return Err(Error::NotFound("no such user".into()));
        };
        if user.is_active && user.has_role(Role::ADMIN) && holders <= 1 {
            return Err(Error::LastAdmin(format!(
                "'{}' is the last active administrator: give another account the admin role before you {action} this one",
                user.username
            )));
        }
        Ok(())
    }
}
