//! The `ipc` section of the comparison report: cross-process round-trip
//! latency of `barewire::ipc` per wait policy, beside a Unix socket carrying
//! the same images and the hardware floor (two processes ping-ponging one
//! cache line with plain atomics in a shared mapping), and one-way streaming
//! throughput of 64-byte messages.
//!
//! Every case runs against a child process: this binary started again with
//! `BAREWIRE_COMPARE_IPC_CHILD=<role>` (see [`child_main`]).
//!
//! A round trip: the parent copies an image of `Blob` into its ring
//! (`send_image`), the child receives it, checks it (`Message::view`:
//! every hostile-field check of the channel and the structural check of the
//! image) and copies it into the ring back (`send_image(message.bytes())`),
//! the parent receives and checks it. The socket does the same with a
//! 4-byte length prefix, `read_exact` into an aligned buffer and the same
//! `barewire::view` check on both ends.

use std::fmt::Write as _;
use std::hint::black_box;
use std::io::{Read, Write};
use std::os::unix::net::{UnixListener, UnixStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use barewire::LayoutBuf;
use barewire::ipc::{Receiver, Sender, WaitPolicy, shm_path};

const CHILD: &str = "BAREWIRE_COMPARE_IPC_CHILD";
const CHILD_PATH: &str = "BAREWIRE_COMPARE_IPC_PATH";
const CHILD_POLICY: &str = "BAREWIRE_COMPARE_IPC_POLICY";
const CHILD_COUNT: &str = "BAREWIRE_COMPARE_IPC_COUNT";

/// The message: an id and bytes, sized so that its image is the size
/// measured.
#[derive(barewire::Bare, Debug, Clone, PartialEq)]
pub struct Blob {
    id: u64,
    payload: Vec<u8>,
}

/// The image sizes measured, with their labels.
const SIZES: [(&str, usize); 3] = [("64 B", 64), ("4 KiB", 4096), ("1 MiB", 1 << 20)];

/// The wait policies measured, with their labels.
const POLICIES: [(&str, WaitPolicy); 3] = [
    ("busy-spin", WaitPolicy::BusySpin),
    (
        "spin-then-block (default)",
        WaitPolicy::SpinThenBlock {
            spin: WaitPolicy::DEFAULT_SPIN,
        },
    ),
    ("block", WaitPolicy::Block),
];

fn policy_named(name: &str) -> WaitPolicy {
    POLICIES
        .iter()
        .find(|(n, _)| *n == name)
        .map_or_else(|| panic!("unknown policy {name}"), |(_, p)| *p)
}

fn policy_name(policy: WaitPolicy) -> &'static str {
    POLICIES.iter().find(|(_, p)| *p == policy).unwrap().0
}

/// An image of a `Blob` of at most `size` bytes, as close to it as the
/// layout allows.
fn image(size: usize) -> LayoutBuf {
    let mut n = size;
    loop {
        let image = barewire::to_layout(&Blob {
            id: 7,
            payload: vec![0x5a; n],
        });
        if image.len() <= size || n == 0 {
            return image;
        }
        n -= (image.len() - size).min(n);
    }
}

/// A ring for messages of `size`: room for several in flight, small enough
/// to stay in the caches for small messages.
fn ring_for(size: usize) -> usize {
    (size * 4).max(64 * 1024)
}

/// Options of the section.
pub struct IpcOptions {
    /// Round trips measured for 64 B and 4 KiB (after a tenth as many for
    /// warm-up); 1 MiB runs a two-hundredth of it.
    pub round_trips: usize,
    /// Messages streamed one way per policy.
    pub stream: usize,
}

impl Default for IpcOptions {
    fn default() -> Self {
        IpcOptions {
            round_trips: 100_000,
            stream: 2_000_000,
        }
    }
}

/// Percentiles of round-trip times.
struct Percentiles {
    samples: usize,
    p50: f64,
    p99: f64,
    p999: f64,
    max: f64,
    mean: f64,
}

fn percentiles(mut ns: Vec<u64>) -> Percentiles {
    ns.sort_unstable();
    let at = |q: f64| ns[((ns.len() as f64 * q) as usize).min(ns.len() - 1)] as f64;
    Percentiles {
        samples: ns.len(),
        p50: at(0.50),
        p99: at(0.99),
        p999: at(0.999),
        max: *ns.last().unwrap() as f64,
        mean: ns.iter().sum::<u64>() as f64 / ns.len() as f64,
    }
}

