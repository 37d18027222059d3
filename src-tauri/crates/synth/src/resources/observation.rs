//! Observations: vital signs, laboratory results, and the social-history and
//! survey ones that are neither (the importer files those under "other").

use rand::Rng;

use super::{coding, concept, fixed, fixed_item, quantity, Ctx};
use crate::codes::{
    Code, Measure, ALCOHOL, ALCOHOL_TEXT, BP_PANEL, CODED_LABS, GAD7, INTERPRETATION, LABS, LOINC,
    OBS_CATEGORY, PHQ2, SEXUAL_ORIENTATION, SMOKING, SMOKING_ANSWERS, SNOMED, TEXT_LABS, VITALS,
};
use crate::dates::Moment;
use crate::json::Obj;
use crate::random::{around, chance, one, pick, weighted, R};

const VITALS_PROFILE: &str = "http://hl7.org/fhir/StructureDefinition/vitalsigns";

fn category(o: &mut Obj<'_>, code: &str, display: &str, extra_lab: bool) {
    o.arr("category", |a| {
        fixed_item(a, OBS_CATEGORY, code, display);
        if extra_lab {
            // Some servers add their own category coding next to the standard one.
            fixed_item(
                a,
                "http://terminology.hl7.org/CodeSystem/v2-0074",
                "LAB",
                "Laboratory",
            );
        }
    });
}

/// effectiveDateTime most of the time, effectivePeriod for measurements taken
/// over a while (a choice type importers must handle both ways).
fn effective(o: &mut Obj<'_>, c: &Ctx<'_>, r: &mut R, at: Moment) {
    if chance(r, 0.94) {
        o.str("effectiveDateTime", &c.dt(at));
    } else {
        let end = c.dt(at.plus_secs(r.gen_range(300..86_400)));
        super::period(o, "effectivePeriod", &c.dt(at), Some(&end));
    }
}

fn interpretation(o: &mut Obj<'_>, value: f64, normal: (f64, f64)) {
    let (lo, hi) = normal;
    let (code, display) = if value > hi * 1.5 && hi > 0.0 {
        ("HH", "Critical high")
    } else if value > hi {
        ("H", "High")
    } else if value < lo * 0.7 {
        ("LL", "Critical low")
    } else if value < lo {
        ("L", "Low")
    } else {
        ("N", "Normal")
    };
    o.arr("interpretation", |a| {
        a.obj(|cc| {
            cc.arr("coding", |a| coding(a, INTERPRETATION, code, Some(display)));
            cc.str("text", display);
        });
    });
}

fn draw(r: &mut R, m: &Measure) -> f64 {
    let v = around(r, m.lo, m.hi);
    let scale = 10f64.powi(m.places as i32);
    (v * scale).round() / scale
}

pub(super) fn vital_sign(o: &mut Obj<'_>, c: &mut Ctx<'_>, r: &mut R) {
    let at = c.when(r);
    let panel = chance(r, 0.15);
    let m = *pick(r, VITALS);
    let value = draw(r, &m);
    let (sys, dia) = (draw(r, &VITALS[1]), draw(r, &VITALS[2]));
    let code = if panel { BP_PANEL } else { m.loinc };
    c.head(o, r, "Observation", at, Some(VITALS_PROFILE));
    let shown = if panel {
        format!("{sys:.0}/{dia:.0} mmHg")
    } else {
        format!("{value:.*} {}", m.places, m.unit)
    };
    c.narrative(
        o,
        r,
        0.35,
        code.display,
        &[("Value", shown), ("When", c.dt(at))],
    );
    o.str("status", if chance(r, 0.03) { "amended" } else { "final" });
    category(o, "vital-signs", "Vital Signs", false);
    concept(o, "code", r, LOINC, code, None);
    c.subject(o, "subject", r);
    c.encounter(o, "encounter");
    effective(o, c, r, at);
    if chance(r, 0.5) {
        o.str(
            "issued",
            &at.plus_secs(r.gen_range(60..3_600))
                .instant(Some(r.gen_range(0..1000))),
        );
    }
    if chance(r, 0.4) {
        o.arr("performer", |a| c.practitioner_item(a, r));
    }
    if panel {
        o.arr("component", |a| {
            for (m, v) in [(&VITALS[1], sys), (&VITALS[2], dia)] {
                a.obj(|comp| {
                    concept(comp, "code", r, LOINC, m.loinc, None);
                    quantity(comp, "valueQuantity", v, m.places, m.unit, m.ucum);
                });
            }
        });
    } else if chance(r, 0.02) {
        // Measured but not recorded: no value at all, only the reason.
        fixed(
            o,
            "dataAbsentReason",
            "http://terminology.hl7.org/CodeSystem/data-absent-reason",
            "unknown",
            "Unknown",
        );
    } else {
        quantity(o, "valueQuantity", value, m.places, m.unit, m.ucum);
        if m.loinc.code == "8867-4" && value > 100.0 {
            interpretation(o, value, (60.0, 100.0));
        }
    }
}

