//! Reports and documents: the resources that carry prose, HTML and inline
//! binaries, and so the ones a viewer must treat as untrusted.

use rand::Rng;

use super::{concept, fixed_item, Ctx};
use crate::codes::{DOCUMENT_TYPES, IMAGING, LOINC, PANELS, SNOMED};
use crate::json::Obj;
use crate::kinds::{Kind, Showcase};
use crate::random::{chance, one, pick, weighted, R};
use crate::text::{self, DocKind};

const V2_0074: &str = "http://terminology.hl7.org/CodeSystem/v2-0074";

pub(super) fn diagnostic_report(o: &mut Obj<'_>, c: &mut Ctx<'_>, r: &mut R) {
    let at = c.when(r);
    let lab = chance(r, 0.7);
    let code = if lab {
        *pick(r, PANELS)
    } else {
        *pick(r, IMAGING)
    };
    let status = weighted(
        r,
        &[
            ("final", 85),
            ("amended", 5),
            ("preliminary", 5),
            ("partial", 3),
            ("cancelled", 2),
        ],
    );
    let canary = c.canary_here(r, 0.02);
    c.head(o, r, "DiagnosticReport", at, None);
    c.narrative(
        o,
        r,
        0.5,
        code.display,
        &[("Status", status.to_owned()), ("Date", c.dt(at))],
    );
    o.str("status", status);
    o.arr("category", |a| {
        if lab {
            fixed_item(a, V2_0074, "LAB", "Laboratory");
        } else {
            fixed_item(a, V2_0074, "RAD", "Radiology");
            if chance(r, 0.5) {
                fixed_item(a, LOINC, "LP29684-5", "Radiology");
            }
        }
    });
    concept(o, "code", r, LOINC, code, None);
    c.subject(o, "subject", r);
    c.encounter(o, "encounter");
    match r.gen_range(0..20) {
        0..=16 => {
            o.str("effectiveDateTime", &c.dt(at));
        }
        17..=18 => {
            let end = c.dt(at.plus_secs(r.gen_range(600..7_200)));
            super::period(o, "effectivePeriod", &c.dt(at), Some(&end));
        }
        _ => {}
    }
    o.str(
        "issued",
        &at.plus_secs(r.gen_range(3_600..5 * 86_400))
            .instant(Some(r.gen_range(0..1000))),
    );
    o.arr("performer", |a| {
        let index = c.latest(Kind::Organization);
        c.reference_item(
            a,
            "Organization",
            index,
            Some(super::organization_name(c.rec, index)),
        );
    });
    if chance(r, 0.3) {
        o.arr("resultsInterpreter", |a| c.practitioner_item(a, r));
    }
    if lab && !c.trail.labs.is_empty() {
        let take = r.gen_range(1..=c.trail.labs.len().min(6));
        let from = c.trail.labs.len() - take;
        o.arr("result", |a| {
            for &index in &c.trail.labs[from..] {
                c.reference_item(a, "Observation", index, None);
            }
        });
    }
    if !lab || canary.is_some() || c.show == Showcase::Canary {
        let count = r.gen_range(1..4);
        let mut conclusion = text::sentences(r, count);
        if c.show == Showcase::Canary || chance(r, 0.05) {
            // Conclusions are plain strings, but some servers put markup in them.
            conclusion.push(' ');
            conclusion.push_str(text::hostile_snippet(r));
        }
        if let Some(canary) = canary {
            conclusion.push_str(" Patient: ");
            conclusion.push_str(canary);
        }
        o.str("conclusion", &conclusion);
        if chance(r, 0.3) {
            let (code, display) = *pick(r, &[("17621005", "Normal"), ("263654008", "Abnormal")]);
            o.arr("conclusionCode", |a| fixed_item(a, SNOMED, code, display));
        }
    }
    if !lab && chance(r, 0.4) {
        let kind = if chance(r, 0.5) {
            DocKind::Plain
        } else {
            DocKind::Html
        };
        let size = r.gen_range(400..1_500);
        let body = text::document(r, kind, code.display, None, size);
        o.arr("presentedForm", |a| {
            a.obj(|att| {
                att.str("contentType", kind.content_type());
                att.str("data", &text::base64(&body));
                att.int("size", body.len() as i64);
                att.str("title", code.display);
            });
        });
    }
}

