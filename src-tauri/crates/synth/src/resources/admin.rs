//! Who provides and who pays: practitioners, organizations, insurance coverage
//! and the claims (ExplanationOfBenefit) with billed and paid totals.

use rand::Rng;

use super::{coding, fixed, money, Ctx};
use crate::codes::{CLAIM_ITEMS, CONDITIONS, SNOMED};
use crate::dates::Moment;
use crate::json::Obj;
use crate::kinds::Kind;
use crate::names::{email, Gender, INSURERS, PLACES};
use crate::random::{chance, digits, one, pick, weighted, R};

const ADJUDICATION: &str = "http://terminology.hl7.org/CodeSystem/adjudication";

fn address(o: &mut Obj<'_>, r: &mut R) {
    let place = *pick(r, PLACES);
    o.arr("address", |a| {
        a.obj(|ad| {
            ad.strs("line", &[place.line]);
            ad.str("city", place.city).opt_str("state", place.state);
            ad.str("postalCode", place.postal)
                .str("country", place.country);
        });
    });
}

pub(super) fn practitioner(o: &mut Obj<'_>, c: &mut Ctx<'_>, r: &mut R) {
    let at = c.random_moment(r);
    let p = super::practitioner_person(c.rec, c.index);
    c.head(o, r, "Practitioner", at, None);
    c.narrative(o, r, 0.3, &p.full(), &[("Name", p.full())]);
    c.record_of(o);
    let npi = format!("9{}", digits(r, 9));
    o.arr("identifier", |a| {
        a.obj(|i| {
            i.str("system", "http://hl7.org/fhir/sid/us-npi")
                .str("value", &npi);
        });
    });
    o.bool("active", chance(r, 0.95));
    o.arr("name", |a| {
        a.obj(|n| {
            n.str("use", "official")
                .str("family", p.family)
                .strs("given", &p.given);
            if let Some(prefix) = p.prefix {
                n.strs("prefix", &[prefix]);
            }
            if let Some(suffix) = p.suffix {
                n.strs("suffix", &[suffix]);
            }
        });
    });
    if chance(r, 0.5) {
        let mail = email(&p, r.gen_range(1..99));
        o.arr("telecom", |a| {
            a.obj(|t| {
                t.str("system", "email")
                    .str("value", &mail)
                    .str("use", "work");
            });
        });
    }
    if chance(r, 0.5) {
        address(o, r);
    }
    if matches!(p.gender, Gender::Female | Gender::Male) {
        o.str("gender", p.gender.code());
    }
    if chance(r, 0.4) {
        o.arr("qualification", |a| {
            a.obj(|q| {
                q.obj("code", |cc| {
                    cc.arr("coding", |a| {
                        coding(
                            a,
                            "http://terminology.hl7.org/CodeSystem/v2-0360|2.7",
                            "MD",
                            Some("Doctor of Medicine"),
                        )
                    });
                    cc.str("text", "MD");
                });
            });
        });
    }
    if chance(r, 0.2) {
        let lang = *pick(
            r,
            &[
                ("fr", "French"),
                ("ar", "Arabic"),
                ("he", "Hebrew"),
                ("zh", "Chinese"),
            ],
        );
        o.arr("communication", |a| {
            a.obj(|cc| {
                cc.arr("coding", |a| {
                    coding(a, "urn:ietf:bcp:47", lang.0, Some(lang.1))
                });
            });
        });
    }
}

pub(super) fn organization(o: &mut Obj<'_>, c: &mut Ctx<'_>, r: &mut R) {
    let at = c.random_moment(r);
    let name = super::organization_name(c.rec, c.index);
    c.head(o, r, "Organization", at, None);
    c.narrative(o, r, 0.3, name, &[("Name", name.to_owned())]);
    c.record_of(o);
    if chance(r, 0.6) {
        let npi = format!("1{}", digits(r, 9));
        o.arr("identifier", |a| {
            a.obj(|i| {
                i.str("system", "http://hl7.org/fhir/sid/us-npi")
                    .str("value", &npi);
            });
        });
    }
    o.bool("active", true);
    let (code, display) = *pick(
        r,
        &[
            ("prov", "Healthcare Provider"),
            ("dept", "Hospital Department"),
            ("other", "Other"),
        ],
    );
    o.arr("type", |a| {
        a.obj(|t| {
            t.arr("coding", |a| {
                coding(
                    a,
                    "http://terminology.hl7.org/CodeSystem/organization-type",
                    code,
                    Some(display),
                )
            });
            t.str("text", display);
        });
    });
    o.str("name", name);
    if chance(r, 0.2) {
        o.strs("alias", &[one(r, &["SMMC", "Klinik Nord", "HSE"])]);
    }
    let phone = format!("+1 555 {} {}", digits(r, 3), digits(r, 4));
    o.arr("telecom", |a| {
        a.obj(|t| {
            t.str("system", "phone").str("value", &phone);
        });
    });
    address(o, r);
}

