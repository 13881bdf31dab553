//! Length-delimited frames: exact bytes, limits, truncation, over std::io
//! and over real loopback TCP with tokio.

use std::io::{Cursor, Read};

use barewire::frame::{FrameReader, FrameWriter, encode_frame};
use barewire::{Bare, Error};

#[derive(Bare, Debug, Clone, PartialEq)]
struct Msg {
    seq: u64,
    text: String,
    payload: Vec<u8>,
}

fn msg(seq: u64) -> Msg {
    Msg {
        seq,
        text: format!("message {seq}"),
        payload: vec![seq as u8; (seq % 300) as usize],
    }
}

#[test]
fn exact_bytes() {
    let mut out = Vec::new();
    FrameWriter::new(&mut out).send("hi").unwrap();
    assert_eq!(out, [3, 0, 0, 0, 2, b'h', b'i']);
    let mut out = Vec::new();
    encode_frame(&[], &mut out, 0).unwrap();
    assert_eq!(out, [0, 0, 0, 0]);
}

#[test]
fn round_trip_many_over_std_io() {
    let mut wire = Vec::new();
    let mut writer = FrameWriter::new(&mut wire);
    for seq in 0..500 {
        writer.send(&msg(seq)).unwrap();
    }
    writer.write_frame(b"").unwrap();
    writer.flush().unwrap();

    let mut reader = FrameReader::new(Cursor::new(wire));
    for seq in 0..500 {
        assert_eq!(reader.recv::<Msg>().unwrap(), Some(msg(seq)));
    }
    assert_eq!(reader.read_frame().unwrap(), Some(&[][..]));
    assert!(reader.read_frame().unwrap().is_none());
    assert!(reader.recv::<Msg>().unwrap().is_none());
}

#[test]
fn borrowed_decode_from_the_reader_buffer() {
    let mut wire = Vec::new();
    FrameWriter::new(&mut wire).send("zero-copy").unwrap();
    let mut reader = FrameReader::new(&wire[..]);
    let s: &str = reader.recv().unwrap().unwrap();
    assert_eq!(s, "zero-copy");
}

#[test]
fn oversize_frames_are_refused_both_ways() {
    let mut out = Vec::new();
    let mut writer = FrameWriter::with_max_frame(&mut out, 8);
    let err = writer.write_frame(&[0; 9]).unwrap_err();
    assert!(
        matches!(err, Error::FrameTooLarge { size: 9, limit: 8 }),
        "{err}"
    );
    assert_eq!(
        err.to_string(),
        "frame of 9 bytes exceeds the maximum frame size of 8 bytes"
    );
    assert!(matches!(
        writer.send(&msg(20)),
        Err(Error::FrameTooLarge { .. })
    ));
    assert!(out.is_empty(), "nothing written for refused frames");
}

/// A reader that serves a prefix and then panics if read again: proves the
/// size check happens before the payload is touched or allocated.
struct PrefixThenPanic {
    prefix: [u8; 4],
    served: bool,
}

impl Read for PrefixThenPanic {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        assert!(!self.served, "read past an oversize length prefix");
        self.served = true;
        buf[..4].copy_from_slice(&self.prefix);
        Ok(4)
    }
}

#[test]
fn oversize_prefix_is_rejected_before_reading_the_payload() {
    let mut reader = FrameReader::with_max_frame(
        PrefixThenPanic {
            prefix: u32::MAX.to_le_bytes(),
            served: false,
        },
        1 << 20,
    );
    let err = reader.read_frame().unwrap_err();
    assert!(
        matches!(
            err,
            Error::FrameTooLarge {
                size: 4294967295,
                limit: 1048576
            }
        ),
        "{err}"
    );
}

#[test]
fn announced_but_unsent_payload_costs_no_memory() {
    // A peer announces 16 MiB and closes after 3 bytes.
    let mut wire = (16u32 << 20).to_le_bytes().to_vec();
    wire.extend_from_slice(b"abc");
    let mut reader = FrameReader::new(&wire[..]);
    let err = reader.read_frame().unwrap_err();
    assert!(
        matches!(
            err,
            Error::TruncatedFrame {
                expected: 16777220,
                received: 7
            }
        ),
        "{err}"
    );
    assert!(
        err.to_string()
            .starts_with("peer closed the connection in the middle of a frame")
    );
}

