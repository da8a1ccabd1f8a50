//! Document metadata against ExifTool 12.57's reading of the real corpus
//! (`../shared/corpus/exiftool.json`): on the fields both tools read, at
//! least 95% must agree; disagreements we judge ExifTool wrong on are in
//! `tests/oracle/exiftool-differences.tsv` with the reason.

use std::collections::BTreeMap;

use leakcheck::document::{DocTime, DocumentFacts};
use serde_json::Value;

use crate::util::shared_corpus;

/// Which of our fields an ExifTool tag corresponds to.
const FIELDS: &[(&str, &[&str])] = &[
    (
        "author",
        &[
            "XMP-dc:Creator@ooxml",
            "FlashPix:Author",
            "XMP-meta:Initial-creator",
            "PDF:Author",
        ],
    ),
    (
        "last_modified_by",
        &[
            "XML:LastModifiedBy",
            "FlashPix:LastModifiedBy",
            "XMP-dc:Creator@odf",
        ],
    ),
    ("company", &["XML:Company", "FlashPix:Company"]),
    ("manager", &["XML:Manager", "FlashPix:Manager"]),
    ("template", &["XML:Template", "FlashPix:Template"]),
    (
        "application",
        &[
            "XML:Application",
            "FlashPix:Software",
            "XMP-meta:Generator",
            "PDF:Creator",
            "IFD0:Software",
        ],
    ),
    ("app_version", &["XML:AppVersion", "FlashPix:AppVersion"]),
    ("producer", &["PDF:Producer"]),
    (
        "created",
        &[
            "XML:CreateDate",
            "FlashPix:CreateDate",
            "XMP-meta:Creation-date",
            "PDF:CreateDate",
        ],
    ),
    (
        "modified",
        &[
            "XML:ModifyDate",
            "FlashPix:ModifyDate",
            "XMP-dc:Date@odf",
            "PDF:ModifyDate",
            "IFD0:ModifyDate",
        ],
    ),
    ("printed", &["XML:LastPrinted", "FlashPix:LastPrinted"]),
    (
        "revision",
        &[
            "XML:RevisionNumber",
            "FlashPix:RevisionNumber",
            "XMP-meta:Editing-cycles",
        ],
    ),
    ("title", &["PDF:Title", "FlashPix:Title"]),
    ("pdf_version", &["PDF:PDFVersion"]),
    ("pages", &["PDF:PageCount"]),
    ("make", &["IFD0:Make"]),
    ("model", &["IFD0:Model"]),
    ("taken", &["ExifIFD:DateTimeOriginal"]),
    ("xmp_creator_tool", &["XMP-xmp:CreatorTool@pdf"]),
    ("xmp_producer", &["XMP-pdf:Producer@pdf"]),
    ("xmp_document_id", &["XMP-xmpMM:DocumentID@pdf"]),
];

/// Our value of `field`, as text.
fn ours(f: &DocumentFacts, field: &str) -> Option<String> {
    let t = |d: &Option<DocTime>| d.as_ref().map(wall_clock);
    let pdf = f.pdf.as_ref();
    let img = f.image.as_ref();
    let xmp = |k: &str| {
        pdf.and_then(|p| p.xmp.get(k))
            .and_then(Value::as_str)
            .map(str::to_string)
    };
    match field {
        "author" => f.author.clone(),
        "last_modified_by" => f.last_modified_by.clone(),
        "company" => f.company.clone(),
        "manager" => f.manager.clone(),
        "template" => f.template.clone(),
        "application" => f.application.clone(),
        "app_version" => f.app_version.clone(),
        "producer" => f.producer.clone(),
        "created" => t(&f.created),
        "modified" => t(&f.modified),
        "printed" => t(&f.printed),
        "revision" => f.revision.clone(),
        "title" => f.title.clone(),
        "pdf_version" => pdf.and_then(|p| p.version.clone()),
        "pages" => f.pages.map(|p| p.to_string()),
        "make" => img.and_then(|i| i.make.clone()),
        "model" => img.and_then(|i| i.model.clone()),
        "taken" => img.and_then(|i| i.taken.as_ref()).map(wall_clock),
        "xmp_creator_tool" => xmp("xmp:CreatorTool"),
        "xmp_producer" => xmp("pdf:Producer"),
        "xmp_document_id" => xmp("xmpMM:DocumentID"),
        _ => None,
    }
}

