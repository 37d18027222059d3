//! The capped HTTP client and its rules: https only (loopback excepted), no
//! redirects, timeouts, body caps, and bearer tokens only to their own origin;
//! optionally a client certificate (mutual TLS).

mod client;
mod client_auth;
mod error;
mod limits;
mod policy;
mod response;
mod tls;

pub use client::HttpClient;
pub(crate) use client::FORM_RESPONSE_MAX;
pub use client_auth::ClientAuth;
pub use error::HttpError;
pub use limits::{HttpLimits, DEFAULT_MAX_BODY_BYTES};
pub use policy::{check_url_allowed, is_loopback, origin_of};
pub use response::describe_json_error;
pub use response::HttpResponse;
pub use tls::{ClientIdentity, TlsOptions};
