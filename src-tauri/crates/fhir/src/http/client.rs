//! `HttpClient`: the only way this crate touches the network. Every request is
//! checked against the address policy, runs under the limits, never follows a
//! redirect, and reads its body under a byte cap.

use std::fmt;

use reqwest::header::{
    HeaderMap, HeaderValue, ACCEPT, ACCEPT_ENCODING, AUTHORIZATION, CONTENT_TYPE,
};
use reqwest::redirect::Policy;
use reqwest::Method;
use url::{form_urlencoded, Url};

use super::client_auth::ClientAuth;
use super::policy::{check_same_origin, check_url_allowed, is_loopback, origin_of};
use super::response::read_capped;
use super::tls::TlsOptions;
use super::{HttpError, HttpLimits, HttpResponse};
use crate::secret::Secret;

const USER_AGENT: &str = concat!("Ownchart/", env!("CARGO_PKG_VERSION"));
const ACCEPT_FHIR_JSON: &str = "application/fhir+json, application/json;q=0.9";
const ACCEPT_JSON: &str = "application/json";
/// Token and revocation answers are a few hundred bytes; 1 MiB is generous.
pub(crate) const FORM_RESPONSE_MAX: usize = 1024 * 1024;

#[derive(Clone)]
pub struct HttpClient {
    remote: reqwest::Client,
    /// Loopback requests skip any configured proxy: the demo portal and tests
    /// live on this machine, and a proxy could not reach them anyway.
    loopback: reqwest::Client,
    limits: HttpLimits,
}

impl fmt::Debug for HttpClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HttpClient")
            .field("limits", &self.limits)
            .finish_non_exhaustive()
    }
}

impl HttpClient {
    pub fn new(limits: HttpLimits) -> Result<Self, HttpError> {
        HttpClient::with_tls(limits, &TlsOptions::default())
    }

    /// A client that also presents a client certificate (mutual TLS) and/or
    /// trusts extra roots; every other rule is the same.
    pub fn with_tls(limits: HttpLimits, tls: &TlsOptions) -> Result<Self, HttpError> {
        Ok(HttpClient {
            remote: build(&limits, true, tls)?,
            loopback: build(&limits, false, tls)?,
            limits,
        })
    }

    pub fn limits(&self) -> &HttpLimits {
        &self.limits
    }

    /// GET a JSON (or FHIR JSON) document. With a `bearer`, the request is only
    /// sent when `url` has the same origin as `expected_origin` (the FHIR base the
    /// token was issued for); a missing `expected_origin` counts as a mismatch.
    /// Any status other than 2xx is an error.
    pub async fn get_json(
        &self,
        url: &Url,
        bearer: Option<&Secret>,
        expected_origin: Option<&Url>,
    ) -> Result<HttpResponse, HttpError> {
        self.get_fhir(url, bearer, expected_origin, self.limits.max_body_bytes)
            .await
    }

    /// [`HttpClient::get_json`] with its own body cap (compressed and inflated),
    /// e.g. smaller for attachments.
    pub async fn get_fhir(
        &self,
        url: &Url,
        bearer: Option<&Secret>,
        expected_origin: Option<&Url>,
        max: usize,
    ) -> Result<HttpResponse, HttpError> {
        check_url_allowed(url)?;
        let mut headers = HeaderMap::new();
        headers.insert(ACCEPT, HeaderValue::from_static(ACCEPT_FHIR_JSON));
        headers.insert(ACCEPT_ENCODING, HeaderValue::from_static("gzip"));
        if let Some(token) = bearer {
            check_same_origin(url, expected_origin)?;
            headers.insert(AUTHORIZATION, bearer_header(token, url)?);
        }
        let response = self.execute(Method::GET, url, headers, None, max).await?;
        success(response)
    }

    /// GET a public document (a directory list) of at most `max` bytes, without
    /// any credentials. Any status other than 2xx is an error.
    pub async fn get_bytes(&self, url: &Url, max: usize) -> Result<HttpResponse, HttpError> {
        let mut headers = HeaderMap::new();
        headers.insert(ACCEPT, HeaderValue::from_static("*/*"));
        let response = self.execute(Method::GET, url, headers, None, max).await?;
        success(response)
    }

    /// POST an `application/x-www-form-urlencoded` body to an OAuth endpoint,
    /// authenticating the client as `client_auth` says. Unlike the GETs, a 4xx or
    /// 5xx answer is returned, not turned into an error: OAuth endpoints explain
    /// their errors in a JSON body the caller has to read. Redirects are still
    /// errors.
    pub async fn post_form(
        &self,
        url: &Url,
        fields: &[(&str, &str)],
        client_auth: &ClientAuth,
    ) -> Result<HttpResponse, HttpError> {
        // The body holds secrets; it moves into the request without a copy, and
        // reqwest owns (and frees) it from there. (The serializer is not `Send`,
        // so it must be gone before the first await.)
        let body = {
            let mut form = form_urlencoded::Serializer::new(String::new());
            form.extend_pairs(fields.iter().copied());
            form.extend_pairs(client_auth.form_fields());
            form.finish().into_bytes()
        };

        let mut headers = HeaderMap::new();
        headers.insert(ACCEPT, HeaderValue::from_static(ACCEPT_JSON));
        headers.insert(
            CONTENT_TYPE,
            HeaderValue::from_static("application/x-www-form-urlencoded"),
        );
        if let Some(basic) = client_auth.basic_header() {
            headers.insert(AUTHORIZATION, sensitive(&basic, url)?);
        }
        self.execute(Method::POST, url, headers, Some(body), FORM_RESPONSE_MAX)
            .await
    }

