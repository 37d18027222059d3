//! SMART Health Links: the document encrypted as a compact JWE (`alg: dir`,
//! `enc: A256GCM`, `cty: application/fhir+json`; RFC 7516 §7.1) with a fresh
//! 32-byte key from the OS CSPRNG, and the `shlink:/` URI whose payload carries
//! that key, where the file will be hosted, the expiry, the flags and a label.
//!
//! With `dir` there is no wrapped key, so the compact form is five base64url
//! parts with an empty second one; AES-GCM is RustCrypto's. Compression (`zip`)
//! is not used: it is optional, and some JOSE libraries no longer read it.

use aes_gcm::aead::{AeadInPlace, KeyInit};
use aes_gcm::{Aes256Gcm, Nonce};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde::Serialize;
use zeroize::Zeroizing;

use super::error::ShareError;

/// Longest label the specification allows.
pub const MAX_LABEL: usize = 80;
/// Longest `url` the specification allows.
pub const MAX_URL: usize = 128;
/// Where the link points when the patient has not said where they will host
/// the file: `.invalid` never resolves (RFC 2606), and README.txt explains.
pub const PLACEHOLDER_BASE: &str = "https://host-this-file.invalid/";

/// The link's 256-bit key; wiped when dropped, never printed.
pub struct LinkKey(Zeroizing<[u8; 32]>);

impl LinkKey {
    pub fn random() -> Result<LinkKey, ShareError> {
        let mut k = Zeroizing::new([0u8; 32]);
        getrandom::fill(&mut k[..]).map_err(|_| ShareError::Randomness)?;
        Ok(LinkKey(k))
    }

    /// base64url, 43 characters, as the payload's `key`.
    pub fn encoded(&self) -> Zeroizing<String> {
        Zeroizing::new(URL_SAFE_NO_PAD.encode(&self.0[..]))
    }
}

impl std::fmt::Debug for LinkKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("[redacted]")
    }
}

/// `plaintext` as a compact JWE under `key`.
pub fn encrypt(plaintext: &[u8], key: &LinkKey) -> Result<String, ShareError> {
    let header = br#"{"alg":"dir","enc":"A256GCM","cty":"application/fhir+json"}"#;
    let header_b64 = URL_SAFE_NO_PAD.encode(header);
    let mut iv = [0u8; 12];
    getrandom::fill(&mut iv).map_err(|_| ShareError::Randomness)?;
    let cipher = Aes256Gcm::new_from_slice(&key.0[..]).map_err(|_| ShareError::Encrypt)?;
    let mut buffer = plaintext.to_vec();
    // The additional authenticated data is the encoded protected header (§5.1).
    let tag = cipher
        .encrypt_in_place_detached(Nonce::from_slice(&iv), header_b64.as_bytes(), &mut buffer)
        .map_err(|_| ShareError::Encrypt)?;
    Ok(format!(
        "{header_b64}..{}.{}.{}",
        URL_SAFE_NO_PAD.encode(iv),
        URL_SAFE_NO_PAD.encode(&buffer),
        URL_SAFE_NO_PAD.encode(tag)
    ))
}

/// The SHLink payload, in the specification's field names.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Payload {
    pub url: String,
    pub key: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub exp: Option<i64>,
    pub flag: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    pub v: u8,
}

/// The flags: `U` (the url is the single encrypted file, fetched by GET), or
/// `P` when a passcode is required — which needs a manifest service to check
/// it, so the two never go together.
pub fn flags(passcode: bool) -> &'static str {
    if passcode {
        "P"
    } else {
        "U"
    }
}

/// A label the specification accepts: trimmed, empty as none, at most 80 characters.
pub fn label(label: Option<&str>) -> Result<Option<String>, ShareError> {
    let Some(l) = label.map(str::trim).filter(|l| !l.is_empty()) else {
        return Ok(None);
    };
    let n = l.chars().count();
    if n > MAX_LABEL {
        return Err(ShareError::LabelTooLong(n));
    }
    Ok(Some(l.to_owned()))
}

