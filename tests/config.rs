//! The security configuration, checked on every build (threat model W-03, W-04,
//! TM-14…TM-16): `tauri.conf.json` keeps a strict CSP, no global Tauri object,
//! a frozen prototype and only local capabilities without shell, file-system
//! or HTTP permissions; no shell plugin is a dependency; and the IPC command
//! list equals `tests/ipc-commands.txt`, so adding a command fails the build
//! until that reviewed list is updated too.

use std::collections::BTreeSet;
use std::path::PathBuf;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn read(rel: &str) -> String {
    std::fs::read_to_string(root().join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

fn conf() -> serde_json::Value {
    serde_json::from_str(&read("tauri.conf.json")).unwrap()
}

/// The CSP as directive → sources, from either the object or the string form.
fn csp(conf: &serde_json::Value) -> std::collections::BTreeMap<String, Vec<String>> {
    let csp = &conf["app"]["security"]["csp"];
    let split = |s: &str| s.split_whitespace().map(str::to_owned).collect::<Vec<_>>();
    match csp {
        serde_json::Value::Object(map) => map
            .iter()
            .map(|(k, v)| {
                let sources = match v {
                    serde_json::Value::String(s) => split(s),
                    serde_json::Value::Array(a) => a
                        .iter()
                        .filter_map(|x| x.as_str())
                        .map(str::to_owned)
                        .collect(),
                    other => panic!("CSP directive {k} is {other}"),
                };
                (k.clone(), sources)
            })
            .collect(),
        serde_json::Value::String(s) => s
            .split(';')
            .filter_map(|d| {
                let mut words = d.split_whitespace();
                let name = words.next()?;
                Some((name.to_owned(), words.map(str::to_owned).collect()))
            })
            .collect(),
        other => panic!("the CSP must be set, found {other}"),
    }
}

#[test]
fn the_webview_has_no_global_tauri_and_a_frozen_prototype() {
    let c = conf();
    assert!(
        matches!(
            c["app"].get("withGlobalTauri"),
            None | Some(serde_json::Value::Bool(false))
        ),
        "withGlobalTauri must be false or absent"
    );
    assert_eq!(c["app"]["security"]["freezePrototype"], true);
    assert!(
        c["app"]["security"]
            .get("dangerousDisableAssetCspModification")
            .is_none(),
        "Tauri must keep adding its nonces to the CSP"
    );
    let asset = &c["app"]["security"]["assetProtocol"];
    assert!(
        asset.is_null() || asset["enable"] != true,
        "the asset protocol stays off (commands take ids, not paths)"
    );
}

#[test]
fn the_csp_allows_only_the_app_itself_to_run_code() {
    let c = csp(&conf());
    let get = |d: &str| c.get(d).unwrap_or_else(|| panic!("CSP has no {d}"));
    assert!(get("default-src").contains(&"'self'".to_owned()));
    let script = get("script-src");
    assert!(script.contains(&"'self'".to_owned()));
    for bad in [
        "'unsafe-inline'",
        "'unsafe-eval'",
        "'wasm-unsafe-eval'",
        "*",
        "data:",
        "blob:",
        "http:",
        "https:",
    ] {
        assert!(!script.iter().any(|s| s == bad), "script-src allows {bad}");
    }
    assert_eq!(get("object-src"), &vec!["'none'".to_owned()]);
    for (directive, sources) in &c {
        assert!(
            !sources
                .iter()
                .any(|s| s == "*" || s == "https:" || s == "http:"),
            "{directive} allows any origin"
        );
    }
}

#[test]
fn capabilities_are_local_and_grant_no_shell_file_or_http_access() {
    let c = conf();
    let caps = c["app"]["security"]["capabilities"]
        .as_array()
        .expect("capabilities inline");
    assert!(!caps.is_empty());
    for cap in caps {
        let id = cap["identifier"].as_str().unwrap_or("?");
        assert!(cap.get("remote").is_none(), "capability {id} is remote");
        for p in cap["permissions"].as_array().unwrap() {
            let name = p
                .as_str()
                .or_else(|| p["identifier"].as_str())
                .unwrap_or("");
            for banned in ["shell:", "fs:", "http:", "opener:"] {
                assert!(!name.starts_with(banned), "capability {id} grants {name}");
            }
        }
    }
}

#[test]
fn no_shell_plugin_is_a_dependency() {
    // The shell plugin nowhere, not even indirectly (CVE-2025-31477 class).
    for (file, text) in [
        ("Cargo.toml", read("Cargo.toml")),
        ("Cargo.lock", read("Cargo.lock")),
    ] {
        assert!(
            !text.contains("tauri-plugin-shell"),
            "{file} names tauri-plugin-shell"
        );
    }
    // No file-system or HTTP plugin chosen by the app (the dialog plugin links
    // the fs plugin internally; the webview gets none of its permissions).
    let manifest = read("Cargo.toml");
    for banned in ["tauri-plugin-fs", "tauri-plugin-http"] {
        assert!(!manifest.contains(banned), "Cargo.toml depends on {banned}");
    }
}

fn handler_commands() -> BTreeSet<String> {
    let lib = read("src-tauri/src/lib.rs");
    let start = lib
        .find("generate_handler![")
        .expect("generate_handler! in lib.rs")
        + "generate_handler![".len();
    let end = start + lib[start..].find(']').expect("end of generate_handler!");
    lib[start..end]
        .split(',')
        .map(|s| s.trim())
        .filter(|s| !s.is_empty())
        .map(|path| path.rsplit("::").next().unwrap_or(path).to_owned())
        .collect()
}

#[test]
fn the_ipc_command_list_is_the_reviewed_one() {
    let reviewed: BTreeSet<String> = read("tests/ipc-commands.txt")
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(str::to_owned)
        .collect();
    let actual = handler_commands();
    let added: Vec<_> = actual.difference(&reviewed).collect();
    let removed: Vec<_> = reviewed.difference(&actual).collect();
    assert!(
        added.is_empty() && removed.is_empty(),
        "the IPC command list changed: added {added:?}, removed {removed:?}; review it and update tests/ipc-commands.txt"
    );
    assert!(actual.contains("open_external_link") && actual.len() >= 30);
}
