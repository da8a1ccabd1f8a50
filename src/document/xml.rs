//! Small helpers over `roxmltree` (already used for `[Content_Types].xml`):
//! a read-only DOM with no DTD expansion, so an entity bomb is a parse
//! error, not a hang; and the visible text of big parts, pulled with
//! `quick-xml` (see [`part_text`]).

use std::io::{Read, Seek};

/// The most bytes read from one part of a package (core.xml, meta.xml,
/// document.xml…): metadata parts are kilobytes, text parts rarely more
/// than a few megabytes.
pub const PART_CAP: u64 = 32 << 20;

/// Reads one member of a zip package, at most [`PART_CAP`] bytes, as text.
/// `None` when the member is absent or unreadable.
pub fn zip_part<R: Read + Seek>(zip: &mut zip::ZipArchive<R>, name: &str) -> Option<String> {
    let f = zip.by_name(name).ok()?;
    let mut buf = Vec::new();
    f.take(PART_CAP).read_to_end(&mut buf).ok()?;
    Some(String::from_utf8_lossy(&buf).into_owned())
}

/// The text of the first element named `local` (any namespace) anywhere
/// under `node`, trimmed; `None` when absent or empty.
pub fn text_of(node: roxmltree::Node<'_, '_>, local: &str) -> Option<String> {
    node.descendants()
        .find(|n| n.is_element() && n.tag_name().name() == local)
        .and_then(|n| super::nonempty(all_text(n)))
}

/// The concatenated text of every text node under `node`.
pub fn all_text(node: roxmltree::Node<'_, '_>) -> String {
    node.descendants()
        .filter(|n| n.is_text())
        .filter_map(|n| n.text())
        .collect()
}

/// Parses `text` as XML, with the reason on failure.
pub fn parse(text: &str) -> Result<roxmltree::Document<'_>, String> {
    let options = roxmltree::ParsingOptions {
        allow_dtd: false,
        nodes_limit: MAX_NODES,
        ..roxmltree::ParsingOptions::default()
    };
    roxmltree::Document::parse_with_options(text, options).map_err(|e| e.to_string())
}

/// Most nodes one part may hold: a 32 MiB part of tiny elements would
/// otherwise build a tree of tens of millions of nodes.
pub const MAX_NODES: u32 = 4_000_000;

/// Which elements hold the text [`part_text`] collects.
pub struct TextTags<'a> {
    /// Elements whose text is visible text (local names, any namespace).
    pub text: &'a [&'a str],
    /// Elements that start a new line (paragraphs).
    pub line: &'a [&'a str],
}

/// How reading one part's text ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PartText {
    /// The part was read whole; its text is in `out`.
    Read,
    /// `out` passed the cap inside this part; its text so far is kept and
    /// no further part should be read.
    Capped,
    /// The part is not well-formed XML as far as this reader checks (a
    /// syntax error, a DTD, an unclosed element, a character reference to
    /// a character XML forbids, a damaged stream, over [`PART_CAP`]): it
    /// adds nothing, as when a DOM parser refuses it. A whole part with no
    /// text or line element at all is not parsed and is `Read`, whatever
    /// else it holds: it adds nothing either way.
    Refused,
}

/// Appends the text of the `tags.text` elements of one XML part to `out`
/// (bytes that are not UTF-8 read as U+FFFD, as `String::from_utf8_lossy`
/// gives them):
/// each text element's text is followed by a space, and a `tags.line`
/// element starts a new line. A part adds all its text or none (see
/// [`PartText`]), except that reading stops once `out` holds more than
/// `cap` bytes, checked after each text element and line, as the DOM
/// reader this replaced did.
///
/// `quick-xml` rather than `roxmltree` here: text parts are the bulk of a
/// package (megabytes of `<w:r>` runs), and a pull parser borrowing from
/// the part reads them once, without building a tree. Like `roxmltree`
/// with DTDs off, it never expands an entity: an undeclared one refuses
/// the part.
pub fn part_text(xml: &[u8], tags: &TextTags<'_>, out: &mut String, cap: usize) -> PartText {
    let mut text = Collector::new(tags, out, cap);
    match std::str::from_utf8(xml) {
        // The norm: the parser borrows from the part.
        Ok(xml) => {
            let mut reader = quick_xml::Reader::from_str(xml);
            reader.config_mut().check_end_names = true;
            loop {
                if let Some(ended) = text.event(reader.read_event()) {
                    return ended;
                }
            }
        }
        // Replaced as it is read, 64 KiB at a time, so that a part of
        // invalid bytes, each becoming three, is never held whole again.
        Err(_) => {
            let source = std::io::BufReader::with_capacity(1 << 16, xml);
            let mut reader = quick_xml::Reader::from_reader(LossyUtf8::new(source));
            reader.config_mut().check_end_names = true;
            let mut buf = Vec::with_capacity(1 << 12);
            loop {
                buf.clear();
                if let Some(ended) = text.event(reader.read_event_into(&mut buf)) {
                    return ended;
                }
            }
        }
    }
}

