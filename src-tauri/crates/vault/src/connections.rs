//! Portal connections and their tokens, stored in the vault. Tokens are held in
//! `Zeroizing` strings and never appear in `Debug` output; replacing them is a
//! compare-and-swap on a generation counter, so two refreshes racing can never
//! both store (and later reuse) a rotated refresh token.

use std::fmt;

use rusqlite::{params, OptionalExtension, Row};
use zeroize::Zeroizing;

use crate::error::Result;
use crate::ledger::now_utc;
use crate::vault::Vault;

/// A connection's description: everything but its secrets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConnectionRecord {
    pub id: String,
    /// `smart_login` or `api_credentials`.
    pub method: String,
    pub portal_name: String,
    pub directory_id: Option<String>,
    pub fhir_base: String,
    pub fhir_version: Option<String>,
    pub issuer: Option<String>,
    pub token_endpoint: String,
    pub revocation_endpoint: Option<String>,
    pub client_id: String,
    pub patient_id: Option<String>,
    pub patient_name: Option<String>,
    pub granted_scopes: String,
    /// `connected`, `reconnect_needed` or `error`.
    pub status: String,
    pub status_reason: Option<String>,
    pub connected_at: String,
    pub updated_at: String,
}

/// A connection's secrets.
#[derive(Clone)]
pub struct TokenRecord {
    pub access_token: Zeroizing<String>,
    pub access_expires_at: Option<String>,
    pub refresh_token: Option<Zeroizing<String>>,
    pub client_secret: Option<Zeroizing<String>>,
    pub generation: i64,
}

impl fmt::Debug for TokenRecord {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenRecord")
            .field("access_token", &"[redacted]")
            .field("access_expires_at", &self.access_expires_at)
            .field(
                "refresh_token",
                &self.refresh_token.as_ref().map(|_| "[redacted]"),
            )
            .field(
                "client_secret",
                &self.client_secret.as_ref().map(|_| "[redacted]"),
            )
            .field("generation", &self.generation)
            .finish()
    }
}

const COLUMNS: &str = "id, method, portal_name, directory_id, fhir_base, fhir_version, issuer,
    token_endpoint, revocation_endpoint, client_id, patient_id, patient_name, granted_scopes,
    status, status_reason, connected_at, updated_at";

fn record(r: &Row<'_>) -> rusqlite::Result<ConnectionRecord> {
    Ok(ConnectionRecord {
        id: r.get(0)?,
        method: r.get(1)?,
        portal_name: r.get(2)?,
        directory_id: r.get(3)?,
        fhir_base: r.get(4)?,
        fhir_version: r.get(5)?,
        issuer: r.get(6)?,
        token_endpoint: r.get(7)?,
        revocation_endpoint: r.get(8)?,
        client_id: r.get(9)?,
        patient_id: r.get(10)?,
        patient_name: r.get(11)?,
        granted_scopes: r.get(12)?,
        status: r.get(13)?,
        status_reason: r.get(14)?,
        connected_at: r.get(15)?,
        updated_at: r.get(16)?,
    })
}

