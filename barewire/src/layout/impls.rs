//! [`Layout`] and [`FromLayout`] for the std types of the BARE mapping.

use alloc::boxed::Box;
use alloc::vec::Vec;
use core::cmp::Ordering;
use core::marker::PhantomData;

use super::facts::LayoutFacts;
use super::map::LayoutKey;
use super::views::{
    ArrayView, Scalar, ScalarLayout, SpanView, SpanViewMut, check_items, check_span, span_range,
    write_span,
};
use super::{
    Check, FromLayout, Layout, Trust, Writer, check_inline, follow, follow_unchecked, read4,
};
use crate::error::Error;
use crate::plain::{CheckedInPlace, IntoLayout, Plain, ReadInPlace};
use crate::wire::{Int, Uint};

macro_rules! numbers {
    ($($t:ty),*) => {$(
        impl Layout for $t {
            const SIZE: usize = core::mem::size_of::<$t>();
            const ALIGN: usize = core::mem::size_of::<$t>();
            const PLAIN: Plain<Self, IntoLayout> = Plain::<$t, IntoLayout>::NUMBER;
            const IN_PLACE: Plain<Self, ReadInPlace> = Plain::<$t, ReadInPlace>::NUMBER;
            const TRIVIAL: bool = true;
            type View<'a> = $t;
            type ViewMut<'a> = Scalar<'a, $t>;
            #[inline]
            fn write(&self, w: &mut Writer, at: usize) {
                w.put(at, &self.to_le_bytes());
            }
            #[inline]
            fn check(_: &[u8], _: usize, _: &mut Check) -> Result<(), Error> {
                Ok(())
            }
            #[inline]
            unsafe fn view(buf: &[u8], at: usize, trust: Trust) -> $t {
                match trust {
                    Trust::Lazy => <$t as ScalarLayout>::get_at(buf, at),
                    // SAFETY: under `Trust::Structure` or `Full`,
                    // `Layout::view`'s contract puts the inline part
                    // `at..at + SIZE` inside `buf`; any bytes are a `$t`,
                    // read unaligned.
                    Trust::Structure | Trust::Full => <$t>::from_le_bytes(unsafe {
                        buf.as_ptr().add(at).cast::<[u8; core::mem::size_of::<$t>()]>().read_unaligned()
                    }),
                }
            }
            #[inline]
            fn view_mut(buf: &mut [u8], at: usize) -> Scalar<'_, $t> {
                Scalar::new(buf, at)
            }
        }

        impl ScalarLayout for $t {
            #[inline]
            fn get_at(buf: &[u8], at: usize) -> $t {
                let mut bytes = [0u8; core::mem::size_of::<$t>()];
                bytes.copy_from_slice(&buf[at..at + core::mem::size_of::<$t>()]);
                <$t>::from_le_bytes(bytes)
            }
            #[inline]
            fn put_at(self, buf: &mut [u8], at: usize) {
                buf[at..at + core::mem::size_of::<$t>()].copy_from_slice(&self.to_le_bytes());
            }
        }

        impl<'a> FromLayout<'a> for $t {
            #[inline]
            fn from_layout(buf: &'a [u8], at: usize, _: &mut Check) -> Result<Self, Error> {
                Ok(<$t as ScalarLayout>::get_at(buf, at))
            }
        }
    )*};
}
numbers!(u8, u16, u32, u64, i8, i16, i32, i64, f32, f64);

macro_rules! number_keys {
    ($($t:ty),*) => {$(
        impl LayoutKey for $t {
            type Query = $t;
            #[inline]
            fn cmp_query(buf: &[u8], at: usize, query: &$t) -> Ordering {
                <$t as ScalarLayout>::get_at(buf, at).cmp(query)
            }
            #[inline]
            fn cmp_at(buf: &[u8], a: usize, b: usize) -> Ordering {
                <$t as ScalarLayout>::get_at(buf, a).cmp(&<$t as ScalarLayout>::get_at(buf, b))
            }
            #[inline]
            fn cmp_keys(a: &$t, b: &$t) -> Ordering {
                a.cmp(b)
            }
        }
    )*};
}
number_keys!(u8, u16, u32, u64, i8, i16, i32, i64, bool, Uint, Int);

