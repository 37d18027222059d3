//! One writer per resource type, and what they share: the resource's place in
//! the record (`Ctx`) and the FHIR datatypes they all use.

mod admin;
mod care;
mod clinical;
mod document;
mod medication;
mod observation;
mod patient;

use rand::Rng;

use crate::codes::{Code, UCUM};
use crate::dates::{Moment, DAY_SECS, LAST_DAY, NOW_DAY};
use crate::json::{Arr, Obj};
use crate::kinds::{first_index, Kind, Showcase};
use crate::names::{Person, ORGANIZATIONS};
use crate::random::{chance, one, R};
use crate::record::{Record, Trail};
use crate::text;

/// Marks the "other" resources (which have no patient element in FHIR) as part
/// of this record, so that every resource but the Patient names it.
const RECORD_OF: &str = "https://ownchart.example/fhir/StructureDefinition/synthetic-record-of";

/// The resource being written and the record around it.
pub(crate) struct Ctx<'a> {
    pub rec: &'a Record,
    pub trail: &'a mut Trail,
    pub index: usize,
    pub id: String,
    pub canary: Option<&'a str>,
    pub show: Showcase,
}

/// Writes the resource of `kind` as the members of `o`.
pub(crate) fn write(kind: Kind, o: &mut Obj<'_>, c: &mut Ctx<'_>, r: &mut R) {
    match kind {
        Kind::Patient => patient::patient(o, c, r),
        Kind::Organization => admin::organization(o, c, r),
        Kind::Practitioner => admin::practitioner(o, c, r),
        Kind::Coverage => admin::coverage(o, c, r),
        Kind::ExplanationOfBenefit => admin::explanation_of_benefit(o, c, r),
        Kind::Encounter => care::encounter(o, c, r),
        Kind::CareTeam => care::care_team(o, c, r),
        Kind::CarePlan => care::care_plan(o, c, r),
        Kind::Condition => clinical::condition(o, c, r),
        Kind::Procedure => clinical::procedure(o, c, r),
        Kind::Immunization => clinical::immunization(o, c, r),
        Kind::AllergyIntolerance => clinical::allergy(o, c, r),
        Kind::FamilyMemberHistory => clinical::family_history(o, c, r),
        Kind::VitalSign => observation::vital_sign(o, c, r),
        Kind::LabResult => observation::lab_result(o, c, r),
        Kind::SocialHistory => observation::social_history(o, c, r),
        Kind::DiagnosticReport => document::diagnostic_report(o, c, r),
        Kind::DocumentReference => document::document_reference(o, c, r),
        Kind::Medication => medication::medication(o, c, r),
        Kind::MedicationRequest => medication::medication_request(o, c, r),
        Kind::MedicationStatement => medication::medication_statement(o, c, r),
    }
}

