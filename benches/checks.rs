//! The corpus-level checks over a generated dump: the items of a 200 MiB
//! dump from `examples/make-dump.rs` (a few thousand: emails, attachments,
//! archive members) are read once in setup with `leakcheck::inventory`;
//! then indexing them (`Corpus::new`), all checks (`checks::run_all`, what
//! the scan runs after reading) and each check alone are timed, in items/s.

mod common;

use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use leakcheck::corpus::Corpus;

fn checks(c: &mut Criterion) {
    let dump = tempfile::tempdir().expect("temporary folder");
    common::make_dump::generate(dump.path(), 200 << 20, 2017).expect("generate dump");
    let items = common::inventory(
        dump.path(),
        std::thread::available_parallelism().map_or(1, |n| n.get()),
    );
    let emails = items.iter().filter(|i| i.email.is_some()).count();
    let documents = items.iter().filter(|i| i.document.is_some()).count();
    eprintln!(
        "corpus: {} items ({emails} emails, {documents} documents)",
        items.len()
    );
    let n = items.len() as u64;

    let mut g = c.benchmark_group("checks");
    g.sample_size(10);
    g.throughput(Throughput::Elements(n));
    g.bench_function("corpus_index", |b| {
        b.iter_batched(|| items.clone(), Corpus::new, BatchSize::LargeInput)
    });
    let corpus = Corpus::new(items);
    g.bench_function("run_all", |b| {
        b.iter(|| leakcheck::checks::run_all(&corpus).len())
    });
    // Numbered in run order: two checks may share a rule prefix.
    for (k, check) in leakcheck::checks::CHECKS.iter().enumerate() {
        g.bench_function(format!("one/{k:02}-{}", check.name()), |b| {
            b.iter(|| check.run(&corpus).len())
        });
    }
    g.finish();
}

criterion_group!(benches, checks);
criterion_main!(benches);
