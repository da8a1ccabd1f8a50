//! SHA-256 and BLAKE3 of the same bytes, computed in one pass.
//!
//! `sha2` (RustCrypto) picks the CPU's SHA extensions at run time where
//! present; `blake3` is the reference implementation with SIMD back ends.
//! Both are fed from the same buffer so every byte is read once.

use sha2::{Digest, Sha256};

/// Both digests of one item, lowercase hex.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Digests {
    pub sha256: String,
    pub blake3: String,
    pub size: u64,
}

/// Incremental SHA-256 + BLAKE3.
///
/// BLAKE3 hashes many 1 KiB chunks at once with SIMD (sixteen with
/// AVX-512), but only when handed that many at a time; members arrive in
/// pieces of a few kilobytes (mbox lines, inflater output), which left it
/// compressing one chunk at a time, several times slower. Small pieces are
/// therefore gathered into [`B3_BATCH`] bytes before BLAKE3 sees them.
/// SHA-256 is sequential by nature and takes every piece as it comes.
#[derive(Clone, Default)]
pub struct Digester {
    sha: Sha256,
    b3: blake3::Hasher,
    pending: Vec<u8>,
    size: u64,
}

/// Bytes gathered for one BLAKE3 update.
const B3_BATCH: usize = 64 << 10;

impl Digester {
    pub fn new() -> Digester {
        Digester::default()
    }

    pub fn update(&mut self, data: &[u8]) {
        self.sha.update(data);
        self.size += data.len() as u64;
        if self.pending.is_empty() && data.len() >= B3_BATCH {
            self.b3.update(data);
            return;
        }
        let mut data = data;
        while !data.is_empty() {
            let take = (B3_BATCH - self.pending.len()).min(data.len());
            self.pending.extend_from_slice(&data[..take]);
            data = &data[take..];
            if self.pending.len() == B3_BATCH {
                self.b3.update(&self.pending);
                self.pending.clear();
                if data.len() >= B3_BATCH {
                    self.b3.update(data);
                    return;
                }
            }
        }
    }

    /// Bytes fed so far.
    pub fn size(&self) -> u64 {
        self.size
    }

    pub fn finish(mut self) -> Digests {
        self.b3.update(&self.pending);
        let sha = self.sha.finalize();
        Digests {
            sha256: to_hex(&sha),
            blake3: self.b3.finalize().to_hex().to_string(),
            size: self.size,
        }
    }
}

/// Both digests of a byte slice (each hash takes it whole).
pub fn digest_bytes(data: &[u8]) -> Digests {
    Digests {
        sha256: to_hex(&Sha256::digest(data)),
        blake3: blake3::hash(data).to_hex().to_string(),
        size: data.len() as u64,
    }
}

fn to_hex(bytes: &[u8]) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(HEX[(b >> 4) as usize] as char);
        s.push(HEX[(b & 15) as usize] as char);
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_vectors() {
        let d = digest_bytes(b"abc");
        assert_eq!(
            d.sha256,
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(
            d.blake3,
            "6437b3ac38465133ffb63b75273a8db548c558465d79db03fd359c6cd5bd9d85"
        );
        assert_eq!(d.size, 3);
    }

    #[test]
    fn incremental_equals_one_shot() {
        let data: Vec<u8> = (0..300_000u32).map(|i| (i * 7 % 251) as u8).collect();
        let expect = Digests {
            sha256: to_hex(&Sha256::digest(&data)),
            blake3: blake3::hash(&data).to_hex().to_string(),
            size: data.len() as u64,
        };
        // Piece sizes around the batch size and its multiples, mixed.
        let patterns: [&[usize]; 5] = [
            &[999],
            &[1, B3_BATCH, 7],
            &[B3_BATCH],
            &[B3_BATCH + 1, 3 * B3_BATCH, 5],
            &[100, 2 * B3_BATCH + 17, B3_BATCH - 100],
        ];
        for pattern in patterns {
            let mut d = Digester::new();
            let (mut at, mut k) = (0, 0);
            while at < data.len() {
                let n = pattern[k % pattern.len()].min(data.len() - at);
                d.update(&data[at..at + n]);
                at += n;
                k += 1;
            }
            assert_eq!(d.finish(), expect, "{pattern:?}");
        }
        assert_eq!(digest_bytes(&data), expect);
    }
}
