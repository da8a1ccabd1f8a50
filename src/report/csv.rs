//! CSV exports (`scan --csv DIR`): `items.csv` and `findings.csv`, for
//! reading a scan in a spreadsheet.
//!
//! Written with the `csv` crate (BurntSushi's, the reader and writer the
//! Rust ecosystem standardised on, maintained for a decade and fuzzed):
//! quoting is the one thing a hand-rolled CSV writer gets wrong, and this
//! report's cells are hostile data — names, subjects and authors chosen by
//! whoever made the dump.
//!
//! Format: UTF-8 without a byte-order mark, RFC 4180 — a header row first,
//! every record ended by CRLF, a cell quoted (with `""` for a quote) when it
//! holds a comma, a quote, CR or LF. Cells may hold line breaks (LF), which
//! RFC 4180 readers (Python's `csv`, LibreOffice, Excel) keep inside the
//! quoted cell. Rows follow the report's order, so the same report gives
//! the same bytes.
//!
//! **CSV injection.** A spreadsheet runs a cell that starts with `=`, `+`,
//! `-` or `@` (or a tab or CR before one) as a formula: a subject of
//! `=HYPERLINK("http://…")` would become a live link, and worse. Every text
//! cell that starts with `=`, `+`, `-`, `@`, a tab or a CR gets a single
//! quote `'` in front, which makes spreadsheets take it as text. So that
//! this stays reversible, a cell made of quotes and then one of those
//! characters (`'=x`) gets one more quote too (`''=x`): to get the exact
//! value back, remove one `'` from a cell that starts with quotes followed
//! by `=`, `+`, `-`, `@`, a tab or a CR. Other cells, including those that
//! start with a quote (`'programme.docx' is an altered copy…`), are
//! written as they are. Numeric columns (`size`, `rank`, `score`,
//! `findings`, `supporting`) are written as plain non-negative integers
//! and never prefixed.
//!
//! `items.csv`, one row per item in report order:
//!
//! | column | value |
//! | --- | --- |
//! | `path`, `parent`, `kind`, `claimed_type`, `detected_type`, `size`, `sha256`, `blake3`, `error` | as in the report (empty when absent) |
//! | `rank`, `score`, `level`, `reason` | from the suspicion ranking; empty when the item is not ranked |
//! | `findings` | findings that raise a doubt and name the item first |
//! | `top_severity` | the strongest of those (empty when none) |
//! | `supporting` | supporting findings naming the item first |
//! | `from`, `to`, `subject` | an email's headers, decoded |
//! | `date` | an email's Date as RFC 3339 with the offset it was written with (`2017-03-27T10:12:00+02:00`); the header as written when it could not be parsed |
//! | `author`, `last_modified_by`, `application` | a document's |
//! | `created`, `modified` | a document's times: UTC (`2017-03-27T08:12:00Z`) when the document gives a zone, otherwise the local time it wrote without a zone (`2017-03-27T10:12:00`) |
//!
//! `findings.csv`, one row per finding in report order, supporting ones
//! included: `id`, `rule`, `severity`, `supports` (`true`/`false`),
//! `path` (the item it is about), `related` (its other items, one per line),
//! `message`, `evidence` (compact JSON, keys sorted).

use std::collections::HashMap;

use super::Report;
use crate::document::time::DocTime;
use crate::item::Severity;

/// The columns of `items.csv`.
pub const ITEM_COLUMNS: [&str; 25] = [
    "path",
    "parent",
    "kind",
    "claimed_type",
    "detected_type",
    "size",
    "sha256",
    "blake3",
    "error",
    "rank",
    "score",
    "level",
    "reason",
    "findings",
    "top_severity",
    "supporting",
    "from",
    "to",
    "subject",
    "date",
    "author",
    "last_modified_by",
    "application",
    "created",
    "modified",
];

/// The columns of `findings.csv`.
pub const FINDING_COLUMNS: [&str; 8] = [
    "id", "rule", "severity", "supports", "path", "related", "message", "evidence",
];

/// The files `--csv DIR` writes: name and content.
pub fn render(report: &Report) -> Vec<(&'static str, String)> {
    vec![
        ("items.csv", table(&ITEM_COLUMNS, item_rows(report))),
        (
            "findings.csv",
            table(&FINDING_COLUMNS, finding_rows(report)),
        ),
    ]
}

/// A text cell, neutralised against formula injection (see the module
/// documentation).
pub fn cell(s: &str) -> String {
    if s.trim_start_matches('\'')
        .starts_with(['=', '+', '-', '@', '\t', '\r'])
    {
        format!("'{s}")
    } else {
        s.to_string()
    }
}

fn opt(s: Option<&str>) -> String {
    s.map(cell).unwrap_or_default()
}

/// Findings naming an item first: against it, the strongest, for it.
#[derive(Default)]
struct Counts {
    against: u64,
    top: Option<Severity>,
    supporting: u64,
}

