//! A guard against absurdly deep JSON before it reaches serde: some crate in
//! the app's dependency tree switches on serde_json's `unbounded_depth`, which
//! removes serde_json's own recursion limit, so a hostile 100,000-level page
//! could otherwise overflow the stack (threat model N-02). One pass over the
//! bytes, skipping strings; far cheaper than the parse it protects.

/// Deeper than any FHIR resource (real ones stay under 20 levels).
pub const MAX_DEPTH: usize = 256;

/// Whether `json` nests objects/arrays more than `max` levels deep.
pub fn too_deep(json: &[u8], max: usize) -> bool {
    let mut depth = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    for &b in json {
        if in_string {
            if escaped {
                escaped = false;
            } else if b == b'\\' {
                escaped = true;
            } else if b == b'"' {
                in_string = false;
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'{' | b'[' => {
                depth += 1;
                if depth > max {
                    return true;
                }
            }
            b'}' | b']' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_nesting_outside_strings_only() {
        assert!(!too_deep(br#"{"a":[{"b":"[[[[[[[[[[{{{{{"}]}"#, 3));
        assert!(too_deep(br#"{"a":[{"b":[1]}]}"#, 3));
        assert!(!too_deep(br#"{"a":"\"[[[[","b":[]}"#, 2));
        assert!(too_deep("[".repeat(100_000).as_bytes(), MAX_DEPTH));
    }
}