#[test]
fn truncation_anywhere_is_an_error_that_says_so() {
    let mut wire = Vec::new();
    FrameWriter::new(&mut wire).send(&msg(42)).unwrap();
    for cut in 1..wire.len() {
        let mut reader = FrameReader::new(&wire[..cut]);
        let err = reader.read_frame().unwrap_err();
        assert!(
            matches!(err, Error::TruncatedFrame { received, .. } if received == cut as u64),
            "cut {cut}: {err}"
        );
    }
}

#[test]
fn a_frame_must_hold_exactly_one_message() {
    let mut wire = Vec::new();
    encode_frame(&[1, 2, 3, 4, 5], &mut wire, 100).unwrap(); // u32 + 1 extra byte
    let err = FrameReader::new(&wire[..]).recv::<u32>().unwrap_err();
    assert!(matches!(err, Error::TrailingBytes { .. }), "{err}");
}

/// Hands out at most `sizes[k % len]` bytes on the k-th read that returns
/// data, and fails with `errors[k % len]` (if any) before it: an I/O error
/// can land anywhere in a prefix or a payload.
struct Flaky {
    data: Vec<u8>,
    pos: usize,
    sizes: Vec<usize>,
    errors: Vec<Option<std::io::ErrorKind>>,
    turn: usize,
    failed: bool,
}

impl Read for Flaky {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.pos == self.data.len() {
            return Ok(0);
        }
        if let (false, Some(kind)) = (self.failed, self.errors[self.turn % self.errors.len()]) {
            self.failed = true;
            return Err(kind.into());
        }
        self.failed = false;
        let size = self.sizes[self.turn % self.sizes.len()];
        self.turn += 1;
        let n = size.min(buf.len()).min(self.data.len() - self.pos);
        buf[..n].copy_from_slice(&self.data[self.pos..self.pos + n]);
        self.pos += n;
        Ok(n)
    }
}

/// Before the fix, an error inside a frame dropped the bytes of the prefix
/// or payload read so far: the next call read a length from the middle of
/// the frame, and frames came out wrong or were lost. Now the partial frame
/// is kept and the next call resumes it.
#[test]
fn io_errors_inside_a_frame_lose_nothing() {
    use std::io::ErrorKind::{Interrupted, TimedOut, WouldBlock};
    let payloads: Vec<Vec<u8>> = [0usize, 1, 5, 3, 300, 0, 20_000, 2, 9000]
        .iter()
        .enumerate()
        .map(|(i, &len)| (0..len).map(|j| (i * 31 + j) as u8).collect())
        .collect();
    let mut wire = Vec::new();
    for p in &payloads {
        encode_frame(p, &mut wire, 1 << 20).unwrap();
    }
    let chunkings: &[&[usize]] = &[&[1], &[2], &[3], &[1, 2, 5], &[4], &[7, 4000], &[9000]];
    let error_patterns: &[&[Option<std::io::ErrorKind>]] = &[
        &[Some(WouldBlock)],
        &[None, Some(TimedOut)],
        &[Some(Interrupted), None, Some(WouldBlock)],
        &[None, None, Some(WouldBlock), Some(TimedOut)],
    ];
    for sizes in chunkings {
        for errors in error_patterns {
            let source = Flaky {
                data: wire.clone(),
                pos: 0,
                sizes: sizes.to_vec(),
                errors: errors.to_vec(),
                turn: 0,
                failed: false,
            };
            let mut reader = FrameReader::with_max_frame(source, 1 << 20);
            let mut got = Vec::new();
            let mut io_errors = 0;
            loop {
                match reader.read_frame() {
                    Ok(Some(frame)) => got.push(frame.to_vec()),
                    Ok(None) => break,
                    Err(Error::Io(e)) => {
                        assert!(matches!(e.kind(), WouldBlock | TimedOut), "{e}");
                        io_errors += 1;
                    }
                    Err(e) => panic!("sizes {sizes:?}, errors {errors:?}: {e}"),
                }
            }
            assert!(io_errors > 0);
            assert_eq!(got, payloads, "sizes {sizes:?}, errors {errors:?}");
        }
    }
}

/// The same through `recv`, with typed messages and a `WouldBlock` before
/// every read of one byte.
#[test]
fn recv_resumes_after_would_block() {
    let mut wire = Vec::new();
    let mut writer = FrameWriter::new(&mut wire);
    for seq in 0..40 {
        writer.send(&msg(seq)).unwrap();
    }
    let source = Flaky {
        data: wire,
        pos: 0,
        sizes: vec![1],
        errors: vec![Some(std::io::ErrorKind::WouldBlock)],
        turn: 0,
        failed: false,
    };
    let mut reader = FrameReader::new(source);
    let mut got = Vec::new();
    loop {
        match reader.recv::<Msg>() {
            Ok(Some(m)) => got.push(m),
            Ok(None) => break,
            Err(Error::Io(e)) if e.kind() == std::io::ErrorKind::WouldBlock => {}
            Err(e) => panic!("{e}"),
        }
    }
    assert_eq!(got, (0..40).map(msg).collect::<Vec<_>>());
}

