-- Sync runs and where each of their queries stands. A page's resources and its
-- query's progress are committed in one transaction, so a killed process
-- resumes exactly after the last committed page.
CREATE TABLE sync_runs (
    id            TEXT PRIMARY KEY,
    connection_id TEXT NOT NULL,
    request       TEXT NOT NULL,     -- the filters, JSON
    incremental   INTEGER NOT NULL,
    status        TEXT NOT NULL,     -- 'running' | 'finished'
    started_at    TEXT NOT NULL,
    finished_at   TEXT,
    report        TEXT               -- the final report, JSON (counts and messages only)
);
CREATE INDEX sync_runs_connection ON sync_runs (connection_id, status);

CREATE TABLE sync_queries (
    run_id           TEXT NOT NULL REFERENCES sync_runs (id) ON DELETE CASCADE,
    query_key        TEXT NOT NULL,  -- a category key, or 'related'
    state            TEXT NOT NULL,
    next_url         TEXT,           -- the page to fetch next; NULL = the first page
    progress         TEXT NOT NULL,  -- counters, JSON
    errors           TEXT NOT NULL,  -- errorData items and notice counts, JSON
    max_last_updated TEXT,           -- the newest meta.lastUpdated this query has seen
    PRIMARY KEY (run_id, query_key)
);

-- Per connection and query: the server time from which the next sync asks only
-- for what changed (`_lastUpdated=ge...`). Written when a complete, unfiltered
-- query finishes.
CREATE TABLE sync_cursors (
    connection_id TEXT NOT NULL,
    query_key     TEXT NOT NULL,
    last_updated  TEXT NOT NULL,
    PRIMARY KEY (connection_id, query_key)
);

-- What a portal sent that was not merged into the record: another patient's
-- resource, the wrong type for the query, an unreadable entry. Kept (encrypted,
-- like everything) so it can be inspected and reported, never shown as the
-- patient's own.
CREATE TABLE quarantine (
    pk            INTEGER PRIMARY KEY,
    source        TEXT NOT NULL,
    run_id        TEXT,
    reason        TEXT NOT NULL,
    resource_type TEXT,
    resource_id   TEXT,
    sha256        BLOB NOT NULL,
    raw_len       INTEGER NOT NULL,
    raw_zstd      BLOB NOT NULL,
    received_at   TEXT NOT NULL,
    UNIQUE (source, sha256)
);

-- The original of a resource that was converted on the way in (a DSTU2
-- resource stored as R4), byte-exact, with what the conversion could not map.
CREATE TABLE resource_originals (
    resource_pk  INTEGER PRIMARY KEY REFERENCES resources (pk) ON DELETE CASCADE,
    fhir_version TEXT NOT NULL,
    sha256       BLOB NOT NULL,
    raw_len      INTEGER NOT NULL,
    raw_zstd     BLOB NOT NULL,
    notes        TEXT NOT NULL       -- JSON array of sentences
);
