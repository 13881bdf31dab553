//! `Owned`: the move-only handle to a value in an arena or pool.

use core::fmt;
use core::marker::PhantomData;
use core::mem::{self, ManuallyDrop};
use core::ops::{Deref, DerefMut};
use core::ptr::NonNull;

use crate::arena::Arena;
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
///   allocator (Carp's `@`).
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
/// An `Owned` is not `Send`: its allocator is used from one thread.
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
    /// Owns a `T` (for drop check) and is not `Send`/`Sync` by way of the raw
    /// pointer.
    _own: PhantomData<T>,
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
    /// `ptr` points to the valid `T` in `pool`'s slot `slot`, which is in the
    /// owned state, and nothing else owns or uses it; it is the pointer
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