/// An oversize prefix stays an error: a later call does not read a length
/// from the middle of the refused frame.
#[test]
fn an_oversize_prefix_stays_refused() {
    let mut wire = 1000u32.to_le_bytes().to_vec();
    wire.extend_from_slice(&[3, 0, 0, 0, 1, 2, 3]);
    let mut reader = FrameReader::with_max_frame(&wire[..], 100);
    for _ in 0..3 {
        let err = reader.read_frame().unwrap_err();
        assert!(
            matches!(
                err,
                Error::FrameTooLarge {
                    size: 1000,
                    limit: 100
                }
            ),
            "{err}"
        );
    }
}

#[cfg(feature = "tokio")]
mod codec {
    use super::*;
    use barewire::frame::{BareCodec, FrameCodec};
    use bytes::BytesMut;
    use tokio_util::codec::{Decoder, Encoder};

    #[test]
    fn decoder_waits_for_whole_frames() {
        let mut codec = BareCodec::<Msg>::new();
        let mut all = BytesMut::new();
        for seq in 0..20 {
            codec.encode(msg(seq), &mut all).unwrap();
        }
        // Feed one byte at a time.
        let mut buf = BytesMut::new();
        let mut out = Vec::new();
        for &b in all.iter() {
            buf.extend_from_slice(&[b]);
            while let Some(m) = codec.decode(&mut buf).unwrap() {
                out.push(m);
            }
        }
        assert_eq!(out, (0..20).map(msg).collect::<Vec<_>>());
        assert!(codec.decode_eof(&mut buf).unwrap().is_none());
    }

    /// Before the fix, four bytes announcing 16 MiB made the codec reserve
    /// 16 MiB. Now it reserves room for one read, and the buffer grows with
    /// the bytes that arrive.
    #[test]
    fn decoder_reserves_a_read_not_the_announced_frame() {
        let max = 16 << 20;
        let mut codec = FrameCodec::with_max_frame(max);
        let mut buf = BytesMut::from(&(max as u32).to_le_bytes()[..]);
        assert!(codec.decode(&mut buf).unwrap().is_none());
        assert!(
            buf.capacity() <= 64 * 1024,
            "reserved {} bytes for 4 received",
            buf.capacity()
        );
        // Fed in pieces, the capacity follows what arrived.
        let piece = vec![7u8; 4096];
        let mut fed = 4;
        for _ in 0..256 {
            buf.extend_from_slice(&piece);
            fed += piece.len();
            assert!(codec.decode(&mut buf).unwrap().is_none());
            assert!(
                buf.capacity() <= 2 * fed + 64 * 1024,
                "reserved {} bytes for {fed} received",
                buf.capacity()
            );
        }
        // The whole frame still decodes.
        let mut codec = FrameCodec::with_max_frame(max);
        let mut all = BytesMut::new();
        codec.encode(&vec![9u8; 300_000][..], &mut all).unwrap();
        let mut buf = BytesMut::new();
        let mut frames = Vec::new();
        for chunk in all.chunks(5000) {
            buf.extend_from_slice(chunk);
            while let Some(frame) = codec.decode(&mut buf).unwrap() {
                frames.push(frame);
            }
        }
        assert_eq!(frames.len(), 1);
        assert_eq!(&frames[0][..], &vec![9u8; 300_000][..]);
    }

    #[test]
    fn decoder_limits_and_eof() {
        let mut codec = FrameCodec::with_max_frame(100);
        let mut buf = BytesMut::from(&101u32.to_le_bytes()[..]);
        let err = codec.decode(&mut buf).unwrap_err();
        assert!(
            matches!(
                err,
                Error::FrameTooLarge {
                    size: 101,
                    limit: 100
                }
            ),
            "{err}"
        );
        assert!(buf.capacity() < 100, "nothing reserved for a refused frame");

        let mut buf = BytesMut::from(&[10, 0, 0, 0, 1, 2][..]);
        assert!(codec.decode(&mut buf).unwrap().is_none());
        let err = codec.decode_eof(&mut buf).unwrap_err();
        assert!(
            matches!(
                err,
                Error::TruncatedFrame {
                    expected: 14,
                    received: 6
                }
            ),
            "{err}"
        );

        let mut buf = BytesMut::from(&[10, 0][..]);
        let err = codec.decode_eof(&mut buf).unwrap_err();
        assert!(
            matches!(
                err,
                Error::TruncatedFrame {
                    expected: 4,
                    received: 2
                }
            ),
            "{err}"
        );

        let err = codec
            .encode(&[0u8; 101][..], &mut BytesMut::new())
            .unwrap_err();
        assert!(matches!(err, Error::FrameTooLarge { .. }), "{err}");
    }
}

