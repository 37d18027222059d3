//! The scripted person, as a library call and as the `ownchart-portal` binary (`person` and
//! `serve`), delivering redirects to an app command or a loopback listener.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::process::{Command, Stdio};

use crate::common::*;
use ownchart_portal::person::{self, PersonError};
use ownchart_portal::RunningPortal;

const BIN: &str = env!("CARGO_BIN_EXE_ownchart-portal");

fn background() -> RunningPortal {
    RunningPortal::start_background(config()).unwrap()
}

fn person_command(url: &str, password: &str) -> Command {
    let mut c = Command::new(BIN);
    c.arg("person")
        .arg(url)
        .env("OWNCHART_PERSON_USERNAME", "demo")
        .env("OWNCHART_PERSON_PASSWORD", password)
        .env_remove("OWNCHART_PERSON_CONSENT")
        .env_remove("OWNCHART_PERSON_DELIVER");
    c
}

fn scratch(name: &str) -> std::path::PathBuf {
    std::env::temp_dir().join(format!("ownchart-portal-{}-{name}", std::process::id()))
}

#[tokio::test]
async fn a_wrong_password_is_reported_without_the_password() {
    let portal = start(config()).await;
    let url = authorize_url(&portal.fhir_base_r4(), &pkce().challenge, &[]);
    let e = person::log_in(&url, "demo", "Canary-Pa55word", true)
        .await
        .unwrap_err();
    assert!(matches!(e, PersonError::WrongPassword(_)), "{e:?}");
    let text = e.to_string();
    assert!(text.contains("not right") && !text.contains("Canary-Pa55word"));
    let refused = person::log_in(
        &authorize_url(&portal.fhir_base_r4(), "x", &[("client_id", "nobody")]),
        "demo",
        "demo-pass",
        true,
    )
    .await
    .unwrap_err();
    assert!(matches!(refused, PersonError::Refused(_)), "{refused:?}");
    assert!(!refused.to_string().contains("state-1234567890"));
}

#[test]
fn the_blocking_person_works_without_a_runtime() {
    let portal = background();
    let url = authorize_url(&portal.fhir_base_r4(), &pkce().challenge, &[]);
    let back = person::log_in_blocking(&url, "demo", "demo-pass", true).unwrap();
    assert_eq!(back.scheme(), "ownchart");
    assert!(param(&back, "code").is_some());
}

#[test]
fn the_binary_hands_an_ownchart_link_to_the_app_command() {
    let portal = background();
    let script = scratch("app.sh");
    let received = scratch("received.txt");
    std::fs::write(
        &script,
        format!(
            "#!/bin/sh\nprintf '%s %s' \"$1\" \"$2\" > '{}'\n",
            received.display()
        ),
    )
    .unwrap();
    let mut perms = std::fs::metadata(&script).unwrap().permissions();
    std::os::unix::fs::PermissionsExt::set_mode(&mut perms, 0o755);
    std::fs::set_permissions(&script, perms).unwrap();
    let url = authorize_url(&portal.fhir_base_r4(), &pkce().challenge, &[]);
    let out = person_command(&url, "demo-pass")
        .env(
            "OWNCHART_PERSON_DELIVER",
            format!("{} --from-test", script.display()),
        )
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let got = std::fs::read_to_string(&received).unwrap();
    let _ = std::fs::remove_file(&script);
    let _ = std::fs::remove_file(&received);
    let (flag, link) = got.split_once(' ').unwrap();
    assert_eq!(flag, "--from-test");
    assert!(link.starts_with("ownchart://callback?code="), "{link}");
    assert!(link.contains("state=state-1234567890"));
}

#[test]
fn the_binary_prints_the_link_without_a_command_and_can_deny() {
    let portal = background();
    let url = authorize_url(&portal.fhir_base_r4(), &pkce().challenge, &[]);
    let out = person_command(&url, "demo-pass")
        .env("OWNCHART_PERSON_CONSENT", "deny")
        .output()
        .unwrap();
    assert!(out.status.success());
    let printed = String::from_utf8(out.stdout).unwrap();
    assert!(
        printed
            .trim()
            .starts_with("ownchart://callback?error=access_denied"),
        "{printed}"
    );
}

#[test]
fn the_binary_fetches_a_loopback_redirect_like_a_browser() {
    let portal = background();
    let app = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = app.local_addr().unwrap().port();
    let listener = std::thread::spawn(move || {
        let (mut conn, _) = app.accept().unwrap();
        let mut reader = BufReader::new(conn.try_clone().unwrap());
        let mut request_line = String::new();
        reader.read_line(&mut request_line).unwrap();
        let mut rest = [0u8; 1024];
        let _ = conn.set_read_timeout(Some(std::time::Duration::from_millis(100)));
        let _ = reader.read(&mut rest);
        conn.write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: close\r\n\r\nok")
            .unwrap();
        request_line
    });
    let redirect = format!("http://127.0.0.1:{port}/callback");
    let url = authorize_url(
        &portal.fhir_base_r4(),
        &pkce().challenge,
        &[("redirect_uri", &redirect)],
    );
    let out = person_command(&url, "demo-pass").output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let line = listener.join().unwrap();
    assert!(line.starts_with("GET /callback?code="), "{line}");
}

#[test]
fn the_binary_fails_with_one_line_and_no_secrets() {
    let portal = background();
    let url = authorize_url(&portal.fhir_base_r4(), &pkce().challenge, &[]);
    let out = person_command(&url, "Canary-Pa55word").output().unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8(out.stderr).unwrap();
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    assert!(!err.contains("Canary-Pa55word") && !err.contains("state-1234567890"));
    assert!(out.stdout.is_empty());
}

#[test]
fn serve_prints_its_fhir_bases_and_serves_them() {
    let mut child = Command::new(BIN)
        .arg("serve")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut r4 = None;
    for _ in 0..4 {
        let line = lines.next().unwrap().unwrap();
        if let Some(base) = line.strip_prefix("FHIR R4:") {
            r4 = Some(base.trim().to_owned());
        }
    }
    let r4 = r4.expect("the R4 base is printed");
    let metadata = std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async move { get(&format!("{r4}/metadata"), None).await.json() })
    })
    .join()
    .unwrap();
    child.kill().unwrap();
    let _ = child.wait();
    assert_eq!(metadata["software"]["name"], "Ownchart Demo Portal");
}
