//! OLE property sets and Word's FIB and piece table: the input is the
//! streams `\005SummaryInformation`, `\005DocumentSummaryInformation`,
//! `WordDocument`, `1Table` and `0Table` separated by [`SEP`], put into a
//! compound file read as a `.doc`. An input that is itself a compound file
//! is read as it is.

#![no_main]

use std::io::{Cursor, Write};

use leakcheck::document;
use libfuzzer_sys::fuzz_target;

mod common;

/// Separates the streams (`seed.sh` writes seeds with it).
const SEP: &[u8] = b"\xffOLE-STREAM\xff";

const STREAMS: &[&str] = &[
    "/\u{5}SummaryInformation",
    "/\u{5}DocumentSummaryInformation",
    "/WordDocument",
    "/1Table",
    "/0Table",
];

const OLE_MAGIC: &[u8] = &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

fuzz_target!(|data: &[u8]| {
    if data.starts_with(OLE_MAGIC) {
        let _ = document::extract("application/msword", data);
        return;
    }
    let parts = common::split(data, SEP);
    let mut cf = cfb::CompoundFile::create(Cursor::new(Vec::new())).expect("cfb");
    for (name, part) in STREAMS.iter().zip(&parts) {
        cf.create_stream(name)
            .expect("cfb stream")
            .write_all(part)
            .expect("cfb write");
    }
    cf.flush().expect("cfb flush");
    let bytes = cf.into_inner().into_inner();
    let facts = document::extract("application/msword", &bytes).expect("OLE has a reader");
    // A compound file the fuzzer cannot break: only the streams vary.
    let facts = facts.expect("a well-formed compound file is always read");
    assert_eq!(facts.format, "ole");
});
