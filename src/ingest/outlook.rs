//! Outlook's stores as containers: a `.msg` file is an email whose members
//! are its attachments; a `.pst`/`.ost` store lists every message of every
//! folder; a TNEF stream (`winmail.dat`) lists the attachments it wraps.
//!
//! A message that has no bytes of its own (in a store, or embedded in
//! another message) is an email item whose content is its RFC 822
//! rendering ([`crate::outlook::render`]); its facts and members come from
//! the parsed message, not from re-reading the rendering.

use std::io::{BufReader, Cursor};

use serde_json::Value;

use super::{Content, Format, Member, MemberContent, Sink};
use crate::detect;
use crate::item::{ItemKind, Severity};
use crate::outlook::{self, AttachContent, Message, prop};

/// `.msg` files.
pub(crate) struct Msg;

impl Format for Msg {
    fn name(&self) -> &'static str {
        "msg"
    }

    fn opens(&self, detected: &str, _kind: ItemKind) -> bool {
        detected == detect::OUTLOOK_MSG
    }

    fn needs_bytes(&self) -> bool {
        true
    }

    fn list(&self, content: &Content<'_>, sink: &mut Sink<'_, '_>) -> Result<(), String> {
        let message = outlook::msg::read(&content.bytes().map_err(|e| e.to_string())?)?;
        Stored {
            message: &message,
            format: "msg",
        }
        .list(content, sink)
    }
}

/// A message already parsed from a store; lists its attachments.
struct Stored<'m> {
    message: &'m Message,
    format: &'static str,
}

impl Format for Stored<'_> {
    fn name(&self) -> &'static str {
        "outlook"
    }

    fn opens(&self, _detected: &str, _kind: ItemKind) -> bool {
        false
    }

    fn list(&self, _content: &Content<'_>, sink: &mut Sink<'_, '_>) -> Result<(), String> {
        if sink.reads_facts() {
            let facts = outlook::facts(self.message, sink.dkim_keys(), self.format);
            sink.email_facts(facts);
        }
        attachments(self.message, self.format, sink);
        Ok(())
    }
}

/// Lists the attachments of `message`: files by their names, embedded
/// messages as renderings opened by [`Stored`].
fn attachments(message: &Message, format: &'static str, sink: &mut Sink<'_, '_>) {
    for (i, a) in message.attachments.iter().enumerate() {
        let mime = a
            .props
            .nonempty(prop::ATTACH_MIME_TAG)
            .map(|t| t.trim().to_ascii_lowercase());
        // A signed message keeps its whole MIME entity (text and signature)
        // as one nameless attachment tagged multipart/signed: an email.
        let signed = mime.as_deref() == Some("multipart/signed");
        let name = a.name().unwrap_or_else(|| {
            if signed {
                "smime.eml".into()
            } else {
                format!("attachment{}", i + 1)
            }
        });
        match &a.content {
            AttachContent::Bytes(b) => {
                let kind = if signed {
                    ItemKind::Email
                } else {
                    ItemKind::Attachment
                };
                let mut m = Member::new(name, kind, MemberContent::Bytes(b));
                m.declared_type = mime;
                sink.member(m);
            }
            AttachContent::Message(inner) => {
                let rendering = outlook::render(inner);
                let stored = Stored {
                    message: inner,
                    format,
                };
                let mut m = Member::new(
                    format!("{name}.eml"),
                    ItemKind::Email,
                    MemberContent::Bytes(&rendering),
                );
                m.metadata.insert(
                    "rendered_from".into(),
                    Value::from(format!("outlook-{format}")),
                );
                m.open_as = Some(&stored);
                sink.member(m);
            }
            AttachContent::Unreadable(why) => {
                sink.member(Member::new(
                    name,
                    ItemKind::Attachment,
                    MemberContent::Unreadable(why.clone()),
                ));
            }
        }
    }
}

/// `.pst` and `.ost` stores.
pub(crate) struct Pst;

