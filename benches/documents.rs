//! Document metadata extraction (`leakcheck::document::extract`, what the
//! scan runs on every document: the format's reader, then the TLSH and
//! text fingerprints), in bytes/s, on documents from
//! `examples/make-dump.rs`: OOXML (docx with and without a picture, xlsx),
//! PDF (text pages; scanned pages as DCT images, with XMP or not) and JPEG
//! with EXIF.

mod common;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};

fn documents(c: &mut Criterion) {
    let samples: &[(&str, &str, u64, u64)] = &[
        ("docx_text_40KiB", "docx", 40 << 10, 1),
        ("docx_picture_800KiB", "docx", 800 << 10, 2),
        ("xlsx_300KiB", "xlsx", 300 << 10, 3),
        ("pdf_text_60KiB", "pdf", 60 << 10, 4),
        ("pdf_scanned_1500KiB", "pdf", 1500 << 10, 5),
        ("jpg_exif_1MiB", "jpg", 1 << 20, 6),
    ];
    let mut g = c.benchmark_group("document_extract");
    for &(name, ext, size, seed) in samples {
        let bytes = common::make_dump::sample_document(ext, size, seed);
        let (_dir, path) = common::one_file(&format!("sample.{ext}"), &bytes);
        let read = leakcheck::document::read_file(&path).expect("read sample");
        assert!(
            read.document.is_some() && read.error.is_none(),
            "{name}: {:?}",
            read.error
        );
        let detected = read.detected_type;
        eprintln!("{name}: {} bytes, {detected}", bytes.len());
        g.throughput(Throughput::Bytes(bytes.len() as u64));
        g.bench_function(name, |b| {
            b.iter(|| leakcheck::document::extract(&detected, &bytes).is_some())
        });
    }
    g.finish();
}

/// The text fingerprint alone (SimHash of word 3-shingles and the
/// normalised text's digest), over French text with accents, in bytes/s.
fn text_fingerprint(c: &mut Criterion) {
    let words = [
        "le",
        "programme",
        "prévoit",
        "création",
        "de",
        "dix",
        "mille",
        "places",
        "en",
        "apprentissage,",
        "un",
        "service",
        "civique",
        "renforcé",
        "et",
        "la",
        "gratuité",
        "des",
        "transports",
        "2017.",
        "Élysée",
        "réunion",
        "budget",
        "Ça",
    ];
    let text: String = (0..200_000usize)
        .map(|i| words[(i * 7 + i / 13) % words.len()])
        .collect::<Vec<_>>()
        .join(" ");
    let mut g = c.benchmark_group("text_fingerprint");
    g.throughput(Throughput::Bytes(text.len() as u64));
    g.bench_function("french_1_5MB", |b| {
        b.iter(|| leakcheck::document::fingerprint::text_print(&text).is_some())
    });
    g.finish();
}

criterion_group!(benches, documents, text_fingerprint);
criterion_main!(benches);
