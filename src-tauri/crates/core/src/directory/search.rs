//! The search index: for each entry its folded name and one "haystack" string of
//! every searchable word (name, aliases, city, state as code and name, postal
//! code), each preceded by a space, so "a query word is the start of some word"
//! is one substring test. Rows are kept in name order, so results come out
//! ranked by a single pass that drops each match into its rank's bucket.

use std::collections::HashMap;

use super::normalize::{digits, fold};
use super::states;
use super::types::{DirectoryEntry, DirectoryQuery, PortalKind};

pub const DEFAULT_LIMIT: u32 = 50;
pub const MAX_LIMIT: u32 = 200;
/// Longer queries are cut: no portal name needs more, and every word costs a
/// pass over the index.
const MAX_QUERY_CHARS: usize = 200;

/// Where an entry lives in the directory: shelf 0 is the built-in list, shelf
/// `n` the `n`-th source.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EntryRef {
    pub shelf: u32,
    pub pos: u32,
}

struct Row {
    at: EntryRef,
    /// The folded name with a leading space, so word starts are `" word"`.
    name: String,
    haystack: String,
    kind: PortalKind,
    demo: bool,
    builtin: bool,
}

#[derive(Default)]
pub struct SearchIndex {
    rows: Vec<Row>,
    by_id: HashMap<String, EntryRef>,
}

/// Ranks, best first: on an empty query the demo portal, then the other
/// built-in entries, then everything else; otherwise the exact name, a name
/// starting with the query, every word starting a word of the name, and
/// matches elsewhere (aliases, places). Alphabetical within a rank.
const RANKS: usize = 4;

impl SearchIndex {
    pub fn build<'a>(entries: impl Iterator<Item = (EntryRef, &'a DirectoryEntry)>) -> Self {
        let mut index = SearchIndex::default();
        for (at, e) in entries {
            index.by_id.insert(e.id.clone(), at);
            let name = format!(" {}", fold(&e.name));
            let haystack = haystack(e, &name);
            index.rows.push(Row {
                at,
                name,
                haystack,
                kind: e.kind,
                demo: e.demo,
                builtin: at.shelf == 0,
            });
        }
        index.rows.sort_by(|a, b| a.name.cmp(&b.name));
        index
    }

    pub fn find(&self, id: &str) -> Option<EntryRef> {
        self.by_id.get(id).copied()
    }

    /// The best `limit` matches in rank order, and the number of all matches.
    pub fn search(&self, query: &DirectoryQuery) -> (Vec<EntryRef>, u32) {
        let limit = match query.limit {
            0 => DEFAULT_LIMIT,
            n => n.min(MAX_LIMIT),
        } as usize;
        let text: String = query.text.chars().take(MAX_QUERY_CHARS).collect();
        let phrase = fold(&text);
        let needles: Vec<String> = phrase
            .split(' ')
            .filter(|w| !w.is_empty())
            .map(|w| format!(" {w}"))
            .collect();
        let spaced_phrase = format!(" {phrase}");
        let mut buckets: [Vec<EntryRef>; RANKS] = Default::default();
        let mut total: u32 = 0;
        for row in &self.rows {
            if query.kind.is_some_and(|k| k != row.kind)
                || !needles.iter().all(|n| row.haystack.contains(n.as_str()))
            {
                continue;
            }
            total += 1;
            let rank = if needles.is_empty() {
                match (row.demo, row.builtin) {
                    (true, _) => 0,
                    (false, true) => 1,
                    (false, false) => 3,
                }
            } else if row.name == spaced_phrase {
                0
            } else if row.name.starts_with(&spaced_phrase) {
                1
            } else if needles.iter().all(|n| row.name.contains(n.as_str())) {
                2
            } else {
                3
            };
            if buckets[rank].len() < limit {
                buckets[rank].push(row.at);
            }
        }
        let found = buckets.into_iter().flatten().take(limit).collect();
        (found, total)
    }
}

fn haystack(e: &DirectoryEntry, spaced_name: &str) -> String {
    let mut h = String::with_capacity(spaced_name.len() * 2 + 16);
    h.push_str(spaced_name);
    let mut add = |words: &str| {
        if !words.is_empty() {
            h.push(' ');
            h.push_str(words);
        }
    };
    e.aliases.iter().for_each(|a| add(&fold(a)));
    for a in &e.addresses {
        if let Some(city) = &a.city {
            add(&fold(city));
        }
        if let Some(state) = &a.state {
            let s = fold(state);
            match states::lookup(&s) {
                Some((code, name)) => {
                    add(code);
                    add(name);
                }
                None => add(&s),
            }
        }
        if let Some(zip) = &a.postal_code {
            // Both "53705-1234" → "53705 1234" word by word, and all digits
            // together, so "537", "53705" and "537051234" all match.
            add(&fold(zip));
            add(&digits(zip));
        }
    }
    h.push(' ');
    h
}
