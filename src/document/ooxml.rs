//! OOXML packages (docx/xlsx/pptx and their macro and template variants):
//! `docProps/core.xml` (Dublin Core + OPC core properties), `docProps/app.xml`
//! (extended properties), `docProps/custom.xml`, Word's editing-session ids
//! in `word/settings.xml`, the zip entries' times, and the visible text.
//!
//! Read with the `zip` crate (already the archive reader) and `roxmltree`.

use std::io::Cursor;

use serde_json::Value;

use super::time::{DocTime, from_dos, parse_iso};
use super::xml::{PartText, TextTags, all_text, parse, text_of, zip_part, zip_part_text};
use super::{DocumentFacts, Extracted, OoxmlFacts, Reader, nonempty};

pub struct Ooxml;

/// Most text kept for the fingerprint (characters).
const TEXT_CAP: usize = 4 << 20;
/// Most XML inflated, over all parts, to find the text (bytes): every part
/// read counts whole, including one refused as malformed.
const TEXT_PARTS_CAP: u64 = 128 << 20;

impl Reader for Ooxml {
    fn name(&self) -> &'static str {
        "ooxml"
    }

    fn reads(&self, detected: &str) -> bool {
        detected.starts_with("application/vnd.openxmlformats-officedocument.")
            || detected.starts_with("application/vnd.ms-word.")
            || detected.starts_with("application/vnd.ms-excel.")
            || detected.starts_with("application/vnd.ms-powerpoint.")
            || detected == crate::detect::OOXML_OTHER
    }

    fn read(&self, bytes: &[u8]) -> Result<Extracted, String> {
        let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| e.to_string())?;
        let mut f = DocumentFacts::default();
        let mut ox = OoxmlFacts::default();
        if let Some(core) = zip_part(&mut zip, "docProps/core.xml") {
            read_core(&core, &mut f)?;
        }
        if let Some(app) = zip_part(&mut zip, "docProps/app.xml") {
            read_app(&app, &mut f)?;
        }
        if let Some(custom) = zip_part(&mut zip, "docProps/custom.xml")
            && let Ok(doc) = parse(&custom)
        {
            for p in doc
                .descendants()
                .filter(|n| n.has_tag_name("property") || n.tag_name().name() == "property")
            {
                if let Some(name) = p.attribute("name") {
                    ox.custom.push(name.to_string());
                    if let Some(v) = nonempty(all_text(p)) {
                        f.raw.insert(format!("custom:{name}"), Value::from(v));
                    }
                }
            }
        }
        if let Some(settings) = zip_part(&mut zip, "word/settings.xml")
            && let Ok(doc) = parse(&settings)
        {
            for n in doc.descendants().filter(|n| n.is_element()) {
                // Session ids are 4-byte hex numbers (ST_LongHexNumber); an
                // empty or malformed value identifies nothing and is dropped.
                let val = n
                    .attributes()
                    .find(|a| a.name() == "val")
                    .map(|a| a.value().to_ascii_uppercase())
                    .filter(|v| {
                        (1..=8).contains(&v.len()) && v.bytes().all(|b| b.is_ascii_hexdigit())
                    });
                match (n.tag_name().name(), val) {
                    ("rsidRoot", Some(v)) => ox.rsid_root = Some(v),
                    ("rsid", Some(v)) => ox.rsids.push(v),
                    _ => {}
                }
            }
        }
        ox.zip_times = zip_times(&mut zip);
        let text = visible_text(&mut zip);
        f.ooxml = Some(ox);
        Ok(Extracted {
            facts: f,
            text: Some(text),
        })
    }
}

fn read_core(xml: &str, f: &mut DocumentFacts) -> Result<(), String> {
    let doc = parse(xml).map_err(|e| format!("docProps/core.xml: {e}"))?;
    let root = doc.root_element();
    for n in root.children().filter(|n| n.is_element()) {
        if let Some(v) = nonempty(all_text(n)) {
            f.raw
                .insert(format!("core:{}", n.tag_name().name()), Value::from(v));
        }
    }
    let date = |name: &str| text_of(root, name).and_then(|t| parse_iso(&t));
    f.title = text_of(root, "title");
    f.author = text_of(root, "creator");
    f.last_modified_by = text_of(root, "lastModifiedBy");
    f.revision = text_of(root, "revision");
    f.language = text_of(root, "language");
    f.created = date("created");
    f.modified = date("modified");
    f.printed = date("lastPrinted");
    Ok(())
}

