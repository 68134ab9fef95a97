//! `Permission`: a `resource:action` string such as `users:read` or
//! `posts:delete`, and the catalog of Gatehouse's own permissions.
//!
//! A permission is lower-case `[a-z0-9_.-]` parts joined by `:` (at least
//! two parts), at most 128 characters. Permissions match exactly: there are
//! no wildcards, so what a role grants can be read off its list.

use std::fmt;

use crate::error::Error;

#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(transparent)]
pub struct Permission(String);

/// The longest permission accepted.
pub const PERMISSION_MAX_LEN: usize = 128;

impl Permission {
    pub fn parse(raw: &str) -> Result<Self, Error> {
        let s = raw.trim();
        let part_ok = |p: &str| {
            !p.is_empty()
                && p.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '_' | '.' | '-'))
        };
        if s.len() > PERMISSION_MAX_LEN || s.split(':').count() < 2 || !s.split(':').all(part_ok) {
            let shown: String = s.chars().take(64).collect();
            return Err(Error::InvalidRequest(format!(
                "'{shown}' is not a valid permission: write it as resource:action (lower-case letters, digits, '_', '.', '-'), e.g. posts:read"
            )));
        }
        Ok(Self(s.to_owned()))
    }

    /// A permission read back from storage, already validated when written.
    pub fn from_trusted(s: String) -> Self {
        Self(s)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether this is one of Gatehouse's own permissions.
    pub fn is_gatehouse(&self) -> bool {
        CATALOG.iter().any(|(p, _)| *p == self.0)
    }
}

impl fmt::Display for Permission {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Gatehouse's own permissions, each guarding a part of the admin API. The
/// resources `users`, `roles`, `clients`, `keys` and `audit` are Gatehouse's;
/// applications name their own (`posts:read`).
pub const CATALOG: [(&str, &str); 11] = [
    (USERS_READ, "List and read users, their sessions and API keys"),
    (
        USERS_WRITE,
        "Create and update users: disable, enable, unlock, force a password reset, end sessions, revoke API keys",
    ),
    (USERS_DELETE, "Delete users"),
    (ROLES_READ, "List and read roles and the permission catalog"),
    (ROLES_WRITE, "Create, change and delete roles"),
    (ROLES_ASSIGN, "Give roles to users and take them away"),
    (CLIENTS_READ, "List and read OAuth clients"),
    (CLIENTS_WRITE, "Register, change and delete OAuth clients, rotate their secrets"),
    (KEYS_READ, "List the signing keys"),
    (KEYS_ROTATE, "Rotate the signing keys"),
    (AUDIT_READ, "Read the audit log"),
];

pub const USERS_READ: &str = "users:read";
pub const USERS_WRITE: &str = "users:write";
pub const USERS_DELETE: &str = "users:delete";
pub const ROLES_READ: &str = "roles:read";
pub const ROLES_WRITE: &str = "roles:write";
pub const ROLES_ASSIGN: &str = "roles:assign";
pub const CLIENTS_READ: &str = "clients:read";
pub const CLIENTS_WRITE: &str = "clients:write";
pub const KEYS_READ: &str = "keys:read";
pub const KEYS_ROTATE: &str = "keys:rotate";
pub const AUDIT_READ: &str = "audit:read";

/// Every permission of the catalog.
pub fn catalog() -> Vec<Permission> {
    CATALOG.iter().map(|(p, _)| Permission((*p).to_owned())).collect()
}

/// Parses a list of permissions, sorted and without duplicates.
pub fn parse_all<S: AsRef<str>>(raw: &[S]) -> Result<Vec<Permission>, Error> {
    let mut out = raw.iter().map(|p| Permission::parse(p.as_ref())).collect::<Result<Vec<_>, _>>()?;
    out.sort();
    out.dedup();
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_resource_action_strings() {
        for ok in ["users:read", "posts:read", "read:posts", "billing.invoices:export", "a:b:c", " x-y:z_1 "] {
            assert!(Permission::parse(ok).is_ok(), "{ok}");
        }
        for bad in ["", "users", ":read", "users:", "Users:Read", "users:*", "a b:c", "a::b", &"x:".repeat(65)] {
            assert!(Permission::parse(bad).is_err(), "{bad}");
        }
        assert_eq!(Permission::parse(" posts:read ").unwrap().as_str(), "posts:read");
    }

    #[test]
    fn the_catalog_is_valid_and_known() {
        for (p, _) in CATALOG {
            assert!(Permission::parse(p).unwrap().is_gatehouse());
        }
        assert!(!Permission::parse("posts:read").unwrap().is_gatehouse());
        assert_eq!(parse_all(&["b:x", "a:x", "b:x"]).unwrap(), [Permission("a:x".into()), Permission("b:x".into())]);
    }
}
