//! `leakcheck diff OLD.json NEW.json`: what changed between two scan reports.
//!
//! Items are compared like `hashdeep -a` audits a folder, but every item
//! counts, the ones inside containers included:
//!
//! * **matched**: the same path in both reports with the same content
//!   (see below). Only counted.
//! * **changed**: the same path, different content: another SHA-256, size,
//!   detected type or kind, or a change of readability (an `error` appeared
//!   or went away, or the item stopped or started being hashed whole). Items
//!   hashed in neither report are compared by path only: just their
//!   readability and, for symbolic links, the link target.
//! * **moved**: a path gone from OLD whose SHA-256 appears at a path that is
//!   new in NEW. When several items share one content, the gone paths and the
//!   new paths of that content are each sorted and paired in that order; the
//!   ones left over are removed or added. A moved item is never also
//!   reported as added or removed.
//! * **added** / **removed**: the rest.
//!
//! A container that changed has changed members too; item differences
//! follow the NEW report's item order (a container before its members), then
//! the removed items in the OLD report's order.
//!
//! Findings are matched by `id`, which hashes the rule, the paths and the
//! message. A finding only in NEW is **new**, one only in OLD is **gone**.
//! A gone and a new finding of the same rule about the same first path
//! (after following that path through a move) are shown as one **changed**
//! finding instead: the observation is still there but its message,
//! severity or related paths moved on (a DKIM failure that now names another
//! header, a type mismatch on a renamed file), which reads better than an
//! unrelated pair. When several such findings share a rule and first path,
//! they pair in report order. Findings differences follow the NEW report's
//! order (new and changed), then the gone ones in OLD order.
//!
//! Differences in what shaped the two scans (tool version, schema version,
//! options, input prefixes, the time window the time checks used) are
//! listed as `notes`: they explain differences but are not differences
//! themselves, so [`Diff::is_empty`] ignores them.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt::Write;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::item::{Finding, Item, ItemKind, Severity};
use crate::report::{Report, Tool};

/// The differences between two reports.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Diff {
    /// The earlier report, briefly.
    pub old: Side,
    /// The later report, briefly.
    pub new: Side,
    /// Settings that differ between the two scans and may explain the
    /// differences; not differences themselves.
    pub notes: Vec<Note>,
    pub counts: Counts,
    /// Item differences: NEW report order, then removed items in OLD order.
    pub items: Vec<ItemChange>,
    /// Finding differences: NEW report order (new, changed), then gone
    /// findings in OLD order.
    pub findings: Vec<FindingChange>,
}

/// One of the two reports, briefly.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Side {
    pub tool: Option<Tool>,
    pub schema_version: u32,
    /// The scanned roots as given on the command line.
    pub inputs: Vec<String>,
    pub items: u64,
    pub findings: u64,
}

/// A setting that differs between the two scans.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Note {
    /// Dotted name of the report field, e.g. `options.limits.max_depth`.
    pub field: String,
    pub old: Value,
    pub new: Value,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counts {
    pub items: ItemCounts,
    pub findings: FindingCounts,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ItemCounts {
    pub matched: u64,
    pub changed: u64,
    pub moved: u64,
    pub added: u64,
    pub removed: u64,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FindingCounts {
    pub unchanged: u64,
    pub new: u64,
    pub gone: u64,
    pub changed: u64,
}

/// What happened to an item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ItemChangeKind {
    Changed,
    Moved,
    Added,
    Removed,
}

impl ItemChangeKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ItemChangeKind::Changed => "changed",
            ItemChangeKind::Moved => "moved",
            ItemChangeKind::Added => "added",
            ItemChangeKind::Removed => "removed",
        }
    }
}

/// Which part of a changed item differs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Aspect {
    /// An `error` appeared or went away, or the item stopped or started
    /// being hashed whole.
    Readability,
    Kind,
    DetectedType,
    Size,
    Sha256,
    /// A symbolic link points elsewhere.
    LinkTarget,
}

