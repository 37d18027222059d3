//! Reading the redirect that brings the patient back from the portal (deep link
//! or loopback). The URL is hostile input: anyone can fire one at the app, so it
//! is parsed strictly (no repeated parameters, bounded lengths), and nothing here
//! acts on it. The caller matches `state` against its pending attempt first.

use url::Url;

use crate::secret::Secret;

/// Codes can be long signed blobs (several KiB at some vendors); anything
/// beyond this is not a real callback.
const MAX_CODE: usize = 8 * 1024;
const MAX_STATE: usize = 512;
const MAX_ISS: usize = 2 * 1024;
const MAX_ERROR: usize = 256;
const MAX_ERROR_DESCRIPTION: usize = 2 * 1024;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CallbackError {
    #[error("The sign-in response repeats its {0} parameter, so Ownchart ignored it.")]
    Duplicate(&'static str),
    #[error("The sign-in response has an over-long {0} parameter, so Ownchart ignored it.")]
    TooLong(&'static str),
    #[error("The sign-in response has no state parameter, so Ownchart ignored it.")]
    MissingState,
    #[error("The sign-in response has neither an authorization code nor an error.")]
    MissingCode,
    #[error("The sign-in response has both an authorization code and an error.")]
    CodeAndError,
    #[error("The sign-in response has an invalid {0} parameter.")]
    Invalid(&'static str),
    #[error("{}", refused_message(error))]
    Refused {
        error: String,
        /// The portal's own explanation; shown as the portal's words, if at all.
        description: Option<String>,
    },
    #[error(
        "The sign-in response came from a different sign-in server than the one Ownchart asked, so it was refused."
    )]
    IssuerMismatch,
    #[error(
        "The sign-in response did not say which sign-in server sent it, although that server promised to, so it was refused."
    )]
    MissingIssuer,
}

fn refused_message(error: &str) -> String {
    match error {
        "access_denied" => "Access was not granted at the portal, so nothing was connected.".into(),
        "temporarily_unavailable" => {
            "The portal's sign-in is temporarily unavailable. Please try again later.".into()
        }
        _ => format!("The portal did not complete the sign-in (it answered \"{error}\")."),
    }
}

