//! The spec loader and validator on arbitrary bytes, through both entry points: `spec::load` on
//! a file (the size limit, invalid UTF-8 with its position, `extends:` resolution and its
//! directory guard) and `spec::from_str` on text. No panic, no hang; every error it reports has a
//! position inside the input; a valid spec plans, yields an IAM policy, evaluates against an empty
//! snapshot (every check an error, never a pass) and round-trips through the evidence bundle's
//! resolved form.
#![no_main]

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;

/// One directory per fuzzing process, for the spec file (a base it extends would have to be in
/// it, and there is none: `extends:` must fail cleanly).
fn dir() -> &'static PathBuf {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let d = std::env::temp_dir().join(format!("infra-verify-fuzz-{}", std::process::id()));
        let _ = std::fs::create_dir_all(&d);
        d
    })
}

fn check_positions(diags: &[infra_verify_core::spec::Diagnostic], data: &[u8]) {
    assert!(!diags.is_empty());
    // Lines as YAML counts them: a break is CR LF, LF, or a lone CR (YAML 1.2 §5.4), which
    // editors show as a line end too.
    let breaks = data
        .iter()
        .enumerate()
        .filter(|&(i, b)| *b == b'\n' || (*b == b'\r' && data.get(i + 1) != Some(&b'\n')))
        .count();
    let lines = breaks as u64 + 2;
    for d in diags {
        if let Some(pos) = d.pos {
            assert!(pos.line >= 1 && pos.line <= lines, "{d:?} outside {lines} lines");
            assert!(pos.column >= 1);
        }
    }
}

fn check_valid(spec: &infra_verify_core::spec::Spec) {
    let plan = infra_verify_core::plan::plan(spec);
    let _ = infra_verify_core::plan::iam_policy(plan.actions);
    let empty = infra_verify_core::snapshot::Snapshot {
        snapshot_version: infra_verify_core::snapshot::SNAPSHOT_VERSION,
        metadata: infra_verify_core::snapshot::Metadata {
            tool: "infra-verify".into(),
            tool_version: String::new(),
            taken_at: "2026-12-02T00:00:00Z".into(),
            environment: spec.environment.clone(),
            account_id: None,
            region: None,
            caller_arn: None,
            endpoint: None,
            connect_to: Default::default(),
            api_calls: Default::default(),
            api_retries: Default::default(),
        },
        resources: Vec::new(),
    };
    let report = infra_verify_core::evaluate::evaluate(spec, &empty);
    assert!(
        report
            .checks
            .iter()
            .all(|c| c.status == infra_verify_core::evaluate::Status::Error),
        "a check passed or failed on an empty snapshot"
    );
    let resolved = infra_verify_core::spec::resolved_spec_yaml(spec);
    if let Err(e) = infra_verify_core::spec::from_str(Path::new("resolved.yaml"), &resolved) {
        panic!("the resolved spec does not load again: {e}\n{resolved}");
    }
}

fuzz_target!(|data: &[u8]| {
    let path = dir().join("fuzz.yaml");
    if std::fs::write(&path, data).is_ok() {
        match infra_verify_core::spec::load(&path) {
            Ok(spec) => check_valid(&spec),
            Err(infra_verify_core::spec::SpecError::Invalid(diags)) => check_positions(&diags, data),
            Err(_) => {}
        }
    }
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match infra_verify_core::spec::from_str(Path::new("fuzz.yaml"), text) {
        Ok(spec) => check_valid(&spec),
        Err(infra_verify_core::spec::SpecError::Invalid(diags)) => check_positions(&diags, data),
        Err(_) => {}
    }
});
