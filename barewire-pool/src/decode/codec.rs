//! The wire codec, schema and layout of [`ArenaString`] and [`ArenaVec`]:
//! `String`'s and `Vec<T>`'s, with the decode's memory from the arena.
//!
//! The layout of an arena type is the std type's (the same image bytes and
//! view types). Rebuilding one from an image ([`FromLayout`]) would need an
//! arena that `barewire::layout::to_owned` does not have: it is
//! [`Error::NoArena`]; view the image in place instead.

use core::mem::size_of;

use barewire::__private::{Builder, Check, LayoutFacts, Reserving};
use barewire::layout::{FromLayout, Layout, Trust, Writer, write_list};
use barewire::schema::{Describe, Type};
use barewire::{Decode, Encode, Error, MapKey, Reader};

use crate::decode::string::copy_str;
use crate::decode::{ArenaString, ArenaVec, arena_full, arena_of};

// ---- ArenaString: `str` -----------------------------------------------------

impl Encode for ArenaString<'_> {
    #[inline]
    fn encode(&self, out: &mut Vec<u8>) {
        self.as_str().encode(out);
    }
    #[inline]
    fn size_hint(&self) -> usize {
        self.as_str().size_hint()
    }
}

/// Borrowed from the arena's copy of the message under
/// [`from_slice_in`](crate::from_slice_in); copied into the reader's arena
/// otherwise; [`Error::NoArena`] without one.
impl<'de: 'a, 'a> Decode<'de> for ArenaString<'a> {
    // Always inlined: the borrowing path is `&str`'s decode and a test, and
    // a call around it costs a quarter of a decode of short strings.
    #[inline(always)]
    fn decode(r: &mut Reader<'de>) -> Result<Self, Error> {
        if r.context_holds_input() {
            let s = r.str()?;
            return Ok(ArenaString::in_arena(s));
        }
        decode_copy(r)
    }
}

/// The decode of an [`ArenaString`] from input the arena does not hold: a
/// copy into the reader's arena.
#[cold]
#[inline(never)]
fn decode_copy<'de>(r: &mut Reader<'de>) -> Result<ArenaString<'de>, Error> {
    let arena = arena_of(r)?;
    let offset = r.position();
    let s = r.str()?;
    copy_str(arena, s)
        .map(ArenaString::in_arena)
        .map_err(|e| arena_full(offset, e))
}

impl Describe for ArenaString<'_> {
    fn describe(b: &mut Builder) -> Type {
        <String as Describe>::describe(b)
    }
}

/// `str` is a BARE map key.
impl MapKey for ArenaString<'_> {}

impl Layout for ArenaString<'_> {
    const SIZE: usize = <String as Layout>::SIZE;
    const ALIGN: usize = <String as Layout>::ALIGN;
    const TRIVIAL: bool = <String as Layout>::TRIVIAL;
    const TRIVIAL_VIEW: bool = <String as Layout>::TRIVIAL_VIEW;
    type View<'v> = <String as Layout>::View<'v>;
    type ViewMut<'v> = <String as Layout>::ViewMut<'v>;
    fn layout_facts(facts: &mut LayoutFacts) {
        <String as Layout>::layout_facts(facts);
    }
    #[inline]
    fn write(&self, w: &mut Writer, at: usize) {
        <&str as Layout>::write(&self.as_str(), w, at);
    }
    #[inline]
    fn out_of_line_hint(&self) -> usize {
        <&str as Layout>::out_of_line_hint(&self.as_str())
    }
    #[inline]
    fn check(buf: &[u8], at: usize, cx: &mut Check) -> Result<(), Error> {
        <String as Layout>::check(buf, at, cx)
    }
    #[inline]
    unsafe fn view(buf: &[u8], at: usize, trust: Trust) -> Self::View<'_> {
        // SAFETY: the check is the delegate's; the rest is the caller's.
        unsafe { <String as Layout>::view(buf, at, trust) }
    }
    #[inline]
    fn view_mut(buf: &mut [u8], at: usize) -> Self::ViewMut<'_> {
        <String as Layout>::view_mut(buf, at)
    }
}

/// Needs an arena: always [`Error::NoArena`] (see the module docs).
impl<'de> FromLayout<'de> for ArenaString<'_> {
    fn from_layout(_: &'de [u8], at: usize, _: &mut Check) -> Result<Self, Error> {
        Err(Error::NoArena { offset: at })
    }
}

// ---- ArenaVec: `list<T>` ----------------------------------------------------

impl<T: Encode> Encode for ArenaVec<'_, T> {
    #[inline]
    fn encode(&self, out: &mut Vec<u8>) {
        self.as_slice().encode(out);
    }
    #[inline]
    fn size_hint(&self) -> usize {
        self.as_slice().size_hint()
    }
}

