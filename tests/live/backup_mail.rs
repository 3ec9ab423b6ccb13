//! AWS Backup plans and vaults, SES identities and AWS Budgets against moto: every attribute moto
//! models, failures with the actual values, missing resources, access denied (lists and detail
//! calls), the calls made, and what moto does not implement (ListProtectedResources, SES
//! GetAccount: errors, never a pass; their shapes are tested by replay in the probes).

use std::collections::BTreeSet;

use infra_verify::evaluate::Status;
use infra_verify::plan;

use crate::support::moto::Moto;
use crate::support::proxy::{self, amz_target, Answer};
use crate::support::seed_backup_mail::{BackupMailSeeder, SUBSCRIBER};
use crate::{assert_only_expectations_fail, check, json_check, not_passing, observe, rt, run_json};

fn seeded() -> Moto {
    let moto = Moto::start();
    rt().block_on(BackupMailSeeder::new(&moto.endpoint).all())
        .expect("seed backups, identities and budgets");
    moto
}

/// Every attribute moto models, as seeded.
const EVERY_ATTRIBUTE: &str = r#"
version: 1
environment: test
aws: { region: ap-northeast-2 }
resources:
  - kind: backup_plan
    id: tickets-daily
    expect:
      rule_names: [daily, monthly]
      schedules: ["cron(0 18 ? * * *)", "cron(0 3 1 * ? *)"]
      min_retention_days: { at_least: 30 }
      continuous_backup: true
      copy_destinations: ["arn:aws:backup:ap-northeast-1:123456789012:backup-vault:tickets-dr"]
      rules:
        contains: { name: daily, target_vault: tickets-vault, delete_after_days: 35, continuous: true, timezone: Etc/UTC }
      last_execution_age_hours: null
  - kind: backup_vault
    id: tickets-vault
    expect: { locked: true, min_retention_days: 7, max_retention_days: 400, recovery_points: 0 }
  - kind: backup_vault
    id: scratch
    expect: { locked: false, min_retention_days: null }
  - kind: ses_identity
    id: Tickets.Example
    expect:
      identity_type: DOMAIN
      verified: true
      verification_status: SUCCESS
      sending_enabled: true
      dkim_signing_enabled: false
      dkim_status: NOT_STARTED
      dkim_origin: AWS_SES
      configuration_set: tickets-default
      mail_from_domain: null
  - kind: ses_identity
    id: ops@tickets.example
    expect: { identity_type: EMAIL_ADDRESS, verified: true }
  - kind: budget
    id: tickets-monthly
    expect:
      budget_type: COST
      time_unit: MONTHLY
      limit_amount: 300
      limit_unit: USD
      actual_spend: { at_most: 300 }
      notification_count: { at_least: 1 }
      notifications:
        contains: { type: ACTUAL, comparison: GREATER_THAN, threshold: 80, threshold_type: PERCENTAGE }
"#;

#[test]
fn every_attribute_moto_models_passes_with_one_list_per_operation() {
    let moto = seeded();
    let (snap, report, calls) = observe(&moto.endpoint, EVERY_ATTRIBUTE);
    assert_eq!(not_passing(&report), vec![], "{report:#?}");
    // One list per operation, one detail call per resource whose detail is checked.
    for (call, n) in [
        ("Backup:ListBackupPlans", 1),
        ("Backup:GetBackupPlan", 1),
        ("Backup:ListBackupVaults", 1),
        ("SESv2:ListEmailIdentities", 1),
        ("SESv2:GetEmailIdentity", 1),
        ("Budgets:DescribeBudgets", 1),
        ("Budgets:DescribeNotificationsForBudget", 1),
    ] {
        assert_eq!(calls.get(call), Some(&n), "{call}: {calls:?}");
    }
    // Every call is in the spec's IAM policy.
    let used: BTreeSet<&str> = calls
        .keys()
        .map(|c| {
            let (service, op) = c.split_once(':').expect("service:operation");
            plan::action_for(service, op)
                .unwrap_or_else(|| panic!("{c} is not in plan::OPERATIONS"))
        })
        .collect();
    let allowed = plan::plan(&crate::spec_text(EVERY_ATTRIBUTE)).actions;
    assert!(used.is_subset(&allowed), "{used:?} vs {allowed:?}");
    assert!(allowed.contains("budgets:ViewBudget"), "{allowed:?}");
    // The subscriber's address is not in the snapshot.
    let text = serde_json::to_string(&snap).expect("json");
    assert!(
        !text.contains(SUBSCRIBER),
        "a subscriber address reached the snapshot"
    );
}

