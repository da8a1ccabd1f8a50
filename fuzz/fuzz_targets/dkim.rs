//! DKIM: tag lists, key records (as key files hold them), signature checks
//! and both canonicalizations. The input is `KEY RECORD \0 MESSAGE`; the
//! record is the key of `fuzz._domainkey.fuzz.example`, and the sample
//! dump's key is known too, so signatures of the seeds reach key parsing
//! and header canonicalization (always reached with `Body::NotKept`, where
//! the body hash is not compared).

#![no_main]

use std::sync::LazyLock;

use leakcheck::email::dkim::{self, Body, Record};
use leakcheck::email::{self, header};
use libfuzzer_sys::fuzz_target;

mod common;

static CONFIG: LazyLock<leakcheck::Config> = LazyLock::new(common::config);

fuzz_target!(|data: &[u8]| {
    let (record, message) = match data.iter().position(|&b| b == 0) {
        Some(i) => (&data[..i], &data[i + 1..]),
        None => (&[][..], data),
    };
    let _ = dkim::parse_tags(record);
    let record = String::from_utf8_lossy(record);
    let mut keys = CONFIG.dkim_keys.clone();
    keys.add_text(&record);
    keys.insert(
        "fuzz._domainkey.fuzz.example",
        Record::Txt(record.into_owned()),
    );
    let parsed = header::split(message);
    for f in parsed.all("DKIM-Signature") {
        let _ = dkim::parse_tags(f.value);
    }
    for body in [Body::AsSent, Body::NotKept] {
        let _ = dkim::verify_all(&parsed, &keys, None, body);
        let _ = dkim::verify_all(&parsed, &keys, Some(1_490_000_000), body);
        let _ = email::extract_stored(message, &keys, body);
    }
});
