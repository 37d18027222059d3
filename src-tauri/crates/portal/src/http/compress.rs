//! Gzip for responses when the request accepts it, as real portals do, so an app's gzip
//! handling is exercised for real. Responses that must reach the app byte for byte as
//! sent (streamed huge pages, stalled pages, the gzip bomb) are marked [`Uncompressed`].

use axum::body::HttpBody;
use axum::http::Response;
use tower_http::compression::predicate::{DefaultPredicate, Predicate};
use tower_http::compression::CompressionLayer;

/// Marks a response that the compression layer must leave alone.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Uncompressed;

/// Compresses what [`DefaultPredicate`] would, except marked responses.
#[derive(Clone, Copy, Debug)]
pub(crate) struct NotMarked;

impl Predicate for NotMarked {
    fn should_compress<B>(&self, response: &Response<B>) -> bool
    where
        B: HttpBody,
    {
        response.extensions().get::<Uncompressed>().is_none()
    }
}

pub(crate) fn layer(
) -> CompressionLayer<tower_http::compression::predicate::And<DefaultPredicate, NotMarked>> {
    CompressionLayer::new().compress_when(DefaultPredicate::new().and(NotMarked))
}

/// Marks `response` as not to be compressed.
pub(crate) fn uncompressed(mut response: axum::response::Response) -> axum::response::Response {
    response.extensions_mut().insert(Uncompressed);
    response
}
