//! What a scan is asked to do: the roots, what to skip, and every limit.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

/// Every resource limit of a scan. Each one, when hit, becomes a finding and
/// the scan goes on; none is silent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Limits {
    /// Deepest level of members listed (a file on disk is depth 0, a member
    /// of a zip on disk depth 1, …); a container whose members would be
    /// deeper is not opened.
    pub max_depth: u32,
    /// Largest decompressed size of one member; reading stops there.
    pub max_member_bytes: u64,
    /// Largest decompressed total under one file on disk, all nesting
    /// levels together (the guard against nested zip bombs).
    pub max_archive_bytes: u64,
    /// Largest decompressed/compressed ratio of a member once it has
    /// produced more than [`Limits::ratio_floor_bytes`].
    pub max_ratio: u64,
    /// Members smaller than this are never stopped by the ratio guard.
    pub ratio_floor_bytes: u64,
    /// Largest item held in memory to be parsed (an email, or an archive
    /// inside another); larger ones are still hashed whole.
    pub max_parse_bytes: u64,
    /// Most members listed as items per container.
    pub max_items_per_container: u64,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_depth: 32,
            max_member_bytes: 4 << 30,
            max_archive_bytes: 16 << 30,
            max_ratio: 200,
            ratio_floor_bytes: 16 << 20,
            max_parse_bytes: 256 << 20,
            max_items_per_container: 100_000,
        }
    }
}

/// A scan request. Everything that changes the report's content is here and
/// is echoed in the report's `options`; `jobs` is not, because the report
/// does not depend on it.
#[derive(Debug, Clone, Default)]
pub struct Config {
    pub roots: Vec<PathBuf>,
    /// Glob patterns matched against paths relative to each root; a matching
    /// directory is skipped with everything below it.
    pub excludes: Vec<String>,
    /// Follow symbolic links while walking (off by default: links are
    /// reported as items, not followed).
    pub follow_symlinks: bool,
    pub limits: Limits,
    /// Worker threads; `None` uses one per core.
    pub jobs: Option<usize>,
    /// DKIM public keys (`--dkim-keys`), looked up instead of DNS.
    pub dkim_keys: crate::email::KeyStore,
    /// The dump's time window (`--window`), as Unix seconds, start and end
    /// inclusive; inferred from the dated items when absent.
    pub window: Option<(i64, i64)>,
}

/// Parses a byte size such as `4096`, `64K`, `256M`, `4G` or `1T` (powers of 1024).
pub fn parse_size(s: &str) -> Result<u64, String> {
    let t = s.trim();
    let (num, mult) = match t.char_indices().find(|(_, c)| !c.is_ascii_digit()) {
        None => (t, 1u64),
        Some((i, _)) => {
            let unit = t[i..].trim().to_ascii_uppercase();
            let unit = unit.trim_end_matches("IB").trim_end_matches('B');
            let mult = match unit {
                "" => 1,
                "K" => 1 << 10,
                "M" => 1 << 20,
                "G" => 1 << 30,
                "T" => 1 << 40,
                _ => return Err(format!("unknown size unit in '{s}' (use K, M, G or T)")),
            };
            (&t[..i], mult)
        }
    };
    let n: u64 = num
        .parse()
        .map_err(|_| format!("'{s}' is not a size (examples: 4096, 64K, 256M, 4G)"))?;
    n.checked_mul(mult)
        .ok_or_else(|| format!("size '{s}' is too large"))
}

/// Parses `START..END` (dates `2017-01-01` or times `2017-01-01T12:00:00Z`,
/// UTC; a date as END means the end of that day).
pub fn parse_window(s: &str) -> Result<(i64, i64), String> {
    let (a, b) = s
        .split_once("..")
        .ok_or_else(|| format!("'{s}' is not START..END (e.g. 2017-01-01..2017-05-05)"))?;
    let start = crate::email::date::parse_iso(a)
        .ok_or_else(|| format!("'{a}' is not a date (YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ)"))?;
    let mut end = crate::email::date::parse_iso(b)
        .ok_or_else(|| format!("'{b}' is not a date (YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ)"))?;
    if !b.contains(['T', ' ']) {
        end += 86_399;
    }
    if end < start {
        return Err(format!("the window ends ({b}) before it starts ({a})"));
    }
    Ok((start, end))
}

#[cfg(test)]
mod tests {
    use super::parse_size;

    #[test]
    fn sizes() {
        assert_eq!(parse_size("4096"), Ok(4096));
        assert_eq!(parse_size("64K"), Ok(64 << 10));
        assert_eq!(parse_size("256MiB"), Ok(256 << 20));
        assert_eq!(parse_size("4g"), Ok(4 << 30));
        assert!(parse_size("12Q").is_err());
        assert!(parse_size("").is_err());
        assert!(parse_size("99999999999T").is_err());
    }
}