/// What the portal answered: a code to exchange, or a refusal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CallbackOutcome {
    Code(Secret),
    Refused {
        error: String,
        description: Option<String>,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Callback {
    pub state: Secret,
    /// RFC 9207 issuer identifier, when the server sent one.
    pub iss: Option<String>,
    pub outcome: CallbackOutcome,
}

impl Callback {
    pub fn parse(url: &Url) -> Result<Callback, CallbackError> {
        let mut code = None;
        let mut state = None;
        let mut iss = None;
        let mut error = None;
        let mut error_description = None;
        for (name, value) in url.query_pairs() {
            let (slot, name, max) = match name.as_ref() {
                "code" => (&mut code, "code", MAX_CODE),
                "state" => (&mut state, "state", MAX_STATE),
                "iss" => (&mut iss, "iss", MAX_ISS),
                "error" => (&mut error, "error", MAX_ERROR),
                "error_description" => (
                    &mut error_description,
                    "error_description",
                    MAX_ERROR_DESCRIPTION,
                ),
                // Servers add their own (session_state, …); harmless.
                _ => continue,
            };
            if slot.is_some() {
                return Err(CallbackError::Duplicate(name));
            }
            if value.len() > max {
                return Err(CallbackError::TooLong(name));
            }
            *slot = Some(value.into_owned());
        }

        let state = state
            .filter(|s| !s.is_empty())
            .map(Secret::new)
            .ok_or(CallbackError::MissingState)?;
        let outcome = match (code, error) {
            (Some(_), Some(_)) => return Err(CallbackError::CodeAndError),
            (None, None) => return Err(CallbackError::MissingCode),
            (Some(code), None) if code.is_empty() => return Err(CallbackError::MissingCode),
            (Some(code), None) => CallbackOutcome::Code(Secret::new(code)),
            (None, Some(error)) => {
                // RFC 6749 §4.1.2.1: error codes are printable ASCII without `"`
                // and `\`; anything else would end up quoted in our message.
                if error.is_empty()
                    || !error
                        .bytes()
                        .all(|b| (0x20..=0x7e).contains(&b) && b != b'"' && b != b'\\')
                {
                    return Err(CallbackError::Invalid("error"));
                }
                CallbackOutcome::Refused {
                    error,
                    description: error_description,
                }
            }
        };
        Ok(Callback {
            state,
            iss,
            outcome,
        })
    }

    /// The code, or the portal's refusal as an error.
    pub fn into_code(self) -> Result<Secret, CallbackError> {
        match self.outcome {
            CallbackOutcome::Code(code) => Ok(code),
            CallbackOutcome::Refused { error, description } => {
                Err(CallbackError::Refused { error, description })
            }
        }
    }
}

/// RFC 9207 mix-up defence: an `iss` that is present must be the issuer we
/// sent the patient to, compared as exact strings; when the server advertised
/// `authorization_response_iss_parameter_supported` (`required`), it must be
/// present.
pub fn check_issuer(
    expected: &str,
    received: Option<&str>,
    required: bool,
) -> Result<(), CallbackError> {
    match received {
        Some(iss) if iss == expected => Ok(()),
        Some(_) => Err(CallbackError::IssuerMismatch),
        None if required => Err(CallbackError::MissingIssuer),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    fn parse(query: &str) -> Result<Callback, CallbackError> {
        Callback::parse(&Url::parse(&format!("ownchart://callback?{query}")).unwrap())
    }

    #[test]
    fn a_code_callback() {
        let cb =
            parse("code=abc%2F123&state=st-1&iss=https%3A%2F%2Fauth.example.org&session_state=x")
                .unwrap();
        assert!(cb.state.ct_eq("st-1"));
        assert_eq!(cb.iss.as_deref(), Some("https://auth.example.org"));
        assert_eq!(cb.clone().into_code().unwrap().expose(), "abc/123");
        let text = format!("{cb:?}");
        assert!(!text.contains("abc") && !text.contains("st-1"), "{text}");
    }

    #[test]
    fn loopback_callbacks_parse_the_same() {
        let url = Url::parse("http://127.0.0.1:51234/callback?state=s&code=c").unwrap();
        assert!(Callback::parse(&url).is_ok());
    }

    #[test]
    fn duplicate_parameters_are_refused() {
        assert_eq!(
            parse("code=a&code=b&state=s").unwrap_err(),
            CallbackError::Duplicate("code")
        );
        assert_eq!(
            parse("code=a&state=s&state=t").unwrap_err(),
            CallbackError::Duplicate("state")
        );
        assert_eq!(
            parse("code=a&state=s&iss=x&iss=x").unwrap_err(),
            CallbackError::Duplicate("iss")
        );
    }

    #[test]
    fn access_denied_is_a_refusal() {
        let cb = parse("error=access_denied&error_description=User+said+no&state=s").unwrap();
        assert_eq!(
            cb.outcome,
            CallbackOutcome::Refused {
                error: "access_denied".into(),
                description: Some("User said no".into())
            }
        );
        let e = cb.into_code().unwrap_err();
        assert!(e.to_string().contains("not granted"), "{e}");
    }

    #[test]
    fn missing_pieces_are_errors() {
        assert_eq!(parse("state=s").unwrap_err(), CallbackError::MissingCode);
        assert_eq!(
            parse("code=&state=s").unwrap_err(),
            CallbackError::MissingCode
        );
        assert_eq!(parse("code=a").unwrap_err(), CallbackError::MissingState);
        assert_eq!(
            parse("code=a&state=").unwrap_err(),
            CallbackError::MissingState
        );
        assert_eq!(
            Callback::parse(&Url::parse("ownchart://callback").unwrap()).unwrap_err(),
            CallbackError::MissingState
        );
        assert_eq!(
            parse("code=a&error=access_denied&state=s").unwrap_err(),
            CallbackError::CodeAndError
        );
        assert_eq!(
            parse("error=%22quoted%22&state=s").unwrap_err(),
            CallbackError::Invalid("error")
        );
    }

    #[test]
    fn over_long_values_are_refused() {
        let long = "a".repeat(MAX_STATE + 1);
        assert_eq!(
            parse(&format!("code=c&state={long}")).unwrap_err(),
            CallbackError::TooLong("state")
        );
        let long = "a".repeat(MAX_CODE + 1);
        assert_eq!(
            parse(&format!("code={long}&state=s")).unwrap_err(),
            CallbackError::TooLong("code")
        );
        assert!(parse(&format!("code={}&state=s", "a".repeat(MAX_CODE))).is_ok());
    }

    #[test]
    fn errors_never_quote_codes_or_states() {
        for query in [
            "code=SECRETCODE&code=SECRETCODE&state=SECRETSTATE",
            "code=SECRETCODE",
        ] {
            let text = parse(query).unwrap_err().to_string();
            assert!(!text.contains("SECRET"), "{text}");
        }
    }

    #[test]
    fn issuer_checks() {
        let expected = "https://auth.example.org";
        assert!(check_issuer(expected, Some(expected), true).is_ok());
        assert!(check_issuer(expected, Some(expected), false).is_ok());
        assert!(check_issuer(expected, None, false).is_ok());
        assert_eq!(
            check_issuer(expected, None, true).unwrap_err(),
            CallbackError::MissingIssuer
        );
        for other in [
            "https://evil.example",
            "https://auth.example.org/",
            "HTTPS://auth.example.org",
        ] {
            assert_eq!(
                check_issuer(expected, Some(other), false).unwrap_err(),
                CallbackError::IssuerMismatch,
                "{other}"
            );
        }
    }
}