#[cfg(feature = "tokio")]
#[cfg(not(miri))]
mod tcp {
    use super::*;
    use barewire::frame::BareCodec;
    use futures_util::{SinkExt, StreamExt};
    use tokio::io::AsyncWriteExt;
    use tokio::net::{TcpListener, TcpStream};
    use tokio_util::codec::Framed;

    const COUNT: u64 = 10_000;

    /// An echo server for one connection; returns the first error it saw.
    async fn echo_once(listener: TcpListener) -> Option<Error> {
        let (socket, _) = listener.accept().await.unwrap();
        let mut framed = Framed::new(socket, BareCodec::<Msg>::with_max_frame(64 * 1024));
        while let Some(item) = framed.next().await {
            match item {
                Ok(m) => framed.send(m).await.unwrap(),
                Err(e) => return Some(e),
            }
        }
        None
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn many_messages_in_flight_over_loopback() {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let server = tokio::spawn(echo_once(listener));

        let socket = TcpStream::connect(addr).await.unwrap();
        let (mut sink, mut stream) = Framed::new(socket, BareCodec::<Msg>::new()).split();
        // The writer runs ahead of the reader: thousands in flight.
        let writer = tokio::spawn(async move {
            for seq in 0..COUNT {
                sink.feed(msg(seq)).await.unwrap();
            }
            sink.flush().await.unwrap();
            sink
        });
        for seq in 0..COUNT {
            let m = stream.next().await.unwrap().unwrap();
            assert_eq!(m, msg(seq));
        }
        let sink = writer.await.unwrap();
        drop(sink.reunite(stream).unwrap());
        assert!(server.await.unwrap().is_none());
    }

    #[tokio::test]
    async fn malicious_peer_sending_an_oversize_length() {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let server = tokio::spawn(echo_once(listener));
        let mut socket = TcpStream::connect(addr).await.unwrap();
        socket.write_all(&u32::MAX.to_le_bytes()).await.unwrap();
        socket.write_all(&[0xaa; 1000]).await.unwrap();
        let err = server
            .await
            .unwrap()
            .expect("the server must refuse the frame");
        assert!(
            matches!(
                err,
                Error::FrameTooLarge {
                    size: 4294967295,
                    limit: 65536
                }
            ),
            "{err}"
        );
    }

    #[tokio::test]
    async fn peer_closing_mid_frame() {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let server = tokio::spawn(echo_once(listener));
        let mut socket = TcpStream::connect(addr).await.unwrap();
        socket.write_all(&100u32.to_le_bytes()).await.unwrap();
        socket.write_all(&[1; 10]).await.unwrap();
        socket.shutdown().await.unwrap();
        let err = server
            .await
            .unwrap()
            .expect("the server must report the cut");
        assert!(
            matches!(
                err,
                Error::TruncatedFrame {
                    expected: 104,
                    received: 14
                }
            ),
            "{err}"
        );
    }

    #[test]
    fn std_io_over_loopback() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let server = std::thread::spawn(move || {
            let (socket, _) = listener.accept().unwrap();
            let mut reader = FrameReader::new(std::io::BufReader::new(&socket));
            let mut writer = FrameWriter::new(std::io::BufWriter::new(&socket));
            while let Some(m) = reader.recv::<Msg>().unwrap() {
                writer.send(&m).unwrap();
                writer.flush().unwrap();
            }
        });
        let socket = std::net::TcpStream::connect(addr).unwrap();
        let mut writer = FrameWriter::new(&socket);
        let mut reader = FrameReader::new(&socket);
        for seq in 0..200 {
            writer.send(&msg(seq)).unwrap();
            assert_eq!(reader.recv::<Msg>().unwrap(), Some(msg(seq)));
        }
        socket.shutdown(std::net::Shutdown::Write).unwrap();
        assert!(reader.recv::<Msg>().unwrap().is_none());
        server.join().unwrap();
    }
}
