//! `map<K><V>` in a layout: sorted entries behind a span, the `MapView`
//! view with lookup by binary search, and the `Layout` impls of the maps.

use alloc::collections::BTreeMap;
use alloc::vec::Vec;
use core::cmp::Ordering;
use core::fmt;
use core::marker::PhantomData;

use super::facts::LayoutFacts;
use super::views::span_range;
use super::{Check, FromLayout, Layout, Trust, Writer, check_inline, follow, read4};
use crate::error::Error;

/// Map keys in a layout: compared in place the same way the writer sorts
/// them (numbers by value, strings by bytes, enums by value).
pub trait LayoutKey: Layout {
    /// What a lookup takes (`str` for string keys, the key itself otherwise).
    type Query: ?Sized;
    /// Compares the key at `at` with `query`.
    fn cmp_query(buf: &[u8], at: usize, query: &Self::Query) -> Ordering;
    /// Compares two keys in place.
    fn cmp_at(buf: &[u8], a: usize, b: usize) -> Ordering;
    /// At most how many bytes [`cmp_at`](Self::cmp_at) reads to compare the
    /// keys at `a` and `b` beyond their inline parts (0 for fixed-size keys;
    /// the shorter length for strings), charged to the check's work budget.
    #[inline]
    fn cmp_cost(_buf: &[u8], _a: usize, _b: usize) -> usize {
        0
    }
    /// Compares two owned keys the way `cmp_at` compares their layouts.
    fn cmp_keys(a: &Self, b: &Self) -> Ordering;
    /// Checks a key fully enough for `cmp_at` and `cmp_query` to compare it
    /// (string keys are checked here, not lazily).
    #[inline]
    fn check_key(buf: &[u8], at: usize, cx: &mut Check) -> Result<(), Error> {
        Self::check(buf, at, cx)
    }
}

/// The offset of the value in a map entry `(K, V)`, and the entry's size and
/// alignment.
pub(crate) const fn entry_layout<K: Layout, V: Layout>() -> (usize, usize, usize) {
    let align = if K::ALIGN > V::ALIGN {
        K::ALIGN
    } else {
        V::ALIGN
    };
    let value_at = K::SIZE.next_multiple_of(V::ALIGN);
    (
        value_at,
        (value_at + V::SIZE).next_multiple_of(align),
        align,
    )
}

/// A view of a map in an image: a span of `(key, value)` entries sorted by
/// key, looked up by binary search in place.
///
/// ```
/// use std::collections::BTreeMap;
/// let map = BTreeMap::from([("b".to_string(), 2u32), ("a".to_string(), 1)]);
/// let image = barewire::to_layout(&map);
/// let view = barewire::view::<BTreeMap<String, u32>>(&image)?;
/// assert_eq!(view.get("b"), Some(2));
/// assert_eq!(view.get("c"), None);
/// assert_eq!(view.len(), 2);
/// # Ok::<(), barewire::Error>(())
/// ```
pub struct MapView<'a, K, V> {
    buf: &'a [u8],
    start: usize,
    len: usize,
    /// What the keys' and values' views trust (see [`Layout::view`]).
    trust: Trust,
    _entries: PhantomData<fn() -> (K, V)>,
}

impl<K, V> Clone for MapView<'_, K, V> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<K, V> Copy for MapView<'_, K, V> {}

impl<'a, K: LayoutKey, V: Layout> MapView<'a, K, V> {
    const ENTRY: (usize, usize, usize) = entry_layout::<K, V>();

    /// The view of the map whose span repr is at `at`; its reads check
    /// what they read.
    #[inline]
    pub(crate) fn new(buf: &'a [u8], at: usize) -> Self {
        // SAFETY: `Trust::Lazy` asks nothing.
        unsafe { Self::trusting(buf, at, Trust::Lazy) }
    }

    /// The view of the map at `at`, trusting the image as far as `trust`
    /// says.
    ///
    /// # Safety
    ///
    /// [`Layout::view`]'s, for the map at `at`.
    #[inline]
    pub(crate) unsafe fn trusting(buf: &'a [u8], at: usize, trust: Trust) -> Self {
        let (start, len) = span_range(buf, at);
        MapView {
            buf,
            start,
            len,
            trust,
            _entries: PhantomData,
        }
    }

