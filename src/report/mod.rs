//! The report: the JSON contract every later stage and every consumer reads
//! (documented field by field in `docs/report-format.md`), and its renderings.
//! Nothing is decided here; the report only assembles and orders.

pub mod csv;
pub mod html;
pub mod sarif;
pub mod score;
pub mod text;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::config::{Config, Limits};
use crate::corpus::{Corpus, DuplicateGroup};
use crate::ingest::fs::{Listing, root_prefixes};
use crate::item::{Finding, Item};

/// Bumped when a field changes meaning or disappears (adding fields does not).
pub const SCHEMA_VERSION: u32 = 1;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    pub schema_version: u32,
    pub tool: Tool,
    pub options: Options,
    pub inputs: Vec<Input>,
    pub summary: Summary,
    /// Items some finding speaks against, most suspicious first (see
    /// [`score`]).
    #[serde(default)]
    pub ranking: Vec<score::Suspect>,
    pub items: Vec<Item>,
    pub duplicates: Vec<DuplicateGroup>,
    pub findings: Vec<Finding>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tool {
    pub name: String,
    pub version: String,
}

/// The options that shape the report's content.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Options {
    pub excludes: Vec<String>,
    pub follow_symlinks: bool,
    pub limits: Limits,
    /// DKIM key records given with `--dkim-keys` (how many names).
    #[serde(default)]
    pub dkim_keys: usize,
    /// The time window given with `--window`, if any (UTC).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub window: Option<String>,
}

/// One scanned root.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Input {
    /// The path as given on the command line.
    pub path: String,
    /// What item paths under this root start with (empty for a single directory root).
    pub prefix: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FormatCounts {
    pub containers: u64,
    pub members_listed: u64,
    pub members_read: u64,
}

/// A container some of whose members were listed but not read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Incomplete {
    pub path: String,
    pub format: String,
    pub members_listed: u64,
    pub members_read: u64,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Summary {
    /// All items, inner ones included.
    pub items: u64,
    /// Entries found on disk under the roots (files, links, special files).
    pub entries_on_disk: u64,
    pub directories: u64,
    /// Entries skipped by `--exclude` (a skipped directory counts once).
    pub excluded: u64,
    /// Bytes of the regular files on disk.
    pub bytes_on_disk: u64,
    pub by_kind: BTreeMap<String, u64>,
    pub by_type: BTreeMap<String, u64>,
    /// Reconciliation per container format.
    pub containers: BTreeMap<String, FormatCounts>,
    /// Containers with members listed but not read.
    pub incomplete_containers: Vec<Incomplete>,
    /// Items carrying an `error`.
    pub errors: u64,
    /// Findings that raise a doubt, by severity.
    pub findings: BTreeMap<String, u64>,
    /// Findings that support items being genuine (DKIM passes, consistent
    /// Received chains).
    #[serde(default)]
    pub supporting: u64,
    pub duplicate_groups: u64,
    pub duplicate_items: u64,
    /// Email authentication: "N of M messages DKIM-verified".
    #[serde(default)]
    pub dkim: DkimSummary,
    /// The time window of the dump (given or inferred), UTC.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_window: Option<TimeWindow>,
}

/// DKIM results over the dump's messages.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DkimSummary {
    /// Email items.
    pub messages: u64,
    /// Messages with at least one DKIM-Signature.
    pub signed: u64,
    /// Messages with at least one signature that verifies.
    pub verified: u64,
    /// Messages kept by Outlook whose header signature verifies; their
    /// body is not stored as sent, so it could not be checked.
    #[serde(default)]
    pub headers_verified: u64,
    /// Messages whose signatures' keys were all missing.
    pub key_unavailable: u64,
    /// Messages with a body or header signature failure and no pass.
    pub failed: u64,
    /// Per signing domain (d=): messages signed and verified.
    pub domains: BTreeMap<String, DomainCount>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DomainCount {
    pub signed: u64,
    pub verified: u64,
}

/// The window the time checks used.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimeWindow {
    pub start: String,
    pub end: String,
    /// Inferred from the bulk of the dated emails (not given with --window).
    pub inferred: bool,
}

