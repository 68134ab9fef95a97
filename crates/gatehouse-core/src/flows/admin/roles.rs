//! Roles: define them (create, change, delete — `roles:write`) and give them
//! to users or take them away (`roles:assign`). Every change is audited and
//! counts from the next permission check and the next token issued.
//!
//! The object rules (see `rbac::actor`): an actor defines or grants only
//! permissions they hold themselves and changes only users who hold nothing
//! they lack; only administrators give or take `admin`. The built-in roles
//! cannot be deleted, `admin` keeps every catalog permission, and the last
//! active administrator keeps the admin role.

use super::users::admin_event;
use super::Admin;
use crate::account::{Role, User, UserId};
use crate::audit::{AuditEvent, AuditKind, ClientInfo, Outcome};
use crate::error::{Error, Result};
use crate::flows::parts::load_user;
use crate::rbac::{
    catalog, Actor, Permission, RoleDef, DESCRIPTION_MAX_LEN, PERMISSIONS_MAX, ROLES_ASSIGN, ROLES_READ, ROLES_WRITE,
};
use crate::store::{Constraint, StoreError, StoreTx};

/// A role about to be created.
pub struct NewRole {
    pub name: String,
    pub description: String,
    pub permissions: Vec<String>,
}

/// A change to a role: every `Some` field replaces the stored one.
#[derive(Default)]
pub struct RoleUpdate {
    pub description: Option<String>,
    pub permissions: Option<Vec<String>>,
}

fn check_description(description: &str) -> Result<String> {
    let d = description.trim();
    if d.chars().count() > DESCRIPTION_MAX_LEN || d.chars().any(char::is_control) {
        return Err(Error::InvalidRequest(format!(
            "a role description is at most {DESCRIPTION_MAX_LEN} characters on one line"
        )));
    }
    Ok(d.to_owned())
}

fn check_permissions(raw: &[String]) -> Result<Vec<Permission>> {
    let permissions = crate::rbac::parse_permissions(raw)?;
    if permissions.len() > PERMISSIONS_MAX {
        return Err(Error::InvalidRequest(format!("a role grants at most {PERMISSIONS_MAX} permissions")));
    }
    Ok(permissions)
}

fn names(perms: &[Permission]) -> String {
    perms.iter().map(Permission::as_str).collect::<Vec<_>>().join(" ")
}

impl Admin {
    /// Every role, by name.
    pub async fn roles(&self, actor: &Actor) -> Result<Vec<RoleDef>> {
        actor.require(ROLES_READ)?;
        Ok(self.roles.roles().await?)
    }

    /// One role and how many users hold it.
    pub async fn role(&self, actor: &Actor, name: &str) -> Result<(RoleDef, u64)> {
        actor.require(ROLES_READ)?;
        let role = self.named_role(name).await?;
        let holders = self.roles.role_holders(&role.name, false).await?;
        Ok((role, holders))
    }

    /// The role at a URL or on the command line: 404 when there is none.
    async fn named_role(&self, name: &str) -> Result<RoleDef> {
        let missing = || Error::NotFound(format!("no role '{}'", name.chars().take(64).collect::<String>()));
        let role = Role::parse(name).map_err(|_| missing())?;
        self.roles.role(&role).await?.ok_or_else(missing)
    }

    /// The definition of a role named in a request body: `unknown_role` when
    /// there is none.
    pub(super) async fn role_def(&self, role: &Role) -> Result<RoleDef> {
        self.roles.role(role).await?.ok_or_else(|| Error::UnknownRole(role.to_string()))
    }

    /// The role exists and `actor` may give (or take) it.
    pub(super) async fn check_grant(&self, actor: &Actor, role: &Role) -> Result<RoleDef> {
        actor.require(ROLES_ASSIGN)?;
        let def = self.role_def(role).await?;
        actor.may_grant(role, &def.permissions)?;
        Ok(def)
    }

    /// A write that named a role deleted meanwhile.
    pub(super) fn role_vanished(&self, e: StoreError) -> Error {
        match e {
            StoreError::Conflict(Constraint::MissingReference) => {
                Error::UnknownRole("(deleted while this request ran)".into())
            }
            other => other.into(),
        }
    }

