//! Fuzzy fingerprints: two documents that are almost the same (one
//! paragraph changed, a number edited) have almost the same fingerprint,
//! where their SHA-256 differ completely.
//!
//! * TLSH over the bytes, the locality-sensitive hash VirusTotal and MISP
//!   publish, so a reporter can look a fingerprint up elsewhere (the
//!   `tlsh2` crate: a port of Trend Micro's reference code, `no_std`, no
//!   unsafe). It needs 50 bytes with some variety; compressed packages
//!   (docx, xlsx) make it coarse, so it is a second opinion.
//! * SimHash over the extracted text (word 3-shingles, 64 bits): the text
//!   signal, independent of how the file was packed. Compact enough to
//!   keep in the report, compared by Hamming distance.

use serde::{Deserialize, Serialize};

/// A document's fuzzy fingerprints.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fingerprint {
    /// TLSH (128 buckets, 1-byte checksum, `T1` prefix) of the first
    /// [`TLSH_BYTES`] bytes, for documents without a text fingerprint.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tlsh: Option<String>,
    /// The visible text's fingerprint, when the format has text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text: Option<TextPrint>,
}

/// The visible text's fingerprint.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TextPrint {
    /// Words in the text.
    pub words: u64,
    /// 64-bit SimHash of the word 3-shingles, hex.
    pub simhash: String,
    /// BLAKE3 of the normalised text (lowercase words joined by spaces),
    /// first 16 hex digits: equal texts have equal digests.
    pub digest: String,
}

/// TLSH reads at most this many leading bytes. Where two copies of one
/// picture or scan differ by an edit of their metadata, the edit and
/// enough of the shared content lie in the first 256 KiB; TLSH walks one
/// byte at a time, and whole multi-megabyte images made it a tenth of a
/// scan's time.
pub const TLSH_BYTES: usize = 256 << 10;

/// Texts shorter than this many words are not fingerprinted: every short
/// note resembles every other.
pub const MIN_WORDS: usize = 8;

impl Fingerprint {
    /// The fingerprints of a document's bytes and text. TLSH is computed
    /// only when there is no text fingerprint: the checks compare bytes
    /// only then, and TLSH walks every byte one at a time (it was a quarter
    /// of the time spent on documents).
    pub fn of(bytes: &[u8], text: Option<&str>) -> Fingerprint {
        let text = text.and_then(text_print);
        let tlsh = if text.is_none() {
            let head = &bytes[..bytes.len().min(TLSH_BYTES)];
            tlsh2::TlshDefaultBuilder::build_from(head)
                .map(|t| String::from_utf8_lossy(&t.hash()).into_owned())
        } else {
            None
        };
        Fingerprint { tlsh, text }
    }
}

