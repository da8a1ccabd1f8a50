//! Checks: each looks at the whole corpus and returns findings. A new check
//! is one file in this folder plus one line in [`CHECKS`].
//!
//! Email checks calibrate on the dump itself: a signal's severity follows
//! how rare it is here and for this sender, not a constant.

mod authorship;
mod dkim;
mod documents;
mod habits;
mod message_id;
mod near_duplicates;
mod outlook;
mod pdf;
mod people;
mod received;
mod rsid;
mod threads;
pub mod timeline;
mod type_mismatch;

use std::collections::HashMap;

use crate::corpus::Corpus;
use crate::document::DocumentFacts;
use crate::email::EmailFacts;
use crate::item::{Finding, Item};

/// A rule (or family of rules) run over the corpus after ingest.
pub trait Check: Sync {
    /// The rule id prefix of its findings, e.g. `type`.
    fn name(&self) -> &'static str;
    fn run(&self, corpus: &Corpus) -> Vec<Finding>;
}

/// Every check, in the order they run.
pub static CHECKS: &[&dyn Check] = &[
    &type_mismatch::TypeMismatch,
    &dkim::Dkim,
    &received::Received,
    &timeline::Timeline,
    &message_id::MessageId,
    &threads::Threads,
    &outlook::Outlook,
    &habits::Habits,
    &documents::Documents,
    &pdf::Pdf,
    &authorship::Authorship,
    &rsid::Rsid,
    &near_duplicates::NearDuplicates,
];

/// Runs every check. A check that fails (a bug) costs its own findings,
/// reported as `check.internal_error`, not the scan.
pub fn run_all(corpus: &Corpus) -> Vec<Finding> {
    use rayon::prelude::*;
    // The checks are independent readers of the corpus: they run side by
    // side on the scan's threads, and their findings are joined in
    // registration order, so the report does not depend on which finished
    // first.
    let per_check: Vec<Vec<Finding>> = CHECKS
        .par_iter()
        .map(|c| {
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| c.run(corpus)))
                .unwrap_or_else(|panic| {
                    let first = corpus
                        .items
                        .first()
                        .map(|i| i.path.clone())
                        .unwrap_or_default();
                    vec![
                        Finding::new(
                            "check.internal_error",
                            crate::item::Severity::Low,
                            vec![first],
                            format!(
                                "The '{}' checks failed (a bug, please report it); their findings are missing from this report.",
                                c.name()
                            ),
                        )
                        .with("panic", crate::ingest::panic_text(&*panic)),
                    ]
                })
        })
        .collect();
    per_check.into_iter().flatten().collect()
}

/// An email item and its facts.
#[derive(Clone, Copy)]
pub(crate) struct Mail<'a> {
    pub item: &'a Item,
    pub facts: &'a EmailFacts,
}

impl Mail<'_> {
    pub fn path(&self) -> String {
        self.item.path.clone()
    }
}

/// Every email of the corpus, in item order.
pub(crate) fn mails(corpus: &Corpus) -> Vec<Mail<'_>> {
    corpus
        .items
        .iter()
        .filter_map(|item| item.email.as_deref().map(|facts| Mail { item, facts }))
        .collect()
}

/// A document item, its facts and the email that carries it, if any.
#[derive(Clone, Copy)]
pub(crate) struct Doc<'a> {
    pub item: &'a Item,
    pub facts: &'a DocumentFacts,
    /// The nearest email among the item's containers.
    pub carrier: Option<&'a Item>,
}

impl Doc<'_> {
    pub fn path(&self) -> String {
        self.item.path.clone()
    }

    /// When the carrying email was sent: the later of its Date and its
    /// first Received hop, so a sender's slow clock never makes a document
    /// look edited after sending.
    pub fn sent(&self) -> Option<i64> {
        let f = self.carrier?.email.as_deref()?;
        match (f.date.map(|d| d.unix), f.first_hop().map(|h| h.unix)) {
            (Some(d), Some(h)) => Some(d.max(h)),
            (d, h) => d.or(h),
        }
    }

    /// The item's file name (the last part of its provenance path).
    pub fn name(&self) -> &str {
        let p = self.item.path.as_str();
        let last = p.rsplit('!').next().unwrap_or(p);
        last.rsplit('/').next().unwrap_or(last)
    }
}

/// Every document with metadata, in item order.
pub(crate) fn docs(corpus: &Corpus) -> Vec<Doc<'_>> {
    corpus
        .items
        .iter()
        .filter_map(|item| {
            let facts = item.document.as_deref()?;
            let mut carrier = corpus.parent(item);
            while let Some(c) = carrier {
                if c.email.is_some() {
                    break;
                }
                carrier = corpus.parent(c);
            }
            Some(Doc {
                item,
                facts,
                carrier,
            })
        })
        .collect()
}

/// How far each sender's Date headers habitually run from the first server
/// that received their mail (median of Date − first hop, seconds), for
/// senders with at least three such messages: a clock that is wrong the
/// same way every time is a habit, not a forgery.
pub(crate) fn sender_skews(mails: &[Mail<'_>]) -> HashMap<String, i64> {
    let mut by_sender: HashMap<&str, Vec<i64>> = HashMap::new();
    for m in mails {
        if let (Some(addr), Some(date), Some(hop)) =
            (&m.facts.from_address, m.facts.date, m.facts.first_hop())
        {
            by_sender
                .entry(addr.as_str())
                .or_default()
                .push(date.unix - hop.unix);
        }
    }
    by_sender
        .into_iter()
        .filter(|(_, v)| v.len() >= 3)
        .map(|(k, mut v)| {
            v.sort_unstable();
            (k.to_string(), v[v.len() / 2])
        })
        .collect()
}

/// "3 h 20 min", "2 days 4 h": a duration for people.
pub(crate) fn human_duration(secs: i64) -> String {
    let s = secs.unsigned_abs();
    let (d, h, m) = (s / 86_400, s % 86_400 / 3600, s % 3600 / 60);
    match (d, h, m) {
        (0, 0, m) => format!("{m} min"),
        (0, h, 0) => format!("{h} h"),
        (0, h, m) => format!("{h} h {m} min"),
        (1, 0, _) => "1 day".into(),
        (1, h, _) => format!("1 day {h} h"),
        (d, 0, _) => format!("{d} days"),
        (d, h, _) => format!("{d} days {h} h"),
    }
}

/// How rare a signal is, as a severity step: `count` occurrences among
/// `total` comparable cases. Rare (under 2%) is news; common (over 10%) is
/// the dump's normal and says little.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Rarity {
    Rare,
    Uncommon,
    Common,
}

pub(crate) fn rarity(count: usize, total: usize) -> Rarity {
    if total == 0 {
        return Rarity::Common;
    }
    let share = count as f64 / total as f64;
    if share <= 0.02 || count <= 1 && total >= 20 {
        Rarity::Rare
    } else if share <= 0.10 {
        Rarity::Uncommon
    } else {
        Rarity::Common
    }
}