/// An item difference.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ItemChange {
    pub change: ItemChangeKind,
    /// The item's path: in NEW, or in OLD for a removed item.
    pub path: String,
    /// For a moved item, its path in OLD.
    pub old_path: Option<String>,
    /// For a changed item, what differs.
    pub what: Vec<Aspect>,
    /// The item in OLD (none when added).
    pub old: Option<ItemState>,
    /// The item in NEW (none when removed).
    pub new: Option<ItemState>,
}

/// The compared facts of an item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ItemState {
    pub kind: ItemKind,
    pub detected_type: String,
    pub size: u64,
    pub sha256: Option<String>,
    pub error: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub link_target: Option<String>,
}

impl ItemState {
    fn of(item: &Item) -> ItemState {
        ItemState {
            kind: item.kind,
            detected_type: item.detected_type.clone(),
            size: item.size,
            sha256: item.sha256.clone(),
            error: item.error.clone(),
            link_target: link_target(item),
        }
    }
}

fn link_target(item: &Item) -> Option<String> {
    if item.kind != ItemKind::Symlink {
        return None;
    }
    item.metadata
        .get("link_target")
        .and_then(Value::as_str)
        .map(str::to_string)
}

/// What happened to a finding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FindingChangeKind {
    New,
    Gone,
    Changed,
}

/// A finding difference.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FindingChange {
    pub change: FindingChangeKind,
    /// The finding in OLD (none when new).
    pub old: Option<FindingState>,
    /// The finding in NEW (none when gone).
    pub new: Option<FindingState>,
}

/// A finding without its evidence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FindingState {
    pub id: String,
    pub rule: String,
    pub severity: Severity,
    #[serde(default)]
    pub supports: bool,
    pub paths: Vec<String>,
    pub message: String,
}

impl FindingState {
    fn of(f: &Finding) -> FindingState {
        FindingState {
            id: f.id.clone(),
            rule: f.rule.clone(),
            severity: f.severity,
            supports: f.supports,
            paths: f.paths.clone(),
            message: f.message.clone(),
        }
    }
}

/// Compares `old` with `new`.
pub fn diff(old: &Report, new: &Report) -> Diff {
    let (items, item_counts, moves) = diff_items(&old.items, &new.items);
    let (findings, finding_counts) = diff_findings(&old.findings, &new.findings, &moves);
    Diff {
        old: side(old),
        new: side(new),
        notes: notes(old, new),
        counts: Counts {
            items: item_counts,
            findings: finding_counts,
        },
        items,
        findings,
    }
}

fn side(r: &Report) -> Side {
    Side {
        tool: Some(r.tool.clone()),
        schema_version: r.schema_version,
        inputs: r.inputs.iter().map(|i| i.path.clone()).collect(),
        items: r.items.len() as u64,
        findings: r.findings.len() as u64,
    }
}

/// The settings that shaped each scan, as dotted field → value.
fn settings(r: &Report) -> BTreeMap<String, Value> {
    let mut out = BTreeMap::new();
    out.insert("schema_version".into(), Value::from(r.schema_version));
    out.insert("tool.name".into(), Value::from(r.tool.name.clone()));
    out.insert("tool.version".into(), Value::from(r.tool.version.clone()));
    if let Ok(v) = serde_json::to_value(&r.options) {
        flatten("options", v, &mut out);
    }
    // The roots themselves usually differ (two copies of a dump); what item
    // paths start with does matter.
    out.insert(
        "inputs.prefix".into(),
        Value::from(
            r.inputs
                .iter()
                .map(|i| Value::from(i.prefix.clone()))
                .collect::<Vec<_>>(),
        ),
    );
    out.insert(
        "summary.time_window".into(),
        match &r.summary.time_window {
            Some(w) => Value::from(format!(
                "{}..{}{}",
                w.start,
                w.end,
                if w.inferred { " (inferred)" } else { "" }
            )),
            None => Value::Null,
        },
    );
    out
}

fn flatten(prefix: &str, v: Value, out: &mut BTreeMap<String, Value>) {
    match v {
        Value::Object(m) => {
            for (k, v) in m {
                flatten(&format!("{prefix}.{k}"), v, out);
            }
        }
        v => {
            out.insert(prefix.to_string(), v);
        }
    }
}

