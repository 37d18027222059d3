//! One page of search results turned into what the vault stores: the hot path
//! of a sync (parse → check → categorize → hash → compress). Entries are
//! checked before anything is kept: a resource of the wrong type for the query
//! or of another patient than the token's is set aside (quarantined), never
//! merged (TM-19, N-05). A DSTU2 resource is stored as R4 with its original
//! beside it. No `serde_json::Value` is built for R4 pages.

use std::cell::RefCell;

use ownchart_fhir::search::parse_page;
use ownchart_fhir::FhirVersion;
use ownchart_vault::{JsonCodec, OriginalRow, QuarantineRow, ResourceRow};
use serde_json::value::RawValue;

use super::plan::DateFilter;

/// What a page is checked against.
#[derive(Debug, Clone, Copy)]
pub struct PageRules<'a> {
    /// The type the query searched, in the server's names (`MedicationOrder`).
    pub expected_type: &'a str,
    /// The token's patient.
    pub patient_id: &'a str,
    /// The FHIR base, for absolute patient references.
    pub fhir_base: &'a str,
    pub version: FhirVersion,
    /// Records outside these dates are dropped here (the server did not filter).
    pub dates: Option<&'a DateFilter>,
    /// The resource must name the patient (false for shared resources such as
    /// Practitioner or Medication, fetched because a record points to them).
    pub in_patient_compartment: bool,
}

/// Why an entry was set aside.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SetAside {
    OtherPatient,
    WrongType,
    Unreadable,
}

impl SetAside {
    pub fn key(self) -> &'static str {
        match self {
            SetAside::OtherPatient => "other_patient",
            SetAside::WrongType => "wrong_type",
            SetAside::Unreadable => "unreadable",
        }
    }
}

/// A processed page.
#[derive(Debug, Default)]
pub struct IngestedPage {
    pub rows: Vec<ResourceRow>,
    pub originals: Vec<OriginalRow>,
    pub quarantined: Vec<QuarantineRow>,
    pub set_aside: Vec<SetAside>,
    /// Entries that were messages from the server (`OperationOutcome`).
    pub portal_messages: u64,
    /// Records outside the requested dates.
    pub filtered_out: u64,
    /// DSTU2 resources whose conversion left something unmapped, or that have
    /// no R4 form and were kept as they came.
    pub not_fully_converted: u64,
    pub next: Option<String>,
    pub total: Option<u64>,
    /// The newest `meta.lastUpdated` on the page.
    pub max_last_updated: Option<String>,
}

thread_local! {
    // A zstd context per thread: a fresh one per page costs 2.4× the throughput.
    static CODEC: RefCell<Option<JsonCodec>> = const { RefCell::new(None) };
}

fn with_codec<T>(f: impl FnOnce(&mut JsonCodec) -> Result<T, String>) -> Result<T, String> {
    CODEC.with(|cell| {
        let mut slot = cell.borrow_mut();
        if slot.is_none() {
            *slot = Some(JsonCodec::new().map_err(|e| e.to_string())?);
        }
        match slot.as_mut() {
            Some(codec) => f(codec),
            None => Err("no codec".to_owned()),
        }
    })
}

/// Processes one page body. `Err` is a page that cannot be read at all (not
/// JSON, not a Bundle); a bad entry inside a good page is set aside instead.
pub fn ingest_page(body: &[u8], rules: &PageRules<'_>) -> Result<IngestedPage, String> {
    let page = parse_page(body).map_err(|e| e.to_string())?;
    let mut out = IngestedPage {
        next: page.next,
        total: page.total,
        ..IngestedPage::default()
    };
    with_codec(|codec| {
        for entry in &page.entries {
            if entry.mode.as_deref() == Some("outcome") {
                out.portal_messages += 1;
                continue;
            }
            let Some(raw) = entry.resource else {
                out.set_aside.push(SetAside::Unreadable);
                continue;
            };
            ingest_resource(raw, rules, codec, &mut out)?;
        }
        Ok(())
    })?;
    Ok(out)
}

/// Checks resources that came as a list (an integrator's payload) as if they
/// were one page.
pub(crate) fn ingest_resources(
    raws: &[&RawValue],
    rules: &PageRules<'_>,
) -> Result<IngestedPage, String> {
    let mut out = IngestedPage::default();
    with_codec(|codec| {
        for raw in raws {
            ingest_resource(raw, rules, codec, &mut out)?;
        }
        Ok(())
    })?;
    Ok(out)
}

