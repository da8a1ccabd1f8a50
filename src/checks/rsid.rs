//! Word's editing-session ids link documents: `doc.rsid_link` (info).
//!
//! Word stamps a document with the random id of the session that created
//! it (`w:rsidRoot`) and of every session that edited it (`w:rsid`). Two
//! documents with the same root are copies of one original; two with
//! different roots sharing sessions were edited together on one machine.
//! Neither is suspicious alone; both tell a reporter which files belong
//! together, and where an altered copy came from.

use std::collections::BTreeMap;

use super::{Check, Doc, docs};
use crate::corpus::Corpus;
use crate::item::{Finding, Severity};

pub struct Rsid;

/// Sessions two documents must share to be linked by them.
const MIN_SHARED_SESSIONS: usize = 2;

impl Check for Rsid {
    fn name(&self) -> &'static str {
        "doc"
    }

    fn run(&self, corpus: &Corpus) -> Vec<Finding> {
        let docs = distinct(docs(corpus));
        let mut out = Vec::new();
        let mut by_root: BTreeMap<&str, Vec<&Doc<'_>>> = BTreeMap::new();
        for d in &docs {
            if let Some(root) = d.facts.ooxml.as_ref().and_then(|o| o.rsid_root.as_deref()) {
                by_root.entry(root).or_default().push(d);
            }
        }
        for (root, group) in &by_root {
            if group.len() < 2 {
                continue;
            }
            out.push(
                Finding::new(
                    "doc.rsid_link",
                    Severity::Info,
                    group.iter().map(|d| d.path()).collect(),
                    format!(
                        "{} different documents share Word's rsidRoot {root}: they are copies of one original document.",
                        group.len()
                    ),
                )
                .with("rsid_root", root.to_string()),
            );
        }
        // Shared sessions across different roots: index sessions, then
        // count per pair.
        let mut by_session: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
        for (i, d) in docs.iter().enumerate() {
            if let Some(o) = &d.facts.ooxml {
                for s in &o.rsids {
                    if o.rsid_root.as_deref() != Some(s.as_str()) {
                        by_session.entry(s).or_default().push(i);
                    }
                }
            }
        }
        let mut pairs: BTreeMap<(usize, usize), Vec<&str>> = BTreeMap::new();
        for (s, list) in &by_session {
            // A session shared by very many documents is a template's.
            if list.len() < 2 || list.len() > 20 {
                continue;
            }
            for (k, &a) in list.iter().enumerate() {
                for &b in &list[k + 1..] {
                    pairs.entry((a, b)).or_default().push(s);
                }
            }
        }
        for ((a, b), sessions) in pairs {
            let (da, db) = (&docs[a], &docs[b]);
            let root = |d: &Doc<'_>| d.facts.ooxml.as_ref().and_then(|o| o.rsid_root.clone());
            if sessions.len() < MIN_SHARED_SESSIONS || root(da) == root(db) {
                continue;
            }
            out.push(
                Finding::new(
                    "doc.rsid_link",
                    Severity::Info,
                    vec![da.path(), db.path()],
                    format!(
                        "The two documents share {} Word editing sessions although they were created separately: they were edited together, on one machine.",
                        sessions.len()
                    ),
                )
                .with("shared_sessions", sessions.join(" ")),
            );
        }
        out
    }
}

/// One document per content: byte-identical copies are reported as
/// duplicates already.
fn distinct(mut docs: Vec<Doc<'_>>) -> Vec<Doc<'_>> {
    let mut seen = std::collections::HashSet::new();
    docs.retain(|d| {
        d.item
            .sha256
            .as_ref()
            .is_none_or(|h| seen.insert(h.clone()))
    });
    docs
}
