//! The ring's arithmetic: where a record goes and where the next one is, as
//! pure functions of positions, lengths and the capacity, so that they can
//! be tested (and property-tested) without a mapping.
//!
//! Positions (`head`, `tail`) are byte counts that only grow and wrap at
//! `u64::MAX`; a position's ring offset is `position % capacity`. A record is
//! a 64-byte header whose first 8 bytes are the image's length, then the
//! image padded to 64. A record never straddles the ring's end: one that
//! would is placed at the ring's start, and the rest of the ring is skipped
//! behind a [`WRAP`] marker.
//!
//! The capacity is trusted here (a multiple of 64, at least
//! [`MIN_CAPACITY`]: the channel checks it when it is made); every other
//! input may come from the peer and is checked before it is used as an
//! offset or a length.

use crate::error::Error;

/// Record header size: the length word, padded so the image is 64-aligned.
pub(super) const RECORD_HEADER: usize = 64;
/// The length word of a wrap marker.
pub(super) const WRAP: u64 = u64::MAX;
/// The smallest ring.
pub(super) const MIN_CAPACITY: usize = 256;

/// `n` rounded up to a multiple of 64, `None` on overflow.
pub(super) fn round64(n: u64) -> Option<u64> {
    n.checked_next_multiple_of(64)
}

/// A ring offset or length as `usize`. Values checked to be at most the
/// capacity always fit (the ring is mapped); an error rather than a
/// truncating cast all the same.
pub(super) fn ring_offset(n: u64) -> Result<usize, Error> {
    usize::try_from(n).map_err(|_| outside_address_space())
}

fn outside_address_space() -> Error {
    Error::ChannelCorrupt {
        reason: "ring offset outside the address space",
    }
}

/// The largest image one message may hold in a ring of `capacity` bytes: at
/// most half the ring, so `RECORD_HEADER + round64(len)` never exceeds the
/// capacity, and a record fits once the ring drains, wherever the
/// positions are.
pub(super) fn max_message(capacity: u64) -> u64 {
    capacity / 2 - RECORD_HEADER as u64
}

/// The size of the record of an image of `len` bytes (header and padding
/// included); [`Error::MessageTooLarge`] above [`max_message`].
pub(super) fn record_len(len: usize, capacity: u64) -> Result<u64, Error> {
    let max = max_message(capacity);
    let too_large = Error::MessageTooLarge {
        size: len as u64,
        max,
    };
    if len as u64 > max {
        return Err(too_large);
    }
    // `len <= max <= capacity / 2 - 64`, so neither step fails; checked all
    // the same, as every size on the way to `bytes_mut`.
    round64(len as u64)
        .and_then(|n| n.checked_add(RECORD_HEADER as u64))
        .ok_or(too_large)
}

/// Where [`place`] found room for a record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Place {
    /// Ring offset of the record (its length word).
    pub(super) record: usize,
    /// Ring offset of the image: `record + 64`.
    pub(super) image: usize,
    /// Bytes `head` advances by on commit (the skipped end of the ring
    /// included).
    pub(super) advance: u64,
    /// Where to write a wrap marker, if the record wraps.
    pub(super) wrap_at: Option<usize>,
}

/// Where a record of `record` bytes (from [`record_len`]) goes in a ring of
/// `capacity` bytes whose sender is at `head` and receiver at `tail` (a
/// value the peer stored: anything); `None` if the ring is too full now.
///
/// On `Some`, the record `place.record .. place.record + record` lies
/// inside the ring, 64-aligned, and so does the wrap marker's word; all of
/// it, and the skipped end of the ring, is free space (`advance <= capacity
/// - (head - tail)`).
pub(super) fn place(
    head: u64,
    tail: u64,
    capacity: u64,
    record: u64,
) -> Result<Option<Place>, Error> {
    // Positions are free-running counters that wrap, so `head - tail` is
    // the data in flight; it must be at most the capacity.
    let used = head.wrapping_sub(tail);
    if used > capacity {
        return Err(Error::ChannelCorrupt {
            reason: "the receiver's position is ahead of the sender's or too far behind",
        });
    }
    if head % RECORD_HEADER as u64 != 0 {
        // Records start on 64-byte boundaries: a `head` elsewhere (the
        // shared word is read at attach) would put a wrap marker past the
        // ring.
        return Err(Error::ChannelCorrupt {
            reason: "the sender's position is not at a record boundary",
        });
    }
    // `used <= capacity` (checked above); `offset < capacity` and a
    // multiple of 64 (`head` and `capacity` are), so `contiguous >= 64`.
    let free = capacity - used;
    let offset = head % capacity;
    let contiguous = capacity - offset;
    // Ring offsets below `capacity` fit `usize`: the ring is mapped.
    let at = ring_offset(offset)?;
    let (record_at, advance, wrap_at) = if record <= contiguous {
        (at, record, None)
    } else {
        // The record goes to the ring's start; the rest of the ring is
        // skipped behind a wrap marker at `at`. `record <= capacity / 2`
        // and `contiguous <= capacity`, so the sum does not overflow.
        let Some(advance) = contiguous.checked_add(record) else {
            return Ok(None);
        };
        (0, advance, Some(at))
    };
    if free < advance {
        return Ok(None);
    }
    // `record_at + record <= capacity`, so the image is in the ring.
    let image = record_at
        .checked_add(RECORD_HEADER)
        .ok_or_else(outside_address_space)?;
    Ok(Some(Place {
        record: record_at,
        image,
        advance,
        wrap_at,
    }))
}

