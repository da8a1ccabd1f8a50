//! Outlook: `.msg` properties (over `cfb`), TNEF (`winmail.dat`) and their
//! RFC 822 renderings; PST stores through the scan's reader.

#![no_main]

use std::sync::LazyLock;

use leakcheck::outlook;
use libfuzzer_sys::fuzz_target;

mod common;

static CONFIG: LazyLock<leakcheck::Config> = LazyLock::new(common::config);

fuzz_target!(|data: &[u8]| {
    if let Ok(m) = outlook::msg::read(data) {
        let _ = outlook::render(&m);
        let _ = outlook::facts(&m, &CONFIG.dkim_keys, "msg");
    }
    if let Ok(t) = outlook::tnef::read(data) {
        let _ = outlook::render(&t.message);
        let _ = outlook::facts(&t.message, &CONFIG.dkim_keys, "tnef");
    }
    if data.starts_with(b"!BDN") {
        let _ = leakcheck::read_bytes("fuzz.pst", data, &CONFIG);
    }
});
