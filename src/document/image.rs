//! Image metadata: the EXIF of JPEG, TIFF (and the camera raw formats built
//! on it), PNG, WebP and HEIF/HEIC/AVIF files, the image's pixel size, and
//! whether the EXIF thumbnail still shows the picture.
//!
//! Normalised: `Software` (application), `Artist` (author), `DateTime`
//! (modified, zoned by `OffsetTime` when present), `DateTimeOriginal`
//! (created, and `image.taken` zoned by `OffsetTimeOriginal`), `Make` and
//! `Model`. Every text, number and date of the primary IFD and the Exif IFD
//! is kept under `raw` as `exif:<TagName>`; binary blobs (MakerNote, XMP,
//! ICC profiles, strip tables) are not.
//!
//! Read with `kamadak-exif`: pure Rust, no C library; it finds the EXIF in
//! TIFF, PNG, WebP and HEIF containers, parses the TIFF structure with
//! limits (eight IFDs, no IFD visited twice) and names the tags. It decodes
//! a value by copying it out of the TIFF data when the value is first asked
//! for, and a hostile file can point many fields at one large range; so
//! this reader first walks the IFDs itself for the type and count each
//! field declares ([`Declared`]), and asks only for values that are small,
//! within a budget ([`Fields`]).
//!
//! JPEG markers are read here: the walk to the frame header (the pixel
//! size) meets the EXIF segment on the way, and stops at the first scan
//! where `kamadak-exif` would read on through the compressed data. The
//! thumbnail's frame header and the PNG header are a few bytes at known
//! places too.

use std::cell::Cell;
use std::collections::{BTreeMap, HashSet};
use std::io::Cursor;

use exif::{Context, Exif, Field, In, Tag};
use serde_json::Value;

use super::time::{parse_exif, parse_iso};
use super::{DocumentFacts, Extracted, ImageFacts, Reader, nonempty};

pub struct Image;

/// Most fields walked in one TIFF structure. Real EXIF has a few hundred;
/// overlapping IFDs in a hostile file can declare millions.
const MAX_ENTRIES: usize = 4096;

/// Most bytes one decoded value may take ([`cost`]). Larger values are
/// blobs (maker notes, ICC profiles, layer data) or forged.
const MAX_FIELD_COST: usize = 1 << 20;

/// Most bytes of values decoded from one file.
const VALUE_BUDGET: usize = 16 << 20;

/// Longest number list kept under `raw` (`BitsPerSample`, `LensSpecification`
/// are short; longer lists are tables such as `StripOffsets`).
const MAX_NUMBERS: usize = 16;

/// How far the thumbnail's proportions may stray from the image's before
/// they count as another picture (rounding a 160-pixel thumbnail moves its
/// ratio by about 1%).
const ASPECT_TOLERANCE: f64 = 0.05;

/// Longest UNDEFINED value read as text: `ExifVersion` and
/// `FlashpixVersion` are four ASCII digits.
const MAX_VERSION_LEN: usize = 16;

/// The Windows Explorer tags (UTF-16LE in BYTE arrays) that `kamadak-exif`
/// does not name.
const XP_TAGS: &[(u16, &str)] = &[
    (0x9c9b, "XPTitle"),
    (0x9c9c, "XPComment"),
    (0x9c9d, "XPAuthor"),
    (0x9c9e, "XPKeywords"),
    (0x9c9f, "XPSubject"),
];

impl Reader for Image {
    fn name(&self) -> &'static str {
        "image"
    }

    /// The containers `kamadak-exif` reads, as `infer` names them (HEIC is
    /// `image/heif` there; CR2 is a TIFF).
    fn reads(&self, detected: &str) -> bool {
        matches!(
            detected,
            "image/jpeg"
                | "image/tiff"
                | "image/x-canon-cr2"
                | "image/png"
                | "image/webp"
                | "image/heif"
                | "image/heic"
                | "image/avif"
        )
    }

    fn read(&self, bytes: &[u8]) -> Result<Extracted, String> {
        let jpeg = bytes.starts_with(&JPEG_SOI).then(|| jpeg_header(bytes));
        let mut size = match &jpeg {
            Some(header) => header.size,
            None => png_size(bytes),
        };
        let mut f = DocumentFacts::default();
        let mut img = ImageFacts::default();
        if let Some((exif, errors)) = parse(bytes, jpeg.as_ref())? {
            if !errors.is_empty() {
                f.raw
                    .insert("exif:errors".into(), Value::from(joined(&errors)));
            }
            let fields = Fields::new(&exif)?;
            read_normalised(&fields, &mut f, &mut img);
            size = size.or_else(|| exif_size(&fields, is_tiff(bytes)));
            img.thumbnail_differs = thumbnail(&fields)
                .zip(size)
                .and_then(|(thumb, main)| aspects_differ(main, thumb));
            read_raw(&fields, &mut f);
        }
        if let Some((w, h)) = size {
            img.width = Some(w);
            img.height = Some(h);
        }
        f.image = Some(img);
        Ok(Extracted {
            facts: f,
            text: None,
        })
    }
}

