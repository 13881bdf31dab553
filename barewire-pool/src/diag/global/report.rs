//! What the tracker found: per-scope summaries, their advice, and the report
//! that prints them.

use core::fmt;

use crate::diag::{Bytes, Count, Site};

/// Allocations a pool entry point made from the global allocator for its
/// caller (a new arena or pool chunk).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PoolSite {
    /// The user's line (`None` without the `track` feature).
    pub site: Option<Site>,
    /// Allocations made there.
    pub allocations: u64,
    /// Bytes.
    pub bytes: u64,
}

/// A call site found by a sampled backtrace.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SampledSite {
    /// `function (file:line)` of the first frame outside the standard
    /// library and barewire.
    pub site: String,
    /// Allocations sampled there (each stands for `sample_every`).
    pub samples: u64,
    /// Whether a barewire decode was on the way to the allocation.
    pub decode: bool,
}

/// Totals of one scope (one name at one call site) over its calls.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScopeSummary {
    /// The name given to [`measure`](super::measure).
    pub name: &'static str,
    /// Where `measure` was called.
    pub site: Site,
    /// Calls finished.
    pub calls: u64,
    /// Allocations (`alloc`, `alloc_zeroed`; not reallocations).
    pub allocations: u64,
    /// Bytes allocated, growth by reallocation included.
    pub bytes: u64,
    /// Frees (of memory from inside or outside the scope).
    pub frees: u64,
    /// Bytes freed, shrinking by reallocation included.
    pub freed_bytes: u64,
    /// Reallocations (a `Vec` or `String` growing).
    pub reallocs: u64,
    /// The most bytes one call held at once.
    pub peak_bytes: u64,
    /// Allocations made by pool entry points (their chunks).
    pub pool_allocations: u64,
    /// Those allocations by the user's line.
    pub pool_sites: Vec<PoolSite>,
    /// Allocations made inside barewire decodes (`from_slice`,
    /// `SliceDecoder`, `IoDecoder`, `layout::to_owned`), by the line that
    /// called the decode (`#[track_caller]`).
    pub decode_sites: Vec<PoolSite>,
    /// Allocation sizes outside pools, with counts (the first few seen).
    pub sizes: Vec<(usize, u64)>,
    /// Sampled call sites (with [`sample_backtraces`](super::sample_backtraces)).
    pub sampled: Vec<SampledSite>,
    /// The sampling rate the samples were taken at.
    pub sample_every: u32,
}

/// One piece of advice for a scope; `Display` gives the sentence.
#[derive(Clone, Debug, PartialEq)]
pub enum Advice {
    /// Buffers grow inside the calls: preallocate with a capacity.
    Preallocate {
        /// Reallocations per call.
        reallocs_per_call: f64,
    },
    /// Decoding allocates: decode borrowed, or into an arena.
    DecodeBorrowedOrIntoArena {
        /// Where the sampled decode allocations came from.
        site: String,
    },
    /// Many allocations per call, all given back before the call ends: one
    /// arena region per call.
    ArenaRegion {
        /// Allocations per call outside pools.
        allocations_per_call: f64,
    },
    /// Many allocations of one size kept past the call: a `Pool<T>`.
    Pool {
        /// The size.
        size: usize,
        /// Such allocations per call.
        per_call: f64,
    },
    /// A pool or arena keeps growing at a user's line: give it a capacity.
    Capacity {
        /// The line (`None` without the `track` feature).
        site: Option<Site>,
        /// Its growths per call.
        per_call: f64,
    },
}

