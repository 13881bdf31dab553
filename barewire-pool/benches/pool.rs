//! The performance targets, measured in one criterion run:
//!
//! * arena allocation of small values vs bumpalo (target: within 1.2x), both
//!   through `alloc` (an `Owned` handle that drops the value) and through
//!   `alloc_mut` (a plain `&mut T`, like `bumpalo::Bump::alloc`);
//! * `Pool<T>` allocate + free vs `Box::new` + drop (target: at most 1/4);
//! * checked `Handle` lookup vs slotmap's `get` (target: within 2x).
//!
//! `cargo bench -p barewire-pool --bench pool -- --warm-up-time 1 --measurement-time 3`

use std::hint::black_box;

use barewire_pool::{Arena, Pool};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

const N: usize = 1000;

fn arena_small(c: &mut Criterion) {
    let mut g = c.benchmark_group("alloc 1000 u64");
    g.throughput(Throughput::Elements(N as u64));
    let mut arena = Arena::with_capacity(64 << 10);
    g.bench_function("barewire_pool::Arena", |b| {
        b.iter(|| {
            for i in 0..N as u64 {
                black_box(&*arena.alloc(i));
            }
            arena.reset();
        })
    });
    // Like for like with bumpalo's `alloc`, which returns `&mut T` and never
    // drops: `alloc_mut` (no `Owned` handle).
    g.bench_function("barewire_pool::Arena::alloc_mut", |b| {
        b.iter(|| {
            for i in 0..N as u64 {
                black_box(&*arena.alloc_mut(i));
            }
            arena.reset();
        })
    });
    let mut bump = bumpalo::Bump::with_capacity(64 << 10);
    g.bench_function("bumpalo::Bump", |b| {
        b.iter(|| {
            for i in 0..N as u64 {
                black_box(&*bump.alloc(i));
            }
            bump.reset();
        })
    });
    g.finish();
}

fn pool_alloc_free(c: &mut Criterion) {
    let mut g = c.benchmark_group("alloc+free 1000 [u64; 4]");
    g.throughput(Throughput::Elements(N as u64));
    let pool = Pool::with_capacity(16);
    g.bench_function("barewire_pool::Pool", |b| {
        b.iter(|| {
            for i in 0..N as u64 {
                let v = pool.alloc([i; 4]);
                black_box(&*v);
            }
        })
    });
    g.bench_function("Box::new + drop", |b| {
        b.iter(|| {
            for i in 0..N as u64 {
                let v = Box::new([i; 4]);
                black_box(&*v);
            }
        })
    });
    g.finish();
}

fn handle_get(c: &mut Criterion) {
    let mut g = c.benchmark_group("get 1000 by key");
    g.throughput(Throughput::Elements(N as u64));
    let pool = Pool::new();
    let handles: Vec<_> = (0..N as u64).map(|i| pool.insert(i)).collect();
    g.bench_function("barewire_pool::Handle", |b| {
        b.iter(|| {
            let mut sum = 0;
            for h in &handles {
                sum += *pool.get(black_box(*h)).unwrap();
            }
            sum
        })
    });
    let mut map = slotmap::SlotMap::new();
    let keys: Vec<_> = (0..N as u64).map(|i| map.insert(i)).collect();
    g.bench_function("slotmap::SlotMap", |b| {
        b.iter(|| {
            let mut sum = 0;
            for k in &keys {
                sum += *map.get(black_box(*k)).unwrap();
            }
            sum
        })
    });
    g.finish();
}

criterion_group!(benches, arena_small, pool_alloc_free, handle_get);
criterion_main!(benches);
