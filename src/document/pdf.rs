//! PDF: the Info dictionary and the XMP packet side by side, the page count
//! and language, the fonts, the visible text, and how the file was put
//! together: its header version, its cross-reference sections (each
//! incremental update appends one), whether it is linearized or encrypted,
//! the Producer each revision wrote, and what follows the last `%%EOF`.
//!
//! The document is read with `lopdf`: well kept, bounded on hostile input
//! (decompression limit, reference-cycle and nesting limits, rebuilding of
//! damaged cross-reference data), and it reads what metadata often hides
//! behind: object streams, cross-reference streams, and files encrypted
//! with the empty user password (most "protected" PDFs only restrict
//! printing or copying). What lopdf does not expose is read here at byte
//! level by a small scanner: the `startxref` → `/Prev` chain section by
//! section with each section's own trailer (lopdf merges them into one), the
//! Info dictionary each revision wrote, the linearization dictionary and
//! the bytes after `%%EOF`. When lopdf cannot read a damaged file at all,
//! the same scanner rebuilds the document from the `N G obj` definitions it
//! finds, so a truncated PDF still yields what it plainly contains.
//!
//! XMP is parsed with `roxmltree` (no DTD, hence no entity expansion).
//! Every inflate is capped ([`STREAM_CAP`], and budgets across streams),
//! and every loop over file data is bounded by the data or by a count cap.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use lopdf::encryption::decrypt_object;
use lopdf::{
    Dictionary, Document, Encoding, EncryptionState, LoadOptions, Object, ObjectId, ObjectStream,
    StringFormat,
};
use serde_json::Value;

use super::time::{parse_iso, parse_pdf};
use super::{DocumentFacts, Extracted, PdfFacts, Reader, nonempty};
use crate::item::Metadata;

pub struct Pdf;

/// Most bytes one stream may inflate to (object streams, XMP, page content).
const STREAM_CAP: usize = 64 << 20;
/// Most bytes all object streams unpacked by the scanner may inflate to.
const PACKED_BUDGET: usize = 256 << 20;
/// Most bytes all page content streams may inflate to for the text.
const CONTENT_BUDGET: usize = 256 << 20;
/// Most text kept for the fingerprint (bytes of UTF-8).
const TEXT_CAP: usize = 4 << 20;
/// Most pages read for the text.
const MAX_TEXT_PAGES: usize = 10_000;
/// Most cross-reference sections followed along the `/Prev` chain.
const MAX_SECTIONS: usize = 1024;
/// Most objects (or keyword positions) the scanner collects.
const MAX_OBJECTS: usize = 1_000_000;
/// Most bytes read for a trailer or linearization dictionary.
const DICT_WINDOW: usize = 64 << 10;
/// Deepest nesting of arrays and dictionaries parsed.
const MAX_DEPTH: usize = 64;
/// Where the `%PDF-` header may start (ISO 32000-2 §7.5.2 lets readers
/// accept junk before it; Acrobat looks in the first kilobyte).
const HEADER_WINDOW: usize = 1024;
/// Most font names kept.
const MAX_FONTS: usize = 10_000;

impl Reader for Pdf {
    fn name(&self) -> &'static str {
        "pdf"
    }

    fn reads(&self, detected: &str) -> bool {
        detected == "application/pdf"
    }

    fn read(&self, bytes: &[u8]) -> Result<Extracted, String> {
        let pdf = from_header(bytes).ok_or("no %PDF- header in the first 1024 bytes")?;
        let layout = Layout::read(pdf);
        let (doc, scanned) = open(pdf, &layout);
        let crypt = doc.encryption_state.clone();
        let mut p = layout.facts(&doc);
        p.fonts = fonts(&doc);
        // The strings and streams of an encrypted file lopdf could not
        // decrypt are ciphertext: only the structure can be read.
        let readable = !p.encrypted || crypt.is_some();
        let mut f = DocumentFacts {
            pages: page_count(&doc),
            ..DocumentFacts::default()
        };
        let mut text = None;
        if readable {
            p.info = info_entries(&doc);
            let xmp = catalog_xmp(&doc)
                .or_else(|| scanned.then(|| packet_xmp(pdf)).flatten())
                .unwrap_or_default();
            p.xmp = xmp.properties;
            p.history = xmp.history;
            f.language = catalog_text(&doc, b"Lang");
            text = visible_text(&doc);
            // The scan for each revision's Info needs memory of its own.
            drop(doc);
            if p.revisions > 1 {
                p.producers = producers(pdf, &layout, crypt.as_ref());
            }
        }
        normalise(&p, &mut f);
        f.pdf = Some(p);
        Ok(Extracted { facts: f, text })
    }
}

/// The file from its `%PDF-` header on: cross-reference offsets count from
/// there when junk precedes it.
fn from_header(bytes: &[u8]) -> Option<&[u8]> {
    let head = &bytes[..bytes.len().min(HEADER_WINDOW)];
    find(head, b"%PDF-").map(|i| &bytes[i..])
}

/// The document as lopdf reads it or, when lopdf cannot read it (or reads
/// no object from it), as the scanner finds it; the flag says which.
fn open(pdf: &[u8], layout: &Layout) -> (Document, bool) {
    let options = LoadOptions {
        max_decompressed_size: Some(STREAM_CAP),
        ..LoadOptions::default()
    };
    // A panic inside lopdf on hostile bytes is a failure to read like any
    // other: the scanner still gets its chance.
    let loaded = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        Document::load_mem_with_options(pdf, options)
    }));
    let (mut doc, scanned) = match loaded {
        Ok(Ok(doc)) if !doc.objects.is_empty() => (doc, false),
        _ => (
            Scan::new(pdf, Streams::Kept, None).into_document(pdf, layout),
            true,
        ),
    };
    if layout.sections.is_empty()
        && !doc.trailer.has(b"Info")
        && let Some(id) = orphan_info(&doc)
    {
        doc.trailer.set("Info", Object::Reference(id));
    }
    (doc, scanned)
}

/// The Info dictionary of a file whose trailers are lost (a truncated
/// file): the last dictionary, by object number, that has no `/Type` or
/// `/Subtype` and holds Info text entries.
fn orphan_info(doc: &Document) -> Option<ObjectId> {
    const KEYS: [&[u8]; 6] = [
        b"Producer",
        b"Creator",
        b"Author",
        b"Title",
        b"CreationDate",
        b"ModDate",
    ];
    doc.objects.iter().rev().find_map(|(&id, object)| {
        let dict = object.as_dict().ok()?;
        let untyped = !dict.has(b"Type") && !dict.has(b"Subtype");
        let info = KEYS
            .iter()
            .any(|key| matches!(dict.get(key), Ok(Object::String(..))));
        (untyped && info).then_some(id)
    })
}

/// Fills the normalised fields from the Info dictionary, else from XMP,
/// and keeps every value under `raw`.
fn normalise(p: &PdfFacts, f: &mut DocumentFacts) {
    let info = |key: &str| p.info.get(key).and_then(Value::as_str).and_then(nonempty);
    let xmp = |key: &str| p.xmp.get(key).and_then(joined);
    f.title = info("Title").or_else(|| xmp("dc:title"));
    f.author = info("Author").or_else(|| xmp("dc:creator"));
    f.application = info("Creator").or_else(|| xmp("xmp:CreatorTool"));
    f.producer = info("Producer").or_else(|| xmp("pdf:Producer"));
    f.created = info("CreationDate")
        .and_then(|t| parse_pdf(&t))
        .or_else(|| xmp("xmp:CreateDate").and_then(|t| parse_iso(&t)));
    f.modified = info("ModDate")
        .and_then(|t| parse_pdf(&t))
        .or_else(|| xmp("xmp:ModifyDate").and_then(|t| parse_iso(&t)));
    for (key, value) in &p.info {
        f.raw.insert(format!("info:{key}"), value.clone());
    }
    for (key, value) in &p.xmp {
        f.raw.insert(format!("xmp:{key}"), value.clone());
    }
}

/// A text value, or a list of them joined with ", ".
fn joined(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => nonempty(s),
        Value::Array(items) => nonempty(
            items
                .iter()
                .filter_map(Value::as_str)
                .collect::<Vec<_>>()
                .join(", "),
        ),
        _ => None,
    }
}

/// A count as the facts store it.
fn as_count(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

// ---------------------------------------------------------------------------
// What the document says: Info, catalog, XMP, fonts, text.

/// `object`, following references (lopdf bounds the chain).
fn resolve<'a>(doc: &'a Document, object: &'a Object) -> Option<&'a Object> {
    doc.dereference(object).ok().map(|(_, o)| o)
}

/// The dictionary `key` of `dict` names, directly or by reference.
fn dict_in<'a>(doc: &'a Document, dict: &'a Dictionary, key: &[u8]) -> Option<&'a Dictionary> {
    resolve(doc, dict.get(key).ok()?)?.as_dict().ok()
}

/// The Info dictionary's entries: text decoded, names, numbers and
/// booleans as they are, lists of texts as lists.
fn info_entries(doc: &Document) -> Metadata {
    let Some(info) = dict_in(doc, &doc.trailer, b"Info") else {
        return Metadata::new();
    };
    info.iter()
        .filter_map(|(key, value)| Some((name_text(key), info_value(doc, value)?)))
        .collect()
}

/// One Info value as JSON, `None` when empty or not a simple value.
fn info_value(doc: &Document, value: &Object) -> Option<Value> {
    match resolve(doc, value)? {
        Object::String(s, _) => nonempty(decode_text(s)).map(Value::from),
        Object::Name(n) => nonempty(name_text(n)).map(Value::from),
        Object::Integer(i) => Some(Value::from(*i)),
        Object::Real(r) => serde_json::Number::from_f64(f64::from(*r)).map(Value::Number),
        Object::Boolean(b) => Some(Value::from(*b)),
        Object::Array(items) => {
            let texts: Vec<Value> = items
                .iter()
                .filter_map(|item| match resolve(doc, item)? {
                    Object::String(s, _) => nonempty(decode_text(s)).map(Value::from),
                    _ => None,
                })
                .collect();
            (!texts.is_empty()).then_some(Value::Array(texts))
        }
        _ => None,
    }
}

/// A text entry of the catalog (`/Lang`).
fn catalog_text(doc: &Document, key: &[u8]) -> Option<String> {
    let catalog = doc.catalog().ok()?;
    match resolve(doc, catalog.get(key).ok()?)? {
        Object::String(s, _) => nonempty(decode_text(s)),
        _ => None,
    }
}

/// The page tree root's `/Count`. Without a readable catalog, the root is
/// the `/Type /Pages` dictionary that has no `/Parent`.
fn page_count(doc: &Document) -> Option<u64> {
    let root = doc
        .catalog()
        .ok()
        .and_then(|catalog| dict_in(doc, catalog, b"Pages"))
        .or_else(|| {
            doc.objects
                .values()
                .filter_map(|o| o.as_dict().ok())
                .find(|d| d.has_type(b"Pages") && !d.has(b"Parent"))
        })?;
    let n = resolve(doc, root.get(b"Count").ok()?)?.as_i64().ok()?;
    u64::try_from(n).ok()
}

/// The XMP packet the catalog's `/Metadata` stream holds.
fn catalog_xmp(doc: &Document) -> Option<Xmp> {
    let catalog = doc.catalog().ok()?;
    let stream = resolve(doc, catalog.get(b"Metadata").ok()?)?
        .as_stream()
        .ok()?;
    let data = stream.decompressed_content_with_limit(STREAM_CAP).ok()?;
    parse_xmp(&data)
}

/// The first XMP packet written in the clear anywhere in the file: what a
/// damaged file whose catalog is lost still shows.
fn packet_xmp(pdf: &[u8]) -> Option<Xmp> {
    let start = find(pdf, b"<x:xmpmeta").or_else(|| find(pdf, b"<x:xapmeta"))?;
    let rest = &pdf[start..];
    let end = find(rest, b"</x:xmpmeta>").or_else(|| find(rest, b"</x:xapmeta>"))?;
    parse_xmp(&rest[..end + b"</x:xmpmeta>".len()])
}

/// Every `/BaseFont` name, subset prefixes kept, deduplicated and sorted.
fn fonts(doc: &Document) -> Vec<String> {
    let mut names = BTreeSet::new();
    for object in doc.objects.values() {
        collect_fonts(object, 0, &mut names);
        if names.len() >= MAX_FONTS {
            break;
        }
    }
    names.into_iter().collect()
}

/// Adds the `/BaseFont` names in `object` and in the dictionaries and
/// arrays written inside it (font dictionaries inlined in resources).
fn collect_fonts(object: &Object, depth: usize, names: &mut BTreeSet<String>) {
    if depth > 4 {
        return;
    }
    let dict = match object {
        Object::Dictionary(d) => d,
        Object::Stream(s) => &s.dict,
        Object::Array(items) => {
            for item in items {
                collect_fonts(item, depth + 1, names);
            }
            return;
        }
        _ => return,
    };
    if let Ok(Object::Name(name)) = dict.get(b"BaseFont")
        && let Some(name) = nonempty(name_text(name))
    {
        names.insert(name);
    }
    for (_, value) in dict.iter() {
        collect_fonts(value, depth + 1, names);
    }
}

/// The strings the pages show, page by page; `None` when there are none.
fn visible_text(doc: &Document) -> Option<String> {
    let mut text = TextCollector {
        doc,
        encodings: HashMap::new(),
        seen: HashSet::new(),
        budget: CONTENT_BUDGET,
        out: String::new(),
    };
    for page in doc.page_iter().take(MAX_TEXT_PAGES) {
        let resources = Resources::of_page(doc, page);
        for id in doc.get_page_contents(page) {
            text.stream(id, &resources, 0);
        }
        text.out.push('\n');
        if text.full() {
            break;
        }
    }
    nonempty(&text.out).map(|_| text.out)
}

/// The fonts and form XObjects a content stream can name.
#[derive(Default)]
struct Resources<'a> {
    fonts: BTreeMap<Vec<u8>, &'a Dictionary>,
    forms: BTreeMap<Vec<u8>, ObjectId>,
}

