//! Token requests: what goes over the wire for each grant and client auth, how
//! answers and OAuth errors come back, and that tokens stay out of errors and
//! Debug output.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use ownchart_fhir::smart::{
    client_credentials, exchange_code, refresh, revoke, secret_client_auth, TokenError, TokenHint,
};
use ownchart_fhir::{ClientAuth, HttpError, Secret};
use serde_json::json;
use url::Url;

use crate::server::{client, Reply, TestServer};

fn token_reply() -> Reply {
    Reply::json(
        200,
        json!({
            "access_token": "canary-access-1",
            "token_type": "bearer",
            "expires_in": 3600,
            "refresh_token": "canary-refresh-2",
            "scope": "patient/*.rs launch/patient offline_access",
            "patient": "pat-123",
            "need_patient_banner": true
        }),
    )
}

fn decode_basic(header: &str) -> String {
    let encoded = header.strip_prefix("Basic ").expect("Basic auth");
    String::from_utf8(STANDARD.decode(encoded).unwrap()).unwrap()
}

#[tokio::test]
async fn code_exchange_sends_the_pkce_verifier_as_a_public_client() {
    let server = TestServer::start().await;
    server.on("/token", token_reply());
    let redirect = Url::parse("ownchart://callback").unwrap();
    let tokens = exchange_code(
        &client(),
        &server.url("/token"),
        "ownchart-app",
        &Secret::new("the-code"),
        &Secret::new("the-verifier"),
        &redirect,
    )
    .await
    .unwrap();

    let seen = server.only_request();
    assert_eq!(seen.method, "POST");
    assert_eq!(seen.header("authorization"), None);
    assert!(seen.header("accept").unwrap().contains("application/json"));
    let form = seen.form();
    assert_eq!(form["grant_type"], "authorization_code");
    assert_eq!(form["code"], "the-code");
    assert_eq!(form["code_verifier"], "the-verifier");
    assert_eq!(form["redirect_uri"], "ownchart://callback");
    assert_eq!(form["client_id"], "ownchart-app");
    assert!(!form.contains_key("client_secret"));
    assert_eq!(form.len(), 5, "{form:?}");

    assert_eq!(tokens.access_token.expose(), "canary-access-1");
    assert_eq!(
        tokens.refresh_token.as_ref().unwrap().expose(),
        "canary-refresh-2"
    );
    assert_eq!(tokens.expires_in, Some(3600));
    assert_eq!(
        tokens.scope.as_deref(),
        Some("patient/*.rs launch/patient offline_access")
    );
    assert_eq!(tokens.patient.as_deref(), Some("pat-123"));
    assert_eq!(tokens.token_type, "Bearer");
    let debug = format!("{tokens:?}");
    assert!(!debug.contains("canary"), "{debug}");
}

#[tokio::test]
async fn refresh_with_basic_auth_returns_the_rotated_token() {
    let server = TestServer::start().await;
    server.on("/token", token_reply());
    let auth = ClientAuth::Basic {
        id: "app:1".into(),
        secret: Secret::new("p@ss word"),
    };
    let tokens = refresh(
        &client(),
        &server.url("/token"),
        &auth,
        &Secret::new("old-refresh"),
    )
    .await
    .unwrap();
    assert_eq!(tokens.refresh_token.unwrap().expose(), "canary-refresh-2");

    let seen = server.only_request();
    assert_eq!(
        decode_basic(seen.header("authorization").unwrap()),
        "app%3A1:p%40ss+word"
    );
    let form = seen.form();
    assert_eq!(form["grant_type"], "refresh_token");
    assert_eq!(form["refresh_token"], "old-refresh");
    assert!(!form.contains_key("client_secret"));
    assert!(!form.contains_key("client_id"));
}

#[tokio::test]
async fn refresh_without_rotation_keeps_the_old_refresh_token() {
    let server = TestServer::start().await;
    server.on(
        "/token",
        Reply::json(
            200,
            json!({"access_token": "new-access", "token_type": "Bearer"}),
        ),
    );
    let auth = ClientAuth::Post {
        id: "app".into(),
        secret: Secret::new("sec"),
    };
    let tokens = refresh(
        &client(),
        &server.url("/token"),
        &auth,
        &Secret::new("keep-me"),
    )
    .await
    .unwrap();
    assert_eq!(tokens.access_token.expose(), "new-access");
    assert_eq!(tokens.refresh_token.unwrap().expose(), "keep-me");
    assert_eq!(tokens.expires_in, None);
    assert_eq!(tokens.patient, None);

    let seen = server.only_request();
    assert_eq!(seen.header("authorization"), None);
    let form = seen.form();
    assert_eq!(form["client_id"], "app");
    assert_eq!(form["client_secret"], "sec");
    assert_eq!(form["refresh_token"], "keep-me");
}

