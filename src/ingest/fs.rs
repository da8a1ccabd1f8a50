//! Walking the roots on disk with `walkdir`: sorted, symlinks reported and
//! not followed (unless asked), special files never opened, excluded paths
//! counted. Files are then read in parallel, one task per file on disk.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

use globset::{Glob, GlobSet, GlobSetBuilder};
use rayon::prelude::*;
use serde_json::Value;
use walkdir::WalkDir;

use super::{Reading, Walker};
use crate::config::Config;
use crate::item::{Finding, Item, ItemKind, Severity, escape_segment_bytes};
use crate::{Error, Progress};

/// One entry found on disk.
enum Entry {
    File {
        path: String,
        abs: PathBuf,
        size: u64,
    },
    Symlink {
        path: String,
        target: String,
        error: Option<String>,
    },
    Special {
        path: String,
        what: &'static str,
    },
    Unreadable {
        path: String,
        error: String,
    },
}

/// What the walk found under the roots, before any file is read.
pub(crate) struct Listing {
    entries: Vec<Entry>,
    pub excluded: u64,
    pub directories: u64,
}

impl Listing {
    /// Entries and bytes of the entries whose path `select` accepts.
    pub fn selected(&self, select: &dyn Fn(&str) -> bool) -> (u64, u64) {
        self.entries
            .iter()
            .filter(|e| select(e.path()))
            .fold((0, 0), |(n, b), e| match e {
                Entry::File { size, .. } => (n + 1, b + size),
                _ => (n + 1, b),
            })
    }

    pub fn files(&self) -> u64 {
        self.entries.len() as u64
    }

    pub fn bytes(&self) -> u64 {
        self.entries
            .iter()
            .map(|e| match e {
                Entry::File { size, .. } => *size,
                _ => 0,
            })
            .sum()
    }
}

fn build_excludes(patterns: &[String]) -> Result<GlobSet, Error> {
    let mut b = GlobSetBuilder::new();
    for p in patterns {
        let g = Glob::new(p)
            .map_err(|e| Error::Usage(format!("invalid --exclude pattern '{p}': {e}")))?;
        b.add(g);
    }
    b.build()
        .map_err(|e| Error::Usage(format!("invalid --exclude patterns: {e}")))
}

/// The provenance path of a file relative to its root, `/`-separated, with
/// non-UTF-8 bytes, `!` and `%` escaped.
fn rel_path(prefix: &str, rel: &Path) -> String {
    use std::os::unix::ffi::OsStrExt;
    let mut parts: Vec<String> = Vec::new();
    if !prefix.is_empty() {
        parts.push(prefix.to_string());
    }
    for c in rel.components() {
        parts.push(escape_segment_bytes(c.as_os_str().as_bytes()));
    }
    parts.join("/")
}

/// Names the roots in paths: a single directory root adds nothing, a single
/// file root is its file name; with several roots, each is prefixed by its
/// own name (made unique with `~N`).
pub(crate) fn root_prefixes(roots: &[PathBuf]) -> Vec<String> {
    use std::os::unix::ffi::OsStrExt;
    let mut seen = std::collections::HashMap::<String, u32>::new();
    roots
        .iter()
        .enumerate()
        .map(|(i, r)| {
            if roots.len() == 1 {
                return String::new();
            }
            let name = r
                .canonicalize()
                .ok()
                .and_then(|c| c.file_name().map(|n| escape_segment_bytes(n.as_bytes())))
                .unwrap_or_else(|| format!("root{}", i + 1));
            let mut candidate = name.clone();
            let mut n = 1;
            while seen.contains_key(&candidate) {
                n += 1;
                candidate = format!("{name}~{n}");
            }
            seen.insert(candidate.clone(), 1);
            candidate
        })
        .collect()
}