/// What [`part_text`] keeps while it reads a part's events.
struct Collector<'a, 't> {
    tags: &'a TextTags<'t>,
    out: &'a mut String,
    cap: usize,
    /// `out`'s length before the part.
    mark: usize,
    /// Open elements of any name.
    open: usize,
    /// Open text elements.
    depth: usize,
}

impl<'a, 't> Collector<'a, 't> {
    fn new(tags: &'a TextTags<'t>, out: &'a mut String, cap: usize) -> Self {
        let mark = out.len();
        Collector {
            tags,
            out,
            cap,
            mark,
            open: 0,
            depth: 0,
        }
    }

    /// Takes one event; how the part ended once it has.
    fn event(
        &mut self,
        event: Result<quick_xml::events::Event<'_>, quick_xml::Error>,
    ) -> Option<PartText> {
        use quick_xml::events::Event;
        let capped = match event {
            Ok(Event::Start(e)) => {
                self.open += 1;
                self.opens(e.local_name().into_inner(), false)
            }
            Ok(Event::Empty(e)) => self.opens(e.local_name().into_inner(), true),
            Ok(Event::End(e)) => {
                self.open = self.open.saturating_sub(1);
                if self.depth > 0 && self.tags.text.contains(&e.local_name().into_inner()) {
                    self.depth -= 1;
                    self.out.push(' ');
                    true
                } else {
                    false
                }
            }
            Ok(Event::Text(t)) if self.depth > 0 => {
                self.out.push_str(&t);
                false
            }
            Ok(Event::CData(t)) if self.depth > 0 => {
                self.out.push_str(&t);
                false
            }
            Ok(Event::GeneralRef(r)) => match entity(&r) {
                Some(c) => {
                    if self.depth > 0 {
                        self.out.push(c);
                    }
                    false
                }
                // Undeclared (no DTD is read) or a forbidden character.
                None => return Some(self.refused()),
            },
            Ok(Event::DocType(_)) | Err(_) => return Some(self.refused()),
            Ok(Event::Eof) if self.open > 0 => return Some(self.refused()),
            Ok(Event::Eof) => return Some(PartText::Read),
            Ok(_) => false,
        };
        (capped && self.out.len() > self.cap).then_some(PartText::Capped)
    }

    /// An element named `name` starts (and ends at once when `empty`):
    /// whether text or a line was added.
    fn opens(&mut self, name: &str, empty: bool) -> bool {
        if self.tags.text.contains(&name) {
            if empty {
                self.out.push(' ');
                return true;
            }
            self.depth += 1;
            false
        } else if self.tags.line.contains(&name) {
            self.out.push('\n');
            true
        } else {
            false
        }
    }

    fn refused(&mut self) -> PartText {
        self.out.truncate(self.mark);
        PartText::Refused
    }
}

/// Whether `xml` may hold an element whose local name is one of `names`:
/// somewhere `<name` or `:name` is followed by a space, `>` or `/`. When
/// not, the part cannot add text or lines whatever else it holds, and is
/// not parsed (spreadsheet cells are mostly numbers).
fn may_hold(xml: &[u8], names: &[&str]) -> bool {
    names.iter().any(|name| {
        [b'<', b':'].iter().any(|&lead| {
            let mut pat = Vec::with_capacity(name.len() + 1);
            pat.push(lead);
            pat.extend_from_slice(name.as_bytes());
            memchr::memmem::find_iter(xml, &pat).any(|at| {
                matches!(
                    xml.get(at + pat.len()),
                    Some(b' ' | b'\t' | b'\r' | b'\n' | b'>' | b'/')
                )
            })
        })
    })
}

