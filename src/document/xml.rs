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

/// Appends the text of the `tags.text` elements of one XML part to `out`,
/// streaming: each text element's text is followed by a space, and a
/// `tags.line` element starts a new line. Stops once `out` holds more than
/// `cap` bytes, at the end of the part or at the first malformation (the
/// text before it stands). Returns the XML bytes read.
///
/// `quick-xml` rather than `roxmltree` here: text parts are the bulk of a
/// package (megabytes of `<w:r>` runs), and a pull parser over the
/// decompressing reader reads them once, without building a tree and
/// without inflating past the point where the text is long enough. Like
/// `roxmltree`, it never expands DTD entities: an unknown `&name;` is
/// dropped.
pub fn stream_text<R: std::io::BufRead>(
    source: R,
    tags: &TextTags<'_>,
    out: &mut String,
    cap: usize,
) -> u64 {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_reader(source);
    reader.config_mut().check_end_names = false;
    let mut buf = Vec::with_capacity(1 << 12);
    let mut depth = 0usize; // open text elements
    let is = |names: &[&str], name: &str| names.contains(&name);
    loop {
        if out.len() > cap {
            break;
        }
        buf.clear();
        match reader.read_event_into(&mut buf) {
            Ok(Event::Start(e)) => {
                let name = e.local_name();
                if is(tags.text, name.into_inner()) {
                    depth += 1;
                } else if is(tags.line, name.into_inner()) {
                    out.push('\n');
                }
            }
            Ok(Event::Empty(e)) => {
                let name = e.local_name();
                if is(tags.text, name.into_inner()) {
                    out.push(' ');
                } else if is(tags.line, name.into_inner()) {
                    out.push('\n');
                }
            }
            Ok(Event::End(e)) => {
                if depth > 0 && is(tags.text, e.local_name().into_inner()) {
                    depth -= 1;
                    out.push(' ');
                }
            }
            Ok(Event::Text(t)) if depth > 0 => out.push_str(&t),
            Ok(Event::CData(t)) if depth > 0 => out.push_str(&t),
            Ok(Event::GeneralRef(r)) if depth > 0 => {
                if let Some(c) = entity(&r) {
                    out.push(c);
                }
            }
            Ok(Event::Eof) | Err(_) => break,
            Ok(_) => {}
        }
    }
    reader.buffer_position()
}

/// The character an entity reference stands for: a character reference or
/// one of XML's five predefined entities; `None` for any other (undeclared)
/// name, as no DTD is read.
fn entity(r: &str) -> Option<char> {
    match r.as_bytes() {
        b"amp" => Some('&'),
        b"lt" => Some('<'),
        b"gt" => Some('>'),
        b"apos" => Some('\''),
        b"quot" => Some('"'),
        [b'#', b'x' | b'X', hex @ ..] => std::str::from_utf8(hex)
            .ok()
            .and_then(|h| u32::from_str_radix(h, 16).ok())
            .and_then(char::from_u32),
        [b'#', dec @ ..] => std::str::from_utf8(dec)
            .ok()
            .and_then(|d| d.parse::<u32>().ok())
            .and_then(char::from_u32),
        _ => None,
    }
}

/// Streams one member of a zip package into [`stream_text`], reading at
/// most [`PART_CAP`] bytes of it; the XML bytes read (0 when absent).
pub fn zip_part_text<R: Read + Seek>(
    zip: &mut zip::ZipArchive<R>,
    name: &str,
    tags: &TextTags<'_>,
    out: &mut String,
    cap: usize,
) -> u64 {
    let Ok(f) = zip.by_name(name) else {
        return 0;
    };
    stream_text(
        std::io::BufReader::with_capacity(1 << 16, f.take(PART_CAP)),
        tags,
        out,
        cap,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const WORD: TextTags<'static> = TextTags {
        text: &["t"],
        line: &["p"],
    };

    fn text(xml: &str, cap: usize) -> String {
        let mut out = String::new();
        stream_text(xml.as_bytes(), &WORD, &mut out, cap);
        out
    }

    #[test]
    fn collects_text_elements_with_entities_and_lines() {
        let xml = r#"<?xml version="1.0"?><w:document xmlns:w="x"><w:body>
            <w:p><w:r><w:t>Fish &amp; chips &#233;t&#xE9;</w:t></w:r><w:r><w:t xml:space="preserve"> à </w:t></w:r></w:p>
            <w:p/><w:p><w:t><![CDATA[<raw>]]></w:t><w:t/><w:instrText>HYPERLINK</w:instrText><w:t>&lt;&gt;&quot;&apos;&bogus;</w:t></w:p>
            </w:body></w:document>"#;
        assert_eq!(
            text(xml, usize::MAX),
            "\nFish & chips été  à  \n\n<raw>  <>\"' "
        );
    }

    #[test]
    fn stops_at_the_cap_and_at_malformation_keeping_what_came_before() {
        let many = format!("<d>{}</d>", "<p><t>word word</t></p>".repeat(1000));
        let capped = text(&many, 100);
        assert!((100..140).contains(&capped.len()), "{}", capped.len());
        let broken = "<d><p><t>kept</t></p><p><t>lost</wrong><</d>";
        assert!(text(broken, usize::MAX).starts_with("\nkept \n"));
        assert_eq!(text("not xml at all", usize::MAX), "");
    }
}
