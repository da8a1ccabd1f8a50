//! Legacy Office files (Word `.doc`, Excel `.xls`, PowerPoint `.ppt` and
//! their templates): compound files (OLE2, read with the `cfb` crate) that
//! keep their metadata in two property-set streams (MS-OLEPS):
//!
//! * `\u{5}SummaryInformation`: title, author, last author, template,
//!   revision, total editing time, printed/created/saved times, application.
//! * `\u{5}DocumentSummaryInformation`: a first section with company,
//!   manager, application version and the document's parts
//!   (`HeadingPairs`, `TitlesOfParts`), and an optional second section of
//!   user-defined properties, named by its dictionary (property id 0).
//!
//! A property-set stream is a 28-byte header (byte order `FE FF`, version,
//! system id, class id, number of sections) followed by each section's
//! format id and offset. A section is its size, its property count, a table
//! of (property id, offset from the section start), then the values: each a
//! `VT_*` type word, two bytes of padding and the value, padded to 4 bytes.
//! 8-bit strings (`VT_LPSTR`) are in the code page that property 1 of the
//! same section names (1251 Cyrillic, 932 Shift-JIS, 1200 UTF-16LE, 65001
//! UTF-8, …); `VT_LPWSTR` is UTF-16LE. Times are FILETIMEs, except that
//! `EditTime` is a FILETIME holding a duration.
//!
//! Word files say more in the File Information Block at the start of their
//! `WordDocument` stream (MS-DOC): the language of the Word that created
//! them (`lid`), and where the piece table of their text is.
//!
//! Own reader: the crates that read compound files (`cfb`, `ole`) stop at
//! the streams, and the property-set readers we found on crates.io are
//! parts of large extraction or ExifTool-clone crates (`xberg`,
//! `exiftool-rs`), young and heavy for a format of a few hundred lines
//! whose code-page handling is the part leakcheck depends on (a Cyrillic
//! author read as Latin-1 hides who wrote the document), and whose
//! quirks (unpadded strings in Office's vectors) need reading as Office
//! writes them.

use std::collections::BTreeMap;
use std::io::{Cursor, Read};
use std::time::{SystemTime, UNIX_EPOCH};

use encoding_rs::{Encoding, UTF_16LE, WINDOWS_1252};
use serde_json::Value;

use super::time::{DocTime, from_filetime};
use super::{DocumentFacts, Extracted, Reader, nonempty};
use crate::item::Metadata;

pub struct Ole;

type Cfb<'a> = cfb::CompoundFile<Cursor<&'a [u8]>>;

const SUMMARY: &str = "/\u{5}SummaryInformation";
const DOC_SUMMARY: &str = "/\u{5}DocumentSummaryInformation";
const WORD_DOCUMENT: &str = "/WordDocument";

/// Most text kept for the fingerprint (characters), as for OOXML.
const TEXT_CAP: usize = 4 << 20;
/// Most elements read from one `VT_VECTOR` value.
const MAX_VECTOR: usize = 4096;
/// Sections a property-set stream has at most (MS-OLEPS 2.21).
const MAX_SECTIONS: usize = 2;
/// 100 ns FILETIME ticks in a second.
const TICKS_PER_SECOND: u64 = 10_000_000;
/// Seconds between the FILETIME epoch (1601) and the Unix epoch.
const FILETIME_EPOCH_SECS: u64 = 11_644_473_600;

impl Reader for Ole {
    fn name(&self) -> &'static str {
        "ole"
    }

    fn reads(&self, detected: &str) -> bool {
        matches!(
            detected,
            "application/msword"
                | "application/vnd.ms-excel"
                | "application/vnd.ms-powerpoint"
                // Visio, Publisher, Project…, and password-protected OOXML,
                // keep the same property sets.
                | crate::detect::OLE
                | crate::detect::ENCRYPTED_OFFICE
        )
    }

    fn read(&self, bytes: &[u8]) -> Result<Extracted, String> {
        let mut cf = cfb::CompoundFile::open(Cursor::new(bytes))
            .map_err(|e| format!("not a readable compound file: {e}"))?;
        // No stream is longer than the file that holds it.
        let cap = bytes.len() as u64;
        let mut f = DocumentFacts::default();
        root_times(&cf, &mut f.raw);
        if let Some(stream) = read_stream(&mut cf, SUMMARY, cap)
            && let Some(section) = sections(&stream).first()
        {
            summary(section, &mut f);
        }
        if let Some(stream) = read_stream(&mut cf, DOC_SUMMARY, cap) {
            let mut found = sections(&stream).into_iter();
            if let Some(builtin) = found.next() {
                doc_summary(&builtin, &mut f);
            }
            if let Some(user) = found.next() {
                custom(&user, &mut f.raw);
            }
        }
        let mut text = None;
        if let Some(word) = read_stream(&mut cf, WORD_DOCUMENT, cap)
            && let Some(fib) = Fib::parse(&word)
        {
            fib.record(&mut f);
            text = word_text(&mut cf, &word, &fib, cap);
        }
        Ok(Extracted { facts: f, text })
    }
}

/// A stream's bytes, or `None` when it is absent or unreadable; at most
/// `cap` bytes are read.
fn read_stream(cf: &mut Cfb<'_>, path: &str, cap: u64) -> Option<Vec<u8>> {
    let stream = cf.open_stream(path).ok()?;
    let mut out = Vec::new();
    stream.take(cap).read_to_end(&mut out).ok()?;
    Some(out)
}

/// The root storage's creation and modification times, when set (writers
/// often leave them zero).
fn root_times(cf: &Cfb<'_>, raw: &mut Metadata) {
    let root = cf.root_entry();
    for (key, time) in [
        ("ole:root_created", root.created()),
        ("ole:root_modified", root.modified()),
    ] {
        if let Some(t) = system_time(time) {
            raw.insert(key.to_string(), Value::from(t.text));
        }
    }
}

/// A directory entry's time, through the same validation as property times.
fn system_time(t: SystemTime) -> Option<DocTime> {
    let secs = t.duration_since(UNIX_EPOCH).ok()?.as_secs();
    from_filetime(
        secs.checked_add(FILETIME_EPOCH_SECS)?
            .checked_mul(TICKS_PER_SECOND)?,
    )
}

// ---------------------------------------------------------------------------
// Property sets (MS-OLEPS)
// ---------------------------------------------------------------------------

const VT_I2: u16 = 2;
const VT_I4: u16 = 3;
const VT_R4: u16 = 4;
const VT_R8: u16 = 5;
const VT_BSTR: u16 = 8;
const VT_BOOL: u16 = 11;
const VT_VARIANT: u16 = 12;
const VT_I1: u16 = 16;
const VT_UI1: u16 = 17;
const VT_UI2: u16 = 18;
const VT_UI4: u16 = 19;
const VT_I8: u16 = 20;
const VT_UI8: u16 = 21;
const VT_INT: u16 = 22;
const VT_UINT: u16 = 23;
const VT_LPSTR: u16 = 30;
const VT_LPWSTR: u16 = 31;
const VT_FILETIME: u16 = 64;
const VT_VECTOR: u16 = 0x1000;

