//! The Received chain against itself and against the Date header: hops out
//! of order, a Date far from the hops, impossible zones, a chain whose hops
//! do not connect. A sender whose clock is wrong the same way in all their
//! mail is allowed for (its habitual offset is subtracted first).

use std::collections::HashMap;

use super::{Check, Mail, Rarity, human_duration, mails, rarity, sender_skews};
use crate::corpus::Corpus;
use crate::email::date::utc_string;
use crate::item::{Finding, Severity};

pub struct Received;

/// Servers' clocks differ a little; this much disorder is normal.
const HOP_TOLERANCE: i64 = 10 * 60;
/// A Date this far after the first server received the message cannot be
/// the time it was written.
const AFTER_TOLERANCE: i64 = 60 * 60;
/// Mail sits in outboxes; a Date this far before the first hop is odd.
const BEFORE_TOLERANCE: i64 = 3 * 86_400;

impl Check for Received {
    fn name(&self) -> &'static str {
        "received"
    }

    fn run(&self, corpus: &Corpus) -> Vec<Finding> {
        let mails = mails(corpus);
        let skews = sender_skews(&mails);
        let mut out = Vec::new();

        // How often do consecutive hops fail to connect in this dump?
        let mut pairs = 0;
        let mut broken = Vec::new();
        for m in &mails {
            let hops = &m.facts.received;
            for i in 1..hops.len() {
                // hops[i] is older; its receiver should be hops[i-1]'s sender.
                if let (Some(by), Some(from)) = (&hops[i].by, &hops[i - 1].from) {
                    pairs += 1;
                    if !crate::email::received::same_site(by, from) {
                        broken.push((*m, i, by.clone(), from.clone()));
                    }
                }
            }
        }
        let connect_rarity = rarity(broken.len(), pairs);
        let n_broken = broken.len();
        for (m, i, by, from) in broken {
            let sev = match connect_rarity {
                Rarity::Rare => Severity::Medium,
                Rarity::Uncommon => Severity::Low,
                Rarity::Common => Severity::Info,
            };
            out.push(
                Finding::new(
                    "received.disconnected",
                    sev,
                    vec![m.path()],
                    format!(
                        "The Received chain does not connect: hop {} was received by {by}, but the next hop says the message came from {from}.",
                        m.facts.received.len() - i
                    ),
                )
                .with("received_by", by)
                .with("next_from", from)
                .with("broken_pairs_in_dump", format!("{n_broken} of {pairs}")),
            );
        }
        // Out-of-order hops, grouped by the receiving host: a server with a
        // wrong clock inverts every message it handles.
        let mut inversions: Vec<(Mail<'_>, usize, i64)> = Vec::new();
        let mut per_host: HashMap<String, (usize, usize)> = HashMap::new();
        for m in &mails {
            let hops = &m.facts.received;
            for i in 1..hops.len() {
                let (Some(newer), Some(older)) = (hops[i - 1].time, hops[i].time) else {
                    continue;
                };
                let host = hops[i - 1].by.clone().unwrap_or_default();
                let e = per_host.entry(host).or_default();
                e.1 += 1;
                if older.unix - newer.unix > HOP_TOLERANCE {
                    e.0 += 1;
                    inversions.push((*m, i, older.unix - newer.unix));
                }
            }
        }
        for (m, i, gap) in inversions {
            let hops = &m.facts.received;
            let host = hops[i - 1].by.clone().unwrap_or_default();
            let (bad, total) = per_host.get(&host).copied().unwrap_or((1, 1));
            let habitual = total >= 3 && bad * 2 >= total;
            let sev = if habitual {
                Severity::Info
            } else if gap > 6 * 3600 {
                Severity::High
            } else {
                Severity::Medium
            };
            out.push(
                Finding::new(
                    "received.out_of_order",
                    sev,
                    vec![m.path()],
                    format!(
                        "The Received chain runs backwards: {host} says it received the message {} before the previous server sent it on{}.",
                        human_duration(gap),
                        if habitual { " (this server does so in most messages: its clock is wrong)" } else { "" }
                    ),
                )
                .with("earlier_hop", hop_text(&hops[i]))
                .with("later_hop", hop_text(&hops[i - 1]))
                .with("inverted_by_seconds", gap),
            );
        }

        // Date against the first hop, after the sender's habitual offset.
        for m in &mails {
            let f = m.facts;
            if let Some(z) = &f.date_bad_zone {
                out.push(
                    Finding::new(
                        "date.impossible_zone",
                        Severity::Medium,
                        vec![m.path()],
                        format!("The Date header's time zone {z} does not exist anywhere: no mail program writes it."),
                    )
                    .with("date", f.date_text.clone().unwrap_or_default())
                    .with("expected", "an offset between -1200 and +1400 in whole, half or three-quarter hours"),
                );
            }
            for h in &f.received {
                if let Some(z) = &h.bad_zone {
                    out.push(
                        Finding::new(
                            "received.impossible_zone",
                            Severity::Medium,
                            vec![m.path()],
                            format!("A Received header's time zone {z} does not exist anywhere: no mail server writes it."),
                        )
                        .with("hop", hop_text(h)),
                    );
                }
            }
            let (Some(date), Some(first)) = (f.date, f.first_hop()) else {
                continue;
            };
            if f.date_bad_zone.is_some() {
                continue; // the offset is unknown: no comparison is fair
            }
            let habitual = f
                .from_address
                .as_ref()
                .and_then(|a| skews.get(a))
                .copied()
                .unwrap_or(0);
            let raw = date.unix - first.unix;
            let skew = raw - habitual;
            let mut finding = |rule: &str, sev: Severity, msg: String| {
                let mut x = Finding::new(rule, sev, vec![m.path()], msg)
                    .with("date", f.date_text.clone().unwrap_or_default())
                    .with("first_hop", utc_string(first.unix))
                    .with("date_minus_first_hop_seconds", raw);
                if habitual != 0 {
                    x = x.with("sender_habitual_offset_seconds", habitual);
                }
                out.push(x);
            };
            if skew > AFTER_TOLERANCE {
                let sev = if skew > 86_400 {
                    Severity::High
                } else {
                    Severity::Medium
                };
                finding(
                    "date.after_received",
                    sev,
                    format!(
                        "The Date header is {} later than the first server received the message: a message cannot be written after it was sent, so the Date was probably changed.",
                        human_duration(skew)
                    ),
                );
            } else if -skew > BEFORE_TOLERANCE {
                let sev = if -skew > 30 * 86_400 {
                    Severity::Medium
                } else {
                    Severity::Low
                };
                finding(
                    "date.before_received",
                    sev,
                    format!(
                        "The Date header is {} earlier than the first server received the message: it sat in an outbox that long, or the Date was changed.",
                        human_duration(-skew)
                    ),
                );
            } else if f.received.len() >= 2 && f.received.iter().all(|h| h.time.is_some()) {
                let ordered = f.received.windows(2).all(|w| {
                    w[1].time.map(|t| t.unix).unwrap_or(0) - w[0].time.map(|t| t.unix).unwrap_or(0)
                        <= HOP_TOLERANCE
                });
                if ordered && f.date_bad_zone.is_none() {
                    out.push(
                        Finding::support(
                            "received.consistent",
                            vec![m.path()],
                            format!(
                                "The {} Received hops are in order and agree with the Date header.",
                                f.received.len()
                            ),
                        )
                        .with("date", f.date_text.clone().unwrap_or_default())
                        .with("first_hop", utc_string(first.unix)),
                    );
                }
            }
        }
        out
    }
}

fn hop_text(h: &crate::email::Hop) -> String {
    format!(
        "from {} by {} at {}",
        h.from.as_deref().unwrap_or("?"),
        h.by.as_deref().unwrap_or("?"),
        h.time.map(|t| t.to_rfc3339()).unwrap_or_else(|| "?".into())
    )
}
