//! Untrusted HTML (a resource's narrative `text.div`, HTML attachments) made
//! inert before it reaches the UI (SECURITY.md TM-14, TM-18; W-01, W-09).
//!
//! The policy is FHIR's narrative allow-list (txt-1: basic formatting, tables,
//! lists, `a`, `img`), enforced by `ammonia`: no script or style elements (their
//! content is dropped too), no event handlers or other unlisted attributes, no
//! `style` attribute at all (so no CSS `url()` or `expression()`), no iframe,
//! object, embed, form, input, base, meta or link, no SVG or MathML. Links keep
//! only http, https and mailto targets, get `rel="noopener noreferrer"` and lose
//! `target`. Images stay only as inline `data:` PNG, JPEG, GIF or WebP; any
//! other image (a remote tracking pixel, SVG) is replaced by a visible
//! "image not shown" note before cleaning, so no request ever leaves.
//!
//! The result is a complete document with its own Content-Security-Policy
//! (`default-src 'none'; img-src data:; style-src 'unsafe-inline'`) for the UI
//! to put in an `<iframe sandbox srcdoc>` without `allow-scripts`.

use std::collections::{HashMap, HashSet};

use ammonia::{Builder, UrlRelative};
use scraper::{Html, Node};

/// The sanitized document and the web links it contains (the sandboxed frame
/// cannot follow them; the UI offers them to open in the system browser after
/// the patient confirms).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sanitized {
    pub html: String,
    pub links: Vec<String>,
}

/// The Content-Security-Policy of every sanitized document.
pub const DOCUMENT_CSP: &str = "default-src 'none'; img-src data:; style-src 'unsafe-inline'";

const BLOCKED_IMAGE: &str = "[image not shown: images from the internet are blocked]";

const TAGS: &[&str] = &[
    "a",
    "abbr",
    "acronym",
    "address",
    "b",
    "big",
    "blockquote",
    "br",
    "caption",
    "center",
    "cite",
    "code",
    "col",
    "colgroup",
    "dd",
    "del",
    "dfn",
    "div",
    "dl",
    "dt",
    "em",
    "font",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "i",
    "img",
    "ins",
    "kbd",
    "li",
    "ol",
    "p",
    "pre",
    "q",
    "s",
    "samp",
    "small",
    "span",
    "strike",
    "strong",
    "sub",
    "sup",
    "table",
    "tbody",
    "td",
    "tfoot",
    "th",
    "thead",
    "tr",
    "tt",
    "u",
    "ul",
    "var",
];

/// Elements removed with everything inside them (their content is code or
/// controls, never text meant for the reader).
const DROP_WITH_CONTENT: &[&str] = &[
    "script", "style", "iframe", "frame", "frameset", "object", "embed", "applet", "noscript",
    "noembed", "noframes", "template", "title", "textarea", "select", "svg", "math", "xmp", "head",
    "audio", "video", "canvas", "button",
];

const IMAGE_TYPES: &[&str] = &["image/png", "image/jpeg", "image/gif", "image/webp"];

/// An `img` source the document may keep: inline base64 of a raster type.
pub fn allowed_image_src(src: &str) -> bool {
    let src = src.trim();
    let Some(rest) = strip_prefix_ci(src, "data:") else {
        return false;
    };
    let Some((mime, data)) = rest.split_once(',') else {
        return false;
    };
    let Some(mime) = strip_suffix_ci(mime.trim(), ";base64") else {
        return false;
    };
    IMAGE_TYPES
        .iter()
        .any(|t| t.eq_ignore_ascii_case(mime.trim()))
        && !data.is_empty()
        && data.bytes().all(|b| {
            b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'=' | b' ' | b'\n' | b'\r')
        })
}

/// A link target the document may keep.
pub fn allowed_href(href: &str) -> bool {
    let h = href.trim();
    strip_prefix_ci(h, "https://").is_some()
        || strip_prefix_ci(h, "http://").is_some()
        || strip_prefix_ci(h, "mailto:").is_some()
}

fn strip_prefix_ci<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    let head = s.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &s[prefix.len()..])
}

fn strip_suffix_ci<'a>(s: &'a str, suffix: &str) -> Option<&'a str> {
    let cut = s.len().checked_sub(suffix.len())?;
    let tail = s.get(cut..)?;
    tail.eq_ignore_ascii_case(suffix).then(|| &s[..cut])
}

