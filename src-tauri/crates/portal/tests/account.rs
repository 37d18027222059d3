//! The account page: the patient generates API credentials, an app uses them, the patient
//! deletes them.

use crate::common::*;
use reqwest::StatusCode;

fn between<'a>(page: &'a str, before: &str, after: &str) -> &'a str {
    let start = page.find(before).unwrap() + before.len();
    page[start..].split(after).next().unwrap()
}

#[tokio::test]
async fn a_patient_generates_and_deletes_api_credentials_in_the_portal() {
    let portal = start(config()).await;
    let account = format!("{}/account", portal.origin());
    let post = |cookie: Option<String>, form: Vec<(&'static str, String)>| {
        let account = account.clone();
        async move {
            let body = url::form_urlencoded::Serializer::new(String::new())
                .extend_pairs(form)
                .finish();
            let mut r = http()
                .post(&account)
                .header("content-type", "application/x-www-form-urlencoded")
                .body(body);
            if let Some(c) = cookie {
                r = r.header("cookie", c);
            }
            let resp = r.send().await.unwrap();
            let cookie = resp
                .headers()
                .get("set-cookie")
                .map(|v| v.to_str().unwrap().split(';').next().unwrap().to_owned());
            (resp.status(), cookie, resp.text().await.unwrap())
        }
    };
    let (_, cookie, page) = post(
        None,
        vec![
            ("action", "sign-in".into()),
            ("username", "demo".into()),
            ("password", "demo-pass".into()),
        ],
    )
    .await;
    let cookie = cookie.expect("a session cookie");
    let csrf = between(&page, "name=\"csrf\" value=\"", "\"").to_owned();
    let (_, _, forged) = post(
        Some(cookie.clone()),
        vec![
            ("action", "generate".into()),
            ("label", "x".into()),
            ("csrf", "forged".into()),
        ],
    )
    .await;
    assert!(!forged.contains("api-secret"));
    let (status, _, created) = post(
        Some(cookie.clone()),
        vec![
            ("action", "generate".into()),
            ("label", "Ownchart <laptop>".into()),
            ("csrf", csrf.clone()),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(created.contains("Ownchart &lt;laptop&gt;") && !created.contains("Ownchart <laptop>"));
    let key = between(&created, "<code id=\"api-key\">", "<").to_owned();
    let secret = between(&created, "<code id=\"api-secret\">", "<").to_owned();
    let base = portal.fhir_base_r4();
    let (s, _, v) = post_form(
        &format!("{base}/token"),
        &[
            ("grant_type", "client_credentials"),
            ("client_id", &key),
            ("client_secret", &secret),
        ],
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let listed = http()
        .get(&account)
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        listed.contains(&key) && !listed.contains(&secret),
        "the secret is shown once"
    );
    let (_, _, deleted) = post(
        Some(cookie.clone()),
        vec![
            ("action", "delete".into()),
            ("key", key.clone()),
            ("csrf", csrf),
        ],
    )
    .await;
    assert!(deleted.contains("deleted"));
    let (s, _, v) = post_form(
        &format!("{base}/token"),
        &[
            ("grant_type", "client_credentials"),
            ("client_id", &key),
            ("client_secret", &secret),
        ],
    )
    .await;
    assert_eq!(
        (s, v["error"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("invalid_client"))
    );
}

#[tokio::test]
async fn a_patient_revokes_an_apps_access_on_the_account_page() {
    let portal = start(config()).await;
    let base = portal.fhir_base_r4();
    let t = connect(&base, SCOPE).await;
    let account = format!("{}/account", portal.origin());
    let sign_in = http()
        .post(&account)
        .header("content-type", "application/x-www-form-urlencoded")
        .body("action=sign-in&username=demo&password=demo-pass")
        .send()
        .await
        .unwrap();
    let cookie = sign_in.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_owned();
    let page = sign_in.text().await.unwrap();
    assert!(page.contains("ownchart") && page.contains("Revoke access"));
    let csrf = between(&page, "name=\"csrf\" value=\"", "\"").to_owned();
    let grant = between(&page, "name=\"grant\" value=\"", "\"").to_owned();
    let body = format!("action=revoke&grant={grant}&csrf={csrf}");
    let done = http()
        .post(&account)
        .header("content-type", "application/x-www-form-urlencoded")
        .header("cookie", cookie)
        .body(body)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(done.contains("revoked") && done.contains("No app has access"));
    assert_eq!(
        get(&format!("{base}/Patient"), Some(&t.access))
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );
}
