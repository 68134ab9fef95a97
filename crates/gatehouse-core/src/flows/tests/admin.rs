//! Administration: the last active administrator stays.

use super::{client, Harness};
use crate::account::Role;
use crate::error::Error;
use crate::rbac::Actor;

#[tokio::test]
async fn the_last_active_administrator_cannot_be_disabled() {
    let h = Harness::new().await;
    let root = h.user("root", vec![Role::admin()]).await;
    let admin = &h.services.admin;
    let refused = admin.set_active(&Actor::command_line(), root.id, false, &client()).await;
    assert!(matches!(refused, Err(Error::LastAdmin(_))), "{refused:?}");
    assert!(admin.find_user("root").await.unwrap().is_active, "nothing half-done");

    // With a second administrator, either may go.
    h.user("deputy", vec![Role::admin()]).await;
    let disabled = admin.set_active(&Actor::command_line(), root.id, false, &client()).await.unwrap();
    assert!(!disabled.is_active);
}
