//! The integrator's HTTP API (seed 002), through the fhir crate's capped client
//! with the account's client certificate: directory search, the patient token
//! (code or refresh), and resources — at once, or as an asynchronous
//! transaction polled from the cache. Every call carries the device token as a
//! Bearer, sent only to the directory's and the integrator's own origins.

use ownchart_fhir::http::{HttpClient, HttpResponse};
use ownchart_fhir::secret::Secret;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use url::Url;

use super::error::{clean, IntegratorError};
use super::types::IntegratorEndpoint;
use crate::directory::PortalKind;

/// Directory answers are small; 8 MiB is generous.
const DIRECTORY_MAX: usize = 8 * 1024 * 1024;
const TOKEN_MAX: usize = 1024 * 1024;

pub(crate) struct IntegratorClient {
    pub http: HttpClient,
    pub directory: Url,
    pub integrator: Url,
    pub redirector: Url,
    pub device: Secret,
}

/// A directory entry with the two URLs a login needs.
#[derive(Debug, Clone)]
pub(crate) struct EndpointFull {
    pub view: IntegratorEndpoint,
    pub redirect_uri: String,
    pub derived_auth_uri: String,
}

/// Seed 002's token answer, read.
pub(crate) struct IntegratorTokens {
    pub token: Secret,
    pub patient_id: Option<String>,
    pub expires_in: Option<u64>,
    pub refresh_token: Option<Secret>,
}

/// What a resources query asks for (seed 002's body, without the token).
#[derive(Debug, Clone, Default)]
pub(crate) struct ResourcesQuery {
    pub patient_id: Option<String>,
    pub resources: Vec<String>,
    pub from_time: Option<String>,
    pub to_time: Option<String>,
    pub exclude_undated_entries: bool,
}

/// An asynchronous query's state in the cache.
pub(crate) enum Retrieved {
    Pending,
    Ready(HttpResponse),
}

#[derive(Deserialize)]
struct RawEndpoint {
    #[serde(rename = "_id")]
    id: String,
    name: String,
    street: Option<String>,
    city: Option<String>,
    state: Option<String>,
    zip: Option<String>,
    vendor: Option<String>,
    #[serde(rename = "endpointStatus")]
    endpoint_status: Option<String>,
    #[serde(rename = "dataType")]
    data_type: Option<String>,
    #[serde(rename = "derivedAuthUri")]
    derived_auth_uri: Option<String>,
    #[serde(rename = "redirectUri")]
    redirect_uri: Option<String>,
    parent_org: Option<String>,
}

