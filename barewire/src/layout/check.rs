//! The state of a check of an untrusted image, and the bounds-checked
//! reads it is built from. Reached by derived code through
//! `barewire::__private`, not part of the public API.

use alloc::collections::BTreeMap;
use alloc::vec::Vec;

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
    /// Long strings already found to be UTF-8 during this check, with
    /// their validated length. Interned strings (one copy referenced from
    /// many places) are validated once.
    validated: Validated,
    /// For the check of a mutable view: which bytes hold values and which
    /// hold strings (see [`Claims`]).
    claimed: Option<Claims>,
    /// The bytes of the record being checked (`start..end`), which a
    /// pointer or a span of an explicit layout ([`BarePtr`], [`BareSpan`])
    /// inside it must not point into: a record overlapping its parent.
    ///
    /// [`BarePtr`]: crate::layout::BarePtr
    /// [`BareSpan`]: crate::layout::BareSpan
    record: (usize, usize),
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
            validated: Validated::default(),
            record: (0, 0),
            claimed: None,
        }
    }

    /// A check for a mutable view ([`view_mut`]): everything
    /// [`check_full`] checks, and that no two values (the root, list items,
    /// map entries, pointer targets) share a byte and that no string shares
    /// a byte with a value, so that setting a scalar cannot change another
    /// value's tag, length or offset, nor a string. Strings may share bytes
    /// with each other (interning writes them so); they cannot be changed
    /// through a mutable view. Costs two bits of memory per image byte.
    ///
    /// [`view_mut`]: crate::layout::view_mut
    /// [`check_full`]: crate::layout::check_full
    pub fn exclusive(len: usize, limits: Limits) -> Self {
        let words = len / 64 + 1;
        Check {
            claimed: Some(Claims {
                values: alloc::vec![0; words],
                strings: alloc::vec![0; words],
            }),
            ..Check::new(len, limits, true)
        }
    }

    /// In a check for a mutable view, takes the `size` bytes at `at` (in
    /// bounds) for one value's inline part: an error if another value or a
    /// string has any of them.
    #[inline]
    pub fn claim(&mut self, at: usize, size: usize) -> Result<(), Error> {
        match &mut self.claimed {
            None => Ok(()),
            Some(c) => mark(&mut c.values, &c.strings, at, size, true),
        }
    }

    /// In a check for a mutable view, takes the `size` bytes at `at` (in
    /// bounds) for an out-of-line string: an error if a value has any of
    /// them; other strings may.
    #[inline]
    fn claim_string(&mut self, at: usize, size: usize) -> Result<(), Error> {
        match &mut self.claimed {
            None => Ok(()),
            Some(c) => mark(&mut c.strings, &c.values, at, size, false),
        }
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
    ///
    /// An `out_of_line` string's bytes are claimed for strings in a check
    /// for a mutable view ([`Check::exclusive`]), once per start like the
    /// validation, so the claims cost no more than the validation.
    pub(crate) fn check_utf8(
        &mut self,
        buf: &[u8],
        start: usize,
        len: usize,
        at: usize,
        out_of_line: bool,
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
            if out_of_line {
                self.claim_string(start, len)?;
            }
            return crate::utf8::to_str(bytes).map(|_| ()).map_err(invalid);
        }
        let done = self.validated.get(start);
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
        if out_of_line {
            self.claim_string(start + done, len - done)?;
        }
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

/// The long strings a check has validated: start position to validated
/// length.
///
/// A check meets the strings of an image [`to_layout`] wrote in the order
/// they lie in the image, so their starts mostly come in ascending order:
/// those go to the end of a sorted `Vec` (O(1), and a start past the last
/// one was never seen, so finding it costs one compare); only a start that
/// comes out of order (an interned string met again, a hostile image) goes
/// to the map.
///
/// [`to_layout`]: crate::layout::to_layout
#[derive(Debug, Default)]
struct Validated {
    /// Starts in ascending order, each with its validated length.
    ascending: Vec<(usize, usize)>,
    /// Starts that came after a larger one.
    others: BTreeMap<usize, usize>,
}

impl Validated {
    /// The validated length of the string at `start` (0 if none).
    #[inline]
    fn get(&self, start: usize) -> usize {
        let past_last = self.ascending.last().is_none_or(|&(last, _)| start > last);
        if past_last && self.others.is_empty() {
            return 0;
        }
        let sorted = if past_last {
            None
        } else {
            self.ascending
                .binary_search_by_key(&start, |&(s, _)| s)
                .ok()
                .map(|i| self.ascending[i].1)
        };
        sorted
            .or_else(|| self.others.get(&start).copied())
            .unwrap_or(0)
    }

    /// Records that `len` bytes from `start` are UTF-8 (more than
    /// [`get`](Self::get) gave for it).
    #[inline]
    fn insert(&mut self, start: usize, len: usize) {
        match self.ascending.last() {
            Some(&(last, _)) if start <= last => {
                match self.ascending.binary_search_by_key(&start, |&(s, _)| s) {
                    Ok(i) => self.ascending[i].1 = len,
                    Err(_) => {
                        self.others.insert(start, len);
                    }
                }
            }
            _ => self.ascending.push((start, len)),
        }
    }
}

/// The bytes of an image taken so far by a check for a mutable view: one bit
/// per image byte in each map.
#[derive(Debug)]
struct Claims {
    /// Bytes of values' inline parts: each may be taken once.
    values: Vec<u64>,
    /// Bytes of out-of-line strings: shared among strings, never with values.
    strings: Vec<u64>,
}

/// Sets the bits of `at..at + size` in `set`, failing if `against` has any
/// of them, or, with `exclusive`, if `set` has. Linear in `size`; the range
/// lies inside the image (the caller checked it), and bits beyond the maps
/// are never reached.
fn mark(
    set: &mut [u64],
    against: &[u64],
    at: usize,
    size: usize,
    exclusive: bool,
) -> Result<(), Error> {
    let end = at.saturating_add(size);
    let mut i = at;
    while i < end {
        let (word, lo) = (i / 64, i % 64);
        let n = (end - i).min(64 - lo);
        let mask = if n == 64 { !0 } else { ((1u64 << n) - 1) << lo };
        let (Some(w), Some(&other)) = (set.get_mut(word), against.get(word)) else {
            break;
        };
        let taken = (other | if exclusive { *w } else { 0 }) & mask;
        if taken != 0 {
            return Err(Error::InvalidLayout {
                offset: word * 64 + taken.trailing_zeros() as usize,
                reason: "two values of the image, or a value and a string, share bytes (not allowed in a mutable view)",
            });
        }
        *w |= mask;
        i += n;
    }
    Ok(())
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
