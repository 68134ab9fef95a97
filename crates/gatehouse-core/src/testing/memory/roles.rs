//! [`RoleStore`] in memory: role definitions and what each grants.
//!
//! A role name is taken once (`Conflict(RoleName)`); permissions are kept
//! sorted, without duplicates. Deleting a role takes it from everyone
//! holding it (the cascade of `user_roles`, which leaves their `updated_at`
//! alone). Units of work run one at a time here, so
//! [`RoleStore::lock_active_holders`] only counts.

use crate::store::Change;
use async_trait::async_trait;

use super::{conflict, count, MemoryStore};
use crate::account::Role;
use crate::rbac::{Permission, RoleDef};
use crate::store::{Constraint, RoleStore, StoreResult};

/// Sorted, without duplicates.
fn sorted_permissions(permissions: impl IntoIterator<Item = Permission>) -> Vec<Permission> {
    let mut permissions: Vec<_> = permissions.into_iter().collect();
    permissions.sort();
    permissions.dedup();
    permissions
}

impl MemoryStore {
    /// How many users hold `name` (only active ones when `active_only`).
    fn holders(&self, name: &Role, active_only: bool) -> u64 {
        self.read(|state| {
            count(state.users.iter().filter(|u| u.roles.contains(name) && (u.is_active || !active_only)).count())
        })
    }
}

#[async_trait]
impl RoleStore for MemoryStore {
    async fn roles(&self) -> StoreResult<Vec<RoleDef>> {
        Ok(self.read(|state| state.roles.values().cloned().collect()))
    }

    async fn role(&self, name: &Role) -> StoreResult<Option<RoleDef>> {
        Ok(self.read(|state| state.roles.get(name).cloned()))
    }

    async fn insert_role(&self, role: &RoleDef) -> StoreResult<()> {
        self.write(|state| {
            if state.roles.contains_key(&role.name) {
                return conflict(Constraint::RoleName);
            }
            let stored = RoleDef { permissions: sorted_permissions(role.permissions.iter().cloned()), ..role.clone() };
            state.roles.insert(role.name.clone(), stored);
            Ok(())
        })
        .await
    }

    async fn update_role(&self, role: &RoleDef) -> StoreResult<bool> {
        self.write_told(Change::Roles, |state| {
            let Some(stored) = state.roles.get_mut(&role.name) else { return Ok(false) };
            stored.description = role.description.clone();
            stored.updated_at = role.updated_at;
            stored.permissions = sorted_permissions(role.permissions.iter().cloned());
            Ok(true)
        })
        .await
    }

    async fn delete_role(&self, name: &Role) -> StoreResult<bool> {
        self.write_told(Change::Roles, |state| {
            if state.roles.remove(name).is_none() {
                return Ok(false);
            }
            for user in &mut state.users {
                user.roles.retain(|r| r != name);
            }
            Ok(true)
        })
        .await
    }

    async fn role_holders(&self, name: &Role, active_only: bool) -> StoreResult<u64> {
        Ok(self.holders(name, active_only))
    }

    async fn lock_active_holders(&self, name: &Role) -> StoreResult<u64> {
        Ok(self.holders(name, true))
    }

    async fn sync_builtin_roles(&self, builtins: &[RoleDef]) -> StoreResult<()> {
        self.write_told(Change::Roles, |state| {
            for role in builtins {
                let stored = state.roles.entry(role.name.clone()).or_insert_with(|| RoleDef {
                    permissions: Vec::new(),
                    builtin: true,
                    updated_at: role.created_at,
                    ..role.clone()
                });
                let added = stored.permissions.iter().chain(&role.permissions).cloned();
                stored.permissions = sorted_permissions(added);
            }
            Ok(())
        })
        .await
    }
}