macro_rules! varints {
    ($($t:ident($inner:ty)),*) => {$(
        /// Stored as a fixed-width little-endian number in a layout.
        impl Layout for $t {
            const SIZE: usize = 8;
            const ALIGN: usize = 8;
            const PLAIN: Plain<Self, IntoLayout> =
                // SAFETY: (1) the newtype is `repr(transparent)` over
                // `$inner`, so it has its memory: no padding, no interior
                // mutability; (2) its layout is `$inner`'s (`write` puts the
                // same bytes), so the claim for `$inner` carries over, and
                // says plain only when that one does.
                unsafe { Plain::new_unchecked(<$inner as Layout>::PLAIN.is_plain()) };
            const IN_PLACE: Plain<Self, ReadInPlace> =
                // SAFETY: as for `PLAIN`, and (3) every bit pattern of
                // `$inner` is a valid newtype of it; (4) the same alignment.
                unsafe { Plain::new_unchecked(<$inner as Layout>::IN_PLACE.is_plain()) };
            const TRIVIAL: bool = true;
            type View<'a> = $t;
            type ViewMut<'a> = Scalar<'a, $t>;
            #[inline]
            fn write(&self, w: &mut Writer, at: usize) {
                w.put(at, &self.0.to_le_bytes());
            }
            #[inline]
            fn check(_: &[u8], _: usize, _: &mut Check) -> Result<(), Error> {
                Ok(())
            }
            #[inline]
            unsafe fn view(buf: &[u8], at: usize, trust: Trust) -> $t {
                // SAFETY: the newtype's layout is `$inner`'s, so the
                // caller's contract is `$inner`'s.
                $t(unsafe { <$inner as Layout>::view(buf, at, trust) })
            }
            #[inline]
            fn view_mut(buf: &mut [u8], at: usize) -> Scalar<'_, $t> {
                Scalar::new(buf, at)
            }
        }

        impl ScalarLayout for $t {
            #[inline]
            fn get_at(buf: &[u8], at: usize) -> $t {
                $t(<$inner as ScalarLayout>::get_at(buf, at))
            }
            #[inline]
            fn put_at(self, buf: &mut [u8], at: usize) {
                self.0.put_at(buf, at);
            }
        }

        impl<'a> FromLayout<'a> for $t {
            #[inline]
            fn from_layout(buf: &'a [u8], at: usize, _: &mut Check) -> Result<Self, Error> {
                Ok(<$t as ScalarLayout>::get_at(buf, at))
            }
        }
    )*};
}
varints!(Uint(u64), Int(i64));

impl Layout for bool {
    const SIZE: usize = 1;
    const ALIGN: usize = 1;
    // SAFETY: (1) a `bool` is one byte, no padding, no interior
    // mutability; (2) `SIZE` is 1 and that byte, 0 or 1, is exactly what
    // `write` puts, with nothing out of line.
    const PLAIN: Plain<Self, IntoLayout> = unsafe { Plain::new_unchecked(true) };
    // SAFETY: (1) one byte, no interior mutability; (2) `size_of` is 1 =
    // `SIZE`, the byte itself; (3) `valid_inline` accepts 0 and 1, the
    // valid `bool`s; (4) alignment 1.
    const IN_PLACE_CHECKED: Plain<Self, CheckedInPlace> = unsafe { Plain::new_unchecked(true) };
    type View<'a> = bool;
    type ViewMut<'a> = Scalar<'a, bool>;
    #[inline]
    fn write(&self, w: &mut Writer, at: usize) {
        w.put(at, &[u8::from(*self)]);
    }
    #[inline]
    fn valid_inline(buf: &[u8], at: usize) -> bool {
        matches!(buf.get(at), Some(0 | 1))
    }
    #[inline]
    fn check(buf: &[u8], at: usize, _: &mut Check) -> Result<(), Error> {
        match buf[at] {
            0 | 1 => Ok(()),
            _ => Err(Error::InvalidLayout {
                offset: at,
                reason: "bool byte is neither 0 nor 1",
            }),
        }
    }
    #[inline]
    unsafe fn view(buf: &[u8], at: usize, _: Trust) -> bool {
        buf[at] == 1
    }
    #[inline]
    fn view_mut(buf: &mut [u8], at: usize) -> Scalar<'_, bool> {
        Scalar::new(buf, at)
    }
}

