//! Who is acting: the [`Actor`] behind a verified access token, read fresh
//! from the database so a role taken away, or an account disabled, counts
//! at once for Gatehouse's own API (tokens keep their claims until they expire).

use super::{Accounts, Authenticated};
use crate::error::{Error, Result};
use crate::rbac::Actor;

impl Accounts {
    /// The signed-in user behind `auth` as they are now; a disabled account
    /// is `account_disabled`.
    pub async fn actor(&self, auth: &Authenticated) -> Result<Actor> {
        let user = self.load_user(auth.user_id()).await.map_err(|_| Error::InvalidToken)?;
        if !user.is_active {
            return Err(Error::AccountDisabled);
        }
        Ok(Actor::signed_in(&user))
    }
}
