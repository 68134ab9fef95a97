//! Languages: every word a person reads — the pages and the mails — comes
//! from a Fluent message catalog (`locales/<language>/<area>.ftl`, embedded),
//! never from code. English, German and Spanish are complete; an operator
//! adds a language or changes any message by placing `.ftl` files in
//! `theme_dir/locales/<language>/`.
//!
//! - [`Locale`]: a language the catalogs have, parsed at the edge;
//! - [`Catalogs`]: the messages by language, the choice among them
//!   (`Accept-Language`, a person's pick) and the fallback to the default
//!   language for a message a catalog lacks;
//! - [`templates::install`]: the `t("id", name=value)` function of the
//!   page and mail templates.
//!
//! The API's problem documents stay English: they are for programs, and a
//! program keys on their stable `code`.

mod catalogs;
mod locale;
pub mod templates;

pub use catalogs::{Catalogs, Language};
pub use fluent_bundle::{FluentArgs, FluentValue};
pub use locale::Locale;
