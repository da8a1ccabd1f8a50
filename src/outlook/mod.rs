//! Outlook's stores of email: `.msg` files (MS-OXMSG), `.pst`/`.ost`
//! stores (MS-PST) and TNEF (`winmail.dat`, MS-OXTNEF).
//!
//! All three keep a message as MAPI properties, not as RFC 822 text. Each
//! reader ([`msg`], [`pst`], [`tnef`]) turns its format into one
//! [`Message`] (properties, attachments, embedded messages); this module
//! turns a `Message` into what the rest of leakcheck uses:
//!
//! * [`facts`]: the [`EmailFacts`] of the message, read from the transport
//!   headers Outlook kept as received (`PR_TRANSPORT_MESSAGE_HEADERS`), so
//!   the Received chain, Message-ID and DKIM header signature are checked as
//!   for any email; when Outlook kept none (drafts, sent items), from
//!   headers rebuilt from its properties. Outlook does not keep the body as
//!   sent, so DKIM's body hash cannot be checked (`pass-headers` at best),
//!   and the properties Outlook recorded beside the headers
//!   ([`OutlookFacts`]) are kept for the `outlook.*` cross-checks.
//! * [`render`]: an RFC 822 rendering of the message (headers, text body,
//!   HTML body, attachments base64-encoded). A message inside a `.pst` or
//!   embedded in another message has no bytes of its own: the rendering
//!   is what stands for it, so its digests are stable across runs and any
//!   change to the message changes them.

pub mod msg;
pub mod pst;
pub mod tnef;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::email::{self, EmailFacts, KeyStore, Stamp, dkim};

/// MAPI property identifiers (MS-OXPROPS) that leakcheck reads.
pub mod prop {
    pub const MESSAGE_CLASS: u16 = 0x001A;
    pub const SUBJECT: u16 = 0x0037;
    pub const CLIENT_SUBMIT_TIME: u16 = 0x0039;
    pub const SENT_REPRESENTING_NAME: u16 = 0x0042;
    pub const SENT_REPRESENTING_EMAIL: u16 = 0x0065;
    pub const TRANSPORT_MESSAGE_HEADERS: u16 = 0x007D;
    pub const SENDER_NAME: u16 = 0x0C1A;
    pub const SENDER_EMAIL: u16 = 0x0C1F;
    pub const DISPLAY_CC: u16 = 0x0E03;
    pub const DISPLAY_TO: u16 = 0x0E04;
    pub const MESSAGE_DELIVERY_TIME: u16 = 0x0E06;
    pub const BODY: u16 = 0x1000;
    pub const HTML: u16 = 0x1013;
    pub const INTERNET_MESSAGE_ID: u16 = 0x1035;
    pub const INTERNET_REFERENCES: u16 = 0x1039;
    pub const IN_REPLY_TO_ID: u16 = 0x1042;
    pub const DISPLAY_NAME: u16 = 0x3001;
    pub const CREATION_TIME: u16 = 0x3007;
    pub const LAST_MODIFICATION_TIME: u16 = 0x3008;
    pub const ATTACH_DATA: u16 = 0x3701;
    pub const ATTACH_FILENAME: u16 = 0x3704;
    pub const ATTACH_METHOD: u16 = 0x3705;
    pub const ATTACH_LONG_FILENAME: u16 = 0x3707;
    pub const ATTACH_MIME_TAG: u16 = 0x370E;
    pub const INTERNET_CPID: u16 = 0x3FDE;
    pub const MESSAGE_CODEPAGE: u16 = 0x3FFD;
    pub const SENDER_SMTP: u16 = 0x5D01;
    pub const SENT_REPRESENTING_SMTP: u16 = 0x5D02;
}

/// `PR_ATTACH_METHOD` of an embedded message.
pub const ATTACH_EMBEDDED_MSG: i64 = 5;

/// Embedded messages are read to this depth (a message attached to a
/// message attached to …); deeper ones are reported, not read.
pub const MAX_NESTING: u32 = 16;

/// One property value, as the store keeps it.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// `PtypString` (UTF-16 in the store).
    Text(String),
    /// `PtypString8`: bytes in the message's code page.
    String8(Vec<u8>),
    Binary(Vec<u8>),
    /// `PtypTime`: 100-nanosecond intervals since 1601-01-01 UTC.
    Time(i64),
    Int(i64),
    Bool(bool),
}

