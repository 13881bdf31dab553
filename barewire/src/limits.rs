//! The limits every reader of untrusted bytes enforces, and the nesting
//! guard that bounds recursion in levels and in stack bytes.
//!
//! Shared by the wire decoder ([`crate::wire`]) and the layout checks
//! ([`crate::layout`]), which both recurse into nested values.

use crate::error::Error;

/// Limits a decoder enforces on untrusted input.
///
/// ```
/// use barewire::Limits;
/// let limits = Limits::DEFAULT
///     .with_max_depth(32)
///     .with_max_size(1 << 20)
///     .with_max_stack(256 << 10);
/// assert_eq!(limits.max_depth, 32);
/// assert_eq!(limits.max_size, 1 << 20);
/// assert_eq!(limits.max_stack, 256 << 10);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Limits {
    /// How deeply lists, maps and boxes may nest (default 256). Each level
    /// of `Box`, list or map counts one; it bounds the levels a decoder or
    /// a layout check *recurses*.
    ///
    /// A tail link of a derived type (a last field `Box<Self>` or
    /// `Option<Box<Self>>`, or barewire_pool's `Owned` in place of the box,
    /// see the crate docs) is followed in a loop and
    /// counts nothing, so a list of any length stays at the depth of its
    /// first node, and the default accepts every value `to_vec` and
    /// `to_layout` write within [`max_size`](Self::max_size) unless it
    /// nests some other way more than 256 levels deep (a tree, lists of
    /// lists, a box that is not the last field).
    pub max_depth: u32,
    /// The largest message, in bytes (default 64 MiB). [`from_slice`]
    /// checks the input length; streaming decoders stop buffering here.
    /// It also bounds the memory taken by items that take no wire bytes
    /// (such as `list<void>` items, or `Box<()>`) in one message.
    ///
    /// [`from_slice`]: crate::from_slice
    pub max_size: u64,
    /// How many bytes of stack nested values may take (default 1 MiB),
    /// measured from where the outermost nested value starts.
    ///
    /// The depth limit counts levels, but one level of a recursive type with
    /// large inline fields can take kilobytes of stack, so the decoder and
    /// the layout checks also measure the stack at each level and stop with
    /// [`Error::StackLimit`] past this budget. The default leaves room on a
    /// 2 MiB thread stack (the size of threads Rust spawns) for the caller's
    /// own frames, in debug builds too. Raise it together with the thread's
    /// stack size, never beyond it.
    pub max_stack: usize,
}

impl Limits {
    /// Depth 256, size 64 MiB, stack 1 MiB.
    pub const DEFAULT: Limits = Limits {
        max_depth: 256,
        max_size: 64 << 20,
        max_stack: 1 << 20,
    };

    /// These limits with another nesting depth.
    #[must_use]
    pub const fn with_max_depth(mut self, max_depth: u32) -> Self {
        self.max_depth = max_depth;
        self
    }

    /// These limits with another message size.
    #[must_use]
    pub const fn with_max_size(mut self, max_size: u64) -> Self {
        self.max_size = max_size;
        self
    }

    /// These limits with another stack budget, in bytes.
    #[must_use]
    pub const fn with_max_stack(mut self, max_stack: usize) -> Self {
        self.max_stack = max_stack;
        self
    }
}

impl Default for Limits {
    fn default() -> Self {
        Limits::DEFAULT
    }
}

/// The nesting of a recursive read: its depth, and where on the stack its
/// outermost level started.
#[derive(Debug, Clone)]
pub(crate) struct Nesting {
    depth: u32,
    max_depth: u32,
    /// The stack address at the outermost `enter` (valid when `depth > 0`).
    base: usize,
    max_stack: usize,
}

impl Nesting {
    pub(crate) fn new(limits: &Limits) -> Self {
        Nesting {
            depth: 0,
            max_depth: limits.max_depth,
            base: 0,
            max_stack: limits.max_stack,
        }
    }

