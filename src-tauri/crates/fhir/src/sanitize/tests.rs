//! The XSS corpus (OWASP filter-evasion families and DOMPurify's mutation-XSS
//! history): every vector's output is parsed with a real HTML5 parser and must
//! hold no script-capable element, no event handler, no style attribute and no
//! dangerous URL anywhere.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use scraper::{Html, Node};

use super::*;

const VECTORS: &[&str] = &[
    "<script>alert(1)</script>",
    "<SCRIPT SRC=http://xss.example/xss.js></SCRIPT>",
    "<img src=x onerror=alert(1)>",
    "<IMG SRC=\"javascript:alert('XSS');\">",
    "<IMG SRC=JaVaScRiPt:alert('XSS')>",
    "<IMG SRC=&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;&#97;&#108;&#101;&#114;&#116;&#40;&#39;&#88;&#83;&#83;&#39;&#41;>",
    "<IMG SRC=&#x6A&#x61&#x76&#x61&#x73&#x63&#x72&#x69&#x70&#x74&#x3A&#x61&#x6C&#x65&#x72&#x74&#x28&#x27&#x58&#x53&#x53&#x27&#x29>",
    "<IMG SRC=\"jav&#x09;ascript:alert('XSS');\">",
    "<a href=\"javascript:alert(1)\">a</a>",
    "<a href=\" JaVaScRiPt:alert(2)\">b</a>",
    "<a href=\"jav&#x0A;ascript:alert(1)\">c</a>",
    "<a href=\"vbscript:msgbox(1)\">d</a>",
    "<a href=\"VBScript:msgbox(1)\">d2</a>",
    "<a href=\"data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==\">e</a>",
    "<a href=\"&#106;avascript:alert(1)\">f</a>",
    "<a href=\"javascript&colon;alert(1)\">g</a>",
    "<a href=\"  &#14;  javascript:alert(1)\">h</a>",
    "<a href=\"livescript:alert(1)\">i</a>",
    "<iframe src=\"https://evil.example\"></iframe>",
    "<iframe srcdoc=\"<script>alert(1)</script>\"></iframe>",
    "<object data=\"https://evil.example/x.swf\"></object>",
    "<embed src=\"https://evil.example/y.swf\">",
    "<form action=\"https://evil.example\"><input name=p type=password><button formaction=\"javascript:alert(1)\">Go</button></form>",
    "<isindex action=javascript:alert(1) type=image>",
    "<base href=\"https://evil.example/\">",
    "<meta http-equiv=\"refresh\" content=\"0;url=https://evil.example/\">",
    "<link rel=stylesheet href=\"https://evil.example/x.css\">",
    "<p style=\"background-image:url('https://evil.example/t.gif')\">styled</p>",
    "<div style=\"width: expression(alert(1))\">expr</div>",
    "<div style=\"background:url(javascript:alert(1))\">bg</div>",
    "<style>@import url(https://evil.example/x.css); p { background: url(\"javascript:alert(4)\") }</style>",
    "<svg onload=alert(1)>",
    "<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>",
    "<svg><a xlink:href=\"javascript:alert(1)\"><text>x</text></a></svg>",
    "<svg><animate attributeName=href values=javascript:alert(1) /><a><text>y</text></a></svg>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(5)>",
    "<math href=\"javascript:alert(1)\">m</math>",
    "<template><script>alert(1)</script></template>",
    "<noscript><p title=\"</noscript><img src=x onerror=alert(1)>\">",
    "<img src=\"x\" alt=\"unclosed onerror=alert(1)//",
    "<div onmouseover=\"alert(1)\">hover</div>",
    "<body onload=alert(1)>",
    "<input autofocus onfocus=alert(1)>",
    "<table background=\"javascript:alert(1)\"><tr><td>t</td></tr></table>",
    "<img src=\"https://tracker.example/p.gif?who=patient\" width=\"1\" height=\"1\">",
    "<img src=\"data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+\">",
    "<img srcset=\"https://evil.example/a.png 1x\">",
    "<a href=\"https://ok.example/\" target=\"_blank\" onclick=\"x()\">ok</a>",
    "<!-- <script>alert(1)</script> --><![CDATA[<script>alert(2)</script>]]>",
    "<scr<script>ipt>alert(1)</script>",
    "<<script>alert(1);//<</script>",
    "<video><source onerror=\"alert(1)\"></video>",
    "<details open ontoggle=alert(1)>",
    "</div><script>alert('break out')</script><div>",
    "<frameset><frame src=\"javascript:alert(1)\"></frameset>",
    "<xmp><script>alert(1)</script></xmp>",
    "<select><option><script>alert(1)</script></option></select>",
    "<keygen autofocus onfocus=alert(1)>",
    "<marquee onstart=alert(1)>",
    "<p><svg><style><img src=x onerror=alert(1)></style></svg></p>",
    "<form><math><mtext></form><form><mglyph><style></math><img src onerror=alert(1)>",
    "<a href=\"http://ok.example/\"><img src=\"data:image/png;base64,iVBORw0KGgo=\" onload=\"alert(1)\"></a>",
];

