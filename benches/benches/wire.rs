//! Criterion benches: every case of every dataset (see
//! `barewire_benches::cases`), with decimal byte throughput so criterion prints
//! MB/s. Filter as usual: `cargo bench -p barewire-benches -- log/`.
//! The `str/` group measures UTF-8 checking alone.

use std::hint::black_box;
use std::time::Duration;

use barewire_benches::cases::{DATASETS, dataset_cases};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

fn bench(c: &mut Criterion) {
    for name in DATASETS {
        let mut group = c.benchmark_group(name);
        for mut case in dataset_cases(name).expect("known dataset") {
            group.throughput(Throughput::BytesDecimal(case.bytes as u64));
            group.bench_function(format!("{}/{}", case.format, case.op), |b| {
                b.iter(|| black_box((case.run)()))
            });
        }
        group.finish();
    }
}

/// UTF-8 checking on the wire path: 2,000 strings of one length, ASCII or
/// not, decoded as `list<str>` into `Vec<&str>`, beside the standard
/// library's validator over the same strings (no decoding) as a reference.
/// It measures the choice in `barewire/src/utf8.rs`: the ASCII word scan
/// for short strings, `simdutf8` from 64 bytes on.
fn strings(c: &mut Criterion) {
    const WORDS: [&str; 6] = ["héllo", "wörld", "данные", "データ", "Ελληνικά", "ascii"];
    let mut group = c.benchmark_group("str");
    for len in [8usize, 24, 64, 256, 4096] {
        for ascii in [true, false] {
            let strings: Vec<String> = (0..2000)
                .map(|i| {
                    let mut s = String::new();
                    let mut w = i;
                    while s.len() < len {
                        if ascii {
                            s.push_str(&format!("{w:x} "));
                        } else {
                            s.push_str(WORDS[w % WORDS.len()]);
                            s.push(' ');
                        }
                        w += 1;
                    }
                    s
                })
                .collect();
            let bytes = barewire::to_vec(&strings);
            let kind = if ascii { "ascii" } else { "non-ascii" };
            group.throughput(Throughput::BytesDecimal(bytes.len() as u64));
            group.bench_function(format!("{kind}/{len}/barewire"), |b| {
                b.iter(|| barewire::from_slice::<Vec<&str>>(black_box(&bytes)).map(|v| v.len()))
            });
            group.bench_function(format!("{kind}/{len}/core from_utf8"), |b| {
                b.iter(|| {
                    black_box(&strings)
                        .iter()
                        .filter(|s| core::str::from_utf8(s.as_bytes()).is_ok())
                        .count()
                })
            });
        }
    }
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .sample_size(20)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(3));
    targets = bench, strings
}
criterion_main!(benches);