fn read_app(xml: &str, f: &mut DocumentFacts) -> Result<(), String> {
    let doc = parse(xml).map_err(|e| format!("docProps/app.xml: {e}"))?;
    let root = doc.root_element();
    for n in root.children().filter(|n| n.is_element()) {
        let name = n.tag_name().name();
        if name == "HeadingPairs" || name == "TitlesOfParts" {
            let parts: Vec<Value> = n
                .descendants()
                .filter(|c| {
                    c.is_element() && matches!(c.tag_name().name(), "lpstr" | "lpwstr" | "i4")
                })
                .filter_map(|c| nonempty(all_text(c)))
                .map(Value::from)
                .collect();
            if !parts.is_empty() {
                f.raw.insert(format!("app:{name}"), Value::Array(parts));
            }
        } else if let Some(v) = nonempty(all_text(n)) {
            f.raw.insert(format!("app:{name}"), Value::from(v));
        }
    }
    f.application = text_of(root, "Application");
    f.app_version = text_of(root, "AppVersion");
    f.company = text_of(root, "Company");
    f.manager = text_of(root, "Manager");
    f.template = text_of(root, "Template");
    f.pages = text_of(root, "Pages").and_then(|p| p.parse().ok());
    f.editing_seconds = text_of(root, "TotalTime")
        .and_then(|t| t.parse::<u64>().ok())
        .map(|m| m.saturating_mul(60));
    if f.language.is_none()
        && let Some(Value::Array(pairs)) = f.raw.get("app:HeadingPairs")
    {
        f.language = pairs
            .iter()
            .filter_map(Value::as_str)
            .find_map(ui_language)
            .map(str::to_string);
    }
    Ok(())
}

/// The Office user-interface language a `HeadingPairs` label betrays: Office
/// writes the names of the part kinds ("Worksheets", "Title") in its own
/// language. Only unambiguous labels are listed.
pub fn ui_language(label: &str) -> Option<&'static str> {
    Some(match label.trim() {
        "Worksheets" | "Title" | "Named Ranges" | "Charts" | "Slide Titles" | "Fonts Used"
        | "Theme" | "Design Template" => "en",
        "Feuilles de calcul"
        | "Titre"
        | "Plages nommées"
        | "Graphiques"
        | "Titres des diapositives"
        | "Polices utilisées"
        | "Thème" => "fr",
        "Arbeitsblätter"
        | "Benannte Bereiche"
        | "Diagramme"
        | "Folientitel"
        | "Verwendete Schriftarten"
        | "Design" => "de",
        "Hojas de cálculo" | "Título" | "Rangos con nombre" | "Títulos de diapositiva" => "es",
        "Fogli di lavoro" | "Titolo" | "Intervalli denominati" => "it",
        "Листы"
        | "Название"
        | "Именованные диапазоны"
        | "Диаграммы"
        | "Заголовки слайдов"
        | "Использованные шрифты"
        | "Тема" => "ru",
        "Аркуші" | "Назва" => "uk",
        "ورقة عمل" | "أوراق العمل" | "العنوان" => "ar",
        "工作表" | "标题" => "zh",
        _ => return None,
    })
}

/// Earliest and latest entry times that are not Office's 1980-01-01 stamp.
fn zip_times(zip: &mut zip::ZipArchive<Cursor<&[u8]>>) -> Option<(DocTime, DocTime)> {
    let mut lo: Option<DocTime> = None;
    let mut hi: Option<DocTime> = None;
    for i in 0..zip.len() {
        let Ok(e) = zip.by_index_raw(i) else {
            continue;
        };
        let Some(dt) = e.last_modified() else {
            continue;
        };
        if dt.year() <= 1980 && dt.month() <= 1 && dt.day() <= 1 {
            continue;
        }
        let Some(t) = from_dos(
            dt.year(),
            dt.month(),
            dt.day(),
            dt.hour(),
            dt.minute(),
            dt.second(),
        ) else {
            continue;
        };
        if lo.as_ref().is_none_or(|l| t.unix < l.unix) {
            lo = Some(t.clone());
        }
        if hi.as_ref().is_none_or(|h| t.unix > h.unix) {
            hi = Some(t);
        }
    }
    Some((lo?, hi?))
}

