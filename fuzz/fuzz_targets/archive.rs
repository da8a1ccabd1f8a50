//! Archives and their recursion: zip, tar, gzip, bzip2 and 7z (and every
//! other container a member turns out to be), read as a scan reads a file
//! on disk, members to any depth, under the limits of `common::config`.

#![no_main]

use std::collections::HashSet;
use std::sync::LazyLock;

use libfuzzer_sys::fuzz_target;

mod common;

static CONFIG: LazyLock<leakcheck::Config> = LazyLock::new(common::config);

fuzz_target!(|data: &[u8]| {
    let (items, _) = leakcheck::read_bytes("fuzz.bin", data, &CONFIG);
    // Every item has a path of its own.
    let mut paths = HashSet::new();
    for i in &items {
        assert!(paths.insert(i.path.as_str()), "two items are {}", i.path);
    }
});
