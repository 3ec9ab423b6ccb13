//! `stripe_webhook_endpoint` end to end against a loopback stand-in for Stripe's API
//! (tests/support/stripe_api.rs): the real binary, exact verdicts and exit codes; one list of the
//! account's endpoints per run, followed with `starting_after`, shared by every resource; a
//! missing endpoint, a disabled one, a key without the permission, a refused key, and the key
//! never in any output.

#[path = "support/stripe_api.rs"]
mod stripe_api;

use assert_cmd::Command;
use serde_json::Value;
use stripe_api::{start, Api, KEY, KEY_ENV, KEY_WITHOUT_PERMISSION};

fn run(api: &Api, resources: &str, key: &str, code: i32) -> (Value, String) {
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
        .env_remove("STRIPE_API_KEY")
        .env(KEY_ENV, key)
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
fn endpoints_are_found_by_url_in_one_shared_list_and_failures_say_why() {
    let api = start();
    let (report, all) = run(
        &api,
        r#"  - kind: stripe_webhook_endpoint
    id: https://market.example/api/webhooks/stripe
    expect:
      status: enabled
      livemode: true
      enabled_events: { contains: [checkout.session.completed, invoice.paid] }
  - kind: stripe_webhook_endpoint
    id: https://staging.market.example/api/webhooks/stripe
    expect: { livemode: true }
  - kind: stripe_webhook_endpoint
    id: https://old.market.example/hooks
    expect: { status: enabled }
  - kind: stripe_webhook_endpoint
    id: https://market.example/api/webhooks/toss
    expect: { status: enabled }
"#,
        KEY,
        1,
    );
    let live = "stripe_webhook_endpoint/https://market.example/api/webhooks/stripe";
    for a in ["exists", "status", "livemode", "enabled_events"] {
        assert_eq!(check(&report, &format!("{live}/{a}"))["status"], "pass");
    }
    // Found on the second page, but a test-mode endpoint.
    assert_eq!(
        check(
            &report,
            "stripe_webhook_endpoint/https://staging.market.example/api/webhooks/stripe/livemode"
        )["status"],
        "fail"
    );
    assert_eq!(
        check(
            &report,
            "stripe_webhook_endpoint/https://old.market.example/hooks/status"
        )["actual"],
        "disabled"
    );
    assert_eq!(
        check(
            &report,
            "stripe_webhook_endpoint/https://market.example/api/webhooks/toss/exists"
        )["status"],
        "missing"
    );
    // One list for the four resources: two pages.
    assert_eq!(
        report["source"]["api_calls"]["stripe:GET /v1/webhook_endpoints"],
        2
    );
    assert_eq!(api.seen.lock().expect("seen").len(), 2);
    assert!(!all.contains(KEY), "the key leaked:\n{all}");
}

#[test]
fn a_key_without_the_permission_and_a_refused_key_are_errors() {
    let api = start();
    let spec = "  - kind: stripe_webhook_endpoint\n    id: https://market.example/api/webhooks/stripe\n    expect: { status: enabled }\n";
    let (report, all) = run(&api, spec, KEY_WITHOUT_PERMISSION, 3);
    let exists = check(
        &report,
        "stripe_webhook_endpoint/https://market.example/api/webhooks/stripe/exists",
    );
    let message = exists["message"].as_str().unwrap_or_default();
    assert!(
        message.contains("Stripe answered 403") && message.contains("Webhook Endpoints: Read"),
        "{exists:#}"
    );
    // Stripe's message quotes the key: redacted before anything is written.
    assert!(!all.contains(KEY_WITHOUT_PERMISSION), "{all}");
    let (report, _) = run(&api, spec, "rk_live_wrong", 3);
    assert!(check(
        &report,
        "stripe_webhook_endpoint/https://market.example/api/webhooks/stripe/exists"
    )["message"]
        .as_str()
        .unwrap_or_default()
        .contains("Stripe answered 401"));
}
