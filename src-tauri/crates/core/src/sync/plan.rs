//! From a request and what the portal offers to the list of queries a run
//! makes: the 16 categories of seed 002 as FHIR searches, each checked against
//! the scopes the patient granted and the server's CapabilityStatement (a
//! category the portal cannot give is skipped with the reason, not silently),
//! and the date filters mapped to each type's own date parameter.

use ownchart_fhir::search::Capabilities;
use ownchart_fhir::{Category, FhirVersion};

use super::error::codes;
use super::types::SyncRequest;

/// One category as a search.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CategoryQuery {
    pub category: Category,
    /// The R4 type searched.
    pub r4_type: &'static str,
    /// The parameter naming the patient (`_id` for the Patient itself).
    pub patient_param: &'static str,
    /// A fixed `category` filter (Observation categories).
    pub category_filter: Option<&'static str>,
    /// This type's date search parameters, preferred first.
    pub date_params: &'static [&'static str],
}

const OBS_CATEGORY: &str = "http://terminology.hl7.org/CodeSystem/observation-category|";

/// The 16 categories, in seed 002's order.
pub const CATEGORY_QUERIES: [CategoryQuery; 16] = [
    q(Category::Patient, "Patient", "_id", None, &[]),
    q(
        Category::Immunization,
        "Immunization",
        "patient",
        None,
        &["date"],
    ),
    q(
        Category::AllergyIntolerance,
        "AllergyIntolerance",
        "patient",
        None,
        &["date"],
    ),
    q(
        Category::MedicationRequest,
        "MedicationRequest",
        "patient",
        None,
        &["authoredon"],
    ),
    q(
        Category::MedicationStatement,
        "MedicationStatement",
        "patient",
        None,
        &["effective"],
    ),
    q(
        Category::Vitals,
        "Observation",
        "patient",
        Some("vital-signs"),
        &["date"],
    ),
    q(
        Category::Labs,
        "Observation",
        "patient",
        Some("laboratory"),
        &["date"],
    ),
    q(
        Category::DiagnosticReport,
        "DiagnosticReport",
        "patient",
        None,
        &["date"],
    ),
    q(
        Category::Condition,
        "Condition",
        "patient",
        None,
        &["onset-date", "recorded-date"],
    ),
    q(Category::Procedure, "Procedure", "patient", None, &["date"]),
    q(
        Category::FamilyMemberHistory,
        "FamilyMemberHistory",
        "patient",
        None,
        &["date"],
    ),
    q(
        Category::DocumentReference,
        "DocumentReference",
        "patient",
        None,
        &["date"],
    ),
    q(Category::CareTeam, "CareTeam", "patient", None, &["date"]),
    q(Category::CarePlan, "CarePlan", "patient", None, &["date"]),
    q(
        Category::ExplanationOfBenefit,
        "ExplanationOfBenefit",
        "patient",
        None,
        &["created"],
    ),
    q(Category::Coverage, "Coverage", "beneficiary", None, &[]),
];

const fn q(
    category: Category,
    r4_type: &'static str,
    patient_param: &'static str,
    category_filter: Option<&'static str>,
    date_params: &'static [&'static str],
) -> CategoryQuery {
    CategoryQuery {
        category,
        r4_type,
        patient_param,
        category_filter,
        date_params,
    }
}

/// The type name a server of `version` uses for an R4 type.
pub fn server_type(r4_type: &str, version: FhirVersion) -> &str {
    match (version, r4_type) {
        (FhirVersion::Dstu2, "MedicationRequest") => "MedicationOrder",
        _ => r4_type,
    }
}

/// A query as planned for one run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedQuery {
    pub spec: CategoryQuery,
    /// `None`: the query runs. `Some`: why it is skipped, as `(code, sentence)`.
    pub skip: Option<(u32, String)>,
    /// The search parameters of the first page (besides `_count`).
    pub params: Vec<(String, String)>,
    /// The dates are checked here rather than by the server.
    pub local_dates: bool,
    /// Asked only for what changed since this server time.
    pub since: Option<String>,
}

/// The dates of a request, normalized.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DateFilter {
    pub from: Option<String>,
    pub to: Option<String>,
    pub exclude_undated: bool,
}

