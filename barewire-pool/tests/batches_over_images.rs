//! `par_batches_over` runs directly over a list of records in a layout
//! image: a 100,000-record image processed with 2 and 4 threads and several
//! batch sizes (uneven last batches included), with per-batch scratch that
//! the workers' reports show reset between batches, and results that equal
//! a sequential loop over the same view, in input order.

use std::collections::HashMap;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Mutex;

use barewire::Bare;
use barewire::layout::{Layout, SpanView};
use barewire_pool::{BatchConfig, BatchRun, Origin, Region, par_batches, par_batches_over};

#[derive(Bare, Debug, Clone, PartialEq)]
struct Record {
    id: u64,
    name: String,
    score: f64,
    count: u32,
}

#[derive(Bare, Debug, Clone, PartialEq)]
struct Corpus {
    title: String,
    records: Vec<Record>,
}

/// What each kept record gives: computed from its view alone.
#[derive(Debug, Clone, PartialEq)]
struct Summary {
    index: usize,
    id: u64,
    vowels: usize,
    weighted: f64,
}

const RECORDS: u64 = 100_000;

fn records(n: u64) -> Vec<Record> {
    (0..n)
        .map(|i| Record {
            id: i * 3 + 1,
            // Some names fit inline (up to 8 bytes), most are out of line.
            name: if i % 10 == 0 {
                format!("r{}", i % 1000)
            } else {
                format!("record {i} of the corpus")
            },
            score: (i % 97) as f64 * 0.5,
            count: (i % 13) as u32,
        })
        .collect()
}

/// A record is kept unless its id is a multiple of 5: batches push fewer
/// results than they have items, by uneven amounts.
fn keep(id: u64) -> bool {
    id % 5 != 0
}

fn vowels(name: &[u8]) -> usize {
    name.iter().filter(|b| b"aeiou".contains(b)).count()
}

type RecordView<'a> = <Record as Layout>::View<'a>;

fn summarize(index: usize, r: &RecordView<'_>) -> Summary {
    Summary {
        index,
        id: r.id(),
        vowels: vowels(r.name().as_bytes().unwrap_or_default()),
        weighted: r.score() * f64::from(r.count()),
    }
}

/// The same job as the batches do, one record at a time, in order.
fn sequential(list: SpanView<'_, Record>) -> Vec<Summary> {
    list.iter()
        .enumerate()
        .filter(|(_, r)| keep(r.id()))
        .map(|(i, r)| summarize(i, &r))
        .collect()
}

/// Bytes one batch allocates in its scratch region: its ids (8 bytes each)
/// and then every name's bytes (alignment 1, so back to back).
fn scratch_bytes(batch: SpanView<'_, Record>) -> usize {
    batch.len() * 8
        + batch
            .iter()
            .map(|r| r.name().as_bytes().map_or(0, <[u8]>::len))
            .sum::<usize>()
}

/// What one batch saw: its worker thread, its first index and number of
/// items, and its scratch use at the start and at the end.
#[derive(Debug, Clone, Copy)]
struct BatchSeen {
    worker: std::thread::ThreadId,
    start: usize,
    items: usize,
    bytes_at_start: usize,
    bytes_at_end: usize,
}

/// The batch job: copies the ids and names into the batch's scratch region,
/// counts vowels from the copies, pushes a summary per kept record.
fn batch_job(
    scratch: &Region<'_>,
    batch: SpanView<'_, Record>,
    start: usize,
    out: &barewire_pool::Output<Summary>,
    seen: &Mutex<Vec<BatchSeen>>,
) {
    let bytes_at_start = scratch.bytes_in_use();
    let ids = scratch.alloc_slice_fill_copy(batch.len(), 0u64);
    for (id, r) in ids.iter_mut().zip(batch.iter()) {
        *id = r.id();
    }
    let names: Vec<&[u8]> = batch
        .iter()
        .map(|r| &*scratch.alloc_slice_copy(r.name().as_bytes().unwrap_or_default()))
        .collect();
    for (i, r) in batch.iter().enumerate() {
        if !keep(ids[i]) {
            continue;
        }
        let summary = Summary {
            index: start + i,
            id: ids[i],
            vowels: vowels(names[i]),
            weighted: r.score() * f64::from(r.count()),
        };
        assert!(out.push(summary).is_ok(), "one result per record at most");
    }
    seen.lock().unwrap().push(BatchSeen {
        worker: std::thread::current().id(),
        start,
        items: batch.len(),
        bytes_at_start,
        bytes_at_end: scratch.bytes_in_use(),
    });
}