impl Vault {
    /// Stores a new connection, or replaces the description and tokens of an
    /// existing one (a reconnect), in one transaction: there is never a
    /// connection row without its tokens.
    pub fn save_connection(&mut self, c: &ConnectionRecord, tokens: &TokenRecord) -> Result<()> {
        let tx = self.conn().transaction()?;
        tx.execute(
            &format!(
                "INSERT INTO connections ({COLUMNS}) VALUES
                 (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17)
                 ON CONFLICT (id) DO UPDATE SET method = excluded.method,
                   portal_name = excluded.portal_name, directory_id = excluded.directory_id,
                   fhir_base = excluded.fhir_base, fhir_version = excluded.fhir_version,
                   issuer = excluded.issuer, token_endpoint = excluded.token_endpoint,
                   revocation_endpoint = excluded.revocation_endpoint,
                   client_id = excluded.client_id, patient_id = excluded.patient_id,
                   patient_name = excluded.patient_name, granted_scopes = excluded.granted_scopes,
                   status = excluded.status, status_reason = excluded.status_reason,
                   updated_at = excluded.updated_at"
            ),
            params![
                c.id,
                c.method,
                c.portal_name,
                c.directory_id,
                c.fhir_base,
                c.fhir_version,
                c.issuer,
                c.token_endpoint,
                c.revocation_endpoint,
                c.client_id,
                c.patient_id,
                c.patient_name,
                c.granted_scopes,
                c.status,
                c.status_reason,
                c.connected_at,
                c.updated_at,
            ],
        )?;
        tx.execute(
            "INSERT OR REPLACE INTO connection_tokens (connection_id, access_token,
               access_expires_at, refresh_token, client_secret, generation, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5,
               COALESCE((SELECT generation + 1 FROM connection_tokens WHERE connection_id = ?1), 0), ?6)",
            params![
                c.id,
                tokens.access_token.as_str(),
                tokens.access_expires_at,
                tokens.refresh_token.as_ref().map(|t| t.as_str()),
                tokens.client_secret.as_ref().map(|t| t.as_str()),
                now_utc(),
            ],
        )?;
        tx.commit()?;
        Ok(())
    }

    pub fn connections(&self) -> Result<Vec<ConnectionRecord>> {
        let mut stmt = self.conn_ref().prepare(&format!(
            "SELECT {COLUMNS} FROM connections ORDER BY connected_at, id"
        ))?;
        let rows = stmt.query_map([], record)?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    pub fn connection(&self, id: &str) -> Result<Option<ConnectionRecord>> {
        Ok(self
            .conn_ref()
            .query_row(
                &format!("SELECT {COLUMNS} FROM connections WHERE id = ?1"),
                [id],
                record,
            )
            .optional()?)
    }

    pub fn connection_tokens(&self, id: &str) -> Result<Option<TokenRecord>> {
        Ok(self
            .conn_ref()
            .query_row(
                "SELECT access_token, access_expires_at, refresh_token, client_secret, generation
                 FROM connection_tokens WHERE connection_id = ?1",
                [id],
                |r| {
                    Ok(TokenRecord {
                        access_token: Zeroizing::new(r.get(0)?),
                        access_expires_at: r.get(1)?,
                        refresh_token: r.get::<_, Option<String>>(2)?.map(Zeroizing::new),
                        client_secret: r.get::<_, Option<String>>(3)?.map(Zeroizing::new),
                        generation: r.get(4)?,
                    })
                },
            )
            .optional()?)
    }

    /// Replaces the tokens only if nobody replaced them since `expected_generation`
    /// was read; returns whether this call won. The loser must re-read.
    pub fn replace_tokens(
        &mut self,
        id: &str,
        expected_generation: i64,
        tokens: &TokenRecord,
    ) -> Result<bool> {
        let tx = self.conn().transaction()?;
        let changed = tx.execute(
            "UPDATE connection_tokens SET access_token = ?3, access_expires_at = ?4,
               refresh_token = ?5, client_secret = COALESCE(?6, client_secret),
               generation = generation + 1, updated_at = ?7
             WHERE connection_id = ?1 AND generation = ?2",
            params![
                id,
                expected_generation,
                tokens.access_token.as_str(),
                tokens.access_expires_at,
                tokens.refresh_token.as_ref().map(|t| t.as_str()),
                tokens.client_secret.as_ref().map(|t| t.as_str()),
                now_utc(),
            ],
        )?;
        if changed == 1 {
            tx.execute(
                "UPDATE connections SET status = 'connected', status_reason = NULL, updated_at = ?2
                 WHERE id = ?1",
                params![id, now_utc()],
            )?;
        }
        tx.commit()?;
        Ok(changed == 1)
    }

    pub fn set_connection_status(
        &mut self,
        id: &str,
        status: &str,
        reason: Option<&str>,
    ) -> Result<()> {
        self.conn_ref().execute(
            "UPDATE connections SET status = ?2, status_reason = ?3, updated_at = ?4 WHERE id = ?1",
            params![id, status, reason, now_utc()],
        )?;
        Ok(())
    }

    /// Forgets a connection and its tokens (the records it brought stay). With
    /// `secure_delete` on, the token bytes are overwritten, not just unlinked.
    pub fn delete_connection(&mut self, id: &str) -> Result<bool> {
        let tx = self.conn().transaction()?;
        tx.execute(
            "DELETE FROM connection_tokens WHERE connection_id = ?1",
            [id],
        )?;
        let n = tx.execute("DELETE FROM connections WHERE id = ?1", [id])?;
        tx.commit()?;
        Ok(n == 1)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;
    use crate::keys::Key;

    fn conn_record(id: &str) -> ConnectionRecord {
        ConnectionRecord {
            id: id.to_owned(),
            method: "smart_login".into(),
            portal_name: "Demo".into(),
            directory_id: None,
            fhir_base: "http://127.0.0.1:1/fhir/r4".into(),
            fhir_version: Some("R4".into()),
            issuer: None,
            token_endpoint: "http://127.0.0.1:1/token".into(),
            revocation_endpoint: None,
            client_id: "ownchart".into(),
            patient_id: Some("p1".into()),
            patient_name: None,
            granted_scopes: "patient/*.rs".into(),
            status: "connected".into(),
            status_reason: None,
            connected_at: "2026-01-01T00:00:00Z".into(),
            updated_at: "2026-01-01T00:00:00Z".into(),
        }
    }

    fn tokens(access: &str, refresh: &str) -> TokenRecord {
        TokenRecord {
            access_token: Zeroizing::new(access.into()),
            access_expires_at: None,
            refresh_token: Some(Zeroizing::new(refresh.into())),
            client_secret: None,
            generation: 0,
        }
    }

    #[test]
    fn tokens_are_swapped_only_by_the_first_of_two_racing_writers() {
        let dir = tempfile::tempdir().unwrap();
        let key = Key::random().unwrap();
        let mut v = Vault::create(&dir.path().join("v.db"), &key).unwrap();
        v.save_connection(&conn_record("c1"), &tokens("a0", "r0"))
            .unwrap();
        let read = v.connection_tokens("c1").unwrap().unwrap();
        assert!(v
            .replace_tokens("c1", read.generation, &tokens("a1", "r1"))
            .unwrap());
        // The second writer read the same generation: it loses and stores nothing.
        assert!(!v
            .replace_tokens("c1", read.generation, &tokens("a2", "r2"))
            .unwrap());
        let now = v.connection_tokens("c1").unwrap().unwrap();
        assert_eq!(now.access_token.as_str(), "a1");
        assert_eq!(now.refresh_token.as_ref().unwrap().as_str(), "r1");
        assert!(!format!("{now:?}").contains("a1"));
    }

    #[test]
    fn a_connection_and_its_tokens_survive_reopening_and_go_together() {
        let dir = tempfile::tempdir().unwrap();
        let key = Key::random().unwrap();
        let path = dir.path().join("v.db");
        {
            let mut v = Vault::create(&path, &key).unwrap();
            v.save_connection(&conn_record("c1"), &tokens("a0", "r0"))
                .unwrap();
            v.set_connection_status("c1", "reconnect_needed", Some("expired"))
                .unwrap();
        }
        let mut v = Vault::open(&path, &key).unwrap();
        let c = v.connection("c1").unwrap().unwrap();
        assert_eq!(c.status, "reconnect_needed");
        assert_eq!(v.connections().unwrap().len(), 1);
        assert!(v.delete_connection("c1").unwrap());
        assert!(v.connection_tokens("c1").unwrap().is_none());
        assert!(v.connection("c1").unwrap().is_none());
    }
}
