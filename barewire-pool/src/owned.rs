//! `Owned`: the move-only handle to a value in an arena or pool.

use core::fmt;
use core::marker::PhantomData;
use core::mem::{self, ManuallyDrop};
use core::ops::{Deref, DerefMut};
use core::ptr::NonNull;

use crate::arena::Arena;
use crate::blit::Blit;
use crate::pool::Pool;

enum Home<'p, T> {
    Arena(&'p Arena),
    Pool(&'p Pool<T>, u32),
}

/// The one owner of a value in an [`Arena`], a [`Region`](crate::Region) or
/// a [`Pool`], following the rules of linear ownership:
///
/// * **Move once.** `Owned` is neither `Copy` nor `Clone`; assigning or
///   passing it moves it, and the old name cannot be used again (compile
///   error).
/// * **Borrow by reference.** `&*owned` / `&mut *owned` (it derefs to `T`).
/// * **Copy only on request.** [`Owned::copy`] clones the value into the same
///   allocator (Carp's `@`), [`Owned::copy_in`] into another arena, region or
///   pool (`@` with a destination). `owned.clone()` is not a copy of the
///   `Owned`: through `Deref` it would clone the *value*, giving a plain `T`
///   outside any allocator, so `Owned` has a deprecated inherent `clone`
///   that warns at every such call (write `T::clone(&owned)` when a plain
///   `T` is really meant). [`Blit`] values copy out with [`Owned::get`].
/// * **Delete when the owner's scope ends.** Dropping it runs `T`'s drop and
///   returns the memory: a pool slot at once, arena bytes when the arena is
///   reset or the region ends.
/// * **Never outlive the allocator.** It borrows the arena, region or pool
///   (compile error otherwise).
///
/// Dropping a long chain (an `Owned` whose value holds the next `Owned` of the
/// same allocator) does not recurse: nested drops are queued by the allocator
/// and run in a loop, so a million-node list drops in constant stack.
///
/// On the wire and in a layout an `Owned<'p, T>` is a `Box<T>`: the same
/// BARE bytes, schema and image, so a list linked with `Owned` reads and
/// writes the messages of its twin linked with `Box`. It decodes into the
/// arena (or region) of [`from_slice_in`](crate::from_slice_in); a decode
/// without one is `barewire::Error::NoArena`. A [`Pool`] is not a decode
/// target (a message needs room for more types than a pool holds): decode
/// into an arena and move values into a pool where they must be freed one
/// by one.
///
/// An `Owned` is not `Send` or `Sync`: its allocator is used from one
/// thread. Sending one is a single compile error that names `Owned`
/// (`tests/ui/owned_not_send.rs`); send the value (`into_inner`), a copy, or
/// a [`Handle`](crate::Handle) instead.
///
/// ```
/// use barewire_pool::Pool;
///
/// let pool = Pool::new();
/// let a = pool.alloc(String::from("linear"));
/// let b = a; // moved: `a` cannot be used any more
/// let c = b.copy(); // an explicit copy, in the same pool
/// assert_eq!(*b, *c);
/// assert_eq!(pool.len(), 2);
/// drop(b); // String's drop runs and the slot is free at once
/// assert_eq!(pool.len(), 1);
/// ```
pub struct Owned<'p, T> {
    ptr: NonNull<T>,
    home: Home<'p, T>,
    /// Owns a `T` (for drop check).
    _own: PhantomData<T>,
}

mod marker {
    /// Implemented by no type, and unreachable outside the crate: the bound
    /// that keeps `Owned` on its thread with one short error.
    #[diagnostic::on_unimplemented(
        message = "an `Owned<'_, {T}>` cannot leave its allocator's thread",
        label = "an `Owned` cannot be sent or shared with another thread here",
        note = "an `Owned` borrows its arena, region or pool, which is used from one thread",
        note = "send the value (`owned.into_inner()`), a copy, or a `Handle<T>` from `Pool::insert` instead"
    )]
    pub trait StaysOnItsThread<T: ?Sized> {}
}

// SAFETY: the impl never applies: its bound `(): StaysOnItsThread<T>` holds
// for no `T`, as the trait has no impl and cannot get one (it sits in a
// private module, so no other crate can name it, and this crate implements it
// for nothing). It replaces the auto impl (which was already negative by way
// of the raw pointer and the non-`Sync` allocator reference) so that the
// compiler reports one unmet bound with the message above, not one per
// private field.
unsafe impl<T> Send for Owned<'_, T> where (): marker::StaysOnItsThread<T> {}

// SAFETY: as for `Send`: the bound holds for no `T`, so `Owned` is never
// `Sync`.
unsafe impl<T> Sync for Owned<'_, T> where (): marker::StaysOnItsThread<T> {}