#[derive(Clone, Copy)]
enum LabShape {
    Quantity,
    Coded,
    Text,
}

pub(super) fn lab_result(o: &mut Obj<'_>, c: &mut Ctx<'_>, r: &mut R) {
    let at = c.when(r);
    let shape = weighted(
        r,
        &[
            (LabShape::Quantity, 80),
            (LabShape::Coded, 12),
            (LabShape::Text, 8),
        ],
    );
    let m = *pick(r, LABS);
    let coded = *pick(r, CODED_LABS);
    let answer = *pick(r, coded.1);
    let text_lab = *pick(r, TEXT_LABS);
    let text_value = *pick(r, text_lab.1);
    let value = draw(r, &m);
    let code: Code = match shape {
        LabShape::Quantity => m.loinc,
        LabShape::Coded => coded.0,
        LabShape::Text => text_lab.0,
    };
    let shown = match shape {
        LabShape::Quantity => format!("{value:.*} {}", m.places, m.unit),
        LabShape::Coded => answer.display.to_owned(),
        LabShape::Text => text_value.to_owned(),
    };
    c.head(o, r, "Observation", at, None);
    c.narrative(
        o,
        r,
        0.35,
        code.display,
        &[("Result", shown), ("Collected", c.dt(at))],
    );
    o.str(
        "status",
        one(
            r,
            &[
                "final",
                "final",
                "final",
                "final",
                "amended",
                "corrected",
                "preliminary",
            ],
        ),
    );
    category(o, "laboratory", "Laboratory", chance(r, 0.2));
    let local = chance(r, 0.3).then(|| format!("{}", r.gen_range(1000..99_999)));
    concept(
        o,
        "code",
        r,
        LOINC,
        code,
        local
            .as_deref()
            .map(|l| ("urn:oid:1.2.840.114350.1.13.0.1.7.5.737384.2768", l)),
    );
    c.subject(o, "subject", r);
    c.encounter(o, "encounter");
    effective(o, c, r, at);
    o.str(
        "issued",
        &at.plus_secs(r.gen_range(1_800..3 * 86_400))
            .instant(Some(r.gen_range(0..1000))),
    );
    if chance(r, 0.6) {
        o.arr("performer", |a| {
            let index = c.latest(crate::kinds::Kind::Organization);
            let name = super::organization_name(c.rec, index);
            c.reference_item(a, "Organization", index, Some(name));
        });
    }
    match shape {
        LabShape::Quantity => {
            quantity(o, "valueQuantity", value, m.places, m.unit, m.ucum);
            if let Some(normal) = m.normal {
                if chance(r, 0.85) {
                    interpretation(o, value, normal);
                }
                let text = chance(r, 0.4);
                o.arr("referenceRange", |a| {
                    a.obj(|rr| {
                        if normal.0 > 0.0 {
                            quantity(rr, "low", normal.0, m.places, m.unit, m.ucum);
                        }
                        quantity(rr, "high", normal.1, m.places, m.unit, m.ucum);
                        if text {
                            let t = if normal.0 > 0.0 {
                                format!(
                                    "{:.*}–{:.*} {}",
                                    m.places, normal.0, m.places, normal.1, m.unit
                                )
                            } else {
                                format!("<{:.*} {}", m.places, normal.1, m.unit)
                            };
                            rr.str("text", &t);
                        }
                    });
                });
            }
        }
        LabShape::Coded => {
            concept(o, "valueCodeableConcept", r, SNOMED, answer, None);
        }
        LabShape::Text => {
            o.str("valueString", text_value);
        }
    }
    if chance(r, 0.08) {
        c.note(o, r, None);
    }
}

