//! Getting, renewing and giving back tokens: the authorization-code exchange
//! (with the PKCE verifier), refresh (with rotation), client credentials for
//! patient-issued API keys, and RFC 7009 revocation.

use oauth2::basic::BasicTokenType;
use oauth2::{
    AuthorizationCode, PkceCodeVerifier, RedirectUrl, RefreshToken, Scope, TokenResponse,
};
use url::Url;

use super::oauth::{self, SmartTokenResponse};
use crate::http::{ClientAuth, HttpClient, HttpError};
use crate::secret::Secret;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TokenError {
    #[error("{}", oauth_message(error))]
    OAuth {
        /// The RFC 6749 error code (`invalid_grant`, …).
        error: String,
        /// The server's own explanation, for a details view; not in the message.
        description: Option<String>,
    },
    #[error(transparent)]
    Http(#[from] HttpError),
    #[error("The portal's sign-in server sent an answer Ownchart cannot use ({detail}).")]
    Malformed { detail: String },
}

fn oauth_message(error: &str) -> String {
    match error {
        "invalid_grant" => "The portal no longer accepts this sign-in (it expired or was withdrawn). Please reconnect.".into(),
        "invalid_client" | "unauthorized_client" => {
            "The portal did not accept the app's credentials (or your API key and secret).".into()
        }
        "invalid_scope" => "The portal refused the access Ownchart asked for.".into(),
        "unsupported_token_type" => "The portal does not support withdrawing this kind of access.".into(),
        "temporarily_unavailable" => "The portal's sign-in is temporarily unavailable. Please try again later.".into(),
        _ => format!("The portal's sign-in server refused the request (\"{error}\")."),
    }
}

impl TokenError {
    /// Builds an `OAuth` error; an error code that is not the plain ASCII token
    /// RFC 6749 allows is replaced, since it ends up in a message.
    pub(crate) fn oauth(error: String, description: Option<String>) -> TokenError {
        let plain = !error.is_empty()
            && error.len() <= 128
            && error
                .bytes()
                .all(|b| (0x20..=0x7e).contains(&b) && b != b'"' && b != b'\\');
        TokenError::OAuth {
            error: if plain {
                error
            } else {
                "unknown_error".to_owned()
            },
            description,
        }
    }

    /// The grant (code or refresh token) is dead: the patient must reconnect,
    /// and retrying is pointless.
    pub fn is_invalid_grant(&self) -> bool {
        matches!(self, TokenError::OAuth { error, .. } if error == "invalid_grant")
    }

    pub fn is_retryable(&self) -> bool {
        match self {
            TokenError::Http(e) => e.is_retryable(),
            TokenError::OAuth { error, .. } => error == "temporarily_unavailable",
            TokenError::Malformed { .. } => false,
        }
    }
}

#[derive(Debug, Clone)]
pub struct TokenSet {
    pub access_token: Secret,
    pub refresh_token: Option<Secret>,
    /// Seconds from when the response arrived.
    pub expires_in: Option<u64>,
    /// The scopes actually granted (may be fewer than asked), space-separated.
    pub scope: Option<String>,
    /// The FHIR id of the patient in context (SMART `launch/patient`).
    pub patient: Option<String>,
    /// Always `Bearer`: anything else is refused.
    pub token_type: String,
}

/// Which token `revoke` is given, sent as RFC 7009's `token_type_hint`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenHint {
    AccessToken,
    RefreshToken,
}

impl TokenHint {
    pub fn as_str(self) -> &'static str {
        match self {
            TokenHint::AccessToken => "access_token",
            TokenHint::RefreshToken => "refresh_token",
        }
    }
}

/// Exchanges an authorization code (public client, PKCE).
pub async fn exchange_code(
    http: &HttpClient,
    token_endpoint: &Url,
    client_id: &str,
    code: &Secret,
    verifier: &Secret,
    redirect_uri: &Url,
) -> Result<TokenSet, TokenError> {
    let client = oauth::client(
        token_endpoint,
        &ClientAuth::None {
            client_id: client_id.to_owned(),
        },
    )
    .set_redirect_uri(RedirectUrl::from_url(redirect_uri.clone()));
    let response = client
        .exchange_code(AuthorizationCode::new(code.expose().to_owned()))
        .set_pkce_verifier(PkceCodeVerifier::new(verifier.expose().to_owned()))
        .request_async(&oauth::Transport(http))
        .await
        .map_err(oauth::map_error)?;
    token_set(response)
}

/// Renews the access token. When the server rotates refresh tokens the new one
/// is returned; when it does not, the one passed in (still valid) is.
pub async fn refresh(
    http: &HttpClient,
    token_endpoint: &Url,
    client_auth: &ClientAuth,
    refresh_token: &Secret,
) -> Result<TokenSet, TokenError> {
    let client = oauth::client(token_endpoint, client_auth);
    let token = RefreshToken::new(refresh_token.expose().to_owned());
    let response = client
        .exchange_refresh_token(&token)
        .request_async(&oauth::Transport(http))
        .await
        .map_err(oauth::map_error)?;
    let mut tokens = token_set(response)?;
    if tokens.refresh_token.is_none() {
        tokens.refresh_token = Some(refresh_token.clone());
    }
    Ok(tokens)
}