impl<'a> Resources<'a> {
    /// A page's resources, inherited ones included.
    fn of_page(doc: &'a Document, page: ObjectId) -> Resources<'a> {
        let mut resources = Resources {
            fonts: doc.get_page_fonts(page).unwrap_or_default(),
            forms: BTreeMap::new(),
        };
        if let Ok((direct, inherited)) = doc.get_page_resources(page) {
            let inherited = inherited
                .into_iter()
                .filter_map(|id| doc.get_dictionary(id).ok());
            for dict in direct.into_iter().chain(inherited) {
                resources.add_forms(doc, dict);
            }
        }
        resources
    }

    /// A form XObject's own resources, else those of what draws it.
    fn of_form(doc: &'a Document, form: &'a Dictionary, outer: &Resources<'a>) -> Resources<'a> {
        let Some(dict) = dict_in(doc, form, b"Resources") else {
            return Resources {
                fonts: outer.fonts.clone(),
                forms: outer.forms.clone(),
            };
        };
        let mut resources = Resources::default();
        for (name, font) in dict_in(doc, dict, b"Font")
            .into_iter()
            .flat_map(Dictionary::iter)
        {
            if let Some(font) = resolve(doc, font).and_then(|f| f.as_dict().ok()) {
                resources.fonts.insert(name.clone(), font);
            }
        }
        resources.add_forms(doc, dict);
        resources
    }

    /// Adds the XObjects of a resource dictionary (images are skipped
    /// when drawn).
    fn add_forms(&mut self, doc: &Document, resources: &Dictionary) {
        for (name, xobject) in dict_in(doc, resources, b"XObject")
            .into_iter()
            .flat_map(Dictionary::iter)
        {
            if let Ok(id) = xobject.as_reference() {
                self.forms.entry(name.clone()).or_insert(id);
            }
        }
    }
}

/// Collects the text content streams show.
struct TextCollector<'a> {
    doc: &'a Document,
    /// Font encodings by the font dictionary's address in the document, so
    /// a font that pages share is built once; `None` when it could not be.
    encodings: HashMap<*const Dictionary, Option<Encoding<'a>>>,
    /// Content streams and forms already read: each is read once.
    seen: HashSet<ObjectId>,
    /// Bytes content streams may still inflate to.
    budget: usize,
    out: String,
}

impl<'a> TextCollector<'a> {
    /// Most font encodings built (lopdf reads `/Encoding`, `/Differences`
    /// and `/ToUnicode`; each map inflates to at most [`Self::CMAP_CAP`]).
    const MAX_ENCODINGS: usize = 256;
    const CMAP_CAP: usize = 1 << 20;
    /// Deepest nesting of forms drawn by forms.
    const MAX_FORM_DEPTH: usize = 8;
    /// Most operands kept before an operator (a real one takes at most 6).
    const MAX_OPERANDS: usize = 64;
    /// A `TJ` adjustment (thousandths of an em) wide enough to be a space.
    const WORD_GAP: f32 = -200.0;

    fn full(&self) -> bool {
        self.out.len() >= TEXT_CAP || self.budget == 0
    }

    /// Reads the content stream or form `id`, unless already read.
    fn stream(&mut self, id: ObjectId, resources: &Resources<'a>, depth: usize) {
        if self.full() || !self.seen.insert(id) {
            return;
        }
        let doc = self.doc;
        let Ok(stream) = doc.get_object(id).and_then(Object::as_stream) else {
            return;
        };
        if depth > 0
            && !stream
                .dict
                .get(b"Subtype")
                .and_then(Object::as_name)
                .is_ok_and(|s| s == b"Form")
        {
            return; // an image
        }
        let Ok(data) = stream.decompressed_content_with_limit(self.budget.min(STREAM_CAP)) else {
            return;
        };
        self.budget = self.budget.saturating_sub(data.len());
        if depth == 0 {
            self.content(&data, resources, depth);
        } else {
            self.content(
                &data,
                &Resources::of_form(doc, &stream.dict, resources),
                depth,
            );
        }
    }

    /// Appends the strings `data` shows with `Tj`, `TJ`, `'` and `"`, in
    /// the current font (`Tf`), and reads the forms it draws (`Do`). A
    /// space marks a move to another line or a wide `TJ` gap; a line end
    /// marks a text object's end.
    fn content(&mut self, data: &[u8], resources: &Resources<'a>, depth: usize) {
        let mut lx = Lexer::new(data, 0);
        let mut operands: Vec<Object> = Vec::new();
        let mut font = None;
        // Whether the text moved to another line since the last string,
        // and the line the last `Tm` set.
        let mut moved = false;
        let mut line = None;
        while let Some(token) = lx.token() {
            let Token::Keyword(op) = token else {
                if let Some(o) = lx.object_from(token, 0)
                    && operands.len() < Self::MAX_OPERANDS
                {
                    operands.push(o);
                }
                continue;
            };
            let name = || operands.first().and_then(|o| o.as_name().ok());
            let number = |i: usize| operands.get(i).and_then(|o| o.as_float().ok());
            match op {
                b"Tj" | b"'" | b"\"" => {
                    moved |= op != b"Tj";
                    if let Some(Object::String(s, _)) = operands.last() {
                        self.show(font, s, &mut moved);
                    }
                }
                b"TJ" => {
                    for item in operands
                        .last()
                        .and_then(|o| o.as_array().ok())
                        .into_iter()
                        .flatten()
                    {
                        match item {
                            Object::String(s, _) => self.show(font, s, &mut moved),
                            _ => moved |= item.as_float().is_ok_and(|gap| gap < Self::WORD_GAP),
                        }
                    }
                }
                b"Tf" => font = name().and_then(|n| resources.fonts.get(n).copied()),
                // Writers that place each glyph (Quartz) move along the
                // line: only a move to another line separates words.
                b"Td" | b"TD" => moved |= number(1).is_some_and(|ty| ty != 0.0),
                b"Tm" => {
                    let y = number(5);
                    moved |= y != line;
                    line = y;
                }
                b"T*" => moved = true,
                b"ET" if !self.out.ends_with('\n') => self.out.push('\n'),
                b"Do" if depth < Self::MAX_FORM_DEPTH => {
                    if let Some(&id) = name().and_then(|n| resources.forms.get(n)) {
                        self.stream(id, resources, depth + 1);
                    }
                }
                b"ID" => lx.skip_inline_image(),
                _ => {}
            }
            operands.clear();
            if self.full() {
                return;
            }
        }
    }

    /// Appends `bytes` shown in `font`, after a space if the text moved.
    fn show(&mut self, font: Option<&'a Dictionary>, bytes: &[u8], moved: &mut bool) {
        let text = self.decode(font, bytes);
        if std::mem::take(moved) && !self.out.ends_with(char::is_whitespace) {
            self.out.push(' ');
        }
        self.out.extend(text.chars().filter(|c| !c.is_control()));
    }

