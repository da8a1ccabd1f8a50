//! leakcheck: provenance and forgery checks for leaked document dumps.
//!
//! Data flows one way:
//!
//! ```text
//! ingest (walk, open containers, hash)  →  corpus index  →  checks  →  report
//! ```
//!
//! * [`ingest`] turns the dump into [`Item`]s, each with its provenance path
//!   (`mail/inbox.mbox!17!budget.zip!plan.docx`), both digests and its
//!   detected type, plus the findings that reading produced (limits hit,
//!   damage, unreadable members).
//! * [`corpus`] indexes the items (by digest, by parent) once.
//! * [`checks`] each look at the corpus and add findings.
//! * [`report`] assembles the [`Report`], the JSON contract described in
//!   `docs/report-format.md`, and renders it.
//!
//! ```no_run
//! let config = leakcheck::Config { roots: vec!["dump".into()], ..Default::default() };
//! let report = leakcheck::scan(&config, &leakcheck::NoProgress).unwrap();
//! println!("{} items", report.items.len());
//! ```

pub mod checks;
pub mod config;
pub mod corpus;
pub mod detect;
pub mod diff;
pub mod document;
pub mod email;
pub mod hash;
pub mod ingest;
pub mod item;
pub mod manifest;
pub mod outlook;
pub mod report;
pub mod rules;
pub mod shard;

use std::path::PathBuf;

pub use config::{Config, Limits};
pub use item::{Finding, Item, ItemKind, Severity};
pub use report::Report;

/// Why a scan could not run at all. Problems with single items are never
/// errors: they are findings in the report.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("cannot read '{}'", path.display())]
    Input {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{0}")]
    Usage(String),
    #[error("cannot start worker threads: {0}")]
    Threads(String),
}

/// Receives progress while a scan runs; called from worker threads.
pub trait Progress: Sync {
    /// The walk is done: this many entries (files, links…) and bytes to read.
    fn start(&self, _entries: u64, _bytes: u64) {}
    /// One entry on disk was read, with everything inside it: its size on
    /// disk, the items it gave (itself, members, messages, attachments)
    /// and how many of them could not be read whole.
    fn file_done(&self, _bytes: u64, _items: u64, _errors: u64) {}
    /// Reading is done; the corpus-level checks run now.
    fn checking(&self) {}
}

/// A [`Progress`] that shows nothing.
pub struct NoProgress;
impl Progress for NoProgress {}

/// The worker pool of a scan. Deep nesting recurses through the container
/// readers: each worker gets a stack far larger than the depth limit needs.
pub(crate) fn pool(config: &Config) -> Result<rayon::ThreadPool, Error> {
    let mut builder = rayon::ThreadPoolBuilder::new().stack_size(64 << 20);
    if let Some(n) = config.jobs {
        builder = builder.num_threads(n.max(1));
    }
    builder.build().map_err(|e| Error::Threads(e.to_string()))
}

/// Reads and hashes every item under the roots, inner ones included,
/// without the corpus-level checks: what manifests and `verify` need. The
/// items are those of a [`scan`], with the same paths, kinds, sizes and
/// digests, but without the facts only the checks read (email headers and
/// DKIM verdicts, document metadata, text and fingerprints): reading those
/// costs about as much again as the hashing.
pub fn inventory(config: &Config, progress: &dyn Progress) -> Result<Vec<Item>, Error> {
    let per_file = inventory_with(config, progress, &|items, _| items)?;
    Ok(per_file.into_iter().flat_map(|(_, items)| items).collect())
}

/// [`inventory`] as manifest entries, sorted as [`manifest::entries`]
/// sorts them: each file's items become entries on the worker that read
/// them, so only the entries (path, kind, size, digests) are ever held for
/// the whole dump. What `manifest` and `verify` use.
pub fn inventory_entries(
    config: &Config,
    progress: &dyn Progress,
) -> Result<Vec<manifest::Entry>, Error> {
    let per_file = inventory_with(config, progress, &|items, _| {
        items.iter().filter_map(manifest::entry).collect::<Vec<_>>()
    })?;
    let mut entries: Vec<manifest::Entry> = per_file.into_iter().flat_map(|(_, e)| e).collect();
    manifest::sort(&mut entries);
    Ok(entries)
}

/// Reads every listed file for an inventory, in listing order, keeping
/// what `keep` makes of each file's items.
fn inventory_with<T: Send>(
    config: &Config,
    progress: &dyn Progress,
    keep: &(dyn Fn(Vec<Item>, Vec<Finding>) -> T + Sync),
) -> Result<Vec<(usize, T)>, Error> {
    if config.roots.is_empty() {
        return Err(Error::Usage(
            "nothing to inventory: give at least one path".into(),
        ));
    }
    let pool = pool(config)?;
    let listing = ingest::fs::list(config)?;
    progress.start(listing.files(), listing.bytes());
    Ok(pool.install(|| {
        ingest::fs::read_some(
            config,
            &listing,
            &|_| true,
            ingest::Reading::Inventory,
            progress,
            keep,
        )
    }))
}

/// Reads one file given whole in memory, named `name`, as a scan reads a
/// file on disk (members, messages and attachments to any depth): its items
/// and the findings reading produced, without the corpus-level checks and
/// without the backstop that turns a panic into a finding. For the fuzz
/// targets in `fuzz/`; not a stable API.
#[doc(hidden)]
pub fn read_bytes(name: &str, bytes: &[u8], config: &Config) -> (Vec<Item>, Vec<Finding>) {
    let mut walker = ingest::Walker::new(config, ingest::Reading::Everything);
    walker.bytes(name.to_string(), bytes);
    (walker.items, walker.findings)
}

/// [`scan`] of one file given whole in memory, named `name`: reading, every
/// check and the report, on the calling thread (`config.roots` is not
/// read). For the fuzz targets in `fuzz/`; not a stable API.
#[doc(hidden)]
pub fn scan_bytes(name: &str, bytes: &[u8], config: &Config) -> Report {
    let (items, findings) = read_bytes(name, bytes, config);
    let disk = report::DiskCounts {
        entries: 1,
        directories: 0,
        excluded: 0,
        bytes: bytes.len() as u64,
    };
    report::finish(&report::Setup::new(config), disk, items, findings)
}

/// Scans the roots of `config` and returns the full report.
pub fn scan(config: &Config, progress: &dyn Progress) -> Result<Report, Error> {
    if config.roots.is_empty() {
        return Err(Error::Usage(
            "nothing to scan: give at least one path".into(),
        ));
    }
    let pool = pool(config)?;
    let listing = ingest::fs::list(config)?;
    progress.start(listing.files(), listing.bytes());
    let (items, findings) = pool
        .install(|| ingest::fs::read_all(config, &listing, ingest::Reading::Everything, progress));
    progress.checking();
    // The checks run side by side on the scan's own threads (`--jobs`).
    Ok(pool.install(|| {
        report::finish(
            &report::Setup::new(config),
            report::DiskCounts::of(&listing),
            items,
            findings,
        )
    }))
}
