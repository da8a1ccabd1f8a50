//! TNEF (MS-OXTNEF): the `winmail.dat` / `application/ms-tnef` attachment
//! in which Outlook and Exchange wrap a message's properties and its real
//! attachments.
//!
//! A TNEF stream is a signature, a key and a list of attributes (level,
//! id, length, data, checksum). Attachments start at `attAttachRendData`;
//! their name is `attAttachTitle` or, better, `PR_ATTACH_LONG_FILENAME` in
//! the attachment's MAPI properties (`attAttachment`), and their bytes are
//! `attAttachData`, or for an embedded message `PR_ATTACH_DATA_OBJ`: a
//! 16-byte interface id followed by the message as TNEF again.
//!
//! Own reader: the one crate (`tnef` 0.1) is unmaintained since 2019,
//! reads no MAPI properties (so no long names and no embedded messages)
//! and indexes slices without bounds checks.

use super::{
    ATTACH_EMBEDDED_MSG, AttachContent, Attachment, MAX_NESTING, Message, Props, Value, prop,
};

/// The TNEF signature, little-endian.
pub const SIGNATURE: [u8; 4] = [0x78, 0x9F, 0x3E, 0x22];

const LVL_MESSAGE: u8 = 1;
const LVL_ATTACHMENT: u8 = 2;

// Attribute ids (the low 16 bits of the attribute word).
const ATT_SUBJECT: u16 = 0x8004;
const ATT_DATE_SENT: u16 = 0x8005;
const ATT_MESSAGE_CLASS: u16 = 0x8008;
const ATT_MESSAGE_ID: u16 = 0x8009;
const ATT_BODY: u16 = 0x800C;
const ATT_ATTACH_DATA: u16 = 0x800F;
const ATT_ATTACH_TITLE: u16 = 0x8010;
const ATT_ATTACH_REND_DATA: u16 = 0x9002;
const ATT_MSG_PROPS: u16 = 0x9003;
const ATT_ATTACHMENT: u16 = 0x9005;
const ATT_OEM_CODEPAGE: u16 = 0x9007;

/// What a TNEF stream holds, and what was wrong with it.
pub struct Tnef {
    pub message: Message,
    /// Damage met while reading (checksum errors, truncation); what was
    /// read before it stands.
    pub problems: Vec<String>,
}

struct Reader<'a> {
    data: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let end = self.pos.checked_add(n)?;
        let s = self.data.get(self.pos..end)?;
        self.pos = end;
        Some(s)
    }
    fn u8(&mut self) -> Option<u8> {
        self.take(1).map(|b| b[0])
    }
    fn u16(&mut self) -> Option<u16> {
        self.take(2).map(|b| u16::from_le_bytes([b[0], b[1]]))
    }
    fn u32(&mut self) -> Option<u32> {
        self.take(4)
            .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }
    fn left(&self) -> usize {
        self.data.len().saturating_sub(self.pos)
    }
}

/// Reads a TNEF stream.
pub fn read(data: &[u8]) -> Result<Tnef, String> {
    read_nested(data, 0)
}

