//! `ownchart://` links arrive from the operating system, so they are hostile input:
//! parsed into a typed route or rejected, never acted on beyond that. The only
//! route is the login callback, and it only means something while a login the
//! app started is pending (the portal-connection feature owns that state); until
//! then every link is ignored and logged without its query string.

use std::sync::Arc;

use ownchart_core::connect::{Connector, RedirectKind};
use url::Url;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeepLink {
    /// `ownchart://callback?...` — a portal returning from the system browser.
    LoginCallback { query_pairs: usize },
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum DeepLinkError {
    #[error("not an ownchart link")]
    WrongScheme,
    #[error("unknown ownchart link route '{0}'")]
    UnknownRoute(String),
}

/// Longer links are not something a portal sends; refuse them before parsing.
const MAX_LINK_LEN: usize = 8 * 1024;

pub fn parse(url: &Url) -> Result<DeepLink, DeepLinkError> {
    if url.scheme() != "ownchart" || url.as_str().len() > MAX_LINK_LEN {
        return Err(DeepLinkError::WrongScheme);
    }
    // `ownchart://callback?x` puts the route in the host; `ownchart:/callback` in the path.
    let route = match url.host_str() {
        Some(host) => host.to_owned(),
        None => url.path().trim_matches('/').to_owned(),
    };
    match route.as_str() {
        "callback" => Ok(DeepLink::LoginCallback {
            query_pairs: url.query_pairs().count(),
        }),
        other => Err(DeepLinkError::UnknownRoute(truncate(other))),
    }
}

/// What the app does with a link the OS handed over: a login callback goes to
/// the connector, which acts only if its `state` matches a pending login.
/// Nothing is logged beyond the route (never the query: it holds the code).
pub fn handle(connector: &Arc<Connector>, url: &Url) {
    match parse(url) {
        Ok(DeepLink::LoginCallback { .. }) => {
            let connector = connector.clone();
            let url = url.clone();
            tauri::async_runtime::spawn(async move {
                match connector.complete_login(&url, RedirectKind::DeepLink).await {
                    Err(e) if e.code() == "login_rejected" => {
                        eprintln!(
                            "ownchart: login callback ignored: it matches no pending sign-in"
                        );
                    }
                    // Every other outcome ended a login and reached the UI as an event.
                    _ => {}
                }
            });
        }
        Err(e) => eprintln!("ownchart: link ignored: {e}"),
    }
}

fn truncate(s: &str) -> String {
    s.chars().take(40).collect()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn p(s: &str) -> Result<DeepLink, DeepLinkError> {
        parse(&Url::parse(s).unwrap())
    }

    #[test]
    fn callback_route_is_recognised_in_both_forms() {
        assert_eq!(
            p("ownchart://callback?code=abc&state=xyz"),
            Ok(DeepLink::LoginCallback { query_pairs: 2 })
        );
        assert_eq!(
            p("ownchart:/callback"),
            Ok(DeepLink::LoginCallback { query_pairs: 0 })
        );
    }

    #[test]
    fn other_routes_and_schemes_are_refused() {
        assert!(matches!(
            p("ownchart://delete-all"),
            Err(DeepLinkError::UnknownRoute(_))
        ));
        assert_eq!(p("https://callback/"), Err(DeepLinkError::WrongScheme));
        let long = format!("ownchart://callback?x={}", "a".repeat(MAX_LINK_LEN));
        assert_eq!(p(&long), Err(DeepLinkError::WrongScheme));
    }

    #[test]
    fn the_unknown_route_in_an_error_is_bounded() {
        let route = "r".repeat(500);
        match p(&format!("ownchart://{route}")) {
            Err(DeepLinkError::UnknownRoute(r)) => assert_eq!(r.len(), 40),
            other => panic!("unexpected {other:?}"),
        }
    }
}