/// Checks and stores one resource of a page (or of a single read).
pub fn ingest_resource(
    raw: &RawValue,
    rules: &PageRules<'_>,
    codec: &mut JsonCodec,
    out: &mut IngestedPage,
) -> Result<(), String> {
    let bytes = raw.get().as_bytes();
    let Ok(f) = ownchart_fhir::extract(raw) else {
        quarantine(codec, out, bytes, SetAside::Unreadable, None, None)?;
        return Ok(());
    };
    if f.resource_type == "OperationOutcome" {
        out.portal_messages += 1;
        return Ok(());
    }
    let ty = f.resource_type.to_string();
    let id = f.id.as_deref().map(str::to_owned);
    if ty != rules.expected_type {
        quarantine(codec, out, bytes, SetAside::WrongType, Some(ty), id)?;
        return Ok(());
    }
    let Some(id_str) = id.clone() else {
        quarantine(codec, out, bytes, SetAside::Unreadable, Some(ty), None)?;
        return Ok(());
    };
    if rules.in_patient_compartment && !belongs_to_patient(&f, &id_str, rules) {
        quarantine(codec, out, bytes, SetAside::OtherPatient, Some(ty), id)?;
        return Ok(());
    }
    if let Some(lu) = f.last_updated.as_deref() {
        if out.max_last_updated.as_deref().is_none_or(|m| newer(lu, m)) {
            out.max_last_updated = Some(lu.to_owned());
        }
    }
    if rules.version == FhirVersion::Dstu2 {
        return ingest_dstu2(bytes, &id_str, rules, codec, out);
    }
    if rules
        .dates
        .is_some_and(|d| !d.keeps(f.clinical_date.as_deref()))
        && ty != "Patient"
    {
        out.filtered_out += 1;
        return Ok(());
    }
    let row =
        crate::store::row(&f, &id_str, bytes, FhirVersion::R4, codec).map_err(|e| e.to_string())?;
    out.rows.push(row);
    Ok(())
}

/// A DSTU2 resource: stored as its R4 form with the original beside it; one
/// with no R4 form is kept as it came (labelled DSTU2), never dropped.
fn ingest_dstu2(
    original: &[u8],
    id: &str,
    rules: &PageRules<'_>,
    codec: &mut JsonCodec,
    out: &mut IngestedPage,
) -> Result<(), String> {
    let converted = ownchart_fhir::dstu2::to_r4(original).ok();
    let (stored, notes) = match &converted {
        Some(c) => (c.r4.as_slice(), c.notes.clone()),
        None => (
            original,
            vec!["This record has no R4 form; it is kept as the portal sent it.".to_owned()],
        ),
    };
    let stored_raw: &RawValue = match serde_json::from_slice(stored) {
        Ok(v) => v,
        Err(_) => {
            quarantine(
                codec,
                out,
                original,
                SetAside::Unreadable,
                None,
                Some(id.to_owned()),
            )?;
            return Ok(());
        }
    };
    let Ok(f) = ownchart_fhir::extract(stored_raw) else {
        quarantine(
            codec,
            out,
            original,
            SetAside::Unreadable,
            None,
            Some(id.to_owned()),
        )?;
        return Ok(());
    };
    if rules
        .dates
        .is_some_and(|d| !d.keeps(f.clinical_date.as_deref()))
        && f.resource_type != "Patient"
    {
        out.filtered_out += 1;
        return Ok(());
    }
    if !notes.is_empty() {
        out.not_fully_converted += 1;
    }
    let version = if converted.is_some() {
        FhirVersion::R4
    } else {
        FhirVersion::Dstu2
    };
    let row = crate::store::row(&f, id, stored, version, codec).map_err(|e| e.to_string())?;
    out.rows.push(row);
    if converted.is_some() {
        let (osha, ozstd) = codec.encode(original).map_err(|e| e.to_string())?;
        out.originals.push(OriginalRow {
            row: out.rows.len() - 1,
            fhir_version: FhirVersion::Dstu2.as_str(),
            sha256: osha,
            raw_len: original.len(),
            raw_zstd: ozstd,
            notes: serde_json::to_string(&notes).unwrap_or_else(|_| "[]".to_owned()),
        });
    }
    Ok(())
}

fn quarantine(
    codec: &mut JsonCodec,
    out: &mut IngestedPage,
    bytes: &[u8],
    why: SetAside,
    resource_type: Option<String>,
    resource_id: Option<String>,
) -> Result<(), String> {
    let (sha256, raw_zstd) = codec.encode(bytes).map_err(|e| e.to_string())?;
    out.set_aside.push(why);
    out.quarantined.push(QuarantineRow {
        reason: why.key().to_owned(),
        resource_type,
        resource_id,
        sha256,
        raw_len: bytes.len(),
        raw_zstd,
    });
    Ok(())
}

