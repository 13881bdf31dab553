//! Where data leaves the process: memory-mapped files and shared memory.
//!
//! ```text
//! cargo bench -p barewire-benches --bench boundaries
//! cargo bench -p barewire-benches --bench boundaries -- mmap_open_read   # one group
//! ```
//!
//! - `mmap_open_read/{1MiB,1GiB}`: open an image file (header check), view
//!   its root (structural check; O(1) for a list of plain records), read
//!   one record at a varying index, unmap. Mapping is lazy, so both sizes
//!   should cost about the same. The 1 GiB file is written to the temp dir
//!   (needs ~1 GiB free; skipped with a message otherwise) and deleted
//!   afterwards. Page cache warm (the file was just written).
//! - `ipc_round_trip/{barewire_shm,serde_bare_uds}/{64B,4KiB,1MiB}`: one
//!   request and its echo between this process and a child process: over
//!   barewire's shared-memory channel (the child views the message in place
//!   and echoes its image), and over a Unix domain socket with serde_bare
//!   encoding and a u32 length prefix (the child decodes and re-encodes).
//!   Throughput counts the payload bytes of both directions.

use std::hint::black_box;
use std::io::{Read, Write};
use std::os::unix::net::{UnixListener, UnixStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command};
use std::time::Duration;

use barewire::Bare;
use barewire::ipc::{Receiver, Sender, shm_path};
use barewire::mmap::{self, ImageFile};
use criterion::{BenchmarkId, Criterion, Throughput};

#[derive(Bare, Debug, Clone, Copy, PartialEq)]
struct Record {
    id: u64,
    timestamp: u64,
    value: f64,
    count: u64,
}

#[derive(Bare, Debug, Clone, PartialEq)]
struct Table {
    records: Vec<Record>,
}

const MIB: usize = 1 << 20;
const GIB: usize = 1 << 30;

fn write_table(path: &Path, bytes: usize) -> Result<usize, barewire::Error> {
    let n = bytes / std::mem::size_of::<Record>();
    let table = Table {
        records: (0..n as u64)
            .map(|i| Record {
                id: i,
                timestamp: 1_700_000_000 + i,
                value: i as f64 * 0.5,
                count: i % 97,
            })
            .collect(),
    };
    mmap::write_file(path, &table)?;
    Ok(n)
}

fn bench_mmap(c: &mut Criterion) {
    let mut group = c.benchmark_group("mmap_open_read");
    group.sample_size(50);
    for (label, bytes) in [("1MiB", MIB), ("1GiB", GIB)] {
        let path =
            std::env::temp_dir().join(format!("barewire-bench-{}-{label}.img", std::process::id()));
        let n = match write_table(&path, bytes) {
            Ok(n) => n,
            Err(e) => {
                eprintln!(
                    "skipping mmap_open_read/{label}: cannot write {}: {e}",
                    path.display()
                );
                let _ = std::fs::remove_file(&path);
                continue;
            }
        };
        let mut i = 0usize;
        group.bench_function(label, |b| {
            b.iter(|| {
                // SAFETY: the file is private to this bench and not
                // modified while mapped.
                let file = unsafe { ImageFile::<Table>::open(&path) }.unwrap();
                let table = file.view().unwrap();
                i = (i + 7_919_993) % n;
                let record = table.records().get(i).unwrap();
                black_box(record.value() + record.id() as f64)
            })
        });
        std::fs::remove_file(&path).unwrap();
    }
    group.finish();
}

/// A blob whose payload serde_bare encodes as `data` (one length and the
/// bytes), as barewire does: a fair comparison.
#[derive(Debug, Clone, PartialEq)]
struct SerdeBlob {
    id: u64,
    payload: Vec<u8>,
}

impl serde::Serialize for SerdeBlob {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeTuple;
        struct Bytes<'a>(&'a [u8]);
        impl serde::Serialize for Bytes<'_> {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_bytes(self.0)
            }
        }
        let mut t = s.serialize_tuple(2)?;
        t.serialize_element(&self.id)?;
        t.serialize_element(&Bytes(&self.payload))?;
        t.end()
    }
}

impl<'de> serde::Deserialize<'de> for SerdeBlob {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct BytesVisitor;
        impl serde::de::Visitor<'_> for BytesVisitor {
            type Value = Vec<u8>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("bytes")
            }
            fn visit_bytes<E>(self, v: &[u8]) -> Result<Vec<u8>, E> {
                Ok(v.to_vec())
            }
            fn visit_byte_buf<E>(self, v: Vec<u8>) -> Result<Vec<u8>, E> {
                Ok(v)
            }
        }
        struct Payload(Vec<u8>);
        impl<'de> serde::Deserialize<'de> for Payload {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                d.deserialize_byte_buf(BytesVisitor).map(Payload)
            }
        }
        struct TupleVisitor;
        impl<'de> serde::de::Visitor<'de> for TupleVisitor {
            type Value = SerdeBlob;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a blob")
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut a: A,
            ) -> Result<SerdeBlob, A::Error> {
                let id = a
                    .next_element()?
                    .ok_or_else(|| serde::de::Error::invalid_length(0, &self))?;
                let Payload(payload) = a
                    .next_element()?
                    .ok_or_else(|| serde::de::Error::invalid_length(1, &self))?;
                Ok(SerdeBlob { id, payload })
            }
        }
        d.deserialize_tuple(2, TupleVisitor)
    }
}

#[derive(Bare, Debug, Clone, PartialEq)]
struct Blob {
    id: u64,
    payload: Vec<u8>,
}