impl DateFilter {
    pub fn from_request(r: &SyncRequest) -> Result<DateFilter, String> {
        let norm = |s: &Option<String>, what: &str| -> Result<Option<String>, String> {
            match s.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
                None => Ok(None),
                Some(v) if valid_date(v) => Ok(Some(v.to_owned())),
                Some(_) => Err(format!(
                    "The {what} date must look like 2024-01-31 or 2024-01-31T12:00:00Z."
                )),
            }
        };
        let f = DateFilter {
            from: norm(&r.from_time, "from")?,
            to: norm(&r.to_time, "to")?,
            exclude_undated: r.exclude_undated_entries,
        };
        if let (Some(a), Some(b)) = (&f.from, &f.to) {
            if a.get(..10) > b.get(..10) {
                return Err("The from date is after the to date.".to_owned());
            }
        }
        Ok(f)
    }

    pub fn has_range(&self) -> bool {
        self.from.is_some() || self.to.is_some()
    }

    pub fn is_empty(&self) -> bool {
        !self.has_range() && !self.exclude_undated
    }

    /// Whether a resource with this clinical date passes (checked locally).
    pub fn keeps(&self, clinical_date: Option<&str>) -> bool {
        let Some(d) = clinical_date.filter(|d| !d.is_empty()) else {
            return !self.exclude_undated;
        };
        // Compare at the precision both sides have: "2020" overlaps "2020-05-01".
        let cmp = |bound: &str| {
            let n = d.len().min(bound.len()).min(10);
            d[..n].cmp(&bound[..n])
        };
        self.from.as_deref().is_none_or(|f| cmp(f).is_ge())
            && self.to.as_deref().is_none_or(|t| cmp(t).is_le())
    }
}

/// `YYYY`, `YYYY-MM`, `YYYY-MM-DD` or an RFC 3339 instant.
fn valid_date(s: &str) -> bool {
    let b = s.as_bytes();
    let digits =
        |r: std::ops::Range<usize>| b.get(r).is_some_and(|x| x.iter().all(u8::is_ascii_digit));
    match b.len() {
        4 => digits(0..4),
        7 => digits(0..4) && b[4] == b'-' && digits(5..7),
        10 => digits(0..4) && b[4] == b'-' && digits(5..7) && b[7] == b'-' && digits(8..10),
        _ => crate::clock::parse_rfc3339(s).is_some(),
    }
}

/// The categories a request asks for (all when it names none). Unknown keys are
/// an error the patient can read.
pub fn requested(r: &SyncRequest) -> Result<Vec<Category>, String> {
    let Some(keys) = r.categories.as_ref().filter(|k| !k.is_empty()) else {
        return Ok(CATEGORY_QUERIES.iter().map(|q| q.category).collect());
    };
    let mut out = Vec::new();
    for key in keys {
        let c = CATEGORY_QUERIES
            .iter()
            .map(|q| q.category)
            .find(|c| c.key() == key.as_str() || seed_name(*c).eq_ignore_ascii_case(key))
            .ok_or_else(|| format!("\"{key}\" is not one of the record categories."))?;
        if !out.contains(&c) {
            out.push(c);
        }
    }
    Ok(out)
}

/// The name seed 002 uses for a category (`Vitals`, `Labs`, or the type name).
pub fn seed_name(c: Category) -> &'static str {
    match c {
        Category::Vitals => "Vitals",
        Category::Labs => "Labs",
        _ => CATEGORY_QUERIES
            .iter()
            .find(|q| q.category == c)
            .map_or("Other", |q| q.r4_type),
    }
}

/// Whether the granted scopes let Ownchart search `r4_type` (SMART v1
/// `patient/Type.read` and `patient/*.read`, v2 `patient/Type.rs`). An empty
/// grant (the portal did not say) is taken as "everything asked for".
pub fn scopes_allow(granted: &str, r4_type: &str) -> bool {
    let scopes: Vec<&str> = granted.split_whitespace().collect();
    if scopes.iter().all(|s| !s.contains('/')) {
        return true;
    }
    scopes.iter().any(|s| {
        let Some((context, rest)) = s.split_once('/') else {
            return false;
        };
        if !matches!(context, "patient" | "user" | "system") {
            return false;
        }
        let rest = rest.split('?').next().unwrap_or(rest);
        let Some((ty, perms)) = rest.split_once('.') else {
            return false;
        };
        (ty == "*" || ty == r4_type)
            && (perms == "read"
                || perms == "*"
                || (perms.chars().all(|c| "cruds".contains(c)) && perms.contains('s')))
    })
}

