//! How our app (or a patient's API key) identifies itself to a token endpoint:
//! a public client sends only its id; a confidential one adds its secret, either
//! in an HTTP Basic header (`client_secret_basic`) or in the form body
//! (`client_secret_post`).

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use url::form_urlencoded;
use zeroize::Zeroizing;

use crate::secret::Secret;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClientAuth {
    /// A public client (the usual SMART patient app): `client_id` in the form.
    None { client_id: String },
    /// `client_secret_basic`: `Authorization: Basic …`.
    Basic { id: String, secret: Secret },
    /// `client_secret_post`: `client_id` and `client_secret` in the form.
    Post { id: String, secret: Secret },
}

impl ClientAuth {
    pub fn client_id(&self) -> &str {
        match self {
            ClientAuth::None { client_id } => client_id,
            ClientAuth::Basic { id, .. } | ClientAuth::Post { id, .. } => id,
        }
    }

    /// The `Authorization` header value for `Basic`. RFC 6749 §2.3.1 wants the id
    /// and secret form-encoded *before* base64, unlike ordinary Basic auth, so a
    /// secret with `:` or `%` in it still arrives intact.
    pub(crate) fn basic_header(&self) -> Option<Zeroizing<String>> {
        let ClientAuth::Basic { id, secret } = self else {
            return None;
        };
        let id: String = form_urlencoded::byte_serialize(id.as_bytes()).collect();
        let secret: Zeroizing<String> =
            Zeroizing::new(form_urlencoded::byte_serialize(secret.expose().as_bytes()).collect());
        let pair = Zeroizing::new(format!("{id}:{}", secret.as_str()));
        Some(Zeroizing::new(format!(
            "Basic {}",
            STANDARD.encode(pair.as_bytes())
        )))
    }

    /// The form fields this method adds to a request body.
    pub(crate) fn form_fields(&self) -> Vec<(&'static str, &str)> {
        match self {
            ClientAuth::None { client_id } => vec![("client_id", client_id.as_str())],
            ClientAuth::Basic { .. } => Vec::new(),
            ClientAuth::Post { id, secret } => {
                vec![
                    ("client_id", id.as_str()),
                    ("client_secret", secret.expose()),
                ]
            }
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    #[test]
    fn basic_header_encodes_before_base64() {
        let auth = ClientAuth::Basic {
            id: "my app".into(),
            secret: Secret::new("s:e%c"),
        };
        let header = auth.basic_header().unwrap();
        let encoded = header.strip_prefix("Basic ").unwrap();
        let decoded = String::from_utf8(STANDARD.decode(encoded).unwrap()).unwrap();
        assert_eq!(decoded, "my+app:s%3Ae%25c");
        assert!(auth.form_fields().is_empty());
    }

    #[test]
    fn debug_hides_the_secret() {
        let auth = ClientAuth::Post {
            id: "key-1".into(),
            secret: Secret::new("canary-secret"),
        };
        let text = format!("{auth:?}");
        assert!(
            text.contains("key-1") && !text.contains("canary-secret"),
            "{text}"
        );
        assert_eq!(
            auth.form_fields(),
            vec![("client_id", "key-1"), ("client_secret", "canary-secret")]
        );
        assert_eq!(
            ClientAuth::None {
                client_id: "app".into()
            }
            .form_fields(),
            vec![("client_id", "app")]
        );
    }
}
