//! MIME parsing and base64 decoding of an email with attachments, through
//! the public entry that runs them: `inventory` of one `.eml` (the message
//! hashed, its header read, its parts listed, each attachment decoded from
//! base64, hashed and typed), in bytes/s of the message.
//!
//! * three 1 MiB `application/octet-stream` attachments: MIME and base64
//!   alone (no document reader runs on them);
//! * docx, pdf and jpg attachments from `examples/make-dump.rs`: what a
//!   dump's message costs, document metadata and fingerprints included;
//! * a file of the same size that is not a message: hashing and type
//!   detection alone, the floor.

mod common;

use base64::Engine as _;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

/// A message with `n` base64 attachments of `len` random bytes each.
fn octet_message(n: usize, len: usize) -> Vec<u8> {
    let text = common::make_dump::sample_message(3, &[]);
    let body_at = text
        .windows(2)
        .position(|w| w == b"\n\n")
        .expect("header ends")
        + 2;
    let mut m = Vec::new();
    for line in text[..body_at].split_inclusive(|&b| b == b'\n') {
        if !line.starts_with(b"Content-") && !line.starts_with(b"MIME-") && line != b"\n" {
            m.extend_from_slice(line);
        }
    }
    m.extend_from_slice(
        b"MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=\"=-bench-boundary\"\n\n--=-bench-boundary\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\n",
    );
    m.extend_from_slice(&text[body_at..]);
    let engine = base64::engine::general_purpose::STANDARD;
    for k in 0..n {
        let mut data = common::noise(len + k);
        data.rotate_left(k * 7919);
        m.extend_from_slice(
            format!(
                "\n--=-bench-boundary\nContent-Type: application/octet-stream; name=\"data-{k}.bin\"\nContent-Disposition: attachment; filename=\"data-{k}.bin\"\nContent-Transfer-Encoding: base64\n\n"
            )
            .as_bytes(),
        );
        for chunk in data.chunks(57) {
            m.extend_from_slice(engine.encode(chunk).as_bytes());
            m.push(b'\n');
        }
    }
    m.extend_from_slice(b"\n--=-bench-boundary--\n");
    m
}

fn mime(c: &mut Criterion) {
    let octet = octet_message(3, 1 << 20);
    let docs = common::make_dump::sample_message(
        5,
        &[("docx", 600 << 10), ("pdf", 1500 << 10), ("jpg", 900 << 10)],
    );
    let (_d1, octet_path) = common::one_file("octet.eml", &octet);
    let (_d2, docs_path) = common::one_file("documents.eml", &docs);
    let (_d3, noise_path) = common::one_file("noise.bin", &common::noise(octet.len()));
    for (name, path) in [("octet.eml", &octet_path), ("documents.eml", &docs_path)] {
        let items = common::inventory(path, 1);
        assert!(items.len() >= 4, "{name}: {} items", items.len());
        assert!(
            items.iter().all(|i| i.error.is_none()),
            "{name}: an item failed"
        );
        eprintln!(
            "{name}: {} bytes, {} items, {} bytes decoded",
            std::fs::metadata(path).expect("sample").len(),
            items.len(),
            items.iter().skip(1).map(|i| i.size).sum::<u64>()
        );
    }

    let mut g = c.benchmark_group("mime");
    g.sample_size(20);
    g.throughput(Throughput::Bytes(octet.len() as u64));
    g.bench_function("inventory_eml_3x1MiB_octet_stream", |b| {
        b.iter(|| common::inventory(&octet_path, 1))
    });
    g.bench_function("inventory_same_size_noise_file", |b| {
        b.iter(|| common::inventory(&noise_path, 1))
    });
    g.throughput(Throughput::Bytes(docs.len() as u64));
    g.bench_function("inventory_eml_docx_pdf_jpg", |b| {
        b.iter(|| common::inventory(&docs_path, 1))
    });
    g.finish();
}

criterion_group!(benches, mime);
criterion_main!(benches);
