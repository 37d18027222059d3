//! The bridge to the `oauth2` crate: it builds and parses token requests, and
//! every request it makes goes through our `HttpClient` (address policy, no
//! redirects, timeouts, byte cap). SMART's extra token field (`patient`) rides
//! along as oauth2 "extra fields".
//!
//! Revocation does not go through oauth2: its `revoke_token` refuses any
//! endpoint that is not https, which rules out the built-in demo portal on
//! loopback; `token::revoke` posts the RFC 7009 form itself.

use oauth2::basic::{
    BasicErrorResponse, BasicRevocationErrorResponse, BasicTokenIntrospectionResponse,
    BasicTokenType,
};
use oauth2::{
    AuthType, ClientId, ClientSecret, EndpointNotSet, EndpointSet, ExtraTokenFields,
    RequestTokenError, StandardRevocableToken, StandardTokenResponse, TokenUrl,
};
use serde::{Deserialize, Serialize};
use url::Url;

use super::token::TokenError;
use crate::http::{
    describe_json_error, ClientAuth, HttpClient, HttpError, HttpResponse, FORM_RESPONSE_MAX,
};

/// SMART's additions to the RFC 6749 token response that we keep.
#[derive(Debug, Clone, Deserialize, Serialize)]
pub(crate) struct SmartTokenFields {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub patient: Option<String>,
}

impl ExtraTokenFields for SmartTokenFields {}

pub(crate) type SmartTokenResponse = StandardTokenResponse<SmartTokenFields, BasicTokenType>;

type OAuthClient<HasTokenUrl> = oauth2::Client<
    BasicErrorResponse,
    SmartTokenResponse,
    BasicTokenIntrospectionResponse,
    StandardRevocableToken,
    BasicRevocationErrorResponse,
    EndpointNotSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointNotSet,
    HasTokenUrl,
>;

/// An oauth2 client for one token endpoint and one way of authenticating.
pub(crate) fn client(token_endpoint: &Url, auth: &ClientAuth) -> OAuthClient<EndpointSet> {
    let client = OAuthClient::<EndpointNotSet>::new(ClientId::new(auth.client_id().to_owned()))
        .set_token_uri(TokenUrl::from_url(token_endpoint.clone()));
    match auth {
        ClientAuth::None { .. } => client.set_auth_type(AuthType::RequestBody),
        ClientAuth::Basic { secret, .. } => client
            .set_auth_type(AuthType::BasicAuth)
            .set_client_secret(ClientSecret::new(secret.expose().to_owned())),
        ClientAuth::Post { secret, .. } => client
            .set_auth_type(AuthType::RequestBody)
            .set_client_secret(ClientSecret::new(secret.expose().to_owned())),
    }
}

/// oauth2's transport: our client, behind a boxed `Send` future. (A closure
/// borrowing the client makes every token future fail `Send` for all
/// lifetimes, so callers on a multi-threaded runtime could not spawn it.)
pub(crate) struct Transport<'h>(pub &'h HttpClient);

type SendFuture<'c> = std::pin::Pin<
    Box<dyn std::future::Future<Output = Result<oauth2::HttpResponse, HttpError>> + Send + 'c>,
>;

impl<'c> oauth2::AsyncHttpClient<'c> for Transport<'_> {
    type Error = HttpError;
    type Future = SendFuture<'c>;

    fn call(&'c self, request: oauth2::HttpRequest) -> Self::Future {
        Box::pin(send(self.0, request))
    }
}

/// The function oauth2 calls to send a request. A 200, or a 400/401 carrying
/// an OAuth error body, goes back to oauth2 to parse; any other status becomes
/// our `HttpError`, so a 503 stays a retryable 503 instead of a parse failure.
pub(crate) async fn send(
    http: &HttpClient,
    request: oauth2::HttpRequest,
) -> Result<oauth2::HttpResponse, HttpError> {
    let response = http.send_prepared(request, FORM_RESPONSE_MAX).await?;
    if response.status != 200 && oauth_error(&response).is_none() {
        return Err(response.status_error());
    }
    let HttpResponse {
        status,
        content_type,
        body,
        origin,
        ..
    } = response;
    let mut builder = oauth2::http::Response::builder().status(status);
    if let Some(content_type) = content_type {
        builder = builder.header(oauth2::http::header::CONTENT_TYPE, content_type);
    }
    builder.body(body).map_err(|_| HttpError::Decode {
        origin,
        detail: "its headers were not valid".to_owned(),
    })
}

/// An RFC 6749 §5.2 error answer (400, or 401 for client authentication).
pub(crate) fn oauth_error(response: &HttpResponse) -> Option<TokenError> {
    #[derive(Deserialize)]
    struct ErrorBody {
        error: String,
        error_description: Option<String>,
    }
    if !matches!(response.status, 400 | 401) {
        return None;
    }
    let body: ErrorBody = serde_json::from_slice(&response.body).ok()?;
    Some(TokenError::oauth(body.error, body.error_description))
}

pub(crate) fn map_error(error: RequestTokenError<HttpError, BasicErrorResponse>) -> TokenError {
    match error {
        RequestTokenError::ServerResponse(response) => TokenError::oauth(
            response.error().as_ref().to_owned(),
            response.error_description().cloned(),
        ),
        RequestTokenError::Request(e) => TokenError::Http(e),
        // serde messages can quote the offending value (a token, a patient
        // id); only the field path and the position are kept.
        RequestTokenError::Parse(e, _body) => {
            let inner = e.inner();
            let message = inner.to_string();
            let detail = if message.starts_with("missing field") {
                message
            } else {
                format!("{} (field {})", describe_json_error(inner), e.path())
            };
            TokenError::Malformed { detail }
        }
        RequestTokenError::Other(_) => TokenError::Malformed {
            detail: "it was not a JSON token response".to_owned(),
        },
    }
}
