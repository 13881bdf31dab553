//! What the tracking allocator costs, in one run: the system allocator
//! called directly, the tracker with no scope live (tracking off), and the
//! tracker inside a `measure` scope (tracking on), on the same loops.
//!
//! `cargo run --release -p barewire-pool --example diag_overhead`

use std::alloc::{GlobalAlloc, Layout, System};
use std::hint::black_box;
use std::time::Instant;

use barewire_pool::diag::global::{self, TrackingAllocator};

#[global_allocator]
static ALLOC: TrackingAllocator = TrackingAllocator::system();

const OPS: usize = 2_000_000;
const ROUNDS: usize = 7;

/// The best of `ROUNDS` timings of `f`, in nanoseconds per operation.
fn best(mut f: impl FnMut()) -> f64 {
    (0..ROUNDS)
        .map(|_| {
            let start = Instant::now();
            f();
            start.elapsed().as_nanos() as f64 / OPS as f64
        })
        .fold(f64::INFINITY, f64::min)
}

/// `OPS` allocate-and-free pairs of 64 bytes through `a`.
fn pairs(a: &dyn GlobalAlloc) {
    let layout = Layout::from_size_align(64, 8).unwrap();
    for _ in 0..OPS {
        // SAFETY: 1. `layout` has a non-zero size; 2. the pointer is freed
        // once, with the same layout and the same allocator, and only when
        // the allocation succeeded.
        unsafe {
            let p = a.alloc(layout);
            black_box(p);
            if !p.is_null() {
                a.dealloc(p, layout);
            }
        }
    }
}

/// Ordinary code: a `Vec` that grows and a `String`, made and dropped.
fn churn() {
    for i in 0..OPS / 4 {
        let mut v = Vec::new();
        for j in 0..(i % 8) as u32 {
            v.push(j);
        }
        let s = i.to_string();
        black_box((&v, &s));
    }
}

fn main() {
    let system = best(|| pairs(&System));
    let off = best(|| pairs(&ALLOC));
    let on = best(|| global::measure("pairs", || pairs(&ALLOC)));
    println!("alloc+free of 64 bytes, ns per pair (best of {ROUNDS} x {OPS}):");
    println!("  System directly           {system:6.2}");
    println!(
        "  tracker, tracking off     {off:6.2}  ({:.2}x System)",
        off / system
    );
    println!(
        "  tracker, inside measure() {on:6.2}  ({:.2}x System)",
        on / system
    );

    let churn_off = best(churn);
    let churn_on = best(|| global::measure("churn", churn));
    println!("Vec growth + to_string, ns per iteration / 4:");
    println!("  tracking off              {churn_off:6.2}");
    println!(
        "  inside measure()          {churn_on:6.2}  ({:.2}x off)",
        churn_on / churn_off
    );
    let report = global::report();
    let pairs = report.scope("pairs").expect("measured");
    assert_eq!(pairs.allocations, (OPS * ROUNDS) as u64);
}