/// The link's `exp`: `days` after `now` (seconds since the epoch).
pub fn expiry(now: i64, days: Option<u32>) -> Result<Option<i64>, ShareError> {
    match days {
        None => Ok(None),
        Some(d) if (1..=3650).contains(&d) => Ok(Some(now + i64::from(d) * 86_400)),
        Some(_) => Err(ShareError::InvalidExpiry),
    }
}

/// Where the link points. A `base_url` ending in `/` is the folder the file
/// will be uploaded to; any other is used as is. None: the placeholder.
pub fn link_url(base_url: Option<&str>, file_name: &str) -> Result<String, ShareError> {
    let url = match base_url.map(str::trim).filter(|u| !u.is_empty()) {
        None => format!("{PLACEHOLDER_BASE}{file_name}"),
        Some(base) => {
            let parsed =
                url::Url::parse(base).map_err(|_| ShareError::InvalidUrl(base.to_owned()))?;
            if parsed.scheme() != "https"
                || parsed.host_str().is_none()
                || parsed.fragment().is_some()
            {
                return Err(ShareError::InvalidUrl(base.to_owned()));
            }
            if base.ends_with('/') {
                format!("{base}{file_name}")
            } else {
                base.to_owned()
            }
        }
    };
    if url.chars().count() > MAX_URL {
        return Err(ShareError::InvalidUrl(format!(
            "{url} (longer than {MAX_URL} characters)"
        )));
    }
    Ok(url)
}

/// `shlink:/` followed by the base64url of the payload's JSON.
pub fn uri(payload: &Payload) -> Result<String, ShareError> {
    let json = serde_json::to_vec(payload).map_err(|_| ShareError::Encrypt)?;
    Ok(format!("shlink:/{}", URL_SAFE_NO_PAD.encode(json)))
}

