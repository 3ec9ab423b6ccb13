//! `sentry_project` end to end against a loopback stand-in for Sentry's API
//! (tests/support/sentry_api.rs): the real binary, exact verdicts and exit codes; cursor
//! pagination followed only while Sentry says there are results; a missing project, a project
//! with errors and no alert rule, a refused token, and neither the token nor a client key's DSN
//! in any output.

#[path = "support/sentry_api.rs"]
mod sentry_api;

use assert_cmd::Command;
use sentry_api::{start, Api, DSN_PUBLIC_KEY, TOKEN, TOKEN_ENV};
use serde_json::Value;

fn run(api: &Api, resources: &str, token: &str, code: i32) -> (Value, String) {
    let dir = tempfile::tempdir().expect("tempdir");
    let spec = dir.path().join("s.yaml");
    std::fs::write(
        &spec,
        format!("version: 1\nenvironment: s\nresources:\n{resources}"),
    )
    .expect("write");
    let out = Command::cargo_bin("infra-verify")
        .expect("binary")
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("NO_COLOR", "1")
        .env("AWS_CONFIG_FILE", dir.path().join("none"))
        .env("AWS_SHARED_CREDENTIALS_FILE", dir.path().join("none"))
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env_remove("AWS_ACCESS_KEY_ID")
        .env_remove("AWS_PROFILE")
        .env_remove("SENTRY_AUTH_TOKEN")
        .env(TOKEN_ENV, token)
        .arg("--spec")
        .arg(&spec)
        .args(["--format", "json", "-vvv"])
        .args(api.args())
        .output()
        .expect("run");
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    let all = format!("{stdout}\n{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(out.status.code(), Some(code), "{all}");
    (serde_json::from_str(&stdout).expect("json"), all)
}

fn check<'a>(report: &'a Value, id: &str) -> &'a Value {
    report["checks"]
        .as_array()
        .expect("checks")
        .iter()
        .find(|c| c["id"] == id)
        .unwrap_or_else(|| panic!("no check {id} in {report:#}"))
}

#[test]
fn a_configured_quiet_project_passes_and_a_noisy_one_fails_with_its_count() {
    let api = start();
    let (report, all) = run(
        &api,
        r#"  - kind: sentry_project
    id: aimarket/marketplace-web
    expect:
      platform: javascript-nextjs
      active_client_keys: { at_least: 1 }
      alert_rule_count: { at_least: 1 }
      environments: { contains: production }
      unresolved_errors_24h: 0
  - kind: sentry_project
    id: aimarket/noisy
    expect:
      alert_rule_count: { at_least: 1 }
      unresolved_errors_24h: 0
  - kind: sentry_project
    id: aimarket/gone
    expect: { active_client_keys: { at_least: 1 } }
"#,
        TOKEN,
        1,
    );
    let quiet = "sentry_project/aimarket/marketplace-web";
    for a in [
        "exists",
        "platform",
        "active_client_keys",
        "alert_rule_count",
        "environments",
        "unresolved_errors_24h",
    ] {
        assert_eq!(
            check(&report, &format!("{quiet}/{a}"))["status"],
            "pass",
            "{a}"
        );
    }
    // Three errors on two pages; the second page's Link says there are no more.
    let noisy = check(
        &report,
        "sentry_project/aimarket/noisy/unresolved_errors_24h",
    );
    assert_eq!(
        (noisy["status"].as_str(), noisy["actual"].as_i64()),
        (Some("fail"), Some(3))
    );
    assert_eq!(
        check(&report, "sentry_project/aimarket/noisy/alert_rule_count")["actual"],
        0
    );
    assert_eq!(
        check(&report, "sentry_project/aimarket/gone/exists")["status"],
        "missing"
    );
    for secret in [TOKEN, DSN_PUBLIC_KEY, "deadbeefdeadbeef"] {
        assert!(!all.contains(secret), "{secret} leaked:\n{all}");
    }
}

#[test]
fn a_refused_token_is_an_error() {
    let api = start();
    let (report, all) = run(
        &api,
        "  - kind: sentry_project\n    id: aimarket/marketplace-web\n    expect: { active_client_keys: 1 }\n",
        "sntrys_wrong",
        3,
    );
    let message = check(&report, "sentry_project/aimarket/marketplace-web/exists")["message"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    assert!(
        message.contains("Sentry answered 401 (Invalid token)"),
        "{message}"
    );
    assert!(!all.contains("sntrys_wrong"));
}
