//! The International Patient Summary-shaped FHIR document: a Bundle of type
//! `document` whose first entry is a Composition (LOINC 60591-5) with the
//! required medication, allergy and problem sections (an empty one says so with
//! `emptyReason` and "No information about ..."), the recommended sections that
//! have records, each with a generated narrative, and then every shared record
//! as an entry with a `urn:uuid:` fullUrl. Records are written as stored, except
//! that references to other shared records point to their fullUrls.
//!
//! Each entry is serialized as soon as it is ready, so a large share holds its
//! records once, as bytes, not as JSON trees.

use serde::Serialize;
use serde_json::value::{to_raw_value, RawValue};
use serde_json::{json, Value};

use ownchart_vault::ResourceHead;

use super::error::ShareError;
use super::narrative;
use super::references::Targets;
use super::sections::{self, Section, SECTIONS};
use super::summary::{self, Line};

/// A selected record with its stored JSON.
#[derive(Debug, Clone)]
pub struct Loaded {
    pub head: ResourceHead,
    pub resource: Value,
}

/// One written section and its records' lines (most recent first).
#[derive(Debug, Clone)]
pub struct SectionContent {
    pub section: &'static Section,
    pub lines: Vec<Line>,
}

/// The document, plus what the printable page needs.
#[derive(Debug)]
pub struct IpsDocument {
    /// The Bundle's JSON, exactly as written to the file and encrypted in the link.
    pub bytes: Vec<u8>,
    pub sections: Vec<SectionContent>,
    /// Records with no IPS section: (category label, line).
    pub others: Vec<(String, Line)>,
    /// The first Patient, summarized (name; born, gender).
    pub patient: Option<Line>,
    pub resources: u64,
}

const LOINC: &str = "http://loinc.org";

#[derive(Serialize)]
struct BundleOut<'a> {
    #[serde(rename = "resourceType")]
    resource_type: &'static str,
    id: &'a str,
    identifier: Value,
    #[serde(rename = "type")]
    bundle_type: &'static str,
    timestamp: &'a str,
    entry: Vec<Box<RawValue>>,
}