/// FNV-1a over a word's bytes: cheap, and only ever mixed further.
fn fnv(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

/// splitmix64's finaliser: spreads a shingle's three word hashes over all
/// 64 bits, as SimHash needs.
fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// The text fingerprint of `text`, if it has enough words. One pass over
/// the bytes: words (runs of alphanumeric characters) are found byte by
/// byte, with a character decoded only outside ASCII; each word is
/// lowercased once into the normalised text and hashed once; the digest is
/// one BLAKE3 call over the whole normalised text (per-word calls cost more
/// than the hashing); shingles combine their words' hashes.
pub fn text_print(text: &str) -> Option<TextPrint> {
    let bytes = text.as_bytes();
    // The normalised text: lowercase words joined by single spaces.
    let mut norm: Vec<u8> = Vec::with_capacity(bytes.len());
    let mut hashes: Vec<u64> = Vec::with_capacity(bytes.len() / 6 + 1);
    let n = bytes.len();
    let mut i = 0;
    while i < n {
        // Separators: ASCII ones by table; others decoded.
        match CLASS[bytes[i] as usize] {
            SEPARATOR => {
                i += 1;
                continue;
            }
            OTHER => {
                let (alnum, len, _) = char_info(text, i);
                if !alnum {
                    i += len;
                    continue;
                }
            }
            _ => {}
        }
        // A word: runs of ASCII letters and digits, and alphanumeric
        // characters outside ASCII, lowercased into `norm` as they are
        // scanned. A character whose lowercase depends on its place (Greek
        // capital sigma) or is several characters sends the whole word
        // through the standard library's lowercasing.
        if !hashes.is_empty() {
            norm.push(b' ');
        }
        let from = norm.len();
        let start = i;
        let mut complex = false;
        loop {
            let run = i;
            while i < n && CLASS[bytes[i] as usize] == ALNUM {
                i += 1;
            }
            norm.extend(bytes[run..i].iter().map(u8::to_ascii_lowercase));
            if i < n && CLASS[bytes[i] as usize] == OTHER {
                let (alnum, len, lower) = char_info(text, i);
                if alnum {
                    match lower {
                        Some(c) => norm.extend_from_slice(c.encode_utf8(&mut [0; 4]).as_bytes()),
                        None => complex = true,
                    }
                    i += len;
                    continue;
                }
            }
            break;
        }
        if complex {
            norm.truncate(from);
            norm.extend_from_slice(text[start..i].to_lowercase().as_bytes());
        }
        hashes.push(fnv(&norm[from..]));
    }
    if hashes.len() < MIN_WORDS {
        return None;
    }
    // Per bit, how many shingles set it; the SimHash bit is set when more
    // than half do. Counted eight bits at a time: SPREAD turns a byte of the
    // hash into eight one-byte counters packed in a u64, so one addition
    // counts eight bits; the packed counters are emptied into `ones` before
    // any can pass 255.
    let mut ones = [0u32; 64];
    let mut packed = [0u64; 8];
    let mut shingles = 0u64;
    let empty = |packed: &mut [u64; 8], ones: &mut [u32; 64]| {
        for (j, p) in packed.iter_mut().enumerate() {
            for k in 0..8 {
                ones[8 * j + k] += ((*p >> (8 * k)) & 0xff) as u32;
            }
            *p = 0;
        }
    };
    for w in hashes.windows(3) {
        let h = mix(w[0] ^ w[1].rotate_left(21) ^ w[2].rotate_left(42));
        for (j, p) in packed.iter_mut().enumerate() {
            *p += SPREAD[((h >> (8 * j)) & 0xff) as usize];
        }
        shingles += 1;
        if shingles.is_multiple_of(255) {
            empty(&mut packed, &mut ones);
        }
    }
    empty(&mut packed, &mut ones);
    let sim = ones.iter().enumerate().fold(0u64, |acc, (bit, &c)| {
        if 2 * u64::from(c) > shingles {
            acc | 1 << bit
        } else {
            acc
        }
    });
    Some(TextPrint {
        words: hashes.len() as u64,
        simhash: format!("{sim:016x}"),
        digest: blake3::hash(&norm).to_hex()[..16].to_string(),
    })
}

/// For each byte value, its eight bits spread one per byte of a u64 (bit
/// `k` becomes byte `k`): the SimHash counting table.
const SPREAD: [u64; 256] = {
    let mut table = [0u64; 256];
    let mut b = 0;
    while b < 256 {
        let mut k = 0;
        while k < 8 {
            table[b] |= ((b as u64 >> k) & 1) << (8 * k);
            k += 1;
        }
        b += 1;
    }
    table
};

/// Byte classes of the word scanner: ASCII separators, ASCII letters and
/// digits, and bytes of characters outside ASCII (decoded to decide).
const SEPARATOR: u8 = 0;
const ALNUM: u8 = 1;
const OTHER: u8 = 2;
const CLASS: [u8; 256] = {
    let mut table = [OTHER; 256];
    let mut b = 0;
    while b < 128 {
        table[b] = if (b as u8).is_ascii_alphanumeric() {
            ALNUM
        } else {
            SEPARATOR
        };
        b += 1;
    }
    table
};

/// The character at byte `i` of `text` (a character boundary, not ASCII):
/// whether it is alphanumeric, its length in bytes, and its lowercase when
/// that is one character whatever the context (`None` otherwise). Two-byte
/// characters (Latin, Greek, Cyrillic, Hebrew, Arabic) come from a table
/// built once from the standard library's own answers; the Unicode lookups
/// were most of the fingerprint's time on accented text.
fn char_info(text: &str, i: usize) -> (bool, usize, Option<char>) {
    let bytes = text.as_bytes();
    if let (Some(&lead @ 0xc2..=0xdf), Some(&cont)) = (bytes.get(i), bytes.get(i + 1)) {
        let cp = (u32::from(lead & 0x1f) << 6) | u32::from(cont & 0x3f);
        if let Some(&(alnum, lower)) = two_byte_table().get(cp as usize - 0x80) {
            return (alnum, 2, lower);
        }
    }
    match text.get(i..).and_then(|t| t.chars().next()) {
        Some(c) => (c.is_alphanumeric(), c.len_utf8(), simple_lower(c)),
        None => (false, 1, None),
    }
}

/// The lowercase of `c` when it is one character that does not depend on
/// the neighbours (`str::to_lowercase` turns a word-final `Σ` into `ς`).
fn simple_lower(c: char) -> Option<char> {
    let mut lower = c.to_lowercase();
    match (lower.next(), lower.next()) {
        (Some(l), None) if c != 'Σ' => Some(l),
        _ => None,
    }
}

/// [`char_info`]'s answers for U+0080 to U+07FF.
fn two_byte_table() -> &'static [(bool, Option<char>)] {
    static TABLE: std::sync::OnceLock<Vec<(bool, Option<char>)>> = std::sync::OnceLock::new();
    TABLE.get_or_init(|| {
        (0x80..0x800u32)
            .map(|cp| match char::from_u32(cp) {
                Some(c) => (c.is_alphanumeric(), simple_lower(c)),
                None => (false, None),
            })
            .collect()
    })
}

