//! The schema parser over arbitrary text, current and legacy syntax.
//!
//! Properties: no panics; errors carry a 1-based position inside the text;
//! a schema that parses prints to text that parses back to an equal model
//! (the printer writes the current syntax, so this holds for legacy input
//! too); what the current syntax accepts, legacy mode accepts the same way.
#![no_main]

use barewire::Error;
use barewire::schema::{ParseOptions, parse, parse_with};
use libfuzzer_sys::fuzz_target;

fn position_inside(text: &str, err: &Error) {
    if let Error::Schema { line, column, .. } = err {
        let lines = text.split('\n').count().max(1);
        assert!(*line >= 1 && *column >= 1, "{err}");
        assert!(
            *line as usize <= lines + 1,
            "line {line} past the end ({lines} lines): {err}"
        );
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let current = parse(text);
    let legacy = parse_with(text, ParseOptions::legacy());
    for result in [&current, &legacy] {
        match result {
            Ok(schema) => {
                let printed = schema.to_string();
                let again = parse(&printed)
                    .unwrap_or_else(|e| panic!("printed schema does not parse: {e}\n{printed}"));
                assert_eq!(&again, schema, "print/parse changed the model:\n{printed}");
                assert_eq!(again.to_string(), printed, "printing is not stable");
            }
            Err(e) => position_inside(text, e),
        }
    }
    if let Ok(schema) = &current {
        assert_eq!(
            legacy.as_ref().ok(),
            Some(schema),
            "legacy mode disagrees with the current syntax"
        );
    }
});
