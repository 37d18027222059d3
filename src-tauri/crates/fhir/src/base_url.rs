//! Building addresses under a FHIR base. Segments are appended (and
//! percent-encoded) one by one, so a base with or without a trailing slash, or an
//! id with odd characters, can never change which path is requested.

use url::Url;

/// `base` + `/seg1/seg2…`, without the base's query or fragment.
pub(crate) fn under(base: &Url, segments: &[&str]) -> Url {
    let mut url = base.clone();
    url.set_query(None);
    url.set_fragment(None);
    if let Ok(mut path) = url.path_segments_mut() {
        path.pop_if_empty();
        path.extend(segments);
    }
    url
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    #[test]
    fn appends_with_or_without_a_trailing_slash() {
        for base in [
            "https://f.example/r4",
            "https://f.example/r4/",
            "https://f.example/r4?x=1",
        ] {
            let base = Url::parse(base).unwrap();
            assert_eq!(
                under(&base, &["metadata"]).as_str(),
                "https://f.example/r4/metadata"
            );
        }
        let root = Url::parse("https://f.example").unwrap();
        assert_eq!(
            under(&root, &[".well-known", "smart-configuration"]).as_str(),
            "https://f.example/.well-known/smart-configuration"
        );
    }

    #[test]
    fn segments_are_encoded() {
        let base = Url::parse("https://f.example/r4").unwrap();
        assert_eq!(
            under(&base, &["Patient", "../x?y#z"]).as_str(),
            "https://f.example/r4/Patient/..%2Fx%3Fy%23z"
        );
    }
}