/// Similarity of two texts' fingerprints in [0, 1]: the share of equal
/// SimHash bits. Unrelated texts land near 0.5; edits of one text above 0.8.
pub fn text_similarity(a: &TextPrint, b: &TextPrint) -> f64 {
    let (Ok(x), Ok(y)) = (
        u64::from_str_radix(&a.simhash, 16),
        u64::from_str_radix(&b.simhash, 16),
    ) else {
        return 0.0;
    };
    1.0 - f64::from((x ^ y).count_ones()) / 64.0
}

/// TLSH distance of two fingerprints (0 = same; under ~50 is near, over
/// ~100 unrelated), when both parse.
pub fn tlsh_distance(a: &str, b: &str) -> Option<i32> {
    let x: tlsh2::TlshDefault = a.parse().ok()?;
    let y: tlsh2::TlshDefault = b.parse().ok()?;
    Some(x.diff(&y, true))
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: &str = "Le programme du candidat pour la jeunesse prévoit la création de dix mille places en apprentissage, \
        un service civique renforcé et la gratuité des transports pour les étudiants boursiers dans toutes les régions. \
        Les associations seront consultées avant chaque mesure et un bilan sera publié chaque année.";

    #[test]
    fn edits_stay_near_and_unrelated_texts_do_not() {
        let a = text_print(A).unwrap();
        let edited = A.replace("dix mille", "vingt mille");
        let b = text_print(&edited).unwrap();
        let other = text_print(
            "Quarterly revenue rose in every market while costs fell; the board approved a dividend \
             and a share buyback programme to be completed before the end of the next fiscal year.",
        )
        .unwrap();
        assert_ne!(a.digest, b.digest);
        assert!(text_similarity(&a, &b) > 0.8, "{}", text_similarity(&a, &b));
        assert!(
            text_similarity(&a, &other) < 0.8,
            "{}",
            text_similarity(&a, &other)
        );
        assert_eq!(text_similarity(&a, &a), 1.0);
        assert!(text_print("trop court").is_none());
    }

    /// The fingerprint by its definition, word by word with the standard
    /// library's Unicode splitting and lowercasing: the byte scanner must
    /// agree with it on every text.
    fn by_definition(text: &str) -> Option<TextPrint> {
        let words: Vec<String> = text
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .map(str::to_lowercase)
            .collect();
        if words.len() < MIN_WORDS {
            return None;
        }
        let hashes: Vec<u64> = words.iter().map(|w| fnv(w.as_bytes())).collect();
        let mut ones = [0u32; 64];
        for w in hashes.windows(3) {
            let h = mix(w[0] ^ w[1].rotate_left(21) ^ w[2].rotate_left(42));
            for (bit, c) in ones.iter_mut().enumerate() {
                *c += (h >> bit & 1) as u32;
            }
        }
        let shingles = hashes.len().saturating_sub(2) as u64;
        let sim = (0..64).fold(0u64, |acc, bit| {
            if 2 * u64::from(ones[bit]) > shingles {
                acc | 1 << bit
            } else {
                acc
            }
        });
        Some(TextPrint {
            words: words.len() as u64,
            simhash: format!("{sim:016x}"),
            digest: blake3::hash(words.join(" ").as_bytes()).to_hex()[..16].to_string(),
        })
    }

    #[test]
    fn the_byte_scanner_agrees_with_the_definition() {
        let texts = [
            A.to_string(),
            format!("{A}\n\t  ÉTÉ, Ὀδυσσεύς ΣΟΦΟΣ; Уколов А. В. 北京市 ١٢٣ x²  {A}"),
            "  ..leading and trailing separators,, with 123 numbers and MiXeD CaSe words!! "
                .repeat(3),
            "İstanbul ΟΔΟΣ straße ǅemal ﬁnance café naïve résumé Ärger Öl Übel ß ".repeat(2),
            "ΣΊΣΥΦΟΣ Σ σΣ ΣΑΣ Ⱥȿ ǈ ǋ Ωmega ÀÉÎÕÜ×÷ ØÞ Ĳsselmeer ՁԱՅՆ שָׁלוֹם مرحبا ߊߋ 𝔘𝔫𝔦 ①② Ⅻ"
                .repeat(3),
            "one two three four five six seven".into(),
            (0..3000)
                .map(|i| format!("w{} ", i % 97 * i % 13))
                .collect(),
            String::new(),
        ];
        for t in &texts {
            assert_eq!(text_print(t), by_definition(t), "{t}");
        }
        assert!(text_print(&texts[1]).is_some());
    }

    #[test]
    fn tlsh_needs_variety_and_measures_distance() {
        let a = Fingerprint::of(A.as_bytes(), None).tlsh.unwrap();
        let b = Fingerprint::of(A.replace("dix", "onze").as_bytes(), None)
            .tlsh
            .unwrap();
        assert!(a.starts_with("T1"));
        let near = tlsh_distance(&a, &b).unwrap();
        assert!(near < 50, "{near}");
        assert_eq!(tlsh_distance(&a, &a), Some(0));
        assert!(Fingerprint::of(&[0u8; 40], None).tlsh.is_none());
        assert!(tlsh_distance("T1zz", &a).is_none());
    }
}
