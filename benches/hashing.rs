//! Hashing throughput: SHA-256 + BLAKE3 in one pass (what every item costs),
//! against SHA-256 alone, in bytes/s.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use leakcheck::hash::Digester;
use sha2::{Digest, Sha256};

fn hashing(c: &mut Criterion) {
    let data: Vec<u8> = (0..(8u32 << 20))
        .map(|i| (i.wrapping_mul(2654435761) >> 13) as u8)
        .collect();
    let mut g = c.benchmark_group("hash_8MiB");
    g.throughput(Throughput::Bytes(data.len() as u64));
    g.bench_function("sha256+blake3", |b| {
        b.iter(|| {
            let mut d = Digester::new();
            for chunk in data.chunks(1 << 20) {
                d.update(chunk);
            }
            d.finish()
        })
    });
    g.bench_function("sha256_only", |b| b.iter(|| Sha256::digest(&data)));
    g.bench_function("blake3_only", |b| b.iter(|| blake3::hash(&data)));
    g.finish();
}

criterion_group!(benches, hashing);
criterion_main!(benches);