/// Checks a run against the sequential results and its scratch use against
/// the batches it ran.
fn check_run(
    list: SpanView<'_, Record>,
    run: BatchRun<Summary>,
    seen: Vec<BatchSeen>,
    config: &BatchConfig,
    expected: &[Summary],
) {
    let label = format!("{config:?}");
    let n = list.len();
    assert_eq!(run.batches, n.div_ceil(config.batch_size), "{label}");
    assert_eq!(run.results.len(), expected.len(), "{label}");
    assert_eq!(run.origins.len(), run.results.len(), "{label}");
    assert_eq!(
        run.reports.len(),
        config.threads.min(run.batches),
        "{label}"
    );

    // Every batch ran once, over its own items, with an empty scratch region
    // at its start.
    let mut seen = seen;
    seen.sort_by_key(|s| s.start);
    assert_eq!(seen.len(), run.batches, "{label}");
    let mut largest = 0;
    let mut per_worker: HashMap<std::thread::ThreadId, (usize, usize)> = HashMap::new();
    for (b, s) in seen.iter().enumerate() {
        assert_eq!(s.start, b * config.batch_size, "{label}");
        assert_eq!(
            s.items,
            config.batch_size.min(n - s.start),
            "{label}: batch {b}"
        );
        assert_eq!(s.bytes_at_start, 0, "{label}: batch {b} starts empty");
        let batch = list.slice(s.start..s.start + s.items).unwrap();
        assert_eq!(s.bytes_at_end, scratch_bytes(batch), "{label}: batch {b}");
        largest = largest.max(s.bytes_at_end);
        let (batches, bytes) = per_worker.entry(s.worker).or_default();
        *batches += 1;
        *bytes += s.bytes_at_end;
    }

    // The workers' reports: a region per batch, nothing left in use, and a
    // peak of one batch's scratch, not the sum of a worker's batches.
    let regions: u64 = run.reports.iter().map(|r| r.stats.regions).sum();
    assert_eq!(regions, run.batches as u64, "{label}");
    for report in &run.reports {
        let s = &report.stats;
        assert_eq!(report.title, "batch scratch arena");
        assert_eq!(s.bytes_in_use, 0, "{label}");
        assert!(s.fixed, "{label}");
        assert_eq!(s.capacity, config.scratch_capacity, "{label}");
        assert_eq!(s.exhaustions, 0, "{label}");
        assert!(
            s.peak_bytes <= largest,
            "{label}: {} > {largest}",
            s.peak_bytes
        );
        let summary_peak = report.regions.iter().map(|r| r.peak_bytes).max();
        // None for a worker that found no batch left to claim.
        assert!(summary_peak.is_none_or(|p| p <= largest), "{label}");
    }
    assert!(per_worker.len() <= run.reports.len(), "{label}");
    if run.batches > config.threads {
        // Some worker ran several batches in one fixed arena smaller than
        // their sum: only the resets between batches make that fit.
        let (batches, bytes) = per_worker.values().copied().max().unwrap_or_default();
        assert!(batches >= 2, "{label}");
        assert!(bytes > config.scratch_capacity, "{label}");
    }
    if cfg!(feature = "count") {
        // One allocation for the ids and one per name.
        let allocations: u64 = run.reports.iter().filter_map(|r| r.stats.allocations).sum();
        assert_eq!(allocations, (run.batches + n) as u64, "{label}");
    }

    // Push order: the places in the order they were claimed; each batch's
    // origins count 0, 1, 2, ... in the batch's own order.
    let mut per_batch = vec![0usize; run.batches];
    let mut in_push_order: Vec<(Origin, usize)> = Vec::new();
    for (origin, summary) in run.origins.iter().zip(&run.results) {
        assert_eq!(summary.index / config.batch_size, origin.batch, "{label}");
        in_push_order.push((*origin, summary.index));
        per_batch[origin.batch] += 1;
    }
    in_push_order.sort();
    for pair in in_push_order.windows(2) {
        let ((a, ia), (b, ib)) = (pair[0], pair[1]);
        assert!(ia < ib, "{label}: origins follow input order");
        if a.batch == b.batch {
            assert_eq!(b.seq, a.seq + 1, "{label}");
        } else {
            assert_eq!(b.seq, 0, "{label}");
        }
    }
    let mut sorted = run.results.clone();
    sorted.sort_by_key(|s| s.index);
    assert_eq!(
        sorted, expected,
        "{label}: push order holds the same results"
    );

    // Input order: exactly the sequential loop's results.
    assert_eq!(run.into_input_order(), expected, "{label}");
}