/// The next committed record, found by [`next_record`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Found {
    /// Ring offset of the image, 64-aligned.
    pub(super) at: usize,
    /// The image's length: `at + len <= capacity`.
    pub(super) len: usize,
    /// The receiver's position after this record.
    pub(super) next: u64,
}

/// The record at the receiver's position `tail` in a ring of `capacity`
/// bytes with committed data up to the sender's position `head` (`head !=
/// tail`; both values the peer may have stored: anything), reading length
/// words with `read_len(ring offset)` (any value: the peer writes them).
///
/// On `Ok`, the image `at .. at + len` lies inside the ring and inside the
/// committed data, and `next` is at most `head`; anything else is
/// [`Error::ChannelCorrupt`].
pub(super) fn next_record(
    tail: u64,
    head: u64,
    capacity: u64,
    read_len: impl Fn(usize) -> u64,
) -> Result<Found, Error> {
    let corrupt = |reason| Err(Error::ChannelCorrupt { reason });
    // Positions are free-running counters that wrap: `head - tail` is the
    // committed data, at most the capacity.
    let used = head.wrapping_sub(tail);
    if used > capacity {
        return corrupt(
            "the sender's position is behind the receiver's or more than the capacity ahead",
        );
    }
    // Records start on 64-byte boundaries; a `tail` elsewhere (the shared
    // word is read at attach) would put the length word past the ring.
    if tail % RECORD_HEADER as u64 != 0 {
        return corrupt("the receiver's position is not at a record boundary");
    }
    // `offset < capacity` and a multiple of 64 (so are `tail` and
    // `capacity`): the 8-byte length word at `offset` is inside the ring.
    let mut position = tail;
    let mut offset = position % capacity;
    let mut len = read_len(ring_offset(offset)?);
    if len == WRAP {
        // The rest of the ring is skipped; the record is at its start.
        let skip = capacity - offset;
        let needed = skip.checked_add(RECORD_HEADER as u64);
        if needed.is_none_or(|needed| used < needed) {
            return corrupt("wrap marker without a committed record after it");
        }
        position = position.wrapping_add(skip);
        offset = 0;
        len = read_len(0);
    }
    if len > max_message(capacity) {
        return corrupt("message length word exceeds the largest message");
    }
    // `len <= capacity / 2 - 64`: no step below overflows; checked anyway,
    // as every size on the way to `bytes`.
    let Some(record) = round64(len).and_then(|n| n.checked_add(RECORD_HEADER as u64)) else {
        return corrupt("message length word exceeds the largest message");
    };
    let committed = head.wrapping_sub(position);
    let end = offset.checked_add(record);
    if record > committed || end.is_none_or(|end| end > capacity) {
        return corrupt("message runs past the committed data or the ring's end");
    }
    // `offset + 64 + len <= offset + record <= capacity`: the image is
    // inside the ring, and below `head`: committed.
    let at = ring_offset(offset)?
        .checked_add(RECORD_HEADER)
        .ok_or_else(outside_address_space)?;
    Ok(Found {
        at,
        len: ring_offset(len)?,
        next: position.wrapping_add(record),
    })
}

#[cfg(test)]
mod tests {
    //! Properties of the arithmetic, against a model of the ring's length
    //! words (no mapping: these run under Miri, with few cases).

    use std::collections::HashMap;

    use proptest::prelude::*;

    use crate::error::Error;
    use crate::ipc::ring::{
        Found, MIN_CAPACITY, Place, RECORD_HEADER, WRAP, max_message, next_record, place,
        record_len,
    };

    const CASES: u32 = if cfg!(miri) { 2 } else { 256 };

