//! Medications: the Medication resources themselves, prescriptions, and what
//! the patient reports taking.

use rand::Rng;

use super::{concept, concept_item, fixed, fixed_item, quantity, Ctx};
use crate::codes::{Code, CONDITIONS, MEDICATIONS, RXNORM, SNOMED};
use crate::dates::Moment;
use crate::json::Obj;
use crate::kinds::Kind;
use crate::random::{alnum, chance, one, pick, weighted, R};
use crate::record::Record;

/// The drug a Medication resource at `index` describes, so that prescriptions
/// referring to it can show the same name.
fn medication_code(rec: &Record, index: usize) -> Code {
    *pick(&mut rec.aux(index), MEDICATIONS)
}

const SIGS: &[(&str, u32, u32)] = &[
    ("Take 1 tablet by mouth once daily", 1, 1),
    ("Take 1 tablet by mouth twice daily with meals", 2, 1),
    ("1–2 puffs every 4–6 hours as needed for wheezing", 4, 1),
    ("Take ½ tablet at bedtime", 1, 1),
    ("Prendre 1 comprimé matin et soir", 2, 1),
    ("Inject 10 units subcutaneously before breakfast", 1, 1),
    ("Take 1 capsule three times a day for 10 days", 3, 1),
];

/// The medication, as a code or (less often) a reference to a Medication: the
/// medication[x] choice importers must handle both ways.
fn medication_choice(o: &mut Obj<'_>, c: &Ctx<'_>, r: &mut R, p_reference: f64) -> Code {
    if chance(r, p_reference) {
        let index = c.latest(Kind::Medication);
        let code = medication_code(c.rec, index);
        c.reference(
            o,
            "medicationReference",
            "Medication",
            index,
            Some(code.display),
        );
        code
    } else {
        let code = *pick(r, MEDICATIONS);
        concept(o, "medicationCodeableConcept", r, RXNORM, code, None);
        code
    }
}

fn dosage_body(d: &mut Obj<'_>, r: &mut R, with_dose: bool) {
    let (text, frequency, period) = *pick(r, SIGS);
    d.str("text", text);
    d.obj("timing", |t| {
        t.obj("repeat", |rep| {
            rep.int("frequency", i64::from(frequency))
                .int("period", i64::from(period))
                .str("periodUnit", "d");
        });
    });
    if chance(r, 0.2) {
        d.bool("asNeededBoolean", true);
    }
    if chance(r, 0.6) {
        fixed(d, "route", SNOMED, "26643006", "Oral route");
    }
    if with_dose {
        d.arr("doseAndRate", |a| {
            a.obj(|dr| {
                fixed(
                    dr,
                    "type",
                    "http://terminology.hl7.org/CodeSystem/dose-rate-type",
                    "ordered",
                    "Ordered",
                );
                dr.obj("doseQuantity", |q| {
                    q.int("value", 1)
                        .str("unit", "tablet")
                        .str("system", "http://unitsofmeasure.org")
                        .str("code", "{tbl}");
                });
            });
        });
    }
}

pub(super) fn medication(o: &mut Obj<'_>, c: &mut Ctx<'_>, r: &mut R) {
    let at = c.random_moment(r);
    let code = medication_code(c.rec, c.index);
    c.head(o, r, "Medication", at, None);
    c.narrative(o, r, 0.3, code.display, &[("Code", code.code.to_owned())]);
    c.record_of(o);
    concept(o, "code", r, RXNORM, code, None);
    o.str("status", "active");
    if chance(r, 0.5) {
        o.obj("manufacturer", |m| {
            m.str(
                "display",
                one(
                    r,
                    &[
                        "Teva Pharmaceuticals USA, Inc.",
                        "Sandoz Inc",
                        "Ratiopharm GmbH",
                        "Mylan Institutional Inc.",
                    ],
                ),
            );
        });
    }
    let form = if code.display.contains("Capsule") {
        ("385049006", "Capsule")
    } else if code.display.contains("Inhaler") {
        ("420317006", "Inhaler")
    } else if code.display.contains("Inject") {
        ("385219001", "Solution for injection")
    } else {
        ("385055001", "Tablet")
    };
    fixed(o, "form", SNOMED, form.0, form.1);
    let strength: f64 = *pick(r, &[2.5, 5.0, 10.0, 20.0, 25.0, 75.0, 250.0, 500.0]);
    o.arr("ingredient", |a| {
        a.obj(|i| {
            i.obj("itemCodeableConcept", |cc| {
                cc.str("text", code.display);
            });
            i.bool("isActive", true);
            i.obj("strength", |s| {
                quantity(s, "numerator", strength, 1, "mg", "mg");
                s.obj("denominator", |d| {
                    d.int("value", 1)
                        .str("unit", "TAB")
                        .str(
                            "system",
                            "http://terminology.hl7.org/CodeSystem/v3-orderableDrugForm",
                        )
                        .str("code", "TAB");
                });
            });
        });
    });
    if chance(r, 0.3) {
        let lot = alnum(r, 8);
        let expires = at.plus_days(r.gen_range(100..900)).date();
        o.obj("batch", |b| {
            b.str("lotNumber", &lot).str("expirationDate", &expires);
        });
    }
}