fn configs() -> Vec<BatchConfig> {
    let mut configs = Vec::new();
    for threads in [2, 4] {
        for batch_size in [1000, 4096, 777, 33_333, 100_000] {
            // Room for the largest batch and a little more, far less than
            // a worker's batches together.
            let capacity = batch_size * 40 + 4096;
            configs.push(
                BatchConfig::new(batch_size)
                    .threads(threads)
                    .scratch_capacity(capacity),
            );
        }
    }
    configs
}

#[test]
#[cfg_attr(miri, ignore)] // thousands of records on several threads: minutes under Miri
fn batches_over_a_100k_record_image_match_a_sequential_loop() {
    let image = barewire::to_layout(&records(RECORDS));
    let list = barewire::view::<Vec<Record>>(&image).unwrap();
    assert_eq!(list.len(), RECORDS as usize);
    let expected = sequential(list);
    assert!(expected.len() < list.len(), "some records are filtered out");
    for config in configs() {
        let seen = Mutex::new(Vec::new());
        let run = par_batches_over(list, &config, |scratch, batch, start, out| {
            batch_job(scratch, batch, start, out, &seen)
        });
        check_run(list, run, seen.into_inner().unwrap(), &config, &expected);
    }
}

#[test]
#[cfg_attr(miri, ignore)] // thousands of records on several threads: minutes under Miri
fn batches_over_a_list_field_of_a_derived_view() {
    let corpus = Corpus {
        title: "corpus".to_string(),
        records: records(10_000),
    };
    let image = barewire::to_layout(&corpus);
    let view = barewire::view::<Corpus>(&image).unwrap();
    let list = view.records();
    let expected = sequential(list);
    let config = BatchConfig::new(999).threads(3).scratch_capacity(40 << 10);
    let seen = Mutex::new(Vec::new());
    let run = par_batches_over(list, &config, |scratch, batch, start, out| {
        batch_job(scratch, batch, start, out, &seen)
    });
    check_run(list, run, seen.into_inner().unwrap(), &config, &expected);
}

#[test]
#[cfg_attr(miri, ignore)] // thousands of records on several threads: minutes under Miri
fn slices_and_spans_give_the_same_results() {
    let items = records(5_000);
    let image = barewire::to_layout(&items);
    let list = barewire::view::<Vec<Record>>(&image).unwrap();
    let config = BatchConfig::new(123).threads(2);
    let over_span = par_batches_over(list, &config, |_, batch, start, out| {
        for (i, r) in batch.iter().enumerate() {
            out.push((start + i, r.id(), r.name().as_str().unwrap().len()))
                .unwrap();
        }
    });
    let over_vec = par_batches_over(&items, &config, |_, batch, start, out| {
        for (i, r) in batch.iter().enumerate() {
            out.push((start + i, r.id, r.name.len())).unwrap();
        }
    });
    let over_slice = par_batches(&items, &config, |_, batch, out| {
        for r in batch {
            out.push((r.id as usize / 3, r.id, r.name.len())).unwrap();
        }
    });
    let span = over_span.into_input_order();
    assert_eq!(span.len(), items.len());
    assert_eq!(span, over_vec.into_input_order());
    assert_eq!(span, over_slice.into_input_order());
}

