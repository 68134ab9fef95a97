//! Who is acting: the [`Actor`] behind a verified access token, read fresh
//! from the database so a role taken away, or an account disabled, counts
//! at once for Gatehouse's own API (tokens keep their claims until they expire).

use super::Admin;
use crate::error::{Error, Result};
use crate::flows::parts::{load_user, Authenticated};
use crate::rbac::Actor;

impl Admin {
    /// The signed-in user behind `auth` as they are now; a disabled account
    /// is `account_disabled`.
    pub async fn actor(&self, auth: &Authenticated) -> Result<Actor> {
        let user = load_user(self.users.as_ref(), auth.user_id()).await.map_err(|_| Error::InvalidToken)?;
        if !user.is_active {
            return Err(Error::AccountDisabled);
        }
        Ok(Actor::signed_in(&user))
    }
}
