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