#[tokio::test]
async fn client_credentials_use_basic_unless_only_post_is_listed() {
    let server = TestServer::start().await;
    server.on(
        "/token",
        Reply::json(
            200,
            json!({"access_token": "cc-token", "token_type": "Bearer", "expires_in": 300}),
        ),
    );
    let http = client();
    let url = server.url("/token");
    let secret = Secret::new("api-secret");

    let tokens = client_credentials(
        &http,
        &url,
        "api-key",
        &secret,
        Some("patient/*.rs  launch"),
        None,
    )
    .await
    .unwrap();
    assert_eq!(tokens.access_token.expose(), "cc-token");
    let post_only = vec!["client_secret_post".to_owned()];
    client_credentials(&http, &url, "api-key", &secret, None, Some(&post_only))
        .await
        .unwrap();
    let both = vec![
        "client_secret_post".to_owned(),
        "client_secret_basic".to_owned(),
    ];
    client_credentials(&http, &url, "api-key", &secret, None, Some(&both))
        .await
        .unwrap();

    let seen = server.requests();
    assert_eq!(seen.len(), 3);
    assert_eq!(
        decode_basic(seen[0].header("authorization").unwrap()),
        "api-key:api-secret"
    );
    let form = seen[0].form();
    assert_eq!(form["grant_type"], "client_credentials");
    assert_eq!(form["scope"], "patient/*.rs launch");
    assert!(!form.contains_key("client_secret"));

    assert_eq!(seen[1].header("authorization"), None);
    let form = seen[1].form();
    assert_eq!(form["client_id"], "api-key");
    assert_eq!(form["client_secret"], "api-secret");
    assert!(!form.contains_key("scope"));

    assert!(seen[2].header("authorization").is_some());
    assert!(matches!(
        secret_client_auth(Some(&post_only), "k", &secret),
        ClientAuth::Post { .. }
    ));
}

#[tokio::test]
async fn invalid_grant_is_recognised_and_its_description_kept_out_of_the_message() {
    let server = TestServer::start().await;
    server.on(
        "/token",
        Reply::json(
            400,
            json!({"error": "invalid_grant", "error_description": "refresh token canary-refresh-2 revoked"}),
        ),
    );
    let auth = ClientAuth::None {
        client_id: "app".into(),
    };
    let e = refresh(
        &client(),
        &server.url("/token"),
        &auth,
        &Secret::new("canary-refresh-2"),
    )
    .await
    .unwrap_err();
    assert!(e.is_invalid_grant(), "{e:?}");
    assert!(!e.is_retryable());
    match &e {
        TokenError::OAuth { description, .. } => {
            assert_eq!(
                description.as_deref(),
                Some("refresh token canary-refresh-2 revoked")
            )
        }
        other => panic!("{other:?}"),
    }
    let text = e.to_string();
    assert!(text.contains("reconnect"), "{text}");
    assert!(!text.contains("canary"), "{text}");
}

#[tokio::test]
async fn oauth_and_http_errors_are_told_apart() {
    let server = TestServer::start().await;
    server.on(
        "/client",
        Reply::json(401, json!({"error": "invalid_client"})),
    );
    server.on(
        "/down",
        Reply::bytes(503, "text/html", "<h1>maintenance</h1>").header("retry-after", "60"),
    );
    server.on("/html400", Reply::bytes(400, "text/html", "<h1>bad</h1>"));
    server.on(
        "/moved",
        Reply::status(302).header("location", "https://elsewhere.example/token"),
    );
    let http = client();
    let code = Secret::new("c");
    let verifier = Secret::new("v");
    let redirect = Url::parse("ownchart://callback").unwrap();
    let exchange = |path: &str| {
        let url = server.url(path);
        let (http, code, verifier, redirect) = (&http, &code, &verifier, &redirect);
        async move { exchange_code(http, &url, "app", code, verifier, redirect).await }
    };

    let e = exchange("/client").await.unwrap_err();
    assert!(
        matches!(&e, TokenError::OAuth { error, .. } if error == "invalid_client"),
        "{e:?}"
    );
    assert!(!e.is_invalid_grant());

    let e = exchange("/down").await.unwrap_err();
    match &e {
        TokenError::Http(http) => {
            assert_eq!(http.status(), Some(503));
            assert_eq!(http.retry_after(), Some(std::time::Duration::from_secs(60)));
        }
        other => panic!("{other:?}"),
    }
    assert!(e.is_retryable());

    let e = exchange("/html400").await.unwrap_err();
    assert!(
        matches!(&e, TokenError::Http(HttpError::Status { status: 400, .. })),
        "{e:?}"
    );

    let e = exchange("/moved").await.unwrap_err();
    assert!(
        matches!(
            &e,
            TokenError::Http(HttpError::Redirect { status: 302, .. })
        ),
        "{e:?}"
    );
}

