//! Preparing the redirector URL exactly as seed 002 says: the directory's
//! `redirectUri` keeps its `portalURL`; `clientURL` is set to Ownchart's return
//! location; and when the portal's `derivedAuthUri` (or the `portalURL` itself)
//! carries `code_challenge_method`, a fresh PKCE verifier is made, hashed with
//! that method, and its `code_challenge` inserted into the `portalURL` before it
//! is encoded back. The browser may only be sent to the configured redirector.

use ownchart_fhir::secret::Secret;
use ownchart_fhir::smart::Pkce;
use url::Url;

use super::error::IntegratorError;

/// The URL to open and the verifier to keep for the token request.
pub(crate) struct Prepared {
    pub url: Url,
    pub verifier: Option<Secret>,
}

impl std::fmt::Debug for Prepared {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Prepared")
            .field("origin", &self.url.origin().ascii_serialization())
            .field("pkce", &self.verifier.is_some())
            .finish()
    }
}

fn bad(what: &str) -> IntegratorError {
    IntegratorError::Malformed(format!("the directory's sign-in address {what}"))
}

fn method_in(url: &Url) -> Option<String> {
    url.query_pairs()
        .find(|(k, _)| k == "code_challenge_method")
        .map(|(_, v)| v.into_owned())
}

/// `redirect_uri` with `portalURL` given PKCE (when asked for) and `clientURL`
/// set to `client_url`. `redirector` is the configured redirector base: the
/// result must be on its origin.
pub(crate) fn prepare(
    redirect_uri: &str,
    derived_auth_uri: &str,
    client_url: &Url,
    redirector: &Url,
) -> Result<Prepared, IntegratorError> {
    let mut outbound = Url::parse(redirect_uri).map_err(|_| bad("is not an address"))?;
    ownchart_fhir::http::check_url_allowed(&outbound)?;
    if outbound.origin() != redirector.origin() {
        return Err(IntegratorError::BadAccount(format!(
            "the directory sends the sign-in to {}, which is not the redirector set in Settings ({})",
            outbound.origin().ascii_serialization(),
            redirector.origin().ascii_serialization()
        )));
    }
    let pairs: Vec<(String, String)> = outbound.query_pairs().into_owned().collect();
    let portal = pairs
        .iter()
        .find(|(k, _)| k == "portalURL")
        .map(|(_, v)| v.clone())
        .ok_or_else(|| bad("has no portalURL"))?;
    let mut portal_url =
        Url::parse(&portal).map_err(|_| bad("has a portalURL that is not an address"))?;
    let method = Url::parse(derived_auth_uri)
        .ok()
        .as_ref()
        .and_then(method_in)
        .or_else(|| method_in(&portal_url));
    let verifier = match method.as_deref() {
        None => None,
        Some(m) => {
            let pkce = Pkce::generate().map_err(|_| {
                IntegratorError::Malformed("no randomness for PKCE on this computer".to_owned())
            })?;
            let challenge = match m {
                "S256" => pkce.challenge.clone(),
                "plain" => pkce.verifier.expose().to_owned(),
                other => {
                    return Err(IntegratorError::Malformed(format!(
                        "the portal asks for the PKCE method {}, which Ownchart does not know",
                        super::error::clean(other)
                    )))
                }
            };
            let kept: Vec<(String, String)> = portal_url
                .query_pairs()
                .filter(|(k, _)| k != "code_challenge" && k != "code_challenge_method")
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect();
            portal_url
                .query_pairs_mut()
                .clear()
                .extend_pairs(kept)
                .append_pair("code_challenge", &challenge)
                .append_pair("code_challenge_method", m);
            Some(pkce.verifier)
        }
    };
    let mut rebuilt: Vec<(String, String)> = pairs
        .into_iter()
        .filter(|(k, _)| k != "clientURL")
        .map(|(k, v)| {
            if k == "portalURL" {
                (k, portal_url.to_string())
            } else {
                (k, v)
            }
        })
        .collect();
    rebuilt.push(("clientURL".to_owned(), client_url.to_string()));
    outbound.query_pairs_mut().clear().extend_pairs(rebuilt);
    Ok(Prepared {
        url: outbound,
        verifier,
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use base64::Engine;
    use sha2::{Digest, Sha256};

    const SEED_REDIRECT: &str = "https://redirector.onerecord.com/outbound/?portalURL=https%3A%2F%2Ffhir.epic.com%2Finterconnect-fhir-oauth%2Foauth2%2Fauthorize%3Fclient_id%3De9896805-87ce-4da3-991c-093e4d1a53c5%26redirect_uri%3Dhttps%253A%252F%252Fdevelop.onerecord.com%252Ffhir%252Fauth%26response_type%3Dcode";
    const SEED_DERIVED: &str = "https://fhir.epic.com/interconnect-fhir-oauth/oauth2/authorize?client_id=<client-id>&redirect_uri=https%3A%2F%2Fredirector.onerecord.com%2Ffhir%2Finbound&response_type=code";

    fn redirector() -> Url {
        Url::parse("https://redirector.onerecord.com").unwrap()
    }

    fn query(url: &Url) -> std::collections::HashMap<String, String> {
        url.query_pairs().into_owned().collect()
    }

    #[test]
    fn the_seed_example_keeps_portal_url_and_gets_client_url() {
        let client = Url::parse("https://client-app.com/authcode").unwrap();
        let p = prepare(SEED_REDIRECT, SEED_DERIVED, &client, &redirector()).unwrap();
        assert!(p.verifier.is_none());
        let q = query(&p.url);
        assert_eq!(q["clientURL"], "https://client-app.com/authcode");
        assert_eq!(
            q["portalURL"],
            "https://fhir.epic.com/interconnect-fhir-oauth/oauth2/authorize?client_id=e9896805-87ce-4da3-991c-093e4d1a53c5&redirect_uri=https%3A%2F%2Fdevelop.onerecord.com%2Ffhir%2Fauth&response_type=code"
        );
        // Both are URL-encoded in the query string, as the seed shows.
        assert!(p.url.as_str().contains(
            "portalURL=https%3A%2F%2Ffhir.epic.com%2Finterconnect-fhir-oauth%2Foauth2%2Fauthorize%3Fclient_id%3De9896805"
        ));
        assert!(p
            .url
            .as_str()
            .ends_with("clientURL=https%3A%2F%2Fclient-app.com%2Fauthcode"));
        assert_eq!(p.url.path(), "/outbound/");
    }

    #[test]
    fn a_pkce_portal_gets_an_s256_challenge_of_the_kept_verifier() {
        let derived = format!("{SEED_DERIVED}&code_challenge_method=S256");
        let client = Url::parse("ownchart://callback/integrator/abc").unwrap();
        let p = prepare(SEED_REDIRECT, &derived, &client, &redirector()).unwrap();
        let verifier = p.verifier.expect("a verifier");
        let portal = Url::parse(&query(&p.url)["portalURL"]).unwrap();
        let pq = query(&portal);
        assert_eq!(pq["code_challenge_method"], "S256");
        let expected = URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.expose().as_bytes()));
        assert_eq!(pq["code_challenge"], expected);
        assert_eq!(pq["client_id"], "e9896805-87ce-4da3-991c-093e4d1a53c5");
        assert_eq!(
            query(&p.url)["clientURL"],
            "ownchart://callback/integrator/abc"
        );
        // A second preparation makes another verifier.
        let again = prepare(SEED_REDIRECT, &derived, &client, &redirector()).unwrap();
        assert_ne!(again.verifier.unwrap().expose(), verifier.expose());
    }

    #[test]
    fn only_the_configured_redirector_and_known_methods() {
        let client = Url::parse("ownchart://callback/integrator/abc").unwrap();
        let elsewhere = Url::parse("https://evil.example").unwrap();
        assert!(matches!(
            prepare(SEED_REDIRECT, SEED_DERIVED, &client, &elsewhere),
            Err(IntegratorError::BadAccount(_))
        ));
        let derived = format!("{SEED_DERIVED}&code_challenge_method=S512");
        assert!(prepare(SEED_REDIRECT, &derived, &client, &redirector()).is_err());
        assert!(prepare(
            "https://redirector.onerecord.com/outbound/",
            SEED_DERIVED,
            &client,
            &redirector()
        )
        .is_err());
        assert!(prepare(
            "http://redirector.onerecord.com/outbound/?portalURL=x",
            SEED_DERIVED,
            &client,
            &Url::parse("http://redirector.onerecord.com").unwrap()
        )
        .is_err());
    }
}
