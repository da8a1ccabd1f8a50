//! Outlook `.pst` and `.ost` stores (MS-PST), read with Microsoft's
//! `outlook-pst` crate: the one maintained Rust implementation of the
//! format, following the open specification section by section.
//!
//! The store is opened read-only through `read_from` over a reader of
//! ours: the crate's `open` asks for write access to the file, which
//! evidence never gives.

use std::collections::HashSet;
use std::io;
use std::rc::Rc;

use outlook_pst::ltp::prop_context::PropertyValue;
use outlook_pst::messaging::attachment::{
    AnsiAttachment, Attachment as _, AttachmentData, UnicodeAttachment,
};
use outlook_pst::messaging::folder::Folder;
use outlook_pst::messaging::message::{AnsiMessage, Message as _, UnicodeMessage};
use outlook_pst::messaging::store::{AnsiStore, Store, UnicodeStore};
use outlook_pst::ndb::node_id::{NID_ROOT_FOLDER, NodeId};
use outlook_pst::{AnsiPstFile, PstReader, UnicodePstFile};

use super::{AttachContent, Attachment, Message, Props, Value, prop};

/// Folders are followed to this depth (a damaged store can loop).
pub const MAX_FOLDER_DEPTH: usize = 64;

/// What the walk reports for each message, in store order.
pub trait Visitor {
    /// One message: the path of its folder (display names joined by `/`),
    /// its node id, and the message (or why it could not be read).
    fn message(&mut self, folder: &str, node: u32, message: Result<Message, String>);
    /// A folder that could not be opened, and why.
    fn folder_error(&mut self, folder: &str, error: String);
    /// Whether to stop (a limit was reached).
    fn stop(&self) -> bool {
        false
    }
}

/// Walks every folder of the store read by `open`, depth first in the
/// order the hierarchy tables give.
pub fn walk(
    open: impl Fn() -> io::Result<Box<dyn PstReader>>,
    v: &mut dyn Visitor,
) -> Result<(), String> {
    // A Unicode store (Outlook 2003 on) first, then the older ANSI one.
    let unicode = open()
        .and_then(UnicodePstFile::read_from)
        .and_then(|f| UnicodeStore::read(Rc::new(f)));
    match unicode {
        Ok(store) => unicode::walk(&store, v),
        Err(unicode_err) => {
            let store = open()
                .and_then(AnsiPstFile::read_from)
                .and_then(|f| AnsiStore::read(Rc::new(f)))
                .map_err(|e| {
                    format!("not a readable PST store (as Unicode: {unicode_err}; as ANSI: {e})")
                })?;
            ansi::walk(&store, v)
        }
    }
}

fn value(v: &PropertyValue) -> Option<Value> {
    Some(match v {
        PropertyValue::Integer16(i) => Value::Int(i64::from(*i)),
        PropertyValue::Integer32(i) => Value::Int(i64::from(*i)),
        PropertyValue::Integer64(i) => Value::Int(*i),
        PropertyValue::Boolean(b) => Value::Bool(*b),
        PropertyValue::Time(t) => Value::Time(*t),
        PropertyValue::String8(s) => Value::String8(s.buffer().to_vec()),
        PropertyValue::Unicode(u) => Value::Text(String::from_utf16_lossy(u.buffer())),
        PropertyValue::Binary(b) => Value::Binary(b.buffer().to_vec()),
        _ => return None,
    })
}

fn props<'a>(
    it: impl Iterator<Item = (&'a u16, &'a PropertyValue)>,
    codepage: Option<u16>,
) -> Props {
    let mut p = Props {
        codepage,
        ..Props::default()
    };
    for (id, v) in it {
        // Named properties (0x8000 and up) mean nothing without the
        // store's name map, and leakcheck reads none of them.
        if *id < 0x8000
            && let Some(v) = value(v)
        {
            p.insert(*id, subject_prefix_removed(*id, v));
        }
    }
    p.set_codepage_from_props();
    p
}

/// A PST stores the subject behind a marker: U+0001 and one character
/// giving the length of its prefix (`FW: `), which are not part of it.
fn subject_prefix_removed(id: u16, v: Value) -> Value {
    match v {
        Value::Text(t) if id == prop::SUBJECT && t.starts_with('\u{1}') => {
            Value::Text(t.chars().skip(2).collect())
        }
        Value::String8(b) if id == prop::SUBJECT && b.first() == Some(&1) => {
            Value::String8(b.get(2..).unwrap_or(&[]).to_vec())
        }
        other => other,
    }
}

