//! FHIR search: the parameters the portal understands (`_id`, `patient`, `subject`,
//! Coverage's `beneficiary`, `category`, `date`, `_lastUpdated`, `_count`, `_format`), the opaque page token of
//! `next` links, and running a search over one patient's record. Unknown parameters are
//! refused with 400 unless the request says `Prefer: handling=lenient`.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde::{Deserialize, Serialize};

use crate::data::{date_elements, has_category, parse_date, Data, Span, Stored, Token};
use crate::flavor::Flavor;

pub(crate) const DEFAULT_COUNT: usize = 50;
pub(crate) const MAX_COUNT: usize = 200;

/// Why a search cannot be answered.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Refusal {
    /// 400 with this explanation.
    Bad(String),
    /// 403: the search reaches into another patient's record.
    Forbidden(String),
    /// 406: a format other than JSON was asked for.
    NotAcceptable,
}

/// One page of a search: its filters and where the page starts.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub(crate) struct Query {
    /// The type name in the URL the search was made on.
    #[serde(rename = "t")]
    pub type_name: String,
    #[serde(rename = "p")]
    pub params: Vec<(String, String)>,
    #[serde(rename = "c")]
    pub count: usize,
    #[serde(rename = "o")]
    pub offset: usize,
    /// The raw query string of the first page, so a looping `next` can point back to it.
    #[serde(rename = "q")]
    pub first_page: String,
    /// Whether this query came from a page link (not part of the token).
    #[serde(skip)]
    pub from_page_link: bool,
}

impl Query {
    /// The opaque token of the page at `offset`.
    pub(crate) fn page_token(&self, offset: usize) -> String {
        let page = Query {
            offset,
            ..self.clone()
        };
        URL_SAFE_NO_PAD.encode(serde_json::to_vec(&page).unwrap_or_default())
    }
}

/// Whether a `_format` value names JSON.
pub(crate) fn is_json_format(format: &str) -> bool {
    matches!(
        format,
        "json" | "application/json" | "application/fhir+json" | "application/json+fhir"
    )
}

/// Reads a search request on `type_name`.
pub(crate) fn parse(type_name: &str, raw: Option<&str>) -> Result<Query, Refusal> {
    let pairs: Vec<(String, String)> = url::form_urlencoded::parse(raw.unwrap_or("").as_bytes())
        .into_owned()
        .collect();
    let mut params = Vec::new();
    let mut count = DEFAULT_COUNT;
    let mut page = None;
    for (name, value) in pairs {
        match name.as_str() {
            "_format" if is_json_format(&value) => {}
            "_format" => return Err(Refusal::NotAcceptable),
            "_count" => {
                let n: usize = value.parse().map_err(|_| {
                    Refusal::Bad(format!("_count must be a whole number, not \"{value}\"."))
                })?;
                count = n.min(MAX_COUNT);
            }
            "_page" => page = Some(value),
            _ => params.push((name, value)),
        }
    }
    let Some(token) = page else {
        return Ok(Query {
            type_name: type_name.to_owned(),
            params,
            count,
            offset: 0,
            first_page: raw.unwrap_or("").to_owned(),
            from_page_link: false,
        });
    };
    if !params.is_empty() {
        return Err(Refusal::Bad(
            "A page link cannot be combined with other search parameters.".into(),
        ));
    }
    let stale = || Refusal::Bad("The page link is not valid for this search.".into());
    let bytes = URL_SAFE_NO_PAD
        .decode(token.as_bytes())
        .map_err(|_| stale())?;
    let mut q: Query = serde_json::from_slice(&bytes).map_err(|_| stale())?;
    if q.type_name != type_name || q.count > MAX_COUNT {
        return Err(stale());
    }
    q.from_page_link = true;
    Ok(q)
}

/// A `category` value: `code`, `system|code`, `|code` (no system) or `system|`.
#[derive(Debug)]
struct TokenQuery {
    system: Option<String>,
    code: Option<String>,
}

impl TokenQuery {
    fn parse(s: &str) -> TokenQuery {
        match s.split_once('|') {
            None => TokenQuery {
                system: None,
                code: Some(s.to_owned()),
            },
            Some((system, code)) => TokenQuery {
                system: Some(system.to_owned()),
                code: (!code.is_empty()).then(|| code.to_owned()),
            },
        }
    }

