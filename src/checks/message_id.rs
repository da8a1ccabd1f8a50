//! Message-IDs: malformed ones, one ID on two different messages, the time
//! some mail programs write into the ID against the Date header, and an ID
//! domain unlike the sender's habit.

use std::collections::{BTreeMap, HashMap};

use super::{Check, Mail, Rarity, human_duration, mails, rarity};
use crate::corpus::Corpus;
use crate::email::date::{days_from_civil, utc_string};
use crate::item::{Finding, Severity};

pub struct MessageId;

impl Check for MessageId {
    fn name(&self) -> &'static str {
        "message_id"
    }

    fn run(&self, corpus: &Corpus) -> Vec<Finding> {
        let mails = mails(corpus);
        let mut out = Vec::new();
        malformed(&mails, &mut out);
        reused(&mails, &mut out);
        embedded_time(&mails, &mut out);
        domain_habit(&mails, &mut out);
        out
    }
}

fn well_formed(text: &str) -> bool {
    let t = text.trim();
    let Some(inner) = t.strip_prefix('<').and_then(|s| s.strip_suffix('>')) else {
        return false;
    };
    let Some((local, domain)) = inner.rsplit_once('@') else {
        return false;
    };
    !local.is_empty()
        && !domain.is_empty()
        && !inner
            .chars()
            .any(|c| c.is_whitespace() || c == '<' || c == '>')
}