pub(crate) fn list(config: &Config) -> Result<Listing, Error> {
    let excludes = build_excludes(&config.excludes)?;
    let prefixes = root_prefixes(&config.roots);
    let mut listing = Listing {
        entries: Vec::new(),
        excluded: 0,
        directories: 0,
    };
    for (root, prefix) in config.roots.iter().zip(&prefixes) {
        let meta = std::fs::metadata(root).map_err(|e| Error::Input {
            path: root.clone(),
            source: e,
        })?;
        let walk = WalkDir::new(root)
            .follow_links(config.follow_symlinks)
            .sort_by_file_name();
        // A file given as a root keeps its own name as its path.
        let root_name: Option<PathBuf> = if meta.is_dir() {
            None
        } else {
            root.file_name().map(PathBuf::from)
        };
        let mut it = walk.into_iter();
        loop {
            let next = match it.next() {
                None => break,
                Some(n) => n,
            };
            let entry = match next {
                Ok(e) => e,
                Err(err) => {
                    let p = err.path().unwrap_or(root);
                    let rel = p.strip_prefix(root).unwrap_or(p);
                    let path = rel_path(prefix, rel);
                    let error = match err.loop_ancestor() {
                        Some(a) => format!("symlink loop back to {}", a.display()),
                        None => err.to_string(),
                    };
                    listing.entries.push(Entry::Unreadable { path, error });
                    continue;
                }
            };
            let rel = match &root_name {
                Some(n) => n.as_path(),
                None => entry.path().strip_prefix(root).unwrap_or(entry.path()),
            };
            if entry.depth() > 0 && excludes.is_match(rel) {
                listing.excluded += 1;
                if entry.file_type().is_dir() {
                    it.skip_current_dir();
                }
                continue;
            }
            let path = rel_path(prefix, rel);
            let ft = entry.file_type();
            if ft.is_dir() {
                listing.directories += 1;
                continue;
            }
            if ft.is_symlink() {
                let target = std::fs::read_link(entry.path());
                let (target, error) = match target {
                    Ok(t) => (t.display().to_string(), None),
                    Err(e) => (String::new(), Some(e.to_string())),
                };
                listing.entries.push(Entry::Symlink {
                    path,
                    target,
                    error,
                });
                continue;
            }
            if ft.is_file() {
                let size = entry.metadata().map(|m| m.len()).unwrap_or(0);
                listing.entries.push(Entry::File {
                    path,
                    abs: entry.path().to_path_buf(),
                    size,
                });
                continue;
            }
            use std::os::unix::fs::FileTypeExt;
            let what = if ft.is_fifo() {
                "FIFO"
            } else if ft.is_socket() {
                "socket"
            } else if ft.is_block_device() || ft.is_char_device() {
                "device"
            } else {
                "special file"
            };
            listing.entries.push(Entry::Special { path, what });
        }
    }
    Ok(listing)
}

/// Reads every listed entry, in parallel, and returns items and findings
/// in listing order (so the result does not depend on the thread count).
pub(crate) fn read_all(
    config: &Config,
    listing: &Listing,
    reading: Reading,
    progress: &dyn Progress,
) -> (Vec<Item>, Vec<Finding>) {
    let per_file = read_some(config, listing, &|_| true, reading, progress, &|i, f| {
        (i, f)
    });
    // Sized once: growing by doubling held up to three copies of the
    // item table at the moment of a reallocation.
    let mut items = Vec::with_capacity(per_file.iter().map(|r| r.1.0.len()).sum());
    let mut findings = Vec::with_capacity(per_file.iter().map(|r| r.1.1.len()).sum());
    for (_, (i, f)) in per_file {
        items.extend(i);
        findings.extend(f);
    }
    (items, findings)
}

