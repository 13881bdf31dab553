//! Non-recursive drop of owned chains.
//!
//! Dropping an [`Owned`](crate::Owned) runs `T`'s drop. When `T` itself holds
//! an `Owned` (a linked-list node holding the next node), the naive result is
//! one stack frame per node, and a list of a million nodes overflows the
//! stack. Each allocator (arena or pool) therefore has a [`DropQueue`] that
//! trampolines:
//!
//! * The first `Owned` of an allocator to be dropped marks the queue active
//!   and runs its value's drop.
//! * An `Owned` of the same allocator dropped while its queue is active (that
//!   is, from inside that first drop) does not run its value's drop there: it
//!   pushes an entry on the queue and returns at once.
//! * The first drop then pops and runs entries until the queue is empty.
//!
//! The stack depth stays constant whatever the chain length; the queue holds
//! at most the chain's fan-out (one entry at a time for a list). Every nested
//! value is dropped before the outermost `drop` returns, so for the caller the
//! whole chain is gone when its head is; only the order inside a chain changes
//! (a parent's drop finishes before its children's run). A chain that
//! alternates between allocators recurses once per allocator, not per node.
//!
//! Why the queue is per allocator and not thread-local: an entry points into
//! the allocator's memory, and it is only ever queued while an `Owned` of that
//! allocator is being dropped, which borrows the allocator. So while entries
//! exist the allocator cannot be reset, moved to another thread or dropped; the
//! queue is empty whenever the allocator is not borrowed. (A thread-local queue
//! would not have that property: an arena could be moved to another thread and
//! reset there while this thread still held entries into it.)

use core::cell::{Cell, RefCell};

/// A trampoline for the drops of one allocator's values (see module docs).
pub(crate) struct DropQueue<P> {
    active: Cell<bool>,
    pending: RefCell<Vec<P>>,
}

/// Clears the active flag even if a drop panics.
struct ActiveGuard<'q>(&'q Cell<bool>);

impl Drop for ActiveGuard<'_> {
    fn drop(&mut self) {
        self.0.set(false);
    }
}

impl<P> DropQueue<P> {
    pub(crate) const fn new() -> Self {
        DropQueue {
            active: Cell::new(false),
            pending: RefCell::new(Vec::new()),
        }
    }

    /// Gives `p` to `run` now, or queues it when a drop of this queue is
    /// already in progress; the outermost call runs everything queued.
    ///
    /// Every `p` passed in is given to `run` exactly once, unless a `run`
    /// panics, in which case the rest stay queued until [`DropQueue::drain`]
    /// (or are leaked if it is never called). Callers of one queue must pass
    /// equivalent `run` functions, since an entry may be run by another call's
    /// `run`.
    pub(crate) fn drop_or_defer(&self, p: P, run: impl Fn(P)) {
        if self.active.get() {
            self.pending.borrow_mut().push(p);
            return;
        }
        self.active.set(true);
        let guard = ActiveGuard(&self.active);
        run(p);
        loop {
            // The borrow ends with this statement, before `run` can re-enter.
            let next = self.pending.borrow_mut().pop();
            match next {
                Some(p) => run(p),
                None => break,
            }
        }
        drop(guard);
    }

    /// Runs entries left behind by a panicking drop. Allocators call this
    /// before they free or reuse memory.
    pub(crate) fn drain(&self, run: impl Fn(P)) {
        loop {
            let next = self.pending.borrow_mut().pop();
            match next {
                Some(p) => self.drop_or_defer(p, &run),
                None => break,
            }
        }
    }
}