/// Builds the document. `timestamp` is RFC 3339; `new_uuid` gives fresh UUIDs.
pub fn build(
    loaded: Vec<Loaded>,
    timestamp: &str,
    new_uuid: &mut dyn FnMut() -> Result<String, ShareError>,
) -> Result<IpsDocument, ShareError> {
    let resources = loaded.len() as u64;
    let mut targets = Targets::default();
    let mut full_urls = Vec::with_capacity(loaded.len());
    for l in &loaded {
        let full_url = format!("urn:uuid:{}", new_uuid()?);
        targets.add(
            &l.head.source,
            &l.head.resource_type,
            &l.head.resource_id,
            &full_url,
        );
        full_urls.push(full_url);
    }

    // Entries grouped: patients, then each section in table order, then the rest.
    let mut patients: Vec<(String, Box<RawValue>)> = vec![];
    let mut patient_line = None;
    let mut by_section: Vec<Vec<(Line, String, Box<RawValue>)>> = vec![vec![]; SECTIONS.len()];
    let mut others: Vec<(String, Line, Box<RawValue>)> = vec![];
    for (l, full_url) in loaded.into_iter().zip(full_urls) {
        let Loaded { head, mut resource } = l;
        let line = summary::summarize(
            &resource,
            head.display.as_deref(),
            head.clinical_date.as_deref(),
        );
        targets.rewrite(&head.source, &mut resource);
        let entry = raw(&json!({ "fullUrl": full_url, "resource": resource }))?;
        if head.resource_type == "Patient" {
            patient_line.get_or_insert(line);
            patients.push((full_url, entry));
        } else if let Some(i) = SECTIONS
            .iter()
            .position(|s| s.categories.contains(&head.category.as_str()))
        {
            by_section[i].push((line, full_url, entry));
        } else {
            others.push((category_label(&head.category), line, entry));
        }
    }
    for group in &mut by_section {
        // Most recent first; undated last, in the order stored.
        group.sort_by(|a, b| {
            b.0.when
                .is_some()
                .cmp(&a.0.when.is_some())
                .then(b.0.when.cmp(&a.0.when))
        });
    }

    let (subject, author, device) = match patients.first() {
        Some((full_url, _)) => (
            Some(json!({ "reference": full_url })),
            json!({ "reference": full_url }),
            None,
        ),
        None => {
            // No Patient in the vault: the app is the author, and the document
            // has no subject rather than an invented one.
            let id = new_uuid()?;
            let full_url = format!("urn:uuid:{id}");
            let device = raw(&json!({
                "fullUrl": full_url,
                "resource": {
                    "resourceType": "Device",
                    "id": id,
                    "deviceName": [{ "name": "Ownchart", "type": "user-friendly-name" }]
                }
            }))?;
            (None, json!({ "reference": full_url }), Some(device))
        }
    };

    let counts: Vec<u64> = by_section.iter().map(|g| g.len() as u64).collect();
    let written = sections::written(|s| {
        SECTIONS
            .iter()
            .position(|x| x.code == s.code)
            .map(|i| counts[i])
            .unwrap_or(0)
    });
    let mut section_json = vec![];
    let mut contents = vec![];
    for (section, _) in &written {
        let i = SECTIONS
            .iter()
            .position(|x| x.code == section.code)
            .unwrap_or(0);
        let group = &by_section[i];
        let lines: Vec<Line> = group.iter().map(|(l, _, _)| l.clone()).collect();
        let mut s = json!({
            "title": section.title,
            "code": { "coding": [{ "system": LOINC, "code": section.code, "display": section.loinc_display }] },
            "text": { "status": "generated", "div": narrative::section_div(section, &lines) },
        });
        if group.is_empty() {
            // "unavailable" whether the vault has none or the patient chose not
            // to share them: a summary must not reveal what was held back.
            s["emptyReason"] = json!({ "coding": [{
                "system": "http://terminology.hl7.org/CodeSystem/list-empty-reason",
                "code": "unavailable",
                "display": "Unavailable"
            }]});
        } else {
            s["entry"] = group
                .iter()
                .map(|(_, u, _)| json!({ "reference": u }))
                .collect();
        }
        section_json.push(s);
        contents.push(SectionContent { section, lines });
    }

    let composition_id = new_uuid()?;
    let mut composition = json!({
        "resourceType": "Composition",
        "id": composition_id,
        "status": "final",
        "type": { "coding": [{ "system": LOINC, "code": "60591-5", "display": "Patient summary Document" }] },
        "date": timestamp,
        "author": [author],
        "title": "International Patient Summary",
        "confidentiality": "N",
        "section": section_json,
    });
    if let Some(subject) = subject {
        composition["subject"] = subject;
    }

    let mut entry = vec![raw(
        &json!({ "fullUrl": format!("urn:uuid:{composition_id}"), "resource": composition }),
    )?];
    entry.extend(patients.into_iter().map(|(_, e)| e));
    entry.extend(device);
    for group in by_section {
        entry.extend(group.into_iter().map(|(_, _, e)| e));
    }
    let mut other_lines = vec![];
    for (label, line, e) in others {
        entry.push(e);
        other_lines.push((label, line));
    }

    let bundle_id = new_uuid()?;
    let bundle = BundleOut {
        resource_type: "Bundle",
        id: &bundle_id,
        identifier: json!({ "system": "urn:ietf:rfc:3986", "value": format!("urn:uuid:{bundle_id}") }),
        bundle_type: "document",
        timestamp,
        entry,
    };
    let bytes = serde_json::to_vec(&bundle).map_err(|_| ShareError::Malformed)?;
    Ok(IpsDocument {
        bytes,
        sections: contents,
        others: other_lines,
        patient: patient_line,
        resources,
    })
}

fn raw(v: &Value) -> Result<Box<RawValue>, ShareError> {
    to_raw_value(v).map_err(|_| ShareError::Malformed)
}

