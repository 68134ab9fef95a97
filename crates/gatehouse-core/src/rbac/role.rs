//! `RoleDef`: a role as stored — a name, a description and the permissions
//! it grants — and the two built-in roles.
//!
//! `admin` is the superuser role: it always holds every permission of the
//! catalog (the start-up sync puts back any that are missing), it alone may
//! grant permissions its holder does not hold, it cannot be deleted, and at
//! least one active account keeps it. `user` is what self-registered people
//! get by default and grants nothing until an operator adds permissions.

use time::OffsetDateTime;

use super::permission::{catalog, Permission};
use crate::account::Role;

/// The longest role description accepted.
pub const DESCRIPTION_MAX_LEN: usize = 500;
/// The most permissions one role may grant.
pub const PERMISSIONS_MAX: usize = 200;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RoleDef {
    pub name: Role,
    pub description: String,
    /// Sorted, without duplicates.
    pub permissions: Vec<Permission>,
    /// `admin` and `user`: cannot be deleted; `admin` keeps the catalog.
    pub builtin: bool,
    pub created_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
}

impl RoleDef {
    /// The built-in roles as a fresh database gets them.
    pub fn builtins(now: OffsetDateTime) -> [RoleDef; 2] {
        [
            RoleDef {
                name: Role::admin(),
                description: "Administrators: every Gatehouse permission".into(),
                permissions: catalog(),
                builtin: true,
                created_at: now,
                updated_at: now,
            },
            RoleDef {
                name: Role::user(),
                description: "Everyone who signs up (grants nothing by default)".into(),
                permissions: Vec::new(),
                builtin: true,
                created_at: now,
                updated_at: now,
            },
        ]
    }

    pub fn is_admin(&self) -> bool {
        self.name.as_str() == Role::ADMIN
    }
}