/// `tokenExpires` is a string of seconds in the seed; a number is accepted too.
#[derive(Deserialize)]
#[serde(untagged)]
enum Seconds {
    Text(String),
    Number(u64),
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct TokenAnswer {
    pat_id: Option<String>,
    token: Secret,
    token_expires: Option<Seconds>,
    refresh_token: Option<Secret>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ResourcesBody<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    patient_id: Option<&'a str>,
    oauth_token: &'a str,
    resources: &'a [String],
    params: ParamsBody<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ParamsBody<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    from_time: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    to_time: Option<&'a str>,
    exclude_undated_entries: bool,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct AsyncStarted {
    transaction_id: Option<String>,
}

/// The `error` names and first message of an answer's `errorData`.
fn error_summary(body: &[u8]) -> (Vec<String>, Option<String>) {
    let value: Value = serde_json::from_slice(body).unwrap_or(Value::Null);
    let errors = value
        .pointer("/errorData/errors")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let names = errors
        .iter()
        .filter_map(|e| e.get("error").and_then(Value::as_str).map(str::to_owned))
        .collect();
    let message = errors
        .iter()
        .find_map(|e| e.get("message").and_then(Value::as_str))
        .map(clean);
    (names, message)
}

/// The error for an answer that is not a success.
fn refusal(response: &HttpResponse, patient_call: bool) -> IntegratorError {
    let (names, message) = error_summary(&response.body);
    let named = |n: &str| names.iter().any(|x| x == n);
    match response.status {
        401 if named("invalid_token") => IntegratorError::TokenRejected,
        401 if named("invalid_device_token") || !patient_call => IntegratorError::DeviceRejected,
        401 => IntegratorError::TokenRejected,
        400 if named("invalid_grant") => IntegratorError::AccessEnded(
            message.unwrap_or_else(|| "the integrator refused the sign-in".to_owned()),
        ),
        status => IntegratorError::Refused {
            status,
            message: message.unwrap_or_else(|| "no explanation was given".to_owned()),
        },
    }
}

fn malformed(e: &serde_json::Error) -> IntegratorError {
    IntegratorError::Malformed(ownchart_fhir::http::describe_json_error(e))
}

fn join(base: &Url, path: &str) -> Result<Url, IntegratorError> {
    Url::parse(&format!("{}/{path}", base.as_str().trim_end_matches('/')))
        .map_err(|_| IntegratorError::BadAccount("an address is not valid".to_owned()))
}

fn kind_of(data_type: Option<&str>, asked: PortalKind) -> PortalKind {
    match data_type {
        Some(t) if t.eq_ignore_ascii_case("payer") => PortalKind::Payer,
        Some(t) if t.eq_ignore_ascii_case("clinical") => PortalKind::Clinical,
        _ => asked,
    }
}

impl IntegratorClient {
    /// `GET {directory}/client/endpoint/{clinical|payer}/search/{term}`, or the
    /// no-filter form `.../search/` when `term` is empty.
    pub async fn search(
        &self,
        kind: PortalKind,
        term: &str,
    ) -> Result<Vec<EndpointFull>, IntegratorError> {
        let kind_path = match kind {
            PortalKind::Clinical => "clinical",
            PortalKind::Payer => "payer",
        };
        let mut url = join(
            &self.directory,
            &format!("client/endpoint/{kind_path}/search/"),
        )?;
        let term = term.trim();
        if !term.is_empty() {
            url.path_segments_mut()
                .map_err(|_| IntegratorError::BadAccount("the directory address".to_owned()))?
                .pop_if_empty()
                .push(term);
        }
        let response = self
            .http
            .send_json(&url, None, Some(&self.device), Some(&url), DIRECTORY_MAX)
            .await?;
        if !response.is_success() {
            return Err(refusal(&response, false));
        }
        let raw: Vec<RawEndpoint> =
            serde_json::from_slice(&response.body).map_err(|e| malformed(&e))?;
        Ok(raw
            .into_iter()
            .filter_map(|r| {
                let derived = r.derived_auth_uri.unwrap_or_default();
                let redirect = r.redirect_uri?;
                let pkce = Url::parse(&derived)
                    .map(|u| u.query_pairs().any(|(k, _)| k == "code_challenge_method"))
                    .unwrap_or(false);
                Some(EndpointFull {
                    view: IntegratorEndpoint {
                        id: r.id,
                        name: r.name,
                        street: r.street,
                        city: r.city,
                        state: r.state,
                        zip: r.zip,
                        vendor: r.vendor,
                        endpoint_status: r.endpoint_status,
                        data_type: kind_of(r.data_type.as_deref(), kind),
                        parent_org: r.parent_org,
                        pkce,
                    },
                    redirect_uri: redirect,
                    derived_auth_uri: derived,
                })
            })
            .collect())
    }

    fn token_url(&self, endpoint_id: &str) -> Result<Url, IntegratorError> {
        let mut url = join(&self.integrator, "fhir/auth/")?;
        url.path_segments_mut()
            .map_err(|_| IntegratorError::BadAccount("the integrator address".to_owned()))?
            .pop_if_empty()
            .push(endpoint_id)
            .push("token");
        Ok(url)
    }

    /// The address of the endpoint's token service (kept with the connection).
    pub fn token_endpoint(&self, endpoint_id: &str) -> Result<Url, IntegratorError> {
        self.token_url(endpoint_id)
    }

    /// The endpoint's synchronous resources address (the connection's "base").
    pub fn resources_url(&self, endpoint_id: &str) -> Result<Url, IntegratorError> {
        self.endpoint_url("fhir/resources/", endpoint_id)
    }

    fn endpoint_url(&self, prefix: &str, last: &str) -> Result<Url, IntegratorError> {
        let mut url = join(&self.integrator, prefix)?;
        url.path_segments_mut()
            .map_err(|_| IntegratorError::BadAccount("the integrator address".to_owned()))?
            .pop_if_empty()
            .push(last);
        Ok(url)
    }

    async fn token(
        &self,
        endpoint_id: &str,
        body: Value,
    ) -> Result<IntegratorTokens, IntegratorError> {
        let url = self.token_url(endpoint_id)?;
        // The body holds the code, verifier or refresh token: it goes straight
        // into the request and is not kept.
        let bytes = zeroize::Zeroizing::new(body.to_string().into_bytes());
        let response = self
            .http
            .send_json(
                &url,
                Some(bytes.to_vec()),
                Some(&self.device),
                Some(&url),
                TOKEN_MAX,
            )
            .await?;
        if !response.is_success() {
            return Err(refusal(&response, false));
        }
        let answer: TokenAnswer =
            serde_json::from_slice(&response.body).map_err(|e| malformed(&e))?;
        if answer.token.is_empty() {
            return Err(IntegratorError::Malformed("the token is empty".to_owned()));
        }
        let expires_in = match answer.token_expires {
            Some(Seconds::Number(n)) => Some(n),
            Some(Seconds::Text(t)) => t.trim().parse().ok(),
            None => None,
        };
        Ok(IntegratorTokens {
            token: answer.token,
            patient_id: answer.pat_id.filter(|p| !p.trim().is_empty()),
            expires_in,
            refresh_token: answer.refresh_token.filter(|r| !r.is_empty()),
        })
    }

    /// `POST .../fhir/auth/{endpoint-id}/token` with `{state, authorizationCode,
    /// authorizationCodeVerifier}`; `state` and the verifier only when there are.
    pub async fn exchange_code(
        &self,
        endpoint_id: &str,
        code: &Secret,
        state: Option<&Secret>,
        verifier: Option<&Secret>,
    ) -> Result<IntegratorTokens, IntegratorError> {
        let mut body = serde_json::Map::new();
        if let Some(s) = state {
            body.insert("state".into(), Value::String(s.expose().to_owned()));
        }
        body.insert(
            "authorizationCode".into(),
            Value::String(code.expose().to_owned()),
        );
        if let Some(v) = verifier {
            body.insert(
                "authorizationCodeVerifier".into(),
                Value::String(v.expose().to_owned()),
            );
        }
        self.token(endpoint_id, Value::Object(body)).await
    }

    /// The same address with `{refreshToken}`.
    pub async fn refresh(
        &self,
        endpoint_id: &str,
        refresh: &Secret,
    ) -> Result<IntegratorTokens, IntegratorError> {
        let body = serde_json::json!({ "refreshToken": refresh.expose() });
        self.token(endpoint_id, body).await
    }

    fn resources_body(token: &Secret, q: &ResourcesQuery) -> Vec<u8> {
        let body = ResourcesBody {
            patient_id: q.patient_id.as_deref(),
            oauth_token: token.expose(),
            resources: &q.resources,
            params: ParamsBody {
                from_time: q.from_time.as_deref(),
                to_time: q.to_time.as_deref(),
                exclude_undated_entries: q.exclude_undated_entries,
            },
        };
        serde_json::to_vec(&body).unwrap_or_default()
    }

    /// `POST .../fhir/resources/{endpoint-id}`: the answer, whatever its
    /// `errorData` says (a failing resource type is not a failed call).
    pub async fn resources(
        &self,
        endpoint_id: &str,
        token: &Secret,
        q: &ResourcesQuery,
    ) -> Result<HttpResponse, IntegratorError> {
        let url = self.resources_url(endpoint_id)?;
        let max = self.http.limits().max_body_bytes;
        let response = self
            .http
            .send_json(
                &url,
                Some(Self::resources_body(token, q)),
                Some(&self.device),
                Some(&url),
                max,
            )
            .await?;
        if !response.is_success() {
            return Err(refusal(&response, true));
        }
        Ok(response)
    }

    /// `POST .../fhir/async/resources/{endpoint-id}`: the transaction id, from
    /// the body or the `OneRecord-Transaction-ID` header.
    pub async fn start_async(
        &self,
        endpoint_id: &str,
        token: &Secret,
        q: &ResourcesQuery,
    ) -> Result<String, IntegratorError> {
        let url = self.endpoint_url("fhir/async/resources/", endpoint_id)?;
        let response = self
            .http
            .send_json(
                &url,
                Some(Self::resources_body(token, q)),
                Some(&self.device),
                Some(&url),
                TOKEN_MAX,
            )
            .await?;
        if !response.is_success() {
            return Err(refusal(&response, true));
        }
        let body: Option<AsyncStarted> = serde_json::from_slice(&response.body).ok();
        body.and_then(|b| b.transaction_id)
            .or_else(|| response.transaction_id.clone())
            .filter(|t| !t.trim().is_empty())
            .ok_or_else(|| IntegratorError::Malformed("no transaction id".to_owned()))
    }

    /// `GET .../fhir/cache/retrieve/{transactionId}`.
    pub async fn retrieve(&self, transaction_id: &str) -> Result<Retrieved, IntegratorError> {
        let url = self.endpoint_url("fhir/cache/retrieve/", transaction_id)?;
        let max = self.http.limits().max_body_bytes;
        let response = self
            .http
            .send_json(&url, None, Some(&self.device), Some(&url), max)
            .await?;
        match response.status {
            202 => Ok(Retrieved::Pending),
            404 | 410 => Err(IntegratorError::Expired),
            s if (200..300).contains(&s) => {
                let pending = serde_json::from_slice::<Value>(&response.body)
                    .ok()
                    .is_some_and(|v| {
                        v.get("payload").is_none_or(Value::is_null)
                            && v.pointer("/errorData/highestError")
                                .and_then(Value::as_str)
                                .is_none_or(|h| !h.eq_ignore_ascii_case("error"))
                    });
                Ok(if pending {
                    Retrieved::Pending
                } else {
                    Retrieved::Ready(response)
                })
            }
            _ => Err(refusal(&response, true)),
        }
    }
}
