//! Sender habits: per sender address, the mail program (X-Mailer /
//! User-Agent, versions ignored), the shape of Message-IDs and MIME
//! boundaries (each program has its own), the time-zone offset and the
//! hours of activity (sent between 07:00 and 20:59 local time, or at
//! night). A message that breaks all three program-made habits (program,
//! ID style, boundary style) was likely not written with that sender's
//! program: `medium`; two of them: `low`. The time zone and the hours are
//! reported, not counted (a forger may well sit in the same zone, and
//! people do write at night).
//!
//! Only senders with at least [`MIN_MESSAGES`] other messages are profiled,
//! so that small senders are never accused; a habit is established when at
//! least 60% of the sender's other messages share it, and a message breaks
//! it when its value is that rare among them (at most 5%).

use std::collections::{BTreeMap, HashMap};

use super::{Check, Mail, mails};
use crate::corpus::Corpus;
use crate::item::{Finding, Severity};

pub struct Habits;

/// Other messages a sender needs before a profile exists.
pub const MIN_MESSAGES: usize = 5;

/// A value with digits, letters and case classes collapsed: the shape a
/// program gives its IDs (`201703270812.0042@x` → `9.9@x`).
fn shape(s: &str) -> String {
    let mut out = String::new();
    let mut last = None;
    for c in s.chars() {
        let class = if c.is_ascii_digit() {
            '9'
        } else if c.is_ascii_lowercase() {
            'a'
        } else if c.is_ascii_uppercase() {
            'A'
        } else {
            c
        };
        if Some(class) != last || !matches!(class, '9' | 'a' | 'A') {
            out.push(class);
        }
        last = Some(class);
    }
    out
}

/// The mail program without its version numbers.
fn client_family(c: &str) -> String {
    let no_versions: String = c
        .chars()
        .map(|ch| {
            if ch.is_ascii_digit() || ch == '.' {
                ' '
            } else {
                ch.to_ascii_lowercase()
            }
        })
        .collect();
    no_versions.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// (feature name, value) for each habit compared.
type Features = [(&'static str, String); 5];

/// Habits reported when broken but not counted towards the severity.
const REPORTED_ONLY: &[&str] = &["time zone", "hours"];

/// `day` (07:00–20:59 in the message's own zone) or `night`.
fn hours(d: crate::email::Stamp) -> &'static str {
    let local = d.unix + i64::from(d.offset_minutes) * 60;
    let hour = local.rem_euclid(86_400) / 3600;
    if (7..21).contains(&hour) {
        "day"
    } else {
        "night"
    }
}

fn features(m: &Mail<'_>) -> Features {
    let f = m.facts;
    let id_shape = match &f.message_id {
        Some(id) => match id.rsplit_once('@') {
            Some((l, d)) => format!("{}@{}", shape(l), d.to_ascii_lowercase()),
            None => shape(id),
        },
        None => "(none)".into(),
    };
    [
        (
            "mail program",
            f.client
                .as_deref()
                .map(client_family)
                .unwrap_or_else(|| "(none)".into()),
        ),
        ("Message-ID style", id_shape),
        (
            "MIME boundary style",
            f.boundary
                .as_deref()
                .map(shape)
                .unwrap_or_else(|| "(none)".into()),
        ),
        (
            "time zone",
            f.date
                .map(|d| {
                    format!(
                        "{:+03}{:02}",
                        d.offset_minutes / 60,
                        (d.offset_minutes % 60).abs()
                    )
                })
                .unwrap_or_else(|| "(none)".into()),
        ),
        ("hours", f.date.map(hours).unwrap_or("(none)").to_string()),
    ]
}

impl Check for Habits {
    fn name(&self) -> &'static str {
        "habit"
    }

    fn run(&self, corpus: &Corpus) -> Vec<Finding> {
        let mails = mails(corpus);
        let mut by_sender: BTreeMap<&str, Vec<(&Mail<'_>, Features)>> = BTreeMap::new();
        for m in &mails {
            if let Some(a) = &m.facts.from_address {
                by_sender
                    .entry(a.as_str())
                    .or_default()
                    .push((m, features(m)));
            }
        }
        let mut out = Vec::new();
        for (sender, msgs) in by_sender {
            if msgs.len() < MIN_MESSAGES + 1 {
                continue;
            }
            let others = msgs.len() - 1;
            // Counts of each value of each feature over all the sender's mail.
            let mut counts: [HashMap<&str, usize>; 5] = Default::default();
            for (_, fs) in &msgs {
                for (k, (_, v)) in fs.iter().enumerate() {
                    *counts[k].entry(v.as_str()).or_default() += 1;
                }
            }
            for (m, fs) in &msgs {
                let mut established = 0;
                let mut broken = Vec::new();
                for (k, (name, v)) in fs.iter().enumerate() {
                    let own = counts[k].get(v.as_str()).copied().unwrap_or(1) - 1;
                    let Some((habit, n)) = counts[k]
                        .iter()
                        .map(|(val, c)| (*val, if *val == v.as_str() { c - 1 } else { *c }))
                        .max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(a.0)))
                    else {
                        continue;
                    };
                    if n * 10 < others * 6 {
                        continue; // no habit to break
                    }
                    established += 1;
                    if own * 20 <= others && habit != v.as_str() {
                        broken.push((*name, v.clone(), habit.to_string(), n));
                    }
                }
                // The program-made features: mail program, ID and boundary.
                let program_breaks = broken
                    .iter()
                    .filter(|b| !REPORTED_ONLY.contains(&b.0))
                    .count();
                let sev = if program_breaks >= 3 {
                    Severity::Medium
                } else if program_breaks >= 2 {
                    Severity::Low
                } else {
                    continue;
                };
                let detail: Vec<String> = broken
                    .iter()
                    .map(|(name, v, habit, n)| {
                        format!("{name} '{v}' where {n} of {others} others have '{habit}'")
                    })
                    .collect();
                let mut f = Finding::new(
                    "habit.sender_mismatch",
                    sev,
                    vec![m.path()],
                    format!(
                        "This message does not look like {sender}'s other {others} messages: {}. It was probably not written with their mail program.",
                        detail.join("; ")
                    ),
                )
                .with("sender", sender)
                .with("habits_established", established as u64)
                .with("habits_broken", broken.len() as u64);
                for (name, v, habit, _) in &broken {
                    f = f
                        .with(&format!("observed {name}"), v.clone())
                        .with(&format!("expected {name}"), habit.clone());
                }
                out.push(f);
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hours_are_read_in_the_senders_own_zone() {
        use crate::email::Stamp;
        // 2017-04-25T19:50:00Z is 21:50 in Paris (+0200): night there.
        let t = 1_493_149_800;
        assert_eq!(
            hours(Stamp {
                unix: t,
                offset_minutes: 120
            }),
            "night"
        );
        assert_eq!(
            hours(Stamp {
                unix: t,
                offset_minutes: -240
            }),
            "day"
        );
        assert_eq!(
            hours(Stamp {
                unix: t - 14 * 3600,
                offset_minutes: 0
            }),
            "night"
        );
    }

    #[test]
    fn shapes_and_families() {
        assert_eq!(shape("201703270812.0042"), "9.9");
        assert_eq!(shape("=_horizon_b9"), "=_a_a9");
        assert_eq!(shape("Apple-Mail=_5A3C"), "Aa-Aa=_9A9A");
        assert_eq!(client_family("Microsoft Outlook 16.0"), "microsoft outlook");
        assert_eq!(
            client_family("Microsoft Outlook 15.0.4420"),
            "microsoft outlook"
        );
    }
}