/// The properties of a message, attachment or recipient.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Props {
    map: BTreeMap<u16, Value>,
    /// The code page of its `PtypString8` values.
    pub codepage: Option<u16>,
}

impl Props {
    pub fn insert(&mut self, id: u16, v: Value) {
        self.map.insert(id, v);
    }

    pub fn remove(&mut self, id: u16) -> Option<Value> {
        self.map.remove(&id)
    }

    /// A string property, decoded (8-bit strings with the code page, else
    /// windows-1252), without trailing NULs.
    pub fn text(&self, id: u16) -> Option<String> {
        let s = match self.map.get(&id)? {
            Value::Text(s) => s.clone(),
            Value::String8(b) => {
                let enc = self
                    .codepage
                    .and_then(codepage::to_encoding)
                    .unwrap_or(encoding_rs::WINDOWS_1252);
                enc.decode_without_bom_handling(b).0.into_owned()
            }
            _ => return None,
        };
        Some(s.trim_end_matches('\0').to_string())
    }

    /// A non-empty string property.
    pub fn nonempty(&self, id: u16) -> Option<String> {
        self.text(id).filter(|s| !s.trim().is_empty())
    }

    pub fn binary(&self, id: u16) -> Option<&[u8]> {
        match self.map.get(&id)? {
            Value::Binary(b) | Value::String8(b) => Some(b),
            _ => None,
        }
    }

    /// A time property, as seconds since 1970 (UTC).
    pub fn time(&self, id: u16) -> Option<i64> {
        match self.map.get(&id)? {
            Value::Time(t) => filetime_to_unix(*t),
            _ => None,
        }
    }

    pub fn int(&self, id: u16) -> Option<i64> {
        match self.map.get(&id)? {
            Value::Int(i) => Some(*i),
            Value::Bool(b) => Some(i64::from(*b)),
            _ => None,
        }
    }

    /// Sets the code page from `PR_MESSAGE_CODEPAGE` or `PR_INTERNET_CPID`.
    pub fn set_codepage_from_props(&mut self) {
        let cp = self
            .int(prop::MESSAGE_CODEPAGE)
            .or_else(|| self.int(prop::INTERNET_CPID));
        if let Some(cp) = cp.and_then(|c| u16::try_from(c).ok()) {
            self.codepage = Some(cp);
        }
    }
}

/// FILETIME (100 ns since 1601) to Unix seconds; `None` for the zero and
/// "never" values and for times outside years 1601–9999.
pub fn filetime_to_unix(ft: i64) -> Option<i64> {
    const EPOCH_DIFF: i64 = 11_644_473_600;
    if ft <= 0 || ft >= 2_650_467_743_990_000_000 {
        return None;
    }
    Some(ft / 10_000_000 - EPOCH_DIFF)
}

/// A message as an Outlook store keeps it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Message {
    pub props: Props,
    pub attachments: Vec<Attachment>,
}

/// One attachment of a [`Message`].
#[derive(Debug, Clone, PartialEq)]
pub struct Attachment {
    pub props: Props,
    pub content: AttachContent,
}

#[derive(Debug, Clone, PartialEq)]
pub enum AttachContent {
    Bytes(Vec<u8>),
    Message(Box<Message>),
    /// Present but not readable here, and why.
    Unreadable(String),
}

impl Attachment {
    /// The attachment's file name: long name, short name, display name.
    pub fn name(&self) -> Option<String> {
        [
            prop::ATTACH_LONG_FILENAME,
            prop::ATTACH_FILENAME,
            prop::DISPLAY_NAME,
        ]
        .iter()
        .find_map(|&id| self.props.nonempty(id))
        .map(|n| n.trim().to_string())
    }
}

/// What Outlook recorded about a message beside its headers.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct OutlookFacts {
    /// `msg`, `pst` or `tnef`.
    pub format: String,
    /// Whether Outlook kept the transport headers as received.
    pub transport_headers: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message_class: Option<String>,
    /// `PR_SUBJECT`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
    /// The sender's address in the properties (SMTP when Outlook kept it).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sender: Option<String>,
    /// `PR_CLIENT_SUBMIT_TIME`: when the sender's client sent it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub submitted: Option<Stamp>,
    /// `PR_MESSAGE_DELIVERY_TIME`: when it reached this mailbox.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub delivered: Option<Stamp>,
    /// `PR_CREATION_TIME` / `PR_LAST_MODIFICATION_TIME` of this copy.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub created: Option<Stamp>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub modified: Option<Stamp>,
}