fn notes(old: &Report, new: &Report) -> Vec<Note> {
    let a = settings(old);
    let mut b = settings(new);
    let mut out = Vec::new();
    for (field, old) in a {
        let new = b.remove(&field).unwrap_or(Value::Null);
        if old != new {
            out.push(Note { field, old, new });
        }
    }
    for (field, new) in b {
        if !new.is_null() {
            out.push(Note {
                field,
                old: Value::Null,
                new,
            });
        }
    }
    out.sort_by(|x, y| x.field.cmp(&y.field));
    out
}

/// What differs between two items at the same path; empty when they match.
fn compare(a: &Item, b: &Item) -> Vec<Aspect> {
    let mut what = Vec::new();
    let (ha, hb) = (a.sha256.is_some(), b.sha256.is_some());
    if ha != hb || a.error.is_some() != b.error.is_some() {
        what.push(Aspect::Readability);
    }
    if ha && hb {
        if a.kind != b.kind {
            what.push(Aspect::Kind);
        }
        if a.detected_type != b.detected_type {
            what.push(Aspect::DetectedType);
        }
        if a.size != b.size {
            what.push(Aspect::Size);
        }
        if a.sha256 != b.sha256 {
            what.push(Aspect::Sha256);
        }
    } else if !ha && !hb && link_target(a) != link_target(b) {
        what.push(Aspect::LinkTarget);
    }
    what
}

/// Pairs each content's gone paths with its new paths, both in path order.
/// Takes (index, path, sha256) of unmatched old and new items; returns
/// (old index, new index) pairs.
fn pair_moves(gone: &[(usize, &str, &str)], fresh: &[(usize, &str, &str)]) -> Vec<(usize, usize)> {
    /// (path, index) of the gone and of the new items of one content.
    type Sides<'a> = (Vec<(&'a str, usize)>, Vec<(&'a str, usize)>);
    let mut by_sha: BTreeMap<&str, Sides> = BTreeMap::new();
    for &(i, path, sha) in gone {
        by_sha.entry(sha).or_default().0.push((path, i));
    }
    for &(i, path, sha) in fresh {
        by_sha.entry(sha).or_default().1.push((path, i));
    }
    let mut pairs = Vec::new();
    for (_, (mut olds, mut news)) in by_sha {
        olds.sort_unstable();
        news.sort_unstable();
        pairs.extend(olds.iter().zip(news.iter()).map(|(o, n)| (o.1, n.1)));
    }
    pairs
}

/// Paths → indices; a path listed twice in one report (never written by
/// leakcheck, but possible in an edited file) pairs by occurrence.
fn index(items: &[Item]) -> HashMap<&str, Vec<usize>> {
    let mut m: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, it) in items.iter().enumerate() {
        m.entry(it.path.as_str()).or_default().push(i);
    }
    m
}

type Moves = HashMap<String, String>;

