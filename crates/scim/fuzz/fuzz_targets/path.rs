//! PATCH path and projection parsing: never panics; parsed paths print and parse back equal.
#![no_main]

use libfuzzer_sys::fuzz_target;
use roster_scim::filter::MAX_FILTER_LEN;
use roster_scim::projection::Projection;
use roster_scim::{AttrPath, PatchPath, ResourceKind};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    for kind in [ResourceKind::User, ResourceKind::Group] {
        let _ = AttrPath::resolve(kind, text);
        let _ = Projection::parse(kind, Some(text), None).map(|p| p.wants(text));
        if let Ok(Some(p)) = PatchPath::parse(kind, text) {
            let printed = p.to_string();
            // Printing escapes control characters, which can push a valid input over the
            // length limit; such a print cannot be re-parsed by design.
            if printed.len() > MAX_FILTER_LEN {
                continue;
            }
            let again = PatchPath::parse(kind, &printed)
                .unwrap_or_else(|e| panic!("printed path {printed:?} does not parse: {e}"));
            assert_eq!(again, Some(p), "round trip changed {text:?} -> {printed:?}");
        }
    }
});
