//! MIME parsing: any input, given a mail header block if it lacks one, is
//! read as an RFC 822 message: header fields, transfer decoding, the parts,
//! attachments and attached messages to any depth.

#![no_main]

use std::sync::LazyLock;

use libfuzzer_sys::fuzz_target;

mod common;

static CONFIG: LazyLock<leakcheck::Config> = LazyLock::new(common::config);

fuzz_target!(|data: &[u8]| {
    use leakcheck::detect;
    // The scan decides from the first HEAD_LEN bytes, as here.
    let head = &data[..data.len().min(detect::HEAD_LEN)];
    let mut message = Vec::with_capacity(data.len() + 48);
    if !matches!(detect::sniff(head), detect::EMAIL | detect::EMLX) {
        message.extend_from_slice(b"From: fuzz@example.org\r\nTo: fuzz@example.org\r\n");
    }
    message.extend_from_slice(data);
    let (items, _) = leakcheck::read_bytes("fuzz.eml", &message, &CONFIG);
    assert_eq!(items[0].kind, leakcheck::ItemKind::Email);
});
