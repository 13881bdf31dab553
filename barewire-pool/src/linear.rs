//! `Linear<T>`: a value that must be consumed explicitly.

use core::fmt;
use core::ops::{Deref, DerefMut};
use core::panic::Location;
use core::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;

/// Where a value was made (the diagnostics' `Site`).
type Site = &'static core::panic::Location<'static>;

static UNCONSUMED: AtomicU64 = AtomicU64::new(0);
static LAST_UNCONSUMED: Mutex<Option<Site>> = Mutex::new(None);

/// How many [`Linear`] values were dropped without being consumed in this
/// process (release builds, or while a thread was already panicking). Shown in
/// every [`Report`](crate::Report) when not zero.
///
/// ```
/// let before = barewire_pool::linear::unconsumed_count();
/// let l = barewire_pool::Linear::new(1);
/// l.into_inner();
/// assert_eq!(barewire_pool::linear::unconsumed_count(), before);
/// ```
pub fn unconsumed_count() -> u64 {
    UNCONSUMED.load(Ordering::Relaxed)
}

/// Where the last [`Linear`] dropped unconsumed (and counted, see
/// [`unconsumed_count`]) was made: the user's line that called
/// [`Linear::new`].
///
/// ```
/// // Nothing dropped unconsumed yet in this doctest.
/// assert!(barewire_pool::linear::last_unconsumed_site().is_none());
/// ```
pub fn last_unconsumed_site() -> Option<Site> {
    *LAST_UNCONSUMED.lock().unwrap_or_else(|e| e.into_inner())
}

/// A value that must be consumed with [`Linear::into_inner`]: the linear
/// type of linear ownership, where forgetting to use a value is an error.
///
/// Dropping a `Linear` unconsumed is reported at the line that made it
/// ([`Linear::new`] is `#[track_caller]`): in debug builds it panics
/// (unless the thread is already panicking, so an unwind never turns into an
/// abort); in release builds, and while panicking, it increments the counter
/// behind [`unconsumed_count`], which every diagnostics report shows. The
/// value itself is still dropped normally.
///
/// The way around, when dropping without consuming is really meant:
/// `core::mem::forget(linear)` (the inner value is then not dropped either),
/// or `drop(linear.into_inner())`.
///
/// Rust cannot reject an unconsumed value at compile time (it has no
/// must-move types), so this is a run-time check.
///
/// ```
/// use barewire_pool::Linear;
///
/// struct Transaction(u32);
///
/// let tx = Linear::new(Transaction(7));
/// assert_eq!(tx.0, 7); // borrowed through Deref
/// let Transaction(id) = tx.into_inner(); // consumed: no report
/// assert_eq!(id, 7);
/// ```
///
/// ```should_panic
/// # #[cfg(not(debug_assertions))] panic!("release builds count instead");
/// let _tx = barewire_pool::Linear::new(1u8);
/// // dropped here without `into_inner`: panics in debug builds
/// ```
pub struct Linear<T> {
    value: Option<T>,
    made_at: Site,
}

impl<T> Linear<T> {
    /// Wraps `value`; it must come out through [`Linear::into_inner`].
    ///
    /// ```
    /// let l = barewire_pool::Linear::new("must use");
    /// assert_eq!(l.into_inner(), "must use");
    /// ```
    #[track_caller]
    pub fn new(value: T) -> Self {
        Linear {
            value: Some(value),
            made_at: Location::caller(),
        }
    }

    /// Where this value was made (the caller of [`Linear::new`]).
    ///
    /// ```
    /// let l = barewire_pool::Linear::new(0u8);
    /// assert_eq!(l.made_at().line(), line!() - 1);
    /// l.into_inner();
    /// ```
    pub fn made_at(&self) -> Site {
        self.made_at
    }

    /// Consumes the wrapper and returns the value.
    ///
    /// ```
    /// let l = barewire_pool::Linear::new(vec![1, 2]);
    /// assert_eq!(l.into_inner(), [1, 2]);
    /// ```
    pub fn into_inner(mut self) -> T {
        match self.value.take() {
            Some(v) => v,
            None => unreachable!("a Linear holds its value until consumed"),
        }
    }
}

impl<T> Deref for Linear<T> {
    type Target = T;

    fn deref(&self) -> &T {
        match &self.value {
            Some(v) => v,
            None => unreachable!("a Linear holds its value until consumed"),
        }
    }
}

impl<T> DerefMut for Linear<T> {
    fn deref_mut(&mut self) -> &mut T {
        match &mut self.value {
            Some(v) => v,
            None => unreachable!("a Linear holds its value until consumed"),
        }
    }
}

impl<T> Drop for Linear<T> {
    fn drop(&mut self) {
        if self.value.is_none() {
            return;
        }
        if cfg!(debug_assertions) && !std::thread::panicking() {
            panic!(
                "the Linear<{}> made at {}:{}:{} was dropped without into_inner() (use mem::forget to drop it on purpose)",
                core::any::type_name::<T>(),
                self.made_at.file(),
                self.made_at.line(),
                self.made_at.column(),
            );
        }
        UNCONSUMED.fetch_add(1, Ordering::Relaxed);
        *LAST_UNCONSUMED.lock().unwrap_or_else(|e| e.into_inner()) = Some(self.made_at);
    }
}

impl<T: fmt::Debug> fmt::Debug for Linear<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Linear").field(&**self).finish()
    }
}