/// Where an [`Owned`] can be made: an [`Arena`], a [`Region`](crate::region::Region) or a
/// [`Pool<T>`]. The destination of [`Owned::copy_in`]; sealed.
pub trait Destination<T>: sealed::Sealed {
    /// Moves `value` in and returns its owner.
    #[cfg_attr(feature = "track", track_caller)]
    fn place(&self, value: T) -> Owned<'_, T>;
}

/// The seal of [`Destination`]: implemented where `Owned` can be made.
pub(crate) mod sealed {
    pub trait Sealed {}
    impl Sealed for crate::arena::Arena {}
    impl<T> Sealed for crate::pool::Pool<T> {}
}

impl<T> Destination<T> for Arena {
    #[cfg_attr(feature = "track", track_caller)]
    fn place(&self, value: T) -> Owned<'_, T> {
        self.alloc(value)
    }
}

impl<T> Destination<T> for Pool<T> {
    #[cfg_attr(feature = "track", track_caller)]
    fn place(&self, value: T) -> Owned<'_, T> {
        self.alloc(value)
    }
}

impl<'p, T> Owned<'p, T> {
    /// # Safety
    ///
    /// `ptr` points to a valid `T` in `arena`'s memory that nothing else owns
    /// or uses, and stays there while `arena` is borrowed for `'p`.
    pub(crate) unsafe fn from_arena(ptr: NonNull<T>, arena: &'p Arena) -> Self {
        Owned {
            ptr,
            home: Home::Arena(arena),
            _own: PhantomData,
        }
    }

    /// # Safety
    ///
    /// `ptr` points to the valid `T` in `pool`'s slot `slot`, which
    /// `Pool::alloc` took off the free list for this `Owned` (in no handle's
    /// state), and nothing else owns or uses it; it is the pointer
    /// `Pool::put` returned (so it also reaches the rest of the slot).
    pub(crate) unsafe fn from_pool(ptr: NonNull<T>, pool: &'p Pool<T>, slot: u32) -> Self {
        Owned {
            ptr,
            home: Home::Pool(pool, slot),
            _own: PhantomData,
        }
    }

    /// A copy of the value in the same allocator: the explicit copy of linear
    /// ownership.
    ///
    /// # Panics
    ///
    /// When the value came from a fixed arena that is full.
    ///
    /// ```
    /// let arena = barewire_pool::Arena::new();
    /// let a = arena.alloc(vec![1, 2]);
    /// let mut b = a.copy();
    /// b.push(3);
    /// assert_eq!((a.len(), b.len()), (2, 3));
    /// ```
    #[cfg_attr(feature = "track", track_caller)]
    pub fn copy(&self) -> Owned<'p, T>
    where
        T: Clone,
    {
        let value = T::clone(self);
        match self.home {
            Home::Arena(arena) => arena.alloc(value),
            Home::Pool(pool, _) => pool.alloc(value),
        }
    }

