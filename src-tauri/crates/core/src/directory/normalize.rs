//! Folding text for search: lowercase ASCII words, accents and other scripts
//! transliterated (so "São" and "Sao", "Zürich" and "zurich" meet), apostrophes
//! dropped ("St. Mary's" → "st marys"), every other symbol a word break.

/// The words of `text`, folded, joined by single spaces.
pub fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_ascii() {
            push_ascii(&mut out, c);
        } else if let Some(ascii) = deunicode::deunicode_char(c) {
            // A symbol transliterates to punctuation or to a word; either way the
            // word rules below apply to what it became.
            for a in ascii.chars() {
                push_ascii(&mut out, a);
            }
        } else {
            push_break(&mut out);
        }
    }
    if out.ends_with(' ') {
        out.pop();
    }
    out
}

fn push_ascii(out: &mut String, c: char) {
    if c.is_ascii_alphanumeric() {
        out.push(c.to_ascii_lowercase());
    } else if c != '\'' {
        push_break(out);
    }
}

fn push_break(out: &mut String) {
    if !out.is_empty() && !out.ends_with(' ') {
        out.push(' ');
    }
}

/// The digits of a postal code: "53705-1234" → "537051234".
pub fn digits(text: &str) -> String {
    text.chars().filter(char::is_ascii_digit).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_case_accents_and_punctuation() {
        assert_eq!(fold("  St. Mary's  Hospital "), "st marys hospital");
        assert_eq!(fold("São Paulo – Clínica"), "sao paulo clinica");
        assert_eq!(fold("ZÜRICH/Spital"), "zurich spital");
        assert_eq!(fold("Søren’s Øre"), "sorens ore");
        assert_eq!(fold("A&B"), "a b");
        assert_eq!(fold(""), "");
        assert_eq!(fold("---"), "");
    }

    #[test]
    fn postal_digits() {
        assert_eq!(digits("53705-1234"), "537051234");
        assert_eq!(digits("K1A 0B1"), "101");
    }
}