/// As `Vec<T>`'s decode, into the reader's arena: the length is checked
/// against the input that remains before anything is allocated, and the
/// first allocation holds no more items than that input could (the list
/// grows, in the arena, only as items actually decode).
impl<'de: 'a, 'a, T: Decode<'de>> Decode<'de> for ArenaVec<'a, T> {
    #[inline]
    fn decode(r: &mut Reader<'de>) -> Result<Self, Error> {
        decode_vec(r, 0)
    }
}

/// `#[bare(capacity = N)]` on an `ArenaVec` field: the vector is made with
/// room for `N` items in the arena (a fixed arena without that room is
/// `Error::ArenaFull`).
impl<'de: 'a, 'a, T: Decode<'de>> Reserving<'de> for ArenaVec<'a, T> {
    #[inline]
    fn decode_reserving(r: &mut Reader<'de>, capacity: usize) -> Result<Self, Error> {
        decode_vec(r, capacity)
    }
}

/// The decode of an [`ArenaVec`] in the reader's arena, made with room for
/// at least `capacity` items.
#[inline]
fn decode_vec<'de: 'a, 'a, T: Decode<'de>>(
    r: &mut Reader<'de>,
    capacity: usize,
) -> Result<ArenaVec<'a, T>, Error> {
    let arena = arena_of(r)?;
    // Enter first, so a depth error points at the list's start.
    r.enter()?;
    let offset = r.position();
    let count = r.length_in_memory(T::MIN_SIZE, size_of::<T>())?;
    let fits = r.remaining() / size_of::<T>().max(1);
    let mut out = ArenaVec::with_capacity_in_arena(count.min(fits).max(capacity), arena)
        .map_err(|e| arena_full(offset, e))?;
    let claim = <T as Decode<'de>>::PLAIN;
    if claim.is_plain() && size_of::<T>() != 0 {
        // Plain items: their wire bytes are their memory, one copy (the
        // count was checked against the input, so `take` fits).
        let size = size_of::<T>();
        let bytes = r.take((count as u64).saturating_mul(size as u64))?;
        if !out
            .extend_plain(bytes, claim)
            .map_err(|e| arena_full(offset, e))?
        {
            return Err(Error::UnexpectedEnd {
                offset,
                needed: (count as u64).saturating_mul(size as u64),
                available: bytes.len(),
            });
        }
        r.leave();
        return Ok(out);
    }
    for _ in 0..count {
        let item = T::decode(r)?;
        out.try_push(item).map_err(|e| arena_full(offset, e))?;
    }
    r.leave();
    Ok(out)
}

impl<T: Describe> Describe for ArenaVec<'_, T> {
    fn describe(b: &mut Builder) -> Type {
        <Vec<T> as Describe>::describe(b)
    }
}

impl<T: Layout> Layout for ArenaVec<'_, T> {
    const SIZE: usize = <Vec<T> as Layout>::SIZE;
    const ALIGN: usize = <Vec<T> as Layout>::ALIGN;
    const TRIVIAL: bool = <Vec<T> as Layout>::TRIVIAL;
    const TRIVIAL_VIEW: bool = <Vec<T> as Layout>::TRIVIAL_VIEW;
    type View<'v> = <Vec<T> as Layout>::View<'v>;
    type ViewMut<'v> = <Vec<T> as Layout>::ViewMut<'v>;
    fn layout_facts(facts: &mut LayoutFacts) {
        <Vec<T> as Layout>::layout_facts(facts);
    }
    #[inline]
    fn write(&self, w: &mut Writer, at: usize) {
        write_list(self.as_slice(), w, at);
    }
    #[inline]
    fn out_of_line_hint(&self) -> usize {
        let inline = self.len().saturating_mul(T::SIZE).saturating_add(T::ALIGN);
        self.iter().fold(inline, |sum, item| {
            sum.saturating_add(item.out_of_line_hint())
        })
    }
    #[inline]
    fn check(buf: &[u8], at: usize, cx: &mut Check) -> Result<(), Error> {
        <Vec<T> as Layout>::check(buf, at, cx)
    }
    #[inline]
    unsafe fn view(buf: &[u8], at: usize, trust: Trust) -> Self::View<'_> {
        // SAFETY: the check is the delegate's; the rest is the caller's.
        unsafe { <Vec<T> as Layout>::view(buf, at, trust) }
    }
    #[inline]
    fn view_mut(buf: &mut [u8], at: usize) -> Self::ViewMut<'_> {
        <Vec<T> as Layout>::view_mut(buf, at)
    }
}

/// Needs an arena: always [`Error::NoArena`] (see the module docs).
impl<'de, T: Layout> FromLayout<'de> for ArenaVec<'_, T> {
    fn from_layout(_: &'de [u8], at: usize, _: &mut Check) -> Result<Self, Error> {
        Err(Error::NoArena { offset: at })
    }
}