fn stamp(unix: Option<i64>) -> Option<Stamp> {
    unix.map(|unix| Stamp {
        unix,
        offset_minutes: 0,
    })
}

/// The sender's address from the properties.
fn sender_address(p: &Props) -> Option<String> {
    [
        prop::SENDER_SMTP,
        prop::SENT_REPRESENTING_SMTP,
        prop::SENDER_EMAIL,
        prop::SENT_REPRESENTING_EMAIL,
    ]
    .iter()
    .filter_map(|&id| p.nonempty(id))
    .find(|a| a.contains('@'))
    .map(|a| a.trim().to_ascii_lowercase())
}

/// One header line with any line break in the value flattened, so a
/// property cannot inject header fields.
fn header_line(out: &mut String, name: &str, value: &str) {
    let flat: String = value
        .chars()
        .map(|c| if matches!(c, '\r' | '\n') { ' ' } else { c })
        .collect();
    out.push_str(name);
    out.push_str(": ");
    out.push_str(flat.trim());
    out.push_str("\r\n");
}

/// `Tue, 21 Mar 2017 09:14:00 +0000`.
fn rfc5322(unix: i64) -> String {
    let (y, mo, d, h, mi, s) = email::date::civil(unix);
    let days = unix.div_euclid(86_400);
    let dow = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"][days.rem_euclid(7) as usize];
    let month = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ][(mo.clamp(1, 12) - 1) as usize];
    format!("{dow}, {d} {month} {y:04} {h:02}:{mi:02}:{s:02} +0000")
}

/// The header block: the transport headers as received, else headers
/// rebuilt from the properties. Ends with the blank line.
fn header_block(m: &Message) -> (String, bool) {
    let p = &m.props;
    if let Some(h) = p.nonempty(prop::TRANSPORT_MESSAGE_HEADERS) {
        // Stored with CRLF or bare LF; the end is made one blank line.
        // Exchange 2003 put a banner line above the first field.
        let h = h
            .strip_prefix("Microsoft Mail Internet Headers Version 2.0")
            .map(|rest| rest.trim_start_matches(['\r', '\n']))
            .unwrap_or(&h);
        let mut out = String::with_capacity(h.len() + 4);
        for line in h.trim_end().split('\n') {
            out.push_str(line.strip_suffix('\r').unwrap_or(line));
            out.push_str("\r\n");
        }
        out.push_str("\r\n");
        return (out, true);
    }
    let mut out = String::new();
    let name = p
        .nonempty(prop::SENT_REPRESENTING_NAME)
        .or_else(|| p.nonempty(prop::SENDER_NAME));
    match (name, sender_address(p)) {
        (Some(n), Some(a)) => header_line(
            &mut out,
            "From",
            &format!("\"{}\" <{a}>", n.replace('"', "'")),
        ),
        (None, Some(a)) => header_line(&mut out, "From", &format!("<{a}>")),
        (Some(n), None) => header_line(&mut out, "From", &n),
        (None, None) => {}
    }
    if let Some(to) = p.nonempty(prop::DISPLAY_TO) {
        header_line(&mut out, "To", &to);
    }
    if let Some(cc) = p.nonempty(prop::DISPLAY_CC) {
        header_line(&mut out, "Cc", &cc);
    }
    if let Some(s) = p.text(prop::SUBJECT) {
        header_line(&mut out, "Subject", &s);
    }
    if let Some(t) = p.time(prop::CLIENT_SUBMIT_TIME) {
        header_line(&mut out, "Date", &rfc5322(t));
    }
    for (id, name) in [
        (prop::INTERNET_MESSAGE_ID, "Message-ID"),
        (prop::IN_REPLY_TO_ID, "In-Reply-To"),
        (prop::INTERNET_REFERENCES, "References"),
    ] {
        if let Some(v) = p.nonempty(id) {
            header_line(&mut out, name, &v);
        }
    }
    out.push_str("\r\n");
    (out, false)
}