    /// `bytes` decoded with `font`'s encoding; without a usable one, read
    /// as single-byte text.
    fn decode(&mut self, font: Option<&'a Dictionary>, bytes: &[u8]) -> String {
        let doc = self.doc;
        let built = self.encodings.len();
        font.and_then(|font| {
            self.encodings
                .entry(std::ptr::from_ref(font))
                .or_insert_with(|| {
                    (built < Self::MAX_ENCODINGS)
                        .then(|| font.get_font_encoding_with_limit(doc, Self::CMAP_CAP).ok())
                        .flatten()
                })
                .as_ref()?
                .bytes_to_string(bytes)
                .ok()
        })
        .unwrap_or_else(|| bytes.iter().map(|&b| pdfdoc_char(b)).collect())
    }
}

/// The trailer's `/ID` pair as lowercase hex.
fn trailer_id(trailer: &Dictionary) -> Vec<String> {
    let Ok(Object::Array(ids)) = trailer.get(b"ID") else {
        return Vec::new();
    };
    ids.iter()
        .filter_map(|id| match id {
            Object::String(s, _) => Some(s.iter().map(|b| format!("{b:02x}")).collect()),
            _ => None,
        })
        .collect()
}

/// The Producer of the Info dictionary each revision wrote, oldest first;
/// empty when all revisions share one Info definition. Found by scanning:
/// a revision's Info is the last definition of the object its trailer
/// names that comes before the revision's cross-reference section.
fn producers(pdf: &[u8], layout: &Layout, crypt: Option<&EncryptionState>) -> Vec<String> {
    let scan = Scan::new(pdf, Streams::Dropped, crypt);
    let index = scan.index();
    let mut defs: Vec<(usize, &Def)> = Vec::new();
    for rev in layout.revisions() {
        let Some(id) = rev.info else {
            continue;
        };
        if let Some(def) = scan.before(&index, id.0, rev.end)
            && defs
                .last()
                .is_none_or(|(_, d)| d.at != def.at || d.id != def.id)
        {
            defs.push((rev.end, def));
        }
    }
    if defs.len() < 2 {
        return Vec::new();
    }
    defs.iter()
        .filter_map(|(end, def)| {
            let producer = def.object.as_dict().ok()?.get(b"Producer").ok()?;
            let producer = match producer {
                Object::Reference(id) => &scan.before(&index, id.0, *end)?.object,
                direct => direct,
            };
            nonempty(decode_text(producer.as_str().ok()?))
        })
        .collect()
}

// ---------------------------------------------------------------------------
// XMP.

const RDF: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#";
const XML: &str = "http://www.w3.org/XML/1998/namespace";

/// The usual prefix of each well-known XMP namespace, so a packet that
/// names them otherwise (`xap:` in old Adobe files) reads the same.
const PREFIXES: &[(&str, &str)] = &[
    ("http://purl.org/dc/elements/1.1/", "dc"),
    ("http://ns.adobe.com/xap/1.0/", "xmp"),
    ("http://ns.adobe.com/pdf/1.3/", "pdf"),
    ("http://ns.adobe.com/xap/1.0/mm/", "xmpMM"),
    ("http://ns.adobe.com/xap/1.0/rights/", "xmpRights"),
    ("http://ns.adobe.com/xap/1.0/sType/ResourceEvent#", "stEvt"),
    ("http://ns.adobe.com/xap/1.0/sType/ResourceRef#", "stRef"),
    ("http://ns.adobe.com/xap/1.0/t/pg/", "xmpTPg"),
    ("http://ns.adobe.com/photoshop/1.0/", "photoshop"),
    ("http://ns.adobe.com/pdfx/1.3/", "pdfx"),
    ("http://www.aiim.org/pdfa/ns/id/", "pdfaid"),
];

/// What an XMP packet says.
#[derive(Debug, Default)]
struct Xmp {
    /// Each property by qualified name (`dc:creator`): text, lists (`Seq`,
    /// `Bag`) as arrays, language alternatives (`Alt`) as their default,
    /// structures as objects.
    properties: Metadata,
    /// `xmpMM:History` events as `action when softwareAgent`.
    history: Vec<String>,
}

/// Parses an XMP packet (UTF-8, or UTF-16 with a byte-order mark).
fn parse_xmp(bytes: &[u8]) -> Option<Xmp> {
    let text = match encoding_rs::Encoding::for_bom(bytes) {
        Some((encoding, bom)) => encoding.decode_without_bom_handling(&bytes[bom..]).0,
        None => String::from_utf8_lossy(bytes),
    };
    let packet = packet_root(&text);
    let repaired;
    let doc = match parse_xml(packet) {
        Ok(doc) => doc,
        Err(_) => {
            repaired = declare_prefixes(packet);
            parse_xml(&repaired).ok()?
        }
    };
    let mut xmp = Xmp::default();
    for desc in doc.descendants().filter(|n| {
        is_rdf(*n, "Description") && n.parent_element().is_some_and(|p| is_rdf(p, "RDF"))
    }) {
        // A property written twice (an attribute, then an element a later
        // tool added) keeps its last value, as ExifTool shows it.
        for (name, value) in fields(desc, 0) {
            xmp.properties.insert(name, value);
        }
    }
    if let Some(Value::Array(events)) = xmp.properties.get("xmpMM:History") {
        xmp.history = events.iter().filter_map(history_entry).collect();
    }
    Some(xmp)
}

/// The packet's root element (`x:xmpmeta`, or `rdf:RDF` alone), without
/// the stream padding or junk around it.
fn packet_root(text: &str) -> &str {
    ["x:xmpmeta", "x:xapmeta", "rdf:RDF"]
        .iter()
        .find_map(|root| {
            let start = text.find(&format!("<{root}"))?;
            let close = format!("</{root}>");
            let end = text.rfind(&close).map_or(text.len(), |i| i + close.len());
            Some(&text[start..end.max(start)])
        })
        .unwrap_or(text)
}

/// Parses XML with no DTD and at most a million nodes.
fn parse_xml(text: &str) -> Result<roxmltree::Document<'_>, roxmltree::Error> {
    let options = roxmltree::ParsingOptions {
        nodes_limit: 1_000_000,
        ..roxmltree::ParsingOptions::default()
    };
    roxmltree::Document::parse_with_options(text, options)
}

