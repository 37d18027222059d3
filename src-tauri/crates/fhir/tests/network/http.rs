//! HttpClient: address policy, bearer origin check, no redirects, byte caps,
//! timeouts, status and header reporting, form posts.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use ownchart_fhir::{ClientAuth, HttpClient, HttpError, HttpLimits, Secret};
use serde_json::json;
use tokio::io::AsyncWriteExt;
use url::Url;

use crate::server::{client, impatient_client, raw_server, read_head, Reply, TestServer};

#[tokio::test]
async fn get_json_returns_status_headers_and_body() {
    let server = TestServer::start().await;
    server.on(
        "/r4/Patient/1",
        Reply::bytes(
            200,
            "application/fhir+json",
            r#"{"resourceType":"Patient"}"#,
        ),
    );
    let response = client()
        .get_json(&server.url("/r4/Patient/1"), None, None)
        .await
        .unwrap();
    assert_eq!(response.status, 200);
    assert_eq!(
        response.content_type.as_deref(),
        Some("application/fhir+json")
    );
    assert_eq!(response.body, br#"{"resourceType":"Patient"}"#);
    let seen = server.only_request();
    assert_eq!(seen.method, "GET");
    assert!(seen
        .header("accept")
        .unwrap()
        .contains("application/fhir+json"));
    assert_eq!(seen.header("authorization"), None);
}

#[tokio::test]
async fn bearer_goes_to_the_expected_origin() {
    let server = TestServer::start().await;
    server.on(
        "/r4/Observation",
        Reply::json(200, json!({"resourceType": "Bundle"})),
    );
    let base = server.url("/r4/");
    let token = Secret::new("canary-access-token");
    client()
        .get_json(
            &server.url("/r4/Observation?_count=10"),
            Some(&token),
            Some(&base),
        )
        .await
        .unwrap();
    let seen = server.only_request();
    assert_eq!(
        seen.header("authorization"),
        Some("Bearer canary-access-token")
    );
    assert_eq!(seen.query.as_deref(), Some("_count=10"));
}

#[tokio::test]
async fn bearer_is_never_sent_to_another_origin() {
    let portal = TestServer::start().await;
    let other = TestServer::start().await;
    other.on("/steal", Reply::json(200, json!({})));
    let token = Secret::new("canary-access-token");
    let http = client();

    let e = http
        .get_json(&other.url("/steal"), Some(&token), Some(&portal.url("/r4")))
        .await
        .unwrap_err();
    assert!(matches!(e, HttpError::OriginMismatch { .. }), "{e:?}");
    assert!(!e.to_string().contains("canary"), "{e}");

    // No expected origin at all is a refusal too, not "anything goes".
    let e = http
        .get_json(&other.url("/steal"), Some(&token), None)
        .await
        .unwrap_err();
    assert!(matches!(e, HttpError::OriginMismatch { .. }), "{e:?}");

    assert!(
        other.requests().is_empty(),
        "the other server saw {:?}",
        other.requests()
    );
    assert!(portal.requests().is_empty());
}

#[tokio::test]
async fn redirects_are_reported_not_followed() {
    let target = TestServer::start().await;
    target.on("/r4/Patient", Reply::json(200, json!({})));
    let portal = TestServer::start().await;
    let location = target.url("/r4/Patient");
    portal.on(
        "/r4/Patient",
        Reply::status(302).header("location", location.as_str()),
    );
    portal.on(
        "/token",
        Reply::status(307).header("location", target.url("/token").as_str()),
    );
    let token = Secret::new("canary-access-token");
    let http = client();

    let e = http
        .get_json(
            &portal.url("/r4/Patient"),
            Some(&token),
            Some(&portal.url("/r4")),
        )
        .await
        .unwrap_err();
    assert!(
        matches!(e, HttpError::Redirect { status: 302, .. }),
        "{e:?}"
    );
    assert!(!e.is_retryable());

    let e = http
        .post_form(
            &portal.url("/token"),
            &[
                ("grant_type", "refresh_token"),
                ("refresh_token", "canary-refresh"),
            ],
            &ClientAuth::None {
                client_id: "app".into(),
            },
        )
        .await
        .unwrap_err();
    assert!(
        matches!(e, HttpError::Redirect { status: 307, .. }),
        "{e:?}"
    );

    assert_eq!(portal.requests().len(), 2);
    assert!(
        target.requests().is_empty(),
        "the redirect target saw {:?}",
        target.requests()
    );
}

/// A server that streams `total` bytes (no Content-Length, read until close)
/// and counts how many it managed to write.
async fn flood(total: usize) -> (Url, Arc<AtomicUsize>) {
    let written = Arc::new(AtomicUsize::new(0));
    let counter = written.clone();
    let (addr, _) = raw_server(move |mut stream| {
        let counter = counter.clone();
        async move {
            read_head(&mut stream).await;
            let head =
                "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\nconnection: close\r\n\r\n";
            if stream.write_all(head.as_bytes()).await.is_err() {
                return;
            }
            let chunk = vec![b' '; 64 * 1024];
            let mut sent = 0;
            while sent < total {
                if stream.write_all(&chunk).await.is_err() {
                    return;
                }
                sent += chunk.len();
                counter.fetch_add(chunk.len(), Ordering::SeqCst);
            }
        }
    })
    .await;
    (Url::parse(&format!("http://{addr}/big")).unwrap(), written)
}

#[tokio::test]
async fn a_flood_is_cut_off_at_the_cap() {
    let (url, written) = flood(512 * 1024 * 1024).await;
    let http = HttpClient::new(HttpLimits {
        max_body_bytes: 256 * 1024,
        ..HttpLimits::default()
    })
    .unwrap();
    let started = Instant::now();
    let e = http.get_json(&url, None, None).await.unwrap_err();
    assert_eq!(
        e,
        HttpError::TooLarge {
            origin: format!("http://{}", url.authority()),
            limit: 256 * 1024
        }
    );
    assert!(started.elapsed() < Duration::from_secs(10));
    // Give the server a moment to notice the closed socket, then check it was
    // stopped long before the end: only socket buffers' worth got through.
    tokio::time::sleep(Duration::from_millis(200)).await;
    let sent = written.load(Ordering::SeqCst);
    assert!(sent < 64 * 1024 * 1024, "the server wrote {sent} bytes");

    // get_bytes has its own cap.
    let e = client().get_bytes(&url, 100 * 1024).await.unwrap_err();
    assert!(
        matches!(e, HttpError::TooLarge { limit: 102_400, .. }),
        "{e:?}"
    );
}

/// A raw server that sends `head` (status line and headers), then `body`, then
/// keeps the connection open for a while.
async fn raw_reply(head: &'static str, body: Vec<u8>, close: bool) -> Url {
    let body = Arc::new(body);
    let (addr, _) = raw_server(move |mut stream| {
        let body = body.clone();
        async move {
            read_head(&mut stream).await;
            let _ = stream.write_all(head.as_bytes()).await;
            let _ = stream.write_all(&body).await;
            if !close {
                tokio::time::sleep(Duration::from_secs(5)).await;
            }
        }
    })
    .await;
    Url::parse(&format!("http://{addr}/x")).unwrap()
}

#[tokio::test]
async fn a_declared_length_over_the_cap_is_refused_before_reading() {
    let url = raw_reply(
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 10737418240\r\n\r\n",
        b"[1,2,3".to_vec(),
        false,
    )
    .await;
    let started = Instant::now();
    let e = client().get_json(&url, None, None).await.unwrap_err();
    assert!(matches!(e, HttpError::TooLarge { .. }), "{e:?}");
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "waited for the body"
    );
}

