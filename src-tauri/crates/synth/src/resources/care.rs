//! Encounters, care teams and care plans: how care was organised around the
//! clinical facts.

use rand::Rng;

use super::{coding, concept, concept_item, fixed, fixed_item, Ctx};
use crate::codes::{CARE_PLANS, CONDITIONS, ENCOUNTER_TYPES, LOINC, SNOMED, UCUM};
use crate::json::Obj;
use crate::kinds::Kind;
use crate::names::Person;
use crate::random::{chance, one, pick, weighted, R};
use crate::record::Mark;
use crate::text;

const ACT_CODE: &str = "http://terminology.hl7.org/CodeSystem/v3-ActCode";

pub(super) fn encounter(o: &mut Obj<'_>, c: &mut Ctx<'_>, r: &mut R) {
    let start = c.random_moment(r);
    let class = weighted(
        r,
        &[
            (("AMB", "ambulatory"), 70),
            (("EMER", "emergency"), 10),
            (("IMP", "inpatient encounter"), 8),
            (("VR", "virtual"), 7),
            (("HH", "home health"), 5),
        ],
    );
    let minutes = match class.0 {
        "IMP" => r.gen_range(1_440..10_080),
        "EMER" => r.gen_range(90..600),
        _ => r.gen_range(15..90),
    };
    let end = start.plus_secs(minutes * 60);
    let kind = *pick(r, ENCOUNTER_TYPES);
    let status = weighted(
        r,
        &[
            ("finished", 95),
            ("cancelled", 2),
            ("in-progress", 2),
            ("entered-in-error", 1),
        ],
    );
    c.head(o, r, "Encounter", end, None);
    c.narrative(
        o,
        r,
        0.3,
        kind.display,
        &[
            ("Class", class.1.to_owned()),
            ("Start", c.dt(start)),
            ("End", c.dt(end)),
        ],
    );
    if chance(r, 0.5) {
        let visit = format!("{}", r.gen_range(100_000_000u64..999_999_999));
        o.arr("identifier", |a| {
            a.obj(|i| {
                i.str("use", "usual")
                    .str("system", "urn:oid:1.2.840.114350.1.13.0.1.7.3.698084.8")
                    .str("value", &visit);
            });
        });
    }
    o.str("status", status);
    o.obj("class", |cl| {
        cl.str("system", ACT_CODE)
            .str("code", class.0)
            .str("display", class.1);
    });
    o.arr("type", |a| concept_item(a, r, SNOMED, kind));
    c.subject(o, "subject", r);
    let (s, e) = (c.dt(start), c.dt(end));
    o.arr("participant", |a| {
        a.obj(|p| {
            p.arr("type", |a| {
                a.obj(|t| {
                    t.arr("coding", |a| {
                        coding(
                            a,
                            "http://terminology.hl7.org/CodeSystem/v3-ParticipationType",
                            "PPRF",
                            Some("primary performer"),
                        );
                    });
                    t.str("text", "primary performer");
                });
            });
            super::period(p, "period", &s, Some(&e));
            c.practitioner(p, "individual", r);
        });
    });
    if status == "in-progress" {
        super::period(o, "period", &s, None);
    } else {
        super::period(o, "period", &s, Some(&e));
    }
    if chance(r, 0.2) {
        o.obj("length", |l| {
            l.int("value", minutes)
                .str("unit", "min")
                .str("system", UCUM)
                .str("code", "min");
        });
    }
    match c.trail.conditions.last() {
        Some(m) if chance(r, 0.15) => {
            let m = *m;
            o.arr("diagnosis", |a| {
                a.obj(|d| {
                    c.reference(
                        d,
                        "condition",
                        "Condition",
                        m.index,
                        Some(CONDITIONS[m.code].0.display),
                    );
                    fixed(
                        d,
                        "use",
                        "http://terminology.hl7.org/CodeSystem/diagnosis-role",
                        "AD",
                        "Admission diagnosis",
                    );
                    d.int("rank", 1);
                });
            });
        }
        _ if chance(r, 0.4) => {
            let reason = CONDITIONS[r.gen_range(0..CONDITIONS.len())].0;
            o.arr("reasonCode", |a| concept_item(a, r, SNOMED, reason));
        }
        _ => {}
    }
    if matches!(class.0, "IMP" | "EMER") {
        o.obj("hospitalization", |h| {
            if chance(r, 0.5) {
                fixed(
                    h,
                    "admitSource",
                    "http://terminology.hl7.org/CodeSystem/admit-source",
                    "emd",
                    "From accident/emergency department",
                );
            }
            fixed(
                h,
                "dischargeDisposition",
                "http://terminology.hl7.org/CodeSystem/discharge-disposition",
                "home",
                "Home",
            );
        });
    }
    if chance(r, 0.5) {
        o.arr("location", |a| {
            a.obj(|l| {
                l.obj("location", |loc| {
                    loc.str(
                        "display",
                        one(
                            r,
                            &[
                                "Room 4B — Ward Ø",
                                "Clinic 2, 3rd floor",
                                "Urgences, box 7",
                                "Telehealth",
                            ],
                        ),
                    );
                });
                l.str("status", "completed");
            });
        });
    }
    c.organization(o, "serviceProvider", r);
    c.trail.encounter = Some(Mark {
        index: c.index,
        at: start,
        code: 0,
    });
}

