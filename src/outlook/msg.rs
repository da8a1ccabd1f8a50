//! Outlook `.msg` files (MS-OXMSG): a compound file (OLE2, read with the
//! `cfb` crate) whose storages hold MAPI properties.
//!
//! Fixed-size properties are 16-byte records in `__properties_version1.0`
//! (after a header of 32 bytes at the top, 24 in an embedded message, 8 in
//! an attachment); variable-size ones are streams named
//! `__substg1.0_IIIITTTT` (property id and type in hex). Attachments are
//! storages `__attach_version1.0_#NNNNNNNN`; an embedded message is the
//! storage `__substg1.0_3701000D` inside its attachment.
//!
//! Own reader rather than the `msg_parser` crate: that crate keeps only a
//! fixed set of fields (transport headers parsed into a few values, not
//! kept as text), reads embedded messages only when stored as bytes, and
//! carries its own compound-file reader; `cfb` is already ours for Office
//! detection and is well kept.

use std::io::{Cursor, Read};
use std::path::{Path, PathBuf};

use super::{
    ATTACH_EMBEDDED_MSG, AttachContent, Attachment, MAX_NESTING, Message, Props, Value, prop,
};

type Cfb<'a> = cfb::CompoundFile<Cursor<&'a [u8]>>;

/// Reads a `.msg` file held in memory.
pub fn read(data: &[u8]) -> Result<Message, String> {
    let mut cf = cfb::CompoundFile::open(Cursor::new(data))
        .map_err(|e| format!("not a readable compound file: {e}"))?;
    read_message(&mut cf, Path::new("/"), 32, 0, None)
}

fn read_message(
    cf: &mut Cfb<'_>,
    dir: &Path,
    header_len: usize,
    depth: u32,
    inherited_codepage: Option<u16>,
) -> Result<Message, String> {
    let mut props = read_props(cf, dir, header_len)?;
    props.codepage = inherited_codepage;
    props.set_codepage_from_props();
    let mut attachment_dirs: Vec<PathBuf> = entries(cf, dir)
        .into_iter()
        .filter(|(name, storage)| *storage && name.starts_with("__attach_version1.0_#"))
        .map(|(name, _)| dir.join(name))
        .collect();
    attachment_dirs.sort();
    let mut attachments = Vec::with_capacity(attachment_dirs.len());
    for adir in attachment_dirs {
        attachments.push(read_attachment(cf, &adir, depth, props.codepage));
    }
    Ok(Message { props, attachments })
}

fn read_attachment(cf: &mut Cfb<'_>, dir: &Path, depth: u32, codepage: Option<u16>) -> Attachment {
    let mut props = match read_props(cf, dir, 8) {
        Ok(p) => p,
        Err(e) => {
            return Attachment {
                props: Props::default(),
                content: AttachContent::Unreadable(e),
            };
        }
    };
    props.codepage = codepage;
    let method = props.int(prop::ATTACH_METHOD).unwrap_or(1);
    let object = dir.join("__substg1.0_3701000D");
    let content = if cf.is_storage(&object) {
        if method != ATTACH_EMBEDDED_MSG {
            AttachContent::Unreadable(format!(
                "an embedded OLE object (attach method {method}) is not extracted"
            ))
        } else if depth + 1 > MAX_NESTING {
            AttachContent::Unreadable(format!(
                "an embedded message nested deeper than {MAX_NESTING} messages is not read"
            ))
        } else {
            match read_message(cf, &object, 24, depth + 1, codepage) {
                Ok(m) => AttachContent::Message(Box::new(m)),
                Err(e) => AttachContent::Unreadable(e),
            }
        }
    } else {
        match props.remove(prop::ATTACH_DATA) {
            Some(Value::Binary(b)) => AttachContent::Bytes(b),
            _ => {
                AttachContent::Unreadable("the attachment has no data (PR_ATTACH_DATA_BIN)".into())
            }
        }
    };
    Attachment { props, content }
}

/// The entries of one storage: (name, is a storage).
fn entries(cf: &Cfb<'_>, dir: &Path) -> Vec<(String, bool)> {
    match cf.read_storage(dir) {
        Ok(it) => it.map(|e| (e.name().to_string(), e.is_storage())).collect(),
        Err(_) => Vec::new(),
    }
}

fn read_stream(cf: &mut Cfb<'_>, path: &Path) -> Result<Vec<u8>, String> {
    let mut s = cf
        .open_stream(path)
        .map_err(|e| format!("cannot open stream {}: {e}", path.display()))?;
    let mut out = Vec::new();
    s.read_to_end(&mut out)
        .map_err(|e| format!("cannot read stream {}: {e}", path.display()))?;
    Ok(out)
}

/// The properties of one storage: fixed ones from the property stream,
/// variable ones from their own streams.
fn read_props(cf: &mut Cfb<'_>, dir: &Path, header_len: usize) -> Result<Props, String> {
    let mut props = Props::default();
    let stream = dir.join("__properties_version1.0");
    if cf.is_stream(&stream) {
        let data = read_stream(cf, &stream)?;
        for rec in data.get(header_len..).unwrap_or(&[]).chunks_exact(16) {
            let tag = u32::from_le_bytes([rec[0], rec[1], rec[2], rec[3]]);
            let (id, ty) = ((tag >> 16) as u16, (tag & 0xFFFF) as u16);
            let v = &rec[8..16];
            let value = match ty {
                0x0002 => Value::Int(i64::from(i16::from_le_bytes([v[0], v[1]]))),
                0x0003 => Value::Int(i64::from(i32::from_le_bytes([v[0], v[1], v[2], v[3]]))),
                0x000B => Value::Bool(v[0] != 0),
                0x0014 => Value::Int(i64::from_le_bytes([
                    v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7],
                ])),
                0x0040 => Value::Time(i64::from_le_bytes([
                    v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7],
                ])),
                _ => continue,
            };
            props.insert(id, value);
        }
    }
    for (name, storage) in entries(cf, dir) {
        let Some(hex) = name.strip_prefix("__substg1.0_") else {
            continue;
        };
        if storage || hex.len() != 8 {
            continue;
        }
        let Ok(tag) = u32::from_str_radix(hex, 16) else {
            continue;
        };
        let (id, ty) = ((tag >> 16) as u16, (tag & 0xFFFF) as u16);
        if !matches!(ty, 0x001F | 0x001E | 0x0102) {
            continue; // multi-valued and object properties are not needed
        }
        let data = read_stream(cf, &dir.join(&name))?;
        let value = match ty {
            0x001F => {
                let units: Vec<u16> = data
                    .chunks_exact(2)
                    .map(|c| u16::from_le_bytes([c[0], c[1]]))
                    .collect();
                Value::Text(String::from_utf16_lossy(&units))
            }
            0x001E => Value::String8(data),
            _ => Value::Binary(data),
        };
        props.insert(id, value);
    }
    Ok(props)
}
