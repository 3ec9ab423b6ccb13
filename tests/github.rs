//! `github_repository` end to end against a loopback stand-in for GitHub's REST API, whose
//! answers follow GitHub's published API description (github/rest-api-description,
//! `api.github.com.json`, API version 2022-11-28): each route names the operation (`operationId`)
//! it answers for. The real binary, exact verdicts and exit codes; pagination by `Link` headers
//! (page numbers and cursors), a missing repository, a branch without protection, a token
//! without a permission, an invalid token, a rate limit waited out, and the token never in any
//! output.

#[path = "support/github_api.rs"]
mod github_api;

use std::collections::BTreeMap;
use std::time::Duration;

use assert_cmd::Command;
use github_api::{start, Api, TOKEN};
use serde_json::{json, Value};

fn iv(api: &Api, token: Option<&str>) -> Command {
    let mut c = Command::cargo_bin("infra-verify").expect("binary");
    c.current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("NO_COLOR", "1")
        .env("AWS_CONFIG_FILE", api.dir.path().join("none"))
        .env("AWS_SHARED_CREDENTIALS_FILE", api.dir.path().join("none"))
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env_remove("AWS_ACCESS_KEY_ID")
        .env_remove("AWS_PROFILE")
        .env_remove("GITHUB_TOKEN")
        .env_remove("IV_GH_TOKEN");
    if let Some(t) = token {
        c.env("IV_GH_TOKEN", t);
    }
    c
}

