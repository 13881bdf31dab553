//! Memory diagnostics for ordinary code: a packet-processing loop written the
//! obvious way, what the tracking allocator says about it (bytes and
//! allocations per 100 packets, and advice), the loop after following the
//! advice, and the second report.
//!
//! Run with `cargo run -p barewire-examples --example packets_diagnostics`;
//! `cargo test -p barewire-examples --example packets_diagnostics` checks
//! that the second loop allocates less.

use std::collections::HashMap;
use std::fmt::Write as _;

use barewire::Bare;
use barewire_pool::diag::global::{self, ScopeSummary, TrackingAllocator};

// Counts every allocation of the program; outside `measure` scopes it costs
// one relaxed load per allocation.
#[global_allocator]
static ALLOC: TrackingAllocator = TrackingAllocator::system();

/// A packet as it is sent.
#[derive(Bare)]
struct Packet {
    id: u64,
    source: String,
    payload: Vec<u8>,
}

/// The same packet, decoded borrowed: `source` and `payload` point into the
/// received bytes.
#[derive(Bare)]
struct PacketRef<'a> {
    id: u64,
    source: &'a str,
    payload: &'a [u8],
}

fn frames(n: u64) -> Vec<Vec<u8>> {
    (0..n)
        .map(|id| {
            barewire::to_vec(&Packet {
                id,
                source: format!("sensor-{}", id % 8),
                payload: (0..64).map(|i| (i as u64 * 7 + id) as u8).collect(),
            })
        })
        .collect()
}

/// The obvious way: decode to owned values, collect the words into a new
/// `Vec`, format the key into a new `String`.
fn process_obvious(frame: &[u8], totals: &mut HashMap<String, u64>) -> u64 {
    let packet: Packet = barewire::from_slice(frame).expect("a valid packet");
    let mut words = Vec::new();
    for chunk in packet.payload.chunks_exact(4) {
        words.push(u32::from_le_bytes([chunk[0], chunk[1], chunk[2], chunk[3]]));
    }
    let checksum = words
        .iter()
        .fold(0u64, |sum, &w| sum.wrapping_add(u64::from(w)));
    let key = format!("{}/{}", packet.source, packet.id % 4);
    *totals.entry(key).or_default() += checksum;
    checksum
}

/// Buffers the loop keeps from one packet to the next (the "preallocate"
/// advice: made once, with a capacity, and cleared).
struct Scratch {
    words: Vec<u32>,
    key: String,
}

/// After the advice: a borrowed decode (no copy of `source` or `payload`),
/// and buffers reused with their capacity.
fn process_advised(frame: &[u8], scratch: &mut Scratch, totals: &mut HashMap<String, u64>) -> u64 {
    let packet: PacketRef<'_> = barewire::from_slice(frame).expect("a valid packet");
    scratch.words.clear();
    scratch.words.extend(
        packet
            .payload
            .chunks_exact(4)
            .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]])),
    );
    let checksum = scratch
        .words
        .iter()
        .fold(0u64, |sum, &w| sum.wrapping_add(u64::from(w)));
    scratch.key.clear();
    let _ = write!(scratch.key, "{}/{}", packet.source, packet.id % 4);
    match totals.get_mut(scratch.key.as_str()) {
        Some(total) => *total += checksum,
        None => {
            totals.insert(scratch.key.clone(), checksum);
        }
    }
    checksum
}

/// Runs both loops over the same packets and returns their scope summaries
/// (obvious, advised), checking that they compute the same thing.
fn run(packets: u64) -> (ScopeSummary, ScopeSummary) {
    let frames = frames(packets);

    // Sampled backtraces name the sites `#[track_caller]` does not reach
    // (here: barewire's decode). One allocation in 10 is enough to see them.
    global::sample_backtraces(10);
    let mut totals = HashMap::new();
    let mut first = 0u64;
    for frame in &frames {
        first = first.wrapping_add(global::measure("process_packet", || {
            process_obvious(frame, &mut totals)
        }));
    }
    global::sample_backtraces(0);

    let mut scratch = Scratch {
        words: Vec::with_capacity(16),
        key: String::with_capacity(32),
    };
    let mut advised_totals = HashMap::new();
    let mut second = 0u64;
    for frame in &frames {
        second = second.wrapping_add(global::measure("process_packet_advised", || {
            process_advised(frame, &mut scratch, &mut advised_totals)
        }));
    }
    assert_eq!(first, second);
    assert_eq!(totals, advised_totals);

    let report = global::report();
    (
        report.scope("process_packet").expect("measured").clone(),
        report
            .scope("process_packet_advised")
            .expect("measured")
            .clone(),
    )
}

fn main() {
    let (obvious, advised) = run(1_000);
    println!("== the obvious loop ==\n{obvious}");
    println!("== after the advice ==\n{advised}");
    println!(
        "per 100 packets: allocations {} before, {} after; bytes {} before, {} after",
        obvious.allocations_per_100(),
        advised.allocations_per_100(),
        obvious.bytes_per_100(),
        advised.bytes_per_100(),
    );
    assert!(advised.allocations < obvious.allocations / 10);
    assert!(advised.advice().is_empty(), "{advised}");
}

#[cfg(test)]
mod tests {
    use super::*;
    use barewire_pool::diag::global::Advice;

    #[test]
    fn the_advised_loop_allocates_less_and_gets_no_advice() {
        let (obvious, advised) = run(200);
        // Decode (String + Vec), the growing words Vec and the key: at least
        // 4 allocations per packet.
        assert!(obvious.allocations_per_100() >= 400, "{obvious}");
        // After the advice only the first packets of each key allocate
        // (the map keeps one String per key: 8 sources x 4 = 32 keys at most).
        assert!(advised.allocations <= 32, "{advised}");
        assert!(advised.bytes_per_100() < obvious.bytes_per_100() / 10);

        let advice = obvious.advice();
        assert!(
            advice
                .iter()
                .any(|a| matches!(a, Advice::Preallocate { .. })),
            "{obvious}"
        );
        assert!(
            advice
                .iter()
                .any(|a| matches!(a, Advice::DecodeBorrowedOrIntoArena { .. })),
            "{obvious}"
        );
        assert!(
            advice
                .iter()
                .any(|a| matches!(a, Advice::ArenaRegion { .. })),
            "{obvious}"
        );
        assert!(advised.advice().is_empty(), "{advised}");
    }
}
