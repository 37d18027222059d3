//! Build script of the app package: Tauri's code generation, and the third-party
//! license notices the About screen shows.
//!
//! The notices are generated here, from the dependency trees this very build uses,
//! so they cannot drift from the code that ships: the Rust crates linked into the
//! binary for the target being built (`cargo tree`, details from `cargo metadata`), and the
//! npm packages the web UI bundles (read from `ui/package-lock.json`). Each package
//! gets its SPDX expression and repository; the full texts of the license files the
//! packages carry are kept once each (bounded in size). The result is JSON in
//! `OUT_DIR`, embedded by `commands/about.rs` and checked by its tests.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use cargo_metadata::{MetadataCommand, PackageId};
use serde_json::{json, Value};

/// The file `commands/about.rs` embeds.
const NOTICES_FILE: &str = "third_party_licenses.json";
/// A license file larger than this is not a license text (or not one to embed).
const MAX_TEXT_BYTES: u64 = 64 * 1024;
/// All distinct texts together stay under this; past it, packages keep their SPDX
/// expression and repository only (and the build says so).
const MAX_TOTAL_TEXT_BYTES: usize = 3 * 1024 * 1024;
/// Svelte is a build-time dependency of the UI, but its compiler emits imports of
/// its own runtime, which therefore ships inside `ui/dist`.
const NPM_BUNDLED_BUILD_TOOLS: &[&str] = &["svelte"];

fn main() {
    if let Err(e) = write_notices() {
        // A release without its notices is not one to ship: stop the build.
        eprintln!("error: the third-party license notices could not be generated: {e}");
        std::process::exit(1);
    }
    tauri_build::build()
}

type BuildResult<T> = Result<T, Box<dyn std::error::Error>>;

fn write_notices() -> BuildResult<()> {
    let root = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR")?);
    let ui = root.join("ui");
    println!("cargo:rerun-if-changed=Cargo.lock");
    println!("cargo:rerun-if-changed=ui/package-lock.json");
    // npm rewrites this file on every install, so new license files are picked up.
    if ui.join("node_modules/.package-lock.json").exists() {
        println!("cargo:rerun-if-changed=ui/node_modules/.package-lock.json");
    }

    let mut texts = Texts::default();
    let mut packages = rust_packages(&root, &mut texts)?;
    packages.extend(npm_packages(&ui, &mut texts)?);
    packages.sort_by(|a, b| {
        let key = |v: &Value| v["name"].as_str().unwrap_or_default().to_lowercase();
        key(a).cmp(&key(b))
    });
    if texts.dropped > 0 {
        println!(
            "cargo:warning={} license texts over the size budget were left out of the notices",
            texts.dropped
        );
    }
    let notices = json!({ "packages": packages, "texts": texts.list });
    let out = PathBuf::from(std::env::var("OUT_DIR")?).join(NOTICES_FILE);
    fs::write(out, serde_json::to_vec(&notices)?)?;
    Ok(())
}

/// The crates the app's binary is built from, for the target being built.
fn rust_packages(root: &Path, texts: &mut Texts) -> BuildResult<Vec<Value>> {
    let target = std::env::var("TARGET")?;
    let shipped = shipped_crates(root, &target)?;
    let metadata = MetadataCommand::new()
        .manifest_path(root.join("Cargo.toml"))
        .other_options(vec!["--filter-platform".to_owned(), target])
        .exec()?;
    let own: HashSet<&PackageId> = metadata.workspace_members.iter().collect();

    let mut out = Vec::new();
    for package in &metadata.packages {
        let key = (package.name.to_string(), package.version.to_string());
        if own.contains(&package.id) || !shipped.contains(&key) {
            continue;
        }
        let dir = package
            .manifest_path
            .parent()
            .ok_or("a package without a directory")?;
        let mut files = license_files(dir.as_std_path(), bundles_sources(&package.name));
        if let Some(file) = package.license_file() {
            files.push(file.into_std_path_buf());
        }
        out.push(json!({
            "ecosystem": "rust",
            "name": package.name,
            "version": package.version.to_string(),
            "license": package.license,
            "repository": package.repository,
            "texts": texts.add_files(&files),
        }));
    }
    Ok(out)
}

