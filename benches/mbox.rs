//! Mbox splitting, through the public entry that runs it: `inventory` of
//! one mbox file (split into messages, each message hashed, its header
//! read and its MIME structure listed), against a file of the same size
//! that is not a container (hashing and type detection alone), in bytes/s.
//! And the header reading of one message (`email::extract`: decoded
//! headers, Received chain, DKIM body hash), in messages/s.
//!
//! Content comes from `examples/make-dump.rs`, as in `benches/dump.sh`.

mod common;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};

fn mbox(c: &mut Criterion) {
    // Text-only messages: the splitter and the per-message work, without
    // attachments to decode.
    let text = common::make_dump::sample_mbox(7, 2000);
    let (_text_dir, text_path) = common::one_file("text.mbox", &text);
    let (_noise_dir, noise_path) = common::one_file("noise.bin", &common::noise(text.len()));
    // A mailbox as the dump has them: one message in nine with attachments.
    let dump = tempfile::tempdir().expect("temporary folder");
    common::make_dump::generate(dump.path(), 48 << 20, 11).expect("generate dump");
    let real_path = common::largest(&dump.path().join("mailboxes"));
    let real_len = std::fs::metadata(&real_path).expect("mbox").len();
    let items = common::inventory(&real_path, 1).len();
    eprintln!(
        "text.mbox: 2000 messages, {} bytes; dump mbox: {} items, {real_len} bytes",
        text.len(),
        items
    );

    let mut g = c.benchmark_group("mbox");
    g.sample_size(10);
    g.throughput(Throughput::Bytes(text.len() as u64));
    g.bench_function("inventory_text_mbox_2000_messages", |b| {
        b.iter(|| common::inventory(&text_path, 1))
    });
    g.bench_function("inventory_same_size_noise_file", |b| {
        b.iter(|| common::inventory(&noise_path, 1))
    });
    g.throughput(Throughput::Bytes(real_len));
    g.bench_function("inventory_dump_mbox_with_attachments", |b| {
        b.iter(|| common::inventory(&real_path, 1))
    });
    g.finish();

    let messages = split(&text);
    let keys = leakcheck::email::KeyStore::default();
    let mut g = c.benchmark_group("email_headers");
    g.throughput(Throughput::Elements(messages.len() as u64));
    g.bench_function("email_extract_2000_messages", |b| {
        b.iter(|| {
            messages
                .iter()
                .map(|m| leakcheck::email::extract(m, &keys).received.len())
                .sum::<usize>()
        })
    });
    g.finish();
}

/// The messages of an mbox the generator wrote (no `From ` line inside a
/// message is left unquoted).
fn split(mbox: &[u8]) -> Vec<&[u8]> {
    let mut out = Vec::new();
    let mut start = None;
    let mut pos = 0;
    for line in mbox.split_inclusive(|&b| b == b'\n') {
        if line.starts_with(b"From ") {
            if let Some(s) = start {
                out.push(&mbox[s..pos]);
            }
            start = Some(pos + line.len());
        }
        pos += line.len();
    }
    if let Some(s) = start {
        out.push(&mbox[s..]);
    }
    out
}

criterion_group!(benches, mbox);
criterion_main!(benches);
