//! The scripted person at the system browser. Given the authorize URL an app opened, it
//! does over HTTP what a person does in the browser: loads the page, fills in the sign-in
//! form (reading the form's action and hidden fields from the HTML), allows or denies on
//! the consent page, and reads where the portal sends the browser back to (following
//! redirects between web pages, such as an integrator's redirector). [`deliver`]
//! then hands that address to the app the way the OS would: `ownchart://` links to a
//! command (the app binary), loopback `http://127.0.0.1` addresses by fetching them.
//!
//! Errors never quote the authorize URL or the redirect (they carry state, code and PKCE
//! values), nor the password.

use std::time::Duration;

use reqwest::header::{CONTENT_TYPE, LOCATION};
use reqwest::redirect::Policy;
use reqwest::{Client, Response};
use scraper::{ElementRef, Html, Selector};
use url::{form_urlencoded, Host, Url};

/// Why the person could not finish.
#[derive(Debug, thiserror::Error)]
pub enum PersonError {
    #[error("The browser could not talk to the server: {0}")]
    Http(String),
    #[error("The address is not a valid URL.")]
    BadUrl,
    #[error("The portal refused the request: {0}")]
    Refused(String),
    #[error("The portal did not accept the username or password: {0}")]
    WrongPassword(String),
    #[error("The portal showed a page the person does not know what to do with: {0}")]
    Lost(String),
    #[error("The app did not take the redirect: {0}")]
    Deliver(String),
}

pub type PersonResult<T> = std::result::Result<T, PersonError>;

fn http_error(e: reqwest::Error) -> PersonError {
    PersonError::Http(e.without_url().to_string())
}

fn client() -> PersonResult<Client> {
    Client::builder()
        .redirect(Policy::none())
        .no_proxy()
        .timeout(Duration::from_secs(30))
        .build()
        .map_err(http_error)
}

/// Signs in as `username` and allows (or denies) access; returns where the portal sent
/// the browser back to (the app's redirect URI with `code` or `error`, `state` and `iss`).
pub async fn log_in(
    authorize_url: &str,
    username: &str,
    password: &str,
    allow: bool,
) -> PersonResult<Url> {
    let client = client()?;
    let mut url = Url::parse(authorize_url).map_err(|_| PersonError::BadUrl)?;
    let mut response = client.get(url.clone()).send().await.map_err(http_error)?;
    let mut signed_in_once = false;
    for _ in 0..12 {
        if response.status().is_redirection() {
            let next = location(&url, &response)?;
            if is_app_return(&next) {
                return Ok(next);
            }
            // A hop between web pages (an integrator's redirector on the way to
            // the portal, or back from it): a browser just follows it.
            response = client.get(next.clone()).send().await.map_err(http_error)?;
            url = next;
            continue;
        }
        let status = response.status();
        let body = response.text().await.map_err(http_error)?;
        let page = Html::parse_document(&body);
        if !status.is_success() {
            return Err(PersonError::Refused(summary(&page)));
        }
        let filled = if let Some(form) = find(&page, "form")?.into_iter().find(has_password) {
            if signed_in_once {
                return Err(PersonError::WrongPassword(summary(&page)));
            }
            signed_in_once = true;
            fill_sign_in(form, username, password)?
        } else if let Some(filled) = choose(&page, allow)? {
            filled
        } else {
            return Err(PersonError::Lost(summary(&page)));
        };
        let action = url.join(&filled.action).map_err(|_| PersonError::BadUrl)?;
        response = client
            .post(action.clone())
            .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(filled.body)
            .send()
            .await
            .map_err(http_error)?;
        url = action;
    }
    Err(PersonError::Lost("the portal kept showing pages".into()))
}

/// [`log_in`] for callers without a tokio runtime (or inside one they must not block):
/// runs on a thread of its own.
pub fn log_in_blocking(
    authorize_url: &str,
    username: &str,
    password: &str,
    allow: bool,
) -> PersonResult<Url> {
    let (a, u, p) = (
        authorize_url.to_owned(),
        username.to_owned(),
        password.to_owned(),
    );
    std::thread::spawn(move || {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| PersonError::Http(e.to_string()))?
            .block_on(log_in(&a, &u, &p, allow))
    })
    .join()
    .map_err(|_| PersonError::Http("the browser thread failed".into()))?
}

/// What [`deliver`] did with the redirect.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Delivered {
    /// The command ran with the link as its last argument and exited successfully.
    Launched,
    /// The app's loopback listener answered with this status.
    Fetched(u16),
    /// Nothing to deliver it to (no command for an `ownchart://` link, or another scheme).
    NotDelivered,
}