pub(super) fn coverage(o: &mut Obj<'_>, c: &mut Ctx<'_>, r: &mut R) {
    let start = Moment {
        day: c.rec.first_day + r.gen_range(0..3_000),
        sec: 0,
    };
    let insurer = *pick(r, INSURERS);
    let active = chance(r, 0.7);
    let member = format!("{}{}", crate::random::alnum(r, 3), digits(r, 9));
    c.head(o, r, "Coverage", start, None);
    c.narrative(o, r, 0.3, insurer, &[("Member ID", member.clone())]);
    o.arr("identifier", |a| {
        a.obj(|i| {
            i.str("system", "https://payer.example.com/member")
                .str("value", &member);
        });
    });
    o.str("status", if active { "active" } else { "cancelled" });
    let (code, display) = *pick(
        r,
        &[
            ("EHCPOL", "extended healthcare"),
            ("HIP", "health insurance plan policy"),
            ("SUBSIDIZ", "subsidized health program"),
        ],
    );
    o.obj("type", |t| {
        t.arr("coding", |a| {
            coding(
                a,
                "http://terminology.hl7.org/CodeSystem/v3-ActCode",
                code,
                Some(display),
            )
        });
        t.str("text", insurer);
    });
    if chance(r, 0.5) {
        c.subject(o, "policyHolder", r);
    }
    if chance(r, 0.5) {
        c.subject(o, "subscriber", r);
    }
    o.str("subscriberId", &member);
    c.subject(o, "beneficiary", r);
    fixed(
        o,
        "relationship",
        "http://terminology.hl7.org/CodeSystem/subscriber-relationship",
        "self",
        "Self",
    );
    let end = (!active).then(|| start.plus_days(r.gen_range(365..3_000)).date());
    super::period(o, "period", &start.date(), end.as_deref());
    o.arr("payor", |a| {
        a.obj(|p| {
            p.str("display", insurer);
        });
    });
    let group = format!("GRP-{}", digits(r, 5));
    o.arr("class", |a| {
        a.obj(|cl| {
            fixed(
                cl,
                "type",
                "http://terminology.hl7.org/CodeSystem/coverage-class",
                "group",
                "Group",
            );
            cl.str("value", &group)
                .str("name", "Acme Corp — PPO «Gold»");
        });
    });
    if chance(r, 0.3) {
        let copay = f64::from(r.gen_range(1..8u32)) * 5.0;
        o.arr("costToBeneficiary", |a| {
            a.obj(|cb| {
                fixed(
                    cb,
                    "type",
                    "http://terminology.hl7.org/CodeSystem/coverage-copay-type",
                    "copay",
                    "Copay Amount",
                );
                money(cb, "valueMoney", copay, "USD");
            });
        });
    }
}

