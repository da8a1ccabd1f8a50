//! Scale-out: scan a deterministic 1/N of a dump on each of N machines
//! (`scan --shard K/N`), then `merge` the partial reports and run the
//! corpus-level checks once over the whole.
//!
//! A file on disk belongs to shard `1 + (first 8 bytes of BLAKE3(its
//! provenance path) mod N)`: stable across runs and machines, and
//! independent of which other files exist, so a file added to the dump
//! does not move the others. Everything inside a file (an mbox's messages,
//! a zip's members) goes with it: one 20 GB PST is one task. Each shard
//! walks the whole tree (cheap: no file is read) so that the merged
//! report's disk counts and item order are those of a single scan; the
//! merged report is byte-identical to `scan` with the same options.

use serde::{Deserialize, Serialize};

use crate::item::{Finding, Item};
use crate::report::{DiskCounts, Setup};
use crate::{Config, Error, Progress, ingest, report};

/// Bumped when the partial format changes.
pub const PARTIAL_VERSION: u32 = 1;

/// `K/N`: this is shard K (1-based) of N.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shard {
    pub index: u32,
    pub count: u32,
}

impl std::str::FromStr for Shard {
    type Err = String;
    fn from_str(s: &str) -> Result<Shard, String> {
        let bad = || format!("'{s}' is not K/N with 1 ≤ K ≤ N (e.g. 3/8)");
        let (k, n) = s.split_once('/').ok_or_else(bad)?;
        let index: u32 = k.trim().parse().map_err(|_| bad())?;
        let count: u32 = n.trim().parse().map_err(|_| bad())?;
        if index == 0 || count == 0 || index > count {
            return Err(bad());
        }
        Ok(Shard { index, count })
    }
}

impl Shard {
    /// Whether the file on disk at provenance path `path` is this shard's.
    pub fn owns(&self, path: &str) -> bool {
        let h = blake3::hash(path.as_bytes());
        let mut first = [0u8; 8];
        first.copy_from_slice(&h.as_bytes()[..8]);
        (u64::from_le_bytes(first) % u64::from(self.count)) as u32 + 1 == self.index
    }
}

/// What one file on disk gave: its index in the walk, its items and the
/// findings reading it produced.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Unit {
    pub index: u64,
    pub items: Vec<Item>,
    pub findings: Vec<Finding>,
}

/// A partial report: one shard's reading of its files, before the
/// corpus-level checks.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Partial {
    pub partial_version: u32,
    pub tool_version: String,
    pub shard: Shard,
    pub setup: Setup,
    pub disk: DiskCounts,
    pub units: Vec<Unit>,
}

impl Partial {
    pub fn to_json(&self) -> String {
        let mut s = serde_json::to_string(self).unwrap_or_default();
        s.push('\n');
        s
    }
}

/// Reads this shard's files of the dump.
pub fn scan_shard(
    config: &Config,
    shard: Shard,
    progress: &dyn Progress,
) -> Result<Partial, Error> {
    let pool = crate::pool(config)?;
    let listing = ingest::fs::list(config)?;
    let select = move |p: &str| shard.owns(p);
    let (files, bytes) = listing.selected(&select);
    progress.start(files, bytes);
    let units = pool.install(|| {
        ingest::fs::read_some(
            config,
            &listing,
            &select,
            ingest::Reading::Everything,
            progress,
            &|items, findings| (items, findings),
        )
    });
    Ok(Partial {
        partial_version: PARTIAL_VERSION,
        tool_version: env!("CARGO_PKG_VERSION").into(),
        shard,
        setup: Setup::new(config),
        disk: DiskCounts::of(&listing),
        units: units
            .into_iter()
            .map(|(index, (items, findings))| Unit {
                index: index as u64,
                items,
                findings,
            })
            .collect(),
    })
}

/// Combines the partial reports of every shard of one scan and runs the
/// corpus-level checks: the report a single `scan` would have written.
pub fn merge(partials: Vec<Partial>) -> Result<report::Report, Error> {
    let Some(first) = partials.first() else {
        return Err(Error::Usage("nothing to merge".into()));
    };
    let (count, setup, disk) = (first.shard.count, first.setup.clone(), first.disk);
    let mut seen = vec![false; count as usize];
    for p in &partials {
        if p.partial_version != PARTIAL_VERSION || p.tool_version != env!("CARGO_PKG_VERSION") {
            return Err(Error::Usage(format!(
                "shard {}/{} was written by leakcheck {} (partial format {}); this is {} (format {PARTIAL_VERSION}): use the same version everywhere",
                p.shard.index,
                p.shard.count,
                p.tool_version,
                p.partial_version,
                env!("CARGO_PKG_VERSION")
            )));
        }
        if p.shard.count != count {
            return Err(Error::Usage(format!(
                "shard {}/{} does not belong with shards of {count}",
                p.shard.index, p.shard.count
            )));
        }
        if p.setup != setup || p.disk != disk {
            return Err(Error::Usage(format!(
                "shard {}/{} was scanned with other inputs or options, or saw another tree, than shard {}/{count}; scan every shard with the same paths and options",
                p.shard.index, p.shard.count, first.shard.index
            )));
        }
        let slot = &mut seen[(p.shard.index - 1) as usize];
        if *slot {
            return Err(Error::Usage(format!(
                "shard {}/{count} is given twice",
                p.shard.index
            )));
        }
        *slot = true;
    }
    let missing: Vec<String> = seen
        .iter()
        .enumerate()
        .filter(|(_, s)| !**s)
        .map(|(i, _)| format!("{}/{count}", i + 1))
        .collect();
    if !missing.is_empty() {
        return Err(Error::Usage(format!(
            "missing shards: {} (a merge needs every shard)",
            missing.join(", ")
        )));
    }
    let mut units: Vec<Unit> = partials.into_iter().flat_map(|p| p.units).collect();
    units.sort_by_key(|u| u.index);
    let mut items = Vec::new();
    let mut findings = Vec::new();
    for u in units {
        items.extend(u.items);
        findings.extend(u.findings);
    }
    Ok(report::finish(&setup, disk, items, findings))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_parse_and_partition() {
        assert!("0/3".parse::<Shard>().is_err());
        assert!("4/3".parse::<Shard>().is_err());
        assert!("x".parse::<Shard>().is_err());
        let shards: Vec<Shard> = (1..=3)
            .map(|k| format!("{k}/3").parse().expect("valid"))
            .collect();
        for n in 0..200 {
            let path = format!("mail/{n}.eml");
            let owners = shards.iter().filter(|s| s.owns(&path)).count();
            assert_eq!(owners, 1, "{path}");
        }
        // Not all in one shard.
        assert!(
            shards
                .iter()
                .all(|s| (0..200).any(|n| s.owns(&format!("mail/{n}.eml"))))
        );
    }
}
