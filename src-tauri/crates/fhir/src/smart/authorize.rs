//! The authorization request a patient's browser is sent to: SMART standalone
//! launch with PKCE S256, a fresh single-use `state`, and `aud` naming the FHIR
//! server the token is for (so a token cannot be replayed at another server).
//!
//! What the caller must keep for the callback (state, verifier, redirect URI) is
//! returned alongside the URL; `state` and the verifier are secrets.

use std::fmt;

use url::Url;

use super::configuration::SmartConfiguration;
use super::pkce::{Pkce, CODE_CHALLENGE_METHOD};
use super::random::{random_token, RandomError};
use crate::http::{check_url_allowed, HttpError};
use crate::secret::Secret;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AuthorizeError {
    #[error(transparent)]
    Random(#[from] RandomError),
    #[error(transparent)]
    Http(#[from] HttpError),
}

#[derive(Clone)]
pub struct AuthorizeRequest {
    /// Open this in the system browser. It contains `state`, so it is not
    /// logged (see the `Debug` impl).
    pub url: Url,
    /// 32 random bytes, base64url: must match the callback's `state` exactly once.
    pub state: Secret,
    /// The PKCE verifier for the token exchange.
    pub verifier: Secret,
    pub redirect_uri: Url,
    pub scopes: Vec<String>,
}

impl AuthorizeRequest {
    pub fn build(
        config: &SmartConfiguration,
        client_id: &str,
        redirect_uri: &Url,
        aud: &Url,
        scopes: &[String],
    ) -> Result<AuthorizeRequest, AuthorizeError> {
        check_url_allowed(&config.authorization_endpoint)?;
        let pkce = Pkce::generate()?;
        let state = random_token()?;
        let mut url = config.authorization_endpoint.clone();
        url.set_fragment(None);
        url.query_pairs_mut()
            .append_pair("response_type", "code")
            .append_pair("client_id", client_id)
            .append_pair("redirect_uri", redirect_uri.as_str())
            .append_pair("scope", &scopes.join(" "))
            .append_pair("state", state.expose())
            .append_pair("aud", aud.as_str())
            .append_pair("code_challenge", &pkce.challenge)
            .append_pair("code_challenge_method", CODE_CHALLENGE_METHOD);
        Ok(AuthorizeRequest {
            url,
            state,
            verifier: pkce.verifier,
            redirect_uri: redirect_uri.clone(),
            scopes: scopes.to_vec(),
        })
    }
}

impl fmt::Debug for AuthorizeRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AuthorizeRequest")
            .field("url", &crate::http::origin_of(&self.url))
            .field("state", &self.state)
            .field("verifier", &self.verifier)
            .field("redirect_uri", &self.redirect_uri.as_str())
            .field("scopes", &self.scopes)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use std::collections::{HashMap, HashSet};

    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use base64::Engine;

    use super::*;

    fn config(authorize: &str) -> SmartConfiguration {
        SmartConfiguration {
            issuer: Some("https://auth.example.org".into()),
            authorization_endpoint: Url::parse(authorize).unwrap(),
            token_endpoint: Url::parse("https://auth.example.org/token").unwrap(),
            revocation_endpoint: None,
            scopes_supported: None,
            capabilities: Vec::new(),
            code_challenge_methods_supported: Some(vec!["S256".into()]),
            grant_types_supported: None,
            token_endpoint_auth_methods_supported: None,
            authorization_response_iss_parameter_supported: false,
        }
    }

    fn build() -> AuthorizeRequest {
        AuthorizeRequest::build(
            &config("https://auth.example.org/authorize?tenant=a1"),
            "ownchart-app",
            &Url::parse("ownchart://callback").unwrap(),
            &Url::parse("https://fhir.example.org/r4").unwrap(),
            &[
                "patient/*.rs".into(),
                "launch/patient".into(),
                "offline_access".into(),
            ],
        )
        .unwrap()
    }

    #[test]
    fn url_carries_every_parameter_once() {
        let req = build();
        let pairs: Vec<(String, String)> = req.url.query_pairs().into_owned().collect();
        let map: HashMap<_, _> = pairs.iter().cloned().collect();
        assert_eq!(pairs.len(), map.len(), "no duplicate parameters");
        assert_eq!(req.url.path(), "/authorize");
        assert_eq!(map["tenant"], "a1", "the endpoint's own query is kept");
        assert_eq!(map["response_type"], "code");
        assert_eq!(map["client_id"], "ownchart-app");
        assert_eq!(map["redirect_uri"], "ownchart://callback");
        assert_eq!(map["scope"], "patient/*.rs launch/patient offline_access");
        assert_eq!(map["aud"], "https://fhir.example.org/r4");
        assert_eq!(map["code_challenge_method"], "S256");
        assert_eq!(map["state"], req.state.expose());
        assert_eq!(
            map["code_challenge"],
            Pkce::from_verifier(req.verifier.clone()).challenge
        );
        assert_eq!(req.redirect_uri.as_str(), "ownchart://callback");
        assert_eq!(req.scopes.len(), 3);
    }

    #[test]
    fn state_has_256_bits_and_never_repeats() {
        let mut seen = HashSet::new();
        for _ in 0..500 {
            let req = build();
            let bytes = URL_SAFE_NO_PAD.decode(req.state.expose()).unwrap();
            assert_eq!(bytes.len(), 32);
            assert!(seen.insert(req.state.expose().to_owned()), "state repeated");
            assert_ne!(req.state, req.verifier);
        }
        // A crude entropy check: across 500 states every byte value shows up.
        let mut values = HashSet::new();
        for state in &seen {
            values.extend(URL_SAFE_NO_PAD.decode(state).unwrap());
        }
        assert_eq!(values.len(), 256);
    }

    #[test]
    fn debug_shows_no_state_or_verifier() {
        let req = build();
        let text = format!("{req:?}");
        assert!(!text.contains(req.state.expose()), "{text}");
        assert!(!text.contains(req.verifier.expose()), "{text}");
    }

    #[test]
    fn an_insecure_authorize_endpoint_is_refused() {
        let result = AuthorizeRequest::build(
            &config("http://auth.example.org/authorize"),
            "app",
            &Url::parse("ownchart://callback").unwrap(),
            &Url::parse("https://fhir.example.org/r4").unwrap(),
            &[],
        );
        assert!(matches!(
            result,
            Err(AuthorizeError::Http(HttpError::InsecureUrl { .. }))
        ));
    }
}
