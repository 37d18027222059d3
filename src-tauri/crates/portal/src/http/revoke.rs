//! The revocation endpoint (RFC 7009): `200` whether or not the token was known; revoking a
//! refresh token ends the whole grant (its access tokens too), revoking an access token
//! ends only that token. A client may revoke only its own tokens.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};

use super::client_auth;
use super::form::Params;
use super::respond::oauth_error;
use crate::state::{lock, Ctx};
use crate::stats::{Revocation, TokenKind};

/// `POST {base}/revoke`
pub(crate) async fn revoke(State(ctx): State<Ctx>, headers: HeaderMap, body: Bytes) -> Response {
    let form = Params::from_form(&headers, &body);
    let hint = form
        .as_ref()
        .and_then(|f| f.get("token_type_hint"))
        .map(str::to_owned);
    let unavailable = lock(&ctx.shared.faults).faults.revocation_unavailable;
    if unavailable {
        record(&ctx, hint, None);
        return (
            StatusCode::SERVICE_UNAVAILABLE,
            "The revocation service is temporarily unavailable.",
        )
            .into_response();
    }
    let Some(form) = form else {
        record(&ctx, hint, None);
        return oauth_error("invalid_request", "The request must be form-encoded.");
    };
    let Some(token) = form.get("token") else {
        record(&ctx, hint, None);
        return oauth_error("invalid_request", "token is missing.");
    };
    let caller = match client_auth::read(&headers, &form) {
        Ok(a) => a.client_id,
        Err(d) => {
            record(&ctx, hint, None);
            return oauth_error("invalid_request", d);
        }
    };
    let mut store = lock(&ctx.shared.auth);
    let found = store.grant_of(token);
    let owner = found.and_then(|(g, _)| store.grant(g).map(|g| g.client_id.clone()));
    if let (Some(caller), Some(owner)) = (&caller, &owner) {
        if caller != owner {
            drop(store);
            record(&ctx, hint, None);
            return oauth_error(
                "unauthorized_client",
                "The token was issued to another client.",
            );
        }
    }
    let revoked = match found {
        Some((grant, true)) => {
            store.revoke_grant(grant);
            Some(TokenKind::Refresh)
        }
        Some((_, false)) => store
            .revoke_access_token(token)
            .then_some(TokenKind::Access),
        None => None,
    };
    drop(store);
    record(&ctx, hint, revoked);
    StatusCode::OK.into_response()
}

fn record(ctx: &Ctx, token_type_hint: Option<String>, revoked: Option<TokenKind>) {
    ctx.shared.count(|s| {
        s.revoke_requests += 1;
        s.revocations.push(Revocation {
            token_type_hint,
            revoked,
        });
    });
}
