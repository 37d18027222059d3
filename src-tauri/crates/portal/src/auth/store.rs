//! Everything the authorization server remembers: sign-in sessions between the authorize
//! request and the consent, authorization codes, grants (one per consent or per API
//! credential use), access and refresh tokens, and API credentials. Secrets are stored
//! under their SHA-256 digest; expired entries are dropped as new ones arrive.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use super::credentials::CredentialRecord;
use super::scopes::Scopes;
use crate::error::Result;
use crate::flavor::Flavor;
use crate::secret::{digest, random_token, Secret};

/// An authorize request waiting for the person to sign in and consent.
#[derive(Debug)]
pub(crate) struct LoginSession {
    pub flavor: Flavor,
    pub client_id: String,
    pub redirect_uri: String,
    pub state: Secret,
    pub code_challenge: String,
    pub scopes: Scopes,
    pub expires: Instant,
    /// Set once the person signed in.
    pub user: Option<usize>,
    pub failures: u32,
}

/// An issued authorization code.
#[derive(Debug)]
pub(crate) struct CodeRecord {
    pub flavor: Flavor,
    pub client_id: String,
    pub redirect_uri: String,
    pub code_challenge: String,
    pub scopes: Scopes,
    pub user: usize,
    pub expires: Instant,
    /// The grant the code was exchanged for; a second exchange revokes it.
    pub redeemed: Option<u64>,
}

/// Where a grant came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum GrantSource {
    Consent,
    ApiCredentials(String),
}

/// What a patient allowed one app: the tokens issued under it live and die with it.
#[derive(Debug)]
pub(crate) struct Grant {
    pub flavor: Flavor,
    pub client_id: String,
    pub user: usize,
    pub scopes: Scopes,
    pub source: GrantSource,
    pub revoked: bool,
}

#[derive(Debug)]
struct AccessRecord {
    grant: u64,
    scopes: Scopes,
    expires: Instant,
    revoked: bool,
    uses: u32,
    fault_epoch: u64,
}

#[derive(Debug)]
struct RefreshRecord {
    grant: u64,
    expires: Instant,
    /// Replaced by a newer refresh token: presenting it again is reuse.
    rotated: bool,
}

/// The tokens of one token response.
pub(crate) struct Issued {
    pub access_token: Secret,
    pub refresh_token: Option<Secret>,
}

/// Why a bearer token was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum BadToken {
    Unknown,
    Expired,
    Revoked,
    OtherBase,
}

/// What a valid bearer token allows.
#[derive(Clone, Debug)]
pub(crate) struct Access {
    pub grant: u64,
    pub user: usize,
    pub scopes: Scopes,
}

/// The outcome of presenting a refresh token.
pub(crate) enum RefreshCheck<'a> {
    Valid(u64, &'a Grant),
    Unknown,
    Expired,
    /// Already rotated: the grant has now been revoked.
    Reused,
    Revoked,
}

#[derive(Default)]
pub(crate) struct AuthStore {
    sessions: HashMap<String, LoginSession>,
    codes: HashMap<String, CodeRecord>,
    grants: HashMap<u64, Grant>,
    next_grant: u64,
    access: HashMap<String, AccessRecord>,
    refresh: HashMap<String, RefreshRecord>,
    pub credentials: Vec<CredentialRecord>,
}

/// How long a redeemed code is remembered, so a replay is still recognised.
const REDEEMED_CODE_MEMORY: Duration = Duration::from_secs(600);

impl AuthStore {
    /// Opens a sign-in session and returns its id (the hidden field of the forms).
    pub(crate) fn open_session(&mut self, session: LoginSession) -> Result<Secret> {
        let now = Instant::now();
        self.sessions.retain(|_, s| s.expires > now);
        let id = random_token(24)?;
        self.sessions.insert(digest(id.expose()), session);
        Ok(id)
    }

    /// The live session with this id.
    pub(crate) fn session(&mut self, id: &str) -> Option<&mut LoginSession> {
        let now = Instant::now();
        self.sessions
            .get_mut(&digest(id))
            .filter(|s| s.expires > now)
    }

    pub(crate) fn close_session(&mut self, id: &str) -> Option<LoginSession> {
        let now = Instant::now();
        self.sessions
            .remove(&digest(id))
            .filter(|s| s.expires > now)
    }

    pub(crate) fn issue_code(&mut self, code: CodeRecord) -> Result<Secret> {
        let now = Instant::now();
        self.codes
            .retain(|_, c| c.expires + REDEEMED_CODE_MEMORY > now);
        let value = random_token(32)?;
        self.codes.insert(digest(value.expose()), code);
        Ok(value)
    }

    pub(crate) fn code(&mut self, code: &str) -> Option<&mut CodeRecord> {
        self.codes.get_mut(&digest(code))
    }

    pub(crate) fn forget_code(&mut self, code: &str) {
        self.codes.remove(&digest(code));
    }

    pub(crate) fn create_grant(&mut self, grant: Grant) -> u64 {
        self.next_grant += 1;
        self.grants.insert(self.next_grant, grant);
        self.next_grant
    }

    pub(crate) fn grant(&self, id: u64) -> Option<&Grant> {
        self.grants.get(&id)
    }

    /// Ends a grant: every token issued under it stops working.
    pub(crate) fn revoke_grant(&mut self, id: u64) {
        if let Some(g) = self.grants.get_mut(&id) {
            g.revoked = true;
        }
    }

