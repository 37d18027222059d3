//! The portal's errors, worded for the person running the app or the tests.

/// Why the portal could not start or do what was asked.
#[derive(Debug, thiserror::Error)]
pub enum PortalError {
    #[error("The demo portal could not listen on 127.0.0.1 port {port}: {source}")]
    Bind { port: u16, source: std::io::Error },
    #[error("The demo portal's settings are not valid: {0}")]
    Config(String),
    #[error("The demo portal could not start: {0}")]
    Start(String),
    #[error("The computer's source of random numbers failed.")]
    Random,
    #[error("The demo portal has no user named \"{0}\".")]
    UnknownUser(String),
}

pub type Result<T> = std::result::Result<T, PortalError>;