/// The dictionary of a section: the names of its user-defined properties.
const PID_DICTIONARY: u32 = 0;
/// The code page of a section's 8-bit strings (`VT_I2`).
const PID_CODEPAGE: u32 = 1;
/// The code page that says strings are UTF-16LE.
const CP_UTF16: u16 = 1200;

/// A property value, for the types Office and other writers use.
#[derive(Debug, Clone, PartialEq)]
enum Prop {
    Text(String),
    Int(i64),
    Real(f64),
    Bool(bool),
    /// `VT_FILETIME`: 100 ns ticks since 1601 (UTC), or a duration.
    FileTime(u64),
    /// `VT_VECTOR` of scalars, or of variants (`HeadingPairs`).
    List(Vec<Prop>),
}

impl Prop {
    /// The value as kept under `raw`: strings trimmed (empty ones left
    /// out), times as UTC text (ticks when not a plausible date), lists
    /// with every element in place.
    fn to_json(&self) -> Option<Value> {
        match self {
            Prop::Text(s) => nonempty(s).map(Value::from),
            Prop::Int(i) => Some(Value::from(*i)),
            Prop::Real(x) => serde_json::Number::from_f64(*x).map(Value::Number),
            Prop::Bool(b) => Some(Value::from(*b)),
            Prop::FileTime(0) => None,
            Prop::FileTime(t) => Some(from_filetime(*t).map_or(Value::from(*t), |d| d.text.into())),
            Prop::List(items) => Some(Value::Array(items.iter().map(Prop::element).collect())),
        }
    }

    /// A list element as kept under `raw`: as [`Prop::to_json`], except
    /// that an empty string stays in place.
    fn element(&self) -> Value {
        match self {
            Prop::Text(s) => Value::from(s.trim()),
            p => p.to_json().unwrap_or(Value::Null),
        }
    }
}

/// A bounds-checked little-endian reader over a byte slice.
struct Bytes<'a> {
    data: &'a [u8],
    pos: usize,
}

impl<'a> Bytes<'a> {
    fn at(data: &'a [u8], pos: usize) -> Self {
        Bytes { data, pos }
    }

    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let end = self.pos.checked_add(n)?;
        let slice = self.data.get(self.pos..end)?;
        self.pos = end;
        Some(slice)
    }

    fn array<const N: usize>(&mut self) -> Option<[u8; N]> {
        self.take(N)?.try_into().ok()
    }

    fn u8(&mut self) -> Option<u8> {
        self.array::<1>().map(|[b]| b)
    }

    fn u16(&mut self) -> Option<u16> {
        self.array().map(u16::from_le_bytes)
    }

    fn u32(&mut self) -> Option<u32> {
        self.array().map(u32::from_le_bytes)
    }

    fn u64(&mut self) -> Option<u64> {
        self.array().map(u64::from_le_bytes)
    }

    /// Bytes that would make those read since `start` a multiple of 4.
    fn padding(&self, start: usize) -> usize {
        (4 - self.pos.saturating_sub(start) % 4) % 4
    }

    /// Skips the padding after the bytes read since `start`.
    fn pad_from(&mut self, start: usize) {
        self.pos = self.pos.saturating_add(self.padding(start));
    }

    /// Skips the padding after the bytes read since `start` only if it is
    /// there, that is zeros: writers pad strings inside vectors or not.
    fn pad_if_zeros(&mut self, start: usize) {
        let n = self.padding(start);
        let end = self.pos.saturating_add(n);
        if self
            .data
            .get(self.pos..end)
            .is_some_and(|pad| pad.iter().all(|&b| b == 0))
        {
            self.pos = end;
        }
    }
}

/// One section of a property set: its properties in table order and the
/// names of its user-defined properties (the dictionary, property 0).
#[derive(Debug, Default)]
struct Section {
    /// Property 1, as the unsigned code page it names.
    codepage: Option<u16>,
    props: Vec<(u32, Prop)>,
    names: BTreeMap<u32, String>,
}

impl Section {
    /// The first value of property `id`.
    fn get(&self, id: u32) -> Option<&Prop> {
        self.props.iter().find(|(i, _)| *i == id).map(|(_, p)| p)
    }

    /// A string property, trimmed and non-empty; a number in decimal.
    fn text(&self, id: u32) -> Option<String> {
        match self.get(id)? {
            Prop::Text(s) => nonempty(s),
            Prop::Int(i) => Some(i.to_string()),
            _ => None,
        }
    }

    fn int(&self, id: u32) -> Option<i64> {
        match self.get(id)? {
            Prop::Int(i) => Some(*i),
            _ => None,
        }
    }

    fn filetime(&self, id: u32) -> Option<u64> {
        match self.get(id)? {
            Prop::FileTime(t) => Some(*t),
            _ => None,
        }
    }
}

/// The sections of a property-set stream, in order; none when the stream
/// is not one. Reading stops at the first section that cannot be read, so
/// a section never takes the place of another.
fn sections(stream: &[u8]) -> Vec<Section> {
    if Bytes::at(stream, 0).u16() != Some(0xFFFE) {
        return Vec::new();
    }
    let count = Bytes::at(stream, 24).u32().unwrap_or(0) as usize;
    (0..count.min(MAX_SECTIONS))
        .map_while(|i| {
            // Each section: a 16-byte format id, then its offset.
            let offset = Bytes::at(stream, 28 + 20 * i + 16).u32()? as usize;
            section(stream, offset)
        })
        .collect()
}

/// The section at `offset` of a property-set stream.
///
/// Its property count is bounded by the room its table has, and the values
/// read may add up to no more bytes than the section holds (values of a
/// sound section do not overlap), so a hostile table pointing every entry
/// at one large value costs no more than the section's size.
fn section(stream: &[u8], offset: usize) -> Option<Section> {
    let size = Bytes::at(stream, offset).u32()? as usize;
    let data = stream.get(offset..offset.saturating_add(size).min(stream.len()))?;
    let mut table = Bytes::at(data, 4);
    let count = (table.u32()? as usize).min(data.len().saturating_sub(8) / 8);
    let entries: Vec<(u32, usize)> = (0..count)
        .map_while(|_| Some((table.u32()?, table.u32()? as usize)))
        .collect();
    let codepage = entries
        .iter()
        .find(|(id, _)| *id == PID_CODEPAGE)
        .and_then(|(_, at)| codepage_at(data, *at));
    let encoding = codepage
        .and_then(codepage::to_encoding_no_replacement)
        .unwrap_or(WINDOWS_1252);
    let mut s = Section {
        codepage,
        ..Section::default()
    };
    let mut budget = data.len();
    for (id, at) in entries {
        let mut r = Bytes::at(data, at);
        if id == PID_DICTIONARY {
            s.names = dictionary(&mut r, codepage, encoding);
        } else if let Some(p) = typed(&mut r, encoding, false) {
            s.props.push((id, p));
        }
        match budget.checked_sub(r.pos.saturating_sub(at).max(1)) {
            Some(left) => budget = left,
            None => break,
        }
    }
    Some(s)
}

/// The code page property at `at`: a `VT_I2`, which holds 65001 as -535,
/// so the code page is the unsigned word.
fn codepage_at(section: &[u8], at: usize) -> Option<u16> {
    match typed(&mut Bytes::at(section, at), WINDOWS_1252, false)? {
        Prop::Int(cp) => Some(cp as u16),
        _ => None,
    }
}

