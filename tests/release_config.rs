//! The release configuration, checked without building a package: what the
//! Windows and macOS bundles will do cannot be built here, so their configuration
//! is held to what the README promises. `tauri.conf.json` must parse as Tauri's
//! own config type (what `tauri build` reads on every platform); the `ownchart://`
//! scheme is declared where the bundlers read it (desktop entry, NSIS/MSI registry
//! keys, `CFBundleURLTypes`); no signing identity lives in the repository; the
//! security settings stay tight; and the vault's per-platform dependencies use
//! the real keyring stores and an OpenSSL each platform has.

use std::path::Path;
use std::process::Command;

use serde_json::Value;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

fn conf() -> Value {
    let text = std::fs::read_to_string(Path::new(ROOT).join("tauri.conf.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

#[test]
fn tauri_conf_is_a_valid_tauri_config_for_every_platform() {
    let text = std::fs::read_to_string(Path::new(ROOT).join("tauri.conf.json")).unwrap();
    // The bundle sections of all platforms are parsed on every platform.
    let parsed: Result<tauri::utils::config::Config, _> = serde_json::from_str(&text);
    assert!(parsed.is_ok(), "{:?}", parsed.err());

    let c = conf();
    let targets: Vec<&str> = c["bundle"]["targets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t.as_str().unwrap())
        .collect();
    for t in ["deb", "appimage", "nsis", "msi", "app", "dmg"] {
        assert!(targets.contains(&t), "bundle target {t} is missing");
    }
}

#[test]
fn the_link_scheme_is_declared_for_the_installers() {
    let c = conf();
    // The CLI turns this into the .deb's MimeType, the NSIS/MSI registry keys and
    // the macOS bundle's CFBundleURLTypes.
    assert_eq!(
        c["plugins"]["deep-link"]["desktop"]["schemes"],
        serde_json::json!(["ownchart"])
    );
    let template = c["bundle"]["linux"]["deb"]["desktopTemplate"]
        .as_str()
        .unwrap();
    let entry = std::fs::read_to_string(Path::new(ROOT).join(template)).unwrap();
    assert!(entry.contains("\nExec={{exec}} %u\n"), "{entry}");
    assert!(entry.contains("MimeType={{mime_type}}"), "{entry}");
}

#[test]
fn signing_is_left_to_the_release_machine() {
    let b = &conf()["bundle"];
    assert_eq!(b["windows"]["certificateThumbprint"], Value::Null);
    assert!(b["windows"]["signCommand"].is_null());
    assert_eq!(b["windows"]["digestAlgorithm"], "sha256");
    assert_eq!(b["windows"]["nsis"]["installMode"], "currentUser");
    assert_eq!(b["macOS"]["signingIdentity"], Value::Null);
    // An identifier ending in `.app` clashes with the macOS bundle extension; the
    // single-instance D-Bus name (tests/installed_deb.sh) derives from it too.
    assert_eq!(conf()["identifier"], "org.ownchart.desktop");
    assert_eq!(b["macOS"]["hardenedRuntime"], true);
    assert!(b["macOS"]["minimumSystemVersion"].is_string());
}

#[test]
fn release_security_settings_hold() {
    let c = conf();
    assert!(
        c["build"]["devUrl"].is_null(),
        "a devUrl makes debug builds load a server"
    );
    let app = &c["app"];
    assert_eq!(app["withGlobalTauri"], false);
    let security = &app["security"];
    assert_eq!(security["freezePrototype"], true);
    assert_eq!(security["csp"]["default-src"], "'self'");
    assert_eq!(security["csp"]["script-src"], "'self'");
    assert!(security["dangerousDisableAssetCspModification"].is_null());
    let capabilities = security["capabilities"].as_array().unwrap();
    assert_eq!(capabilities.len(), 1, "one capability, for the main window");
    let main = &capabilities[0];
    assert_eq!(main["identifier"], "main");
    assert_eq!(main["windows"], serde_json::json!(["main"]));
    assert!(main["remote"].is_null(), "no remote origin gets IPC");
    for p in main["permissions"].as_array().unwrap() {
        let p = p
            .as_str()
            .unwrap_or_else(|| panic!("scoped permission {p}"));
        assert!(
            !["shell:", "fs:", "http:", "opener:"]
                .iter()
                .any(|prefix| p.starts_with(prefix)),
            "{p}"
        );
        assert!(p.contains(":allow-"), "{p} is a whole set, not one command");
    }
}

/// How `ownchart-vault` declares a dependency for one `cfg(...)` target.
fn features_of(deps: &[Value], name: &str, target: &str) -> Vec<String> {
    let dep = deps
        .iter()
        .find(|d| d["name"] == name && d["target"] == target && d["kind"].is_null())
        .unwrap_or_else(|| panic!("{name} is not declared for {target}"));
    dep["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f.as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn each_platform_gets_its_native_keyring_and_an_openssl_it_has() {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let out = Command::new(cargo)
        .args([
            "metadata",
            "--format-version",
            "1",
            "--no-deps",
            "--offline",
        ])
        .current_dir(ROOT)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let metadata: Value = serde_json::from_slice(&out.stdout).unwrap();
    let vault = metadata["packages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "ownchart-vault")
        .unwrap();
    let deps = vault["dependencies"].as_array().unwrap();

    // keyring 3's default is an in-memory mock: no declaration may leave a
    // platform without its store.
    assert!(
        deps.iter()
            .filter(|d| d["name"] == "keyring")
            .all(|d| d["target"].is_string()),
        "keyring must be declared per platform"
    );
    for (target, store, sqlcipher) in [
        (
            r#"cfg(target_os = "linux")"#,
            "sync-secret-service",
            "bundled-sqlcipher",
        ),
        (
            r#"cfg(target_os = "macos")"#,
            "apple-native",
            "bundled-sqlcipher-vendored-openssl",
        ),
        (
            "cfg(windows)",
            "windows-native",
            "bundled-sqlcipher-vendored-openssl",
        ),
    ] {
        let keyring = features_of(deps, "keyring", target);
        assert!(keyring.contains(&store.to_owned()), "{target}: {keyring:?}");
        let rusqlite = features_of(deps, "rusqlite", target);
        assert_eq!(rusqlite, vec![sqlcipher.to_owned()], "{target}");
    }
}

/// `tauri build --config FILE` merges FILE into the configuration (JSON merge patch).
fn merge(base: &mut Value, patch: &Value) {
    match (base, patch) {
        (Value::Object(base), Value::Object(patch)) => {
            for (k, v) in patch {
                merge(base.entry(k.clone()).or_insert(Value::Null), v);
            }
        }
        (base, patch) => *base = patch.clone(),
    }
}

#[test]
fn the_signing_templates_hold_placeholders_and_fit_the_config() {
    for os in ["windows", "macos"] {
        let path = Path::new(ROOT)
            .join("src-tauri/packaging")
            .join(os)
            .join("signing.example.json");
        let text = std::fs::read_to_string(&path).unwrap();
        let overlay: Value = serde_json::from_str(&text).unwrap();
        let mut c = conf();
        merge(&mut c, &overlay);
        let parsed: Result<tauri::utils::config::Config, _> = serde_json::from_value(c);
        assert!(parsed.is_ok(), "{os}: {:?}", parsed.err());
        // Every value that names a certificate or an identity is a placeholder.
        let section = &overlay["bundle"][if os == "windows" { "windows" } else { "macOS" }];
        for key in [
            "certificateThumbprint",
            "signingIdentity",
            "providerShortName",
        ] {
            if let Some(v) = section[key].as_str() {
                assert!(v.contains("REPLACE-WITH"), "{os} {key}: {v}");
            }
        }
    }
}
