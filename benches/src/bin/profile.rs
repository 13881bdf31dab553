//! Runs one case in a loop, for a profiler:
//!
//! ```text
//! cargo build --release -p barewire-benches --bin profile
//! valgrind --tool=callgrind --toggle-collect='*profile::run_case*' \
//!     target/release/profile log barewire decode 20
//! ```
//!
//! Arguments: dataset, format, op (as `compare` prints them), iterations.

use std::hint::black_box;

use barewire_benches::cases::{Case, dataset_cases};

#[inline(never)]
fn run_case(case: &mut Case, iters: u64) -> usize {
    let mut acc = 0usize;
    for _ in 0..iters {
        acc = acc.wrapping_add(black_box((case.run)()));
    }
    acc
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [dataset, format, op, rest @ ..] = args.as_slice() else {
        eprintln!("usage: profile DATASET FORMAT OP [ITERATIONS]");
        std::process::exit(2);
    };
    let iters = rest.first().map_or(10, |n| n.parse().expect("iterations"));
    let cases = dataset_cases(dataset).expect("unknown dataset");
    let Some(mut case) = cases.into_iter().find(|c| c.format == format && c.op == op) else {
        eprintln!("no case {format} {op} in {dataset}");
        std::process::exit(2);
    };
    let start = std::time::Instant::now();
    black_box(run_case(&mut case, iters));
    let ns = start.elapsed().as_nanos() as f64 / iters as f64;
    println!(
        "{dataset} {format} {op}: {:.1} µs/op over {iters}",
        ns / 1e3
    );
}
