//! DKIM results as findings: what failed and what that means, what passed
//! and how much a pass proves (weak key, `l=`, headers left unsigned).
//!
//! Mailing lists rewrite subjects and append footers, which breaks the
//! author's signature innocently: on a message with list headers a failure
//! is reported `low`, with that explanation.

use super::{Check, Mail, human_duration, mails};
use crate::corpus::Corpus;
use crate::email::dkim::{Signature, Status};
use crate::item::{Finding, Severity};

pub struct Dkim;

impl Check for Dkim {
    fn name(&self) -> &'static str {
        "dkim"
    }

    fn run(&self, corpus: &Corpus) -> Vec<Finding> {
        let mut out = Vec::new();
        for m in mails(corpus) {
            let passed: Vec<&Signature> = m
                .facts
                .dkim
                .iter()
                .filter(|s| s.status == Status::Pass)
                .collect();
            for s in &m.facts.dkim {
                check_signature(&m, s, !passed.is_empty(), &mut out);
            }
        }
        out
    }
}

fn who(s: &Signature) -> String {
    format!("{} (selector {})", s.domain, s.selector)
}

fn base(m: &Mail<'_>, rule: &str, severity: Severity, s: &Signature, message: String) -> Finding {
    Finding::new(rule, severity, vec![m.path()], message)
        .with("domain", s.domain.clone())
        .with("selector", s.selector.clone())
        .with("algorithm", s.algorithm.clone())
        .with("status", s.status.as_str())
        .with("reason", s.reason.clone())
}

/// A failure is `high` unless something innocent explains it: a mailing
/// list (which rewrites mail) or another signature on the message that
/// verifies (a relay in between changed it). Returns the severity and the
/// sentence saying why.
fn innocent_cause(list: bool, another_passed: bool, list_effect: &str) -> (Severity, String) {
    if list {
        (
            Severity::Low,
            format!(" The message carries mailing-list headers: {list_effect}."),
        )
    } else if another_passed {
        (
            Severity::Low,
            " Another signature on the message verifies, so a relay in between is the likelier cause.".into(),
        )
    } else {
        (Severity::High, String::new())
    }
}

