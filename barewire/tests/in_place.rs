//! Lists of plain records read in place as `&[T]`: the derive proves what
//! is needed (`Layout::IN_PLACE`), the library supplies the cast; no
//! `unsafe` and no bytemuck in user code.

use barewire::{Bare, Layout};

#[derive(Layout, Debug, Clone, Copy, PartialEq)]
#[repr(C)]
struct Vertex {
    #[bare(field = 0)]
    position: [f32; 3],
    #[bare(field = 1)]
    id: u32,
}

#[derive(Bare, Debug, Clone, Copy, PartialEq)]
#[bare(order = "declared")]
struct Sample {
    at: u64,
    value: f64,
}

#[derive(Bare, Debug, Clone, Copy, PartialEq)]
struct Flagged {
    value: u32,
    on: bool,
}

#[test]
fn explicit_records_read_as_a_slice() {
    let vertices: Vec<Vertex> = (0..5)
        .map(|i| Vertex {
            position: [i as f32, 1.0, 2.0],
            id: i,
        })
        .collect();
    assert!(<Vertex as barewire::Layout>::IN_PLACE.is_plain());
    let image = barewire::to_layout(&vertices);
    let view = barewire::view::<Vec<Vertex>>(&image).unwrap();
    let slice: &[Vertex] = view.as_slice();
    assert_eq!(slice, &vertices[..]);
    // Borrowed from the image, not copied.
    let range = image.as_ptr_range();
    assert!(range.contains(&slice.as_ptr().cast::<u8>()));
}

#[test]
fn derived_records_of_numbers_read_as_a_slice() {
    let samples: Vec<Sample> = (0..4)
        .map(|i| Sample {
            at: i,
            value: i as f64 / 2.0,
        })
        .collect();
    assert!(<Sample as barewire::Layout>::IN_PLACE.is_plain());
    let image = barewire::to_layout(&samples);
    let view = barewire::view::<Vec<Sample>>(&image).unwrap();
    assert_eq!(view.as_slice(), &samples[..]);
}

#[test]
fn records_with_a_bool_do_not_claim_any_bytes() {
    // A `bool` accepts only 0 and 1, so a record holding one cannot be read
    // from arbitrary bytes: no claim (and `as_slice` does not build for it:
    // the compile_fail example in `SpanView::as_slice`'s docs).
    assert!(!<Flagged as barewire::Layout>::IN_PLACE.is_plain());
    assert!(!<bool as barewire::Layout>::IN_PLACE.is_plain());
}

#[test]
fn lists_of_plain_records_rebuild_as_one_copy_and_images_reuse_a_buffer() {
    let samples: Vec<Sample> = (0..1000)
        .map(|i| Sample {
            at: i,
            value: i as f64,
        })
        .collect();
    let mut buf = barewire::LayoutBuf::new();
    barewire::to_layout_into(&samples, &mut buf);
    assert_eq!(
        barewire::layout::to_owned::<Vec<Sample>>(&buf).unwrap(),
        samples
    );
    let vertices = vec![
        Vertex {
            position: [1.0, 2.0, 3.0],
            id: 9
        };
        3
    ];
    let first = buf.as_ptr();
    barewire::to_layout_into(&vertices, &mut buf);
    // A smaller image reuses the allocation.
    assert_eq!(buf.as_ptr(), first);
    assert_eq!(
        barewire::layout::to_owned::<Vec<Vertex>>(&buf).unwrap(),
        vertices
    );
    assert_eq!(buf.len(), barewire::to_layout(&vertices).len());
}
