//! Problems, procedures, immunizations, allergies and family history: the
//! clinical summary a patient is most likely to read.

use rand::Rng;

use super::{age_at, coding, concept, concept_item, fixed, fixed_item, quantity, Ctx};
use crate::codes::{
    ALLERGENS, CONDITIONS, CVX, ICD10, PROCEDURES, REACTIONS, RELATIVES, SNOMED, UCUM, VACCINES,
};
use crate::dates::Moment;
use crate::json::Obj;
use crate::names::Person;
use crate::random::{alnum, chance, one, pick, weighted, R};
use crate::record::Mark;

const CONDITION_CLINICAL: &str = "http://terminology.hl7.org/CodeSystem/condition-clinical";
const CONDITION_VERIFICATION: &str = "http://terminology.hl7.org/CodeSystem/condition-ver-status";

/// An age as FHIR's Age datatype (UCUM years).
fn age(o: &mut Obj<'_>, key: &str, years: i64) {
    o.obj(key, |a| {
        a.int("value", years)
            .str("unit", "a")
            .str("system", UCUM)
            .str("code", "a");
    });
}

fn condition_code(o: &mut Obj<'_>, r: &mut R, row: usize) {
    let (code, icd) = CONDITIONS[row];
    let extra = icd.filter(|_| chance(r, 0.4)).map(|i| (ICD10, i));
    concept(o, "code", r, SNOMED, code, extra);
}

pub(super) fn condition(o: &mut Obj<'_>, c: &mut Ctx<'_>, r: &mut R) {
    let at = c.when(r);
    let row = r.gen_range(0..CONDITIONS.len());
    let code = CONDITIONS[row].0;
    let status = weighted(
        r,
        &[
            ("active", 55),
            ("resolved", 30),
            ("inactive", 10),
            ("remission", 5),
        ],
    );
    let problem_list = chance(r, 0.6);
    let onset = at.plus_days(-r.gen_range(0..1_500)).max(c.rec.birth);
    let canary = c.canary_here(r, 0.03);
    c.head(o, r, "Condition", at, None);
    c.narrative(
        o,
        r,
        0.35,
        code.display,
        &[("Status", status.to_owned()), ("Onset", onset.date())],
    );
    o.obj("clinicalStatus", |cs| {
        cs.arr("coding", |a| coding(a, CONDITION_CLINICAL, status, None));
    });
    if chance(r, 0.9) {
        let v = *pick(
            r,
            &[
                "confirmed",
                "confirmed",
                "confirmed",
                "provisional",
                "unconfirmed",
            ],
        );
        o.obj("verificationStatus", |vs| {
            vs.arr("coding", |a| coding(a, CONDITION_VERIFICATION, v, None));
        });
    }
    o.arr("category", |a| {
        let (code, display) = if problem_list {
            ("problem-list-item", "Problem List Item")
        } else {
            ("encounter-diagnosis", "Encounter Diagnosis")
        };
        fixed_item(
            a,
            "http://terminology.hl7.org/CodeSystem/condition-category",
            code,
            display,
        );
    });
    if chance(r, 0.2) {
        let (sev, name) = *pick(
            r,
            &[
                ("255604002", "Mild"),
                ("6736007", "Moderate"),
                ("24484000", "Severe"),
            ],
        );
        fixed(o, "severity", SNOMED, sev, name);
    }
    condition_code(o, r, row);
    c.subject(o, "subject", r);
    if !problem_list {
        c.encounter(o, "encounter");
    }
    // onset[x] in all its shapes, and sometimes absent.
    match r.gen_range(0..100) {
        // dateTime may be partial: a year, or a year and month.
        0..=59 => {
            o.str("onsetDateTime", &c.dt(onset));
        }
        60..=64 => {
            o.str("onsetDateTime", &onset.year_month());
        }
        65..=69 => {
            o.str("onsetDateTime", &onset.year());
        }
        70..=79 => age(o, "onsetAge", age_at(c.rec, onset.day)),
        80..=89 => {
            o.str(
                "onsetString",
                one(
                    r,
                    &[
                        "childhood",
                        "since last winter",
                        "2010s",
                        "unknown — per patient",
                        "depuis l'enfance",
                    ],
                ),
            );
        }
        90..=94 => super::period(o, "onsetPeriod", &onset.date(), None),
        _ => {}
    }
    if status == "resolved" {
        if chance(r, 0.85) {
            o.str(
                "abatementDateTime",
                &c.dt(at.plus_days(r.gen_range(3..200))),
            );
        } else {
            o.str("abatementString", "resolved after treatment");
        }
    }
    if chance(r, 0.9) {
        o.str("recordedDate", &at.date());
    }
    if chance(r, 0.4) {
        c.practitioner(o, "recorder", r);
    }
    if canary.is_some() || chance(r, 0.25) {
        c.note(o, r, canary);
    }
    c.trail.condition(Mark {
        index: c.index,
        at,
        code: row,
    });
}

