//! What the fuzz targets share: the scan configuration and the splitting of
//! one input into the parts of a package.

#![allow(dead_code)]

use leakcheck::{Config, Limits};

/// The DKIM key of the sample dump (`samples/dkim-keys.txt`), so that
/// signatures in the seeds reach key parsing and header canonicalization.
pub const SAMPLE_KEYS: &str = include_str!("../../samples/dkim-keys.txt");

/// A scan configuration with the sample DKIM key and limits small enough
/// that a legitimate decompression (a bomb the limits are there to stop)
/// stays far below libFuzzer's RSS limit: what the fuzzer looks for is a
/// panic, a hang or an allocation the limits do not bound.
pub fn config() -> Config {
    let mut keys = leakcheck::email::KeyStore::default();
    keys.add_text(SAMPLE_KEYS);
    Config {
        limits: Limits {
            max_depth: 32,
            max_member_bytes: 32 << 20,
            max_archive_bytes: 128 << 20,
            max_ratio: 200,
            ratio_floor_bytes: 1 << 20,
            max_parse_bytes: 16 << 20,
            max_items_per_container: 10_000,
        },
        jobs: Some(1),
        dkim_keys: keys,
        ..Config::default()
    }
}

/// Splits `data` at each `sep`: the parts of a package, in order.
pub fn split<'a>(data: &'a [u8], sep: &[u8]) -> Vec<&'a [u8]> {
    let mut out = Vec::new();
    let mut rest = data;
    while let Some(i) = rest.windows(sep.len()).position(|w| w == sep) {
        out.push(&rest[..i]);
        rest = &rest[i + sep.len()..];
    }
    out.push(rest);
    out
}

/// A zip package holding `parts` (stored, so the fuzzed bytes are what the
/// reader sees), under the given names; parts past the names are dropped.
pub fn package(names: &[&str], parts: &[&[u8]]) -> Vec<u8> {
    use std::io::Write;
    let mut z = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Stored)
        .last_modified_time(
            zip::DateTime::from_date_and_time(2017, 3, 27, 10, 2, 0).expect("a valid DOS time"),
        );
    for (name, part) in names.iter().zip(parts) {
        z.start_file(*name, opts).expect("zip entry");
        z.write_all(part).expect("zip write");
    }
    z.finish().expect("zip finish").into_inner()
}
