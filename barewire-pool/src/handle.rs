//! `Handle`: a checked, `'static` key into a [`Pool`](crate::Pool).

use core::fmt;
use core::hash::{Hash, Hasher};
use core::marker::PhantomData;
use core::sync::atomic::{AtomicU64, Ordering};

/// Pool identities. Starts at 1 and only grows; a `u64` does not run out in
/// the life of any program, and if it did, making a pool would panic rather
/// than repeat an identity.
static NEXT_POOL_ID: AtomicU64 = AtomicU64::new(1);

/// A pool identity never handed out before.
///
/// # Panics
///
/// When the identities are spent (after 2^64 - 2 pools).
pub(crate) fn next_pool_id() -> u64 {
    take_id(&NEXT_POOL_ID)
}

/// The next identity of `counter`. The counter never wraps: once it reaches
/// `u64::MAX` every call panics, so no identity is handed out twice (a
/// `fetch_add` with a check of its result would wrap to 0 and go on after
/// the first panic). Identities are what makes a `Handle` of one pool fail
/// with another, so a repeat would let a handle index a pool it does not
/// belong to.
fn take_id(counter: &AtomicU64) -> u64 {
    match counter.fetch_update(Ordering::Relaxed, Ordering::Relaxed, |id| id.checked_add(1)) {
        Ok(id) => id,
        Err(_) => panic!("pool identities exhausted"),
    }
}

/// A `'static`, copyable key to a value in a [`Pool`](crate::Pool): the
/// pool's identity, a slot index and the slot's generation.
///
/// Store it in other structures, send it to other threads; every use goes
/// through the pool and is checked, so a handle whose value was freed, freed
/// twice, or that belongs to another pool gives a [`HandleError`], never
/// undefined behaviour. Pool identities come from a global counter that never
/// repeats; a slot whose generation would wrap around is retired instead of
/// reused, so a stale handle can never match a later value.
///
/// A handle has no BARE encoding or layout, unlike [`Owned`](crate::Owned)
/// (which has `Box<T>`'s): its value is reached only through its pool
/// (`pool.get(handle)`), which an encoder does not have, and its pool
/// identity and generation mean nothing to another process. Encode the
/// value (`pool.get(h)?`), or an index of your own.
///
/// ```
/// use barewire_pool::{HandleError, Pool};
///
/// let mut pool = Pool::new();
/// let h = pool.insert(5u32);
/// let copy = h; // handles are Copy
/// assert_eq!(pool.get(copy), Ok(&5));
/// pool.free(h).unwrap();
/// assert!(matches!(pool.get(copy), Err(HandleError::UseAfterFree { .. })));
/// assert!(matches!(pool.free(copy), Err(HandleError::DoubleFree { .. })));
/// ```
pub struct Handle<T> {
    pub(crate) pool: u64,
    /// The pool's slot key (chunk and offset, see `key`).
    pub(crate) key: u32,
    /// The slot's stamp while it holds this handle's value: the generation
    /// and the handle state (see `stamp`), so a lookup compares one word.
    pub(crate) stamp: u32,
    _type: PhantomData<fn() -> T>,
}

impl<T> Handle<T> {
    pub(crate) fn new(pool: u64, key: u32, stamp: u32) -> Self {
        Handle {
            pool,
            key,
            stamp,
            _type: PhantomData,
        }
    }

    /// The slot's position in its pool (0, 1, 2, ... across the pool's
    /// chunks).
    ///
    /// ```
    /// let pool = barewire_pool::Pool::new();
    /// assert_eq!(pool.insert('a').index(), 0);
    /// ```
    pub fn index(self) -> u32 {
        crate::key::index(self.key)
    }

    /// The slot generation the handle was made for.
    ///
    /// ```
    /// let mut pool = barewire_pool::Pool::new();
    /// let a = pool.insert(1);
    /// pool.free(a).unwrap();
    /// let b = pool.insert(2); // same slot, next generation
    /// assert_eq!((b.index(), b.generation()), (a.index(), a.generation() + 1));
    /// ```
    pub fn generation(self) -> u32 {
        crate::stamp::generation(self.stamp)
    }

    /// The identity of the pool that made it.
    ///
    /// ```
    /// let pool = barewire_pool::Pool::new();
    /// assert_eq!(pool.insert(1).pool_id(), pool.id());
    /// ```
    pub fn pool_id(self) -> u64 {
        self.pool
    }
}

impl<T> Clone for Handle<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T> Copy for Handle<T> {}

impl<T> PartialEq for Handle<T> {
    fn eq(&self, other: &Self) -> bool {
        (self.pool, self.key, self.stamp) == (other.pool, other.key, other.stamp)
    }
}

impl<T> Eq for Handle<T> {}

impl<T> Hash for Handle<T> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        (self.pool, self.key, self.stamp).hash(state);
    }
}

impl<T> fmt::Debug for Handle<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "Handle(pool {}, slot {}, generation {})",
            self.pool,
            self.index(),
            self.generation()
        )
    }
}

/// Why a [`Handle`] was refused.
///
/// ```
/// use barewire_pool::{HandleError, Pool};
///
/// let a = Pool::new();
/// let b = Pool::<u8>::new();
/// let h = a.insert(1u8);
/// let err = b.get(h).unwrap_err();
/// assert!(matches!(err, HandleError::WrongPool { .. }));
/// assert!(err.to_string().starts_with("handle from pool"));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HandleError {
    /// The handle was made by another pool.
    WrongPool {
        /// The pool asked.
        expected: u64,
        /// The pool that made the handle.
        found: u64,
    },
    /// The value was freed (the slot's generation moved on).
    UseAfterFree {
        /// The slot.
        index: u32,
        /// The handle's generation.
        handle: u32,
        /// The slot's generation now.
        slot: u32,
    },
    /// `free` or `remove` of a value already freed.
    DoubleFree {
        /// The slot.
        index: u32,
        /// The handle's generation.
        handle: u32,
        /// The slot's generation now.
        slot: u32,
    },
}

impl fmt::Display for HandleError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            HandleError::WrongPool { expected, found } => {
                write!(f, "handle from pool {found} used with pool {expected}")
            }
            HandleError::UseAfterFree {
                index,
                handle,
                slot,
            } => write!(
                f,
                "use after free: slot {index} is at generation {slot}, the handle is for generation {handle}"
            ),
            HandleError::DoubleFree {
                index,
                handle,
                slot,
            } => write!(
                f,
                "double free: slot {index} is at generation {slot}, the handle is for generation {handle}"
            ),
        }
    }
}

impl std::error::Error for HandleError {}

#[cfg(test)]
mod tests {
    use core::sync::atomic::{AtomicU64, Ordering};

    use crate::handle::take_id;

    #[test]
    fn pool_identities_never_repeat_after_running_out() {
        let counter = AtomicU64::new(u64::MAX - 1);
        assert_eq!(take_id(&counter), u64::MAX - 1);
        for _ in 0..2 {
            let again = std::panic::catch_unwind(|| take_id(&counter));
            assert!(again.is_err(), "no identity after the last one");
        }
        assert_eq!(counter.load(Ordering::Relaxed), u64::MAX);
    }
}