impl fmt::Display for Advice {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Advice::Preallocate { reallocs_per_call } => write!(
                f,
                "buffers grow {reallocs_per_call:.1} times per call: preallocate with a capacity (Vec::with_capacity, String::with_capacity), or keep one buffer across calls and clear() it"
            ),
            Advice::DecodeBorrowedOrIntoArena { site } => write!(
                f,
                "decoding allocates (at {site}): decode borrowed (&str / &[u8] fields point into the input), or hold the message as an image in an arena region (Arena::alloc_image_bytes + barewire::view)"
            ),
            Advice::ArenaRegion {
                allocations_per_call,
            } => write!(
                f,
                "{allocations_per_call:.1} allocations per call are all given back before the call ends (a stream-processing pattern): allocate them in an arena region opened per call (Arena::region), or avoid them with borrowed data"
            ),
            Advice::Pool { size, per_call } => write!(
                f,
                "{per_call:.1} allocations of {} per call outlive the call: keep them in a Pool<T> (Pool::insert and Handles, or Pool::alloc for an Owned freed at the end of its scope)",
                Bytes(*size)
            ),
            Advice::Capacity { site, per_call } => write!(
                f,
                "the pool or arena used{} grows {per_call:.2} times per call: give it a capacity up front (Arena::with_capacity, Pool::with_capacity)",
                site.map(|s| format!(" at {}:{}", s.file(), s.line()))
                    .unwrap_or_default()
            ),
        }
    }
}

impl ScopeSummary {
    pub(super) fn new(name: &'static str, site: Site) -> ScopeSummary {
        ScopeSummary {
            name,
            site,
            calls: 0,
            allocations: 0,
            bytes: 0,
            frees: 0,
            freed_bytes: 0,
            reallocs: 0,
            peak_bytes: 0,
            pool_allocations: 0,
            pool_sites: Vec::new(),
            decode_sites: Vec::new(),
            sizes: Vec::new(),
            sampled: Vec::new(),
            sample_every: 0,
        }
    }

    fn per_call(&self, n: u64) -> f64 {
        n as f64 / self.calls.max(1) as f64
    }

    /// Allocations per call.
    ///
    /// ```
    /// let s = barewire_pool::diag::global::measure("per_call_doc", || 1);
    /// assert_eq!(s, 1);
    /// ```
    pub fn allocations_per_call(&self) -> f64 {
        self.per_call(self.allocations)
    }

    /// Bytes allocated per call.
    pub fn bytes_per_call(&self) -> f64 {
        self.per_call(self.bytes)
    }

    /// Allocations per 100 calls.
    pub fn allocations_per_100(&self) -> u64 {
        (self.allocations.saturating_mul(100)) / self.calls.max(1)
    }

    /// Bytes allocated per 100 calls.
    pub fn bytes_per_100(&self) -> u64 {
        (self.bytes.saturating_mul(100)) / self.calls.max(1)
    }

    /// The advice that fits what this scope's allocations did; nothing is
    /// advised that the code already does:
    ///
    /// 1. [`Advice::Preallocate`] only when buffers actually grew
    ///    (reallocations, at least one per 10 calls).
    /// 2. [`Advice::DecodeBorrowedOrIntoArena`] only when a barewire decode
    ///    allocated inside the scope: its call site (from `#[track_caller]`
    ///    on the decode entry points), or a sampled backtrace through one.
    /// 3. [`Advice::ArenaRegion`] when at least 2 allocations per call made
    ///    outside pools are given back within the calls (at least 90% of the
    ///    bytes): memory that already comes from a pool or arena is never
    ///    told to move to one.
    /// 4. [`Advice::Pool`] when most allocations outside pools are of one
    ///    size, at least 2 per call, and outlive the call (under 50% of the
    ///    bytes given back).
    /// 5. [`Advice::Capacity`] when a pool's or arena's own growth (new
    ///    chunks) happens at least once per 10 calls at one line.
    pub fn advice(&self) -> Vec<Advice> {
        let mut out = Vec::new();
        if self.calls == 0 {
            return out;
        }
        let reallocs = self.per_call(self.reallocs);
        if reallocs >= 0.1 {
            out.push(Advice::Preallocate {
                reallocs_per_call: reallocs,
            });
        }
        let decode_site = self
            .decode_sites
            .iter()
            .max_by_key(|d| d.allocations)
            .and_then(|d| d.site)
            .map(|site| site.to_string())
            .or_else(|| {
                self.sampled
                    .iter()
                    .find(|s| s.decode)
                    .map(|s| s.site.clone())
            });
        if let Some(site) = decode_site {
            out.push(Advice::DecodeBorrowedOrIntoArena { site });
        }
        let outside = self.allocations.saturating_sub(self.pool_allocations);
        let outside_per_call = self.per_call(outside);
        let given_back = self.freed_bytes as f64 / self.bytes.max(1) as f64;
        if outside_per_call >= 2.0 && given_back >= 0.9 {
            out.push(Advice::ArenaRegion {
                allocations_per_call: outside_per_call,
            });
        } else if let Some(&(size, n)) = self.sizes.iter().max_by_key(|(_, n)| *n) {
            let per_call = self.per_call(n);
            if per_call >= 2.0 && n.saturating_mul(2) >= outside && given_back < 0.5 {
                out.push(Advice::Pool { size, per_call });
            }
        }
        for p in &self.pool_sites {
            let per_call = self.per_call(p.allocations);
            if per_call >= 0.1 {
                out.push(Advice::Capacity {
                    site: p.site,
                    per_call,
                });
            }
        }
        out
    }
}

