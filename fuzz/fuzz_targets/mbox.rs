//! mbox splitting: any input, made to start with a `From ` separator, is
//! read as an mbox, every message of it as an email (MIME, headers, DKIM).

#![no_main]

use std::sync::LazyLock;

use libfuzzer_sys::fuzz_target;

mod common;

static CONFIG: LazyLock<leakcheck::Config> = LazyLock::new(common::config);

fuzz_target!(|data: &[u8]| {
    let mut mbox = Vec::with_capacity(data.len() + 5);
    if !data.starts_with(b"From ") {
        mbox.extend_from_slice(b"From ");
    }
    mbox.extend_from_slice(data);
    let (items, _) = leakcheck::read_bytes("fuzz.mbox", &mbox, &CONFIG);
    assert_eq!(items[0].detected_type, "application/mbox");
    // Messages are slices of the file: together never larger than it.
    let messages: u64 = items
        .iter()
        .filter(|i| i.parent.as_deref() == Some("fuzz.mbox"))
        .map(|i| i.size)
        .sum();
    assert!(messages <= mbox.len() as u64);
});
