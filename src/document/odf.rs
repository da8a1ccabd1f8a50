//! OpenDocument packages (odt/ods/odp/odg/odf and the StarOffice `sx*`
//! formats before them): the document properties in `meta.xml`, the
//! encrypted parts listed in `META-INF/manifest.xml`, and the paragraph and
//! heading text of `content.xml`.
//!
//! In ODF, `meta:initial-creator` is the author and `dc:creator` the last
//! person who saved; `meta:editing-cycles` counts the saves and
//! `meta:editing-duration` is the total editing time as an ISO 8601
//! duration. Dates usually carry no zone: they are the local time of the
//! computer that saved.
//!
//! Read with the `zip` crate (already the archive reader) and `roxmltree`
//! (already the XML reader: no DTD expansion, so no entity bombs).

use std::borrow::Cow;
use std::io::Cursor;

use serde_json::Value;

use super::time::parse_iso;
use super::xml::{all_text, parse, zip_part};
use super::{DocumentFacts, Extracted, Reader, nonempty};

pub struct Odf;

/// Most text kept for the fingerprint (bytes).
const TEXT_CAP: usize = 4 << 20;

impl Reader for Odf {
    fn name(&self) -> &'static str {
        "odf"
    }

    fn reads(&self, detected: &str) -> bool {
        detected.starts_with("application/vnd.oasis.opendocument")
    }

    fn read(&self, bytes: &[u8]) -> Result<Extracted, String> {
        let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| e.to_string())?;
        let mut f = DocumentFacts::default();
        let encrypted = zip_part(&mut zip, "META-INF/manifest.xml")
            .map(|m| encrypted_parts(&m))
            .unwrap_or_default();
        let readable = |part: &str| !encrypted.iter().any(|e| e == part);
        if readable("meta.xml")
            && let Some(meta) = zip_part(&mut zip, "meta.xml")
        {
            read_meta(&meta, &mut f)?;
        }
        let text = if readable("content.xml") {
            zip_part(&mut zip, "content.xml").and_then(|c| visible_text(&c))
        } else {
            None
        };
        if !encrypted.is_empty() {
            f.raw
                .insert("manifest:encrypted".into(), Value::from(encrypted));
        }
        Ok(Extracted { facts: f, text })
    }
}

/// The parts a password-protected package stores encrypted (the manifest
/// gives them `manifest:encryption-data`). LibreOffice encrypts `meta.xml`
/// along with the content, so such a document has no readable properties.
fn encrypted_parts(manifest: &str) -> Vec<String> {
    let Ok(doc) = parse(manifest) else {
        return Vec::new();
    };
    doc.descendants()
        .filter(|n| n.tag_name().name() == "file-entry")
        .filter(|n| {
            n.children()
                .any(|c| c.tag_name().name() == "encryption-data")
        })
        .filter_map(|n| attribute(n, "full-path"))
        .map(str::to_string)
        .collect()
}

/// Reads `meta.xml` into `f`: every property under `raw` (`meta:<name>`,
/// attributes as `meta:<name>:<attribute>`, user-defined properties as
/// `user:<name>`), and the ones [`DocumentFacts`] knows into their fields.
fn read_meta(xml: &str, f: &mut DocumentFacts) -> Result<(), String> {
    let xml = without_external_doctype(xml);
    let doc = parse(&xml).map_err(|e| format!("meta.xml: {e}"))?;
    let root = doc.root_element();
    if let Some(v) = attribute(root, "version") {
        f.raw.insert("office:version".into(), Value::from(v));
    }
    let Some(meta) = root.children().find(|n| n.tag_name().name() == "meta") else {
        return Ok(());
    };
    for n in meta.children().filter(|n| n.is_element()) {
        let name = n.tag_name().name();
        let text = nonempty(all_text(n));
        if name == "user-defined" {
            if let (Some(key), Some(v)) = (attribute(n, "name"), text) {
                add_raw(f, format!("user:{key}"), v);
            }
            continue;
        }
        for a in n.attributes() {
            if let Some(v) = nonempty(a.value()) {
                add_raw(f, format!("meta:{name}:{}", a.name()), v);
            }
        }
        if let Some(v) = &text {
            add_raw(f, format!("meta:{name}"), v.clone());
        }
        // Dates are ASCII; the time parser slices bytes, so nothing else
        // reaches it.
        let date = || text.as_deref().filter(|t| t.is_ascii()).and_then(parse_iso);
        // Local names only: StarOffice wrote the same elements in the
        // `http://openoffice.org/2000/meta` namespace.
        match name {
            "generator" => f.application = text,
            "initial-creator" => f.author = text,
            "creator" => f.last_modified_by = text,
            "creation-date" => f.created = date(),
            "date" => f.modified = date(),
            "print-date" => f.printed = date(),
            "editing-cycles" => f.revision = text,
            "editing-duration" => f.editing_seconds = text.and_then(|t| duration_secs(&t)),
            "title" => f.title = text,
            "language" => f.language = text,
            "template" => f.template = attribute(n, "href").and_then(nonempty),
            "document-statistic" => {
                f.pages = attribute(n, "page-count").and_then(|p| p.trim().parse().ok());
            }
            _ => {}
        }
    }
    Ok(())
}