/// The EXIF of `bytes` (with `jpeg`, its JPEG header when it is one) and
/// the damage found in it: `None` when there is no EXIF, `Err` when the
/// container or the TIFF structure cannot be read at all.
fn parse(
    bytes: &[u8],
    jpeg: Option<&JpegHeader<'_>>,
) -> Result<Option<(Exif, Vec<exif::Error>)>, String> {
    let mut reader = exif::Reader::new();
    reader.continue_on_error(true);
    let parsed = match jpeg {
        Some(JpegHeader { exif: None, .. }) => return Ok(None),
        Some(JpegHeader {
            exif: Some(tiff), ..
        }) => {
            check_entries(tiff)?;
            reader.read_raw(tiff.to_vec())
        }
        None => {
            if is_tiff(bytes) {
                check_entries(bytes)?;
            }
            reader.read_from_container(&mut Cursor::new(bytes))
        }
    };
    match parsed {
        Ok(exif) => Ok(Some((exif, Vec::new()))),
        Err(exif::Error::PartialResult(partial)) => {
            let (exif, errors) = partial.into_inner();
            if exif.fields().len() == 0 {
                return Err(format!("EXIF: {}", joined(&errors)));
            }
            Ok(Some((exif, errors)))
        }
        Err(exif::Error::NotFound(_)) => Ok(None),
        Err(e) => Err(format!("EXIF: {e}")),
    }
}

/// Refuses a TIFF structure that declares more than [`MAX_ENTRIES`]
/// fields, before `kamadak-exif` builds an entry for each. (In PNG, WebP
/// and HEIF files `kamadak-exif` finds the structure and parses it in one
/// call; [`Fields::new`] refuses it then.)
fn check_entries(tiff: &[u8]) -> Result<(), String> {
    if Declared::of(tiff).overflowed {
        return Err(too_many_entries());
    }
    Ok(())
}

fn too_many_entries() -> String {
    format!("EXIF: more than {MAX_ENTRIES} fields")
}

/// The reasons a TIFF structure could not be read whole, one line.
fn joined(errors: &[exif::Error]) -> String {
    let reasons: Vec<String> = errors.iter().map(ToString::to_string).collect();
    reasons.join("; ")
}

/// Fills the normalised fields.
fn read_normalised(fields: &Fields<'_>, f: &mut DocumentFacts, img: &mut ImageFacts) {
    // Dates are ASCII; the time parsers slice bytes, so nothing else
    // reaches them. Some software writes ISO 8601
    // (`2012-05-03T13:36:11-04:00`) instead of the EXIF form.
    let date = |tag, offset| {
        let ascii_text = |tag| fields.text(tag).filter(|t| t.is_ascii());
        let t = ascii_text(tag)?;
        parse_exif(&t, ascii_text(offset).as_deref()).or_else(|| parse_iso(&t))
    };
    f.application = fields.text(Tag::Software);
    f.author = fields.text(Tag::Artist);
    f.modified = date(Tag::DateTime, Tag::OffsetTime);
    img.make = fields.text(Tag::Make);
    img.model = fields.text(Tag::Model);
    img.taken = date(Tag::DateTimeOriginal, Tag::OffsetTimeOriginal);
    f.created = img.taken.clone();
}

/// Fills `raw` with the texts, numbers and dates of the primary IFD and the
/// Exif IFD, as far as the budget goes. Values declared as blobs or long
/// tables are not decoded at all.
fn read_raw(fields: &Fields<'_>, f: &mut DocumentFacts) {
    for (tag, declared) in fields.primary() {
        if !wanted_raw(tag, declared) {
            continue;
        }
        if let Some(v) = fields
            .get(tag, In::PRIMARY)
            .and_then(|field| raw_value(field, fields.exif.little_endian()))
        {
            f.raw.insert(format!("exif:{}", tag_name(tag)), v);
        }
    }
}

/// Whether a field declared with this type and count can give a `raw`
/// value ([`raw_value`]).
fn wanted_raw(tag: Tag, (typ, count): (u16, u32)) -> bool {
    let count = count as usize;
    match typ {
        2 => true,
        1 if is_xp(tag) => true,
        7 if tag == Tag::UserComment => true,
        7 => count <= MAX_VERSION_LEN,
        _ => count <= MAX_NUMBERS,
    }
}

/// The fields of one EXIF structure, decoded only when their declared
/// [`cost`] is at most [`MAX_FIELD_COST`] and within [`VALUE_BUDGET`].
struct Fields<'a> {
    exif: &'a Exif,
    declared: Declared,
    spent: Cell<usize>,
}

impl<'a> Fields<'a> {
    /// The fields of `exif`; `Err` when its TIFF structure declares more
    /// than [`MAX_ENTRIES`] fields, as the declarations past the limit are
    /// unknown.
    fn new(exif: &'a Exif) -> Result<Self, String> {
        let declared = Declared::of(exif.buf());
        if declared.overflowed {
            return Err(too_many_entries());
        }
        Ok(Fields {
            exif,
            declared,
            spent: Cell::new(0),
        })
    }