/// The character an entity reference stands for: a character reference to
/// a character XML allows, or one of XML's five predefined entities; `None`
/// for anything else (which makes the part malformed, as for `roxmltree`).
fn entity(r: &str) -> Option<char> {
    let number = |digits: &str, radix: u32| {
        (!digits.is_empty() && digits.chars().all(|c| c.is_digit(radix)))
            .then(|| u32::from_str_radix(digits, radix).ok())
            .flatten()
            .and_then(char::from_u32)
            .filter(|&c| {
                matches!(c, '\t' | '\n' | '\r')
                    || ('\u{20}'..='\u{D7FF}').contains(&c)
                    || ('\u{E000}'..='\u{FFFD}').contains(&c)
                    || c >= '\u{10000}'
            })
    };
    match r {
        "amp" => Some('&'),
        "lt" => Some('<'),
        "gt" => Some('>'),
        "apos" => Some('\''),
        "quot" => Some('"'),
        _ => match r.strip_prefix('#') {
            Some(hex) if hex.starts_with('x') => number(&hex[1..], 16),
            Some(dec) => number(dec, 10),
            None => None,
        },
    }
}

/// A `BufRead` that passes UTF-8 through and replaces every invalid
/// sequence by U+FFFD, exactly as `String::from_utf8_lossy` does over the
/// whole stream (a sequence cut by a buffer boundary waits for its end).
struct LossyUtf8<R> {
    inner: R,
    out: Vec<u8>,
    pos: usize,
    carry: Vec<u8>,
}

impl<R: std::io::BufRead> LossyUtf8<R> {
    fn new(inner: R) -> LossyUtf8<R> {
        LossyUtf8 {
            inner,
            out: Vec::new(),
            pos: 0,
            carry: Vec::new(),
        }
    }
}

impl<R: std::io::BufRead> Read for LossyUtf8<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = {
            let data = std::io::BufRead::fill_buf(self)?;
            let n = data.len().min(buf.len());
            buf[..n].copy_from_slice(&data[..n]);
            n
        };
        std::io::BufRead::consume(self, n);
        Ok(n)
    }
}

impl<R: std::io::BufRead> std::io::BufRead for LossyUtf8<R> {
    fn fill_buf(&mut self) -> std::io::Result<&[u8]> {
        while self.pos >= self.out.len() {
            self.out.clear();
            self.pos = 0;
            let chunk = self.inner.fill_buf()?;
            if chunk.is_empty() {
                if self.carry.is_empty() {
                    break;
                }
                // A sequence cut short by the end of the stream.
                self.carry.clear();
                self.out.extend_from_slice("\u{FFFD}".as_bytes());
                break;
            }
            let mut data = std::mem::take(&mut self.carry);
            data.extend_from_slice(chunk);
            let used = chunk.len();
            self.inner.consume(used);
            let mut rest = &data[..];
            loop {
                match std::str::from_utf8(rest) {
                    Ok(s) => {
                        self.out.extend_from_slice(s.as_bytes());
                        break;
                    }
                    Err(e) => {
                        let (good, bad) = rest.split_at(e.valid_up_to());
                        self.out.extend_from_slice(good);
                        match e.error_len() {
                            Some(n) => {
                                self.out.extend_from_slice("\u{FFFD}".as_bytes());
                                rest = &bad[n..];
                            }
                            None => {
                                self.carry = bad.to_vec();
                                break;
                            }
                        }
                    }
                }
            }
        }
        Ok(&self.out[self.pos..])
    }

    fn consume(&mut self, amt: usize) {
        self.pos = (self.pos + amt).min(self.out.len());
    }
}

/// Reads `part` to its end into `buf`, 64 KiB per read, whether it ended
/// cleanly. A failing read (a damaged deflate stream) loses what that
/// read inflated: at most 64 KiB, so text that reached the cap before the
/// damage is kept.
fn read_part(mut part: impl Read, buf: &mut Vec<u8>) -> bool {
    const STEP: usize = 1 << 16;
    loop {
        let len = buf.len();
        // Within the room reserved when there is some.
        let room = buf.capacity() - len;
        buf.resize(len + if room > 0 { room.min(STEP) } else { STEP }, 0);
        match part.read(&mut buf[len..]) {
            Ok(0) => {
                buf.truncate(len);
                return true;
            }
            Ok(n) => buf.truncate(len + n),
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => buf.truncate(len),
            Err(_) => {
                buf.truncate(len);
                return false;
            }
        }
    }
}

