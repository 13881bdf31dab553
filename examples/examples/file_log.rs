//! A log written by one run and read in place by the next.
//!
//! ```text
//! cargo run -p barewire-examples --example file_log            # creates target/access-log.img
//! cargo run -p barewire-examples --example file_log            # opens it, views it in place
//! cargo run -p barewire-examples --example file_log -- PATH    # another path
//! ```
//!
//! The first run writes a layout image with a typed header; every later run
//! maps the file, checks its header (O(1)), views the root in place,
//! verifies the checksum, and appends one entry by writing a new image
//! (barewire replaces files atomically, never in place).

use std::path::{Path, PathBuf};

use barewire::Bare;
use barewire::mmap::{self, ImageFile};

#[derive(Bare, Debug, Clone, PartialEq)]
struct Entry {
    address: [u8; 4],
    request: String,
    code: u16,
    size: u64,
}

#[derive(Bare, Debug, Clone, PartialEq)]
struct AccessLog {
    host: String,
    runs: u32,
    entries: Vec<Entry>,
}

fn main() -> Result<(), barewire::Error> {
    let path = std::env::args_os()
        .nth(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            let workspace = Path::new(env!("CARGO_MANIFEST_DIR"))
                .parent()
                .expect("in a workspace");
            workspace.join("target").join("access-log.img")
        });

    if !path.exists() {
        let log = AccessLog {
            host: "example.org".into(),
            runs: 1,
            entries: (0..1000u32)
                .map(|i| Entry {
                    address: [10, 0, (i >> 8) as u8, i as u8],
                    request: format!("GET /page/{i}"),
                    code: if i % 10 == 0 { 404 } else { 200 },
                    size: u64::from(i) * 100,
                })
                .collect(),
        };
        mmap::write_file(&path, &log)?;
        println!(
            "created {} ({} entries, {} bytes); run again to open it",
            path.display(),
            log.entries.len(),
            std::fs::metadata(&path)?.len()
        );
        return Ok(());
    }

    // SAFETY: only this example writes the file, and barewire's writers
    // replace it by renaming, never modifying or truncating it in place.
    let file = unsafe { ImageFile::<AccessLog>::open(&path)? };
    let log = file.view()?;
    let entries = log.entries();
    let not_found = entries.iter().filter(|e| e.code() == 404).count();
    let last = entries.get(entries.len() - 1).expect("a non-empty log");
    println!(
        "opened {}: host {}, written by {} run(s), {} entries, {} not found, last: {} {}",
        path.display(),
        log.host().as_str()?,
        log.runs(),
        entries.len(),
        not_found,
        last.request().as_str()?,
        last.code(),
    );
    file.verify()?;
    println!("checksum verified");

    // Append one entry: rebuild and write a new image.
    let mut owned = file.to_owned()?;
    drop(file);
    owned.runs += 1;
    owned.entries.push(Entry {
        address: [127, 0, 0, 1],
        request: format!("GET /run/{}", owned.runs),
        code: 200,
        size: 0,
    });
    mmap::write_file(&path, &owned)?;
    println!("wrote run {} back", owned.runs);
    Ok(())
}
