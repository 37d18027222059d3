//! Resource ids: UUID-shaped, unique within a record and never shared between
//! records made from different seeds.
//!
//! An id packs 64 bits that identify the record (a bijective scramble of the seed)
//! and 58 bits that identify the resource (its index) into 122 bits, stirs those
//! with a bijection on 122 bits, and lays them into the free bits of a version-4
//! UUID. Every step is a bijection, so two different (seed, index) pairs can
//! never give the same id, and the ids still look random the way real servers'
//! ids do (no shared prefix within a record).

/// The splitmix64 finaliser: a bijection on u64 that mixes every bit.
pub(crate) fn mix64(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

const INDEX_BITS: u32 = 58;
const INDEX_MASK: u64 = (1 << INDEX_BITS) - 1;

/// The index slot the Bundle's own id uses; no record is that long.
pub(crate) const BUNDLE_SLOT: u64 = INDEX_MASK;

const BITS_122: u128 = (1 << 122) - 1;

/// A bijection on 122-bit values: multiplying by an odd constant (modulo 2^122)
/// carries low bits upwards, xor-shifting right carries high bits down, and
/// each step can be undone.
fn stir(mut v: u128) -> u128 {
    for k in [
        0x9e37_79b9_7f4a_7c15_f39c_c060_5ced_c835_u128,
        0xbf58_476d_1ce4_e5b9_94d0_49bb_1331_11eb,
    ] {
        v = v.wrapping_mul(k | 1) & BITS_122;
        v ^= v >> 61;
    }
    v
}

/// The id of resource `index` in the record whose scrambled seed is `record`.
pub(crate) fn uuid(record: u64, index: u64) -> String {
    let v = (u128::from(record) << INDEX_BITS) | u128::from(index & INDEX_MASK);
    let v = stir(v);
    let time_low = (v >> 90) & 0xffff_ffff;
    let time_mid = (v >> 74) & 0xffff;
    let time_hi = 0x4000 | ((v >> 62) & 0x0fff);
    let clock = 0x8000 | ((v >> 48) & 0x3fff);
    let node = v & 0xffff_ffff_ffff;
    format!("{time_low:08x}-{time_mid:04x}-{time_hi:04x}-{clock:04x}-{node:012x}")
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn ids_are_v4_uuids_distinct_across_indices_and_records() {
        let mut seen = HashSet::new();
        for seed in 0..50u64 {
            for index in 0..2000u64 {
                let id = uuid(mix64(seed), index);
                assert_eq!(id.len(), 36);
                assert_eq!(&id[14..15], "4");
                assert!(matches!(&id[19..20], "8" | "9" | "a" | "b"));
                assert!(seen.insert(id));
            }
        }
    }
}
