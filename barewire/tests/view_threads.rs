//! Views are shared across threads and split into sub-lists: every shared
//! view is `Copy + Send + Sync` whatever its item type is (it holds the
//! image's bytes and positions only), and `SpanView::slice` / `split_at`
//! never panic.

use barewire::Bare;
use barewire::layout::{ArrayView, Layout, MapView, SpanView, StrView};

#[derive(Bare, Debug, Clone, PartialEq)]
struct Record {
    id: u64,
    name: String,
    score: f64,
    tags: Vec<u16>,
}

#[derive(Bare, Debug, Clone, PartialEq)]
struct Corpus {
    title: String,
    records: Vec<Record>,
}

fn shared<T: Copy + Send + Sync>() {}

#[test]
fn views_are_send_and_sync() {
    shared::<SpanView<'_, Record>>();
    shared::<SpanView<'_, String>>();
    shared::<StrView<'_>>();
    shared::<ArrayView<'_, u32, 4>>();
    shared::<MapView<'_, String, u64>>();
    shared::<<Record as Layout>::View<'_>>();
    shared::<<Corpus as Layout>::View<'_>>();
    shared::<<Option<Record> as Layout>::View<'_>>();
    shared::<<(u8, String) as Layout>::View<'_>>();
    // An item type that is neither `Send` nor `Sync` does not matter: the
    // view holds none of its values.
    shared::<SpanView<'_, std::rc::Rc<u8>>>();
    shared::<SpanView<'_, std::cell::Cell<u8>>>();
}

fn records(n: u64) -> Vec<Record> {
    (0..n)
        .map(|i| Record {
            id: i,
            name: format!("record number {i}"),
            score: i as f64 / 4.0,
            tags: (0..(i % 4) as u16).collect(),
        })
        .collect()
}

#[test]
fn threads_share_one_image_and_split_its_list() {
    let corpus = Corpus {
        title: "corpus".into(),
        records: records(1000),
    };
    let image = barewire::to_layout(&corpus);
    let view = barewire::view::<Corpus>(&image).unwrap();
    let list = view.records();
    let (left, right) = list.split_at(400).unwrap();
    let sum = |part: SpanView<'_, Record>| -> u64 { part.iter().map(|r| r.id()).sum() };
    let (a, b) = std::thread::scope(|s| {
        let a = s.spawn(move || sum(left));
        let b = s.spawn(move || sum(right));
        (a.join().unwrap(), b.join().unwrap())
    });
    assert_eq!(a + b, (0..1000).sum::<u64>());
    assert_eq!(left.len(), 400);
    assert_eq!(right.get(0).map(|r| r.id()), Some(400));
}

#[test]
fn slices_match_the_items_they_cover() {
    let items = records(37);
    let image = barewire::to_layout(&items);
    let list = barewire::view::<Vec<Record>>(&image).unwrap();
    for start in 0..=items.len() {
        for end in start..=items.len() {
            let part = list.slice(start..end).unwrap();
            assert_eq!(part.len(), end - start);
            let names: Vec<&str> = part.iter().map(|r| r.name().as_str().unwrap()).collect();
            let expected: Vec<&str> = items[start..end].iter().map(|r| r.name.as_str()).collect();
            assert_eq!(names, expected);
        }
    }
    assert_eq!(list.slice(..).map(|s| s.len()), Some(37));
    assert_eq!(list.slice(36..=36).map(|s| s.len()), Some(1));
}

#[test]
fn out_of_range_slices_are_none() {
    let image = barewire::to_layout(&records(5));
    let list = barewire::view::<Vec<Record>>(&image).unwrap();
    #[allow(clippy::reversed_empty_ranges)]
    let backwards = list.slice(3..2);
    assert!(backwards.is_none());
    assert!(list.slice(0..6).is_none());
    assert!(list.slice(6..).is_none());
    assert!(list.slice(..=5).is_none());
    assert!(list.slice(..=usize::MAX).is_none());
    assert!(
        list.slice((
            std::ops::Bound::Excluded(usize::MAX),
            std::ops::Bound::Unbounded
        ))
        .is_none()
    );
    assert!(list.split_at(6).is_none());
    let (all, none) = list.split_at(5).unwrap();
    assert_eq!((all.len(), none.len()), (5, 0));
    assert!(none.iter().next().is_none());
    assert_eq!(none.as_bytes(), &[] as &[u8]);
    // An empty list slices to empty lists only.
    let image = barewire::to_layout(&Vec::<Record>::new());
    let empty = barewire::view::<Vec<Record>>(&image).unwrap();
    assert_eq!(empty.slice(..).map(|s| s.len()), Some(0));
    assert!(empty.slice(0..1).is_none());
}

#[test]
fn slices_of_plain_items_read_in_place() {
    let numbers: Vec<u64> = (0..100).collect();
    let image = barewire::to_layout(&numbers);
    let list = barewire::view::<Vec<u64>>(&image).unwrap();
    assert_eq!(list.slice(10..20).unwrap().as_slice(), &numbers[10..20]);
}
