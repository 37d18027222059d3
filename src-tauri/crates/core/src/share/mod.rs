//! Sharing with a clinician: the patient picks categories, a date range and/or
//! individual records, sees a preview (counts per category, the IPS sections),
//! and gets any of: an International Patient Summary-shaped FHIR document
//! (`ips.rs`), a printable HTML page (`html.rs`) and a SMART Health Link — the
//! document encrypted as a compact JWE with a fresh key, its `shlink:/` URI and
//! QR code (`shl.rs`, `qr.rs`). The SHARE ledger entry (recipient, purpose,
//! counts, file names and SHA-256s — no clinical values) is committed before the
//! files are released (`release.rs`).

pub mod error;
pub mod html;
pub mod ips;
pub mod narrative;
pub mod qr;
pub mod references;
pub mod release;
pub mod sections;
pub mod select;
pub mod shl;
pub mod summary;
pub mod types;

use std::path::Path;

use ownchart_vault::{NewLedgerEntry, Vault};
use time::OffsetDateTime;

pub use error::ShareError;
pub use types::{
    SectionPreview, ShareOutputs, SharePreview, ShareReport, ShareRequest, ShareSelection,
    SharedFile,
};

use crate::session::Session;
use ips::Loaded;
use release::Artifact;

impl Session {
    /// What a selection would share, without writing anything.
    pub fn share_preview(&self, selection: &ShareSelection) -> crate::Result<SharePreview> {
        let selected = select::select(&self.opened()?.vault, selection)?;
        select::preview(&selected)
    }

    /// Writes the share the patient confirmed into a new folder inside
    /// `request.out_dir`, after recording it in the disclosure log.
    pub fn share_create(&mut self, request: &ShareRequest) -> crate::Result<ShareReport> {
        let checked = check(request)?;
        let now = OffsetDateTime::now_utc();
        let opened = self.opened_mut()?;
        let selected = select::select(&opened.vault, &request.selection)?;
        if selected.heads.is_empty() {
            return Err(ShareError::NothingSelected.into());
        }
        let counts = select::preview(&selected)?.counts;
        let loaded = load(&opened.vault, selected.heads)?;
        let timestamp = crate::clock::rfc3339(now);
        let doc = ips::build(loaded, &timestamp, &mut new_uuid)?;

        let mut artifacts = vec![];
        let mut report = ShareReport {
            dir: String::new(),
            files: vec![],
            shlink_uri: None,
            qr_svg: None,
            html_summary: None,
            resources: doc.resources,
            ledger_seq: 0,
        };
        if request.outputs.ips_bundle {
            artifacts.push(Artifact {
                name: "patient-summary.fhir.json".into(),
                kind: "ips_bundle",
                bytes: doc.bytes.clone(),
            });
        }
        if request.outputs.html_summary {
            let page = html::render(
                &doc,
                &html::PageContext {
                    recipient: &checked.recipient,
                    purpose: &checked.purpose,
                    generated: &human_time(now),
                },
            );
            artifacts.push(Artifact {
                name: "patient-summary.html".into(),
                kind: "html_summary",
                bytes: page.clone().into_bytes(),
            });
            report.html_summary = Some(page);
        }
        let mut link_url = None;
        if request.outputs.smart_health_link {
            let key = shl::LinkKey::random()?;
            let file_name = shl::payload_file_name()?;
            let url = shl::link_url(request.base_url.as_deref(), &file_name)?;
            let jwe = shl::encrypt(&doc.bytes, &key)?;
            let payload = shl::Payload {
                url: url.clone(),
                key: key.encoded().to_string(),
                exp: shl::expiry(now.unix_timestamp(), request.expires_in_days)?,
                flag: shl::flags(request.passcode).to_owned(),
                label: checked.label.clone(),
                v: 1,
            };
            let uri = shl::uri(&payload)?;
            let svg = qr::svg(&uri)?;
            artifacts.push(Artifact {
                name: file_name,
                kind: "shl_payload",
                bytes: jwe.into_bytes(),
            });
            artifacts.push(Artifact {
                name: "smart-health-link-qr.svg".into(),
                kind: "shl_qr",
                bytes: svg.clone().into_bytes(),
            });
            artifacts.push(Artifact {
                name: "smart-health-link-qr.png".into(),
                kind: "shl_qr",
                bytes: qr::png(&uri)?,
            });
            artifacts.push(Artifact {
                name: "smart-health-link.txt".into(),
                kind: "shl_uri",
                bytes: format!("{uri}\n").into_bytes(),
            });
            report.shlink_uri = Some(uri);
            report.qr_svg = Some(svg);
            link_url = Some((url, request.base_url.is_some(), request.passcode));
        }
        artifacts.push(Artifact {
            name: "README.txt".into(),
            kind: "readme",
            bytes: readme(&artifacts, link_url.as_ref()).into_bytes(),
        });

        let dir = release::create_dir(Path::new(&request.out_dir), &stamp(now))?;
        let ledger = &mut opened.ledger;
        let (files, seq) = release::release(&dir, artifacts, |files| {
            let entry = ledger.append(NewLedgerEntry {
                event: "SHARE".into(),
                description: describe(doc.resources, &counts, files),
                recipient: Some(checked.recipient.clone()),
                purpose: Some(checked.purpose.clone()),
                details: Some(details(&counts, files, request)),
            })?;
            Ok(entry.seq)
        })?;
        report.dir = dir.display().to_string();
        report.files = files;
        report.ledger_seq = seq;
        Ok(report)
    }
}

