//! The suspicion score: which items a reporter should look at first.
//!
//! The score is a ranking aid, not a probability and not a verdict. It is
//! made in a way one sentence can explain, and every ranked item carries
//! that sentence:
//!
//! * each rule that speaks against the item counts once, by its strongest
//!   finding: high 40, medium 16, low 4, info 0;
//! * an email also carries, at half weight, the strongest finding of the
//!   items it holds (its attachments and their archive members; an
//!   attached message carries its own), so a message with a doctored
//!   attachment ranks too;
//! * a *joint* finding, which cannot tell which of the items it names is
//!   suspect (two messages with one Message-ID and nothing else to tell
//!   them apart), counts against each of them at half weight;
//! * the strongest of these counts in full, each further one at half
//!   (several rules often see the same edit);
//! * evidence for the item (a DKIM pass 16, Outlook's verified headers 8,
//!   consistent metadata or Received chain 2) lowers the score, by at most
//!   half: a valid signature does not erase a contradiction.
//!
//! Coverage findings (limits, damage, links) never count: they say what
//! the scan could read, not whether an item is genuine.

use std::collections::{BTreeMap, HashMap};

use serde::{Deserialize, Serialize};

use crate::item::{Finding, Item, ItemKind, Severity};
use crate::rules::{self, RuleKind};

/// Weight of a finding against an item.
pub fn weight(severity: Severity) -> u32 {
    match severity {
        Severity::High => 40,
        Severity::Medium => 16,
        Severity::Low => 4,
        Severity::Info => 0,
    }
}

/// Weight of a finding for an item.
fn support_weight(rule: &str) -> u32 {
    match rule {
        "dkim.verified" => 16,
        "dkim.headers_verified" => 8,
        _ => 2,
    }
}

/// One ranked item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Suspect {
    /// Provenance path of the item.
    pub path: String,
    /// Rank, 1 for the most suspicious.
    pub rank: u32,
    /// The score after supporting evidence.
    pub score: u32,
    /// `strong doubt` (≥ 32), `doubt` (≥ 12) or `weak doubt`.
    pub level: String,
    /// One line: the strongest reason.
    pub reason: String,
    /// How the score was made, in words, one sentence a line.
    pub explanation: Vec<String>,
    /// The score before supporting evidence, and what that evidence took off.
    pub doubt: u32,
    pub support: u32,
    /// Ids of the findings that count against the item itself.
    pub findings: Vec<String>,
    /// Id of the finding on an item it carries that counts, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub carried: Option<String>,
    /// Ids of the findings that count for it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub supporting: Vec<String>,
}

/// The word for a score: a high finding stays a strong doubt when minor
/// support (a consistent Received chain) takes a little off.
pub fn level(score: u32) -> &'static str {
    if score >= 32 {
        "strong doubt"
    } else if score >= 12 {
        "doubt"
    } else {
        "weak doubt"
    }
}

/// One part of an item's score.
struct Part<'a> {
    weight: u32,
    finding: &'a Finding,
    carried: bool,
}