impl ScalarLayout for bool {
    #[inline]
    fn get_at(buf: &[u8], at: usize) -> bool {
        buf[at] == 1
    }
    #[inline]
    fn put_at(self, buf: &mut [u8], at: usize) {
        buf[at] = u8::from(self);
    }
}

impl<'a> FromLayout<'a> for bool {
    #[inline]
    fn from_layout(buf: &'a [u8], at: usize, _: &mut Check) -> Result<Self, Error> {
        Ok(buf[at] == 1)
    }
}

macro_rules! empty {
    ($(impl[$($g:tt)*] $t:ty => $v:expr;)*) => {$(
        impl<$($g)*> Layout for $t {
            const SIZE: usize = 0;
            const ALIGN: usize = 1;
            const TRIVIAL: bool = true;
            type View<'a> = ();
            type ViewMut<'a> = ();
            #[inline]
            fn write(&self, _: &mut Writer, _: usize) {}
            #[inline]
            fn check(_: &[u8], _: usize, _: &mut Check) -> Result<(), Error> {
                Ok(())
            }
            #[inline]
            unsafe fn view(_: &[u8], _: usize, _: Trust) {}
            #[inline]
            fn view_mut(_: &mut [u8], _: usize) {}
        }

        impl<'a, $($g)*> FromLayout<'a> for $t {
            #[inline]
            fn from_layout(_: &'a [u8], _: usize, _: &mut Check) -> Result<Self, Error> {
                Ok($v)
            }
        }
    )*};
}
empty! {
    impl[T: ?Sized] PhantomData<T> => PhantomData;
    impl[] () => ();
}

// ---- lists ----------------------------------------------------------------

/// Writes `items` as a list: its span (offset and length) at `at`, its
/// items out of line. The layout of `Vec<T>`, for list types of other
/// crates (`barewire_pool::ArenaVec` writes itself with it), so that they
/// give the same image bytes.
///
/// ```
/// use barewire::layout::{Layout, Writer, write_list};
///
/// let items: &[u16] = &[1, 2];
/// let mut w = Writer::with_capacity(64);
/// let at = w.alloc(<Vec<u16> as Layout>::SIZE, <Vec<u16> as Layout>::ALIGN);
/// write_list(items, &mut w, at);
/// assert_eq!(&w.finish()[..], &barewire::to_layout(&items.to_vec())[..]);
/// ```
///
/// # Panics
///
/// When the list has 2^32 items or more, or the image would exceed
/// [`MAX_IMAGE_SIZE`](super::MAX_IMAGE_SIZE), as [`to_layout`](super::to_layout) does.
pub fn write_list<T: Layout>(items: &[T], w: &mut Writer, at: usize) {
    if items.is_empty() {
        return;
    }
    let start = if let Some(bytes) = T::PLAIN.bytes_of(items) {
        // The items' memory is their layout: one copy, nothing zeroed first.
        w.alloc_bytes(bytes, T::ALIGN)
    } else {
        let size = T::SIZE
            .checked_mul(items.len())
            .expect("list larger than a layout can hold");
        let start = w.alloc(size, T::ALIGN);
        for (i, item) in items.iter().enumerate() {
            item.write(w, start + i * T::SIZE);
        }
        start
    };
    write_span(w, at, start, items.len());
}

/// The out-of-line size of a list: its items, and what each puts out of
/// line.
#[inline]
fn list_hint<T: Layout>(items: &[T]) -> usize {
    let inline = items.len().saturating_mul(T::SIZE).saturating_add(T::ALIGN);
    if T::TRIVIAL {
        return inline;
    }
    // Exact for lists of records: a pass over the lengths costs less than
    // growing the image while writing (three log writes: 12.8M instructions
    // with it, 16.4M estimating from the first record).
    items.iter().fold(inline, |sum, item| {
        sum.saturating_add(item.out_of_line_hint())
    })
}

