//! The whole scan of one in-memory file: reading (every format, to any
//! depth), every check, the report, and its JSON, text, SARIF, CSV and HTML
//! renderings.

#![no_main]

use std::collections::HashSet;
use std::sync::LazyLock;

use leakcheck::report;
use libfuzzer_sys::fuzz_target;

mod common;

static CONFIG: LazyLock<leakcheck::Config> = LazyLock::new(common::config);

fuzz_target!(|data: &[u8]| {
    let r = leakcheck::scan_bytes("fuzz.bin", data, &CONFIG);
    let mut paths = HashSet::new();
    for i in &r.items {
        assert!(paths.insert(i.path.as_str()), "two items are {}", i.path);
    }
    let json = serde_json::to_string(&r).expect("the report serializes");
    let back: leakcheck::Report = serde_json::from_str(&json).expect("the report reads back");
    assert_eq!(back.items.len(), r.items.len());
    let _ = report::text::render(
        &r,
        report::text::Style {
            color: false,
            top: 20,
        },
    );
    let _ = report::sarif::render(&r);
    let _ = report::csv::render(&r);
    let _ = report::html::render(&r);
});
