//! A small streaming JSON writer.
//!
//! Building a `serde_json::Value` per resource would sort the keys (without
//! `preserve_order`, a feature other crates in the workspace could switch on and
//! so change our bytes) and costs a tree of allocations per resource. Writing
//! straight into the output keeps FHIR's element order, keeps the bytes the same
//! in every build, and is several times faster. Strings still go through
//! `serde_json`, so their escaping is exactly what a JSON parser expects.

use std::io::Write;

/// Writes `{...}` into `out`, the members written by `f`.
pub(crate) fn object(out: &mut Vec<u8>, f: impl FnOnce(&mut Obj<'_>)) {
    out.push(b'{');
    let mut o = Obj { out, first: true };
    f(&mut o);
    o.out.push(b'}');
}

/// Writes a JSON string (quoted and escaped).
pub(crate) fn string(out: &mut Vec<u8>, s: &str) {
    // serde_json escapes quotes, backslashes and control characters and writes
    // everything else, non-ASCII included, as UTF-8. Writing to a Vec cannot fail
    // and a &str always serializes, so there is no error to lose here.
    let _ = serde_json::to_writer(&mut *out, s);
}

fn decimal(out: &mut Vec<u8>, v: f64, places: usize) {
    // Values come from bounded arithmetic on finite inputs; a non-finite one
    // would not be JSON, so it becomes 0 rather than corrupting the output.
    let v = if v.is_finite() { v } else { 0.0 };
    let _ = write!(out, "{v:.places$}");
}

fn integer(out: &mut Vec<u8>, v: i64) {
    let _ = write!(out, "{v}");
}

/// The members of an object being written.
pub(crate) struct Obj<'a> {
    out: &'a mut Vec<u8>,
    first: bool,
}

impl Obj<'_> {
    fn key(&mut self, k: &str) {
        debug_assert!(k.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_'));
        if !self.first {
            self.out.push(b',');
        }
        self.first = false;
        self.out.push(b'"');
        self.out.extend_from_slice(k.as_bytes());
        self.out.extend_from_slice(b"\":");
    }

    pub(crate) fn str(&mut self, k: &str, v: &str) -> &mut Self {
        self.key(k);
        string(self.out, v);
        self
    }

    pub(crate) fn opt_str(&mut self, k: &str, v: Option<&str>) -> &mut Self {
        if let Some(v) = v {
            self.str(k, v);
        }
        self
    }

    pub(crate) fn int(&mut self, k: &str, v: i64) -> &mut Self {
        self.key(k);
        integer(self.out, v);
        self
    }

    /// A decimal with a fixed number of places, as measurements are reported.
    pub(crate) fn dec(&mut self, k: &str, v: f64, places: usize) -> &mut Self {
        self.key(k);
        decimal(self.out, v, places);
        self
    }

    pub(crate) fn bool(&mut self, k: &str, v: bool) -> &mut Self {
        self.key(k);
        self.out
            .extend_from_slice(if v { b"true" } else { b"false" });
        self
    }

    pub(crate) fn obj(&mut self, k: &str, f: impl FnOnce(&mut Obj<'_>)) -> &mut Self {
        self.key(k);
        object(self.out, f);
        self
    }

    pub(crate) fn arr(&mut self, k: &str, f: impl FnOnce(&mut Arr<'_>)) -> &mut Self {
        self.key(k);
        array(self.out, f);
        self
    }

    /// An array of strings.
    pub(crate) fn strs(&mut self, k: &str, vs: &[&str]) -> &mut Self {
        self.arr(k, |a| {
            for v in vs {
                a.str(v);
            }
        })
    }
}

fn array(out: &mut Vec<u8>, f: impl FnOnce(&mut Arr<'_>)) {
    out.push(b'[');
    let mut a = Arr { out, first: true };
    f(&mut a);
    a.out.push(b']');
}

/// The items of an array being written.
pub(crate) struct Arr<'a> {
    out: &'a mut Vec<u8>,
    first: bool,
}

impl Arr<'_> {
    fn sep(&mut self) {
        if !self.first {
            self.out.push(b',');
        }
        self.first = false;
    }

    pub(crate) fn str(&mut self, v: &str) -> &mut Self {
        self.sep();
        string(self.out, v);
        self
    }

    pub(crate) fn obj(&mut self, f: impl FnOnce(&mut Obj<'_>)) -> &mut Self {
        self.sep();
        object(self.out, f);
        self
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    #[test]
    fn writes_valid_json_in_the_given_order_with_strings_escaped() {
        let mut out = Vec::new();
        let nasty = "q\"b\\n\nt\tc\u{1}z Zoë 李 \u{202E} </script>";
        object(&mut out, |o| {
            o.str("z", nasty)
                .int("a", -3)
                .dec("d", 2.0 / 3.0, 2)
                .bool("b", true);
            o.obj("o", |o| {
                o.strs("s", &["x", "y"]);
            });
            o.arr("e", |_| {});
            o.opt_str("missing", None);
        });
        let text = String::from_utf8(out).unwrap();
        assert!(text.starts_with(r#"{"z":"#), "{text}");
        assert!(text.contains("Zoë 李"), "non-ASCII stays UTF-8: {text}");
        let v: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(v["z"], nasty);
        assert_eq!(v["d"].as_f64(), Some(0.67));
        assert_eq!(v["o"]["s"][1], "y");
        assert!(v.get("missing").is_none());
    }

    #[test]
    fn a_non_finite_decimal_does_not_break_the_json() {
        let mut out = Vec::new();
        object(&mut out, |o| {
            o.dec("x", f64::NAN, 1);
        });
        serde_json::from_slice::<serde_json::Value>(&out).unwrap();
    }
}
