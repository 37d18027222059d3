//! Nothing readable on disk: after importing a record that carries a canary
//! string, no file in the data folder holds the canary (or the vault key), and the
//! vault does not look like an SQLite file to stock tools.

use ownchart_synth::Generator;

use crate::util::*;

#[test]
fn no_plaintext_record_or_key_in_any_file_of_the_data_folder() {
    if !keyring_or_skip("no_plaintext_record_or_key") {
        return;
    }
    let sb = Sandbox::new();
    assert!(sb.json(&["init"]).0);
    let canary = "CANARY-7f3e9a1c-Zoë-Ñúñez";
    let bundle = Generator::new(5).with_canary(canary).bundle(300);
    assert!(
        bundle.windows(canary.len()).any(|w| w == canary.as_bytes()),
        "the generator did not plant the canary"
    );
    let file = sb.file("canary.json", &bundle);
    let (ok, v) = sb.json(&["import", file.to_str().unwrap()]);
    assert!(ok, "{v}");

    // The key, as the keyring holds it, in hex and raw form.
    let dir = ownchart_vault::DataDir::new(sb.data_dir());
    let keyring =
        ownchart_vault::KeyringStore::new(ownchart_core::session::default_keyring_service());
    let key = keyring
        .get(&format!("vault-key:{}", dir.namespace()))
        .unwrap()
        .expect("the vault key is in the keyring");
    let key_hex = hex::encode(key.as_bytes());

    let files = sb.snapshot();
    assert!(files.iter().any(|(p, _)| p.ends_with("vault.db")));
    for (path, bytes) in &files {
        let find = |needle: &[u8]| bytes.windows(needle.len()).any(|w| w == needle);
        assert!(
            !find(canary.as_bytes()),
            "canary found in {}",
            path.display()
        );
        assert!(
            !find(key_hex.as_bytes()),
            "key hex found in {}",
            path.display()
        );
        assert!(!find(key.as_bytes()), "raw key found in {}", path.display());
        assert!(
            !bytes.starts_with(b"SQLite format 3"),
            "{} is plain SQLite",
            path.display()
        );
    }
}
