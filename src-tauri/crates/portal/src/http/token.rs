//! The token endpoint: authorization code (single use, PKCE S256, same client and
//! redirect URI), refresh token (rotated every time; reuse of a rotated one ends the
//! grant) and client credentials (patient-generated API credentials bound to one patient).
//! Errors follow RFC 6749 §5.2.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde_json::{json, Map, Value};

use super::client_auth::{self, ClientAuth};
use super::form::Params;
use super::respond::{json_no_store, oauth_error};
use crate::auth::pkce;
use crate::auth::scopes::Scopes;
use crate::auth::store::{Grant, GrantSource, Issued, RefreshCheck};
use crate::secret::digest;
use crate::state::{lock, Ctx};

/// An OAuth error code and its description.
pub(crate) type Refusal = (&'static str, String);

fn refuse(error: &'static str, description: &str) -> Refusal {
    (error, description.to_owned())
}

/// `POST {base}/token`
pub(crate) async fn token(State(ctx): State<Ctx>, headers: HeaderMap, body: Bytes) -> Response {
    let form = Params::from_form(&headers, &body);
    let grant_type = form
        .as_ref()
        .and_then(|f| f.get("grant_type"))
        .unwrap_or("");
    ctx.shared.count(|s| match grant_type {
        "authorization_code" => s.token_requests.authorization_code += 1,
        "refresh_token" => s.token_requests.refresh_token += 1,
        "client_credentials" => s.token_requests.client_credentials += 1,
        _ => s.token_requests.other += 1,
    });
    let result = match form {
        None => Err(refuse(
            "invalid_request",
            "The request must be form-encoded.",
        )),
        Some(form) => handle(&ctx, &headers, &form),
    };
    match result {
        Ok(body) => json_no_store(StatusCode::OK, &Value::Object(body)),
        Err((error, description)) => {
            ctx.shared.count(|s| s.token_errors += 1);
            oauth_error(error, &description)
        }
    }
}

fn handle(ctx: &Ctx, headers: &HeaderMap, form: &Params) -> Result<Map<String, Value>, Refusal> {
    if let Some(name) = form.repeated() {
        return Err(refuse(
            "invalid_request",
            &format!("The parameter {name} was sent more than once."),
        ));
    }
    let auth = client_auth::read(headers, form).map_err(|d| refuse("invalid_request", d))?;
    match form.get("grant_type") {
        Some("authorization_code") => authorization_code(ctx, &auth, form),
        Some("refresh_token") => refresh_token(ctx, &auth, form),
        Some("client_credentials") => client_credentials(ctx, &auth, form),
        None => Err(refuse("invalid_request", "grant_type is missing.")),
        Some(_) => Err(refuse(
            "unsupported_grant_type",
            "This portal supports authorization_code, refresh_token and client_credentials.",
        )),
    }
}

/// The registered client making the request, its secret checked if it has one.
fn registered_client(ctx: &Ctx, auth: &ClientAuth) -> Result<String, Refusal> {
    let id = auth
        .client_id
        .as_deref()
        .ok_or_else(|| refuse("invalid_request", "client_id is missing."))?;
    let client = ctx.shared.client(id).ok_or_else(|| {
        refuse(
            "invalid_client",
            "The client is not registered with this portal.",
        )
    })?;
    let presented = auth.secret.as_ref().map(|s| digest(s.expose()));
    let expected = client.client_secret.as_deref().map(digest);
    if presented != expected {
        return Err(refuse(
            "invalid_client",
            "The client authentication failed.",
        ));
    }
    Ok(client.client_id.clone())
}

fn authorization_code(
    ctx: &Ctx,
    auth: &ClientAuth,
    form: &Params,
) -> Result<Map<String, Value>, Refusal> {
    let client_id = registered_client(ctx, auth)?;
    let code = form
        .get("code")
        .ok_or_else(|| refuse("invalid_request", "code is missing."))?;
    let redirect_uri = form
        .get("redirect_uri")
        .ok_or_else(|| refuse("invalid_request", "redirect_uri is missing."))?;
    let verifier = form.get("code_verifier").ok_or_else(|| {
        refuse(
            "invalid_request",
            "code_verifier is missing; PKCE is required.",
        )
    })?;
    let (issued, scopes, user) = redeem_code(ctx, &client_id, code, redirect_uri, verifier)?;
    Ok(response(
        ctx,
        &issued,
        &scopes,
        scopes.launch_patient().then_some(user),
    ))
}

/// Exchanges an authorization code issued to `client_id` (already authenticated)
/// for tokens: single use, unexpired, same base, client and redirect URI, and
/// the PKCE verifier of the authorize request. The integrator simulator redeems
/// the codes of its portal registrations here too.
pub(crate) fn redeem_code(
    ctx: &Ctx,
    client_id: &str,
    code: &str,
    redirect_uri: &str,
    verifier: &str,
) -> Result<(Issued, Scopes, usize), Refusal> {
    let lifetimes = ctx.shared.config.lifetimes;
    let mut store = lock(&ctx.shared.auth);
    let record = store
        .code(code)
        .ok_or_else(|| refuse("invalid_grant", "The authorization code is not valid."))?;
    if let Some(grant) = record.redeemed {
        store.revoke_grant(grant);
        drop(store);
        ctx.shared.count(|s| s.code_reuse_detections += 1);
        return Err(refuse(
            "invalid_grant",
            "The authorization code was already used; the access it gave has been revoked.",
        ));
    }
    if record.expires <= std::time::Instant::now() {
        store.forget_code(code);
        return Err(refuse(
            "invalid_grant",
            "The authorization code has expired.",
        ));
    }
    if record.flavor != ctx.flavor || record.client_id != client_id {
        return Err(refuse(
            "invalid_grant",
            "The authorization code was issued to another client or server.",
        ));
    }
    if record.redirect_uri != redirect_uri {
        return Err(refuse(
            "invalid_grant",
            "redirect_uri does not match the authorization request.",
        ));
    }
    if !pkce::verify(verifier, &record.code_challenge) {
        store.forget_code(code);
        return Err(refuse(
            "invalid_grant",
            "The PKCE code_verifier does not match the code_challenge.",
        ));
    }
    let scopes = record.scopes.clone();
    let user = record.user;
    let grant = store.create_grant(Grant {
        flavor: ctx.flavor,
        client_id: client_id.to_owned(),
        user,
        scopes: scopes.clone(),
        source: GrantSource::Consent,
        revoked: false,
    });
    if let Some(r) = store.code(code) {
        r.redeemed = Some(grant);
    }
    let refresh_life = scopes.offline_access().then_some(lifetimes.refresh_token);
    let issued = store
        .issue_tokens(grant, scopes.clone(), lifetimes.access_token, refresh_life)
        .map_err(|_| refuse("server_error", "The portal could not issue a token."))?;
    Ok((issued, scopes, user))
}

fn refresh_token(
    ctx: &Ctx,
    auth: &ClientAuth,
    form: &Params,
) -> Result<Map<String, Value>, Refusal> {
    // A public client may leave out client_id here; the grant says whose token it is.
    let claimed = match auth.client_id {
        Some(_) => Some(registered_client(ctx, auth)?),
        None => None,
    };
    let token = form
        .get("refresh_token")
        .ok_or_else(|| refuse("invalid_request", "refresh_token is missing."))?;
    let (issued, scopes, user) = rotate_refresh(ctx, claimed.as_deref(), token, form.get("scope"))?;
    Ok(response(
        ctx,
        &issued,
        &scopes,
        scopes.launch_patient().then_some(user),
    ))
}

/// Uses a refresh token: rotated every time, reuse of a rotated one ends the
/// grant. `claimed` is the authenticated client, if the request named one.
pub(crate) fn rotate_refresh(
    ctx: &Ctx,
    claimed: Option<&str>,
    token: &str,
    narrower_scope: Option<&str>,
) -> Result<(Issued, Scopes, usize), Refusal> {
    let lifetimes = ctx.shared.config.lifetimes;
    let mut store = lock(&ctx.shared.auth);
    let (grant_id, grant_scopes, user) = match store.check_refresh_token(token) {
        RefreshCheck::Valid(id, g) => {
            if g.flavor != ctx.flavor || claimed.is_some_and(|c| c != g.client_id) {
                return Err(refuse(
                    "invalid_grant",
                    "The refresh token was issued to another client or server.",
                ));
            }
            let confidential = ctx
                .shared
                .client(&g.client_id)
                .is_some_and(|c| c.client_secret.is_some());
            if claimed.is_none() && confidential {
                return Err(refuse("invalid_client", "The client must authenticate."));
            }
            (id, g.scopes.clone(), g.user)
        }
        RefreshCheck::Reused => {
            drop(store);
            ctx.shared.count(|s| s.refresh_token_reuse_detections += 1);
            return Err(refuse(
                "invalid_grant",
                "The refresh token was already used; the access it gave has been revoked.",
            ));
        }
        RefreshCheck::Unknown => {
            return Err(refuse("invalid_grant", "The refresh token is not valid."))
        }
        RefreshCheck::Expired => {
            return Err(refuse("invalid_grant", "The refresh token has expired."))
        }
        RefreshCheck::Revoked => return Err(refuse("invalid_grant", "The access was revoked.")),
    };
    let scopes = match narrower_scope {
        None => grant_scopes,
        Some(asked) => grant_scopes
            .narrow(asked, ctx.flavor)
            .ok_or_else(|| refuse("invalid_scope", "The scope asks for more than was granted."))?,
    };
    store.rotate_refresh_token(token);
    let issued = store
        .issue_tokens(
            grant_id,
            scopes.clone(),
            lifetimes.access_token,
            Some(lifetimes.refresh_token),
        )
        .map_err(|_| refuse("server_error", "The portal could not issue a token."))?;
    Ok((issued, scopes, user))
}

fn client_credentials(
    ctx: &Ctx,
    auth: &ClientAuth,
    form: &Params,
) -> Result<Map<String, Value>, Refusal> {
    let (Some(key), Some(secret)) = (auth.client_id.as_deref(), auth.secret.as_ref()) else {
        if auth
            .client_id
            .as_deref()
            .is_some_and(|id| ctx.shared.client(id).is_some())
        {
            return Err(refuse(
                "unauthorized_client",
                "This client may not use client_credentials.",
            ));
        }
        return Err(refuse(
            "invalid_client",
            "API credentials (key and secret) are required.",
        ));
    };
    let mut store = lock(&ctx.shared.auth);
    let user = store
        .credentials
        .iter()
        .find(|c| c.key == key && c.secret_digest == digest(secret.expose()))
        .map(|c| c.user)
        .ok_or_else(|| refuse("invalid_client", "The API key or secret is not valid."))?;
    let scopes = match form.get("scope") {
        None => Scopes::all_read(ctx.flavor),
        Some(asked) => Scopes::grant(asked, ctx.flavor, ctx.shared.config.grant_fewer_scopes),
    }
    .without_offline_access();
    if !scopes.has_resources() {
        return Err(refuse(
            "invalid_scope",
            "The scope asks for no patient data this portal can share.",
        ));
    }
    let grant = store.create_grant(Grant {
        flavor: ctx.flavor,
        client_id: key.to_owned(),
        user,
        scopes: scopes.clone(),
        source: GrantSource::ApiCredentials(key.to_owned()),
        revoked: false,
    });
    let issued = store
        .issue_tokens(
            grant,
            scopes.clone(),
            ctx.shared.config.lifetimes.access_token,
            None,
        )
        .map_err(|_| refuse("server_error", "The portal could not issue a token."))?;
    let patient = ctx
        .shared
        .config
        .include_patient_in_client_credentials
        .then_some(user);
    Ok(response(ctx, &issued, &scopes, patient))
}

fn response(
    ctx: &Ctx,
    issued: &Issued,
    scopes: &Scopes,
    patient_of: Option<usize>,
) -> Map<String, Value> {
    let mut body = Map::new();
    body.insert("access_token".into(), json!(issued.access_token.expose()));
    body.insert("token_type".into(), json!("Bearer"));
    body.insert(
        "expires_in".into(),
        json!(ctx.shared.config.lifetimes.access_token.as_secs()),
    );
    body.insert("scope".into(), json!(scopes.text()));
    if let Some(user) = patient_of {
        body.insert("patient".into(), json!(ctx.shared.patient_id(user)));
    }
    if let Some(r) = &issued.refresh_token {
        body.insert("refresh_token".into(), json!(r.expose()));
    }
    body
}
