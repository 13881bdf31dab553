//! Sampled backtraces: the site of an allocation that no pool entry point
//! names, found from a backtrace taken for one allocation in N.

use core::sync::atomic::Ordering;

use super::{Frame, SAMPLE_EVERY, SampledSite, ThreadState, with_scope};

/// Takes a backtrace for one allocation in `SAMPLE_EVERY`, with the guard
/// set (the caller's), so its own allocations are not counted.
pub(super) fn maybe_sample(t: &ThreadState, frame: &Frame) {
    let every = SAMPLE_EVERY.load(Ordering::Relaxed);
    if every == 0 {
        return;
    }
    let left = t.countdown.get();
    if left > 1 {
        t.countdown.set(left - 1);
        return;
    }
    t.countdown.set(every);
    if std::thread::panicking() {
        return;
    }
    let (name, site) = (frame.name.get(), frame.site.get());
    // A panic must not leave the allocator (it would abort): caught here.
    let _ = std::panic::catch_unwind(move || {
        let trace = std::backtrace::Backtrace::force_capture().to_string();
        let (at, decode) = first_user_frame(&trace);
        if let Some(site) = site {
            with_scope(name, site, |s| {
                s.sample_every = every;
                match s.sampled.iter_mut().find(|x| x.site == at) {
                    Some(x) => {
                        x.samples = x.samples.saturating_add(1);
                        x.decode |= decode;
                    }
                    None => s.sampled.push(SampledSite {
                        site: at,
                        samples: 1,
                        decode,
                    }),
                }
            });
        }
    });
}

/// The first frame of a rendered backtrace outside the standard library,
/// barewire and this module, as `function (file:line)`, and whether a
/// barewire decode is on the way to it.
fn first_user_frame(trace: &str) -> (String, bool) {
    let mut decode = false;
    let mut lines = trace.lines().peekable();
    while let Some(line) = lines.next() {
        let Some((_, symbol)) = line.trim_start().split_once(": ") else {
            continue;
        };
        let symbol = symbol.trim();
        let location = match lines.peek() {
            Some(next) if next.trim_start().starts_with("at ") => {
                lines.next().map(|l| l.trim_start()[3..].trim().to_string())
            }
            _ => None,
        };
        let barewire = symbol.contains("barewire::");
        if barewire
            && (symbol.contains("Decode")
                || symbol.contains("decode")
                || symbol.contains("from_slice"))
        {
            decode = true;
        }
        // The standard library (its sources are under `/rustc/` or a
        // `library/` directory), barewire (a decode is reported at the
        // user's call) and this module are not the site.
        let library = match &location {
            Some(at) => at.contains("/rustc/") || at.contains("/library/"),
            None => true,
        } || barewire
            || symbol.starts_with("__rust")
            || symbol.contains("barewire_pool::diag::global")
            || symbol.contains("std::backtrace");
        if library {
            continue;
        }
        if let Some(location) = location {
            let location = location
                .strip_prefix("./")
                .map(str::to_string)
                .unwrap_or(location);
            let short = location
                .rsplit_once(':')
                .map(|(file_line, _column)| file_line.to_string())
                .unwrap_or(location);
            let function = symbol.rsplit_once("::h").map_or(symbol, |(f, _)| f);
            return (format!("{function} ({short})"), decode);
        }
    }
    ("(no symbols)".to_string(), decode)
}
