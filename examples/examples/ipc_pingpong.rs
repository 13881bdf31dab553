//! A producer process and a consumer process exchanging messages through
//! shared memory.
//!
//! ```text
//! cargo run -p barewire-examples --example ipc_pingpong [-- COUNT]
//! ```
//!
//! The producer creates two channels (ping and pong) in `/dev/shm`, spawns
//! this same program as the consumer, sends `COUNT` pings and waits for
//! each pong. The consumer views each ping in place (no decode, no copy)
//! and answers with a pong built in place in the ring.

use std::time::Instant;

use barewire::Bare;
use barewire::ipc::{Receiver, Sender, shm_path};

#[derive(Bare, Debug, Clone, PartialEq)]
struct Ping {
    seq: u64,
    text: String,
    samples: Vec<f64>,
}

/// Fixed size: built in place by the consumer.
#[derive(Bare, Debug, Clone, PartialEq)]
struct Pong {
    seq: u64,
    sum: f64,
    text_len: u32,
}

const ROLE: &str = "BAREWIRE_PINGPONG_CONSUMER";

fn main() -> Result<(), Box<dyn std::error::Error>> {
    if let Ok(base) = std::env::var(ROLE) {
        return consumer(&base);
    }
    let count: u64 = std::env::args()
        .nth(1)
        .map(|s| s.parse())
        .transpose()?
        .unwrap_or(10_000);
    let base = format!("barewire-pingpong-{}", std::process::id());
    // SAFETY: the channel contract: 1. these are new files named for this
    // process, which nobody truncates; 2. the only other process that opens
    // them is the consumer we spawn, which uses barewire's `Sender` and
    // `Receiver` (they follow the protocol).
    let mut pings =
        unsafe { Sender::<Ping>::create(shm_path(&format!("{base}.ping")), 64 * 1024) }?;
    // SAFETY: as above.
    let mut pongs =
        unsafe { Receiver::<Pong>::create(shm_path(&format!("{base}.pong")), 4 * 1024) }?;
    println!(
        "producer {}: channels in {}",
        std::process::id(),
        shm_path("").display()
    );

    let mut consumer = std::process::Command::new(std::env::current_exe()?)
        .env(ROLE, &base)
        .spawn()?;

    let start = Instant::now();
    for seq in 0..count {
        let ping = Ping {
            seq,
            text: format!("ping number {seq}"),
            samples: (0..8).map(|i| (seq + i) as f64).collect(),
        };
        pings.send(&ping)?;
        let message = pongs.recv()?;
        let pong = message.view()?;
        assert_eq!(pong.seq(), seq);
        assert_eq!(pong.sum(), ping.samples.iter().sum::<f64>());
        assert_eq!(pong.text_len() as usize, ping.text.len());
    }
    let elapsed = start.elapsed();
    drop(pings); // closes the channel: the consumer sees the end and exits
    let status = consumer.wait()?;
    println!(
        "producer: {count} ping-pongs in {:.1} ms ({:.2} us per round trip); consumer exited with {status}",
        elapsed.as_secs_f64() * 1e3,
        elapsed.as_secs_f64() * 1e6 / count as f64
    );
    Ok(())
}

fn consumer(base: &str) -> Result<(), Box<dyn std::error::Error>> {
    // SAFETY: the channel contract: 1. the producer that created these
    // files (our parent) never truncates them; 2. it and we are the only
    // processes that open them, both through barewire's `Sender` and
    // `Receiver`, which follow the protocol.
    let mut pings = unsafe { Receiver::<Ping>::open(shm_path(&format!("{base}.ping"))) }?;
    // SAFETY: as above.
    let mut pongs = unsafe { Sender::<Pong>::open(shm_path(&format!("{base}.pong"))) }?;
    let mut seen = 0u64;
    loop {
        let message = match pings.recv() {
            Ok(message) => message,
            Err(barewire::Error::ChannelClosed) => break,
            Err(e) => return Err(e.into()),
        };
        let ping = message.view()?; // checked, then read in place
        let sum: f64 = ping.samples().iter().sum();
        let mut reservation = pongs.reserve(<Pong as barewire::Layout>::SIZE)?;
        let bytes = reservation.bytes_mut();
        bytes.fill(0);
        let mut pong = barewire::view_mut::<Pong>(bytes)?;
        pong.seq_mut().set(ping.seq());
        pong.sum_mut().set(sum);
        pong.text_len_mut().set(ping.text().len() as u32);
        reservation.commit();
        seen += 1;
    }
    println!(
        "consumer {}: answered {seen} pings, channel closed",
        std::process::id()
    );
    Ok(())
}