fn malformed(mails: &[Mail<'_>], out: &mut Vec<Finding>) {
    let bad: Vec<&Mail<'_>> = mails
        .iter()
        .filter(|m| {
            m.facts
                .message_id_text
                .as_deref()
                .is_some_and(|t| !well_formed(t))
        })
        .collect();
    let sev = match rarity(bad.len(), mails.len()) {
        Rarity::Rare => Severity::Medium,
        Rarity::Uncommon => Severity::Low,
        Rarity::Common => Severity::Info,
    };
    let n = bad.len();
    for m in bad {
        out.push(
            Finding::new(
                "message_id.malformed",
                sev,
                vec![m.path()],
                format!(
                    "The Message-ID is not of the form <unique@domain> that mail programs write ({n} of {} messages in the dump are like this).",
                    mails.len()
                ),
            )
            .with("message_id", m.facts.message_id_text.clone().unwrap_or_default()),
        );
    }
}

/// What speaks for a message being the genuine one of two sharing a
/// Message-ID: a DKIM signature that verifies (or fails), and the time its
/// mail program wrote into the ID agreeing (or not) with its Date.
fn standing(m: &Mail<'_>) -> (i32, Vec<&'static str>) {
    use crate::email::dkim::Status;
    let mut score = 0;
    let mut why = Vec::new();
    if m.facts.dkim.iter().any(|s| s.status == Status::Pass) {
        score += 2;
        why.push("its DKIM signature verifies");
    } else if m
        .facts
        .dkim
        .iter()
        .any(|s| matches!(s.status, Status::FailBody | Status::FailSignature))
    {
        score -= 2;
        why.push("its DKIM signature fails");
    }
    if let (Some(id), Some(date)) = (&m.facts.message_id, m.facts.date)
        && let Some((t, _, slack)) = id_time(id)
    {
        let gap = (date.unix - t).abs();
        if gap <= slack + 86_400 {
            score += 1;
            why.push("the time in its Message-ID agrees with its Date");
        } else if gap <= 5 * 365 * 86_400 {
            score -= 1;
            why.push("the time in its Message-ID disagrees with its Date");
        }
    }
    (score, why)
}

fn reused(mails: &[Mail<'_>], out: &mut Vec<Finding>) {
    let mut by_id: BTreeMap<&str, Vec<&Mail<'_>>> = BTreeMap::new();
    for m in mails {
        if let Some(id) = &m.facts.message_id {
            by_id.entry(id.as_str()).or_default().push(m);
        }
    }
    for (id, group) in by_id {
        if group.len() < 2 {
            continue;
        }
        let first = group[0];
        for other in &group[1..] {
            let (a, b) = (first.facts, other.facts);
            let mut differs = Vec::new();
            // An Outlook store keeps no body as sent: its copy is not compared.
            if !a.body_sha256.is_empty()
                && !b.body_sha256.is_empty()
                && a.body_sha256 != b.body_sha256
            {
                differs.push("body");
            }
            if a.subject != b.subject {
                differs.push("subject");
            }
            if a.from_address != b.from_address {
                differs.push("sender");
            }
            if a.date.map(|d| d.unix) != b.date.map(|d| d.unix) {
                differs.push("date");
            }
            if differs.is_empty() {
                continue; // the same message kept twice: normal in a leak
            }
            let list = a.mailing_list || b.mailing_list;
            let sev = if list { Severity::Low } else { Severity::High };
            // Which copy is suspect, when independent evidence tells them apart.
            let (sa, why_a) = standing(first);
            let (sb, why_b) = standing(other);
            let (suspect, genuine, why) = match sa.cmp(&sb) {
                std::cmp::Ordering::Less => (first, *other, why_b),
                std::cmp::Ordering::Greater => (*other, first, why_a),
                std::cmp::Ordering::Equal => (*other, first, Vec::new()),
            };
            let verdict = if why.is_empty() {
                "nothing here tells which one".to_string()
            } else {
                format!("the other one is likelier genuine: {}", why.join(" and "))
            };
            let mut f = Finding::new(
                "message_id.reused",
                sev,
                vec![suspect.path(), genuine.path()],
                format!(
                    "Two messages carry the same Message-ID but differ in their {}: a Message-ID is unique to one message, so one of them was altered or made from the other{}; {verdict}.",
                    differs.join(", "),
                    if list { " (one is a mailing-list copy, and lists rewrite messages)" } else { "" }
                ),
            )
            .with("message_id", id)
            .with("differs_in", differs.join(","))
            .with("subject", suspect.facts.subject.clone().unwrap_or_default())
            .with("other_subject", genuine.facts.subject.clone().unwrap_or_default());
            f.joint = why.is_empty();
            out.push(f);
        }
    }
}

/// The time a known mail program wrote into a Message-ID, if the ID has
/// one of their shapes: (Unix seconds, program, ± uncertainty in seconds).
pub(crate) fn id_time(id: &str) -> Option<(i64, &'static str, i64)> {
    let local = id.rsplit_once('@').map(|(l, _)| l).unwrap_or(id);
    let lead: String = local.chars().take_while(|c| c.is_ascii_digit()).collect();
    let next = local[lead.len()..].chars().next();
    // Outlook: 000001d2a6e5$3a7b2c30$...: a FILETIME in hex.
    let parts: Vec<&str> = local.split('$').collect();
    if parts.len() >= 3
        && parts[0].len() == 12
        && parts[1].len() == 8
        && parts[..2]
            .iter()
            .all(|p| p.bytes().all(|b| b.is_ascii_hexdigit()))
    {
        let high = u64::from_str_radix(&parts[0][4..], 16).ok()?;
        let low = u64::from_str_radix(parts[1], 16).ok()?;
        let ft = (high << 32) | low;
        let unix = (ft / 10_000_000) as i64 - 11_644_473_600;
        return Some((unix, "Outlook", 60));
    }
    match (lead.len(), next) {
        // mutt and others: YYYYMMDDhhmmss or YYYYMMDDhhmm, in some local zone.
        (14 | 12, Some(c)) if !c.is_ascii_alphanumeric() || lead.len() == 14 => {
            let n = |a: usize, b: usize| lead[a..b].parse::<u32>().ok();
            let (y, mo, d, h, mi) = (n(0, 4)?, n(4, 6)?, n(6, 8)?, n(8, 10)?, n(10, 12)?);
            if (1995..=2100).contains(&y)
                && (1..=12).contains(&mo)
                && (1..=31).contains(&d)
                && h < 24
                && mi < 60
            {
                let unix = days_from_civil(i64::from(y), mo, d) * 86_400
                    + i64::from(h) * 3600
                    + i64::from(mi) * 60;
                return Some((unix, "timestamped (YYYYMMDDhhmm)", 14 * 3600 + 60));
            }
            if lead.len() == 12 {
                // Python's email.utils.make_msgid: centiseconds.
                let cs: i64 = lead.parse().ok()?;
                return Some((cs / 100, "Python make_msgid", 60));
            }
            None
        }
        // Evolution (…camel@) and others: Unix seconds then a dot.
        (10, Some('.')) => Some((lead.parse().ok()?, "Unix-time (Evolution style)", 60)),
        _ => {
            // Netscape / early Thunderbird: 8 hex digits of Unix time, a dot.
            let (hex, rest) = local.split_once('.')?;
            if hex.len() == 8
                && hex
                    .bytes()
                    .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_lowercase())
                && rest.bytes().all(|b| b.is_ascii_hexdigit())
                && !rest.is_empty()
            {
                return Some((
                    i64::from_str_radix(hex, 16).ok()?,
                    "Netscape/Thunderbird",
                    60,
                ));
            }
            None
        }
    }
}

fn embedded_time(mails: &[Mail<'_>], out: &mut Vec<Finding>) {
    for m in mails {
        let (Some(id), Some(date)) = (&m.facts.message_id, m.facts.date) else {
            continue;
        };
        let Some((t, style, slack)) = id_time(id) else {
            continue;
        };
        let gap = date.unix - t;
        // Not a timestamp at all if it is years away.
        if gap.abs() > 5 * 365 * 86_400 || gap.abs() <= slack + 86_400 {
            continue;
        }
        let sev = if gap.abs() > 30 * 86_400 {
            Severity::High
        } else {
            Severity::Medium
        };
        out.push(
            Finding::new(
                "message_id.time_mismatch",
                sev,
                vec![m.path()],
                format!(
                    "The Message-ID was made by a mail program that writes the time into it ({style}), and that time is {} {} the Date header: the Date was probably changed.",
                    human_duration(gap),
                    if gap > 0 { "before" } else { "after" }
                ),
            )
            .with("message_id", id.clone())
            .with("time_in_message_id", utc_string(t))
            .with("date", m.facts.date_text.clone().unwrap_or_default()),
        );
    }
}

/// Per sender with at least five messages: the domain nearly all of their
/// Message-IDs use. One message with another domain stands out.
fn domain_habit(mails: &[Mail<'_>], out: &mut Vec<Finding>) {
    let mut by_sender: HashMap<&str, Vec<(&Mail<'_>, String)>> = HashMap::new();
    for m in mails {
        if let (Some(addr), Some(id)) = (&m.facts.from_address, &m.facts.message_id)
            && let Some((_, d)) = id.rsplit_once('@')
        {
            by_sender
                .entry(addr)
                .or_default()
                .push((m, d.to_ascii_lowercase()));
        }
    }
    let mut senders: Vec<_> = by_sender.into_iter().collect();
    senders.sort_by(|a, b| a.0.cmp(b.0));
    for (addr, msgs) in senders {
        if msgs.len() < 5 {
            continue;
        }
        let mut counts: HashMap<&str, usize> = HashMap::new();
        for (_, d) in &msgs {
            *counts.entry(d.as_str()).or_default() += 1;
        }
        for (m, d) in &msgs {
            let same = counts.get(d.as_str()).copied().unwrap_or(0);
            let others = msgs.len() - 1;
            // The habit among the *other* messages.
            let Some((habit, n)) = counts
                .iter()
                .filter(|(k, _)| **k != d.as_str())
                .max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0)))
            else {
                continue;
            };
            if same - 1 == 0 && *n * 10 >= others * 8 {
                out.push(
                    Finding::new(
                        "message_id.domain",
                        Severity::Medium,
                        vec![m.path()],
                        format!(
                            "The Message-ID's domain {d} is not the one this sender's mail program uses: {n} of their {others} other messages have IDs at {habit}.",
                        ),
                    )
                    .with("sender", addr)
                    .with("message_id", m.facts.message_id.clone().unwrap_or_default())
                    .with("habit", habit.to_string()),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_times_in_known_id_styles() {
        assert_eq!(
            id_time("20170327081200.GA1234@host").map(|t| t.0),
            Some(1_490_602_320)
        );
        assert_eq!(
            id_time("201703270812.0042@horizon.example").map(|t| t.0),
            Some(1_490_602_320)
        );
        assert_eq!(
            id_time("1490602320.4242.3.camel@host").map(|t| t.0),
            Some(1_490_602_320)
        );
        assert_eq!(
            id_time("58D8C950.5060708@host").map(|t| t.0),
            Some(0x58D8_C950)
        );
        // Outlook FILETIME: 2017-03-27T08:12:00Z.
        let ft: u64 = (1_490_602_320 + 11_644_473_600) * 10_000_000;
        let id = format!(
            "0000{:08x}${:08x}$00000000@host",
            ft >> 32,
            ft & 0xffff_ffff
        );
        assert_eq!(id_time(&id).map(|t| t.0), Some(1_490_602_320));
        assert_eq!(id_time("CAF=abc+def@mail.gmail.com"), None);
        assert_eq!(id_time("c0ffee12-3456-7890-abcd-ef0123456789@host"), None);
    }

    #[test]
    fn tells_well_formed_ids() {
        assert!(well_formed("<a.b@c.example>"));
        assert!(!well_formed("a.b@c.example"));
        assert!(!well_formed("<no-at-sign>"));
        assert!(!well_formed("<a b@c>"));
    }
}
