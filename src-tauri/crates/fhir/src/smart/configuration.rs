//! A portal's SMART configuration (what `.well-known/smart-configuration`
//! says), checked before use: every endpoint must be an address we may talk to,
//! and a server that lists PKCE methods must list S256.

use serde::Deserialize;
use url::Url;

use super::discovery::DiscoveryError;
use super::pkce::CODE_CHALLENGE_METHOD;
use crate::http::{check_url_allowed, origin_of};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SmartConfiguration {
    /// The authorization server's issuer, compared with a callback's `iss`.
    /// Absent when the configuration came from the older `/metadata` extension.
    pub issuer: Option<String>,
    pub authorization_endpoint: Url,
    pub token_endpoint: Url,
    pub revocation_endpoint: Option<Url>,
    /// `None` when the server does not say; an empty list when it says "none".
    pub scopes_supported: Option<Vec<String>>,
    pub capabilities: Vec<String>,
    pub code_challenge_methods_supported: Option<Vec<String>>,
    pub grant_types_supported: Option<Vec<String>>,
    pub token_endpoint_auth_methods_supported: Option<Vec<String>>,
    /// RFC 9207: the server puts `iss` in every authorization response, so a
    /// callback without it must be refused.
    pub authorization_response_iss_parameter_supported: bool,
}

impl SmartConfiguration {
    pub fn has_capability(&self, capability: &str) -> bool {
        self.capabilities.iter().any(|c| c == capability)
    }

    pub fn supports_scope(&self, scope: &str) -> bool {
        self.scopes_supported
            .as_ref()
            .is_some_and(|scopes| scopes.iter().any(|s| s == scope))
    }

    /// Parses and checks a `.well-known/smart-configuration` document;
    /// `origin` names the server in errors.
    pub fn from_json(body: &[u8], origin: &str) -> Result<SmartConfiguration, DiscoveryError> {
        let raw: RawConfiguration =
            serde_json::from_slice(body).map_err(|e| DiscoveryError::Malformed {
                origin: origin.to_owned(),
                detail: crate::http::describe_json_error(&e),
            })?;
        let config = SmartConfiguration {
            issuer: raw.issuer,
            authorization_endpoint: endpoint(
                raw.authorization_endpoint,
                "authorization_endpoint",
                origin,
            )?,
            token_endpoint: endpoint(raw.token_endpoint, "token_endpoint", origin)?,
            revocation_endpoint: raw
                .revocation_endpoint
                .map(|u| endpoint(Some(u), "revocation_endpoint", origin))
                .transpose()?,
            scopes_supported: raw.scopes_supported,
            capabilities: raw.capabilities.unwrap_or_default(),
            code_challenge_methods_supported: raw.code_challenge_methods_supported,
            grant_types_supported: raw.grant_types_supported,
            token_endpoint_auth_methods_supported: raw.token_endpoint_auth_methods_supported,
            authorization_response_iss_parameter_supported: raw
                .authorization_response_iss_parameter_supported
                .unwrap_or(false),
        };
        config.check(origin)?;
        Ok(config)
    }

    /// The checks every configuration passes, whatever its source.
    pub(crate) fn check(&self, origin: &str) -> Result<(), DiscoveryError> {
        let insecure = |field: &'static str, url: &Url| DiscoveryError::InsecureEndpoint {
            origin: origin.to_owned(),
            field,
            endpoint: origin_of(url),
        };
        check_url_allowed(&self.authorization_endpoint)
            .map_err(|_| insecure("authorization_endpoint", &self.authorization_endpoint))?;
        check_url_allowed(&self.token_endpoint)
            .map_err(|_| insecure("token_endpoint", &self.token_endpoint))?;
        if let Some(revocation) = &self.revocation_endpoint {
            check_url_allowed(revocation)
                .map_err(|_| insecure("revocation_endpoint", revocation))?;
        }
        // Servers that predate the field may omit it; one that lists methods
        // without S256 would make us fall back to `plain` or no PKCE at all.
        if let Some(methods) = &self.code_challenge_methods_supported {
            if !methods.iter().any(|m| m == CODE_CHALLENGE_METHOD) {
                return Err(DiscoveryError::NoS256 {
                    origin: origin.to_owned(),
                });
            }
        }
        Ok(())
    }
}

