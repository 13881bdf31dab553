//! Decoding into an arena: [`from_slice_in`], and the types whose memory is
//! the arena's ([`ArenaString`], [`ArenaVec`], and [`Owned`] as a box).
//!
//! The decode copies the message into the arena once and reads that copy
//! with the arena as the reader's context
//! ([`barewire::Reader::with_context`]): strings and `data` borrow from the
//! copy, lists and boxes are allocated in the arena. Nothing goes to the
//! global heap (unless the type itself asks for it, with a `String` or `Vec`
//! field, or a growing arena takes a new chunk), the value borrows only the arena (not the input, which can be
//! reused at once), and everything is given back when the arena is reset or
//! the region ends.
//!
//! By concern: this file (the entry points and what they share),
//! `string` ([`ArenaString`]), `vec` ([`ArenaVec`], the module's unsafe
//! code), `codec` (the wire codec, schema and layout of both) and `owned`
//! (those of [`Owned`]).
//!
//! [`Owned`]: crate::Owned

mod codec;
mod owned;
mod string;
mod vec;

use barewire::{Decode, Error, Limits, Reader};

use crate::arena::Arena;
use crate::error::AllocError;
use crate::region::Region;

pub use string::ArenaString;
pub use vec::ArenaVec;

/// An [`Arena`] or a [`Region`] of one: where [`from_slice_in`] decodes and
/// where [`ArenaString`]s and [`ArenaVec`]s are made. Sealed.
///
/// ```
/// use barewire_pool::{Arena, ArenaLike, ArenaString};
///
/// fn greet<'a>(arena: &'a impl ArenaLike) -> ArenaString<'a> {
///     ArenaString::new_in("hello", arena)
/// }
///
/// let mut arena = Arena::new();
/// assert_eq!(greet(&arena), "hello");
/// let region = arena.region();
/// assert_eq!(greet(&region), "hello");
/// ```
pub trait ArenaLike: sealed::InArena {}

/// The seal of [`ArenaLike`], and how the crate reaches the arena behind it.
pub(crate) mod sealed {
    /// Implemented by `Arena` and `Region` only.
    pub trait InArena {
        /// The arena the memory comes from (a region's parent arena: what it
        /// allocates there is given back when the region ends).
        fn arena(&self) -> &crate::arena::Arena;
    }
}

impl sealed::InArena for Arena {
    #[inline]
    fn arena(&self) -> &Arena {
        self
    }
}
impl ArenaLike for Arena {}

impl sealed::InArena for Region<'_> {
    #[inline]
    fn arena(&self) -> &Arena {
        self.arena_ref()
    }
}
impl ArenaLike for Region<'_> {}

