//! Discovery: `.well-known/smart-configuration`, the `/metadata` fallback, and
//! the refusals (insecure endpoints, no S256, not SMART at all).

use ownchart_fhir::smart::{discover, DiscoveryError, FhirRelease};
use ownchart_fhir::HttpError;
use serde_json::{json, Value};
use url::Url;

use crate::server::{client, Reply, TestServer};

fn smart_config(server: &TestServer) -> Value {
    json!({
        "issuer": server.url("/auth").as_str(),
        "authorization_endpoint": server.url("/auth/authorize").as_str(),
        "token_endpoint": server.url("/auth/token").as_str(),
        "revocation_endpoint": server.url("/auth/revoke").as_str(),
        "capabilities": ["launch-standalone", "permission-v2", "sso-openid-connect"],
        "scopes_supported": ["patient/*.rs", "offline_access", "openid", "fhirUser"],
        "code_challenge_methods_supported": ["S256"],
        "grant_types_supported": ["authorization_code", "refresh_token"],
        "token_endpoint_auth_methods_supported": ["client_secret_basic"],
        "authorization_response_iss_parameter_supported": true
    })
}

fn capability(oauth_uris: Option<Value>) -> Value {
    let mut security = json!({"service": [{"text": "SMART-on-FHIR"}]});
    if let Some(uris) = oauth_uris {
        security["extension"] = json!([{
            "url": "http://fhir-registry.smarthealthit.org/StructureDefinition/oauth-uris",
            "extension": uris
        }]);
    }
    json!({
        "resourceType": "CapabilityStatement",
        "fhirVersion": "4.0.1",
        "software": {"name": "Test Portal", "version": "1"},
        "rest": [{"mode": "server", "security": security}]
    })
}

#[tokio::test]
async fn well_known_configuration_and_metadata() {
    let server = TestServer::start().await;
    server.on(
        "/r4/.well-known/smart-configuration",
        Reply::json(200, smart_config(&server)),
    );
    server.on("/r4/metadata", Reply::json(200, capability(None)));
    let base = server.url("/r4");
    let info = discover(&client(), &base).await.unwrap();
    assert_eq!(info.fhir_base, base);
    assert_eq!(info.smart.token_endpoint, server.url("/auth/token"));
    assert_eq!(
        info.smart.authorization_endpoint,
        server.url("/auth/authorize")
    );
    assert_eq!(
        info.smart.revocation_endpoint,
        Some(server.url("/auth/revoke"))
    );
    assert_eq!(
        info.smart.issuer.as_deref(),
        Some(server.url("/auth").as_str())
    );
    assert!(info.smart.authorization_response_iss_parameter_supported);
    assert!(info.smart.has_capability("permission-v2"));
    assert_eq!(info.fhir_version, Some(FhirRelease::R4));
    assert_eq!(info.software.as_deref(), Some("Test Portal"));
    let paths: Vec<String> = server.requests().into_iter().map(|r| r.path).collect();
    assert!(
        paths.contains(&"/r4/.well-known/smart-configuration".to_owned()),
        "{paths:?}"
    );
    assert!(server
        .requests()
        .iter()
        .all(|r| r.header("authorization").is_none()));
}

#[tokio::test]
async fn metadata_failure_does_not_block_a_well_known_configuration() {
    let server = TestServer::start().await;
    server.on(
        "/r4/.well-known/smart-configuration",
        Reply::json(200, smart_config(&server)),
    );
    server.on(
        "/r4/metadata",
        Reply::bytes(500, "text/html", "<h1>oops</h1>"),
    );
    let info = discover(&client(), &server.url("/r4/")).await.unwrap();
    assert_eq!(info.fhir_version, None);
    assert_eq!(info.software, None);
}