    /// The field, decoded, when it is small enough and the budget allows.
    fn get(&self, tag: Tag, ifd: In) -> Option<&'a Field> {
        let cost = cost(*self.declared.fields.get(&(ifd, tag))?);
        let spent = self.spent.get() + cost;
        if cost > MAX_FIELD_COST || spent > VALUE_BUDGET {
            return None;
        }
        self.spent.set(spent);
        self.exif.get_field(tag, ifd)
    }

    /// The text of a primary-image ASCII field.
    fn text(&self, tag: Tag) -> Option<String> {
        self.get(tag, In::PRIMARY).and_then(ascii)
    }

    /// The first unsigned integer of a field.
    fn uint(&self, tag: Tag, ifd: In) -> Option<u32> {
        self.get(tag, ifd)?.value.get_uint(0)
    }

    /// The tags of the primary IFD and the Exif IFD, in tag order, with
    /// their declared type and count.
    fn primary(&self) -> impl Iterator<Item = (Tag, (u16, u32))> + '_ {
        self.declared
            .fields
            .iter()
            .filter(|((ifd, tag), _)| {
                *ifd == In::PRIMARY && matches!(tag.context(), Context::Tiff | Context::Exif)
            })
            .map(|(&(_, tag), &declared)| (tag, declared))
    }
}

/// Bytes a value of `count` items of TIFF type `typ` takes once decoded,
/// at worst: an ASCII value becomes one vector per NUL-separated string.
fn cost((typ, count): (u16, u32)) -> usize {
    let count = count as usize;
    match typ {
        2 => count.saturating_mul(1 + std::mem::size_of::<Vec<u8>>()),
        _ => count.saturating_mul(unit_size(typ)),
    }
}

/// Bytes of one item of a TIFF type; 0 for types `kamadak-exif` does not
/// decode.
fn unit_size(typ: u16) -> usize {
    match typ {
        1 | 2 | 6 | 7 => 1,
        3 | 8 => 2,
        4 | 9 | 11 => 4,
        5 | 10 | 12 => 8,
        _ => 0,
    }
}

/// The type and count every field of a TIFF structure declares, keyed as
/// `kamadak-exif` keys its fields, found by walking the IFDs as it does:
/// the chain from IFD0 (at most eight), the Exif, GPS and Interop IFDs
/// their pointers lead to, each IFD offset once. A key declared twice
/// keeps its costlier declaration.
#[derive(Debug, Default)]
struct Declared {
    fields: BTreeMap<(In, Tag), (u16, u32)>,
    /// Whether the walk stopped at [`MAX_ENTRIES`].
    overflowed: bool,
}

impl Declared {
    fn of(tiff: &[u8]) -> Declared {
        let mut walk = Walk {
            tiff,
            little_endian: tiff.starts_with(b"II"),
            seen: HashSet::new(),
            entries: 0,
            found: Declared::default(),
        };
        if (tiff.starts_with(b"II") || tiff.starts_with(b"MM")) && walk.u16(2) == Some(42) {
            let mut next = walk.u32(4);
            for n in 0..8 {
                match next {
                    Some(at) if at != 0 => next = walk.ifd(at, Context::Tiff, In(n)),
                    _ => break,
                }
            }
        }
        walk.found
    }
}

/// The state of [`Declared::of`].
struct Walk<'a> {
    tiff: &'a [u8],
    little_endian: bool,
    seen: HashSet<usize>,
    entries: usize,
    found: Declared,
}

impl Walk<'_> {
    fn u16(&self, at: usize) -> Option<u16> {
        let b = [*self.tiff.get(at)?, *self.tiff.get(at.checked_add(1)?)?];
        Some(if self.little_endian {
            u16::from_le_bytes(b)
        } else {
            u16::from_be_bytes(b)
        })
    }

    fn u32(&self, at: usize) -> Option<usize> {
        let b: [u8; 4] = self.tiff.get(at..at.checked_add(4)?)?.try_into().ok()?;
        let n = if self.little_endian {
            u32::from_le_bytes(b)
        } else {
            u32::from_be_bytes(b)
        };
        usize::try_from(n).ok()
    }

    /// Records the entries of the IFD at `at` and walks the IFDs they point
    /// to; returns the offset of the next IFD in the chain.
    fn ifd(&mut self, at: usize, context: Context, ifd: In) -> Option<usize> {
        if !self.seen.insert(at) {
            return None;
        }
        let count = usize::from(self.u16(at)?);
        for i in 0..count {
            if self.entries == MAX_ENTRIES {
                self.found.overflowed = true;
                return None;
            }
            self.entries += 1;
            let entry = at + 2 + 12 * i;
            let tag = Tag(context, self.u16(entry)?);
            let typ = self.u16(entry + 2)?;
            let count = u32::try_from(self.u32(entry + 4)?).ok()?;
            let child = match tag {
                Tag::ExifIFDPointer => Some(Context::Exif),
                Tag::GPSInfoIFDPointer => Some(Context::Gps),
                Tag::InteropIFDPointer => Some(Context::Interop),
                _ => None,
            };
            if let Some(child) = child {
                if let Some(to) = self.pointer(entry + 8, typ, count) {
                    self.ifd(to, child, ifd);
                }
                continue;
            }
            let declared = self.found.fields.entry((ifd, tag)).or_insert((typ, count));
            if cost(*declared) < cost((typ, count)) {
                *declared = (typ, count);
            }
        }
        self.u32(at + 2 + 12 * count)
    }

    /// The IFD offset a pointer field holds, as `kamadak-exif` reads it:
    /// the first unsigned integer of its value (`value` is where the entry
    /// keeps the value, or its offset when the value is longer than four
    /// bytes).
    fn pointer(&self, value: usize, typ: u16, count: u32) -> Option<usize> {
        let len = unit_size(typ).checked_mul(count as usize)?;
        let at = if len <= 4 { value } else { self.u32(value)? };
        match typ {
            1 => self.tiff.get(at).map(|&b| usize::from(b)),
            3 => self.u16(at).map(usize::from),
            4 => self.u32(at),
            _ => None,
        }
    }
}