    fn matches(&self, t: &Token) -> bool {
        let system_ok = match self.system.as_deref() {
            None => true,
            Some("") => t.system.is_none(),
            Some(s) => t.system.as_deref() == Some(s),
        };
        system_ok && self.code.as_deref().is_none_or(|c| c == t.code)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Prefix {
    Eq,
    Ne,
    Gt,
    Lt,
    Ge,
    Le,
}

/// A `date` or `_lastUpdated` value, compared as FHIR defines for ranges.
#[derive(Debug)]
struct DateFilter {
    prefix: Prefix,
    span: Span,
}

impl DateFilter {
    fn parse(name: &str, value: &str) -> Result<DateFilter, Refusal> {
        let (prefix, rest) = match value.get(..2) {
            Some("eq") => (Prefix::Eq, &value[2..]),
            Some("ne") => (Prefix::Ne, &value[2..]),
            Some("gt") => (Prefix::Gt, &value[2..]),
            Some("lt") => (Prefix::Lt, &value[2..]),
            Some("ge") => (Prefix::Ge, &value[2..]),
            Some("le") => (Prefix::Le, &value[2..]),
            Some("sa" | "eb" | "ap") => {
                return Err(Refusal::Bad(format!(
                    "The {name} prefixes sa, eb and ap are not supported."
                )))
            }
            _ => (Prefix::Eq, value),
        };
        let span = parse_date(rest).ok_or_else(|| {
            Refusal::Bad(format!(
                "{name} has a date this server cannot read: \"{value}\"."
            ))
        })?;
        Ok(DateFilter { prefix, span })
    }

    fn matches(&self, target: Option<Span>) -> bool {
        let Some(t) = target else {
            return false;
        };
        let s = self.span;
        let within = s.start <= t.start && t.end <= s.end;
        match self.prefix {
            Prefix::Eq => within,
            Prefix::Ne => !within,
            Prefix::Gt => t.end > s.end,
            Prefix::Lt => t.start < s.start,
            Prefix::Ge => t.end > s.end || within,
            Prefix::Le => t.start < s.start || within,
        }
    }
}

/// A `patient`/`subject` value: a patient id, or a reference to something else.
#[derive(Debug)]
enum Subject {
    Patient(String),
    Other,
}

impl Subject {
    fn parse(value: &str) -> Subject {
        match value.rsplit_once('/') {
            None => Subject::Patient(value.to_owned()),
            Some((prefix, id)) if prefix == "Patient" || prefix.ends_with("/Patient") => {
                Subject::Patient(id.to_owned())
            }
            Some(_) => Subject::Other,
        }
    }
}

/// The filters of a search, checked against the type.
#[derive(Debug, Default)]
pub(crate) struct Filters {
    ids: Option<Vec<String>>,
    subjects: Vec<Subject>,
    categories: Vec<Vec<TokenQuery>>,
    dates: Vec<DateFilter>,
    updated: Vec<DateFilter>,
}

impl Filters {
    pub(crate) fn parse(
        r4_type: &str,
        params: &[(String, String)],
        lenient: bool,
    ) -> Result<Filters, Refusal> {
        let mut f = Filters::default();
        for (name, value) in params {
            match name.as_str() {
                "_id" => f
                    .ids
                    .get_or_insert_with(Vec::new)
                    .extend(value.split(',').map(str::to_owned)),
                "patient" | "subject" if r4_type != "Patient" => {
                    f.subjects.push(Subject::parse(value))
                }
                "beneficiary" if r4_type == "Coverage" => f.subjects.push(Subject::parse(value)),
                "category" if has_category(r4_type) => f
                    .categories
                    .push(value.split(',').map(TokenQuery::parse).collect()),
                "date" if !date_elements(r4_type).is_empty() => {
                    f.dates.push(DateFilter::parse("date", value)?)
                }
                "_lastUpdated" => f.updated.push(DateFilter::parse("_lastUpdated", value)?),
                _ if lenient => {}
                _ => {
                    return Err(Refusal::Bad(format!(
                        "This server does not support the search parameter \"{name}\" here."
                    )))
                }
            }
        }
        Ok(f)
    }

    fn matches(&self, s: &Stored) -> bool {
        self.ids.as_ref().is_none_or(|ids| ids.contains(&s.id))
            && self.categories.iter().all(|any| {
                any.iter()
                    .any(|q| s.index.categories.iter().any(|t| q.matches(t)))
            })
            && self.dates.iter().all(|d| d.matches(s.index.clinical))
            && self.updated.iter().all(|d| d.matches(s.index.last_updated))
    }
}

/// Runs a search of `r4_type` in `user`'s record, refusing one that names another patient.
pub(crate) fn run<'d>(
    data: &'d Data,
    user: usize,
    flavor: Flavor,
    r4_type: &str,
    filters: &Filters,
) -> Result<Vec<&'d Stored>, Refusal> {
    let Some(record) = data.records.get(user) else {
        return Ok(Vec::new());
    };
    let mut none = false;
    for subject in &filters.subjects {
        match subject {
            Subject::Patient(id) if *id == record.patient_id => {}
            Subject::Patient(_) => {
                return Err(Refusal::Forbidden(
                    "This access does not cover another patient's records.".into(),
                ))
            }
            Subject::Other => none = true,
        }
    }
    for id in filters.ids.iter().flatten() {
        if data.find(r4_type, id).is_some_and(|(u, _)| u != user) {
            return Err(Refusal::Forbidden(
                "This access does not cover another patient's records.".into(),
            ));
        }
    }
    if none {
        return Ok(Vec::new());
    }
    Ok(record
        .resources
        .iter()
        .filter(|s| s.r4_type == r4_type && s.json(flavor).is_some() && filters.matches(s))
        .collect())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    fn span(s: &str) -> Option<Span> {
        parse_date(s)
    }

