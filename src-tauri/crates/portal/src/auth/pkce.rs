//! PKCE (RFC 7636) with S256 only, as SMART App Launch v2 requires; `plain` is refused.

use crate::secret::s256;

fn unreserved(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_' | '~')
}

/// A code verifier: 43 to 128 unreserved characters.
pub(crate) fn valid_verifier(verifier: &str) -> bool {
    (43..=128).contains(&verifier.len()) && verifier.chars().all(unreserved)
}

/// An S256 challenge: 43 base64url characters (a SHA-256 digest, unpadded).
pub(crate) fn valid_challenge(challenge: &str) -> bool {
    challenge.len() == 43
        && challenge
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

/// Whether `verifier` is the one the app committed to with `challenge`.
pub(crate) fn verify(verifier: &str, challenge: &str) -> bool {
    valid_verifier(verifier) && s256(verifier) == challenge
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_committed_verifier_passes() {
        let v = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
        let c = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";
        assert!(valid_challenge(c));
        assert!(verify(v, c));
        assert!(!verify("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXK", c));
        assert!(!verify(c, c));
        assert!(!valid_verifier("short"));
        assert!(!valid_verifier(&"a".repeat(129)));
        assert!(!valid_challenge("not a challenge"));
    }
}
