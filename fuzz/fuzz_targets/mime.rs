//! MIME parsing: any input, given a mail header block if it lacks one, is
//! read as an RFC 822 message: header fields, transfer decoding, the parts,
//! attachments and attached messages to any depth.

#![no_main]

use std::sync::LazyLock;

use libfuzzer_sys::fuzz_target;

mod common;

static CONFIG: LazyLock<leakcheck::Config> = LazyLock::new(common::config);

fuzz_target!(|data: &[u8]| {
    let mut message = Vec::with_capacity(data.len() + 48);
    if !leakcheck::detect::looks_like_email(data) {
        message.extend_from_slice(b"From: fuzz@example.org\r\nTo: fuzz@example.org\r\n");
    }
    message.extend_from_slice(data);
    let (items, _) = leakcheck::read_bytes("fuzz.eml", &message, &CONFIG);
    assert_eq!(items[0].kind, leakcheck::ItemKind::Email);
});
