//! What an email says about itself, read once per message while the dump is
//! ingested and kept compact on its [`Item`](crate::Item): decoded headers,
//! dates with their written offsets, the Received hops, Message-ID and
//! thread links, the client's fingerprint, and every DKIM result. The
//! corpus-level checks (`checks/`) compare these across messages; nothing
//! here needs the message again.

pub mod date;
pub mod dkim;
pub mod header;
pub mod received;

use serde::{Deserialize, Serialize};

pub use date::Stamp;
pub use dkim::KeyStore;
pub use received::Hop;

/// Facts read from one message's header block (and a digest of its body).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct EmailFacts {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    /// The From address, lowercase: the key of sender profiles.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub from_address: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub to: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
    /// The Date header as written.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date_text: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date: Option<Stamp>,
    /// The Date header's zone is impossible (`+2500`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date_bad_zone: Option<String>,
    /// The Message-ID field as written (trimmed).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message_id_text: Option<String>,
    /// The Message-ID without angle brackets.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message_id: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub in_reply_to: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub references: Vec<String>,
    /// X-Mailer or User-Agent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client: Option<String>,
    /// The top-level MIME boundary.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub boundary: Option<String>,
    /// Received hops, top (newest) first.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub received: Vec<Hop>,
    /// Mailing-list headers (List-Id, List-Post, …) are present: lists
    /// rewrite subjects and bodies, which breaks signatures innocently.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub mailing_list: bool,
    /// SHA-256 of the body with line endings made CRLF: two copies of one
    /// message in two mailboxes have the same, whatever headers delivery
    /// added.
    /// Empty when the body is not kept as sent (`stored_as` is set).
    #[serde(skip_serializing_if = "String::is_empty")]
    pub body_sha256: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub dkim: Vec<dkim::Signature>,
    /// Set when the message is not an RFC 822 file but a store's record of
    /// one: `outlook` (a `.msg`, a `.pst` message or a TNEF message), whose
    /// headers are the transport headers as received (or, when Outlook kept
    /// none, headers rebuilt from its properties) and whose body is
    /// Outlook's re-encoded copy, so the body hash of DKIM cannot be checked.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stored_as: Option<String>,
    /// What Outlook recorded beside the headers, for cross-checks.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub outlook: Option<Box<crate::outlook::OutlookFacts>>,
}

impl EmailFacts {
    /// When the message arrived: its newest Received time, else its Date.
    pub fn arrival(&self) -> Option<i64> {
        self.received
            .iter()
            .find_map(|h| h.time)
            .or(self.date)
            .map(|s| s.unix)
    }

    /// When it was first handed to a server: the oldest Received time.
    pub fn first_hop(&self) -> Option<Stamp> {
        self.received.iter().rev().find_map(|h| h.time)
    }

    /// The overall DKIM status of the message: the best signature's.
    pub fn dkim_status(&self) -> Option<dkim::Status> {
        self.dkim.iter().map(|s| s.status).min()
    }
}

/// Received hops kept per message (the newest ones).
pub const MAX_HOPS: usize = 64;
/// References kept per message (the last ones, nearest the message).
pub const MAX_REFERENCES: usize = 32;

/// Reads the facts of one message. Never fails: what cannot be read is
/// simply absent.
pub fn extract(message: &[u8], keys: &KeyStore) -> EmailFacts {
    extract_stored(message, keys, dkim::Body::AsSent)
}

/// [`extract`], saying whether the body is the one that was sent.
pub fn extract_stored(message: &[u8], keys: &KeyStore, body: dkim::Body) -> EmailFacts {
    let parsed = header::split(message);
    let first = |name: &str| parsed.first(name).map(|f| f.value);
    // Raw 8-bit header text is read in the charset the message declares.
    let content_type = first("Content-Type")
        .map(|v| mailparse::parse_content_type(&String::from_utf8_lossy(&header::unfold(v))));
    let charset = content_type
        .as_ref()
        .and_then(|ct| header::charset(&ct.charset));
    let text = |name: &str| first(name).map(|v| header::decode(v, charset));
    let mut facts = EmailFacts {
        from: text("From"),
        to: text("To"),
        subject: text("Subject"),
        client: text("X-Mailer").or_else(|| text("User-Agent")),
        ..EmailFacts::default()
    };
    facts.from_address = facts.from.as_deref().and_then(header::first_address);
    if let Some(d) = text("Date") {
        if let Some(p) = date::parse(&d) {
            facts.date = Some(p.stamp);
            facts.date_bad_zone = p.zone_problem.map(|date::ZoneProblem::Impossible(z)| z);
        }
        facts.date_text = Some(d);
    }
    if let Some(id) = text("Message-ID") {
        facts.message_id = header::message_ids(&id).into_iter().next();
        facts.message_id_text = Some(id);
    }
    facts.in_reply_to = text("In-Reply-To")
        .map(|v| header::message_ids(&v))
        .unwrap_or_default();
    facts.references = text("References")
        .map(|v| header::message_ids(&v))
        .unwrap_or_default();
    facts.boundary = content_type.and_then(|ct| ct.params.get("boundary").cloned());
    // Bounded, so a hostile message cannot make its item huge: real chains
    // have a few dozen hops at most, and only the last references matter.
    facts.received = parsed
        .all("Received")
        .take(MAX_HOPS)
        .map(|f| received::parse(f.value))
        .collect();
    if facts.references.len() > MAX_REFERENCES {
        let cut = facts.references.len() - MAX_REFERENCES;
        facts.references.drain(..cut);
    }
    facts.in_reply_to.truncate(MAX_REFERENCES);
    facts.mailing_list = [
        "List-Id",
        "List-Post",
        "List-Unsubscribe",
        "Mailing-List",
        "X-Mailman-Version",
    ]
    .iter()
    .any(|h| parsed.first(h).is_some());
    let simple = dkim::SimpleBody::new(parsed.body());
    facts.body_sha256 = if body == dkim::Body::NotKept {
        String::new()
    } else {
        simple.sha256().iter().map(|b| format!("{b:02x}")).collect()
    };
    facts.dkim = dkim::verify_all_sharing(&parsed, keys, facts.arrival(), body, &simple);
    facts
}
