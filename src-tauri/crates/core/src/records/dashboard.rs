//! The dashboard: the newest value of each vital sign, the active problems,
//! medications and allergies, and the latest records.

use ownchart_vault::{RecordFilter, Vault};

use super::charts::series;
use super::list::Labels;
use super::types::Dashboard;
use crate::Result;

/// How many active items of each kind the dashboard lists.
const ACTIVE_LIMIT: usize = 50;

pub fn dashboard(vault: &Vault) -> Result<Dashboard> {
    let labels = Labels::load(vault)?;
    let items =
        |rows: Vec<ownchart_vault::RecordRow>| rows.iter().map(|r| labels.item(r)).collect();
    let problems = vault.records_with_status(
        "condition",
        &["active", "recurrence", "relapse"],
        false,
        ACTIVE_LIMIT,
    )?;
    let mut meds =
        vault.records_with_status("medication_request", &["active"], false, ACTIVE_LIMIT)?;
    meds.extend(vault.records_with_status(
        "medication_statement",
        &["active", "intended"],
        false,
        ACTIVE_LIMIT,
    )?);
    meds.sort_by(|a, b| b.clinical_date.cmp(&a.clinical_date).then(b.pk.cmp(&a.pk)));
    meds.truncate(ACTIVE_LIMIT);
    // An allergy without a clinical status is still an allergy to know about.
    let allergies =
        vault.records_with_status("allergy_intolerance", &["active"], true, ACTIVE_LIMIT)?;
    let all = RecordFilter::default();
    Ok(Dashboard {
        latest_vitals: series(vault, Some("vitals"))?,
        active_problems: items(problems),
        active_medications: items(meds),
        allergies: items(allergies),
        recent: items(vault.records_page(&all, None, 10)?),
        total: vault.records_count(&all)?,
    })
}
