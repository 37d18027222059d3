//! The Patient: index 0 of every record, and the one place the canary is the
//! person's own name.

use rand::Rng;

use super::Ctx;
use crate::dates::{Moment, DAY_SECS, LAST_DAY};
use crate::json::Obj;
use crate::kinds::Kind;
use crate::names::{email, Gender, Person, PLACES};
use crate::random::{chance, digits, pick, R};

const RACES: &[(&str, &str)] = &[
    ("2106-3", "White"),
    ("2054-5", "Black or African American"),
    ("2028-9", "Asian"),
    ("1002-5", "American Indian or Alaska Native"),
    ("2076-8", "Native Hawaiian or Other Pacific Islander"),
    ("2131-1", "Other Race"),
];
const LANGUAGES: &[(&str, &str)] = &[
    ("en-US", "English"),
    ("es", "Español"),
    ("fr-FR", "Français"),
    ("de", "Deutsch"),
    ("nb", "Norsk bokmål"),
    ("ar", "العربية"),
    ("he", "עברית"),
    ("zh-CN", "中文"),
    ("ja", "日本語"),
];
const MARITAL: &[(&str, &str)] = &[
    ("M", "Married"),
    ("S", "Never Married"),
    ("D", "Divorced"),
    ("W", "Widowed"),
    ("UNK", "unknown"),
];

