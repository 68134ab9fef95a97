//! Middleware: security headers and request metrics.

mod metrics;
mod security_headers;

pub use metrics::{install_recorder, track_metrics};
pub use security_headers::security_headers;
