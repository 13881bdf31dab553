//! Diagnostics: counters every allocator keeps, optional per-call-site
//! tracking (the `track` feature), and a readable [`Report`] with suggestions.
//!
//! For allocations anywhere (`Box`, `Vec`, `String`, decoding), see
//! [`global`]: the [`TrackingAllocator`] and [`measure`] scopes.
//!
//! The counters cost one increment per allocation. Bytes in use and the peak
//! are computed from the bump pointer when asked and just before memory is
//! given back (reset, region end), so the allocation path does not track them.
//! Per-call-site counts need `#[track_caller]` on every allocation method and
//! a hash-map update per allocation, so they are behind the `track` feature.

pub mod global;

pub use global::{TrackingAllocator, measure};

use core::cell::{Cell, RefCell};
use core::fmt;
use core::panic::Location;
#[cfg(feature = "track")]
use std::collections::HashMap;

/// A source location recorded by `#[track_caller]`.
pub type Site = &'static Location<'static>;

/// The caller of the public allocation method this is inlined into, when
/// the `track` feature is on.
#[inline(always)]
#[cfg_attr(feature = "track", track_caller)]
pub(crate) fn caller_site() -> Option<Site> {
    if cfg!(feature = "track") {
        Some(Location::caller())
    } else {
        None
    }
}

/// Counters and sizes of one allocator at one moment.
///
/// ```
/// use barewire_pool::Arena;
///
/// let arena = Arena::with_capacity_fixed(1024);
/// let _a = arena.alloc(1u64);
/// let _b = arena.alloc(2u32);
/// let stats = arena.stats();
/// // Counted with the `count` (or `track`) feature only.
/// let counted = cfg!(feature = "count").then_some(2);
/// assert_eq!(stats.allocations, counted);
/// assert_eq!(stats.bytes_in_use, 12);
/// assert_eq!(stats.capacity, 1024);
/// assert!(stats.fixed);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Stats {
    /// Bytes handed out and not yet given back (alignment padding and unused
    /// chunk tails included; for a pool, live slots times the slot size).
    pub bytes_in_use: usize,
    /// The most `bytes_in_use` ever was.
    pub peak_bytes: usize,
    /// Bytes reserved from the system (for a fixed arena, its capacity).
    pub capacity: usize,
    /// Whether the capacity is fixed (exhaustion is an error, not growth).
    pub fixed: bool,
    /// Allocations made: always counted by a [`Pool`](crate::Pool); by an
    /// arena or region only with the crate's `count` feature (which `track`
    /// turns on), `None` without it. Counting costs an arena one more memory
    /// write per allocation, about a fifth of a bump allocation's time, so
    /// the default build leaves the fast path a bare bump.
    pub allocations: Option<u64>,
    /// Individual frees (pool slots given back; arenas free only in bulk).
    pub frees: u64,
    /// `reset` calls.
    pub resets: u64,
    /// Regions entered.
    pub regions: u64,
    /// Allocations that failed because a fixed capacity ran out.
    pub exhaustions: u64,
}

/// What kind of allocation a call site makes: the report's advice depends on
/// it (a site that already allocates slices is never told to batch into a
/// slice).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SiteKind {
    /// One value per call (`alloc`, `alloc_mut`, `Pool::alloc`/`insert`).
    Value {
        /// Whether the value's type has drop glue (`mem::needs_drop`): such
        /// values cannot be batched into one plain slice.
        needs_drop: bool,
    },
    /// A slice or image per call (`alloc_slice_copy`, `alloc_slice_fill_copy`,
    /// `alloc_str`, `alloc_image`): already batched.
    Slice,
    /// Raw bytes (`alloc_layout`, `alloc_zeroed`).
    Raw,
}

impl SiteKind {
    /// The kind of a one-value allocation of `T`.
    #[inline(always)]
    pub(crate) const fn value<T>() -> SiteKind {
        SiteKind::Value {
            needs_drop: core::mem::needs_drop::<T>(),
        }
    }
}

