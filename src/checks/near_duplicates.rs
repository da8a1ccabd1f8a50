//! Near-duplicate documents: `doc.near_duplicate`.
//!
//! Two documents whose text fingerprints (SimHash) are close, or whose
//! TLSH are close when they have no text, but whose bytes differ: one is a
//! revision or an altered copy of the other. Revisions and exports to
//! another format are everyday work (`low`, both paths). The later copy
//! of the same format is `medium` when its metadata says its text changed
//! without the traces a real edit leaves:
//!
//! * last saved by someone who is not part of the corpus (no mail, no
//!   other day of work on its documents), unlike the earlier copy;
//! * its last-save time (or, without save times, its revision number) did
//!   not move although the text changed (the text was edited outside the
//!   program that keeps them).
//!
//! Candidates: documents with the same file name, the same Word rsidRoot
//! or the same title are compared in full; all others through SimHash
//! bands (4 × 16 bits), which find every pair differing in at most 3 of 64
//! bits without comparing every pair of a 100,000-document dump.

use std::collections::{BTreeMap, BTreeSet};

use super::people::{People, name_key};
use super::{Check, Doc, docs};
use crate::corpus::Corpus;
use crate::document::fingerprint::{text_similarity, tlsh_distance};
use crate::item::{Finding, Severity};

pub struct NearDuplicates;

/// Text fingerprints at least this similar are near-duplicates.
const TEXT_NEAR: f64 = 0.80;
/// TLSH distance at most this is near (when there is no text to compare).
const TLSH_NEAR: i32 = 30;
/// Groups larger than this (a name like `image001.png`) are compared only
/// through the bands.
const MAX_GROUP: usize = 200;

impl Check for NearDuplicates {
    fn name(&self) -> &'static str {
        "doc"
    }

    fn run(&self, corpus: &Corpus) -> Vec<Finding> {
        let all = docs(corpus);
        let people = People::new(corpus, &all);
        let mut seen = std::collections::HashSet::new();
        let docs: Vec<&Doc<'_>> = all
            .iter()
            .filter(|d| d.facts.fingerprint.is_some())
            .filter(|d| {
                d.item
                    .sha256
                    .as_ref()
                    .is_none_or(|h| seen.insert(h.clone()))
            })
            .collect();
        let mut out = Vec::new();
        for (a, b) in candidates(&docs) {
            let (x, y) = (docs[a], docs[b]);
            if let Some(similarity) = near(x, y) {
                out.push(pair(x, y, similarity, &people));
            }
        }
        out
    }
}

