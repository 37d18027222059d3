//! Searchset Bundles: one page of matches with `total` and `self`/`next` links on the
//! portal's own origin, and the page-level faults (a truncated page, a `next` loop or a
//! `next` link to another origin, entries that do not belong, a huge page streamed to the
//! wanted size, a page that stalls after its first bytes).

use std::convert::Infallible;
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::http::header::CONTENT_LENGTH;
use axum::http::{HeaderValue, StatusCode};
use axum::response::Response;
use serde::Serialize;
use serde_json::value::RawValue;

use super::compress::uncompressed;
use super::respond::{fhir, internal_error};
use super::search::Query;
use crate::data::Stored;
use crate::faults::Elsewhere;
use crate::flavor::Flavor;

/// Faults that change a search page.
#[derive(Debug, Default)]
pub(crate) struct PageFaults {
    pub malformed: bool,
    pub next_loop: bool,
    pub huge: Option<u64>,
    /// Entries added after the matches (the foreign-entries fault).
    pub extra: Vec<ExtraEntry>,
    pub next_elsewhere: Option<Elsewhere>,
    pub stall: Option<Duration>,
}

/// An entry that is not one of the search's matches.
#[derive(Debug)]
pub(crate) struct ExtraEntry {
    pub type_name: String,
    pub id: String,
    pub resource: Box<RawValue>,
    pub mode: &'static str,
}

#[derive(Serialize)]
struct Link {
    relation: &'static str,
    url: String,
}

#[derive(Serialize)]
struct SearchMode {
    mode: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Entry<'a> {
    full_url: String,
    resource: &'a RawValue,
    search: SearchMode,
}

#[derive(Serialize)]
struct Meta {
    #[serde(rename = "lastUpdated")]
    last_updated: String,
}

/// `entry` last, so a page can be padded by appending entries.
#[derive(Serialize)]
struct Bundle<'a> {
    #[serde(rename = "resourceType")]
    resource_type: &'static str,
    meta: Meta,
    #[serde(rename = "type")]
    kind: &'static str,
    total: usize,
    link: Vec<Link>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    entry: Vec<Entry<'a>>,
}

/// Where the page is served from.
pub(crate) struct PageAt<'a> {
    pub flavor: Flavor,
    pub base: &'a str,
    pub type_name: &'a str,
    /// The raw query string of this request.
    pub raw_query: Option<&'a str>,
}

impl PageAt<'_> {
    fn url(&self, query: &str) -> String {
        if query.is_empty() {
            format!("{}/{}", self.base, self.type_name)
        } else {
            format!("{}/{}?{}", self.base, self.type_name, query)
        }
    }
}

/// The page of `matches` that `q` asks for.
pub(crate) fn searchset(
    at: &PageAt<'_>,
    matches: &[&Stored],
    q: &Query,
    faults: &PageFaults,
) -> Response {
    let total = matches.len();
    let page: &[&Stored] = if q.count == 0 {
        &[]
    } else {
        let end = q.offset.saturating_add(q.count).min(total);
        matches.get(q.offset.min(end)..end).unwrap_or(&[])
    };
    let mut links = vec![Link {
        relation: "self",
        url: at.url(at.raw_query.unwrap_or("")),
    }];
    let next = if let (Some(to), true) = (faults.next_elsewhere, q.count > 0 && q.offset == 0) {
        Some(elsewhere(
            &at.url(&format!("_page={}", q.page_token(q.count))),
            to,
        ))
    } else if faults.next_loop && q.count > 0 {
        Some(if q.offset == 0 {
            at.url(&format!("_page={}", q.page_token(q.count)))
        } else {
            at.url(&q.first_page)
        })
    } else if q.count > 0 && q.offset + q.count < total {
        Some(at.url(&format!("_page={}", q.page_token(q.offset + q.count))))
    } else {
        None
    };
    if let Some(url) = next {
        links.push(Link {
            relation: "next",
            url,
        });
    }
    let extra = faults.extra.iter().map(|e| Entry {
        full_url: format!("{}/{}/{}", at.base, e.type_name, e.id),
        resource: &e.resource,
        search: SearchMode { mode: e.mode },
    });
    let entry: Vec<Entry<'_>> = page
        .iter()
        .filter_map(|s| {
            Some(Entry {
                full_url: format!("{}/{}/{}", at.base, at.type_name, s.id),
                resource: s.json(at.flavor)?,
                search: SearchMode { mode: "match" },
            })
        })
        .chain(extra)
        .collect();
    let filler = entry.first().and_then(|e| serde_json::to_vec(e).ok());
    let bundle = Bundle {
        resource_type: "Bundle",
        meta: Meta {
            last_updated: crate::data::now_instant(),
        },
        kind: "searchset",
        total,
        link: links,
        entry,
    };
    let Ok(mut body) = serde_json::to_vec(&bundle) else {
        return internal_error();
    };
    if let Some(bytes) = faults.huge {
        return huge(at.flavor, body, filler, bytes, bundle.entry.is_empty());
    }
    if faults.malformed {
        body.truncate(body.len() / 2);
    }
    if let Some(pause) = faults.stall {
        return stalled(at.flavor, body, pause);
    }
    fhir(at.flavor, StatusCode::OK, body)
}