fn dkim_summary(items: &[Item]) -> DkimSummary {
    use crate::email::dkim::Status;
    let mut d = DkimSummary::default();
    for e in items.iter().filter_map(|i| i.email.as_deref()) {
        d.messages += 1;
        if e.dkim.is_empty() {
            continue;
        }
        d.signed += 1;
        match e.dkim_status() {
            Some(Status::Pass) => d.verified += 1,
            Some(Status::PassHeaders) => d.headers_verified += 1,
            Some(Status::FailBody | Status::FailSignature) => d.failed += 1,
            Some(Status::KeyUnavailable) => d.key_unavailable += 1,
            _ => {}
        }
        let mut domains: Vec<&str> = e.dkim.iter().map(|s| s.domain.as_str()).collect();
        domains.sort_unstable();
        domains.dedup();
        for dom in domains {
            let c = d.domains.entry(dom.to_string()).or_default();
            c.signed += 1;
            if e.dkim
                .iter()
                .any(|s| s.domain == dom && s.status == Status::Pass)
            {
                c.verified += 1;
            }
        }
    }
    d
}

/// What a report says about how it was made: options and inputs, from the
/// configuration of the scan (or of the shards a merge combines).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Setup {
    pub options: Options,
    pub inputs: Vec<Input>,
    /// `--window`, as Unix seconds.
    pub window: Option<(i64, i64)>,
}

impl Setup {
    pub fn new(config: &Config) -> Setup {
        let prefixes = root_prefixes(&config.roots);
        Setup {
            options: Options {
                excludes: config.excludes.clone(),
                follow_symlinks: config.follow_symlinks,
                limits: config.limits.clone(),
                dkim_keys: config.dkim_keys.len(),
                window: config.window.map(|(a, b)| {
                    format!(
                        "{}..{}",
                        crate::email::date::utc_string(a),
                        crate::email::date::utc_string(b)
                    )
                }),
            },
            inputs: config
                .roots
                .iter()
                .zip(prefixes)
                .map(|(r, prefix)| Input {
                    path: r.to_string_lossy().into_owned(),
                    prefix,
                })
                .collect(),
            window: config.window,
        }
    }
}

/// What the walk counted on disk.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DiskCounts {
    pub entries: u64,
    pub directories: u64,
    pub excluded: u64,
    pub bytes: u64,
}

impl DiskCounts {
    pub(crate) fn of(listing: &Listing) -> DiskCounts {
        DiskCounts {
            entries: listing.files(),
            directories: listing.directories,
            excluded: listing.excluded,
            bytes: listing.bytes(),
        }
    }
}

/// Indexes the items, runs every check and assembles the report.
pub(crate) fn finish(
    setup: &Setup,
    disk: DiskCounts,
    items: Vec<Item>,
    mut findings: Vec<Finding>,
) -> Report {
    let mut corpus = Corpus::new(items);
    corpus.window = setup.window;
    findings.extend(crate::checks::run_all(&corpus));
    build(setup, disk, corpus, findings)
}

fn build(setup: &Setup, disk: DiskCounts, corpus: Corpus, findings: Vec<Finding>) -> Report {
    let duplicates = corpus.duplicates();
    // Findings follow the item order of the item they are about.
    let rank = |f: &Finding| {
        f.paths
            .first()
            .and_then(|p| corpus.index_of(p))
            .unwrap_or(usize::MAX)
    };
    let mut ranked: Vec<(usize, Finding)> = findings.into_iter().map(|f| (rank(&f), f)).collect();
    ranked.sort_by(|(ra, a), (rb, b)| {
        ra.cmp(rb)
            .then_with(|| a.rule.cmp(&b.rule))
            .then_with(|| a.id.cmp(&b.id))
    });
    let mut findings: Vec<Finding> = ranked.into_iter().map(|(_, f)| f).collect();
    findings.dedup_by(|a, b| a.id == b.id);
    let items = corpus.items;

    let mut summary = Summary {
        items: items.len() as u64,
        entries_on_disk: disk.entries,
        directories: disk.directories,
        excluded: disk.excluded,
        bytes_on_disk: disk.bytes,
        duplicate_groups: duplicates.len() as u64,
        duplicate_items: duplicates.iter().map(|g| g.paths.len() as u64).sum(),
        ..Summary::default()
    };
    for item in &items {
        *summary.by_kind.entry(item.kind.to_string()).or_default() += 1;
        *summary
            .by_type
            .entry(item.detected_type.clone())
            .or_default() += 1;
        if item.error.is_some() {
            summary.errors += 1;
        }
        if let Some(c) = &item.container {
            let e = summary.containers.entry(c.format.clone()).or_default();
            e.containers += 1;
            e.members_listed += c.members_listed;
            e.members_read += c.members_read;
            if c.members_read < c.members_listed {
                summary.incomplete_containers.push(Incomplete {
                    path: item.path.clone(),
                    format: c.format.clone(),
                    members_listed: c.members_listed,
                    members_read: c.members_read,
                });
            }
        }
    }
    for f in &findings {
        if f.supports {
            summary.supporting += 1;
        } else {
            *summary.findings.entry(f.severity.to_string()).or_default() += 1;
        }
    }
    summary.dkim = dkim_summary(&items);
    summary.time_window =
        crate::checks::timeline::window(&items, setup.window).map(|(a, b, inferred)| TimeWindow {
            start: crate::email::date::utc_string(a),
            end: crate::email::date::utc_string(b),
            inferred,
        });
    let ranking = score::rank(&items, &findings);
    Report {
        schema_version: SCHEMA_VERSION,
        tool: Tool {
            name: env!("CARGO_PKG_NAME").into(),
            version: env!("CARGO_PKG_VERSION").into(),
        },
        options: setup.options.clone(),
        inputs: setup.inputs.clone(),
        summary,
        ranking,
        items,
        duplicates,
        findings,
    }
}

