//! Threads: a reply must come after the message it answers, and in a dump
//! that holds nearly every parent, a reply to a message nobody has stands
//! out.
//!
//! Times are what each message claims (its Date), corrected by the
//! sender's habitual clock offset (see `sender_skews`), else the first
//! server's time when a message has no usable Date.

use std::collections::HashMap;

use super::{Check, Mail, human_duration, mails, sender_skews};
use crate::corpus::Corpus;
use crate::email::date::utc_string;
use crate::item::{Finding, Severity};

pub struct Threads;

/// Clocks of two senders may disagree by this much without meaning.
const TOLERANCE: i64 = 15 * 60;
/// Replies needed before a missing parent can be judged against the rest.
const MIN_REPLIES: usize = 10;

impl Check for Threads {
    fn name(&self) -> &'static str {
        "thread"
    }

    fn run(&self, corpus: &Corpus) -> Vec<Finding> {
        let mails = mails(corpus);
        let skews = sender_skews(&mails);
        let time = |m: &Mail<'_>| -> Option<i64> {
            let f = m.facts;
            match f.date {
                Some(d) => {
                    let habitual = f
                        .from_address
                        .as_ref()
                        .and_then(|a| skews.get(a))
                        .copied()
                        .unwrap_or(0);
                    Some(d.unix - habitual)
                }
                None => f.first_hop().map(|h| h.unix),
            }
        };
        let mut by_id: HashMap<&str, Vec<&Mail<'_>>> = HashMap::new();
        for m in &mails {
            if let Some(id) = &m.facts.message_id {
                by_id.entry(id.as_str()).or_default().push(m);
            }
        }
        let mut out = Vec::new();
        let mut replies = 0;
        let mut missing = Vec::new();
        for m in &mails {
            let f = m.facts;
            // The direct parent: In-Reply-To, else the last reference.
            let Some(parent_id) = f.in_reply_to.first().or(f.references.last()) else {
                continue;
            };
            if f.message_id.as_deref() == Some(parent_id.as_str()) {
                continue;
            }
            replies += 1;
            let Some(parents) = by_id.get(parent_id.as_str()) else {
                missing.push((m, parent_id.clone()));
                continue;
            };
            let Some(parent) = parents.iter().find(|p| time(p).is_some()) else {
                continue;
            };
            let (Some(t_reply), Some(t_parent)) = (time(m), time(parent)) else {
                continue;
            };
            let gap = t_parent - t_reply;
            if gap > TOLERANCE {
                let sev = if gap > 3 * 3600 {
                    Severity::High
                } else {
                    Severity::Medium
                };
                out.push(
                    Finding::new(
                        "thread.reply_before_parent",
                        sev,
                        vec![m.path(), parent.path()],
                        format!(
                            "This reply is dated {} before the message it answers (In-Reply-To): a reply cannot be written before its parent, so one of the two dates is false.",
                            human_duration(gap)
                        ),
                    )
                    .with("reply_date", m.facts.date_text.clone().unwrap_or_default())
                    .with("parent_date", parent.facts.date_text.clone().unwrap_or_default())
                    .with("parent_message_id", parent_id.clone())
                    .with("reply_time_used", utc_string(t_reply))
                    .with("parent_time_used", utc_string(t_parent)),
                );
            }
        }
        // Is a missing parent news here? Only where nearly all are present.
        let present = replies - missing.len();
        // Nearly complete (≥ 98% of the other replies have theirs): a
        // missing parent is news.
        // Mostly complete (≥ 90%): worth a look. Otherwise: a partial dump.
        let complete = replies >= MIN_REPLIES && present * 100 >= replies * 90;
        // Judged by the *other* replies: of them, how many have a parent?
        let sev = if present * 100 >= replies.saturating_sub(1) * 98 {
            Severity::Medium
        } else {
            Severity::Low
        };
        if complete {
            for (m, id) in &missing {
                out.push(
                    Finding::new(
                        "thread.missing_parent",
                        sev,
                        vec![m.path()],
                        format!(
                            "This message replies to one that is not in the dump, although {present} of the dump's {replies} replies have their parent here."
                        ),
                    )
                    .with("in_reply_to", id.clone())
                    .with("replies_with_parent", format!("{present} of {replies}")),
                );
            }
        } else if !missing.is_empty() {
            let mut f = Finding::new(
                "thread.missing_parents",
                Severity::Info,
                vec![missing[0].0.path()],
                format!(
                    "{} of the dump's {replies} replies answer messages that are not in it: the dump is partial, so a missing parent says nothing on its own.",
                    missing.len()
                ),
            )
            .with("replies_with_parent", format!("{present} of {replies}"));
            f.paths
                .extend(missing.iter().skip(1).take(19).map(|(m, _)| m.path()));
            out.push(f);
        }
        out
    }
}