/// Hands the redirect to the app: runs `command` (split on spaces, the link appended) for
/// an `ownchart:` link, or fetches a loopback `http://127.0.0.1` / `http://[::1]` address.
pub async fn deliver(target: &Url, command: Option<&str>) -> PersonResult<Delivered> {
    if target.scheme() == "http" && is_loopback(target) {
        let response = client()?
            .get(target.clone())
            .send()
            .await
            .map_err(http_error)?;
        let status = response.status();
        if status.is_success() || status.is_redirection() {
            return Ok(Delivered::Fetched(status.as_u16()));
        }
        return Err(PersonError::Deliver(format!(
            "the app's listener answered {status}"
        )));
    }
    match (target.scheme(), command) {
        ("ownchart", Some(command)) => {
            let mut words = command.split_whitespace().map(str::to_owned);
            let program = words
                .next()
                .ok_or_else(|| PersonError::Deliver("the command is empty".into()))?;
            let args: Vec<String> = words.chain(std::iter::once(target.to_string())).collect();
            let status = tokio::task::spawn_blocking(move || {
                std::process::Command::new(&program).args(&args).status()
            })
            .await
            .map_err(|e| PersonError::Deliver(e.to_string()))?
            .map_err(|e| PersonError::Deliver(format!("could not run the command: {e}")))?;
            if status.success() {
                Ok(Delivered::Launched)
            } else {
                Err(PersonError::Deliver(format!(
                    "the command exited with {status}"
                )))
            }
        }
        _ => Ok(Delivered::NotDelivered),
    }
}

fn is_loopback(u: &Url) -> bool {
    match u.host() {
        Some(Host::Ipv4(ip)) => ip.is_loopback(),
        Some(Host::Ipv6(ip)) => ip.is_loopback(),
        _ => false,
    }
}

/// Whether a redirect goes back to the app (its `ownchart:` link, a `.../callback`
/// address, or any page off this machine, such as a registered https return
/// address) rather than to another page of a local test server (an integrator's
/// redirector on the way to or from the portal), which the person follows.
fn is_app_return(u: &Url) -> bool {
    !matches!(u.scheme(), "http" | "https")
        || !is_loopback(u)
        || u.path().ends_with("/callback")
        || u.path().contains("/callback/")
}

fn location(from: &Url, response: &Response) -> PersonResult<Url> {
    let value = response
        .headers()
        .get(LOCATION)
        .and_then(|v| v.to_str().ok())
        .ok_or_else(|| PersonError::Lost("a redirect without a Location".into()))?;
    from.join(value).map_err(|_| PersonError::BadUrl)
}

fn selector(css: &str) -> PersonResult<Selector> {
    Selector::parse(css).map_err(|_| PersonError::Lost(format!("cannot look for {css}")))
}

fn find<'a>(page: &'a Html, css: &str) -> PersonResult<Vec<ElementRef<'a>>> {
    Ok(page.select(&selector(css)?).collect())
}

fn text(e: ElementRef<'_>) -> String {
    e.text()
        .collect::<Vec<_>>()
        .join(" ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// The page's heading and error message, which is what a person would read.
fn summary(page: &Html) -> String {
    let mut parts = Vec::new();
    for css in ["h1", ".error"] {
        if let Ok(found) = find(page, css) {
            parts.extend(found.into_iter().map(text).filter(|t| !t.is_empty()));
        }
    }
    if parts.is_empty() {
        "(an empty page)".into()
    } else {
        parts.join(": ")
    }
}

fn has_password(form: &ElementRef<'_>) -> bool {
    selector("input[type=password]").is_ok_and(|s| form.select(&s).next().is_some())
}

/// A form ready to submit.
struct Filled {
    action: String,
    body: String,
}

fn inputs<'a>(form: ElementRef<'a>) -> PersonResult<Vec<ElementRef<'a>>> {
    Ok(form.select(&selector("input")?).collect())
}

fn fill_sign_in(form: ElementRef<'_>, username: &str, password: &str) -> PersonResult<Filled> {
    let mut body = form_urlencoded::Serializer::new(String::new());
    let mut typed_username = false;
    for input in inputs(form)? {
        let el = input.value();
        let Some(name) = el.attr("name") else {
            continue;
        };
        match el
            .attr("type")
            .unwrap_or("text")
            .to_ascii_lowercase()
            .as_str()
        {
            "hidden" => {
                body.append_pair(name, el.attr("value").unwrap_or(""));
            }
            "password" => {
                body.append_pair(name, password);
            }
            "text" | "email" if !typed_username => {
                typed_username = true;
                body.append_pair(name, username);
            }
            _ => {}
        }
    }
    Ok(Filled {
        action: form.value().attr("action").unwrap_or("").to_owned(),
        body: body.finish(),
    })
}

/// The consent form with the Allow (or Deny) button pressed, if the page has one.
fn choose(page: &Html, allow: bool) -> PersonResult<Option<Filled>> {
    let wanted = if allow { "allow" } else { "deny" };
    for form in find(page, "form")? {
        let buttons: Vec<ElementRef<'_>> = form.select(&selector("button")?).collect();
        let Some(button) = buttons.into_iter().find(|b| {
            text(*b).to_ascii_lowercase().contains(wanted)
                || b.value()
                    .attr("value")
                    .is_some_and(|v| v.eq_ignore_ascii_case(wanted))
        }) else {
            continue;
        };
        let mut body = form_urlencoded::Serializer::new(String::new());
        for input in inputs(form)? {
            let el = input.value();
            if let (Some(name), Some("hidden")) = (el.attr("name"), el.attr("type")) {
                body.append_pair(name, el.attr("value").unwrap_or(""));
            }
        }
        if let Some(name) = button.value().attr("name") {
            body.append_pair(name, button.value().attr("value").unwrap_or(""));
        }
        return Ok(Some(Filled {
            action: form.value().attr("action").unwrap_or("").to_owned(),
            body: body.finish(),
        }));
    }
    Ok(None)
}
