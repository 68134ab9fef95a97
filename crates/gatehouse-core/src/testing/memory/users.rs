//! [`UserStore`] in memory: users and the roles they hold.
//!
//! Usernames and email addresses are unique case-insensitively
//! (`Conflict(Username)`, `Conflict(Email)`); a role given must exist
//! (`Conflict(MissingReference)`). Roles are kept sorted by name; a user's
//! permissions are what those roles grant at the moment of the read, sorted
//! and without duplicates. Setters of an unknown user change nothing and are
//! no error, like an SQL `UPDATE` that matches no row.

use crate::store::Change;
use async_trait::async_trait;
use time::OffsetDateTime;

use super::{conflict, page, same_ignoring_case, MemoryStore, State};
use crate::account::{NewUser, Role, User, UserId};
use crate::i18n::Locale;
use crate::password::StoredHash;
use crate::store::{Constraint, Profile, StoreError, StoreResult, UserFilter, UserStore};

impl State {
    pub(super) fn has_user(&self, id: UserId) -> bool {
        self.users.iter().any(|u| u.id == id)
    }

    pub(super) fn user_mut(&mut self, id: UserId) -> Option<&mut User> {
        self.users.iter_mut().find(|u| u.id == id)
    }

    /// A stored user as read: with the permissions their roles grant.
    pub(super) fn granted(&self, user: &User) -> User {
        let mut permissions: Vec<_> =
            user.roles.iter().filter_map(|r| self.roles.get(r)).flat_map(|r| r.permissions.iter().cloned()).collect();
        permissions.sort();
        permissions.dedup();
        User { permissions, ..user.clone() }
    }

    /// The rule a user `id` named `username` (if given) with `email` (if
    /// given) would break against the other users, username first (the
    /// order of the unique indexes).
    pub(super) fn name_taken(&self, id: UserId, username: Option<&str>, email: Option<&str>) -> Option<Constraint> {
        let others = || self.users.iter().filter(|u| u.id != id);
        if let Some(username) = username {
            if others().any(|u| same_ignoring_case(u.username.as_str(), username)) {
                return Some(Constraint::Username);
            }
        }
        if let Some(email) = email {
            if others().any(|u| same_ignoring_case(u.email.as_str(), email)) {
                return Some(Constraint::Email);
            }
        }
        None
    }

    /// Changes one stored user; an unknown id changes nothing.
    fn update_user(&mut self, id: UserId, change: impl FnOnce(&mut User)) {
        if let Some(user) = self.user_mut(id) {
            change(user);
        }
    }
}

/// Sorted, without duplicates.
fn sorted_roles(roles: &[Role]) -> Vec<Role> {
    let mut roles = roles.to_vec();
    roles.sort();
    roles.dedup();
    roles
}

#[async_trait]
impl UserStore for MemoryStore {
    async fn insert_user(&self, new: &NewUser) -> StoreResult<User> {
        self.write(|state| {
            if state.has_user(new.id) {
                return conflict(Constraint::Unlisted);
            }
            if let Some(rule) = state.name_taken(new.id, Some(new.username.as_str()), Some(new.email.as_str())) {
                return conflict(rule);
            }
            if new.roles.iter().any(|r| !state.roles.contains_key(r)) {
                return conflict(Constraint::MissingReference);
            }
            let user = User {
                id: new.id,
                username: new.username.clone(),
                email: new.email.clone(),
                password_hash: new.password_hash.clone(),
                is_active: true,
                email_verified: new.email_verified,
                roles: sorted_roles(&new.roles),
                permissions: Vec::new(),
                password_reset_required: false,
                failed_logins: 0,
                locked_until: None,
                locale: new.locale.clone(),
                created_at: new.created_at,
                updated_at: new.created_at,
            };
            let read = state.granted(&user);
            state.users.push(user);
            Ok(read)
        })
        .await
    }

    async fn user_by_id(&self, id: UserId) -> StoreResult<Option<User>> {
        Ok(self.read(|state| state.users.iter().find(|u| u.id == id).map(|u| state.granted(u))))
    }

    async fn user_by_login(&self, login: &str) -> StoreResult<Option<User>> {
        Ok(self.read(|state| {
            state
                .users
                .iter()
                .find(|u| same_ignoring_case(u.username.as_str(), login) || same_ignoring_case(u.email.as_str(), login))
                .map(|u| state.granted(u))
        }))
    }

    async fn list_users(&self, filter: &UserFilter, limit: u32, offset: u32) -> StoreResult<Vec<User>> {
        let needle = filter.search.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(str::to_lowercase);
        let matches = |u: &User| {
            needle.as_deref().is_none_or(|needle| {
                u.username.as_str().to_lowercase().contains(needle) || u.email.as_str().to_lowercase().contains(needle)
            }) && filter.role.as_ref().is_none_or(|role| u.roles.contains(role))
                && filter.active.is_none_or(|active| u.is_active == active)
        };
        Ok(self.read(|state| {
            let mut found: Vec<&User> = state.users.iter().filter(|u| matches(u)).collect();
            found.sort_by_key(|u| (u.created_at, u.id));
            page(found.into_iter(), limit, offset).map(|u| state.granted(u)).collect()
        }))
    }

    async fn set_password_hash(&self, id: UserId, hash: &StoredHash, now: OffsetDateTime) -> StoreResult<()> {
        self.write_told(Change::User(id), |state| {
            state.update_user(id, |u| {
                u.password_hash = hash.clone();
                u.password_reset_required = false;
                u.updated_at = now;
            });
            Ok(())
        })
        .await
    }

