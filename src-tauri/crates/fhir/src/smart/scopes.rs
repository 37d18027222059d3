//! The scopes a patient app asks for: read access to the patient's own records,
//! the patient context, a refresh token when the server offers one, and an
//! identity token only when the server does OpenID Connect. Asking for scopes a
//! server does not know makes some servers refuse the whole request.

use super::configuration::SmartConfiguration;

/// Read (and search) everything in the patient's compartment, in the scope
/// syntax the server speaks: SMART v2 (`patient/*.rs`) or v1 (`patient/*.read`).
pub fn patient_scopes(config: &SmartConfiguration) -> Vec<String> {
    let mut scopes = Vec::new();
    if speaks_v2(config) {
        scopes.push("patient/*.rs".to_owned());
    } else {
        scopes.push("patient/*.read".to_owned());
    }
    scopes.push("launch/patient".to_owned());
    if config.scopes_supported.is_none() || config.supports_scope("offline_access") {
        scopes.push("offline_access".to_owned());
    }
    if config.has_capability("sso-openid-connect") {
        scopes.push("openid".to_owned());
        scopes.push("fhirUser".to_owned());
    }
    scopes
}

fn speaks_v2(config: &SmartConfiguration) -> bool {
    config.has_capability("permission-v2")
        || config
            .scopes_supported
            .iter()
            .flatten()
            .any(|scope| is_v2_resource_scope(scope))
}

/// `patient/Observation.rs`, `user/*.cruds`, `patient/Condition.rs?category=…`:
/// a context, a resource, then only v2 permission letters in canonical order.
fn is_v2_resource_scope(scope: &str) -> bool {
    let scope = scope.split('?').next().unwrap_or(scope);
    let Some((context, rest)) = scope.split_once('/') else {
        return false;
    };
    if !matches!(context, "patient" | "user" | "system") {
        return false;
    }
    let Some((_, permissions)) = rest.rsplit_once('.') else {
        return false;
    };
    !permissions.is_empty() && is_ordered_subsequence(permissions, "cruds")
}

fn is_ordered_subsequence(letters: &str, of: &str) -> bool {
    let mut remaining = of.chars();
    letters.chars().all(|c| remaining.any(|o| o == c))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;
    use url::Url;

    fn config(scopes: Option<&[&str]>, capabilities: &[&str]) -> SmartConfiguration {
        SmartConfiguration {
            issuer: None,
            authorization_endpoint: Url::parse("https://a.example/authorize").unwrap(),
            token_endpoint: Url::parse("https://a.example/token").unwrap(),
            revocation_endpoint: None,
            scopes_supported: scopes.map(|s| s.iter().map(|x| x.to_string()).collect()),
            capabilities: capabilities.iter().map(|x| x.to_string()).collect(),
            code_challenge_methods_supported: None,
            grant_types_supported: None,
            token_endpoint_auth_methods_supported: None,
            authorization_response_iss_parameter_supported: false,
        }
    }

    #[test]
    fn v2_by_capability() {
        let s = patient_scopes(&config(None, &["permission-v2", "launch-standalone"]));
        assert_eq!(s, ["patient/*.rs", "launch/patient", "offline_access"]);
    }

    #[test]
    fn v2_by_listed_scopes() {
        let s = patient_scopes(&config(
            Some(&["patient/Observation.rs", "launch/patient"]),
            &[],
        ));
        assert_eq!(s, ["patient/*.rs", "launch/patient"]);
        let s = patient_scopes(&config(Some(&["user/*.cruds", "offline_access"]), &[]));
        assert_eq!(s[0], "patient/*.rs");
    }

    #[test]
    fn v1_otherwise() {
        let s = patient_scopes(&config(
            Some(&[
                "patient/*.read",
                "patient/*.*",
                "offline_access",
                "launch/patient",
            ]),
            &["permission-v1"],
        ));
        assert_eq!(s, ["patient/*.read", "launch/patient", "offline_access"]);
        assert_eq!(patient_scopes(&config(None, &[]))[0], "patient/*.read");
    }

    #[test]
    fn openid_only_with_sso() {
        let s = patient_scopes(&config(Some(&[]), &["sso-openid-connect"]));
        assert_eq!(
            s,
            ["patient/*.read", "launch/patient", "openid", "fhirUser"]
        );
    }

    #[test]
    fn v2_scope_shapes() {
        assert!(is_v2_resource_scope("patient/*.rs"));
        assert!(is_v2_resource_scope(
            "patient/Observation.rs?category=laboratory"
        ));
        assert!(is_v2_resource_scope("system/Patient.s"));
        assert!(!is_v2_resource_scope("patient/*.read"));
        assert!(!is_v2_resource_scope("patient/*.*"));
        assert!(!is_v2_resource_scope("patient/*.sr"));
        assert!(!is_v2_resource_scope("launch/patient"));
        assert!(!is_v2_resource_scope("openid"));
    }
}
