//! Redirect URI matching: exact, as OAuth 2.0 security best practice asks, except that a
//! registered loopback URI (`http://127.0.0.1/...`, `http://[::1]/...`) accepts any port,
//! because native apps listen on whatever port is free (RFC 8252 §7.3).

use url::{Host, Url};

/// Whether `given` is one of the `registered` redirect URIs.
pub(crate) fn is_registered(registered: &[String], given: &str) -> bool {
    registered.iter().any(|r| matches(r, given))
}

fn matches(registered: &str, given: &str) -> bool {
    if registered == given {
        return true;
    }
    let (Ok(r), Ok(g)) = (Url::parse(registered), Url::parse(given)) else {
        return false;
    };
    is_loopback(&r)
        && r.scheme() == g.scheme()
        && r.host() == g.host()
        && r.path() == g.path()
        && r.query() == g.query()
        && g.fragment().is_none()
        && g.username().is_empty()
        && g.password().is_none()
}

fn is_loopback(u: &Url) -> bool {
    u.scheme() == "http"
        && match u.host() {
            Some(Host::Ipv4(ip)) => ip.is_loopback() && ip.octets() == [127, 0, 0, 1],
            Some(Host::Ipv6(ip)) => ip.is_loopback(),
            _ => false,
        }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reg() -> Vec<String> {
        [
            "ownchart://callback",
            "http://127.0.0.1/callback",
            "http://[::1]/callback",
            "https://ownchart.app/oauth/callback",
        ]
        .map(String::from)
        .to_vec()
    }

    #[test]
    fn exact_uris_match_and_near_misses_do_not() {
        assert!(is_registered(&reg(), "ownchart://callback"));
        assert!(is_registered(&reg(), "https://ownchart.app/oauth/callback"));
        for bad in [
            "ownchart://callback/",
            "ownchart://callback?x=1",
            "https://ownchart.app/oauth/callback/x",
            "https://ownchart.app:8443/oauth/callback",
            "https://evil.example/oauth/callback",
            "http://ownchart.app/oauth/callback",
            "OWNCHART://callback",
        ] {
            assert!(!is_registered(&reg(), bad), "{bad}");
        }
    }

    #[test]
    fn loopback_uris_accept_any_port_but_nothing_else_changed() {
        assert!(is_registered(&reg(), "http://127.0.0.1:49152/callback"));
        assert!(is_registered(&reg(), "http://[::1]:8080/callback"));
        for bad in [
            "http://127.0.0.1:49152/other",
            "http://localhost:49152/callback",
            "http://127.0.0.2:49152/callback",
            "https://127.0.0.1:49152/callback",
            "http://127.0.0.1:49152/callback?x=1",
            "http://127.0.0.1:49152/callback#f",
            "http://user@127.0.0.1:49152/callback",
        ] {
            assert!(!is_registered(&reg(), bad), "{bad}");
        }
    }
}
