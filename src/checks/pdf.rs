//! PDFs: the Info dictionary against the XMP packet, and incremental
//! updates.
//!
//! A PDF keeps its metadata twice: the old Info dictionary and the XMP
//! packet. Writers set both; a tool that edits one without the other (a
//! quick Info editor, a forger's script) leaves them telling different
//! stories.
//!
//! * `pdf.info_xmp_disagree`: medium when the author differs, or the
//!   authoring tool while the producer agrees; low when only the title,
//!   producer or dates do, or tool and producer both (a converter that
//!   rewrote the Info dictionary tells one consistent story).
//! * `pdf.incremental_update`: the file was saved again after it was first
//!   written (its xref `/Prev` chain has more sections than a single
//!   writing needs). Alone that is `info` — forms get filled, files get
//!   signed. It is `medium` when the update also changed the Producer or
//!   left Info and XMP disagreeing.

use serde_json::Value;

use super::{Check, Doc, docs};
use crate::corpus::Corpus;
use crate::document::{DocTime, time};
use crate::item::{Finding, Severity};

pub struct Pdf;

impl Check for Pdf {
    fn name(&self) -> &'static str {
        "pdf"
    }

    fn run(&self, corpus: &Corpus) -> Vec<Finding> {
        let mut out = Vec::new();
        for d in docs(corpus) {
            if d.facts.pdf.is_none() {
                continue;
            }
            let disagreements = info_vs_xmp(&d);
            let worst = disagreements.iter().map(|x| x.severity).max();
            incremental(&d, &disagreements, &mut out);
            if let Some(severity) = worst {
                let list: Vec<String> = disagreements
                    .iter()
                    .map(|x| format!("{} '{}' vs {} '{}'", x.info_key, x.info, x.xmp_key, x.xmp))
                    .collect();
                let mut f = Finding::new(
                    "pdf.info_xmp_disagree",
                    severity,
                    vec![d.path()],
                    format!(
                        "The PDF's Info dictionary and its XMP metadata disagree: {}. Writers set both together; one was changed without the other.",
                        list.join("; ")
                    ),
                );
                for x in &disagreements {
                    f = f
                        .with(&format!("info_{}", x.info_key), x.info.clone())
                        .with(&format!("xmp_{}", x.xmp_key), x.xmp.clone());
                }
                out.push(f);
            }
        }
        out
    }
}

/// One field on which Info and XMP disagree.
struct Disagreement {
    info_key: &'static str,
    xmp_key: &'static str,
    info: String,
    xmp: String,
    severity: Severity,
}

/// Text folded for comparison: lowercase, whitespace collapsed, trademark
/// signs and punctuation that writers add or drop removed.
fn fold(s: &str) -> String {
    s.chars()
        .filter(|c| !matches!(c, '®' | '™' | '©'))
        .flat_map(char::to_lowercase)
        .map(|c| if c.is_alphanumeric() { c } else { ' ' })
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// Whether two values name the same thing: equal when folded, or one
/// contains the other (`Acrobat PDFMaker 17 for Word` / `… for Word 2016`).
fn same(a: &str, b: &str) -> bool {
    let (a, b) = (fold(a), fold(b));
    a == b || (!a.is_empty() && !b.is_empty() && (a.contains(&b) || b.contains(&a)))
}

fn text(v: Option<&Value>) -> Option<String> {
    match v? {
        Value::String(s) => crate::document::nonempty(s),
        Value::Array(a) => crate::document::nonempty(
            a.iter()
                .filter_map(Value::as_str)
                .collect::<Vec<_>>()
                .join(", "),
        ),
        _ => None,
    }
}

fn info_vs_xmp(d: &Doc<'_>) -> Vec<Disagreement> {
    let Some(p) = &d.facts.pdf else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let pairs: [(&str, &str, Severity); 4] = [
        ("Author", "dc:creator", Severity::Medium),
        ("Creator", "xmp:CreatorTool", Severity::Medium),
        ("Producer", "pdf:Producer", Severity::Low),
        ("Title", "dc:title", Severity::Low),
    ];
    let differ = |ik: &str, xk: &str| match (text(p.info.get(ik)), text(p.xmp.get(xk))) {
        (Some(i), Some(x)) if !same(&i, &x) => Some((i, x)),
        _ => None,
    };
    // Info's tool and producer both differing from XMP's tell one story: a
    // converter rewrote the Info dictionary (document servers do). The
    // tool alone differing while the producer agrees is an edit by hand.
    let producer_differs = differ("Producer", "pdf:Producer").is_some();
    for (ik, xk, mut severity) in pairs {
        if let Some((i, x)) = differ(ik, xk) {
            if ik == "Creator" && producer_differs {
                severity = Severity::Low;
            }
            out.push(Disagreement {
                info_key: ik,
                xmp_key: xk,
                info: i,
                xmp: x,
                severity,
            });
        }
    }
    let dates = [
        ("CreationDate", "xmp:CreateDate"),
        ("ModDate", "xmp:ModifyDate"),
    ];
    for (ik, xk) in dates {
        let i = text(p.info.get(ik));
        let x = text(p.xmp.get(xk));
        let (Some(it), Some(xt)) = (
            i.as_deref().and_then(time::parse_pdf),
            x.as_deref().and_then(time::parse_iso),
        ) else {
            continue;
        };
        if dates_differ(&it, &xt) {
            out.push(Disagreement {
                info_key: ik,
                xmp_key: xk,
                info: it.text,
                xmp: xt.text,
                severity: Severity::Low,
            });
        }
    }
    out
}

/// More than two minutes apart, allowing for a missing zone on either side.
fn dates_differ(a: &DocTime, b: &DocTime) -> bool {
    let slack = a.slack().max(b.slack()) + 120;
    (a.unix - b.unix).abs() > slack
}

fn incremental(d: &Doc<'_>, disagreements: &[Disagreement], out: &mut Vec<Finding>) {
    let Some(p) = &d.facts.pdf else {
        return;
    };
    if p.revisions <= 1 {
        return;
    }
    let mut producers: Vec<&String> = p.producers.iter().collect();
    producers.dedup();
    let producer_changed = producers.len() > 1;
    let (severity, why) = if producer_changed {
        (
            Severity::Medium,
            format!(
                " and the update changed the Producer ({})",
                producers
                    .iter()
                    .map(|s| format!("'{s}'"))
                    .collect::<Vec<_>>()
                    .join(" → ")
            ),
        )
    } else if !disagreements.is_empty() {
        (
            Severity::Medium,
            " and its Info dictionary and XMP metadata now disagree".to_string(),
        )
    } else {
        (
            Severity::Info,
            "; updates are normal for forms, signatures and annotations".to_string(),
        )
    };
    let f = Finding::new(
        "pdf.incremental_update",
        severity,
        vec![d.path()],
        format!(
            "The PDF was saved {} times: it was edited after it was first written{why}.",
            p.revisions
        ),
    )
    .with("revisions", p.revisions)
    .with("xref_sections", p.xref_sections)
    .with(
        "producers",
        Value::from(
            p.producers
                .iter()
                .map(|s| Value::from(s.clone()))
                .collect::<Vec<_>>(),
        ),
    );
    out.push(f);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tool_names_compare_loosely_but_people_do_not() {
        assert!(same("Microsoft® Word 2016", "Microsoft Word 2016"));
        assert!(same(
            "Acrobat PDFMaker 17 for Word",
            "Acrobat PDFMaker 17 for Word 2016"
        ));
        assert!(!same("Microsoft Word 2016", "Adobe Acrobat Pro 11.0.19"));
        assert!(!same("Cédric Martin", "Georgy Roshka"));
    }
}