/// Decodes one value from the whole of `bytes` into `arena` (an [`Arena`]
/// or a [`Region`]), with the default [`Limits`].
///
/// The message is copied into the arena once, and the value is decoded from
/// that copy: strings ([`ArenaString`], or `&str`) and `data` (`&[u8]`)
/// borrow from it, lists ([`ArenaVec`]) and boxes ([`Owned`](crate::Owned))
/// are allocated in the arena. So the value borrows the arena, not `bytes`
/// (the input buffer can be reused at once), a decode into an arena with
/// room makes no global allocation (unless `T` has `String`, `Vec` or
/// `Box` fields of its own; a growing arena without room takes a chunk),
/// and everything is given back at the arena's [`reset`](Arena::reset) or
/// the region's end (a failed decode's too).
///
/// Errors are [`from_slice`](barewire::from_slice)'s, and
/// [`Error::ArenaFull`] when a fixed arena has no room (the copy of the
/// message needs `bytes.len()` of it, the lists and boxes the rest). No
/// input makes it panic or allocate more than the input could hold: the
/// message is checked against [`Limits::max_size`] before it is copied, and
/// list lengths against the input that remains.
///
/// ```
/// use barewire::Bare;
/// use barewire_pool::{Arena, ArenaString, ArenaVec, from_slice_in};
///
/// #[derive(Bare)]
/// struct Order<'a> {
///     id: u64,
///     item: ArenaString<'a>,
///     tags: ArenaVec<'a, ArenaString<'a>>,
/// }
///
/// #[derive(Bare)]
/// struct OrderOwned { id: u64, item: String, tags: Vec<String> }
///
/// let bytes = barewire::to_vec(&OrderOwned { id: 7, item: "tea".into(), tags: vec!["hot".into()] });
/// let arena = Arena::with_capacity_fixed(4096);
/// let order: Order<'_> = from_slice_in(&arena, &bytes)?;
/// drop(bytes); // the order borrows the arena, not the input
/// assert_eq!((order.id, order.item.as_str(), order.tags[0].as_str()), (7, "tea", "hot"));
/// assert_eq!(barewire::schema::<Order<'_>>(), barewire::schema::<OrderOwned>().replace("OrderOwned", "Order"));
/// # Ok::<(), barewire::Error>(())
/// ```
///
/// A stream of messages, each decoded into a region that is reset for the
/// next, so the memory in use stays one message's:
///
/// ```
/// use barewire_pool::{Arena, ArenaString, from_slice_in};
///
/// let messages: Vec<Vec<u8>> = ["one", "two", "three"].iter().map(|s| barewire::to_vec(*s)).collect();
/// let mut arena = Arena::with_capacity_fixed(1024);
/// let mut region = arena.region();
/// let mut seen = Vec::new();
/// for bytes in &messages {
///     let text: ArenaString<'_> = from_slice_in(&region, bytes)?;
///     seen.push(text.len());
///     region.reset(); // `text` is gone; its bytes are given back
/// }
/// assert_eq!(seen, [3, 3, 5]);
/// assert_eq!(region.bytes_in_use(), 0);
/// # Ok::<(), barewire::Error>(())
/// ```
#[inline]
#[cfg_attr(feature = "track", track_caller)]
pub fn from_slice_in<'a, T, A>(arena: &'a A, bytes: &[u8]) -> Result<T, Error>
where
    T: Decode<'a>,
    A: ArenaLike + ?Sized,
{
    from_slice_in_with(arena, bytes, Limits::DEFAULT)
}

/// [`from_slice_in`] under the given [`Limits`].
///
/// ```
/// use barewire::Limits;
/// use barewire_pool::{Arena, ArenaVec, from_slice_in_with};
///
/// let bytes = barewire::to_vec(&vec![vec![1u8], vec![2, 3]]);
/// let arena = Arena::new();
/// let tight = Limits::DEFAULT.with_max_depth(1);
/// assert!(matches!(
///     from_slice_in_with::<ArenaVec<'_, ArenaVec<'_, u8>>, _>(&arena, &bytes, tight),
///     Err(barewire::Error::DepthLimit { limit: 1, .. })
/// ));
/// let lists: ArenaVec<'_, ArenaVec<'_, u8>> = from_slice_in_with(&arena, &bytes, Limits::DEFAULT)?;
/// assert_eq!(lists[1], [2, 3]);
/// # Ok::<(), barewire::Error>(())
/// ```
#[cfg_attr(feature = "track", track_caller)]
pub fn from_slice_in_with<'a, T, A>(arena: &'a A, bytes: &[u8], limits: Limits) -> Result<T, Error>
where
    T: Decode<'a>,
    A: ArenaLike + ?Sized,
{
    if bytes.len() as u64 > limits.max_size {
        return Err(Error::SizeLimit {
            size: bytes.len() as u64,
            limit: limits.max_size,
        });
    }
    let arena: &'a Arena = arena.arena();
    let input: &'a [u8] = arena
        .try_alloc_slice_copy(bytes)
        .map_err(|e| arena_full(0, e))?;
    let mut r = Reader::with_context(input, limits, arena).holding_input();
    let value = T::decode(&mut r)?;
    r.finish()?;
    Ok(value)
}

/// The arena of the reader's context, or [`Error::NoArena`] at `r`'s
/// position.
#[inline]
pub(crate) fn arena_of<'de>(r: &Reader<'de>) -> Result<&'de Arena, Error> {
    match r.context::<Arena>() {
        Some(arena) => Ok(arena),
        None => Err(Error::NoArena {
            offset: r.position(),
        }),
    }
}

/// The decode error for an arena that had no room for a value at `offset`.
#[cold]
pub(crate) fn arena_full(offset: usize, e: AllocError) -> Error {
    Error::ArenaFull {
        offset,
        requested: e.requested,
        remaining: e.remaining,
    }
}
