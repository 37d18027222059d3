//! Choosing resources by what a patient can name: record keys (the row's primary
//! key), categories and a range of clinical dates. Only the indexed columns are
//! read here; bodies are fetched one at a time afterwards, so a selection over a
//! large vault decrypts only the rows it keeps.

use rusqlite::{params, OptionalExtension};

use crate::codec::JsonCodec;
use crate::error::Result;
use crate::vault::Vault;

/// Which resources to select. `None` means "no restriction" for each filter.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ResourceQuery {
    /// Only these rows (primary keys).
    pub keys: Option<Vec<i64>>,
    /// Only these category keys.
    pub categories: Option<Vec<String>>,
    /// Clinical date on or after this day (`YYYY-MM-DD`); undated rows are left out.
    pub from: Option<String>,
    /// Clinical date on or before this day (`YYYY-MM-DD`); undated rows are left out.
    pub to: Option<String>,
    /// Resource types selected whatever the filters say (e.g. `Patient`).
    pub always_types: Vec<String>,
}

/// A selected resource's indexed fields.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResourceHead {
    pub pk: i64,
    pub source: String,
    pub resource_type: String,
    pub resource_id: String,
    pub category: String,
    pub clinical_date: Option<String>,
    pub display: Option<String>,
}

impl Vault {
    /// The current resources matching `query`, oldest row first. Dates compare on
    /// their first ten characters, so `2020-03-04T10:00:00Z` is on `2020-03-04`.
    pub fn select_resources(&self, query: &ResourceQuery) -> Result<Vec<ResourceHead>> {
        let keys = match &query.keys {
            Some(k) => Some(to_json(k)?),
            None => None,
        };
        let categories = match &query.categories {
            Some(c) => Some(to_json(c)?),
            None => None,
        };
        let always = to_json(&query.always_types)?;
        let mut stmt = self.conn_ref().prepare(
            "SELECT pk, source, resource_type, resource_id, category, clinical_date, display
             FROM resources
             WHERE resource_type IN (SELECT value FROM json_each(?5))
                OR ((?1 IS NULL OR pk IN (SELECT value FROM json_each(?1)))
                    AND (?2 IS NULL OR category IN (SELECT value FROM json_each(?2)))
                    AND (?3 IS NULL OR (clinical_date IS NOT NULL AND substr(clinical_date, 1, 10) >= ?3))
                    AND (?4 IS NULL OR (clinical_date IS NOT NULL AND substr(clinical_date, 1, 10) <= ?4)))
             ORDER BY pk",
        )?;
        let rows = stmt.query_map(
            params![keys, categories, query.from, query.to, always],
            |r| {
                Ok(ResourceHead {
                    pk: r.get(0)?,
                    source: r.get(1)?,
                    resource_type: r.get(2)?,
                    resource_id: r.get(3)?,
                    category: r.get(4)?,
                    clinical_date: r.get(5)?,
                    display: r.get(6)?,
                })
            },
        )?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    /// A resource's current bytes by its row key, exactly as received.
    pub fn resource_body(&self, pk: i64) -> Result<Option<Vec<u8>>> {
        let row = self
            .conn_ref()
            .prepare_cached(
                "SELECT r.raw_len, b.raw_zstd FROM resources r
                 JOIN resource_bodies b ON b.resource_pk = r.pk WHERE r.pk = ?1",
            )?
            .query_row(params![pk], |r| {
                Ok((r.get::<_, i64>(0)?, r.get::<_, Vec<u8>>(1)?))
            })
            .optional()?;
        match row {
            Some((len, packed)) => Ok(Some(
                JsonCodec::new()?.decode(&packed, len.max(0) as usize)?,
            )),
            None => Ok(None),
        }
    }
}

fn to_json<T: serde::Serialize>(v: &T) -> Result<String> {
    serde_json::to_string(v)
        .map_err(|e| crate::error::VaultError::Database(format!("selection: {e}")))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;
    use crate::keys::Key;
    use crate::vault::{BatchMeta, ResourceRow};

    fn row(
        codec: &mut JsonCodec,
        t: &str,
        id: &str,
        category: &'static str,
        date: Option<&str>,
    ) -> ResourceRow {
        let body = format!(r#"{{"resourceType":"{t}","id":"{id}"}}"#);
        let (sha256, raw_zstd) = codec.encode(body.as_bytes()).unwrap();
        ResourceRow {
            resource_type: t.into(),
            resource_id: id.into(),
            version_id: None,
            last_updated: None,
            category,
            clinical_date: date.map(str::to_owned),
            code: None,
            display: Some(format!("{t} {id}")),
            fhir_version: "R4",
            sha256,
            raw_len: body.len(),
            raw_zstd,
        }
    }

    fn vault() -> (tempfile::TempDir, Vault) {
        let tmp = tempfile::tempdir().unwrap();
        let mut v = Vault::create(&tmp.path().join("vault.db"), &Key::random().unwrap()).unwrap();
        let mut c = JsonCodec::new().unwrap();
        let rows = vec![
            row(&mut c, "Patient", "p", "patient", None),
            row(
                &mut c,
                "Condition",
                "c1",
                "condition",
                Some("2019-12-31T23:00:00Z"),
            ),
            row(&mut c, "Condition", "c2", "condition", Some("2020-06-01")),
            row(
                &mut c,
                "Observation",
                "o1",
                "labs",
                Some("2020-06-02T08:00:00+02:00"),
            ),
            row(&mut c, "Observation", "o2", "labs", None),
            row(&mut c, "Encounter", "e1", "other", Some("2021-01-01")),
        ];
        let meta = BatchMeta {
            source: "import",
            origin: "t.json",
            fetched_at: "2026-01-01T00:00:00Z",
        };
        v.write_batch(&meta, &rows).unwrap();
        (tmp, v)
    }

    fn ids(heads: &[ResourceHead]) -> Vec<&str> {
        heads.iter().map(|h| h.resource_id.as_str()).collect()
    }

    #[test]
    fn filters_by_category_date_and_key_and_always_keeps_the_patient() {
        let (_tmp, v) = vault();
        let all = v.select_resources(&ResourceQuery::default()).unwrap();
        assert_eq!(ids(&all), ["p", "c1", "c2", "o1", "o2", "e1"]);

        let always = vec!["Patient".to_owned()];
        let q = ResourceQuery {
            categories: Some(vec!["labs".into()]),
            always_types: always.clone(),
            ..Default::default()
        };
        assert_eq!(ids(&v.select_resources(&q).unwrap()), ["p", "o1", "o2"]);

        // A range leaves undated rows out and compares days, not instants.
        let q = ResourceQuery {
            from: Some("2020-01-01".into()),
            to: Some("2020-06-02".into()),
            always_types: always.clone(),
            ..Default::default()
        };
        assert_eq!(ids(&v.select_resources(&q).unwrap()), ["p", "c2", "o1"]);

        let q = ResourceQuery {
            to: Some("2019-12-31".into()),
            ..Default::default()
        };
        assert_eq!(ids(&v.select_resources(&q).unwrap()), ["c1"]);

        let pk = all[4].pk;
        let q = ResourceQuery {
            keys: Some(vec![pk]),
            always_types: always,
            ..Default::default()
        };
        let got = v.select_resources(&q).unwrap();
        assert_eq!(ids(&got), ["p", "o2"]);
        assert_eq!(got[1].display.as_deref(), Some("Observation o2"));

        let body = v.resource_body(pk).unwrap().unwrap();
        assert_eq!(body, br#"{"resourceType":"Observation","id":"o2"}"#);
        assert_eq!(v.resource_body(9999).unwrap(), None);
    }
}
