//! Received header fields (RFC 5321 section 4.4): each hop's sending and
//! receiving host and its timestamp. Servers prepend them, so the topmost
//! field is the newest hop.

use serde::{Deserialize, Serialize};

use super::date::{self, Stamp, ZoneProblem};
use super::header;

/// One hop, as its receiving server recorded it.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(default)]
pub struct Hop {
    /// The host the message came from (the name after `from`, or the
    /// name in the parenthesised reverse lookup when that is missing).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    /// The host that received it (after `by`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub by: Option<String>,
    /// When it was received.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub time: Option<Stamp>,
    /// The zone written was impossible (`+2500`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bad_zone: Option<String>,
}

/// Reads one Received field value.
pub fn parse(value: &[u8]) -> Hop {
    let text = header::decode_raw(&header::unfold(value), None);
    // The date follows the last ';'.
    let (clauses, when) = match text.rfind(';') {
        Some(i) => (&text[..i], Some(text[i + 1..].trim())),
        None => (&text[..], None),
    };
    let parsed = when.and_then(date::parse);
    let words: Vec<&str> = clauses.split_whitespace().collect();
    let after = |kw: &str| -> Option<String> {
        let i = words.iter().position(|w| w.eq_ignore_ascii_case(kw))?;
        let host = words.get(i + 1)?;
        let host = host.trim_matches(|c: char| c == '(' || c == ')' || c == ';' || c == ',');
        (!host.is_empty()).then(|| host.to_ascii_lowercase())
    };
    Hop {
        from: after("from"),
        by: after("by"),
        time: parsed.as_ref().map(|p| p.stamp),
        bad_zone: parsed
            .and_then(|p| p.zone_problem)
            .map(|ZoneProblem::Impossible(z)| z),
    }
}

/// Whether two host names plausibly name the same machine or site: equal,
/// or sharing the last two labels (`mx1.horizon.example` and
/// `smtp.horizon.example`). Bracketed IP literals compare as written.
pub fn same_site(a: &str, b: &str) -> bool {
    let clean = |s: &str| {
        s.trim_matches(['[', ']'])
            .trim_end_matches('.')
            .to_ascii_lowercase()
    };
    let (a, b) = (clean(a), clean(b));
    if a == b {
        return true;
    }
    let tail = |s: &str| {
        let labels: Vec<&str> = s.split('.').collect();
        if labels.len() >= 2 && !labels.iter().all(|l| l.bytes().all(|c| c.is_ascii_digit())) {
            Some(labels[labels.len() - 2..].join("."))
        } else {
            None
        }
    };
    matches!((tail(&a), tail(&b)), (Some(x), Some(y)) if x == y)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_hosts_and_time() {
        let h = parse(
            b" from mail.horizon.example (mail.horizon.example [192.0.2.7])\r\n\tby mx.presse.example with ESMTPS id 4F2;\r\n\tMon, 27 Mar 2017 10:12:00 +0200",
        );
        assert_eq!(h.from.as_deref(), Some("mail.horizon.example"));
        assert_eq!(h.by.as_deref(), Some("mx.presse.example"));
        assert_eq!(h.time.map(|t| t.unix), Some(1_490_602_320));
        assert!(h.bad_zone.is_none());
        let bad = parse(b" by x.example; Mon, 27 Mar 2017 10:12:00 +2500");
        assert_eq!(bad.bad_zone.as_deref(), Some("+2500"));
        assert!(parse(b" garbage").time.is_none());
    }

    #[test]
    fn compares_sites() {
        assert!(same_site("mx1.horizon.example", "smtp.horizon.example"));
        assert!(same_site("[192.0.2.1]", "192.0.2.1"));
        assert!(!same_site("mx.horizon.example", "mx.other.example"));
        assert!(!same_site("192.0.2.1", "192.0.3.1"));
    }
}