pub(super) fn patient(o: &mut Obj<'_>, c: &mut Ctx<'_>, r: &mut R) {
    let rec = c.rec;
    let p = &rec.patient;
    let family = c.canary.unwrap_or(p.family);
    let full = c.patient_name();
    let updated = Moment {
        day: LAST_DAY - r.gen_range(0..365),
        sec: r.gen_range(0..DAY_SECS),
    };
    let mrn = digits(r, 8);
    let ssn = format!("999-{}-{}", digits(r, 2), digits(r, 4));
    let phone = format!("555-{}-{}", digits(r, 3), digits(r, 4));
    c.head(
        o,
        r,
        "Patient",
        updated,
        Some("http://hl7.org/fhir/us/core/StructureDefinition/us-core-patient"),
    );
    let rows = [
        ("Name", full.clone()),
        ("Gender", p.gender.code().to_owned()),
        ("Date of birth", rec.birth.date()),
        ("MRN", mrn.clone()),
    ];
    c.narrative(o, r, 1.0, &full, &rows);

    let race = *pick(r, RACES);
    let hispanic = chance(r, 0.15);
    let birth_place = *pick(r, PLACES);
    let maiden = Person::random(r).family;
    o.arr("extension", |a| {
        a.obj(|e| {
            e.str(
                "url",
                "http://hl7.org/fhir/us/core/StructureDefinition/us-core-race",
            );
            e.arr("extension", |a| {
                a.obj(|x| {
                    x.str("url", "ombCategory");
                    x.obj("valueCoding", |v| {
                        v.str("system", "urn:oid:2.16.840.1.113883.6.238")
                            .str("code", race.0)
                            .str("display", race.1);
                    });
                });
                a.obj(|x| {
                    x.str("url", "text").str("valueString", race.1);
                });
            });
        });
        a.obj(|e| {
            let (code, display) = if hispanic {
                ("2135-2", "Hispanic or Latino")
            } else {
                ("2186-5", "Not Hispanic or Latino")
            };
            e.str(
                "url",
                "http://hl7.org/fhir/us/core/StructureDefinition/us-core-ethnicity",
            );
            e.arr("extension", |a| {
                a.obj(|x| {
                    x.str("url", "ombCategory");
                    x.obj("valueCoding", |v| {
                        v.str("system", "urn:oid:2.16.840.1.113883.6.238")
                            .str("code", code)
                            .str("display", display);
                    });
                });
                a.obj(|x| {
                    x.str("url", "text").str("valueString", display);
                });
            });
        });
        a.obj(|e| {
            e.str(
                "url",
                "http://hl7.org/fhir/StructureDefinition/patient-mothersMaidenName",
            )
            .str("valueString", maiden);
        });
        if matches!(p.gender, Gender::Female | Gender::Male) {
            a.obj(|e| {
                e.str(
                    "url",
                    "http://hl7.org/fhir/us/core/StructureDefinition/us-core-birthsex",
                )
                .str(
                    "valueCode",
                    if p.gender == Gender::Female { "F" } else { "M" },
                );
            });
        }
        a.obj(|e| {
            e.str(
                "url",
                "http://hl7.org/fhir/StructureDefinition/patient-birthPlace",
            );
            e.obj("valueAddress", |v| {
                v.str("city", birth_place.city)
                    .opt_str("state", birth_place.state)
                    .str("country", birth_place.country);
            });
        });
    });

    let with_dl = chance(r, 0.5);
    let dl = format!("S{}", digits(r, 8));
    o.arr("identifier", |a| {
        a.obj(|i| {
            i.str("use", "usual");
            i.obj("type", |t| {
                t.arr("coding", |a| {
                    super::coding(
                        a,
                        "http://terminology.hl7.org/CodeSystem/v2-0203",
                        "MR",
                        Some("Medical Record Number"),
                    );
                });
                t.str("text", "Medical Record Number");
            });
            i.str("system", "https://portal.example.org/fhir/sid/mrn")
                .str("value", &mrn);
        });
        a.obj(|i| {
            i.obj("type", |t| {
                t.arr("coding", |a| {
                    super::coding(
                        a,
                        "http://terminology.hl7.org/CodeSystem/v2-0203",
                        "SS",
                        Some("Social Security Number"),
                    );
                });
            });
            i.str("system", "http://hl7.org/fhir/sid/us-ssn")
                .str("value", &ssn);
        });
        if with_dl {
            a.obj(|i| {
                i.obj("type", |t| {
                    t.arr("coding", |a| {
                        super::coding(
                            a,
                            "http://terminology.hl7.org/CodeSystem/v2-0203",
                            "DL",
                            Some("Driver's license number"),
                        );
                    });
                });
                i.str("system", "urn:oid:2.16.840.1.113883.4.3.25")
                    .str("value", &dl);
            });
        }
    });
    o.bool("active", true);

    let nickname = chance(r, 0.3).then(|| *pick(r, &["Zo", "Ñoño", "Jojo", "小李", "Øy"]));
    let maiden_name =
        (p.gender == Gender::Female && chance(r, 0.4)).then(|| Person::random(r).family);
    o.arr("name", |a| {
        a.obj(|n| {
            n.str("use", "official");
            n.str("text", &full);
            n.str("family", family);
            n.strs("given", &p.given);
            if let Some(prefix) = p.prefix {
                n.strs("prefix", &[prefix]);
            }
        });
        if let Some(m) = maiden_name {
            a.obj(|n| {
                n.str("use", "maiden")
                    .str("family", m)
                    .strs("given", &p.given);
            });
        }
        if let Some(nick) = nickname {
            a.obj(|n| {
                n.str("use", "nickname").strs("given", &[nick]);
            });
        }
    });

    let mail = email(p, r.gen_range(1..999));
    o.arr("telecom", |a| {
        a.obj(|t| {
            t.str("system", "phone")
                .str("value", &phone)
                .str("use", "home");
        });
        a.obj(|t| {
            t.str("system", "email").str("value", &mail);
        });
    });
    o.str("gender", p.gender.code());
    o.str("birthDate", &rec.birth.date());
    if chance(r, 0.3) {
        o.bool("deceasedBoolean", false);
    }
    let place = rec.place;
    let since = Moment {
        day: rec.first_day + r.gen_range(0..2000),
        sec: 0,
    }
    .date();
    o.arr("address", |a| {
        a.obj(|ad| {
            ad.str("use", "home").str("type", "both");
            ad.strs("line", &[place.line]);
            ad.str("city", place.city).opt_str("state", place.state);
            ad.str("postalCode", place.postal)
                .str("country", place.country);
            ad.obj("period", |pe| {
                pe.str("start", &since);
            });
        });
    });
    let marital = *pick(r, MARITAL);
    o.obj("maritalStatus", |m| {
        m.arr("coding", |a| {
            super::coding(
                a,
                "http://terminology.hl7.org/CodeSystem/v3-MaritalStatus",
                marital.0,
                Some(marital.1),
            );
        });
        m.str("text", marital.1);
    });
    // A choice type: most records say no, twins say which one.
    if chance(r, 0.9) {
        o.bool("multipleBirthBoolean", false);
    } else {
        o.int("multipleBirthInteger", r.gen_range(1..3));
    }
    let language = *pick(r, LANGUAGES);
    o.arr("communication", |a| {
        a.obj(|cm| {
            cm.obj("language", |l| {
                l.arr("coding", |a| {
                    super::coding(a, "urn:ietf:bcp:47", language.0, Some(language.1))
                });
                l.str("text", language.1);
            });
            cm.bool("preferred", true);
        });
    });
    let gp = crate::kinds::first_index(Kind::Practitioner);
    let gp_name = super::practitioner_person(rec, gp).full();
    o.arr("generalPractitioner", |a| {
        c.reference_item(a, "Practitioner", gp, Some(&gp_name))
    });
    let org = crate::kinds::first_index(Kind::Organization);
    let org_name = super::organization_name(rec, org);
    c.reference(
        o,
        "managingOrganization",
        "Organization",
        org,
        Some(org_name),
    );
}