/// Ranks every item that some finding speaks against, most suspicious
/// first; ties keep the report's item order.
pub fn rank(items: &[Item], findings: &[Finding]) -> Vec<Suspect> {
    let index: HashMap<&str, usize> = items
        .iter()
        .enumerate()
        .map(|(i, it)| (it.path.as_str(), i))
        .collect();
    // The nearest email holding each item, by walking parents.
    let carrier = |mut i: usize| -> Option<usize> {
        for _ in 0..items.len() {
            let p = items[i].parent.as_deref()?;
            i = *index.get(p)?;
            if items[i].kind == ItemKind::Email {
                return Some(i);
            }
        }
        None
    };

    // Per item: the strongest finding of each rule against it (with its
    // weight), and for it. A joint finding (which of its items is suspect
    // cannot be told) counts against each of its items at half weight.
    let mut against: BTreeMap<usize, BTreeMap<&str, (u32, &Finding)>> = BTreeMap::new();
    let mut support: BTreeMap<usize, BTreeMap<&str, &Finding>> = BTreeMap::new();
    for f in findings {
        if f.supports {
            if let Some(&i) = f.paths.first().and_then(|p| index.get(p.as_str())) {
                support.entry(i).or_default().entry(&f.rule).or_insert(f);
            }
            continue;
        }
        let w = weight(f.severity);
        if w == 0 || rules::kind_of(&f.rule) != RuleKind::Authenticity {
            continue;
        }
        let (subjects, w): (&[String], u32) = if f.joint {
            (&f.paths, w / 2)
        } else {
            (f.paths.get(..1).unwrap_or(&[]), w)
        };
        for p in subjects {
            let Some(&i) = index.get(p.as_str()) else {
                continue;
            };
            let slot = against
                .entry(i)
                .or_default()
                .entry(&f.rule)
                .or_insert((w, f));
            if w > slot.0 {
                *slot = (w, f);
            }
        }
    }

    let mut parts: BTreeMap<usize, Vec<Part>> = BTreeMap::new();
    for (&i, by_rule) in &against {
        let best = by_rule.values().max_by_key(|(w, _)| *w).copied();
        parts
            .entry(i)
            .or_default()
            .extend(by_rule.values().map(|&(weight, finding)| Part {
                weight,
                finding,
                carried: false,
            }));
        if let (Some(c), Some((best_w, best))) = (carrier(i), best) {
            let list = parts.entry(c).or_default();
            let w = best_w / 2;
            match list.iter_mut().find(|p| p.carried) {
                Some(p) if p.weight >= w => {}
                Some(p) => {
                    p.weight = w;
                    p.finding = best;
                }
                None => list.push(Part {
                    weight: w,
                    finding: best,
                    carried: true,
                }),
            }
        }
    }

    let mut out: Vec<Suspect> = Vec::new();
    for (i, mut list) in parts {
        list.sort_by(|a, b| {
            b.weight
                .cmp(&a.weight)
                .then(a.carried.cmp(&b.carried))
                .then_with(|| a.finding.rule.cmp(&b.finding.rule))
        });
        let doubt = list.first().map(|p| p.weight).unwrap_or(0)
            + list.iter().skip(1).map(|p| p.weight).sum::<u32>() / 2;
        if doubt == 0 {
            continue;
        }
        let for_it: Vec<&Finding> = support
            .get(&i)
            .map(|m| m.values().copied().collect())
            .unwrap_or_default();
        let support_total: u32 = for_it.iter().map(|f| support_weight(&f.rule)).sum();
        let taken = support_total.min(doubt / 2);
        let score = doubt - taken;
        let explanation = explain(&list, &for_it, doubt, taken, score);
        let reason = list.first().map(|p| one_line(p)).unwrap_or_default();
        out.push(Suspect {
            path: items[i].path.clone(),
            rank: 0,
            score,
            level: level(score).into(),
            reason,
            explanation,
            doubt,
            support: taken,
            findings: list
                .iter()
                .filter(|p| !p.carried)
                .map(|p| p.finding.id.clone())
                .collect(),
            carried: list
                .iter()
                .find(|p| p.carried)
                .map(|p| p.finding.id.clone()),
            supporting: for_it.iter().map(|f| f.id.clone()).collect(),
        });
    }
    let order: HashMap<&str, usize> = index;
    out.sort_by(|a, b| {
        b.score
            .cmp(&a.score)
            .then(b.doubt.cmp(&a.doubt))
            .then_with(|| order.get(a.path.as_str()).cmp(&order.get(b.path.as_str())))
    });
    for (n, s) in out.iter_mut().enumerate() {
        s.rank = n as u32 + 1;
    }
    out
}

fn one_line(p: &Part) -> String {
    let f = p.finding;
    if p.carried {
        format!(
            "Carries {} ({}, {}): {}",
            f.paths.first().map(String::as_str).unwrap_or("?"),
            f.severity,
            f.rule,
            f.message
        )
    } else {
        format!("{} ({}): {}", f.rule, f.severity, f.message)
    }
}

