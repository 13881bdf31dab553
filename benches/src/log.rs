//! `log`: 10,000 web-server log records.

use barewire::Bare;
use barewire_pool::{ArenaString, ArenaVec};
use serde::{Deserialize, Serialize};

use crate::rng::{Rng, Sum};

/// Records in the dataset.
pub const RECORDS: usize = 10_000;

/// One access-log line. `S` is `String` (owned) or `&str` (borrowed).
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
pub struct Log<S> {
    /// Client IPv4 address.
    pub address: [u8; 4],
    /// Authenticated user, or `-`.
    pub user: S,
    /// The request line.
    pub request: S,
    /// The referring page, or `-`.
    pub referrer: S,
    /// The client's user agent.
    pub agent: S,
    /// HTTP status code.
    pub code: u16,
    /// Response size in bytes.
    pub size: u64,
}

/// The dataset: a list of records. `Logs<&str>` is its borrowed form.
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
pub struct Logs<S> {
    /// The records.
    pub logs: Vec<Log<S>>,
}

impl Logs<String> {
    /// Generates [`RECORDS`] records from `seed`.
    pub fn generate(seed: u64) -> Self {
        const METHODS: &[&str] = &["GET", "GET", "GET", "POST", "PUT", "HEAD", "DELETE"];
        const EXTS: &[&str] = &["html", "css", "js", "png", "json", "php"];
        const TLDS: &[&str] = &["com", "org", "net", "io", "de"];
        const CODES: &[u16] = &[200, 200, 200, 200, 304, 301, 404, 403, 500];
        const BROWSERS: &[&str] = &[
            "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/",
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:109.0) Gecko/20100101 Firefox/",
            "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 Safari/",
            "curl/",
            "Googlebot/",
        ];
        let mut rng = Rng::new(seed);
        let logs = (0..RECORDS)
            .map(|_| {
                let user = if rng.chance(0.4) {
                    "-".to_string()
                } else {
                    format!("{}{}", rng.word(3), rng.below(1000))
                };
                let mut path = String::new();
                for _ in 0..rng.len(1, 4) {
                    path.push('/');
                    path.push_str(&rng.word(3));
                }
                let request = format!("{} {path}.{} HTTP/1.1", rng.pick(METHODS), rng.pick(EXTS));
                let referrer = if rng.chance(0.3) {
                    "-".to_string()
                } else {
                    format!("https://{}.{}/{}", rng.word(3), rng.pick(TLDS), rng.word(4))
                };
                let agent = format!(
                    "{}{}.{}.{}",
                    rng.pick(BROWSERS),
                    rng.range(1, 120),
                    rng.below(10),
                    rng.below(5000)
                );
                Log {
                    address: rng.next_u64().to_le_bytes()[..4].try_into().unwrap(),
                    user,
                    request,
                    referrer,
                    agent,
                    code: rng.pick(CODES),
                    size: rng.below(1 << 20),
                }
            })
            .collect();
        Logs { logs }
    }
}

/// The dataset decoded into an arena (`barewire_pool::from_slice_in`): the
/// twin of [`Logs`] whose strings and list live in the arena. The same wire
/// bytes, schema and layout as `Logs<String>`.
#[derive(Bare, Debug, PartialEq)]
pub struct ArenaLogs<'a> {
    /// The records.
    pub logs: ArenaVec<'a, Log<ArenaString<'a>>>,
}

/// Reads every field of `logs` (strings by length) into a checksum.
fn read_logs<'x, S: AsRef<str> + 'x>(logs: impl Iterator<Item = &'x Log<S>>) -> u64 {
    let mut s = Sum::default();
    for log in logs {
        s.add(u64::from(u32::from_le_bytes(log.address)));
        s.str(log.user.as_ref());
        s.str(log.request.as_ref());
        s.str(log.referrer.as_ref());
        s.str(log.agent.as_ref());
        s.add(u64::from(log.code));
        s.add(log.size);
    }
    s.0
}

impl<S: AsRef<str>> Logs<S> {
    /// Reads every field (strings by length) into a checksum.
    pub fn read(&self) -> u64 {
        read_logs(self.logs.iter())
    }
}

impl ArenaLogs<'_> {
    /// Reads every field, as [`Logs::read`] does.
    pub fn read(&self) -> u64 {
        read_logs(self.logs.iter())
    }
}

impl ArchivedLogs<String> {
    /// Reads every field in place, as [`Logs::read`] does.
    pub fn read(&self) -> u64 {
        let mut s = Sum::default();
        for log in self.logs.iter() {
            s.add(u64::from(u32::from_le_bytes(log.address)));
            s.str(&log.user);
            s.str(&log.request);
            s.str(&log.referrer);
            s.str(&log.agent);
            s.add(u64::from(log.code.to_native()));
            s.add(log.size.to_native());
        }
        s.0
    }
}

// ---- read one scalar, and the zero-copy layout ---------------------------

impl<S> Logs<S> {
    /// The sum of every record's `code`: the "read one scalar from every
    /// record" step of the access benchmarks.
    pub fn sum_codes(&self) -> u64 {
        self.logs.iter().map(|l| u64::from(l.code)).sum()
    }
}

impl ArchivedLogs<String> {
    /// [`Logs::sum_codes`] in place.
    pub fn sum_codes(&self) -> u64 {
        self.logs
            .iter()
            .map(|l| u64::from(l.code.to_native()))
            .sum()
    }
}

impl LogsLayout<&[u8], String> {
    /// [`Logs::sum_codes`] in place.
    pub fn sum_codes(&self) -> u64 {
        self.logs().iter().map(|l| u64::from(l.code())).sum()
    }

    /// Reads every field in place, as [`Logs::read`] does, with every string
    /// read as a checked `&str`.
    pub fn read(&self) -> Result<u64, barewire::Error> {
        let mut s = Sum::default();
        for log in self.logs().iter() {
            s.add(u64::from(u32::from_le_bytes(*log.address().as_array())));
            s.str(log.user().as_str()?);
            s.str(log.request().as_str()?);
            s.str(log.referrer().as_str()?);
            s.str(log.agent().as_str()?);
            s.add(u64::from(log.code()));
            s.add(log.size());
        }
        Ok(s.0)
    }
}

impl LogsLayout<&mut [u8], String> {
    /// Sets every record's `code` in place; returns the number of records.
    pub fn set_codes(&mut self, code: u16) -> usize {
        let mut logs = self.logs_mut();
        for i in 0..logs.len() {
            logs.get_mut(i)
                .expect("index below len")
                .code_mut()
                .set(code);
        }
        logs.len()
    }
}

impl<S> Logs<S> {
    /// [`LogsLayout::set_codes`] on the owned value.
    pub fn set_codes(&mut self, code: u16) {
        self.logs.iter_mut().for_each(|l| l.code = code);
    }
}
