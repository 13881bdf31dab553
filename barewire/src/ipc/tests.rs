//! The protocol's checks against a peer that stores anything in the
//! shared words, on an anonymous mapping (so these run under Miri). The
//! test plays the peer through the region.

use core::sync::atomic::Ordering;
use std::time::Duration;

use crate::error::Error;
use crate::ipc::channel::{CLOSED, Channel, W_HEAD, W_RECEIVER, W_SENDER, W_TAIL};
use crate::ipc::receiver::Receiver;
use crate::ipc::ring::WRAP;
use crate::ipc::sender::Sender;
use crate::ipc::shared::SharedRegion;
use crate::mmap::fingerprint;

const CAP: usize = 512;

fn receiver() -> Receiver<u64> {
    Receiver::attach(Channel::anonymous(CAP, fingerprint::<u64>(), W_RECEIVER))
}

fn sender() -> Sender<u64> {
    Sender::attach(Channel::anonymous(CAP, fingerprint::<u64>(), W_SENDER))
}

/// Writes `value` at ring offset `at`, as the peer.
fn put(region: &SharedRegion, at: usize, value: u64) {
    // SAFETY: 1. no reference into the ring exists in this process (no
    // message or reservation is alive when the tests call this); 2. the
    // mapping is anonymous: no other process has it.
    unsafe { region.bytes_mut(at, 8) }.copy_from_slice(&value.to_le_bytes());
}

/// Positions a peer might store: aligned and not, near the ring's size,
/// near the ends of `u64`.
const POSITIONS: [u64; 14] = [
    0,
    1,
    8,
    63,
    64,
    192,
    448,
    511,
    512,
    576,
    1 << 40,
    1 << 63,
    u64::MAX - 63,
    u64::MAX,
];

/// Length words: small, at the record and message bounds, the wrap
/// marker and values next to it.
const LENGTHS: [u64; 10] = [0, 1, 64, 65, 191, 192, 193, 256, WRAP - 1, WRAP];

#[test]
fn garbage_positions_and_lengths_are_errors_or_messages_inside_the_ring() {
    let mut rx = receiver();
    let max = rx.channel.max_message();
    let (mut messages, mut errors) = (0, 0);
    for &tail in &POSITIONS {
        for &head in &POSITIONS {
            for &len in &LENGTHS {
                // The length word where the receiver looks, and at the
                // ring's start (where a wrap marker sends it).
                let region = &rx.channel.region;
                put(region, (tail % CAP as u64 / 64 * 64) as usize, len);
                put(region, 0, len.min(192));
                region.word(W_HEAD).store(head, Ordering::Release);
                rx.tail = tail;
                rx.head_seen = tail;
                match rx.try_recv() {
                    Ok(Some(message)) => {
                        messages += 1;
                        assert!(message.len() as u64 <= max);
                        let end = message.at + message.len;
                        assert!(end <= CAP, "message past the ring");
                        assert_eq!(message.bytes().len(), message.len());
                        assert_eq!(message.bytes(), &message.to_buf()[..]);
                    }
                    Ok(None) => assert_eq!(head, tail),
                    Err(Error::ChannelCorrupt { .. }) => errors += 1,
                    Err(e) => panic!("unexpected error {e}"),
                }
            }
        }
    }
    // Both outcomes occur: the values reach past the first checks.
    assert!(messages > 0 && errors > 0, "{messages} {errors}");
}

#[test]
fn a_closed_sender_with_garbage_head_is_an_error_not_a_hang() {
    let mut rx = receiver();
    let region = &rx.channel.region;
    region.word(W_SENDER).store(CLOSED, Ordering::Release);
    region.word(W_HEAD).store(12345, Ordering::Release);
    assert!(matches!(
        rx.recv_timeout(Duration::from_millis(5)),
        Err(Error::ChannelCorrupt { .. })
    ));
    // A sender state word that is no state: treated as attached.
    let region = &rx.channel.region;
    region.word(W_SENDER).store(u64::MAX, Ordering::Release);
    region.word(W_HEAD).store(rx.tail, Ordering::Release);
    assert!(rx.recv_timeout(Duration::from_millis(5)).unwrap().is_none());
}

#[test]
fn timeouts_too_long_for_an_instant_do_not_panic() {
    let mut rx = receiver();
    let region = &rx.channel.region;
    put(region, 0, 8);
    region.word(W_HEAD).store(128, Ordering::Release);
    let message = rx.recv_timeout(Duration::MAX).unwrap().unwrap();
    assert_eq!(message.len(), 8);
    drop(message);

    let mut tx = sender();
    let reservation = tx.reserve_timeout(8, Duration::MAX).unwrap().unwrap();
    reservation.commit();
    assert_eq!(tx.head, 128);
}