    #[test]
    fn date_prefixes_compare_ranges_as_fhir_says() {
        let day = span("2020-05-01T10:00:00Z");
        let f = |v: &str| DateFilter::parse("date", v).unwrap();
        assert!(f("2020-05-01").matches(day));
        assert!(f("ge2020-05-01").matches(day));
        assert!(f("le2020-05-01").matches(day));
        assert!(!f("gt2020-05-01").matches(day));
        assert!(!f("lt2020-05-01").matches(day));
        assert!(f("gt2020-04-30").matches(day));
        assert!(f("lt2020-05-02").matches(day));
        assert!(!f("ge2020-05-02").matches(day));
        assert!(f("ne2020-05-02").matches(day));
        assert!(f("2020").matches(day));
        assert!(!f("2020").matches(None));
        assert!(DateFilter::parse("date", "ap2020").is_err());
        assert!(DateFilter::parse("date", "ge2020-02-30").is_err());
    }

    #[test]
    fn category_tokens_match_with_or_without_system() {
        let lab = Token {
            system: Some("http://terminology.hl7.org/CodeSystem/observation-category".into()),
            code: "laboratory".into(),
        };
        assert!(TokenQuery::parse("laboratory").matches(&lab));
        assert!(TokenQuery::parse(
            "http://terminology.hl7.org/CodeSystem/observation-category|laboratory"
        )
        .matches(&lab));
        assert!(
            TokenQuery::parse("http://terminology.hl7.org/CodeSystem/observation-category|")
                .matches(&lab)
        );
        assert!(!TokenQuery::parse("|laboratory").matches(&lab));
        assert!(!TokenQuery::parse("other|laboratory").matches(&lab));
        assert!(!TokenQuery::parse("vital-signs").matches(&lab));
    }

    #[test]
    fn page_tokens_round_trip_and_are_bound_to_their_type() {
        let q = parse(
            "Observation",
            Some("patient=p&_count=10&category=laboratory"),
        )
        .unwrap();
        assert_eq!(q.count, 10);
        let token = q.page_token(10);
        let next = parse("Observation", Some(&format!("_page={token}"))).unwrap();
        assert_eq!(next.offset, 10);
        assert_eq!(next.params, q.params);
        assert!(matches!(
            parse("Condition", Some(&format!("_page={token}"))),
            Err(Refusal::Bad(_))
        ));
        assert!(matches!(
            parse("Observation", Some(&format!("_page={token}&date=2020"))),
            Err(Refusal::Bad(_))
        ));
        assert!(matches!(
            parse("Observation", Some("_page=garbage")),
            Err(Refusal::Bad(_))
        ));
        assert_eq!(
            parse("Observation", Some("_count=5000")).unwrap().count,
            MAX_COUNT
        );
        assert_eq!(
            parse("Observation", Some("_format=xml")),
            Err(Refusal::NotAcceptable)
        );
    }

    #[test]
    fn unknown_parameters_are_refused_unless_lenient() {
        let p = vec![("_sort".to_owned(), "date".to_owned())];
        assert!(Filters::parse("Observation", &p, false).is_err());
        assert!(Filters::parse("Observation", &p, true).is_ok());
        let d = vec![("date".to_owned(), "2020".to_owned())];
        assert!(Filters::parse("Patient", &d, false).is_err());
        let s = vec![("patient".to_owned(), "x".to_owned())];
        assert!(Filters::parse("Patient", &s, false).is_err());
    }
}