/// Allocation counts of one call site.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SiteCount {
    /// Allocations made there.
    pub count: u64,
    /// Bytes asked for there.
    pub bytes: u64,
}

/// What happened inside the regions opened at one place.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RegionSummary {
    /// Where the regions were opened (`None` without the `track` feature).
    pub site: Option<Site>,
    /// How many were entered.
    pub entries: u64,
    /// The most bytes any one of them held at once.
    pub peak_bytes: usize,
}

/// The largest failed request of a fixed arena.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Exhaustion {
    /// Bytes asked for.
    pub requested: usize,
    /// Bytes in use when it failed.
    pub in_use: usize,
    /// Where it was asked (`None` without the `track` feature).
    pub site: Option<Site>,
}

/// Counts by (call site, innermost region site), with what the site makes.
#[cfg(feature = "track")]
type SiteMap = HashMap<(Site, Option<Site>), (SiteCount, SiteKind)>;

/// The counters an allocator keeps (crate-internal).
#[derive(Default)]
pub(crate) struct Counters {
    pub(crate) allocations: Cell<u64>,
    pub(crate) frees: Cell<u64>,
    pub(crate) resets: Cell<u64>,
    pub(crate) regions: Cell<u64>,
    pub(crate) exhaustions: Cell<u64>,
    pub(crate) peak: Cell<usize>,
    /// Peak since the innermost live region started.
    pub(crate) window_peak: Cell<usize>,
    pub(crate) largest_exhaustion: Cell<Option<Exhaustion>>,
    pub(crate) region_log: RefCell<Vec<RegionSummary>>,
    /// Region sites of the live regions, innermost last.
    #[cfg(feature = "track")]
    pub(crate) region_stack: RefCell<Vec<Site>>,
    #[cfg(feature = "track")]
    pub(crate) sites: RefCell<SiteMap>,
}

impl Counters {
    #[inline(always)]
    pub(crate) fn bump(cell: &Cell<u64>) {
        cell.set(cell.get().wrapping_add(1));
    }

    /// Raises the peaks to `in_use`.
    pub(crate) fn observe(&self, in_use: usize) {
        if in_use > self.peak.get() {
            self.peak.set(in_use);
        }
        if in_use > self.window_peak.get() {
            self.window_peak.set(in_use);
        }
    }

    /// Records one allocation of `bytes` at `site`, inside the innermost live
    /// region.
    #[cfg(feature = "track")]
    pub(crate) fn note_site(&self, site: Site, bytes: usize, kind: SiteKind) {
        let region = self.region_stack.borrow().last().copied();
        let mut sites = self.sites.borrow_mut();
        let key = (site, region);
        // Saturating: a failed request of any size is counted too, and the
        // counters must never panic on it.
        let count = |c: &mut SiteCount| {
            c.count = c.count.saturating_add(1);
            c.bytes = c.bytes.saturating_add(bytes as u64);
        };
        match sites.get_mut(&key) {
            Some((entry, _)) => count(entry),
            None => {
                let mut entry = SiteCount::default();
                count(&mut entry);
                // A new site's entry is the pool's own allocation, made for
                // the caller at `site`: a `TrackingAllocator` counts it there.
                // When the system has no memory for it, the site goes
                // uncounted: an allocation method must not abort for its
                // diagnostics (`tests/alloc_failure.rs`).
                global::at_site(Some(site), || {
                    if sites.try_reserve(1).is_ok() {
                        sites.insert(key, (entry, kind));
                    }
                });
            }
        }
    }

    pub(crate) fn note_exhaustion(&self, requested: usize, in_use: usize, site: Option<Site>) {
        Self::bump(&self.exhaustions);
        let bigger = match self.largest_exhaustion.get() {
            Some(e) => requested.saturating_add(in_use) > e.requested.saturating_add(e.in_use),
            None => true,
        };
        if bigger {
            self.largest_exhaustion.set(Some(Exhaustion {
                requested,
                in_use,
                site,
            }));
        }
    }

