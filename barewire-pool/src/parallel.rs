//! Batched parallel processing with a scratch region per batch.

use core::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use crate::arena::Arena;
use crate::diag::{Report, Site, caller_site};
use crate::region::Region;

/// How [`par_batches`] splits and runs the work.
///
/// ```
/// let config = barewire_pool::BatchConfig::new(100).threads(2).scratch_capacity(64 << 10);
/// assert_eq!(config.batch_size, 100);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BatchConfig {
    /// Items per batch (at least 1).
    pub batch_size: usize,
    /// Worker threads (at least 1); defaults to the available parallelism.
    pub threads: usize,
    /// Bytes of each worker's fixed scratch arena; 0 means a growing arena.
    pub scratch_capacity: usize,
}

impl BatchConfig {
    /// Batches of `batch_size`, one worker per core, growing scratch arenas.
    ///
    /// ```
    /// let c = barewire_pool::BatchConfig::new(10);
    /// assert!(c.threads >= 1);
    /// assert_eq!(c.scratch_capacity, 0);
    /// ```
    pub fn new(batch_size: usize) -> Self {
        BatchConfig {
            batch_size: batch_size.max(1),
            threads: std::thread::available_parallelism().map_or(1, |n| n.get()),
            scratch_capacity: 0,
        }
    }

    /// Sets the number of worker threads.
    ///
    /// ```
    /// assert_eq!(barewire_pool::BatchConfig::new(1).threads(3).threads, 3);
    /// ```
    pub fn threads(mut self, threads: usize) -> Self {
        self.threads = threads.max(1);
        self
    }

    /// Gives each worker a fixed scratch arena of `bytes`.
    ///
    /// ```
    /// let c = barewire_pool::BatchConfig::new(1).scratch_capacity(4096);
    /// assert_eq!(c.scratch_capacity, 4096);
    /// ```
    pub fn scratch_capacity(mut self, bytes: usize) -> Self {
        self.scratch_capacity = bytes;
        self
    }
}

/// The preallocated output of [`par_batches`]: one place per input item,
/// filled in any order through an atomic index.
///
/// ```
/// let run = barewire_pool::par_batches(&[1, 2, 3], &barewire_pool::BatchConfig::new(2), |_, batch, out| {
///     for x in batch {
///         out.push(x * 10).unwrap();
///     }
/// });
/// let mut results = run.results;
/// results.sort();
/// assert_eq!(results, [10, 20, 30]);
/// ```
pub struct Output<R> {
    slots: Box<[Mutex<Option<R>>]>,
    next: AtomicUsize,
}

impl<R> Output<R> {
    fn new(capacity: usize) -> Self {
        Output {
            slots: (0..capacity).map(|_| Mutex::new(None)).collect(),
            next: AtomicUsize::new(0),
        }
    }

    /// Stores `result` at the next free index and returns the index, or gives
    /// `result` back when the output is full (it holds one result per input
    /// item).
    ///
    /// # Errors
    ///
    /// The result itself, when every place is taken.
    ///
    /// ```
    /// let run = barewire_pool::par_batches(&[()], &barewire_pool::BatchConfig::new(1), |_, _, out| {
    ///     assert_eq!(out.push(1), Ok(0));
    ///     assert_eq!(out.push(2), Err(2)); // one place per input item
    /// });
    /// assert_eq!(run.results, [1]);
    /// ```
    pub fn push(&self, result: R) -> Result<usize, R> {
        let index = self.next.fetch_add(1, Ordering::Relaxed);
        match self.slots.get(index) {
            Some(slot) => {
                // Each index is claimed by exactly one push, so the lock is
                // never contended (and never poisoned by another push).
                *slot.lock().unwrap_or_else(|e| e.into_inner()) = Some(result);
                Ok(index)
            }
            None => {
                self.next.fetch_sub(1, Ordering::Relaxed);
                Err(result)
            }
        }
    }

    fn into_vec(self) -> Vec<R> {
        self.slots
            .into_vec()
            .into_iter()
            .filter_map(|m| m.into_inner().unwrap_or_else(|e| e.into_inner()))
            .collect()
    }
}