impl Format for Pst {
    fn name(&self) -> &'static str {
        "pst"
    }

    fn opens(&self, detected: &str, _kind: ItemKind) -> bool {
        detected == detect::OUTLOOK_PST
    }

    fn list(&self, content: &Content<'_>, sink: &mut Sink<'_, '_>) -> Result<(), String> {
        // The store reads at random offsets through a reader it owns.
        let shared: Option<std::sync::Arc<[u8]>> = match content {
            Content::Bytes(b) => Some(std::sync::Arc::from(*b)),
            Content::File(_) => None,
        };
        let open = || -> std::io::Result<Box<dyn outlook_pst::PstReader>> {
            if let Some(b) = &shared {
                return Ok(Box::new(Cursor::new(ArcBytes(b.clone()))));
            }
            match content {
                Content::File(p) => Ok(Box::new(BufReader::with_capacity(
                    1 << 16,
                    super::open_evidence(p)?,
                ))),
                Content::Bytes(b) => Ok(Box::new(Cursor::new(b.to_vec()))),
            }
        };
        let mut visitor = PstVisitor { sink, errors: 0 };
        outlook::pst::walk(open, &mut visitor)
    }
}

/// Shared bytes a `Cursor` can read (the store needs a `'static` reader).
struct ArcBytes(std::sync::Arc<[u8]>);

impl AsRef<[u8]> for ArcBytes {
    fn as_ref(&self) -> &[u8] {
        &self.0
    }
}

struct PstVisitor<'s, 'w, 'l> {
    sink: &'s mut Sink<'w, 'l>,
    errors: u64,
}

impl outlook::pst::Visitor for PstVisitor<'_, '_, '_> {
    fn message(&mut self, folder: &str, node: u32, message: Result<Message, String>) {
        let name = if folder.is_empty() {
            format!("{node:#010x}.eml")
        } else {
            format!("{folder}/{node:#010x}.eml")
        };
        match message {
            Ok(message) => {
                let rendering = outlook::render(&message);
                let stored = Stored {
                    message: &message,
                    format: "pst",
                };
                let mut m = Member::new(name, ItemKind::Email, MemberContent::Bytes(&rendering));
                m.metadata
                    .insert("rendered_from".into(), Value::from("outlook-pst"));
                m.metadata.insert("pst_folder".into(), Value::from(folder));
                m.open_as = Some(&stored);
                self.sink.member(m);
            }
            Err(e) => {
                self.errors += 1;
                self.sink.member(Member::new(
                    name,
                    ItemKind::Email,
                    MemberContent::Unreadable(format!(
                        "the message cannot be read from the store: {e}"
                    )),
                ));
            }
        }
    }

    fn folder_error(&mut self, folder: &str, error: String) {
        let f = self.sink.finding(
            "ingest.damaged_container",
            Severity::Low,
            format!(
                "A folder of the store could not be read ({error}); its messages are not listed."
            ),
        );
        f.evidence.insert("folder".into(), Value::from(folder));
        f.evidence.insert("error".into(), Value::from(error));
    }

    fn stop(&self) -> bool {
        self.sink.exhausted()
    }
}

/// TNEF streams (`winmail.dat`, `application/ms-tnef`).
pub(crate) struct Tnef;

impl Format for Tnef {
    fn name(&self) -> &'static str {
        "tnef"
    }

    fn opens(&self, detected: &str, _kind: ItemKind) -> bool {
        detected == detect::TNEF
    }

    fn needs_bytes(&self) -> bool {
        true
    }

    fn list(&self, content: &Content<'_>, sink: &mut Sink<'_, '_>) -> Result<(), String> {
        let t = outlook::tnef::read(&content.bytes().map_err(|e| e.to_string())?)?;
        if let Some(class) = t.message.props.nonempty(prop::MESSAGE_CLASS) {
            sink.container_metadata("message_class", class);
        }
        attachments(&t.message, "tnef", sink);
        match t.problems.first() {
            None => Ok(()),
            Some(first) => Err(if t.problems.len() > 1 {
                format!("{first} (and {} more problems)", t.problems.len() - 1)
            } else {
                first.clone()
            }),
        }
    }
}
