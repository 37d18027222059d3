-- The audit & disclosure log. Each entry's hash covers its fields and the
-- previous entry's hash, so an edit, a deletion or a reordering breaks the chain
-- at that entry. Descriptions hold counts and names, never clinical values.
CREATE TABLE entries (
    seq         INTEGER PRIMARY KEY,
    ts_utc      TEXT NOT NULL,
    event       TEXT NOT NULL,
    description TEXT NOT NULL,
    recipient   TEXT,
    purpose     TEXT,
    details     TEXT,
    prev_hash   TEXT NOT NULL,
    hash        TEXT NOT NULL
);