    pub async fn create_role(&self, actor: &Actor, req: NewRole, client: &ClientInfo) -> Result<RoleDef> {
        actor.require(ROLES_WRITE)?;
        let name = Role::parse(&req.name)?;
        let permissions = check_permissions(&req.permissions)?;
        actor.may_define(&permissions)?;
        let now = self.clock.now();
        let role = RoleDef {
            name,
            description: check_description(&req.description)?,
            permissions,
            builtin: false,
            created_at: now,
            updated_at: now,
        };
        match self.roles.insert_role(&role).await {
            Err(StoreError::Conflict(Constraint::RoleName)) => return Err(Error::RoleExists(role.name.to_string())),
            other => other?,
        }
        self.audit_role(AuditKind::RoleCreated, actor, &role.name, names(&role.permissions), client).await;
        Ok(role)
    }

    pub async fn update_role(
        &self,
        actor: &Actor,
        name: &str,
        update: RoleUpdate,
        client: &ClientInfo,
    ) -> Result<RoleDef> {
        actor.require(ROLES_WRITE)?;
        let before = self.named_role(name).await?;
        let mut after = before.clone();
        if let Some(description) = &update.description {
            after.description = check_description(description)?;
        }
        if let Some(permissions) = &update.permissions {
            after.permissions = check_permissions(permissions)?;
        }
        // Changing a role grants (or takes) its permissions to every holder.
        actor.may_define(&before.permissions)?;
        actor.may_define(&after.permissions)?;
        if before.is_admin() {
            if let Some(missing) = catalog().into_iter().find(|p| !after.permissions.contains(p)) {
                return Err(Error::BuiltinRole(format!(
                    "the admin role keeps every Gatehouse permission; '{missing}' cannot be taken from it"
                )));
            }
        }
        after.updated_at = self.clock.now();
        if !self.roles.update_role(&after).await? {
            return Err(Error::NotFound(format!("no role '{name}'")));
        }
        let added: Vec<_> = after.permissions.iter().filter(|p| !before.permissions.contains(p)).cloned().collect();
        let removed: Vec<_> = before.permissions.iter().filter(|p| !after.permissions.contains(p)).cloned().collect();
        let detail = format!("+[{}] -[{}]", names(&added), names(&removed));
        self.audit_role(AuditKind::RoleUpdated, actor, &after.name, detail, client).await;
        Ok(after)
    }

    /// Deletes a role. A role someone holds is refused (`role_in_use`) unless
    /// `force`, which takes it from them.
    pub async fn delete_role(&self, actor: &Actor, name: &str, force: bool, client: &ClientInfo) -> Result<u64> {
        actor.require(ROLES_WRITE)?;
        let role = self.named_role(name).await?;
        if role.builtin {
            return Err(Error::BuiltinRole(format!("'{}' is a built-in role and cannot be deleted", role.name)));
        }
        if self.config.default_roles.contains(&role.name) {
            return Err(Error::BuiltinRole(format!(
                "'{}' is a default role of new accounts (default_roles): take it out of the configuration first",
                role.name
            )));
        }
        actor.may_define(&role.permissions)?;
        let holders = self.roles.role_holders(&role.name, false).await?;
        if holders > 0 && !force {
            return Err(Error::RoleInUse(format!(
                "{holders} users hold the role '{}': take it from them first, or delete with force",
                role.name
            )));
        }
        if !self.roles.delete_role(&role.name).await? {
            return Err(Error::NotFound(format!("no role '{name}'")));
        }
        self.audit_role(AuditKind::RoleDeleted, actor, &role.name, format!("taken from {holders} users"), client).await;
        Ok(holders)
    }

    /// Replaces a user's roles with `roles`.
    pub async fn set_roles(&self, actor: &Actor, id: UserId, roles: Vec<Role>, client: &ClientInfo) -> Result<User> {
        actor.require(ROLES_ASSIGN)?;
        let before = load_user(self.users.as_ref(), id).await?;
        actor.may_manage(&before)?;
        let mut roles = roles;
        roles.sort();
        roles.dedup();
        let added: Vec<&Role> = roles.iter().filter(|r| !before.roles.contains(r)).collect();
        let removed: Vec<&Role> = before.roles.iter().filter(|r| !roles.contains(r)).collect();
        for role in added.iter().chain(&removed) {
            self.check_grant(actor, role).await?;
        }
        let unit = self.units.begin().await?;
        if removed.iter().any(|r| r.as_str() == Role::ADMIN) {
            self.keep_admin_role(unit.as_ref(), actor, &before).await?;
        }
        unit.set_roles(id, &roles, self.clock.now()).await.map_err(|e| self.role_vanished(e))?;
        let after = unit.user_by_id(id).await?.ok_or_else(|| Error::NotFound("no such user".into()))?;
        self.audit_roles_of(unit.as_ref(), actor, &before, &after, client).await?;
        unit.commit().await?;
        Ok(after)
    }

