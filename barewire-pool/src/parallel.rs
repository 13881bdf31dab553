//! Batched parallel processing with a scratch region per batch, over slices
//! and over lists in layout images.

use core::ops::Range;
use core::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use barewire::layout::{Layout, SpanView};

use crate::arena::Arena;
use crate::diag::{Report, Site, caller_site};
use crate::region::Region;

/// How [`par_batches`] and [`par_batches_over`] split and run the work.
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

/// Input that [`par_batches_over`] splits into batches: a length, and a
/// cheap handle over the items of any range of it.
///
/// Implemented for slices (`&[T]` and `&Vec<T>`, whose batches are
/// sub-slices) and for lists in a layout image ([`SpanView<'_, T>`], whose
/// batches are sub-lists over the same image, made by [`SpanView::slice`]:
/// no copy of the items and no `Vec` of their views). Implement it for any
/// other collection that hands out ranges cheaply; it must be `Sync`, as
/// every worker thread reads it.
///
/// ```
/// use barewire_pool::Batchable;
///
/// let image = barewire::to_layout(&vec![1u32, 2, 3, 4, 5]);
/// let list = barewire::view::<Vec<u32>>(&image)?;
/// assert_eq!(Batchable::len(&list), 5);
/// let batch = list.batch(3..5).unwrap();
/// assert_eq!(batch.iter().collect::<Vec<_>>(), [4, 5]);
/// assert!(list.batch(4..6).is_none());
///
/// let words = ["a", "b", "c"];
/// assert_eq!(words.as_slice().batch(1..3), Some(&words[1..]));
/// # Ok::<(), barewire::Error>(())
/// ```
pub trait Batchable: Sync {
    /// What one batch sees: a handle over the items of one range.
    type Batch;

    /// The number of items.
    fn len(&self) -> usize;

    /// Whether there are no items.
    ///
    /// ```
    /// use barewire_pool::Batchable;
    /// assert!(Batchable::is_empty(&(&[] as &[u8])));
    /// ```
    fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The items in `range`, or `None` when the range is not within
    /// `0..self.len()` (never a panic). [`par_batches_over`] asks only for
    /// non-empty ranges within the length, and skips a batch given `None`.
    fn batch(&self, range: Range<usize>) -> Option<Self::Batch>;
}

impl<'a, T: Sync> Batchable for &'a [T] {
    type Batch = &'a [T];

    fn len(&self) -> usize {
        <[T]>::len(self)
    }

    fn batch(&self, range: Range<usize>) -> Option<&'a [T]> {
        self.get(range)
    }
}

impl<'a, T: Sync> Batchable for &'a Vec<T> {
    type Batch = &'a [T];

    fn len(&self) -> usize {
        Vec::len(self)
    }

    fn batch(&self, range: Range<usize>) -> Option<&'a [T]> {
        self.get(range)
    }
}

impl<'a, T: Layout> Batchable for SpanView<'a, T> {
    type Batch = SpanView<'a, T>;

    fn len(&self) -> usize {
        SpanView::len(self)
    }

    fn batch(&self, range: Range<usize>) -> Option<SpanView<'a, T>> {
        self.slice(range)
    }
}

/// Where a result came from: its batch, and how many results that batch
/// had pushed before it. Ordering origins gives input order (batches in
/// input order, each batch's results in the order it pushed them).
///
/// ```
/// use barewire_pool::Origin;
///
/// let first = Origin { batch: 0, seq: 7 };
/// let later = Origin { batch: 1, seq: 0 };
/// assert!(first < later);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Origin {
    /// The batch's number: batch `b` holds input items from
    /// `b * batch_size`.
    pub batch: usize,
    /// Results the same batch pushed before this one.
    pub seq: usize,
}

/// One place of an output: empty, or a result and where it came from.
type Place<R> = Mutex<Option<(Origin, R)>>;

/// The places of one run, shared by every batch's [`Output`].
struct Places<R> {
    slots: Box<[Place<R>]>,
    next: AtomicUsize,
}