/// Whether a tag is one of [`XP_TAGS`].
fn is_xp(tag: Tag) -> bool {
    XP_TAGS.iter().any(|&(n, _)| tag == Tag(Context::Tiff, n))
}

/// The tag's EXIF name, the Windows names `kamadak-exif` lacks, or its
/// number (`0x4746`).
fn tag_name(tag: Tag) -> String {
    let known = tag.description().is_some();
    match XP_TAGS.iter().find(|(n, _)| tag == Tag(Context::Tiff, *n)) {
        Some((_, name)) => (*name).to_string(),
        None if known => tag.to_string(),
        None => format!("0x{:04x}", tag.number()),
    }
}

/// A field's value for `raw`: text, a number or a short list of numbers.
/// `None` for binary data and long tables.
fn raw_value(field: &Field, little_endian: bool) -> Option<Value> {
    use exif::Value as V;
    fn numbers(n: impl ExactSizeIterator<Item = f64>) -> Option<Value> {
        if n.len() == 0 || n.len() > MAX_NUMBERS {
            return None;
        }
        let mut values: Vec<Value> = n.map(number).collect::<Option<_>>()?;
        Some(if values.len() == 1 {
            values.swap_remove(0)
        } else {
            Value::Array(values)
        })
    }
    match &field.value {
        V::Ascii(_) => ascii(field).map(Value::from),
        V::Byte(b) if is_xp(field.tag) => utf16(b, true).map(Value::from),
        V::Undefined(b, _) if field.tag == Tag::UserComment => {
            user_comment(b, little_endian).map(Value::from)
        }
        V::Undefined(b, _)
            if b.len() <= MAX_VERSION_LEN && b.iter().all(|c| c.is_ascii_graphic()) =>
        {
            text(b).map(Value::from)
        }
        V::Undefined(..) | V::Unknown(..) => None,
        V::Byte(n) => numbers(n.iter().map(|&x| f64::from(x))),
        V::SByte(n) => numbers(n.iter().map(|&x| f64::from(x))),
        V::Short(n) => numbers(n.iter().map(|&x| f64::from(x))),
        V::SShort(n) => numbers(n.iter().map(|&x| f64::from(x))),
        V::Long(n) => numbers(n.iter().map(|&x| f64::from(x))),
        V::SLong(n) => numbers(n.iter().map(|&x| f64::from(x))),
        V::Float(n) => numbers(n.iter().map(|&x| f64::from(x))),
        V::Double(n) => numbers(n.iter().copied()),
        V::Rational(n) => numbers(n.iter().map(|r| r.to_f64())),
        V::SRational(n) => numbers(n.iter().map(|r| r.to_f64())),
    }
}

/// A JSON number, integral when the value is; `None` for NaN and
/// infinities (a zero denominator).
fn number(x: f64) -> Option<Value> {
    if x.fract() == 0.0 && x.abs() < 9e15 {
        Some(Value::from(x as i64))
    } else {
        serde_json::Number::from_f64(x).map(Value::Number)
    }
}

/// The first string of an ASCII field (what EXIF readers show), trimmed.
fn ascii(field: &Field) -> Option<String> {
    match &field.value {
        exif::Value::Ascii(parts) => text(parts.first()?),
        _ => None,
    }
}

/// Text that EXIF calls ASCII: UTF-8 when it is valid UTF-8 (as most
/// software writes now), else Latin-1.
fn text(bytes: &[u8]) -> Option<String> {
    match std::str::from_utf8(bytes) {
        Ok(s) => nonempty(s),
        Err(_) => nonempty(bytes.iter().map(|&b| char::from(b)).collect::<String>()),
    }
}

/// UTF-16 text, in the given byte order.
fn utf16(bytes: &[u8], little_endian: bool) -> Option<String> {
    let units: Vec<u16> = bytes
        .chunks_exact(2)
        .map(|c| {
            let pair = [c[0], c[1]];
            if little_endian {
                u16::from_le_bytes(pair)
            } else {
                u16::from_be_bytes(pair)
            }
        })
        .collect();
    nonempty(String::from_utf16_lossy(&units))
}

/// `UserComment`: an 8-byte character code, then the text. ASCII and
/// undefined codes are read as [`text`], `UNICODE` as UTF-16 in the TIFF
/// byte order; JIS is not read.
fn user_comment(bytes: &[u8], little_endian: bool) -> Option<String> {
    let (code, body) = bytes.split_at_checked(8)?;
    match code {
        b"ASCII\0\0\0" | [0, 0, 0, 0, 0, 0, 0, 0] => text(body),
        b"UNICODE\0" => utf16(body, little_endian),
        _ => None,
    }
}

