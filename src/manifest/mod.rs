//! Evidence manifests: what a dump held, written so that `sha256sum -c`,
//! `b3sum -c`, `hashdeep -a` and BagIt validators can check it, and read
//! back by `leakcheck verify`, which goes further and checks every inner
//! item (archive members, mbox messages, attachments) too.
//!
//! * [`sums`]: the `HASH  path` lists of `sha256sum` and `b3sum`;
//! * [`jsonl`]: `items.jsonl`, one line per item, inner ones included;
//! * [`hashdeep`]: hashdeep's `%%%% HASHDEEP-1.0` format;
//! * [`bagit`]: a BagIt 1.0 bag (RFC 8493);
//! * [`audit`]: hashdeep's audit semantics over any of them.
//!
//! Every output is deterministic: entries sorted by path bytes, LF line
//! endings, no clock (except BagIt's `Bagging-Date`, which the RFC asks
//! for; set `SOURCE_DATE_EPOCH` to fix it).

pub mod audit;
pub mod bagit;
pub mod hashdeep;
pub mod jsonl;
pub mod sums;

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::item::{Item, ItemKind, escape_segment_bytes, split_path};

/// One manifest line: an item, its size and digests.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    /// Provenance path (`mail/inbox.mbox!17!plan.docx`; see `docs/report-format.md`).
    pub path: String,
    pub kind: ItemKind,
    pub size: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sha256: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub blake3: Option<String>,
}

impl Entry {
    /// A file on disk (not a member of anything).
    pub fn on_disk(&self) -> bool {
        !self.path.contains('!')
    }

    /// The raw bytes of the path on disk (provenance escapes undone);
    /// only meaningful for [`Entry::on_disk`] entries.
    pub fn disk_path(&self) -> Vec<u8> {
        split_path(&self.path)
            .into_iter()
            .next()
            .unwrap_or_default()
    }
}

/// The entries of a scan's items that have content: regular files and
/// every member read whole, sorted by provenance path.
pub fn entries(items: &[Item]) -> Vec<Entry> {
    let mut out: Vec<Entry> = items.iter().filter_map(entry).collect();
    sort(&mut out);
    out
}

/// The entry of one item, if it has content (not a link or special file).
pub fn entry(item: &Item) -> Option<Entry> {
    (!matches!(item.kind, ItemKind::Symlink | ItemKind::Special)).then(|| Entry {
        path: item.path.clone(),
        kind: item.kind,
        size: item.size,
        sha256: item.sha256.clone(),
        blake3: item.blake3.clone(),
    })
}

/// Sorts entries as [`entries`] gives them: by provenance path bytes.
pub fn sort(entries: &mut [Entry]) {
    entries.sort_by(|a, b| a.path.as_bytes().cmp(b.path.as_bytes()));
}

/// The files on disk among `entries` that could be read, sorted by raw path bytes.
pub fn files(entries: &[Entry]) -> Vec<&Entry> {
    let mut out: Vec<&Entry> = entries
        .iter()
        .filter(|e| e.on_disk() && e.sha256.is_some())
        .collect();
    out.sort_by_key(|e| e.disk_path());
    out
}

/// A digest algorithm a manifest can carry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Algorithm {
    Sha256,
    Blake3,
}

impl Algorithm {
    pub fn as_str(self) -> &'static str {
        match self {
            Algorithm::Sha256 => "sha256",
            Algorithm::Blake3 => "blake3",
        }
    }

    /// The digest of `e` in this algorithm.
    pub fn of(self, e: &Entry) -> Option<&str> {
        match self {
            Algorithm::Sha256 => e.sha256.as_deref(),
            Algorithm::Blake3 => e.blake3.as_deref(),
        }
    }
}

/// The `manifest --out DIR` files: name and content.
pub fn outputs(entries: &[Entry]) -> Vec<(&'static str, Vec<u8>)> {
    let files = files(entries);
    vec![
        (
            "manifest-sha256.txt",
            sums::write(&files, Algorithm::Sha256, sums::Style::Coreutils),
        ),
        (
            "manifest-blake3.txt",
            sums::write(&files, Algorithm::Blake3, sums::Style::Coreutils),
        ),
        ("items.jsonl", jsonl::write(entries)),
    ]
}

/// What a manifest expects, read from any of the forms leakcheck knows.
pub struct Loaded {
    pub expected: Vec<audit::Expected>,
    pub algorithm: Algorithm,
    pub scope: audit::Scope,
    /// What was read, for messages: "leakcheck manifest", "BagIt bag"…
    pub form: &'static str,
}

/// Lists made by `find . -exec sha256sum {} +` name files `./a.txt`: the
/// same file as `a.txt`.
fn from_lines(lines: Vec<sums::Line>) -> Vec<audit::Expected> {
    lines
        .into_iter()
        .map(|l| {
            let name = l.name.strip_prefix(b"./").unwrap_or(&l.name);
            audit::Expected {
                path: escape_segment_bytes(name),
                hash: Some(l.hash),
            }
        })
        .collect()
}

/// A manifest must say one thing per path, with digests of the length
/// SHA-256 and BLAKE3 have: a path listed twice with different digests
/// (a line slipped in before the real one) or an MD5/SHA-1/SHA-512 list
/// is refused rather than half-checked.
fn validated(mut loaded: Loaded, label: &str) -> Result<Loaded, Error> {
    if let Some(bad) = loaded
        .expected
        .iter()
        .filter_map(|e| e.hash.as_ref())
        .find(|h| h.len() != 64)
    {
        return Err(Error::Usage(format!(
            "{label}: a digest of {} hex digits; leakcheck verifies SHA-256 and BLAKE3 (64 digits). Check MD5, SHA-1 or SHA-512 lists with md5sum/sha1sum/sha512sum -c",
            bad.len()
        )));
    }
    loaded
        .expected
        .sort_by(|a, b| a.path.cmp(&b.path).then_with(|| a.hash.cmp(&b.hash)));
    loaded.expected.dedup();
    if let Some(w) = loaded.expected.windows(2).find(|w| w[0].path == w[1].path) {
        return Err(Error::Usage(format!(
            "{label} lists '{}' twice with different digests: the manifest itself is inconsistent",
            w[0].path
        )));
    }
    Ok(loaded)
}

