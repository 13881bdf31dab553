//! Scoped pools: [`Pool::scope`], for values that link to each other with
//! [`Owned`](crate::Owned)s of their own pool (lists, trees).
//!
//! A node that owns the next node of its pool has the type
//! `Node<'p> { next: Option<Owned<'p, Node<'p>>> }`, and its pool is a
//! `Pool<Node<'p>>` borrowed for `'p`: a value that borrows itself. A plain
//! `let pool = Pool::new()` cannot be that (E0597): the pool's `Drop` would
//! run while `'p` still borrows it, and only the unstable `#[may_dangle]`
//! could tell the compiler that it touches no `'p` data. The scope is the
//! stable form. The pool lives in [`Pool::scope`]'s own frame, is lent to the
//! closure for a lifetime `'p` that the closure cannot name outside its body
//! (`for<'p> FnOnce(&'p Pool<T::At<'p>>) -> R`, with `R` chosen before `'p`
//! exists), and is freed after the closure returns or unwinds.
//!
//! Why that is sound:
//!
//! 1. **Nothing of `'p` leaves the closure.** `R` cannot mention `'p`, and
//!    neither can anything the closure captures (its type is fixed before
//!    `'p` exists), nor a `'static` place (thread-locals, leaked boxes).
//!    `Pool<T>` is invariant in `T`, so `&'p Pool<Node<'p>>` cannot be made
//!    into a pool of `Node<'short>` to store shorter borrows in. So when the
//!    closure has returned, or unwound, every `Owned` and every `&T` into the
//!    pool has been dropped, forgotten, or stored in the pool's own slots.
//! 2. **Drops run while the pool is whole.** An `Owned` is dropped inside the
//!    closure (or while it unwinds), when the pool is alive and shared; a
//!    chain of `Owned`s drops through the pool's drop queue, in constant
//!    stack, and the queue is empty before that drop returns or unwinds.
//! 3. **The end drops nothing.** What remains in the pool afterwards is
//!    values held for handles and values of forgotten (or leaked) `Owned`s.
//!    Those may refer to each other (a value can hold the `&'p T` that
//!    [`Pool::get`] gives for a handle, or a leaked `&'p mut T`), so no
//!    order of drops would be safe: they are not dropped. The pool's memory
//!    is freed, the values' own drops do not run (as after `mem::forget`).
//!    Nothing is dropped twice, and no code runs on a freed slot.

use core::mem::ManuallyDrop;
use core::ptr;

use super::Pool;

/// A type whose values can live in a [`Pool::scope`] pool and hold
/// [`Owned`](crate::Owned)s of it: it names the type with its links
/// borrowing a pool for `'p`.
///
/// One line per node type (any lifetime as `Self`'s, `'p` in `At`):
///
/// ```
/// use barewire_pool::{Owned, Scoped};
///
/// struct Node<'p> {
///     value: u32,
///     next: Option<Owned<'p, Node<'p>>>,
/// }
///
/// impl Scoped for Node<'_> {
///     type At<'p> = Node<'p>;
/// }
/// ```
///
/// Nothing unsafe rests on the impl: any `At` is sound, though only the
/// type itself at `'p` lets its values link with `Owned<'p, _>`.
pub trait Scoped {
    /// `Self` with its pool links borrowing a pool for `'p`.
    type At<'p>: 'p;
}

