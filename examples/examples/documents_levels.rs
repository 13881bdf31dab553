//! The founding document-corpus job written three ways, one per level of
//! memory management: keep the documents whose metadata `status` is
//! `active`, count their words, extract their keywords, and group them by
//! their first keyword (`barewire_benches::documents` has the three
//! versions; the comparison report's `levels` section times them too).
//!
//! - Level 1: `#[derive(Bare)]` types read in place, the obvious code.
//! - Level 2: the same types with `#[bare(intern)]` on the metadata,
//!   keywords and group keys borrowed from the image.
//! - Level 3: the founding explicit `#[repr(C)]` structs (`BareStr`,
//!   `BarePtr<MetadataMap>`, `BareSpan<MetadataEntry>`), an image written by
//!   `layout::Builder` with its string pool, the job run by
//!   `par_batches_over` directly over the image's span of documents, each
//!   batch with its own scratch region and results in a preallocated
//!   output, merged in input order.
//!
//! Each prints its time (best of 5 runs), its image size, the peak bytes
//! and allocations it made on the heap, and all three answers must agree.
//!
//! Run with `cargo run --release -p barewire-examples --example
//! documents_levels`; `cargo test -p barewire-examples --example
//! documents_levels` checks that the levels agree and that level 3
//! allocates per batch, not per document.

use std::time::Instant;

use barewire_benches::documents::{self, Answer, DOCUMENTS, level1, level2, level3};
use barewire_pool::diag::global::{self, TrackingAllocator};

// Counts the allocations made inside `global::measure` scopes.
#[global_allocator]
static ALLOC: TrackingAllocator = TrackingAllocator::system();

/// The images of one corpus, one per level.
struct Images {
    level1: barewire::LayoutBuf,
    level2: barewire::LayoutBuf,
    level3: barewire::LayoutBuf,
}

fn images(seed: u64) -> Images {
    let corpus = documents::generate(seed);
    Images {
        level1: barewire::to_layout(&corpus),
        level2: barewire::to_layout(&documents::level2::Corpus::from(&corpus)),
        level3: level3::build(&corpus),
    }
}

/// What one level did: its answer, best time, and what it allocated.
struct Run {
    answer: Answer,
    best_ms: f64,
    peak_bytes: u64,
    allocations: u64,
}

/// Runs `job` five times for the time, and once inside a diagnostics scope
/// named `scope` for the allocations.
fn run(scope: &'static str, mut job: impl FnMut() -> Answer) -> Run {
    let mut best = f64::INFINITY;
    for _ in 0..5 {
        let start = Instant::now();
        std::hint::black_box(job());
        best = best.min(start.elapsed().as_secs_f64() * 1e3);
    }
    let answer = global::measure(scope, &mut job);
    let report = global::report();
    let s = report.scope(scope).expect("the scope ran");
    Run {
        answer,
        best_ms: best,
        peak_bytes: s.peak_bytes,
        allocations: s.allocations,
    }
}

fn main() -> Result<(), barewire::Error> {
    let images = images(13);
    let one = run("level 1", || level1::run(&images.level1).expect("level 1"));
    let two = run("level 2", || level2::run(&images.level2).expect("level 2"));
    let three = run("level 3", || {
        level3::run(&images.level3, 1).expect("level 3")
    });
    let three_par = run("level 3, 2 threads", || {
        level3::run(&images.level3, 2).expect("level 3")
    });
    assert!(two.answer == one.answer && three.answer == one.answer);
    assert!(three_par.answer == one.answer);
    let active: u64 = one.answer.iter().map(|(_, g)| g.documents).sum();
    println!(
        "{DOCUMENTS} documents, {active} active, {} groups; the three levels agree.\n",
        one.answer.len()
    );
    println!(
        "{:<22} {:>12} {:>10} {:>14} {:>12} {:>10}",
        "level", "image bytes", "best ms", "peak heap B", "allocations", "per doc"
    );
    for (name, image, r) in [
        ("1: derive", &images.level1, &one),
        ("2: hints", &images.level2, &two),
        ("3: explicit, 1 thread", &images.level3, &three),
        ("3: explicit, 2 threads", &images.level3, &three_par),
    ] {
        println!(
            "{name:<22} {:>12} {:>10.2} {:>14} {:>12} {:>10.3}",
            image.len(),
            r.best_ms,
            r.peak_bytes,
            r.allocations,
            r.allocations as f64 / DOCUMENTS as f64
        );
    }
    let report = global::report();
    if let Some(batch) = report.scope(level3::BATCH_SCOPE) {
        println!(
            "\nlevel 3 batches ({} documents each, on the worker threads): {} batches, {} allocations in all \
             (the call-site table of the `track` diagnostics, once per worker's arena)",
            level3::BATCH,
            batch.calls,
            batch.allocations
        );
    }
    println!(
        "\nLevel 1 allocates each document's keywords and group key; levels 2 and 3 \
         borrow them from the image (level 3 keeps each batch's keywords in its \
         scratch region), so they allocate per run (the groups, the answer, level \
         3's output and threads), not per document."
    );
    Ok(())
}

#[test]
fn the_levels_agree_and_level_3_allocates_per_batch_only() {
    let images = images(5);
    let one = level1::run(&images.level1).unwrap();
    assert_eq!(level2::run(&images.level2).unwrap(), one);
    let three = global::measure("test level 3", || level3::run(&images.level3, 2).unwrap());
    assert_eq!(three, one);
    let report = global::report();
    let batches = report.scope(level3::BATCH_SCOPE).expect("batches ran");
    // The batches read their 256 documents each and allocate nothing on the
    // heap (keywords go to the worker's scratch region, keys are borrowed
    // from the image), but for the call-site table of the `track`
    // diagnostics this example turns on: one per worker's arena.
    assert!(batches.allocations <= 2, "{batches:?}");
    assert_eq!(batches.calls as usize, DOCUMENTS.div_ceil(level3::BATCH));
    // Level 2 allocates per group, not per document.
    let two = global::measure("test level 2", || level2::run(&images.level2).unwrap());
    assert_eq!(two, one);
    let report = global::report();
    let s = report.scope("test level 2").expect("level 2 ran");
    assert!(s.allocations < (DOCUMENTS / 4) as u64, "{}", s.allocations);
    let level_one = global::measure("test level 1", || level1::run(&images.level1).unwrap());
    assert_eq!(level_one, one);
    let report = global::report();
    let s = report.scope("test level 1").expect("level 1 ran");
    assert!(s.allocations > DOCUMENTS as u64, "{}", s.allocations);
}