pub(super) fn procedure(o: &mut Obj<'_>, c: &mut Ctx<'_>, r: &mut R) {
    let at = c.when(r);
    let code = *pick(r, PROCEDURES);
    let status = weighted(
        r,
        &[
            ("completed", 88),
            ("in-progress", 3),
            ("not-done", 4),
            ("stopped", 2),
            ("entered-in-error", 2),
            ("unknown", 1),
        ],
    );
    c.head(o, r, "Procedure", at, None);
    c.narrative(
        o,
        r,
        0.35,
        code.display,
        &[("Status", status.to_owned()), ("Date", c.dt(at))],
    );
    o.str("status", status);
    if status == "not-done" {
        fixed(
            o,
            "statusReason",
            SNOMED,
            "183944003",
            "Procedure refused (situation)",
        );
    }
    if chance(r, 0.5) {
        fixed(o, "category", SNOMED, "103693007", "Diagnostic procedure");
    }
    concept(o, "code", r, SNOMED, code, None);
    c.subject(o, "subject", r);
    c.encounter(o, "encounter");
    match r.gen_range(0..100) {
        0..=69 => {
            o.str("performedDateTime", &c.dt(at));
        }
        70..=84 => {
            let end = c.dt(at.plus_secs(r.gen_range(900..14_400)));
            super::period(o, "performedPeriod", &c.dt(at), Some(&end));
        }
        85..=89 => {
            o.str(
                "performedString",
                one(r, &["Summer 2014", "as a child", "vor 3 Jahren"]),
            );
        }
        90..=94 => age(o, "performedAge", age_at(c.rec, at.day)),
        _ => {}
    }
    if chance(r, 0.4) {
        c.practitioner(o, "recorder", r);
    }
    if chance(r, 0.7) {
        o.arr("performer", |a| {
            a.obj(|p| {
                c.practitioner(p, "actor", r);
            });
        });
    }
    if chance(r, 0.4) {
        o.obj("location", |l| {
            l.str(
                "display",
                one(
                    r,
                    &[
                        "Endoscopy Suite 2",
                        "OR 5 — Bâtiment Ø",
                        "Clinic room 3",
                        "غرفة العمليات",
                    ],
                ),
            );
        });
    }
    match c.trail.conditions.last() {
        Some(m) if chance(r, 0.4) => {
            let display = CONDITIONS[m.code].0.display;
            o.arr("reasonReference", |a| {
                c.reference_item(a, "Condition", m.index, Some(display))
            });
        }
        _ if chance(r, 0.2) => {
            let reason = CONDITIONS[r.gen_range(0..CONDITIONS.len())].0;
            o.arr("reasonCode", |a| concept_item(a, r, SNOMED, reason));
        }
        _ => {}
    }
    if chance(r, 0.15) {
        o.arr("bodySite", |a| {
            fixed_item(
                a,
                SNOMED,
                one(r, &["72696002", "71341001", "80891009"]),
                one(
                    r,
                    &[
                        "Knee region structure",
                        "Bone structure of femur",
                        "Heart structure",
                    ],
                ),
            );
        });
    }
    if chance(r, 0.1) {
        fixed(o, "outcome", SNOMED, "385669000", "Successful");
    }
    if chance(r, 0.15) {
        c.note(o, r, None);
    }
}

