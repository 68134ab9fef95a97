//! `Actor`: who is doing an administrative action and what they may do —
//! the one place where permission and object-level checks are decided.
//!
//! - An action needs its catalog permission ([`Actor::require`]).
//! - A change to a user needs the actor to hold every permission the user
//!   holds ([`Actor::may_manage`]): a support desk with `users:write` cannot
//!   disable, reset or delete an administrator.
//! - Granting needs holding: a role may only be given, taken, created or
//!   changed by an actor holding all of its permissions ([`Actor::may_grant`]).
//! - Only a superuser (a person holding the `admin` role, signed in — never an
//!   API key) may grant what they do not hold, or give and take `admin`.
//! - Only a superuser may make an OAuth client trusted with other people's
//!   tokens ([`Actor::may_trust_client`]): `clients:write` alone must not
//!   reach an administrator's token through a client it controls.
//!
//! Reads are not narrowed per object: `users:read` reads every user.

use super::permission::Permission;
use crate::account::{Role, User, UserId};
use crate::error::{Error, Result};

/// How the actor proved who they are.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Via {
    /// The operator's command line: the root of trust, may do anything.
    CommandLine,
    /// A signed-in person (access token or browser session).
    Session,
    /// A personal API key, limited to its scopes.
    ApiKey(uuid::Uuid),
}

#[derive(Clone, Debug)]
pub struct Actor {
    /// The person acting; `None` for the command line.
    pub user: Option<UserId>,
    pub via: Via,
    /// Sorted.
    permissions: Vec<Permission>,
    superuser: bool,
}

impl Actor {
    /// The operator at the command line.
    pub fn command_line() -> Self {
        Self { user: None, via: Via::CommandLine, permissions: super::catalog(), superuser: true }
    }

    /// `user` signed in: their permissions as they are now.
    pub fn signed_in(user: &User) -> Self {
        Self {
            user: Some(user.id),
            via: Via::Session,
            permissions: user.permissions.clone(),
            superuser: user.has_role(Role::ADMIN),
        }
    }

    /// `user` through API key `key` with `scopes`: what both the key and
    /// the user hold now.
    pub fn api_key(user: &User, key: uuid::Uuid, scopes: &[Permission]) -> Self {
        let permissions = user.permissions.iter().filter(|p| scopes.contains(p)).cloned().collect();
        Self { user: Some(user.id), via: Via::ApiKey(key), permissions, superuser: false }
    }

    pub fn permissions(&self) -> &[Permission] {
        &self.permissions
    }

    pub fn is_superuser(&self) -> bool {
        self.superuser
    }

    pub fn holds(&self, permission: &str) -> bool {
        self.permissions.iter().any(|p| p.as_str() == permission)
    }

    /// 403 `forbidden` unless the actor holds `permission`.
    pub fn require(&self, permission: &str) -> Result<()> {
        if self.holds(permission) {
            Ok(())
        } else {
            Err(Error::Forbidden(format!("this needs the permission '{permission}'")))
        }
    }

    /// The first of `permissions` the actor does not hold (none for a superuser).
    fn missing<'a>(&self, permissions: &'a [Permission]) -> Option<&'a Permission> {
        if self.superuser {
            return None;
        }
        permissions.iter().find(|p| !self.permissions.contains(p))
    }

    /// May the actor change `target`? They must hold everything `target` holds.
    pub fn may_manage(&self, target: &User) -> Result<()> {
        if target.has_role(Role::ADMIN) && !self.superuser {
            return Err(Error::Forbidden(format!(
                "only an administrator may change the administrator '{}'",
                target.username
            )));
        }
        match self.missing(&target.permissions) {
            None => Ok(()),
            Some(p) => Err(Error::Forbidden(format!(
                "'{}' holds the permission '{p}', which you do not: you cannot change that account",
                target.username
            ))),
        }
    }

    /// May the actor grant (or take away) `role` with `permissions`?
    pub fn may_grant(&self, role: &Role, permissions: &[Permission]) -> Result<()> {
        if role.as_str() == Role::ADMIN && !self.superuser {
            return Err(Error::Forbidden("only an administrator may give or take the admin role".into()));
        }
        match self.missing(permissions) {
            None => Ok(()),
            Some(p) => {
                Err(Error::Forbidden(format!("the role '{role}' grants the permission '{p}', which you do not hold")))
            }
        }
    }

    /// May the actor put `permissions` into a role?
    pub fn may_define(&self, permissions: &[Permission]) -> Result<()> {
        match self.missing(permissions) {
            None => Ok(()),
            Some(p) => Err(Error::Forbidden(format!("you cannot grant the permission '{p}': you do not hold it"))),
        }
    }

    /// May the actor make an OAuth client able to obtain other people's
    /// tokens without their say (`what`: first-party, the `roles` or
    /// `permissions` scope, new redirect URIs)? Such a client can obtain an
    /// administrator's token — every permission and the `admin` role — so
    /// only a superuser may, never an API key.
    pub fn may_trust_client(&self, what: &[&str]) -> Result<()> {
        match what.first() {
            Some(first) if !self.superuser => Err(Error::Forbidden(format!(
                "only an administrator may {first}: such a client can obtain any person's tokens, \
                 an administrator's included"
            ))),
            _ => Ok(()),
        }
    }

    /// Whether the actor is `user`.
    pub fn is(&self, user: UserId) -> bool {
        self.user == Some(user)
    }
}