fn read_nested(data: &[u8], depth: u32) -> Result<Tnef, String> {
    let mut r = Reader { data, pos: 0 };
    if r.take(4) != Some(&SIGNATURE[..]) {
        return Err("no TNEF signature".into());
    }
    r.u16().ok_or("truncated after the signature")?;
    let mut message = Message::default();
    let mut problems = Vec::new();
    let mut codepage: Option<u16> = None;
    let mut current: Option<(Props, Option<Vec<u8>>)> = None;
    let finish = |cur: Option<(Props, Option<Vec<u8>>)>,
                  message: &mut Message,
                  problems: &mut Vec<String>| {
        if let Some((mut props, data)) = cur {
            let content = attachment_content(&mut props, data, depth, problems);
            message.attachments.push(Attachment { props, content });
        }
    };
    while r.left() > 0 {
        let start = r.pos;
        // Mail gateways often leave a line break after the last attribute.
        if r.left() <= 4 && data[start..].iter().all(|b| matches!(b, b'\r' | b'\n' | 0)) {
            break;
        }
        let (Some(level), Some(attr), Some(len)) = (r.u8(), r.u32(), r.u32()) else {
            problems.push(format!("truncated attribute header at byte {start}"));
            break;
        };
        let Some(value) = r.take(len as usize) else {
            problems.push(format!(
                "attribute {attr:#010x} at byte {start} declares {len} bytes but only {} remain",
                r.left()
            ));
            break;
        };
        let Some(checksum) = r.u16() else {
            problems.push(format!(
                "attribute {attr:#010x} at byte {start} has no checksum"
            ));
            break;
        };
        let sum = value
            .iter()
            .fold(0u16, |s, b| s.wrapping_add(u16::from(*b)));
        if sum != checksum {
            problems.push(format!(
                "attribute {attr:#010x} at byte {start} fails its checksum"
            ));
        }
        let id = (attr & 0xFFFF) as u16;
        match (level, id) {
            (_, ATT_OEM_CODEPAGE) if value.len() >= 4 => {
                codepage =
                    u16::try_from(u32::from_le_bytes([value[0], value[1], value[2], value[3]]))
                        .ok();
                message.props.codepage = codepage;
            }
            (LVL_MESSAGE, ATT_SUBJECT) => message
                .props
                .insert(prop::SUBJECT, Value::String8(value.to_vec())),
            (LVL_MESSAGE, ATT_MESSAGE_CLASS) => message
                .props
                .insert(prop::MESSAGE_CLASS, Value::String8(value.to_vec())),
            (LVL_MESSAGE, ATT_MESSAGE_ID) => {}
            (LVL_MESSAGE, ATT_BODY) => message
                .props
                .insert(prop::BODY, Value::String8(value.to_vec())),
            (LVL_MESSAGE, ATT_DATE_SENT) => {
                if let Some(t) = dtr(value) {
                    message
                        .props
                        .insert(prop::CLIENT_SUBMIT_TIME, Value::Time(t));
                }
            }
            (LVL_MESSAGE, ATT_MSG_PROPS) => {
                if let Err(e) = mapi_props(value, &mut message.props) {
                    problems.push(format!("message properties: {e}"));
                }
                message.props.set_codepage_from_props();
            }
            (LVL_ATTACHMENT, ATT_ATTACH_REND_DATA) => {
                finish(current.take(), &mut message, &mut problems);
                current = Some((
                    Props {
                        codepage,
                        ..Props::default()
                    },
                    None,
                ));
            }
            (LVL_ATTACHMENT, ATT_ATTACH_TITLE) => {
                if let Some((p, _)) = current.as_mut() {
                    p.insert(prop::ATTACH_FILENAME, Value::String8(value.to_vec()));
                }
            }
            (LVL_ATTACHMENT, ATT_ATTACH_DATA) => {
                if let Some((_, d)) = current.as_mut() {
                    *d = Some(value.to_vec());
                }
            }
            (LVL_ATTACHMENT, ATT_ATTACHMENT) => {
                if let Some((p, _)) = current.as_mut()
                    && let Err(e) = mapi_props(value, p)
                {
                    problems.push(format!("attachment properties: {e}"));
                }
            }
            _ => {}
        }
    }
    finish(current.take(), &mut message, &mut problems);
    Ok(Tnef { message, problems })
}

fn attachment_content(
    props: &mut Props,
    data: Option<Vec<u8>>,
    depth: u32,
    problems: &mut Vec<String>,
) -> AttachContent {
    let method = props.int(prop::ATTACH_METHOD).unwrap_or(1);
    let object = props.remove(prop::ATTACH_DATA);
    if method == ATTACH_EMBEDDED_MSG
        && let Some(Value::Binary(obj)) = object
    {
        // A 16-byte interface id, then the message as TNEF.
        let inner = obj.get(16..).unwrap_or(&[]);
        if depth + 1 > MAX_NESTING {
            return AttachContent::Unreadable(format!(
                "an embedded message nested deeper than {MAX_NESTING} messages is not read"
            ));
        }
        return match read_nested(inner, depth + 1) {
            Ok(t) => {
                problems.extend(
                    t.problems
                        .into_iter()
                        .map(|p| format!("embedded message: {p}")),
                );
                AttachContent::Message(Box::new(t.message))
            }
            Err(e) => {
                AttachContent::Unreadable(format!("the embedded message cannot be read: {e}"))
            }
        };
    }
    match (data, object) {
        (Some(d), _) => AttachContent::Bytes(d),
        (None, Some(Value::Binary(b))) => AttachContent::Bytes(b),
        _ => AttachContent::Unreadable("the attachment has no data (attAttachData)".into()),
    }
}

/// A TNEF date (`DTR`: year, month, day, hour, minute, second, weekday as
/// 16-bit words) as a FILETIME.
fn dtr(v: &[u8]) -> Option<i64> {
    if v.len() < 12 {
        return None;
    }
    let w = |i: usize| u16::from_le_bytes([v[2 * i], v[2 * i + 1]]);
    let (y, mo, d, h, mi, s) = (w(0), w(1), w(2), w(3), w(4), w(5));
    if !(1601..=9999).contains(&y)
        || !(1..=12).contains(&mo)
        || !(1..=31).contains(&d)
        || h > 23
        || mi > 59
        || s > 60
    {
        return None;
    }
    let days = crate::email::date::days_from_civil(i64::from(y), u32::from(mo), u32::from(d));
    let unix = days * 86_400 + i64::from(h) * 3600 + i64::from(mi) * 60 + i64::from(s);
    Some((unix + 11_644_473_600) * 10_000_000)
}

