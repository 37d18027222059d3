//! The portal directory over HTTP: the real public endpoint lists (from the
//! shared folder, when present) served by a loopback server, downloaded with the
//! app's capped client, indexed, searched, and still there after a restart.

use std::io::{Read, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use ownchart_core::directory::{download_source, Directory, DirectoryQuery, PortalKind};
use ownchart_fhir::{HttpClient, HttpLimits};

fn shared_directory() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/directory");
    if dir.is_dir() {
        Some(dir)
    } else {
        eprintln!("directory: skipped (no ../shared/directory)");
        None
    }
}

/// Serves every file under `root` at `/<relative path>`, one request per
/// connection, until the test ends.
fn serve(root: PathBuf) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut buf = [0u8; 4096];
            let n = stream.read(&mut buf).unwrap_or(0);
            let request = String::from_utf8_lossy(&buf[..n]);
            let path = request.split_whitespace().nth(1).unwrap_or("/").to_owned();
            let file = root.join(path.trim_start_matches('/'));
            let response = match std::fs::read(&file) {
                Ok(body) => {
                    let mut r = format!(
                        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                        body.len()
                    )
                    .into_bytes();
                    r.extend(body);
                    r
                }
                Err(_) => {
                    b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                        .to_vec()
                }
            };
            let _ = stream.write_all(&response);
        }
    });
    port
}

#[test]
fn public_endpoint_lists_download_index_and_search_over_http() {
    let Some(shared) = shared_directory() else {
        return;
    };
    let port = serve(shared);
    let cache = tempfile::tempdir().unwrap();
    let directory = Mutex::new(Directory::open(cache.path()).unwrap());
    let http = HttpClient::new(HttpLimits::default()).unwrap();
    let rt = tokio::runtime::Runtime::new().unwrap();
    let mut total = 0;
    for file in [
        "mere-medical/epic-R4.json",
        "mere-medical/cerner-R4.json",
        "mere-medical/healow-R4.json",
        "mere-medical/veradigm-DSTU2.json",
        "oracle-health/millennium_patient_r4_endpoints.json",
        "oracle-health/soarian_patient_r4_endpoints.json",
    ] {
        let url = format!("http://127.0.0.1:{port}/{file}");
        let view = rt
            .block_on(download_source(&http, &directory, &url))
            .unwrap_or_else(|e| panic!("{file}: {e}"));
        assert!(view.entry_count > 0, "{file}");
        total += view.entry_count;
    }
    let missing = rt.block_on(download_source(
        &http,
        &directory,
        &format!("http://127.0.0.1:{port}/no-such-list.json"),
    ));
    assert!(missing.is_err());

    let d = directory.lock().unwrap();
    let all = d.search(&DirectoryQuery {
        text: String::new(),
        kind: None,
        limit: 10,
    });
    assert!(
        all.total_matches >= total,
        "{} < {total}",
        all.total_matches
    );
    let epic = d.search(&DirectoryQuery {
        text: "Access Community Health".into(),
        kind: Some(PortalKind::Clinical),
        limit: 10,
    });
    assert!(
        epic.entries
            .iter()
            .any(|e| e.vendor.as_deref() == Some("Epic")),
        "{epic:?}"
    );
    // An entry with an address is found by its city and by its zip's first digits.
    let everything = d.search(&DirectoryQuery {
        text: "medical".into(),
        kind: None,
        limit: 200,
    });
    let (id, city, zip) = everything
        .entries
        .iter()
        .find_map(|e| {
            let a = e
                .addresses
                .iter()
                .find(|a| a.city.is_some() && a.postal_code.is_some())?;
            Some((e.id.clone(), a.city.clone()?, a.postal_code.clone()?))
        })
        .expect("some entry has a city and a zip");
    for text in [city.clone(), format!("{} {}", &zip[..3], city)] {
        let found = d.search(&DirectoryQuery {
            text: text.clone(),
            kind: None,
            limit: 200,
        });
        assert!(
            found.entries.iter().any(|e| e.id == id),
            "{text} did not find {id}"
        );
    }
    drop(d);

    // A restart finds the sources again without downloading.
    let reopened = Directory::open(cache.path()).unwrap();
    assert_eq!(reopened.sources().len(), 6);
}

#[test]
fn a_directory_source_over_plain_http_elsewhere_is_refused() {
    let cache = tempfile::tempdir().unwrap();
    let directory = Mutex::new(Directory::open(cache.path()).unwrap());
    let http = HttpClient::new(HttpLimits::default()).unwrap();
    let rt = tokio::runtime::Runtime::new().unwrap();
    let err = rt
        .block_on(download_source(
            &http,
            &directory,
            "http://directory.example/list.json",
        ))
        .err()
        .unwrap();
    assert_eq!(err.code(), "insecure_url");
}