/// `packet` with a namespace declared on its root element for each prefix
/// it uses without declaring it (some writers forget `xmlns:xmp`), which
/// XML forbids: a well-known prefix gets its namespace, any other a
/// placeholder.
fn declare_prefixes(packet: &str) -> String {
    let aliases = [
        ("xap", "http://ns.adobe.com/xap/1.0/"),
        ("xapMM", "http://ns.adobe.com/xap/1.0/mm/"),
    ];
    /// Most prefixes declared.
    const MAX_PREFIXES: usize = 64;
    let bytes = packet.as_bytes();
    let mut used = BTreeSet::new();
    for (colon, _) in packet.match_indices(':') {
        let start = bytes[..colon]
            .iter()
            .rposition(|b| !(b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.')))
            .map_or(0, |i| i + 1);
        let prefix = &packet[start..colon];
        let opens_name =
            start > 0 && matches!(bytes[start - 1], b'<' | b'/' | b' ' | b'\t' | b'\n' | b'\r');
        if opens_name
            && prefix.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
            && !matches!(prefix, "xml" | "xmlns")
        {
            used.insert(prefix);
            if used.len() >= MAX_PREFIXES {
                break;
            }
        }
    }
    used.retain(|prefix| !packet.contains(&format!("xmlns:{prefix}=")));
    let declarations: String = used
        .iter()
        .map(|prefix| {
            let uri = PREFIXES
                .iter()
                .find(|(_, p)| p == prefix)
                .map(|(uri, _)| *uri)
                .or_else(|| {
                    aliases
                        .iter()
                        .find(|(p, _)| p == prefix)
                        .map(|(_, uri)| *uri)
                });
            match uri {
                Some(uri) => format!(" xmlns:{prefix}=\"{uri}\""),
                None => format!(" xmlns:{prefix}=\"urn:undeclared:{prefix}\""),
            }
        })
        .collect();
    // After the root element's name: the first `<` that opens an element.
    let root = bytes
        .windows(2)
        .position(|w| w[0] == b'<' && w[1].is_ascii_alphabetic())
        .map(|i| {
            i + 1
                + bytes[i + 1..]
                    .iter()
                    .position(|&b| b.is_ascii_whitespace() || b == b'>' || b == b'/')
                    .unwrap_or(bytes.len() - i - 1)
        });
    match root {
        Some(at) => format!("{}{declarations}{}", &packet[..at], &packet[at..]),
        None => packet.to_string(),
    }
}

/// One history event as `action when softwareAgent`.
fn history_entry(event: &Value) -> Option<String> {
    match event {
        Value::String(s) => nonempty(s),
        Value::Object(fields) => nonempty(
            ["stEvt:action", "stEvt:when", "stEvt:softwareAgent"]
                .iter()
                .filter_map(|k| fields.get(*k).and_then(Value::as_str))
                .collect::<Vec<_>>()
                .join(" "),
        ),
        _ => None,
    }
}

fn is_rdf(node: roxmltree::Node<'_, '_>, local: &str) -> bool {
    node.is_element() && node.tag_name().namespace() == Some(RDF) && node.tag_name().name() == local
}

/// `prefix:local` for a name in namespace `ns`, with the usual prefix of
/// well-known namespaces.
fn qualified(node: roxmltree::Node<'_, '_>, ns: Option<&str>, local: &str) -> String {
    let prefix = ns.and_then(|ns| {
        PREFIXES
            .iter()
            .find(|(uri, _)| *uri == ns)
            .map(|(_, p)| *p)
            .or_else(|| node.lookup_prefix(ns))
    });
    match prefix {
        Some(p) if !p.is_empty() => format!("{p}:{local}"),
        _ => local.to_string(),
    }
}

/// The properties written on `node`: its attributes (other than RDF's and
/// XML's own) and its child elements.
fn fields(node: roxmltree::Node<'_, '_>, depth: usize) -> Vec<(String, Value)> {
    let attributes = node
        .attributes()
        .filter(|a| a.namespace().is_some_and(|ns| ns != RDF && ns != XML))
        .filter_map(|a| {
            let value = nonempty(a.value())?;
            Some((qualified(node, a.namespace(), a.name()), Value::from(value)))
        });
    let elements = node.children().filter(|c| c.is_element()).filter_map(|c| {
        let value = xmp_value(c, depth + 1)?;
        Some((
            qualified(c, c.tag_name().namespace(), c.tag_name().name()),
            value,
        ))
    });
    attributes.chain(elements).collect()
}

/// The value of a property element.
fn xmp_value(node: roxmltree::Node<'_, '_>, depth: usize) -> Option<Value> {
    if depth > 16 {
        return None;
    }
    if let Some(uri) = node.attribute((RDF, "resource")) {
        return nonempty(uri).map(Value::from);
    }
    let elements: Vec<_> = node.children().filter(|c| c.is_element()).collect();
    match elements.as_slice() {
        [] if node
            .attributes()
            .any(|a| a.namespace().is_some_and(|ns| ns != RDF && ns != XML)) =>
        {
            structure(node, depth)
        }
        [] => nonempty(super::xml::all_text(node)).map(|t| Value::from(pdf_escaped(&t))),
        [list] if is_rdf(*list, "Seq") || is_rdf(*list, "Bag") => {
            let items: Vec<Value> = list
                .children()
                .filter(|li| is_rdf(*li, "li"))
                .filter_map(|li| xmp_value(li, depth + 1))
                .collect();
            (!items.is_empty()).then_some(Value::Array(items))
        }
        [alt] if is_rdf(*alt, "Alt") => {
            let items: Vec<_> = alt.children().filter(|li| is_rdf(*li, "li")).collect();
            let default = items
                .iter()
                .find(|li| li.attribute((XML, "lang")) == Some("x-default"))
                .or(items.first())?;
            xmp_value(*default, depth + 1)
        }
        [desc] if is_rdf(*desc, "Description") => structure(*desc, depth),
        _ => structure(node, depth),
    }
}

/// A structure: its fields as a JSON object.
fn structure(node: roxmltree::Node<'_, '_>, depth: usize) -> Option<Value> {
    let map: serde_json::Map<String, Value> = fields(node, depth).into_iter().collect();
    (!map.is_empty()).then_some(Value::Object(map))
}

/// An XMP text some writers fill with a PDF string's escapes
/// (`\376\377\000M…`), decoded; any other text as it is.
fn pdf_escaped(text: &str) -> String {
    if !text.starts_with("\\376\\377") {
        return text.to_string();
    }
    let literal = format!("({text})");
    match Lexer::new(literal.as_bytes(), 0).token() {
        Some(Token::Str(bytes, _)) => decode_text(&bytes),
        _ => text.to_string(),
    }
}

// ---------------------------------------------------------------------------
// Text strings.

/// A PDF text string (ISO 32000-2 §7.9.2.2): UTF-16BE after `FE FF`,
/// UTF-8 after `EF BB BF`, PDFDocEncoding otherwise; UTF-16LE after
/// `FF FE`, which some writers produce, is accepted too. Language escapes
/// (`ESC lang ESC`) inside UTF-16 are dropped.
fn decode_text(bytes: &[u8]) -> String {
    let utf16 = |rest: &[u8], unit: fn([u8; 2]) -> u16| {
        let units: Vec<u16> = rest.chunks_exact(2).map(|c| unit([c[0], c[1]])).collect();
        without_language_escapes(String::from_utf16_lossy(&units))
    };
    if let Some(rest) = bytes.strip_prefix(b"\xFE\xFF") {
        utf16(rest, u16::from_be_bytes)
    } else if let Some(rest) = bytes.strip_prefix(b"\xFF\xFE") {
        utf16(rest, u16::from_le_bytes)
    } else if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        String::from_utf8_lossy(rest).into_owned()
    } else {
        bytes.iter().map(|&b| pdfdoc_char(b)).collect()
    }
}

/// Removes `ESC … ESC` language tags from a decoded UTF-16 text string.
fn without_language_escapes(text: String) -> String {
    if !text.contains('\u{1b}') {
        return text;
    }
    text.split('\u{1b}').step_by(2).collect::<Vec<_>>().concat()
}

/// One PDFDocEncoding byte (ISO 32000-2 Annex D.2): Latin-1 but for
/// 0x18–0x1F and 0x80–0xA0. Undefined codes become U+FFFD.
fn pdfdoc_char(b: u8) -> char {
    const LOW: [char; 8] = ['˘', 'ˇ', 'ˆ', '˙', '˝', '˛', '˚', '˜'];
    const HIGH: [char; 33] = [
        '•', '†', '‡', '…', '—', '–', 'ƒ', '⁄', '‹', '›', '−', '‰', '„', '“', '”', '‘', '’', '‚',
        '™', 'ﬁ', 'ﬂ', 'Ł', 'Œ', 'Š', 'Ÿ', 'Ž', 'ı', 'ł', 'œ', 'š', 'ž', '\u{FFFD}', '€',
    ];
    match b {
        0x18..=0x1F => LOW[usize::from(b - 0x18)],
        0x80..=0xA0 => HIGH[usize::from(b - 0x80)],
        0x7F | 0xAD => '\u{FFFD}',
        _ => char::from(b),
    }
}

/// A name's bytes as text (names are UTF-8 by convention).
fn name_text(name: &[u8]) -> String {
    String::from_utf8_lossy(name).into_owned()
}

// ---------------------------------------------------------------------------
// The file's layout, read at byte level.

/// How the file was put together, read from its bytes.
struct Layout {
    /// Header version (`1.4`).
    version: Option<String>,
    /// Cross-reference sections, newest first: the one `startxref` names,
    /// then each `/Prev`.
    sections: Vec<Section>,
    /// Sections that declare no object and only point to a cross-reference
    /// stream (`xref 0 0` + `/XRefStm`): Word 2007–2013 writes one after
    /// the real table in the same save.
    empty_hybrid: usize,
    /// Whether the first object is a linearization dictionary.
    linearized: bool,
    /// Bytes after the last `%%EOF`, leading and trailing whitespace aside.
    bytes_after_eof: u64,
}

/// One cross-reference section (a classic table or a stream).
struct Section {
    offset: usize,
    /// The table's trailer, or the stream's dictionary.
    trailer: Dictionary,
}

/// One saving of the file, for finding the Info it wrote.
struct Revision {
    /// Where its cross-reference section starts: what it wrote comes
    /// before.
    end: usize,
    /// The Info dictionary its trailer names (else an older one's).
    info: Option<ObjectId>,
}

impl Layout {
    fn read(pdf: &[u8]) -> Layout {
        let sections = sections(pdf);
        let empty_hybrid = sections
            .iter()
            .filter(|s| s.trailer.has(b"XRefStm") && empty_table(pdf, s.offset))
            .count();
        Layout {
            version: header_version(pdf),
            sections,
            empty_hybrid,
            linearized: linearized(pdf),
            bytes_after_eof: after_eof(pdf),
        }
    }

    /// The structural facts: the layout's, completed from `doc` (whether
    /// lopdf found the file encrypted; its trailer's `/ID` when the chain
    /// gave none).
    fn facts(&self, doc: &Document) -> PdfFacts {
        PdfFacts {
            version: self.version.clone(),
            trailer_id: self
                .newest()
                .into_iter()
                .chain([&doc.trailer])
                .map(trailer_id)
                .find(|id| !id.is_empty())
                .unwrap_or_default(),
            xref_sections: as_count(self.sections.len()),
            revisions: self.revision_count(),
            linearized: self.linearized,
            encrypted: self.encrypted()
                || doc.encryption_state.is_some()
                || doc.trailer.has(b"Encrypt"),
            bytes_after_eof: self.bytes_after_eof,
            ..PdfFacts::default()
        }
    }

    /// The newest trailer.
    fn newest(&self) -> Option<&Dictionary> {
        self.sections.first().map(|s| &s.trailer)
    }

    fn encrypted(&self) -> bool {
        self.newest().is_some_and(|t| t.has(b"Encrypt"))
    }

    /// The index in `sections` of a linearized file's first-page section
    /// (the one nearest the start), which belongs to the first writing.
    fn first_page_section(&self) -> Option<usize> {
        if !self.linearized || self.sections.len() < 2 {
            return None;
        }
        (0..self.sections.len()).min_by_key(|&i| self.sections[i].offset)
    }

    /// Times the file was saved: one per section, the first-page section
    /// of a linearized file and Word's empty hybrid sections aside; at
    /// least 1.
    fn revision_count(&self) -> u32 {
        let extra = usize::from(self.first_page_section().is_some()) + self.empty_hybrid;
        as_count(self.sections.len().saturating_sub(extra)).max(1)
    }

    /// The revisions, oldest first.
    fn revisions(&self) -> Vec<Revision> {
        let first_page = self.first_page_section();
        let first_page_info = first_page.and_then(|i| info_ref(&self.sections[i].trailer));
        let mut out: Vec<Revision> = Vec::new();
        for (i, section) in self.sections.iter().enumerate().rev() {
            if Some(i) == first_page {
                continue;
            }
            let inherited = out.last().map_or(first_page_info, |r| r.info);
            out.push(Revision {
                end: section.offset,
                info: info_ref(&section.trailer).or(inherited),
            });
        }
        out
    }
}

/// Whether the classic table at `offset` declares no entries
/// (`xref` followed by subsection headers whose counts are all 0).
fn empty_table(pdf: &[u8], offset: usize) -> bool {
    let Some(rest) = pdf.get(offset..).and_then(|r| r.strip_prefix(b"xref")) else {
        return false;
    };
    let head = &rest[..rest.len().min(256)];
    let Some(end) = head.windows(7).position(|w| w == b"trailer") else {
        return false;
    };
    let numbers: Vec<&[u8]> = head[..end]
        .split(|b| b.is_ascii_whitespace())
        .filter(|t| !t.is_empty())
        .collect();
    // Pairs of (first object, count); an entry line would add a third token
    // per row, so a table with entries never has only zero counts.
    numbers.len().is_multiple_of(2)
        && numbers
            .chunks(2)
            .all(|pair| pair[1] == b"0" && pair[0].iter().all(u8::is_ascii_digit))
}

/// The Info object a trailer names.
fn info_ref(trailer: &Dictionary) -> Option<ObjectId> {
    trailer.get(b"Info").ok()?.as_reference().ok()
}

/// The version in the `%PDF-x.y` header.
fn header_version(pdf: &[u8]) -> Option<String> {
    let rest = pdf.strip_prefix(b"%PDF-")?;
    let n = rest
        .iter()
        .take(8)
        .take_while(|b| b.is_ascii_digit() || **b == b'.')
        .count();
    nonempty(String::from_utf8_lossy(&rest[..n]))
}

/// Follows `startxref` and the `/Prev` chain, newest section first. A
/// chain that loops, leaves the file or meets something other than a
/// section ends there.
fn sections(pdf: &[u8]) -> Vec<Section> {
    let trailers = find_all(pdf, b"trailer");
    let mut out = Vec::new();
    let mut seen = HashSet::new();
    let mut next = last_startxref(pdf);
    while let Some(offset) = next {
        if out.len() >= MAX_SECTIONS || !seen.insert(offset) {
            break;
        }
        let Some(trailer) = section_at(pdf, offset, &trailers) else {
            break;
        };
        next = trailer
            .get(b"Prev")
            .ok()
            .and_then(|o| o.as_i64().ok())
            .and_then(|p| usize::try_from(p).ok());
        out.push(Section { offset, trailer });
    }
    out
}

/// The offset the last `startxref` gives.
fn last_startxref(pdf: &[u8]) -> Option<usize> {
    let at = rfind(pdf, b"startxref")? + b"startxref".len();
    match Lexer::new(window(pdf, at), at).token()? {
        Token::Number(Object::Integer(n)) => usize::try_from(n).ok(),
        _ => None,
    }
}

/// The trailer of the section at `offset`: a classic table's `trailer`
/// dictionary (an empty one when it was cut off) or a cross-reference
/// stream's dictionary. `None` when no section starts there.
fn section_at(pdf: &[u8], offset: usize, trailers: &[usize]) -> Option<Dictionary> {
    let mut lx = Lexer::new(window(pdf, offset), offset);
    match lx.token()? {
        Token::Keyword(b"xref") => {
            let next = trailers.get(trailers.partition_point(|&t| t < lx.pos));
            Some(
                next.and_then(|&t| dictionary_at(pdf, t + b"trailer".len()))
                    .unwrap_or_default(),
            )
        }
        Token::Number(_) => {
            let mut lx = Lexer::new(window(pdf, offset), offset);
            match lx.indirect_object()?.1 {
                Object::Dictionary(d) if d.has_type(b"XRef") => Some(d),
                _ => None,
            }
        }
        _ => None,
    }
}

/// The dictionary written at `at`.
fn dictionary_at(pdf: &[u8], at: usize) -> Option<Dictionary> {
    let mut lx = Lexer::new(window(pdf, at), at);
    match lx.object(0)? {
        Object::Dictionary(d) => Some(d),
        _ => None,
    }
}

/// Whether the first object is a linearization parameter dictionary.
fn linearized(pdf: &[u8]) -> bool {
    // The header and the binary-marker line lex as comments.
    Lexer::new(window(pdf, 0), 0)
        .indirect_object()
        .is_some_and(|(_, o)| o.as_dict().is_ok_and(|d| d.has(b"Linearized")))
}

/// The length of what follows the last `%%EOF`, whitespace around it aside.
fn after_eof(pdf: &[u8]) -> u64 {
    let Some(at) = rfind(pdf, b"%%EOF") else {
        return 0;
    };
    let tail = &pdf[at + b"%%EOF".len()..];
    let start = tail.iter().position(|&b| !is_space(b));
    let end = tail.iter().rposition(|&b| !is_space(b));
    match (start, end) {
        (Some(s), Some(e)) => (e + 1 - s) as u64,
        _ => 0,
    }
}

/// `pdf` up to [`DICT_WINDOW`] bytes past `at`: a trailer never needs more.
fn window(pdf: &[u8], at: usize) -> &[u8] {
    &pdf[..pdf.len().min(at.saturating_add(DICT_WINDOW))]
}

// ---------------------------------------------------------------------------
// The scanner: objects found by their `N G obj` headers.

/// Every indirect object the file spells out, in file order, found by its
/// `N G obj` header rather than through the cross-reference data; the
/// members of an object stream follow the stream.
struct Scan {
    defs: Vec<Def>,
}

/// What the scanner keeps of streams other than object streams (whose
/// members it always unpacks).
#[derive(Clone, Copy)]
enum Streams {
    /// Their data: a document is built from the scan.
    Kept,
    /// Only their dictionaries: the scan looks for Info dictionaries.
    Dropped,
}

/// One definition of an object.
struct Def {
    /// Where it starts (for a member of an object stream, the stream).
    at: usize,
    id: ObjectId,
    object: Object,
}

impl Scan {
    /// Scans `pdf`, keeping or dropping the data of streams other than
    /// object streams; with `crypt`, objects are decrypted as they are read.
    fn new(pdf: &[u8], streams: Streams, crypt: Option<&EncryptionState>) -> Scan {
        let headers = object_headers(pdf);
        let ends = find_all(pdf, b"endstream");
        let mut defs = Vec::new();
        let mut resume = 0;
        let mut budget = PACKED_BUDGET;
        for (i, &(at, id)) in headers.iter().enumerate() {
            if at < resume {
                continue; // inside the previous object's stream
            }
            // An object's syntax ends at the next header at the latest, so
            // an unclosed dictionary cannot swallow the rest of the file.
            let limit = headers.get(i + 1).map_or(pdf.len(), |h| h.0);
            let Some((mut object, end)) = indirect_at(pdf, at, limit, &ends) else {
                continue;
            };
            resume = end;
            if let (Streams::Dropped, Object::Stream(s)) = (streams, &mut object)
                && !s.dict.has_type(b"ObjStm")
            {
                s.content = Vec::new();
            }
            if let Some(state) = crypt {
                // A part that fails to decrypt stays as read.
                let _ = decrypt_object(state, id, &mut object);
            }
            let members = unpack(&object, &mut budget);
            defs.push(Def { at, id, object });
            defs.extend(
                members
                    .into_iter()
                    .map(|(id, object)| Def { at, id, object }),
            );
            if defs.len() >= MAX_OBJECTS {
                break;
            }
        }
        Scan { defs }
    }

    /// The positions in `defs` of each object number's definitions.
    fn index(&self) -> HashMap<u32, Vec<usize>> {
        let mut index: HashMap<u32, Vec<usize>> = HashMap::new();
        for (i, def) in self.defs.iter().enumerate() {
            index.entry(def.id.0).or_default().push(i);
        }
        index
    }

    /// The last definition of object `num` that starts before `end`.
    fn before(&self, index: &HashMap<u32, Vec<usize>>, num: u32, end: usize) -> Option<&Def> {
        index
            .get(&num)?
            .iter()
            .rev()
            .map(|&i| &self.defs[i])
            .find(|d| d.at < end)
    }

    /// A document of the last definition of each object, with a trailer
    /// pieced together from whatever trailers the file still has (the
    /// chain's, then the last few `trailer` dictionaries, then the
    /// cross-reference streams').
    fn into_document(self, pdf: &[u8], layout: &Layout) -> Document {
        /// Most `trailer` dictionaries read outside the chain.
        const MAX_LOOSE_TRAILERS: usize = 16;
        let mut candidates: Vec<Dictionary> =
            layout.sections.iter().map(|s| s.trailer.clone()).collect();
        candidates.extend(
            find_all(pdf, b"trailer")
                .iter()
                .rev()
                .take(MAX_LOOSE_TRAILERS)
                .filter_map(|&t| dictionary_at(pdf, t + b"trailer".len())),
        );
        candidates.extend(self.defs.iter().rev().filter_map(|d| match &d.object {
            Object::Stream(s) if s.dict.has_type(b"XRef") => Some(s.dict.clone()),
            _ => None,
        }));
        let catalog = self.defs.iter().rev().find_map(|d| {
            d.object
                .as_dict()
                .is_ok_and(|dict| dict.has_type(b"Catalog"))
                .then_some(d.id)
        });
        let mut trailer = Dictionary::new();
        for key in [&b"Root"[..], b"Info", b"ID", b"Encrypt"] {
            if let Some(value) = candidates.iter().find_map(|c| c.get(key).ok()) {
                trailer.set(key, value.clone());
            }
        }
        if !trailer.has(b"Root")
            && let Some(id) = catalog
        {
            trailer.set("Root", Object::Reference(id));
        }
        let mut doc = Document::new();
        doc.version = layout.version.clone().unwrap_or_default();
        doc.objects = self.defs.into_iter().map(|d| (d.id, d.object)).collect();
        doc.max_id = doc.objects.keys().next_back().map_or(0, |id| id.0);
        doc.trailer = trailer;
        doc
    }
}

/// The members of an object stream, inflated within `budget`.
fn unpack(object: &Object, budget: &mut usize) -> Vec<(ObjectId, Object)> {
    let Object::Stream(stream) = object else {
        return Vec::new();
    };
    if !stream.dict.has_type(b"ObjStm") || *budget == 0 {
        return Vec::new();
    }
    let Ok(plain) = stream.decompressed_content_with_limit((*budget).min(STREAM_CAP)) else {
        return Vec::new();
    };
    *budget = budget.saturating_sub(plain.len());
    let mut plain_stream = lopdf::Stream::new(stream.dict.clone(), Vec::new());
    plain_stream.set_plain_content(plain);
    ObjectStream::new(&plain_stream)
        .map(|s| s.objects.into_iter().collect())
        .unwrap_or_default()
}

/// Every `N G obj` header in `pdf` (at most [`MAX_OBJECTS`]): its offset
/// and the object's id.
fn object_headers(pdf: &[u8]) -> Vec<(usize, ObjectId)> {
    positions(pdf, b"obj")
        .filter(|&at| {
            pdf.get(at + 3)
                .is_none_or(|&b| is_space(b) || is_delimiter(b))
        })
        .filter_map(|at| header_before(pdf, at))
        .take(MAX_OBJECTS)
        .collect()
}

/// The `N G` written before the `obj` at `obj`, if it is one.
fn header_before(pdf: &[u8], obj: usize) -> Option<(usize, ObjectId)> {
    let digits_back = |end: usize| {
        let n = pdf[..end]
            .iter()
            .rev()
            .take(11)
            .take_while(|b| b.is_ascii_digit())
            .count();
        (1..=10).contains(&n).then(|| end - n)
    };
    let spaces_back = |end: usize| {
        let n = pdf[..end]
            .iter()
            .rev()
            .take(256)
            .take_while(|&&b| is_space(b))
            .count();
        (n > 0).then(|| end - n)
    };
    let gen_end = spaces_back(obj)?;
    let gen_start = digits_back(gen_end)?;
    let num_end = spaces_back(gen_start)?;
    let num_start = digits_back(num_end)?;
    if num_start > 0 && !is_space(pdf[num_start - 1]) && !is_delimiter(pdf[num_start - 1]) {
        return None;
    }
    let text = |a: usize, b: usize| std::str::from_utf8(&pdf[a..b]).ok();
    let num = text(num_start, num_end)?.parse().ok()?;
    let generation = text(gen_start, gen_end)?.parse().ok()?;
    Some((num_start, (num, generation)))
}

/// The object whose header is at `at`, its syntax read no further than
/// `limit`, and where it ends. A stream's data is located by its direct
/// `/Length` when `endstream` follows it there, else by the next
/// `endstream` (`ends`: every position of that keyword).
fn indirect_at(pdf: &[u8], at: usize, limit: usize, ends: &[usize]) -> Option<(Object, usize)> {
    let mut lx = Lexer::new(&pdf[..limit], at);
    let (_, object) = lx.indirect_object()?;
    let Object::Dictionary(dict) = object else {
        return Some((object, lx.pos));
    };
    let after_dict = lx.pos;
    if !matches!(lx.token(), Some(Token::Keyword(b"stream"))) {
        return Some((Object::Dictionary(dict), after_dict));
    }
    let start = after_eol(pdf, lx.pos);
    let by_length = dict
        .get(b"Length")
        .ok()
        .and_then(|l| l.as_i64().ok())
        .and_then(|l| usize::try_from(l).ok())
        .and_then(|l| start.checked_add(l))
        .filter(|&end| end <= pdf.len() && pdf[end..].trim_ascii_start().starts_with(b"endstream"));
    let (data_end, end) = match by_length {
        Some(data_end) => {
            let keyword =
                data_end + (pdf[data_end..].len() - pdf[data_end..].trim_ascii_start().len());
            (data_end, keyword + b"endstream".len())
        }
        None => match ends.get(ends.partition_point(|&e| e < start)) {
            Some(&keyword) => (
                before_eol(pdf, start, keyword),
                keyword + b"endstream".len(),
            ),
            None => (pdf.len(), pdf.len()),
        },
    };
    let stream = lopdf::Stream::new(dict, pdf[start..data_end].to_vec());
    Some((Object::Stream(stream), end))
}

/// Past the line end that follows the `stream` keyword.
fn after_eol(pdf: &[u8], at: usize) -> usize {
    match pdf.get(at..at + 2) {
        Some(b"\r\n") => at + 2,
        _ if matches!(pdf.get(at), Some(b'\n' | b'\r')) => at + 1,
        _ => at,
    }
}

/// Before the line end that precedes `endstream` at `keyword`.
fn before_eol(pdf: &[u8], start: usize, keyword: usize) -> usize {
    let data = &pdf[start..keyword];
    let trimmed = data
        .strip_suffix(b"\r\n")
        .or_else(|| data.strip_suffix(b"\n"))
        .or_else(|| data.strip_suffix(b"\r"))
        .unwrap_or(data);
    start + trimmed.len()
}

// ---------------------------------------------------------------------------
// Lexing and parsing (ISO 32000-2 §7.2, §7.3), into lopdf's objects.

/// PDF whitespace (ISO 32000-2 Table 1).
fn is_space(b: u8) -> bool {
    matches!(b, b'\0' | b'\t' | b'\n' | b'\x0c' | b'\r' | b' ')
}

/// PDF delimiters (ISO 32000-2 Table 2).
fn is_delimiter(b: u8) -> bool {
    matches!(
        b,
        b'(' | b')' | b'<' | b'>' | b'[' | b']' | b'{' | b'}' | b'/' | b'%'
    )
}

// Substring search with `memchr::memmem` (SIMD; a `windows().position()`
// scan compared every offset and was a visible share of a scan's time).

/// The first position of `needle` in `hay`.
fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    memchr::memmem::find(hay, needle)
}

