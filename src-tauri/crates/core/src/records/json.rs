//! Pretty-printing stored JSON for the raw view without parsing it into a
//! tree: indentation is added between tokens, so member order, number
//! spelling and string escapes stay exactly as received.

/// `raw` (one JSON value) indented by two spaces per level.
pub fn pretty(raw: &[u8]) -> String {
    let text = String::from_utf8_lossy(raw);
    let mut out = String::with_capacity(text.len() + text.len() / 4);
    let mut depth = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    let mut chars = text.chars().peekable();
    let newline = |out: &mut String, depth: usize| {
        out.push('\n');
        for _ in 0..depth {
            out.push_str("  ");
        }
    };
    while let Some(c) = chars.next() {
        if in_string {
            out.push(c);
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                in_string = false;
            }
            continue;
        }
        match c {
            '"' => {
                in_string = true;
                out.push(c);
            }
            '{' | '[' => {
                out.push(c);
                // Skip whitespace to see whether the container is empty.
                while chars.peek().is_some_and(|n| n.is_whitespace()) {
                    chars.next();
                }
                if matches!(chars.peek(), Some('}') | Some(']')) {
                    if let Some(close) = chars.next() {
                        out.push(close);
                    }
                } else {
                    depth += 1;
                    newline(&mut out, depth);
                }
            }
            '}' | ']' => {
                depth = depth.saturating_sub(1);
                newline(&mut out, depth);
                out.push(c);
            }
            ',' => {
                out.push(c);
                newline(&mut out, depth);
            }
            ':' => out.push_str(": "),
            c if c.is_whitespace() => {}
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn indents_without_reordering_or_respelling() {
        let raw = br#"{"resourceType":"Observation","valueQuantity":{"value":6.10,"unit":"%"},"note":[{"text":"a, b: {c} [d] \"q\" \\"}],"empty":{},"list":[ ]}"#;
        let p = pretty(raw);
        assert_eq!(
            p,
            "{\n  \"resourceType\": \"Observation\",\n  \"valueQuantity\": {\n    \"value\": 6.10,\n    \"unit\": \"%\"\n  },\n  \"note\": [\n    {\n      \"text\": \"a, b: {c} [d] \\\"q\\\" \\\\\"\n    }\n  ],\n  \"empty\": {},\n  \"list\": []\n}"
        );
        let back: serde_json::Value = serde_json::from_str(&p).unwrap();
        let orig: serde_json::Value = serde_json::from_slice(raw).unwrap();
        assert_eq!(back, orig);
    }
}
