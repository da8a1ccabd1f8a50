//! PDF scanning: header, xref sections and their `/Prev` chain, trailer,
//! Info dictionary, XMP packet, fonts, incremental updates.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = leakcheck::document::extract("application/pdf", data);
});