/// The request's free-text fields, trimmed and checked.
struct Checked {
    recipient: String,
    purpose: String,
    label: Option<String>,
}

fn check(r: &ShareRequest) -> Result<Checked, ShareError> {
    let recipient = r.recipient.trim();
    if recipient.is_empty() {
        return Err(ShareError::RecipientRequired);
    }
    let purpose = r.purpose.trim();
    if purpose.is_empty() {
        return Err(ShareError::PurposeRequired);
    }
    let o = r.outputs;
    if !(o.ips_bundle || o.html_summary || o.smart_health_link) {
        return Err(ShareError::NoOutput);
    }
    if !Path::new(&r.out_dir).is_dir() {
        return Err(ShareError::OutDirMissing(r.out_dir.clone()));
    }
    let label = shl::label(r.label.as_deref())?;
    if o.smart_health_link {
        shl::expiry(0, r.expires_in_days)?;
        shl::link_url(r.base_url.as_deref(), "f")?;
    }
    Ok(Checked {
        recipient: recipient.to_owned(),
        purpose: purpose.to_owned(),
        label,
    })
}

/// Every selected row's stored JSON, in selection order.
fn load(vault: &Vault, heads: Vec<ownchart_vault::ResourceHead>) -> crate::Result<Vec<Loaded>> {
    heads
        .into_iter()
        .map(|head| {
            let raw = vault.resource_body(head.pk)?.ok_or(ShareError::Malformed)?;
            let resource = serde_json::from_slice(&raw).map_err(|_| ShareError::Malformed)?;
            Ok(Loaded { head, resource })
        })
        .collect()
}

fn new_uuid() -> Result<String, ShareError> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).map_err(|_| ShareError::Randomness)?;
    Ok(uuid::Builder::from_random_bytes(bytes)
        .into_uuid()
        .hyphenated()
        .to_string())
}

fn stamp(t: OffsetDateTime) -> String {
    format!(
        "{:04}{:02}{:02}-{:02}{:02}{:02}",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    )
}

fn human_time(t: OffsetDateTime) -> String {
    format!(
        "{:04}-{:02}-{:02} {:02}:{:02} UTC",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute()
    )
}

/// The ledger's sentence: counts per category and the files with their
/// SHA-256s. No clinical values, no link key.
fn describe(
    resources: u64,
    counts: &[crate::overview::CategoryCount],
    files: &[SharedFile],
) -> String {
    let what: Vec<String> = counts
        .iter()
        .filter(|c| c.count > 0)
        .map(|c| format!("{} {}", c.label, c.count))
        .collect();
    let written: Vec<String> = files
        .iter()
        .map(|f| format!("{} (SHA-256 {})", f.name, f.sha256))
        .collect();
    format!(
        "Shared {resources} records ({}). Files: {}.",
        what.join(", "),
        written.join(", ")
    )
}

fn details(
    counts: &[crate::overview::CategoryCount],
    files: &[SharedFile],
    r: &ShareRequest,
) -> String {
    let counts: serde_json::Map<String, serde_json::Value> = counts
        .iter()
        .filter(|c| c.count > 0)
        .map(|c| (c.category.clone(), c.count.into()))
        .collect();
    serde_json::json!({
        "counts": counts,
        "files": files,
        "selection": {
            "categories": r.selection.categories,
            "from": r.selection.from,
            "to": r.selection.to,
            "items": r.selection.items.len(),
        },
        "smart_health_link": r.outputs.smart_health_link.then(|| serde_json::json!({
            "expires_in_days": r.expires_in_days,
            "passcode": r.passcode,
        })),
    })
    .to_string()
}

