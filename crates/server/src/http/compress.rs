//! Compression of large answers, for clients that ask for it (`Accept-Encoding`): brotli, else
//! gzip, at tower-http's on-the-fly levels (brotli 4, as nginx). A page of SCIM users or an
//! audit page shrinks to about a tenth. The console's own files are compressed once, at build
//! time (`cargo xtask dist` writes `.br` and `.gz` beside each), and served as they are (see
//! [`super::spa`]); this layer never compresses an answer twice.
use tower_http::compression::{
    predicate::{NotForContentType, Predicate, SizeAbove},
    CompressionLayer,
};

/// Answers smaller than this go out as they are. Compressing a single SCIM resource (about
/// 1 KiB) would cost more CPU than the request itself and save one packet; lists, pages and the
/// console's documents are well above it.
pub const MIN_COMPRESSED_BYTES: u16 = 4096;

/// The layer: every answer of at least [`MIN_COMPRESSED_BYTES`] (or of unknown length, as a
/// streamed list) except images and event streams, whose bytes do not shrink or must not wait.
pub fn layer() -> CompressionLayer<impl Predicate> {
    let predicate = SizeAbove::new(MIN_COMPRESSED_BYTES)
        .and(NotForContentType::IMAGES)
        .and(NotForContentType::SSE);
    // The encodings are the crate features enabled: `compression-br` and `compression-gzip`.
    CompressionLayer::new().compress_when(predicate)
}
