//! Test support: what the flows need from outside the domain, without a
//! database. Built for this crate's own tests and, with the `test-support`
//! feature, for other crates' (`[dev-dependencies]`).
//!
//! [`MemoryStore`] implements every store trait in memory, with the
//! semantics of the SQL backends (`gatehouse-store`): the same rules,
//! orders, cascades and units of work. The store contract tests of
//! `gatehouse-store` run against it as a third backend.

mod memory;

pub use memory::MemoryStore;