fn dangerous_url(v: &str) -> bool {
    let squeezed: String = v
        .chars()
        .filter(|c| !c.is_whitespace() && !c.is_control())
        .collect::<String>()
        .to_lowercase();
    [
        "javascript:",
        "vbscript:",
        "livescript:",
        "data:text",
        "data:image/svg",
    ]
    .iter()
    .any(|s| squeezed.starts_with(s) || squeezed.contains(&format!("({s}")))
}

/// Everything that must never be in a sanitized body.
fn assert_inert(body_html: &str, vector: &str) {
    let doc = Html::parse_document(body_html);
    for node in doc.tree.nodes() {
        let Node::Element(e) = node.value() else {
            continue;
        };
        let name = e.name().to_ascii_lowercase();
        assert!(
            !matches!(
                name.as_str(),
                "script"
                    | "style"
                    | "iframe"
                    | "frame"
                    | "frameset"
                    | "object"
                    | "embed"
                    | "form"
                    | "input"
                    | "button"
                    | "base"
                    | "meta"
                    | "link"
                    | "svg"
                    | "math"
                    | "template"
                    | "noscript"
                    | "isindex"
                    | "keygen"
                    | "video"
                    | "source"
                    | "details"
                    | "marquee"
                    | "select"
                    | "xmp"
                    | "applet"
            ),
            "element <{name}> survived {vector:?}: {body_html}"
        );
        for (attr, value) in e.attrs() {
            let a = attr.to_ascii_lowercase();
            assert!(
                !a.starts_with("on"),
                "handler {a} survived {vector:?}: {body_html}"
            );
            assert!(
                !matches!(
                    a.as_str(),
                    "style"
                        | "target"
                        | "srcset"
                        | "srcdoc"
                        | "formaction"
                        | "action"
                        | "background"
                        | "xlink:href"
                        | "href"
                ),
                "attribute {a} survived {vector:?}: {body_html}"
            );
            assert!(
                !dangerous_url(value),
                "url {value} survived {vector:?}: {body_html}"
            );
            if a == "src" {
                assert!(allowed_image_src(value), "src {value} survived {vector:?}");
            }
        }
    }
}

#[test]
fn the_corpus_has_at_least_40_vectors_and_every_output_is_inert() {
    assert!(VECTORS.len() >= 40);
    for v in VECTORS {
        let out = clean_fragment(v);
        assert_inert(&out.html, v);
        // Also inside a FHIR narrative div.
        let div = format!("<div xmlns=\"http://www.w3.org/1999/xhtml\">{v}<p>after</p></div>");
        assert_inert(&clean_fragment(&div).html, v);
        for l in &out.links {
            assert!(l.starts_with("http://") || l.starts_with("https://"));
        }
    }
}

#[test]
fn all_vectors_at_once_and_a_second_pass_changes_nothing() {
    let all = VECTORS.concat();
    let once = clean_fragment(&all).html;
    assert_inert(&once, "all");
    // Sanitizing sanitized output is stable: no mutation on a second parse.
    assert_eq!(clean_fragment(&once).html, once);
}

#[test]
fn remote_images_become_a_note_and_inline_rasters_stay() {
    let out = clean_fragment(
        "<p>Chart: <img src=\"https://tracker.example/p.gif\"> and \
         <img alt=\"scan\" src=\"data:image/png;base64,iVBORw0KGgo=\"></p>",
    );
    assert!(out.html.contains("[image not shown"));
    assert!(!out.html.contains("tracker.example"));
    assert!(out
        .html
        .contains("src=\"data:image/png;base64,iVBORw0KGgo=\""));
    assert!(allowed_image_src("DATA:image/JPEG;BASE64,/9j/4AAQ"));
    assert!(!allowed_image_src("data:image/png,<svg>"));
    assert!(!allowed_image_src("data:image/svg+xml;base64,PHN2Zz4="));
    assert!(!allowed_image_src("https://x.example/a.png"));
}

#[test]
fn links_are_inert_in_the_html_and_web_links_are_listed() {
    let out = clean_fragment(
        "<a href=\"https://portal.example/x?a=1&amp;b=2\" target=\"_top\">results</a> \
         <a href=\"mailto:doc@example.org\">mail</a> <a href=\"javascript:alert(1)\">bad</a>",
    );
    assert!(!out.html.contains("href"), "{}", out.html);
    assert!(!out.html.contains("target"));
    assert!(out.html.contains(">results</a>") && out.html.contains(">mail</a>"));
    assert_eq!(
        out.links,
        vec!["https://portal.example/x?a=1&b=2".to_owned()]
    );
    assert!(out.html.contains(">bad</a>") || out.html.contains("bad"));
}

#[test]
fn ordinary_narratives_keep_their_text_and_tables() {
    let n =
        "<div xmlns=\"http://www.w3.org/1999/xhtml\"><h3>Résumé 血压</h3><table><tr><th>Test</th>\
             <td colspan=\"2\">6.1 %</td></tr></table><ul><li>one</li></ul></div>";
    let out = clean_fragment(n).html;
    for kept in [
        "<h3>Résumé 血压</h3>",
        "<th>Test</th>",
        "colspan=\"2\"",
        "<li>one</li>",
    ] {
        assert!(out.contains(kept), "{kept} missing from {out}");
    }
}
