//! A tokio client and server exchanging framed BARE messages on 127.0.0.1.
//!
//! ```text
//! cargo run -p barewire-examples --example tcp_frames [-- COUNT]
//! ```
//!
//! The server answers each `Request` with a `Response`; the client keeps
//! all requests in flight (a writer task runs ahead of the reader) and
//! checks every answer. `BareCodec` plugs into `tokio_util::codec` (`Framed`, `FramedRead`,
//! `FramedWrite`).

use std::time::Instant;

use barewire::Bare;
use barewire::frame::BareCodec;
use futures_util::{SinkExt, StreamExt};
use tokio::net::{TcpListener, TcpStream};
use tokio_util::codec::{FramedRead, FramedWrite};

#[derive(Bare, Debug, Clone, PartialEq)]
struct Request {
    id: u64,
    path: String,
}

#[derive(Bare, Debug, Clone, PartialEq)]
enum Status {
    Ok = 0,
    NotFound = 1,
}

#[derive(Bare, Debug, Clone, PartialEq)]
struct Response {
    id: u64,
    status: Status,
    body: Vec<u8>,
}

async fn serve(listener: TcpListener) -> Result<u64, barewire::Error> {
    let (socket, peer) = listener.accept().await?;
    println!("server: connection from {peer}");
    let (read_half, write_half) = socket.into_split();
    let mut requests = FramedRead::new(read_half, BareCodec::<Request>::new());
    let mut responses = FramedWrite::new(write_half, BareCodec::<Response>::new());
    let mut answered = 0;
    while let Some(request) = requests.next().await {
        let request = request?;
        let found = !request.path.ends_with("/missing");
        let response = Response {
            id: request.id,
            status: if found { Status::Ok } else { Status::NotFound },
            body: if found {
                request.path.into_bytes()
            } else {
                Vec::new()
            },
        };
        responses.feed(response).await?;
        // Flush when no complete request is waiting: batches under load.
        if requests.read_buffer().is_empty() {
            responses.flush().await?;
        }
        answered += 1;
    }
    responses.close().await?;
    Ok(answered)
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), barewire::Error> {
    let count: u64 = std::env::args()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(10_000);
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    println!("server: listening on {addr}");
    let server = tokio::spawn(serve(listener));

    let start = Instant::now();
    let socket = TcpStream::connect(addr).await?;
    let (read_half, write_half) = socket.into_split();
    let mut requests = FramedWrite::new(write_half, BareCodec::<Request>::new());
    let mut responses = FramedRead::new(read_half, BareCodec::<Response>::new());
    let writer = tokio::spawn(async move {
        for id in 0..count {
            let path = if id % 100 == 99 {
                format!("/item/{id}/missing")
            } else {
                format!("/item/{id}")
            };
            requests.feed(Request { id, path }).await?;
        }
        requests.close().await?;
        Ok::<_, barewire::Error>(())
    });
    let mut not_found = 0;
    for id in 0..count {
        let response = responses.next().await.expect("a response per request")?;
        assert_eq!(response.id, id);
        if response.status == Status::NotFound {
            not_found += 1;
        }
    }
    writer.await.expect("writer task")?;
    let answered = server.await.expect("server task")?;
    let elapsed = start.elapsed();
    println!(
        "client: {count} requests, {not_found} not found, in {:.1} ms ({:.0} messages/s each way); server answered {answered}",
        elapsed.as_secs_f64() * 1e3,
        count as f64 / elapsed.as_secs_f64()
    );
    Ok(())
}
