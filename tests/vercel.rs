//! `vercel_project` end to end against a loopback stand-in for Vercel's REST API
//! (tests/support/vercel_api.rs, answers shaped like Vercel's REST API reference): the real
//! binary, exact verdicts and exit codes; pagination (`pagination.next` → `until`), the team
//! as `teamId`, a missing project, an unconnected project without deployments, a refused token,
//! and neither the token nor a plain variable's value in any output.

#[path = "support/vercel_api.rs"]
mod vercel_api;

use assert_cmd::Command;
use serde_json::{json, Value};
use vercel_api::{start, Api, PLAIN_VALUE, TOKEN, TOKEN_ENV};

fn run(api: &Api, resources: &str, token: &str, extra: &[&str], code: i32) -> (Value, String) {
    let dir = tempfile::tempdir().expect("tempdir");
    let spec = dir.path().join("v.yaml");
    std::fs::write(
        &spec,
        format!("version: 1\nenvironment: v\nresources:\n{resources}"),
    )
    .expect("write");
    let snapshot = dir.path().join("snap.json");
    let mut cmd = Command::cargo_bin("infra-verify").expect("binary");
    cmd.current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("NO_COLOR", "1")
        .env("AWS_CONFIG_FILE", dir.path().join("none"))
        .env("AWS_SHARED_CREDENTIALS_FILE", dir.path().join("none"))
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env_remove("AWS_ACCESS_KEY_ID")
        .env_remove("AWS_PROFILE")
        .env_remove("VERCEL_TOKEN")
        .env(TOKEN_ENV, token)
        .arg("--spec")
        .arg(&spec)
        .args(["--format", "json", "-vvv"])
        .args(api.args())
        .args(extra);
    let out = cmd.output().expect("run");
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    let all = format!("{stdout}\n{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(out.status.code(), Some(code), "{all}");
    // The same spec as a snapshot: what a baseline or an evidence bundle would hold.
    let mut snap = Command::cargo_bin("infra-verify").expect("binary");
    snap.current_dir(env!("CARGO_MANIFEST_DIR"))
        .env(TOKEN_ENV, token)
        .args(["snapshot", "--spec"])
        .arg(&spec)
        .args(api.args())
        .args(extra)
        .arg("-o")
        .arg(&snapshot);
    let _ = snap.output().expect("snapshot");
    let snapshot_text = std::fs::read_to_string(&snapshot).unwrap_or_default();
    (
        serde_json::from_str(&stdout).expect("json"),
        format!("{all}\n{snapshot_text}"),
    )
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
fn a_connected_project_with_its_secrets_set_passes_and_no_value_leaves() {
    let api = start();
    let (report, all) = run(
        &api,
        r#"  - kind: vercel_project
    id: marketplace
    expect:
      framework: nextjs
      git_repository: aimarket/marketplace
      git_provider: github
      production_branch: main
      env_production: { contains: [STRIPE_SECRET_KEY, DATABASE_URL, JWT_SECRET] }
      env_production_plain: [NEXT_PUBLIC_SITE_URL]
      env_production_oldest_update_days: { at_most: 90 }
      env_development: [LEGACY_API_KEY]
      domains: [market.example, www.market.example]
      domains_all_verified: true
      production_deployment_state: READY
      production_deployment_age_hours: { at_most: 24 }
"#,
        TOKEN,
        &["--vercel-team", "team_dorami"],
        0,
    );
    assert_eq!(report["summary"]["fail"], 0, "{report:#}");
    assert_eq!(report["summary"]["error"], 0, "{report:#}");
    // Two pages of domains, followed by `pagination.next`.
    assert_eq!(
        report["source"]["api_calls"]["vercel:GET /v9/projects/{idOrName}/domains"],
        2
    );
    for secret in [TOKEN, PLAIN_VALUE, "eyJ2IjoiZW5jcnlwdGVkIn0"] {
        assert!(!all.contains(secret), "{secret} leaked:\n{all}");
    }
    // Every request named the team, and none asked for decrypted values.
    let seen = api.seen.lock().expect("seen").clone();
    assert!(!seen.is_empty());
    assert!(
        seen.iter().all(|p| p.contains("teamId=team_dorami")),
        "{seen:?}"
    );
    assert!(!seen.iter().any(|p| p.contains("decrypt")), "{seen:?}");
}

#[test]
fn a_missing_project_a_project_without_deployments_and_a_refused_token() {
    let api = start();
    let (report, _) = run(
        &api,
        r#"  - kind: vercel_project
    id: bare
    expect:
      git_repository: aimarket/bare
      production_deployment_state: READY
  - kind: vercel_project
    id: gone
    expect: { framework: nextjs }
"#,
        TOKEN,
        &[],
        1,
    );
    let repo = check(&report, "vercel_project/bare/git_repository");
    assert_eq!(
        (&repo["status"], &repo["actual"]),
        (&json!("fail"), &Value::Null)
    );
    assert_eq!(
        check(&report, "vercel_project/bare/production_deployment_state")["status"],
        "error"
    );
    assert_eq!(
        check(&report, "vercel_project/gone/exists")["status"],
        "missing"
    );
    let (report, all) = run(
        &api,
        "  - kind: vercel_project\n    id: marketplace\n    expect: { framework: nextjs }\n",
        "vercel_wrong_token_00000000",
        &[],
        3,
    );
    let exists = check(&report, "vercel_project/marketplace/exists");
    assert!(
        exists["message"]
            .as_str()
            .unwrap_or_default()
            .contains("Vercel answered 403 (Not authorized)"),
        "{exists:#}"
    );
    assert!(!all.contains("vercel_wrong_token"), "{all}");
}