/// The compartment check: a Patient must be the token's patient; anything
/// else must name them in `subject`, `patient` or `beneficiary`.
fn belongs_to_patient(f: &ownchart_fhir::Extracted<'_>, id: &str, rules: &PageRules<'_>) -> bool {
    if f.resource_type == "Patient" {
        return id == rules.patient_id;
    }
    let Some(reference) = f.patient_reference.as_deref() else {
        return false;
    };
    let relative = reference
        .strip_prefix(rules.fhir_base.trim_end_matches('/'))
        .and_then(|r| r.strip_prefix('/'))
        .unwrap_or(reference);
    relative
        .strip_prefix("Patient/")
        .is_some_and(|rest| rest == rules.patient_id)
}

/// Whether FHIR instant `a` is later than `b` (both as servers write them; a
/// plain string comparison is right for the common `Z` form).
fn newer(a: &str, b: &str) -> bool {
    match (
        crate::clock::parse_rfc3339(a),
        crate::clock::parse_rfc3339(b),
    ) {
        (Some(x), Some(y)) => x > y,
        _ => a > b,
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    fn rules(expected: &str) -> PageRules<'static> {
        PageRules {
            expected_type: Box::leak(expected.to_owned().into_boxed_str()),
            patient_id: "p1",
            fhir_base: "https://portal.example/fhir",
            version: FhirVersion::R4,
            dates: None,
            in_patient_compartment: true,
        }
    }

    #[test]
    fn the_wrong_patient_the_wrong_type_and_messages_are_set_aside() {
        let body = br#"{"resourceType":"Bundle","type":"searchset","link":[{"relation":"next","url":"https://portal.example/fhir/Observation?_page=2"}],"entry":[
          {"resource":{"resourceType":"Observation","id":"o1","meta":{"lastUpdated":"2024-01-02T00:00:00Z"},"subject":{"reference":"Patient/p1"},"category":[{"coding":[{"code":"laboratory"}]}],"effectiveDateTime":"2020-01-01"}},
          {"resource":{"resourceType":"Observation","id":"o2","meta":{"lastUpdated":"2024-03-01T00:00:00Z"},"subject":{"reference":"https://portal.example/fhir/Patient/p1"}}},
          {"resource":{"resourceType":"Observation","id":"o3","subject":{"reference":"Patient/p2"}}},
          {"resource":{"resourceType":"Observation","id":"o4"}},
          {"resource":{"resourceType":"Patient","id":"p1"}},
          {"resource":{"resourceType":"Frobnicator","id":"f"}},
          {"resource":{"resourceType":"OperationOutcome","issue":[]},"search":{"mode":"outcome"}},
          {"resource":{"id":"x"}},
          {"fullUrl":"urn:uuid:1"}]}"#;
        let out = ingest_page(body, &rules("Observation")).unwrap();
        let ids: Vec<_> = out.rows.iter().map(|r| r.resource_id.as_str()).collect();
        assert_eq!(ids, ["o1", "o2"]);
        assert_eq!(out.rows[0].category, "labs");
        assert_eq!(
            out.set_aside,
            [
                SetAside::OtherPatient,
                SetAside::OtherPatient,
                SetAside::WrongType,
                SetAside::WrongType,
                SetAside::Unreadable,
                SetAside::Unreadable
            ]
        );
        assert_eq!(out.quarantined.len(), 5);
        assert_eq!(out.portal_messages, 1);
        assert_eq!(
            out.max_last_updated.as_deref(),
            Some("2024-03-01T00:00:00Z")
        );
        assert!(out.next.is_some());
    }

    #[test]
    fn local_dates_drop_records_outside_the_range() {
        let body = br#"{"resourceType":"Bundle","entry":[
          {"resource":{"resourceType":"Condition","id":"c1","subject":{"reference":"Patient/p1"},"onsetDateTime":"2019-05-01"}},
          {"resource":{"resourceType":"Condition","id":"c2","subject":{"reference":"Patient/p1"},"onsetDateTime":"2021-05-01"}},
          {"resource":{"resourceType":"Condition","id":"c3","subject":{"reference":"Patient/p1"}}}]}"#;
        let dates = DateFilter {
            from: Some("2020-01-01".into()),
            to: None,
            exclude_undated: true,
        };
        let r = PageRules {
            dates: Some(&dates),
            ..rules("Condition")
        };
        let out = ingest_page(body, &r).unwrap();
        assert_eq!(out.rows.len(), 1);
        assert_eq!(out.rows[0].resource_id, "c2");
        assert_eq!(out.filtered_out, 2);
    }

    #[test]
    fn a_page_that_is_not_a_bundle_is_an_error() {
        assert!(ingest_page(
            b"{\"resourceType\":\"Bundle\",\"entry\":[",
            &rules("Observation")
        )
        .is_err());
        assert!(ingest_page(
            b"{\"resourceType\":\"OperationOutcome\"}",
            &rules("Observation")
        )
        .is_err());
    }
}