impl<T: Scoped> Pool<T> {
    /// Runs `f` with a new pool of `T::At<'p>` whose values may own each
    /// other with `Owned<'p, _>` (linked lists, trees), and frees the pool
    /// when `f` returns or panics. Returns what `f` returns, which cannot
    /// borrow the pool (a compile error, `tests/ui/scope_*.rs`).
    ///
    /// `T` names the node type ([`Scoped`]); write it without its lifetime:
    /// `Pool::<Node>::scope(|pool| ...)`. Inside, `pool` is a
    /// `&'p Pool<Node<'p>>` with the whole shared API: [`alloc`](Pool::alloc)
    /// gives `Owned<'p, Node<'p>>`, which can go into another node.
    ///
    /// * Every `Owned` is dropped inside `f` (or while it unwinds), the pool
    ///   still whole; a chain of a million `Owned` links drops without
    ///   recursion (the pool's drop queue).
    /// * At the end, values held for handles ([`Pool::insert`]) and values of
    ///   forgotten or leaked `Owned`s are **not dropped**: their memory is
    ///   freed and their drops do not run, since they may borrow each other
    ///   and no order would be safe. (Handles need `&mut Pool` to be freed,
    ///   which a scope does not give: prefer `Owned` here.)
    /// * A value may borrow only the pool and `'static` data (a borrow from
    ///   outside the scope does not live for `'p` as far as the compiler can
    ///   tell).
    ///
    /// ```
    /// use barewire_pool::{Owned, Pool, Scoped};
    ///
    /// enum List<'p> {
    ///     Empty,
    ///     Node(u64, Owned<'p, List<'p>>),
    /// }
    /// impl Scoped for List<'_> {
    ///     type At<'p> = List<'p>;
    /// }
    ///
    /// let (sum, len) = Pool::<List>::scope(|pool| {
    ///     let mut head = pool.alloc(List::Empty);
    ///     for value in 1..=100_000 {
    ///         head = pool.alloc(List::Node(value, head)); // moved, not copied
    ///     }
    ///     let (mut sum, mut at) = (0, &*head);
    ///     while let List::Node(value, next) = at {
    ///         sum += value;
    ///         at = next;
    ///     }
    ///     (sum, pool.len())
    /// }); // the 100,001 nodes were dropped, without recursion, then freed
    /// assert_eq!((sum, len), (5_000_050_000, 100_001));
    /// ```
    pub fn scope<R>(f: impl for<'p> FnOnce(&'p Pool<T::At<'p>>) -> R) -> R {
        run::<T, R>(Pool::new(), f)
    }

    /// [`Pool::scope`] with room for at least `n` values before the pool
    /// grows.
    ///
    /// # Panics
    ///
    /// As [`Pool::with_capacity`], before `f` runs; and when `f` panics.
    ///
    /// ```
    /// use barewire_pool::{Owned, Pool, Scoped};
    ///
    /// struct Tree<'p> {
    ///     value: u32,
    ///     children: Vec<Owned<'p, Tree<'p>>>,
    /// }
    /// impl Scoped for Tree<'_> {
    ///     type At<'p> = Tree<'p>;
    /// }
    ///
    /// fn total(t: &Tree<'_>) -> u32 {
    ///     t.value + t.children.iter().map(|c| total(c)).sum::<u32>()
    /// }
    ///
    /// let total = Pool::<Tree>::scope_with_capacity(3, |pool| {
    ///     let leaf = |value| pool.alloc(Tree { value, children: Vec::new() });
    ///     let root = pool.alloc(Tree { value: 1, children: vec![leaf(2), leaf(3)] });
    ///     assert_eq!(pool.capacity(), 16);
    ///     total(&root)
    /// });
    /// assert_eq!(total, 6);
    /// ```
    #[track_caller]
    pub fn scope_with_capacity<R>(n: usize, f: impl for<'p> FnOnce(&'p Pool<T::At<'p>>) -> R) -> R {
        run::<T, R>(Pool::with_capacity(n), f)
    }
}

/// Lends `pool` to `f` (for `'x`) and frees it when `f` returns or unwinds,
/// without dropping the values it still holds (module docs). `f` works for
/// every lifetime, so it keeps nothing of `'x` past its return.
fn run<'x, T: Scoped, R>(
    pool: Pool<T::At<'x>>,
    f: impl for<'p> FnOnce(&'p Pool<T::At<'p>>) -> R,
) -> R {
    /// Frees the pool when the scope ends, even by a panic.
    struct Close<U>(*mut Pool<U>);
    impl<U> Drop for Close<U> {
        fn drop(&mut self) {
            // SAFETY: 1. `self.0` points to the pool in `run`'s frame, which
            // is in a `ManuallyDrop` that nothing else drops, and is valid
            // (the closure only had `&Pool`, which cannot move or drop it);
            // 2. it is dropped once, here; 3. no reference to it is used
            // again: `f` has returned or unwound, so every `Owned` and `&T`
            // it made is gone, forgotten, or stored in the pool's own slots
            // (module docs, point 1), where no code runs on it any more
            // because `drop_held = false` leaves those values undropped
            // (point 3). The `&mut` this makes is therefore unique.
            unsafe {
                (*self.0).drop_held = false;
                ptr::drop_in_place(self.0);
            }
        }
    }
    let mut pool = ManuallyDrop::new(pool);
    let raw: *mut Pool<T::At<'x>> = &mut *pool;
    let close = Close(raw);
    // SAFETY: the reference is valid for as long as it is used: the pool
    // stays in this frame until `close` drops it, after `f` has returned or
    // unwound, and nothing of `'x` outlasts `f` (`f` is generic over the
    // lifetime, so it cannot keep or return anything of it: module docs,
    // point 1). Only shared references are made from `raw` until then.
    let r = f(unsafe { &*raw });
    drop(close);
    r
}
