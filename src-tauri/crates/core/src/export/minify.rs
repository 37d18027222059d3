//! One line from any JSON text: whitespace outside strings is dropped, every
//! other byte is kept (numbers, key order and escapes stay exactly as written).

/// Whether the bytes can be an NDJSON line as they are.
pub fn is_one_line(raw: &[u8]) -> bool {
    !raw.iter().any(|b| *b == b'\n' || *b == b'\r')
}

/// `raw` without whitespace outside strings, appended to `out`.
pub fn one_line(raw: &[u8], out: &mut Vec<u8>) {
    let mut in_string = false;
    let mut escaped = false;
    for &b in raw {
        if in_string {
            out.push(b);
            if escaped {
                escaped = false;
            } else if b == b'\\' {
                escaped = true;
            } else if b == b'"' {
                in_string = false;
            }
        } else if b == b'"' {
            in_string = true;
            out.push(b);
        } else if !matches!(b, b' ' | b'\n' | b'\r' | b'\t') {
            out.push(b);
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn whitespace_goes_only_outside_strings() {
        let raw = b"{\n  \"a\" : \"x \\\" y\\n\" ,\n  \"b\": [ 1.50, 2 ]\r\n}";
        let mut out = Vec::new();
        one_line(raw, &mut out);
        assert_eq!(out, b"{\"a\":\"x \\\" y\\n\",\"b\":[1.50,2]}");
        assert!(is_one_line(&out));
        assert!(!is_one_line(raw));
        let a: serde_json::Value = serde_json::from_slice(raw).unwrap();
        let b: serde_json::Value = serde_json::from_slice(&out).unwrap();
        assert_eq!(a, b);
    }
}