/// Adds a raw value; a repeated name (`meta:keyword`) collects an array.
fn add_raw(f: &mut DocumentFacts, key: String, value: String) {
    match f.raw.get_mut(&key) {
        Some(Value::Array(values)) => values.push(Value::from(value)),
        Some(first) => *first = Value::Array(vec![first.take(), Value::from(value)]),
        None => {
            f.raw.insert(key, Value::from(value));
        }
    }
}

/// The value of the attribute named `local` in any namespace.
fn attribute<'a>(node: roxmltree::Node<'a, '_>, local: &str) -> Option<&'a str> {
    node.attributes()
        .find(|a| a.name() == local)
        .map(|a| a.value())
}

/// An ISO 8601 duration in whole seconds: `PT3M49S`, `PT02H03M24S`,
/// `P1DT2H3M`, `PT1H2M3.5S` (fractions dropped), `P0D`. Years and months
/// have no fixed length and negative durations no meaning here: `None`.
fn duration_secs(text: &str) -> Option<u64> {
    let rest = text.trim().strip_prefix('P')?;
    if !rest.bytes().any(|b| b.is_ascii_digit()) {
        return None;
    }
    let (days, clock) = rest.split_once('T').unwrap_or((rest, ""));
    let mut secs = units(days, &[('W', 7 * 86_400), ('D', 86_400)])?;
    secs = secs.checked_add(units(clock, &[('H', 3600), ('M', 60), ('S', 1)])?)?;
    Some(secs)
}

/// Sums `<number><unit>` pairs, units in the order given, each at most once.
fn units(mut text: &str, order: &[(char, u64)]) -> Option<u64> {
    let mut total: u64 = 0;
    let mut allowed = order;
    while !text.is_empty() {
        let end = text.find(|c: char| !c.is_ascii_digit() && c != '.' && c != ',')?;
        let (number, unit) = (&text[..end], text[end..].chars().next()?);
        let at = allowed.iter().position(|(u, _)| *u == unit)?;
        let whole = number.split(['.', ',']).next()?;
        let n: u64 = whole.parse().ok()?;
        total = total.checked_add(n.checked_mul(allowed[at].1)?)?;
        allowed = &allowed[at + 1..];
        text = &text[end + unit.len_utf8()..];
    }
    Some(total)
}

/// `xml` without a `<!DOCTYPE …>` that only names an external DTD, as
/// StarOffice and OpenOffice.org 1 wrote (`"office.dtd"`, never shipped in
/// the file). Such a declaration defines no entity, so dropping it changes
/// nothing, while `roxmltree` refuses every DTD. A declaration with an
/// internal subset (`[…]`) is kept, and refused.
fn without_external_doctype(xml: &str) -> Cow<'_, str> {
    let Some(start) = xml.find("<!DOCTYPE") else {
        return Cow::Borrowed(xml);
    };
    let Some(len) = xml[start..].find('>') else {
        return Cow::Borrowed(xml);
    };
    if xml[start..start + len].contains('[') {
        return Cow::Borrowed(xml);
    }
    Cow::Owned(format!("{}{}", &xml[..start], &xml[start + len + 1..]))
}