/// A random name for the encrypted file: 256 bits, as the specification asks
/// of the locations it is served from, so the address cannot be guessed.
pub fn payload_file_name() -> Result<String, ShareError> {
    let mut id = [0u8; 32];
    getrandom::fill(&mut id).map_err(|_| ShareError::Randomness)?;
    Ok(format!("shl-{}.jwe", URL_SAFE_NO_PAD.encode(id)))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    fn decrypt(jwe: &str, key: &LinkKey) -> (serde_json::Value, Vec<u8>) {
        let parts: Vec<&str> = jwe.split('.').collect();
        assert_eq!(parts.len(), 5);
        assert_eq!(parts[1], "", "dir has no encrypted key");
        let header: serde_json::Value =
            serde_json::from_slice(&URL_SAFE_NO_PAD.decode(parts[0]).unwrap()).unwrap();
        let iv = URL_SAFE_NO_PAD.decode(parts[2]).unwrap();
        let mut ct = URL_SAFE_NO_PAD.decode(parts[3]).unwrap();
        let tag = URL_SAFE_NO_PAD.decode(parts[4]).unwrap();
        assert_eq!((iv.len(), tag.len()), (12, 16));
        Aes256Gcm::new_from_slice(&key.0[..])
            .unwrap()
            .decrypt_in_place_detached(
                Nonce::from_slice(&iv),
                parts[0].as_bytes(),
                &mut ct,
                aes_gcm::Tag::from_slice(&tag),
            )
            .unwrap();
        (header, ct)
    }

    #[test]
    fn the_jwe_is_compact_dir_a256gcm_and_decrypts_to_the_plaintext() {
        let key = LinkKey::random().unwrap();
        let plain = br#"{"resourceType":"Bundle","type":"document"}"#;
        let jwe = encrypt(plain, &key).unwrap();
        let (header, out) = decrypt(&jwe, &key);
        assert_eq!(header["alg"], "dir");
        assert_eq!(header["enc"], "A256GCM");
        assert_eq!(header["cty"], "application/fhir+json");
        assert_eq!(out, plain);
        // A fresh IV each time, and another key does not open it.
        assert_ne!(encrypt(plain, &key).unwrap(), jwe);
        let other = LinkKey::random().unwrap();
        let parts: Vec<&str> = jwe.split('.').collect();
        let mut ct = URL_SAFE_NO_PAD.decode(parts[3]).unwrap();
        let bad = Aes256Gcm::new_from_slice(&other.0[..])
            .unwrap()
            .decrypt_in_place_detached(
                Nonce::from_slice(&URL_SAFE_NO_PAD.decode(parts[2]).unwrap()),
                parts[0].as_bytes(),
                &mut ct,
                aes_gcm::Tag::from_slice(&URL_SAFE_NO_PAD.decode(parts[4]).unwrap()),
            );
        assert!(bad.is_err());
        assert_eq!(format!("{key:?}"), "[redacted]");
        assert_eq!(key.encoded().len(), 43);
    }

    #[test]
    fn the_payload_has_the_specified_shape() {
        let key = LinkKey::random().unwrap();
        let p = Payload {
            url: link_url(Some("https://files.example.org/share/"), "shl-abc.jwe").unwrap(),
            key: key.encoded().to_string(),
            exp: expiry(1_700_000_000, Some(30)).unwrap(),
            flag: flags(false).to_owned(),
            label: label(Some("  Summary for Dr. Lee  ")).unwrap(),
            v: 1,
        };
        let u = uri(&p).unwrap();
        let body = u.strip_prefix("shlink:/").unwrap();
        let v: serde_json::Value =
            serde_json::from_slice(&URL_SAFE_NO_PAD.decode(body).unwrap()).unwrap();
        assert_eq!(v["url"], "https://files.example.org/share/shl-abc.jwe");
        assert_eq!(v["key"].as_str().unwrap().len(), 43);
        assert_eq!(v["exp"], 1_700_000_000 + 30 * 86_400);
        assert_eq!(v["flag"], "U");
        assert_eq!(v["label"], "Summary for Dr. Lee");
        assert_eq!(v["v"], 1);
        // Absent fields are left out, not null.
        let bare = Payload {
            exp: None,
            label: None,
            ..p
        };
        let v: serde_json::Value = serde_json::from_slice(
            &URL_SAFE_NO_PAD
                .decode(uri(&bare).unwrap().strip_prefix("shlink:/").unwrap())
                .unwrap(),
        )
        .unwrap();
        assert!(v.get("exp").is_none() && v.get("label").is_none());
    }

    #[test]
    fn flags_labels_expiry_and_urls_are_checked() {
        assert_eq!(flags(true), "P");
        assert_eq!(label(Some("   ")).unwrap(), None);
        assert!(label(Some(&"é".repeat(80))).unwrap().is_some());
        assert_eq!(
            label(Some(&"é".repeat(81))).unwrap_err().code(),
            "share_label_too_long"
        );
        assert_eq!(expiry(0, None).unwrap(), None);
        assert_eq!(
            expiry(0, Some(0)).unwrap_err().code(),
            "share_invalid_expiry"
        );
        assert_eq!(
            expiry(0, Some(3651)).unwrap_err().code(),
            "share_invalid_expiry"
        );
        assert_eq!(
            link_url(None, "shl-x.jwe").unwrap(),
            "https://host-this-file.invalid/shl-x.jwe"
        );
        assert_eq!(
            link_url(Some("https://h.example/m/abc"), "shl-x.jwe").unwrap(),
            "https://h.example/m/abc"
        );
        for bad in [
            "http://h.example/",
            "file:///tmp/",
            "not a url",
            "https://h.example/#x",
        ] {
            assert_eq!(
                link_url(Some(bad), "f").unwrap_err().code(),
                "share_invalid_url",
                "{bad}"
            );
        }
        let long = format!("https://h.example/{}/", "a".repeat(120));
        assert_eq!(
            link_url(Some(&long), "f").unwrap_err().code(),
            "share_invalid_url"
        );
        let name = payload_file_name().unwrap();
        assert!(name.starts_with("shl-") && name.ends_with(".jwe") && name.len() == 51);
    }
}
