//! The schema parser and checks over arbitrary text, current and legacy
//! syntax, with repetitions expanded (`barewire_fuzz::expand`, numbered) so
//! that small inputs reach the shapes that used to hang or overflow the
//! stack: tens of thousands of nested types, alias chains of thousands of
//! links, wide structs, enums and unions, many anonymous enums (up to
//! 128 KiB of text: the linear cost of the worst such text, checked four
//! ways in the instrumented build, stays under half of the 2 s budget, while
//! the old quadratic passes and unbounded recursion fail well within it).
//!
//! Properties (`barewire_fuzz::check_schema_text`): no panics, no stack
//! overflow, time linear in the text; errors carry a 1-based position inside
//! the text; a schema that parses prints to text that parses back to an
//! equal model; what the current syntax accepts, legacy mode accepts the
//! same way.
#![no_main]

use barewire_fuzz::{check_schema_text, expand};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let expanded = expand(data, 128 << 10, true);
    let Ok(text) = std::str::from_utf8(&expanded) else {
        return;
    };
    check_schema_text(text);
});