fn endpoint(
    value: Option<String>,
    field: &'static str,
    origin: &str,
) -> Result<Url, DiscoveryError> {
    let value = value.ok_or_else(|| DiscoveryError::Malformed {
        origin: origin.to_owned(),
        detail: format!("the {field} is missing"),
    })?;
    Url::parse(value.trim()).map_err(|_| DiscoveryError::Malformed {
        origin: origin.to_owned(),
        detail: format!("the {field} is not a web address"),
    })
}

#[derive(Deserialize)]
struct RawConfiguration {
    issuer: Option<String>,
    authorization_endpoint: Option<String>,
    token_endpoint: Option<String>,
    revocation_endpoint: Option<String>,
    scopes_supported: Option<Vec<String>>,
    capabilities: Option<Vec<String>>,
    code_challenge_methods_supported: Option<Vec<String>>,
    grant_types_supported: Option<Vec<String>>,
    token_endpoint_auth_methods_supported: Option<Vec<String>>,
    authorization_response_iss_parameter_supported: Option<bool>,
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    const ORIGIN: &str = "https://fhir.example.org";

    fn parse(json: &str) -> Result<SmartConfiguration, DiscoveryError> {
        SmartConfiguration::from_json(json.as_bytes(), ORIGIN)
    }

    #[test]
    fn reads_a_full_configuration() {
        let c = parse(
            r#"{"issuer":"https://auth.example.org","authorization_endpoint":"https://auth.example.org/authorize",
                "token_endpoint":"https://auth.example.org/token","revocation_endpoint":"https://auth.example.org/revoke",
                "scopes_supported":["openid","patient/*.rs"],"capabilities":["launch-standalone","permission-v2"],
                "code_challenge_methods_supported":["S256"],"grant_types_supported":["authorization_code"],
                "token_endpoint_auth_methods_supported":["client_secret_basic"],
                "authorization_response_iss_parameter_supported":true,"extra":{"ignored":1}}"#,
        )
        .unwrap();
        assert_eq!(c.issuer.as_deref(), Some("https://auth.example.org"));
        assert_eq!(c.token_endpoint.as_str(), "https://auth.example.org/token");
        assert!(c.has_capability("permission-v2"));
        assert!(c.supports_scope("openid"));
        assert!(c.authorization_response_iss_parameter_supported);
        assert_eq!(c.revocation_endpoint.unwrap().path(), "/revoke");
    }

    #[test]
    fn missing_endpoints_and_bad_json_are_errors() {
        let e = parse(r#"{"token_endpoint":"https://a.example/t"}"#).unwrap_err();
        assert!(e.to_string().contains("authorization_endpoint"), "{e}");
        assert!(matches!(
            parse("<html>"),
            Err(DiscoveryError::Malformed { .. })
        ));
        assert!(matches!(
            parse(
                r#"{"authorization_endpoint":"not a url","token_endpoint":"https://a.example/t"}"#
            ),
            Err(DiscoveryError::Malformed { .. })
        ));
    }

    #[test]
    fn plain_http_endpoints_are_refused_unless_loopback() {
        let e = parse(r#"{"authorization_endpoint":"https://a.example/auth","token_endpoint":"http://a.example/token"}"#)
            .unwrap_err();
        assert!(
            matches!(
                e,
                DiscoveryError::InsecureEndpoint {
                    field: "token_endpoint",
                    ..
                }
            ),
            "{e:?}"
        );
        let e = parse(r#"{"authorization_endpoint":"https://a.example/auth","token_endpoint":"https://a.example/token","revocation_endpoint":"http://a.example/revoke"}"#)
            .unwrap_err();
        assert!(matches!(
            e,
            DiscoveryError::InsecureEndpoint {
                field: "revocation_endpoint",
                ..
            }
        ));
        assert!(parse(r#"{"authorization_endpoint":"http://127.0.0.1:9/auth","token_endpoint":"http://localhost:9/token"}"#).is_ok());
    }

    #[test]
    fn a_server_without_s256_is_refused() {
        let e = parse(r#"{"authorization_endpoint":"https://a.example/auth","token_endpoint":"https://a.example/token","code_challenge_methods_supported":["plain"]}"#)
            .unwrap_err();
        assert!(matches!(e, DiscoveryError::NoS256 { .. }));
        // Silence is not a refusal: older servers omit the field.
        assert!(parse(r#"{"authorization_endpoint":"https://a.example/auth","token_endpoint":"https://a.example/token"}"#).is_ok());
    }
}