fn spawn(role: &str, path: &Path, policy: WaitPolicy, count: usize) -> Child {
    Command::new(std::env::current_exe().unwrap())
        .env(CHILD, role)
        .env(CHILD_PATH, path)
        .env(CHILD_POLICY, policy_name(policy))
        .env(CHILD_COUNT, count.to_string())
        .spawn()
        .unwrap()
}

fn unique_path(tag: &str) -> PathBuf {
    shm_path(&format!("barewire-compare-{}-{tag}", std::process::id()))
}

/// Warm-up and measured counts for `size`.
fn counts(size: usize, o: &IpcOptions) -> (usize, usize) {
    let n = if size >= 1 << 20 {
        (o.round_trips / 200).max(10)
    } else {
        o.round_trips.max(10)
    };
    (n / 10, n)
}

/// Round trips through `barewire::ipc` with `policy` on both ends.
fn shm_round_trips(size: usize, policy: WaitPolicy, o: &IpcOptions) -> Percentiles {
    let path = unique_path(&format!("rt-{size}"));
    let ring = ring_for(size);
    // SAFETY: the channel contract: 1. new files named for this process,
    // never truncated; 2. only the child we spawn opens them, through
    // barewire's `Sender` and `Receiver`.
    let mut tx = unsafe { Sender::<Blob>::create(&path, ring) }.unwrap();
    // SAFETY: as above.
    let mut rx = unsafe { Receiver::<Blob>::create(path.with_extension("back"), ring) }.unwrap();
    tx.set_wait_policy(policy);
    rx.set_wait_policy(policy);
    let mut child = spawn("shm-echo", &path, policy, 0);
    let image = image(size);
    let (warm, n) = counts(size, o);
    let mut times = Vec::with_capacity(n);
    for i in 0..warm + n {
        let start = Instant::now();
        tx.send_image(&image).unwrap();
        let message = rx.recv().unwrap();
        let echo = message.view().unwrap();
        black_box(echo.id());
        drop(message);
        let ns = start.elapsed().as_nanos() as u64;
        if i >= warm {
            times.push(ns);
        }
    }
    drop(tx);
    assert!(child.wait().unwrap().success());
    percentiles(times)
}

fn write_frame(stream: &mut UnixStream, bytes: &[u8]) {
    stream
        .write_all(&(bytes.len() as u32).to_le_bytes())
        .unwrap();
    stream.write_all(bytes).unwrap();
}

/// Reads one frame into an aligned buffer; `None` at a clean end.
fn read_frame(stream: &mut UnixStream, buf: &mut LayoutBuf) -> Option<()> {
    let mut prefix = [0u8; 4];
    stream.read_exact(&mut prefix).ok()?;
    let len = u32::from_le_bytes(prefix) as usize;
    if buf.len() != len {
        *buf = LayoutBuf::zeroed(len);
    }
    stream.read_exact(buf).unwrap();
    Some(())
}

/// Round trips of the same images over a Unix socket.
fn socket_round_trips(size: usize, o: &IpcOptions) -> Percentiles {
    let path = std::env::temp_dir().join(format!(
        "barewire-compare-{}-{size}.sock",
        std::process::id()
    ));
    let _ = std::fs::remove_file(&path);
    let listener = UnixListener::bind(&path).unwrap();
    let mut child = spawn("socket-echo", &path, WaitPolicy::default(), 0);
    let (mut stream, _) = listener.accept().unwrap();
    let image = image(size);
    let mut buf = LayoutBuf::zeroed(0);
    let (warm, n) = counts(size, o);
    let mut times = Vec::with_capacity(n);
    for i in 0..warm + n {
        let start = Instant::now();
        write_frame(&mut stream, &image);
        read_frame(&mut stream, &mut buf).unwrap();
        let echo = barewire::view::<Blob>(&buf).unwrap();
        black_box(echo.id());
        let ns = start.elapsed().as_nanos() as u64;
        if i >= warm {
            times.push(ns);
        }
    }
    drop(stream);
    assert!(child.wait().unwrap().success());
    let _ = std::fs::remove_file(&path);
    percentiles(times)
}

