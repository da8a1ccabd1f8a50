//! A document's own timeline, and against the email that carries it and
//! the dump's time window.
//!
//! * `doc.modified_after_sent` (medium; low for pictures, whose camera
//!   clocks are often wrong): the copy attached to an email says it was
//!   saved — or its package written — after that email was sent. A file
//!   cannot change after it was attached: its dates or the email's were
//!   changed, or the file was swapped.
//! * `doc.outside_window` (medium): saved after the dump's last activity.
//! * `doc.created_after_modified` (low): created after its last save.
//! * `doc.zip_times_disagree` (low): the package's entries were written a
//!   day or more after the last save core.xml records (re-zipped by a
//!   tool), or before the document was created.
//! * `doc.edit_time_impossible` (low): more editing time than the time
//!   between creation and last save.
//! * `doc.consistent` (supports): saved before the email carrying it was
//!   sent, by someone who writes mail in the dump.
//!
//! Times without a zone (ODF, EXIF, zip entries) may be off by up to 14 h;
//! every comparison allows that before it speaks.

use super::people::People;
use super::{Check, Doc, docs, human_duration, timeline};
use crate::corpus::Corpus;
use crate::document::DocTime;
use crate::email::date::utc_string;
use crate::item::{Finding, Severity};

pub struct Documents;

/// Tolerance for clocks that disagree a little (seconds).
const CLOCK_SLACK: i64 = 10 * 60;
/// Office's TotalTime when a writer stored -1 (minutes, as seconds).
const UNSET_TOTAL_TIME: u64 = u32::MAX as u64 * 60;

impl Check for Documents {
    fn name(&self) -> &'static str {
        "doc"
    }

    fn run(&self, corpus: &Corpus) -> Vec<Finding> {
        let docs = docs(corpus);
        let people = People::new(corpus, &docs);
        let window = timeline::window(&corpus.items, corpus.window);
        let mut out = Vec::new();
        for d in &docs {
            let before = out.len();
            modified_after_sent(d, &mut out);
            if let Some((_, end, inferred)) = window {
                outside_window(d, end, inferred, &mut out);
            }
            created_after_modified(d, &mut out);
            zip_times(d, &mut out);
            edit_time(d, &mut out);
            let doubts = out[before..].iter().any(|f| f.severity >= Severity::Medium);
            if !doubts {
                consistent(d, &people, &mut out);
            }
        }
        out
    }
}

/// The latest moment the document says it was written: its last save, or
/// its package's newest entry.
fn last_written(d: &Doc<'_>) -> Option<(DocTime, &'static str)> {
    let f = d.facts;
    let zip_hi = f
        .ooxml
        .as_ref()
        .and_then(|o| o.zip_times.as_ref())
        .map(|(_, hi)| hi.clone());
    let candidates = [
        f.modified.clone().map(|t| (t, "last saved")),
        f.created.clone().map(|t| (t, "created")),
        zip_hi.map(|t| (t, "package written")),
    ];
    candidates
        .into_iter()
        .flatten()
        .max_by_key(|(t, _)| t.bounds().0)
}

fn modified_after_sent(d: &Doc<'_>, out: &mut Vec<Finding>) {
    let (Some(sent), Some((t, what))) = (d.sent(), last_written(d)) else {
        return;
    };
    let earliest = t.bounds().0;
    if earliest <= sent + CLOCK_SLACK {
        return;
    }
    let carrier = d.carrier.map(|c| c.path.clone()).unwrap_or_default();
    // A camera's clock is often wrong by months: for images this is a hint.
    let (severity, clock) = if d.facts.image.is_some() {
        (
            Severity::Low,
            " Camera clocks are often set wrong, so for a picture this is only a hint.",
        )
    } else {
        (Severity::Medium, "")
    };
    let zone = if t.zone.is_some() {
        ""
    } else {
        " (its time has no zone, so 14 h were allowed)"
    };
    out.push(
        Finding::new(
            "doc.modified_after_sent",
            severity,
            vec![d.path()],
            format!(
                "The document says it was {what} at {}{zone}, {} after the email carrying it was sent ({}): a file cannot change after it was attached, so its dates or the email's were changed, or the file was swapped.{clock}",
                t.display(),
                human_duration(earliest - sent),
                utc_string(sent)
            ),
        )
        .with("carrier", carrier)
        .with("document_time", t.text.clone())
        .with("document_time_field", what)
        .with("email_sent", utc_string(sent)),
    );
}

