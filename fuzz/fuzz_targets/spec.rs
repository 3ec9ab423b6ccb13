//! The spec loader and validator on arbitrary bytes: no panic, no hang; every error it reports
//! has a position inside the input.
#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match infra_verify::spec::from_str(Path::new("fuzz.yaml"), text) {
        Ok(spec) => {
            // A valid spec plans and evaluates against an empty snapshot without panicking.
            let _ = infra_verify::plan::plan(&spec);
            let _ = infra_verify::plan::iam_policy(infra_verify::plan::plan(&spec).actions);
        }
        Err(infra_verify::spec::SpecError::Invalid(diags)) => {
            assert!(!diags.is_empty());
            let lines = text.lines().count().max(1) as u64 + 1;
            for d in diags {
                if let Some(pos) = d.pos {
                    assert!(pos.line >= 1 && pos.line <= lines, "{d:?} outside {lines} lines");
                    assert!(pos.column >= 1);
                }
            }
        }
        Err(_) => {}
    }
});