    async fn set_roles(&self, id: UserId, roles: &[Role], now: OffsetDateTime) -> StoreResult<()> {
        self.write_told(Change::User(id), |state| {
            // Each `user_roles` row needs both its user and its role.
            if !roles.is_empty() && (!state.has_user(id) || roles.iter().any(|r| !state.roles.contains_key(r))) {
                return conflict(Constraint::MissingReference);
            }
            state.update_user(id, |u| {
                u.roles = sorted_roles(roles);
                u.updated_at = now;
            });
            Ok(())
        })
        .await
    }

    async fn grant_role(&self, id: UserId, role: &Role, now: OffsetDateTime) -> StoreResult<bool> {
        self.write_told(Change::User(id), |state| {
            if state.users.iter().any(|u| u.id == id && u.roles.contains(role)) {
                return Ok(false);
            }
            if !state.has_user(id) || !state.roles.contains_key(role) {
                return conflict(Constraint::MissingReference);
            }
            state.update_user(id, |u| {
                u.roles.push(role.clone());
                u.roles.sort();
                u.updated_at = now;
            });
            Ok(true)
        })
        .await
    }

    async fn revoke_role(&self, id: UserId, role: &Role, now: OffsetDateTime) -> StoreResult<bool> {
        self.write_told(Change::User(id), |state| {
            let Some(user) = state.user_mut(id).filter(|u| u.roles.contains(role)) else { return Ok(false) };
            user.roles.retain(|r| r != role);
            user.updated_at = now;
            Ok(true)
        })
        .await
    }

    async fn update_profile(&self, id: UserId, profile: &Profile, now: OffsetDateTime) -> StoreResult<()> {
        self.write_told(Change::User(id), |state| {
            if !state.has_user(id) {
                return Ok(());
            }
            if let Some(rule) = state.name_taken(id, Some(profile.username.as_str()), Some(profile.email.as_str())) {
                return conflict(rule);
            }
            state.update_user(id, |u| {
                u.username = profile.username.clone();
                u.email = profile.email.clone();
                u.email_verified = profile.email_verified;
                u.updated_at = now;
            });
            Ok(())
        })
        .await
    }

    async fn set_password_reset_required(&self, id: UserId, required: bool, now: OffsetDateTime) -> StoreResult<()> {
        self.write_told(Change::User(id), |state| {
            state.update_user(id, |u| {
                u.password_reset_required = required;
                u.updated_at = now;
            });
            Ok(())
        })
        .await
    }

    async fn set_active(&self, id: UserId, active: bool, now: OffsetDateTime) -> StoreResult<()> {
        self.write_told(Change::User(id), |state| {
            state.update_user(id, |u| {
                u.is_active = active;
                u.updated_at = now;
            });
            Ok(())
        })
        .await
    }

    async fn set_locale(&self, id: UserId, locale: Option<&Locale>, now: OffsetDateTime) -> StoreResult<()> {
        self.write_told(Change::User(id), |state| {
            state.update_user(id, |u| {
                u.locale = locale.cloned();
                u.updated_at = now;
            });
            Ok(())
        })
        .await
    }

    async fn record_login_failure(
        &self,
        id: UserId,
        now: OffsetDateTime,
        forget_before: OffsetDateTime,
    ) -> StoreResult<u32> {
        self.write(|state| {
            let stale = state.last_failures.get(&id).is_some_and(|last| *last < forget_before);
            let user =
                state.user_mut(id).ok_or_else(|| StoreError::Backend(format!("record_login_failure: no user {id}")))?;
            user.failed_logins = if stale { 1 } else { user.failed_logins.saturating_add(1) };
            let failures = user.failed_logins;
            state.last_failures.insert(id, now);
            Ok(failures)
        })
        .await
    }

    async fn record_name_failure(
        &self,
        name: &[u8],
        now: OffsetDateTime,
        forget_before: OffsetDateTime,
    ) -> StoreResult<u32> {
        self.write(|state| {
            let entry = state.name_failures.entry(name.to_vec()).or_insert(super::NameFailures {
                failures: 0,
                last: now,
                locked_until: None,
            });
            entry.failures = if entry.last < forget_before { 1 } else { entry.failures.saturating_add(1) };
            entry.last = now;
            Ok(entry.failures)
        })
        .await
    }

    async fn set_name_locked_until(&self, name: &[u8], until: OffsetDateTime) -> StoreResult<()> {
        self.write(|state| {
            if let Some(entry) = state.name_failures.get_mut(name) {
                entry.locked_until = Some(until);
            }
            Ok(())
        })
        .await
    }

    async fn name_locked_until(&self, name: &[u8]) -> StoreResult<Option<OffsetDateTime>> {
        Ok(self.read(|state| state.name_failures.get(name).and_then(|e| e.locked_until)))
    }

    async fn set_locked_until(&self, id: UserId, until: Option<OffsetDateTime>) -> StoreResult<()> {
        self.write(|state| {
            state.update_user(id, |u| u.locked_until = until);
            Ok(())
        })
        .await
    }

    async fn clear_login_failures(&self, id: UserId) -> StoreResult<()> {
        self.write(|state| {
            state.update_user(id, |u| {
                u.failed_logins = 0;
                u.locked_until = None;
            });
            Ok(())
        })
        .await
    }
}