/// The shared cache line of the floor: a file mapping in both processes.
struct Line {
    map: memmap2::MmapRaw,
}

impl Line {
    fn open(path: &Path) -> Line {
        let file = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .open(path)
            .unwrap();
        Line {
            map: memmap2::MmapOptions::new()
                .len(4096)
                .map_raw(&file)
                .unwrap(),
        }
    }

    fn word(&self) -> &AtomicU64 {
        // SAFETY: `AtomicU64::from_ptr` requires 1. alignment to 8: a
        // mapping is page-aligned; 2. validity for the borrow of `self`:
        // the mapping is 4096 bytes, read-write and shared, unmapped only
        // when `self` drops, and its file (made 4096 bytes long by the
        // parent, never truncated) lives in `/dev/shm`; 3. only atomic
        // accesses: both processes touch these bytes only through this
        // function.
        unsafe { AtomicU64::from_ptr(self.map.as_mut_ptr().cast::<u64>()) }
    }
}

/// The floor: round trips of one cache line between two processes, each
/// spinning on a plain atomic load until the other's store shows.
fn floor_round_trips(o: &IpcOptions) -> Percentiles {
    let path = unique_path("floor");
    std::fs::write(&path, vec![0u8; 4096]).unwrap();
    let line = Line::open(&path);
    let word = line.word();
    let mut child = spawn("floor", &path, WaitPolicy::BusySpin, 0);
    let (warm, n) = counts(64, o);
    let mut times = Vec::with_capacity(n);
    for i in 0..(warm + n) as u64 {
        let start = Instant::now();
        word.store(2 * i + 1, Ordering::Release);
        while word.load(Ordering::Acquire) != 2 * i + 2 {
            core::hint::spin_loop();
        }
        let ns = start.elapsed().as_nanos() as u64;
        if i >= warm as u64 {
            times.push(ns);
        }
    }
    word.store(u64::MAX, Ordering::Release);
    assert!(child.wait().unwrap().success());
    let _ = std::fs::remove_file(&path);
    percentiles(times)
}

/// One-way streaming: the child sends `o.stream` 64-byte images as fast as
/// the ring takes them; the parent receives and checks each. Messages per
/// second, from the first message to the last.
fn stream(policy: WaitPolicy, o: &IpcOptions) -> f64 {
    let path = unique_path("stream");
    // SAFETY: as in `shm_round_trips`.
    let mut rx = unsafe { Receiver::<Blob>::create(&path, 256 * 1024) }.unwrap();
    rx.set_wait_policy(policy);
    let mut child = spawn("stream", &path, policy, o.stream);
    let mut start = None;
    let mut got = 0usize;
    loop {
        match rx.recv() {
            Ok(message) => {
                start.get_or_insert_with(Instant::now);
                black_box(message.view().unwrap().id());
                got += 1;
            }
            Err(barewire::Error::ChannelClosed) => break,
            Err(e) => panic!("{e}"),
        }
    }
    let elapsed = start.map_or(Duration::ZERO, |s| s.elapsed());
    assert_eq!(got, o.stream);
    assert!(child.wait().unwrap().success());
    (got - 1) as f64 / elapsed.as_secs_f64()
}

/// Median time of copying `len` bytes from one buffer to another.
fn memcpy_ns(len: usize) -> f64 {
    let from = vec![0x5au8; len];
    let mut to = vec![0u8; len];
    let mut times: Vec<u64> = (0..200)
        .map(|_| {
            let start = Instant::now();
            to.copy_from_slice(black_box(&from));
            black_box(&mut to);
            start.elapsed().as_nanos() as u64
        })
        .collect();
    times.sort_unstable();
    times[times.len() / 2] as f64
}

