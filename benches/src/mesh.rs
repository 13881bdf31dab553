//! `mesh`: 125,000 triangles, each three vertices and a normal of `[f32; 3]`.

use barewire::Bare;
use serde::{Deserialize, Serialize};

use crate::rng::{Rng, Sum};

/// Triangles in the dataset.
pub const TRIANGLES: usize = 125_000;

/// One triangle: plain little-endian floats, 48 bytes on the wire.
#[derive(
    Bare,
    Serialize,
    Deserialize,
    rkyv::Archive,
    rkyv::Serialize,
    rkyv::Deserialize,
    Debug,
    Clone,
    Copy,
    PartialEq,
)]
pub struct Triangle {
    /// First vertex.
    pub v0: [f32; 3],
    /// Second vertex.
    pub v1: [f32; 3],
    /// Third vertex.
    pub v2: [f32; 3],
    /// Unit normal.
    pub normal: [f32; 3],
}

/// The dataset. It has no borrowed form: wire bytes are unaligned, so a
/// list of floats is copied out either way.
#[derive(
    Bare,
    Serialize,
    Deserialize,
    rkyv::Archive,
    rkyv::Serialize,
    rkyv::Deserialize,
    Debug,
    Clone,
    PartialEq,
)]
pub struct Mesh {
    /// The triangles.
    pub triangles: Vec<Triangle>,
}

fn sub(a: [f32; 3], b: [f32; 3]) -> [f32; 3] {
    [a[0] - b[0], a[1] - b[1], a[2] - b[2]]
}

impl Mesh {
    /// Generates [`TRIANGLES`] random triangles from `seed`.
    pub fn generate(seed: u64) -> Self {
        let mut rng = Rng::new(seed);
        let mut point = || {
            [
                rng.unit_f32() * 200.0 - 100.0,
                rng.unit_f32() * 200.0 - 100.0,
                rng.unit_f32() * 200.0 - 100.0,
            ]
        };
        let triangles = (0..TRIANGLES)
            .map(|_| {
                let (v0, v1, v2) = (point(), point(), point());
                let (a, b) = (sub(v1, v0), sub(v2, v0));
                let n = [
                    a[1] * b[2] - a[2] * b[1],
                    a[2] * b[0] - a[0] * b[2],
                    a[0] * b[1] - a[1] * b[0],
                ];
                let len = (n[0] * n[0] + n[1] * n[1] + n[2] * n[2]).sqrt().max(1e-30);
                let normal = [n[0] / len, n[1] / len, n[2] / len];
                Triangle { v0, v1, v2, normal }
            })
            .collect();
        Mesh { triangles }
    }

    /// Reads every float into a checksum.
    pub fn read(&self) -> u64 {
        let mut s = Sum::default();
        for t in &self.triangles {
            for v in [t.v0, t.v1, t.v2, t.normal] {
                v.iter().for_each(|&x| s.f32(x));
            }
        }
        s.0
    }
}

impl ArchivedMesh {
    /// Reads every float in place, as [`Mesh::read`] does.
    pub fn read(&self) -> u64 {
        let mut s = Sum::default();
        for t in self.triangles.iter() {
            for v in [&t.v0, &t.v1, &t.v2, &t.normal] {
                v.iter().for_each(|x| s.f32(x.to_native()));
            }
        }
        s.0
    }
}

// ---- read one scalar, and the zero-copy layout ---------------------------

impl Mesh {
    /// The sum of the bits of every triangle's first coordinate (`v0[0]`):
    /// the "read one scalar from every record" step of the access benchmarks.
    pub fn sum_x(&self) -> u64 {
        self.triangles
            .iter()
            .map(|t| u64::from(t.v0[0].to_bits()))
            .sum()
    }

    /// [`MeshLayout::set_x`] on the owned value.
    pub fn set_x(&mut self, x: f32) {
        self.triangles.iter_mut().for_each(|t| t.v0[0] = x);
    }
}

impl ArchivedMesh {
    /// [`Mesh::sum_x`] in place.
    pub fn sum_x(&self) -> u64 {
        self.triangles
            .iter()
            .map(|t| u64::from(t.v0[0].to_native().to_bits()))
            .sum()
    }
}

impl MeshLayout<&[u8]> {
    /// [`Mesh::sum_x`] in place.
    pub fn sum_x(&self) -> u64 {
        self.triangles()
            .iter()
            .map(|t| u64::from(t.v0().get(0).expect("three coordinates").to_bits()))
            .sum()
    }

    /// Reads every float in place, as [`Mesh::read`] does.
    pub fn read(&self) -> u64 {
        let mut s = Sum::default();
        for t in self.triangles().iter() {
            for v in [t.v0(), t.v1(), t.v2(), t.normal()] {
                v.as_slice().iter().for_each(|&x| s.f32(x));
            }
        }
        s.0
    }
}

impl MeshLayout<&mut [u8]> {
    /// Sets every triangle's first coordinate in place; returns the number
    /// of triangles.
    pub fn set_x(&mut self, x: f32) -> usize {
        let mut triangles = self.triangles_mut();
        for i in 0..triangles.len() {
            let mut t = triangles.get_mut(i).expect("index below len");
            t.v0_mut().get_mut(0).expect("three coordinates").set(x);
        }
        triangles.len()
    }
}