    /// Enters one level at input position `offset`: fails past the depth
    /// limit, or when the stack has grown more than the stack budget since
    /// the outermost level.
    #[inline]
    pub(crate) fn enter(&mut self, offset: usize) -> Result<(), Error> {
        if self.depth >= self.max_depth {
            return Err(Error::DepthLimit {
                offset,
                limit: self.max_depth,
            });
        }
        let here = stack_address();
        if self.depth == 0 {
            self.base = here;
        } else if STACK_IS_MEASURED && here.abs_diff(self.base) > self.max_stack {
            return Err(Error::StackLimit {
                offset,
                limit: self.max_stack,
            });
        }
        self.depth += 1;
        Ok(())
    }

    /// Leaves a level entered with [`enter`](Self::enter).
    #[inline]
    pub(crate) fn leave(&mut self) {
        self.depth = self.depth.saturating_sub(1);
    }
}

/// Whether the stack is measured. Under Miri there is no stack pointer to
/// read and each local is an allocation of its own, so only the depth limit
/// applies there.
const STACK_IS_MEASURED: bool = !cfg!(miri);

/// The stack pointer: where the current frame ends. Only compared with
/// another one taken deeper in the same call chain, whatever way the stack
/// grows.
///
/// Read from the register where the target has one we know, because the
/// address of a local is not always on the thread's stack: AddressSanitizer
/// moves locals into heap "fake frames" to catch use after return.
#[inline(always)]
fn stack_address() -> usize {
    #[cfg(all(not(miri), target_arch = "x86_64"))]
    {
        let sp: usize;
        // SAFETY: (1) the instruction only copies the stack pointer
        // register into `sp`: it reads and writes no memory (`nomem`),
        // does not touch the stack (`nostack`) and leaves the flags alone
        // (`preserves_flags`); (2) `sp` is an output register of pointer
        // size, initialized by the instruction.
        unsafe {
            core::arch::asm!("mov {}, rsp", out(reg) sp, options(nomem, nostack, preserves_flags))
        };
        sp
    }
    #[cfg(all(not(miri), target_arch = "aarch64"))]
    {
        let sp: usize;
        // SAFETY: as for x86_64: a register copy, no memory, no stack, no
        // flags; `sp` is initialized by the instruction.
        unsafe {
            core::arch::asm!("mov {}, sp", out(reg) sp, options(nomem, nostack, preserves_flags))
        };
        sp
    }
    #[cfg(any(miri, not(any(target_arch = "x86_64", target_arch = "aarch64"))))]
    {
        let marker = 0u8;
        core::hint::black_box(&marker) as *const u8 as usize
    }
}

#[cfg(test)]
mod tests {
    use crate::error::Error;
    use crate::limits::{Limits, Nesting};

    fn recurse(n: &mut Nesting, levels: u32) -> Result<u32, Error> {
        // A frame of some kilobytes, as a large inline field makes.
        let pad = core::hint::black_box([0u8; 2048]);
        if levels == 0 {
            return Ok(u32::from(pad[0]));
        }
        n.enter(levels as usize)?;
        let below = recurse(n, levels - 1)?;
        n.leave();
        Ok(below + 1 + u32::from(pad[1]))
    }

    #[test]
    #[cfg_attr(miri, ignore)] // Miri has no contiguous stack to measure
    fn the_stack_budget_stops_deep_large_frames_before_the_depth_limit() {
        let limits = Limits::DEFAULT
            .with_max_depth(10_000)
            .with_max_stack(64 << 10);
        let mut n = Nesting::new(&limits);
        let err = recurse(&mut n, 1_000).unwrap_err();
        assert!(
            matches!(err, Error::StackLimit { limit, .. } if limit == 64 << 10),
            "{err:?}"
        );
        // Shallow enough: fine, and the guard is reusable after leaving.
        let mut n = Nesting::new(&limits);
        assert_eq!(recurse(&mut n, 10).unwrap(), 10);
        assert_eq!(recurse(&mut n, 10).unwrap(), 10);
    }

    #[test]
    fn the_depth_limit_still_counts_levels() {
        let mut n = Nesting::new(&Limits::DEFAULT.with_max_depth(3));
        assert!(matches!(
            recurse(&mut n, 4),
            Err(Error::DepthLimit { limit: 3, .. })
        ));
    }
}