    /// Gives one role; `false` when the user already had it.
    pub async fn grant_role(
        &self,
        actor: &Actor,
        id: UserId,
        role: &Role,
        client: &ClientInfo,
    ) -> Result<(User, bool)> {
        let before = load_user(self.users.as_ref(), id).await?;
        actor.require(ROLES_ASSIGN)?;
        actor.may_manage(&before)?;
        self.check_grant(actor, role).await?;
        let unit = self.units.begin().await?;
        let added = unit.grant_role(id, role, self.clock.now()).await.map_err(|e| self.role_vanished(e))?;
        let after = unit.user_by_id(id).await?.ok_or_else(|| Error::NotFound("no such user".into()))?;
        if added {
            self.audit_roles_of(unit.as_ref(), actor, &before, &after, client).await?;
        }
        unit.commit().await?;
        Ok((after, added))
    }

    /// Takes one role away; 404 when the user did not have it.
    pub async fn revoke_role(&self, actor: &Actor, id: UserId, role: &Role, client: &ClientInfo) -> Result<User> {
        let before = load_user(self.users.as_ref(), id).await?;
        actor.require(ROLES_ASSIGN)?;
        actor.may_manage(&before)?;
        if !before.roles.contains(role) {
            return Err(Error::NotFound(format!("'{}' does not hold the role '{role}'", before.username)));
        }
        self.check_grant(actor, role).await?;
        let unit = self.units.begin().await?;
        if role.as_str() == Role::ADMIN {
            self.keep_admin_role(unit.as_ref(), actor, &before).await?;
        }
        unit.revoke_role(id, role, self.clock.now()).await?;
        let after = unit.user_by_id(id).await?.ok_or_else(|| Error::NotFound("no such user".into()))?;
        self.audit_roles_of(unit.as_ref(), actor, &before, &after, client).await?;
        unit.commit().await?;
        Ok(after)
    }

    /// Taking `admin` from `user`: not from oneself, not from the last one.
    async fn keep_admin_role(&self, unit: &dyn StoreTx, actor: &Actor, user: &User) -> Result<()> {
        if actor.is(user.id) {
            return Err(Error::SelfAction("you cannot take the admin role from yourself".into()));
        }
        self.keep_an_admin(unit, user, "take the admin role from").await
    }

    async fn audit_roles_of(
        &self,
        unit: &dyn StoreTx,
        actor: &Actor,
        before: &User,
        after: &User,
        client: &ClientInfo,
    ) -> Result<()> {
        let list = |rs: &[Role]| rs.iter().map(Role::as_str).collect::<Vec<_>>().join(",");
        let detail = format!("[{}] -> [{}]", list(&before.roles), list(&after.roles));
        self.audit.record_in(unit, admin_event(AuditKind::RoleChanged, actor, after.id, client).detail(detail)).await
    }

    async fn audit_role(&self, kind: AuditKind, actor: &Actor, role: &Role, detail: String, client: &ClientInfo) {
        let mut event = AuditEvent::new(kind, Outcome::Success, client).detail(format!("role {role}: {detail}"));
        event.actor = actor.user;
        self.audit.record(event).await;
    }

    /// Puts the built-in roles back as they must be (missing roles, the
    /// catalog permissions of `admin`), and makes sure every configured
    /// default role exists (created empty when missing). Runs at start-up.
    pub(crate) async fn sync_roles(&self) -> Result<()> {
        self.roles.sync_builtin_roles(&RoleDef::builtins(self.clock.now())).await?;
        for role in &self.config.default_roles {
            if self.roles.role(role).await?.is_none() {
                let now = self.clock.now();
                let def = RoleDef {
                    name: role.clone(),
                    description: "A default role of new accounts (created at start-up)".into(),
                    permissions: Vec::new(),
                    builtin: false,
                    created_at: now,
                    updated_at: now,
                };
                match self.roles.insert_role(&def).await {
                    Ok(()) => {
                        tracing::warn!(role = %role, "the default role did not exist: created it without permissions")
                    }
                    // Another node created it at the same moment.
                    Err(StoreError::Conflict(_)) => {}
                    Err(e) => return Err(e.into()),
                }
            }
        }
        Ok(())
    }
}