/// Rebuilds the items of the checked list whose repr is at `at`.
pub(crate) fn list_from_layout<'a, T: FromLayout<'a>>(
    buf: &'a [u8],
    at: usize,
    cx: &mut Check,
) -> Result<Vec<T>, Error> {
    let (start, len) = span_range(buf, at);
    cx.output(
        (len as u64).saturating_mul(core::mem::size_of::<T>() as u64),
        at,
    )?;
    cx.enter(at)?;
    cx.visit(len as u64, at)?;
    let mut out = Vec::with_capacity(len);
    // Items whose inline layout is their memory and accept any bytes: one
    // copy of the checked span.
    let in_place = T::IN_PLACE;
    let bytes = buf.get(start..start.saturating_add(len.saturating_mul(T::SIZE)));
    if !(in_place.is_plain() && bytes.is_some_and(|b| in_place.extend_from_bytes(&mut out, b))) {
        for i in 0..len {
            out.push(T::from_layout(buf, start + i * T::SIZE, cx)?);
        }
    }
    cx.leave();
    Ok(out)
}

macro_rules! lists {
    ($($(#[$doc:meta])* impl[$($g:tt)*] $t:ty => $item:ty;)*) => {$(
        $(#[$doc])*
        impl<$($g)*> Layout for $t {
            const SIZE: usize = 8;
            const ALIGN: usize = 4;
            type View<'a> = SpanView<'a, $item>;
            type ViewMut<'a> = SpanViewMut<'a, $item>;
            fn layout_facts(facts: &mut LayoutFacts) {
                if facts.enter::<Self>("") {
                    <$item>::layout_facts(facts);
                }
            }
            #[inline]
            fn write(&self, w: &mut Writer, at: usize) {
                write_list(self, w, at);
            }
            #[inline]
            fn out_of_line_hint(&self) -> usize {
                list_hint(self)
            }
            #[inline]
            fn check(buf: &[u8], at: usize, cx: &mut Check) -> Result<(), Error> {
                check_span::<$item>(buf, at, cx).map(|_| ())
            }
            #[inline]
            unsafe fn view(buf: &[u8], at: usize, trust: Trust) -> SpanView<'_, $item> {
                // SAFETY: the caller's `Layout::view` contract for the list
                // is `trusting`'s.
                unsafe { SpanView::trusting(buf, at, trust) }
            }
            #[inline]
            fn view_mut(buf: &mut [u8], at: usize) -> SpanViewMut<'_, $item> {
                let (start, len) = span_range(buf, at);
                SpanViewMut::from_parts(buf, start, len)
            }
        }
    )*};
}
lists! {
    impl[T: Layout] Vec<T> => T;
    impl[T: Layout] Box<[T]> => T;
    /// `data` borrowed from an image.
    impl['x] &'x [u8] => u8;
    #[cfg(feature = "bytes")]
    impl[] bytes::Bytes => u8;
    #[cfg(feature = "bytes")]
    impl[] bytes::BytesMut => u8;
    #[cfg(feature = "smallvec")]
    impl[A: smallvec::Array<Item: Layout>] smallvec::SmallVec<A> => A::Item;
    #[cfg(feature = "arrayvec")]
    impl[T: Layout, const CAP: usize] arrayvec::ArrayVec<T, CAP> => T;
    #[cfg(feature = "heapless")]
    impl[T: Layout, const N: usize] heapless::Vec<T, N> => T;
}

/// The bytes of a `data` key (empty if they do not lie inside the image;
/// `check_key` rejected such keys in a checked image).
#[inline]
fn data_key(buf: &[u8], at: usize) -> &[u8] {
    let (start, len) = span_range(buf, at);
    buf.get(start..start.saturating_add(len)).unwrap_or(&[])
}

macro_rules! data_keys {
    ($($(#[$doc:meta])* impl[$($g:tt)*] $t:ty;)*) => {$(
        $(#[$doc])*
        impl<$($g)*> LayoutKey for $t {
            type Query = [u8];
            #[inline]
            fn cmp_query(buf: &[u8], at: usize, query: &[u8]) -> Ordering {
                data_key(buf, at).cmp(query)
            }
            #[inline]
            fn cmp_at(buf: &[u8], a: usize, b: usize) -> Ordering {
                data_key(buf, a).cmp(data_key(buf, b))
            }
            #[inline]
            fn cmp_cost(buf: &[u8], a: usize, b: usize) -> usize {
                data_key(buf, a).len().min(data_key(buf, b).len())
            }
            #[inline]
            fn cmp_keys(a: &Self, b: &Self) -> Ordering {
                <[u8] as Ord>::cmp(a, b)
            }
        }
    )*};
}
data_keys! {
    /// `data` keys, ordered by their bytes.
    impl[] Vec<u8>;
    impl[] Box<[u8]>;
    impl['x] &'x [u8];
}

/// `data[N]` keys, ordered by their bytes.
impl<const N: usize> LayoutKey for [u8; N] {
    type Query = [u8; N];
    #[inline]
    fn cmp_query(buf: &[u8], at: usize, query: &[u8; N]) -> Ordering {
        buf[at..at + N].cmp(query)
    }
    #[inline]
    fn cmp_at(buf: &[u8], a: usize, b: usize) -> Ordering {
        buf[a..a + N].cmp(&buf[b..b + N])
    }
    #[inline]
    fn cmp_keys(a: &Self, b: &Self) -> Ordering {
        a.cmp(b)
    }
}

impl<'a, T: FromLayout<'a>> FromLayout<'a> for Vec<T> {
    fn from_layout(buf: &'a [u8], at: usize, cx: &mut Check) -> Result<Self, Error> {
        list_from_layout(buf, at, cx)
    }
}

impl<'a, T: FromLayout<'a>> FromLayout<'a> for Box<[T]> {
    fn from_layout(buf: &'a [u8], at: usize, cx: &mut Check) -> Result<Self, Error> {
        list_from_layout(buf, at, cx).map(Vec::into_boxed_slice)
    }
}

impl<'a: 'b, 'b> FromLayout<'a> for &'b [u8] {
    fn from_layout(buf: &'a [u8], at: usize, _: &mut Check) -> Result<Self, Error> {
        Ok(SpanView::<u8>::new(buf, at).as_bytes())
    }
}

impl<T: Layout, const N: usize> Layout for [T; N] {
    const SIZE: usize = T::SIZE * N;
    const ALIGN: usize = T::ALIGN;
    const PLAIN: Plain<Self, IntoLayout> = T::PLAIN.array();
    const IN_PLACE: Plain<Self, ReadInPlace> = T::IN_PLACE.array();
    const IN_PLACE_CHECKED: Plain<Self, CheckedInPlace> = T::IN_PLACE_CHECKED.array();
    const TRIVIAL: bool = T::TRIVIAL;
    const TRIVIAL_VIEW: bool = T::TRIVIAL_VIEW;
    type View<'a> = ArrayView<'a, T, N>;
    type ViewMut<'a> = SpanViewMut<'a, T>;
    fn layout_facts(facts: &mut LayoutFacts) {
        if facts.enter::<Self>("") {
            T::layout_facts(facts);
        }
    }
    #[inline]
    fn write(&self, w: &mut Writer, at: usize) {
        if let Some(bytes) = T::PLAIN.bytes_of(self) {
            w.put(at, bytes);
        } else {
            for (i, item) in self.iter().enumerate() {
                item.write(w, at + i * T::SIZE);
            }
        }
    }
    #[inline]
    fn out_of_line_hint(&self) -> usize {
        self.first()
            .map_or(0, Layout::out_of_line_hint)
            .saturating_mul(N)
    }
    #[inline]
    fn valid_inline(buf: &[u8], at: usize) -> bool {
        (0..N).all(|i| {
            i.checked_mul(T::SIZE)
                .and_then(|o| at.checked_add(o))
                .is_some_and(|item| super::inplace::valid_at::<T>(buf, item))
        })
    }
    #[inline]
    fn check(buf: &[u8], at: usize, cx: &mut Check) -> Result<(), Error> {
        check_items::<T>(buf, at, N, cx)
    }
    #[inline]
    unsafe fn view(buf: &[u8], at: usize, trust: Trust) -> ArrayView<'_, T, N> {
        // SAFETY: the caller's `Layout::view` contract for the array: the
        // check found its `N` items from `at` (`check_items`), which is
        // `SpanView::from_trusted_parts`'s.
        ArrayView::from_span(unsafe { SpanView::from_trusted_parts(buf, at, N, trust) })
    }
    #[inline]
    fn view_mut(buf: &mut [u8], at: usize) -> SpanViewMut<'_, T> {
        SpanViewMut::from_parts(buf, at, N)
    }
}

