//! A tiny deterministic PRNG (SplitMix64) and text helpers for the generators.

/// SplitMix64: a fast, seeded, reproducible generator. Not for cryptography.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// A generator whose sequence is fixed by `seed`.
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n > 0`), by multiply-shift (bias is negligible here).
    pub fn below(&mut self, n: u64) -> u64 {
        ((u128::from(self.next_u64()) * u128::from(n)) >> 64) as u64
    }

    /// A number in `lo..=hi`.
    pub fn range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.below(hi - lo + 1)
    }

    /// A `usize` in `lo..=hi`.
    pub fn len(&mut self, lo: usize, hi: usize) -> usize {
        self.range(lo as u64, hi as u64) as usize
    }

    /// A float in `[0, 1)`.
    pub fn unit_f32(&mut self) -> f32 {
        (self.next_u64() >> 40) as f32 / (1u64 << 24) as f32
    }

    /// A float in `[0, 1)`.
    pub fn unit_f64(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// True with probability `p`.
    pub fn chance(&mut self, p: f64) -> bool {
        self.unit_f64() < p
    }

    /// One item of `items` (not empty).
    pub fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len() as u64) as usize]
    }

    /// A lowercase pronounceable word of 1 to `max_syllables` syllables.
    pub fn word(&mut self, max_syllables: usize) -> String {
        const ONSETS: &[&str] = &[
            "b", "c", "d", "f", "g", "h", "k", "l", "m", "n", "p", "r", "s", "t", "v", "w", "st",
            "tr", "pl", "ch", "sh", "th", "gr", "br",
        ];
        const NUCLEI: &[&str] = &["a", "e", "i", "o", "u", "ai", "ou", "ea", "y"];
        const CODAS: &[&str] = &["", "", "", "n", "r", "s", "t", "l", "nd", "ck", "ng"];
        let mut w = String::new();
        for _ in 0..self.len(1, max_syllables) {
            w.push_str(self.pick(ONSETS));
            w.push_str(self.pick(NUCLEI));
            w.push_str(self.pick(CODAS));
        }
        w
    }
}

/// Order-dependent checksum over visited fields: the "read" step of the
/// access benchmarks, and a cross-check that two paths saw the same data.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Sum(pub u64);

impl Sum {
    /// Mixes one value in.
    #[inline]
    pub fn add(&mut self, x: u64) {
        self.0 = (self.0 ^ x).wrapping_mul(0x0000_0100_0000_01b3);
    }

    /// Mixes in a string: its length (the bytes are not touched, as a reader
    /// that only locates a string would not touch them).
    #[inline]
    pub fn str(&mut self, s: &str) {
        self.add(s.len() as u64);
    }

    /// Mixes in the bits of a float.
    #[inline]
    pub fn f32(&mut self, x: f32) {
        self.add(u64::from(x.to_bits()));
    }

    /// Mixes in the bits of a float.
    #[inline]
    pub fn f64(&mut self, x: f64) {
        self.add(x.to_bits());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deterministic_and_in_range() {
        let mut a = Rng::new(7);
        let mut b = Rng::new(7);
        for _ in 0..1000 {
            let x = a.range(3, 9);
            assert_eq!(x, b.range(3, 9));
            assert!((3..=9).contains(&x));
            assert!((0.0..1.0).contains(&a.unit_f32()));
            b.unit_f32();
        }
    }
}
