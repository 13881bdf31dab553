//! Pools that hold zero-copy images: a few thousand records written as
//! layout images into an arena region, viewed in place (no decode, no copy
//! out), and freed as one region; then the arena's diagnostics report.
//!
//! What the region holds is already the bytes a file, another process or a
//! socket would receive: each image is exactly `barewire::to_layout(&record)`,
//! 64-byte aligned so `barewire::view` reads it where it lies.
//!
//! Run with `cargo run -p barewire-examples --example pool_images`.

use barewire::Bare;
use barewire_pool::Arena;

#[derive(Bare, Debug, Clone, PartialEq)]
struct Reading {
    id: u64,
    sensor: String,
    samples: Vec<f32>,
    ok: bool,
}

fn reading(i: u64) -> Reading {
    Reading {
        id: i,
        sensor: format!("sensor-{:03}", i % 250),
        samples: (0..(i % 8)).map(|s| (i + s) as f32 / 10.0).collect(),
        ok: i % 13 != 0,
    }
}

const RECORDS: u64 = 5_000;

fn main() {
    let mut arena = Arena::with_capacity_fixed(512 << 10);
    {
        let region = arena.region();
        // Write: one image per record, each in the region (built by
        // `to_layout`, then copied once into the arena).
        let images: Vec<&[u8]> = (0..RECORDS)
            .map(|i| &*region.alloc_image(&reading(i)))
            .collect();
        let image_bytes: usize = images.iter().map(|b| b.len()).sum();
        println!(
            "{RECORDS} images in one region: {image_bytes} image bytes, {} bytes of the region in use",
            region.bytes_in_use()
        );

        // Read: view each image in place.
        let mut failed = 0;
        let mut samples = 0usize;
        let mut total = 0.0f64;
        for (i, image) in images.iter().enumerate() {
            let view = barewire::view::<Reading>(image).expect("a valid image");
            assert_eq!(view.id(), i as u64);
            if !view.ok() {
                failed += 1;
            }
            let list = view.samples();
            samples += list.len();
            total += list.iter().map(f64::from).sum::<f64>();
        }
        let last = barewire::view::<Reading>(images[images.len() - 1]).expect("a valid image");
        println!(
            "viewed in place: {failed} readings not ok, {samples} samples summing to {total:.1}; last sensor {}",
            last.sensor().as_str().expect("UTF-8")
        );
    } // the region ends: every image is given back at once
    assert_eq!(arena.bytes_in_use(), 0);
    println!("region ended: {} bytes in use\n", arena.bytes_in_use());
    print!("{}", arena.report());
}