/// What [`par_batches`] produced.
#[derive(Debug)]
pub struct BatchRun<R> {
    /// The results, in the order their places were claimed (not input order;
    /// include an index in `R` to sort).
    pub results: Vec<R>,
    /// One diagnostics report per worker's scratch arena.
    pub reports: Vec<Report>,
    /// Batches processed.
    pub batches: usize,
}

/// Processes `input` in batches of `config.batch_size` on `config.threads`
/// scoped threads.
///
/// Each worker owns one scratch [`Arena`] (fixed when
/// `config.scratch_capacity > 0`) and claims batches through an atomic
/// counter; for each batch it opens a [`Region`], calls
/// `f(&region, batch, &output)`, and ends the region, so the batch's scratch
/// memory is freed before the next batch. Results go into a preallocated
/// [`Output`] (one place per input item) through an atomic index.
///
/// Arenas are not `Sync`, so each thread has its own (see the crate docs,
/// "Threads").
///
/// # Panics
///
/// When `f` panics (the panic is carried to the caller once all workers
/// stop).
///
/// ```
/// use barewire_pool::{par_batches, BatchConfig};
///
/// let words: Vec<String> = (0..1000).map(|i| format!("w{i}")).collect();
/// let run = par_batches(&words, &BatchConfig::new(100).threads(2), |scratch, batch, out| {
///     // Scratch space for this batch only.
///     let lens = scratch.alloc_slice_fill_copy(batch.len(), 0u32);
///     for (len, w) in lens.iter_mut().zip(batch) {
///         *len = w.len() as u32;
///     }
///     out.push(lens.iter().map(|&n| n as usize).sum::<usize>()).unwrap();
/// });
/// assert_eq!(run.batches, 10);
/// assert_eq!(run.results.iter().sum::<usize>(), words.iter().map(|w| w.len()).sum::<usize>());
/// ```
#[cfg_attr(feature = "track", track_caller)]
pub fn par_batches<T, R, F>(input: &[T], config: &BatchConfig, f: F) -> BatchRun<R>
where
    T: Sync,
    R: Send,
    F: Fn(&Region<'_>, &[T], &Output<R>) + Sync,
{
    let site = caller_site();
    let batch_size = config.batch_size.max(1);
    let batches = input.len().div_ceil(batch_size);
    let threads = config.threads.max(1).min(batches.max(1));
    let output = Output::new(input.len());
    let next = AtomicUsize::new(0);
    let reports = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                scope.spawn(|| {
                    worker(
                        input,
                        batch_size,
                        config.scratch_capacity,
                        &next,
                        site,
                        &output,
                        &f,
                    )
                })
            })
            .collect();
        workers
            .into_iter()
            .map(|w| match w.join() {
                Ok(report) => report,
                Err(panic) => std::panic::resume_unwind(panic),
            })
            .collect()
    });
    BatchRun {
        results: output.into_vec(),
        reports,
        batches,
    }
}

fn worker<T, R, F>(
    input: &[T],
    batch_size: usize,
    scratch_capacity: usize,
    next: &AtomicUsize,
    site: Option<Site>,
    output: &Output<R>,
    f: &F,
) -> Report
where
    F: Fn(&Region<'_>, &[T], &Output<R>),
{
    let mut arena = if scratch_capacity > 0 {
        Arena::with_capacity_fixed(scratch_capacity)
    } else {
        Arena::new()
    };
    loop {
        let b = next.fetch_add(1, Ordering::Relaxed);
        let start = b.saturating_mul(batch_size);
        if start >= input.len() {
            break;
        }
        // Saturating: a slice of zero-sized items may be `usize::MAX` long.
        let end = start.saturating_add(batch_size).min(input.len());
        let region = Region::enter(&mut arena, site);
        f(&region, &input[start..end], output);
        drop(region);
    }
    let mut report = arena.report();
    report.title = "batch scratch arena".to_string();
    report
}