    /// The number of entries.
    #[inline]
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether the map is empty.
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The value of `key`, found by binary search.
    pub fn get(&self, key: &K::Query) -> Option<V::View<'a>> {
        let (value_at, size, _) = Self::ENTRY;
        let (mut lo, mut hi) = (0, self.len);
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            let entry = self.start + mid * size;
            match K::cmp_query(self.buf, entry, key) {
                Ordering::Less => lo = mid + 1,
                Ordering::Greater => hi = mid,
                Ordering::Equal => {
                    // SAFETY: the check of a map (`check_map`) checked the
                    // key and the value of each of its `len` entries, read
                    // from its span the same way; `mid < len`.
                    let value = unsafe { V::view(self.buf, entry + value_at, self.trust) };
                    return Some(value);
                }
            }
        }
        None
    }

    /// The entries, in key order.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = (K::View<'a>, V::View<'a>)> + 'a {
        let (value_at, size, _) = Self::ENTRY;
        let (buf, start, trust) = (self.buf, self.start, self.trust);
        (0..self.len).map(move |i| {
            let entry = start + i * size;
            // SAFETY: as in `get`: entry `i < len`.
            unsafe {
                (
                    K::view(buf, entry, trust),
                    V::view(buf, entry + value_at, trust),
                )
            }
        })
    }
}

impl<'a, K: LayoutKey, V: Layout> fmt::Debug for MapView<'a, K, V>
where
    K::View<'a>: fmt::Debug,
    V::View<'a>: fmt::Debug,
{
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

/// Checks a map repr at `at`: its span, every entry, and strictly ascending
/// keys.
pub(crate) fn check_map<K: LayoutKey, V: Layout>(
    buf: &[u8],
    at: usize,
    cx: &mut Check,
) -> Result<(), Error> {
    let (value_at, size, align) = entry_layout::<K, V>();
    let len = u32::from_le_bytes(read4(buf, at + 4)) as usize;
    if len == 0 {
        return Ok(());
    }
    let start = follow(buf, at)?;
    let total = len.checked_mul(size).ok_or(Error::InvalidLayout {
        offset: at,
        reason: "map length overflows",
    })?;
    check_inline(buf, start, total, align).map_err(|_| Error::InvalidLayout {
        offset: at,
        reason: "map entries are misaligned or run past the end of the image",
    })?;
    cx.claim(start, total)?;
    cx.enter(start)?;
    cx.visit(len as u64, start)?;
    for i in 0..len {
        let entry = start + i * size;
        K::check_key(buf, entry, cx)?;
        V::check(buf, entry + value_at, cx)?;
        if i > 0 {
            let prev = entry - size;
            cx.work(K::cmp_cost(buf, prev, entry), entry, "comparing map keys")?;
            if K::cmp_at(buf, prev, entry) != Ordering::Less {
                return Err(Error::InvalidLayout {
                    offset: entry,
                    reason: "map keys are not strictly ascending",
                });
            }
        }
    }
    cx.leave();
    Ok(())
}

/// The out-of-line size estimate of a map from its length and first entry.
fn map_hint<K: Layout, V: Layout>(len: usize, first: Option<(&K, &V)>) -> usize {
    let (_, size, align) = entry_layout::<K, V>();
    let extra = first.map_or(0, |(k, v)| k.out_of_line_hint() + v.out_of_line_hint());
    len.saturating_mul(size + extra) + align
}

/// Writes a map repr at `at`: its entries sorted by the layout's key order.
fn write_map<'m, K: LayoutKey + 'm, V: Layout + 'm>(
    len: usize,
    entries: impl Iterator<Item = (&'m K, &'m V)>,
    w: &mut Writer,
    at: usize,
) {
    let (value_at, size, align) = entry_layout::<K, V>();
    let mut sorted: Vec<(&K, &V)> = entries.collect();
    if !sorted.is_sorted_by(|a, b| K::cmp_keys(a.0, b.0) == Ordering::Less) {
        sorted.sort_by(|a, b| K::cmp_keys(a.0, b.0));
    }
    let len32 = u32::try_from(len).expect("a map in a layout holds at most 2^32 - 1 entries");
    if len == 0 {
        return;
    }
    let start = w.alloc(size * len, align);
    w.put_offset(at, start);
    w.put(at + 4, &len32.to_le_bytes());
    for (i, (k, v)) in sorted.into_iter().enumerate() {
        let entry = start + i * size;
        k.write(w, entry);
        v.write(w, entry + value_at);
    }
}