/// A TypedPropertyValue: type, padding, value. A variant inside a vector
/// (`in_variant`) may not itself be a vector.
///
/// Numbers are padded to 4 bytes; strings are left for the caller, as
/// padding matters only between the elements of a vector.
fn typed(r: &mut Bytes<'_>, encoding: &'static Encoding, in_variant: bool) -> Option<Prop> {
    let start = r.pos;
    let vt = r.u16()?;
    r.u16()?;
    if vt & VT_VECTOR != 0 && !in_variant {
        return vector(r, vt & !VT_VECTOR, encoding);
    }
    let value = scalar(r, vt, encoding)?;
    if !matches!(value, Prop::Text(_)) {
        r.pad_from(start);
    }
    Some(value)
}

/// A vector: its element count, then the elements. Fixed-size numbers are
/// packed. Strings (alone or in variants) should be padded to 4 bytes, but
/// Office writes `HeadingPairs` and `TitlesOfParts` unpadded (MS-OSHARED's
/// UnalignedLpstr): padding is skipped when the bytes after a string are
/// zeros, as a size or a type word never starts with one. At most
/// [`MAX_VECTOR`] elements are read; an element that cannot be read loses
/// the vector.
fn vector(r: &mut Bytes<'_>, vt: u16, encoding: &'static Encoding) -> Option<Prop> {
    let count = r.u32()? as usize;
    let mut items = Vec::new();
    for _ in 0..count.min(MAX_VECTOR) {
        let start = r.pos;
        let item = if vt == VT_VARIANT {
            typed(r, encoding, true)?
        } else {
            scalar(r, vt, encoding)?
        };
        if matches!(item, Prop::Text(_)) {
            r.pad_if_zeros(start);
        }
        items.push(item);
    }
    Some(Prop::List(items))
}

/// A scalar value of type `vt`, without padding.
fn scalar(r: &mut Bytes<'_>, vt: u16, encoding: &'static Encoding) -> Option<Prop> {
    Some(match vt {
        VT_I1 => Prop::Int(i64::from(r.u8()? as i8)),
        VT_UI1 => Prop::Int(i64::from(r.u8()?)),
        VT_I2 => Prop::Int(i64::from(r.u16()? as i16)),
        VT_UI2 => Prop::Int(i64::from(r.u16()?)),
        VT_I4 | VT_INT => Prop::Int(i64::from(r.u32()? as i32)),
        VT_UI4 | VT_UINT => Prop::Int(i64::from(r.u32()?)),
        VT_I8 => Prop::Int(r.u64()? as i64),
        VT_UI8 => Prop::Int(i64::try_from(r.u64()?).ok()?),
        VT_R4 => Prop::Real(f64::from(f32::from_bits(r.u32()?))),
        VT_R8 => Prop::Real(f64::from_bits(r.u64()?)),
        VT_BOOL => Prop::Bool(r.u16()? != 0),
        VT_LPSTR | VT_BSTR => Prop::Text(code_page_string(r, encoding)?),
        VT_LPWSTR => Prop::Text(unicode_string(r)?),
        VT_FILETIME => Prop::FileTime(r.u64()?),
        _ => return None,
    })
}

/// A CodePageString: a byte count, then the bytes in the section's code
/// page.
fn code_page_string(r: &mut Bytes<'_>, encoding: &'static Encoding) -> Option<String> {
    let len = r.u32()? as usize;
    let bytes = r.take(len)?;
    Some(until_nul(&encoding.decode_without_bom_handling(bytes).0))
}

/// A UnicodeString: a character count, then UTF-16LE.
fn unicode_string(r: &mut Bytes<'_>) -> Option<String> {
    let chars = r.u32()? as usize;
    let bytes = r.take(chars.checked_mul(2)?)?;
    Some(until_nul(&UTF_16LE.decode_without_bom_handling(bytes).0))
}

/// A string up to its terminating NUL, as Windows and ExifTool read it.
fn until_nul(s: &str) -> String {
    s.split('\0').next().unwrap_or_default().to_string()
}

/// The dictionary (MS-OLEPS 2.17): a count, then (property id, length,
/// name) entries. Names are in the section's code page and unpadded, or
/// UTF-16LE (length in characters) padded to 4 bytes under code page 1200.
/// Reading stops at the first entry that does not fit.
fn dictionary(
    r: &mut Bytes<'_>,
    codepage: Option<u16>,
    encoding: &'static Encoding,
) -> BTreeMap<u32, String> {
    let mut names = BTreeMap::new();
    let Some(count) = r.u32() else {
        return names;
    };
    for _ in 0..count {
        let start = r.pos;
        let (Some(id), Some(len)) = (r.u32(), r.u32()) else {
            break;
        };
        let name = if codepage == Some(CP_UTF16) {
            let name = (len as usize)
                .checked_mul(2)
                .and_then(|n| r.take(n))
                .map(|b| UTF_16LE.decode_without_bom_handling(b).0);
            r.pad_from(start);
            name
        } else {
            r.take(len as usize)
                .map(|b| encoding.decode_without_bom_handling(b).0)
        };
        let Some(name) = name else {
            break;
        };
        names.entry(id).or_insert_with(|| until_nul(&name));
    }
    names
}

/// Keeps every property of a section under `<prefix>:<name>` (unknown
/// ones as `<prefix>:pid<id>`), the code page unsigned.
fn record(s: &Section, prefix: &str, name_of: fn(u32) -> Option<&'static str>, raw: &mut Metadata) {
    for (id, p) in &s.props {
        let key = match name_of(*id) {
            Some(name) => format!("{prefix}:{name}"),
            None => format!("{prefix}:pid{id}"),
        };
        if let Some(v) = p.to_json() {
            raw.insert_if_absent(key, v);
        }
    }
    if let Some(cp) = s.codepage {
        raw.insert(format!("{prefix}:CodePage"), Value::from(cp));
    }
}

// ---------------------------------------------------------------------------
// SummaryInformation and DocumentSummaryInformation
// ---------------------------------------------------------------------------

const PIDSI_TITLE: u32 = 2;
const PIDSI_AUTHOR: u32 = 4;
const PIDSI_TEMPLATE: u32 = 7;
const PIDSI_LASTAUTHOR: u32 = 8;
const PIDSI_REVNUMBER: u32 = 9;
const PIDSI_EDITTIME: u32 = 10;
const PIDSI_LASTPRINTED: u32 = 11;
const PIDSI_CREATE_DTM: u32 = 12;
const PIDSI_LASTSAVE_DTM: u32 = 13;
const PIDSI_PAGECOUNT: u32 = 14;
const PIDSI_APPNAME: u32 = 18;

const PIDDSI_HEADINGPAIR: u32 = 0x0C;
const PIDDSI_MANAGER: u32 = 0x0E;
const PIDDSI_COMPANY: u32 = 0x0F;
const PIDDSI_VERSION: u32 = 0x17;
const PIDDSI_LANGUAGE: u32 = 0x1C;