/// `url` moved to another origin, keeping its path and query.
fn elsewhere(url: &str, to: Elsewhere) -> String {
    let Ok(mut u) = url::Url::parse(url) else {
        return url.to_owned();
    };
    let moved = match to {
        Elsewhere::OtherHost => u.set_host(Some("127.0.0.2")).is_ok(),
        Elsewhere::OtherDomain => {
            u.set_scheme("https").is_ok()
                && u.set_host(Some("elsewhere.example")).is_ok()
                && u.set_port(None).is_ok()
        }
        Elsewhere::OtherScheme => u.set_scheme("https").is_ok(),
    };
    if moved {
        u.into()
    } else {
        url.to_owned()
    }
}

/// Sends the headers and the first bytes of `body`, then waits `pause` before the rest.
fn stalled(flavor: Flavor, body: Vec<u8>, pause: Duration) -> Response {
    let body = Bytes::from(body);
    let length = body.len();
    let first = body.slice(..length.min(64));
    let rest = body.slice(length.min(64)..);
    let later = futures_util::stream::once(async move {
        tokio::time::sleep(pause).await;
        Ok::<Bytes, Infallible>(rest)
    });
    let parts = futures_util::StreamExt::chain(futures_util::stream::iter([Ok(first)]), later);
    let mut r = fhir(flavor, StatusCode::OK, Body::from_stream(parts));
    r.headers_mut()
        .insert(CONTENT_LENGTH, HeaderValue::from(length));
    uncompressed(r)
}

/// Pads a page with copies of an entry until it is at least `target` bytes, streamed so
/// that even gigabytes are never held in memory.
fn huge(
    flavor: Flavor,
    body: Vec<u8>,
    filler: Option<Vec<u8>>,
    target: u64,
    no_entries: bool,
) -> Response {
    let filler = filler.unwrap_or_else(|| {
        br#"{"fullUrl":"urn:uuid:padding","resource":{"resourceType":"OperationOutcome","issue":[{"severity":"information","code":"informational","diagnostics":"padding"}]},"search":{"mode":"outcome"}}"#.to_vec()
    });
    // Open the entry list again: `...]}` or, with no entries, `...}`.
    let (mut head, first_sep): (Vec<u8>, &[u8]) = if no_entries {
        (
            body[..body.len().saturating_sub(1)].to_vec(),
            b",\"entry\":[",
        )
    } else {
        (body[..body.len().saturating_sub(2)].to_vec(), b",")
    };
    head.extend_from_slice(first_sep);
    head.extend_from_slice(&filler);
    let tail = Bytes::from_static(b"]}");
    let unit = filler.len() as u64 + 1;
    let fixed = head.len() as u64 + tail.len() as u64;
    let copies = target.saturating_sub(fixed).div_ceil(unit);
    let per_chunk = (65_536 / unit).max(1);
    let mut chunk = Vec::with_capacity((per_chunk * unit) as usize);
    for _ in 0..per_chunk.min(copies.max(1)) {
        chunk.push(b',');
        chunk.extend_from_slice(&filler);
    }
    let chunk = Bytes::from(chunk);
    let (full, rest) = (copies / per_chunk, copies % per_chunk);
    let remainder = chunk.slice(..(rest * unit) as usize);
    let length = fixed + copies * unit;
    let parts = std::iter::once(Bytes::from(head))
        .chain(std::iter::repeat_n(chunk, full as usize))
        .chain(std::iter::once(remainder))
        .chain(std::iter::once(tail))
        .map(Ok::<Bytes, Infallible>);
    let mut r = fhir(
        flavor,
        StatusCode::OK,
        Body::from_stream(futures_util::stream::iter(parts)),
    );
    r.headers_mut()
        .insert(CONTENT_LENGTH, HeaderValue::from(length));
    uncompressed(r)
}
