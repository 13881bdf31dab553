//! Encode, decode and describe a derived type: the five-minute tour.
//!
//! Run with `cargo run --release -p barewire-examples --example quickstart`.

use std::collections::BTreeMap;

use barewire::{Bare, SliceDecoder};

/// One web-server log line.
#[derive(Bare, Debug, Clone, PartialEq)]
struct Log {
    address: [u8; 4],
    request: String,
    code: u16,
    size: u64,
    tags: BTreeMap<String, String>,
}

/// The same record, decoded without copying its strings.
#[derive(Bare, Debug, PartialEq)]
struct LogRef<'a> {
    address: [u8; 4],
    request: &'a str,
    code: u16,
    size: u64,
    tags: BTreeMap<&'a str, &'a str>,
}

/// What happened to a request.
#[derive(Bare, Debug, Clone, PartialEq)]
enum Outcome {
    Served(Log),
    Rejected { reason: String },
    Dropped,
}

fn main() -> Result<(), barewire::Error> {
    let log = Log {
        address: [192, 168, 0, 7],
        request: "GET /index.html".into(),
        code: 200,
        size: 5120,
        tags: BTreeMap::from([("cache".into(), "hit".into())]),
    };

    let bytes = barewire::to_vec(&log);
    println!("encoded Log into {} bytes: {}", bytes.len(), hex(&bytes));

    let owned: Log = barewire::from_slice(&bytes)?;
    assert_eq!(owned, log);
    println!("decoded (owned):    {owned:?}");

    let borrowed: LogRef<'_> = barewire::from_slice(&bytes)?;
    let inside = bytes.as_ptr_range().contains(&borrowed.request.as_ptr());
    println!(
        "decoded (borrowed): request {:?} points into the input: {inside}",
        borrowed.request
    );

    let mut stream = Vec::new();
    for outcome in [
        Outcome::Served(log.clone()),
        Outcome::Rejected {
            reason: "rate limited".into(),
        },
        Outcome::Dropped,
    ] {
        barewire::encode_into(&outcome, &mut stream);
    }
    let mut decoder = SliceDecoder::new(&stream);
    let mut count = 0;
    while let Some(outcome) = decoder.decode::<Outcome>()? {
        count += 1;
        println!("message {count}: {outcome:?}");
    }

    match barewire::from_slice::<Log>(&bytes[..bytes.len() - 1]) {
        Err(e) => println!("a truncated message is rejected: {e}"),
        Ok(_) => unreachable!("a strict prefix never decodes"),
    }

    println!(
        "\nBARE schema of Outcome:\n{}",
        barewire::schema::<Outcome>()
    );
    Ok(())
}

fn hex(bytes: &[u8]) -> String {
    bytes
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect::<Vec<_>>()
        .join(" ")
}