/// The names of the SummaryInformation properties (MS-OLEPS 2.25.1).
fn summary_name(id: u32) -> Option<&'static str> {
    Some(match id {
        1 => "CodePage",
        2 => "Title",
        3 => "Subject",
        4 => "Author",
        5 => "Keywords",
        6 => "Comments",
        7 => "Template",
        8 => "LastAuthor",
        9 => "RevNumber",
        10 => "EditTime",
        11 => "LastPrinted",
        12 => "CreateTime",
        13 => "LastSaveTime",
        14 => "PageCount",
        15 => "WordCount",
        16 => "CharCount",
        18 => "AppName",
        19 => "DocSecurity",
        _ => return None,
    })
}

/// The names of the DocumentSummaryInformation properties (MS-OLEPS
/// 2.25.2, MS-OSHARED 2.3.3.2.1), as OOXML's `app.xml` calls them.
fn doc_summary_name(id: u32) -> Option<&'static str> {
    Some(match id {
        1 => "CodePage",
        2 => "Category",
        3 => "PresentationFormat",
        4 => "ByteCount",
        5 => "LineCount",
        6 => "ParagraphCount",
        7 => "SlideCount",
        8 => "NoteCount",
        9 => "HiddenSlideCount",
        10 => "MMClipCount",
        11 => "ScaleCrop",
        12 => "HeadingPairs",
        13 => "TitlesOfParts",
        14 => "Manager",
        15 => "Company",
        16 => "LinksUpToDate",
        17 => "CharCountWithSpaces",
        19 => "SharedDoc",
        20 => "LinkBase",
        22 => "HyperlinksChanged",
        23 => "AppVersion",
        26 => "ContentType",
        27 => "ContentStatus",
        28 => "Language",
        29 => "DocVersion",
        0x8000_0000 => "Locale",
        0x8000_0003 => "Behavior",
        _ => return None,
    })
}

/// Facts from the SummaryInformation section.
fn summary(s: &Section, f: &mut DocumentFacts) {
    record(s, "summary", summary_name, &mut f.raw);
    let time = |id| s.filetime(id).and_then(from_filetime);
    f.title = s.text(PIDSI_TITLE);
    f.author = s.text(PIDSI_AUTHOR);
    f.template = s.text(PIDSI_TEMPLATE);
    f.last_modified_by = s.text(PIDSI_LASTAUTHOR);
    f.revision = s.text(PIDSI_REVNUMBER);
    f.printed = time(PIDSI_LASTPRINTED);
    f.created = time(PIDSI_CREATE_DTM);
    f.modified = time(PIDSI_LASTSAVE_DTM);
    f.pages = s.int(PIDSI_PAGECOUNT).and_then(|n| u64::try_from(n).ok());
    f.application = s.text(PIDSI_APPNAME);
    // EditTime is a FILETIME that holds a duration, not a moment.
    f.editing_seconds = s.filetime(PIDSI_EDITTIME).map(|t| t / TICKS_PER_SECOND);
    if let Some(secs) = f.editing_seconds {
        f.raw
            .insert("summary:EditTime".to_string(), Value::from(secs));
    }
}

/// Facts from the first DocumentSummaryInformation section. The language
/// is its `Language` property, else the one its `HeadingPairs` labels are
/// written in (a Word file's FIB overrides both).
fn doc_summary(s: &Section, f: &mut DocumentFacts) {
    record(s, "docsummary", doc_summary_name, &mut f.raw);
    f.company = s.text(PIDDSI_COMPANY);
    f.manager = s.text(PIDDSI_MANAGER);
    f.app_version = s.int(PIDDSI_VERSION).map(app_version);
    if let Some(v) = &f.app_version {
        f.raw
            .insert("docsummary:AppVersion".to_string(), Value::from(v.clone()));
    }
    f.language = s.text(PIDDSI_LANGUAGE).or_else(|| heading_language(s));
}

/// `AppVersion` as OOXML writes it: the high word is the major version,
/// the low word the minor (`0x000C0000` → `12.0000`).
fn app_version(v: i64) -> String {
    let v = v as u32;
    format!("{}.{:04}", v >> 16, v & 0xFFFF)
}

/// The Office user-interface language the `HeadingPairs` labels are in.
fn heading_language(s: &Section) -> Option<String> {
    let Some(Prop::List(pairs)) = s.get(PIDDSI_HEADINGPAIR) else {
        return None;
    };
    pairs
        .iter()
        .find_map(|p| match p {
            Prop::Text(label) => super::ooxml::ui_language(label),
            _ => None,
        })
        .map(str::to_string)
}

/// The user-defined properties (second DocumentSummaryInformation section)
/// as `custom:<Name>`, or `custom:pid<id>` when the dictionary names none.
fn custom(s: &Section, raw: &mut Metadata) {
    for (id, p) in &s.props {
        // The code page, and the locale and behavior properties
        // (0x80000000 and above), are not user-defined.
        if *id == PID_CODEPAGE || *id >= 0x8000_0000 {
            continue;
        }
        let key = match s.names.get(id).and_then(nonempty) {
            Some(name) => format!("custom:{name}"),
            None => format!("custom:pid{id}"),
        };
        if let Some(v) = p.to_json() {
            raw.insert_if_absent(key, v);
        }
    }
}

// ---------------------------------------------------------------------------
// Word's File Information Block and text (MS-DOC)
// ---------------------------------------------------------------------------

/// `wIdent` of a Word 97 or later document.
const WORD97: u16 = 0xA5EC;
/// `wIdent` of a Word 6 or Word 95 document.
const WORD6: u16 = 0xA5DC;
/// FibBase flags: the document is encrypted or obfuscated.
const F_ENCRYPTED: u16 = 0x0100;
/// FibBase flags: the table stream is `1Table` (else `0Table`).
const F_WHICH_TBL_STM: u16 = 0x0200;

/// What the File Information Block at the start of `WordDocument` says.
#[derive(Debug)]
struct Fib {
    ident: u16,
    nfib: u16,
    /// The install language of the Word that created the document.
    lid: u16,
    flags: u16,
    /// Characters of main-document text (Word 97+).
    ccp_text: Option<u32>,
    /// Offset and size of the Clx (piece table) in the table stream
    /// (Word 97+).
    clx: Option<(u32, u32)>,
}

impl Fib {
    fn parse(word: &[u8]) -> Option<Fib> {
        let mut r = Bytes::at(word, 0);
        let ident = r.u16()?;
        if ident != WORD97 && ident != WORD6 {
            return None;
        }
        let nfib = r.u16()?;
        r.u16()?; // unused
        let lid = r.u16()?;
        r.u16()?; // pnNext
        let flags = r.u16()?;
        let mut fib = Fib {
            ident,
            nfib,
            lid,
            flags,
            ccp_text: None,
            clx: None,
        };
        if ident == WORD97 {
            fib.read_counts(word);
        }
        Some(fib)
    }

    /// Reads `ccpText` from FibRgLw97 and `fcClx`/`lcbClx` from
    /// FibRgFcLcb97, after the 32-byte FibBase and the counted FibRgW97.
    fn read_counts(&mut self, word: &[u8]) {
        let mut r = Bytes::at(word, 32);
        let Some(csw) = r.u16() else { return };
        r.pos += usize::from(csw) * 2;
        let Some(cslw) = r.u16() else { return };
        let rg_lw = r.pos;
        r.pos += usize::from(cslw) * 4;
        let Some(cb_rg_fc_lcb) = r.u16() else { return };
        let rg_fc_lcb = r.pos;
        // ccpText is the fourth 32-bit value of FibRgLw97.
        if cslw >= 4 {
            self.ccp_text = Bytes::at(word, rg_lw + 12).u32();
        }
        // fcClx/lcbClx is the 34th (fc, lcb) pair of FibRgFcLcb97.
        if cb_rg_fc_lcb >= 34 {
            let mut pair = Bytes::at(word, rg_fc_lcb + 33 * 8);
            self.clx = pair.u32().zip(pair.u32());
        }
    }