/// `2017-03-27 10:12:00`: the local wall-clock time a value wrote.
fn wall_clock(t: &DocTime) -> String {
    let local = t.unix + i64::from(t.zone.unwrap_or(0)) * 60;
    let (y, mo, d, h, mi, s) = leakcheck::email::date::civil(local);
    format!("{y:04}-{mo:02}-{d:02} {h:02}:{mi:02}:{s:02}")
}

/// ExifTool's value as comparable text: dates to wall-clock form, numbers
/// without trailing zeros, lists joined.
fn theirs(v: &Value, field: &str) -> Option<String> {
    let s = match v {
        Value::String(s) => s.trim().to_string(),
        Value::Number(n) => n.to_string(),
        Value::Array(a) => a
            .iter()
            .map(|x| {
                x.as_str()
                    .map(str::to_string)
                    .unwrap_or_else(|| x.to_string())
            })
            .collect::<Vec<_>>()
            .join(", "),
        _ => return None,
    };
    if s.is_empty() {
        return None;
    }
    if matches!(field, "created" | "modified" | "printed" | "taken") {
        // "2010:11:12 16:22:00", "2017:02:21 01:31:21.535000000", "...Z", "...+02:00"
        let b = s.as_bytes();
        if b.len() < 19 || s.starts_with("0000") {
            return None;
        }
        return Some(format!(
            "{}-{}-{} {}",
            &s[0..4],
            &s[5..7],
            &s[8..10],
            &s[11..19]
        ));
    }
    Some(s)
}

/// Compares two values the way a reader would: trimmed, numbers by value.
fn agree(field: &str, a: &str, b: &str) -> bool {
    let (a, b) = (a.trim(), b.trim());
    if a == b {
        return true;
    }
    if let (Ok(x), Ok(y)) = (a.parse::<f64>(), b.parse::<f64>()) {
        return (x - y).abs() < 1e-6 || field == "app_version" && (x - y).abs() < 0.01;
    }
    false
}

fn known() -> BTreeMap<(String, String), String> {
    let text =
        std::fs::read_to_string(crate::util::root().join("tests/oracle/exiftool-differences.tsv"))
            .expect("tests/oracle/exiftool-differences.tsv");
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| {
            let mut p = l.splitn(3, '\t');
            let path = p.next().unwrap_or_default().to_string();
            let field = p.next().unwrap_or_default().to_string();
            let why = p.next().unwrap_or_default().to_string();
            ((path, field), why)
        })
        .collect()
}

#[test]
#[ignore = "needs ../shared/corpus"]
fn metadata_agrees_with_exiftool_on_the_real_corpus() {
    let corpus = shared_corpus();
    let entries: Vec<Value> =
        serde_json::from_str(&std::fs::read_to_string(corpus.join("exiftool.json")).unwrap())
            .unwrap();
    let known = known();
    let mut used_known = std::collections::BTreeSet::new();
    let (mut compared, mut agreed, mut missing) = (0usize, 0usize, 0usize);
    let mut per_field: BTreeMap<&str, (usize, usize, usize)> = BTreeMap::new();
    let mut unexplained = Vec::new();
    let mut missed = Vec::new();
    for e in &entries {
        let Some(path) = e["SourceFile"].as_str() else {
            continue;
        };
        let doc = leakcheck::document::read_file(&corpus.join(path)).unwrap();
        let Some(facts) = doc.document else {
            continue;
        };
        for (field, tags) in FIELDS {
            for tag in *tags {
                let (tag, only) = match tag.split_once('@') {
                    Some((t, fmt)) => (t, Some(fmt)),
                    None => (*tag, None),
                };
                if only.is_some_and(|f| f != facts.format) {
                    continue;
                }
                let Some(want) = e.get(tag).and_then(|v| theirs(v, field)) else {
                    continue;
                };
                let stats = per_field.entry(field).or_default();
                let Some(got) = ours(&facts, field) else {
                    missing += 1;
                    stats.2 += 1;
                    missed.push(format!("{path}\t{field}\t{tag}={want}"));
                    continue;
                };
                compared += 1;
                stats.0 += 1;
                if agree(field, &got, &want) {
                    agreed += 1;
                    stats.1 += 1;
                } else {
                    let key = (path.to_string(), field.to_string());
                    if known.contains_key(&key) {
                        used_known.insert(key);
                    } else {
                        unexplained.push(format!(
                            "{path}\t{field}\tours={got:?}\texiftool({tag})={want:?}"
                        ));
                    }
                }
            }
        }
    }
    for (field, (c, a, m)) in &per_field {
        eprintln!("{field:18} compared {c:4}  agreed {a:4}  we did not read {m:3}");
    }
    let share = agreed as f64 / compared.max(1) as f64;
    eprintln!(
        "agreement: {agreed}/{compared} = {:.1}% ({} disagreements explained in exiftool-differences.tsv); {missing} values ExifTool read and we did not",
        share * 100.0,
        used_known.len()
    );
    for m in &missed {
        eprintln!("missed: {m}");
    }
    let stale: Vec<_> = known.keys().filter(|k| !used_known.contains(*k)).collect();
    assert!(compared >= 500, "too few values compared: {compared}");
    assert!(
        unexplained.is_empty(),
        "disagreements with ExifTool not explained in tests/oracle/exiftool-differences.tsv:\n{}",
        unexplained.join("\n")
    );
    assert!(
        stale.is_empty(),
        "stale entries in exiftool-differences.tsv: {stale:?}"
    );
    assert!(
        share >= 0.95,
        "agreement {:.1}% is under 95%",
        share * 100.0
    );
    let coverage = compared as f64 / (compared + missing) as f64;
    assert!(
        coverage >= 0.90,
        "we read only {:.1}% of the values ExifTool read on these fields",
        coverage * 100.0
    );
}

