//! The gzip bomb fault's body: about 1 MB of gzip that inflates to 1 GiB of zeros. It is
//! made once, on first use, without ever holding 1 GiB: a megabyte of zeros is deflated
//! once with a full flush (so the block ends on a byte boundary) and that block repeated,
//! which is valid because every back-reference inside it can only reach zeros.

use std::sync::OnceLock;

use axum::body::Bytes;
use flate2::{Compress, Compression, Crc, FlushCompress};

const CHUNK: usize = 1 << 20;
const CHUNKS: usize = 1024;

static BOMB: OnceLock<Option<Bytes>> = OnceLock::new();

/// The bomb, made on first use (a blocking call of well under a second).
pub(crate) fn body() -> Option<Bytes> {
    BOMB.get_or_init(make).clone()
}

fn make() -> Option<Bytes> {
    let zeros = vec![0u8; CHUNK];
    let mut block = Vec::with_capacity(64 * 1024);
    Compress::new(Compression::best(), false)
        .compress_vec(&zeros, &mut block, FlushCompress::Full)
        .ok()?;
    let mut last = Vec::with_capacity(64);
    Compress::new(Compression::best(), false)
        .compress_vec(&[], &mut last, FlushCompress::Finish)
        .ok()?;
    let mut crc = Crc::new();
    for _ in 0..CHUNKS {
        crc.update(&zeros);
    }
    let mut out = Vec::with_capacity(block.len() * CHUNKS + 64);
    // gzip header: magic, deflate, no flags, no time, no extra flags, unknown OS.
    out.extend_from_slice(&[0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 255]);
    for _ in 0..CHUNKS {
        out.extend_from_slice(&block);
    }
    out.extend_from_slice(&last);
    out.extend_from_slice(&crc.sum().to_le_bytes());
    out.extend_from_slice(&(crc.amount()).to_le_bytes());
    Some(Bytes::from(out))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;
    use std::io::Read;

    #[test]
    fn the_bomb_is_small_and_inflates_to_a_gibibyte_of_zeros() {
        let bomb = body().unwrap();
        assert!(bomb.len() < 2_000_000, "{}", bomb.len());
        let mut decoder = flate2::read::GzDecoder::new(&bomb[..]);
        let mut buf = vec![0u8; CHUNK];
        let mut total = 0u64;
        loop {
            let n = decoder.read(&mut buf).unwrap();
            if n == 0 {
                break;
            }
            if total == 0 {
                assert!(buf[..n].iter().all(|b| *b == 0));
            }
            total += n as u64;
        }
        // The decoder also checked the CRC and length in the trailer.
        assert_eq!(total, (CHUNK * CHUNKS) as u64);
    }
}
