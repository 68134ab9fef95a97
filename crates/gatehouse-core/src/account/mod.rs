//! Accounts: the user record and the parsed, validated values it is made of.
//!
//! Handlers never pass raw strings inward: a [`Username`], an [`Email`] or a
//! [`crate::password::Password`] can only be built by parsing, so the rest of the
//! domain may assume they are valid.

mod email;
mod role;
mod user;
mod username;

pub use email::{Email, EmailProblem};
pub use role::Role;
pub use user::{LoginName, NewUser, User, UserId};
pub use username::{Username, UsernameProblem};
