//! The authorization endpoint and the pages behind it: validate the request (errors about
//! the app itself are shown as a page, never redirected), show the sign-in form, then the
//! consent page, then send the browser back to the app with a code, `state` and `iss`
//! (RFC 9207), or with an error.

use std::time::Instant;

use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use url::Url;

use super::form::Params;
use super::pages::{self, LoginView};
use super::respond::{html, internal_error, redirect};
use crate::auth::pkce;
use crate::auth::redirect::is_registered;
use crate::auth::scopes::Scopes;
use crate::auth::store::{CodeRecord, LoginSession};
use crate::secret::Secret;
use crate::state::{lock, Ctx};
use crate::stats::QueryParams;

/// Sign-in attempts allowed per authorize request.
const MAX_LOGIN_FAILURES: u32 = 5;

/// Where the browser goes back to, with the parameters every answer carries.
struct Reply {
    redirect_uri: String,
    state: Option<String>,
    iss: String,
}

impl Reply {
    fn with(&self, pairs: &[(&str, &str)]) -> Response {
        let Ok(mut url) = Url::parse(&self.redirect_uri) else {
            return internal_error();
        };
        {
            let mut q = url.query_pairs_mut();
            for (k, v) in pairs {
                q.append_pair(k, v);
            }
            if let Some(s) = &self.state {
                q.append_pair("state", s);
            }
            q.append_pair("iss", &self.iss);
        }
        redirect(url.as_str())
    }

    fn error(&self, error: &str, description: &str) -> Response {
        self.with(&[("error", error), ("error_description", description)])
    }
}

fn error_page(title: &str, message: &str) -> Response {
    html(StatusCode::BAD_REQUEST, pages::error(title, message))
}

/// `GET {base}/authorize`
pub(crate) async fn start(State(ctx): State<Ctx>, RawQuery(query): RawQuery) -> Response {
    let params = Params::from_query(query.as_deref());
    ctx.shared.count(|s| {
        s.authorize_requests += 1;
        s.last_authorize = Some(QueryParams(params.0.clone()));
    });
    let Some(client) = params.get("client_id").and_then(|id| ctx.shared.client(id)) else {
        return error_page(
            "Unknown app",
            "The app that sent you here is not registered with this portal, so it cannot connect.",
        );
    };
    let Some(redirect_uri) = params.get("redirect_uri") else {
        return error_page(
            "Incomplete request",
            "The app did not say where to send you back after signing in.",
        );
    };
    if !is_registered(&client.redirect_uris, redirect_uri) {
        return error_page(
            "Unexpected return address",
            "The app asked to send you back to an address it has not registered with this portal.",
        );
    }
    let base = ctx.shared.base(ctx.flavor);
    let reply = Reply {
        redirect_uri: redirect_uri.to_owned(),
        state: params.get("state").map(str::to_owned),
        iss: base.clone(),
    };
    if let Some(name) = params.repeated() {
        return reply.error(
            "invalid_request",
            &format!("The parameter {name} was sent more than once."),
        );
    }
    match params.get("response_type") {
        Some("code") => {}
        None => return reply.error("invalid_request", "response_type is missing."),
        Some(_) => {
            return reply.error(
                "unsupported_response_type",
                "Only response_type=code is supported.",
            )
        }
    }
    let Some(state) = params.get("state") else {
        return reply.error("invalid_request", "state is missing.");
    };
    if params.get("launch").is_some() {
        return reply.error(
            "invalid_request",
            "EHR launch is not supported; use a standalone launch.",
        );
    }
    match params.get("code_challenge_method") {
        Some("S256") => {}
        Some("plain") | None => {
            return reply.error(
                "invalid_request",
                "PKCE with code_challenge_method=S256 is required.",
            )
        }
        Some(_) => {
            return reply.error(
                "invalid_request",
                "Only the S256 code challenge method is supported.",
            )
        }
    }
    let Some(challenge) = params
        .get("code_challenge")
        .filter(|c| pkce::valid_challenge(c))
    else {
        return reply.error(
            "invalid_request",
            "code_challenge is missing or not an S256 challenge.",
        );
    };
    match params.get("aud") {
        None => {
            return reply.error(
                "invalid_request",
                "aud is missing; it must be this FHIR server's base URL.",
            )
        }
        Some(aud) if aud.trim_end_matches('/') != base => {
            return reply.error("invalid_request", "aud is not this FHIR server's base URL.")
        }
        Some(_) => {}
    }
    let scopes = Scopes::grant(
        params.get("scope").unwrap_or(""),
        ctx.flavor,
        ctx.shared.config.grant_fewer_scopes,
    );
    if !scopes.has_resources() {
        return reply.error(
            "invalid_scope",
            "The app asked for no patient data this portal can share.",
        );
    }
    let session = LoginSession {
        flavor: ctx.flavor,
        client_id: client.client_id.clone(),
        redirect_uri: redirect_uri.to_owned(),
        state: Secret::new(state),
        code_challenge: challenge.to_owned(),
        scopes,
        expires: Instant::now() + ctx.shared.config.lifetimes.login,
        user: None,
        failures: 0,
    };
    let opened = lock(&ctx.shared.auth).open_session(session);
    match opened {
        Ok(id) => login_page(&ctx, id.expose(), &client.client_id, "", None),
        Err(_) => internal_error(),
    }
}