fn samples_scan() -> leakcheck::Report {
    crate::util::scan_path(&crate::util::samples(), &[])
}

fn rules_on<'a>(r: &'a leakcheck::Report, path: &str) -> Vec<(&'a str, leakcheck::Severity)> {
    r.findings
        .iter()
        .filter(|f| f.paths.first().map(String::as_str) == Some(path))
        .map(|f| (f.rule.as_str(), f.severity))
        .collect()
}

#[test]
fn sample_documents_carry_their_metadata_in_the_report() {
    let r = samples_scan();
    let x = crate::util::item(&r, "archives/tresorerie.zip!budget/depenses-mars.xlsx");
    let d = x.document.as_deref().expect("document facts");
    assert_eq!(d.format, "ooxml");
    assert_eq!(d.author.as_deref(), Some("Cédric Martin"));
    assert_eq!(
        d.last_modified_by.as_deref(),
        Some("Рошка Георгий Петрович")
    );
    assert_eq!(d.created.as_ref().map(|t| t.unix), Some(1_402_479_000));
    let p = crate::util::item(&r, "mail/2017-04-28-virement.eml!justificatif.pdf");
    let pdf = p
        .document
        .as_deref()
        .and_then(|d| d.pdf.as_ref())
        .expect("pdf facts");
    assert_eq!(
        pdf.info.get("Author").and_then(Value::as_str),
        Some("Cédric Martin")
    );
    assert!(
        pdf.xmp
            .get("dc:creator")
            .map(|v| v.to_string())
            .unwrap_or_default()
            .contains("Georgy Roshka")
    );
    // Every document and image of the samples has facts or says why not.
    for i in &r.items {
        if leakcheck::document::has_reader(&i.detected_type) {
            let explained = i.document.is_some()
                || r.findings
                    .iter()
                    .any(|f| f.rule == "document.unreadable" && f.paths[0] == i.path);
            assert!(explained, "{} has neither metadata nor a reason", i.path);
        }
    }
}