#[test]
fn wrong_expectations_fail_with_the_actual_value_and_absent_ones_are_missing() {
    let moto = seeded();
    let wrong = r#"
version: 1
environment: test
resources:
  - kind: backup_plan
    id: scratch-weekly
    expect: { min_retention_days: { at_least: 7 }, continuous_backup: true }
  - kind: backup_vault
    id: scratch
    expect: { locked: true }
  - kind: ses_identity
    id: news.example
    expect: { dkim_signing_enabled: true }
  - kind: ses_identity
    id: ops@tickets.example
    expect: { identity_type: DOMAIN }
  - kind: budget
    id: silent
    expect: { notification_count: { at_least: 1 }, limit_amount: { at_most: 10 } }
"#;
    let (_, report, _) = observe(&moto.endpoint, wrong);
    assert_eq!(assert_only_expectations_fail(&report), 7);
    let c = check(&report, "backup_plan/scratch-weekly/min_retention_days");
    assert!(c.message.contains('3'), "{c:?}");
    assert_eq!(
        check(&report, "ses_identity/news.example/dkim_signing_enabled").actual,
        serde_json::json!(false)
    );
    assert_eq!(
        check(&report, "budget/silent/notification_count").actual,
        serde_json::json!(0)
    );

    let missing = r#"
version: 1
environment: test
resources:
  - kind: backup_plan
    id: nightly
    expect: { rule_names: { contains: daily } }
  - kind: backup_vault
    id: nope
  - kind: ses_identity
    id: other.example
    expect: { verified: true }
  - kind: budget
    id: nope
    expect: { notification_count: 1 }
"#;
    let (_, report, calls) = observe(&moto.endpoint, missing);
    for id in [
        "backup_plan/nightly/exists",
        "backup_plan/nightly/rule_names",
        "backup_vault/nope/exists",
        "ses_identity/other.example/verified",
        "budget/nope/notification_count",
    ] {
        assert_eq!(check(&report, id).status, Status::Missing, "{id}");
    }
    // Nothing to read the detail of.
    for call in [
        "Backup:GetBackupPlan",
        "SESv2:GetEmailIdentity",
        "Budgets:DescribeNotificationsForBudget",
    ] {
        assert!(!calls.contains_key(call), "{call}: {calls:?}");
    }
}

/// What moto does not implement is an error, never a pass (its shapes are replayed in
/// src/probe/backup.rs and src/probe/ses.rs).
#[test]
fn what_moto_does_not_implement_is_an_error_never_a_pass() {
    let moto = seeded();
    let spec = "version: 1\nenvironment: test\naws: { region: ap-northeast-2 }\nresources:\n  - kind: backup_protected_resource\n    id: tickets-db\n    expect: { last_backup_age_hours: { at_most: 24 } }\n  - kind: ses_account\n    id: current\n    expect: { production_access: true }\n";
    let report = run_json(&moto.endpoint, spec, 3);
    for id in [
        "backup_protected_resource/tickets-db/last_backup_age_hours",
        "ses_account/current/production_access",
    ] {
        assert_eq!(json_check(&report, id)["status"], "error", "{id}");
    }
}

fn path_is(request: &str, prefix: &str) -> bool {
    request
        .lines()
        .next()
        .and_then(|l| l.split(' ').nth(1))
        .is_some_and(|p| p.starts_with(prefix))
}