/// Name and version of every crate linked into the app for `target`, as
/// `cargo tree` resolves them with this target's features (`cargo metadata`
/// unifies features across platforms, and would list, say, the OpenSSL that only
/// the Windows and macOS builds compile in). Build-only crates are left out,
/// except `*-src` crates: the C code they carry is compiled into the binary.
fn shipped_crates(root: &Path, target: &str) -> BuildResult<HashSet<(String, String)>> {
    let runtime = cargo_tree(root, target, "normal")?;
    let with_build = cargo_tree(root, target, "normal,build")?;
    Ok(runtime
        .into_iter()
        .chain(
            with_build
                .into_iter()
                .filter(|(name, _)| name.ends_with("-src")),
        )
        .collect())
}

fn cargo_tree(root: &Path, target: &str, edges: &str) -> BuildResult<HashSet<(String, String)>> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let out = Command::new(cargo)
        .current_dir(root)
        .args(["tree", "--package", "ownchart", "--target", target])
        .args(["--edges", edges, "--prefix", "none", "--format", "{p}"])
        .output()?;
    if !out.status.success() {
        return Err(format!(
            "cargo tree failed: {}",
            String::from_utf8_lossy(&out.stderr)
        )
        .into());
    }
    let mut crates = HashSet::new();
    for line in String::from_utf8(out.stdout)?.lines() {
        let mut words = line.split_whitespace();
        if let (Some(name), Some(version)) = (words.next(), words.next()) {
            let version = version.strip_prefix('v').unwrap_or(version);
            crates.insert((name.to_owned(), version.to_owned()));
        }
    }
    Ok(crates)
}

/// `-sys`/`-src` crates carry a C library's sources, with its license, one
/// folder down (SQLCipher in `libsqlite3-sys/sqlcipher/`, OpenSSL in `openssl-src/openssl/`).
fn bundles_sources(name: &str) -> bool {
    name.ends_with("-sys") || name.ends_with("-src")
}

/// The UI's npm packages that end up in `ui/dist`: its runtime `dependencies`
/// and the bundled build tools, each with what they depend on, as npm resolved them.
fn npm_packages(ui: &Path, texts: &mut Texts) -> BuildResult<Vec<Value>> {
    let lock: Value = serde_json::from_slice(&fs::read(ui.join("package-lock.json"))?)?;
    let entries = lock["packages"]
        .as_object()
        .ok_or("ui/package-lock.json has no `packages` (npm 7 or newer writes it)")?;
    let roots = lock["packages"][""]["dependencies"]
        .as_object()
        .map(|deps| deps.keys().cloned().collect::<Vec<_>>())
        .unwrap_or_default();

    let mut seen: BTreeMap<String, ()> = BTreeMap::new();
    let mut stack: Vec<String> = roots
        .iter()
        .map(String::as_str)
        .chain(NPM_BUNDLED_BUILD_TOOLS.iter().copied())
        .filter_map(|name| resolve_npm(entries, "", name))
        .collect();
    while let Some(path) = stack.pop() {
        if seen.insert(path.clone(), ()).is_some() {
            continue;
        }
        if let Some(deps) = entries[&path]["dependencies"].as_object() {
            stack.extend(deps.keys().filter_map(|d| resolve_npm(entries, &path, d)));
        }
    }

    let mut out = Vec::new();
    for path in seen.keys() {
        let entry = &entries[path];
        let dir = ui.join(path);
        let manifest: Value = fs::read(dir.join("package.json"))
            .ok()
            .and_then(|bytes| serde_json::from_slice(&bytes).ok())
            .unwrap_or(Value::Null);
        let name = entry["name"]
            .as_str()
            .or_else(|| path.rsplit_once("node_modules/").map(|(_, n)| n))
            .unwrap_or(path);
        let license = entry["license"]
            .as_str()
            .or_else(|| manifest["license"].as_str())
            .or_else(|| manifest["license"]["type"].as_str());
        out.push(json!({
            "ecosystem": "npm",
            "name": name,
            "version": entry["version"],
            "license": license,
            "repository": npm_repository(&manifest["repository"]),
            "texts": texts.add_files(&license_files(&dir, false)),
        }));
    }
    Ok(out)
}

