//! Role-based access control: permissions (`resource:action`), roles as named
//! sets of permissions stored in the database, and the [`Actor`] whose checks
//! every administrative action passes.
//!
//! A user's permissions are the union of their roles' permissions, read with
//! the user (one query), so a change to a role applies to the next check and
//! to the next token issued; tokens already issued keep what they say until
//! they expire (access tokens live `access_token_ttl`, 15 minutes).

mod actor;
mod permission;
mod role;

pub use actor::{Actor, Via};
pub use permission::{
    catalog, parse_all as parse_permissions, Permission, AUDIT_READ, CATALOG, CLIENTS_READ, CLIENTS_WRITE, KEYS_READ,
    KEYS_ROTATE, PERMISSION_MAX_LEN, ROLES_ASSIGN, ROLES_READ, ROLES_WRITE, USERS_DELETE, USERS_READ, USERS_WRITE,
};
pub use role::{RoleDef, DESCRIPTION_MAX_LEN, PERMISSIONS_MAX};