    /// Keeps the FIB's values under `fib:` and its language as the
    /// document's.
    fn record(&self, f: &mut DocumentFacts) {
        f.raw.insert("fib:nFib".to_string(), Value::from(self.nfib));
        if self.lid != 0 {
            f.raw.insert("fib:lid".to_string(), Value::from(self.lid));
            f.language = Some(lcid_tag(self.lid));
        }
    }
}

/// A language tag for a Windows LCID; `lcid:<n>` for the less common ones.
fn lcid_tag(lcid: u16) -> String {
    let tag = match lcid {
        1025 => "ar-SA",
        1026 => "bg-BG",
        1028 => "zh-TW",
        1029 => "cs-CZ",
        1031 => "de-DE",
        1032 => "el-GR",
        1033 => "en-US",
        1034 | 3082 => "es-ES",
        1036 => "fr-FR",
        1037 => "he-IL",
        1038 => "hu-HU",
        1040 => "it-IT",
        1041 => "ja-JP",
        1042 => "ko-KR",
        1043 => "nl-NL",
        1045 => "pl-PL",
        1046 => "pt-BR",
        1049 => "ru-RU",
        1053 => "sv-SE",
        1055 => "tr-TR",
        1058 => "uk-UA",
        2052 => "zh-CN",
        2057 => "en-GB",
        2070 => "pt-PT",
        3081 => "en-AU",
        3084 => "fr-CA",
        _ => return format!("lcid:{lcid}"),
    };
    tag.to_string()
}

/// The main-document text of a Word 97+ file, read through its piece
/// table; `None` for older or encrypted files and when the table is
/// damaged or the text empty.
fn word_text(cf: &mut Cfb<'_>, word: &[u8], fib: &Fib, cap: u64) -> Option<String> {
    if fib.ident != WORD97 || fib.flags & F_ENCRYPTED != 0 {
        return None;
    }
    let (fc, lcb) = fib.clx?;
    let table_name = if fib.flags & F_WHICH_TBL_STM != 0 {
        "/1Table"
    } else {
        "/0Table"
    };
    let table = read_stream(cf, table_name, cap)?;
    let clx = Bytes::at(&table, fc as usize).take(lcb as usize)?;
    let text = piece_text(word, piece_table(clx)?, fib.ccp_text?);
    (!text.trim().is_empty()).then_some(text)
}

/// The PlcPcd inside a Clx: the Clx is any number of Prc (`0x01`, a
/// 16-bit size, property modifiers) followed by one Pcdt (`0x02`, a 32-bit
/// size, the PlcPcd).
fn piece_table(clx: &[u8]) -> Option<&[u8]> {
    let mut r = Bytes::at(clx, 0);
    loop {
        match r.u8()? {
            0x01 => {
                let size = usize::try_from(r.u16()? as i16).ok()?;
                r.take(size)?;
            }
            0x02 => {
                let size = r.u32()? as usize;
                return r.take(size);
            }
            _ => return None,
        }
    }
}

/// The text of the first `ccp_text` characters through the PlcPcd: n + 1
/// character positions, then n 8-byte piece descriptors whose bytes 2..6
/// locate the piece in `WordDocument` (bit 30 set: 8-bit Windows-1252 text
/// at half the offset; clear: UTF-16LE). Decoding stops at [`TEXT_CAP`].
fn piece_text(word: &[u8], plc: &[u8], ccp_text: u32) -> String {
    let pieces = plc.len().saturating_sub(4) / 12;
    let descriptors = 4 * (pieces + 1);
    let mut text = PlainText::default();
    for i in 0..pieces {
        let cp = |k: usize| Bytes::at(plc, 4 * k).u32();
        let (Some(start), Some(end), Some(fc)) = (
            cp(i),
            cp(i + 1),
            Bytes::at(plc, descriptors + 8 * i + 2).u32(),
        ) else {
            break;
        };
        let end = end.min(ccp_text);
        if start >= end {
            continue;
        }
        let room = TEXT_CAP.saturating_sub(text.out.len());
        if room == 0 {
            break;
        }
        let chars = ((end - start) as usize).min(room);
        let offset = (fc & 0x3FFF_FFFF) as usize;
        let piece = if fc & 0x4000_0000 != 0 {
            Bytes::at(word, offset / 2)
                .take(chars)
                .map(|b| WINDOWS_1252.decode_without_bom_handling(b).0)
        } else {
            Bytes::at(word, offset)
                .take(chars * 2)
                .map(|b| UTF_16LE.decode_without_bom_handling(b).0)
        };
        if let Some(piece) = piece {
            piece.chars().for_each(|c| text.push(c));
        }
    }
    text.out
}

/// Most nested fields followed; deeper ones are read as text.
const MAX_FIELD_DEPTH: usize = 32;

/// Word's text characters made plain: paragraph, cell, line and page marks
/// become line breaks, field instructions (between a field's begin mark
/// 0x13 and its separator 0x14) are left out while field results are kept,
/// other control characters (pictures, note references) are dropped.
#[derive(Default)]
struct PlainText {
    out: String,
    /// For each open field: whether its instruction is being read.
    fields: Vec<bool>,
}