#[derive(Clone, Copy)]
enum Social {
    Smoking,
    AlcoholPerDay,
    AlcoholText,
    Orientation,
    Phq2,
    Gad7,
    Uncategorised,
}

pub(super) fn social_history(o: &mut Obj<'_>, c: &mut Ctx<'_>, r: &mut R) {
    let at = c.when(r);
    let which = weighted(
        r,
        &[
            (Social::Smoking, 35),
            (Social::AlcoholPerDay, 15),
            (Social::AlcoholText, 15),
            (Social::Orientation, 10),
            (Social::Phq2, 10),
            (Social::Gad7, 5),
            (Social::Uncategorised, 10),
        ],
    );
    let code = match which {
        Social::Smoking => SMOKING,
        Social::AlcoholPerDay => ALCOHOL,
        Social::AlcoholText => ALCOHOL_TEXT,
        Social::Orientation => SEXUAL_ORIENTATION,
        Social::Phq2 => PHQ2,
        Social::Gad7 => GAD7,
        Social::Uncategorised => VITALS[10].loinc,
    };
    c.head(o, r, "Observation", at, None);
    c.narrative(o, r, 0.3, code.display, &[("Recorded", c.dt(at))]);
    o.str("status", "final");
    match which {
        Social::Phq2 | Social::Gad7 => category(o, "survey", "Survey", false),
        // Category is optional in FHIR; records from older systems leave it out.
        Social::Uncategorised => {}
        _ => category(o, "social-history", "Social History", false),
    }
    concept(o, "code", r, LOINC, code, None);
    c.subject(o, "subject", r);
    if chance(r, 0.5) {
        c.encounter(o, "encounter");
    }
    effective(o, c, r, at);
    match which {
        Social::Smoking => {
            let answer = *pick(r, SMOKING_ANSWERS);
            concept(o, "valueCodeableConcept", r, SNOMED, answer, None);
        }
        Social::AlcoholPerDay => {
            quantity(
                o,
                "valueQuantity",
                f64::from(r.gen_range(0..6u8)),
                0,
                "{drinks}/d",
                "{drinks}/d",
            );
        }
        Social::AlcoholText => {
            o.str(
                "valueString",
                one(
                    r,
                    &[
                        "Social drinker, 2–3 glasses of wine/week",
                        "None",
                        "Quit in 2012 — \"1 day at a time\"",
                        "Bier am Wochenende",
                    ],
                ),
            );
        }
        Social::Orientation => {
            if chance(r, 0.3) {
                fixed(
                    o,
                    "dataAbsentReason",
                    "http://terminology.hl7.org/CodeSystem/data-absent-reason",
                    "asked-declined",
                    "Asked But Declined",
                );
            } else {
                let answer = *pick(
                    r,
                    &[
                        Code {
                            code: "20430005",
                            display: "Heterosexual (finding)",
                        },
                        Code {
                            code: "38628009",
                            display: "Homosexual (finding)",
                        },
                        Code {
                            code: "42035005",
                            display: "Bisexual (finding)",
                        },
                    ],
                );
                concept(o, "valueCodeableConcept", r, SNOMED, answer, None);
            }
        }
        Social::Phq2 | Social::Gad7 | Social::Uncategorised => {
            // valueInteger: yet another member of the value[x] choice.
            o.int("valueInteger", r.gen_range(0..7));
        }
    }
}