/// The image's pixel size from the EXIF: the primary IFD's `ImageWidth`
/// and `ImageLength` in a TIFF file (they describe the file's own image),
/// else `PixelXDimension` and `PixelYDimension` (the size the camera
/// recorded, which an editor may not have updated).
fn exif_size(fields: &Fields<'_>, tiff: bool) -> Option<(u64, u64)> {
    let pair = |w, h| {
        let get = |tag| fields.uint(tag, In::PRIMARY).map(u64::from);
        Some((get(w)?, get(h)?)).filter(|&(w, h)| w > 0 && h > 0)
    };
    tiff.then(|| pair(Tag::ImageWidth, Tag::ImageLength))
        .flatten()
        .or_else(|| pair(Tag::PixelXDimension, Tag::PixelYDimension))
}

/// The size of the EXIF thumbnail: the frame size of the JPEG stream IFD1
/// points at (`JPEGInterchangeFormat`, `JPEGInterchangeFormatLength`).
fn thumbnail(fields: &Fields<'_>) -> Option<(u64, u64)> {
    let get = |tag| usize::try_from(fields.uint(tag, In::THUMBNAIL)?).ok();
    let start = get(Tag::JPEGInterchangeFormat)?;
    let len = get(Tag::JPEGInterchangeFormatLength)?;
    let jpeg = fields.exif.buf().get(start..start.checked_add(len)?)?;
    jpeg_header(jpeg).size
}

/// Whether two pictures' proportions differ by more than
/// [`ASPECT_TOLERANCE`], compared as stored (`Orientation` rotates the
/// display, not the pixels, of both). Cameras following DCF write a
/// 160×120 thumbnail whatever the sensor's proportions, with black bands:
/// a 3:2 original then differs too.
fn aspects_differ((w1, h1): (u64, u64), (w2, h2): (u64, u64)) -> Option<bool> {
    if w1 == 0 || h1 == 0 || w2 == 0 || h2 == 0 {
        return None;
    }
    let (a, b) = (w1 as f64 / h1 as f64, w2 as f64 / h2 as f64);
    Some((a - b).abs() / a.min(b) > ASPECT_TOLERANCE)
}

const JPEG_SOI: [u8; 2] = [0xff, 0xd8];
const EXIF_ID: &[u8] = b"Exif\0\0";

/// What the markers before a JPEG's first scan say.
#[derive(Debug, Default)]
struct JpegHeader<'a> {
    /// Width and height from the frame header (SOF).
    size: Option<(u64, u64)>,
    /// The TIFF structure of the first `APP1` EXIF segment.
    exif: Option<&'a [u8]>,
}

/// Walks the marker segments from SOI to the first scan (SOS), where the
/// frame header and the EXIF segment must be. Stops at the first
/// inconsistency with what it found so far.
fn jpeg_header(data: &[u8]) -> JpegHeader<'_> {
    let mut found = JpegHeader::default();
    if !data.starts_with(&JPEG_SOI) {
        return found;
    }
    let mut at = JPEG_SOI.len();
    while data.get(at) == Some(&0xff) {
        // Any number of 0xff fill bytes may precede a marker code.
        while data.get(at) == Some(&0xff) {
            at += 1;
        }
        let Some(&code) = data.get(at) else {
            break;
        };
        at += 1;
        match code {
            // TEM and RSTn stand alone.
            0x01 | 0xd0..=0xd7 => continue,
            // Start of scan, end of image, or a stray second SOI.
            0xd8..=0xda => break,
            _ => {}
        }
        let Some(len) = be16(data, at).map(usize::from).filter(|&l| l >= 2) else {
            break;
        };
        let Some(segment) = data.get(at + 2..at + len) else {
            break;
        };
        match code {
            // SOF0–SOF15, but DHT (c4), JPG (c8) and DAC (cc) share the range.
            0xc0..=0xcf if found.size.is_none() && !matches!(code, 0xc4 | 0xc8 | 0xcc) => {
                let h = be16(segment, 1).map(u64::from);
                let w = be16(segment, 3).map(u64::from);
                // A height of 0 is given later by a DNL marker.
                found.size = w.zip(h).filter(|&(w, h)| w > 0 && h > 0);
            }
            0xe1 if found.exif.is_none() => {
                found.exif = segment.strip_prefix(EXIF_ID);
            }
            _ => {}
        }
        at += len;
    }
    found
}

fn be16(data: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_be_bytes([*data.get(at)?, *data.get(at + 1)?]))
}

/// Width and height from a PNG's `IHDR` chunk, which must come first.
fn png_size(data: &[u8]) -> Option<(u64, u64)> {
    let rest = data.strip_prefix(b"\x89PNG\r\n\x1a\n")?;
    if rest.get(4..8)? != b"IHDR" {
        return None;
    }
    let be32 = |at: usize| -> Option<u64> {
        let b: [u8; 4] = rest.get(at..at + 4)?.try_into().ok()?;
        Some(u64::from(u32::from_be_bytes(b)))
    };
    Some((be32(8)?, be32(12)?)).filter(|&(w, h)| w > 0 && h > 0)
}

