//! The timeline, the category views and the source filter: a `RecordQuery`
//! becomes the vault's filter and keyset position; rows become `RecordItem`s
//! with their category and source labels.

use std::collections::HashMap;

use ownchart_fhir::display::{cells, columns};
use ownchart_fhir::Category;
use ownchart_vault::{Position, RecordFilter, RecordRow, Vault};
use serde_json::Value;

use super::refs::Resolver;
use super::types::{
    CategoryRow, CategoryTable, Column, Flag, RecordItem, RecordQuery, SourceView, TimelinePage,
};
use super::RecordsError;
use crate::Result;

/// The largest page the core returns, whatever is asked.
pub const MAX_PAGE: u32 = 500;
/// The page size when none is given.
const DEFAULT_PAGE: u32 = 100;

/// Names of sources: portal names from the connections, "Imported file".
pub struct Labels {
    portals: HashMap<String, String>,
}

impl Labels {
    pub fn load(vault: &Vault) -> Result<Labels> {
        let portals = vault
            .connections()?
            .into_iter()
            .map(|c| (crate::store::connection_source(&c.id), c.portal_name))
            .collect();
        Ok(Labels { portals })
    }

    pub fn source(&self, source: &str) -> String {
        if source == "import" {
            return "Imported file".to_owned();
        }
        match self.portals.get(source) {
            Some(name) => name.clone(),
            None => "A portal no longer connected".to_owned(),
        }
    }

    pub fn item(&self, row: &RecordRow) -> RecordItem {
        let category = Category::from_key(&row.category).unwrap_or(Category::Other);
        RecordItem {
            key: row.pk.to_string(),
            resource_type: row.resource_type.clone(),
            resource_id: row.resource_id.clone(),
            category: row.category.clone(),
            category_label: category.label().to_owned(),
            date: row.clinical_date.clone(),
            summary: row
                .summary
                .clone()
                .or_else(|| row.display.clone())
                .unwrap_or_else(|| row.resource_type.clone()),
            flag: row.flag.as_deref().and_then(Flag::from_key),
            status: row.status.clone(),
            source: row.source.clone(),
            source_label: self.source(&row.source),
        }
    }
}

/// A record key (the row's `pk` as decimal) back to the row number.
pub fn parse_key(key: &str) -> std::result::Result<i64, RecordsError> {
    key.trim()
        .parse::<i64>()
        .map_err(|_| RecordsError::NotFound)
}

/// The opaque cursor of a page's last row: `<pk>` or `<pk>:<clinical date>`.
pub fn cursor_of(p: &Position) -> String {
    match &p.date {
        Some(d) => format!("{}:{d}", p.pk),
        None => p.pk.to_string(),
    }
}

pub fn parse_cursor(c: &str) -> std::result::Result<Position, RecordsError> {
    let (pk, date) = match c.split_once(':') {
        Some((pk, d)) => (pk, Some(d.to_owned())),
        None => (c, None),
    };
    let pk = pk.parse::<i64>().map_err(|_| RecordsError::BadCursor)?;
    Ok(Position { date, pk })
}

/// The vault filter of a query (dates checked as `YYYY-MM-DD` prefixes).
pub fn filter_of(q: &RecordQuery) -> RecordFilter {
    let day = |d: &Option<String>| {
        d.as_deref()
            .map(str::trim)
            .filter(|d| !d.is_empty())
            .map(str::to_owned)
    };
    RecordFilter {
        categories: q.categories.clone(),
        sources: q.sources.clone(),
        from: day(&q.from),
        to: day(&q.to),
        words: q
            .text
            .as_deref()
            .map(|t| t.split_whitespace().map(str::to_owned).collect())
            .unwrap_or_default(),
    }
}

fn page_size(q: &RecordQuery) -> usize {
    match q.limit {
        0 => DEFAULT_PAGE as usize,
        n => n.min(MAX_PAGE) as usize,
    }
}

