//! Opening units of work. A service that writes more than one row per
//! command holds [`Units`]: it can begin a unit, and nothing else of the
//! store it wraps.

use std::sync::Arc;

use crate::error::Result;
use crate::store::{Store, StoreTx};

/// Begins units of work on the store (see [`StoreTx`]).
#[derive(Clone)]
pub struct Units {
    store: Arc<dyn Store>,
}

impl Units {
    pub fn new(store: Arc<dyn Store>) -> Self {
        Self { store }
    }

    /// Opens a unit of work: the writes of one command commit together or
    /// not at all. Do slow work — hashing a password, calling out — before
    /// it: on SQLite an open unit holds the write lock.
    pub async fn begin(&self) -> Result<Box<dyn StoreTx>> {
        Ok(self.store.begin().await?)
    }
}