/// The text of the paragraphs and headings of `content.xml` (text,
/// spreadsheet cells and slides all hold their text in `text:p`), one
/// paragraph a line, at most about [`TEXT_CAP`] bytes. Comments keep their
/// text but not their author and date (`office:annotation` holds
/// `dc:creator` and `dc:date` inside the paragraph it annotates). `None`
/// when the part cannot be parsed.
fn visible_text(xml: &str) -> Option<String> {
    let xml = without_external_doctype(xml);
    let doc = parse(&xml).ok()?;
    let mut out = String::new();
    // `roxmltree` keeps the nodes in document order, an element's subtree
    // being the run of nodes after it: a node is inside a paragraph when
    // its index is below the end of the outermost paragraph opened so far.
    // One pass, with no walk up a deeply nested hostile document.
    let (mut paragraph_end, mut annotation_meta_end) = (0, 0);
    for (i, n) in doc.root().descendants().enumerate() {
        let end = i + n.descendants().len();
        if n.is_element() {
            match n.tag_name().name() {
                "p" | "h" => {
                    paragraph_end = paragraph_end.max(end);
                    out.push('\n');
                }
                "line-break" => out.push('\n'),
                "s" => out.push(' '),
                "tab" => out.push('\t'),
                "creator" | "date" | "date-string" => {
                    annotation_meta_end = annotation_meta_end.max(end);
                }
                _ => {}
            }
        } else if let Some(t) = n.text().filter(|_| n.is_text())
            && i < paragraph_end
            && i >= annotation_meta_end
        {
            out.push_str(t);
        }
        if out.len() > TEXT_CAP {
            break;
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn package(files: &[(&str, &str)]) -> Vec<u8> {
        let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let o = zip::write::SimpleFileOptions::default();
        w.start_file("mimetype", o).unwrap();
        w.write_all(b"application/vnd.oasis.opendocument.text")
            .unwrap();
        for (n, body) in files {
            w.start_file(*n, o).unwrap();
            w.write_all(body.as_bytes()).unwrap();
        }
        w.finish().unwrap().into_inner()
    }

    const META: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<office:document-meta xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:xlink="http://www.w3.org/1999/xlink" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0" office:version="1.2"><office:meta>
<meta:initial-creator>Bart Hanssens</meta:initial-creator>
<meta:creation-date>2009-10-05T19:04:01</meta:creation-date>
<meta:editing-cycles>2</meta:editing-cycles>
<meta:editing-duration>P1DT2H3M4.5S</meta:editing-duration>
<meta:keyword>Apache</meta:keyword><meta:keyword>Tika</meta:keyword>
<dc:title>Apache Tika</dc:title>
<dc:date>2009-10-05T21:22:38.535000000</dc:date>
<dc:creator>Рошка Георгий</dc:creator>
<dc:language>ru-RU</dc:language>
<meta:print-date>2009-10-06T08:00:00Z</meta:print-date>
<meta:template xlink:type="simple" xlink:href="file:///C:/Users/jdoe/Templates/memo.ott" xlink:title="memo"/>
<meta:generator>OpenOffice.org/3.1$Unix</meta:generator>
<meta:document-statistic meta:page-count="2" meta:word-count="54"/>
<meta:user-defined meta:name="Editor">Bart Hanssens</meta:user-defined>
<meta:user-defined meta:name="Info 2"/>
</office:meta></office:document-meta>"#;

    const CONTENT: &str = r#"<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><office:body><office:text>
<text:h>Titre</text:h>
<text:p>Bonjour<text:s/>le <text:span>monde</text:span><office:annotation><dc:creator>Relecteur</dc:creator><dc:date>2009-10-05T21:00:00</dc:date><text:p>à revoir</text:p></office:annotation></text:p>
</office:text></office:body></office:document-content>"#;

    #[test]
    fn reads_meta_and_text() {
        let x = Odf
            .read(&package(&[("meta.xml", META), ("content.xml", CONTENT)]))
            .unwrap();
        let f = &x.facts;
        assert_eq!(f.author.as_deref(), Some("Bart Hanssens"));
        assert_eq!(f.last_modified_by.as_deref(), Some("Рошка Георгий"));
        assert_eq!(f.application.as_deref(), Some("OpenOffice.org/3.1$Unix"));
        assert_eq!(f.revision.as_deref(), Some("2"));
        assert_eq!(f.editing_seconds, Some(86_400 + 2 * 3600 + 3 * 60 + 4));
        assert_eq!(f.title.as_deref(), Some("Apache Tika"));
        assert_eq!(f.language.as_deref(), Some("ru-RU"));
        assert_eq!(f.pages, Some(2));
        assert_eq!(
            f.template.as_deref(),
            Some("file:///C:/Users/jdoe/Templates/memo.ott")
        );
        let created = f.created.as_ref().unwrap();
        assert_eq!((created.unix, created.zone), (1_254_769_441, None));
        assert_eq!(f.modified.as_ref().unwrap().zone, None);
        assert_eq!(f.printed.as_ref().unwrap().zone, Some(0));
        assert_eq!(f.raw["user:Editor"], "Bart Hanssens");
        assert!(
            !f.raw.contains_key("user:Info 2"),
            "empty values are left out"
        );
        assert_eq!(f.raw["meta:keyword"], serde_json::json!(["Apache", "Tika"]));
        assert_eq!(f.raw["meta:document-statistic:word-count"], "54");
        assert_eq!(f.raw["meta:template:title"], "memo");
        assert_eq!(f.raw["meta:creator"], "Рошка Георгий");
        assert_eq!(f.raw["office:version"], "1.2");
        let text = x.text.unwrap();
        let words: Vec<&str> = text.split_whitespace().collect();
        assert_eq!(words, ["Titre", "Bonjour", "le", "monde", "à", "revoir"]);
    }

    #[test]
    fn durations() {
        assert_eq!(duration_secs("PT3M49S"), Some(229));
        assert_eq!(duration_secs("PT02H03M24S"), Some(7404));
        assert_eq!(duration_secs("P1DT2H3M"), Some(93_780));
        assert_eq!(duration_secs("PT1H2M3.5S"), Some(3723));
        assert_eq!(duration_secs("P0D"), Some(0));
        assert_eq!(duration_secs("P2W"), Some(14 * 86_400));
        assert_eq!(duration_secs("P1Y"), None, "a year has no fixed length");
        assert_eq!(duration_secs("PT3S3M"), None, "units out of order");
        assert_eq!(duration_secs("-PT3S"), None);
        assert_eq!(duration_secs("PT99999999999999999999S"), None);
        assert_eq!(duration_secs("PT"), None);
        assert_eq!(duration_secs("3 minutes"), None);
    }

    #[test]
    fn no_meta_staroffice_doctype_and_damage() {
        let x = Odf.read(&package(&[("content.xml", CONTENT)])).unwrap();
        assert_eq!(x.facts, DocumentFacts::default());
        assert!(x.text.unwrap().contains("Bonjour"));

        let old = r#"<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE office:document-meta PUBLIC "-//OpenOffice.org//DTD OfficeDocument 1.0//EN" "office.dtd"><office:document-meta xmlns:office="http://openoffice.org/2000/office" xmlns:meta="http://openoffice.org/2000/meta"><office:meta><meta:generator>OpenOffice.org 1.0 (Win32)</meta:generator></office:meta></office:document-meta>"#;
        let x = Odf.read(&package(&[("meta.xml", old)])).unwrap();
        assert_eq!(
            x.facts.application.as_deref(),
            Some("OpenOffice.org 1.0 (Win32)")
        );

        let bomb = r#"<!DOCTYPE m [<!ENTITY a "aaaa">]><m>&a;</m>"#;
        assert!(Odf.read(&package(&[("meta.xml", bomb)])).is_err());
        let err = Odf
            .read(&package(&[("meta.xml", "<office:document-meta><a></b>")]))
            .unwrap_err();
        assert!(err.contains("meta.xml"), "{err}");
        assert!(Odf.read(b"PK\x03\x04 not really").is_err());
    }

    #[test]
    fn deep_nesting_is_read_in_one_pass() {
        let depth = 100_000;
        let content = format!(
            "<office:document-content xmlns:office=\"o\" xmlns:text=\"t\">{}{}</office:document-content>",
            "<text:p>w ".repeat(depth),
            "</text:p>".repeat(depth)
        );
        let start = std::time::Instant::now();
        let text = visible_text(&content).unwrap();
        assert_eq!(text.split_whitespace().count(), depth);
        assert!(start.elapsed().as_secs() < 10);
    }

    #[test]
    fn encrypted_parts_are_not_parsed() {
        let manifest = r#"<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0">
 <manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.text"/>
 <manifest:file-entry manifest:full-path="meta.xml" manifest:media-type="text/xml"><manifest:encryption-data/></manifest:file-entry>
 <manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"><manifest:encryption-data/></manifest:file-entry>
</manifest:manifest>"#;
        let x = Odf
            .read(&package(&[
                ("META-INF/manifest.xml", manifest),
                ("meta.xml", "\u{1}\u{7f}garbage"),
                ("content.xml", "\u{2}garbage"),
            ]))
            .unwrap();
        assert_eq!(
            x.facts.raw["manifest:encrypted"],
            serde_json::json!(["meta.xml", "content.xml"])
        );
        assert!(x.text.is_none());
    }
}
