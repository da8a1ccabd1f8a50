//! Header parsing: the header block split into fields, unfolding, RFC 2047
//! words and raw 8-bit text, addresses, Message-IDs, dates and Received
//! hops, and every fact read from one message.

#![no_main]

use std::sync::LazyLock;

use leakcheck::email::{self, date, header, received};
use libfuzzer_sys::fuzz_target;

mod common;

static CONFIG: LazyLock<leakcheck::Config> = LazyLock::new(common::config);

fuzz_target!(|data: &[u8]| {
    let parsed = header::split(data);
    assert!(parsed.body_start <= parsed.text.len());
    for f in parsed.fields() {
        let unfolded = header::unfold(f.value);
        let _ = header::decode(f.value, None);
        let _ = header::decode_raw(&unfolded, header::charset("windows-1251"));
        let _ = received::parse(f.value);
    }
    let text = String::from_utf8_lossy(data);
    if let Some(p) = date::parse(&text) {
        let _ = p.stamp.to_rfc3339();
        let _ = p.stamp.to_utc_string();
    }
    if let Some(t) = date::parse_iso(&text) {
        let _ = date::utc_string(t);
    }
    let words = header::decode_words(&text);
    if let Some(a) = header::first_address(&words) {
        let _ = header::domain_of(&a);
    }
    let _ = header::message_ids(&text);
    let _ = header::charset(&text);
    let facts = email::extract(data, &CONFIG.dkim_keys);
    let _ = facts.arrival();
    let _ = facts.first_hop();
});