/// The visible text: Word runs, Excel shared and inline strings, PowerPoint
/// slide runs, in part order.
fn visible_text(zip: &mut zip::ZipArchive<Cursor<&[u8]>>) -> String {
    let mut names: Vec<String> = zip
        .file_names()
        .filter_map(|n| n.ok().map(|n| n.into_owned()))
        .filter(|n| {
            n == "word/document.xml"
                || n == "xl/sharedStrings.xml"
                || (n.starts_with("xl/worksheets/sheet") && n.ends_with(".xml"))
                || (n.starts_with("ppt/slides/slide") && n.ends_with(".xml"))
        })
        .collect();
    names.sort_by_key(|n| (n.len(), n.clone()));
    let tags = TextTags {
        text: &["t"],
        line: &["p"],
    };
    let mut out = String::new();
    let mut read = 0u64;
    for name in names {
        // A package of many huge parts (a bomb) costs at most this much.
        if read > TEXT_PARTS_CAP || out.len() > TEXT_CAP {
            break;
        }
        // w:t (Word), t (Excel strings), a:t (DrawingML); w:p / a:p end a
        // paragraph.
        let (ended, bytes) = zip_part_text(zip, &name, &tags, &mut out, TEXT_CAP);
        read += bytes;
        if ended == PartText::Capped {
            break;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn package(files: &[(&str, &str)], time: zip::DateTime) -> Vec<u8> {
        let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let o = zip::write::SimpleFileOptions::default().last_modified_time(time);
        for (n, body) in files {
            w.start_file(*n, o).unwrap();
            w.write_all(body.as_bytes()).unwrap();
        }
        w.finish().unwrap().into_inner()
    }

    #[test]
    fn reads_core_app_settings_and_text() {
        let core = r#"<?xml version="1.0"?><cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><dc:creator>Cédric Martin</dc:creator><cp:lastModifiedBy>Рошка Георгий Петрович</cp:lastModifiedBy><cp:revision>7</cp:revision><dcterms:created xsi:type="dcterms:W3CDTF">2014-01-09T08:00:00Z</dcterms:created><dcterms:modified xsi:type="dcterms:W3CDTF">2017-03-27T10:02:00Z</dcterms:modified></cp:coreProperties>"#;
        let app = r#"<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"><Application>Microsoft Excel</Application><TotalTime>4294967295</TotalTime><HeadingPairs><vt:vector size="2" baseType="variant"><vt:variant><vt:lpstr>Листы</vt:lpstr></vt:variant><vt:variant><vt:i4>1</vt:i4></vt:variant></vt:vector></HeadingPairs><Company>En Marche</Company><AppVersion>15.0300</AppVersion></Properties>"#;
        let settings = r#"<w:settings xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:rsids><w:rsidRoot w:val="00c41a2b"/><w:rsid w:val="00C41A2B"/><w:rsid w:val="00F00BA4"/></w:rsids></w:settings>"#;
        let body = r#"<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>Bonjour</w:t></w:r></w:p><w:p><w:r><w:t>le monde</w:t></w:r></w:p></w:body></w:document>"#;
        let bytes = package(
            &[
                ("docProps/core.xml", core),
                ("docProps/app.xml", app),
                ("word/settings.xml", settings),
                ("word/document.xml", body),
            ],
            zip::DateTime::from_date_and_time(2017, 3, 27, 12, 4, 0).unwrap(),
        );
        let x = Ooxml.read(&bytes).unwrap();
        let f = &x.facts;
        assert_eq!(f.author.as_deref(), Some("Cédric Martin"));
        assert_eq!(
            f.last_modified_by.as_deref(),
            Some("Рошка Георгий Петрович")
        );
        assert_eq!(f.revision.as_deref(), Some("7"));
        assert_eq!(f.created.as_ref().unwrap().unix, 1_389_254_400);
        assert_eq!(f.modified.as_ref().unwrap().zone, Some(0));
        assert_eq!(f.application.as_deref(), Some("Microsoft Excel"));
        assert_eq!(f.app_version.as_deref(), Some("15.0300"));
        assert_eq!(f.company.as_deref(), Some("En Marche"));
        assert_eq!(f.editing_seconds, Some(4_294_967_295 * 60));
        assert_eq!(f.language.as_deref(), Some("ru"));
        let ox = f.ooxml.as_ref().unwrap();
        assert_eq!(ox.rsid_root.as_deref(), Some("00C41A2B"));
        assert_eq!(ox.rsids, ["00C41A2B", "00F00BA4"]);
        let (lo, hi) = ox.zip_times.as_ref().unwrap();
        assert_eq!((lo.zone, hi.text.as_str()), (None, "2017-03-27 12:04:00"));
        assert_eq!(
            x.text
                .as_deref()
                .map(str::split_whitespace)
                .map(|w| w.collect::<Vec<_>>()),
            Some(vec!["Bonjour", "le", "monde"])
        );
    }

    #[test]
    fn empty_or_malformed_session_ids_are_dropped() {
        let settings = r#"<w:settings xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:rsids><w:rsidRoot w:val=""/><w:rsid w:val="zz"/><w:rsid w:val="0012AB34"/></w:rsids></w:settings>"#;
        let bytes = package(&[("word/settings.xml", settings)], zip::DateTime::default());
        let x = Ooxml.read(&bytes).unwrap();
        let ox = x.facts.ooxml.as_ref().unwrap();
        assert_eq!(ox.rsid_root, None);
        assert_eq!(ox.rsids, ["0012AB34"]);
    }

    #[test]
    fn office_stamps_and_damage() {
        let bytes = package(&[("docProps/core.xml", "<x/>")], zip::DateTime::default());
        let x = Ooxml.read(&bytes).unwrap();
        assert!(
            x.facts.ooxml.unwrap().zip_times.is_none(),
            "1980-01-01 is Office's constant"
        );
        let bad = package(
            &[("docProps/core.xml", "<a><b></a>")],
            zip::DateTime::default(),
        );
        assert!(Ooxml.read(&bad).unwrap_err().contains("core.xml"));
        assert!(Ooxml.read(b"PK\x03\x04 not really").is_err());
    }
}