/// The last position of `needle` in `hay`.
fn rfind(hay: &[u8], needle: &[u8]) -> Option<usize> {
    memchr::memmem::rfind(hay, needle)
}

/// Every position of `needle` in `hay`.
fn positions<'a>(hay: &'a [u8], needle: &'a [u8]) -> impl Iterator<Item = usize> + 'a {
    memchr::memmem::find_iter(hay, needle)
}

/// Every position of `needle` in `hay`, at most [`MAX_OBJECTS`].
fn find_all(hay: &[u8], needle: &[u8]) -> Vec<usize> {
    positions(hay, needle).take(MAX_OBJECTS).collect()
}

/// One lexical token.
enum Token<'a> {
    /// An integer or a real.
    Number(Object),
    Str(Vec<u8>, StringFormat),
    Name(Vec<u8>),
    ArrayOpen,
    ArrayClose,
    DictOpen,
    DictClose,
    /// Any other run of regular characters (`obj`, `R`, `true`, `Tj`…), or
    /// a stray delimiter.
    Keyword(&'a [u8]),
}

/// A lexer over `data` from `pos`; it never reads past `data`'s end.
struct Lexer<'a> {
    data: &'a [u8],
    pos: usize,
}

impl<'a> Lexer<'a> {
    fn new(data: &'a [u8], pos: usize) -> Lexer<'a> {
        Lexer {
            data,
            pos: pos.min(data.len()),
        }
    }

    fn peek(&self, ahead: usize) -> Option<u8> {
        self.data.get(self.pos + ahead).copied()
    }

    /// Skips whitespace and comments.
    fn skip_space(&mut self) {
        while let Some(b) = self.peek(0) {
            if is_space(b) {
                self.pos += 1;
            } else if b == b'%' {
                while self.peek(0).is_some_and(|b| b != b'\n' && b != b'\r') {
                    self.pos += 1;
                }
            } else {
                break;
            }
        }
    }

    /// The next token, `None` at the end of the data.
    fn token(&mut self) -> Option<Token<'a>> {
        self.skip_space();
        let b = self.peek(0)?;
        Some(match b {
            b'(' => Token::Str(self.literal(), StringFormat::Literal),
            b'<' if self.peek(1) == Some(b'<') => {
                self.pos += 2;
                Token::DictOpen
            }
            b'<' => Token::Str(self.hex(), StringFormat::Hexadecimal),
            b'>' if self.peek(1) == Some(b'>') => {
                self.pos += 2;
                Token::DictClose
            }
            b'[' => {
                self.pos += 1;
                Token::ArrayOpen
            }
            b']' => {
                self.pos += 1;
                Token::ArrayClose
            }
            b'/' => Token::Name(self.name()),
            _ if is_delimiter(b) => {
                self.pos += 1;
                Token::Keyword(&self.data[self.pos - 1..self.pos])
            }
            _ => {
                let start = self.pos;
                while self
                    .peek(0)
                    .is_some_and(|b| !is_space(b) && !is_delimiter(b))
                {
                    self.pos += 1;
                }
                let word = &self.data[start..self.pos];
                number(word).map_or(Token::Keyword(word), Token::Number)
            }
        })
    }