impl fmt::Display for ScopeSummary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "{} ({}:{}): {} {}",
            self.name,
            self.site.file(),
            self.site.line(),
            Count(self.calls),
            if self.calls == 1 { "call" } else { "calls" }
        )?;
        writeln!(
            f,
            "  allocates {} in {:.1} allocations per call; {} in {} per 100 calls",
            Bytes(self.bytes_per_call() as usize),
            self.allocations_per_call(),
            Bytes(self.bytes_per_100() as usize),
            crate::diag::Counted(self.allocations_per_100(), "allocation"),
        )?;
        writeln!(
            f,
            "  {:.1} reallocations and {:.1} frees per call; {}% of the bytes given back within the calls; peak {} in one call",
            self.per_call(self.reallocs),
            self.per_call(self.frees),
            (self.freed_bytes.min(self.bytes) * 100) / self.bytes.max(1),
            Bytes(self.peak_bytes as usize),
        )?;
        for p in &self.pool_sites {
            writeln!(
                f,
                "  pool/arena growth{}: {} allocations, {}",
                p.site
                    .map(|s| format!(" at {}:{}", s.file(), s.line()))
                    .unwrap_or_default(),
                Count(p.allocations),
                Bytes(p.bytes as usize)
            )?;
        }
        for d in &self.decode_sites {
            writeln!(
                f,
                "  barewire decode{}: {} allocations, {}",
                d.site
                    .map(|s| format!(" at {}:{}", s.file(), s.line()))
                    .unwrap_or_default(),
                Count(d.allocations),
                Bytes(d.bytes as usize)
            )?;
        }
        for s in &self.sampled {
            writeln!(
                f,
                "  sampled site {}: ~{} allocations and reallocations{}",
                s.site,
                Count(s.samples.saturating_mul(u64::from(self.sample_every))),
                if s.decode { " (barewire decode)" } else { "" }
            )?;
        }
        let advice = self.advice();
        if !advice.is_empty() {
            writeln!(f, "  suggestions:")?;
            for a in advice {
                writeln!(f, "    - {a}")?;
            }
        }
        Ok(())
    }
}

/// Every finished scope: a struct to read, and `Display` to print.
#[derive(Clone, Debug)]
pub struct ScopeReport {
    /// The scopes, in the order they first finished.
    pub scopes: Vec<ScopeSummary>,
    /// Whether a [`TrackingAllocator`](super::TrackingAllocator) has counted anything.
    pub installed: bool,
}

impl ScopeReport {
    /// The first scope named `name`.
    ///
    /// ```
    /// assert!(barewire_pool::diag::global::report().scope("nothing here").is_none());
    /// ```
    pub fn scope(&self, name: &str) -> Option<&ScopeSummary> {
        self.scopes.iter().find(|s| s.name == name)
    }
}

impl fmt::Display for ScopeReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if !self.installed {
            writeln!(
                f,
                "no allocations seen: install the tracker with `#[global_allocator] static A: barewire_pool::diag::global::TrackingAllocator = TrackingAllocator::system();`"
            )?;
        }
        for s in &self.scopes {
            write!(f, "{s}")?;
        }
        Ok(())
    }
}
