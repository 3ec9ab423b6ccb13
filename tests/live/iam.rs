//! IAM roles and users against moto: every attribute moto models, failures with the actual
//! values, missing resources, access denied (an error verdict naming the action, never a pass),
//! and the calls made (only those the checks need, each allowed by the spec's IAM policy).
//! Not modelled by moto, so checked by the unit tests in src/probe/iam.rs: a role's
//! `RoleLastUsed` and an access key's last use (moto reports neither).

use std::collections::{BTreeMap, BTreeSet};

use infra_verify::evaluate::Status;
use infra_verify::plan;

use crate::support::moto::Moto;
use crate::support::proxy::{self, Answer};
use crate::support::seed_iam::{IamSeeder, DEPLOY_SUB, GITHUB_OIDC};
use crate::{
    assert_only_expectations_fail, check, json_check, not_passing, observe, rt, run_json, spec_text,
};

fn seeded() -> Moto {
    let moto = Moto::start();
    rt().block_on(IamSeeder::new(&moto.endpoint).seed())
        .expect("seed IAM");
    moto
}

fn calls_map(pairs: &[(&str, u64)]) -> BTreeMap<String, u64> {
    pairs.iter().map(|(k, v)| (k.to_string(), *v)).collect()
}

/// Every attribute, as seeded (see `IamSeeder::seed`).
fn every_attribute() -> String {
    format!(
        r#"
version: 1
environment: test
resources:
  - kind: iam_role
    id: tickets-task
    expect:
      trusted_principals: [ecs-tasks.amazonaws.com]
      trust_conditions: []
      max_session_duration: 3600
      attached_policies: [tickets-s3-read]
      inline_policies: [logs]
      grants_admin: false
      service_wildcards: []
      last_used: null
      tags: {{ team: tickets }}
  - kind: iam_role
    id: tickets-deploy
    expect:
      trusted_principals: ["{GITHUB_OIDC}"]
      trust_conditions:
        contains: "StringEquals token.actions.githubusercontent.com:sub={DEPLOY_SUB}"
      max_session_duration: {{ at_most: 7200 }}
      attached_policies: [tickets-ecr-all, tickets-s3-read]
      inline_policies: [deploy-bucket]
      grants_admin: false
      service_wildcards: ["ecr:*", "s3:*"]
      tags: {{}}
  - kind: iam_role
    id: tickets-admin
    expect:
      trusted_principals: ["arn:aws:iam::123456789012:root"]
      trust_conditions: ["Bool aws:MultiFactorAuthPresent=true"]
      attached_policies: [tickets-everything]
      inline_policies: []
      grants_admin: true
      service_wildcards: ["*"]
  - kind: iam_user
    id: alice
    expect:
      console_access: true
      mfa_enabled: true
      access_key_count: 2
      active_access_key_count: 1
      oldest_active_key_age_days: {{ at_most: 1 }}
      access_key_last_used_days: null
      attached_policies: [tickets-s3-read]
      inline_policies: [self-service]
      groups: [developers, oncall]
      tags: {{ team: platform }}
  - kind: iam_user
    id: ci-bot
    expect:
      console_access: false
      mfa_enabled: false
      access_key_count: 1
      active_access_key_count: {{ at_most: 1 }}
      attached_policies: []
      inline_policies: []
      groups: []
      tags: {{}}
"#
    )
}

#[test]
fn every_modelled_attribute_is_read_from_the_emulator() {
    let moto = seeded();
    let (snap, report, calls) = observe(&moto.endpoint, &every_attribute());
    assert_eq!(not_passing(&report), []);
    // 5 resources and 9 + 8 + 6 + 10 + 8 expectations.
    assert_eq!(report.summary.total, 5 + 41);
    // One list of each kind; per role and user only what its checks need; each managed policy
    // read once although two roles attach `tickets-s3-read`.
    assert_eq!(
        calls,
        calls_map(&[
            ("IAM:GetAccessKeyLastUsed", 1),
            ("IAM:GetLoginProfile", 2),
            ("IAM:GetPolicy", 3),
            ("IAM:GetPolicyVersion", 3),
            ("IAM:GetRole", 2),
            ("IAM:GetRolePolicy", 2),
            ("IAM:GetUser", 2),
            ("IAM:ListAccessKeys", 2),
            ("IAM:ListAttachedRolePolicies", 3),
            ("IAM:ListAttachedUserPolicies", 2),
            ("IAM:ListGroupsForUser", 2),
            ("IAM:ListMFADevices", 2),
            ("IAM:ListRolePolicies", 3),
            ("IAM:ListRoles", 1),
            ("IAM:ListUserPolicies", 2),
            ("IAM:ListUsers", 1),
            ("STS:GetCallerIdentity", 1),
        ])
    );
    // Nothing secret is in the snapshot: no access key id, no password.
    let text = serde_json::to_string(&snap).expect("json");
    assert!(!text.contains("AKIA"), "{text}");
    assert!(!text.contains("Correct-Horse"), "{text}");
}