pub(super) fn explanation_of_benefit(o: &mut Obj<'_>, c: &mut Ctx<'_>, r: &mut R) {
    let at = c.when(r);
    let end = at.plus_secs(r.gen_range(900..7_200));
    let currency = if chance(r, 0.9) { "USD" } else { "EUR" };
    let insurer = *pick(r, INSURERS);
    let items: Vec<(usize, f64)> = (0..r.gen_range(1..5))
        .map(|_| {
            let row = r.gen_range(0..CLAIM_ITEMS.len());
            let price = (CLAIM_ITEMS[row].1 * r.gen_range(0.8..1.3) * 100.0).round() / 100.0;
            (row, price)
        })
        .collect();
    let billed: f64 = items.iter().map(|(_, p)| p).sum();
    // Some claims are denied outright; the rest pay a share.
    let share = if chance(r, 0.08) {
        0.0
    } else {
        r.gen_range(0.4..0.95)
    };
    let paid = (billed * share * 100.0).round() / 100.0;
    let (kind, kind_name) = weighted(
        r,
        &[
            (("professional", "Professional"), 60),
            (("institutional", "Institutional"), 25),
            (("pharmacy", "Pharmacy"), 15),
        ],
    );
    c.head(o, r, "ExplanationOfBenefit", at, None);
    c.narrative(
        o,
        r,
        0.3,
        "Claim",
        &[
            ("Billed", format!("{billed:.2} {currency}")),
            ("Paid", format!("{paid:.2} {currency}")),
        ],
    );
    if chance(r, 0.5) {
        let claim_no = digits(r, 12);
        o.arr("identifier", |a| {
            a.obj(|i| {
                i.str("system", "https://payer.example.com/claim")
                    .str("value", &claim_no);
            });
        });
    }
    o.str(
        "status",
        if chance(r, 0.98) {
            "active"
        } else {
            "cancelled"
        },
    );
    fixed(
        o,
        "type",
        "http://terminology.hl7.org/CodeSystem/claim-type",
        kind,
        kind_name,
    );
    o.str("use", "claim");
    c.subject(o, "patient", r);
    super::period(o, "billablePeriod", &c.dt(at), Some(&c.dt(end)));
    o.str("created", &c.dt(end.plus_days(r.gen_range(0..30))));
    o.obj("insurer", |i| {
        i.str("display", insurer);
    });
    c.practitioner(o, "provider", r);
    if chance(r, 0.4) {
        // Claims point at Claim resources that patient exports rarely include.
        let claim = c.rec.id(c.index).replace('-', "");
        o.obj("claim", |cl| {
            cl.str("reference", &format!("Claim/{claim}"));
        });
    }
    o.str(
        "outcome",
        if chance(r, 0.95) {
            "complete"
        } else {
            "partial"
        },
    );
    if chance(r, 0.3) {
        o.str(
            "disposition",
            if paid > 0.0 {
                "Claim settled as per contract."
            } else {
                "Claim denied — service not covered."
            },
        );
    }
    o.arr("careTeam", |a| {
        a.obj(|t| {
            t.int("sequence", 1);
            c.practitioner(t, "provider", r);
            fixed(
                t,
                "role",
                "http://terminology.hl7.org/CodeSystem/claimcareteamrole",
                "primary",
                "Primary provider",
            );
        });
    });
    if let Some(m) = c.trail.conditions.last().copied() {
        o.arr("diagnosis", |a| {
            a.obj(|d| {
                d.int("sequence", 1);
                c.reference(d, "diagnosisReference", "Condition", m.index, None);
            });
        });
    }
    o.arr("insurance", |a| {
        a.obj(|i| {
            i.bool("focal", true);
            let index = c.latest(Kind::Coverage);
            c.reference(i, "coverage", "Coverage", index, Some(insurer));
        });
    });
    let serviced = at.date();
    o.arr("item", |a| {
        for (seq, (row, price)) in items.iter().enumerate() {
            let (code, _) = CLAIM_ITEMS[*row];
            a.obj(|it| {
                it.int("sequence", seq as i64 + 1);
                it.obj("productOrService", |p| {
                    p.arr("coding", |a| {
                        coding(a, SNOMED, code.code, Some(code.display))
                    });
                    p.str("text", code.display);
                });
                it.str("servicedDate", &serviced);
                if let Some(e) = c.trail.encounter {
                    it.arr("encounter", |a| {
                        c.reference_item(a, "Encounter", e.index, None)
                    });
                }
                money(it, "net", *price, currency);
                it.arr("adjudication", |a| {
                    for (cat, name, amount) in [
                        ("submitted", "Submitted Amount", *price),
                        (
                            "eligible",
                            "Eligible Amount",
                            (*price * 0.9 * 100.0).round() / 100.0,
                        ),
                        (
                            "benefit",
                            "Benefit Amount",
                            (*price * share * 100.0).round() / 100.0,
                        ),
                    ] {
                        a.obj(|adj| {
                            fixed(adj, "category", ADJUDICATION, cat, name);
                            money(adj, "amount", amount, currency);
                        });
                    }
                });
            });
        }
    });
    o.arr("total", |a| {
        a.obj(|t| {
            fixed(t, "category", ADJUDICATION, "submitted", "Submitted Amount");
            money(t, "amount", billed, currency);
        });
        a.obj(|t| {
            fixed(t, "category", ADJUDICATION, "benefit", "Benefit Amount");
            money(t, "amount", paid, currency);
        });
    });
    o.obj("payment", |p| {
        p.obj("type", |t| {
            t.arr("coding", |a| {
                coding(
                    a,
                    "http://terminology.hl7.org/CodeSystem/ex-paymenttype",
                    "complete",
                    Some("Complete"),
                )
            });
        });
        p.str("date", &end.plus_days(r.gen_range(10..60)).date());
        money(p, "amount", paid, currency);
    });
    if chance(r, 0.1) {
        let reason = CONDITIONS[r.gen_range(0..CONDITIONS.len())].0;
        o.arr("processNote", |a| {
            a.obj(|n| {
                n.int("number", 1)
                    .str("type", "display")
                    .str("text", reason.display);
            });
        });
    }
}
