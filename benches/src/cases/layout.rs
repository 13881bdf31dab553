//! barewire layout's cases: write, access in place (unchecked and
//! checked), and update in place.

use std::hint::black_box;
use std::rc::Rc;

use barewire::layout::{self, LayoutBuf};

use crate::cases::dataset::LayoutDataset;
use crate::cases::{Case, format, memcpy_case, op};

/// barewire layout: write (`to_layout`; reports the image size), access
/// unchecked plus read (`view_trusted`, as rkyv's `access_unchecked`; one
/// scalar per record, and every field where the dataset has a view reader),
/// checked access plus the same reads (one scalar after `view`'s
/// structural check; every field after `check_full`), every field read
/// through a view checked once before, and update in place (one scalar per
/// record) through an `ImageMut` checked once, and after `view_mut`'s check
/// on every run. Also a memcpy of the image's size ([`op::COPY_LAYOUT`]),
/// the limit of the write.
pub fn layout_cases<D: LayoutDataset>(data: &Rc<D>, out: &mut Vec<Case>) {
    let image = barewire::to_layout(&**data);
    let back: D = layout::to_owned::<D>(&image).expect("barewire reads its own layout");
    assert!(back == **data, "{}: layout round trip differs", D::NAME);
    let scalar = data.scalar();
    {
        // `image` was written by `to_layout` for a `D` just above and is
        // not changed: the unchecked view reads what was written.
        let unchecked = barewire::view_unchecked::<D>(&image);
        assert_eq!(
            D::scalar_view(&unchecked),
            scalar,
            "{}: layout scalar",
            D::NAME
        );
        let checked = barewire::view::<D>(&image).expect("view of a written image");
        assert_eq!(
            D::scalar_view(&checked),
            scalar,
            "{}: layout scalar",
            D::NAME
        );
    }
    let reads_all = {
        let full = layout::check_full::<D>(&image).expect("full check of a written image");
        match D::read_view(&full) {
            Some(sum) => {
                let sum = sum.expect("layout strings are UTF-8");
                assert_eq!(sum, data.read(), "{}: layout read", D::NAME);
                true
            }
            None => false,
        }
    };
    let mut updated = image.clone();
    {
        let mut view = barewire::view_mut::<D>(&mut updated).expect("mutable view");
        assert!(D::set_view(&mut view) > 0, "{}: layout update", D::NAME);
    }
    let mut expected = (**data).clone();
    expected.set_value();
    let back: D = layout::to_owned::<D>(&updated).expect("updated image");
    assert!(back == expected, "{}: layout update differs", D::NAME);
    let n = image.len();

    let d = data.clone();
    out.push(Case::new(format::LAYOUT, op::ENCODE, n, move || {
        barewire::to_layout(black_box(&*d)).len()
    }));
    memcpy_case(n, op::COPY_LAYOUT, out);
    let image = Rc::new(image);
    let scalar = (op::ACCESS_SCALAR, op::ACCESS_CHECKED_SCALAR);
    view_cases::<D>(&image, scalar, false, |v| D::scalar_view(v), out);
    if reads_all {
        let read = |v: &D::View<'_>| D::read_view(v).unwrap().unwrap();
        view_cases::<D>(&image, (op::ACCESS, op::ACCESS_CHECKED), true, read, out);
        // One image for the whole run, so that the view checked once can
        // live in the case.
        let checked: &'static LayoutBuf = Box::leak(Box::new((*image).clone()));
        let view = layout::check_full::<D>(checked).expect("full check of a written image");
        out.push(Case::new(format::LAYOUT, op::READ_CHECKED, n, move || {
            read(black_box(&view)) as usize
        }));
    }
    let mut image = barewire::ImageMut::<D, _>::new(updated.clone()).expect("an image to update");
    out.push(Case::new(format::LAYOUT, op::UPDATE, n, move || {
        let mut v = black_box(&mut image).view_mut();
        D::set_view(&mut v)
    }));
    let mut buf = updated;
    out.push(Case::new(
        format::LAYOUT,
        op::UPDATE_CHECKED,
        n,
        move || {
            let mut v = barewire::view_mut::<D>(black_box(&mut buf[..])).unwrap();
            D::set_view(&mut v)
        },
    ));
}

/// Two cases that view the image in `image` and `read` it: unchecked
/// (`ops.0`, `view_trusted`) and checked (`ops.1`: `check_full` when `full`,
/// `view`'s structural check otherwise). `read` is a closure, so each case
/// calls it directly.
fn view_cases<D: LayoutDataset>(
    image: &Rc<LayoutBuf>,
    ops: (&'static str, &'static str),
    full: bool,
    read: impl Fn(&D::View<'_>) -> u64 + Copy + 'static,
    out: &mut Vec<Case>,
) {
    let n = image.len();
    let i = image.clone();
    out.push(Case::new(format::LAYOUT, ops.0, n, move || {
        // SAFETY: `i` holds the image `to_layout` wrote for `D` in
        // `layout_cases`, which `check_full` accepted before this case was
        // built; it is never modified.
        let v = unsafe { layout::view_trusted::<D>(black_box(&i[..])) };
        read(&v) as usize
    }));
    let i = image.clone();
    out.push(Case::new(format::LAYOUT, ops.1, n, move || {
        let bytes = black_box(&i[..]);
        let v = if full {
            layout::check_full::<D>(bytes).unwrap()
        } else {
            barewire::view::<D>(bytes).unwrap()
        };
        read(&v) as usize
    }));
}
