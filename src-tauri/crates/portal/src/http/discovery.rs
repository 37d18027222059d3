//! What an app reads before connecting: `.well-known/smart-configuration` (SMART App
//! Launch v2; no OpenID Connect, so no id_token is advertised) and `metadata` (an R4
//! CapabilityStatement, or a DSTU2 Conformance, with the SMART oauth-uris extension).

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use serde_json::{json, Value};

use super::respond::{fhir, json};
use crate::data::{date_elements, has_category};
use crate::flavor::Flavor;
use crate::state::Ctx;

/// `GET {base}/.well-known/smart-configuration`
pub(crate) async fn smart_configuration(State(ctx): State<Ctx>) -> Response {
    ctx.shared.count(|s| s.discovery_requests += 1);
    let base = ctx.shared.base(ctx.flavor);
    let mut scopes: Vec<String> = vec!["launch/patient".into(), "offline_access".into()];
    if ctx.flavor == Flavor::R4 {
        scopes.push("patient/*.rs".into());
        scopes.extend(ctx.flavor.offered().map(|t| format!("patient/{t}.rs")));
        scopes.push("patient/*.read".into());
    } else {
        scopes.push("patient/*.read".into());
        scopes.extend(ctx.flavor.offered().map(|t| format!("patient/{t}.read")));
    }
    let mut capabilities = vec![
        "launch-standalone",
        "client-public",
        "client-confidential-symmetric",
        "context-standalone-patient",
        "permission-offline",
        "permission-patient",
    ];
    if ctx.flavor == Flavor::R4 {
        capabilities.push("permission-v2");
    }
    capabilities.push("permission-v1");
    json(&json!({
        "issuer": base,
        "authorization_endpoint": format!("{base}/authorize"),
        "token_endpoint": format!("{base}/token"),
        "revocation_endpoint": format!("{base}/revoke"),
        "management_endpoint": format!("{}/account", ctx.shared.origin),
        "grant_types_supported": ["authorization_code", "refresh_token", "client_credentials"],
        "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post", "none"],
        "scopes_supported": scopes,
        "response_types_supported": ["code"],
        "code_challenge_methods_supported": ["S256"],
        "authorization_response_iss_parameter_supported": true,
        "capabilities": capabilities,
    }))
}

/// `GET {base}/metadata`
pub(crate) async fn metadata(State(ctx): State<Ctx>) -> Response {
    ctx.shared.count(|s| s.metadata_requests += 1);
    let base = ctx.shared.base(ctx.flavor);
    let mut resources: Vec<Value> = crate::flavor::R4_TYPES
        .iter()
        .filter_map(|r4| ctx.flavor.name_of(r4).map(|name| resource(name, r4)))
        .collect();
    resources.extend(
        crate::flavor::READ_ONLY_TYPES
            .iter()
            .map(|name| json!({ "type": name, "interaction": [{ "code": "read" }] })),
    );
    let resource_type = match ctx.flavor {
        Flavor::R4 => "CapabilityStatement",
        Flavor::Dstu2 => "Conformance",
    };
    let body = json!({
        "resourceType": resource_type,
        "status": "active",
        "date": "2025-09-01",
        "publisher": "Ownchart",
        "kind": "instance",
        "software": { "name": "Ownchart Demo Portal", "version": env!("CARGO_PKG_VERSION") },
        "implementation": { "description": "Ownchart Demo Portal (synthetic records)", "url": base },
        "fhirVersion": ctx.flavor.fhir_version(),
        "acceptUnknown": if ctx.flavor == Flavor::Dstu2 { Some("no") } else { None },
        "format": ["json"],
        "rest": [{
            "mode": "server",
            "security": {
                "extension": [{
                    "url": "http://fhir-registry.smarthealthit.org/StructureDefinition/oauth-uris",
                    "extension": [
                        { "url": "authorize", "valueUri": format!("{base}/authorize") },
                        { "url": "token", "valueUri": format!("{base}/token") },
                        { "url": "revoke", "valueUri": format!("{base}/revoke") },
                        { "url": "manage", "valueUri": format!("{}/account", ctx.shared.origin) }
                    ]
                }],
                "service": [{
                    "coding": [{
                        "system": "http://terminology.hl7.org/CodeSystem/restful-security-service",
                        "code": "SMART-on-FHIR"
                    }]
                }]
            },
            "resource": resources
        }]
    });
    let mut body = body;
    if let Some(o) = body.as_object_mut() {
        o.retain(|_, v| !v.is_null());
    }
    fhir(ctx.flavor, StatusCode::OK, body.to_string())
}

fn resource(name: &str, r4_type: &str) -> Value {
    let mut params = vec![
        json!({ "name": "_id", "type": "token" }),
        json!({ "name": "_lastUpdated", "type": "date" }),
    ];
    if r4_type != "Patient" {
        params.push(json!({ "name": "patient", "type": "reference" }));
        params.push(json!({ "name": "subject", "type": "reference" }));
    }
    if r4_type == "Coverage" {
        params.push(json!({ "name": "beneficiary", "type": "reference" }));
    }
    if has_category(r4_type) {
        params.push(json!({ "name": "category", "type": "token" }));
    }
    if !date_elements(r4_type).is_empty() {
        params.push(json!({ "name": "date", "type": "date" }));
    }
    json!({
        "type": name,
        "interaction": [{ "code": "read" }, { "code": "search-type" }],
        "searchParam": params
    })
}
