//! Untrusted HTML (a resource's narrative `text.div`, HTML attachments) made
//! inert before it reaches the UI (threat model TM-14, TM-18; W-01, W-09).
//!
//! The policy is FHIR's narrative allow-list (txt-1: basic formatting, tables,
//! lists, `a`, `img`), enforced by `ammonia`: no script or style elements (their
//! content is dropped too), no event handlers or other unlisted attributes, no
//! `style` attribute at all (so no CSS `url()` or `expression()`), no iframe,
//! object, embed, form, input, base, meta or link, no SVG or MathML. Links lose
//! their target altogether: inside the frame they are plain text, and their web
//! addresses are handed to the UI, which lists them outside the frame to open
//! in the system browser after the patient confirms. Images stay only as inline `data:` PNG, JPEG, GIF or WebP; any
//! other image (a remote tracking pixel, SVG) is replaced by a visible
//! "image not shown" note before cleaning, so no request ever leaves.
//!
//! The result is a fragment; the UI puts it into its own frame document (with
//! a no-script Content-Security-Policy) in an `<iframe sandbox srcdoc>` with no
//! sandbox flags at all.

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
    attrs.insert("a", ["name"].into());
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
        // `data:` only for images; links keep no target at all (see above).
        .url_schemes(["data"].into())
        .url_relative(UrlRelative::Deny)
        .strip_comments(true)
        .attribute_filter(|element, attribute, value| match (element, attribute) {
            ("img", "src") => allowed_image_src(value).then(|| value.trim().into()),
            // Only an image may carry a `data:` URL.
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

#[cfg(test)]
mod tests;