impl PlainText {
    fn push(&mut self, c: char) {
        match c {
            '\u{13}' => {
                if self.fields.len() < MAX_FIELD_DEPTH {
                    self.fields.push(true);
                }
            }
            '\u{14}' => {
                if let Some(instruction) = self.fields.last_mut() {
                    *instruction = false;
                }
            }
            '\u{15}' => {
                self.fields.pop();
            }
            _ if self.fields.contains(&true) => {}
            '\r' | '\u{7}' | '\u{b}' | '\u{c}' => self.out.push('\n'),
            '\t' => self.out.push('\t'),
            // A non-breaking hyphen.
            '\u{1e}' => self.out.push('-'),
            c if c.is_control() => {}
            c => self.out.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;
    use std::path::Path;

    // --- Building property-set streams -----------------------------------

    /// A TypedPropertyValue of type `vt`, padded to 4 bytes.
    fn typed_value(vt: u16, value: &[u8]) -> Vec<u8> {
        let mut v = vt.to_le_bytes().to_vec();
        v.extend([0, 0]);
        v.extend(value);
        pad(&mut v);
        v
    }

    fn pad(v: &mut Vec<u8>) {
        while !v.len().is_multiple_of(4) {
            v.push(0);
        }
    }

    /// A CodePageString body (count, bytes, NUL, padding).
    fn cp_string(bytes: &[u8]) -> Vec<u8> {
        let mut v = ((bytes.len() + 1) as u32).to_le_bytes().to_vec();
        v.extend(bytes);
        v.push(0);
        pad(&mut v);
        v
    }

    fn lpstr(bytes: &[u8]) -> Vec<u8> {
        typed_value(VT_LPSTR, &cp_string(bytes))
    }

    fn lpwstr(s: &str) -> Vec<u8> {
        let units: Vec<u16> = s.encode_utf16().chain([0]).collect();
        let mut v = (units.len() as u32).to_le_bytes().to_vec();
        v.extend(units.iter().flat_map(|u| u.to_le_bytes()));
        typed_value(VT_LPWSTR, &v)
    }

    fn i2(n: i16) -> Vec<u8> {
        typed_value(VT_I2, &n.to_le_bytes())
    }

    fn i4(n: i32) -> Vec<u8> {
        typed_value(VT_I4, &n.to_le_bytes())
    }

    fn filetime(ticks: u64) -> Vec<u8> {
        typed_value(VT_FILETIME, &ticks.to_le_bytes())
    }

    fn boolean(b: bool) -> Vec<u8> {
        typed_value(VT_BOOL, &(if b { 0xFFFFu16 } else { 0 }).to_le_bytes())
    }

    /// `VT_VECTOR | VT_VARIANT` of already-typed values.
    fn variants(items: &[Vec<u8>]) -> Vec<u8> {
        let mut v = (items.len() as u32).to_le_bytes().to_vec();
        items.iter().for_each(|i| v.extend(i));
        typed_value(VT_VECTOR | VT_VARIANT, &v)
    }

    /// `VT_VECTOR | VT_LPSTR`.
    fn lpstrs(items: &[&[u8]]) -> Vec<u8> {
        let mut v = (items.len() as u32).to_le_bytes().to_vec();
        items.iter().for_each(|i| v.extend(cp_string(i)));
        typed_value(VT_VECTOR | VT_LPSTR, &v)
    }

    /// A dictionary (no type header) of 8-bit names.
    fn dictionary_of(names: &[(u32, &str)]) -> Vec<u8> {
        let mut v = (names.len() as u32).to_le_bytes().to_vec();
        for (id, name) in names {
            v.extend(id.to_le_bytes());
            v.extend(((name.len() + 1) as u32).to_le_bytes());
            v.extend(name.as_bytes());
            v.push(0);
        }
        pad(&mut v);
        v
    }

    /// A section: size, count, (id, offset) table, values.
    fn section_of(props: &[(u32, Vec<u8>)]) -> Vec<u8> {
        let mut offset = 8 + 8 * props.len();
        let mut table = Vec::new();
        let mut values: Vec<u8> = Vec::new();
        for (id, value) in props {
            table.extend(id.to_le_bytes());
            table.extend((offset as u32).to_le_bytes());
            offset += value.len();
            values.extend(value);
        }
        let mut v = (offset as u32).to_le_bytes().to_vec();
        v.extend((props.len() as u32).to_le_bytes());
        v.extend(table);
        v.extend(values);
        v
    }

    /// A property-set stream holding `sections`.
    fn property_set(sections: &[Vec<u8>]) -> Vec<u8> {
        let mut v = vec![0xFE, 0xFF, 0, 0, 2, 0, 2, 0];
        v.extend([0; 16]);
        v.extend((sections.len() as u32).to_le_bytes());
        let mut offset = 28 + 20 * sections.len();
        for s in sections {
            v.extend([0xAB; 16]);
            v.extend((offset as u32).to_le_bytes());
            offset += s.len();
        }
        sections.iter().for_each(|s| v.extend(s));
        v
    }

    /// A compound file holding `streams`.
    fn compound(streams: &[(&str, &[u8])]) -> Vec<u8> {
        let mut cf = cfb::CompoundFile::create(Cursor::new(Vec::new())).unwrap();
        for (name, data) in streams {
            cf.create_stream(name).unwrap().write_all(data).unwrap();
        }
        cf.flush().unwrap();
        cf.into_inner().into_inner()
    }

    /// 2017-03-27T08:12:00Z as a FILETIME.
    const MARCH_2017: u64 = (1_490_602_320 + FILETIME_EPOCH_SECS) * TICKS_PER_SECOND;

    /// "Рошка Георгий" in windows-1251.
    const ROSHKA_1251: &[u8] = b"\xd0\xee\xf8\xea\xe0 \xc3\xe5\xee\xf0\xe3\xe8\xe9";

    fn summary_stream() -> Vec<u8> {
        property_set(&[section_of(&[
            (1, i2(1251)),
            (2, lpwstr("Отчёт")),
            (4, lpstr(ROSHKA_1251)),
            (8, lpstr(b"Admin\0\0")),
            (9, lpstr(b"23")),
            (10, filetime(2400 * TICKS_PER_SECOND)),
            (12, filetime(MARCH_2017)),
            (13, filetime(MARCH_2017 + 3600 * TICKS_PER_SECOND)),
            (14, i4(3)),
            (18, lpstr(b"Microsoft Office Word")),
        ])])
    }

    fn doc_summary_stream() -> Vec<u8> {
        let builtin = section_of(&[
            (1, i2(-535)), // 65001 as VT_I2
            (12, variants(&[lpstr("Листы".as_bytes()), i4(2)])),
            (13, lpstrs(&[b"Sheet1", b"Sheet2"])),
            (15, lpstr("Société".as_bytes())),
            (23, i4(0x000C_0000)),
        ]);
        let user = section_of(&[
            (0, dictionary_of(&[(2, "Client"), (3, "Approved")])),
            (1, i2(1252)),
            (2, lpstr(b"ACME")),
            (3, boolean(true)),
            (4, i4(7)),
        ]);
        property_set(&[builtin, user])
    }

    // --- Property sets ----------------------------------------------------

    #[test]
    fn codepage_1251_decodes_cyrillic() {
        let s = &sections(&summary_stream())[0];
        assert_eq!(s.codepage, Some(1251));
        assert_eq!(s.text(4).as_deref(), Some("Рошка Георгий"));
        assert_eq!(s.text(2).as_deref(), Some("Отчёт"), "VT_LPWSTR");
        assert_eq!(s.text(8).as_deref(), Some("Admin"), "trailing NULs trimmed");
    }

    #[test]
    fn codepages_utf16_and_utf8() {
        // The helper adds one NUL byte; UTF-16 needs a second.
        let mut utf16: Vec<u8> = "Иван".encode_utf16().flat_map(u16::to_le_bytes).collect();
        utf16.push(0);
        let stream = property_set(&[section_of(&[(1, i2(1200)), (4, lpstr(&utf16))])]);
        assert_eq!(sections(&stream)[0].text(4).as_deref(), Some("Иван"));
        let stream = property_set(&[section_of(&[(1, i2(-535)), (4, lpstr("雅虎".as_bytes()))])]);
        let s = &sections(&stream)[0];
        assert_eq!(
            (s.codepage, s.text(4).as_deref()),
            (Some(65001), Some("雅虎"))
        );
        // No code page: Windows-1252.
        let stream = property_set(&[section_of(&[(4, lpstr(b"C\xe9dric"))])]);
        assert_eq!(sections(&stream)[0].text(4).as_deref(), Some("Cédric"));
    }

    #[test]
    fn summary_facts() {
        let mut f = DocumentFacts::default();
        summary(&sections(&summary_stream())[0], &mut f);
        assert_eq!(f.author.as_deref(), Some("Рошка Георгий"));
        assert_eq!(f.last_modified_by.as_deref(), Some("Admin"));
        assert_eq!(f.revision.as_deref(), Some("23"));
        assert_eq!(f.editing_seconds, Some(2400), "EditTime is a duration");
        assert_eq!(f.created.as_ref().unwrap().unix, 1_490_602_320);
        assert_eq!(f.created.as_ref().unwrap().zone, Some(0));
        assert_eq!(f.modified.as_ref().unwrap().unix, 1_490_605_920);
        assert_eq!(f.pages, Some(3));
        assert_eq!(f.application.as_deref(), Some("Microsoft Office Word"));
        assert_eq!(f.raw["summary:Author"], "Рошка Георгий");
        assert_eq!(f.raw["summary:EditTime"], 2400);
        assert_eq!(f.raw["summary:CreateTime"], "2017-03-27T08:12:00Z");
        assert_eq!(f.raw["summary:CodePage"], 1251);
    }

    #[test]
    fn edit_time_is_a_duration() {
        // 2^32 - 1 seconds, the largest a 32-bit minute or second count
        // holds: a duration of 136 years, not a date in 1737.
        let ticks = 4_294_967_295 * TICKS_PER_SECOND;
        let stream = property_set(&[section_of(&[(10, filetime(ticks))])]);
        let mut f = DocumentFacts::default();
        summary(&sections(&stream)[0], &mut f);
        assert_eq!(f.editing_seconds, Some(4_294_967_295));
        assert_eq!(f.raw["summary:EditTime"], 4_294_967_295u64);
    }

    #[test]
    fn doc_summary_and_custom_facts() {
        let found = sections(&doc_summary_stream());
        assert_eq!(found.len(), 2);
        let mut f = DocumentFacts::default();
        doc_summary(&found[0], &mut f);
        custom(&found[1], &mut f.raw);
        assert_eq!(f.company.as_deref(), Some("Société"));
        assert_eq!(f.app_version.as_deref(), Some("12.0000"));
        assert_eq!(f.language.as_deref(), Some("ru"), "from HeadingPairs");
        assert_eq!(f.raw["docsummary:CodePage"], 65001);
        assert_eq!(
            f.raw["docsummary:HeadingPairs"],
            serde_json::json!(["Листы", 2])
        );
        assert_eq!(
            f.raw["docsummary:TitlesOfParts"],
            serde_json::json!(["Sheet1", "Sheet2"])
        );
        assert_eq!(f.raw["custom:Client"], "ACME");
        assert_eq!(f.raw["custom:Approved"], true);
        assert_eq!(f.raw["custom:pid4"], 7, "a property the dictionary omits");
        assert!(!f.raw.contains_key("custom:pid1"), "the code page");
    }

    #[test]
    fn office_writes_vectors_unpadded() {
        // Word's HeadingPairs: a 9-byte string then a VT_I4, no padding.
        let mut title = VT_LPSTR.to_le_bytes().to_vec();
        title.extend([0, 0, 9, 0, 0, 0]);
        title.extend(b"\xcd\xe0\xe7\xe2\xe0\xed\xe8\xe5\0");
        let heading = variants(&[title, i4(1)]);
        // Excel's TitlesOfParts: 7-byte strings back to back.
        let mut parts = 3u32.to_le_bytes().to_vec();
        for name in [b"Feuil1", b"Feuil2", b"Feuil3"] {
            parts.extend(7u32.to_le_bytes());
            parts.extend(name);
            parts.push(0);
        }
        let stream = property_set(&[section_of(&[
            (1, i2(1251)),
            (12, heading),
            (13, typed_value(VT_VECTOR | VT_LPSTR, &parts)),
        ])]);
        let s = &sections(&stream)[0];
        let text = |t: &str| Prop::Text(t.to_string());
        assert_eq!(
            s.get(12),
            Some(&Prop::List(vec![text("Название"), Prop::Int(1)]))
        );
        assert_eq!(
            s.get(13),
            Some(&Prop::List(vec![
                text("Feuil1"),
                text("Feuil2"),
                text("Feuil3")
            ]))
        );
    }

    #[test]
    fn unicode_dictionary_is_padded() {
        // Under code page 1200 names are UTF-16 and each entry is padded.
        let mut dict = 2u32.to_le_bytes().to_vec();
        for (id, name) in [(2u32, "Ab"), (3, "Xyz")] {
            let units: Vec<u16> = name.encode_utf16().chain([0]).collect();
            dict.extend(id.to_le_bytes());
            dict.extend((units.len() as u32).to_le_bytes());
            dict.extend(units.iter().flat_map(|u| u.to_le_bytes()));
            pad(&mut dict);
        }
        let stream = property_set(&[section_of(&[
            (0, dict),
            (1, i2(1200)),
            (2, i4(1)),
            (3, i4(2)),
        ])]);
        let s = &sections(&stream)[0];
        assert_eq!(s.names[&2], "Ab");
        assert_eq!(s.names[&3], "Xyz");
    }

    #[test]
    fn app_version_words() {
        assert_eq!(app_version(0x000C_0000), "12.0000");
        assert_eq!(app_version(0x000A_0972), "10.2418");
    }

    #[test]
    fn truncated_and_garbage_streams_are_harmless() {
        let whole = doc_summary_stream();
        for len in 0..whole.len() {
            let _ = sections(&whole[..len]);
        }
        // A pseudo-random stream behind a valid header, many times over.
        let mut seed = 0x2545_F491_4F6C_DD1Du64;
        for _ in 0..2000 {
            let mut bytes = property_set(&[section_of(&[(1, i2(1251))])]);
            for b in bytes.iter_mut().skip(28) {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                *b = seed as u8;
            }
            let _ = sections(&bytes);
        }
        assert!(sections(b"not a property set").is_empty());
    }

    #[test]
    fn huge_counts_do_not_allocate() {
        // A section claiming 2^31 properties in 16 bytes.
        let mut sec = section_of(&[(4, lpstr(b"x"))]);
        sec[4..8].copy_from_slice(&0x8000_0000u32.to_le_bytes());
        let s = &sections(&property_set(&[sec]))[0];
        assert!(s.props.len() <= 1);
        // A vector and a string claiming 2^31 elements and bytes.
        let mut v = 0x8000_0000u32.to_le_bytes().to_vec();
        v.extend(i4(1));
        let stream = property_set(&[section_of(&[
            (12, typed_value(VT_VECTOR | VT_VARIANT, &v)),
            (4, typed_value(VT_LPSTR, &0xFFFF_FFFFu32.to_le_bytes())),
        ])]);
        let s = &sections(&stream)[0];
        assert!(s.props.is_empty());
        // Every table entry pointing at the same large value: reading stops
        // once the section's size is spent.
        let big = lpstr(&[b'a'; 4000]);
        let mut props: Vec<(u32, Vec<u8>)> = vec![(2, big)];
        props.extend((3..1000).map(|id| (id, Vec::new())));
        let mut sec = section_of(&props);
        let first = sec[12..16].to_vec();
        for entry in 1..props.len() {
            let at = 8 + 8 * entry + 4;
            sec[at..at + 4].copy_from_slice(&first);
        }
        let s = &sections(&property_set(&[sec]))[0];
        assert!(s.props.len() < 5, "{} copies read", s.props.len());
    }

    #[test]
    fn nested_vectors_are_refused() {
        let inner = variants(&[i4(1)]);
        let stream = property_set(&[section_of(&[(12, variants(&[inner]))])]);
        assert!(sections(&stream)[0].props.is_empty());
    }

    // --- Whole files --------------------------------------------------------

    /// A Word 97 `WordDocument` stream with language `lid` whose text is
    /// two pieces: 8-bit "Hello " and UTF-16 "мир" plus a hyperlink field.
    fn word_97(lid: u16) -> (Vec<u8>, Vec<u8>) {
        let mut word = vec![0u8; 0x800];
        word[0..2].copy_from_slice(&WORD97.to_le_bytes());
        word[2..4].copy_from_slice(&0xC1u16.to_le_bytes());
        word[6..8].copy_from_slice(&lid.to_le_bytes());
        word[10..12].copy_from_slice(&F_WHICH_TBL_STM.to_le_bytes());
        word[32..34].copy_from_slice(&14u16.to_le_bytes()); // csw
        word[62..64].copy_from_slice(&22u16.to_le_bytes()); // cslw
        word[152..154].copy_from_slice(&0x5Du16.to_le_bytes()); // cbRgFcLcb
        let first = b"Hello ";
        let second: Vec<u16> = "мир\r\u{13} HYPERLINK \"x\" \u{14}link\u{15}\r"
            .encode_utf16()
            .collect();
        word[0x600..0x606].copy_from_slice(first);
        for (i, u) in second.iter().enumerate() {
            word[0x700 + 2 * i..0x702 + 2 * i].copy_from_slice(&u.to_le_bytes());
        }
        let ccp = (first.len() + second.len()) as u32;
        word[0x4C..0x50].copy_from_slice(&ccp.to_le_bytes()); // ccpText
        // The Clx: one Prc to skip, then the Pcdt.
        let mut plc = Vec::new();
        for cp in [0, first.len() as u32, ccp] {
            plc.extend(cp.to_le_bytes());
        }
        for fc in [0x4000_0000 | (0x600 * 2), 0x700u32] {
            plc.extend([0, 0]);
            plc.extend(fc.to_le_bytes());
            plc.extend([0, 0]);
        }
        let mut clx = vec![0x01, 2, 0, 0xAA, 0xBB, 0x02];
        clx.extend((plc.len() as u32).to_le_bytes());
        clx.extend(plc);
        let mut table = vec![0u8; 16];
        let fc_clx = table.len() as u32;
        table.extend(&clx);
        let at = 154 + 33 * 8;
        word[at..at + 4].copy_from_slice(&fc_clx.to_le_bytes());
        word[at + 4..at + 8].copy_from_slice(&(clx.len() as u32).to_le_bytes());
        (word, table)
    }

    #[test]
    fn reads_a_whole_word_file() {
        let (word, table) = word_97(1049);
        let bytes = compound(&[
            ("/\u{5}SummaryInformation", &summary_stream()),
            ("/\u{5}DocumentSummaryInformation", &doc_summary_stream()),
            ("/WordDocument", &word),
            ("/1Table", &table),
        ]);
        let x = Ole.read(&bytes).unwrap();
        let f = &x.facts;
        assert_eq!(f.author.as_deref(), Some("Рошка Георгий"));
        assert_eq!(f.company.as_deref(), Some("Société"));
        assert_eq!(f.language.as_deref(), Some("ru-RU"), "the FIB wins");
        assert_eq!(f.raw["fib:lid"], 1049);
        assert_eq!(f.raw["custom:Client"], "ACME");
        assert_eq!(x.text.as_deref(), Some("Hello мир\nlink\n"));
    }

    #[test]
    fn compound_file_without_properties_is_not_an_error() {
        let bytes = compound(&[("/Workbook", b"\x09\x08")]);
        let x = Ole.read(&bytes).unwrap();
        assert_eq!(x.facts.author, None);
        assert_eq!(x.text, None);
        assert!(Ole.read(b"\xd0\xcf\x11\xe0 truncated").is_err());
    }

    #[test]
    fn damaged_word_streams_are_harmless() {
        let (word, table) = word_97(1036);
        for len in (0..word.len()).step_by(7) {
            let bytes = compound(&[("/WordDocument", &word[..len]), ("/1Table", &table)]);
            let _ = Ole.read(&bytes).unwrap();
        }
        for len in 0..table.len() {
            let bytes = compound(&[("/WordDocument", &word), ("/1Table", &table[..len])]);
            let x = Ole.read(&bytes).unwrap();
            assert_eq!(x.facts.language.as_deref(), Some("fr-FR"));
        }
    }

    #[test]
    fn languages() {
        assert_eq!(lcid_tag(1049), "ru-RU");
        assert_eq!(lcid_tag(3082), "es-ES");
        assert_eq!(lcid_tag(1071), "lcid:1071");
    }

    // --- The real corpus ----------------------------------------------------

    fn corpus(path: &str) -> DocumentFacts {
        let p = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../shared/corpus/docs")
            .join(path);
        Ole.read(&std::fs::read(p).unwrap()).unwrap().facts
    }

    #[test]
    #[ignore = "needs ../shared/corpus"]
    fn real_cyrillic_authors() {
        let f = corpus("poi/document/52420.doc");
        assert_eq!(f.author.as_deref(), Some("Кудрицкая"));
        assert_eq!(f.company.as_deref(), Some("МГВРК"));
        assert_eq!(
            f.title.as_deref(),
            Some("Міністэрства адукацыі Рэспублікі Беларусь")
        );
        assert_eq!(f.language.as_deref(), Some("ru-RU"));
        assert_eq!(f.editing_seconds, Some(2400));
        assert_eq!(f.app_version.as_deref(), Some("12.0000"));
        assert_eq!(f.revision.as_deref(), Some("23"));
        let f = corpus("poi/spreadsheet/finance.xls");
        assert_eq!(f.author.as_deref(), Some("Егор Козлов"));
        let f = corpus("poi/spreadsheet/57925.xls");
        assert_eq!(f.author.as_deref(), Some("Пономарев Александр Сергеевич"));
        // A Latin "A" followed by Cyrillic, as written.
        for word95 in ["poi/document/Bug49933.doc", "poi/document/word95err.doc"] {
            assert_eq!(corpus(word95).author.as_deref(), Some("Aндрей"));
        }
    }

    #[test]
    #[ignore = "needs ../shared/corpus"]
    fn real_utf8_utf16_and_custom_properties() {
        let f = corpus("poi/hpsf/TestChineseProperties.doc");
        assert_eq!(f.author.as_deref(), Some("雅虎"));
        let f = corpus("tika/microsoft/testEXCEL_custom_props.xls");
        assert_eq!(f.raw["custom:MyCustomString"], "MyStringValue");
        // Named as written (ExifTool capitalises the first letter).
        assert_eq!(f.raw["custom:myCustomNumber"], 3);
        assert_eq!(f.raw["custom:MyCustomDate"], "2010-12-30T22:00:00Z");
        assert_eq!(
            f.raw["docsummary:TitlesOfParts"],
            serde_json::json!(["Feuil1", "Feuil2", "Feuil3"])
        );
        assert_eq!(f.language.as_deref(), Some("fr"), "Feuilles de calcul");
    }
}