impl<'a, T: FromLayout<'a>, const N: usize> FromLayout<'a> for [T; N] {
    fn from_layout(buf: &'a [u8], at: usize, cx: &mut Check) -> Result<Self, Error> {
        crate::array::try_array_from_fn(|i| T::from_layout(buf, at + i * T::SIZE, cx))
    }
}

// ---- optional and box -----------------------------------------------------

/// Where the payload of an `Option<T>` sits: right after a one-byte tag, or
/// at 0 when `T` has a zero niche (`None` is then all zeros).
const fn option_payload<T: Layout>() -> usize {
    if T::ZERO_NICHE { 0 } else { T::ALIGN }
}

/// Whether the checked `Option<T>` at `at` holds a value: a nonzero niche,
/// or tag 1.
#[inline]
fn option_present<T: Layout>(buf: &[u8], at: usize) -> bool {
    if T::ZERO_NICHE {
        buf[at..at + T::SIZE].iter().any(|&b| b != 0)
    } else {
        buf[at] == 1
    }
}

impl<T: Layout> Layout for Option<T> {
    const SIZE: usize = if T::ZERO_NICHE {
        T::SIZE
    } else {
        (option_payload::<T>() + T::SIZE).next_multiple_of(T::ALIGN)
    };
    const ALIGN: usize = T::ALIGN;
    const IN_PLACE_CHECKED: Plain<Self, CheckedInPlace> = T::NICHE_OPTION.option();
    type View<'a> = Option<T::View<'a>>;
    type ViewMut<'a> = Option<T::ViewMut<'a>>;
    fn layout_facts(facts: &mut LayoutFacts) {
        if facts.enter::<Self>("") {
            T::layout_facts(facts);
        }
    }
    #[inline]
    fn write(&self, w: &mut Writer, at: usize) {
        if let Some(v) = self {
            if !T::ZERO_NICHE {
                w.put(at, &[1]);
            }
            v.write(w, at + option_payload::<T>());
        }
    }
    #[inline]
    fn out_of_line_hint(&self) -> usize {
        self.as_ref().map_or(0, Layout::out_of_line_hint)
    }
    /// Only meaningful under `T::NICHE_OPTION` (an optional pointer: any
    /// bytes are `None` or a pointer): the bytes lie in `buf`.
    #[inline]
    fn valid_inline(buf: &[u8], at: usize) -> bool {
        T::ZERO_NICHE
            && at
                .checked_add(Self::SIZE)
                .is_some_and(|end| end <= buf.len())
    }
    fn check(buf: &[u8], at: usize, cx: &mut Check) -> Result<(), Error> {
        if T::ZERO_NICHE {
            return match option_present::<T>(buf, at) {
                true => T::check(buf, at, cx),
                false => Ok(()),
            };
        }
        match buf[at] {
            0 => Ok(()),
            1 => T::check(buf, at + option_payload::<T>(), cx),
            _ => Err(Error::InvalidLayout {
                offset: at,
                reason: "optional tag is neither 0 nor 1",
            }),
        }
    }
    #[inline]
    unsafe fn view(buf: &[u8], at: usize, trust: Trust) -> Self::View<'_> {
        let present = option_present::<T>(buf, at);
        // SAFETY: the check of a present option checked its `T` at the
        // payload (`check` above); the rest of the contract is the caller's.
        present.then(|| unsafe { T::view(buf, at + option_payload::<T>(), trust) })
    }
    #[inline]
    fn view_mut(buf: &mut [u8], at: usize) -> Self::ViewMut<'_> {
        let present = option_present::<T>(buf, at);
        present.then(|| T::view_mut(buf, at + option_payload::<T>()))
    }
}