pub(super) fn document_reference(o: &mut Obj<'_>, c: &mut Ctx<'_>, r: &mut R) {
    let at = c.when(r);
    let doc_type = *pick(r, DOCUMENT_TYPES);
    // About a quarter inline: with DocumentReference ~4% of a record, ~1% of all
    // resources carry a ~20 KB base64 body, the rest only a link.
    let inline = chance(r, 0.25) || c.show == Showcase::InlineAttachment;
    let canary = c.canary_here(r, 0.05);
    let kind = weighted(
        r,
        &[
            (DocKind::Html, 40),
            (DocKind::Plain, 30),
            (DocKind::Pdf, 30),
        ],
    );
    c.head(o, r, "DocumentReference", at, None);
    c.narrative(
        o,
        r,
        0.4,
        doc_type.display,
        &[("Type", doc_type.display.to_owned()), ("Date", c.dt(at))],
    );
    if chance(r, 0.5) {
        let value = crate::random::alnum(r, 12);
        o.arr("identifier", |a| {
            a.obj(|i| {
                i.str("system", "urn:ietf:rfc:3986")
                    .str("value", &format!("urn:oid:1.2.840.114350.{value}"));
            });
        });
    }
    o.str(
        "status",
        weighted(
            r,
            &[("current", 95), ("superseded", 4), ("entered-in-error", 1)],
        ),
    );
    match r.gen_range(0..10) {
        0..=7 => {
            o.str("docStatus", "final");
        }
        8 => {
            o.str("docStatus", one(r, &["preliminary", "amended"]));
        }
        _ => {}
    }
    concept(o, "type", r, LOINC, doc_type, None);
    o.arr("category", |a| {
        fixed_item(
            a,
            "http://hl7.org/fhir/us/core/CodeSystem/us-core-documentreference-category",
            "clinical-note",
            "Clinical Note",
        );
    });
    c.subject(o, "subject", r);
    if chance(r, 0.9) {
        o.str(
            "date",
            &at.plus_secs(r.gen_range(0..86_400))
                .instant(Some(r.gen_range(0..1000))),
        );
    }
    o.arr("author", |a| {
        c.practitioner_item(a, r);
        if chance(r, 0.3) {
            let index = c.latest(Kind::Organization);
            c.reference_item(a, "Organization", index, None);
        }
    });
    if chance(r, 0.2) {
        c.practitioner(o, "authenticator", r);
    }
    if chance(r, 0.6) {
        c.organization(o, "custodian", r);
    }
    if let Some(canary) = canary {
        o.str("description", &format!("{} — {canary}", doc_type.display));
    } else if chance(r, 0.7) {
        o.str("description", &text::sentences(r, 1));
    }
    if chance(r, 0.05) {
        o.arr("securityLabel", |a| {
            fixed_item(
                a,
                "http://terminology.hl7.org/CodeSystem/v3-Confidentiality",
                "R",
                "restricted",
            );
        });
    }
    let title = format!("{} {}", doc_type.display, at.date());
    let language = chance(r, 0.4).then(|| *pick(r, &["en-US", "fr-FR", "de-CH", "ar", "he", "nb"]));
    let creation = c.dt(at);
    o.arr("content", |a| {
        if inline {
            // Base64 is 4/3 of the body: ~15 KB of text makes ~20 KB of data.
            let size = r.gen_range(11_000..19_000);
            let body = text::document(r, kind, &title, canary, size);
            a.obj(|ct| {
                ct.obj("attachment", |att| {
                    att.str("contentType", kind.content_type());
                    att.opt_str("language", language);
                    att.str("data", &text::base64(&body));
                    att.int("size", body.len() as i64);
                    att.str("title", &title);
                    att.str("creation", &creation);
                });
                format_code(ct);
            });
        } else {
            let copies = if chance(r, 0.2) { 2 } else { 1 };
            for k in 0..copies {
                let kind = if k == 0 { kind } else { DocKind::Pdf };
                let binary = c.rec.id(c.index).replace('-', "");
                let url = match r.gen_range(0..3) {
                    0 => format!("Binary/{binary}{k}"),
                    1 => format!("https://portal.example.org/api/FHIR/R4/Binary/{binary}{k}"),
                    _ => {
                        format!("https://docs.example.org/view?id={binary}&part={k}&fmt=pdf#page=1")
                    }
                };
                a.obj(|ct| {
                    ct.obj("attachment", |att| {
                        att.str("contentType", kind.content_type());
                        att.opt_str("language", language);
                        att.str("url", &url);
                        att.str("title", &title);
                        if chance(r, 0.5) {
                            att.str("creation", &creation);
                        }
                    });
                    format_code(ct);
                });
            }
        }
    });
    o.obj("context", |ctx| {
        if let Some(e) = c.trail.encounter {
            ctx.arr("encounter", |a| {
                c.reference_item(a, "Encounter", e.index, None)
            });
        }
        super::period(ctx, "period", &c.dt(at), None);
        if chance(r, 0.3) {
            ctx.obj("practiceSetting", |p| {
                p.arr("coding", |a| {
                    super::coding(a, SNOMED, "394802001", Some("General medicine"))
                });
            });
        }
    });
}

fn format_code(ct: &mut Obj<'_>) {
    ct.obj("format", |f| {
        f.str(
            "system",
            "http://ihe.net/fhir/ihe.formatcode.fhir/CodeSystem/formatcode",
        )
        .str("code", "urn:ihe:iti:xds:2017:mimeTypeSufficient")
        .str("display", "mimeType Sufficient");
    });
}