#[test]
fn each_attribute_reports_a_failure_with_the_actual_value() {
    let moto = seeded();
    let (_, report, _) = observe(
        &moto.endpoint,
        r#"
version: 1
environment: test
resources:
  - kind: iam_role
    id: tickets-deploy
    expect:
      trusted_principals: { subset_of: [ecs-tasks.amazonaws.com] }
      trust_conditions: { contains: "StringEquals token.actions.githubusercontent.com:sub=repo:dorami/tickets:*" }
      max_session_duration: 3600
      attached_policies: { contains: AdministratorAccess }
      inline_policies: []
      grants_admin: true
      service_wildcards: []
      last_used: { matches: "^20" }
      tags: { team: tickets }
  - kind: iam_role
    id: tickets-admin
    expect: { grants_admin: false }
  - kind: iam_user
    id: ci-bot
    expect:
      console_access: true
      mfa_enabled: true
      access_key_count: 0
      active_access_key_count: 0
      oldest_active_key_age_days: null
      access_key_last_used_days: { at_most: 90 }
      attached_policies: [tickets-s3-read]
      inline_policies: [self-service]
      groups: { contains: developers }
      tags: { team: platform }
"#,
    );
    assert_eq!(assert_only_expectations_fail(&report), 9 + 1 + 10);
    let actual = |id: &str| check(&report, id).actual.clone();
    assert_eq!(
        actual("iam_role/tickets-deploy/service_wildcards"),
        serde_json::json!(["ecr:*", "s3:*"])
    );
    assert_eq!(actual("iam_role/tickets-deploy/max_session_duration"), 7200);
    assert_eq!(actual("iam_role/tickets-admin/grants_admin"), true);
    assert_eq!(actual("iam_user/ci-bot/console_access"), false);
    assert_eq!(actual("iam_user/ci-bot/active_access_key_count"), 1);
    assert_eq!(actual("iam_user/ci-bot/oldest_active_key_age_days"), 0);
}

#[test]
fn missing_roles_and_users_are_missing_and_cost_no_call() {
    let moto = seeded();
    let (_, report, calls) = observe(
        &moto.endpoint,
        "version: 1\nenvironment: test\nresources:\n\
         - kind: iam_role\n  id: nope\n  expect: { grants_admin: false, tags: {} }\n\
         - kind: iam_user\n  id: nobody\n  expect: { mfa_enabled: true, access_key_last_used_days: null }\n\
         - kind: iam_user\n  id: ci-bot\n  exists: false\n\
         - kind: iam_role\n  id: old-role\n  exists: false\n",
    );
    let statuses: Vec<(&str, Status)> = report
        .checks
        .iter()
        .map(|c| (c.id.as_str(), c.status))
        .collect();
    assert_eq!(
        statuses,
        [
            ("iam_role/nope/exists", Status::Missing),
            ("iam_role/nope/grants_admin", Status::Missing),
            ("iam_role/nope/tags", Status::Missing),
            ("iam_user/nobody/exists", Status::Missing),
            ("iam_user/nobody/mfa_enabled", Status::Missing),
            ("iam_user/nobody/access_key_last_used_days", Status::Missing),
            ("iam_user/ci-bot/exists", Status::Fail),
            ("iam_role/old-role/exists", Status::Pass),
        ]
    );
    assert_eq!(
        calls,
        calls_map(&[
            ("IAM:ListRoles", 1),
            ("IAM:ListUsers", 1),
            ("STS:GetCallerIdentity", 1),
        ])
    );
}

fn query_action(request: &str, action: &str) -> bool {
    request.contains(&format!("Action={action}&")) || request.ends_with(&format!("Action={action}"))
}

/// Denies every per-role and per-user call; the lists still answer.
fn deny_details(request: &str) -> Option<Answer> {
    [
        "GetRole",
        "ListAttachedRolePolicies",
        "GetPolicyVersion",
        "GetLoginProfile",
        "ListMFADevices",
        "ListAccessKeys",
        "ListGroupsForUser",
        "GetUser",
    ]
    .iter()
    .any(|a| query_action(request, a))
    .then(|| Answer::query_error(403, "AccessDenied"))
}