#[test]
fn benign_document_patterns_are_not_accused() {
    let r = samples_scan();
    // A signed form: one incremental update, Info untouched → info only.
    let signed = rules_on(
        &r,
        "mail/2017-04-20-recu-don.eml!bulletin-adhesion-signe.pdf",
    );
    assert!(
        signed.contains(&("pdf.incremental_update", leakcheck::Severity::Info)),
        "{signed:?}"
    );
    assert!(
        signed.iter().all(|(_, s)| *s < leakcheck::Severity::Medium),
        "{signed:?}"
    );
    // Old press files re-saved in one sitting by a campaign member.
    for name in ["charte-graphique", "elements-de-langage", "contacts-presse"] {
        let p = format!("archives/communication.zip!communication/{name}.docx");
        let rules = rules_on(&r, &p);
        assert!(
            !rules.iter().any(|(rule, _)| *rule == "doc.edit_burst"),
            "{p}: {rules:?}"
        );
        assert!(
            rules.iter().all(|(_, s)| *s < leakcheck::Severity::Medium),
            "{p}: {rules:?}"
        );
    }
    // A name in Arabic script, of someone who writes mail in the dump.
    let brief = rules_on(
        &r,
        "mail/2017-04-11-questions-entretien.eml!questions-entretien.docx",
    );
    assert!(
        !brief.iter().any(|(rule, _)| *rule == "doc.foreign_author"),
        "{brief:?}"
    );
    assert!(
        brief.contains(&("doc.consistent", leakcheck::Severity::Info)),
        "{brief:?}"
    );
    // The genuine programme is linked to its altered copy, not accused.
    let original = "mail/2017-04-03-programme.eml!programme.docx";
    assert!(
        r.findings
            .iter()
            .any(|f| f.rule == "doc.rsid_link" && f.paths.iter().any(|p| p == original))
    );
    assert!(
        rules_on(&r, original)
            .iter()
            .all(|(_, s)| *s < leakcheck::Severity::Medium)
    );
}

#[test]
fn the_foreign_editor_burst_is_one_cluster_naming_both_files() {
    let r = samples_scan();
    let burst: Vec<_> = crate::util::findings(&r, "doc.edit_burst");
    assert_eq!(burst.len(), 2, "{burst:?}");
    for f in &burst {
        assert_eq!(f.paths.len(), 2);
        assert_eq!(f.evidence["editor"], "Рошка Георгий Петрович");
        assert!(f.message.contains("3 min"), "{}", f.message);
    }
}

/// Reads one corpus file's metadata.
fn corpus_doc(rel: &str) -> DocumentFacts {
    let doc = leakcheck::document::read_file(&shared_corpus().join(rel)).unwrap();
    doc.document
        .unwrap_or_else(|| panic!("{rel}: no metadata ({:?})", doc.error))
}

#[test]
#[ignore = "needs ../shared/corpus"]
fn real_corpus_documents_with_known_properties_read_right() {
    // Word stored -1 as its total editing time.
    let t = corpus_doc("docs/tika/microsoft/testWORD_totalTimeOutOfRange.docx");
    assert_eq!(t.raw["app:TotalTime"], "4294967295");
    assert_eq!(t.editing_seconds, Some(4_294_967_295 * 60));
    // Cyrillic names, in OOXML (UTF-8) and in OLE property sets (code page 1251).
    assert_eq!(
        corpus_doc("docs/poi/document/headerPic.docx")
            .author
            .as_deref(),
        Some("Уколов А. В.")
    );
    assert_eq!(
        corpus_doc("docs/poi/spreadsheet/finance.xls")
            .author
            .as_deref(),
        Some("Егор Козлов")
    );
    assert_eq!(
        corpus_doc("docs/poi/document/52420.doc").author.as_deref(),
        Some("Кудрицкая")
    );
    // Info /Title and XMP dc:title differ.
    let p = corpus_doc("docs/tika/pdf/testPDF_diffTitles.pdf");
    let pdf = p.pdf.as_ref().unwrap();
    let info = pdf.info.get("Title").and_then(Value::as_str).unwrap();
    let xmp = pdf.xmp.get("dc:title").map(Value::to_string).unwrap();
    assert!(!xmp.contains(info), "{info} / {xmp}");
    // Two incremental updates on a linearized file: four xref sections, three saves.
    let u = corpus_doc("docs/tika/pdf/testPDF_incrementalUpdates.pdf");
    let pdf = u.pdf.as_ref().unwrap();
    assert_eq!(
        (pdf.xref_sections, pdf.revisions, pdf.linearized),
        (4, 3, true)
    );
    // Word 2007–2013's empty hybrid section is not a second save.
    let w = corpus_doc("docs/aleph-ingest-file/udhr_ger.pdf");
    assert_eq!(
        w.pdf.as_ref().map(|p| (p.xref_sections, p.revisions)),
        Some((2, 1))
    );
}
