//! `ownchart share`: the app's share with a clinician from a terminal. Without
//! `--preview` it writes the chosen files into a new folder inside `--out`, after
//! recording the disclosure (recipient, purpose, what, the files' SHA-256s) in
//! the ledger; `--preview` only counts what would be shared.

use std::path::PathBuf;

use clap::Args;
use ownchart_core::session::Session;
use ownchart_core::share::{ShareOutputs, SharePreview, ShareReport, ShareRequest, ShareSelection};
use ownchart_fhir::Category;
use serde::Serialize;

use crate::error::IpcError;

#[derive(Debug, Args)]
pub struct ShareArgs {
    #[command(flatten)]
    pub common: super::Common,
    /// The folder to write into (a new `ownchart-share-...` folder is made in it).
    #[arg(long, value_name = "DIR", required_unless_present = "preview")]
    pub out: Option<PathBuf>,
    /// Only these categories, comma-separated (`labs,condition,allergy_intolerance`,
    /// or type names such as `AllergyIntolerance`); default: all.
    #[arg(long, value_delimiter = ',')]
    pub types: Vec<String>,
    /// Only records dated on or after this day (YYYY-MM-DD); undated ones are left out.
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub from: Option<String>,
    /// Only records dated on or before this day (YYYY-MM-DD); undated ones are left out.
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub to: Option<String>,
    /// Only these records (record keys, comma-separated); replaces --types/--from/--to.
    #[arg(long, value_delimiter = ',', value_name = "KEYS")]
    pub items: Vec<String>,
    /// Who receives the share (recorded in the disclosure log).
    #[arg(long, value_name = "NAME", required_unless_present = "preview")]
    pub recipient: Option<String>,
    /// Why you share it (recorded in the disclosure log).
    #[arg(long, value_name = "TEXT", required_unless_present = "preview")]
    pub purpose: Option<String>,
    /// What to write, comma-separated: `ips` (FHIR document), `html` (printable
    /// page), `link` (SMART Health Link: encrypted file, link, QR code).
    #[arg(long, value_delimiter = ',', value_parser = ["ips", "html", "link"], default_value = "ips,html,link")]
    pub outputs: Vec<String>,
    /// The SMART Health Link's label (at most 80 characters).
    #[arg(long)]
    pub label: Option<String>,
    /// The SMART Health Link expires after this many days.
    #[arg(long, value_name = "DAYS")]
    pub expires_in_days: Option<u32>,
    /// The link needs a passcode, which your hosting service checks (flag P).
    #[arg(long)]
    pub passcode: bool,
    /// Where you will host the encrypted file (https; a folder URL ending in /,
    /// or the exact address). Without it the link has a placeholder address.
    #[arg(long, value_name = "URL")]
    pub base_url: Option<String>,
    /// Only show what would be shared; write nothing.
    #[arg(long)]
    pub preview: bool,
}

#[derive(Serialize)]
#[serde(untagged)]
pub enum ShareOutput {
    Preview(SharePreview),
    Report(ShareReport),
}

pub fn share(session: &mut Session, args: &ShareArgs) -> Result<ShareOutput, IpcError> {
    let selection = ShareSelection {
        categories: args.types.iter().map(|t| category_key(t)).collect(),
        from: args.from.clone(),
        to: args.to.clone(),
        items: args.items.clone(),
    };
    if args.preview {
        return Ok(ShareOutput::Preview(session.share_preview(&selection)?));
    }
    let wants = |o: &str| args.outputs.iter().any(|x| x == o);
    let request = ShareRequest {
        selection,
        recipient: args.recipient.clone().unwrap_or_default(),
        purpose: args.purpose.clone().unwrap_or_default(),
        out_dir: args
            .out
            .as_ref()
            .map(|p| p.display().to_string())
            .unwrap_or_default(),
        outputs: ShareOutputs {
            ips_bundle: wants("ips"),
            html_summary: wants("html"),
            smart_health_link: wants("link"),
        },
        label: args.label.clone(),
        expires_in_days: args.expires_in_days,
        passcode: args.passcode,
        base_url: args.base_url.clone(),
    };
    Ok(ShareOutput::Report(session.share_create(&request)?))
}

/// A category key from a key or a type name, in any case (`AllergyIntolerance`,
/// `allergy_intolerance`, `Labs`); anything else is passed on to be refused.
fn category_key(name: &str) -> String {
    let squash = |s: &str| {
        s.chars()
            .filter(|c| c.is_alphanumeric())
            .flat_map(char::to_lowercase)
            .collect::<String>()
    };
    let wanted = squash(name);
    Category::ALL
        .iter()
        .find(|c| squash(c.key()) == wanted)
        .map(|c| c.key().to_owned())
        .unwrap_or_else(|| name.trim().to_owned())
}

pub fn describe(output: &ShareOutput) -> String {
    match output {
        ShareOutput::Preview(p) => {
            let mut s = match &p.patient_name {
                Some(n) => format!("Would share {} records of {n}:", p.total),
                None => format!("Would share {} records:", p.total),
            };
            for c in p.counts.iter().filter(|c| c.count > 0) {
                s += &format!("\n  {:<28} {:>8}", c.label, c.count);
            }
            s += "\nSummary sections:";
            for sec in &p.sections {
                if sec.count == 0 {
                    s += &format!("\n  {:<28}  no information", sec.title);
                } else {
                    s += &format!("\n  {:<28} {:>8}", sec.title, sec.count);
                }
            }
            s
        }
        ShareOutput::Report(r) => {
            let mut s = format!(
                "Shared {} records into {} (disclosure log entry {}):",
                r.resources, r.dir, r.ledger_seq
            );
            for f in &r.files {
                s += &format!("\n  {}  ({} bytes, SHA-256 {})", f.name, f.bytes, f.sha256);
            }
            if let Some(uri) = &r.shlink_uri {
                s += &format!(
                    "\nSMART Health Link: {uri}\nSee README.txt in the folder before sending it."
                );
            }
            s
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn categories_are_named_by_key_or_type_in_any_case() {
        assert_eq!(category_key("AllergyIntolerance"), "allergy_intolerance");
        assert_eq!(category_key("labs"), "labs");
        assert_eq!(category_key("Labs"), "labs");
        assert_eq!(
            category_key("ExplanationOfBenefit"),
            "explanation_of_benefit"
        );
        assert_eq!(category_key(" nonsense "), "nonsense");
    }
}