/// Runs `resources` against the stand-in with the token in IV_GH_TOKEN (when given), expects
/// `code`; returns the JSON report and everything printed (stdout and -vvv logs).
fn run(api: &Api, resources: &str, token: Option<&str>, code: i32) -> (Value, String) {
    let spec = api.dir.path().join("gh.yaml");
    std::fs::write(
        &spec,
        format!("version: 1\nenvironment: gh\nresources:\n{resources}"),
    )
    .expect("write");
    let out = iv(api, token)
        .arg("--spec")
        .arg(&spec)
        .args(["--format", "json", "-vvv", "--call-timeout", "10"])
        .args([
            "--github-api-url",
            &format!("http://127.0.0.1:{}", api.port),
        ])
        .args(["--github-token-env", "IV_GH_TOKEN"])
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

fn statuses(report: &Value) -> BTreeMap<String, String> {
    report["checks"]
        .as_array()
        .expect("checks")
        .iter()
        .map(|c| {
            (
                c["id"].as_str().unwrap_or_default().to_string(),
                c["status"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect()
}

#[test]
fn a_protected_repository_with_green_ci_passes_and_the_token_never_leaves() {
    let api = start();
    let (report, all) = run(
        &api,
        r#"  - kind: github_repository
    id: dorami/shop
    expect:
      default_branch: main
      visibility: private
      archived: false
      branch_protected: true
      required_approving_reviews: { at_least: 1 }
      required_status_checks: { contains: test }
      enforce_admins: true
      workflows: [CI, Deploy]
      latest_run_conclusion: success
      latest_run_workflow: CI
      latest_run_age_hours: { at_most: 24 }
      actions_secret_names: { contains: [AWS_ROLE_ARN, DEPLOY_KEY, SENTRY_DSN] }
"#,
        Some(TOKEN),
        0,
    );
    assert!(
        statuses(&report).values().all(|s| s == "pass"),
        "{report:#}"
    );
    // Two pages of secrets, followed by the Link header.
    assert_eq!(
        check(
            &report,
            "github_repository/dorami/shop/actions_secret_names"
        )["actual"],
        json!(["AWS_ROLE_ARN", "DEPLOY_KEY", "SENTRY_DSN"])
    );
    let calls = &report["source"]["api_calls"];
    assert_eq!(calls["github:GET /repos/{owner}/{repo}/actions/secrets"], 2);
    assert_eq!(calls["github:GET /repos/{owner}/{repo}"], 1);
    // Only GETs were sent, every one with the token.
    let seen = api.seen.lock().expect("seen").clone();
    assert_eq!(seen.len(), 6, "{seen:?}");
    assert!(seen
        .iter()
        .all(|(_, auth)| auth == &format!("Bearer {TOKEN}")));
    assert!(!all.contains(TOKEN), "the token leaked:\n{all}");
    // Every request made is one the permissions `infra-verify permissions` prints allow.
    let out = iv(&api, None)
        .args(["permissions", "--json", "--spec"])
        .arg(api.dir.path().join("gh.yaml"))
        .output()
        .expect("run");
    let permissions: Value = serde_json::from_slice(&out.stdout).expect("json");
    let granted: Vec<&str> = permissions["github"]
        .as_array()
        .expect("github")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    for operation in calls.as_object().expect("calls").keys() {
        let needed = infra_verify::catalog::operations::github_permission(operation)
            .unwrap_or_else(|| panic!("{operation} is not a GitHub operation"));
        assert!(
            granted.contains(&needed),
            "{operation}: {needed} not in {granted:?}"
        );
    }
    assert_eq!(permissions["aws"], json!([]));
}

#[test]
fn alerts_are_counted_across_pages_and_an_unset_up_scanner_is_an_error_never_zero() {
    let api = start();
    let (report, _) = run(
        &api,
        r#"  - kind: github_repository
    id: dorami/shop
    expect:
      dependabot_open_high: 0
      dependabot_open_alerts: { at_most: 10 }
      code_scanning_open_high: 0
"#,
        Some(TOKEN),
        1,
    );
    // Three open alerts on two pages (cursor), two of them high or critical.
    let high = check(
        &report,
        "github_repository/dorami/shop/dependabot_open_high",
    );
    assert_eq!(
        (&high["status"], &high["actual"]),
        (&json!("fail"), &json!(2))
    );
    assert_eq!(
        check(
            &report,
            "github_repository/dorami/shop/dependabot_open_alerts"
        )["actual"],
        3
    );
    assert_eq!(
        report["source"]["api_calls"]["github:GET /repos/{owner}/{repo}/dependabot/alerts"],
        2
    );
    let scanning = check(
        &report,
        "github_repository/dorami/shop/code_scanning_open_high",
    );
    assert_eq!(scanning["status"], "error", "{scanning:#}");
    assert!(
        scanning["message"]
            .as_str()
            .unwrap_or_default()
            .contains("404 (no analysis found)"),
        "{scanning:#}"
    );
}

#[test]
fn no_protection_no_runs_and_a_missing_repository_are_failures_not_passes() {
    let api = start();
    let (report, _) = run(
        &api,
        r#"  - kind: github_repository
    id: dorami/open
    expect:
      branch_protected: true
      required_approving_reviews: { at_least: 1 }
      latest_run_conclusion: success
  - kind: github_repository
    id: dorami/gone
    expect: { branch_protected: true }
"#,
        Some(TOKEN),
        1,
    );
    let s = statuses(&report);
    assert_eq!(s["github_repository/dorami/open/branch_protected"], "fail");
    assert_eq!(
        s["github_repository/dorami/open/required_approving_reviews"],
        "fail"
    );
    // No completed run: could not tell, an error.
    assert_eq!(
        s["github_repository/dorami/open/latest_run_conclusion"],
        "error"
    );
    assert_eq!(s["github_repository/dorami/gone/exists"], "missing");
}

#[test]
fn a_missing_permission_an_invalid_token_and_no_token_are_errors_naming_them() {
    let api = start();
    let spec = r#"  - kind: github_repository
    id: dorami/limited
    expect: { actions_secret_names: { contains: DEPLOY_KEY } }
"#;
    let (report, _) = run(&api, spec, Some(TOKEN), 3);
    let secrets = check(
        &report,
        "github_repository/dorami/limited/actions_secret_names",
    );
    assert_eq!(secrets["status"], "error");
    assert!(
        secrets["message"]
            .as_str()
            .unwrap_or_default()
            .contains("needs the `Secrets: read` permission"),
        "{secrets:#}"
    );
    let (report, all) = run(&api, spec, Some("github_pat_WRONG0000000000000000"), 3);
    let exists = check(&report, "github_repository/dorami/limited/exists");
    assert!(
        exists["message"]
            .as_str()
            .unwrap_or_default()
            .contains("401 (Bad credentials): the token in `IV_GH_TOKEN` is not valid"),
        "{exists:#}"
    );
    assert!(!all.contains("github_pat_WRONG"), "{all}");
    let before = api.seen.lock().expect("seen").len();
    let (report, _) = run(&api, spec, None, 3);
    assert!(
        check(&report, "github_repository/dorami/limited/exists")["message"]
            .as_str()
            .unwrap_or_default()
            .contains("`IV_GH_TOKEN` is not set"),
        "{report:#}"
    );
    assert_eq!(
        api.seen.lock().expect("seen").len(),
        before,
        "nothing is requested without a token"
    );
}

#[test]
fn a_rate_limit_is_waited_out_within_the_call_timeout() {
    let api = start();
    let started = std::time::Instant::now();
    let (report, _) = run(
        &api,
        "  - kind: github_repository\n    id: dorami/busy\n    expect: { default_branch: main }\n",
        Some(TOKEN),
        0,
    );
    assert_eq!(
        check(&report, "github_repository/dorami/busy/default_branch")["status"],
        "pass"
    );
    assert_eq!(
        api.seen
            .lock()
            .expect("seen")
            .iter()
            .filter(|(p, _)| p == "/repos/dorami/busy")
            .count(),
        2,
        "asked again after the reset"
    );
    assert!(started.elapsed() >= Duration::from_millis(500));
}

#[test]
fn permissions_lists_the_fine_grained_token_permissions_the_spec_needs() {
    let api = start();
    let spec = api.dir.path().join("perm.yaml");
    std::fs::write(
        &spec,
        "version: 1\nenvironment: perm\nresources:\n  - kind: github_repository\n    id: dorami/shop\n    expect:\n      branch_protected: true\n      latest_run_conclusion: success\n      dependabot_open_high: 0\n",
    )
    .expect("write");
    let out = iv(&api, None)
        .args(["permissions", "--spec"])
        .arg(&spec)
        .output()
        .expect("run");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    assert!(stdout.contains("GitHub"), "{stdout}");
    for p in [
        "Metadata: read",
        "Administration: read",
        "Actions: read",
        "Dependabot alerts: read",
    ] {
        assert!(stdout.contains(p), "{p}: {stdout}");
    }
    assert!(!stdout.contains("Secrets: read"), "{stdout}");
}