fn builder() -> Builder<'static> {
    let mut b = Builder::empty();
    let mut attrs: HashMap<&'static str, HashSet<&'static str>> = HashMap::new();
    attrs.insert("a", ["href", "name"].into());
    attrs.insert("img", ["src", "alt", "width", "height"].into());
    for cell in ["td", "th"] {
        attrs.insert(
            cell,
            ["colspan", "rowspan", "align", "valign", "scope"].into(),
        );
    }
    attrs.insert(
        "table",
        ["border", "cellpadding", "cellspacing", "summary", "width"].into(),
    );
    attrs.insert("col", ["span", "width"].into());
    attrs.insert("colgroup", ["span", "width"].into());
    attrs.insert("ol", ["start", "type"].into());
    attrs.insert("li", ["value"].into());
    attrs.insert("font", ["color", "size"].into());
    b.tags(TAGS.iter().copied().collect())
        .clean_content_tags(DROP_WITH_CONTENT.iter().copied().collect())
        .tag_attributes(attrs)
        .generic_attributes(["title", "lang", "dir"].into())
        .url_schemes(["http", "https", "mailto", "data"].into())
        .url_relative(UrlRelative::Deny)
        .link_rel(Some("noopener noreferrer"))
        .strip_comments(true)
        .attribute_filter(|element, attribute, value| match (element, attribute) {
            ("a", "href") => allowed_href(value).then(|| value.trim().into()),
            ("img", "src") => allowed_image_src(value).then(|| value.trim().into()),
            // `data:` is in the schemes only for images; nothing else may use it.
            (_, _) if strip_prefix_ci(value.trim(), "data:").is_some() => None,
            _ => Some(value.into()),
        });
    b
}

/// Replaces every image the policy would not keep with a visible note, and
/// collects the web links, on a parse of the untrusted input. Ammonia runs on
/// the result, so whatever this step's serialization does is cleaned after.
fn pre_pass(input: &str) -> (String, Vec<String>) {
    let mut doc = Html::parse_fragment(input);
    let mut blocked = Vec::new();
    let mut links = Vec::new();
    for node in doc.tree.nodes() {
        if let Node::Element(e) = node.value() {
            match e.name() {
                "img" if !e.attr("src").is_some_and(allowed_image_src) => blocked.push(node.id()),
                "a" => {
                    if let Some(h) = e.attr("href").map(str::trim) {
                        let web = strip_prefix_ci(h, "https://").is_some()
                            || strip_prefix_ci(h, "http://").is_some();
                        if web && !links.iter().any(|l| l == h) {
                            links.push(h.to_owned());
                        }
                    }
                }
                _ => {}
            }
        }
    }
    for id in blocked {
        if let Some(mut node) = doc.tree.get_mut(id) {
            node.insert_before(Node::Text(scraper::node::Text {
                text: BLOCKED_IMAGE.into(),
            }));
            node.detach();
        }
    }
    (doc.html(), links)
}

/// The inert HTML of an untrusted fragment (no document wrapper).
pub fn clean_fragment(input: &str) -> Sanitized {
    let (prepared, links) = pre_pass(input);
    Sanitized {
        html: builder().clean(&prepared).to_string(),
        links,
    }
}

/// A complete, inert document for a sandboxed frame.
pub fn sanitize_document(input: &str) -> Sanitized {
    let fragment = clean_fragment(input);
    Sanitized {
        html: wrap(&fragment.html),
        links: fragment.links,
    }
}

/// The document around a sanitized body. `color-scheme` lets the system's
/// light or dark colours apply even where the embedding page's policy (a
/// `srcdoc` frame inherits it) keeps the inline style sheet from loading.
fn wrap(body: &str) -> String {
    format!(
        "<!DOCTYPE html><html><head><meta charset=\"utf-8\">\
<meta http-equiv=\"Content-Security-Policy\" content=\"{DOCUMENT_CSP}\">\
<meta name=\"color-scheme\" content=\"light dark\">\
<style>body{{font:14px/1.5 system-ui,sans-serif;margin:8px;color:#1d2430;background:#fff;overflow-wrap:anywhere}}\
table{{border-collapse:collapse}}td,th{{border:1px solid #c8ced8;padding:2px 6px;text-align:left;vertical-align:top}}\
img{{max-width:100%}}a{{color:#1a56b0}}\
@media (prefers-color-scheme:dark){{body{{color:#e4e8ef;background:#161a21}}td,th{{border-color:#3a4250}}a{{color:#8ab4f8}}}}</style>\
</head><body>{body}</body></html>"
    )
}

#[cfg(test)]
mod tests;