    /// A capacity the channel accepts: a multiple of 64, at least the
    /// minimum, small enough that wraps are frequent.
    fn capacity() -> impl Strategy<Value = u64> {
        (MIN_CAPACITY as u64 / 64..=64).prop_map(|n| n * 64)
    }

    /// A record-aligned position anywhere in `u64`, the ends included, so
    /// that positions wrap at `u64::MAX` as well as at the ring's end.
    fn position() -> impl Strategy<Value = u64> {
        prop_oneof![
            any::<u64>().prop_map(|p| p / 64 * 64),
            (0u64..1024).prop_map(|p| (u64::MAX - p) / 64 * 64),
            (0u64..1024).prop_map(|p| p * 64),
        ]
    }

    /// A capacity and a start position for a run of records. Any position
    /// for a power-of-two capacity; for another capacity, one that stays far
    /// from `u64::MAX`: `position % capacity` jumps where a position wraps
    /// at `u64::MAX` unless the capacity divides 2^64, so a record placed
    /// across that point can land on unreleased records (found by this
    /// test; unreachable in practice, since positions start at 0 and count
    /// bytes sent, 2^64 of them).
    fn run_start() -> impl Strategy<Value = (u64, u64)> {
        prop_oneof![
            ((8u32..=12).prop_map(|shift| 1u64 << shift), position()),
            (capacity(), (0u64..1 << 40).prop_map(|p| p * 64)),
        ]
    }

    /// Any `u64`, often near a boundary.
    fn garbage() -> impl Strategy<Value = u64> {
        prop_oneof![
            any::<u64>(),
            0u64..4096,
            (0u64..4096).prop_map(|n| u64::MAX - n),
        ]
    }

    /// The length words a sender has written, by ring offset.
    #[derive(Default)]
    struct Words(HashMap<usize, u64>);

    impl Words {
        fn read(&self, at: usize) -> u64 {
            self.0.get(&at).copied().unwrap_or(0)
        }
    }

    /// What a sender does with a place: the wrap marker, then the length.
    fn write(words: &mut Words, place: Place, len: usize) {
        if let Some(at) = place.wrap_at {
            words.0.insert(at, WRAP);
        }
        words.0.insert(place.record, len as u64);
    }

    /// The checks every place must pass: the record (and the marker) inside
    /// the ring, 64-aligned, within the free space.
    fn check_place(place: Place, head: u64, tail: u64, capacity: u64, len: usize) {
        let record = record_len(len, capacity).unwrap();
        let cap = capacity as usize;
        assert_eq!(place.record % 64, 0);
        assert_eq!(place.image, place.record + RECORD_HEADER);
        assert!(
            place.record as u64 + record <= capacity,
            "record past the ring's end"
        );
        assert!(place.image + len <= cap);
        assert!(
            place.advance <= capacity - head.wrapping_sub(tail),
            "more than the free space"
        );
        let offset = (head % capacity) as usize;
        match place.wrap_at {
            None => {
                assert_eq!(place.record, offset);
                assert_eq!(place.advance, record);
            }
            Some(at) => {
                assert_eq!(at, offset);
                assert!(at + 8 <= cap);
                assert_eq!(place.record, 0);
                assert!(
                    record > capacity - offset as u64,
                    "wrapped a record that fitted"
                );
                assert_eq!(place.advance, capacity - offset as u64 + record);
            }
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(CASES))]

        /// Messages sent with `place` and received with `next_record`
        /// arrive whole and in order, whatever the positions and sizes: the
        /// model plays both ends, the receiver draining as late as it can.
        #[test]
        fn sent_records_are_received_in_order(
            (capacity, start) in run_start(),
            lens in proptest::collection::vec(0usize..4096, 1..40),
        ) {
            let mut words = Words::default();
            let (mut head, mut tail) = (start, start);
            let mut in_flight = std::collections::VecDeque::new();
            let max = max_message(capacity) as usize;
            for len in lens {
                let len = len % (max + 1);
                let record = record_len(len, capacity).unwrap();
                let place = loop {
                    match place(head, tail, capacity, record).unwrap() {
                        Some(place) => break place,
                        None => {
                            // Full: receive one and try again. An empty
                            // ring always has room for a largest message.
                            prop_assert!(head != tail, "no room in an empty ring");
                            let found = next_record(tail, head, capacity, |at| words.read(at)).unwrap();
                            prop_assert_eq!(Some(found.len), in_flight.pop_front());
                            tail = found.next;
                        }
                    }
                };
                check_place(place, head, tail, capacity, len);
                write(&mut words, place, len);
                head = head.wrapping_add(place.advance);
                in_flight.push_back(len);
                prop_assert!(head.wrapping_sub(tail) <= capacity);
            }
            while head != tail {
                let found = next_record(tail, head, capacity, |at| words.read(at)).unwrap();
                let Found { at, len, next } = found;
                prop_assert_eq!(at % 64, 0);
                prop_assert!(at + len <= capacity as usize, "image past the ring's end");
                prop_assert!(next.wrapping_sub(tail) <= head.wrapping_sub(tail), "read past head");
                prop_assert_eq!(Some(len), in_flight.pop_front());
                tail = next;
            }
            prop_assert!(in_flight.is_empty());
        }

