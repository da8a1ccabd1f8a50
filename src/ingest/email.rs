//! RFC 822 / MIME messages (and Apple `.emlx`), parsed with `mailparse`.
//!
//! Members are the message's attachments: every leaf part that has a file
//! name, is marked `attachment`, is not text, or is itself a message
//! (`message/rfc822`, which becomes an email item and is parsed in turn).
//! Body text parts are not members. A member is named by its file name, or
//! `part<N>` (N = its 1-based position among the message's leaf parts, depth
//! first) when it has none or the name repeats in the message.

use std::borrow::Cow;
use std::collections::HashMap;

use mailparse::{DispositionType, MailHeaderMap, ParsedMail};
use serde_json::Value;

use super::{Content, Format, Member, MemberContent, Sink};
use crate::detect;
use crate::item::ItemKind;

pub(crate) struct Email;

impl Format for Email {
    fn name(&self) -> &'static str {
        "mime"
    }

    fn opens(&self, detected: &str, kind: ItemKind) -> bool {
        detected == detect::EMAIL
            || detected == detect::EMLX
            || (kind == ItemKind::Email && (detected == detect::TEXT || detected == detect::OCTET_STREAM))
    }

    fn needs_bytes(&self) -> bool {
        true
    }

    fn list(&self, content: &Content<'_>, sink: &mut Sink<'_, '_>) -> Result<(), String> {
        let owned;
        let data: &[u8] = match content {
            Content::Bytes(b) => b,
            Content::File(p) => {
                owned = std::fs::read(p).map_err(|e| e.to_string())?;
                &owned
            }
        };
        let data = if detect::sniff(data) == detect::EMLX {
            detect::emlx_message(data).unwrap_or(data)
        } else {
            data
        };
        let data = if sink.in_mbox() { unescape_from(data) } else { Cow::Borrowed(data) };
        let mail = mailparse::parse_mail(&data).map_err(|e| e.to_string())?;
        for (key, header) in [
            ("from", "From"),
            ("to", "To"),
            ("subject", "Subject"),
            ("date", "Date"),
            ("message_id", "Message-ID"),
        ] {
            if let Some(v) = mail.headers.get_first_value(header) {
                sink.container_metadata(key, v.trim().to_string());
            }
        }
        let mut leaves = Vec::new();
        collect(&mail, &mut leaves);
        let mut names: HashMap<String, usize> = HashMap::new();
        for leaf in &leaves {
            if let Some(n) = &leaf.name {
                *names.entry(n.clone()).or_default() += 1;
            }
        }
        for leaf in leaves.iter().filter(|l| l.member) {
            let unique = leaf.name.as_ref().filter(|n| names.get(*n) == Some(&1));
            let member_name = match unique {
                Some(n) => n.clone(),
                None => format!("part{}", leaf.number),
            };
            let kind = if leaf.is_message { ItemKind::Email } else { ItemKind::Attachment };
            let body = leaf.part.get_body_raw();
            let mut m = Member::new(member_name, kind, MemberContent::Bytes(&[]));
            m.declared_type = Some(leaf.part.ctype.mimetype.to_ascii_lowercase());
            m.metadata.insert("mime_part".into(), Value::from(leaf.number));
            if let Some(n) = &leaf.name {
                m.metadata.insert("filename".into(), Value::from(n.clone()));
            }
            if let Some(enc) = leaf.part.headers.get_first_value("Content-Transfer-Encoding") {
                m.metadata.insert(
                    "transfer_encoding".into(),
                    Value::from(enc.trim().to_ascii_lowercase()),
                );
            }
            match &body {
                Ok(b) => m.content = MemberContent::Bytes(b),
                Err(e) => {
                    m.content = MemberContent::Unreadable(format!("cannot decode the part: {e}"))
                }
            }
            sink.member(m);
        }
        Ok(())
    }
}

struct Leaf<'a> {
    part: &'a ParsedMail<'a>,
    number: usize,
    name: Option<String>,
    is_message: bool,
    member: bool,
}

fn collect<'a>(part: &'a ParsedMail<'a>, out: &mut Vec<Leaf<'a>>) {
    if !part.subparts.is_empty() {
        for p in &part.subparts {
            collect(p, out);
        }
        return;
    }
    if part.ctype.mimetype.starts_with("multipart/") {
        // An empty multipart (no parts found) holds nothing to list.
        return;
    }
    let number = out.len() + 1;
    let disposition = part.get_content_disposition();
    let name = disposition
        .params
        .get("filename")
        .or_else(|| part.ctype.params.get("name"))
        .map(|n| decode_words(n))
        .filter(|n| !n.trim().is_empty());
    let mimetype = part.ctype.mimetype.to_ascii_lowercase();
    let is_message = mimetype == "message/rfc822" || mimetype == "message/global";
    let member = name.is_some()
        || disposition.disposition == DispositionType::Attachment
        || is_message
        || !(mimetype.starts_with("text/") || mimetype.starts_with("multipart/"));
    out.push(Leaf {
        part,
        number,
        name,
        is_message,
        member,
    });
}

/// Decodes RFC 2047 encoded words left in a parameter value (many mailers
/// put `=?UTF-8?B?…?=` in `filename=` although RFC 2231 is the standard).
fn decode_words(s: &str) -> String {
    if !s.contains("=?") {
        return s.to_string();
    }
    let line = format!("X: {s}");
    match mailparse::parse_header(line.as_bytes()) {
        Ok((h, _)) => h.get_value(),
        Err(_) => s.to_string(),
    }
}

/// mboxrd unescaping: a line `>From `, `>>From `, … loses one `>`.
fn unescape_from(data: &[u8]) -> Cow<'_, [u8]> {
    let needs = |line: &[u8]| {
        let n = line.iter().take_while(|&&b| b == b'>').count();
        n > 0 && line[n..].starts_with(b"From ")
    };
    if !data.split(|&b| b == b'\n').any(needs) {
        return Cow::Borrowed(data);
    }
    let mut out = Vec::with_capacity(data.len());
    for (i, line) in data.split(|&b| b == b'\n').enumerate() {
        if i > 0 {
            out.push(b'\n');
        }
        if needs(line) {
            out.extend_from_slice(&line[1..]);
        } else {
            out.extend_from_slice(line);
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unescapes_mboxrd_from_lines() {
        assert_eq!(&*unescape_from(b"a\n>From x\n>>From y\nFrom z"), b"a\nFrom x\n>From y\nFrom z");
        assert!(matches!(unescape_from(b"plain\n"), Cow::Borrowed(_)));
    }

    #[test]
    fn decodes_encoded_word_names() {
        assert_eq!(decode_words("=?UTF-8?B?w6l0w6kucGRm?="), "été.pdf");
        assert_eq!(decode_words("plain.pdf"), "plain.pdf");
    }
}