#[tokio::test]
async fn falls_back_to_the_oauth_uris_extension() {
    let server = TestServer::start().await;
    let uris = json!([
        {"url": "authorize", "valueUri": server.url("/oauth/authorize").as_str()},
        {"url": "token", "valueUri": server.url("/oauth/token").as_str()},
        {"url": "revoke", "valueUri": server.url("/oauth/revoke").as_str()}
    ]);
    let mut dstu2 = capability(Some(uris));
    dstu2["resourceType"] = json!("Conformance");
    dstu2["fhirVersion"] = json!("1.0.2");
    server.on("/dstu2/metadata", Reply::json(200, dstu2));
    let info = discover(&client(), &server.url("/dstu2")).await.unwrap();
    assert_eq!(
        info.smart.authorization_endpoint,
        server.url("/oauth/authorize")
    );
    assert_eq!(info.smart.token_endpoint, server.url("/oauth/token"));
    assert_eq!(
        info.smart.revocation_endpoint,
        Some(server.url("/oauth/revoke"))
    );
    assert_eq!(info.smart.issuer, None);
    assert_eq!(info.smart.scopes_supported, None);
    assert_eq!(info.fhir_version, Some(FhirRelease::Dstu2));
}

#[tokio::test]
async fn a_server_without_smart_is_named_as_such() {
    let server = TestServer::start().await;
    server.on("/r4/metadata", Reply::json(200, capability(None)));
    let e = discover(&client(), &server.url("/r4")).await.unwrap_err();
    assert!(matches!(e, DiscoveryError::NotSmart { .. }), "{e:?}");

    // Nothing at all at that address.
    let e = discover(&client(), &server.url("/nothing"))
        .await
        .unwrap_err();
    assert!(matches!(e, DiscoveryError::NotSmart { .. }), "{e:?}");
}

#[tokio::test]
async fn a_broken_well_known_is_reported_not_skipped() {
    let server = TestServer::start().await;
    server.on(
        "/r4/.well-known/smart-configuration",
        Reply::status(503).header("retry-after", "30"),
    );
    server.on("/r4/metadata", Reply::json(200, capability(None)));
    let e = discover(&client(), &server.url("/r4")).await.unwrap_err();
    match &e {
        DiscoveryError::Http(http) => assert!(http.is_retryable()),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn http_endpoints_on_other_hosts_are_refused() {
    let server = TestServer::start().await;
    let mut config = smart_config(&server);
    config["token_endpoint"] = json!("http://auth.example.org/token");
    server.on(
        "/r4/.well-known/smart-configuration",
        Reply::json(200, config),
    );
    let e = discover(&client(), &server.url("/r4")).await.unwrap_err();
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

    // The same through the metadata fallback.
    let server = TestServer::start().await;
    let uris = json!([
        {"url": "authorize", "valueUri": "http://auth.example.org/authorize"},
        {"url": "token", "valueUri": server.url("/oauth/token").as_str()}
    ]);
    server.on("/r4/metadata", Reply::json(200, capability(Some(uris))));
    let e = discover(&client(), &server.url("/r4")).await.unwrap_err();
    assert!(
        matches!(
            e,
            DiscoveryError::InsecureEndpoint {
                field: "authorization_endpoint",
                ..
            }
        ),
        "{e:?}"
    );
}

#[tokio::test]
async fn a_server_without_s256_is_refused() {
    let server = TestServer::start().await;
    let mut config = smart_config(&server);
    config["code_challenge_methods_supported"] = json!(["plain"]);
    server.on(
        "/r4/.well-known/smart-configuration",
        Reply::json(200, config),
    );
    let e = discover(&client(), &server.url("/r4")).await.unwrap_err();
    assert!(matches!(e, DiscoveryError::NoS256 { .. }), "{e:?}");
}

#[tokio::test]
async fn a_plain_http_base_elsewhere_is_refused_without_a_request() {
    let base = Url::parse("http://fhir.example.org/r4").unwrap();
    let e = discover(&client(), &base).await.unwrap_err();
    assert!(
        matches!(e, DiscoveryError::Http(HttpError::InsecureUrl { .. })),
        "{e:?}"
    );
}