pub(super) fn care_team(o: &mut Obj<'_>, c: &mut Ctx<'_>, r: &mut R) {
    let at = c.when(r);
    let (cat, cat_name) = *pick(
        r,
        &[
            ("LA27976-2", "Encounter-focused care team"),
            (
                "LA28865-6",
                "Longitudinal care-coordination focused care team",
            ),
            (
                "LA28866-4",
                "Home & Community Based Services (HCBS)-focused care team",
            ),
        ],
    );
    let status = *pick(r, &["active", "active", "inactive", "proposed"]);
    let nurse = Person::random(r);
    c.head(o, r, "CareTeam", at, None);
    c.narrative(o, r, 0.5, cat_name, &[("Status", status.to_owned())]);
    o.str("status", status);
    o.arr("category", |a| fixed_item(a, LOINC, cat, cat_name));
    if chance(r, 0.6) {
        o.str(
            "name",
            one(
                r,
                &[
                    "Diabetes care team",
                    "Équipe de soins primaires",
                    "فريق الرعاية",
                    "Cardiology — Dr. Ødegård's team",
                ],
            ),
        );
    }
    c.subject(o, "subject", r);
    c.encounter(o, "encounter");
    let end = (status == "inactive").then(|| at.plus_days(r.gen_range(30..900)).date());
    super::period(o, "period", &at.date(), end.as_deref());
    o.arr("participant", |a| {
        a.obj(|p| {
            p.arr("role", |a| fixed_item(a, SNOMED, "116154003", "Patient"));
            c.subject(p, "member", r);
        });
        a.obj(|p| {
            p.arr("role", |a| {
                fixed_item(
                    a,
                    SNOMED,
                    "223366009",
                    "Healthcare professional (occupation)",
                )
            });
            c.practitioner(p, "member", r);
            c.organization(p, "onBehalfOf", r);
        });
        if chance(r, 0.5) {
            a.obj(|p| {
                p.arr("role", |a| {
                    fixed_item(a, SNOMED, "224535009", "Registered nurse")
                });
                // A member known only by name: no reference at all.
                p.obj("member", |m| {
                    m.str("display", &format!("Nurse {}", nurse.full()));
                });
            });
        }
    });
    if chance(r, 0.5) {
        let reason = CONDITIONS[r.gen_range(0..CONDITIONS.len())].0;
        o.arr("reasonCode", |a| concept_item(a, r, SNOMED, reason));
    }
    o.arr("managingOrganization", |a| {
        let index = c.latest(Kind::Organization);
        c.reference_item(a, "Organization", index, None);
    });
    if chance(r, 0.1) {
        c.note(o, r, None);
    }
}

pub(super) fn care_plan(o: &mut Obj<'_>, c: &mut Ctx<'_>, r: &mut R) {
    let at = c.when(r);
    let (plan, activities) = *pick(r, CARE_PLANS);
    let status = *pick(r, &["active", "active", "completed", "revoked", "draft"]);
    let canary = c.canary_here(r, 0.03);
    c.head(o, r, "CarePlan", at, None);
    let rows: Vec<(&str, String)> = activities
        .iter()
        .map(|a| ("Activity", a.display.to_owned()))
        .collect();
    c.narrative(o, r, 0.8, plan.display, &rows);
    o.str("status", status).str("intent", "plan");
    o.arr("category", |a| {
        fixed_item(
            a,
            "http://hl7.org/fhir/us/core/CodeSystem/careplan-category",
            "assess-plan",
            "Assessment and Plan of Treatment",
        );
        concept_item(a, r, SNOMED, plan);
    });
    if chance(r, 0.5) {
        o.str("title", plan.display);
    }
    if let Some(canary) = canary {
        o.str(
            "description",
            &format!("Plan agreed with {canary} and family."),
        );
    } else if chance(r, 0.3) {
        o.str("description", &text::sentences(r, 1));
    }
    c.subject(o, "subject", r);
    c.encounter(o, "encounter");
    let end = (status == "completed").then(|| at.plus_days(r.gen_range(30..400)).date());
    super::period(o, "period", &at.date(), end.as_deref());
    if chance(r, 0.6) {
        o.str("created", &c.dt(at));
    }
    if chance(r, 0.7) {
        c.practitioner(o, "author", r);
    }
    if let Some(team) = c.trail.last(Kind::CareTeam) {
        o.arr("careTeam", |a| c.reference_item(a, "CareTeam", team, None));
    }
    if let Some(m) = c.trail.conditions.last().copied() {
        o.arr("addresses", |a| {
            c.reference_item(a, "Condition", m.index, Some(CONDITIONS[m.code].0.display))
        });
    }
    o.arr("activity", |a| {
        for act in activities {
            a.obj(|x| {
                x.obj("detail", |d| {
                    concept(d, "code", r, SNOMED, *act, None);
                    d.str(
                        "status",
                        one(r, &["in-progress", "completed", "scheduled", "not-started"]),
                    );
                    if chance(r, 0.3) {
                        d.obj("location", |l| {
                            l.str(
                                "display",
                                one(r, &["Home", "Clinic", "Fitnessstudio Zürich"]),
                            );
                        });
                    }
                });
            });
        }
    });
    if chance(r, 0.1) {
        c.note(o, r, None);
    }
}