/// The child process's side; `true` if this process is one (it has then
/// done its part).
pub fn child_main() -> bool {
    let Ok(role) = std::env::var(CHILD) else {
        return false;
    };
    let path = PathBuf::from(std::env::var(CHILD_PATH).unwrap());
    let policy = policy_named(&std::env::var(CHILD_POLICY).unwrap());
    let count: usize = std::env::var(CHILD_COUNT).unwrap().parse().unwrap();
    match role.as_str() {
        "shm-echo" => {
            // SAFETY: the channel contract: 1. the parent made the files
            // for this run and never truncates them; 2. both ends are
            // barewire's.
            let mut rx = unsafe { Receiver::<Blob>::open(&path) }.unwrap();
            // SAFETY: as above.
            let mut tx = unsafe { Sender::<Blob>::open(path.with_extension("back")) }.unwrap();
            rx.set_wait_policy(policy);
            tx.set_wait_policy(policy);
            loop {
                let message = match rx.recv() {
                    Ok(m) => m,
                    Err(barewire::Error::ChannelClosed) => break,
                    Err(e) => panic!("{e}"),
                };
                black_box(message.view().unwrap().id());
                tx.send_image(message.bytes()).unwrap();
            }
        }
        "socket-echo" => {
            let mut stream = UnixStream::connect(&path).unwrap();
            let mut buf = LayoutBuf::zeroed(0);
            while read_frame(&mut stream, &mut buf).is_some() {
                black_box(barewire::view::<Blob>(&buf).unwrap().id());
                write_frame(&mut stream, &buf);
            }
        }
        "floor" => {
            let line = Line::open(&path);
            let word = line.word();
            loop {
                let v = word.load(Ordering::Acquire);
                if v == u64::MAX {
                    break;
                }
                if v % 2 == 1 {
                    word.store(v + 1, Ordering::Release);
                }
                core::hint::spin_loop();
            }
        }
        "stream" => {
            // SAFETY: as for "shm-echo".
            let mut tx = unsafe { Sender::<Blob>::open(&path) }.unwrap();
            tx.set_wait_policy(policy);
            let image = image(64);
            for _ in 0..count {
                tx.send_image(&image).unwrap();
            }
        }
        // Not a child: for profiling the software path alone (one
        // process, both ends, no waiting), e.g. under
        // `valgrind --tool=callgrind`: `count` sends and receives of a
        // 64-byte image, each checked as in a round trip.
        "local" => {
            // SAFETY: as for "shm-echo"; both ends are in this process.
            let mut tx = unsafe { Sender::<Blob>::create(&path, 64 * 1024) }.unwrap();
            // SAFETY: as above.
            let mut rx = unsafe { Receiver::<Blob>::open(&path) }.unwrap();
            tx.set_wait_policy(policy);
            rx.set_wait_policy(policy);
            let image = image(64);
            for _ in 0..count {
                tx.send_image(&image).unwrap();
                let message = rx.recv().unwrap();
                black_box(message.view().unwrap().id());
            }
        }
        other => panic!("unknown child role {other}"),
    }
    true
}

fn us(ns: f64) -> String {
    if ns >= 1e6 {
        format!("{:.2} ms", ns / 1e6)
    } else {
        format!("{:.2} µs", ns / 1e3)
    }
}

/// One measured row of the section.
struct Row {
    transport: &'static str,
    policy: &'static str,
    bytes: usize,
    p: Percentiles,
}

