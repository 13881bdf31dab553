//! Pools that hold zero-copy images: layout images written into an arena or
//! a region, viewed in place, and given back with the region.

use barewire::Bare;
use barewire_pool::{AllocError, Arena};

#[derive(Bare, Debug, Clone, PartialEq)]
struct Record {
    id: u64,
    name: String,
    tags: Vec<u32>,
    score: f64,
}

fn record(i: u64) -> Record {
    Record {
        id: i,
        name: format!("record {i}"),
        tags: (0..(i % 5) as u32).collect(),
        score: i as f64 / 4.0,
    }
}

#[test]
fn images_in_a_region_are_viewed_in_place_and_freed_with_it() {
    let mut arena = Arena::new();
    arena.alloc_slice_copy(&[1u8; 3]);
    let before = arena.bytes_in_use();
    let first_image_at;
    {
        let region = arena.region();
        let images: Vec<&[u8]> = (0..50).map(|i| &*region.alloc_image(&record(i))).collect();
        first_image_at = images[0].as_ptr() as usize;
        for (i, image) in images.iter().enumerate() {
            assert_eq!(image.as_ptr() as usize % barewire::layout::MAX_ALIGN, 0);
            // The bytes are exactly what `to_layout` gives a file or socket.
            assert_eq!(*image, &barewire::to_layout(&record(i as u64))[..]);
            // Viewed where they lie: no copy, no decode.
            let view = barewire::view::<Record>(image).unwrap();
            assert_eq!(view.id(), i as u64);
            assert_eq!(view.name().as_str().unwrap(), format!("record {i}"));
            assert_eq!(view.tags().len(), i % 5);
            assert_eq!(view.score(), i as f64 / 4.0);
        }
        // Images never overlap.
        let mut spans: Vec<_> = images
            .iter()
            .map(|b| (b.as_ptr() as usize, b.as_ptr() as usize + b.len()))
            .collect();
        spans.sort();
        assert!(spans.windows(2).all(|w| w[0].1 <= w[1].0));
        assert!(region.bytes_in_use() >= images.iter().map(|b| b.len()).sum::<usize>());
    }
    // The region ended: its images are given back...
    assert_eq!(arena.bytes_in_use(), before);
    // ...and the next region reuses the same bytes.
    let region = arena.region();
    let again = region.alloc_image(&record(0));
    assert_eq!(again.as_ptr() as usize, first_image_at);
}

#[test]
fn images_can_be_changed_in_place() {
    let arena = Arena::new();
    let image = arena.alloc_image(&record(3));
    {
        let mut view = barewire::view_mut::<Record>(image).unwrap();
        view.score_mut().set(99.5);
    }
    let back = barewire::layout::to_owned::<Record>(image).unwrap();
    assert_eq!(back.score, 99.5);
    assert_eq!(back.name, "record 3");
}

#[test]
fn received_bytes_are_held_as_images() {
    let wire = barewire::to_layout(&vec![record(1), record(2)]);
    let mut arena = Arena::with_capacity_fixed(4096);
    {
        let region = arena.region();
        // Deliberately misalign the region's bump pointer first.
        region.alloc_slice_copy(&[0u8; 3]);
        let image = region.alloc_image_bytes(&wire);
        let list = barewire::view::<Vec<Record>>(image).unwrap();
        assert_eq!(list.len(), 2);
        assert_eq!(list.get(1).unwrap().name().as_str().unwrap(), "record 2");
    }
    assert_eq!(arena.bytes_in_use(), 0);
}

#[test]
fn a_fixed_arena_says_when_an_image_does_not_fit() {
    let arena = Arena::with_capacity_fixed(256);
    let big = record(4000);
    let image_len = barewire::to_layout(&big).len();
    assert!(image_len <= 256);
    let mut held = 0;
    let err: AllocError = loop {
        match arena.try_alloc_image(&big) {
            Ok(image) => {
                assert!(barewire::view::<Record>(image).is_ok());
                held += 1;
            }
            Err(e) => break e,
        }
    };
    assert!(held >= 1);
    assert_eq!(err.requested, image_len);
    assert_eq!(err.align, 64);
    assert_eq!(err.capacity, 256);
    assert_eq!(arena.stats().exhaustions, 1);
}

/// Level 3: batches run directly over a span of explicit records in an
/// image, read as a slice in place (no `Vec` of views collected first), with
/// per-batch scratch memory and results through the atomic output.
#[test]
fn batches_run_over_a_span_of_explicit_records_in_an_image() {
    use barewire::layout::Builder;
    use barewire::{BareSpan, BareStr};
    use barewire_pool::{BatchConfig, par_batches};

    #[derive(barewire::Layout)]
    #[repr(C)]
    struct Corpus {
        docs: BareSpan<Doc>,
    }

    #[derive(barewire::Layout)]
    #[repr(C)]
    struct Doc {
        id: u32,
        text: BareStr,
    }

    let docs = if cfg!(miri) { 50 } else { 500 };
    let texts: Vec<String> = (0..docs)
        .map(|i| format!("document {i} has {} words", i % 7))
        .collect();
    let mut b = Builder::<Corpus>::new();
    let slots = b.reserve_span::<Doc>(texts.len());
    for (i, t) in texts.iter().enumerate() {
        let doc = Doc {
            id: i as u32,
            text: b.str(t),
        };
        b.put_item(slots, i, &doc);
    }
    let corpus = Corpus {
        docs: b.span_of(slots),
    };
    b.put(b.root(), &corpus);
    let image = b.finish();

    let view = barewire::view::<Corpus>(&image).unwrap();
    let docs: &[Doc] = view.span(&view.get().unwrap().docs).unwrap();
    let config = BatchConfig::new(64).threads(2);
    let run = par_batches(docs, &config, |scratch, batch, out| {
        let counts = scratch.alloc_slice_fill_copy(batch.len(), 0u32);
        for (count, doc) in counts.iter_mut().zip(batch) {
            *count = view.str(&doc.text).unwrap().split(' ').count() as u32;
        }
        for (count, doc) in counts.iter().zip(batch) {
            out.push((doc.id, *count)).unwrap();
        }
    });
    let mut results = run.results;
    results.sort();
    assert_eq!(results.len(), texts.len());
    for ((id, count), t) in results.iter().zip(&texts) {
        assert_eq!(*count as usize, t.split(' ').count(), "document {id}");
    }
}
