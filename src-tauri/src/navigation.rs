//! Keeps the main webview on the app's own pages. A webview that navigated to a
//! remote origin would hand that origin the app's IPC (the CVE-2023-31134 class),
//! so every top-level navigation elsewhere is refused; external links are opened
//! by Rust in the system browser instead.

use tauri::plugin::{Builder, TauriPlugin};
use tauri::{Runtime, Url};

pub fn guard<R: Runtime>() -> TauriPlugin<R> {
    Builder::new("navigation-guard")
        .on_navigation(|_webview, url| {
            let allowed = is_app_origin(url);
            if !allowed {
                eprintln!(
                    "ownchart: blocked navigation to {}",
                    url.host_str().unwrap_or("?")
                );
            }
            allowed
        })
        .build()
}

fn is_app_origin(url: &Url) -> bool {
    match (url.scheme(), url.host_str()) {
        ("tauri", Some("localhost")) => true,
        ("http" | "https", Some("tauri.localhost")) => true,
        // `about:blank` is an empty frame. `about:srcdoc` is a frame whose content
        // the app itself set, in a sandbox without scripts: a record's sanitized
        // narrative or HTML attachment, and the share's printable summary (WebKit
        // asks about frames too). A top-level page cannot be sent there, and it
        // hands nothing to another origin. Exact equality: `about:srcdoc#x` and
        // the like stay refused.
        ("about", _) => matches!(url.as_str(), "about:blank" | "about:srcdoc"),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn only_app_origins_are_allowed() {
        for ok in [
            "tauri://localhost/index.html",
            "http://tauri.localhost/",
            "about:blank",
            "about:srcdoc",
        ] {
            assert!(is_app_origin(&Url::parse(ok).unwrap()), "{ok}");
        }
        for bad in [
            "https://evil.example/",
            "http://localhost:8080/",
            "file:///etc/passwd",
            "tauri://evil/",
            "about:srcdoc#x",
            "about:config",
            "javascript:alert(1)",
            "data:text/html,x",
            "data:text/html,<p>x</p>",
            "blob:https://evil.example/0",
        ] {
            assert!(!is_app_origin(&Url::parse(bad).unwrap()), "{bad}");
        }
    }
}