impl Ctx<'_> {
    /// `resourceType`, `id` and `meta`, last updated some time after `at`.
    fn head(
        &self,
        o: &mut Obj<'_>,
        r: &mut R,
        resource_type: &str,
        at: Moment,
        profile: Option<&str>,
    ) {
        o.str("resourceType", resource_type).str("id", &self.id);
        // Servers touch a resource some time after the care it records, but
        // never after the export.
        let updated = at
            .plus_secs(r.gen_range(60..i64::from(DAY_SECS) * 45))
            .min(Moment {
                day: NOW_DAY,
                sec: 0,
            });
        let version = if chance(r, 0.85) {
            1
        } else {
            r.gen_range(2..7)
        };
        o.obj("meta", |m| {
            m.str("versionId", &version.to_string());
            // All three are RFC 3339; servers differ in which they send.
            let stamp = match r.gen_range(0..10) {
                0..=6 => updated.instant(Some(r.gen_range(0..1000))),
                7..=8 => updated.instant(None),
                _ => updated.date_time(self.rec.place.offset_min),
            };
            m.str("lastUpdated", &stamp);
            if let Some(p) = profile {
                m.strs("profile", &[p]);
            }
            if chance(r, 0.05) {
                m.str("source", &format!("#{}", crate::random::alnum(r, 16)));
            }
        });
    }

    /// The moment care happened: most often during the latest encounter, as in
    /// real records, otherwise anywhere in the record's years.
    fn when(&self, r: &mut R) -> Moment {
        match self.trail.encounter {
            Some(e) if chance(r, 0.7) => e.at.plus_secs(r.gen_range(0..7_200)),
            _ => self.random_moment(r),
        }
    }

    fn random_moment(&self, r: &mut R) -> Moment {
        let day = r.gen_range(self.rec.first_day..=LAST_DAY);
        // Clinics work days; emergencies do not.
        let sec = if chance(r, 0.85) {
            r.gen_range(7 * 3600..19 * 3600)
        } else {
            r.gen_range(0..DAY_SECS)
        };
        Moment { day, sec }
    }

    /// A dateTime in the patient's local zone (now and then in UTC).
    fn dt(&self, m: Moment) -> String {
        m.date_time(self.rec.place.offset_min)
    }

    fn patient_name(&self) -> String {
        self.rec
            .patient
            .full_with(self.canary.unwrap_or(self.rec.patient.family))
    }

    /// `subject` (or `patient`, `beneficiary`, ...): the reference to the Patient.
    fn subject(&self, o: &mut Obj<'_>, key: &str, r: &mut R) {
        let with_display = chance(r, 0.5);
        o.obj(key, |s| {
            s.str("reference", &format!("Patient/{}", self.rec.patient_id));
            if with_display {
                s.str("display", &self.patient_name());
            }
        });
    }

    fn reference(
        &self,
        o: &mut Obj<'_>,
        key: &str,
        resource_type: &str,
        index: usize,
        display: Option<&str>,
    ) {
        let id = self.rec.id(index);
        o.obj(key, |s| {
            s.str("reference", &format!("{resource_type}/{id}"));
            s.opt_str("display", display);
        });
    }

    fn reference_item(
        &self,
        a: &mut Arr<'_>,
        resource_type: &str,
        index: usize,
        display: Option<&str>,
    ) {
        let id = self.rec.id(index);
        a.obj(|s| {
            s.str("reference", &format!("{resource_type}/{id}"));
            s.opt_str("display", display);
        });
    }

    /// The latest encounter, if the record has one yet.
    fn encounter(&self, o: &mut Obj<'_>, key: &str) {
        if let Some(e) = self.trail.encounter {
            self.reference(o, key, "Encounter", e.index, None);
        }
    }

    fn latest(&self, kind: Kind) -> usize {
        self.trail.last(kind).unwrap_or_else(|| first_index(kind))
    }

    fn practitioner(&self, o: &mut Obj<'_>, key: &str, r: &mut R) {
        let index = self.latest(Kind::Practitioner);
        let name = chance(r, 0.7).then(|| practitioner_person(self.rec, index).full());
        self.reference(o, key, "Practitioner", index, name.as_deref());
    }

    fn practitioner_item(&self, a: &mut Arr<'_>, r: &mut R) {
        let index = self.latest(Kind::Practitioner);
        let name = chance(r, 0.7).then(|| practitioner_person(self.rec, index).full());
        self.reference_item(a, "Practitioner", index, name.as_deref());
    }

    fn organization(&self, o: &mut Obj<'_>, key: &str, r: &mut R) {
        let index = self.latest(Kind::Organization);
        let name = chance(r, 0.7).then(|| organization_name(self.rec, index));
        self.reference(o, key, "Organization", index, name);
    }

    /// The canary, when one is set and this resource plants it: always in the
    /// showcase resources, otherwise with probability `p`. Draws either way, so
    /// a canary changes strings but never the shape of the record.
    fn canary_here(&self, r: &mut R, p: f64) -> Option<&str> {
        let plant = chance(r, p) || self.show == Showcase::Canary;
        self.canary.filter(|_| plant)
    }

    /// `text`, with probability `p`; hostile in showcases and now and then.
    fn narrative(&self, o: &mut Obj<'_>, r: &mut R, p: f64, title: &str, rows: &[(&str, String)]) {
        let write = chance(r, p) || self.show == Showcase::Canary;
        let hostile = chance(r, 0.04) || self.show == Showcase::Canary;
        if !write {
            return;
        }
        let div = text::narrative(r, title, rows, hostile);
        o.obj("text", |t| {
            t.str(
                "status",
                if chance(r, 0.9) {
                    "generated"
                } else {
                    "additional"
                },
            );
            t.str("div", &div);
        });
    }

    /// Ties a resource without a patient element to the record.
    fn record_of(&self, o: &mut Obj<'_>) {
        o.arr("extension", |a| {
            a.obj(|e| {
                e.str("url", RECORD_OF);
                e.obj("valueReference", |v| {
                    v.str("reference", &format!("Patient/{}", self.rec.patient_id));
                });
            });
        });
    }

    /// `note`: a few sentences, planting the canary when asked.
    fn note(&self, o: &mut Obj<'_>, r: &mut R, canary: Option<&str>) {
        let count = r.gen_range(1..4);
        let mut text = text::sentences(r, count);
        if let Some(c) = canary {
            text.push_str(" Reviewed with ");
            text.push_str(c);
            text.push('.');
        }
        let author = chance(r, 0.4);
        let time = self.dt(self.when(r));
        o.arr("note", |a| {
            a.obj(|n| {
                if author {
                    self.practitioner(n, "authorReference", r);
                }
                n.str("time", &time);
                n.str("text", &text);
            });
        });
    }
}

