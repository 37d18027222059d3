-- The integrator account (seeds 002, 003): at most one, its device API access
-- token and optional mutual-TLS client certificate kept here, inside the
-- encrypted vault, like every token.
CREATE TABLE integrator_account (
    id               INTEGER PRIMARY KEY CHECK (id = 1),
    directory_url    TEXT NOT NULL,
    integrator_url   TEXT NOT NULL,
    redirector_url   TEXT NOT NULL,
    device_token     TEXT NOT NULL,
    cert_kind        TEXT,               -- NULL | 'pem' | 'pkcs12'
    cert_data        BLOB,               -- PEM certificate chain, or the PKCS#12 archive
    cert_key         BLOB,               -- PEM private key ('pem' only)
    cert_password    TEXT,               -- PKCS#12 password ('pkcs12' only)
    updated_at       TEXT NOT NULL
);

-- Connections made through the integrator (connections.method = 'integrator'):
-- the partner endpoint, and what its directory entry said (public data), so a
-- reconnect needs no new directory search.
CREATE TABLE integrator_connections (
    connection_id     TEXT PRIMARY KEY REFERENCES connections (id) ON DELETE CASCADE,
    endpoint_id       TEXT NOT NULL,
    data_type         TEXT NOT NULL,     -- 'clinical' | 'payer'
    redirect_uri      TEXT NOT NULL,
    derived_auth_uri  TEXT NOT NULL,
    patient_id_given  INTEGER NOT NULL   -- 1 when the integrator named the patient (patId)
);