fn login_page(
    ctx: &Ctx,
    session: &str,
    app: &str,
    username: &str,
    message: Option<&str>,
) -> Response {
    let action = format!("{}/login", ctx.flavor.path());
    let demo_hint = ctx
        .shared
        .config
        .users
        .iter()
        .any(|u| u.username == "demo" && u.password == "demo");
    html(
        StatusCode::OK,
        pages::login(&LoginView {
            action: &action,
            session,
            app,
            username,
            message,
            demo_hint,
        }),
    )
}

fn expired_page() -> Response {
    error_page(
        "Sign-in expired",
        "This sign-in is no longer valid (it took too long, or it was already used). Go back to the app and connect again.",
    )
}

/// `POST {base}/login`: the sign-in form.
pub(crate) async fn login(State(ctx): State<Ctx>, headers: HeaderMap, body: Bytes) -> Response {
    ctx.shared.count(|s| s.login_attempts += 1);
    let Some(form) = Params::from_form(&headers, &body) else {
        return error_page("Bad request", "The sign-in form was not sent as a form.");
    };
    let (Some(session_id), username, password) = (
        form.get("session"),
        form.get("username").unwrap_or(""),
        form.get("password").unwrap_or(""),
    ) else {
        return expired_page();
    };
    let user = ctx.shared.check_password(username, password);
    let mut auth = lock(&ctx.shared.auth);
    let Some(session) = auth.session(session_id) else {
        return expired_page();
    };
    let app = session.client_id.clone();
    match user {
        Some(u) => {
            session.user = Some(u);
            let asks = session.scopes.describe();
            drop(auth);
            let action = format!("{}/consent", ctx.flavor.path());
            html(
                StatusCode::OK,
                pages::consent(&action, session_id, &app, username, &asks),
            )
        }
        None => {
            session.failures += 1;
            let too_many = session.failures >= MAX_LOGIN_FAILURES;
            if too_many {
                auth.close_session(session_id);
            }
            drop(auth);
            ctx.shared.count(|s| s.login_failures += 1);
            if too_many {
                return error_page(
                    "Too many attempts",
                    "The username or password was wrong too many times. Go back to the app and start again.",
                );
            }
            login_page(
                &ctx,
                session_id,
                &app,
                username,
                Some("The username or password is not right. Please try again."),
            )
        }
    }
}

/// `POST {base}/consent`: Allow or Deny.
pub(crate) async fn consent(State(ctx): State<Ctx>, headers: HeaderMap, body: Bytes) -> Response {
    let Some(form) = Params::from_form(&headers, &body) else {
        return error_page("Bad request", "The consent form was not sent as a form.");
    };
    let Some(session_id) = form.get("session") else {
        return expired_page();
    };
    let allow = match form.get("decision") {
        Some("allow") => true,
        Some("deny") => false,
        _ => return error_page("Bad request", "Choose Allow or Deny."),
    };
    let mut auth = lock(&ctx.shared.auth);
    if auth.session(session_id).is_none_or(|s| s.user.is_none()) {
        return expired_page();
    }
    let Some(session) = auth.close_session(session_id) else {
        return expired_page();
    };
    let Some(user) = session.user else {
        return expired_page();
    };
    let reply = Reply {
        redirect_uri: session.redirect_uri.clone(),
        state: Some(session.state.expose().to_owned()),
        iss: ctx.shared.base(ctx.flavor),
    };
    if !allow {
        drop(auth);
        ctx.shared.count(|s| s.consents_denied += 1);
        return reply.error("access_denied", "The patient did not allow access.");
    }
    let issued = auth.issue_code(CodeRecord {
        flavor: session.flavor,
        client_id: session.client_id,
        redirect_uri: session.redirect_uri,
        code_challenge: session.code_challenge,
        scopes: session.scopes,
        user,
        expires: Instant::now() + ctx.shared.config.lifetimes.authorization_code,
        redeemed: None,
    });
    drop(auth);
    ctx.shared.count(|s| s.consents_allowed += 1);
    match issued {
        Ok(code) => reply.with(&[("code", code.expose())]),
        Err(_) => internal_error(),
    }
}