fn item_rows(report: &Report) -> Vec<Vec<String>> {
    let ranked: HashMap<&str, &super::score::Suspect> = report
        .ranking
        .iter()
        .map(|s| (s.path.as_str(), s))
        .collect();
    let mut counts: HashMap<&str, Counts> = HashMap::new();
    for f in &report.findings {
        let Some(first) = f.paths.first() else {
            continue;
        };
        let c = counts.entry(first.as_str()).or_default();
        if f.supports {
            c.supporting += 1;
        } else {
            c.against += 1;
            c.top = c.top.max(Some(f.severity));
        }
    }
    report
        .items
        .iter()
        .map(|item| {
            let rank = ranked.get(item.path.as_str());
            let c = counts.get(item.path.as_str());
            let email = item.email.as_deref();
            let doc = item.document.as_deref();
            let date = email.and_then(|e| {
                e.date
                    .map(|d| d.to_rfc3339())
                    .or_else(|| e.date_text.clone())
            });
            vec![
                cell(&item.path),
                opt(item.parent.as_deref()),
                cell(item.kind.as_str()),
                opt(item.claimed_type.as_deref()),
                cell(&item.detected_type),
                item.size.to_string(),
                opt(item.sha256.as_deref()),
                opt(item.blake3.as_deref()),
                opt(item.error.as_deref()),
                rank.map(|s| s.rank.to_string()).unwrap_or_default(),
                rank.map(|s| s.score.to_string()).unwrap_or_default(),
                opt(rank.map(|s| s.level.as_str())),
                opt(rank.map(|s| s.reason.as_str())),
                c.map(|c| c.against).unwrap_or(0).to_string(),
                opt(c.and_then(|c| c.top).map(Severity::as_str)),
                c.map(|c| c.supporting).unwrap_or(0).to_string(),
                opt(email.and_then(|e| e.from.as_deref())),
                opt(email.and_then(|e| e.to.as_deref())),
                opt(email.and_then(|e| e.subject.as_deref())),
                opt(date.as_deref()),
                opt(doc.and_then(|d| d.author.as_deref())),
                opt(doc.and_then(|d| d.last_modified_by.as_deref())),
                opt(doc.and_then(|d| d.application.as_deref())),
                opt(doc
                    .and_then(|d| d.created.as_ref())
                    .map(doc_time)
                    .as_deref()),
                opt(doc
                    .and_then(|d| d.modified.as_ref())
                    .map(doc_time)
                    .as_deref()),
            ]
        })
        .collect()
}

/// A document time for a spreadsheet: UTC when the zone is known, else the
/// local time as written, ISO 8601 without a designator.
fn doc_time(t: &DocTime) -> String {
    if t.zone.is_some() {
        crate::email::date::utc_string(t.unix)
    } else {
        let mut s = crate::email::date::utc_string(t.unix);
        if s.ends_with('Z') {
            s.pop();
        }
        s
    }
}

fn finding_rows(report: &Report) -> Vec<Vec<String>> {
    report
        .findings
        .iter()
        .map(|f| {
            let related: Vec<&str> = f.paths.iter().skip(1).map(String::as_str).collect();
            vec![
                cell(&f.id),
                cell(&f.rule),
                cell(f.severity.as_str()),
                f.supports.to_string(),
                opt(f.paths.first().map(String::as_str)),
                cell(&related.join("\n")),
                cell(&f.message),
                cell(&serde_json::to_string(&f.evidence).unwrap_or_else(|_| "{}".into())),
            ]
        })
        .collect()
}

/// The CSV text of a header and rows; on the (impossible in practice)
/// failure of the writer, a one-column table saying what went wrong.
fn table(header: &[&str], rows: Vec<Vec<String>>) -> String {
    match write(header, &rows) {
        Ok(s) => s,
        Err(e) => format!(
            "error\r\n\"CSV export failed: {}\"\r\n",
            e.replace('"', "\"\"")
        ),
    }
}

fn write(header: &[&str], rows: &[Vec<String>]) -> Result<String, String> {
    let mut w = ::csv::WriterBuilder::new()
        .terminator(::csv::Terminator::CRLF)
        .quote_style(::csv::QuoteStyle::Necessary)
        .from_writer(Vec::new());
    w.write_record(header).map_err(|e| e.to_string())?;
    for row in rows {
        w.write_record(row).map_err(|e| e.to_string())?;
    }
    let bytes = w.into_inner().map_err(|e| e.to_string())?;
    String::from_utf8(bytes).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_cells_are_neutralised_reversibly() {
        for s in ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx", "'=x", "''-x"] {
            assert_eq!(cell(s), format!("'{s}"));
        }
        for s in ["", "plain", " =x", "1-2", "mail/a.eml", "'x' is", "'"] {
            assert_eq!(cell(s), s);
        }
    }

    #[test]
    fn records_end_with_crlf_and_quote_when_needed() {
        let s = table(
            &["a", "b"],
            vec![
                vec!["x,y".into(), "l1\nl2".into()],
                vec!["q\"".into(), "".into()],
            ],
        );
        assert_eq!(s, "a,b\r\n\"x,y\",\"l1\nl2\"\r\n\"q\"\"\",\r\n");
    }
}
