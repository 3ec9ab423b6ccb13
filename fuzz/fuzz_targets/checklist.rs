//! Ticking arbitrary Markdown in which every task-list item is linked to a passing check: the
//! output differs from the input only in checkbox characters and infra-verify's own markers.
#![no_main]

use std::path::Path;

use infra_verify_core::checklist::{self, Checklist, Links, Target};
use infra_verify_core::evaluate::evaluate;
use infra_verify_core::snapshot::Snapshot;
use libfuzzer_sys::fuzz_target;

const SPEC: &str = "version: 1\nenvironment: f\nresources:\n  - kind: secret\n    id: s\n";
const SNAPSHOT: &str = r#"{"snapshot_version": 1, "metadata": {"tool": "infra-verify", "tool_version": "0",
  "taken_at": "2026-01-01T00:00:00Z", "environment": "f", "account_id": null, "region": null, "caller_arn": null},
  "resources": [{"kind": "secret", "id": "s", "status": "present", "attributes": {}}]}"#;

/// The text with every infra-verify marker removed and every checkbox unticked (a space).
fn neutral(list: &Checklist, text: &str) -> String {
    let mut bytes = text.as_bytes().to_vec();
    let mut cuts: Vec<std::ops::Range<usize>> = Vec::new();
    for item in &list.items {
        // Any checkbox character counts as the same: Markdown also reads `[\t]` or `[\x0b]` as
        // unticked, and ticking writes `x` over it, unticking a space.
        bytes[item.check_byte] = b' ';
        if let Some((range, _)) = &item.marker {
            cuts.push(range.clone());
        }
    }
    cuts.sort_by_key(|r| std::cmp::Reverse(r.start));
    for r in cuts {
        bytes.drain(r);
    }
    String::from_utf8_lossy(&bytes).into_owned()
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let spec = infra_verify_core::spec::from_str(Path::new("f.yaml"), SPEC).expect("spec");
    let snap = Snapshot::from_json("f", SNAPSHOT).expect("snapshot");
    let report = evaluate(&spec, &snap);
    let list = Checklist::parse(Path::new("f.md"), text.to_string());
    // Every item is linked to the secret's `exists` check, which passes.
    let links: Links = vec![vec![(0, Target::Resource)]; list.items.len()];
    let out = checklist::tick(&list, &links, &report, "2026-01-01");
    let again = Checklist::parse(Path::new("f.md"), out.text.clone());
    assert_eq!(again.items.len(), list.items.len(), "ticking changed the items");
    assert_eq!(neutral(&again, &out.text), neutral(&list, text), "bytes changed outside checkboxes and markers");
    // Ticking is idempotent.
    let links: Links = vec![vec![(0, Target::Resource)]; again.items.len()];
    let twice = checklist::tick(&again, &links, &report, "2026-01-01");
    assert_eq!(twice.text, out.text, "a second run changed the text");
});