/// Reads an encoded MAPI property list (`attMsgProps`, `attAttachment`).
fn mapi_props(data: &[u8], out: &mut Props) -> Result<(), String> {
    let mut r = Reader { data, pos: 0 };
    let count = r.u32().ok_or("no property count")?;
    for n in 0..count {
        let (Some(ty), Some(id)) = (r.u16(), r.u16()) else {
            return Err(format!("truncated at property {n} of {count}"));
        };
        if id >= 0x8000 {
            // A named property: its GUID and its name or number.
            r.take(16).ok_or("truncated named property")?;
            match r.u32().ok_or("truncated named property")? {
                0 => {
                    r.u32().ok_or("truncated named property")?;
                }
                _ => {
                    let len = r.u32().ok_or("truncated named property")? as usize;
                    r.take(len.checked_add(3).ok_or("bad name length")? / 4 * 4)
                        .ok_or("truncated property name")?;
                }
            }
        }
        let multi = ty & 0x1000 != 0;
        let base = ty & 0x0FFF;
        let values = if multi {
            r.u32().ok_or("truncated value count")?
        } else {
            1
        };
        let mut last = None;
        for _ in 0..values {
            let v = match base {
                0x0002 | 0x0003 | 0x000A | 0x0004 | 0x000B | 0x0001 => {
                    let b = r.take(4).ok_or("truncated value")?;
                    let i = i32::from_le_bytes([b[0], b[1], b[2], b[3]]);
                    match base {
                        0x0002 => Some(Value::Int(i64::from(i as i16))),
                        0x0003 => Some(Value::Int(i64::from(i))),
                        0x000B => Some(Value::Bool(i & 0xFF != 0)),
                        _ => None,
                    }
                }
                0x0005 | 0x0006 | 0x0007 | 0x0014 | 0x0040 => {
                    let b = r.take(8).ok_or("truncated value")?;
                    let i = i64::from_le_bytes([b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7]]);
                    match base {
                        0x0014 => Some(Value::Int(i)),
                        0x0040 => Some(Value::Time(i)),
                        _ => None,
                    }
                }
                0x0048 => {
                    r.take(16).ok_or("truncated GUID")?;
                    None
                }
                0x001E | 0x001F | 0x0102 | 0x000D => {
                    // Variable-size values carry a count of 1 when single.
                    if !multi {
                        r.u32().ok_or("truncated value count")?;
                    }
                    let len = r.u32().ok_or("truncated value length")? as usize;
                    let b = r.take(len).ok_or("value longer than the data")?;
                    r.take((4 - len % 4) % 4).ok_or("truncated padding")?;
                    match base {
                        0x001F => {
                            let units: Vec<u16> = b
                                .chunks_exact(2)
                                .map(|c| u16::from_le_bytes([c[0], c[1]]))
                                .collect();
                            Some(Value::Text(
                                String::from_utf16_lossy(&units)
                                    .trim_end_matches('\0')
                                    .to_string(),
                            ))
                        }
                        0x001E => Some(Value::String8(b.to_vec())),
                        _ => Some(Value::Binary(b.to_vec())),
                    }
                }
                other => return Err(format!("unknown property type {other:#06x}")),
            };
            last = v;
        }
        if !multi
            && id < 0x8000
            && let Some(v) = last
        {
            out.insert(id, v);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn attr(out: &mut Vec<u8>, level: u8, attr: u32, data: &[u8]) {
        out.push(level);
        out.extend_from_slice(&attr.to_le_bytes());
        out.extend_from_slice(&(data.len() as u32).to_le_bytes());
        out.extend_from_slice(data);
        let sum = data.iter().fold(0u16, |s, b| s.wrapping_add(u16::from(*b)));
        out.extend_from_slice(&sum.to_le_bytes());
    }

    #[test]
    fn attachments_and_damage_are_read() {
        let mut t = SIGNATURE.to_vec();
        t.extend_from_slice(&[1, 0]);
        attr(&mut t, 1, 0x0001_8004, b"Subject\0");
        attr(&mut t, 2, 0x0006_9002, &[0; 14]);
        attr(&mut t, 2, 0x0001_8010, b"a.txt\0");
        attr(&mut t, 2, 0x0006_800F, b"hello");
        attr(&mut t, 2, 0x0006_9002, &[0; 14]);
        attr(&mut t, 2, 0x0001_8010, b"b.txt\0");
        t.extend_from_slice(&[2, 0x0F, 0x80, 0x06, 0x00, 0xFF, 0xFF, 0, 0]); // truncated
        let r = read(&t).expect("reads");
        assert_eq!(
            r.message.props.text(prop::SUBJECT).as_deref(),
            Some("Subject")
        );
        assert_eq!(r.message.attachments.len(), 2);
        assert_eq!(r.message.attachments[0].name().as_deref(), Some("a.txt"));
        assert_eq!(
            r.message.attachments[0].content,
            AttachContent::Bytes(b"hello".to_vec())
        );
        assert!(matches!(
            r.message.attachments[1].content,
            AttachContent::Unreadable(_)
        ));
        assert_eq!(r.problems.len(), 1, "{:?}", r.problems);
        assert!(read(b"not tnef").is_err());
    }

    #[test]
    fn hostile_property_counts_do_not_allocate_or_panic() {
        let mut p = Props::default();
        let mut data = u32::MAX.to_le_bytes().to_vec();
        data.extend_from_slice(&[0x1F, 0x10, 0x01, 0x00, 0xFF, 0xFF, 0xFF, 0xFF]);
        assert!(mapi_props(&data, &mut p).is_err());
        assert!(mapi_props(&[], &mut p).is_err());
    }
}