/// Reads the listed entries whose path `select` accepts, in parallel:
/// for each, its index in the listing and what `keep` makes of its items
/// and findings (on the worker, as soon as the entry is read), in listing
/// order.
pub(crate) fn read_some<T: Send>(
    config: &Config,
    listing: &Listing,
    select: &(dyn Fn(&str) -> bool + Sync),
    reading: Reading,
    progress: &dyn Progress,
    keep: &(dyn Fn(Vec<Item>, Vec<Finding>) -> T + Sync),
) -> Vec<(usize, T)> {
    // Largest files first, one task each: a few big mboxes or archives at
    // the end of the listing would otherwise leave the other workers idle
    // while one reads them. Results go back to listing order after.
    let size = |e: &Entry| match e {
        Entry::File { size, .. } => *size,
        _ => 0,
    };
    let mut order: Vec<usize> = (0..listing.entries.len())
        .filter(|&n| select(listing.entries[n].path()))
        .collect();
    order.sort_by_key(|&n| (std::cmp::Reverse(size(&listing.entries[n])), n));
    let mut out: Vec<(usize, T)> = order
        .into_par_iter()
        .with_max_len(1)
        .map(|n| {
            let e = &listing.entries[n];
            let r = read_entry(config, e, reading);
            let errors = r.0.iter().filter(|i| i.error.is_some()).count();
            progress.file_done(size(e), r.0.len() as u64, errors as u64);
            (n, keep(r.0, r.1))
        })
        .collect();
    out.sort_by_key(|u| u.0);
    out
}

impl Entry {
    fn path(&self) -> &str {
        match self {
            Entry::File { path, .. }
            | Entry::Symlink { path, .. }
            | Entry::Special { path, .. }
            | Entry::Unreadable { path, .. } => path,
        }
    }
}

fn read_entry(config: &Config, entry: &Entry, reading: Reading) -> (Vec<Item>, Vec<Finding>) {
    let mut w = Walker::new(config, reading);
    match entry {
        Entry::File { path, abs, .. } => {
            let r = catch_unwind(AssertUnwindSafe(|| w.file(path.clone(), None, abs)));
            if let Err(panic) = r {
                // A backstop: a parser bug must cost one file, not the scan.
                let what = super::panic_text(&*panic);
                let mut w2 = Walker::new(config, reading);
                w2.items = std::mem::take(&mut w.items);
                w2.findings = std::mem::take(&mut w.findings);
                w = w2;
                if w.items.is_empty() {
                    let mut item = Item::new(path.clone(), None, ItemKind::File);
                    item.error = Some(format!("internal error: {what}"));
                    w.items.push(item);
                } else if w.items[0].error.is_none() {
                    w.items[0].error =
                        Some(format!("internal error while reading members: {what}"));
                }
                w.findings.push(
                    Finding::new(
                        "ingest.internal_error",
                        Severity::Low,
                        vec![path.clone()],
                        "leakcheck failed on this file (a bug, please report it); what was read before the failure is listed.",
                    )
                    .with("panic", what),
                );
            }
        }
        Entry::Symlink {
            path,
            target,
            error,
        } => {
            let mut item = Item::new(path.clone(), None, ItemKind::Symlink);
            item.detected_type = "inode/symlink".into();
            item.metadata
                .insert("link_target".into(), Value::from(target.clone()));
            item.error = error.clone();
            w.items.push(item);
            w.findings.push(
                Finding::new(
                    "fs.symlink",
                    Severity::Info,
                    vec![path.clone()],
                    format!("A symbolic link to '{target}'; links are listed, not followed."),
                )
                .with("target", target.clone()),
            );
        }
        Entry::Special { path, what } => {
            let mut item = Item::new(path.clone(), None, ItemKind::Special);
            item.detected_type = "inode/special".into();
            item.error = Some(format!("{what}: not a regular file, not opened"));
            w.items.push(item);
            w.findings.push(Finding::new(
                "fs.special_file",
                Severity::Info,
                vec![path.clone()],
                format!("A {what} in the dump; it was not opened."),
            ));
        }
        Entry::Unreadable { path, error } => {
            let mut item = Item::new(path.clone(), None, ItemKind::File);
            item.error = Some(error.clone());
            w.items.push(item);
            w.findings.push(
                Finding::new(
                    "ingest.read_error",
                    Severity::Low,
                    vec![path.clone()],
                    format!("This part of the dump could not be read ({error})."),
                )
                .with("error", error.clone()),
            );
        }
    }
    (w.items, w.findings)
}