/// Denies the lists.
fn deny_lists(request: &str) -> Option<Answer> {
    (query_action(request, "ListRoles") || query_action(request, "ListUsers"))
        .then(|| Answer::query_error(403, "AccessDenied"))
}

const DENIED_SPEC: &str = "version: 1\nenvironment: test\naws: { region: ap-northeast-2 }\nresources:\n\
  - kind: iam_role\n  id: tickets-deploy\n  expect: { max_session_duration: 7200, last_used: null, attached_policies: [], inline_policies: [deploy-bucket], grants_admin: false, service_wildcards: [] }\n\
  - kind: iam_user\n  id: alice\n  expect: { console_access: true, mfa_enabled: true, access_key_count: 2, access_key_last_used_days: null, inline_policies: [self-service], groups: [], tags: {} }\n";

#[test]
fn access_denied_is_an_error_verdict_naming_the_action_never_a_pass() {
    let moto = seeded();

    // Detail calls denied: those attributes are errors naming their action; what the lists and
    // the allowed calls read still passes.
    let proxy = proxy::start(moto.port, deny_details);
    let report = run_json(&proxy.endpoint, DENIED_SPEC, 3);
    for (id, action) in [
        ("iam_role/tickets-deploy/last_used", "iam:GetRole"),
        (
            "iam_role/tickets-deploy/attached_policies",
            "iam:ListAttachedRolePolicies",
        ),
        // Without the attached policies, what the role grants is unknown.
        (
            "iam_role/tickets-deploy/grants_admin",
            "iam:ListAttachedRolePolicies",
        ),
        (
            "iam_role/tickets-deploy/service_wildcards",
            "iam:ListAttachedRolePolicies",
        ),
        ("iam_user/alice/console_access", "iam:GetLoginProfile"),
        ("iam_user/alice/mfa_enabled", "iam:ListMFADevices"),
        ("iam_user/alice/access_key_count", "iam:ListAccessKeys"),
        (
            "iam_user/alice/access_key_last_used_days",
            "iam:ListAccessKeys",
        ),
        ("iam_user/alice/groups", "iam:ListGroupsForUser"),
        ("iam_user/alice/tags", "iam:GetUser"),
    ] {
        let c = json_check(&report, id);
        assert_eq!(c["status"], "error", "{c}");
        let message = c["message"].as_str().unwrap_or_default();
        assert!(
            message.contains(&format!(
                "access denied: the caller may not call `{action}`"
            )),
            "{c}"
        );
    }
    for id in [
        "iam_role/tickets-deploy/exists",
        "iam_role/tickets-deploy/max_session_duration",
        "iam_role/tickets-deploy/inline_policies",
        "iam_user/alice/exists",
        "iam_user/alice/inline_policies",
    ] {
        assert_eq!(json_check(&report, id)["status"], "pass", "{id}");
    }

    // Only the managed policy documents denied: the grants are errors, never `false`.
    let proxy = proxy::start(moto.port, |r| {
        query_action(r, "GetPolicyVersion").then(|| Answer::query_error(403, "AccessDenied"))
    });
    let (_, report, _) = observe(
        &proxy.endpoint,
        "version: 1\nenvironment: test\nresources:\n  - kind: iam_role\n    id: tickets-task\n    expect: { grants_admin: false, service_wildcards: [], attached_policies: [tickets-s3-read] }\n",
    );
    for id in [
        "iam_role/tickets-task/grants_admin",
        "iam_role/tickets-task/service_wildcards",
    ] {
        let c = check(&report, id);
        assert_eq!(c.status, Status::Error, "{id}: {c:?}");
        assert!(
            c.message.contains("`iam:GetPolicyVersion`"),
            "{}",
            c.message
        );
    }
    assert_eq!(
        check(&report, "iam_role/tickets-task/attached_policies").status,
        Status::Pass
    );

    // Lists denied: nothing is known, not even whether they exist, and nothing else is asked.
    let proxy = proxy::start(moto.port, deny_lists);
    let (_, report, calls) = observe(&proxy.endpoint, DENIED_SPEC);
    for (id, action) in [
        ("iam_role/tickets-deploy/exists", "iam:ListRoles"),
        ("iam_role/tickets-deploy/grants_admin", "iam:ListRoles"),
        ("iam_user/alice/exists", "iam:ListUsers"),
        ("iam_user/alice/mfa_enabled", "iam:ListUsers"),
    ] {
        let c = check(&report, id);
        assert_eq!(c.status, Status::Error, "{id}: {c:?}");
        assert!(
            c.message.contains(&format!(
                "access denied: the caller may not call `{action}`"
            )),
            "{id}: {}",
            c.message
        );
    }
    assert_eq!(
        calls.keys().cloned().collect::<BTreeSet<_>>(),
        BTreeSet::from([
            "IAM:ListRoles".to_string(),
            "IAM:ListUsers".to_string(),
            "STS:GetCallerIdentity".to_string(),
        ])
    );
}