fn diff_items(old: &[Item], new: &[Item]) -> (Vec<ItemChange>, ItemCounts, Moves) {
    let old_at = index(old);
    let mut counts = ItemCounts::default();
    // For each new item, its counterpart at the same path in OLD.
    let mut same: Vec<Option<usize>> = vec![None; new.len()];
    let mut old_taken = vec![false; old.len()];
    let mut seen: HashMap<&str, usize> = HashMap::new();
    for (j, it) in new.iter().enumerate() {
        let k = seen.entry(it.path.as_str()).or_insert(0);
        if let Some(&i) = old_at.get(it.path.as_str()).and_then(|v| v.get(*k)) {
            same[j] = Some(i);
            old_taken[i] = true;
        }
        *k += 1;
    }
    let gone: Vec<(usize, &str, &str)> = old
        .iter()
        .enumerate()
        .filter(|(i, _)| !old_taken[*i])
        .filter_map(|(i, it)| it.sha256.as_deref().map(|s| (i, it.path.as_str(), s)))
        .collect();
    let fresh: Vec<(usize, &str, &str)> = new
        .iter()
        .enumerate()
        .filter(|(j, _)| same[*j].is_none())
        .filter_map(|(j, it)| it.sha256.as_deref().map(|s| (j, it.path.as_str(), s)))
        .collect();
    let mut moved_from: Vec<Option<usize>> = vec![None; new.len()];
    let mut moves = Moves::new();
    for (i, j) in pair_moves(&gone, &fresh) {
        moved_from[j] = Some(i);
        old_taken[i] = true;
        moves.insert(old[i].path.clone(), new[j].path.clone());
    }

    let mut out = Vec::new();
    for (j, b) in new.iter().enumerate() {
        if let Some(i) = same[j] {
            let a = &old[i];
            let what = compare(a, b);
            if what.is_empty() {
                counts.matched += 1;
            } else {
                counts.changed += 1;
                out.push(ItemChange {
                    change: ItemChangeKind::Changed,
                    path: b.path.clone(),
                    old_path: None,
                    what,
                    old: Some(ItemState::of(a)),
                    new: Some(ItemState::of(b)),
                });
            }
        } else if let Some(i) = moved_from[j] {
            counts.moved += 1;
            out.push(ItemChange {
                change: ItemChangeKind::Moved,
                path: b.path.clone(),
                old_path: Some(old[i].path.clone()),
                what: Vec::new(),
                old: Some(ItemState::of(&old[i])),
                new: Some(ItemState::of(b)),
            });
        } else {
            counts.added += 1;
            out.push(ItemChange {
                change: ItemChangeKind::Added,
                path: b.path.clone(),
                old_path: None,
                what: Vec::new(),
                old: None,
                new: Some(ItemState::of(b)),
            });
        }
    }
    for (i, a) in old.iter().enumerate() {
        if !old_taken[i] {
            counts.removed += 1;
            out.push(ItemChange {
                change: ItemChangeKind::Removed,
                path: a.path.clone(),
                old_path: None,
                what: Vec::new(),
                old: Some(ItemState::of(a)),
                new: None,
            });
        }
    }
    (out, counts, moves)
}

fn diff_findings(
    old: &[Finding],
    new: &[Finding],
    moves: &Moves,
) -> (Vec<FindingChange>, FindingCounts) {
    let old_ids: HashSet<&str> = old.iter().map(|f| f.id.as_str()).collect();
    let new_ids: HashSet<&str> = new.iter().map(|f| f.id.as_str()).collect();
    let mut counts = FindingCounts::default();
    // Gone findings, by (rule, first path followed through moves), in OLD order.
    let mut gone_by_key: HashMap<(&str, &str), Vec<usize>> = HashMap::new();
    let mut gone_seen: HashSet<&str> = HashSet::new();
    let mut gone = Vec::new();
    for (i, f) in old.iter().enumerate() {
        if new_ids.contains(f.id.as_str()) || !gone_seen.insert(f.id.as_str()) {
            continue;
        }
        gone.push(i);
        let first = f.paths.first().map(String::as_str).unwrap_or("");
        let first = moves.get(first).map(String::as_str).unwrap_or(first);
        gone_by_key
            .entry((f.rule.as_str(), first))
            .or_default()
            .push(i);
    }
    for v in gone_by_key.values_mut() {
        v.reverse(); // pop() takes them in OLD order
    }
    let mut paired = HashSet::new();
    let mut out = Vec::new();
    let mut new_seen: HashSet<&str> = HashSet::new();
    for f in new {
        if !new_seen.insert(f.id.as_str()) {
            continue;
        }
        if old_ids.contains(f.id.as_str()) {
            counts.unchanged += 1;
            continue;
        }
        let first = f.paths.first().map(String::as_str).unwrap_or("");
        let earlier = gone_by_key
            .get_mut(&(f.rule.as_str(), first))
            .and_then(Vec::pop);
        match earlier {
            Some(i) => {
                paired.insert(i);
                counts.changed += 1;
                out.push(FindingChange {
                    change: FindingChangeKind::Changed,
                    old: Some(FindingState::of(&old[i])),
                    new: Some(FindingState::of(f)),
                });
            }
            None => {
                counts.new += 1;
                out.push(FindingChange {
                    change: FindingChangeKind::New,
                    old: None,
                    new: Some(FindingState::of(f)),
                });
            }
        }
    }
    for i in gone {
        if !paired.contains(&i) {
            counts.gone += 1;
            out.push(FindingChange {
                change: FindingChangeKind::Gone,
                old: Some(FindingState::of(&old[i])),
                new: None,
            });
        }
    }
    (out, counts)
}

