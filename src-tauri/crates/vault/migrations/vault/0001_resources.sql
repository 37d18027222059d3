-- Every resource as received (zstd-compressed JSON, byte-exact after
-- decompression) with the fields the app indexes. One row per
-- (source, type, id); earlier contents move to resource_versions. The
-- read-side indexes are created by the vault on open (see vault.rs).
CREATE TABLE resources (
    pk            INTEGER PRIMARY KEY,
    source        TEXT NOT NULL,      -- 'import' or 'connection:<id>'
    origin        TEXT NOT NULL,      -- the file name or the server URL it came from
    resource_type TEXT NOT NULL,
    resource_id   TEXT NOT NULL,
    version_id    TEXT,
    last_updated  TEXT,
    category      TEXT NOT NULL,
    clinical_date TEXT,
    code          TEXT,
    display       TEXT,
    fhir_version  TEXT NOT NULL,
    sha256        BLOB NOT NULL,
    raw_len       INTEGER NOT NULL,
    fetched_at    TEXT NOT NULL,
    UNIQUE (source, resource_type, resource_id)
);

-- The bodies apart from the indexed fields: scans, index builds and timeline
-- queries then read (and decrypt) small rows only.
CREATE TABLE resource_bodies (
    resource_pk INTEGER PRIMARY KEY REFERENCES resources (pk) ON DELETE CASCADE,
    raw_zstd    BLOB NOT NULL
);



CREATE TABLE resource_versions (
    pk            INTEGER PRIMARY KEY,
    resource_pk   INTEGER NOT NULL REFERENCES resources (pk) ON DELETE CASCADE,
    origin        TEXT NOT NULL,
    version_id    TEXT,
    last_updated  TEXT,
    fhir_version  TEXT NOT NULL,
    sha256        BLOB NOT NULL,
    raw_len       INTEGER NOT NULL,
    raw_zstd      BLOB NOT NULL,
    fetched_at    TEXT NOT NULL,
    superseded_at TEXT NOT NULL
);
CREATE INDEX resource_versions_resource ON resource_versions (resource_pk);

CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