/// What the folder holds and, for a link, how to make it work.
fn readme(artifacts: &[Artifact], link: Option<&(String, bool, bool)>) -> String {
    let mut s = String::from(
        "This folder was made by Ownchart when you shared part of your health records.\n\
         Only the records you chose are in it. The share is recorded in Ownchart's\n\
         disclosure log (who it was for, why, when, and the SHA-256 of each file).\n\nFiles:\n",
    );
    for a in artifacts {
        let what = match a.kind {
            "ips_bundle" => "the records as a FHIR document (International Patient Summary), for clinical software",
            "html_summary" => "a printable summary: open it in a browser and print it or save it as PDF",
            "shl_payload" => "the same FHIR document, encrypted: the SMART Health Link opens this file",
            "shl_qr" => "the SMART Health Link as a QR code to scan",
            "shl_uri" => "the SMART Health Link as text (it contains the key that decrypts the file)",
            _ => "",
        };
        s += &format!("  {}  — {what}\n", a.name);
    }
    if let Some((url, given, passcode)) = link {
        s += "\nSMART Health Link\n";
        s += "Anyone with the link or its QR code can read the shared records once they can\n\
              download the encrypted file: share it only with the person it is meant for.\n";
        if *passcode {
            s += &format!(
                "The link asks for a passcode (flag P). It points at {url}: upload the encrypted\n\
                 file to a SMART Health Links hosting service that serves it there and checks the\n\
                 passcode you set with that service.\n"
            );
        } else if *given {
            s += &format!(
                "The link points at {url}: upload the encrypted file so that it is served at\n\
                 exactly that address (over https). Until then the link cannot be opened.\n"
            );
        } else {
            s += &format!(
                "The link does not work yet: it points at a placeholder address,\n  {url}\n\
                 because you did not say where the encrypted file will be hosted. Share again\n\
                 and give the https address of the folder where you will put the file (ending\n\
                 in /); then upload that share's encrypted file there. The link and QR code of\n\
                 this folder can then be deleted.\n"
            );
        }
    }
    s
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    fn request(out: &str) -> ShareRequest {
        ShareRequest {
            selection: ShareSelection::default(),
            recipient: " Dr. Lee ".into(),
            purpose: "Second opinion".into(),
            out_dir: out.into(),
            outputs: ShareOutputs {
                ips_bundle: true,
                html_summary: false,
                smart_health_link: true,
            },
            label: None,
            expires_in_days: Some(30),
            passcode: false,
            base_url: None,
        }
    }

    #[test]
    fn requests_are_checked_before_anything_is_read() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().to_str().unwrap();
        assert_eq!(check(&request(out)).unwrap().recipient, "Dr. Lee");
        let code = |f: &dyn Fn(&mut ShareRequest)| {
            let mut r = request(out);
            f(&mut r);
            check(&r).err().map(|e| e.code())
        };
        assert_eq!(
            code(&|r| r.recipient = "  ".into()),
            Some("share_recipient_required")
        );
        assert_eq!(
            code(&|r| r.purpose = String::new()),
            Some("share_purpose_required")
        );
        assert_eq!(
            code(&|r| r.outputs = ShareOutputs {
                ips_bundle: false,
                html_summary: false,
                smart_health_link: false
            }),
            Some("share_no_output")
        );
        assert_eq!(
            code(&|r| r.out_dir = format!("{out}/missing")),
            Some("share_out_dir_missing")
        );
        assert_eq!(
            code(&|r| r.label = Some("x".repeat(81))),
            Some("share_label_too_long")
        );
        assert_eq!(
            code(&|r| r.expires_in_days = Some(0)),
            Some("share_invalid_expiry")
        );
        assert_eq!(
            code(&|r| r.base_url = Some("http://x.example/".into())),
            Some("share_invalid_url")
        );
        // Link settings matter only when a link is made.
        assert_eq!(
            code(&|r| {
                r.outputs.smart_health_link = false;
                r.expires_in_days = Some(0);
            }),
            None
        );
    }

    #[test]
    fn the_ledger_description_has_counts_and_hashes_only() {
        let counts = vec![
            crate::overview::CategoryCount {
                category: "labs".into(),
                label: "Lab results".into(),
                count: 3,
            },
            crate::overview::CategoryCount {
                category: "vitals".into(),
                label: "Vital signs".into(),
                count: 0,
            },
        ];
        let files = vec![SharedFile {
            name: "a.json".into(),
            kind: "ips_bundle".into(),
            bytes: 2,
            sha256: "ab".into(),
        }];
        assert_eq!(
            describe(4, &counts, &files),
            "Shared 4 records (Lab results 3). Files: a.json (SHA-256 ab)."
        );
    }
}