    /// A copy of the value in `dest`: another arena, region or pool (Carp's
    /// `@` with a destination). The copy borrows `dest`, not this value's
    /// allocator.
    ///
    /// # Panics
    ///
    /// When `dest` is a fixed arena (or a region of one) that is full.
    ///
    /// ```
    /// use barewire_pool::{Arena, Pool};
    ///
    /// let pool = Pool::new();
    /// let arena = Arena::new();
    /// let a = pool.alloc(String::from("moved once"));
    /// let b = a.copy_in(&arena); // into the arena
    /// let c = b.copy_in(&pool); // and back into a pool
    /// assert_eq!((a.as_str(), b.as_str(), c.as_str()), ("moved once", "moved once", "moved once"));
    /// assert_eq!(pool.len(), 2);
    /// ```
    #[cfg_attr(feature = "track", track_caller)]
    pub fn copy_in<'q, D>(&self, dest: &'q D) -> Owned<'q, T>
    where
        T: Clone,
        D: Destination<T> + ?Sized,
    {
        dest.place(T::clone(self))
    }

    /// A copy of a plain ([`Blit`]) value, out of the allocator: plain data
    /// copies freely.
    ///
    /// ```
    /// let pool = barewire_pool::Pool::new();
    /// let a = pool.alloc([1u32, 2]);
    /// let plain: [u32; 2] = a.get();
    /// assert_eq!(plain, *a);
    /// ```
    #[inline]
    pub fn get(&self) -> T
    where
        T: Blit,
    {
        **self
    }

    /// **Not a copy of the `Owned`.** `owned.clone()` would clone the value
    /// through `Deref` into a plain `T` outside any allocator; this inherent
    /// method does that too, but warns (a lint-like guard), so the difference
    /// is seen. Use [`Owned::copy`] / [`Owned::copy_in`] for a new `Owned`,
    /// or `T::clone(&owned)` for a plain `T` without the warning.
    ///
    /// ```
    /// let pool = barewire_pool::Pool::new();
    /// let a = pool.alloc(vec![1]);
    /// let plain: Vec<i32> = Vec::clone(&a); // a plain `T`, on purpose
    /// assert_eq!(plain, [1]);
    /// ```
    // Named `clone` on purpose: an inherent method wins over the `Deref`
    // target's, which is what makes the warning appear.
    #[allow(clippy::should_implement_trait)]
    #[deprecated(
        note = "this clones the value inside the `Owned` into a plain `T`, outside any pool: use `.copy()` / `.copy_in(&dest)` for a new `Owned`, or `T::clone(&owned)` if a plain `T` is meant"
    )]
    pub fn clone(&self) -> T
    where
        T: Clone,
    {
        T::clone(self)
    }

    /// Moves the value out. A pool slot is freed at once; arena bytes return
    /// with the next reset or the end of the region.
    ///
    /// ```
    /// let pool = barewire_pool::Pool::new();
    /// let s = pool.alloc(String::from("out"));
    /// let s: String = s.into_inner();
    /// assert_eq!(s, "out");
    /// assert!(pool.is_empty());
    /// ```
    pub fn into_inner(self) -> T {
        let this = ManuallyDrop::new(self);
        // SAFETY: 1. `ptr` holds a valid `T` we own (type invariant); 2. the
        // handle is never dropped (`ManuallyDrop`), so the value is read out
        // once and not dropped in place.
        let value = unsafe { this.ptr.as_ptr().read() };
        if let Home::Pool(pool, slot) = this.home {
            // SAFETY: the slot is ours (`ptr` is its value) and its value was
            // just moved out.
            unsafe { pool.release_moved_out(this.ptr, slot) };
        }
        value
    }

    /// Gives up ownership without dropping the value: the reference lives as
    /// long as the allocator borrow. Arena bytes still return at reset or the
    /// region's end (without running `T`'s drop); a pool slot stays taken until
    /// the pool is dropped.
    ///
    /// ```
    /// let arena = barewire_pool::Arena::new();
    /// let x: &mut u32 = arena.alloc(41).leak();
    /// *x += 1;
    /// assert_eq!(*x, 42);
    /// ```
    pub fn leak(self) -> &'p mut T {
        let this = ManuallyDrop::new(self);
        // SAFETY: 1. `ptr` is valid, aligned and initialized (type invariant);
        // 2. it stays valid for `'p`: arena bytes are reused only after
        // `reset(&mut)` or a region rewind, which cannot happen while `'p`
        // borrows the allocator, and a pool slot whose `Owned` is forgotten is
        // never reused; 3. it is unique: this handle was its only owner and is
        // gone.
        unsafe { &mut *this.ptr.as_ptr() }
    }
}

impl<T> Deref for Owned<'_, T> {
    type Target = T;

    fn deref(&self) -> &T {
        // SAFETY: 1. aligned, non-null and initialized (type invariant);
        // 2. shared access for the borrow of `self`: only this handle reaches
        // the value.
        unsafe { self.ptr.as_ref() }
    }
}

impl<T> DerefMut for Owned<'_, T> {
    fn deref_mut(&mut self) -> &mut T {
        // SAFETY: as in `deref`, and the access is unique because `self` is
        // borrowed mutably and is the only handle.
        unsafe { self.ptr.as_mut() }
    }
}

impl<T> Drop for Owned<'_, T> {
    fn drop(&mut self) {
        match self.home {
            Home::Arena(arena) => {
                if mem::needs_drop::<T>() {
                    // SAFETY: the value is valid, in `arena`, and this handle
                    // (its only owner) is going away, so it is dropped once.
                    unsafe { arena.drop_value(self.ptr) }
                }
            }
            Home::Pool(pool, slot) => {
                // SAFETY: the slot is ours, `ptr` is its valid value (from
                // `Pool::alloc`), and this handle is going away.
                unsafe { pool.release_owned(self.ptr, slot) }
            }
        }
    }
}

impl<T: fmt::Debug> fmt::Debug for Owned<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        T::fmt(self, f)
    }
}

impl<T: fmt::Display> fmt::Display for Owned<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        T::fmt(self, f)
    }
}

impl<T: PartialEq> PartialEq for Owned<'_, T> {
    fn eq(&self, other: &Self) -> bool {
        T::eq(self, other)
    }
}

impl<T: Eq> Eq for Owned<'_, T> {}

impl<T> AsRef<T> for Owned<'_, T> {
    fn as_ref(&self) -> &T {
        self
    }
}

impl<T> AsMut<T> for Owned<'_, T> {
    fn as_mut(&mut self) -> &mut T {
        self
    }
}