#[tokio::test]
async fn a_low_content_length_never_lets_more_through() {
    // Declares 16 bytes, then sends 4 MiB: only the declared bytes are read.
    let mut body = br#"{"a":"0123456"}"#.to_vec();
    body.push(b'\n');
    body.extend(std::iter::repeat_n(b'x', 4 * 1024 * 1024));
    let url = raw_reply(
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 16\r\n\r\n",
        body,
        false,
    )
    .await;
    let response = impatient_client().get_bytes(&url, 1024).await.unwrap();
    assert_eq!(response.body, b"{\"a\":\"0123456\"}\n");
}

#[tokio::test]
async fn a_high_content_length_with_a_short_body_is_a_cut_connection() {
    let url = raw_reply(
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 1000\r\nconnection: close\r\n\r\n",
        b"{\"short\":true}".to_vec(),
        true,
    )
    .await;
    let e = client().get_json(&url, None, None).await.unwrap_err();
    assert!(matches!(e, HttpError::Connect { .. }), "{e:?}");
    assert!(e.is_retryable());
}

#[tokio::test]
async fn a_silent_server_times_out() {
    let (addr, accepted) = raw_server(|stream| async move {
        // Accept, never answer, hold the socket.
        tokio::time::sleep(Duration::from_secs(10)).await;
        drop(stream);
    })
    .await;
    let url = Url::parse(&format!(
        "http://{addr}/cb?code=SECRETCODE&state=SECRETSTATE"
    ))
    .unwrap();
    let started = Instant::now();
    let e = impatient_client()
        .get_json(&url, None, None)
        .await
        .unwrap_err();
    assert!(matches!(e, HttpError::Timeout { .. }), "{e:?}");
    assert!(e.is_retryable());
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(accepted.load(Ordering::SeqCst), 1);
    let text = e.to_string();
    assert!(!text.contains("SECRET") && !text.contains("/cb"), "{text}");
}

