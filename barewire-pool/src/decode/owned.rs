//! The wire codec, schema and layout of [`Owned`]: `Box<T>`'s, so a type
//! linked with `Owned` and its twin linked with `Box` give the same bytes,
//! schema and images.
//!
//! A decoded `Owned` is allocated in the reader's arena
//! ([`from_slice_in`](crate::from_slice_in)); without one the decode is
//! [`Error::NoArena`], as is rebuilding one from an image
//! (`layout::to_owned` has no arena).
//!
//! `Owned<'p, Self>` and `Option<Owned<'p, Self>>` are *tail links* of
//! `#[derive(Bare)]` as `Box<Self>` and `Option<Box<Self>>` are: as the last
//! field of a struct (the optional only) or of a union member they are
//! followed in a loop, so a list of a million nodes linked with `Owned`
//! encodes, writes, checks and decodes into an arena in constant stack,
//! counting no level of `Limits::max_depth`; its bytes and image are those
//! of its `Box`-linked twin.
//!
//! A [`Pool<T>`](crate::Pool) is not a decode target: a message needs room
//! for more than one type (its lists, strings and other boxes), and a pool
//! holds one; decode into an arena or region and move values into a pool
//! where they must be freed one by one. [`Handle<T>`](crate::Handle) has no
//! encoding: it is a key whose value can only be reached through its pool
//! (`pool.get(handle)`), which an `Encode` impl does not have; encode the
//! value itself.

use barewire::__private::{
    Builder, Check, DecodeLink, LayoutFacts, Link, RequiredLink, Step, write_boxed,
};
use barewire::layout::{FromLayout, Layout, Trust, Writer};
use barewire::schema::{Describe, Type};
use barewire::{Decode, Encode, Error, Reader};

use crate::decode::{arena_full, arena_of};
use crate::owned::Owned;

impl<T: Encode> Encode for Owned<'_, T> {
    #[inline]
    fn encode(&self, out: &mut Vec<u8>) {
        (**self).encode(out);
    }
    #[inline]
    fn size_hint(&self) -> usize {
        (**self).size_hint()
    }
}

/// Decodes the value and moves it into the reader's arena, as `Box<T>`'s
/// decode moves it to the heap (one level of nesting, counted against the
/// limits).
///
/// ```
/// use barewire::Bare;
/// use barewire_pool::{Arena, Owned, from_slice_in};
///
/// #[derive(Bare)]
/// enum List<'a> {
///     Nil,
///     Cons(u32, Owned<'a, List<'a>>),
/// }
///
/// #[derive(Bare)]
/// enum BoxList {
///     Nil,
///     Cons(u32, Box<BoxList>),
/// }
///
/// let boxed = BoxList::Cons(1, Box::new(BoxList::Cons(2, Box::new(BoxList::Nil))));
/// let bytes = barewire::to_vec(&boxed);
/// let arena = Arena::new();
/// let list: List<'_> = from_slice_in(&arena, &bytes)?;
/// assert_eq!(barewire::to_vec(&list), bytes);
/// let List::Cons(first, _) = &list else { unreachable!() };
/// assert_eq!(*first, 1);
/// # Ok::<(), barewire::Error>(())
/// ```
impl<'de: 'p, 'p, T: Decode<'de>> Decode<'de> for Owned<'p, T> {
    #[inline]
    fn decode(r: &mut Reader<'de>) -> Result<Self, Error> {
        let arena = arena_of(r)?;
        let offset = r.position();
        r.enter()?;
        let value = T::decode(r)?;
        r.leave();
        arena.try_alloc(value).map_err(|e| arena_full(offset, e))
    }
    // Zero, as `Box<T>`'s: a recursive type reaches itself through it.
    const MIN_SIZE: usize = 0;
}

impl<T: Describe> Describe for Owned<'_, T> {
    fn describe(b: &mut Builder) -> Type {
        <Box<T> as Describe>::describe(b)
    }
    const IS_U8: bool = <Box<T> as Describe>::IS_U8;
}