/// Control characters (a newline in a file name) would break the one line
/// per difference: they are shown escaped.
fn clean(s: &str) -> String {
    if !s.chars().any(char::is_control) {
        return s.to_string();
    }
    s.chars()
        .map(|c| {
            if c.is_control() {
                c.escape_default().to_string()
            } else {
                c.to_string()
            }
        })
        .collect()
}

fn short(sha: Option<&str>) -> String {
    match sha {
        Some(s) => format!("{}…", s.get(..8).unwrap_or(s)),
        None => "none".into(),
    }
}

fn show_value(v: &Value) -> String {
    match v {
        Value::Null => "(none)".into(),
        Value::String(s) => clean(s),
        v => clean(&v.to_string()),
    }
}

fn describe_state(s: &ItemState) -> String {
    let mut d = format!("{}, {}, {} bytes", s.kind, s.detected_type, s.size);
    if let Some(t) = &s.link_target {
        let _ = write!(d, ", -> {}", clean(t));
    }
    match (&s.sha256, &s.error) {
        (_, Some(e)) => {
            let _ = write!(d, ", error: {}", clean(e));
        }
        (None, None) => d.push_str(", not hashed"),
        _ => {}
    }
    d
}

fn describe_change(what: &[Aspect], a: &ItemState, b: &ItemState) -> String {
    let mut parts = Vec::new();
    for w in what {
        parts.push(match w {
            Aspect::Readability => match (&a.error, &b.error) {
                (None, Some(e)) => format!("error appeared: {}", clean(e)),
                (Some(e), None) => format!("error went away (was: {})", clean(e)),
                _ if b.sha256.is_none() => "no longer hashed".into(),
                _ => "now hashed".into(),
            },
            Aspect::Kind => format!("kind {} → {}", a.kind, b.kind),
            Aspect::DetectedType => format!("type {} → {}", a.detected_type, b.detected_type),
            Aspect::Size => format!("size {} → {}", a.size, b.size),
            Aspect::Sha256 => format!(
                "sha256 {}→{}",
                short(a.sha256.as_deref()),
                short(b.sha256.as_deref())
            ),
            Aspect::LinkTarget => format!(
                "target {} → {}",
                clean(a.link_target.as_deref().unwrap_or("(none)")),
                clean(b.link_target.as_deref().unwrap_or("(none)"))
            ),
        });
    }
    parts.join(", ")
}

fn severity_label(f: &FindingState) -> String {
    if f.supports {
        "SUPPORTS".into()
    } else {
        f.severity.as_str().to_uppercase()
    }
}

fn first_path(f: &FindingState) -> String {
    clean(f.paths.first().map(String::as_str).unwrap_or("(no path)"))
}

