//! Deterministic synthetic patient records (FHIR R4) for Ownchart's tests,
//! benchmark and demo.
//!
//! Real records cannot go into a repository or a CI log, yet the importer, the
//! vault and the UI must be exercised on what patient portals really export:
//! tens of thousands of resources over twenty years, every category the app
//! shows, non-Latin and right-to-left names, optional fields left out, FHIR
//! choice types in all their shapes, hostile XHTML narratives and ~20 KB inline
//! attachments. [`Generator`] fabricates one patient's record of that kind from
//! a seed.
//!
//! Guarantees the tests build on:
//! - the same seed, count and canary give the same bytes, on every run and day
//!   (there is no clock and no global randomness);
//! - resource `i` does not depend on how many are asked for, so `bundle(100)`'s
//!   entries are the first 100 of `bundle(1000)`;
//! - ids are unique within a record and never shared between seeds;
//! - index 0 is the Patient and every other resource names `Patient/<its id>`;
//! - from 21 resources on, every resource kind is present (a fixed opening
//!   schedule), then kinds are drawn in realistic proportions.
//!
//! Size and speed (release build, one thread): `bundle(100_000)` is 170.8 MB
//! (1.7 KB a resource on average, ~1% of resources carrying a ~20 KB inline
//! document) and takes 0.5–0.7 s; see the ignored test
//! `tests::bundle_of_100k_size_and_time`.

mod codes;
mod dates;
mod ids;
mod json;
mod kinds;
mod names;
mod random;
mod record;
mod resources;
mod text;

use json::Obj;
use kinds::{kind_at, Kind};
use record::{Record, Trail};
use resources::Ctx;

/// A synthetic patient record, fixed by its seed (and canary).
pub struct Generator {
    record: Record,
    canary: Option<String>,
}

impl Generator {
    pub fn new(seed: u64) -> Generator {
        Generator {
            record: Record::new(seed),
            canary: None,
        }
    }

    /// Plants `canary` verbatim in the record: it becomes the patient's family
    /// name (so it is in the Patient, its narrative and the subject displays
    /// that name the patient) and appears in notes, descriptions and report
    /// conclusions. Tests grep for it to prove that nothing readable reaches
    /// the disk.
    pub fn with_canary(mut self, canary: &str) -> Generator {
        self.canary = Some(canary.to_owned());
        self
    }

    /// The Patient's id; every other resource refers to `Patient/<this>`.
    pub fn patient_id(&self) -> &str {
        &self.record.patient_id
    }

    /// A Bundle of type "collection" with `n` entries.
    pub fn bundle(&self, n: usize) -> Vec<u8> {
        self.bundle_of_type(n, "collection")
    }

    /// A Bundle of the given type with `n` entries. "searchset" adds `total`
    /// and `search.mode`; "transaction" and "batch" add a PUT `request` per
    /// entry; other types only set `type`.
    pub fn bundle_of_type(&self, n: usize, bundle_type: &str) -> Vec<u8> {
        let mut out = Vec::with_capacity(n.saturating_mul(1_800) + 256);
        let stamp = dates::Moment {
            day: dates::NOW_DAY,
            sec: 0,
        }
        .instant(None);
        let mut stream = Stream::new(self);
        json::object(&mut out, |b| {
            b.str("resourceType", "Bundle")
                .str("id", &self.record.bundle_id());
            b.obj("meta", |m| {
                m.str("lastUpdated", &stamp);
            });
            b.str("type", bundle_type).str("timestamp", &stamp);
            if bundle_type == "searchset" {
                b.int("total", i64::try_from(n).unwrap_or(i64::MAX));
            }
            // FHIR JSON has no empty arrays: no resources, no `entry`.
            if n == 0 {
                return;
            }
            b.arr("entry", |a| {
                for _ in 0..n {
                    let id = self.record.id(stream.next);
                    a.obj(|e| {
                        e.str("fullUrl", &format!("urn:uuid:{id}"));
                        let mut kind = Kind::Patient;
                        e.obj("resource", |o| kind = stream.write_next(o));
                        match bundle_type {
                            "searchset" => {
                                e.obj("search", |s| {
                                    s.str("mode", "match");
                                });
                            }
                            "transaction" | "batch" => {
                                let url = format!("{}/{id}", kind.resource_type());
                                e.obj("request", |q| {
                                    q.str("method", "PUT").str("url", &url);
                                });
                            }
                            _ => {}
                        }
                    });
                }
            });
        });
        out
    }

    /// The same `n` resources as NDJSON: one per line, each line ending in `\n`.
    pub fn ndjson(&self, n: usize) -> Vec<u8> {
        let mut out = Vec::with_capacity(n.saturating_mul(1_700));
        let mut stream = Stream::new(self);
        for _ in 0..n {
            json::object(&mut out, |o| {
                stream.write_next(o);
            });
            out.push(b'\n');
        }
        out
    }

    /// The `n` resources one by one, each a complete JSON object, in the order
    /// of [`Generator::bundle`] and [`Generator::ndjson`].
    pub fn resources(&self, n: usize) -> impl Iterator<Item = Vec<u8>> + '_ {
        let mut stream = Stream::new(self);
        (0..n).map(move |_| {
            let mut out = Vec::with_capacity(2_048);
            json::object(&mut out, |o| {
                stream.write_next(o);
            });
            out
        })
    }
}

/// Writes a record's resources in order, remembering what it wrote so later
/// resources can refer back to it.
struct Stream<'g> {
    generator: &'g Generator,
    next: usize,
    trail: Trail,
}

impl<'g> Stream<'g> {
    fn new(generator: &'g Generator) -> Stream<'g> {
        Stream {
            generator,
            next: 0,
            trail: Trail::default(),
        }
    }

    fn write_next(&mut self, o: &mut Obj<'_>) -> Kind {
        let index = self.next;
        self.next += 1;
        let rec = &self.generator.record;
        let mut r = rec.rng(index);
        let (kind, show) = kind_at(index, &mut r);
        let mut c = Ctx {
            rec,
            trail: &mut self.trail,
            index,
            id: rec.id(index),
            canary: self.generator.canary.as_deref(),
            show,
        };
        resources::write(kind, o, &mut c, &mut r);
        self.trail.wrote(kind, index);
        kind
    }
}

#[cfg(test)]
mod tests;