#[tokio::test]
async fn a_trickling_server_hits_the_total_deadline() {
    // Sends a byte every 100 ms: never silent long enough for the read timeout,
    // so only the per-request deadline can stop it.
    let (addr, _) = raw_server(|mut stream| async move {
        read_head(&mut stream).await;
        let head = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\nconnection: close\r\n\r\n";
        let _ = stream.write_all(head.as_bytes()).await;
        for _ in 0..100 {
            if stream.write_all(b" ").await.is_err() {
                return;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    })
    .await;
    let url = Url::parse(&format!("http://{addr}/slow")).unwrap();
    let started = Instant::now();
    let e = impatient_client()
        .get_json(&url, None, None)
        .await
        .unwrap_err();
    assert!(matches!(e, HttpError::Timeout { .. }), "{e:?}");
    let took = started.elapsed();
    assert!(
        took >= Duration::from_millis(1000) && took < Duration::from_secs(4),
        "{took:?}"
    );
}

#[tokio::test]
async fn nothing_listening_is_a_connect_error_without_the_query() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    let url = Url::parse(&format!("http://{addr}/token?code=SECRETCODE")).unwrap();
    let e = client().get_json(&url, None, None).await.unwrap_err();
    assert!(matches!(e, HttpError::Connect { .. }), "{e:?}");
    assert!(!e.to_string().contains("SECRETCODE"));
    assert!(!format!("{e:?}").contains("SECRETCODE"));
}

#[tokio::test]
async fn a_failed_tls_handshake_is_a_connect_error() {
    // Answers a TLS ClientHello with plain-text HTTP: no secure connection.
    let (addr, accepted) = raw_server(|mut stream| async move {
        let _ = stream
            .write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\n{}")
            .await;
    })
    .await;
    let url = Url::parse(&format!("https://{addr}/r4/metadata")).unwrap();
    let e = client().get_json(&url, None, None).await.unwrap_err();
    assert!(matches!(e, HttpError::Connect { .. }), "{e:?}");
    assert_eq!(accepted.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn plain_http_to_other_hosts_is_refused_before_any_connection() {
    let http = client();
    for url in [
        "http://fhir.example.org/r4/metadata",
        "http://192.0.2.1/r4/metadata",
    ] {
        let url = Url::parse(url).unwrap();
        let e = http.get_json(&url, None, None).await.unwrap_err();
        assert!(matches!(e, HttpError::InsecureUrl { .. }), "{e:?}");
        let e = http.get_bytes(&url, 1024).await.unwrap_err();
        assert!(matches!(e, HttpError::InsecureUrl { .. }), "{e:?}");
        let e = http
            .post_form(
                &url,
                &[],
                &ClientAuth::None {
                    client_id: "a".into(),
                },
            )
            .await
            .unwrap_err();
        assert!(matches!(e, HttpError::InsecureUrl { .. }), "{e:?}");
    }
}

#[tokio::test]
async fn error_statuses_carry_retry_after_and_www_authenticate() {
    let server = TestServer::start().await;
    server.on(
        "/busy",
        Reply::bytes(503, "text/html", "<h1>down</h1>").header("retry-after", "7"),
    );
    server.on(
        "/auth",
        Reply::status(401).header("www-authenticate", r#"Bearer error="invalid_token""#),
    );
    let http = client();
    let e = http
        .get_json(&server.url("/busy"), None, None)
        .await
        .unwrap_err();
    assert_eq!(e.status(), Some(503));
    assert!(e.is_retryable());
    assert_eq!(e.retry_after(), Some(Duration::from_secs(7)));

    let base = server.url("/");
    let e = http
        .get_json(&server.url("/auth"), Some(&Secret::new("t")), Some(&base))
        .await
        .unwrap_err();
    match e {
        HttpError::Status {
            status: 401,
            www_authenticate: Some(w),
            ..
        } => {
            assert!(w.contains("invalid_token"))
        }
        other => panic!("{other:?}"),
    }
    let e = http
        .get_bytes(&server.url("/missing"), 10)
        .await
        .unwrap_err();
    assert_eq!(e.status(), Some(404));
    assert!(!e.is_retryable());
}

#[tokio::test]
async fn gzip_is_asked_for_and_inflated_and_other_encodings_are_refused() {
    use std::io::Write;
    let server = TestServer::start().await;
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(br#"{"resourceType":"Bundle"}"#).unwrap();
    server.on(
        "/gz",
        Reply::bytes(200, "application/fhir+json", gz.finish().unwrap())
            .header("content-encoding", "gzip"),
    );
    server.on(
        "/br",
        Reply::bytes(200, "application/json", vec![1, 2, 3]).header("content-encoding", "br"),
    );
    server.on(
        "/broken",
        Reply::bytes(200, "application/json", vec![0x1f, 0x8b, 8, 0])
            .header("content-encoding", "gzip"),
    );
    let ok = client()
        .get_json(&server.url("/gz"), None, None)
        .await
        .unwrap();
    assert_eq!(ok.body, br#"{"resourceType":"Bundle"}"#);
    assert_eq!(server.requests()[0].header("accept-encoding"), Some("gzip"));
    for path in ["/br", "/broken"] {
        let e = client()
            .get_json(&server.url(path), None, None)
            .await
            .unwrap_err();
        assert!(matches!(e, HttpError::Decode { .. }), "{path}: {e:?}");
    }
}

#[tokio::test]
async fn json_decoding_errors_do_not_quote_the_body() {
    let server = TestServer::start().await;
    server.on(
        "/bad",
        Reply::bytes(
            200,
            "application/json",
            r#"{"name": "Canary Patient" oops}"#,
        ),
    );
    let response = client()
        .get_json(&server.url("/bad"), None, None)
        .await
        .unwrap();
    let e = response.json::<serde_json::Value>().unwrap_err();
    assert!(matches!(e, HttpError::Decode { .. }));
    assert!(!e.to_string().contains("Canary"), "{e}");
    assert!(!format!("{response:?}").contains("Canary"));
}

#[tokio::test]
async fn post_form_sends_fields_and_each_kind_of_client_auth() {
    let server = TestServer::start().await;
    server.on(
        "/token",
        Reply::json(400, json!({"error": "invalid_request"})),
    );
    let http = client();
    let url = server.url("/token");
    let fields = [("grant_type", "x"), ("odd value", "a&b=c d")];

    // 4xx answers come back for the caller to read.
    let response = http
        .post_form(
            &url,
            &fields,
            &ClientAuth::None {
                client_id: "app 1".into(),
            },
        )
        .await
        .unwrap();
    assert_eq!(response.status, 400);
    let secret = Secret::new("s3cr:t%");
    http.post_form(
        &url,
        &fields,
        &ClientAuth::Basic {
            id: "key".into(),
            secret: secret.clone(),
        },
    )
    .await
    .unwrap();
    http.post_form(
        &url,
        &fields,
        &ClientAuth::Post {
            id: "key".into(),
            secret,
        },
    )
    .await
    .unwrap();

    let seen = server.requests();
    assert_eq!(seen.len(), 3);
    for request in &seen {
        assert_eq!(request.method, "POST");
        assert_eq!(
            request.header("content-type"),
            Some("application/x-www-form-urlencoded")
        );
        let form = request.form();
        assert_eq!(form["grant_type"], "x");
        assert_eq!(form["odd value"], "a&b=c d");
    }
    let none = seen[0].form();
    assert_eq!(none["client_id"], "app 1");
    assert!(!none.contains_key("client_secret"));
    assert_eq!(seen[0].header("authorization"), None);

    // "key:" + form-encoded "s3cr:t%" = "key:s3cr%3At%25"
    assert_eq!(
        seen[1].header("authorization"),
        Some("Basic a2V5OnMzY3IlM0F0JTI1")
    );
    assert!(!seen[1].form().contains_key("client_secret"));
    assert!(!seen[1].form().contains_key("client_id"));

    let post = seen[2].form();
    assert_eq!(post["client_id"], "key");
    assert_eq!(post["client_secret"], "s3cr:t%");
    assert_eq!(seen[2].header("authorization"), None);
}
