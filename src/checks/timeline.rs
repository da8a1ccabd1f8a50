//! The dump's time window and the items dated outside it.
//!
//! The window is given (`--window`) or inferred from the bulk of the dated
//! emails, not from the extremes: the 2nd to 98th percentile of their
//! times, widened by a margin (a tenth of that span, at least three days),
//! so one planted date cannot stretch the window to cover itself. An item
//! dated after the window is after the dump's last genuine activity:
//! `medium`. One dated before it is `low` (old mail is quoted and kept).

use super::{Check, human_duration, mails};
use crate::corpus::Corpus;
use crate::email::date::utc_string;
use crate::item::{Finding, Item, Severity};

pub struct Timeline;

/// Fewer dated emails than this and no window is inferred.
const MIN_DATED: usize = 10;

/// The time that dates an email: its Date header, else its first hop.
pub fn email_time(item: &Item) -> Option<i64> {
    let f = item.email.as_deref()?;
    f.date.or_else(|| f.first_hop()).map(|s| s.unix)
}

/// The window (start, end, inferred?) for these items, if one can be set.
pub fn window(items: &[Item], given: Option<(i64, i64)>) -> Option<(i64, i64, bool)> {
    if let Some((a, b)) = given {
        return Some((a, b, false));
    }
    let mut times: Vec<i64> = items.iter().filter_map(email_time).collect();
    if times.len() < MIN_DATED {
        return None;
    }
    times.sort_unstable();
    let q = |p: f64| times[((times.len() - 1) as f64 * p).round() as usize];
    let (lo, hi) = (q(0.02), q(0.98));
    let margin = ((hi - lo) / 10).max(3 * 86_400);
    Some((lo - margin, hi + margin, true))
}

impl Check for Timeline {
    fn name(&self) -> &'static str {
        "time"
    }

    fn run(&self, corpus: &Corpus) -> Vec<Finding> {
        let Some((start, end, inferred)) = window(&corpus.items, corpus.window) else {
            return Vec::new();
        };
        let how = if inferred {
            "the window inferred from the bulk of the dump's dated emails"
        } else {
            "the window given with --window"
        };
        let mut out = Vec::new();
        for m in mails(corpus) {
            let Some(t) = email_time(m.item) else {
                continue;
            };
            let (sev, msg) = if t > end {
                (
                    Severity::Medium,
                    format!(
                        "Dated {} after the end of {how}: later than the dump's last genuine activity.",
                        human_duration(t - end)
                    ),
                )
            } else if t < start {
                (
                    Severity::Low,
                    format!(
                        "Dated {} before the start of {how}.",
                        human_duration(start - t)
                    ),
                )
            } else {
                continue;
            };
            out.push(
                Finding::new("time.outside_window", sev, vec![m.path()], msg)
                    .with("date", utc_string(t))
                    .with(
                        "window",
                        format!("{}..{}", utc_string(start), utc_string(end)),
                    )
                    .with("window_inferred", inferred),
            );
        }
        out
    }
}
