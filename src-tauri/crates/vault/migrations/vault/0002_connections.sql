-- Portal connections and their tokens. Tokens live only here, inside the
-- encrypted vault, in their own table so erasing tokens never touches the
-- connection's description (and the records it brought stay where they are).
CREATE TABLE connections (
    id                     TEXT PRIMARY KEY,
    method                 TEXT NOT NULL,  -- 'smart_login' | 'api_credentials'
    portal_name            TEXT NOT NULL,
    directory_id           TEXT,
    fhir_base              TEXT NOT NULL,
    fhir_version           TEXT,
    issuer                 TEXT,
    token_endpoint         TEXT NOT NULL,
    revocation_endpoint    TEXT,
    client_id              TEXT NOT NULL,
    patient_id             TEXT,
    patient_name           TEXT,
    granted_scopes         TEXT NOT NULL,  -- space-separated, as the portal granted them
    status                 TEXT NOT NULL,  -- 'connected' | 'reconnect_needed' | 'error'
    status_reason          TEXT,
    connected_at           TEXT NOT NULL,
    updated_at             TEXT NOT NULL
);

CREATE TABLE connection_tokens (
    connection_id     TEXT PRIMARY KEY REFERENCES connections (id) ON DELETE CASCADE,
    access_token      TEXT NOT NULL,
    access_expires_at TEXT,               -- RFC 3339, UTC
    refresh_token     TEXT,
    client_secret     TEXT,               -- patient-generated API credentials only
    generation        INTEGER NOT NULL,   -- bumped by every replacement (refresh)
    updated_at        TEXT NOT NULL
);