fn category_label(key: &str) -> String {
    ownchart_fhir::Category::from_key(key)
        .unwrap_or(ownchart_fhir::Category::Other)
        .label()
        .to_owned()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    fn head(pk: i64, t: &str, id: &str, category: &str, date: Option<&str>) -> ResourceHead {
        ResourceHead {
            pk,
            source: "import".into(),
            resource_type: t.into(),
            resource_id: id.into(),
            category: category.into(),
            clinical_date: date.map(str::to_owned),
            display: None,
        }
    }

    fn uuids() -> impl FnMut() -> Result<String, ShareError> {
        let mut n = 0;
        move || {
            n += 1;
            Ok(format!("00000000-0000-4000-8000-{n:012}"))
        }
    }

    fn sample() -> Vec<Loaded> {
        vec![
            Loaded {
                head: head(1, "Patient", "p", "patient", None),
                resource: json!({"resourceType":"Patient","id":"p","name":[{"family":"Doe","given":["Jo"]}]}),
            },
            Loaded {
                head: head(2, "Observation", "o1", "vitals", Some("2020-01-01")),
                resource: json!({"resourceType":"Observation","id":"o1","status":"final",
                    "code":{"text":"Heart rate"},"subject":{"reference":"Patient/p"},
                    "encounter":{"reference":"Encounter/e1"},
                    "valueQuantity":{"value":61,"unit":"/min"}}),
            },
            Loaded {
                head: head(3, "Observation", "o2", "vitals", Some("2021-01-01")),
                resource: json!({"resourceType":"Observation","id":"o2","status":"final",
                    "code":{"text":"Heart rate"},"subject":{"reference":"Patient/p"},
                    "valueQuantity":{"value":72,"unit":"/min"}}),
            },
            Loaded {
                head: head(4, "Encounter", "e1", "other", Some("2020-01-01")),
                resource: json!({"resourceType":"Encounter","id":"e1","status":"finished",
                    "class":{"code":"AMB"},"subject":{"reference":"Patient/p"}}),
            },
        ]
    }

    #[test]
    fn the_document_has_the_ips_shape() {
        let doc = build(sample(), "2026-02-03T04:05:06Z", &mut uuids()).unwrap();
        let b: Value = serde_json::from_slice(&doc.bytes).unwrap();
        assert_eq!(b["resourceType"], "Bundle");
        assert_eq!(b["type"], "document");
        assert_eq!(b["timestamp"], "2026-02-03T04:05:06Z");
        assert_eq!(b["identifier"]["system"], "urn:ietf:rfc:3986");
        let entries = b["entry"].as_array().unwrap();
        assert_eq!(entries.len(), 5);
        let c = &entries[0]["resource"];
        assert_eq!(c["resourceType"], "Composition");
        assert_eq!(c["type"]["coding"][0]["code"], "60591-5");
        assert_eq!(c["title"], "International Patient Summary");
        let patient_url = entries[1]["fullUrl"].as_str().unwrap();
        assert_eq!(entries[1]["resource"]["resourceType"], "Patient");
        assert_eq!(c["subject"]["reference"], patient_url);
        assert_eq!(c["author"][0]["reference"], patient_url);
        for e in entries {
            assert!(e["fullUrl"].as_str().unwrap().starts_with("urn:uuid:"));
        }

        let codes: Vec<&str> = c["section"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["code"]["coding"][0]["code"].as_str().unwrap())
            .collect();
        assert_eq!(codes, ["10160-0", "48765-2", "11450-4", "8716-3"]);
        for s in &c["section"].as_array().unwrap()[..3] {
            assert_eq!(s["emptyReason"]["coding"][0]["code"], "unavailable");
            assert!(s.get("entry").is_none());
            assert!(s["text"]["div"]
                .as_str()
                .unwrap()
                .contains("No information about"));
        }
        // The vital signs section points at both observations, most recent first.
        let vitals = &c["section"][3];
        let refs: Vec<&str> = vitals["entry"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["reference"].as_str().unwrap())
            .collect();
        assert_eq!(
            refs,
            [
                entries[2]["fullUrl"].as_str().unwrap(),
                entries[3]["fullUrl"].as_str().unwrap()
            ]
        );
        assert_eq!(entries[2]["resource"]["id"], "o2");
        let div = vitals["text"]["div"].as_str().unwrap();
        assert!(
            div.find("72 /min").unwrap() < div.find("61 /min").unwrap(),
            "{div}"
        );

        // References to shared records point at their fullUrls.
        let o1 = &entries[3]["resource"];
        assert_eq!(o1["subject"]["reference"], patient_url);
        assert_eq!(o1["encounter"]["reference"], entries[4]["fullUrl"]);
        assert_eq!(doc.others.len(), 1);
        assert_eq!(doc.others[0].0, "Other records");
        assert_eq!(doc.patient.as_ref().unwrap().what, "Jo Doe");
        assert_eq!(doc.resources, 4);
    }

    #[test]
    fn without_a_patient_the_app_is_the_author_and_there_is_no_subject() {
        let mut records = sample();
        records.remove(0);
        let doc = build(records, "2026-02-03T04:05:06Z", &mut uuids()).unwrap();
        let b: Value = serde_json::from_slice(&doc.bytes).unwrap();
        let c = &b["entry"][0]["resource"];
        assert!(c.get("subject").is_none());
        let device = &b["entry"][1];
        assert_eq!(device["resource"]["resourceType"], "Device");
        assert_eq!(c["author"][0]["reference"], device["fullUrl"]);
        // References to the Patient that was not shared stay as written.
        let o = b["entry"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["resource"]["id"] == "o1")
            .unwrap();
        assert_eq!(o["resource"]["subject"]["reference"], "Patient/p");
    }
}