        /// An empty ring has room for the largest message, wherever the
        /// positions are (so a large message waits for the receiver, never
        /// for ever).
        #[test]
        fn an_empty_ring_fits_the_largest_message(capacity in capacity(), at in position()) {
            let len = max_message(capacity) as usize;
            let record = record_len(len, capacity).unwrap();
            let found = place(at, at, capacity, record).unwrap();
            prop_assert!(found.is_some());
            check_place(found.unwrap(), at, at, capacity, len);
            let too_large = record_len(len + 1, capacity);
            prop_assert!(
                matches!(too_large, Err(Error::MessageTooLarge { .. })),
                "{:?}",
                too_large
            );
        }

        /// Garbage positions from the peer are errors or places inside the
        /// ring, never a panic.
        #[test]
        fn garbage_positions_give_places_inside_the_ring_or_errors(
            capacity in capacity(),
            head in garbage(),
            tail in garbage(),
            len in 0usize..4096,
        ) {
            let len = len % (max_message(capacity) as usize + 1);
            let record = record_len(len, capacity).unwrap();
            match place(head, tail, capacity, record) {
                Ok(Some(found)) => check_place(found, head, tail, capacity, len),
                Ok(None) => prop_assert!(head.wrapping_sub(tail) <= capacity),
                Err(Error::ChannelCorrupt { .. }) => {
                    prop_assert!(head.wrapping_sub(tail) > capacity || head % 64 != 0);
                }
                Err(e) => prop_assert!(false, "unexpected error {}", e),
            }
        }

        /// Garbage positions and length words from the peer are errors or
        /// records inside the ring and the committed data, never a panic.
        #[test]
        fn garbage_positions_and_lengths_give_records_inside_the_ring_or_errors(
            capacity in capacity(),
            tail in garbage(),
            head in garbage(),
            first in garbage(),
            at_start in garbage(),
        ) {
            let read = |at: usize| if at == 0 { at_start } else { first };
            match next_record(tail, head, capacity, read) {
                Ok(Found { at, len, next }) => {
                    prop_assert_eq!(at % 64, 0);
                    prop_assert!(at + len <= capacity as usize, "image past the ring's end");
                    prop_assert!(len as u64 <= max_message(capacity));
                    prop_assert!(next.wrapping_sub(tail) <= head.wrapping_sub(tail), "read past head");
                    prop_assert!(next.wrapping_sub(tail) <= capacity);
                }
                Err(Error::ChannelCorrupt { .. }) => {}
                Err(e) => prop_assert!(false, "unexpected error {}", e),
            }
        }
    }

    #[test]
    fn positions_that_are_not_record_boundaries_are_errors() {
        let capacity = MIN_CAPACITY as u64;
        let record = record_len(8, capacity).unwrap();
        assert!(matches!(
            place(65, 1, capacity, record),
            Err(Error::ChannelCorrupt { .. })
        ));
        assert!(matches!(
            next_record(1, 129, capacity, |_| 8),
            Err(Error::ChannelCorrupt { .. })
        ));
    }

    #[test]
    fn a_wrap_marker_sends_the_receiver_to_the_ring_start() {
        // 256-byte ring, positions at 192: 64 bytes to the end, a 128-byte
        // record does not fit there.
        let capacity = 256;
        let record = record_len(8, capacity).unwrap();
        let found = place(192, 192, capacity, record).unwrap().unwrap();
        assert_eq!(
            found,
            Place {
                record: 0,
                image: 64,
                advance: 64 + 128,
                wrap_at: Some(192),
            }
        );
        let read = |at| if at == 192 { WRAP } else { 8 };
        assert_eq!(
            next_record(192, 192 + 192, capacity, read).unwrap(),
            Found {
                at: 64,
                len: 8,
                next: 384,
            }
        );
        // A marker with nothing committed after it.
        assert!(matches!(
            next_record(192, 192 + 64, capacity, read),
            Err(Error::ChannelCorrupt { .. })
        ));
    }
}