    pub(crate) fn note_region(&self, site: Option<Site>, peak_bytes: usize) {
        let mut log = self.region_log.borrow_mut();
        match log.iter_mut().find(|r| r.site == site) {
            Some(r) => {
                r.entries += 1;
                r.peak_bytes = r.peak_bytes.max(peak_bytes);
            }
            None => log.push(RegionSummary {
                site,
                entries: 1,
                peak_bytes,
            }),
        }
    }

    pub(crate) fn report(&self, title: String, stats: Stats) -> Report {
        #[cfg(feature = "track")]
        let mut sites: Vec<_> = self
            .sites
            .borrow()
            .iter()
            .map(|(&(site, region), &(count, kind))| SiteLine {
                site,
                region,
                count,
                kind,
            })
            .collect();
        #[cfg(not(feature = "track"))]
        let mut sites: Vec<SiteLine> = Vec::new();
        sites.sort_by(|a, b| {
            b.count
                .count
                .cmp(&a.count.count)
                .then(cmp_site(a.site, b.site))
        });
        Report {
            title,
            stats,
            tracked: cfg!(feature = "track"),
            sites,
            regions: self.region_log.borrow().clone(),
            largest_exhaustion: self.largest_exhaustion.get(),
        }
    }
}

fn cmp_site(a: Site, b: Site) -> core::cmp::Ordering {
    (a.file(), a.line(), a.column()).cmp(&(b.file(), b.line(), b.column()))
}

/// One call site's line in a [`Report`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SiteLine {
    /// Where the allocations were made.
    pub site: Site,
    /// The site of the innermost region they were made in, if any.
    pub region: Option<Site>,
    /// How many and how large.
    pub count: SiteCount,
    /// What the site allocates (one value, a slice, raw bytes).
    pub kind: SiteKind,
}

/// A readable account of one allocator, with suggestions.
///
/// Its `Display` prints the counters, one line per call site (with the
/// `track` feature), the regions and the largest exhaustion, then
/// suggestions made by these rules:
///
/// 1. A fixed arena ran out: set the capacity to the most that was needed
///    (bytes in use plus the failed request) plus a quarter, rounded up to
///    KiB.
/// 2. A fixed arena's peak stayed under a quarter of its capacity: a capacity
///    of the peak plus a quarter (rounded up to KiB) would do.
/// 3. Inside one region, the call site that allocated most often (at least
///    100 times and at least half of that region's allocations) is named, with
///    the advice to allocate its values in one slice, when that advice fits:
///    the site allocates one value per call (not already a slice:
///    `alloc_slice_copy`, `alloc_slice_fill_copy`, `alloc_str`, images, raw
///    layouts) and the value has no drop glue (a value that owns something,
///    such as a list node holding the next node's `Owned`, cannot go in a
///    plain slice, and the region already frees all of them at once, which
///    is what it is for). No `Pool<T>` advice is given here: the values of a
///    region are freed together, which a region does best; a pool is
///    advised by [`global`] scopes, where allocations freed one by one are
///    seen.
///
/// ```
/// use barewire_pool::Arena;
///
/// let mut arena = Arena::with_capacity_fixed(1 << 20);
/// {
///     let region = arena.region();
///     for i in 0..1000u64 {
///         let _ = region.alloc(i);
///     }
/// }
/// let text = arena.report().to_string();
/// if cfg!(feature = "count") {
///     assert!(text.contains("1,000 allocations"), "{text}");
/// } else {
///     assert!(text.contains("allocations not counted"), "{text}");
/// }
/// assert!(text.contains("under a quarter"), "{text}");
/// ```
#[derive(Clone, Debug)]
pub struct Report {
    /// What the report is about, e.g. `arena` or `pool of u64`.
    pub title: String,
    /// The counters.
    pub stats: Stats,
    /// Whether per-call-site tracking was on (the `track` feature).
    pub tracked: bool,
    /// Call sites, most allocations first (empty unless tracked).
    pub sites: Vec<SiteLine>,
    /// Regions, grouped by where they were opened.
    pub regions: Vec<RegionSummary>,
    /// The largest failed request, if a fixed capacity ran out.
    pub largest_exhaustion: Option<Exhaustion>,
}

