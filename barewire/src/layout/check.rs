//! The state of a check of an untrusted image, and the bounds-checked
//! reads it is built from. Reached by derived code through
//! `barewire::__private`, not part of the public API.

use alloc::collections::BTreeMap;

use crate::error::Error;
use crate::limits::{Limits, Nesting};

/// The state of a check or a rebuild: nesting depth and work budgets that
/// bound the work any image can cause.
#[derive(Debug)]
pub struct Check {
    nesting: Nesting,
    /// Nodes still allowed to be visited.
    budget: u64,
    /// Bytes of strings and data still allowed to be copied out.
    output: u64,
    /// Whether strings are checked up front (bounds and UTF-8) rather than
    /// when read.
    strings: bool,
    /// Bytes of strings still allowed to be validated or compared: twice
    /// the image size, as an image [`to_layout`] writes never needs more
    /// (each string's bytes are validated once and compared with at most
    /// its two neighbours in a map), while one whose strings overlap or are
    /// referenced again and again runs out instead of taking quadratic time.
    work: u64,
    /// Long strings already found to be UTF-8 during this check: start
    /// position to validated length. Interned strings (one copy referenced
    /// from many places) are validated once.
    validated: BTreeMap<usize, usize>,
    /// The bytes of the record being checked (`start..end`), which a
    /// pointer or a span of an explicit layout ([`BarePtr`], [`BareSpan`])
    /// inside it must not point into: a record overlapping its parent.
    ///
    /// [`BarePtr`]: crate::layout::BarePtr
    /// [`BareSpan`]: crate::layout::BareSpan
    record: (usize, usize),
    /// For [`view_mut`](crate::view_mut): every record reached through a
    /// `BarePtr` or `BareSpan` (start to end), none of which may share bytes
    /// with another, so that setting a scalar of one never changes another.
    exclusive: Option<BTreeMap<usize, usize>>,
}

/// Strings up to this long are validated at each reference without a
/// lookup (the lookup would cost about as much); their work is bounded by
/// the node budget.
const SHORT_STR: usize = 64;

impl Check {
    /// A check of an image of `len` bytes under `limits`.
    ///
    /// The node budget is the image length: an image written by
    /// [`to_layout`] never needs more, because each visited
    /// node has inline bytes of its own. One whose offsets alias the same
    /// bytes again and again runs out of budget instead of running for ever.
    /// With `strings`, every string is checked too (its bytes in bounds and
    /// UTF-8), as [`check_full`] does; otherwise strings are left to be
    /// checked when read.
    pub fn new(len: usize, limits: Limits, strings: bool) -> Self {
        Check {
            nesting: Nesting::new(&limits),
            budget: len as u64 + 16,
            output: limits.max_size,
            strings,
            work: (len as u64).saturating_mul(2).saturating_add(64),
            validated: BTreeMap::new(),
            record: (0, 0),
            exclusive: None,
        }
    }

    /// The check of an image to be edited in place: records reached through
    /// pointers and spans must not share bytes with each other or the root.
    pub(crate) fn exclusive(mut self) -> Self {
        let mut records = BTreeMap::new();
        if self.record.0 < self.record.1 {
            records.insert(self.record.0, self.record.1);
        }
        self.exclusive = Some(records);
        self
    }

    /// The check of an image whose root record is `0..root_size`.
    pub(crate) fn with_root(mut self, root_size: usize) -> Self {
        self.record = (0, root_size);
        self
    }

    /// Makes `start..start + size` the record being checked, returning the
    /// one before it (for [`leave_record`](Self::leave_record)); fails if it
    /// overlaps the record being checked now, or the `field_size` bytes at
    /// `field` that point to it.
    pub(crate) fn enter_record(
        &mut self,
        field: usize,
        field_size: usize,
        start: usize,
        size: usize,
    ) -> Result<(usize, usize), Error> {
        let end = start.saturating_add(size.max(1));
        let overlaps = |(a, b): (usize, usize)| a < b && start < b && a < end;
        if overlaps(self.record) || overlaps((field, field + field_size)) {
            return Err(Error::InvalidLayout {
                offset: field,
                reason: "a record overlaps the record that points to it",
            });
        }
        if let Some(records) = &mut self.exclusive {
            let before = records.range(..=start).next_back();
            let after = records.range(start..).next();
            let shared =
                before.is_some_and(|(_, &e)| e > start) || after.is_some_and(|(&a, _)| a < end);
            if shared {
                return Err(Error::InvalidLayout {
                    offset: field,
                    reason: "two records of an image edited in place share bytes",
                });
            }
            records.insert(start, end);
        }
        Ok(core::mem::replace(&mut self.record, (start, end)))
    }

    /// Restores the record that [`enter_record`](Self::enter_record)
    /// replaced.
    pub(crate) fn leave_record(&mut self, record: (usize, usize)) {
        self.record = record;
    }

    /// Spends `bytes` of the string work budget (string bytes validated or
    /// compared).
    #[inline]
    pub(crate) fn work(
        &mut self,
        bytes: usize,
        at: usize,
        what: &'static str,
    ) -> Result<(), Error> {
        match self.work.checked_sub(bytes as u64) {
            Some(left) => {
                self.work = left;
                Ok(())
            }
            None => Err(Error::WorkLimit { offset: at, what }),
        }
    }