    /// A literal string `( … )`: balanced parentheses, backslash escapes,
    /// octal codes, line continuations; ends at the data's end if unclosed.
    fn literal(&mut self) -> Vec<u8> {
        self.pos += 1;
        let mut out = Vec::new();
        let mut depth = 1usize;
        while let Some(b) = self.peek(0) {
            self.pos += 1;
            match b {
                b'\\' => self.escape(&mut out),
                b'(' => {
                    depth += 1;
                    out.push(b);
                }
                b')' => {
                    depth -= 1;
                    if depth == 0 {
                        break;
                    }
                    out.push(b);
                }
                b'\r' => {
                    // An unescaped line end of any form reads as `\n`.
                    if self.peek(0) == Some(b'\n') {
                        self.pos += 1;
                    }
                    out.push(b'\n');
                }
                _ => out.push(b),
            }
        }
        out
    }

    /// The escape after a backslash in a literal string.
    fn escape(&mut self, out: &mut Vec<u8>) {
        let Some(b) = self.peek(0) else {
            return;
        };
        self.pos += 1;
        match b {
            b'n' => out.push(b'\n'),
            b'r' => out.push(b'\r'),
            b't' => out.push(b'\t'),
            b'b' => out.push(0x08),
            b'f' => out.push(0x0c),
            b'0'..=b'7' => {
                let mut code = u32::from(b - b'0');
                for _ in 0..2 {
                    match self.peek(0) {
                        Some(d @ b'0'..=b'7') => {
                            code = code * 8 + u32::from(d - b'0');
                            self.pos += 1;
                        }
                        _ => break,
                    }
                }
                out.push((code & 0xFF) as u8);
            }
            b'\r' => {
                if self.peek(0) == Some(b'\n') {
                    self.pos += 1;
                }
            }
            b'\n' => {}
            other => out.push(other),
        }
    }

    /// A hexadecimal string `< … >`; whitespace and stray characters are
    /// skipped, an odd last digit counts as followed by 0.
    fn hex(&mut self) -> Vec<u8> {
        self.pos += 1;
        let mut out = Vec::new();
        let mut high: Option<u8> = None;
        while let Some(b) = self.peek(0) {
            self.pos += 1;
            if b == b'>' {
                break;
            }
            let Some(d) = (b as char).to_digit(16) else {
                continue;
            };
            let d = d as u8;
            match high.take() {
                Some(h) => out.push(h << 4 | d),
                None => high = Some(d),
            }
        }
        if let Some(h) = high {
            out.push(h << 4);
        }
        out
    }

    /// A name `/…`, `#xx` escapes decoded.
    fn name(&mut self) -> Vec<u8> {
        self.pos += 1;
        let mut out = Vec::new();
        while let Some(b) = self.peek(0).filter(|&b| !is_space(b) && !is_delimiter(b)) {
            self.pos += 1;
            let escaped = (b == b'#')
                .then(|| self.data.get(self.pos..self.pos + 2))
                .flatten()
                .and_then(|h| std::str::from_utf8(h).ok())
                .and_then(|h| u8::from_str_radix(h, 16).ok());
            match escaped {
                Some(code) => {
                    out.push(code);
                    self.pos += 2;
                }
                None => out.push(b),
            }
        }
        out
    }

    /// The next object; `None` at the end of the data or on a token that
    /// starts none.
    fn object(&mut self, depth: usize) -> Option<Object> {
        let token = self.token()?;
        self.object_from(token, depth)
    }

    /// The object `token` starts: `n g R` reads as a reference, arrays and
    /// dictionaries to their end (or the data's end, keeping what was
    /// read), nesting no deeper than [`MAX_DEPTH`].
    fn object_from(&mut self, token: Token<'a>, depth: usize) -> Option<Object> {
        match token {
            Token::Number(Object::Integer(n)) => {
                Some(self.reference(n).unwrap_or(Object::Integer(n)))
            }
            Token::Number(o) => Some(o),
            Token::Str(s, format) => Some(Object::String(s, format)),
            Token::Name(n) => Some(Object::Name(n)),
            Token::ArrayOpen if depth < MAX_DEPTH => Some(self.array(depth + 1)),
            Token::DictOpen if depth < MAX_DEPTH => {
                Some(Object::Dictionary(self.dictionary(depth + 1)))
            }
            Token::Keyword(b"true") => Some(Object::Boolean(true)),
            Token::Keyword(b"false") => Some(Object::Boolean(false)),
            Token::Keyword(b"null") => Some(Object::Null),
            _ => None,
        }
    }

    /// `g R` after the integer `num`, as a reference; the lexer is left
    /// where it was when they do not follow.
    fn reference(&mut self, num: i64) -> Option<Object> {
        let start = self.pos;
        let reference = (|| {
            let Token::Number(Object::Integer(generation)) = self.token()? else {
                return None;
            };
            let Token::Keyword(b"R") = self.token()? else {
                return None;
            };
            Some(Object::Reference((
                u32::try_from(num).ok()?,
                u16::try_from(generation).ok()?,
            )))
        })();
        if reference.is_none() {
            self.pos = start;
        }
        reference
    }

    fn array(&mut self, depth: usize) -> Object {
        let mut items = Vec::new();
        while let Some(token) = self.token() {
            if let Token::ArrayClose = token {
                break;
            }
            items.extend(self.object_from(token, depth));
        }
        Object::Array(items)
    }

    fn dictionary(&mut self, depth: usize) -> Dictionary {
        let mut dict = Dictionary::new();
        while let Some(token) = self.token() {
            match token {
                Token::DictClose => break,
                Token::Name(key) => match self.token() {
                    None | Some(Token::DictClose) => break,
                    Some(token) => {
                        if let Some(value) = self.object_from(token, depth) {
                            dict.set(key, value);
                        }
                    }
                },
                _ => {}
            }
        }
        dict
    }

    /// `N G obj` and the object after it.
    fn indirect_object(&mut self) -> Option<(ObjectId, Object)> {
        let Token::Number(Object::Integer(num)) = self.token()? else {
            return None;
        };
        let Token::Number(Object::Integer(generation)) = self.token()? else {
            return None;
        };
        let Token::Keyword(b"obj") = self.token()? else {
            return None;
        };
        let id = (u32::try_from(num).ok()?, u16::try_from(generation).ok()?);
        Some((id, self.object(0)?))
    }

    /// Skips an inline image's data after `ID`, up to its `EI`.
    fn skip_inline_image(&mut self) {
        let data = &self.data[self.pos..];
        let end = data
            .windows(4)
            .position(|w| {
                is_space(w[0]) && &w[1..3] == b"EI" && (is_space(w[3]) || is_delimiter(w[3]))
            })
            .map_or(data.len(), |i| i + 3);
        self.pos += end;
    }
}