/// A practitioner's name, the same for the Practitioner and for every display
/// that refers to it.
pub(crate) fn practitioner_person(rec: &Record, index: usize) -> Person {
    Person::clinician(&mut rec.aux(index))
}

pub(crate) fn organization_name(rec: &Record, index: usize) -> &'static str {
    one(&mut rec.aux(index), ORGANIZATIONS)
}

/// A Coding, as an array item.
fn coding(a: &mut Arr<'_>, system: &str, code: &str, display: Option<&str>) {
    a.obj(|c| {
        c.str("system", system)
            .str("code", code)
            .opt_str("display", display);
    });
}

/// A CodeableConcept with one coding and always its display: for the fixed
/// vocabularies (categories, statuses) that servers send in full.
fn fixed(o: &mut Obj<'_>, key: &str, system: &str, code: &str, display: &str) {
    o.obj(key, |cc| {
        cc.arr("coding", |a| coding(a, system, code, Some(display)));
    });
}

fn fixed_item(a: &mut Arr<'_>, system: &str, code: &str, display: &str) {
    a.obj(|cc| {
        cc.arr("coding", |a| coding(a, system, code, Some(display)));
    });
}

/// A clinical CodeableConcept as real servers send it: the display sometimes
/// missing, a `text` about half the time, and now and then a second coding.
fn concept(
    o: &mut Obj<'_>,
    key: &str,
    r: &mut R,
    system: &str,
    code: Code,
    extra: Option<(&str, &str)>,
) {
    o.obj(key, |cc| concept_body(cc, r, system, code, extra));
}

fn concept_item(a: &mut Arr<'_>, r: &mut R, system: &str, code: Code) {
    a.obj(|cc| concept_body(cc, r, system, code, None));
}

fn concept_body(
    cc: &mut Obj<'_>,
    r: &mut R,
    system: &str,
    code: Code,
    extra: Option<(&str, &str)>,
) {
    let display = (!chance(r, 0.06)).then_some(code.display);
    let with_text = chance(r, 0.5);
    cc.arr("coding", |a| {
        coding(a, system, code.code, display);
        if let Some((sys, c)) = extra {
            coding(a, sys, c, None);
        }
    });
    if with_text {
        cc.str("text", code.display);
    }
}

/// A Quantity with a UCUM unit.
fn quantity(o: &mut Obj<'_>, key: &str, value: f64, places: usize, unit: &str, ucum: &str) {
    o.obj(key, |q| {
        q.dec("value", value, places)
            .str("unit", unit)
            .str("system", UCUM)
            .str("code", ucum);
    });
}

fn money(o: &mut Obj<'_>, key: &str, value: f64, currency: &str) {
    o.obj(key, |m| {
        m.dec("value", value, 2).str("currency", currency);
    });
}

fn period(o: &mut Obj<'_>, key: &str, start: &str, end: Option<&str>) {
    o.obj(key, |p| {
        p.str("start", start).opt_str("end", end);
    });
}

/// Age in whole years at `day`.
fn age_at(rec: &Record, day: i64) -> i64 {
    ((day - rec.birth.day) as f64 / 365.2425).floor().max(0.0) as i64
}
