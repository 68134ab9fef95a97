//! What each role grants, cached per store process and keyed by the
//! `roles_version` counter (migration 0009), which triggers bump on every
//! change to `roles` or `role_permissions` — whoever makes it: this node,
//! another node, the CLI, an operator's SQL.
//!
//! Every query that reads a user also reads the counter (a one-row primary-key
//! lookup), so a user's permissions are always those of the current role
//! definitions, at the price of reading those definitions again once per
//! change, instead of joining `role_permissions` into every user query (which
//! cost the hot refresh path a fifth of its user lookup on PostgreSQL).

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use gatehouse_core::account::Role;
use gatehouse_core::rbac::Permission;

/// Role name → what it grants, sorted.
pub(crate) type Grants = Arc<HashMap<String, Vec<Permission>>>;

/// The scalar subquery that reads the counter inside a query on `users`.
pub(crate) const ROLES_VERSION: &str = "(SELECT version FROM roles_version WHERE id = 1)";

/// The definitions and the counter, read together in one statement (one
/// snapshot): at least one row, with NULLs when no role grants anything.
pub(crate) const GRANTS_QUERY: &str = "SELECT v.version, rp.role, rp.permission FROM roles_version v \
     LEFT JOIN role_permissions rp ON 1 = 1 WHERE v.id = 1 ORDER BY rp.role, rp.permission";

#[derive(Debug, Default)]
pub(crate) struct GrantsCache {
    current: RwLock<Option<(i64, Grants)>>,
}

impl GrantsCache {
    /// The cached definitions if they are of `version` (or newer).
    pub(crate) fn get(&self, version: i64) -> Option<Grants> {
        let current = self.current.read().unwrap_or_else(std::sync::PoisonError::into_inner);
        current.as_ref().filter(|(v, _)| *v >= version).map(|(_, g)| g.clone())
    }

    pub(crate) fn put(&self, version: i64, grants: Grants) {
        let mut current = self.current.write().unwrap_or_else(std::sync::PoisonError::into_inner);
        if current.as_ref().is_none_or(|(v, _)| *v <= version) {
            *current = Some((version, grants));
        }
    }
}

/// Builds the definitions from the rows of [`GRANTS_QUERY`] (`role`,
/// `permission` pairs, the NULL row skipped).
pub(crate) fn grants_from(pairs: Vec<(Option<String>, Option<String>)>) -> Grants {
    let mut map: HashMap<String, Vec<Permission>> = HashMap::new();
    for (role, permission) in pairs {
        if let (Some(role), Some(permission)) = (role, permission) {
            map.entry(role).or_default().push(Permission::from_trusted(permission));
        }
    }
    Arc::new(map)
}

/// What `roles` grant together: sorted, without duplicates.
pub(crate) fn permissions_of(grants: &Grants, roles: &[Role]) -> Vec<Permission> {
    let mut out: Vec<Permission> = roles.iter().filter_map(|r| grants.get(r.as_str())).flatten().cloned().collect();
    out.sort();
    out.dedup();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn newer_definitions_win_and_permissions_are_a_sorted_union() {
        let cache = GrantsCache::default();
        assert!(cache.get(1).is_none());
        let pairs = |list: &[(&str, &str)]| {
            list.iter().map(|(r, p)| (Some((*r).to_owned()), Some((*p).to_owned()))).collect::<Vec<_>>()
        };
        cache.put(2, grants_from(pairs(&[("a", "x:2"), ("a", "x:1"), ("b", "x:1")])));
        assert!(cache.get(1).is_some() && cache.get(2).is_some() && cache.get(3).is_none());
        cache.put(1, grants_from(vec![(None, None)]));
        let g = cache.get(2).unwrap();
        let roles = [Role::from_trusted("b".into()), Role::from_trusted("a".into()), Role::from_trusted("c".into())];
        let names: Vec<String> = permissions_of(&g, &roles).iter().map(|p| p.as_str().to_owned()).collect();
        assert_eq!(names, ["x:1", "x:2"]);
    }
}
