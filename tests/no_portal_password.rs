//! threat model O-02 and TM-08, structurally: Ownchart never asks for or sends a
//! portal password. The app's code uses no OAuth password grant (ROPC), and the
//! only masked inputs in the UI are the vault passphrase, patient-generated API
//! secrets and the integrator account's credentials, all through the one
//! `PasswordField` component. (The project's
//! own portal, which tests sign in to, is the portal: it is not scanned.)

use std::path::{Path, PathBuf};

fn files(dir: &Path, ext: &str, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            files(&p, ext, out);
        } else if p.extension().is_some_and(|x| x == ext) {
            out.push(p);
        }
    }
}

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn the_app_has_no_password_grant() {
    let mut rs = vec![];
    for dir in [
        "src-tauri/src",
        "src-tauri/crates/core",
        "src-tauri/crates/fhir",
        "src-tauri/crates/vault",
    ] {
        files(&root().join(dir), "rs", &mut rs);
    }
    assert!(rs.len() > 50, "the scan found the sources");
    for file in rs {
        let text = std::fs::read_to_string(&file).unwrap();
        for forbidden in [
            "exchange_password",
            "ResourceOwnerPassword",
            "grant_type=password",
            "(\"grant_type\", \"password\")",
        ] {
            assert!(
                !text.contains(forbidden),
                "{} uses the password grant ({forbidden})",
                file.display()
            );
        }
    }
}

#[test]
fn masked_inputs_are_only_the_vault_passphrase_and_api_secrets() {
    let mut svelte = vec![];
    files(&root().join("ui/src"), "svelte", &mut svelte);
    assert!(svelte.len() > 20);
    let mut users = vec![];
    for file in &svelte {
        let text = std::fs::read_to_string(file).unwrap();
        let name = file.file_name().unwrap().to_string_lossy().into_owned();
        if name != "PasswordField.svelte" {
            assert!(
                !text.contains("type=\"password\"")
                    && !text.contains("\"password\" :")
                    && !text.contains(": \"password\""),
                "{name} has its own masked input"
            );
        }
        if text.contains("<PasswordField") {
            users.push(name);
        }
    }
    users.sort();
    assert_eq!(
        users,
        [
            "ApiCredentialsForm.svelte",
            // The passphrase of a deleted passphrase vault, which still opens its kept log.
            "Audit.svelte",
            // The passphrase of an encrypted export, chosen or typed again to restore.
            "ExportForm.svelte",
            "FirstRun.svelte",
            // The integrator's device token and a certificate file's password:
            // the app's own credentials with the integrator, not a portal's.
            "IntegratorForm.svelte",
            "RestorePassphrase.svelte",
            "Unlock.svelte"
        ],
        "a new masked input needs a reason (never a portal password)"
    );
}