/// `Box<T>`'s layout: a 4-byte relative pointer to the value, never zero (so
/// `Option<Owned<T>>` is 4 bytes too), read in place as `T`'s view.
impl<T: Layout> Layout for Owned<'_, T> {
    const SIZE: usize = <Box<T> as Layout>::SIZE;
    const ALIGN: usize = <Box<T> as Layout>::ALIGN;
    const ZERO_NICHE: bool = <Box<T> as Layout>::ZERO_NICHE;
    const TRIVIAL: bool = <Box<T> as Layout>::TRIVIAL;
    const TRIVIAL_VIEW: bool = <Box<T> as Layout>::TRIVIAL_VIEW;
    type View<'v> = <Box<T> as Layout>::View<'v>;
    type ViewMut<'v> = <Box<T> as Layout>::ViewMut<'v>;
    fn layout_facts(facts: &mut LayoutFacts) {
        <Box<T> as Layout>::layout_facts(facts);
    }
    #[inline]
    fn write(&self, w: &mut Writer, at: usize) {
        write_boxed::<T>(self, w, at);
    }
    #[inline]
    fn out_of_line_hint(&self) -> usize {
        T::SIZE + T::ALIGN + (**self).out_of_line_hint()
    }
    #[inline]
    fn check(buf: &[u8], at: usize, cx: &mut Check) -> Result<(), Error> {
        <Box<T> as Layout>::check(buf, at, cx)
    }
    #[inline]
    unsafe fn view(buf: &[u8], at: usize, trust: Trust) -> Self::View<'_> {
        // SAFETY: the check is the delegate's; the rest is the caller's.
        unsafe { <Box<T> as Layout>::view(buf, at, trust) }
    }
    #[inline]
    fn view_mut(buf: &mut [u8], at: usize) -> Self::ViewMut<'_> {
        <Box<T> as Layout>::view_mut(buf, at)
    }
}

/// Needs an arena: always [`Error::NoArena`] (see the module docs).
impl<'de, T: Layout> FromLayout<'de> for Owned<'_, T> {
    fn from_layout(_: &'de [u8], at: usize, _: &mut Check) -> Result<Self, Error> {
        Err(Error::NoArena { offset: at })
    }
}

/// A tail link of a derived type (see the module docs): `Box<T>`'s link,
/// except that it cannot be rebuilt from an image ([`Error::NoArena`], as
/// `FromLayout`) and that reading one needs the reader's arena.
impl<T> Link<T> for Owned<'_, T> {
    /// Never called by derived code ([`rebuild`](Link::rebuild) fails
    /// first): there is no arena to move the box into.
    fn to(_: Box<T>) -> Result<Self, Error> {
        Err(Error::NoArena { offset: 0 })
    }
    #[inline]
    fn next(&self) -> Option<&T> {
        Some(self)
    }
    #[inline]
    fn encode(&self, _out: &mut Vec<u8>) -> Option<&T> {
        Some(self)
    }
    const WIRE_SIZE: usize = 0;
    /// The next node follows; [`Error::NoArena`] at once without an arena
    /// (as `Owned`'s `Decode`), not after the rest of the list.
    #[inline]
    fn decode(r: &mut Reader<'_>) -> Result<Step<Self>, Error> {
        match r.context::<crate::Arena>() {
            Some(_) => Ok(Step::Node(r.position())),
            None => Err(Error::NoArena {
                offset: r.position(),
            }),
        }
    }
    #[inline]
    fn check(buf: &[u8], at: usize, cx: &mut Check) -> Result<Step<()>, Error>
    where
        T: Layout,
    {
        <Box<T> as Link<T>>::check(buf, at, cx)
    }
    /// Always [`Error::NoArena`] at the pointer, as `FromLayout`.
    #[inline]
    fn rebuild(_: &[u8], at: usize, _: &mut Check) -> Result<Step<Self>, Error>
    where
        T: Layout,
    {
        Err(Error::NoArena { offset: at })
    }
}

/// Never zero in an image, no wire bytes: `Option<Owned<'p, T>>` is a link
/// too.
impl<T> RequiredLink<T> for Owned<'_, T> {}

/// Moves the decoded node into the reader's arena; an arena with no room is
/// [`Error::ArenaFull`] at the reader's position (the end of the list: the
/// nodes are linked from the last back).
impl<'de: 'p, 'p, T> DecodeLink<'de, T> for Owned<'p, T> {
    #[inline]
    fn decode_to(next: T, r: &mut Reader<'de>) -> Result<Self, Error> {
        let arena = arena_of(r)?;
        arena
            .try_alloc(next)
            .map_err(|e| arena_full(r.position(), e))
    }
}
