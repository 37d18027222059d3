//! What one record shares across its resources: the patient, the key of its
//! random streams, and the trail of what has been written so far (for references
//! that point back to earlier resources).

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::dates::{days_from_civil, Moment, DAY_SECS, FIRST_DAY};
use crate::ids::{mix64, uuid};
use crate::kinds::{Kind, KIND_COUNT};
use crate::names::{Person, Place, PLACES};
use crate::random::{pick, R};

/// Stream numbers: resource `i` draws from stream `i`; facts about resource `i`
/// that other resources also need (a practitioner's name, a medication's code)
/// come from stream `AUX | i`, so the referrer and the referee agree without
/// either being generated twice.
const AUX: u64 = 1 << 62;
const RECORD_STREAM: u64 = u64::MAX;

pub(crate) struct Record {
    key: [u8; 32],
    /// The seed, scrambled: the record half of every id.
    bits: u64,
    pub patient_id: String,
    pub patient: Person,
    pub birth: Moment,
    pub place: Place,
    /// The first day care can be recorded: the record window, or later for the young.
    pub first_day: i64,
}

impl Record {
    pub(crate) fn new(seed: u64) -> Record {
        let key = ChaCha8Rng::seed_from_u64(seed).get_seed();
        let bits = mix64(seed);
        let mut r = stream(&key, RECORD_STREAM);
        let birth_lo = days_from_civil(1938, 1, 1);
        let birth_hi = days_from_civil(2003, 12, 31);
        let birth = Moment {
            day: r.gen_range(birth_lo..=birth_hi),
            sec: r.gen_range(0..DAY_SECS),
        };
        let patient = Person::random(&mut r);
        let place = *pick(&mut r, PLACES);
        Record {
            key,
            bits,
            patient_id: uuid(bits, 0),
            patient,
            birth,
            place,
            first_day: FIRST_DAY.max(birth.day + 30),
        }
    }

    pub(crate) fn id(&self, index: usize) -> String {
        uuid(self.bits, index as u64)
    }

    pub(crate) fn bundle_id(&self) -> String {
        uuid(self.bits, crate::ids::BUNDLE_SLOT)
    }

    /// The stream resource `index` is drawn from.
    pub(crate) fn rng(&self, index: usize) -> R {
        stream(&self.key, index as u64)
    }

    /// The stream of facts about resource `index` that others refer to.
    pub(crate) fn aux(&self, index: usize) -> R {
        stream(&self.key, AUX | index as u64)
    }
}

fn stream(key: &[u8; 32], n: u64) -> R {
    let mut r = ChaCha8Rng::from_seed(*key);
    r.set_stream(n);
    r
}

/// A recent resource other resources can point at.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Mark {
    pub index: usize,
    pub at: Moment,
    /// Which row of its code table it used, for the referrer's display.
    pub code: usize,
}

/// What the record holds so far.
#[derive(Default)]
pub(crate) struct Trail {
    pub last: [Option<usize>; KIND_COUNT],
    pub encounter: Option<Mark>,
    /// The most recent lab results, newest last, for DiagnosticReport.result.
    pub labs: Vec<usize>,
    pub conditions: Vec<Mark>,
}

impl Trail {
    const KEEP: usize = 8;

    pub(crate) fn last(&self, kind: Kind) -> Option<usize> {
        self.last[kind.slot()]
    }

    pub(crate) fn wrote(&mut self, kind: Kind, index: usize) {
        self.last[kind.slot()] = Some(index);
        if kind == Kind::LabResult {
            push_bounded(&mut self.labs, index);
        }
    }

    pub(crate) fn condition(&mut self, mark: Mark) {
        push_bounded(&mut self.conditions, mark);
    }
}

fn push_bounded<T>(v: &mut Vec<T>, item: T) {
    if v.len() == Trail::KEEP {
        v.remove(0);
    }
    v.push(item);
}