    /// Checks that the `len` bytes at `start` in `buf`, a string that the
    /// repr at `at` points to (already found inside `buf`), are UTF-8: once
    /// per string start, charged to the work budget.
    pub(crate) fn check_utf8(
        &mut self,
        buf: &[u8],
        start: usize,
        len: usize,
        at: usize,
    ) -> Result<(), Error> {
        let invalid = |valid: usize| Error::InvalidUtf8 {
            offset: start + valid,
        };
        let Some(bytes) = buf.get(start..start.saturating_add(len)) else {
            return Err(Error::InvalidLayout {
                offset: at,
                reason: "string runs past the end of the image",
            });
        };
        if len <= SHORT_STR {
            return crate::utf8::to_str(bytes).map(|_| ()).map_err(invalid);
        }
        let done = self.validated.get(&start).copied().unwrap_or(0);
        if len <= done {
            // A prefix of a validated string is UTF-8 when it ends on a
            // character boundary: at the end, or before a byte that is not
            // a continuation byte (`start + done <= buf.len()`, so the byte
            // at `start + len < start + done` exists).
            return match buf.get(start + len) {
                Some(&next) if len < done && next & 0xc0 == 0x80 => Err(invalid(len)),
                _ => Ok(()),
            };
        }
        // Validate what lies beyond the validated prefix (which ends on a
        // character boundary, so the rest validates on its own).
        self.work(len - done, at, "checking the UTF-8 of strings")?;
        crate::utf8::to_str(&bytes[done..]).map_err(|valid| invalid(done + valid))?;
        self.validated.insert(start, len);
        Ok(())
    }

    /// Whether this check includes every string (bounds and UTF-8).
    #[inline]
    pub fn strings(&self) -> bool {
        self.strings
    }

    /// Spends `nodes` of the node budget.
    #[inline]
    pub fn visit(&mut self, nodes: u64, at: usize) -> Result<(), Error> {
        match self.budget.checked_sub(nodes) {
            Some(left) => {
                self.budget = left;
                Ok(())
            }
            None => Err(Error::InvalidLayout {
                offset: at,
                reason: "offsets revisit the same data more than the image size allows (aliased or cyclic image)",
            }),
        }
    }

    /// Spends `bytes` of the output budget of a rebuild.
    #[inline]
    pub fn output(&mut self, bytes: u64, at: usize) -> Result<(), Error> {
        match self.output.checked_sub(bytes) {
            Some(left) => {
                self.output = left;
                Ok(())
            }
            None => Err(Error::InvalidLayout {
                offset: at,
                reason: "rebuilding the value would exceed the output size limit",
            }),
        }
    }

    /// Enters one level of pointers or lists: fails past
    /// [`Limits::max_depth`] levels, or past [`Limits::max_stack`] bytes of
    /// stack since the outermost level.
    #[inline]
    pub fn enter(&mut self, at: usize) -> Result<(), Error> {
        self.nesting.enter(at)
    }

    /// Leaves a level entered with [`enter`](Self::enter).
    #[inline]
    pub fn leave(&mut self) {
        self.nesting.leave();
    }
}

/// Checks that `at..at + size` lies inside `buf` and that the value's
/// address in memory is a multiple of `align`.
///
/// The address, not only the position in the image: a buffer aligned for
/// the root type may be less aligned than a type it reaches (a list of
/// `#[bare(align = 16)]` items in an 8-aligned buffer), and views hand out
/// `&[T]` of such items.
#[inline]
pub fn check_inline(buf: &[u8], at: usize, size: usize, align: usize) -> Result<(), Error> {
    if (buf.as_ptr() as usize).wrapping_add(at) % align != 0 {
        return Err(Error::InvalidLayout {
            offset: at,
            reason: "misaligned value",
        });
    }
    match at.checked_add(size) {
        Some(end) if end <= buf.len() => Ok(()),
        _ => Err(Error::InvalidLayout {
            offset: at,
            reason: "value runs past the end of the image",
        }),
    }
}

/// Follows the 32-bit relative offset stored at `field`: the position it
/// points to, if inside `0..=buf.len()`.
#[inline]
pub fn follow(buf: &[u8], field: usize) -> Result<usize, Error> {
    let rel = i32::from_le_bytes(read4(buf, field));
    let target = field as i64 + i64::from(rel);
    if target < 0 || target > buf.len() as i64 {
        return Err(Error::InvalidLayout {
            offset: field,
            reason: "offset points outside the image",
        });
    }
    Ok(target as usize)
}

/// Follows a relative offset without checks, for views of checked images.
#[inline]
pub fn follow_unchecked(buf: &[u8], field: usize) -> usize {
    let rel = i32::from_le_bytes(read4(buf, field));
    (field as i64 + i64::from(rel)) as usize
}

#[inline]
pub(crate) fn read4(buf: &[u8], at: usize) -> [u8; 4] {
    let mut out = [0u8; 4];
    out.copy_from_slice(&buf[at..at + 4]);
    out
}
