//! Write a layout image of a few thousand records, view it in place, print
//! the record type's layout table, and read and update fields without
//! decoding anything.
//!
//! Run with `cargo run --release -p barewire-examples --example layout_records`.

use std::time::Instant;

use barewire::Bare;
use barewire::layout::{self, LayoutTable};

/// One web-server log line.
#[derive(Bare, Debug, Clone, PartialEq)]
struct Log {
    address: [u8; 4],
    user: String,
    request: String,
    code: u16,
    size: u64,
    cached: bool,
}

/// The whole log.
#[derive(Bare, Debug, Clone, PartialEq)]
struct Logs {
    host: String,
    records: Vec<Log>,
}

fn main() -> Result<(), barewire::Error> {
    let logs = Logs {
        host: "www.example.org".into(),
        records: (0..5_000u32)
            .map(|i| Log {
                address: [10, 0, (i >> 8) as u8, i as u8],
                user: if i % 3 == 0 {
                    "-".into()
                } else {
                    format!("user{}", i % 97)
                },
                request: format!("GET /articles/{}/comments?page={}", i % 500, i % 7),
                code: [200, 200, 304, 404][i as usize % 4],
                size: u64::from(i) * 37 % 100_000,
                cached: i % 5 == 0,
            })
            .collect(),
    };

    println!("{}", LayoutTable::of::<Log>());

    let start = Instant::now();
    let mut image = barewire::to_layout(&logs);
    println!(
        "wrote a layout image of {} records: {} bytes in {:?} (wire encoding: {} bytes)",
        logs.records.len(),
        image.len(),
        start.elapsed(),
        barewire::to_vec(&logs).len()
    );

    let start = Instant::now();
    let view = barewire::view::<Logs>(&image)?;
    let checked = start.elapsed();
    let records = view.records();
    let not_found = records.iter().filter(|r| r.code() == 404).count();
    let bytes: u64 = records.iter().map(|r| r.size()).sum();
    println!(
        "checked the image in {checked:?}; host {:?}; {not_found} requests were 404, {bytes} bytes served",
        view.host().as_str()?
    );
    let r = records.get(1234).expect("record 1234");
    println!(
        "record 1234 read in place: {}.{}.{}.{} {} {:?} -> {}",
        r.address().as_array()[0],
        r.address().as_array()[1],
        r.address().as_array()[2],
        r.address().as_array()[3],
        r.user().as_str()?,
        r.request().as_str()?,
        r.code()
    );

    // Update scalars in place: lengths, offsets and tags cannot change.
    let mut edit = barewire::view_mut::<Logs>(&mut image)?;
    let mut list = edit.records_mut();
    for i in 0..list.len() {
        let mut record = list.get_mut(i).expect("in range");
        if record.code_mut().get() == 304 {
            record.code_mut().set(200);
        }
    }
    let after = barewire::view::<Logs>(&image)?;
    let still_304 = after.records().iter().filter(|r| r.code() == 304).count();
    println!("after the in-place update, {still_304} records say 304");

    let back: Logs = layout::to_owned(&image)?;
    assert_eq!(back.records.len(), logs.records.len());
    assert_eq!(back.records[1234].request, logs.records[1234].request);
    println!(
        "rebuilt the owned value from the image: {} records",
        back.records.len()
    );
    Ok(())
}