#[test]
fn several_results_per_item_keep_their_push_order_within_a_batch() {
    // Fewer items under Miri, where each thread switch is slow.
    let n: u32 = if cfg!(miri) { 60 } else { 999 };
    let input: Vec<u32> = (0..n).collect();
    for threads in [2, 4] {
        for batch_size in [1, 7, 64, n as usize - 1, n as usize, 5000] {
            let config = BatchConfig::new(batch_size).threads(threads);
            // Every third item gives two results, one in three none: the
            // output (one place per item) is exactly full.
            let run = par_batches_over(&input, &config, |_, batch, _, out| {
                for &x in batch {
                    match x % 3 {
                        0 => {
                            out.push((x, 0)).unwrap();
                            out.push((x, 1)).unwrap();
                        }
                        1 => out.push((x, 0)).map(|_| ()).unwrap(),
                        _ => {}
                    }
                }
            });
            let expected: Vec<(u32, u8)> = input
                .iter()
                .flat_map(|&x| match x % 3 {
                    0 => vec![(x, 0), (x, 1)],
                    1 => vec![(x, 0)],
                    _ => vec![],
                })
                .collect();
            assert_eq!(run.into_input_order(), expected, "{config:?}");
        }
    }
}

#[test]
fn a_full_output_gives_the_result_back() {
    let image = barewire::to_layout(&records(10));
    let list = barewire::view::<Vec<Record>>(&image).unwrap();
    let refused = Mutex::new(Vec::new());
    let run = par_batches_over(list, &BatchConfig::new(3).threads(2), |_, batch, _, out| {
        for r in batch.iter() {
            // Two results per record: the second half find the output full.
            for copy in 0..2 {
                if let Err(back) = out.push((r.id(), copy)) {
                    refused.lock().unwrap().push(back);
                }
            }
        }
    });
    let refused = refused.into_inner().unwrap();
    assert_eq!(run.results.len(), 10);
    assert_eq!(refused.len(), 10);
    let mut all: Vec<(u64, i32)> = run.results.iter().copied().chain(refused).collect();
    all.sort_unstable();
    let expected: Vec<(u64, i32)> = (0..10u64)
        .flat_map(|i| [(i * 3 + 1, 0), (i * 3 + 1, 1)])
        .collect();
    assert_eq!(all, expected, "every result is either stored or given back");
    // Input order of what was stored: by batch, then push order.
    let kept = run.into_input_order();
    assert!(kept.windows(2).all(|w| w[0] < w[1]));
}

#[test]
fn a_panic_in_a_batch_reaches_the_caller() {
    let image = barewire::to_layout(&records(1000));
    let list = barewire::view::<Vec<Record>>(&image).unwrap();
    // One thread count under Miri (each costs about a minute there).
    let counts: &[usize] = if cfg!(miri) { &[2] } else { &[1, 2, 4] };
    for &threads in counts {
        let config = BatchConfig::new(100).threads(threads);
        let caught = catch_unwind(AssertUnwindSafe(|| {
            par_batches_over(list, &config, |scratch, batch, start, out| {
                scratch.alloc_slice_fill_copy(batch.len(), 0u8);
                if start == 500 {
                    panic!("record {} is bad", batch.get(0).map_or(0, |r| r.id()));
                }
                out.push(start).unwrap();
            })
        }));
        let payload = caught.expect_err("the panic is carried");
        let message = payload
            .downcast_ref::<String>()
            .cloned()
            .unwrap_or_default();
        assert_eq!(message, "record 1501 is bad");
    }
}

#[test]
fn an_empty_list_runs_no_batch() {
    let image = barewire::to_layout(&Vec::<Record>::new());
    let list = barewire::view::<Vec<Record>>(&image).unwrap();
    let run = par_batches_over(list, &BatchConfig::new(10).threads(4), |_, _, _, out| {
        out.push(()).unwrap();
    });
    assert_eq!((run.batches, run.results.len()), (0, 0));
    assert_eq!(run.reports.len(), 1);
    assert_eq!(run.reports[0].stats.regions, 0);
    assert!(run.into_input_order().is_empty());
}