/// Denies the detail calls: GetBackupPlan, GetEmailIdentity, DescribeNotificationsForBudget.
fn deny_details(request: &str) -> Option<Answer> {
    if amz_target(request).is_some_and(|t| t.ends_with(".DescribeNotificationsForBudget")) {
        return Some(Answer::json_error(400, "AccessDeniedException"));
    }
    let detail = path_is(request, "/backup/plans/")
        && !request
            .lines()
            .next()
            .is_some_and(|l| l.contains("/backup/plans/ "));
    (detail || path_is(request, "/v2/email/identities/"))
        .then(|| Answer::json_error(403, "AccessDeniedException"))
}

/// Denies the lists.
fn deny_lists(request: &str) -> Option<Answer> {
    if amz_target(request).is_some_and(|t| t.ends_with(".DescribeBudgets")) {
        return Some(Answer::json_error(400, "AccessDeniedException"));
    }
    let list = [
        "/backup/plans",
        "/backup-vaults",
        "/v2/email/list-identities",
    ]
    .iter()
    .any(|p| {
        request
            .lines()
            .next()
            .and_then(|l| l.split(' ').nth(1))
            .is_some_and(|path| {
                path == *p || path.starts_with(&format!("{p}?")) || path == format!("{p}/")
            })
    });
    list.then(|| Answer::json_error(403, "AccessDeniedException"))
}

const DENIED_SPEC: &str = "version: 1\nenvironment: test\naws: { region: ap-northeast-2 }\nresources:\n  - kind: backup_plan\n    id: tickets-daily\n    expect: { min_retention_days: 35 }\n  - kind: backup_vault\n    id: tickets-vault\n    expect: { locked: true }\n  - kind: ses_identity\n    id: tickets.example\n    expect: { verified: true, dkim_status: NOT_STARTED }\n  - kind: budget\n    id: tickets-monthly\n    expect: { limit_amount: 300, notification_count: 2 }\n";

#[test]
fn access_denied_is_an_error_verdict_naming_the_action_never_a_pass() {
    let moto = seeded();
    let proxy = proxy::start(moto.port, deny_details);
    let report = run_json(&proxy.endpoint, DENIED_SPEC, 3);
    for (id, action) in [
        (
            "backup_plan/tickets-daily/min_retention_days",
            "backup:GetBackupPlan",
        ),
        (
            "ses_identity/tickets.example/dkim_status",
            "ses:GetEmailIdentity",
        ),
        (
            "budget/tickets-monthly/notification_count",
            "budgets:ViewBudget",
        ),
    ] {
        let c = json_check(&report, id);
        assert_eq!(c["status"], "error", "{c}");
        assert!(
            c["message"].as_str().unwrap_or_default().contains(&format!(
                "access denied: the caller may not call `{action}`"
            )),
            "{c}"
        );
    }
    for id in [
        "backup_plan/tickets-daily/exists",
        "backup_vault/tickets-vault/locked",
        "ses_identity/tickets.example/verified",
        "budget/tickets-monthly/limit_amount",
    ] {
        assert_eq!(json_check(&report, id)["status"], "pass", "{id}");
    }

    let proxy = proxy::start(moto.port, deny_lists);
    let report = run_json(&proxy.endpoint, DENIED_SPEC, 3);
    for (id, action) in [
        ("backup_plan/tickets-daily/exists", "backup:ListBackupPlans"),
        (
            "backup_vault/tickets-vault/locked",
            "backup:ListBackupVaults",
        ),
        (
            "ses_identity/tickets.example/verified",
            "ses:ListEmailIdentities",
        ),
        ("budget/tickets-monthly/limit_amount", "budgets:ViewBudget"),
    ] {
        let c = json_check(&report, id);
        assert_eq!(c["status"], "error", "{c}");
        assert!(
            c["message"].as_str().unwrap_or_default().contains(&format!(
                "access denied: the caller may not call `{action}`"
            )),
            "{c}"
        );
    }
}
