//! Shared by the criterion benches: the dump generator of
//! `examples/make-dump.rs` (included as a module, so the benches measure
//! the same content `benches/dump.sh` does) and small helpers.

#![allow(dead_code)]

use std::path::{Path, PathBuf};

#[allow(dead_code)]
#[path = "../../examples/make-dump.rs"]
pub mod make_dump;

/// A scan configuration for one root, on `jobs` worker threads.
pub fn config(root: &Path, jobs: usize) -> leakcheck::Config {
    leakcheck::Config {
        roots: vec![root.to_path_buf()],
        jobs: Some(jobs),
        ..Default::default()
    }
}

/// Writes `bytes` as `name` in a new temporary folder; returns the folder
/// (removed when dropped) and the file's path.
pub fn one_file(name: &str, bytes: &[u8]) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("temporary folder");
    let path = dir.path().join(name);
    std::fs::write(&path, bytes).expect("write sample");
    (dir, path)
}

/// Random-looking bytes (not a container, not text): what hashing and type
/// detection alone cost.
pub fn noise(len: usize) -> Vec<u8> {
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x >> 24) as u8
        })
        .collect()
}

/// Items of a scan of `root` (ingest only, no checks).
pub fn inventory(root: &Path, jobs: usize) -> Vec<leakcheck::Item> {
    leakcheck::inventory(&config(root, jobs), &leakcheck::NoProgress).expect("inventory")
}

/// Every file under `dir`, sorted.
pub fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).expect("read folder").flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out.sort();
    out
}

/// The largest file under `dir`.
pub fn largest(dir: &Path) -> PathBuf {
    walk(dir)
        .into_iter()
        .max_by_key(|p| std::fs::metadata(p).map(|m| m.len()).unwrap_or(0))
        .expect("a file")
}