impl<R> Places<R> {
    fn new(capacity: usize) -> Self {
        Places {
            slots: (0..capacity).map(|_| Mutex::new(None)).collect(),
            next: AtomicUsize::new(0),
        }
    }

    /// The filled places in index order (push order), as results and their
    /// origins.
    fn into_parts(places: Arc<Self>) -> (Vec<R>, Vec<Origin>) {
        let taken: Vec<(Origin, R)> = match Arc::try_unwrap(places) {
            Ok(places) => places
                .slots
                .into_vec()
                .into_iter()
                .filter_map(|m| m.into_inner().unwrap_or_else(|e| e.into_inner()))
                .collect(),
            // Not reached: every batch's `Output` is dropped before its
            // worker returns. Taking through the locks is correct anyway.
            Err(shared) => shared
                .slots
                .iter()
                .filter_map(|m| m.lock().unwrap_or_else(|e| e.into_inner()).take())
                .collect(),
        };
        taken.into_iter().map(|(origin, r)| (r, origin)).unzip()
    }
}

/// The preallocated output of a batch run: one place per input item, filled
/// in any order through an atomic index. Each batch gets its own `Output`
/// over the run's shared places, so that every result also records its
/// [`Origin`] (the batch and the batch's own push count), which gives the
/// results in input order ([`BatchRun::into_input_order`]).
///
/// ```
/// let run = barewire_pool::par_batches(&[1, 2, 3], &barewire_pool::BatchConfig::new(2), |_, batch, out| {
///     for x in batch {
///         out.push(x * 10).unwrap();
///     }
/// });
/// let mut results = run.results.clone();
/// results.sort();
/// assert_eq!(results, [10, 20, 30]);
/// assert_eq!(run.into_input_order(), [10, 20, 30]);
/// ```
pub struct Output<R> {
    places: Arc<Places<R>>,
    batch: usize,
    pushed: AtomicUsize,
}