#[tokio::test]
async fn unusable_token_responses_are_malformed() {
    let server = TestServer::start().await;
    server.on(
        "/mac",
        Reply::json(
            200,
            json!({"access_token": "canary-mac", "token_type": "mac"}),
        ),
    );
    server.on(
        "/no-token",
        Reply::json(200, json!({"token_type": "Bearer", "patient": "p"})),
    );
    server.on(
        "/html",
        Reply::bytes(200, "text/html", "<html>canary-html</html>"),
    );
    server.on(
        "/wrong-type",
        Reply::json(
            200,
            json!({"access_token": "canary-x", "token_type": "Bearer", "patient": 42}),
        ),
    );
    server.on(
        "/spaces",
        Reply::json(
            200,
            json!({"access_token": "canary with\r\nheader", "token_type": "Bearer"}),
        ),
    );
    let http = client();
    let auth = ClientAuth::None {
        client_id: "app".into(),
    };
    for path in ["/mac", "/no-token", "/html", "/wrong-type", "/spaces"] {
        let e = refresh(&http, &server.url(path), &auth, &Secret::new("r"))
            .await
            .unwrap_err();
        assert!(matches!(e, TokenError::Malformed { .. }), "{path}: {e:?}");
        let text = format!("{e} {e:?}");
        assert!(!text.contains("canary"), "{path}: {text}");
        if path == "/no-token" {
            assert!(text.contains("access_token"), "{text}");
        }
    }
}

#[tokio::test]
async fn revocation_posts_the_token_and_its_hint() {
    let server = TestServer::start().await;
    server.on("/revoke", Reply::status(200));
    server.on("/revoke-busy", Reply::status(503));
    server.on(
        "/revoke-unsupported",
        Reply::json(400, json!({"error": "unsupported_token_type"})),
    );
    let http = client();
    let auth = ClientAuth::None {
        client_id: "app".into(),
    };
    let token = Secret::new("canary-refresh");

    revoke(
        &http,
        &server.url("/revoke"),
        &auth,
        &token,
        TokenHint::RefreshToken,
    )
    .await
    .unwrap();
    let basic = ClientAuth::Basic {
        id: "k".into(),
        secret: Secret::new("s"),
    };
    revoke(
        &http,
        &server.url("/revoke"),
        &basic,
        &Secret::new("acc"),
        TokenHint::AccessToken,
    )
    .await
    .unwrap();

    let e = revoke(
        &http,
        &server.url("/revoke-busy"),
        &auth,
        &token,
        TokenHint::RefreshToken,
    )
    .await
    .unwrap_err();
    assert!(e.is_retryable(), "{e:?}");
    assert!(matches!(
        e,
        TokenError::Http(HttpError::Status { status: 503, .. })
    ));

    let e = revoke(
        &http,
        &server.url("/revoke-unsupported"),
        &auth,
        &token,
        TokenHint::RefreshToken,
    )
    .await
    .unwrap_err();
    assert!(matches!(&e, TokenError::OAuth { error, .. } if error == "unsupported_token_type"));

    let seen = server.requests();
    assert_eq!(seen.len(), 4);
    let form = seen[0].form();
    assert_eq!(form["token"], "canary-refresh");
    assert_eq!(form["token_type_hint"], "refresh_token");
    assert_eq!(form["client_id"], "app");
    assert_eq!(form.len(), 3);
    assert_eq!(seen[1].form()["token_type_hint"], "access_token");
    assert_eq!(
        decode_basic(seen[1].header("authorization").unwrap()),
        "k:s"
    );
}