/// One page of rows plus the cursor of the next, and the total.
fn page(
    vault: &Vault,
    q: &RecordQuery,
    f: &RecordFilter,
) -> Result<(Vec<RecordRow>, Option<String>, u64)> {
    let limit = page_size(q);
    let after = match q.cursor.as_deref().filter(|c| !c.is_empty()) {
        Some(c) => Some(parse_cursor(c)?),
        None => None,
    };
    // One more than asked tells whether another page follows.
    let mut rows = vault.records_page(f, after.as_ref(), limit + 1)?;
    let next = if rows.len() > limit {
        rows.truncate(limit);
        rows.last().map(|r| cursor_of(&r.position()))
    } else {
        None
    };
    let total = vault.records_count(f)?;
    Ok((rows, next, total))
}

pub fn timeline(vault: &Vault, q: &RecordQuery) -> Result<TimelinePage> {
    let (rows, next_cursor, total) = page(vault, q, &filter_of(q))?;
    let labels = Labels::load(vault)?;
    Ok(TimelinePage {
        items: rows.iter().map(|r| labels.item(r)).collect(),
        next_cursor,
        total,
    })
}

pub fn category_table(vault: &Vault, category: &str, q: &RecordQuery) -> Result<CategoryTable> {
    let cat = Category::from_key(category).ok_or(RecordsError::UnknownCategory)?;
    let mut f = filter_of(q);
    f.categories = vec![cat.key().to_owned()];
    let (rows, next_cursor, total) = page(vault, q, &f)?;
    let pks: Vec<i64> = rows.iter().map(|r| r.pk).collect();
    let raws = vault.record_raws(&pks)?;
    let mut resolver = Resolver::new(vault);
    let mut out = Vec::with_capacity(rows.len());
    for row in &rows {
        let value: Value = raws
            .get(&row.pk)
            .and_then(|raw| serde_json::from_slice(raw).ok())
            .unwrap_or(Value::Null);
        let cells = cells(cat, &value, row.clinical_date.as_deref())
            .into_iter()
            .map(|c| match (c.text, c.reference) {
                // A reference without a display: the referenced record's name.
                (text, Some(reference)) => resolver
                    .resolve(&row.source, &reference)
                    .and_then(|pk| resolver.label(pk))
                    .or(text),
                (text, None) => text,
            })
            .collect();
        out.push(CategoryRow {
            key: row.pk.to_string(),
            cells,
            flag: row.flag.as_deref().and_then(Flag::from_key),
        });
    }
    Ok(CategoryTable {
        category: cat.key().to_owned(),
        label: cat.label().to_owned(),
        columns: columns(cat)
            .iter()
            .map(|c| Column {
                key: c.key.to_owned(),
                label: c.label.to_owned(),
                kind: c.kind.into(),
            })
            .collect(),
        rows: out,
        next_cursor,
        total,
    })
}

pub fn sources(vault: &Vault) -> Result<Vec<SourceView>> {
    let labels = Labels::load(vault)?;
    Ok(vault
        .record_sources()?
        .into_iter()
        .map(|(source, count)| SourceView {
            label: labels.source(&source),
            source,
            count,
        })
        .collect())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn cursors_round_trip_with_and_without_dates() {
        for p in [
            Position { date: None, pk: 12 },
            Position {
                date: Some("2020-01-01T10:00:00+02:00".into()),
                pk: 3,
            },
        ] {
            assert_eq!(parse_cursor(&cursor_of(&p)).unwrap(), p);
        }
        assert!(matches!(
            parse_cursor("x:2020"),
            Err(RecordsError::BadCursor)
        ));
        assert!(matches!(parse_key("abc"), Err(RecordsError::NotFound)));
        assert_eq!(parse_key(" 42 ").unwrap(), 42);
    }

    #[test]
    fn page_sizes_are_capped() {
        let q = |limit| RecordQuery {
            limit,
            ..RecordQuery::default()
        };
        assert_eq!(page_size(&q(0)), 100);
        assert_eq!(page_size(&q(10_000)), 500);
        assert_eq!(page_size(&q(7)), 7);
        let f = filter_of(&RecordQuery {
            text: Some("  hemo  a1c ".into()),
            from: Some(" ".into()),
            ..RecordQuery::default()
        });
        assert_eq!(f.words, vec!["hemo", "a1c"]);
        assert_eq!(f.from, None);
    }
}
