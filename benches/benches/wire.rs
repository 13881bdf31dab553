//! Criterion benches: every case of every dataset (see
//! `barewire_benches::cases`), with decimal byte throughput so criterion prints
//! MB/s. Filter as usual: `cargo bench -p barewire-benches -- log/`.

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

criterion_group! {
    name = benches;
    config = Criterion::default()
        .sample_size(20)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(3));
    targets = bench
}
criterion_main!(benches);
