//! `ownchart connect` as a patient runs it: the real binary, the project's portal
//! on 127.0.0.1:0, and `BROWSER` set to a scripted person who signs in over HTTP
//! and follows the portal's redirect to the app's loopback listener. Also the
//! canary check (O-02, O-11): the portal password and the tokens appear nowhere
//! in the data folder or the app's output.

use std::path::{Path, PathBuf};

use ownchart_core::overview::ProtectionMode;
use ownchart_core::session::{Session, SessionConfig};
use ownchart_portal::{PortalConfig, PortalUser, RunningPortal};
use ownchart_vault::Passphrase;

use crate::util::*;

pub(crate) const PASS: &str = "cli test passphrase";

/// The scripted person: `ownchart-portal person`, built next to the app.
pub fn person_bin() -> PathBuf {
    let bin = Path::new(BIN).with_file_name("ownchart-portal");
    assert!(
        bin.exists(),
        "{} is missing: build it with `cargo build --workspace --bins`",
        bin.display()
    );
    bin
}

/// A `BROWSER` command: a script that runs the person with these credentials.
pub fn browser_script(
    dir: &Path,
    username: &str,
    password: &str,
    deliver: Option<&str>,
) -> PathBuf {
    let script = dir.join("browser.sh");
    let deliver = deliver
        .map(|d| format!("export OWNCHART_PERSON_DELIVER='{d}'\n"))
        .unwrap_or_default();
    std::fs::write(
        &script,
        format!(
            "#!/bin/sh\nexport OWNCHART_PERSON_USERNAME='{username}'\n\
             export OWNCHART_PERSON_PASSWORD='{password}'\nexport OWNCHART_PERSON_CONSENT=allow\n\
             {deliver}exec '{}' person \"$1\" >> '{}/person.log' 2>&1\n",
            person_bin().display(),
            dir.display()
        ),
    )
    .unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    script
}

pub(crate) fn init(sb: &Sandbox) {
    let mut c = sb.cmd(&["init", "--passphrase-stdin", "--json"]);
    let out = run_with_stdin(&mut c, PASS);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

pub(crate) fn run_with_stdin(cmd: &mut std::process::Command, input: &str) -> std::process::Output {
    use std::io::Write;
    let mut child = cmd
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(format!("{input}\n").as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

#[test]
fn connect_by_loopback_with_a_canary_password_leaves_no_secret_behind() {
    let canary = "CANARY-pw-7f3a91c2";
    let portal = RunningPortal::start_background(PortalConfig::with_users(vec![PortalUser::new(
        "canary-user",
        canary,
        7,
        50,
    )]))
    .unwrap();
    let sb = Sandbox::new();
    init(&sb);
    let browser = browser_script(sb.root.path(), "canary-user", canary, None);
    let base = portal.fhir_base_r4();
    let mut c = sb.cmd(&[
        "connect",
        &base,
        "--passphrase-stdin",
        "--json",
        "--timeout",
        "60",
    ]);
    c.env("BROWSER", &browser);
    let out = run_with_stdin(&mut c, PASS);
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(
        out.status.success(),
        "stderr: {stderr}\nperson: {}",
        person_log(&sb)
    );
    let view = parse_stdout(&out);
    assert_eq!(view["status"]["state"], "connected", "{view}");
    assert_eq!(
        view["patient_id"].as_str(),
        portal.patient_id("canary-user").as_deref()
    );
    assert_eq!(portal.stats().token_requests.authorization_code, 1);

    let mut c = sb.cmd(&["connections", "--passphrase-stdin", "--json"]);
    let list = parse_stdout(&run_with_stdin(&mut c, PASS));
    assert_eq!(list.as_array().unwrap().len(), 1, "{list}");

    // The tokens, read back through the vault's own API...
    let mut session = Session::start(SessionConfig {
        data_dir: sb.data_dir(),
        keyring_service: "org.ownchart.test.unused".into(),
    })
    .unwrap();
    session.unlock(Some(Passphrase::new(PASS.into()))).unwrap();
    let opened = session.opened().unwrap();
    let id = view["id"].as_str().unwrap();
    let tokens = opened.vault.connection_tokens(id).unwrap().unwrap();
    let mut secrets = vec![canary.to_owned(), tokens.access_token.to_string()];
    secrets.extend(tokens.refresh_token.as_ref().map(|t| t.to_string()));
    assert!(secrets.iter().all(|s| s.len() >= 16));
    drop(session);
    // ...appear in no file of the data folder and in nothing the app printed.
    let mut haystacks: Vec<(String, Vec<u8>)> = snapshot(&sb.data_dir())
        .into_iter()
        .map(|(p, b)| (p.display().to_string(), b))
        .collect();
    haystacks.push(("stderr".into(), out.stderr.clone()));
    haystacks.push(("stdout".into(), out.stdout.clone()));
    for (name, bytes) in &haystacks {
        for s in &secrets {
            assert!(
                !bytes.windows(s.len()).any(|w| w == s.as_bytes()),
                "a secret is readable in {name}"
            );
        }
    }
}

fn person_log(sb: &Sandbox) -> String {
    std::fs::read_to_string(sb.root.path().join("person.log")).unwrap_or_default()
}

#[test]
fn connect_to_a_portal_that_is_down_fails_clearly_and_stores_nothing() {
    let sb = Sandbox::new();
    init(&sb);
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut c = sb.cmd(&[
        "connect",
        &format!("http://127.0.0.1:{port}/fhir"),
        "--passphrase-stdin",
        "--json",
    ]);
    c.env("BROWSER", "/bin/false");
    let out = run_with_stdin(&mut c, PASS);
    assert!(!out.status.success());
    let v = parse_stdout(&out);
    assert_eq!(v["error"]["code"], "portal_unreachable", "{v}");
    let mut c = sb.cmd(&["connections", "--passphrase-stdin", "--json"]);
    let list = parse_stdout(&run_with_stdin(&mut c, PASS));
    assert_eq!(list, serde_json::json!([]));
    let _ = ProtectionMode::Passphrase;
}

#[test]
fn the_directory_finds_the_demo_portal_and_the_sandboxes() {
    let sb = Sandbox::new();
    let (ok, v) = sb.json(&["directory", "epic"]);
    assert!(ok, "{v}");
    let names: Vec<&str> = v["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["name"].as_str().unwrap())
        .collect();
    assert!(
        names.iter().any(|n| n.to_lowercase().contains("epic")),
        "{names:?}"
    );
}