/// The facts of a message kept by an Outlook store (`format`: `msg`,
/// `pst` or `tnef`).
pub fn facts(m: &Message, keys: &KeyStore, format: &str) -> EmailFacts {
    let (headers, transport) = header_block(m);
    let mut facts = email::extract_stored(headers.as_bytes(), keys, dkim::Body::NotKept);
    let p = &m.props;
    facts.stored_as = Some("outlook".into());
    facts.outlook = Some(Box::new(OutlookFacts {
        format: format.into(),
        transport_headers: transport,
        message_class: p.nonempty(prop::MESSAGE_CLASS),
        subject: p.text(prop::SUBJECT),
        sender: sender_address(p),
        submitted: stamp(p.time(prop::CLIENT_SUBMIT_TIME)),
        delivered: stamp(p.time(prop::MESSAGE_DELIVERY_TIME)),
        created: stamp(p.time(prop::CREATION_TIME)),
        modified: stamp(p.time(prop::LAST_MODIFICATION_TIME)),
    }));
    facts
}

/// Header fields of the transport headers that describe the original MIME
/// structure, which the rendering replaces with its own.
const MIME_FIELDS: &[&str] = &["content-type", "content-transfer-encoding", "mime-version"];

fn strip_mime_fields(headers: &str) -> String {
    let mut out = String::with_capacity(headers.len());
    let mut skipping = false;
    for line in headers.split_inclusive("\r\n") {
        if line == "\r\n" {
            break;
        }
        let continuation = line.starts_with([' ', '\t']);
        if !continuation {
            let name = line
                .split(':')
                .next()
                .unwrap_or("")
                .trim()
                .to_ascii_lowercase();
            skipping = MIME_FIELDS.contains(&name.as_str());
        }
        if !skipping {
            out.push_str(line);
        }
    }
    out
}

fn base64_lines(out: &mut Vec<u8>, data: &[u8]) {
    use base64::Engine;
    let encoded = base64::engine::general_purpose::STANDARD.encode(data);
    for chunk in encoded.as_bytes().chunks(76) {
        out.extend_from_slice(chunk);
        out.extend_from_slice(b"\r\n");
    }
}

/// An RFC 822 rendering of the message: what stands for a message that
/// has no bytes of its own. Deterministic: the same message gives the same
/// bytes.
pub fn render(m: &Message) -> Vec<u8> {
    render_at(m, 0)
}

