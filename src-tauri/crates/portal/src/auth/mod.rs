//! OAuth 2.0 / SMART App Launch pieces that do not depend on HTTP: scopes, PKCE, redirect
//! URI matching, and the store of sign-in sessions, codes, grants, tokens and
//! patient-generated API credentials.

pub(crate) mod credentials;
pub(crate) mod pkce;
pub(crate) mod redirect;
pub(crate) mod scopes;
pub(crate) mod store;