/// `value` pretty-printed, each line after the first indented by `indent`.
fn pretty<T: Serialize>(value: &T, indent: &[u8]) -> std::io::Result<Vec<u8>> {
    let raw = serde_json::to_vec_pretty(value)?;
    let mut out = Vec::with_capacity(raw.len() + raw.len() / 8);
    for (i, line) in raw.split(|&b| b == b'\n').enumerate() {
        if i > 0 {
            out.push(b'\n');
            out.extend_from_slice(indent);
        }
        out.extend_from_slice(line);
    }
    Ok(out)
}

/// One top-level member of the report object, as serde_json's pretty
/// printer writes it.
fn field<T: Serialize>(w: &mut impl std::io::Write, name: &str, value: &T) -> std::io::Result<()> {
    write!(w, "  \"{name}\": ")?;
    w.write_all(&pretty(value, b"  ")?)?;
    w.write_all(b",\n")
}

/// A top-level array member, its elements serialised in parallel in
/// batches and written in order.
fn array<T: Serialize + Sync>(
    w: &mut impl std::io::Write,
    name: &str,
    values: &[T],
    last: bool,
) -> std::io::Result<()> {
    use rayon::prelude::*;
    write!(w, "  \"{name}\": ")?;
    if values.is_empty() {
        w.write_all(b"[]")?;
    } else {
        w.write_all(b"[\n")?;
        for (b, batch) in values.chunks(4096).enumerate() {
            let texts: Vec<Vec<u8>> = batch
                .par_iter()
                .map(|v| pretty(v, b"    "))
                .collect::<std::io::Result<_>>()?;
            for (i, t) in texts.iter().enumerate() {
                if b > 0 || i > 0 {
                    w.write_all(b",\n")?;
                }
                w.write_all(b"    ")?;
                w.write_all(t)?;
            }
        }
        w.write_all(b"\n  ]")?;
    }
    w.write_all(if last { b"\n" } else { b",\n" })
}

impl Report {
    /// Writes the report as pretty-printed JSON, ending with a newline,
    /// straight to `w`: the same bytes as [`Report::to_json`], but items and
    /// findings are serialised in parallel (on the current rayon pool) and
    /// the text of a big report is never held whole. Each element is
    /// pretty-printed on its own and indented to its depth; JSON strings
    /// hold no raw line break, so indenting after each one is exact.
    pub fn write_json(&self, mut w: impl std::io::Write) -> std::io::Result<()> {
        w.write_all(b"{\n")?;
        field(&mut w, "schema_version", &self.schema_version)?;
        field(&mut w, "tool", &self.tool)?;
        field(&mut w, "options", &self.options)?;
        field(&mut w, "inputs", &self.inputs)?;
        field(&mut w, "summary", &self.summary)?;
        field(&mut w, "ranking", &self.ranking)?;
        array(&mut w, "items", &self.items, false)?;
        field(&mut w, "duplicates", &self.duplicates)?;
        array(&mut w, "findings", &self.findings, true)?;
        w.write_all(b"}\n")?;
        w.flush()
    }

    /// The report as pretty-printed JSON, ending with a newline: what
    /// [`Report::write_json`] writes, in memory.
    pub fn to_json(&self) -> String {
        let mut out = Vec::new();
        match self.write_json(&mut out) {
            Ok(()) => String::from_utf8_lossy(&out).into_owned(),
            // Serialising plain data cannot fail; say so loudly if it ever does.
            Err(e) => format!("{{\"error\": \"report serialisation failed: {e}\"}}\n"),
        }
    }
}