/// How to present a key and secret to a token endpoint: HTTP Basic (the
/// OAuth default every server must accept), unless the server lists
/// `client_secret_post` and not `client_secret_basic`.
pub fn secret_client_auth(
    auth_methods: Option<&[String]>,
    key: &str,
    secret: &Secret,
) -> ClientAuth {
    let lists = |name: &str| auth_methods.is_some_and(|m| m.iter().any(|x| x == name));
    if lists("client_secret_post") && !lists("client_secret_basic") {
        ClientAuth::Post {
            id: key.to_owned(),
            secret: secret.clone(),
        }
    } else {
        ClientAuth::Basic {
            id: key.to_owned(),
            secret: secret.clone(),
        }
    }
}

/// A token for patient-issued API credentials (key + secret). `auth_methods`
/// is the server's `token_endpoint_auth_methods_supported`, if known.
pub async fn client_credentials(
    http: &HttpClient,
    token_endpoint: &Url,
    key: &str,
    secret: &Secret,
    scope: Option<&str>,
    auth_methods: Option<&[String]>,
) -> Result<TokenSet, TokenError> {
    let client = oauth::client(
        token_endpoint,
        &secret_client_auth(auth_methods, key, secret),
    );
    let scopes = scope
        .unwrap_or_default()
        .split_whitespace()
        .map(|s| Scope::new(s.to_owned()));
    let response = client
        .exchange_client_credentials()
        .add_scopes(scopes)
        .request_async(&oauth::Transport(http))
        .await
        .map_err(oauth::map_error)?;
    token_set(response)
}

/// RFC 7009: asks the server to invalidate a token. A 2xx means done (the RFC
/// treats an already invalid token as success too).
pub async fn revoke(
    http: &HttpClient,
    revocation_endpoint: &Url,
    client_auth: &ClientAuth,
    token: &Secret,
    hint: TokenHint,
) -> Result<(), TokenError> {
    let response = http
        .post_form(
            revocation_endpoint,
            &[
                ("token", token.expose()),
                ("token_type_hint", hint.as_str()),
            ],
            client_auth,
        )
        .await?;
    if response.is_success() {
        return Ok(());
    }
    Err(oauth::oauth_error(&response).unwrap_or_else(|| TokenError::Http(response.status_error())))
}

fn token_set(response: SmartTokenResponse) -> Result<TokenSet, TokenError> {
    let malformed = |detail: &str| TokenError::Malformed {
        detail: detail.to_owned(),
    };
    if *response.token_type() != BasicTokenType::Bearer {
        return Err(malformed("its token type is not Bearer"));
    }
    let access_token = response.access_token().secret();
    if !is_sendable_token(access_token) {
        return Err(malformed(
            "its access token is empty or has invalid characters",
        ));
    }
    let refresh_token = match response.refresh_token() {
        Some(token) if !is_sendable_token(token.secret()) => {
            return Err(malformed(
                "its refresh token is empty or has invalid characters",
            ))
        }
        Some(token) => Some(Secret::new(token.secret().as_str())),
        None => None,
    };
    Ok(TokenSet {
        access_token: Secret::new(access_token.as_str()),
        refresh_token,
        expires_in: response.expires_in().map(|d| d.as_secs()),
        scope: response.scopes().map(|scopes| {
            scopes
                .iter()
                .map(|s| s.as_str())
                .collect::<Vec<_>>()
                .join(" ")
        }),
        patient: response.extra_fields().patient.clone(),
        token_type: "Bearer".to_owned(),
    })
}

/// Visible ASCII only: a token goes into an HTTP header, and one with spaces
/// or control characters would break (or smuggle) header lines.
fn is_sendable_token(token: &str) -> bool {
    !token.is_empty() && token.bytes().all(|b| (0x21..=0x7e).contains(&b))
}

/// The token calls run on a multi-threaded runtime (spawned login tasks), so
/// their futures must be `Send`; this fails to compile if one stops being.
#[cfg(test)]
#[allow(dead_code)]
fn token_futures_are_send(http: HttpClient, url: Url, secret: Secret) {
    fn is_send<T: Send>(_: T) {}
    let auth = ClientAuth::None {
        client_id: String::new(),
    };
    is_send(async move {
        let _ = exchange_code(&http, &url, "c", &secret, &secret, &url).await;
        let _ = refresh(&http, &url, &auth, &secret).await;
        let _ = client_credentials(&http, &url, "k", &secret, None, None).await;
        let _ = revoke(&http, &url, &auth, &secret, TokenHint::AccessToken).await;
        let _ = super::discover(&http, &url).await;
        let _ = crate::read_patient(&http, &url, "p", &secret).await;
        let _ = crate::search_patient(&http, &url, &secret).await;
        let _ = http.get_bytes(&url, 1).await;
    });
}