pub(super) fn immunization(o: &mut Obj<'_>, c: &mut Ctx<'_>, r: &mut R) {
    let at = c.when(r);
    let vaccine = *pick(r, VACCINES);
    let done = chance(r, 0.94);
    let historical = chance(r, 0.15);
    c.head(o, r, "Immunization", at, None);
    c.narrative(o, r, 0.35, vaccine.display, &[("Given", c.dt(at))]);
    o.str("status", if done { "completed" } else { "not-done" });
    if !done {
        let (code, display) = *pick(
            r,
            &[
                ("PATOBJ", "patient objection"),
                ("IMMUNE", "immunity"),
                ("MEDPREC", "medical precaution"),
            ],
        );
        fixed(
            o,
            "statusReason",
            "http://terminology.hl7.org/CodeSystem/v3-ActReason",
            code,
            display,
        );
    }
    let ndc = chance(r, 0.2).then_some(("http://hl7.org/fhir/sid/ndc", "49281-0418-50"));
    concept(o, "vaccineCode", r, CVX, vaccine, ndc);
    c.subject(o, "patient", r);
    if !historical {
        c.encounter(o, "encounter");
    }
    if historical && chance(r, 0.5) {
        o.str(
            "occurrenceString",
            one(
                r,
                &["childhood", "2009?", "before moving here", "dans l'enfance"],
            ),
        );
    } else {
        o.str("occurrenceDateTime", &c.dt(at));
    }
    if chance(r, 0.5) {
        o.str("recorded", &c.dt(at));
    }
    o.bool("primarySource", !historical);
    if historical {
        fixed(
            o,
            "reportOrigin",
            "http://terminology.hl7.org/CodeSystem/immunization-origin",
            "record",
            "Written Record",
        );
    }
    if done && !historical {
        if chance(r, 0.4) {
            o.obj("manufacturer", |m| {
                m.str(
                    "display",
                    one(
                        r,
                        &[
                            "Pfizer, Inc",
                            "Moderna US, Inc.",
                            "Sanofi Pasteur Inc",
                            "GlaxoSmithKline",
                        ],
                    ),
                );
            });
        }
        if chance(r, 0.6) {
            o.str("lotNumber", &alnum(r, 7));
            o.str("expirationDate", &at.plus_days(r.gen_range(60..700)).date());
        }
        let (site, site_name) = *pick(
            r,
            &[
                ("LA", "Left arm"),
                ("RA", "Right arm"),
                ("LT", "Left thigh"),
            ],
        );
        fixed(
            o,
            "site",
            "http://terminology.hl7.org/CodeSystem/v3-ActSite",
            site,
            site_name,
        );
        fixed(
            o,
            "route",
            "http://terminology.hl7.org/CodeSystem/v3-RouteOfAdministration",
            "IM",
            "Injection, intramuscular",
        );
        quantity(o, "doseQuantity", 0.5, 1, "mL", "mL");
        o.arr("performer", |a| {
            a.obj(|p| {
                fixed(
                    p,
                    "function",
                    "http://terminology.hl7.org/CodeSystem/v2-0443",
                    "AP",
                    "Administering Provider",
                );
                c.practitioner(p, "actor", r);
            });
        });
    }
    if chance(r, 0.1) {
        c.note(o, r, None);
    }
    if chance(r, 0.6) {
        o.arr("protocolApplied", |a| {
            a.obj(|p| {
                if chance(r, 0.85) {
                    p.int("doseNumberPositiveInt", r.gen_range(1..4));
                } else {
                    p.str("doseNumberString", "booster");
                }
            });
        });
    }
}