fn check_signature(m: &Mail<'_>, s: &Signature, another_passed: bool, out: &mut Vec<Finding>) {
    let list = m.facts.mailing_list;
    match s.status {
        Status::FailBody => {
            let (sev, why) = innocent_cause(
                list,
                another_passed,
                "lists append footers and so break signatures innocently",
            );
            out.push(
                base(m, "dkim.body_changed", sev, s, format!(
                    "The body no longer matches the DKIM signature of {}: it was changed after the message was signed.{why}",
                    who(s)
                ))
                .with("expected", "the body hash in bh= of the signature")
                .with("mailing_list", list),
            );
        }
        Status::FailSignature => {
            let (sev, why, lead) = if m.facts.stored_as.is_some() {
                // Outlook keeps the headers as text it may have re-folded:
                // that breaks `simple` header canonicalization innocently.
                let simple = !s.canonicalization.starts_with("relaxed");
                let (sev, why) = if simple {
                    (
                        Severity::Low,
                        " The signature uses 'simple' header canonicalization, which any re-folding of the headers by the mail store breaks innocently.".to_string(),
                    )
                } else {
                    (Severity::Medium, String::new())
                };
                (
                    sev,
                    format!(
                        " The body, which Outlook does not keep as sent, could not be checked.{why}"
                    ),
                    format!(
                        "The headers Outlook kept for this message do not match the DKIM signature of {}",
                        who(s)
                    ),
                )
            } else {
                let (sev, why) = innocent_cause(
                    list,
                    another_passed,
                    "lists rewrite subjects, which breaks signatures innocently",
                );
                let lead = format!(
                    "The body matches the DKIM signature of {} but the signed headers do not",
                    who(s)
                );
                (sev, why, lead)
            };
            let mut f = base(m, "dkim.headers_changed", sev, s, format!(
                "{lead}: a signed header (such as From, Subject or Date) was changed, added or removed after signing.{why}"
            ))
            .with("signed_headers", s.signed_headers.join(":"))
            .with("mailing_list", list);
            if let Some(stored) = &m.facts.stored_as {
                f = f.with("stored_as", stored.clone());
            }
            out.push(f);
        }
        Status::Invalid => {
            out.push(base(
                m,
                "dkim.unusable",
                Severity::Info,
                s,
                format!(
                    "The DKIM signature of {} cannot be used: {}.",
                    who(s),
                    s.reason
                ),
            ));
        }
        Status::KeyUnavailable => {}
        Status::PassHeaders => {
            out.push(
                Finding::support(
                    "dkim.headers_verified",
                    vec![m.path()],
                    format!(
                        "The DKIM signature of {} verifies over the headers Outlook kept: the signed headers are as {} sent them. Outlook does not keep the body as sent, so the body could not be checked.",
                        who(s),
                        s.domain,
                    ),
                )
                .with("domain", s.domain.clone())
                .with("selector", s.selector.clone())
                .with("algorithm", s.algorithm.clone())
                .with("signed_headers", s.signed_headers.join(":")),
            );
        }
        Status::Pass => {
            let mut f = Finding::support(
                "dkim.verified",
                vec![m.path()],
                format!(
                    "The DKIM signature of {} verifies: the signed headers and body are as {} sent them{}.",
                    who(s),
                    s.domain,
                    if s.weak_key { " (but with a weak key)" } else { "" }
                ),
            )
            .with("domain", s.domain.clone())
            .with("selector", s.selector.clone())
            .with("algorithm", s.algorithm.clone())
            .with("signed_headers", s.signed_headers.join(":"));
            if let Some(bits) = s.key_bits {
                f = f.with("key_bits", bits);
            }
            out.push(f);
            if s.weak_key {
                out.push(
                    base(m, "dkim.weak_key", Severity::Low, s, format!(
                        "The DKIM signature of {} verifies, but with a {}-bit RSA key: keys under 1024 bits can be factored, so anyone could have made this signature.",
                        who(s),
                        s.key_bits.unwrap_or(0)
                    ))
                    .with("key_bits", s.key_bits.unwrap_or(0)),
                );
            }
            if let Some(extra) = s.unsigned_body_bytes.filter(|&n| n > 0) {
                let sev = if list {
                    Severity::Low
                } else {
                    Severity::Medium
                };
                out.push(
                    base(m, "dkim.unsigned_body", sev, s, format!(
                        "The DKIM signature of {} covers only the first {} bytes of the body (l=); the last {extra} bytes are not signed and could have been added by anyone{}.",
                        who(s),
                        s.body_length.unwrap_or(0),
                        if list { " (a mailing-list footer is the usual cause)" } else { "" }
                    ))
                    .with("signed_bytes", s.body_length.unwrap_or(0))
                    .with("unsigned_bytes", extra),
                );
            }
            let open: Vec<&String> = s
                .unsigned_headers
                .iter()
                .filter(|h| matches!(h.as_str(), "from" | "subject" | "date"))
                .collect();
            if !open.is_empty() {
                out.push(
                    base(m, "dkim.unsigned_headers", Severity::Low, s, format!(
                        "The DKIM signature of {} does not cover {}: those headers could have been changed without breaking it.",
                        who(s),
                        open.iter().map(|h| h.as_str()).collect::<Vec<_>>().join(", ")
                    ))
                    .with("unsigned", open.iter().map(|h| h.as_str()).collect::<Vec<_>>().join(":")),
                );
            }
            if let (Some(t), Some(j)) = (s.signed_at, s.judged_at)
                && t > j + 36_000
            {
                out.push(
                    base(m, "dkim.signed_late", Severity::Low, s, format!(
                        "The DKIM signature of {} says it was made {} after the message's own time: it may have been added later.",
                        who(s),
                        human_duration(t.saturating_sub(j))
                    ))
                    .with("signed_at", crate::email::date::utc_string(t))
                    .with("message_time", crate::email::date::utc_string(j)),
                );
            }
        }
    }
}