/// A numeric token's value: an integer, else a real.
fn number(word: &[u8]) -> Option<Object> {
    let digits = word
        .strip_prefix(b"-")
        .or_else(|| word.strip_prefix(b"+"))
        .unwrap_or(word);
    if digits.is_empty() || !digits.iter().all(|b| b.is_ascii_digit() || *b == b'.') {
        return None;
    }
    let text = std::str::from_utf8(word).ok()?;
    if !digits.contains(&b'.')
        && let Ok(n) = text.parse::<i64>()
    {
        return Some(Object::Integer(n));
    }
    // `5.`, `.5`, `-.002` and integers too large for i64 read as reals.
    let text = text.strip_suffix('.').unwrap_or(text);
    let text = if text.is_empty() || text == "-" || text == "+" {
        "0"
    } else {
        text
    };
    text.parse::<f32>().ok().map(Object::Real)
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use super::*;

    #[test]
    fn words_empty_hybrid_section_is_not_a_save() {
        assert!(empty_table(b"xref\n0 0\ntrailer\n<< /XRefStm 10 >>", 0));
        assert!(!empty_table(
            b"xref\n0 1\n0000000000 65535 f \ntrailer\n<< >>",
            0
        ));
        assert!(!empty_table(b"1 0 obj", 0));
    }

    const HEADER: &[u8] = b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n";

    /// Appends object `num` and returns its entry for a section.
    fn object(out: &mut Vec<u8>, num: u32, body: &[u8]) -> (u32, usize) {
        let at = out.len();
        writeln!(out, "{num} 0 obj").unwrap();
        out.extend_from_slice(body);
        out.extend_from_slice(b"\nendobj\n");
        (num, at)
    }

    /// A stream object's body.
    fn stream(dict: &str, data: &[u8]) -> Vec<u8> {
        let mut body = format!("<< {dict} /Length {} >>\nstream\n", data.len()).into_bytes();
        body.extend_from_slice(data);
        body.extend_from_slice(b"\nendstream");
        body
    }

    /// Appends a classic cross-reference section for `entries` with a
    /// trailer of `trailer`, and returns where it starts.
    fn section(out: &mut Vec<u8>, entries: &[(u32, usize)], trailer: &str) -> usize {
        let at = out.len();
        out.extend_from_slice(b"xref\n0 1\n0000000000 65535 f \n");
        for (num, offset) in entries {
            write!(out, "{num} 1\n{offset:010} 00000 n \n").unwrap();
        }
        write!(out, "trailer\n<< /Size 50 {trailer} >>\n").unwrap();
        at
    }

    fn end(out: &mut Vec<u8>, startxref: usize) {
        write!(out, "startxref\n{startxref}\n%%EOF\n").unwrap();
    }

    /// A file written once: `objects` numbered from 1, one section.
    fn file(objects: &[&[u8]], trailer: &str) -> Vec<u8> {
        let mut out = HEADER.to_vec();
        let entries: Vec<_> = (1..)
            .zip(objects)
            .map(|(num, body)| object(&mut out, num, body))
            .collect();
        let xref = section(&mut out, &entries, trailer);
        end(&mut out, xref);
        out
    }

    /// `base` saved again with `objects` (number, body) rewritten.
    fn update(mut base: Vec<u8>, objects: &[(u32, &[u8])], trailer: &str) -> Vec<u8> {
        let prev = last_startxref(&base).unwrap();
        let entries: Vec<_> = objects
            .iter()
            .map(|(num, body)| object(&mut base, *num, body))
            .collect();
        let xref = section(&mut base, &entries, &format!("/Prev {prev} {trailer}"));
        end(&mut base, xref);
        base
    }

    fn read(bytes: &[u8]) -> Extracted {
        Pdf.read(bytes).unwrap()
    }

    fn facts(x: &Extracted) -> &PdfFacts {
        x.facts.pdf.as_ref().unwrap()
    }

    fn words(x: &Extracted) -> Vec<&str> {
        x.text
            .as_deref()
            .unwrap_or_default()
            .split_whitespace()
            .collect()
    }

    const XMP: &str = r#"<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description rdf:about="" xmlns:xap="http://ns.adobe.com/xap/1.0/" xmlns:pdf="http://ns.adobe.com/pdf/1.3/"
 xap:CreatorTool="Word" pdf:Producer="Distiller" xap:CreateDate="2017-03-27T10:12:00+02:00"/>
<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:xmpMM="http://ns.adobe.com/xap/1.0/mm/"
 xmlns:stEvt="http://ns.adobe.com/xap/1.0/sType/ResourceEvent#">
<dc:title><rdf:Alt><rdf:li xml:lang="fr">Titre</rdf:li><rdf:li xml:lang="x-default">Rapport XMP</rdf:li></rdf:Alt></dc:title>
<dc:creator><rdf:Seq><rdf:li>Cédric Martin</rdf:li><rdf:li>Anne</rdf:li></rdf:Seq></dc:creator>
<xmpMM:DocumentID>uuid:0e46913c</xmpMM:DocumentID>
<xmpMM:History><rdf:Seq>
<rdf:li rdf:parseType="Resource"><stEvt:action>created</stEvt:action><stEvt:when>2017-03-27T10:12:00+02:00</stEvt:when><stEvt:softwareAgent>Word</stEvt:softwareAgent></rdf:li>
<rdf:li><rdf:Description stEvt:action="saved" stEvt:when="2017-03-28T09:00:00Z" stEvt:softwareAgent="Acrobat"/></rdf:li>
</rdf:Seq></xmpMM:History>
</rdf:Description></rdf:RDF></x:xmpmeta>
<?xpacket end="w"?>"#;

    /// Catalog (1), page tree (2), page (3), content (4), XMP (5), font (6).
    fn pages_and_xmp(content: &[u8]) -> [Vec<u8>; 6] {
        [
            b"<< /Type /Catalog /Pages 2 0 R /Metadata 5 0 R /Lang (fr-FR) >>".to_vec(),
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec(),
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 6 0 R >> >> /Contents 4 0 R >>".to_vec(),
            stream("", content),
            stream("/Type /Metadata /Subtype /XML", XMP.as_bytes()),
            b"<< /Type /Font /Subtype /Type1 /BaseFont /ABCDEF+Helvetica /Encoding /WinAnsiEncoding >>".to_vec(),
        ]
    }

    const CONTENT: &[u8] =
        b"BT /F1 12 Tf 72 700 Td (Bonjour le) Tj 0 -14 Td [(mon) -300 (de)] TJ ET";

    #[test]
    fn reads_info_and_xmp_side_by_side() {
        let info: &[u8] = b"<< /Title (Rapport \\(final\\)) /Author <FEFF00C9006C006F006400690065> \
            /Creator (Microsoft\\256 Word 2016) /Producer (Acrobat \\222) \
            /CreationDate (D:20170327101200+02'00') /ModDate (D:20170328090000Z) /Trapped /False >>";
        let parts = pages_and_xmp(CONTENT);
        let mut objects: Vec<&[u8]> = parts.iter().map(Vec::as_slice).collect();
        objects.push(info);
        let x = read(&file(
            &objects,
            "/Root 1 0 R /Info 7 0 R /ID [<0A1B2C> <0a1b2d>]",
        ));
        let f = &x.facts;
        assert_eq!(
            f.title.as_deref(),
            Some("Rapport (final)"),
            "Info before XMP"
        );
        assert_eq!(f.author.as_deref(), Some("Élodie"));
        assert_eq!(f.application.as_deref(), Some("Microsoft® Word 2016"));
        assert_eq!(f.producer.as_deref(), Some("Acrobat ™"));
        let created = f.created.as_ref().unwrap();
        assert_eq!((created.unix, created.zone), (1_490_602_320, Some(120)));
        assert_eq!(f.modified.as_ref().unwrap().zone, Some(0));
        assert_eq!((f.pages, f.language.as_deref()), (Some(1), Some("fr-FR")));
        assert_eq!(f.raw["info:Trapped"], "False");
        assert_eq!(
            f.raw["xmp:dc:creator"],
            serde_json::json!(["Cédric Martin", "Anne"])
        );
        let p = facts(&x);
        assert_eq!(p.info["Author"], "Élodie");
        assert_eq!(p.xmp["xmp:CreatorTool"], "Word", "xap: is xmp:");
        assert_eq!(p.xmp["pdf:Producer"], "Distiller");
        assert_eq!(
            p.xmp["dc:title"], "Rapport XMP",
            "the x-default alternative"
        );
        assert_eq!(p.xmp["xmpMM:DocumentID"], "uuid:0e46913c");
        assert_eq!(
            p.history,
            [
                "created 2017-03-27T10:12:00+02:00 Word",
                "saved 2017-03-28T09:00:00Z Acrobat"
            ]
        );
        assert_eq!(p.version.as_deref(), Some("1.7"));
        assert_eq!(p.trailer_id, ["0a1b2c", "0a1b2d"]);
        assert_eq!((p.xref_sections, p.revisions), (1, 1));
        assert!(!p.linearized && !p.encrypted && p.producers.is_empty());
        assert_eq!(p.bytes_after_eof, 0);
        assert_eq!(p.fonts, ["ABCDEF+Helvetica"]);
        assert_eq!(words(&x), ["Bonjour", "le", "mon", "de"]);
    }

    #[test]
    fn xmp_fills_what_info_lacks() {
        let parts = pages_and_xmp(b"");
        let objects: Vec<&[u8]> = parts.iter().map(Vec::as_slice).collect();
        let x = read(&file(&objects, "/Root 1 0 R"));
        let f = &x.facts;
        assert_eq!(f.title.as_deref(), Some("Rapport XMP"));
        assert_eq!(f.author.as_deref(), Some("Cédric Martin, Anne"));
        assert_eq!(f.application.as_deref(), Some("Word"));
        assert_eq!(f.producer.as_deref(), Some("Distiller"));
        assert_eq!(f.created.as_ref().unwrap().unix, 1_490_602_320);
        assert!(facts(&x).info.is_empty());
        assert_eq!(x.text, None, "no text shown");
    }

    #[test]
    fn incremental_updates_show_each_revisions_producer() {
        let base = file(
            &[
                b"<< /Type /Catalog /Pages 2 0 R >>",
                b"<< /Type /Pages /Kids [] /Count 0 >>",
                b"<< /Producer (Writer A) >>",
            ],
            "/Root 1 0 R /Info 3 0 R",
        );
        assert!(facts(&read(&base)).producers.is_empty());
        // The Info object rewritten, then an update that leaves it alone,
        // then one that points the trailer at another Info object.
        let edited = update(
            base,
            &[(3, b"<< /Producer (Editor B) >>")],
            "/Root 1 0 R /Info 3 0 R",
        );
        let annotated = update(
            edited,
            &[(2, b"<< /Type /Pages /Kids [] /Count 0 >>")],
            "/Root 1 0 R /Info 3 0 R",
        );
        let x = read(&annotated);
        let p = facts(&x);
        assert_eq!((p.xref_sections, p.revisions), (3, 3));
        assert_eq!(p.producers, ["Writer A", "Editor B"]);
        assert_eq!(x.facts.producer.as_deref(), Some("Editor B"));
        let forged = update(
            annotated,
            &[(4, b"<< /Producer <FEFF0046006F0072006700650072> >>")],
            "/Root 1 0 R /Info 4 0 R",
        );
        let x = read(&forged);
        assert_eq!(facts(&x).producers, ["Writer A", "Editor B", "Forger"]);
        assert_eq!(facts(&x).revisions, 4);
    }

    #[test]
    fn a_linearized_file_written_once_is_one_revision() {
        let mut out = b"%PDF-1.5\n".to_vec();
        object(
            &mut out,
            1,
            b"<< /Linearized 1 /L 9999 /H [0 0] /O 4 /E 0 /N 1 /T 0 >>",
        );
        // The first-page section comes first and names the main one, at
        // the end, as its /Prev: patched in once known.
        let first_page = section(
            &mut out,
            &[(1, 9)],
            "/Root 2 0 R /Info 3 0 R /Prev 0000000000",
        );
        let placeholder = out.len() - b"0000000000 >>\n".len();
        end(&mut out, 0);
        let entries = [
            object(&mut out, 2, b"<< /Type /Catalog /Pages 4 0 R >>"),
            object(&mut out, 3, b"<< /Producer (Linearizer) >>"),
            object(&mut out, 4, b"<< /Type /Pages /Kids [] /Count 0 >>"),
        ];
        let main = section(&mut out, &entries, "");
        end(&mut out, first_page);
        out[placeholder..placeholder + 10].copy_from_slice(format!("{main:010}").as_bytes());
        let x = read(&out);
        let p = facts(&x);
        assert!(p.linearized);
        assert_eq!((p.xref_sections, p.revisions), (2, 1));
        assert!(p.producers.is_empty());
        assert_eq!(x.facts.producer.as_deref(), Some("Linearizer"));
        // An update on top of it is a second revision.
        let updated = update(
            out,
            &[(3, b"<< /Producer (Editor) >>")],
            "/Root 2 0 R /Info 3 0 R",
        );
        let p = facts(&read(&updated)).clone();
        assert_eq!((p.xref_sections, p.revisions), (3, 2));
        assert_eq!(p.producers, ["Linearizer", "Editor"]);
    }

    #[test]
    fn a_prev_cycle_ends_the_chain() {
        let base = file(
            &[
                b"<< /Type /Catalog /Pages 2 0 R >>",
                b"<< /Type /Pages /Kids [] /Count 0 >>",
            ],
            "/Root 1 0 R /Prev 0000000000",
        );
        let first = last_startxref(&base).unwrap();
        let placeholder = rfind(&base, b"0000000000 >>").unwrap();
        let mut looped = update(
            base,
            &[(2, b"<< /Type /Pages /Kids [] /Count 0 >>")],
            "/Root 1 0 R",
        );
        let second = last_startxref(&looped).unwrap();
        looped[placeholder..placeholder + 10].copy_from_slice(format!("{second:010}").as_bytes());
        let p = facts(&read(&looped)).clone();
        assert_eq!((p.xref_sections, p.revisions), (2, 2));
        // A section that names itself.
        let mut selfish = file(&[b"<< /Type /Catalog >>"], "/Root 1 0 R /Prev 0000000000");
        let placeholder = rfind(&selfish, b"0000000000 >>").unwrap();
        let own = format!("{:010}", last_startxref(&selfish).unwrap());
        selfish[placeholder..placeholder + 10].copy_from_slice(own.as_bytes());
        assert_eq!(facts(&read(&selfish)).xref_sections, 1);
        assert_ne!(first, second);
    }

    #[test]
    fn bytes_after_the_last_eof_are_counted() {
        let mut bytes = file(&[b"<< /Type /Catalog >>"], "/Root 1 0 R");
        assert_eq!(facts(&read(&bytes)).bytes_after_eof, 0);
        bytes.extend_from_slice(b"\r\n  \n");
        assert_eq!(
            facts(&read(&bytes)).bytes_after_eof,
            0,
            "line ends are not content"
        );
        bytes.extend_from_slice(b"GARBAGE appended\n");
        assert_eq!(facts(&read(&bytes)).bytes_after_eof, 16);
    }

    #[test]
    fn a_truncated_file_yields_what_it_contains() {
        let parts = pages_and_xmp(CONTENT);
        let mut objects: Vec<&[u8]> = parts.iter().map(Vec::as_slice).collect();
        objects.push(b"<< /Producer (Cut Writer) /Title (Half) >>");
        let whole = file(&objects, "/Root 1 0 R /Info 7 0 R");
        let cut = &whole[..find(&whole, b"xref").unwrap() - 4];
        let x = read(cut);
        assert_eq!(x.facts.producer.as_deref(), Some("Cut Writer"));
        assert_eq!(x.facts.pages, Some(1));
        assert_eq!(facts(&x).xmp["pdf:Producer"], "Distiller");
        assert_eq!(words(&x), ["Bonjour", "le", "mon", "de"]);
        assert_eq!((facts(&x).xref_sections, facts(&x).revisions), (0, 1));
        // Objects run together on one line and cut mid-object: lopdf gives
        // up, the scanner does not.
        let damaged: &[u8] = b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj 2 0 obj << /Type /Pages \
            /Count 3 /Kids [] >> endobj 3 0 obj << /Producer (Scanner) /Title (Cut) >> endobj 4 0 obj << /Len";
        assert!(Document::load_mem(damaged).is_err());
        let x = read(damaged);
        assert_eq!(x.facts.title.as_deref(), Some("Cut"));
        assert_eq!(x.facts.pages, Some(3));
    }

    #[test]
    fn text_strings_decode_every_way_pdf_writes_them() {
        assert_eq!(decode_text(b"\xFE\xFF\x00\xC9\xD8\x3D\xDE\x00"), "É😀");
        assert_eq!(
            decode_text(b"\xFE\xFF\x00\x1Bfr\x00\x1B\x00a"),
            "a",
            "language escape dropped"
        );
        assert_eq!(decode_text(b"\xFF\xFEa\x00"), "a");
        assert_eq!(decode_text(b"\xEF\xBB\xBFd\xC3\xA9j\xC3\xA0"), "déjà");
        assert_eq!(decode_text(b"\x93 \x80 \xA0 \xE9 \x18"), "ﬁ • € é ˘");
        let mut lx = Lexer::new(
            b"(a\\(b\\)\\101\\7\\\nc\r\nd (e)) <48 65 6C6>/A#20B 12 -3.5 .5 4 0 R",
            0,
        );
        let Some(Token::Str(s, _)) = lx.token() else {
            panic!()
        };
        assert_eq!(s, b"a(b)A\x07c\nd (e)");
        let Some(Token::Str(s, _)) = lx.token() else {
            panic!()
        };
        assert_eq!(s, b"Hel`");
        let Some(Token::Name(n)) = lx.token() else {
            panic!()
        };
        assert_eq!(n, b"A B");
        assert_eq!(lx.object(0), Some(Object::Integer(12)));
        assert_eq!(lx.object(0), Some(Object::Real(-3.5)));
        assert_eq!(lx.object(0), Some(Object::Real(0.5)));
        assert_eq!(lx.object(0), Some(Object::Reference((4, 0))));
        assert_eq!(
            pdf_escaped("\\376\\377\\000M\\000i"),
            "Mi",
            "PDF escapes in XMP"
        );
    }

    #[test]
    fn xmp_with_an_undeclared_prefix_still_reads() {
        let packet = r#"<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description rdf:about="" xmlns:pdf="http://ns.adobe.com/pdf/1.3/" pdf:Producer="first"><pdf:Producer>second</pdf:Producer>
<xmp:ModifyDate>2011-01-17T23:52:40+01:00</xmp:ModifyDate><foo:Bar>baz</foo:Bar></rdf:Description></rdf:RDF></x:xmpmeta>  junk"#;
        let xmp = parse_xmp(packet.as_bytes()).unwrap();
        assert_eq!(
            xmp.properties["xmp:ModifyDate"],
            "2011-01-17T23:52:40+01:00"
        );
        assert_eq!(xmp.properties["foo:Bar"], "baz");
        assert_eq!(
            xmp.properties["pdf:Producer"], "second",
            "the last value written"
        );
        let utf16: Vec<u8> = [0xFE, 0xFF]
            .into_iter()
            .chain(packet.encode_utf16().flat_map(u16::to_be_bytes))
            .collect();
        assert_eq!(parse_xmp(&utf16).unwrap().properties["foo:Bar"], "baz");
    }

    #[test]
    fn cross_reference_streams_count_and_hybrid_streams_do_not() {
        let mut out = HEADER.to_vec();
        object(&mut out, 1, b"<< /Type /Catalog >>");
        let xrefstm = out.len();
        object(
            &mut out,
            2,
            &stream("/Type /XRef /W [1 4 2] /Size 3", &[0; 7]),
        );
        let table = section(
            &mut out,
            &[(1, 15)],
            &format!("/Root 1 0 R /XRefStm {xrefstm}"),
        );
        end(&mut out, table);
        let layout = Layout::read(&out);
        assert_eq!(
            layout.sections.len(),
            1,
            "a hybrid file's stream goes with its table"
        );
        let update_at = out.len();
        object(
            &mut out,
            3,
            &stream(
                &format!("/Type /XRef /W [1 4 2] /Size 4 /Root 1 0 R /Prev {table}"),
                &[0; 7],
            ),
        );
        end(&mut out, update_at);
        let layout = Layout::read(&out);
        assert_eq!(
            layout.sections.iter().map(|s| s.offset).collect::<Vec<_>>(),
            [update_at, table]
        );
        assert_eq!(layout.revision_count(), 2);
    }

    #[test]
    fn hostile_input_is_bounded() {
        // A content stream and an XMP packet that inflate past the cap.
        let zeros = vec![b' '; STREAM_CAP + (1 << 20)];
        let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::fast());
        z.write_all(&zeros).unwrap();
        let bomb = z.finish().unwrap();
        drop(zeros);
        let mut parts = pages_and_xmp(b"");
        parts[3] = stream("/Filter /FlateDecode", &bomb);
        parts[4] = stream("/Type /Metadata /Filter /FlateDecode", &bomb);
        let objects: Vec<&[u8]> = parts.iter().map(Vec::as_slice).collect();
        let x = read(&file(&objects, "/Root 1 0 R"));
        assert_eq!((x.text, x.facts.pages), (None, Some(1)));
        // Deep nesting, a huge /Length, an unclosed string.
        let deep = [&b"<< /Title "[..], &[b'['; 200_000], b" >>"].concat();
        let long: &[u8] = b"<< /Length 99999999999999999999 >>\nstream\ndata\nendstream";
        let x = read(&file(
            &[b"<< /Type /Catalog >>", &deep, long, b"<< /A (unclosed"],
            "/Root 1 0 R /Info 2 0 R",
        ));
        assert!(x.facts.title.is_none());
        assert!(Pdf.read(b"not a PDF at all").is_err());
        assert!(Pdf.read(b"%PDF-").is_ok());
    }

    fn corpus(path: &str) -> Extracted {
        read(&std::fs::read(format!("../shared/corpus/docs/{path}")).unwrap())
    }

    #[test]
    #[ignore = "needs ../shared/corpus"]
    fn different_titles_in_info_and_xmp_are_both_kept() {
        let x = corpus("tika/pdf/testPDF_diffTitles.pdf");
        assert_eq!(x.facts.title.as_deref(), Some("this is a new title"));
        assert_eq!(facts(&x).xmp["dc:title"], "Sample Title");
        assert_eq!(
            facts(&x).xmp["dc:creator"],
            serde_json::json!(["Sample Author 1", "Sample Author 2"])
        );
    }

    #[test]
    #[ignore = "needs ../shared/corpus"]
    fn two_incremental_updates_on_a_linearized_file_make_three_revisions() {
        let x = corpus("tika/pdf/testPDF_incrementalUpdates.pdf");
        let p = facts(&x);
        assert!(p.linearized);
        assert_eq!((p.xref_sections, p.revisions), (4, 3));
        assert_eq!(p.producers.len(), 3, "each revision rewrote Info");
        let x = corpus("pdfjs/bug1708041.pdf");
        let p = facts(&x);
        assert_eq!(
            (p.xref_sections, p.revisions),
            (4, 4),
            "cross-reference streams"
        );
        assert_eq!(p.producers.len(), 4, "Info in object streams");
    }
}
