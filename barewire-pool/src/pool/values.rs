//! The values of a [`Pool`]: putting them in (an [`Owned`] from `alloc`, a
//! [`Handle`] from `insert`) and reaching them through handles, each use
//! checked.

use core::ptr::NonNull;

use super::Pool;
use crate::diag::caller_site;
use crate::handle::{Handle, HandleError};
use crate::owned::Owned;
use crate::stamp;

impl<T> Pool<T> {
    /// Moves `value` into a slot and returns its one owner.
    ///
    /// ```
    /// let pool = barewire_pool::Pool::new();
    /// let mut v = pool.alloc(vec![1]);
    /// v.push(2);
    /// assert_eq!(*v, [1, 2]);
    /// ```
    #[inline]
    #[cfg_attr(feature = "track", track_caller)]
    pub fn alloc(&self, value: T) -> Owned<'_, T> {
        let (key, slot) = self.put(value, stamp::FREE, caller_site());
        // SAFETY: the slot's value (at the slot's address, `repr(C)`) is the
        // valid `T` just written to slot `key`, which is off the free list,
        // in no handle's state, and known to no one else; the pointer has
        // the chunk's provenance.
        unsafe { Owned::from_pool(NonNull::new_unchecked(slot.cast::<T>()), self, key) }
    }

    /// Moves `value` into a slot and returns a checked handle to it.
    ///
    /// ```
    /// let pool = barewire_pool::Pool::new();
    /// let h = pool.insert("x");
    /// assert_eq!(pool.get(h), Ok(&"x"));
    /// ```
    #[inline]
    #[cfg_attr(feature = "track", track_caller)]
    pub fn insert(&self, value: T) -> Handle<T> {
        let (key, slot) = self.put(value, stamp::HANDLE, caller_site());
        // SAFETY: `slot` is a live slot of this pool (`put` contract).
        Handle::new(self.id, key, unsafe { &(*slot).stamp }.get())
    }

    /// The value behind `h`.
    ///
    /// # Errors
    ///
    /// [`HandleError::WrongPool`] or [`HandleError::UseAfterFree`].
    ///
    /// ```
    /// let pool = barewire_pool::Pool::new();
    /// let h = pool.insert(3.5f64);
    /// assert_eq!(pool.get(h), Ok(&3.5));
    /// ```
    #[inline]
    pub fn get(&self, h: Handle<T>) -> Result<&T, HandleError> {
        let slot = self.check(h, false)?;
        // SAFETY: 1. the slot is in the handle state at the handle's
        // generation, so it holds a valid `T` (at the slot's address,
        // `repr(C)`); 2. the value can only be mutated or freed through
        // `&mut self`, which this shared borrow excludes.
        Ok(unsafe { &*slot.cast::<T>() })
    }

    /// A copy of the plain ([`Blit`](crate::Blit)) value behind `h`: plain
    /// data copies out freely.
    ///
    /// # Errors
    ///
    /// [`HandleError::WrongPool`] or [`HandleError::UseAfterFree`].
    ///
    /// ```
    /// let pool = barewire_pool::Pool::new();
    /// let h = pool.insert([7u16; 3]);
    /// assert_eq!(pool.get_copy(h), Ok([7, 7, 7]));
    /// ```
    #[inline]
    pub fn get_copy(&self, h: Handle<T>) -> Result<T, HandleError>
    where
        T: crate::Blit,
    {
        self.get(h).copied()
    }

    /// The value behind `h`, mutably.
    ///
    /// # Errors
    ///
    /// [`HandleError::WrongPool`] or [`HandleError::UseAfterFree`].
    ///
    /// ```
    /// let mut pool = barewire_pool::Pool::new();
    /// let h = pool.insert(1);
    /// *pool.get_mut(h).unwrap() = 2;
    /// assert_eq!(pool.get(h), Ok(&2));
    /// ```
    #[inline]
    pub fn get_mut(&mut self, h: Handle<T>) -> Result<&mut T, HandleError> {
        let slot = self.check(h, false)?;
        // SAFETY: 1. as in `get`, the slot holds a valid `T`; 2. `&mut self`
        // excludes every other reference into the pool, and `Owned`s hold
        // other slots only.
        Ok(unsafe { &mut *slot.cast::<T>() })
    }

    /// Drops the value behind `h` and frees its slot.
    ///
    /// # Errors
    ///
    /// [`HandleError::WrongPool`] or [`HandleError::DoubleFree`].
    ///
    /// ```
    /// let mut pool = barewire_pool::Pool::new();
    /// let h = pool.insert(String::from("gone"));
    /// assert!(pool.free(h).is_ok());
    /// assert!(pool.free(h).is_err());
    /// ```
    pub fn free(&mut self, h: Handle<T>) -> Result<(), HandleError> {
        self.remove(h).map(drop)
    }

    /// Moves the value behind `h` out and frees its slot.
    ///
    /// # Errors
    ///
    /// [`HandleError::WrongPool`] or [`HandleError::DoubleFree`].
    ///
    /// ```
    /// let mut pool = barewire_pool::Pool::new();
    /// let h = pool.insert(vec![7]);
    /// assert_eq!(pool.remove(h), Ok(vec![7]));
    /// ```
    pub fn remove(&mut self, h: Handle<T>) -> Result<T, HandleError> {
        let slot = self.check(h, true)?;
        // SAFETY: 1. the slot holds a valid `T` (checked handle); 2. it is
        // marked free right after, so the value is read out exactly once;
        // 3. `slot` is the live slot of key `h.key` (checked handle).
        unsafe {
            let value = slot.cast::<T>().read();
            self.release_slot(slot, h.key);
            Ok(value)
        }
    }

    /// Whether `h` still refers to a value of this pool.
    ///
    /// ```
    /// let mut pool = barewire_pool::Pool::new();
    /// let h = pool.insert(());
    /// assert!(pool.contains(h));
    /// pool.free(h).unwrap();
    /// assert!(!pool.contains(h));
    /// ```
    pub fn contains(&self, h: Handle<T>) -> bool {
        self.check(h, false).is_ok()
    }
}