const SIZES: [(&str, usize); 3] = [("64B", 64), ("4KiB", 4096), ("1MiB", MIB)];
const RING: usize = 4 * MIB;
const CHILD: &str = "BAREWIRE_BENCH_CHILD";

fn spawn(role: &str, arg: &Path) -> Child {
    Command::new(std::env::current_exe().unwrap())
        .env(CHILD, role)
        .env("BAREWIRE_BENCH_PATH", arg)
        .spawn()
        .unwrap()
}

/// The child: echoes until the channel or socket closes.
fn child(role: &str, path: PathBuf) {
    match role {
        "shm" => {
            // SAFETY: the channel contract: 1. the bench process that
            // created these files never truncates them; 2. it and this
            // child are the only processes that open them, both through
            // barewire's `Sender` and `Receiver`.
            let mut rx = unsafe { Receiver::<Blob>::open(&path) }.unwrap();
            // SAFETY: as above.
            let mut tx = unsafe { Sender::<Blob>::open(path.with_extension("back")) }.unwrap();
            loop {
                let message = match rx.recv() {
                    Ok(m) => m,
                    Err(barewire::Error::ChannelClosed) => return,
                    Err(e) => panic!("{e}"),
                };
                let blob = message.view().unwrap();
                black_box((blob.id(), blob.payload().as_slice().len()));
                tx.send_image(message.bytes()).unwrap();
            }
        }
        "uds" => {
            let mut stream = UnixStream::connect(&path).unwrap();
            let mut buf = Vec::new();
            let mut out = Vec::new();
            while read_frame(&mut stream, &mut buf) {
                let blob: SerdeBlob = serde_bare::from_slice(&buf).unwrap();
                black_box(blob.id);
                out.clear();
                serde_bare::to_writer(&mut out, &blob).unwrap();
                write_frame(&mut stream, &out);
            }
        }
        other => panic!("unknown child role {other}"),
    }
}

fn write_frame(stream: &mut UnixStream, payload: &[u8]) {
    stream
        .write_all(&(payload.len() as u32).to_le_bytes())
        .unwrap();
    stream.write_all(payload).unwrap();
}

/// Reads one frame into `buf`; false at a clean end.
fn read_frame(stream: &mut UnixStream, buf: &mut Vec<u8>) -> bool {
    let mut prefix = [0u8; 4];
    if stream.read_exact(&mut prefix).is_err() {
        return false;
    }
    buf.resize(u32::from_le_bytes(prefix) as usize, 0);
    stream.read_exact(buf).unwrap();
    true
}

fn bench_ipc(c: &mut Criterion) {
    let mut group = c.benchmark_group("ipc_round_trip");
    group.sample_size(30);
    group.warm_up_time(Duration::from_millis(500));
    group.measurement_time(Duration::from_secs(3));
    let base = format!("barewire-bench-{}", std::process::id());

    // barewire over shared memory.
    let path = shm_path(&format!("{base}.ring"));
    // SAFETY: the channel contract: 1. new files named for this process,
    // never truncated; 2. only the child we spawn opens them, through
    // barewire's `Sender` and `Receiver`.
    let mut tx = unsafe { Sender::<Blob>::create(&path, RING) }.unwrap();
    // SAFETY: as above.
    let mut rx = unsafe { Receiver::<Blob>::create(path.with_extension("back"), RING) }.unwrap();
    let mut shm_child = spawn("shm", &path);
    for (label, size) in SIZES {
        group.throughput(Throughput::Bytes(2 * size as u64));
        let blob = Blob {
            id: 7,
            payload: vec![0x5a; size],
        };
        group.bench_with_input(BenchmarkId::new("barewire_shm", label), &blob, |b, blob| {
            b.iter(|| {
                tx.send(blob).unwrap();
                let message = rx.recv().unwrap();
                let echo = message.view().unwrap();
                assert_eq!(echo.payload().len(), blob.payload.len());
                black_box(echo.id())
            })
        });
    }
    drop(tx);
    assert!(shm_child.wait().unwrap().success());
    drop(rx);

    // serde_bare over a Unix domain socket.
    let socket_path = std::env::temp_dir().join(format!("{base}.sock"));
    let _ = std::fs::remove_file(&socket_path);
    let listener = UnixListener::bind(&socket_path).unwrap();
    let mut uds_child = spawn("uds", &socket_path);
    let (mut stream, _) = listener.accept().unwrap();
    let mut out = Vec::new();
    let mut buf = Vec::new();
    for (label, size) in SIZES {
        group.throughput(Throughput::Bytes(2 * size as u64));
        let blob = SerdeBlob {
            id: 7,
            payload: vec![0x5a; size],
        };
        group.bench_with_input(
            BenchmarkId::new("serde_bare_uds", label),
            &blob,
            |b, blob| {
                b.iter(|| {
                    out.clear();
                    serde_bare::to_writer(&mut out, blob).unwrap();
                    write_frame(&mut stream, &out);
                    assert!(read_frame(&mut stream, &mut buf));
                    let echo: SerdeBlob = serde_bare::from_slice(&buf).unwrap();
                    assert_eq!(echo.payload.len(), blob.payload.len());
                    black_box(echo.id)
                })
            },
        );
    }
    drop(stream);
    assert!(uds_child.wait().unwrap().success());
    let _ = std::fs::remove_file(&socket_path);
    group.finish();
}

fn main() {
    if let Ok(role) = std::env::var(CHILD) {
        child(
            &role,
            PathBuf::from(std::env::var("BAREWIRE_BENCH_PATH").unwrap()),
        );
        return;
    }
    let mut c = Criterion::default().configure_from_args();
    bench_mmap(&mut c);
    bench_ipc(&mut c);
    c.final_summary();
}
