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
//! allocator is being dropped, which borrows the allocator. The outermost call
//! does not return, *or unwind*, before the queue is empty (see "Panics"), so
//! the queue is empty whenever the allocator is not borrowed: while entries
//! exist the allocator cannot be reset, moved (to another place or thread) or
//! dropped. (A thread-local queue would not have that property: an arena could
//! be moved to another thread and reset there while this thread still held
//! entries into it.)
//!
//! # Panics
//!
//! A value's drop may panic. Each entry is popped *before* it runs, so an entry
//! that ran (or started to) is never run again. The outermost call catches a
//! panic of any entry's drop, keeps running the rest of the queue (including
//! entries the panicking drop queued while it unwound: a value whose `Drop`
//! panics still drops its fields), and only then resumes the first panic.
//! Entries are therefore never left behind for a later drain: had one been,
//! it would hold pointers into values whose nested `Owned`s borrow the
//! allocator at its old address, and running it after the allocator moved
//! (or on another thread) would be a double drop or a data race.

use core::cell::{Cell, RefCell};
use std::panic::{AssertUnwindSafe, catch_unwind, resume_unwind};

/// A trampoline for the drops of one allocator's values (see module docs).
pub(crate) struct DropQueue<P> {
    active: Cell<bool>,
    pending: RefCell<Vec<P>>,
}

/// Clears the active flag when the outermost call ends.
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

    /// Whether no drop is running and nothing is queued: true whenever the
    /// allocator is not borrowed (module docs).
    pub(crate) fn is_idle(&self) -> bool {
        !self.active.get() && self.pending.borrow().is_empty()
    }

    /// The next queued entry. The `RefCell` borrow ends with this call, before
    /// any `run` can re-enter.
    fn pop(&self) -> Option<P> {
        self.pending.borrow_mut().pop()
    }

    /// Gives `p` to `run` now, or queues it when a drop of this queue is
    /// already in progress; the outermost call runs everything queued.
    ///
    /// Every `p` passed in is given to `run` exactly once, and all of them
    /// before the outermost call returns or unwinds: when a `run` panics, the
    /// outermost call runs the rest and then resumes the first panic (later
    /// panics' payloads are dropped; one whose drop panics is leaked).
    /// Callers of one queue must pass equivalent `run` functions, since an
    /// entry may be run by another call's `run`.
    pub(crate) fn drop_or_defer(&self, p: P, run: impl Fn(P)) {
        if self.active.get() {
            // A push that fails (it can only abort or panic on allocation
            // failure) leaks `p`'s value: never a double drop.
            self.pending.borrow_mut().push(p);
            return;
        }
        self.active.set(true);
        let guard = ActiveGuard(&self.active);
        let mut next = Some(p);
        let mut first_panic = None;
        loop {
            // One `catch_unwind` per outermost call on the normal path; after
            // a panic, a new one for the rest. `next` is taken before `run`,
            // so a panicking entry is never run again.
            let ran = catch_unwind(AssertUnwindSafe(|| {
                while let Some(p) = next.take() {
                    run(p);
                    next = self.pop();
                }
            }));
            match ran {
                Ok(()) => break,
                Err(payload) => {
                    match first_panic {
                        None => first_panic = Some(payload),
                        // Dropping a payload runs user code that may
                        // panic in turn: that one is leaked.
                        Some(_) => {
                            if let Err(again) = catch_unwind(AssertUnwindSafe(|| drop(payload))) {
                                core::mem::forget(again);
                            }
                        }
                    }
                    next = self.pop();
                }
            }
        }
        debug_assert!(self.pending.borrow().is_empty());
        drop(guard);
        if let Some(payload) = first_panic {
            resume_unwind(payload);
        }
    }
}