fn outside_window(d: &Doc<'_>, end: i64, inferred: bool, out: &mut Vec<Finding>) {
    let Some(t) = &d.facts.modified else {
        return;
    };
    let earliest = t.bounds().0;
    if earliest <= end {
        return;
    }
    let how = if inferred {
        "the window inferred from the bulk of the dump's dated emails"
    } else {
        "the window given with --window"
    };
    out.push(
        Finding::new(
            "doc.outside_window",
            Severity::Medium,
            vec![d.path()],
            format!(
                "The document was last saved {}, {} after the end of {how} ({}).",
                t.display(),
                human_duration(earliest - end),
                utc_string(end)
            ),
        )
        .with("modified", t.text.clone())
        .with("window_end", utc_string(end)),
    );
}

fn created_after_modified(d: &Doc<'_>, out: &mut Vec<Finding>) {
    let (Some(c), Some(m)) = (&d.facts.created, &d.facts.modified) else {
        return;
    };
    let gap = c.bounds().0 - m.bounds().1;
    if gap <= 60 {
        return;
    }
    out.push(
        Finding::new(
            "doc.created_after_modified",
            Severity::Low,
            vec![d.path()],
            format!(
                "The document says it was created {} after its last save (created {}, last saved {}); copying tools sometimes do this, editing the dates by hand too.",
                human_duration(gap),
                c.display(),
                m.display()
            ),
        )
        .with("created", c.text.clone())
        .with("modified", m.text.clone()),
    );
}

fn zip_times(d: &Doc<'_>, out: &mut Vec<Finding>) {
    const DAY: i64 = 86_400;
    let f = d.facts;
    let Some((lo, hi)) = f.ooxml.as_ref().and_then(|o| o.zip_times.as_ref()) else {
        return;
    };
    // Written well after the last save, or else well before creation.
    let after_save = f.modified.as_ref().and_then(|m| {
        let gap = hi.bounds().0 - m.bounds().1;
        (gap > DAY).then(|| {
            let message = format!(
                "The package's entries were written {} ({} after the last save core.xml records, {}): the file was rewritten by something that did not update its properties.",
                hi.display(),
                human_duration(gap),
                m.display()
            );
            (message, [("zip_latest", hi), ("modified", m)])
        })
    });
    let before_creation = || {
        f.created.as_ref().and_then(|c| {
            let gap = c.bounds().0 - lo.bounds().1;
            (gap > DAY).then(|| {
                let message = format!(
                    "The package's entries were written {}, {} before the document says it was created ({}).",
                    lo.display(),
                    human_duration(gap),
                    c.display()
                );
                (message, [("zip_earliest", lo), ("created", c)])
            })
        })
    };
    let Some((message, times)) = after_save.or_else(before_creation) else {
        return;
    };
    let mut finding = Finding::new(
        "doc.zip_times_disagree",
        Severity::Low,
        vec![d.path()],
        message,
    );
    for (key, t) in times {
        finding = finding.with(key, t.text.clone());
    }
    out.push(finding);
}

fn edit_time(d: &Doc<'_>, out: &mut Vec<Finding>) {
    let f = d.facts;
    let (Some(e), Some(c), Some(m)) = (f.editing_seconds, &f.created, &f.modified) else {
        return;
    };
    if e == UNSET_TOTAL_TIME || e == 0 {
        return;
    }
    let span = m.bounds().1 - c.bounds().0;
    let e = i64::try_from(e).unwrap_or(i64::MAX);
    if span < 0 || e <= span + 3600 {
        return;
    }
    out.push(
        Finding::new(
            "doc.edit_time_impossible",
            Severity::Low,
            vec![d.path()],
            format!(
                "The document records {} of editing, more than the {} between its creation ({}) and its last save ({}); a document saved under a new name keeps its editing time, so this is common, but dates edited by hand also do it.",
                human_duration(e),
                human_duration(span),
                c.display(),
                m.display()
            ),
        )
        .with("editing_seconds", e)
        .with("created", c.text.clone())
        .with("modified", m.text.clone()),
    );
}

fn consistent(d: &Doc<'_>, people: &People, out: &mut Vec<Finding>) {
    let f = d.facts;
    let mut reasons = Vec::new();
    let editor = f.last_modified_by.as_ref().or(f.author.as_ref());
    if let Some(name) = editor
        && people.in_mail(name)
    {
        reasons.push(format!(
            "saved by {name}, who writes or receives mail in this dump"
        ));
    }
    if let (Some(sent), Some(m)) = (d.sent(), &f.modified)
        && m.bounds().1 <= sent
    {
        reasons.push(format!(
            "last saved {} before the email carrying it was sent",
            human_duration(sent - m.unix)
        ));
    }
    if reasons.is_empty() {
        return;
    }
    let mut finding = Finding::new(
        "doc.consistent",
        Severity::Info,
        vec![d.path()],
        format!(
            "The document's metadata fits its carrier and the corpus: {}.",
            reasons.join("; ")
        ),
    );
    finding.supports = true;
    if let Some(name) = editor {
        finding = finding.with("editor", name.clone());
    }
    out.push(finding);
}
