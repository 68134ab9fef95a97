//! The notices the services mail: rendered from the templates in
//! [`crate::notices`] and handed to the mailer (which sends them after the
//! request, retrying on its own).

use std::sync::Arc;

use crate::error::Result;
use crate::mail::{Mail, Mailer};
use crate::notices::Notices;

/// Renders and sends notices.
pub struct Outbox {
    mailer: Arc<dyn Mailer>,
    pub notices: Notices,
}

impl Outbox {
    pub fn new(mailer: Arc<dyn Mailer>, notices: Notices) -> Self {
        Self { mailer, notices }
    }

    /// Hands a rendered notice to the mailer; a rendering failure is logged.
    pub fn mail(&self, mail: Result<Mail>) {
        match mail {
            Ok(mail) => self.mailer.send(mail),
            Err(e) => tracing::error!(error = %e, "cannot render a notice"),
        }
    }
}
