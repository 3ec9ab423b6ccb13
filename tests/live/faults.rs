//! Faults between the tool and moto (tests/support/faults.rs): throttling, server errors,
//! connection resets, truncated and malformed bodies, answers slower than the timeout, a service
//! outage, a run that would hang. In every scenario each verdict is the fault-free one or
//! `error`, never a wrong pass or fail, and the exit code says so.

use std::collections::BTreeMap;
use std::time::Duration;

use crate::support::demo::seed_demo;
use crate::support::demo_drift::fix_demo_gaps;
use crate::support::faults::{self, Fault, Plan};
use crate::support::moto::Moto;
use crate::{emulator_cli, rt};

/// `infra-verify staging --format json --endpoint-url ENDPOINT ARGS...`: exit code, the JSON
/// report (null when there is none) and stderr.
fn run(endpoint: &str, args: &[&str]) -> (i32, serde_json::Value, String) {
    let out = emulator_cli()
        .args(["staging", "--format", "json", "--endpoint-url", endpoint])
        .args(args)
        .output()
        .expect("run");
    (
        out.status.code().unwrap_or(-1),
        serde_json::from_slice(&out.stdout).unwrap_or(serde_json::Value::Null),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn statuses(report: &serde_json::Value) -> BTreeMap<String, String> {
    report["checks"]
        .as_array()
        .map(|checks| {
            checks
                .iter()
                .map(|c| {
                    (
                        c["id"].as_str().unwrap_or_default().to_string(),
                        c["status"].as_str().unwrap_or_default().to_string(),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

/// The demo environment with its gaps closed: every check of specs/staging.yaml passes.
fn clean_demo() -> (Moto, BTreeMap<String, String>) {
    let moto = Moto::start();
    rt().block_on(async {
        seed_demo(&moto.endpoint).await?;
        fix_demo_gaps(&moto.endpoint).await
    })
    .expect("seed");
    let (code, report, err) = run(&moto.endpoint, &[]);
    assert_eq!(code, 0, "the fault-free run must pass: {err}");
    let clean = statuses(&report);
    assert_eq!(clean.len(), 74);
    assert!(clean.values().all(|s| s == "pass"));
    (moto, clean)
}

/// The demo environment with its four gaps: 70 checks pass and 4 fail, so that a fault turning
/// a fail into a pass (the false pass this suite exists to rule out) is seen as well as one
/// turning a pass into a fail.
fn demo_with_gaps() -> (Moto, BTreeMap<String, String>) {
    let moto = Moto::start();
    rt().block_on(seed_demo(&moto.endpoint)).expect("seed");
    let (code, report, err) = run(&moto.endpoint, &[]);
    assert_eq!(code, 1, "the fault-free run finds the four gaps: {err}");
    let truth = statuses(&report);
    assert_eq!(truth.len(), 74);
    let fails = truth.values().filter(|s| *s == "fail").count();
    let passes = truth.values().filter(|s| *s == "pass").count();
    assert_eq!((passes, fails), (70, 4), "{truth:#?}");
    (moto, truth)
}

/// Every verdict is the fault-free one or `error`; the exit code is 1 when a check still fails,
/// else 3 when some check is an error, else 0. Returns the number of errors.
fn assert_right_or_error(
    scenario: &str,
    clean: &BTreeMap<String, String>,
    code: i32,
    report: &serde_json::Value,
    err: &str,
) -> usize {
    let now = statuses(report);
    assert_eq!(
        now.keys().collect::<Vec<_>>(),
        clean.keys().collect::<Vec<_>>(),
        "{scenario}: the same checks must be reported: {err}"
    );
    let mut errors = 0;
    for (id, status) in &now {
        if status == "error" {
            errors += 1;
        } else {
            assert_eq!(
                Some(status),
                clean.get(id),
                "{scenario}: {id} is {status}, but the fault-free run says otherwise"
            );
        }
    }
    let failing = now.values().any(|s| s == "fail" || s == "missing");
    let expected = match (failing, errors > 0) {
        (true, _) => 1,
        (false, true) => 3,
        (false, false) => 0,
    };
    assert_eq!(code, expected, "{scenario}: {err}");
    errors
}

/// Without retries every fault surfaces: each scenario must turn some checks into errors and
/// leave every other verdict, pass or fail, as it was; and each run ends within its budget
/// (`--timeout`, with `--call-timeout` per call), with a report.
#[test]
fn under_every_kind_of_fault_each_verdict_is_right_or_error() {
    let (moto, truth) = demo_with_gaps();
    let scenarios: &[(&str, Vec<Fault>)] = &[
        ("throttling", vec![Fault::Throttle, Fault::TooManyRequests]),
        ("server errors", vec![Fault::ServerError]),
        ("connection resets", vec![Fault::Reset]),
        ("truncated bodies", vec![Fault::Truncated]),
        ("malformed bodies", vec![Fault::Malformed]),
        (
            "slower than the timeout",
            vec![Fault::Slow(Duration::from_secs(4))],
        ),
        (
            "all of them",
            vec![
                Fault::Throttle,
                Fault::ServerError,
                Fault::Reset,
                Fault::Truncated,
                Fault::Malformed,
            ],
        ),
    ];
    for (i, (scenario, list)) in scenarios.iter().enumerate() {
        let proxy = faults::start(
            moto.port,
            Plan {
                share: 0.3,
                faults: list.clone(),
                seed: i as u64,
                outage: None,
            },
        );
        let (code, report, err) = run(
            &proxy.endpoint,
            &[
                "--max-attempts",
                "1",
                "--call-timeout",
                "2",
                "--timeout",
                "120",
            ],
        );
        assert!(proxy.injected() > 0, "{scenario}: no fault was injected");
        // Within the run's budget: past it there would be no report at all.
        assert!(
            report.is_object(),
            "{scenario}: the run did not end within --timeout: {err}"
        );
        let errors = assert_right_or_error(scenario, &truth, code, &report, &err);
        assert!(
            errors > 0,
            "{scenario}: {} faults, but no check became an error",
            proxy.injected()
        );
    }
}

/// At 30 % throttling (and 429s and 503s) the adaptive retries get every verdict right, and the
/// report counts the retries: one per injected fault.
#[test]
fn thirty_percent_throttling_is_retried_to_the_right_verdicts_and_counted() {
    let (moto, clean) = clean_demo();
    let proxy = faults::start(
        moto.port,
        Plan {
            share: 0.3,
            faults: vec![Fault::Throttle, Fault::TooManyRequests, Fault::ServerError],
            seed: 42,
            outage: None,
        },
    );
    // Eight attempts: a call throttled eight times in a row (0.3^8) would be an error, not a pass.
    // Observed once into a snapshot, which carries the retries to every report made from it.
    let dir = tempfile::tempdir().expect("tempdir");
    let snap = dir.path().join("staging.json");
    let observed = emulator_cli()
        .args(["snapshot", "staging", "-o"])
        .arg(&snap)
        // Retries back off, and adaptive retry slows a throttled client down: on a loaded
        // machine a call with its retries may take long, and this test is about verdicts, not
        // time, so the per-call budget is generous.
        .args([
            "--endpoint-url",
            &proxy.endpoint,
            "--max-attempts",
            "8",
            "--call-timeout",
            "600",
        ])
        .output()
        .expect("run");
    assert!(
        observed.status.success(),
        "{}",
        String::from_utf8_lossy(&observed.stderr)
    );
    let report = |format: &str| {
        emulator_cli()
            .args(["staging", "--format", format, "--snapshot"])
            .arg(&snap)
            .output()
            .expect("run")
    };
    let json = report("json");
    let report_json: serde_json::Value = serde_json::from_slice(&json.stdout).expect("json");
    assert_eq!(
        json.status.code(),
        Some(0),
        "{:#?}",
        report_json["checks"].as_array().map(|c| c
            .iter()
            .filter(|c| c["status"] != "pass")
            .collect::<Vec<_>>())
    );
    assert_eq!(statuses(&report_json), clean);
    let retried: u64 = report_json["source"]["api_retries"]
        .as_object()
        .map(|m| m.values().filter_map(|v| v.as_u64()).sum())
        .unwrap_or(0);
    assert!(proxy.injected() > 3, "too few faults to mean anything");
    assert_eq!(retried, proxy.injected(), "{}", report_json["source"]);
    // The human report says it too.
    let text = String::from_utf8_lossy(&report("human").stdout).into_owned();
    assert!(
        text.contains(&format!(
            "{retried} attempts were retried (throttling, server errors, timeouts)"
        )),
        "{text}"
    );
}

/// One service down (every ECR call reset): its checks are errors, everything else is verified.
#[test]
fn a_service_outage_makes_errors_of_its_checks_only() {
    let (moto, clean) = clean_demo();
    let proxy = faults::start(
        moto.port,
        Plan {
            share: 0.0,
            faults: vec![Fault::Reset],
            seed: 0,
            outage: Some("AmazonEC2ContainerRegistry"),
        },
    );
    let (code, report, err) = run(&proxy.endpoint, &["--max-attempts", "2"]);
    assert_eq!(code, 3, "{err}");
    for (id, status) in statuses(&report) {
        if id.starts_with("ecr_repository/") {
            assert_eq!(status, "error", "{id}");
        } else {
            assert_eq!(Some(&status), clean.get(&id), "{id}");
        }
    }
}

/// A run whose answers never come ends at its --timeout, with exit 3 and nothing verified. (That
/// this test finishes at all is the point: without the budget the run would wait for an hour.)
#[test]
fn the_run_budget_ends_a_run_that_would_hang() {
    let moto = Moto::start();
    rt().block_on(seed_demo(&moto.endpoint)).expect("seed");
    let proxy = faults::start(
        moto.port,
        Plan {
            share: 1.0,
            faults: vec![Fault::Slow(Duration::from_secs(3600))],
            seed: 0,
            outage: None,
        },
    );
    let (code, report, err) = run(
        &proxy.endpoint,
        &[
            "--timeout",
            "3",
            "--call-timeout",
            "3600",
            "--max-attempts",
            "1",
        ],
    );
    assert_eq!(code, 3, "{err}");
    assert_eq!(report, serde_json::Value::Null, "no report claims anything");
    assert!(
        err.contains("the observation did not finish within --timeout 3 s: nothing was verified"),
        "{err}"
    );
}
