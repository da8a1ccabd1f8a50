//! Small helpers over `roxmltree` (already used for `[Content_Types].xml`):
//! a read-only DOM with no DTD expansion, so an entity bomb is a parse
//! error, not a hang.

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

/// Which elements hold the text [`stream_text`] collects.
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
    /// adds nothing, as when a DOM parser refuses it.
    Refused,
}

/// Appends the text of the `tags.text` elements of one XML part to `out`,
/// streaming: each text element's text is followed by a space, and a
/// `tags.line` element starts a new line. A part adds all its text or none
/// (see [`PartText`]), except that reading stops once `out` holds more than
/// `cap` bytes, checked after each text element and line, as the DOM
/// reader this replaced did. Bytes that are not UTF-8 are replaced by
/// U+FFFD first, as `String::from_utf8_lossy` would.
///
/// `quick-xml` rather than `roxmltree` here: text parts are the bulk of a
/// package (megabytes of `<w:r>` runs), and a pull parser over the
/// decompressing reader reads them once, without building a tree and
/// without inflating past the point where the text is long enough. Like
/// `roxmltree` with DTDs off, it never expands an entity: an undeclared one
/// refuses the part.
pub fn stream_text<R: std::io::BufRead>(
    source: R,
    tags: &TextTags<'_>,
    out: &mut String,
    cap: usize,
) -> PartText {
    use quick_xml::events::Event;
    let mark = out.len();
    let mut reader = quick_xml::Reader::from_reader(LossyUtf8::new(source));
    reader.config_mut().check_end_names = true;
    let mut buf = Vec::with_capacity(1 << 12);
    let mut open = 0usize; // open elements of any name
    let mut depth = 0usize; // open text elements
    let is = |names: &[&str], name: &str| names.contains(&name);
    let refused = |out: &mut String| {
        out.truncate(mark);
        PartText::Refused
    };
    loop {
        buf.clear();
        let capped = match reader.read_event_into(&mut buf) {
            Ok(Event::Start(e)) => {
                open += 1;
                let name = e.local_name();
                if is(tags.text, name.into_inner()) {
                    depth += 1;
                    false
                } else if is(tags.line, name.into_inner()) {
                    out.push('\n');
                    true
                } else {
                    false
                }
            }
            Ok(Event::Empty(e)) => {
                let name = e.local_name();
                if is(tags.text, name.into_inner()) {
                    out.push(' ');
                    true
                } else if is(tags.line, name.into_inner()) {
                    out.push('\n');
                    true
                } else {
                    false
                }
            }
            Ok(Event::End(e)) => {
                open = open.saturating_sub(1);
                if depth > 0 && is(tags.text, e.local_name().into_inner()) {
                    depth -= 1;
                    out.push(' ');
                    true
                } else {
                    false
                }
            }
            Ok(Event::Text(t)) if depth > 0 => {
                out.push_str(&t);
                false
            }
            Ok(Event::CData(t)) if depth > 0 => {
                out.push_str(&t);
                false
            }
            Ok(Event::GeneralRef(r)) => match entity(&r) {
                Some(c) => {
                    if depth > 0 {
                        out.push(c);
                    }
                    false
                }
                // Undeclared (no DTD is read) or a forbidden character.
                None => return refused(out),
            },
            Ok(Event::DocType(_)) | Err(_) => return refused(out),
            Ok(Event::Eof) if open > 0 => return refused(out),
            Ok(Event::Eof) => return PartText::Read,
            Ok(_) => false,
        };
        if capped && out.len() > cap {
            return PartText::Capped;
        }
    }
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

/// Counts the bytes read through it.
struct Counted<R> {
    inner: R,
    bytes: u64,
}

impl<R: Read> Read for Counted<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.bytes += n as u64;
        Ok(n)
    }
}

/// Streams one member of a zip package into [`stream_text`]: how it ended
/// and the part's bytes read (nothing when absent). A part over
/// [`PART_CAP`] is refused, as reading only its start made it malformed
/// for the DOM reader.
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
    let mark = out.len();
    let mut counted = Counted {
        inner: f.take(PART_CAP + 1),
        bytes: 0,
    };
    let ended = stream_text(
        std::io::BufReader::with_capacity(1 << 16, &mut counted),
        tags,
        out,
        cap,
    );
    if counted.bytes > PART_CAP && ended != PartText::Capped {
        out.truncate(mark);
        return (PartText::Refused, PART_CAP);
    }
    (ended, counted.bytes)
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
        let ended = stream_text(xml, &WORD, &mut out, cap);
        (out, ended)
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
        let (out, ended) = text(&xml, usize::MAX);
        assert_eq!(ended, PartText::Read);
        assert_eq!(out, "before|caf\u{FFFD} ok cut \u{FFFD} ");
        // Through a one-byte buffer, sequences cut by buffer boundaries.
        let mut doc = "<d><t>Привет €😀 é</t></d>".as_bytes().to_vec();
        doc.insert(10, 0xFF);
        let tiny = std::io::BufReader::with_capacity(1, &doc[..]);
        let mut one = String::new();
        stream_text(tiny, &WORD, &mut one, usize::MAX);
        let mut whole = String::new();
        stream_text(
            String::from_utf8_lossy(&doc).as_bytes(),
            &WORD,
            &mut whole,
            usize::MAX,
        );
        assert_eq!(one, whole);
        assert!(one.contains('\u{FFFD}') && one.contains("€😀"));
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