impl Report {
    /// The suggestions the rules in the type's docs give, one per line.
    pub fn suggestions(&self) -> Vec<String> {
        let mut out = Vec::new();
        let s = &self.stats;
        if let (true, Some(e)) = (s.fixed, self.largest_exhaustion) {
            // Saturating: `requested` may be any size a caller asked for.
            let largest = e.in_use.saturating_add(e.requested);
            let need = round_kib(largest.max(s.peak_bytes).saturating_mul(5) / 4);
            out.push(format!(
                "the fixed capacity of {} ran out {} {} (largest need {}{}): set it to at least {} (Arena::with_capacity_fixed({}))",
                Bytes(s.capacity),
                Count(s.exhaustions),
                plural(s.exhaustions, "time", "times"),
                Bytes(largest),
                at(e.site),
                Bytes(need),
                need,
            ));
        } else if s.fixed && s.capacity >= 4096 && s.peak_bytes < s.capacity / 4 {
            let need = round_kib(s.peak_bytes.saturating_mul(5) / 4).max(1024);
            out.push(format!(
                "the peak of {} stayed under a quarter of the fixed capacity of {}: {} would do (Arena::with_capacity_fixed({}))",
                Bytes(s.peak_bytes),
                Bytes(s.capacity),
                Bytes(need),
                need,
            ));
        }
        let mut regions: Vec<Option<Site>> = self.sites.iter().map(|l| l.region).collect();
        regions.sort_by(|a, b| match (a, b) {
            (Some(a), Some(b)) => cmp_site(a, b),
            _ => a.is_some().cmp(&b.is_some()),
        });
        regions.dedup();
        for region in regions.into_iter().flatten() {
            let inside: Vec<&SiteLine> = self
                .sites
                .iter()
                .filter(|l| l.region == Some(region))
                .collect();
            let total = inside
                .iter()
                .fold(0u64, |sum, l| sum.saturating_add(l.count.count));
            // Sites are sorted by count, so the first is the most frequent.
            if let Some(top) = inside.first() {
                let batchable = top.kind == SiteKind::Value { needs_drop: false };
                if batchable && top.count.count >= 100 && top.count.count.saturating_mul(2) >= total
                {
                    out.push(format!(
                        "{} makes {} of the {} allocations in the region opened at {} ({} each on average): they are plain values, so one slice holds them all (alloc_slice_copy, alloc_slice_fill_copy for Blit types)",
                        SiteName(top.site),
                        Count(top.count.count),
                        Count(total),
                        SiteName(region),
                        Bytes((top.count.bytes / top.count.count) as usize),
                    ));
                }
            }
        }
        out
    }
}

fn round_kib(n: usize) -> usize {
    n.div_ceil(1024).saturating_mul(1024)
}

fn plural(n: u64, one: &'static str, many: &'static str) -> &'static str {
    if n == 1 { one } else { many }
}

