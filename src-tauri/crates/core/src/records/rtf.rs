//! RTF attachments as plain text (threat model TM-17: RTF is converted in Rust,
//! never handed to a word processor): paragraphs and tabs kept, `\'hh` and
//! `\uN` characters decoded, control words and hidden groups (font and colour
//! tables, pictures, `{\*...}` destinations) dropped.

const HIDDEN: &[&str] = &[
    "fonttbl",
    "colortbl",
    "stylesheet",
    "info",
    "pict",
    "header",
    "footer",
    "object",
];

pub fn to_text(rtf: &str) -> String {
    let chars: Vec<char> = rtf.chars().collect();
    let mut out = String::new();
    // Depths at which a hidden group started; text inside is skipped.
    let mut hidden: Option<usize> = None;
    let mut depth = 0usize;
    let mut i = 0;
    let mut skip_fallback = 0usize;
    while i < chars.len() {
        let c = chars[i];
        match c {
            '{' => {
                depth += 1;
                if hidden.is_none()
                    && chars.get(i + 1) == Some(&'\\')
                    && chars.get(i + 2) == Some(&'*')
                {
                    hidden = Some(depth);
                }
                i += 1;
            }
            '}' => {
                if hidden == Some(depth) {
                    hidden = None;
                }
                depth = depth.saturating_sub(1);
                i += 1;
            }
            '\\' => {
                let next = chars.get(i + 1).copied();
                match next {
                    Some(ch @ ('\\' | '{' | '}')) => {
                        if hidden.is_none() {
                            out.push(ch);
                        }
                        i += 2;
                    }
                    Some('\'') => {
                        let hex: String = chars.iter().skip(i + 2).take(2).collect();
                        if let (Ok(b), None) = (u8::from_str_radix(&hex, 16), hidden) {
                            if skip_fallback > 0 {
                                skip_fallback -= 1;
                            } else {
                                out.push(char::from(b));
                            }
                        }
                        i += 4;
                    }
                    _ => {
                        let mut j = i + 1;
                        while j < chars.len() && chars[j].is_ascii_alphabetic() {
                            j += 1;
                        }
                        let word: String = chars[i + 1..j].iter().collect();
                        let num_start = j;
                        if j < chars.len() && chars[j] == '-' {
                            j += 1;
                        }
                        while j < chars.len() && chars[j].is_ascii_digit() {
                            j += 1;
                        }
                        let num: String = chars[num_start..j].iter().collect();
                        if j < chars.len() && chars[j] == ' ' {
                            j += 1;
                        }
                        if word.is_empty() {
                            // A control symbol such as `\~` or `\-`.
                            j = (i + 2).min(chars.len());
                        }
                        if HIDDEN.contains(&word.as_str()) && hidden.is_none() {
                            hidden = Some(depth);
                        }
                        if hidden.is_none() {
                            match word.as_str() {
                                "par" | "line" => out.push('\n'),
                                "tab" => out.push('\t'),
                                "u" => {
                                    if let Some(ch) = num
                                        .parse::<i32>()
                                        .ok()
                                        .map(|n| if n < 0 { n + 65_536 } else { n })
                                        .and_then(|n| char::from_u32(n as u32))
                                    {
                                        out.push(ch);
                                        skip_fallback = 1;
                                    }
                                }
                                _ => {}
                            }
                        }
                        i = j;
                    }
                }
            }
            '\r' | '\n' => i += 1,
            _ => {
                if hidden.is_none() {
                    if skip_fallback > 0 {
                        skip_fallback -= 1;
                    } else {
                        out.push(c);
                    }
                }
                i += 1;
            }
        }
    }
    out.trim().to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rtf_becomes_text() {
        assert_eq!(
            to_text(
                r"{\rtf1\ansi{\fonttbl\f0\fswiss Helvetica;}{\*\generator X;}\f0\pard Dose: 5\'b5g\par Next\tab line \u8364?  \{ok\}}"
            ),
            "Dose: 5µg\nNext\tline €  {ok}"
        );
        assert_eq!(to_text("plain"), "plain");
        assert_eq!(to_text(r"{\rtf1 {\pict\pngblip 89504e47} after}"), "after");
    }
}