/// Plans one category. `since` is the incremental cursor, when one applies.
pub fn plan_query(
    spec: CategoryQuery,
    patient_id: &str,
    version: FhirVersion,
    capabilities: &Capabilities,
    granted_scopes: &str,
    dates: &DateFilter,
    since: Option<&str>,
) -> PlannedQuery {
    let ty = server_type(spec.r4_type, version);
    let mut planned = PlannedQuery {
        spec,
        skip: None,
        params: Vec::new(),
        local_dates: false,
        since: None,
    };
    let label = spec.category.label();
    if version == FhirVersion::Dstu2 && matches!(spec.r4_type, "CareTeam" | "ExplanationOfBenefit")
    {
        planned.skip = Some((
            codes::NOT_SUPPORTED,
            format!(
                "{label}: this portal uses an older FHIR version (DSTU2) that has no such records."
            ),
        ));
        return planned;
    }
    if !capabilities.can_search(ty) {
        planned.skip = Some((
            codes::NOT_SUPPORTED,
            format!("{label}: this portal does not offer these records."),
        ));
        return planned;
    }
    if !scopes_allow(granted_scopes, spec.r4_type) && !scopes_allow(granted_scopes, ty) {
        planned.skip = Some((
            codes::NOT_PERMITTED,
            format!("{label}: the access you granted the portal does not include these records. Reconnect and allow them to download them."),
        ));
        return planned;
    }
    // Some servers name the patient differently (`subject`); use what they list.
    let patient_param = match capabilities.search_param(ty, spec.patient_param) {
        Some(false) if spec.patient_param != "_id" => ["patient", "subject", "beneficiary"]
            .into_iter()
            .find(|p| capabilities.search_param(ty, p) == Some(true))
            .unwrap_or(spec.patient_param),
        _ => spec.patient_param,
    };
    planned
        .params
        .push((patient_param.to_owned(), patient_id.to_owned()));
    if let Some(cat) = spec.category_filter {
        let value = match version {
            FhirVersion::Dstu2 => cat.to_owned(),
            _ => format!("{OBS_CATEGORY}{cat}"),
        };
        planned.params.push(("category".to_owned(), value));
    }
    if spec.category != Category::Patient && !dates.is_empty() {
        // Server-side dates cannot return undated records, so they are used
        // only when those are to be left out anyway.
        let server_param = spec
            .date_params
            .iter()
            .find(|p| capabilities.search_param(ty, p) == Some(true));
        match server_param {
            Some(p) if dates.exclude_undated && dates.has_range() => {
                if let Some(f) = &dates.from {
                    planned.params.push(((*p).to_owned(), format!("ge{f}")));
                }
                if let Some(t) = &dates.to {
                    planned.params.push(((*p).to_owned(), format!("le{t}")));
                }
            }
            _ => planned.local_dates = true,
        }
    }
    if let Some(since) = since {
        if capabilities.search_param(ty, "_lastUpdated") == Some(true) {
            planned
                .params
                .push(("_lastUpdated".to_owned(), format!("ge{since}")));
            planned.since = Some(since.to_owned());
        }
    }
    planned
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    fn caps(json: &str) -> Capabilities {
        Capabilities::parse(json.as_bytes())
    }

    const CAPS: &str = r#"{"resourceType":"CapabilityStatement","rest":[{"mode":"server","resource":[
        {"type":"Observation","interaction":[{"code":"search-type"}],"searchParam":[{"name":"patient"},{"name":"category"},{"name":"date"},{"name":"_lastUpdated"}]},
        {"type":"Coverage","interaction":[{"code":"search-type"}],"searchParam":[{"name":"patient"},{"name":"beneficiary"}]},
        {"type":"MedicationRequest","interaction":[{"code":"search-type"}],"searchParam":[{"name":"patient"},{"name":"date"}]},
        {"type":"MedicationOrder","interaction":[{"code":"search-type"}],"searchParam":[{"name":"patient"}]}]}]}"#;

    #[test]
    fn categories_map_to_searches_with_their_filters() {
        let c = caps(CAPS);
        let labs = CATEGORY_QUERIES[6];
        let dates = DateFilter {
            from: Some("2020-01-01".into()),
            to: None,
            exclude_undated: true,
        };
        let p = plan_query(
            labs,
            "p1",
            FhirVersion::R4,
            &c,
            "patient/*.rs",
            &dates,
            Some("2025-01-01T00:00:00Z"),
        );
        assert_eq!(p.skip, None);
        assert_eq!(
            p.params,
            vec![
                ("patient".into(), "p1".into()),
                ("category".into(), format!("{OBS_CATEGORY}laboratory")),
                ("date".into(), "ge2020-01-01".into()),
                ("_lastUpdated".into(), "ge2025-01-01T00:00:00Z".into()),
            ]
        );
        // Undated records wanted: the server cannot give them with a date search.
        let keep_undated = DateFilter {
            exclude_undated: false,
            ..dates.clone()
        };
        let p = plan_query(labs, "p1", FhirVersion::R4, &c, "", &keep_undated, None);
        assert!(p.local_dates);
        assert_eq!(p.params.len(), 2);
        // MedicationRequest's own date parameter is not listed: checked locally.
        let p = plan_query(
            CATEGORY_QUERIES[3],
            "p1",
            FhirVersion::R4,
            &c,
            "",
            &dates,
            None,
        );
        assert!(p.local_dates);
        let cov = plan_query(
            CATEGORY_QUERIES[15],
            "p1",
            FhirVersion::R4,
            &c,
            "",
            &DateFilter::default(),
            None,
        );
        assert_eq!(cov.params, vec![("beneficiary".into(), "p1".into())]);
    }

    #[test]
    fn unsupported_and_unpermitted_categories_are_skipped_with_a_reason() {
        let c = caps(CAPS);
        let none = DateFilter::default();
        let p = plan_query(
            CATEGORY_QUERIES[13],
            "p1",
            FhirVersion::R4,
            &c,
            "",
            &none,
            None,
        );
        assert_eq!(p.skip.unwrap().0, codes::NOT_SUPPORTED);
        let p = plan_query(
            CATEGORY_QUERIES[6],
            "p1",
            FhirVersion::R4,
            &c,
            "patient/Condition.read launch/patient",
            &none,
            None,
        );
        assert_eq!(p.skip.unwrap().0, codes::NOT_PERMITTED);
        let p = plan_query(
            CATEGORY_QUERIES[14],
            "p1",
            FhirVersion::Dstu2,
            &Capabilities::default(),
            "",
            &none,
            None,
        );
        assert_eq!(p.skip.unwrap().0, codes::NOT_SUPPORTED);
        // DSTU2 names MedicationRequest MedicationOrder.
        let p = plan_query(
            CATEGORY_QUERIES[3],
            "p1",
            FhirVersion::Dstu2,
            &c,
            "patient/*.read",
            &none,
            None,
        );
        assert_eq!(p.skip, None);
    }

    #[test]
    fn scopes_v1_v2_and_granular() {
        assert!(scopes_allow("patient/*.read", "Coverage"));
        assert!(scopes_allow("patient/*.rs offline_access", "Coverage"));
        assert!(scopes_allow(
            "patient/Observation.rs?category=laboratory",
            "Observation"
        ));
        assert!(!scopes_allow("patient/Observation.r", "Observation"));
        assert!(!scopes_allow("patient/Condition.read", "Observation"));
        assert!(scopes_allow("openid fhirUser", "Observation"));
    }

    #[test]
    fn requests_and_local_dates() {
        let r = SyncRequest {
            categories: Some(vec!["labs".into(), "Coverage".into(), "labs".into()]),
            ..Default::default()
        };
        assert_eq!(
            requested(&r).unwrap(),
            vec![Category::Labs, Category::Coverage]
        );
        assert!(requested(&SyncRequest {
            categories: Some(vec!["x".into()]),
            ..Default::default()
        })
        .is_err());
        assert_eq!(requested(&SyncRequest::default()).unwrap().len(), 16);
        let f = DateFilter::from_request(&SyncRequest {
            from_time: Some("2020-01-01".into()),
            to_time: Some("2020-12-31T23:59:59Z".into()),
            ..Default::default()
        })
        .unwrap();
        assert!(f.keeps(Some("2020-05-01T10:00:00-05:00")));
        assert!(f.keeps(Some("2020")));
        assert!(!f.keeps(Some("2019-12-31")));
        assert!(!f.keeps(Some("2021-01-01")));
        assert!(f.keeps(None));
        assert!(!DateFilter {
            exclude_undated: true,
            ..f
        }
        .keeps(None));
        assert!(DateFilter::from_request(&SyncRequest {
            from_time: Some("yesterday".into()),
            ..Default::default()
        })
        .is_err());
        assert!(DateFilter::from_request(&SyncRequest {
            from_time: Some("2021-01-01".into()),
            to_time: Some("2020-01-01".into()),
            ..Default::default()
        })
        .is_err());
    }
}
