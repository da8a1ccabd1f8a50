//! An Outlook message against itself: the properties Outlook shows (subject,
//! sender, sent time, delivery time) against the transport headers it kept
//! as received.
//!
//! Outlook fills those properties from the headers when the message
//! arrives, and nothing in normal use changes one without the other. A
//! message edited with a MAPI property editor (the easy way to doctor a
//! `.msg`) changes what Outlook displays but leaves the headers, and with
//! them the DKIM signature and the Received chain, as they were.

use super::{Check, Mail, human_duration, mails};
use crate::corpus::Corpus;
use crate::email::date::utc_string;
use crate::item::{Finding, Severity};

pub struct Outlook;

/// The client stamps Date and `PR_CLIENT_SUBMIT_TIME` from one clock
/// reading; a couple of minutes covers any rounding.
const SUBMIT_TOLERANCE: i64 = 2 * 60;
/// The mailbox server stores a message moments after the last relay
/// received it; an hour covers clock differences between the two.
const DELIVERY_TOLERANCE: i64 = 60 * 60;

impl Check for Outlook {
    fn name(&self) -> &'static str {
        "outlook"
    }

    fn run(&self, corpus: &Corpus) -> Vec<Finding> {
        let mut out = Vec::new();
        for m in mails(corpus) {
            let Some(o) = m.facts.outlook.as_deref() else {
                continue;
            };
            if !o.transport_headers {
                continue; // the headers were rebuilt from these very properties
            }
            let f = m.facts;
            if let (Some(shown), Some(header)) = (&o.subject, &f.subject)
                && normalize(shown) != normalize(header)
            {
                out.push(disagree(
                    &m,
                    "subject",
                    format!("Outlook shows the subject '{shown}' but the message's Subject header says '{header}'."),
                    shown,
                    header,
                ));
            }
            if let (Some(shown), Some(header)) = (&o.sender, &f.from_address)
                && shown != header
                && !f
                    .from
                    .as_deref()
                    .is_some_and(|from| from.to_ascii_lowercase().contains(shown.as_str()))
            {
                out.push(disagree(
                    &m,
                    "sender",
                    format!("Outlook shows the sender {shown} but the message's From header says {header}."),
                    shown,
                    header,
                ));
            }
            if let (Some(shown), Some(header)) = (o.submitted, f.date) {
                let gap = (shown.unix - header.unix).abs();
                if gap > SUBMIT_TOLERANCE {
                    out.push(
                        disagree(
                            &m,
                            "sent time",
                            format!(
                                "Outlook shows the message as sent at {} but its Date header says {} ({} apart); the client sets both from one clock.",
                                utc_string(shown.unix),
                                header.to_rfc3339(),
                                human_duration(gap)
                            ),
                            &utc_string(shown.unix),
                            &header.to_rfc3339(),
                        )
                        .with("gap_seconds", gap),
                    );
                }
            }
            let newest_hop = f.received.iter().find_map(|h| h.time);
            if let (Some(delivered), Some(hop)) = (o.delivered, newest_hop)
                && delivered.unix + DELIVERY_TOLERANCE < hop.unix
            {
                let gap = hop.unix - delivered.unix;
                out.push(
                    disagree(
                        &m,
                        "delivery time",
                        format!(
                            "Outlook records the message as delivered at {}, {} before the last server in its Received headers handed it on ({}).",
                            utc_string(delivered.unix),
                            human_duration(gap),
                            hop.to_rfc3339()
                        ),
                        &utc_string(delivered.unix),
                        &hop.to_rfc3339(),
                    )
                    .with("gap_seconds", gap),
                );
            }
        }
        out
    }
}

fn normalize(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn disagree(m: &Mail<'_>, what: &str, message: String, shown: &str, header: &str) -> Finding {
    Finding::new(
        "outlook.properties_disagree",
        Severity::Medium,
        vec![m.path()],
        format!(
            "{message} Outlook fills its properties from the headers on arrival; a difference means one of them was edited afterwards (the properties are what a MAPI editor changes)."
        ),
    )
    .with("field", what)
    .with("observed", shown)
    .with("expected", header)
}