macro_rules! map_layouts {
    ($($(#[$doc:meta])* impl[$($g:tt)*] $t:ty;)*) => {$(
        $(#[$doc])*
        impl<$($g)*> Layout for $t {
            const SIZE: usize = 8;
            const ALIGN: usize = 4;
            type View<'a> = MapView<'a, K, V>;
            type ViewMut<'a> = MapView<'a, K, V>;
            fn layout_facts(facts: &mut LayoutFacts) {
                if facts.enter::<Self>("") {
                    K::layout_facts(facts);
                    V::layout_facts(facts);
                }
            }
            fn write(&self, w: &mut Writer, at: usize) {
                write_map(self.len(), self.iter(), w, at);
            }
            fn out_of_line_hint(&self) -> usize {
                map_hint(self.len(), self.iter().next())
            }
            fn check(buf: &[u8], at: usize, cx: &mut Check) -> Result<(), Error> {
                check_map::<K, V>(buf, at, cx)
            }
            #[inline]
            unsafe fn view(buf: &[u8], at: usize, trust: Trust) -> MapView<'_, K, V> {
                // SAFETY: the caller's `Layout::view` contract is `trusting`'s.
                unsafe { MapView::trusting(buf, at, trust) }
            }
            #[inline]
            fn view_mut(buf: &mut [u8], at: usize) -> MapView<'_, K, V> {
                MapView::new(buf, at)
            }
        }
    )*};
}
map_layouts! {
    impl[K: LayoutKey, V: Layout] BTreeMap<K, V>;
    /// Written sorted by key, like every map image (the insertion order is
    /// the wire's, not the layout's).
    #[cfg(feature = "indexmap")]
    impl[K: LayoutKey, V: Layout, S] indexmap::IndexMap<K, V, S>;
    /// Written sorted by key, like `std::collections::HashMap`.
    #[cfg(feature = "hashbrown")]
    impl[K: LayoutKey, V: Layout, S] hashbrown::HashMap<K, V, S>;
}

/// Rebuilds the entries of a checked map, calling `insert` for each.
pub(crate) fn map_from_layout<'a, K: FromLayout<'a> + LayoutKey, V: FromLayout<'a>>(
    buf: &'a [u8],
    at: usize,
    cx: &mut Check,
    mut insert: impl FnMut(K, V),
) -> Result<(), Error> {
    let (value_at, size, _) = entry_layout::<K, V>();
    let (start, len) = span_range(buf, at);
    cx.enter(at)?;
    cx.visit(len as u64, at)?;
    cx.output((len as u64).saturating_mul(size as u64), at)?;
    for i in 0..len {
        let entry = start + i * size;
        insert(
            K::from_layout(buf, entry, cx)?,
            V::from_layout(buf, entry + value_at, cx)?,
        );
    }
    cx.leave();
    Ok(())
}

impl<'a, K: FromLayout<'a> + LayoutKey + Ord, V: FromLayout<'a>> FromLayout<'a> for BTreeMap<K, V> {
    fn from_layout(buf: &'a [u8], at: usize, cx: &mut Check) -> Result<Self, Error> {
        let mut map = BTreeMap::new();
        map_from_layout(buf, at, cx, |k, v| {
            map.insert(k, v);
        })?;
        Ok(map)
    }
}

#[cfg(feature = "std")]
mod hash_map {
    use std::collections::HashMap;
    use std::hash::{BuildHasher, Hash};

    use super::*;

    map_layouts! {
        /// Written sorted by key like a `BTreeMap`, so equal maps give equal
        /// images whatever their iteration order.
        impl[K: LayoutKey, V: Layout, S] HashMap<K, V, S>;
    }

    impl<'a, K, V, S> FromLayout<'a> for HashMap<K, V, S>
    where
        K: FromLayout<'a> + LayoutKey + Eq + Hash,
        V: FromLayout<'a>,
        S: BuildHasher + Default,
    {
        fn from_layout(buf: &'a [u8], at: usize, cx: &mut Check) -> Result<Self, Error> {
            let mut map = HashMap::with_hasher(S::default());
            map_from_layout(buf, at, cx, |k, v| {
                map.insert(k, v);
            })?;
            Ok(map)
        }
    }
}