pub(super) fn medication_request(o: &mut Obj<'_>, c: &mut Ctx<'_>, r: &mut R) {
    let at = c.when(r);
    let status = weighted(
        r,
        &[
            ("active", 30),
            ("completed", 50),
            ("stopped", 12),
            ("on-hold", 3),
            ("cancelled", 3),
            ("entered-in-error", 2),
        ],
    );
    c.head(o, r, "MedicationRequest", at, None);
    // The narrative needs the drug, which is only drawn below; a generic title
    // is what many servers write anyway.
    c.narrative(
        o,
        r,
        0.35,
        "Prescription",
        &[("Status", status.to_owned()), ("Written", c.dt(at))],
    );
    o.str("status", status);
    o.str("intent", if chance(r, 0.95) { "order" } else { "plan" });
    if chance(r, 0.5) {
        o.arr("category", |a| {
            fixed_item(
                a,
                "http://terminology.hl7.org/CodeSystem/medicationrequest-category",
                "community",
                "Community",
            );
        });
    }
    medication_choice(o, c, r, 0.2);
    c.subject(o, "subject", r);
    c.encounter(o, "encounter");
    o.str("authoredOn", &c.dt(at));
    c.practitioner(o, "requester", r);
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
    if chance(r, 0.1) {
        c.note(o, r, None);
    }
    o.arr("dosageInstruction", |a| {
        a.obj(|d| {
            d.int("sequence", 1);
            dosage_body(d, r, true);
        });
    });
    let days = *pick(r, &[10i64, 30, 90]);
    let end = Moment::plus_days(at, 365).date();
    o.obj("dispenseRequest", |dr| {
        super::period(dr, "validityPeriod", &at.date(), Some(&end));
        dr.int("numberOfRepeatsAllowed", r.gen_range(0..6));
        dr.obj("quantity", |q| {
            q.int("value", days).str("unit", "tablet");
        });
        dr.obj("expectedSupplyDuration", |q| {
            q.int("value", days)
                .str("unit", "days")
                .str("system", "http://unitsofmeasure.org")
                .str("code", "d");
        });
    });
    if chance(r, 0.5) {
        o.obj("substitution", |s| {
            s.bool("allowedBoolean", chance(r, 0.8));
        });
    }
}

pub(super) fn medication_statement(o: &mut Obj<'_>, c: &mut Ctx<'_>, r: &mut R) {
    let at = c.when(r);
    let status = *pick(
        r,
        &[
            "active",
            "active",
            "completed",
            "intended",
            "stopped",
            "not-taken",
            "unknown",
        ],
    );
    c.head(o, r, "MedicationStatement", at, None);
    c.narrative(
        o,
        r,
        0.35,
        "Medication taken",
        &[("Status", status.to_owned())],
    );
    o.str("status", status);
    medication_choice(o, c, r, 0.1);
    c.subject(o, "subject", r);
    if chance(r, 0.3) {
        c.encounter(o, "context");
    }
    match r.gen_range(0..10) {
        0..=4 => {
            o.str("effectiveDateTime", &c.dt(at));
        }
        5..=8 => {
            let end = (status != "active").then(|| c.dt(at.plus_days(r.gen_range(7..400))));
            super::period(o, "effectivePeriod", &c.dt(at), end.as_deref());
        }
        _ => {}
    }
    if chance(r, 0.8) {
        o.str("dateAsserted", &c.dt(at));
    }
    if chance(r, 0.5) {
        if chance(r, 0.5) {
            c.subject(o, "informationSource", r);
        } else {
            c.practitioner(o, "informationSource", r);
        }
    }
    if chance(r, 0.2) {
        let reason = CONDITIONS[r.gen_range(0..CONDITIONS.len())].0;
        o.arr("reasonCode", |a| concept_item(a, r, SNOMED, reason));
    }
    if chance(r, 0.15) {
        c.note(o, r, None);
    }
    if chance(r, 0.8) {
        o.arr("dosage", |a| {
            a.obj(|d| dosage_body(d, r, false));
        });
    }
}