/// Reads one embedded message: properties only, because the crate does
/// not open the attachments of a message it returns as embedded.
fn embedded(m: &dyn outlook_pst::messaging::message::Message, codepage: Option<u16>) -> Message {
    let props = props(m.properties().iter(), codepage);
    let attachments = m
        .attachment_table()
        .map(|t| t.rows_matrix().count())
        .unwrap_or(0);
    Message {
        props,
        attachments: (0..attachments)
            .map(|_| Attachment {
                props: Props::default(),
                content: AttachContent::Unreadable(
                    "an attachment of a message embedded in a PST message is not read (outlook-pst does not open it)".into(),
                ),
            })
            .collect(),
    }
}

macro_rules! walker {
    ($module:ident, $store:ty, $message:ty, $attachment:ty) => {
        mod $module {
            use super::*;

            pub fn walk(store: &Rc<$store>, v: &mut dyn Visitor) -> Result<(), String> {
                let root = store
                    .properties()
                    .make_entry_id(NID_ROOT_FOLDER)
                    .map_err(|e| format!("no root folder: {e}"))?;
                let folder = store
                    .open_folder(&root)
                    .map_err(|e| format!("the root folder cannot be opened: {e}"))?;
                let mut seen = HashSet::new();
                folder_walk(store, folder, "", 0, &mut seen, v);
                Ok(())
            }

            fn folder_walk(
                store: &Rc<$store>,
                folder: Rc<dyn Folder>,
                parent: &str,
                depth: usize,
                seen: &mut HashSet<u32>,
                v: &mut dyn Visitor,
            ) {
                let name = folder.properties().display_name().unwrap_or_default();
                let path = match (parent.is_empty(), name.is_empty()) {
                    (true, _) => name.replace('/', "_"),
                    (false, true) => parent.to_string(),
                    (false, false) => format!("{parent}/{}", name.replace('/', "_")),
                };
                if let Some(t) = folder.contents_table() {
                    for row in t.rows_matrix() {
                        if v.stop() {
                            return;
                        }
                        let node = u32::from(row.id());
                        v.message(&path, node, read_message(store, node));
                    }
                }
                let Some(h) = folder.hierarchy_table() else {
                    return;
                };
                for row in h.rows_matrix() {
                    let node = u32::from(row.id());
                    if v.stop() || !seen.insert(node) {
                        continue;
                    }
                    if depth + 1 > MAX_FOLDER_DEPTH {
                        v.folder_error(
                            &path,
                            format!("folders nested deeper than {MAX_FOLDER_DEPTH} are not read"),
                        );
                        return;
                    }
                    let sub = store
                        .properties()
                        .make_entry_id(NodeId::from(node))
                        .and_then(|id| store.open_folder(&id));
                    match sub {
                        Ok(f) => folder_walk(store, f, &path, depth + 1, seen, v),
                        Err(e) => v.folder_error(
                            &path,
                            format!("sub-folder {node:#x} cannot be opened: {e}"),
                        ),
                    }
                }
            }

            fn read_message(store: &Rc<$store>, node: u32) -> Result<Message, String> {
                let id = store
                    .properties()
                    .make_entry_id(NodeId::from(node))
                    .map_err(|e| e.to_string())?;
                let m = <$message>::read(store.clone(), &id, None).map_err(|e| e.to_string())?;
                let props = props(m.properties().iter(), None);
                let codepage = props.codepage;
                let mut attachments = Vec::new();
                if let Some(t) = m.attachment_table() {
                    for row in t.rows_matrix() {
                        let sub = NodeId::from(u32::from(row.id()));
                        let a = match <$attachment>::read(m.clone(), sub, None) {
                            Ok(a) => a,
                            Err(e) => {
                                attachments.push(Attachment {
                                    props: Props::default(),
                                    content: AttachContent::Unreadable(format!(
                                        "the attachment cannot be read: {e}"
                                    )),
                                });
                                continue;
                            }
                        };
                        let aprops = props_of_attachment(a.properties().iter(), codepage);
                        let content = match a.data() {
                            Some(AttachmentData::Binary(b)) => {
                                AttachContent::Bytes(b.buffer().to_vec())
                            }
                            Some(AttachmentData::Message(inner)) => {
                                AttachContent::Message(Box::new(embedded(inner.as_ref(), codepage)))
                            }
                            None => AttachContent::Unreadable("the attachment has no data".into()),
                        };
                        attachments.push(Attachment {
                            props: aprops,
                            content,
                        });
                    }
                }
                Ok(Message { props, attachments })
            }

            fn props_of_attachment<'a>(
                it: impl Iterator<Item = (&'a u16, &'a PropertyValue)>,
                codepage: Option<u16>,
            ) -> Props {
                let mut p = props(it.filter(|(id, _)| **id != prop::ATTACH_DATA), codepage);
                p.codepage = codepage;
                p
            }
        }
    };
}

walker!(unicode, UnicodeStore, UnicodeMessage, UnicodeAttachment);
walker!(ansi, AnsiStore, AnsiMessage, AnsiAttachment);