impl<R> Output<R> {
    fn for_batch(places: &Arc<Places<R>>, batch: usize) -> Self {
        Output {
            places: Arc::clone(places),
            batch,
            pushed: AtomicUsize::new(0),
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
        let places = &*self.places;
        let index = places.next.fetch_add(1, Ordering::Relaxed);
        match places.slots.get(index) {
            Some(slot) => {
                let origin = Origin {
                    batch: self.batch,
                    seq: self.pushed.fetch_add(1, Ordering::Relaxed),
                };
                // Each index is claimed by exactly one push, so the lock is
                // never contended (and never poisoned by another push).
                *slot.lock().unwrap_or_else(|e| e.into_inner()) = Some((origin, result));
                Ok(index)
            }
            None => {
                places.next.fetch_sub(1, Ordering::Relaxed);
                Err(result)
            }
        }
    }
}

/// What [`par_batches`] or [`par_batches_over`] produced.
///
/// The results come in two orders. `results` is **push order**: the order
/// in which their places were claimed, which depends on the threads'
/// timing. [`into_input_order`](Self::into_input_order) gives **input
/// order**: batches in input order, each batch's results in the order it
/// pushed them; a closure that pushes its items' results in order gets
/// exactly what a sequential loop over the input gives, whatever the thread
/// count and batch size.
///
/// Input order comes from an [`Origin`] recorded by every push (not from an
/// `Output::set(index, result)` by item index): it needs no index
/// arithmetic in the closure, keeps one place per result rather than per
/// item, and stays correct when a batch pushes fewer results than it has
/// items (a filter) or, within the output's capacity, several per item.
///
/// ```
/// use barewire_pool::{par_batches, BatchConfig};
///
/// let input: Vec<u32> = (0..100).collect();
/// let run = par_batches(&input, &BatchConfig::new(7).threads(2), |_, batch, out| {
///     for &x in batch.iter().filter(|&&x| x % 3 == 0) {
///         out.push(x).unwrap();
///     }
/// });
/// assert_eq!(run.origins.len(), run.results.len());
/// let expected: Vec<u32> = input.iter().copied().filter(|x| x % 3 == 0).collect();
/// assert_eq!(run.into_input_order(), expected);
/// ```
#[derive(Debug)]
pub struct BatchRun<R> {
    /// The results, in the order their places were claimed (push order; see
    /// [`into_input_order`](Self::into_input_order) for input order).
    pub results: Vec<R>,
    /// Where each result came from: `origins[i]` is `results[i]`'s.
    pub origins: Vec<Origin>,
    /// One diagnostics report per worker's scratch arena.
    pub reports: Vec<Report>,
    /// Batches processed.
    pub batches: usize,
}

impl<R> BatchRun<R> {
    /// The results in input order: sorted by their [`Origin`]s (batch, then
    /// the batch's push order).
    ///
    /// ```
    /// use barewire_pool::{par_batches, BatchConfig};
    ///
    /// let words = ["a", "bb", "ccc", "dddd", "eeeee"];
    /// let run = par_batches(&words, &BatchConfig::new(2).threads(3), |_, batch, out| {
    ///     for w in batch {
    ///         out.push(w.len()).unwrap();
    ///     }
    /// });
    /// assert_eq!(run.into_input_order(), [1, 2, 3, 4, 5]);
    /// ```
    pub fn into_input_order(self) -> Vec<R> {
        let mut pairs: Vec<(Origin, R)> = self.origins.into_iter().zip(self.results).collect();
        // Origins are unique (one push count per batch), so an unstable
        // sort is exact.
        pairs.sort_unstable_by_key(|&(origin, _)| origin);
        pairs.into_iter().map(|(_, r)| r).collect()
    }
}

/// Processes `input` in batches of `config.batch_size` on `config.threads`
/// scoped threads.
///
/// Each worker owns one scratch [`Arena`] (fixed when
/// `config.scratch_capacity > 0`) and claims batches through an atomic
/// counter; for each batch it opens a [`Region`], calls
/// `f(&region, batch, &output)`, and ends the region, so the batch's scratch
/// memory is freed before the next batch. Results go into a preallocated
/// [`Output`] (one place per input item) through an atomic index; the run
/// gives them in push order and in input order ([`BatchRun`]).
///
/// This is [`par_batches_over`] for a slice, without the batch's first
/// index.
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
    run(input, config, caller_site(), |region, batch, _, output| {
        f(region, batch, output)
    })
}