impl<'a, T: FromLayout<'a>> FromLayout<'a> for Option<T> {
    fn from_layout(buf: &'a [u8], at: usize, cx: &mut Check) -> Result<Self, Error> {
        let present = option_present::<T>(buf, at);
        if present {
            T::from_layout(buf, at + option_payload::<T>(), cx).map(Some)
        } else {
            Ok(None)
        }
    }
}

/// A `Box<T>` is a `BarePtr<T>`: a 4-byte relative offset to the `T`, never
/// zero (so `Option<Box<T>>` is 4 bytes, zero for `None`).
impl<T: Layout> Layout for Box<T> {
    const SIZE: usize = 4;
    const ALIGN: usize = 4;
    const ZERO_NICHE: bool = true;
    type View<'a> = T::View<'a>;
    type ViewMut<'a> = T::ViewMut<'a>;
    fn layout_facts(facts: &mut LayoutFacts) {
        if facts.enter::<Self>("") {
            T::layout_facts(facts);
        }
    }
    #[inline]
    fn write(&self, w: &mut Writer, at: usize) {
        write_boxed(&**self, w, at);
    }
    #[inline]
    fn out_of_line_hint(&self) -> usize {
        T::SIZE + T::ALIGN + (**self).out_of_line_hint()
    }
    fn check(buf: &[u8], at: usize, cx: &mut Check) -> Result<(), Error> {
        check_boxed::<T>(buf, at, cx)
    }
    #[inline]
    unsafe fn view(buf: &[u8], at: usize, trust: Trust) -> T::View<'_> {
        // SAFETY: the check of a box checked its `T` where its pointer
        // leads (`check_boxed` follows it the same way); the rest of the
        // contract is the caller's.
        unsafe { T::view(buf, follow_unchecked(buf, at), trust) }
    }
    #[inline]
    fn view_mut(buf: &mut [u8], at: usize) -> T::ViewMut<'_> {
        let target = follow_unchecked(buf, at);
        T::view_mut(buf, target)
    }
}

