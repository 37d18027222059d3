//! Patient-generated API credentials (seed 004): a key and secret the patient
//! created in their portal, exchanged for an access token with the client
//! credentials grant. The patient is the one the token names, or the single
//! Patient the server returns. The secret is kept in the vault, so access can be
//! renewed without asking again, and is deleted on disconnect.

use ownchart_fhir::secret::Secret;
use ownchart_fhir::smart;

use super::access::with_vault;
use super::login::SavedConnection;
use super::target::{parse_base, PortalTarget};
use super::types::*;
use super::{random_id, ConnectError, Connector};
use crate::Result;

impl Connector {
    pub async fn connect_api_credentials(
        &self,
        input: ApiCredentialsInput,
    ) -> Result<ConnectionView> {
        let fhir_base = parse_base(&input.fhir_base)?;
        let key = input.key.trim().to_owned();
        let secret = Secret::new(input.secret.trim().to_owned());
        if key.is_empty() || secret.expose().is_empty() {
            return Err(
                ConnectError::Refused("both the key and the secret are needed".into()).into(),
            );
        }
        let server = smart::discover(&self.http, &fhir_base)
            .await
            .map_err(ConnectError::from)?;
        let tokens = smart::client_credentials(
            &self.http,
            &server.smart.token_endpoint,
            &key,
            &secret,
            None,
            server
                .smart
                .token_endpoint_auth_methods_supported
                .as_deref(),
        )
        .await
        .map_err(|e| ConnectError::Refused(e.to_string()))?;
        let (patient_id, patient) = match &tokens.patient {
            Some(id) => {
                let raw =
                    ownchart_fhir::read_patient(&self.http, &fhir_base, id, &tokens.access_token)
                        .await
                        .map_err(ConnectError::from)?;
                (id.clone(), raw)
            }
            None => {
                let raw =
                    ownchart_fhir::search_patient(&self.http, &fhir_base, &tokens.access_token)
                        .await
                        .map_err(ConnectError::from)?;
                (patient_id_of(&raw).ok_or(ConnectError::NoPatient)?, raw)
            }
        };
        let portal = PortalTarget {
            name: input
                .label
                .filter(|l| !l.trim().is_empty())
                .unwrap_or_else(|| fhir_base.host_str().unwrap_or("FHIR server").to_owned()),
            fhir_base,
            directory_id: None,
        };
        let saved = SavedConnection {
            id: random_id(8)?,
            method: ConnectMethod::ApiCredentials,
            portal: &portal,
            server: &server,
            client_id: &key,
            client_secret: Some(secret.expose()),
            patient_id,
            tokens: &tokens,
            requested_scopes: None,
        };
        with_vault(self.vault.as_ref(), |o| saved.store(o, &patient, "CONNECT"))
    }
}

fn patient_id_of(raw: &[u8]) -> Option<String> {
    let text = std::str::from_utf8(raw).ok()?;
    let value: &serde_json::value::RawValue = serde_json::from_str(text).ok()?;
    Some(ownchart_fhir::extract(value).ok()?.id?.into_owned())
}
