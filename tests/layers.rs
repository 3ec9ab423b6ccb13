//! The house rules of ARCHITECTURE.md that code can check: every module imports only modules of
//! lower layers (so there is no import loop, and no stage imports a later one), the core crate
//! names nothing of the AWS crate, and adding a kind touches only the files the checklist names.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The layers, bottom up. A module may import (`crate::NAME`) only modules of a lower layer.
/// The first seven are the core crate (crates/core), the rest this crate.
const LAYERS: &[&[&str]] = &[
    &["yaml", "redact", "fsutil"],
    &["catalog"],
    &["spec"],
    &["plan", "snapshot"],
    &["evaluate"],
    &["drift", "checklist", "schema"],
    &["output"],
    // The AWS crate: the connection, the other providers, the probes (AWS's, and the dispatch
    // to every provider), then what builds on observations.
    &["aws"],
    &["provider"],
    &["probe"],
    &["terminal", "baseline", "evidence", "init"],
    &["cli"],
    &["lib", "main"],
];

/// Names after `crate::` that are macros, not modules (`crate::client!`).
const MACROS: &[&str] = &["client"];

fn layer(module: &str) -> Option<usize> {
    LAYERS.iter().position(|l| l.contains(&module))
}

/// Every `.rs` file under `dir`, with its top-level module name.
fn sources(dir: &Path) -> Vec<(String, PathBuf)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "rs") {
                let rel = p.strip_prefix(dir).unwrap_or(&p);
                let top = rel
                    .components()
                    .next()
                    .and_then(|c| c.as_os_str().to_str())
                    .unwrap_or_default()
                    .trim_end_matches(".rs")
                    .to_string();
                out.push((top, p));
            }
        }
    }
    out.sort();
    out
}

/// The code of a file without its unit tests (a test may use any module) and without comments.
fn code(path: &Path) -> String {
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default();
    if name.ends_with("tests.rs") || name == "replay.rs" {
        return String::new();
    }
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let text = match text.find("#[cfg(test)]\nmod ") {
        Some(i) => &text[..i],
        None => &text[..],
    };
    text.lines()
        .filter(|l| !l.trim_start().starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// `module -> modules it names as crate::X`, over one crate's sources.
fn imports(dir: &Path) -> BTreeMap<String, BTreeSet<String>> {
    let re = regex::Regex::new(r"crate::([a-z_]+)").expect("regex");
    let mut out: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (top, path) in sources(dir) {
        let top = top.trim_end_matches("_tests").to_string();
        let text = code(&path);
        let entry = out.entry(top.clone()).or_default();
        for c in re.captures_iter(&text) {
            let m = &c[1];
            if m != top && !MACROS.contains(&m) {
                entry.insert(m.to_string());
            }
        }
    }
    out
}

#[test]
fn every_module_imports_only_lower_layers() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut problems = Vec::new();
    for dir in [root.join("crates/core/src"), root.join("src")] {
        let graph = imports(&dir);
        assert!(graph.len() > 5, "no sources under {}", dir.display());
        for (module, uses) in &graph {
            let Some(at) = layer(module) else {
                problems.push(format!(
                    "{}: module `{module}` is in no layer of tests/layers.rs",
                    dir.display()
                ));
                continue;
            };
            for used in uses {
                match layer(used) {
                    Some(l) if l < at => {}
                    Some(_) => problems.push(format!(
                        "`{module}` imports `{used}`, which is not below it (ARCHITECTURE.md, \"Layers\")"
                    )),
                    None => problems.push(format!("`{module}` imports unknown module `{used}`")),
                }
            }
        }
    }
    assert!(problems.is_empty(), "{problems:#?}");
}

#[test]
fn the_core_crate_builds_without_aws() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let manifest = std::fs::read_to_string(root.join("crates/core/Cargo.toml")).expect("manifest");
    for banned in ["aws-", "tokio", "hyper", "rustls", "infra-verify ="] {
        assert!(
            !manifest.contains(banned),
            "crates/core/Cargo.toml depends on {banned}"
        );
    }
    for (_, path) in sources(&root.join("crates/core/src")) {
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        for banned in ["aws_sdk", "aws_smithy", "tokio::", "infra_verify::"] {
            assert!(!text.contains(banned), "{} names {banned}", path.display());
        }
    }
}

#[test]
fn the_layer_checker_catches_an_upward_import() {
    // The rule above is only worth something if a violation fails it.
    assert!(layer("spec") < layer("probe"));
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        dir.path().join("spec.rs"),
        "use crate::probe::check_url;\n#[cfg(test)]\nmod tests { use crate::cli; }\n",
    )
    .expect("write");
    let graph = imports(dir.path());
    assert_eq!(
        graph["spec"],
        BTreeSet::from(["probe".to_string()]),
        "tests are left out"
    );
}