/// Runs the section: prints its tables and returns its JSON rows (one
/// object a line, each with `"section": "ipc"`).
pub fn run(o: &IpcOptions) -> Vec<String> {
    let started = Instant::now();
    let mut rows = Vec::new();
    println!("## ipc: cross-process round trips\n");
    let floor = floor_round_trips(o);
    rows.push(Row {
        transport: "floor (one cache line, plain atomics)",
        policy: "busy-spin",
        bytes: 8,
        p: floor,
    });
    for (label, size) in SIZES {
        let _ = label;
        for (name, policy) in POLICIES {
            rows.push(Row {
                transport: "barewire_shm",
                policy: name,
                bytes: image(size).len(),
                p: shm_round_trips(size, policy, o),
            });
        }
        rows.push(Row {
            transport: "unix_socket",
            policy: "blocking read",
            bytes: image(size).len(),
            p: socket_round_trips(size, o),
        });
    }
    let floor_p50 = rows[0].p.p50;
    let mut table = String::from(
        "| transport | wait policy | image bytes | round trips | p50 | p99 | p99.9 | max | mean | p50 / floor |\n\
         |---|---|--:|--:|--:|--:|--:|--:|--:|--:|\n",
    );
    for r in &rows {
        let _ = writeln!(
            table,
            "| {} | {} | {} | {} | {} | {} | {} | {} | {} | {:.2} |",
            r.transport,
            r.policy,
            r.bytes,
            r.p.samples,
            us(r.p.p50),
            us(r.p.p99),
            us(r.p.p999),
            us(r.p.max),
            us(r.p.mean),
            r.p.p50 / floor_p50
        );
    }
    println!("{table}");

    let streams: Vec<(&str, f64)> = [POLICIES[0], POLICIES[1]]
        .into_iter()
        .map(|(name, policy)| (name, stream(policy, o)))
        .collect();
    println!(
        "### ipc: one-way streaming of 64-byte images ({} messages)\n\n| wait policy | messages per second |\n|---|--:|",
        o.stream
    );
    for (name, rate) in &streams {
        println!("| {name} | {:.2} M/s |", rate / 1e6);
    }

    // Targets of issue 16, from this run's numbers.
    let find = |transport: &str, policy: &str, size: usize| {
        rows.iter()
            .find(|r| {
                r.transport == transport && r.policy == policy && r.bytes == image(size).len()
            })
            .map(|r| r.p.p50)
            .unwrap()
    };
    let default = POLICIES[1].0;
    let shm64 = find("barewire_shm", default, 64);
    let sock64 = find("unix_socket", "blocking read", 64);
    let shm4k = find("barewire_shm", default, 4096);
    let shm1m = find("barewire_shm", default, 1 << 20);
    let two_copies = 2.0 * memcpy_ns(1 << 20);
    let best_stream = streams.iter().map(|s| s.1).fold(0.0, f64::max);
    let check = |ok: bool| if ok { "met" } else { "missed" };
    println!(
        "\n### ipc targets (issue 16), default policy, p50\n\n| target | measured | |\n|---|--:|---|"
    );
    let targets = [
        (
            "64 B round trip <= 0.1x the Unix socket",
            format!("{:.3}x", shm64 / sock64),
            shm64 / sock64 <= 0.1,
        ),
        (
            "64 B round trip <= 3x the floor",
            format!("{:.2}x", shm64 / floor_p50),
            shm64 / floor_p50 <= 3.0,
        ),
        (
            "4 KiB round trip <= 2x the 64 B one",
            format!("{:.2}x", shm4k / shm64),
            shm4k / shm64 <= 2.0,
        ),
        (
            "1 MiB round trip <= 2x two memcpys of 1 MiB",
            format!(
                "{:.2}x ({} vs {})",
                shm1m / two_copies,
                us(shm1m),
                us(two_copies)
            ),
            shm1m / two_copies <= 2.0,
        ),
        (
            "streaming 64 B >= 5 M messages/s",
            format!("{:.2} M/s", best_stream / 1e6),
            best_stream >= 5e6,
        ),
    ];
    for (what, measured, ok) in &targets {
        println!("| {what} | {measured} | {} |", check(*ok));
    }
    println!("\nipc section: {:.0} s\n", started.elapsed().as_secs_f64());

    let mut json: Vec<String> = rows
        .iter()
        .map(|r| {
            format!(
                "  {{\"section\": \"ipc\", \"op\": \"round_trip\", \"transport\": \"{}\", \"policy\": \"{}\", \
                 \"bytes\": {}, \"samples\": {}, \"p50_ns\": {:.0}, \"p99_ns\": {:.0}, \"p999_ns\": {:.0}, \
                 \"max_ns\": {:.0}, \"mean_ns\": {:.1}}}",
                r.transport, r.policy, r.bytes, r.p.samples, r.p.p50, r.p.p99, r.p.p999, r.p.max, r.p.mean
            )
        })
        .collect();
    for (name, rate) in &streams {
        json.push(format!(
            "  {{\"section\": \"ipc\", \"op\": \"stream\", \"transport\": \"barewire_shm\", \"policy\": \"{name}\", \
             \"bytes\": 64, \"messages\": {}, \"messages_per_s\": {rate:.0}}}",
            o.stream
        ));
    }
    json.push(format!(
        "  {{\"section\": \"ipc\", \"op\": \"memcpy\", \"bytes\": {}, \"ns\": {:.0}}}",
        1 << 20,
        two_copies / 2.0
    ));
    json
}