    /// Sends a JSON request (a GET, or a POST with `body`) to an API that
    /// explains its errors in JSON (an integrator's `errorData`, seed 002): any
    /// answer but a redirect is returned, whatever its status. A `bearer` goes
    /// only to `expected_origin`, as for FHIR GETs.
    pub async fn send_json(
        &self,
        url: &Url,
        body: Option<Vec<u8>>,
        bearer: Option<&Secret>,
        expected_origin: Option<&Url>,
        max: usize,
    ) -> Result<HttpResponse, HttpError> {
        check_url_allowed(url)?;
        let mut headers = HeaderMap::new();
        headers.insert(ACCEPT, HeaderValue::from_static(ACCEPT_JSON));
        if let Some(token) = bearer {
            check_same_origin(url, expected_origin)?;
            headers.insert(AUTHORIZATION, bearer_header(token, url)?);
        }
        let method = if body.is_some() {
            headers.insert(CONTENT_TYPE, HeaderValue::from_static(ACCEPT_JSON));
            Method::POST
        } else {
            Method::GET
        };
        self.execute(method, url, headers, body, max).await
    }

    /// Sends a request built elsewhere (by the `oauth2` crate) under the same
    /// rules. Returns any non-redirect answer, like `post_form`.
    pub(crate) async fn send_prepared(
        &self,
        request: oauth2::HttpRequest,
        max: usize,
    ) -> Result<HttpResponse, HttpError> {
        let (parts, body) = request.into_parts();
        let url = Url::parse(&parts.uri.to_string()).map_err(|_| HttpError::InsecureUrl {
            origin: "an address that could not be read".to_owned(),
        })?;
        let mut headers = parts.headers;
        if let Some(value) = headers.get_mut(AUTHORIZATION) {
            value.set_sensitive(true);
        }
        self.execute(parts.method, &url, headers, Some(body), max)
            .await
    }

    async fn execute(
        &self,
        method: Method,
        url: &Url,
        headers: HeaderMap,
        body: Option<Vec<u8>>,
        max: usize,
    ) -> Result<HttpResponse, HttpError> {
        check_url_allowed(url)?;
        let origin = origin_of(url);
        let client = if is_loopback(url) {
            &self.loopback
        } else {
            &self.remote
        };
        let mut request = client.request(method, url.clone()).headers(headers);
        if let Some(body) = body {
            request = request.body(body);
        }
        let work = async {
            let response = request
                .send()
                .await
                .map_err(|e| map_reqwest_error(&e, &origin))?;
            let status = response.status();
            if status.is_redirection() {
                return Err(HttpError::Redirect {
                    origin: origin.clone(),
                    status: status.as_u16(),
                });
            }
            read_capped(response, max, origin.clone()).await
        };
        // reqwest enforces the same deadline; this outer one also covers our own
        // body loop and makes the error ours whatever layer noticed first.
        match tokio::time::timeout(self.limits.deadline, work).await {
            Ok(result) => result,
            Err(_) => Err(HttpError::Timeout { origin }),
        }
    }
}

fn build(
    limits: &HttpLimits,
    use_proxy: bool,
    tls: &TlsOptions,
) -> Result<reqwest::Client, HttpError> {
    let mut builder = reqwest::Client::builder()
        .tls_backend_native()
        .tls_version_min(reqwest::tls::Version::TLS_1_2)
        .connect_timeout(limits.connect_timeout)
        .read_timeout(limits.read_timeout)
        .timeout(limits.deadline)
        .redirect(Policy::none())
        .referer(false)
        .user_agent(USER_AGENT);
    if !use_proxy {
        builder = builder.no_proxy();
    }
    if let Some(identity) = &tls.identity {
        builder = builder.identity(identity.to_reqwest()?);
    }
    let roots = tls.roots()?;
    if !roots.is_empty() {
        builder = builder.tls_certs_merge(roots);
    }
    builder.build().map_err(|_| HttpError::Setup {
        detail: "the system's TLS library could not be started".to_owned(),
    })
}

fn success(response: HttpResponse) -> Result<HttpResponse, HttpError> {
    if response.is_success() {
        Ok(response)
    } else {
        Err(response.status_error())
    }
}

fn bearer_header(token: &Secret, url: &Url) -> Result<HeaderValue, HttpError> {
    let value = zeroize::Zeroizing::new(format!("Bearer {}", token.expose()));
    sensitive(&value, url)
}

/// A header value that hyper keeps out of HPACK tables and `Debug` output.
fn sensitive(value: &str, url: &Url) -> Result<HeaderValue, HttpError> {
    let mut header = HeaderValue::from_str(value).map_err(|_| HttpError::Decode {
        origin: origin_of(url),
        detail: "the sign-in token contains characters that cannot be sent".to_owned(),
    })?;
    header.set_sensitive(true);
    Ok(header)
}

/// reqwest's own messages quote the full URL (query string included), so only
/// the kind of failure is kept.
pub(crate) fn map_reqwest_error(e: &reqwest::Error, origin: &str) -> HttpError {
    let origin = origin.to_owned();
    if e.is_timeout() {
        HttpError::Timeout { origin }
    } else if e.is_redirect() {
        HttpError::Redirect {
            origin,
            status: e.status().map_or(0, |s| s.as_u16()),
        }
    } else if e.is_builder() {
        HttpError::InsecureUrl { origin }
    } else {
        HttpError::Connect { origin }
    }
}
