//! Sampling helpers over a ChaCha stream, so generators read as the choices they
//! make rather than as index arithmetic.

use rand::Rng;
use rand_chacha::ChaCha8Rng;

pub(crate) type R = ChaCha8Rng;

/// One item of a non-empty table. The tables are compile-time constants.
pub(crate) fn pick<'t, T>(r: &mut R, items: &'t [T]) -> &'t T {
    &items[r.gen_range(0..items.len())]
}

/// True with probability `p`.
pub(crate) fn chance(r: &mut R, p: f64) -> bool {
    r.gen_bool(p.clamp(0.0, 1.0))
}

/// An item chosen by integer weight.
pub(crate) fn weighted<T: Copy>(r: &mut R, items: &[(T, u32)]) -> T {
    let total: u32 = items.iter().map(|(_, w)| w).sum();
    let mut x = r.gen_range(0..total.max(1));
    for &(item, w) in items {
        if x < w {
            return item;
        }
        x -= w;
    }
    items[items.len() - 1].0
}

/// A bell-shaped value in [lo, hi] (mean of three uniforms), as measurements
/// cluster around a typical value instead of spreading evenly.
pub(crate) fn around(r: &mut R, lo: f64, hi: f64) -> f64 {
    let u: f64 = (r.gen::<f64>() + r.gen::<f64>() + r.gen::<f64>()) / 3.0;
    lo + (hi - lo) * u
}

/// `n` decimal digits, for identifiers such as MRNs and lot numbers.
pub(crate) fn digits(r: &mut R, n: usize) -> String {
    (0..n)
        .map(|_| char::from(b'0' + r.gen_range(0..10u8)))
        .collect()
}

/// `n` upper-case letters and digits.
pub(crate) fn alnum(r: &mut R, n: usize) -> String {
    const CHARS: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ0123456789";
    (0..n).map(|_| char::from(*pick(r, CHARS))).collect()
}

/// One string of a non-empty list.
pub(crate) fn one<'t>(r: &mut R, items: &[&'t str]) -> &'t str {
    items[r.gen_range(0..items.len())]
}