/// Whether `data` starts like a TIFF file (either byte order).
fn is_tiff(data: &[u8]) -> bool {
    data.starts_with(b"II*\0") || data.starts_with(b"MM\0*")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An IFD entry: tag, type, count, value bytes (little-endian).
    #[derive(Clone)]
    struct Entry(u16, u16, u32, Vec<u8>);

    fn ascii_entry(tag: u16, s: &str) -> Entry {
        let mut v = s.as_bytes().to_vec();
        v.push(0);
        Entry(tag, 2, v.len() as u32, v)
    }

    fn long(tag: u16, n: u32) -> Entry {
        Entry(tag, 4, 1, n.to_le_bytes().to_vec())
    }

    fn undefined(tag: u16, b: &[u8]) -> Entry {
        Entry(tag, 7, b.len() as u32, b.to_vec())
    }

    /// Writes one IFD at `out.len()`, its values longer than four bytes
    /// after it.
    fn ifd(out: &mut Vec<u8>, entries: &[Entry], next: u32) {
        let mut data_at = out.len() + 2 + entries.len() * 12 + 4;
        let mut data: Vec<u8> = Vec::new();
        out.extend((entries.len() as u16).to_le_bytes());
        for Entry(tag, typ, count, value) in entries {
            out.extend(tag.to_le_bytes());
            out.extend(typ.to_le_bytes());
            out.extend(count.to_le_bytes());
            if value.len() <= 4 {
                let mut v = value.clone();
                v.resize(4, 0);
                out.extend(v);
            } else {
                out.extend((data_at as u32).to_le_bytes());
                data.extend(value);
                data_at += value.len();
            }
        }
        out.extend(next.to_le_bytes());
        out.extend(data);
    }

    /// A little-endian TIFF structure: IFD0 with Make, Model, Software,
    /// Artist, XPAuthor, DateTime (`modified`) and an Exif IFD pointer;
    /// the Exif IFD with ExifVersion, DateTimeOriginal, OffsetTime, a
    /// MakerNote, UserComment and PixelX/YDimension; IFD1 pointing at
    /// `thumb`.
    fn tiff(modified: &str, thumb: &[u8]) -> Vec<u8> {
        // Offsets are planned by building twice: first to measure.
        let plan = |exif_at: u32, ifd1_at: u32, thumb_at: u32| {
            let mut o = b"II*\0\x08\0\0\0".to_vec();
            ifd(
                &mut o,
                &[
                    ascii_entry(0x010f, "Canon"),
                    ascii_entry(0x0110, "Canon EOS 5D"),
                    ascii_entry(0x0131, "Adobe Photoshop CS6 (Windows)"),
                    ascii_entry(0x0132, modified),
                    ascii_entry(0x013b, "Jean Dupont"),
                    Entry(0x9c9d, 1, 6, b"J\0D\0\0\0".to_vec()),
                    long(0x8769, exif_at),
                ],
                ifd1_at,
            );
            let exif = o.len() as u32;
            let mut comment = b"ASCII\0\0\0".to_vec();
            comment.extend(b"shot on the quay");
            ifd(
                &mut o,
                &[
                    undefined(0x9000, b"0231"),
                    ascii_entry(0x9003, "2017:03:20 09:00:00"),
                    ascii_entry(0x9010, "+02:00"),
                    undefined(0x927c, &[0xde; 40]),
                    undefined(0x9286, &comment),
                    long(0xa002, 3000),
                    long(0xa003, 2000),
                ],
                0,
            );
            let ifd1 = o.len() as u32;
            ifd(
                &mut o,
                &[long(0x0201, thumb_at), long(0x0202, thumb.len() as u32)],
                0,
            );
            let thumb_start = o.len() as u32;
            o.extend(thumb);
            (o, exif, ifd1, thumb_start)
        };
        let (_, e, i, t) = plan(0, 0, 0);
        plan(e, i, t).0
    }

    const MODIFIED: &str = "2017:03:27 10:12:00";

    /// A JPEG stream with only a frame header of `w`×`h`, after `segments`.
    fn jpeg(w: u16, h: u16, segments: &[(u8, &[u8])]) -> Vec<u8> {
        let mut out = JPEG_SOI.to_vec();
        for (code, body) in segments {
            out.extend([0xff, *code]);
            out.extend((body.len() as u16 + 2).to_be_bytes());
            out.extend(*body);
        }
        out.extend([0xff, 0xc0, 0, 11, 8]);
        out.extend(h.to_be_bytes());
        out.extend(w.to_be_bytes());
        out.extend([1, 1, 0x11, 0]);
        out.extend([0xff, 0xda, 0, 2, 0x12, 0x34, 0xff, 0xd9]);
        out
    }

    fn with_exif(w: u16, h: u16, thumb: &[u8]) -> Vec<u8> {
        let mut app1 = EXIF_ID.to_vec();
        app1.extend(tiff(MODIFIED, thumb));
        jpeg(w, h, &[(0xe0, b"JFIF\0\x01\x01"), (0xe1, &app1)])
    }

    #[test]
    fn reads_exif_of_a_jpeg() {
        let x = Image
            .read(&with_exif(3000, 2000, &jpeg(160, 107, &[])))
            .unwrap();
        let f = &x.facts;
        let img = f.image.as_ref().unwrap();
        assert_eq!(img.make.as_deref(), Some("Canon"));
        assert_eq!(img.model.as_deref(), Some("Canon EOS 5D"));
        assert_eq!(
            f.application.as_deref(),
            Some("Adobe Photoshop CS6 (Windows)")
        );
        assert_eq!(f.author.as_deref(), Some("Jean Dupont"));
        let modified = f.modified.as_ref().unwrap();
        assert_eq!((modified.unix, modified.zone), (1_490_602_320, Some(120)));
        let taken = img.taken.as_ref().unwrap();
        assert_eq!(
            (taken.text.as_str(), taken.zone),
            ("2017:03:20 09:00:00", None)
        );
        assert_eq!(f.created, img.taken);
        assert_eq!((img.width, img.height), (Some(3000), Some(2000)));
        assert_eq!(img.thumbnail_differs, Some(false));
        assert_eq!(f.raw["exif:Make"], "Canon");
        assert_eq!(f.raw["exif:ExifVersion"], "0231");
        assert_eq!(f.raw["exif:PixelXDimension"], 3000);
        assert_eq!(f.raw["exif:UserComment"], "shot on the quay");
        assert_eq!(f.raw["exif:XPAuthor"], "JD");
        assert!(!f.raw.contains_key("exif:MakerNote"));
        assert!(!f.raw.contains_key("exif:JPEGInterchangeFormat"), "IFD1");
        assert!(x.text.is_none());
    }

    #[test]
    fn cropped_image_keeps_the_old_thumbnail() {
        // A 3:2 thumbnail in a picture cropped to a square.
        let x = Image
            .read(&with_exif(2000, 2000, &jpeg(160, 107, &[])))
            .unwrap();
        assert_eq!(x.facts.image.unwrap().thumbnail_differs, Some(true));
        // Rotated by 90° but stored as is: the proportions differ as stored.
        let x = Image
            .read(&with_exif(2000, 3000, &jpeg(160, 107, &[])))
            .unwrap();
        assert_eq!(x.facts.image.unwrap().thumbnail_differs, Some(true));
        // A thumbnail that is not a JPEG stream: nothing to compare.
        let x = Image.read(&with_exif(2000, 2000, b"not a jpeg")).unwrap();
        assert_eq!(x.facts.image.unwrap().thumbnail_differs, None);
    }

    /// A 1920×1080 PNG, with an `eXIf` chunk holding `exif` if given
    /// (CRCs left zero: no reader here checks them).
    fn png(exif: Option<&[u8]>) -> Vec<u8> {
        let mut png = b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR".to_vec();
        png.extend(1920u32.to_be_bytes());
        png.extend(1080u32.to_be_bytes());
        png.extend([8, 2, 0, 0, 0, 0, 0, 0, 0]);
        if let Some(exif) = exif {
            png.extend((exif.len() as u32).to_be_bytes());
            png.extend(b"eXIf");
            png.extend(exif);
            png.extend([0; 4]);
        }
        png.extend(b"\0\0\0\0IEND\xae\x42\x60\x82");
        png
    }

    #[test]
    fn no_exif_is_not_an_error() {
        let x = Image.read(&jpeg(640, 480, &[(0xe0, b"JFIF\0")])).unwrap();
        let img = x.facts.image.unwrap();
        assert_eq!((img.width, img.height), (Some(640), Some(480)));
        assert_eq!(img.thumbnail_differs, None);
        assert!(img.make.is_none());

        let img = Image.read(&png(None)).unwrap().facts.image.unwrap();
        assert_eq!((img.width, img.height), (Some(1920), Some(1080)));
    }

    #[test]
    fn png_exif_chunk() {
        let x = Image.read(&png(Some(&tiff(MODIFIED, &[])))).unwrap();
        let img = x.facts.image.unwrap();
        assert_eq!(img.make.as_deref(), Some("Canon"));
        // The header's size, not the one the EXIF recorded.
        assert_eq!((img.width, img.height), (Some(1920), Some(1080)));
        // Found and parsed by kamadak-exif in one call: refused after.
        let mut t = b"II*\0\x08\0\0\0".to_vec();
        ifd(&mut t, &vec![long(0x1000, 1); MAX_ENTRIES + 1], 0);
        assert!(
            Image
                .read(&png(Some(&t)))
                .unwrap_err()
                .contains("more than")
        );
    }

    #[test]
    fn tiff_size_and_exif_size() {
        // A bare TIFF has no ImageWidth here: PixelX/YDimension stand in.
        let img = Image
            .read(&tiff(MODIFIED, &[]))
            .unwrap()
            .facts
            .image
            .unwrap();
        assert_eq!((img.width, img.height), (Some(3000), Some(2000)));
        assert_eq!(img.make.as_deref(), Some("Canon"));
        assert_eq!(img.thumbnail_differs, None, "a zero-length thumbnail");
    }

    #[test]
    fn damage_is_reported_not_fatal() {
        // The EXIF segment cut short: the IFD0 entries that fit are kept.
        let full = with_exif(3000, 2000, &jpeg(160, 120, &[]));
        let mut app1 = EXIF_ID.to_vec();
        app1.extend(&tiff(MODIFIED, &[])[..200]);
        let cut = jpeg(3000, 2000, &[(0xe1, &app1)]);
        let x = Image.read(&cut).unwrap();
        assert_eq!(
            x.facts.image.as_ref().unwrap().make.as_deref(),
            Some("Canon")
        );
        assert!(x.facts.raw.contains_key("exif:errors"));
        // Any prefix of a valid file reads or fails without panicking.
        for n in 0..full.len() {
            let _ = Image.read(&full[..n]);
        }
        assert!(Image.read(b"II*\0\xff\xff\xff\xff").is_err());
        assert!(Image.read(b"GIF89a").is_err());
    }

    #[test]
    fn iso_dates_written_in_exif() {
        let x = Image.read(&tiff("2012-05-03T13:36:11-04:00", &[])).unwrap();
        let modified = x.facts.modified.unwrap();
        assert_eq!((modified.unix, modified.zone), (1_336_066_571, Some(-240)));
        // Not a date at all, or not ASCII: no time, and no panic.
        assert!(
            Image
                .read(&tiff("    :  :     :  :  ", &[]))
                .unwrap()
                .facts
                .modified
                .is_none()
        );
        assert!(
            Image
                .read(&tiff("2ÿ17:03:27 10:12:00", &[]))
                .unwrap()
                .facts
                .modified
                .is_none()
        );
    }

    #[test]
    fn hostile_declarations_are_not_decoded() {
        // Make and 999 other ASCII fields declare the same megabyte of
        // NULs: decoded, each would take 25 MB.
        let zeros = 1u32 << 20;
        let entries = 1000u16;
        let data_at = 8 + 2 + 12 * u32::from(entries) + 4;
        let mut t = b"II*\0\x08\0\0\0".to_vec();
        t.extend(entries.to_le_bytes());
        for tag in std::iter::once(0x010f).chain(0x1000..0x1000 + entries - 1) {
            t.extend(tag.to_le_bytes());
            t.extend(2u16.to_le_bytes());
            t.extend(zeros.to_le_bytes());
            t.extend(data_at.to_le_bytes());
        }
        t.extend([0; 4]);
        t.resize(t.len() + zeros as usize, 0);
        let x = Image.read(&t).unwrap();
        assert!(x.facts.image.unwrap().make.is_none());
        assert!(x.facts.raw.is_empty(), "{:?}", x.facts.raw);

        // More entries than any real EXIF: refused before kamadak-exif
        // builds them.
        let mut t = b"II*\0\x08\0\0\0".to_vec();
        ifd(&mut t, &vec![long(0x1000, 1); MAX_ENTRIES + 1], 0);
        let err = Image.read(&t).unwrap_err();
        assert!(err.contains("more than"), "{err}");
    }

    #[test]
    fn declared_walks_like_kamadak_exif() {
        let d = Declared::of(&tiff(MODIFIED, b"0123456789"));
        let at = |ifd, tag| d.fields.get(&(ifd, tag)).copied();
        assert_eq!(at(In::PRIMARY, Tag::Make), Some((2, 6)));
        assert_eq!(at(In::PRIMARY, Tag::MakerNote), Some((7, 40)));
        assert_eq!(
            at(In::THUMBNAIL, Tag::JPEGInterchangeFormatLength),
            Some((4, 1))
        );
        assert_eq!(
            at(In::PRIMARY, Tag::ExifIFDPointer),
            None,
            "pointers are walked"
        );
        assert!(!d.overflowed);
        // A loop back to IFD0 is walked once.
        let mut t = b"MM\0\x2a\0\0\0\x08".to_vec();
        t.extend([
            0, 1, 0x01, 0x0f, 0, 2, 0, 0, 0, 2, b'X', 0, 0, 0, 0, 0, 0, 8,
        ]);
        assert_eq!(Declared::of(&t).fields.len(), 1);
        assert!(Declared::of(b"II*\0").fields.is_empty());
    }

    #[test]
    fn jpeg_markers() {
        assert!(jpeg_header(b"").size.is_none());
        assert!(jpeg_header(b"\xff\xd8\xff").size.is_none());
        // Fill bytes and RST markers before the frame.
        let mut j = b"\xff\xd8\xff\xff\xd0".to_vec();
        j.extend(&jpeg(3, 2, &[])[2..]);
        assert_eq!(jpeg_header(&j).size, Some((3, 2)));
        // A progressive frame (SOF2), after a DHT that shares the range.
        let mut p = jpeg(5, 4, &[(0xc4, &[0; 20])]);
        let sof = p.windows(2).position(|m| m == [0xff, 0xc0]).unwrap();
        p[sof + 1] = 0xc2;
        assert_eq!(jpeg_header(&p).size, Some((5, 4)));
        // A segment length under 2 stops the walk.
        assert!(jpeg_header(b"\xff\xd8\xff\xe0\x00\x01").size.is_none());
    }

    #[test]
    fn aspect_tolerance() {
        assert_eq!(aspects_differ((4000, 3000), (160, 120)), Some(false));
        assert_eq!(aspects_differ((6000, 4000), (160, 106)), Some(false));
        assert_eq!(aspects_differ((6000, 4000), (160, 120)), Some(true));
        assert_eq!(aspects_differ((0, 4000), (160, 120)), None);
    }
}