fn plural(n: u64, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

impl Diff {
    /// True when the two reports describe the same items and findings.
    /// Differing settings ([`Diff::notes`]) alone do not count.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty() && self.findings.is_empty()
    }

    /// The differences for a person, one line each.
    pub fn to_text(&self) -> String {
        let c = &self.counts;
        let mut o = String::new();
        if self.is_empty() {
            let _ = writeln!(
                o,
                "no differences: {} matched, {} unchanged",
                plural(c.items.matched, "item", "items"),
                plural(c.findings.unchanged, "finding", "findings"),
            );
        } else {
            let _ = writeln!(
                o,
                "items: {} changed, {} moved, {} added, {} removed, {} matched; findings: {} new, {} gone, {} changed, {} unchanged",
                c.items.changed,
                c.items.moved,
                c.items.added,
                c.items.removed,
                c.items.matched,
                c.findings.new,
                c.findings.gone,
                c.findings.changed,
                c.findings.unchanged,
            );
        }
        if !self.notes.is_empty() {
            let _ = writeln!(o, "\nsettings differ (they may explain differences):");
            let width = self.notes.iter().map(|n| n.field.len()).max().unwrap_or(0);
            for n in &self.notes {
                let _ = writeln!(
                    o,
                    "  {:<width$}  {} → {}",
                    n.field,
                    show_value(&n.old),
                    show_value(&n.new)
                );
            }
        }
        if !self.items.is_empty() {
            let _ = writeln!(o, "\nitems:");
            for ch in &self.items {
                let path = clean(&ch.path);
                let label = ch.change.as_str();
                let line = match (ch.change, &ch.old, &ch.new) {
                    (ItemChangeKind::Changed, Some(a), Some(b)) => {
                        format!("{path}  {}", describe_change(&ch.what, a, b))
                    }
                    (ItemChangeKind::Moved, _, _) => {
                        format!("{} -> {path}", clean(ch.old_path.as_deref().unwrap_or("?")))
                    }
                    (_, _, Some(s)) | (_, Some(s), None) => {
                        format!("{path}  ({})", describe_state(s))
                    }
                    _ => path,
                };
                let _ = writeln!(o, "  {label:<8} {line}");
            }
        }
        if !self.findings.is_empty() {
            let _ = writeln!(o, "\nfindings:");
            for ch in &self.findings {
                let line = match (&ch.old, &ch.new) {
                    (None, Some(f)) => format!(
                        "new finding      {:<8}  {}  {}: {}",
                        severity_label(f),
                        f.rule,
                        first_path(f),
                        clean(&f.message)
                    ),
                    (Some(f), None) => format!(
                        "gone finding     {:<8}  {}  {}: {}",
                        severity_label(f),
                        f.rule,
                        first_path(f),
                        clean(&f.message)
                    ),
                    (Some(a), Some(b)) => {
                        let (sa, sb) = (severity_label(a), severity_label(b));
                        let sev = if sa == sb { sb } else { format!("{sa}→{sb}") };
                        let (pa, pb) = (first_path(a), first_path(b));
                        let path = if pa == pb {
                            pb
                        } else {
                            format!("{pa} -> {pb}")
                        };
                        let msg = if a.message == b.message {
                            clean(&b.message)
                        } else {
                            format!("{} (was: {})", clean(&b.message), clean(&a.message))
                        };
                        format!("changed finding  {sev:<8}  {}  {path}: {msg}", b.rule)
                    }
                    (None, None) => continue,
                };
                let _ = writeln!(o, "  {line}");
            }
        }
        o
    }

    /// The differences as pretty-printed JSON, ending with a newline.
    pub fn to_json(&self) -> String {
        let mut s = serde_json::to_string_pretty(self).unwrap_or_default();
        s.push('\n');
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(path: &str, content: Option<&str>) -> Item {
        let mut it = Item::new(path.into(), None, ItemKind::File);
        it.sha256 = content.map(|c| format!("{c:0>64}"));
        it.size = content.map_or(0, |c| c.len() as u64);
        if content.is_none() {
            it.error = Some("unreadable".into());
        }
        it
    }

    fn kinds(d: &[ItemChange]) -> Vec<(ItemChangeKind, Option<&str>, &str)> {
        d.iter()
            .map(|c| (c.change, c.old_path.as_deref(), c.path.as_str()))
            .collect()
    }

    #[test]
    fn duplicates_move_in_path_order_and_leftovers_are_added_or_removed() {
        use ItemChangeKind::*;
        let old = vec![
            item("b", Some("aa")),
            item("a", Some("aa")),
            item("c", Some("aa")),
            item("keep", Some("bb")),
        ];
        let new = vec![
            item("keep", Some("bb")),
            item("z", Some("aa")),
            item("y", Some("aa")),
        ];
        let (d, counts, moves) = diff_items(&old, &new);
        // Gone a, b, c and new y, z of the same content: a→y, b→z, c removed.
        assert_eq!(
            kinds(&d),
            vec![
                (Moved, Some("b"), "z"),
                (Moved, Some("a"), "y"),
                (Removed, None, "c"),
            ]
        );
        assert_eq!(
            (counts.matched, counts.moved, counts.removed, counts.added),
            (1, 2, 1, 0)
        );
        assert_eq!(moves.get("a").map(String::as_str), Some("y"));
        // The other way round, the extra new copy is added.
        let (d, _, _) = diff_items(&new, &old);
        assert_eq!(
            kinds(&d),
            vec![
                (Moved, Some("z"), "b"),
                (Moved, Some("y"), "a"),
                (Added, None, "c"),
            ]
        );
    }

    #[test]
    fn pairing_does_not_depend_on_report_order() {
        let gone = [(0, "p2", "s"), (1, "p1", "s"), (2, "q", "t")];
        let fresh = [(5, "n2", "s"), (3, "n1", "s"), (4, "m", "t")];
        let mut pairs = pair_moves(&gone, &fresh);
        pairs.sort_unstable();
        assert_eq!(pairs, vec![(0, 5), (1, 3), (2, 4)]);
        let mut reversed_gone = gone;
        reversed_gone.reverse();
        let mut again = pair_moves(&reversed_gone, &fresh);
        again.sort_unstable();
        assert_eq!(again, pairs);
    }

    #[test]
    fn a_path_still_present_is_not_a_move_source_or_target() {
        use ItemChangeKind::*;
        // "a" was edited and its old content copied to "b": changed + added,
        // not moved (hashdeep's rule: a move needs the old path gone).
        let old = vec![item("a", Some("11"))];
        let new = vec![item("a", Some("22")), item("b", Some("11"))];
        let (d, _, _) = diff_items(&old, &new);
        assert_eq!(kinds(&d), vec![(Changed, None, "a"), (Added, None, "b")]);
        assert_eq!(d[0].what, vec![Aspect::Sha256]);
    }

    #[test]
    fn unreadable_items_compare_by_path_and_readability() {
        use ItemChangeKind::*;
        let old = vec![item("x", None), item("y", Some("11")), item("u", None)];
        let mut u = item("u", None);
        u.size = 999; // partial reads do not count
        let new = vec![item("x", Some("11")), item("y", None), u, item("w", None)];
        let (d, counts, _) = diff_items(&old, &new);
        assert_eq!(
            kinds(&d),
            vec![
                (Changed, None, "x"),
                (Changed, None, "y"),
                (Added, None, "w")
            ]
        );
        assert_eq!(d[0].what, vec![Aspect::Readability]);
        assert_eq!(counts.matched, 1);
        let text = Diff {
            items: d,
            ..Diff::default()
        }
        .to_text();
        assert!(
            text.contains("x  error went away (was: unreadable)"),
            "{text}"
        );
        assert!(text.contains("y  error appeared: unreadable"), "{text}");
    }

    #[test]
    fn findings_pair_by_rule_and_first_path_through_moves() {
        let f = |rule: &str, path: &str, msg: &str| {
            Finding::new(rule, Severity::Low, vec![path.into()], msg)
        };
        let same = f("r", "a", "same");
        let old = vec![
            same.clone(),
            f("t", "old", "named old"),
            f("g", "a", "gone"),
        ];
        let new = vec![f("t", "new", "named new"), same, f("n", "a", "new")];
        let moves: Moves = [("old".to_string(), "new".to_string())].into();
        let (d, counts) = diff_findings(&old, &new, &moves);
        let kinds: Vec<_> = d.iter().map(|c| c.change).collect();
        use FindingChangeKind::*;
        assert_eq!(kinds, vec![Changed, New, Gone]);
        assert_eq!(
            (counts.unchanged, counts.new, counts.gone, counts.changed),
            (1, 1, 1, 1)
        );
        let text = Diff {
            findings: d,
            ..Diff::default()
        }
        .to_text();
        assert!(
            text.contains("changed finding  LOW       t  old -> new: named new (was: named old)"),
            "{text}"
        );
    }

    #[test]
    fn control_characters_stay_on_one_line() {
        let d = Diff {
            items: vec![ItemChange {
                change: ItemChangeKind::Added,
                path: "a\nb".into(),
                old_path: None,
                what: vec![],
                old: None,
                new: Some(ItemState::of(&item("a\nb", Some("1")))),
            }],
            ..Diff::default()
        };
        assert!(d.to_text().contains("a\\nb"));
    }
}