/// Candidate pairs (index into `docs`, smaller first), sorted.
fn candidates(docs: &[&Doc<'_>]) -> BTreeSet<(usize, usize)> {
    let mut groups: BTreeMap<(u8, String), Vec<usize>> = BTreeMap::new();
    for (i, d) in docs.iter().enumerate() {
        groups
            .entry((0, d.name().to_lowercase()))
            .or_default()
            .push(i);
        if let Some(r) = d.facts.ooxml.as_ref().and_then(|o| o.rsid_root.clone()) {
            groups.entry((1, r)).or_default().push(i);
        }
        if let Some(t) = &d.facts.title {
            groups.entry((2, t.to_lowercase())).or_default().push(i);
        }
        if let Some(t) = d.facts.fingerprint.as_ref().and_then(|f| f.text.as_ref())
            && let Ok(h) = u64::from_str_radix(&t.simhash, 16)
        {
            for band in 0..4u8 {
                let bits = (h >> (16 * band)) & 0xffff;
                groups
                    .entry((3 + band, format!("{bits:04x}")))
                    .or_default()
                    .push(i);
            }
        }
    }
    let mut pairs = BTreeSet::new();
    for list in groups.values() {
        if list.len() < 2 || list.len() > MAX_GROUP {
            continue;
        }
        for (k, &a) in list.iter().enumerate() {
            for &b in &list[k + 1..] {
                pairs.insert((a.min(b), a.max(b)));
            }
        }
    }
    pairs
}

/// The similarity of two documents when they are near-duplicates.
fn near(x: &Doc<'_>, y: &Doc<'_>) -> Option<f64> {
    let (fx, fy) = (x.facts.fingerprint.as_ref()?, y.facts.fingerprint.as_ref()?);
    match (&fx.text, &fy.text) {
        (Some(a), Some(b)) => {
            if a.digest == b.digest {
                return None; // same text, saved again: not an edit of the text
            }
            let s = text_similarity(a, b);
            (s >= TEXT_NEAR).then_some(s)
        }
        (None, None) => {
            let d = tlsh_distance(fx.tlsh.as_deref()?, fy.tlsh.as_deref()?)?;
            (d <= TLSH_NEAR).then(|| 1.0 - f64::from(d) / 300.0)
        }
        _ => None,
    }
}

/// When a copy entered the dump: its carrier's sending time, else its last save.
fn when(d: &Doc<'_>) -> i64 {
    d.sent()
        .or(d.facts.modified.as_ref().map(|m| m.unix))
        .unwrap_or(i64::MIN)
}

fn pair(x: &Doc<'_>, y: &Doc<'_>, similarity: f64, people: &People) -> Finding {
    let (early, late) = if (when(x), &x.item.path) <= (when(y), &y.item.path) {
        (x, y)
    } else {
        (y, x)
    };
    let (e, l) = (early.facts, late.facts);
    let mut differs = Vec::new();
    let mut field = |name: &str, a: Option<String>, b: Option<String>| {
        if a != b {
            differs.push((
                name.to_string(),
                a.unwrap_or_else(|| "—".into()),
                b.unwrap_or_else(|| "—".into()),
            ));
        }
    };
    field("author", e.author.clone(), l.author.clone());
    field(
        "last editor",
        e.last_modified_by.clone(),
        l.last_modified_by.clone(),
    );
    field(
        "last saved",
        e.modified.as_ref().map(|t| t.display()),
        l.modified.as_ref().map(|t| t.display()),
    );
    field("revision", e.revision.clone(), l.revision.clone());
    field("application", e.application.clone(), l.application.clone());
    field("company", e.company.clone(), l.company.clone());
    let mut signs = Vec::new();
    if let Some(editor) = &l.last_modified_by {
        let same_editor = e
            .last_modified_by
            .as_deref()
            .is_some_and(|p| name_key(p) == name_key(editor));
        if !same_editor && !people.is_member(editor, 2) {
            signs.push(format!(
                "it was last saved by '{editor}', who writes no mail in this dump and works on none of its other documents"
            ));
        }
    }
    if let (Some(a), Some(b)) = (&e.modified, &l.modified)
        && b.unix <= a.unix
    {
        signs.push(format!(
            "its last-save time ({}) is not later than the earlier copy's ({}) although its text changed",
            b.display(),
            a.display()
        ));
    }
    // Without save times, an unchanged revision number says the same.
    if (e.modified.is_none() || l.modified.is_none())
        && e.revision.is_some()
        && e.revision == l.revision
    {
        signs.push("its revision number did not change although its text did".to_string());
    }
    let what = differs
        .iter()
        .map(|(n, a, b)| format!("{n} '{a}' → '{b}'"))
        .collect::<Vec<_>>()
        .join(", ");
    let what = if what.is_empty() {
        "the metadata is the same".to_string()
    } else {
        format!("metadata: {what}")
    };
    let pct = (similarity * 100.0).round() as u32;
    // A Word file and its PDF export are near in text by nature.
    let same_format = early.item.detected_type == late.item.detected_type;
    let mut f = if signs.is_empty() || !same_format {
        Finding::new(
            "doc.near_duplicate",
            Severity::Low,
            vec![late.path(), early.path()],
            format!(
                "'{}' is {pct}% similar to '{}' but not identical, a revision or an altered copy; {what}.",
                late.name(),
                early.path()
            ),
        )
    } else {
        Finding::new(
            "doc.near_duplicate",
            Severity::Medium,
            vec![late.path()],
            format!(
                "'{}' is an altered copy of '{}' ({pct}% similar, not identical): {}; {what}.",
                late.name(),
                early.path(),
                signs.join("; ")
            ),
        )
    };
    f = f
        .with("earlier_copy", early.path())
        .with("similarity", (similarity * 100.0).round() / 100.0);
    for (n, a, b) in differs {
        let key = n.replace(' ', "_");
        f = f
            .with(&format!("earlier_{key}"), a)
            .with(&format!("later_{key}"), b);
    }
    f
}