/// Processes any [`Batchable`] input in batches: a slice, or a list of
/// records in a layout image read in place ([`SpanView`], from
/// `barewire::view::<Vec<T>>(&image)` or a list field of a view), with no
/// `Vec` of views collected first.
///
/// As [`par_batches`]: `config.threads` scoped workers, each with one
/// scratch [`Arena`], claim batches of `config.batch_size` items through an
/// atomic counter; each batch runs in a [`Region`] of its worker's arena
/// that ends (freeing the batch's scratch memory) before the next batch.
/// For each batch the closure gets `f(&region, batch, start, &output)`:
/// the batch's items ([`Batchable::Batch`], a sub-list of the image for a
/// `SpanView`), the input index of its first item (item `i` of the batch is
/// input item `start + i`), and the run's [`Output`], one place per input
/// item. The results come in push order and in input order
/// ([`BatchRun::into_input_order`]).
///
/// Views hold only the image's bytes and positions, so they are `Send` and
/// `Sync` whatever the record type is, and every worker reads the one
/// image.
///
/// # Panics
///
/// When `f` panics (the panic is carried to the caller once all workers
/// stop).
///
/// ```
/// use barewire::Bare;
/// use barewire_pool::{par_batches_over, BatchConfig};
///
/// #[derive(Bare)]
/// struct Reading { sensor: String, value: f64 }
///
/// let readings: Vec<Reading> = (0..1000)
///     .map(|i| Reading { sensor: format!("sensor-{}", i % 7), value: i as f64 })
///     .collect();
/// let image = barewire::to_layout(&readings);
/// let list = barewire::view::<Vec<Reading>>(&image)?;
///
/// let config = BatchConfig::new(128).threads(2);
/// let run = par_batches_over(list, &config, |scratch, batch, start, out| {
///     // Per-batch scratch: the batch's values, freed when the batch ends.
///     let values = scratch.alloc_slice_fill_copy(batch.len(), 0.0f64);
///     for (v, r) in values.iter_mut().zip(batch.iter()) {
///         *v = r.value();
///     }
///     for (i, r) in batch.iter().enumerate() {
///         if matches!(r.sensor().as_str(), Ok("sensor-3")) {
///             out.push((start + i, values[i])).unwrap();
///         }
///     }
/// });
/// assert_eq!(run.batches, 8);
/// let found = run.into_input_order();
/// assert_eq!(found.len(), 143);
/// assert_eq!(found[..2], [(3, 3.0), (10, 10.0)]);
/// # Ok::<(), barewire::Error>(())
/// ```
#[cfg_attr(feature = "track", track_caller)]
pub fn par_batches_over<I, R, F>(input: I, config: &BatchConfig, f: F) -> BatchRun<R>
where
    I: Batchable,
    R: Send,
    F: Fn(&Region<'_>, I::Batch, usize, &Output<R>) + Sync,
{
    run(input, config, caller_site(), f)
}

/// The run both entry points share.
fn run<I, R, F>(input: I, config: &BatchConfig, site: Option<Site>, f: F) -> BatchRun<R>
where
    I: Batchable,
    R: Send,
    F: Fn(&Region<'_>, I::Batch, usize, &Output<R>) + Sync,
{
    let len = input.len();
    let batch_size = config.batch_size.max(1);
    let batches = len.div_ceil(batch_size);
    let threads = config.threads.max(1).min(batches.max(1));
    let places = Arc::new(Places::new(len));
    let next = AtomicUsize::new(0);
    let work = Work {
        input: &input,
        len,
        batch_size,
        scratch_capacity: config.scratch_capacity,
        next: &next,
        site,
        places: &places,
        f: &f,
    };
    let reports = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|_| scope.spawn(|| work.worker()))
            .collect();
        workers
            .into_iter()
            .map(|w| match w.join() {
                Ok(report) => report,
                Err(panic) => std::panic::resume_unwind(panic),
            })
            .collect()
    });
    let (results, origins) = Places::into_parts(places);
    BatchRun {
        results,
        origins,
        reports,
        batches,
    }
}

/// What every worker of one run shares.
struct Work<'r, I, R, F> {
    input: &'r I,
    len: usize,
    batch_size: usize,
    scratch_capacity: usize,
    next: &'r AtomicUsize,
    site: Option<Site>,
    places: &'r Arc<Places<R>>,
    f: &'r F,
}

impl<I, R, F> Work<'_, I, R, F>
where
    I: Batchable,
    F: Fn(&Region<'_>, I::Batch, usize, &Output<R>),
{
    /// Claims and runs batches until none is left; the scratch arena's report.
    fn worker(&self) -> Report {
        let mut arena = if self.scratch_capacity > 0 {
            Arena::with_capacity_fixed(self.scratch_capacity)
        } else {
            Arena::new()
        };
        loop {
            let b = self.next.fetch_add(1, Ordering::Relaxed);
            let start = b.saturating_mul(self.batch_size);
            if start >= self.len {
                break;
            }
            // Saturating: a slice of zero-sized items may be `usize::MAX` long.
            let end = start.saturating_add(self.batch_size).min(self.len);
            let Some(items) = self.input.batch(start..end) else {
                continue;
            };
            let output = Output::for_batch(self.places, b);
            let region = Region::enter(&mut arena, self.site);
            (self.f)(&region, items, start, &output);
            drop(region);
        }
        let mut report = arena.report();
        report.title = "batch scratch arena".to_string();
        report
    }
}
