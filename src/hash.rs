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
#[derive(Clone, Default)]
pub struct Digester {
    sha: Sha256,
    b3: blake3::Hasher,
    size: u64,
}

impl Digester {
    pub fn new() -> Digester {
        Digester::default()
    }

    pub fn update(&mut self, data: &[u8]) {
        self.sha.update(data);
        self.b3.update(data);
        self.size += data.len() as u64;
    }

    /// Bytes fed so far.
    pub fn size(&self) -> u64 {
        self.size
    }

    pub fn finish(self) -> Digests {
        let sha = self.sha.finalize();
        Digests {
            sha256: to_hex(&sha),
            blake3: self.b3.finalize().to_hex().to_string(),
            size: self.size,
        }
    }
}

/// Both digests of a byte slice.
pub fn digest_bytes(data: &[u8]) -> Digests {
    let mut d = Digester::new();
    d.update(data);
    d.finish()
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
        let data: Vec<u8> = (0..100_000u32).map(|i| (i * 7 % 251) as u8).collect();
        let mut d = Digester::new();
        for c in data.chunks(999) {
            d.update(c);
        }
        assert_eq!(d.finish(), digest_bytes(&data));
    }
}
