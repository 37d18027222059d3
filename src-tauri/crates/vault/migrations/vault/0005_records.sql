-- What the record views read without opening a resource's body, written with
-- the resource in the same transaction (import, sync, every write_batch):
-- a one-line summary, the result flag and the clinical or resource status.
ALTER TABLE resources ADD COLUMN summary TEXT;
ALTER TABLE resources ADD COLUMN flag TEXT;
ALTER TABLE resources ADD COLUMN status TEXT;

-- Full-text search over the summary, the other names of a record's concepts
-- and their codes. Contentless: the words live only in the index, inside the
-- encrypted file, and a row is deleted by its rowid (= resources.pk).
-- `facets` holds one token for the category and one for the source, so a
-- search filtered by them is answered by the index alone.
CREATE VIRTUAL TABLE records_fts USING fts5(
    summary, names, codes, facets,
    content = '',
    contentless_delete = 1,
    tokenize = 'unicode61 remove_diacritics 2'
);

-- The numbers of lab and vital-sign results for the trend charts: one row per
-- value (a blood pressure panel has two), in the unit it was recorded in.
-- Its index (category, code, date) is created by the vault on open.
CREATE TABLE record_values (
    resource_pk INTEGER NOT NULL REFERENCES resources (pk) ON DELETE CASCADE,
    seq         INTEGER NOT NULL,
    category    TEXT NOT NULL,
    code        TEXT NOT NULL,     -- 'system|code' of what was measured
    label       TEXT NOT NULL,
    date        TEXT,
    value       REAL NOT NULL,
    unit        TEXT,              -- UCUM code of a known unit, else as written
    low         REAL,              -- normal range, in `unit`
    high        REAL,
    flag        TEXT,
    PRIMARY KEY (resource_pk, seq)
);

-- Rows stored before this migration get their summaries, search words and
-- chart values from the app (it reads each body) the first time it opens the
-- vault; this marks that work as due.
INSERT INTO settings (key, value)
SELECT 'records_backfill', 'pending' WHERE EXISTS (SELECT 1 FROM resources);