#[test]
fn only_the_calls_the_checks_need_are_made_and_the_policy_allows_exactly_them() {
    let moto = seeded();

    // Existence and listed attributes only: the two lists and nothing per resource. IAM names
    // are unique whatever their case, so a name in another case finds the role or user.
    let (_, report, calls) = observe(
        &moto.endpoint,
        &format!(
            "version: 1\nenvironment: test\nresources:\n  - kind: iam_role\n    id: tickets-deploy\n    expect: {{ trusted_principals: [\"{GITHUB_OIDC}\"], max_session_duration: 7200 }}\n  - kind: iam_role\n    id: Tickets-Bare\n  - kind: iam_user\n    id: ALICE\n"
        ),
    );
    assert_eq!(not_passing(&report), []);
    assert_eq!(
        calls,
        calls_map(&[
            ("IAM:ListRoles", 1),
            ("IAM:ListUsers", 1),
            ("STS:GetCallerIdentity", 1),
        ])
    );

    // One attribute of each role and user: exactly its calls, for that resource only.
    let text = "version: 1\nenvironment: test\nresources:\n  - kind: iam_role\n    id: tickets-admin\n    expect: { grants_admin: true }\n  - kind: iam_role\n    id: tickets-task\n    expect: { inline_policies: [logs] }\n  - kind: iam_role\n    id: tickets-bare\n  - kind: iam_user\n    id: alice\n    expect: { access_key_last_used_days: null }\n  - kind: iam_user\n    id: ci-bot\n    expect: { mfa_enabled: false }\n";
    let (_, report, calls) = observe(&moto.endpoint, text);
    assert_eq!(not_passing(&report), []);
    assert_eq!(
        calls,
        calls_map(&[
            ("IAM:GetAccessKeyLastUsed", 1),
            ("IAM:GetPolicy", 1),
            ("IAM:GetPolicyVersion", 1),
            ("IAM:ListAccessKeys", 1),
            ("IAM:ListAttachedRolePolicies", 1),
            ("IAM:ListMFADevices", 1),
            ("IAM:ListRolePolicies", 2),
            ("IAM:ListRoles", 1),
            ("IAM:ListUsers", 1),
            ("STS:GetCallerIdentity", 1),
        ])
    );
    // Every call made is in the spec's IAM policy, and the policy asks for nothing more.
    let used: BTreeSet<&str> = calls
        .keys()
        .map(|c| {
            let (service, op) = c.split_once(':').expect("service:operation");
            plan::action_for(service, op).unwrap_or_else(|| {
                panic!("the probes called {c}, which is not in plan::OPERATIONS")
            })
        })
        .collect();
    let allowed = plan::plan(&spec_text(text)).actions;
    // GetRolePolicy is allowed for the admin role's inline policies; it has none.
    let mut expected = used.clone();
    expected.insert("iam:GetRolePolicy");
    assert_eq!(expected, allowed);
}

/// `select:` cannot choose roles or users (their lists carry no tags): a spec error at load time,
/// before any call.
#[test]
fn a_selection_is_a_spec_error() {
    for kind in ["iam_role", "iam_user"] {
        let text = format!("version: 1\nenvironment: test\nresources:\n  - kind: {kind}\n    select: {{ tags: {{ team: tickets }} }}\n");
        match infra_verify::spec::from_str(std::path::Path::new("t.yaml"), &text) {
            Err(infra_verify::spec::SpecError::Invalid(diags)) => {
                let got: Vec<String> = diags.iter().map(|d| d.to_string()).collect();
                assert_eq!(got.len(), 1, "{got:#?}");
                assert!(
                    got[0].contains(&format!("infra-verify reads neither for `{kind}`")),
                    "{got:#?}"
                );
            }
            other => panic!("{kind}: a selection loaded: {other:?}"),
        }
    }
}