/// The rendering of a message nested `depth` messages deep. An embedded
/// message is included as it is (RFC 2046 forbids base64 for
/// `message/rfc822`), so nesting adds sizes rather than multiplying them;
/// the depth in the boundary keeps nested boundaries apart.
fn render_at(m: &Message, depth: u32) -> Vec<u8> {
    let (headers, _) = header_block(m);
    let mut out = strip_mime_fields(&headers).into_bytes();
    let boundary = format!("leakcheck-outlook-{depth}-{}", m.attachments.len());
    out.extend_from_slice(b"MIME-Version: 1.0\r\n");
    out.extend_from_slice(
        format!("Content-Type: multipart/mixed; boundary=\"{boundary}\"\r\n\r\n").as_bytes(),
    );
    let part = |out: &mut Vec<u8>, header: &str, data: &[u8]| {
        out.extend_from_slice(
            format!("--{boundary}\r\n{header}Content-Transfer-Encoding: base64\r\n\r\n").as_bytes(),
        );
        base64_lines(out, data);
    };
    if let Some(body) = m.props.text(prop::BODY) {
        part(
            &mut out,
            "Content-Type: text/plain; charset=utf-8\r\n",
            body.as_bytes(),
        );
    }
    if let Some(html) = m.props.binary(prop::HTML) {
        part(&mut out, "Content-Type: text/html\r\n", html);
    }
    for (i, a) in m.attachments.iter().enumerate() {
        let name = a
            .name()
            .unwrap_or_else(|| format!("attachment{}", i + 1))
            .replace(['"', '\r', '\n', '\\'], "_");
        match &a.content {
            AttachContent::Bytes(b) => part(
                &mut out,
                &format!(
                    "Content-Type: application/octet-stream\r\nContent-Disposition: attachment; filename=\"{name}\"\r\n"
                ),
                b,
            ),
            AttachContent::Message(inner) => {
                out.extend_from_slice(
                    format!("--{boundary}\r\nContent-Type: message/rfc822\r\nContent-Disposition: attachment; filename=\"{name}\"\r\n\r\n").as_bytes(),
                );
                out.extend_from_slice(&render_at(inner, depth + 1));
            }
            AttachContent::Unreadable(why) => part(
                &mut out,
                &format!(
                    "Content-Type: text/plain; charset=utf-8\r\nContent-Description: unreadable attachment \"{name}\"\r\n"
                ),
                why.as_bytes(),
            ),
        }
    }
    out.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(props: &[(u16, Value)]) -> Message {
        let mut m = Message::default();
        for (id, v) in props {
            m.props.insert(*id, v.clone());
        }
        m
    }

    #[test]
    fn filetime_converts_and_rejects_never() {
        // 2017-05-05T18:00:00Z
        assert_eq!(
            filetime_to_unix(131_384_808_000_000_000),
            Some(1_494_007_200)
        );
        assert_eq!(filetime_to_unix(0), None);
        assert_eq!(filetime_to_unix(i64::MAX), None);
        assert_eq!(rfc5322(1_494_007_200), "Fri, 5 May 2017 18:00:00 +0000");
    }

    #[test]
    fn facts_come_from_transport_headers_when_kept() {
        let m = message(&[
            (
                prop::TRANSPORT_MESSAGE_HEADERS,
                Value::Text("Received: from a by b; Fri, 5 May 2017 18:00:05 +0000\nFrom: A <a@x.example>\nSubject: Budget\nDate: Fri, 5 May 2017 20:00:00 +0200\nMessage-ID: <1@x.example>\n".into()),
            ),
            (prop::SUBJECT, Value::Text("Budget".into())),
        ]);
        let f = facts(&m, &KeyStore::default(), "msg");
        assert_eq!(f.subject.as_deref(), Some("Budget"));
        assert_eq!(f.from_address.as_deref(), Some("a@x.example"));
        assert_eq!(f.received.len(), 1);
        assert_eq!(f.date.map(|d| d.offset_minutes), Some(120));
        assert_eq!(f.stored_as.as_deref(), Some("outlook"));
        assert!(f.body_sha256.is_empty());
        assert!(f.outlook.as_ref().is_some_and(|o| o.transport_headers));
    }

    #[test]
    fn without_transport_headers_facts_are_rebuilt_and_cannot_inject_fields() {
        let m = message(&[
            (
                prop::SUBJECT,
                Value::String8(b"R\xe9union\r\nDKIM-Signature: x".to_vec()),
            ),
            (prop::SENDER_NAME, Value::Text("Anne".into())),
            (prop::SENDER_SMTP, Value::Text("Anne@X.example".into())),
            (
                prop::CLIENT_SUBMIT_TIME,
                Value::Time(131_384_808_000_000_000),
            ),
            (
                prop::INTERNET_MESSAGE_ID,
                Value::Text("<2@x.example>".into()),
            ),
        ]);
        let f = facts(&m, &KeyStore::default(), "pst");
        assert_eq!(f.subject.as_deref(), Some("Réunion  DKIM-Signature: x"));
        assert_eq!(f.from_address.as_deref(), Some("anne@x.example"));
        assert_eq!(f.date.map(|d| d.unix), Some(1_494_007_200));
        assert_eq!(f.message_id.as_deref(), Some("2@x.example"));
        assert!(f.dkim.is_empty());
        assert!(f.outlook.as_ref().is_some_and(|o| !o.transport_headers));
    }

    #[test]
    fn rendering_is_a_mime_message_that_changes_with_any_attachment() {
        let mut m = message(&[
            (prop::SUBJECT, Value::Text("s".into())),
            (prop::BODY, Value::Text("body".into())),
        ]);
        m.attachments.push(Attachment {
            props: Props::default(),
            content: AttachContent::Bytes(b"one".to_vec()),
        });
        let a = render(&m);
        let parsed = mailparse::parse_mail(&a).expect("the rendering parses");
        assert_eq!(parsed.subparts.len(), 2);
        // Nesting adds sizes: ten levels around a 30 kB attachment stay small.
        let mut nested = m.clone();
        nested.attachments[0].content = AttachContent::Bytes(vec![7; 30_000]);
        for _ in 0..10 {
            let mut outer = Message::default();
            outer.attachments.push(Attachment {
                props: Props::default(),
                content: AttachContent::Message(Box::new(nested)),
            });
            nested = outer;
        }
        let big = render(&nested);
        assert!(big.len() < 60_000, "{} bytes", big.len());
        let parsed = mailparse::parse_mail(&big).expect("nested rendering parses");
        assert_eq!(parsed.subparts[0].ctype.mimetype, "message/rfc822");
        assert_eq!(render(&m), a, "deterministic");
        m.attachments[0].content = AttachContent::Bytes(b"two".to_vec());
        assert_ne!(render(&m), a);
    }
}
