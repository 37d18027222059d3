//! From the patient's selection to the vault rows to share, and the preview of
//! them. The preview and the share itself run this same selection, so what the
//! patient saw counted is exactly what is written.
//!
//! Record keys are the vault row's primary key as decimal (`"42"`), the same
//! opaque key the records views hand out.

use std::collections::BTreeMap;

use ownchart_fhir::Category;
use ownchart_vault::{ResourceHead, ResourceQuery, Vault};

use super::error::ShareError;
use super::sections;
use super::types::{SectionPreview, SharePreview, ShareSelection};

/// The rows a selection picked, oldest first (Patients included).
#[derive(Debug, Clone)]
pub struct Selected {
    pub heads: Vec<ResourceHead>,
}

impl Selected {
    /// Rows counted by category key.
    pub fn counts(&self) -> BTreeMap<String, u64> {
        let mut m = BTreeMap::new();
        for h in &self.heads {
            *m.entry(h.category.clone()).or_insert(0) += 1;
        }
        m
    }

    /// The first Patient's name as the vault indexed it.
    pub fn patient_name(&self) -> Option<String> {
        self.heads
            .iter()
            .find(|h| h.resource_type == "Patient")
            .and_then(|h| h.display.clone())
    }
}

/// Checks the selection and turns it into a vault query. The Patient is always
/// part of a share: the summary is about them.
pub fn query(selection: &ShareSelection) -> Result<ResourceQuery, ShareError> {
    let always_types = vec!["Patient".to_owned()];
    if !selection.items.is_empty() {
        let keys = selection
            .items
            .iter()
            .map(|k| {
                k.trim()
                    .parse::<i64>()
                    .map_err(|_| ShareError::UnknownItem(k.clone()))
            })
            .collect::<Result<Vec<_>, _>>()?;
        return Ok(ResourceQuery {
            keys: Some(keys),
            always_types,
            ..ResourceQuery::default()
        });
    }
    for c in &selection.categories {
        if Category::from_key(c).is_none() {
            return Err(ShareError::UnknownCategory(c.clone()));
        }
    }
    let from = day(selection.from.as_deref())?;
    let to = day(selection.to.as_deref())?;
    if let (Some(f), Some(t)) = (&from, &to) {
        if f > t {
            return Err(ShareError::InvalidRange);
        }
    }
    Ok(ResourceQuery {
        keys: None,
        categories: (!selection.categories.is_empty()).then(|| selection.categories.clone()),
        from,
        to,
        always_types,
    })
}

/// A `YYYY-MM-DD` day, checked as a real calendar date; blank is "no bound".
fn day(s: Option<&str>) -> Result<Option<String>, ShareError> {
    let Some(s) = s.map(str::trim).filter(|s| !s.is_empty()) else {
        return Ok(None);
    };
    let format = time::macros::format_description!("[year]-[month]-[day]");
    time::Date::parse(s, &format).map_err(|_| ShareError::InvalidDate(s.to_owned()))?;
    Ok(Some(s.to_owned()))
}

/// Runs the selection. Every named record must exist.
pub fn select(vault: &Vault, selection: &ShareSelection) -> Result<Selected, ShareError> {
    let q = query(selection)?;
    let heads = vault.select_resources(&q)?;
    if let Some(keys) = &q.keys {
        for k in keys {
            if !heads.iter().any(|h| h.pk == *k) {
                return Err(ShareError::UnknownItem(k.to_string()));
            }
        }
    }
    Ok(Selected { heads })
}

/// The preview: counts per category, the IPS sections that will be written.
pub fn preview(selected: &Selected) -> crate::Result<SharePreview> {
    let counts = selected.counts();
    let overview = crate::overview::from_counts(counts.clone())?;
    let sections = sections::written(|s| {
        s.categories
            .iter()
            .map(|c| counts.get(*c).copied().unwrap_or(0))
            .sum()
    })
    .into_iter()
    .map(|(s, count)| SectionPreview {
        code: s.code.to_owned(),
        title: s.title.to_owned(),
        count,
        required: s.required,
    })
    .collect();
    Ok(SharePreview {
        counts: overview.categories,
        total: overview.total,
        sections,
        patient_name: selected.patient_name(),
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    fn sel(categories: &[&str], from: Option<&str>, to: Option<&str>) -> ShareSelection {
        ShareSelection {
            categories: categories.iter().map(|s| s.to_string()).collect(),
            from: from.map(str::to_owned),
            to: to.map(str::to_owned),
            items: vec![],
        }
    }

    #[test]
    fn a_selection_becomes_a_query_that_always_includes_the_patient() {
        let q = query(&sel(&["labs", "other"], Some("2020-01-01"), None)).unwrap();
        assert_eq!(q.categories, Some(vec!["labs".into(), "other".into()]));
        assert_eq!(q.from.as_deref(), Some("2020-01-01"));
        assert_eq!(q.to, None);
        assert_eq!(q.always_types, ["Patient"]);
        let q = query(&sel(&[], Some(" "), None)).unwrap();
        assert_eq!((q.categories, q.from), (None, None));
    }

    #[test]
    fn items_replace_the_other_filters() {
        let mut s = sel(&["labs"], Some("2020-01-01"), None);
        s.items = vec!["7".into(), " 12 ".into()];
        let q = query(&s).unwrap();
        assert_eq!(q.keys, Some(vec![7, 12]));
        assert_eq!((q.categories, q.from), (None, None));
        s.items = vec!["Observation/1".into()];
        assert_eq!(query(&s).unwrap_err().code(), "share_unknown_item");
    }

    #[test]
    fn bad_categories_dates_and_ranges_are_refused() {
        let code = |s: ShareSelection| query(&s).unwrap_err().code();
        assert_eq!(code(sel(&["labz"], None, None)), "share_unknown_category");
        assert_eq!(
            code(sel(&[], Some("2020-13-01"), None)),
            "share_invalid_date"
        );
        assert_eq!(
            code(sel(&[], Some("2020-02-30"), None)),
            "share_invalid_date"
        );
        assert_eq!(
            code(sel(&[], None, Some("yesterday"))),
            "share_invalid_date"
        );
        assert_eq!(
            code(sel(&[], Some("2021-01-01"), Some("2020-01-01"))),
            "share_invalid_range"
        );
        assert!(query(&sel(&[], Some("2020-01-01"), Some("2020-01-01"))).is_ok());
    }
}