impl<'a, T: FromLayout<'a>> FromLayout<'a> for Box<T> {
    fn from_layout(buf: &'a [u8], at: usize, cx: &mut Check) -> Result<Self, Error> {
        cx.output(core::mem::size_of::<T>() as u64, at)?;
        super::from_boxed(buf, at, cx).map(Box::new)
    }
}

/// Writes `value` out of line and a relative pointer to it at `at`: the
/// layout of `Box<T>`, and of fields marked `#[bare(out_of_line)]`.
pub fn write_boxed<T: Layout + ?Sized>(value: &T, w: &mut Writer, at: usize) {
    // Size at least 1 so the target is never `at` itself: offset 0 is `None`.
    let target = w.alloc(T::SIZE.max(1), T::ALIGN);
    w.put_offset(at, target);
    value.write(w, target);
}

/// Checks the relative pointer at `at` and the `T` it points to.
pub fn check_boxed<T: Layout>(buf: &[u8], at: usize, cx: &mut Check) -> Result<(), Error> {
    if read4(buf, at) == [0; 4] {
        return Err(Error::InvalidLayout {
            offset: at,
            reason: "null pointer where a value is required",
        });
    }
    let target = follow(buf, at)?;
    check_inline(buf, target, T::SIZE, T::ALIGN)?;
    cx.claim(target, T::SIZE)?;
    cx.enter(at)?;
    cx.visit(1, at)?;
    T::check(buf, target, cx)?;
    cx.leave();
    Ok(())
}