/// Reads one member of a zip package into [`part_text`]: how it ended and
/// the part's bytes inflated (nothing when absent). The part is inflated
/// whole, at most [`PART_CAP`] bytes; bytes that are not UTF-8 are replaced
/// by U+FFFD, as `String::from_utf8_lossy` does. A part over the cap, or
/// whose stream is damaged, is refused (reading only its start made it
/// malformed for the DOM reader), unless its text reached `cap` before.
pub fn zip_part_text<R: Read + Seek>(
    zip: &mut zip::ZipArchive<R>,
    name: &str,
    tags: &TextTags<'_>,
    out: &mut String,
    cap: usize,
) -> (PartText, u64) {
    let Ok(f) = zip.by_name(name) else {
        return (PartText::Read, 0);
    };
    // Sized from the declared size, which a hostile package may misstate:
    // never more than the cap up front.
    let mut buf = Vec::new();
    // One byte more, for the read that finds the end.
    let _ = buf.try_reserve_exact(f.size().min(PART_CAP) as usize + 1);
    let whole = read_part(f.take(PART_CAP + 1), &mut buf) && buf.len() as u64 <= PART_CAP;
    // Every byte inflated counts against the package's budget, refused or not.
    let bytes = (buf.len() as u64).min(PART_CAP);
    if whole && !may_hold(&buf, tags.text) && !may_hold(&buf, tags.line) {
        return (PartText::Read, bytes);
    }
    let mark = out.len();
    let ended = part_text(&buf, tags, out, cap);
    if !whole && ended != PartText::Capped {
        out.truncate(mark);
        return (PartText::Refused, bytes);
    }
    (ended, bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    const WORD: TextTags<'static> = TextTags {
        text: &["t"],
        line: &["p"],
    };

    fn text(xml: &[u8], cap: usize) -> (String, PartText) {
        let mut out = String::from("before|");
        let ended = part_text(xml, &WORD, &mut out, cap);
        (out, ended)
    }

    /// The text `zip_part_text` reads from a package holding `part`.
    fn zipped(part: &[u8]) -> (String, PartText, u64) {
        use std::io::Write;
        let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        w.start_file(
            "word/document.xml",
            zip::write::SimpleFileOptions::default(),
        )
        .unwrap();
        w.write_all(part).unwrap();
        let bytes = w.finish().unwrap().into_inner();
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
        let mut out = String::from("before|");
        let (ended, n) = zip_part_text(&mut zip, "word/document.xml", &WORD, &mut out, usize::MAX);
        (out, ended, n)
    }

    #[test]
    fn collects_text_elements_with_entities_and_lines() {
        let xml = r#"<?xml version="1.0"?><w:document xmlns:w="x"><w:body>
            <w:p><w:r><w:t>Fish &amp; chips &#233;t&#xE9;</w:t></w:r><w:r><w:t xml:space="preserve"> à </w:t></w:r></w:p>
            <w:p/><w:p><w:t><![CDATA[<raw>]]></w:t><w:t/><w:instrText>HYPERLINK</w:instrText><w:t>&lt;&gt;&quot;&apos;</w:t></w:p>
            </w:body></w:document>"#;
        assert_eq!(
            text(xml.as_bytes(), usize::MAX),
            (
                "before|\nFish & chips été  à  \n\n<raw>  <>\"' ".to_string(),
                PartText::Read
            )
        );
    }

    #[test]
    fn a_part_adds_all_its_text_or_none() {
        // As the DOM reader did: malformed, unclosed, DTD, forbidden
        // character references and mismatched tags refuse the whole part.
        for bad in [
            &b"<d><p><t>kept?</t></p><p><t>lost</wrong></d>"[..],
            b"<d><p><t>unclosed</t></p>",
            b"<!DOCTYPE d [<!ENTITY e 'x'>]><d><t>dtd</t></d>",
            b"<d><t>nul &#0; here</t></d>",
            b"<d><t>plus &#+65; here</t></d>",
            b"<d><t>undeclared &bogus; entity</t></d>",
            b"<d><t>text</t></d><",
            b"not xml at all <",
        ] {
            assert_eq!(
                text(bad, usize::MAX),
                ("before|".to_string(), PartText::Refused),
                "{}",
                String::from_utf8_lossy(bad)
            );
        }
    }

    #[test]
    fn invalid_utf8_becomes_replacement_characters_as_lossy_decoding_does() {
        let mut xml = b"<d><t>caf".to_vec();
        xml.push(0xE9); // Latin-1 é
        xml.extend_from_slice(b" ok</t><t>cut ");
        xml.extend_from_slice(&[0xE2, 0x82]); // a truncated euro sign
        xml.extend_from_slice(b"</t></d>");
        let (out, ended, n) = zipped(&xml);
        assert_eq!(ended, PartText::Read);
        assert_eq!(out, "before|caf\u{FFFD} ok cut \u{FFFD} ");
        assert_eq!(n, xml.len() as u64);
        // The lossy reader, through a one-byte buffer (sequences cut by
        // buffer boundaries), gives what from_utf8_lossy gives.
        let mut doc = "<d><t>Привет €😀 é</t></d>".as_bytes().to_vec();
        doc.insert(10, 0xFF);
        let mut one = Vec::new();
        LossyUtf8::new(std::io::BufReader::with_capacity(1, &doc[..]))
            .read_to_end(&mut one)
            .unwrap();
        assert_eq!(one, String::from_utf8_lossy(&doc).as_bytes());
    }

    #[test]
    fn invalid_utf8_is_read_as_its_lossy_decoding_would_be() {
        // The same outcome and text, through the streaming lossy path (an
        // invalid byte) and the borrowing one (its lossy decoding).
        let many = format!("<d>{}</d>", "<p><t>word &amp; word</t></p>".repeat(1000));
        for (xml, cap) in [
            (
                &b"<d><p><t>a\xFFb &#233;</t><t/></p><![CDATA[x]]></d>"[..],
                usize::MAX,
            ),
            (
                b"<d><p><t>kept?</t></p><p><t>\xFFlost</wrong></d>",
                usize::MAX,
            ),
            (b"<d><t>\xFF &bogus;</t></d>", usize::MAX),
            (b"<d><t>\xFFunclosed</t>", usize::MAX),
            (many.replacen("word", "w\u{FFFD}rd", 1).as_bytes(), 100),
        ] {
            let mut xml = xml.to_vec();
            if let Some(at) = xml.windows(3).position(|w| w == "\u{FFFD}".as_bytes()) {
                xml.splice(at..at + 3, [0xFF]);
            }
            assert!(std::str::from_utf8(&xml).is_err());
            let lossy = String::from_utf8_lossy(&xml).into_owned();
            assert_eq!(text(&xml, cap), text(lossy.as_bytes(), cap), "{lossy}");
        }
    }

    #[test]
    fn a_part_without_text_or_line_elements_adds_nothing_unparsed() {
        // Look-alikes: other names starting with t or p, attributes named t.
        let cells = b"<sheetData><row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c></row></sheetData><pageMargins/><x:tab/><pane/>";
        assert!(!may_hold(cells, &["t", "p"]));
        assert_eq!(zipped(cells).0, "before|");
        // Malformed too: nothing either way.
        assert_eq!(zipped(b"<d><v>1</wrong>").0, "before|");
        // Every form of a text or line element is seen.
        for found in [
            &b"<t>x</t>"[..],
            b"<w:t xml:space=\"preserve\">x</w:t>",
            b"<d><t/></d>",
            b"<a:p\n>",
            b"<p\t/>",
            b"<x:p\r>",
        ] {
            assert!(
                may_hold(found, &["t", "p"]),
                "{}",
                String::from_utf8_lossy(found)
            );
        }
        assert_eq!(zipped(b"<d><t/></d>").0, "before| ");
    }

    #[test]
    fn text_that_reached_the_cap_before_a_damaged_stream_is_kept() {
        use std::io::Write;
        let body = format!("<d>{}</d>", "<p><t>mot &amp; mot</t></p>".repeat(100_000));
        let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        w.start_file(
            "word/document.xml",
            zip::write::SimpleFileOptions::default(),
        )
        .unwrap();
        w.write_all(body.as_bytes()).unwrap();
        let mut bytes = w.finish().unwrap().into_inner();
        // Damage the deflate stream near its end (before the central
        // directory, found from its signature).
        let cd = bytes.windows(4).rposition(|w| w == b"PK\x01\x02").unwrap();
        for b in &mut bytes[cd - 200..cd - 100] {
            *b = !*b;
        }
        let read = |cap| {
            let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes.clone())).unwrap();
            let mut out = String::new();
            let (ended, _) = zip_part_text(&mut zip, "word/document.xml", &WORD, &mut out, cap);
            (ended, out.len())
        };
        // Whole, the part is refused; capped early, its text is kept.
        assert_eq!(read(usize::MAX), (PartText::Refused, 0));
        let (ended, len) = read(1000);
        assert_eq!(ended, PartText::Capped);
        assert!((1000..1100).contains(&len), "{len}");
    }

    #[test]
    fn the_cap_is_checked_after_whole_text_elements() {
        let many = format!("<d>{}</d>", "<p><t>word &amp; word</t></p>".repeat(1000));
        let (capped, ended) = text(many.as_bytes(), 100);
        assert_eq!(ended, PartText::Capped);
        // Stops right after a text element's space or a paragraph's line.
        assert!(
            capped.ends_with(' ') || capped.ends_with('\n'),
            "{capped:?}"
        );
        assert!((100..140).contains(&capped.len()), "{}", capped.len());
    }
}
