//! SMART App Launch, patient standalone launch, client side: discovery, scopes,
//! PKCE, the authorize URL, the callback, and tokens.

pub mod authorize;
pub mod callback;
pub mod configuration;
pub mod discovery;
mod oauth;
pub mod pkce;
mod random;
pub mod scopes;
pub mod token;

pub use authorize::{AuthorizeError, AuthorizeRequest};
pub use callback::{check_issuer, Callback, CallbackError, CallbackOutcome};
pub use configuration::SmartConfiguration;
pub use discovery::{discover, DiscoveryError, FhirRelease, ServerInfo};
pub use pkce::Pkce;
pub use random::RandomError;
pub use scopes::patient_scopes;
pub use token::{
    client_credentials, exchange_code, refresh, revoke, secret_client_auth, TokenError, TokenHint,
    TokenSet,
};