#[test]
fn garbage_receiver_positions_are_errors_or_room_inside_the_ring() {
    let mut tx = sender();
    let max = tx.max_message();
    let (mut reserved, mut errors) = (0, 0);
    for &head in &POSITIONS {
        for &tail in &POSITIONS {
            for len in [0, 1, 64, max] {
                tx.head = head;
                let region = &tx.channel.region;
                region.word(W_TAIL).store(tail, Ordering::Release);
                match tx.try_reserve(len) {
                    Ok(Some(mut reservation)) => {
                        reserved += 1;
                        assert!(reservation.image + len <= CAP);
                        assert_eq!(reservation.image % 64, 0);
                        assert!(reservation.advance <= CAP as u64);
                        if let Some(at) = reservation.wrap_at {
                            assert!(at + 8 <= CAP);
                        }
                        reservation.bytes_mut().fill(0x5a);
                        reservation.commit();
                    }
                    Ok(None) => {}
                    Err(Error::ChannelCorrupt { .. }) => errors += 1,
                    Err(e) => panic!("unexpected error {e}"),
                }
            }
        }
    }
    assert!(reserved > 0 && errors > 0, "{reserved} {errors}");
    // Too large is its own error, whatever the positions.
    assert!(matches!(
        tx.try_reserve(max + 1),
        Err(Error::MessageTooLarge { .. })
    ));
    // A receiver that has gone.
    let region = &tx.channel.region;
    region.word(W_RECEIVER).store(CLOSED, Ordering::Release);
    assert!(matches!(tx.try_reserve(8), Err(Error::ChannelClosed)));
}

#[test]
fn a_record_written_by_the_peer_is_received_and_released() {
    let mut rx = receiver();
    let image = crate::layout::to_layout(&0x0102_0304_0506_0708u64);
    let region = &rx.channel.region;
    put(region, 0, image.len() as u64);
    put(
        region,
        64,
        u64::from_le_bytes(image[..8].try_into().unwrap()),
    );
    region.word(W_HEAD).store(128, Ordering::Release);
    {
        let message = rx.try_recv().unwrap().unwrap();
        assert_eq!(message.view().unwrap(), 0x0102_0304_0506_0708);
        assert_eq!(message.to_owned().unwrap(), 0x0102_0304_0506_0708);
    }
    assert_eq!(rx.channel.region.word(W_TAIL).load(Ordering::Acquire), 128);
    assert!(rx.try_recv().unwrap().is_none());
}

/// A pid of a process that has exited and been reaped (not under Miri:
/// the tests that call it are ignored there).
fn dead_pid() -> u64 {
    let mut child = std::process::Command::new("true").spawn().unwrap();
    let pid = u64::from(child.id());
    child.wait().unwrap();
    pid
}

#[test]
#[cfg_attr(miri, ignore = "processes")]
fn a_dead_sender_ends_waits_after_its_last_message() {
    use crate::ipc::channel::W_SENDER_PID;
    let mut rx = receiver();
    let region = &rx.channel.region;
    put(region, 0, 8);
    region.word(W_HEAD).store(128, Ordering::Release);
    region
        .word(W_SENDER_PID)
        .store(dead_pid(), Ordering::Release);
    let start = std::time::Instant::now();
    // What it committed is handed out; then the channel is closed.
    assert_eq!(rx.recv().unwrap().len(), 8);
    assert!(matches!(
        rx.recv_timeout(Duration::from_secs(10)),
        Err(Error::ChannelClosed)
    ));
    assert!(matches!(rx.recv(), Err(Error::ChannelClosed)));
    assert!(start.elapsed() < Duration::from_secs(2));
    // The non-blocking call makes no system call: it does not know.
    assert!(rx.try_recv().unwrap().is_none());
}

#[test]
#[cfg_attr(miri, ignore = "processes")]
fn a_dead_receiver_fails_a_waiting_reserve() {
    use crate::ipc::channel::W_RECEIVER_PID;
    let mut tx = sender();
    let region = &tx.channel.region;
    region
        .word(W_RECEIVER_PID)
        .store(dead_pid(), Ordering::Release);
    // Room: the reservation succeeds without waiting.
    tx.reserve(8).unwrap().commit();
    while tx.try_reserve(8).unwrap().is_some_and(|r| {
        r.commit();
        true
    }) {}
    assert!(matches!(tx.reserve(8), Err(Error::ChannelClosed)));
}

/// Releases are published in batches while a backlog is received: after
/// a quarter of the ring, and at once when the receiver has caught up.
#[test]
fn releases_are_published_in_batches_and_when_caught_up() {
    const BIG: usize = 4096;
    let mut rx = Receiver::<u64>::attach(Channel::anonymous(BIG, fingerprint::<u64>(), W_RECEIVER));
    for i in 0..10 {
        put(&rx.channel.region, i * 128, 8);
    }
    rx.channel
        .region
        .word(W_HEAD)
        .store(1280, Ordering::Release);
    let tail = |rx: &Receiver<u64>| rx.channel.region.word(W_TAIL).load(Ordering::Acquire);
    for i in 1..=10u64 {
        drop(rx.try_recv().unwrap().unwrap());
        let expected = match i {
            1..=7 => 0,
            8 | 9 => 1024,
            _ => 1280,
        };
        assert_eq!(tail(&rx), expected, "after message {i}");
    }
    assert!(rx.try_recv().unwrap().is_none());
}
