//! Middleware: security headers, request metrics and the request timeout.

mod metrics;
mod request_timeout;
mod security_headers;

pub use metrics::{install_recorder, track_metrics};
pub use request_timeout::request_timeout;
pub use security_headers::security_headers;