fn from_entries(
    entries: &[Entry],
    algorithm: Algorithm,
    label: &str,
) -> Result<Vec<audit::Expected>, Error> {
    // Items that were unreadable when the manifest was made have no
    // digest: they are expected to be there, unreadable still.
    if !entries.is_empty() && entries.iter().all(|e| algorithm.of(e).is_none()) {
        return Err(Error::Usage(format!(
            "{label} has no {} digests",
            algorithm.as_str()
        )));
    }
    Ok(entries
        .iter()
        .map(|e| audit::Expected {
            path: e.path.clone(),
            hash: algorithm.of(e).map(str::to_string),
        })
        .collect())
}

/// Reads a manifest: a folder written by `leakcheck manifest` (its
/// `items.jsonl`), a BagIt bag, an `items.jsonl`, a hashdeep file, or a
/// `sha256sum`/`b3sum` list. `algorithm` picks the digest where the form
/// carries both; a bare list is BLAKE3 when its name says so (`b3`,
/// `blake3`), else SHA-256.
pub fn load(path: &Path, algorithm: Option<Algorithm>) -> Result<Loaded, Error> {
    let loaded = load_any(path, algorithm)?;
    validated(loaded, &path.display().to_string())
}

fn load_any(path: &Path, algorithm: Option<Algorithm>) -> Result<Loaded, Error> {
    let label = path.display().to_string();
    let read = |p: &Path| {
        std::fs::read(p).map_err(|source| Error::Read {
            path: p.display().to_string(),
            source,
        })
    };
    if path.is_dir() {
        if bagit::is_bag(path) {
            let bag = bagit::read(path)?;
            if let Some(items) = &bag.items {
                let algo = algorithm.unwrap_or(Algorithm::Sha256);
                return Ok(Loaded {
                    expected: from_entries(items, algo, &label)?,
                    algorithm: algo,
                    scope: audit::Scope::Items,
                    form: "BagIt bag with leakcheck items",
                });
            }
            return Ok(Loaded {
                expected: from_lines(bag.payload),
                algorithm: bag.algorithm,
                scope: audit::Scope::Files,
                form: "BagIt bag",
            });
        }
        let items = path.join("items.jsonl");
        if items.is_file() {
            return load_any(&items, algorithm);
        }
        for (name, algo) in [
            ("manifest-sha256.txt", Algorithm::Sha256),
            ("manifest-blake3.txt", Algorithm::Blake3),
        ] {
            if path.join(name).is_file() && algorithm.is_none_or(|a| a == algo) {
                return load_any(&path.join(name), Some(algo));
            }
        }
        return Err(Error::Usage(format!(
            "'{label}' holds no manifest: expected items.jsonl, manifest-sha256.txt, manifest-blake3.txt or a BagIt bag"
        )));
    }
    let body = read(path)?;
    if body.starts_with(b"%%%% HASHDEEP") {
        let rows = hashdeep::read(&body, &label)?;
        return Ok(Loaded {
            expected: rows
                .into_iter()
                .map(|(_, hash, name)| audit::Expected {
                    path: escape_segment_bytes(&name),
                    hash: Some(hash),
                })
                .collect(),
            algorithm: Algorithm::Sha256,
            scope: audit::Scope::Files,
            form: "hashdeep file",
        });
    }
    if body.trim_ascii_start().starts_with(b"{") {
        let entries = jsonl::read(&body, &label)?;
        let algo = algorithm.unwrap_or(Algorithm::Sha256);
        return Ok(Loaded {
            expected: from_entries(&entries, algo, &label)?,
            algorithm: algo,
            scope: audit::Scope::Items,
            form: "leakcheck items.jsonl",
        });
    }
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    let algo = algorithm.unwrap_or(if name.contains("b3") || name.contains("blake3") {
        Algorithm::Blake3
    } else {
        Algorithm::Sha256
    });
    Ok(Loaded {
        expected: from_lines(sums::read(&body, sums::Style::Coreutils, &label)?),
        algorithm: algo,
        scope: audit::Scope::Files,
        form: "checksum list",
    })
}

/// Why a manifest could not be written or read.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("cannot read '{path}'")]
    Read {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot write '{path}'")]
    Write {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{path}, line {line}: {what}")]
    Syntax {
        path: String,
        line: usize,
        what: String,
    },
    #[error("{0}")]
    Usage(String),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_keep_files_and_members_and_sort_by_path() {
        let mut a = Item::new("b.txt".into(), None, ItemKind::File);
        a.sha256 = Some("1".into());
        let link = Item::new("a-link".into(), None, ItemKind::Symlink);
        let mut m = Item::new(
            "a.zip!x%21y".into(),
            Some("a.zip".into()),
            ItemKind::ArchiveMember,
        );
        m.sha256 = Some("2".into());
        let e = entries(&[a, link, m]);
        let paths: Vec<&str> = e.iter().map(|e| e.path.as_str()).collect();
        assert_eq!(paths, ["a.zip!x%21y", "b.txt"]);
        assert!(!e[0].on_disk());
        assert_eq!(files(&e).len(), 1);
        assert_eq!(e[1].disk_path(), b"b.txt");
    }
}
