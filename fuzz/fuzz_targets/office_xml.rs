//! OOXML and ODF metadata: the input is XML parts separated by NUL bytes
//! (which XML cannot hold), put into a Word package (`docProps/core.xml`,
//! `docProps/app.xml`, `docProps/custom.xml`, `word/settings.xml`,
//! `word/document.xml`, `xl/sharedStrings.xml`) and into an ODF package
//! (`meta.xml`, `content.xml`, `META-INF/manifest.xml`), each read as a
//! scan reads one. An input that is itself a zip is read as both kinds.

#![no_main]

use leakcheck::document;
use libfuzzer_sys::fuzz_target;

mod common;

const DOCX: &str = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
const ODT: &str = "application/vnd.oasis.opendocument.text";

const OOXML_PARTS: &[&str] = &[
    "docProps/core.xml",
    "docProps/app.xml",
    "docProps/custom.xml",
    "word/settings.xml",
    "word/document.xml",
    "xl/sharedStrings.xml",
];
const ODF_PARTS: &[&str] = &["meta.xml", "content.xml", "META-INF/manifest.xml"];

fuzz_target!(|data: &[u8]| {
    if data.starts_with(b"PK") {
        let _ = document::extract(DOCX, data);
        let _ = document::extract(ODT, data);
        return;
    }
    let parts = common::split(data, b"\0");
    let docx = common::package(OOXML_PARTS, &parts);
    // A package the fuzzer cannot break: only the XML can make it fail.
    let facts = document::extract(DOCX, &docx).expect("OOXML has a reader");
    if let Ok(f) = facts {
        assert_eq!(f.format, "ooxml");
    }
    let odt = common::package(ODF_PARTS, &parts);
    let _ = document::extract(ODT, &odt).expect("ODF has a reader");
});
