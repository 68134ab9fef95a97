//! Telling this process what it changed ([`Store::observe_changes`]): a
//! write on its own is told as soon as it is done, the writes of a unit of
//! work when the unit commits (see `unit::Held`), never a write that was
//! rolled back.
//!
//! [`Store::observe_changes`]: gatehouse_core::store::Store::observe_changes

use std::sync::{Arc, PoisonError, RwLock, Weak};

use gatehouse_core::store::{Change, ChangeObserver};

/// Who hears the changes of one store and every copy of it (its units of
/// work). Held weakly: an observer usually holds the store itself, and the
/// two must still be dropped when the server stops.
#[derive(Default)]
pub(crate) struct Observers {
    list: RwLock<Vec<Weak<dyn ChangeObserver>>>,
}

impl std::fmt::Debug for Observers {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let count = self.list.read().unwrap_or_else(PoisonError::into_inner).len();
        f.debug_struct("Observers").field("count", &count).finish()
    }
}

impl Observers {
    pub(crate) fn add(&self, observer: &Arc<dyn ChangeObserver>) {
        let mut list = self.list.write().unwrap_or_else(PoisonError::into_inner);
        list.retain(|o| o.strong_count() > 0);
        list.push(Arc::downgrade(observer));
    }

    pub(crate) fn tell(&self, change: &Change) {
        for observer in self.list.read().unwrap_or_else(PoisonError::into_inner).iter() {
            if let Some(observer) = observer.upgrade() {
                observer.changed(change);
            }
        }
    }
}

/// The change a trigger's notice names (PostgreSQL's `gatehouse_changes`
/// payloads, SQLite's `change_log` rows): `keys`, `client:<id>`,
/// `session:<uuid>`, `user:<uuid>`, `factors:<uuid>`, `roles`. A notice this build does not
/// know is [`Change::Missed`]: forgetting everything is always safe.
pub(crate) fn change_of_notice(notice: &str) -> Change {
    use gatehouse_core::account::UserId;
    use gatehouse_core::session::SessionId;
    let id = |text: &str| uuid::Uuid::parse_str(text).ok();
    match notice.split_once(':') {
        None if notice == "keys" => Change::Keys,
        None if notice == "roles" => Change::Roles,
        Some(("client", client)) => Change::Client(client.to_owned()),
        Some(("session", session)) => id(session).map_or(Change::Missed, |u| Change::Session(SessionId(u))),
        Some(("user", user)) => id(user).map_or(Change::Missed, |u| Change::User(UserId(u))),
        Some(("factors", user)) => id(user).map_or(Change::Missed, |u| Change::Factors(UserId(u))),
        _ => Change::Missed,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notices_name_their_changes() {
        let u = uuid::Uuid::now_v7();
        assert_eq!(change_of_notice("keys"), Change::Keys);
        assert_eq!(change_of_notice("roles"), Change::Roles);
        assert_eq!(change_of_notice("client:app"), Change::Client("app".into()));
        let session = Change::Session(gatehouse_core::session::SessionId(u));
        assert_eq!(change_of_notice(&format!("session:{u}")), session);
        // SQLite writes ids as lower-case hex without dashes.
        assert_eq!(change_of_notice(&format!("session:{}", u.simple())), session);
        let user = Change::User(gatehouse_core::account::UserId(u));
        assert_eq!(change_of_notice(&format!("user:{}", u.simple())), user);
        let factors = Change::Factors(gatehouse_core::account::UserId(u));
        assert_eq!(change_of_notice(&format!("factors:{}", u.simple())), factors);
        assert_eq!(change_of_notice("user:nonsense"), Change::Missed);
        assert_eq!(change_of_notice("something new"), Change::Missed);
    }
}