/// Node's lookup: `name` from the package at `from` is the nearest
/// `node_modules/name` walking up from `from` to the UI folder.
fn resolve_npm(entries: &serde_json::Map<String, Value>, from: &str, name: &str) -> Option<String> {
    let mut base = from.to_owned();
    loop {
        let candidate = if base.is_empty() {
            format!("node_modules/{name}")
        } else {
            format!("{base}/node_modules/{name}")
        };
        if entries.contains_key(&candidate) {
            return Some(candidate);
        }
        if base.is_empty() {
            return None;
        }
        base = base
            .rsplit_once("/node_modules/")
            .map(|(parent, _)| parent.to_owned())
            .unwrap_or_default();
    }
}

/// `repository` in a package.json: a URL, `{ "url": ... }`, or `owner/repo` on GitHub.
fn npm_repository(value: &Value) -> Option<String> {
    let raw = value.as_str().or_else(|| value["url"].as_str())?;
    let url = raw.trim_start_matches("git+").trim_end_matches(".git");
    let url = url.replacen("git://", "https://", 1);
    let url = url.replacen("ssh://git@", "https://", 1);
    if let Some(short) = url.strip_prefix("github:") {
        return Some(format!("https://github.com/{short}"));
    }
    if !url.contains(':') && url.matches('/').count() == 1 {
        return Some(format!("https://github.com/{url}"));
    }
    Some(url)
}

/// License, copying and notice files at the top of a package (and, for packages
/// carrying a C library, one folder down).
fn license_files(dir: &Path, one_level_down: bool) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let Ok(entries) = fs::read_dir(dir) else {
        return found;
    };
    let mut entries: Vec<_> = entries.flatten().map(|e| e.path()).collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            if one_level_down {
                found.extend(license_files(&path, false));
            }
        } else if is_license_file(&path) {
            found.push(path);
        }
    }
    found
}

fn is_license_file(path: &Path) -> bool {
    const NAMES: &[&str] = &["license", "licence", "copying", "notice", "unlicense"];
    // Code, and SPDX metadata files: not license texts.
    const NOT_TEXT: &[&str] = &[
        "rs", "js", "cjs", "mjs", "ts", "json", "toml", "html", "py", "sh", "spdx",
    ];
    let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
        return false;
    };
    let lower = name.to_lowercase();
    let not_text = path
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| NOT_TEXT.contains(&e.to_lowercase().as_str()));
    NAMES.iter().any(|n| lower.starts_with(n)) && !not_text
}

/// The distinct license texts, each kept once; packages refer to them by index.
#[derive(Default)]
struct Texts {
    list: Vec<Value>,
    index: HashMap<String, usize>,
    bytes: usize,
    dropped: usize,
}

impl Texts {
    fn add_files(&mut self, files: &[PathBuf]) -> Vec<usize> {
        let mut ids = Vec::new();
        for file in files {
            let Some(text) = read_text(file) else {
                continue;
            };
            let id = match self.index.get(&text) {
                Some(id) => *id,
                None if self.bytes + text.len() > MAX_TOTAL_TEXT_BYTES => {
                    self.dropped += 1;
                    continue;
                }
                None => {
                    let name = file
                        .file_name()
                        .and_then(|n| n.to_str())
                        .unwrap_or("LICENSE");
                    self.bytes += text.len();
                    self.list.push(json!({ "file": name, "text": text }));
                    self.index.insert(text, self.list.len() - 1);
                    self.list.len() - 1
                }
            };
            if !ids.contains(&id) {
                ids.push(id);
            }
        }
        ids
    }
}

/// The file's text with line endings made uniform, or `None` if it is too large,
/// empty or not UTF-8.
fn read_text(file: &Path) -> Option<String> {
    if fs::metadata(file).ok()?.len() > MAX_TEXT_BYTES {
        return None;
    }
    let text = String::from_utf8(fs::read(file).ok()?).ok()?;
    let text = text.replace("\r\n", "\n").trim().to_owned();
    (!text.is_empty()).then_some(text)
}
