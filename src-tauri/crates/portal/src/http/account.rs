//! The patient's account page (seed 004; the SMART `management_endpoint`): sign in,
//! generate API credentials (the key and secret are shown once), see and delete existing
//! ones, and revoke the access of apps the patient allowed. Deleting credentials ends the
//! access of every app using them. The session is a `SameSite=Strict`, `HttpOnly` cookie,
//! and every form carries a per-session token against cross-site requests.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::extract::State;
use axum::http::header::{COOKIE, SET_COOKIE};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::Response;
use maud::{html, Markup};
use std::sync::Arc;

use super::form::Params;
use super::pages::layout;
use super::respond::{html as page, internal_error};
use crate::secret::{digest, random_token, Secret};
use crate::state::{lock, Shared};

const COOKIE_NAME: &str = "ownchart_demo_account";
const SESSION_LIFE: Duration = Duration::from_secs(30 * 60);

struct AccountSession {
    user: usize,
    csrf: Secret,
    expires: Instant,
}

/// Signed-in account sessions, by the digest of their cookie.
#[derive(Default)]
pub(crate) struct AccountSessions(HashMap<String, AccountSession>);

fn cookie_session(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|c| c.trim().split_once('='))
        .find(|(k, _)| *k == COOKIE_NAME)
        .map(|(_, v)| v.to_owned())
}

/// The signed-in user and the session's form token.
fn signed_in(shared: &Shared, headers: &HeaderMap) -> Option<(usize, String)> {
    let id = cookie_session(headers)?;
    let now = Instant::now();
    let sessions = lock(&shared.accounts);
    let s = sessions.0.get(&digest(&id)).filter(|s| s.expires > now)?;
    Some((s.user, s.csrf.expose().to_owned()))
}

/// `GET /account`
pub(crate) async fn show(State(shared): State<Arc<Shared>>, headers: HeaderMap) -> Response {
    match signed_in(&shared, &headers) {
        Some((user, csrf)) => page(StatusCode::OK, account(&shared, user, &csrf, None)),
        None => page(StatusCode::OK, sign_in(None)),
    }
}

/// `POST /account`
pub(crate) async fn act(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let Some(form) = Params::from_form(&headers, &body) else {
        return page(
            StatusCode::BAD_REQUEST,
            sign_in(Some("The form was not sent as a form.")),
        );
    };
    if form.get("action") == Some("sign-in") {
        return start_session(&shared, &form);
    }
    let Some((user, csrf)) = signed_in(&shared, &headers) else {
        return page(StatusCode::OK, sign_in(Some("Please sign in first.")));
    };
    if form.get("csrf").map(digest) != Some(digest(&csrf)) {
        return page(
            StatusCode::FORBIDDEN,
            sign_in(Some("The form has expired. Please sign in again.")),
        );
    }
    let notice = match form.get("action") {
        Some("generate") => {
            let label = form.get("label").unwrap_or("API credentials");
            match lock(&shared.auth).issue_credentials(user, label) {
                Ok(c) => Notice::Created(c.key, c.secret),
                Err(_) => return internal_error(),
            }
        }
        Some("delete") => {
            let key = form.get("key").unwrap_or("");
            let mut auth = lock(&shared.auth);
            let mine = auth
                .credentials
                .iter()
                .any(|c| c.key == key && c.user == user);
            if mine && auth.delete_credentials(key) {
                Notice::Text(
                    "The credentials were deleted. Apps using them no longer receive your records.",
                )
            } else {
                Notice::Text("Those credentials do not exist.")
            }
        }
        Some("revoke") => {
            let grant = form.get("grant").and_then(|g| g.parse::<u64>().ok());
            let mut auth = lock(&shared.auth);
            let mine = grant.filter(|g| auth.consents_of(user).iter().any(|(id, _)| id == g));
            match mine {
                Some(g) => {
                    auth.revoke_grant(g);
                    Notice::Text(
                        "The app's access was revoked. It can no longer read your records.",
                    )
                }
                None => Notice::Text("That app has no access to revoke."),
            }
        }
        Some("sign-out") => {
            if let Some(id) = cookie_session(&headers) {
                lock(&shared.accounts).0.remove(&digest(&id));
            }
            return page(StatusCode::OK, sign_in(Some("You are signed out.")));
        }
        _ => Notice::Text("Choose an action."),
    };
    page(StatusCode::OK, account(&shared, user, &csrf, Some(notice)))
}