fn explain(
    parts: &[Part],
    support: &[&Finding],
    doubt: u32,
    taken: u32,
    score: u32,
) -> Vec<String> {
    let mut lines = Vec::new();
    for (n, p) in parts.iter().enumerate() {
        let share = if n == 0 {
            "counts in full"
        } else {
            "counts at half"
        };
        let what = if p.carried {
            format!(
                "it carries {}, with a {} finding ({}), worth {} at half weight",
                p.finding.paths.first().map(String::as_str).unwrap_or("?"),
                p.finding.severity,
                p.finding.rule,
                p.weight
            )
        } else {
            format!(
                "a {} finding of rule {} ({}{})",
                p.finding.severity,
                p.finding.rule,
                p.weight,
                if p.finding.joint {
                    ", half: it cannot tell which of the items it names is suspect"
                } else {
                    ""
                }
            )
        };
        lines.push(format!(
            "{}{what}; {share}.",
            if n == 0 { "Against it: " } else { "Also: " }
        ));
    }
    if !support.is_empty() {
        let names: Vec<String> = support
            .iter()
            .map(|f| format!("{} ({})", f.rule, support_weight(&f.rule)))
            .collect();
        lines.push(format!(
            "For it: {}; this takes off {taken} of the doubt of {doubt} (at most half).",
            names.join(", ")
        ));
    }
    lines.push(format!("Score {score}: {}.", level(score)));
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(path: &str, parent: Option<&str>, kind: ItemKind) -> Item {
        Item::new(path.into(), parent.map(Into::into), kind)
    }

    fn finding(rule: &str, sev: Severity, path: &str) -> Finding {
        Finding::new(rule, sev, vec![path.into()], format!("{rule} on {path}"))
    }

    #[test]
    fn strongest_counts_in_full_and_carriers_rank_at_half() {
        let items = vec![
            item("a.eml", None, ItemKind::Email),
            item("a.eml!x.pdf", Some("a.eml"), ItemKind::Attachment),
            item("b.eml", None, ItemKind::Email),
            item("c.eml", None, ItemKind::Email),
        ];
        let findings = vec![
            finding("pdf.info_xmp_disagree", Severity::Medium, "a.eml!x.pdf"),
            finding("pdf.incremental_update", Severity::Medium, "a.eml!x.pdf"),
            finding("type.mismatch", Severity::High, "b.eml"),
            finding("limit.depth", Severity::Low, "c.eml"),
            Finding::support("dkim.verified", vec!["b.eml".into()], "ok"),
        ];
        let r = rank(&items, &findings);
        let paths: Vec<&str> = r.iter().map(|s| s.path.as_str()).collect();
        assert_eq!(paths, ["b.eml", "a.eml!x.pdf", "a.eml"]);
        // High 40, minus a DKIM pass (16), never more than half.
        assert_eq!((r[0].doubt, r[0].support, r[0].score), (40, 16, 24));
        // Two mediums: 16 + 16/2.
        assert_eq!(r[1].score, 24);
        assert_eq!(r[1].level, "doubt");
        // The carrier: half the strongest medium.
        assert_eq!(r[2].score, 8);
        assert!(
            r[2].reason.starts_with("Carries a.eml!x.pdf"),
            "{}",
            r[2].reason
        );
        assert!(r[2].carried.is_some());
        // Coverage findings never rank.
        assert!(!paths.contains(&"c.eml"));
        assert_eq!(r.iter().map(|s| s.rank).collect::<Vec<_>>(), [1, 2, 3]);
    }

    #[test]
    fn support_takes_off_at_most_half() {
        let items = vec![item("m.msg", None, ItemKind::Email)];
        let findings = vec![
            finding("outlook.properties_disagree", Severity::Medium, "m.msg"),
            Finding::support("dkim.verified", vec!["m.msg".into()], "ok"),
            Finding::support("received.consistent", vec!["m.msg".into()], "ok"),
        ];
        let r = rank(&items, &findings);
        assert_eq!((r[0].doubt, r[0].support, r[0].score), (16, 8, 8));
        assert!(r[0].explanation.iter().any(|l| l.contains("at most half")));
    }

    #[test]
    fn a_joint_finding_charges_each_item_at_half() {
        let items = vec![
            item("a.eml", None, ItemKind::Email),
            item("b.eml", None, ItemKind::Email),
        ];
        let mut f = Finding::new(
            "message_id.reused",
            Severity::High,
            vec!["b.eml".into(), "a.eml".into()],
            "one of them",
        );
        f.joint = true;
        let r = rank(&items, &[f.clone()]);
        assert_eq!(r.len(), 2);
        assert!(r.iter().all(|s| s.score == 20), "{r:?}");
        assert!(r[0].explanation[0].contains("cannot tell"));
        // Decided: the first named item takes it all.
        f.joint = false;
        let r = rank(&items, &[f]);
        assert_eq!((r.len(), r[0].path.as_str(), r[0].score), (1, "b.eml", 40));
    }

    #[test]
    fn a_rule_counts_once() {
        let items = vec![item("a", None, ItemKind::File)];
        let findings = vec![
            finding("doc.edit_burst", Severity::Medium, "a"),
            Finding::new(
                "doc.edit_burst",
                Severity::Medium,
                vec!["a".into()],
                "another",
            ),
        ];
        assert_eq!(rank(&items, &findings)[0].score, 16);
    }
}
