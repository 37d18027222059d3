//! Turning a downloaded directory source into entries: check the size, detect
//! the format (a FHIR Bundle → Brands; a JSON array → endpoint list), read it,
//! merge entries that share a FHIR base, and describe the source.

use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;
use url::Url;

use super::error::{DirectoryError, Result};
use super::infer::{self, SourceHints};
use super::merge::{self, short_hash, Parsed};
use super::types::{DirectoryEntry, DirectorySourceFormat, DirectorySourceView};
use super::{brands, endpoint_list};

/// Larger than any published list (Epic's brands bundle is tens of MiB), small
/// enough that a wrong URL cannot exhaust memory.
pub const MAX_SOURCE_BYTES: usize = 64 << 20;

/// A source read and normalized, ready to be cached and indexed.
#[derive(Debug, Clone)]
pub struct Imported {
    pub view: DirectorySourceView,
    pub entries: Vec<DirectoryEntry>,
    /// Items that gave no entry (no usable secure address, no name, unreadable).
    pub skipped: u32,
    /// Items folded into another entry with the same FHIR base.
    pub merged: u32,
}

pub fn import(url: &Url, bytes: &[u8], fetched_at: OffsetDateTime) -> Result<Imported> {
    let url = infer::usable_base(url.as_str()).ok_or(DirectoryError::InsecureUrl)?;
    if bytes.len() > MAX_SOURCE_BYTES {
        return Err(DirectoryError::TooLarge {
            limit_mib: MAX_SOURCE_BYTES >> 20,
        });
    }
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let (format, parsed): (DirectorySourceFormat, Parsed) =
        match bytes.iter().find(|b| !b.is_ascii_whitespace()) {
            Some(b'[') => (
                DirectorySourceFormat::EndpointList,
                endpoint_list::parse(bytes).ok_or(DirectoryError::Unrecognized)?,
            ),
            Some(b'{') => (
                DirectorySourceFormat::BrandsBundle,
                brands::parse(bytes).ok_or(DirectoryError::Unrecognized)?,
            ),
            _ => return Err(DirectoryError::Unrecognized),
        };
    if parsed.candidates.is_empty() {
        return Err(DirectoryError::NoUsableEntries {
            skipped: parsed.skipped,
        });
    }
    let id = source_id(&url);
    let name = source_name(&url);
    let merged = merge::merge(
        parsed.candidates,
        &id,
        &name,
        SourceHints::from_source_url(&url),
    );
    Ok(Imported {
        view: DirectorySourceView {
            id,
            name,
            url: url.as_str().to_owned(),
            format,
            entry_count: merged.entries.len() as u32,
            fetched_at: fetched_at
                .to_offset(time::UtcOffset::UTC)
                .format(&Rfc3339)
                .unwrap_or_default(),
        },
        entries: merged.entries,
        skipped: parsed.skipped,
        merged: merged.merged,
    })
}

/// Derived from the URL, so a later download of the same URL replaces it.
pub fn source_id(url: &Url) -> String {
    format!("src-{}", short_hash(url.as_str()))
}

/// A source id is only ever one of ours; anything else is refused before it
/// could become part of a file path.
pub fn is_source_id(id: &str) -> bool {
    id.strip_prefix("src-")
        .is_some_and(|h| h.len() == 16 && h.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// "epic-R4 (open.epic.com)": the file name the patient may recognize, and
/// where it came from.
fn source_name(url: &Url) -> String {
    let host = url.host_str().unwrap_or_default();
    let file = url
        .path_segments()
        .and_then(|mut s| s.rfind(|seg| !seg.is_empty()))
        .map(|f| f.strip_suffix(".json").unwrap_or(f))
        .unwrap_or_default();
    if file.is_empty() {
        host.to_owned()
    } else {
        format!("{file} ({host})")
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    fn now() -> OffsetDateTime {
        OffsetDateTime::from_unix_timestamp(1_750_000_000).unwrap()
    }

    fn u(s: &str) -> Url {
        Url::parse(s).unwrap()
    }

    #[test]
    fn a_list_becomes_a_described_source() {
        let url = u("https://lists.test/vendors/epic-R4.json");
        let bytes = br#"[{"id":"x","name":"Clinic","url":"https://c.test/api/FHIR/R4/"}]"#;
        let got = import(&url, bytes, now()).unwrap();
        assert_eq!(got.view.format, DirectorySourceFormat::EndpointList);
        assert_eq!(got.view.name, "epic-R4 (lists.test)");
        assert_eq!(got.view.entry_count, 1);
        assert_eq!(got.view.fetched_at, "2025-06-15T15:06:40Z");
        assert!(is_source_id(&got.view.id));
        assert_eq!(got.entries[0].id, format!("{}:x", got.view.id));
        assert_eq!(source_id(&url), got.view.id);
        assert_ne!(source_id(&u("https://lists.test/other.json")), got.view.id);
    }

    #[test]
    fn bom_and_whitespace_are_fine() {
        let bytes = b"\xEF\xBB\xBF \n[{\"id\":\"x\",\"name\":\"C\",\"url\":\"https://c.test/r4\"}]";
        assert!(import(&u("https://l.test/a.json"), bytes, now()).is_ok());
    }

    #[test]
    fn refusals() {
        let list = br#"[{"id":"x","name":"C","url":"https://c.test/r4"}]"#;
        let code = |url: &str, bytes: &[u8]| import(&u(url), bytes, now()).unwrap_err().code();
        assert_eq!(code("http://lists.test/a.json", list), "insecure_url");
        assert_eq!(
            code("https://l.test/a", b"<html>not json</html>"),
            "directory_unrecognized"
        );
        assert_eq!(code("https://l.test/a", b""), "directory_unrecognized");
        assert_eq!(
            code("https://l.test/a", br#"{"resourceType":"Patient"}"#),
            "directory_unrecognized"
        );
        assert_eq!(code("https://l.test/a", b"[1,2"), "directory_unrecognized");
        let none = br#"[{"id":"x","name":"C","url":"http://c.test/r4"}]"#;
        let e = import(&u("https://l.test/a"), none, now()).unwrap_err();
        assert_eq!(e.code(), "directory_empty");
        assert!(e.to_string().contains("1 entries were skipped"), "{e}");
        let mut big = b"[".to_vec();
        big.resize(MAX_SOURCE_BYTES + 1, b' ');
        assert_eq!(code("https://l.test/a", &big), "directory_too_large");
    }

    #[test]
    fn loopback_http_sources_are_allowed() {
        let list = br#"[{"id":"x","name":"C","url":"http://127.0.0.1:9/r4"}]"#;
        let got = import(&u("http://127.0.0.1:8080/list.json"), list, now()).unwrap();
        assert_eq!(got.entries[0].fhir_base, "http://127.0.0.1:9/r4");
    }

    #[test]
    fn ids_are_only_ours() {
        assert!(is_source_id("src-0123456789abcdef"));
        assert!(!is_source_id("src-../../etc/passwd"));
        assert!(!is_source_id("builtin"));
    }
}