pub(super) fn allergy(o: &mut Obj<'_>, c: &mut Ctx<'_>, r: &mut R) {
    let at = c.when(r);
    let (code, category) = *pick(r, ALLERGENS);
    let none_known = code.code == "716186003";
    let status = *pick(r, &["active", "active", "active", "inactive", "resolved"]);
    c.head(o, r, "AllergyIntolerance", at, None);
    c.narrative(o, r, 0.35, code.display, &[("Status", status.to_owned())]);
    o.obj("clinicalStatus", |cs| {
        cs.arr("coding", |a| {
            coding(
                a,
                "http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical",
                status,
                None,
            );
        });
    });
    let verification = *pick(r, &["confirmed", "confirmed", "unconfirmed", "refuted"]);
    o.obj("verificationStatus", |vs| {
        vs.arr("coding", |a| {
            coding(
                a,
                "http://terminology.hl7.org/CodeSystem/allergyintolerance-verification",
                verification,
                None,
            );
        });
    });
    if !none_known {
        o.str(
            "type",
            if chance(r, 0.8) {
                "allergy"
            } else {
                "intolerance"
            },
        );
        o.strs("category", &[category]);
        o.str("criticality", one(r, &["low", "high", "unable-to-assess"]));
    }
    let rxnorm = (code.code == "91936005" && chance(r, 0.5))
        .then_some(("http://www.nlm.nih.gov/research/umls/rxnorm", "7980"));
    concept(o, "code", r, SNOMED, code, rxnorm);
    c.subject(o, "patient", r);
    if chance(r, 0.3) {
        c.encounter(o, "encounter");
    }
    let onset = Moment {
        day: r.gen_range(c.rec.birth.day..=at.day),
        sec: 0,
    };
    match r.gen_range(0..10) {
        0..=4 => {
            o.str("onsetDateTime", &onset.date());
        }
        5..=6 => {
            o.str(
                "onsetString",
                one(r, &["childhood", "as a teenager", "years ago"]),
            );
        }
        7 => age(o, "onsetAge", age_at(c.rec, onset.day)),
        _ => {}
    }
    if chance(r, 0.85) {
        o.str("recordedDate", &c.dt(at));
    }
    if chance(r, 0.4) {
        c.practitioner(o, "recorder", r);
    }
    if chance(r, 0.15) {
        c.note(o, r, None);
    }
    if !none_known && chance(r, 0.8) {
        o.arr("reaction", |a| {
            for _ in 0..r.gen_range(1..3) {
                let m = *pick(r, REACTIONS);
                a.obj(|re| {
                    re.arr("manifestation", |a| concept_item(a, r, SNOMED, m));
                    if chance(r, 0.3) {
                        re.str(
                            "description",
                            one(
                                r,
                                &[
                                    "Hives after 2nd dose",
                                    "Swelling of lips & tongue",
                                    "Rash — \"itchy all over\"",
                                ],
                            ),
                        );
                    }
                    re.str("severity", one(r, &["mild", "moderate", "severe"]));
                });
            }
        });
    }
}

pub(super) fn family_history(o: &mut Obj<'_>, c: &mut Ctx<'_>, r: &mut R) {
    let at = c.when(r);
    let (relation, sex) = *pick(r, RELATIVES);
    let relative = Person::random(r);
    c.head(o, r, "FamilyMemberHistory", at, None);
    c.narrative(
        o,
        r,
        0.35,
        relation.display,
        &[("Relationship", relation.display.to_owned())],
    );
    o.str(
        "status",
        if chance(r, 0.95) {
            "completed"
        } else {
            "partial"
        },
    );
    c.subject(o, "patient", r);
    o.str("date", &at.date());
    if chance(r, 0.3) {
        o.str("name", &relative.full_with(c.rec.patient.family));
    }
    fixed(
        o,
        "relationship",
        "http://terminology.hl7.org/CodeSystem/v3-RoleCode",
        relation.code,
        relation.display,
    );
    if let Some(sex) = sex {
        fixed(
            o,
            "sex",
            "http://hl7.org/fhir/administrative-gender",
            sex,
            sex,
        );
    }
    // Years older than the patient, by generation.
    let older = match relation.code {
        "FTH" | "MTH" => r.gen_range(18..45),
        "GRFTH" | "GRMTH" => r.gen_range(40..75),
        "CHILD" => -r.gen_range(18..40),
        _ => r.gen_range(-12..13),
    };
    let born = c.rec.birth.year_number() - older;
    if chance(r, 0.2) {
        o.str("bornDate", &format!("{born}"));
    }
    match r.gen_range(0..10) {
        0..=1 => {
            o.bool("deceasedBoolean", true);
        }
        2..=3 => age(o, "deceasedAge", r.gen_range(40..95)),
        4 => {
            o.str("deceasedString", "in the 1990s");
        }
        _ => {}
    }
    o.arr("condition", |a| {
        for _ in 0..r.gen_range(1..4) {
            let (code, _) = *pick(r, CONDITIONS);
            a.obj(|cond| {
                concept(cond, "code", r, SNOMED, code, None);
                if chance(r, 0.2) {
                    cond.bool("contributedToDeath", true);
                }
                match r.gen_range(0..4) {
                    0 | 1 => age(cond, "onsetAge", r.gen_range(20..85)),
                    2 => {
                        cond.str("onsetString", one(r, &["in her 60s", "young", "à 54 ans"]));
                    }
                    _ => {}
                }
            });
        }
    });
}