fn at(site: Option<Site>) -> String {
    site.map(|s| format!(" at {}", SiteName(s)))
        .unwrap_or_default()
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = &self.stats;
        let kind = if s.fixed { "fixed" } else { "growing" };
        writeln!(f, "{} ({kind}, capacity {})", self.title, Bytes(s.capacity))?;
        writeln!(
            f,
            "  in use {}, peak {}; {}, {}, {}, {}, {}",
            Bytes(s.bytes_in_use),
            Bytes(s.peak_bytes),
            AllocationCount(s.allocations),
            Counted(s.frees, "free"),
            Counted(s.regions, "region"),
            Counted(s.resets, "reset"),
            Counted(s.exhaustions, "exhaustion"),
        )?;
        let linear = crate::linear::unconsumed_count();
        if linear > 0 {
            write!(f, "  unconsumed Linear values dropped: {}", Count(linear))?;
            match crate::linear::last_unconsumed_site() {
                Some(s) => writeln!(f, " (the last made at {})", SiteName(s))?,
                None => writeln!(f)?,
            }
        }
        if self.tracked {
            writeln!(f, "  call sites:")?;
            for l in &self.sites {
                write!(
                    f,
                    "    {}: {}, {} per 100 calls",
                    SiteName(l.site),
                    Counted(l.count.count, "allocation"),
                    Bytes((l.count.bytes.saturating_mul(100) / l.count.count.max(1)) as usize),
                )?;
                match self
                    .regions
                    .iter()
                    .find(|r| r.site.is_some() && r.site == l.region)
                {
                    Some(r) => writeln!(
                        f,
                        "; region peaked at {} of {}",
                        Bytes(r.peak_bytes),
                        Bytes(s.capacity)
                    )?,
                    None => writeln!(f, "; outside regions")?,
                }
            }
        } else {
            writeln!(
                f,
                "  call sites: not tracked (enable the `track` feature of barewire-pool)"
            )?;
        }
        for r in &self.regions {
            writeln!(
                f,
                "  regions{}: {} entered, peaked at {} of {}",
                at(r.site),
                Count(r.entries),
                Bytes(r.peak_bytes),
                Bytes(s.capacity)
            )?;
        }
        if let Some(e) = self.largest_exhaustion {
            writeln!(
                f,
                "  largest failed request: {} with {} in use{}",
                Bytes(e.requested),
                Bytes(e.in_use),
                at(e.site)
            )?;
        }
        let suggestions = self.suggestions();
        if !suggestions.is_empty() {
            writeln!(f, "  suggestions:")?;
            for line in suggestions {
                writeln!(f, "    - {line}")?;
            }
        }
        Ok(())
    }
}

/// Formats a count with thousands separators: `1,000`.
///
/// ```
/// assert_eq!(barewire_pool::diag::Count(1234567).to_string(), "1,234,567");
/// ```
#[derive(Clone, Copy, Debug)]
pub struct Count(pub u64);

impl fmt::Display for Count {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let digits = self.0.to_string();
        let mut out = String::with_capacity(digits.len() + digits.len() / 3);
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i) % 3 == 0 {
                out.push(',');
            }
            out.push(c);
        }
        f.pad(&out)
    }
}

/// Formats a byte size: `512 B`, `2.4 KiB`, `61 KiB`, `1 MiB`.
///
/// One decimal below 10 units, none from 10 on.
///
/// ```
/// use barewire_pool::diag::Bytes;
/// assert_eq!(Bytes(512).to_string(), "512 B");
/// assert_eq!(Bytes(2458).to_string(), "2.4 KiB");
/// assert_eq!(Bytes(61 * 1024).to_string(), "61 KiB");
/// assert_eq!(Bytes(1 << 20).to_string(), "1 MiB");
/// ```
#[derive(Clone, Copy, Debug)]
pub struct Bytes(pub usize);

impl fmt::Display for Bytes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        const UNITS: [&str; 5] = ["B", "KiB", "MiB", "GiB", "TiB"];
        let mut value = self.0 as f64;
        let mut unit = 0;
        while value >= 1024.0 && unit + 1 < UNITS.len() {
            value /= 1024.0;
            unit += 1;
        }
        let text = if unit == 0 || value >= 10.0 || value.fract() < 0.05 {
            format!("{} {}", value.floor() as u64, UNITS[unit])
        } else {
            format!("{:.1} {}", (value * 10.0).floor() / 10.0, UNITS[unit])
        };
        f.pad(&text)
    }
}

/// A count followed by its noun, plural unless the count is 1.
struct Counted(u64, &'static str);

impl fmt::Display for Counted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} {}{}",
            Count(self.0),
            self.1,
            if self.0 == 1 { "" } else { "s" }
        )
    }
}

/// An allocation count, or what to turn on to get one.
struct AllocationCount(Option<u64>);

impl fmt::Display for AllocationCount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Some(n) => Counted(n, "allocation").fmt(f),
            None => f.write_str("allocations not counted (feature `count`)"),
        }
    }
}

/// Formats a call site as `file:line`.
struct SiteName(Site);

impl fmt::Display for SiteName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.0.file(), self.0.line())
    }
}