fn start_session(shared: &Shared, form: &Params) -> Response {
    let username = form.get("username").unwrap_or("");
    let password = form.get("password").unwrap_or("");
    let Some(user) = shared.check_password(username, password) else {
        return page(
            StatusCode::OK,
            sign_in(Some("The username or password is not right.")),
        );
    };
    let (Ok(id), Ok(csrf)) = (random_token(32), random_token(24)) else {
        return internal_error();
    };
    let now = Instant::now();
    {
        let mut sessions = lock(&shared.accounts);
        sessions.0.retain(|_, s| s.expires > now);
        sessions.0.insert(
            digest(id.expose()),
            AccountSession {
                user,
                csrf: csrf.clone(),
                expires: now + SESSION_LIFE,
            },
        );
    }
    let mut r = page(StatusCode::OK, account(shared, user, csrf.expose(), None));
    let cookie = format!(
        "{COOKIE_NAME}={}; Path=/account; HttpOnly; SameSite=Strict; Max-Age={}",
        id.expose(),
        SESSION_LIFE.as_secs()
    );
    match HeaderValue::from_str(&cookie) {
        Ok(v) => {
            r.headers_mut().insert(SET_COOKIE, v);
            r
        }
        Err(_) => internal_error(),
    }
}

/// Key, label and creation time of API credentials, as listed.
type Row = (String, String, String);

enum Notice {
    Text(&'static str),
    Created(String, Secret),
}

fn sign_in(message: Option<&str>) -> Markup {
    layout(
        "Your account",
        html! {
            h1 { "Sign in to your account" }
            @if let Some(m) = message { p class="error" role="alert" { (m) } }
            form method="post" action="/account" {
                input type="hidden" name="action" value="sign-in";
                label for="username" { "Username" }
                input type="text" id="username" name="username" autocomplete="username" required;
                label for="password" { "Password" }
                input type="password" id="password" name="password" autocomplete="current-password" required;
                button type="submit" { "Sign in" }
            }
        },
    )
}

fn account(shared: &Shared, user: usize, csrf: &str, notice: Option<Notice>) -> Markup {
    let username = shared
        .config
        .users
        .get(user)
        .map_or("", |u| u.username.as_str());
    let (credentials, apps): (Vec<Row>, Vec<(u64, String, String)>) = {
        let auth = lock(&shared.auth);
        let credentials = auth
            .credentials
            .iter()
            .filter(|c| c.user == user)
            .map(|c| (c.key.clone(), c.label.clone(), c.created.clone()))
            .collect();
        let apps = auth
            .consents_of(user)
            .into_iter()
            .map(|(id, g)| (id, g.client_id.clone(), g.scopes.text()))
            .collect();
        (credentials, apps)
    };
    layout(
        "Your account",
        html! {
            h1 { "FHIR API access" }
            p { "Signed in as " strong { (username) } "." }
            @match &notice {
                Some(Notice::Created(key, secret)) => {
                    div class="error" role="status" {
                        p { "New credentials. Copy them now: the secret will not be shown again." }
                        p { "Key: " code id="api-key" { (key) } }
                        p { "Secret: " code id="api-secret" { (secret.expose()) } }
                    }
                }
                Some(Notice::Text(t)) => { p role="status" { (t) } }
                None => {}
            }
            h2 { "Generate new API credentials" }
            form method="post" action="/account" {
                input type="hidden" name="csrf" value=(csrf);
                input type="hidden" name="action" value="generate";
                label for="label" { "Name (for example the app you give them to)" }
                input type="text" id="label" name="label" required;
                button type="submit" { "Generate New Credentials" }
            }
            h2 { "Active credentials" }
            @if credentials.is_empty() { p class="hint" { "None yet." } }
            ul {
                @for (key, label, created) in &credentials {
                    li {
                        strong { (label) } " · " code { (key) } " · created " (created)
                        form method="post" action="/account" {
                            input type="hidden" name="csrf" value=(csrf);
                            input type="hidden" name="action" value="delete";
                            input type="hidden" name="key" value=(key);
                            button type="submit" class="secondary" { "Delete" }
                        }
                    }
                }
            }
            h2 { "Apps with access" }
            @if apps.is_empty() { p class="hint" { "No app has access." } }
            ul {
                @for (id, app, scope) in &apps {
                    li {
                        strong { (app) } " · " code { (scope) }
                        form method="post" action="/account" {
                            input type="hidden" name="csrf" value=(csrf);
                            input type="hidden" name="action" value="revoke";
                            input type="hidden" name="grant" value=(id);
                            button type="submit" class="secondary" { "Revoke access" }
                        }
                    }
                }
            }
            form method="post" action="/account" {
                input type="hidden" name="csrf" value=(csrf);
                input type="hidden" name="action" value="sign-out";
                button type="submit" class="secondary" { "Sign out" }
            }
        },
    )
}
