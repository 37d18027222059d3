//! Fetching a directory source the patient asked for, with the same capped,
//! https-only client the portals get, then indexing it. The directory's lock is
//! held only for the import, never during the download.

use std::sync::Mutex;

use ownchart_fhir::http::HttpClient;
use time::OffsetDateTime;
use url::Url;

use super::{DirectoryError, DirectorySourceView, MAX_SOURCE_BYTES};
use crate::connect::ConnectError;
use crate::{CoreError, Result};

pub async fn download_source(
    http: &HttpClient,
    directory: &Mutex<super::Directory>,
    url: &str,
) -> Result<DirectorySourceView> {
    let url = Url::parse(url.trim()).map_err(|_| DirectoryError::InsecureUrl)?;
    ownchart_fhir::http::check_url_allowed(&url).map_err(|_| DirectoryError::InsecureUrl)?;
    let response = http
        .get_bytes(&url, MAX_SOURCE_BYTES)
        .await
        .map_err(ConnectError::from)?;
    if !response.is_success() {
        return Err(CoreError::Connect(ConnectError::from(
            response.status_error(),
        )));
    }
    let mut directory = directory.lock().unwrap_or_else(|p| p.into_inner());
    Ok(directory.import_source(&url, &response.body, OffsetDateTime::now_utc())?)
}