    /// The live grants a patient gave apps by consenting, oldest first.
    pub(crate) fn consents_of(&self, user: usize) -> Vec<(u64, &Grant)> {
        let mut list: Vec<(u64, &Grant)> = self
            .grants
            .iter()
            .filter(|(_, g)| g.user == user && !g.revoked && g.source == GrantSource::Consent)
            .map(|(id, g)| (*id, g))
            .collect();
        list.sort_by_key(|(id, _)| *id);
        list
    }

    /// Revokes every grant matching `which`; returns how many were live.
    pub(crate) fn revoke_grants_where(&mut self, which: impl Fn(&Grant) -> bool) -> usize {
        let mut n = 0;
        for g in self.grants.values_mut().filter(|g| !g.revoked && which(g)) {
            g.revoked = true;
            n += 1;
        }
        n
    }

    /// Issues an access token (with `scopes`, which may be narrower than the grant's) and,
    /// when `with_refresh`, a new refresh token for the grant.
    pub(crate) fn issue_tokens(
        &mut self,
        grant: u64,
        scopes: Scopes,
        access_life: Duration,
        refresh_life: Option<Duration>,
    ) -> Result<Issued> {
        let now = Instant::now();
        self.access.retain(|_, a| a.expires > now);
        self.refresh.retain(|_, r| r.expires > now);
        let access_token = random_token(32)?;
        self.access.insert(
            digest(access_token.expose()),
            AccessRecord {
                grant,
                scopes,
                expires: now + access_life,
                revoked: false,
                uses: 0,
                fault_epoch: 0,
            },
        );
        let refresh_token = match refresh_life {
            Some(life) => {
                let token = random_token(32)?;
                self.refresh.insert(
                    digest(token.expose()),
                    RefreshRecord {
                        grant,
                        expires: now + life,
                        rotated: false,
                    },
                );
                Some(token)
            }
            None => None,
        };
        Ok(Issued {
            access_token,
            refresh_token,
        })
    }

    /// Checks a bearer token for a request to `flavor`'s base. `max_uses` (a fault) limits
    /// how many requests each token serves since fault epoch `epoch`.
    pub(crate) fn use_access_token(
        &mut self,
        token: &str,
        flavor: Flavor,
        max_uses: Option<u32>,
        epoch: u64,
    ) -> std::result::Result<Access, BadToken> {
        let record = self
            .access
            .get_mut(&digest(token))
            .ok_or(BadToken::Unknown)?;
        let grant = self.grants.get(&record.grant).ok_or(BadToken::Unknown)?;
        if record.revoked || grant.revoked {
            return Err(BadToken::Revoked);
        }
        if record.expires <= Instant::now() {
            return Err(BadToken::Expired);
        }
        if grant.flavor != flavor {
            return Err(BadToken::OtherBase);
        }
        if record.fault_epoch != epoch {
            record.fault_epoch = epoch;
            record.uses = 0;
        }
        record.uses = record.uses.saturating_add(1);
        if max_uses.is_some_and(|max| record.uses > max) {
            return Err(BadToken::Expired);
        }
        Ok(Access {
            grant: record.grant,
            user: grant.user,
            scopes: record.scopes.clone(),
        })
    }

    /// Looks at a presented refresh token. A rotated one revokes its grant (reuse).
    pub(crate) fn check_refresh_token(&mut self, token: &str) -> RefreshCheck<'_> {
        let Some(record) = self.refresh.get(&digest(token)) else {
            return RefreshCheck::Unknown;
        };
        let id = record.grant;
        if record.rotated {
            self.revoke_grant(id);
            return RefreshCheck::Reused;
        }
        if record.expires <= Instant::now() {
            return RefreshCheck::Expired;
        }
        match self.grants.get(&id) {
            Some(g) if !g.revoked => RefreshCheck::Valid(id, g),
            _ => RefreshCheck::Revoked,
        }
    }

    /// Marks a refresh token as replaced (the caller issues the next one).
    pub(crate) fn rotate_refresh_token(&mut self, token: &str) {
        if let Some(r) = self.refresh.get_mut(&digest(token)) {
            r.rotated = true;
        }
    }

    /// The grant behind a refresh or access token, for revocation checks.
    pub(crate) fn grant_of(&self, token: &str) -> Option<(u64, bool)> {
        let d = digest(token);
        if let Some(r) = self.refresh.get(&d) {
            return Some((r.grant, true));
        }
        self.access.get(&d).map(|a| (a.grant, false))
    }

    /// Revokes one access token.
    pub(crate) fn revoke_access_token(&mut self, token: &str) -> bool {
        match self.access.get_mut(&digest(token)) {
            Some(a) => {
                a.revoked = true;
                true
            }
            None => false,
        }
    }
}

impl AuthStore {
    /// Creates API credentials for `user`; the secret is returned once and kept as a digest.
    pub(crate) fn issue_credentials(
        &mut self,
        user: usize,
        label: &str,
    ) -> Result<super::credentials::ApiCredentials> {
        let key = format!("ock_{}", random_token(12)?.expose());
        let secret = random_token(32)?;
        let created = time::OffsetDateTime::now_utc()
            .format(&time::format_description::well_known::Rfc3339)
            .unwrap_or_default();
        self.credentials.push(CredentialRecord {
            key: key.clone(),
            secret_digest: digest(secret.expose()),
            label: label.to_owned(),
            user,
            created,
        });
        Ok(super::credentials::ApiCredentials { key, secret })
    }

    /// Deletes credentials and ends every grant made with them. `false` if unknown.
    pub(crate) fn delete_credentials(&mut self, key: &str) -> bool {
        let before = self.credentials.len();
        self.credentials.retain(|c| c.key != key);
        let source = GrantSource::ApiCredentials(key.to_owned());
        self.revoke_grants_where(|g| g.source == source);
        self.credentials.len() != before
    }
}
