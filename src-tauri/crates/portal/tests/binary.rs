//! `Binary/{id}`: the attachments DocumentReferences link to, as raw bytes or a FHIR
//! Binary, behind the same bearer rules as every read.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;

use crate::common::*;
use ownchart_portal::{PortalConfig, PortalUser};
use reqwest::StatusCode;
use serde_json::Value;

/// Two users with records big enough to link to attachments.
fn two_records() -> PortalConfig {
    PortalConfig::with_users(vec![
        PortalUser::new("demo", "demo-pass", 1, 700),
        PortalUser::new("other", "other-pass", 2, 700),
    ])
}

/// The (Binary id, content type) of the relative links in these DocumentReferences.
fn links(docs: &[Value]) -> Vec<(String, String)> {
    docs.iter()
        .flat_map(|d| d["content"].as_array().cloned().unwrap_or_default())
        .filter_map(|c| {
            let id = c["attachment"]["url"].as_str()?.strip_prefix("Binary/")?;
            Some((
                id.to_owned(),
                c["attachment"]["contentType"].as_str()?.to_owned(),
            ))
        })
        .collect()
}

#[tokio::test]
async fn linked_attachments_are_served_as_bytes_or_as_a_binary_resource() {
    let portal = start(two_records()).await;
    let base = portal.fhir_base_r4();
    let t = connect(&base, SCOPE).await;
    let docs = everything(&format!("{base}/DocumentReference?_count=200"), &t.access).await;
    let links = links(&docs);
    assert!(!links.is_empty(), "the record links to attachments");
    for (id, content_type) in links.iter().take(4) {
        let raw = get_with(&format!("{base}/Binary/{id}"), Some(&t.access), &[]).await;
        assert_eq!(raw.status, StatusCode::OK);
        assert_eq!(raw.headers["content-type"], content_type.as_str());
        assert!(
            (1024..=300 * 1024).contains(&raw.bytes.len()),
            "{}",
            raw.bytes.len()
        );
        if content_type == "application/pdf" {
            assert!(raw.bytes.starts_with(b"%PDF-"));
        }
        let again = get_with(&format!("{base}/Binary/{id}"), Some(&t.access), &[]).await;
        assert_eq!(again.bytes, raw.bytes, "the same id gives the same bytes");
        let json = get(&format!("{base}/Binary/{id}"), Some(&t.access)).await;
        assert_eq!(json.status, StatusCode::OK);
        assert!(json.headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/fhir+json"));
        let b = json.json();
        assert_eq!(b["resourceType"], "Binary");
        assert_eq!(b["id"], id.as_str());
        assert_eq!(b["contentType"], content_type.as_str());
        assert_eq!(
            STANDARD.decode(b["data"].as_str().unwrap()).unwrap(),
            raw.bytes
        );
    }
    let s = portal.stats();
    assert_eq!(s.binary_reads, 3 * links.len().min(4) as u64);
    assert!(s
        .fhir_log
        .iter()
        .any(|r| r.resource_type == "Binary" && r.status == 200));
}

#[tokio::test]
async fn binary_reads_need_a_token_and_stay_within_the_patients_record() {
    let portal = start(two_records()).await;
    let base = portal.fhir_base_r4();
    let t = connect(&base, SCOPE).await;
    let mine = links(&everything(&format!("{base}/DocumentReference?_count=200"), &t.access).await);
    let (id, _) = mine.first().expect("a linked attachment").clone();
    let url = format!("{base}/Binary/{id}");
    assert_eq!(
        get_with(&url, None, &[]).await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        get_with(&url, Some("not-a-token"), &[]).await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        get(
            &format!("{base}/Binary/no-such-attachment"),
            Some(&t.access)
        )
        .await
        .status,
        StatusCode::NOT_FOUND
    );
    // The other patient's attachments: their ids come from their own record.
    let p = pkce();
    let back = ownchart_portal::person::log_in(
        &authorize_url(&base, &p.challenge, &[]),
        "other",
        "other-pass",
        true,
    )
    .await
    .unwrap();
    let (_, body) = exchange(&base, &param(&back, "code").unwrap(), &p.verifier).await;
    let other = Tokens::from(&body);
    let theirs = links(
        &everything(
            &format!("{base}/DocumentReference?_count=200"),
            &other.access,
        )
        .await,
    );
    let (their_id, _) = theirs.first().expect("their linked attachment").clone();
    let f = get(&format!("{base}/Binary/{their_id}"), Some(&t.access)).await;
    assert_eq!(f.status, StatusCode::FORBIDDEN);
    assert_eq!(
        get(&format!("{base}/Binary/{their_id}"), Some(&other.access))
            .await
            .status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn dstu2_serves_binaries_too_and_metadata_lists_binary_as_read_only() {
    let portal = start(two_records()).await;
    let base = portal.fhir_base_dstu2();
    let t = connect(&base, "launch/patient patient/*.read").await;
    let docs = everything(&format!("{base}/DocumentReference?_count=200"), &t.access).await;
    let (id, _) = links(&docs).first().expect("a linked attachment").clone();
    let b = get_with(
        &format!("{base}/Binary/{id}"),
        Some(&t.access),
        &[("accept", "application/json+fhir")],
    )
    .await
    .json();
    assert_eq!(b["resourceType"], "Binary");
    assert!(b["content"].is_string(), "DSTU2 calls the bytes `content`");
    for b in [portal.fhir_base_r4(), base] {
        let meta = get(&format!("{b}/metadata"), None).await.json();
        let binary = meta["rest"][0]["resource"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["type"] == "Binary")
            .cloned()
            .expect("Binary is listed");
        assert_eq!(
            binary["interaction"],
            serde_json::json!([{ "code": "read" }])
        );
    }
}
