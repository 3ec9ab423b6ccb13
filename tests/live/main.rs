//! Live tests: every probe against a real AWS API emulator (moto on a free loopback port, started
//! by the harness), seeded through the SDK. One module per service family.

#[path = "../support/mod.rs"]
mod support;

mod backup_mail;
mod cloudwatch;
mod concurrency;
mod data;
mod dns_waf;
mod drift;
mod ec2;
mod ecs_ecr;
mod edge_images;
mod elbv2_cloudfront;
mod evidence;
mod faults;
mod freshness;
mod group;
mod iam;
mod init;
mod launch_items;
mod leaks;
mod monitoring;
mod production;
mod rds_s3;
mod region;
mod s3_regions;
mod security;
mod select;
mod several;
mod ssm_domains;
mod terminal;
mod ticketing;

use std::path::Path;

use assert_cmd::Command;
use infra_verify::aws::{CallRecorder, Connection};
use infra_verify::spec;

pub fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime")
}

/// The CLI with credentials for the emulator only, and the user's AWS config kept out.
pub fn emulator_cli() -> Command {
    let mut c = Command::cargo_bin("infra-verify").expect("binary");
    c.current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .env("AWS_CONFIG_FILE", "/nonexistent/infra-verify-test")
        .env(
            "AWS_SHARED_CREDENTIALS_FILE",
            "/nonexistent/infra-verify-test",
        )
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env_remove("AWS_PROFILE")
        .env_remove("AWS_SESSION_TOKEN")
        .env_remove("AWS_ENDPOINT_URL")
        // Logs chosen by the environment would be on stderr, which tests read.
        .env_remove("RUST_LOG");
    c
}

/// `infra-verify --endpoint-url ENDPOINT ...` (the verify command; add its arguments after).
pub fn cli(endpoint: &str) -> Command {
    let mut c = emulator_cli();
    c.args(["--endpoint-url", endpoint, "--max-attempts", "2"]);
    c
}

/// `infra-verify SUBCOMMAND ARGS... --endpoint-url ENDPOINT` (subcommands take the flags after).
pub fn cli_sub(endpoint: &str, args: &[&str]) -> Command {
    let mut c = emulator_cli();
    c.args(args)
        .args(["--endpoint-url", endpoint, "--max-attempts", "2"]);
    c
}

/// An in-process connection to the emulator, with its own call recorder.
pub fn connection(endpoint: &str) -> Connection {
    Connection {
        sdk: support::seed::emulator_config(endpoint),
        recorder: CallRecorder::default(),
        endpoint: Some(endpoint.to_string()),
        max_concurrency: infra_verify::probe::CONCURRENCY,
        limits: Default::default(),
        account: Default::default(),
    }
}

/// A spec from inline YAML.
pub fn spec_text(text: &str) -> spec::Spec {
    spec::from_str(Path::new("inline.yaml"), text).expect("valid spec")
}

/// Runs `infra-verify --spec SPEC --format json` against the endpoint, asserts the exit code, and
/// returns the JSON report.
pub fn run_json(endpoint: &str, spec: &str, code: i32) -> serde_json::Value {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("spec.yaml");
    std::fs::write(&path, spec).expect("write spec");
    let run = cli(endpoint)
        .arg("--spec")
        .arg(&path)
        .args(["--format", "json"])
        .output()
        .expect("run");
    assert_eq!(
        run.status.code(),
        Some(code),
        "{}\n{}",
        String::from_utf8_lossy(&run.stdout),
        String::from_utf8_lossy(&run.stderr)
    );
    serde_json::from_slice(&run.stdout).expect("JSON report")
}

/// A snapshot's resources with what moto makes up replaced by placeholders: ids (security groups,
/// VPCs, target group and certificate ARNs, CloudFront domains), timestamps, and the days left of
/// a certificate moto issued just now. Two seedings of the same environment compare equal.
pub fn normalised_resources(s: &infra_verify::snapshot::Snapshot) -> serde_json::Value {
    let text = serde_json::to_string(&s.resources).expect("json");
    let uuid = regex::Regex::new(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
        .expect("re");
    let hex = regex::Regex::new(r"\b[0-9a-f]{16,17}\b").expect("re");
    let cf = regex::Regex::new(r"\b[a-z0-9]{12,16}\.cloudfront\.net").expect("re");
    let text = uuid.replace_all(&text, "<uuid>");
    let text = hex.replace_all(&text, "<id>");
    let text = cf.replace_all(&text, "<id>.cloudfront.net");
    let time = regex::Regex::new(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ").expect("re");
    let text = time.replace_all(&text, "<time>");
    // moto's certificates expire 365 days after they were requested, to the second: 365 whole
    // days when observed within that second, 364 after.
    let expiry = regex::Regex::new(r#""days_until_expiry":36[45]\b"#).expect("re");
    let text = expiry.replace_all(&text, r#""days_until_expiry":"<a year>""#);
    serde_json::from_str(&text).expect("json")
}

/// The check with this id in a JSON report.
pub fn json_check(report: &serde_json::Value, id: &str) -> serde_json::Value {
    report["checks"]
        .as_array()
        .and_then(|cs| cs.iter().find(|c| c["id"] == id).cloned())
        .unwrap_or_else(|| panic!("no check {id} in the report"))
}

/// Observes the spec in-process against the emulator: the snapshot, the report, and the API
/// calls made (`Service:Operation` -> count).
pub fn observe(
    endpoint: &str,
    text: &str,
) -> (
    infra_verify::snapshot::Snapshot,
    infra_verify::evaluate::Report,
    std::collections::BTreeMap<String, u64>,
) {
    let spec = spec_text(text);
    let conn = connection(endpoint);
    let snap = rt()
        .block_on(infra_verify::probe::observe(&spec, &conn))
        .expect("observe");
    let report = infra_verify::evaluate::evaluate(&spec, &snap);
    (snap, report, conn.recorder.calls())
}

/// Every check that did not pass: (id, status, message).
pub fn not_passing(
    report: &infra_verify::evaluate::Report,
) -> Vec<(&str, infra_verify::evaluate::Status, &str)> {
    report
        .checks
        .iter()
        .filter(|c| c.status != infra_verify::evaluate::Status::Pass)
        .map(|c| (c.id.as_str(), c.status, c.message.as_str()))
        .collect()
}

/// The check with this id in a report.
pub fn check<'a>(
    report: &'a infra_verify::evaluate::Report,
    id: &str,
) -> &'a infra_verify::evaluate::Check {
    report
        .checks
        .iter()
        .find(|c| c.id == id)
        .unwrap_or_else(|| panic!("no check {id}"))
}

/// Asserts that exactly the expectation checks fail: every resource exists (its `exists` check
/// passes) and every expectation on it is wrong. Returns how many failed.
pub fn assert_only_expectations_fail(report: &infra_verify::evaluate::Report) -> usize {
    use infra_verify::evaluate::Status;
    let failing: Vec<&str> = report
        .checks
        .iter()
        .filter(|c| c.status == Status::Fail)
        .map(|c| c.id.as_str())
        .collect();
    let expected: Vec<&str> = report
        .checks
        .iter()
        .filter(|c| c.attribute != "exists")
        .map(|c| c.id.as_str())
        .collect();
    assert_eq!(failing, expected, "{:#?}", not_passing(report));
    let exists: Vec<_> = report
        .checks
        .iter()
        .filter(|c| c.attribute == "exists")
        .collect();
    assert!(
        exists.iter().all(|c| c.status == Status::Pass),
        "{exists:#?}"
    );
    failing.len()
}
