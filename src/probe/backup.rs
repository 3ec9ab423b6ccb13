//! AWS Backup. One paginated ListBackupPlans decides which plans exist; GetBackupPlan is called
//! per named plan only when one of its rule attributes is checked. One paginated
//! ListBackupVaults serves every `backup_vault` attribute, and one paginated
//! ListProtectedResources every `backup_protected_resource` (each resource's latest recovery
//! point comes with it: no per-resource call). Each list is made only when the spec names a
//! resource of its kind.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use aws_sdk_backup::types::{
    BackupPlansListMember, BackupRule, BackupVaultListMember, ProtectedResource,
};
use aws_sdk_backup::Client;
use futures::stream::{self, StreamExt};
use serde_json::{json, Value};

use super::{all_errors, by_id, collect_pages, describe_error, from_listing, listed_kind, of_kind};
use crate::aws::Connection;
use crate::plan::operations_for;
use crate::snapshot::{Observation, ResourceRecord};
use crate::spec::Resource;

const PLANS: &str = "backup:ListBackupPlans";
const PLAN: &str = "backup:GetBackupPlan";
const VAULTS: &str = "backup:ListBackupVaults";
const PROTECTED: &str = "backup:ListProtectedResources";

/// The `backup_plan` attributes read from GetBackupPlan.
const RULE_ATTRIBUTES: &[&str] = &[
    "rules",
    "rule_names",
    "schedules",
    "min_retention_days",
    "continuous_backup",
    "copy_destinations",
];

/// Observes the named plans, vaults and protected resources.
pub async fn observe(conn: &Connection, resources: &[&Resource]) -> Vec<ResourceRecord> {
    let client = crate::client!(aws_sdk_backup, conn);
    let (plans, vaults, protected) = tokio::join!(
        observe_plans(conn, &client, resources),
        listed_kind(
            resources,
            "backup_vault",
            VAULTS,
            || client.list_backup_vaults().into_paginator().send(),
            |page| page.backup_vault_list.unwrap_or_default(),
            |v: &BackupVaultListMember| v.backup_vault_name.clone(),
            vault_attributes,
        ),
        observe_protected(&client, resources),
    );
    plans.into_iter().chain(vaults).chain(protected).collect()
}

fn now_secs() -> i64 {
    aws_smithy_types::DateTime::from(std::time::SystemTime::now()).secs()
}

/// Whole hours from `at` to `now`; null when there is no `at`.
fn age_hours(at: Option<&aws_smithy_types::DateTime>, now: i64) -> Value {
    json!(at.map(|t| (now - t.secs()).max(0) / 3600))
}

async fn observe_plans(
    conn: &Connection,
    client: &Client,
    resources: &[&Resource],
) -> Vec<ResourceRecord> {
    let named = of_kind(resources, "backup_plan");
    if named.is_empty() {
        return Vec::new();
    }
    let listed = collect_pages(
        client.list_backup_plans().into_paginator().send(),
        PLANS,
        |page| page.backup_plans_list.unwrap_or_default(),
    )
    .await;
    let plans = match listed {
        Ok(listed) => by_id(listed, |p: &BackupPlansListMember| {
            p.backup_plan_name.clone()
        }),
        Err(e) => return all_errors(&named, &e),
    };
    let now = now_secs();
    let mut records = from_listing(&named, "backup_plan", &plans, |p| {
        BTreeMap::from([(
            "last_execution_age_hours".to_string(),
            age_hours(p.last_execution_date(), now),
        )])
    });
    // The rules of each plan that checks them, a bounded number at once.
    let wanted: Vec<(usize, String)> = records
        .iter()
        .enumerate()
        .filter(|(_, rec)| matches!(rec.observation, Observation::Present { .. }))
        .filter(|(_, rec)| {
            named
                .iter()
                .any(|r| r.id == rec.id && operations_for(r).contains(PLAN))
        })
        .filter_map(|(i, rec)| Some((i, plans.get(&rec.id)?.backup_plan_id.clone()?)))
        .collect();
    let rules: Vec<(usize, Result<Vec<BackupRule>, String>)> = stream::iter(wanted)
        .map(|(i, id)| async move {
            let out = client
                .get_backup_plan()
                .backup_plan_id(&id)
                .send()
                .await
                .map_err(|e| describe_error(PLAN, &e))
                .and_then(|out| {
                    out.backup_plan
                        .map(|p| p.rules)
                        .ok_or_else(|| format!("`{PLAN}` answered without the plan"))
                });
            (i, out)
        })
        .buffer_unordered(conn.max_concurrency)
        .collect()
        .await;
    for (i, result) in rules {
        let Some(Observation::Present { attributes, errors }) =
            records.get_mut(i).map(|r| &mut r.observation)
        else {
            continue;
        };
        match result {
            Ok(rules) => attributes.extend(rule_attributes(&rules)),
            Err(e) => {
                for name in RULE_ATTRIBUTES {
                    errors.insert((*name).to_string(), e.clone());
                }
            }
        }
    }
    records
}

/// The `backup_plan` attributes of its rules.
pub fn rule_attributes(rules: &[BackupRule]) -> BTreeMap<String, Value> {
    let mut sorted: Vec<&BackupRule> = rules.iter().collect();
    sorted.sort_by(|a, b| a.rule_name().cmp(b.rule_name()));
    let objects: Vec<Value> = sorted
        .iter()
        .map(|r| {
            let lifecycle = r.lifecycle();
            json!({
                "name": r.rule_name(),
                "schedule": r.schedule_expression(),
                "timezone": r.schedule_expression_timezone(),
                "target_vault": r.target_backup_vault_name(),
                "start_window_minutes": r.start_window_minutes(),
                "completion_window_minutes": r.completion_window_minutes(),
                "delete_after_days": lifecycle.and_then(|l| l.delete_after_days()),
                "cold_storage_after_days": lifecycle.and_then(|l| l.move_to_cold_storage_after_days()),
                "continuous": r.enable_continuous_backup().unwrap_or(false),
                "copy_to": r.copy_actions().iter().map(|c| c.destination_backup_vault_arn()).collect::<Vec<_>>(),
            })
        })
        .collect();
    let names: Vec<&str> = sorted.iter().map(|r| r.rule_name()).collect();
    let schedules: BTreeSet<&str> = sorted
        .iter()
        .filter_map(|r| r.schedule_expression())
        .collect();
    let min_retention = sorted
        .iter()
        .filter_map(|r| r.lifecycle().and_then(|l| l.delete_after_days()))
        .min();
    let copies: BTreeSet<&str> = sorted
        .iter()
        .flat_map(|r| r.copy_actions())
        .map(|c| c.destination_backup_vault_arn())
        .collect();
    BTreeMap::from([
        ("rules".to_string(), json!(objects)),
        ("rule_names".to_string(), json!(names)),
        ("schedules".to_string(), json!(schedules)),
        ("min_retention_days".to_string(), json!(min_retention)),
        (
            "continuous_backup".to_string(),
            json!(sorted
                .iter()
                .any(|r| r.enable_continuous_backup() == Some(true))),
        ),
        ("copy_destinations".to_string(), json!(copies)),
    ])
}

/// The catalog's `backup_vault` attributes of one vault.
pub fn vault_attributes(v: &BackupVaultListMember) -> BTreeMap<String, Value> {
    BTreeMap::from([
        (
            "recovery_points".to_string(),
            json!(v.number_of_recovery_points()),
        ),
        ("locked".to_string(), json!(v.locked().unwrap_or(false))),
        (
            "min_retention_days".to_string(),
            json!(v.min_retention_days()),
        ),
        (
            "max_retention_days".to_string(),
            json!(v.max_retention_days()),
        ),
        (
            "encryption_key_arn".to_string(),
            json!(v.encryption_key_arn()),
        ),
        (
            "vault_type".to_string(),
            json!(v.vault_type().map(|t| t.as_str())),
        ),
    ])
}

/// The named protected resources: each found by ARN, or by name when exactly one protected
/// resource has it.
async fn observe_protected(client: &Client, resources: &[&Resource]) -> Vec<ResourceRecord> {
    let named = of_kind(resources, "backup_protected_resource");
    if named.is_empty() {
        return Vec::new();
    }
    let listed = collect_pages(
        client.list_protected_resources().into_paginator().send(),
        PROTECTED,
        |page| page.results.unwrap_or_default(),
    )
    .await;
    let listed = match listed {
        Ok(listed) => listed,
        Err(e) => return all_errors(&named, &e),
    };
    let now = now_secs();
    let mut by_name: HashMap<&str, Vec<&ProtectedResource>> = HashMap::new();
    for p in &listed {
        if let Some(name) = p.resource_name() {
            by_name.entry(name).or_default().push(p);
        }
    }
    named
        .iter()
        .map(|r| {
            let found: Vec<&ProtectedResource> = if r.id.starts_with("arn:") {
                listed
                    .iter()
                    .filter(|p| p.resource_arn() == Some(r.id.as_str()))
                    .collect()
            } else {
                by_name.get(r.id.as_str()).cloned().unwrap_or_default()
            };
            let observation = match found.as_slice() {
                [] => Observation::Absent,
                [p] => Observation::Present {
                    attributes: protected_attributes(p, now),
                    errors: BTreeMap::new(),
                },
                several => Observation::Error {
                    error: format!(
                        "ambiguous: {} protected resources are named `{}` ({}); name it by its ARN",
                        several.len(),
                        r.id,
                        several
                            .iter()
                            .filter_map(|p| p.resource_arn())
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                },
            };
            ResourceRecord {
                kind: r.kind.name.to_string(),
                id: r.id.clone(),
                observation,
            }
        })
        .collect()
}

/// The catalog's `backup_protected_resource` attributes of one resource.
pub fn protected_attributes(p: &ProtectedResource, now: i64) -> BTreeMap<String, Value> {
    let last = p.last_backup_time();
    BTreeMap::from([
        ("resource_arn".to_string(), json!(p.resource_arn())),
        ("resource_type".to_string(), json!(p.resource_type())),
        (
            "last_backup".to_string(),
            json!(last.and_then(|t| t.fmt(aws_smithy_types::date_time::Format::DateTime).ok())),
        ),
        ("last_backup_age_hours".to_string(), age_hours(last, now)),
        (
            "last_backup_vault".to_string(),
            // `arn:aws:backup:<region>:<account>:backup-vault:<name>`
            json!(p
                .last_backup_vault_arn()
                .and_then(|a| a.rsplit_once(":backup-vault:"))
                .map(|(_, name)| name)),
        ),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::probe::replay::Replay;

    async fn observe_yaml(replay: &Replay, resources_yaml: &str) -> Vec<ResourceRecord> {
        let spec = crate::spec::from_str(
            std::path::Path::new("inline.yaml"),
            &format!("version: 1\nenvironment: t\nresources:\n{resources_yaml}"),
        )
        .expect("spec");
        let resources: Vec<&Resource> = spec.resources.iter().collect();
        observe(&replay.connection(), &resources).await
    }

    fn present(
        records: &[ResourceRecord],
        id: &str,
    ) -> (BTreeMap<String, Value>, BTreeMap<String, String>) {
        match records.iter().find(|r| r.id == id).map(|r| &r.observation) {
            Some(Observation::Present { attributes, errors }) => {
                (attributes.clone(), errors.clone())
            }
            other => panic!("{id}: {other:?}"),
        }
    }

    /// The request's path and query, without the scheme and host.
    fn path(request: &str) -> &str {
        let first = request.lines().next().unwrap_or_default();
        first
            .split_once(".amazonaws.com")
            .map_or(first, |(_, path)| path)
    }

    fn denied() -> (u16, String) {
        (
            403,
            r#"{"__type":"AccessDeniedException","Message":"User: arn:aws:iam::123456789012:user/ci is not authorized to perform this action"}"#
                .to_string(),
        )
    }

    /// ListBackupPlans over two pages, shaped like the AWS Backup API reference; GetBackupPlan
    /// (by the plan's id) only for the plan whose rules are checked. A plan on the second page is
    /// found; a plan not listed is missing; a denied GetBackupPlan is an error of the rule
    /// attributes only.
    #[tokio::test]
    async fn list_backup_plans_reads_every_page_and_get_backup_plan_only_when_rules_are_checked() {
        let now = now_secs();
        let ran = now - 5 * 3600 - 60;
        let replay = Replay::by_request(move |request| {
            let first = path(request);
            if first == "/backup/plans" || first.starts_with("/backup/plans?") {
                if first.contains("nextToken=p2") {
                    (
                        200,
                        format!(
                            r#"{{"BackupPlansList":[
                        {{"BackupPlanArn":"arn:aws:backup:ap-northeast-2:123456789012:backup-plan:8f1c2d3e","BackupPlanId":"8f1c2d3e",
                          "BackupPlanName":"tickets-daily","CreationDate":1700000000.123,"LastExecutionDate":{ran}.5,"VersionId":"v1"}},
                        {{"BackupPlanArn":"arn:aws:backup:ap-northeast-2:123456789012:backup-plan:aa00","BackupPlanId":"aa00",
                          "BackupPlanName":"denied-plan","CreationDate":1700000000,"VersionId":"v1"}}]}}"#
                        ),
                    )
                } else {
                    (200, r#"{"BackupPlansList":[{"BackupPlanArn":"arn:aws:backup:ap-northeast-2:123456789012:backup-plan:0001","BackupPlanId":"0001",
                        "BackupPlanName":"never-ran","CreationDate":1700000000,"VersionId":"v1"}],"NextToken":"p2"}"#.to_string())
                }
            } else if first.starts_with("/backup/plans/8f1c2d3e") {
                (200, r#"{"BackupPlan":{"BackupPlanName":"tickets-daily","Rules":[
                    {"RuleName":"monthly","TargetBackupVaultName":"tickets-vault","ScheduleExpression":"cron(0 3 1 * ? *)",
                     "StartWindowMinutes":60,"CompletionWindowMinutes":180,"Lifecycle":{"MoveToColdStorageAfterDays":30,"DeleteAfterDays":365},"RuleId":"r2"},
                    {"RuleName":"daily","TargetBackupVaultName":"tickets-vault","ScheduleExpression":"cron(0 18 ? * * *)","ScheduleExpressionTimezone":"Asia/Seoul",
                     "StartWindowMinutes":60,"CompletionWindowMinutes":120,"Lifecycle":{"DeleteAfterDays":35},"RuleId":"r1","EnableContinuousBackup":true,
                     "CopyActions":[{"DestinationBackupVaultArn":"arn:aws:backup:ap-northeast-1:123456789012:backup-vault:tickets-dr","Lifecycle":{"DeleteAfterDays":35}}]}]},
                    "BackupPlanId":"8f1c2d3e","BackupPlanArn":"arn:aws:backup:ap-northeast-2:123456789012:backup-plan:8f1c2d3e","VersionId":"v1"}"#.to_string())
            } else if first.starts_with("/backup/plans/aa00") {
                denied()
            } else {
                (
                    400,
                    format!(
                        r#"{{"__type":"InvalidRequestException","Message":"unexpected {first}"}}"#
                    ),
                )
            }
        });
        let records = observe_yaml(
            &replay,
            "  - kind: backup_plan\n    id: tickets-daily\n    expect: { min_retention_days: { at_least: 30 }, last_execution_age_hours: { at_most: 24 } }\n\
             \x20 - kind: backup_plan\n    id: never-ran\n    expect: { last_execution_age_hours: { at_most: 24 } }\n\
             \x20 - kind: backup_plan\n    id: denied-plan\n    expect: { rule_names: [daily] }\n\
             \x20 - kind: backup_plan\n    id: gone\n    expect: { rules: [] }\n",
        )
        .await;
        let requests = replay.requests();
        // Two list pages, and GetBackupPlan for the two listed plans whose rules are checked.
        assert_eq!(requests.len(), 4, "{requests:#?}");
        assert!(requests[1].contains("nextToken=p2"), "{requests:#?}");
        let (a, e) = present(&records, "tickets-daily");
        assert!(e.is_empty(), "{e:?}");
        assert_eq!(a["last_execution_age_hours"], json!(5));
        assert_eq!(a["rule_names"], json!(["daily", "monthly"]));
        assert_eq!(a["min_retention_days"], json!(35));
        assert_eq!(a["continuous_backup"], json!(true));
        assert_eq!(
            a["schedules"],
            json!(["cron(0 18 ? * * *)", "cron(0 3 1 * ? *)"])
        );
        assert_eq!(
            a["copy_destinations"],
            json!(["arn:aws:backup:ap-northeast-1:123456789012:backup-vault:tickets-dr"])
        );
        assert_eq!(a["rules"][0]["name"], json!("daily"));
        assert_eq!(a["rules"][0]["timezone"], json!("Asia/Seoul"));
        assert_eq!(a["rules"][0]["target_vault"], json!("tickets-vault"));
        assert_eq!(a["rules"][0]["delete_after_days"], json!(35));
        assert_eq!(a["rules"][1]["cold_storage_after_days"], json!(30));
        assert_eq!(a["rules"][1]["continuous"], json!(false));
        assert_eq!(a["rules"][1]["copy_to"], json!([]));
        // Never ran: null, and no GetBackupPlan (no rule attribute checked).
        let (a, _) = present(&records, "never-ran");
        assert_eq!(a["last_execution_age_hours"], Value::Null);
        assert!(!a.contains_key("rules"), "{a:?}");
        assert!(
            !requests.iter().any(|r| r.contains("/backup/plans/0001")),
            "{requests:#?}"
        );
        let (_, e) = present(&records, "denied-plan");
        assert!(
            e["rule_names"]
                .contains("access denied: the caller may not call `backup:GetBackupPlan`"),
            "{e:?}"
        );
        assert!(matches!(
            records
                .iter()
                .find(|r| r.id == "gone")
                .map(|r| &r.observation),
            Some(Observation::Absent)
        ));
    }

    /// A rule that keeps its backups until deleted has no retention: `min_retention_days` is the
    /// shortest of the others, and null when no rule deletes anything (never a made-up number).
    #[test]
    fn rules_without_a_lifecycle_keep_backups_forever() {
        let forever = BackupRule::builder()
            .rule_name("forever")
            .target_backup_vault_name("v")
            .build()
            .expect("rule");
        assert_eq!(
            rule_attributes(std::slice::from_ref(&forever))["min_retention_days"],
            Value::Null
        );
        let week = BackupRule::builder()
            .rule_name("week")
            .target_backup_vault_name("v")
            .lifecycle(
                aws_sdk_backup::types::Lifecycle::builder()
                    .delete_after_days(7)
                    .build(),
            )
            .build()
            .expect("rule");
        let a = rule_attributes(&[forever, week]);
        assert_eq!(a["min_retention_days"], json!(7));
        assert_eq!(a["continuous_backup"], json!(false));
    }

    /// ListBackupVaults over two pages with a locked vault (the reference's fields, which moto
    /// omits for unlocked vaults), and a denied list: every vault an error.
    #[tokio::test]
    async fn list_backup_vaults_reads_every_page() {
        let replay = Replay::new(&[
            (
                200,
                r#"{"BackupVaultList":[{"BackupVaultName":"Default","BackupVaultArn":"arn:aws:backup:ap-northeast-2:123456789012:backup-vault:Default",
                "VaultType":"BACKUP_VAULT","CreationDate":1700000000,"EncryptionKeyArn":"arn:aws:kms:ap-northeast-2:123456789012:key/aws-backup",
                "NumberOfRecoveryPoints":0,"Locked":false}],"NextToken":"v2"}"#,
            ),
            (
                200,
                r#"{"BackupVaultList":[{"BackupVaultName":"tickets-vault","BackupVaultArn":"arn:aws:backup:ap-northeast-2:123456789012:backup-vault:tickets-vault",
                "VaultType":"BACKUP_VAULT","VaultState":"AVAILABLE","CreationDate":1700000000,"EncryptionKeyArn":"arn:aws:kms:ap-northeast-2:123456789012:key/1234abcd",
                "CreatorRequestId":"c","NumberOfRecoveryPoints":42,"Locked":true,"MinRetentionDays":7,"MaxRetentionDays":400,"LockDate":1800000000}]}"#,
            ),
        ]);
        let records = observe_yaml(
            &replay,
            "  - kind: backup_vault\n    id: tickets-vault\n    expect: { locked: true }\n\
             \x20 - kind: backup_vault\n    id: Default\n    expect: { locked: true }\n\
             \x20 - kind: backup_vault\n    id: other\n",
        )
        .await;
        let requests = replay.requests();
        assert_eq!(requests.len(), 2, "{requests:#?}");
        assert!(path(&requests[0]) == "/backup-vaults", "{requests:#?}");
        assert!(requests[1].contains("nextToken=v2"), "{requests:#?}");
        let (a, _) = present(&records, "tickets-vault");
        assert_eq!(a["recovery_points"], json!(42));
        assert_eq!(a["locked"], json!(true));
        assert_eq!(a["min_retention_days"], json!(7));
        assert_eq!(a["max_retention_days"], json!(400));
        assert_eq!(a["vault_type"], json!("BACKUP_VAULT"));
        let (a, _) = present(&records, "Default");
        assert_eq!(a["locked"], json!(false));
        assert_eq!(a["min_retention_days"], Value::Null);
        assert!(matches!(
            records
                .iter()
                .find(|r| r.id == "other")
                .map(|r| &r.observation),
            Some(Observation::Absent)
        ));

        let replay = Replay::by_request(|_| denied());
        let records =
            observe_yaml(&replay, "  - kind: backup_vault\n    id: tickets-vault\n").await;
        assert!(
            matches!(&records[0].observation, Observation::Error { error } if error.contains("`backup:ListBackupVaults`")),
            "{records:?}"
        );
    }

    /// ListProtectedResources over two pages, shaped like the API reference (moto does not
    /// implement it): a resource by ARN and by name, with its latest backup's time, age and
    /// vault; a name two resources share is an error naming both ARNs; a resource never backed
    /// up is missing; a denied list makes every one an error.
    #[tokio::test]
    async fn list_protected_resources_reads_every_page() {
        let now = now_secs();
        let last = now - 20 * 3600 - 30;
        let first_page = format!(
            r#"{{"Results":[{{"ResourceArn":"arn:aws:rds:ap-northeast-2:123456789012:cluster:tickets-db","ResourceType":"Aurora",
                "LastBackupTime":{last},"ResourceName":"tickets-db",
                "LastBackupVaultArn":"arn:aws:backup:ap-northeast-2:123456789012:backup-vault:tickets-vault",
                "LastRecoveryPointArn":"arn:aws:backup:ap-northeast-2:123456789012:recovery-point:1"}},
               {{"ResourceArn":"arn:aws:ec2:ap-northeast-2:123456789012:volume/vol-1","ResourceType":"EBS","LastBackupTime":1700000000,"ResourceName":"data"}}],
               "NextToken":"r2"}}"#
        );
        let replay = Replay::new(&[
            (200, first_page.as_str()),
            (
                200,
                r#"{"Results":[{"ResourceArn":"arn:aws:ec2:ap-northeast-2:123456789012:volume/vol-2","ResourceType":"EBS","LastBackupTime":1700000000,"ResourceName":"data"},
                {"ResourceArn":"arn:aws:s3:::tickets-uploads","ResourceType":"S3","LastBackupTime":1700003600.25,
                 "LastBackupVaultArn":"arn:aws:backup:ap-northeast-2:123456789012:backup-vault:s3-vault"}]}"#,
            ),
        ]);
        let records = observe_yaml(
            &replay,
            "  - kind: backup_protected_resource\n    id: tickets-db\n    expect: { last_backup_age_hours: { at_most: 24 } }\n\
             \x20 - kind: backup_protected_resource\n    id: arn:aws:s3:::tickets-uploads\n\
             \x20 - kind: backup_protected_resource\n    id: data\n\
             \x20 - kind: backup_protected_resource\n    id: never-backed-up\n",
        )
        .await;
        let requests = replay.requests();
        assert_eq!(requests.len(), 2, "{requests:#?}");
        assert!(path(&requests[0]) == "/resources", "{requests:#?}");
        assert!(requests[1].contains("nextToken=r2"), "{requests:#?}");
        let (a, _) = present(&records, "tickets-db");
        assert_eq!(a["resource_type"], json!("Aurora"));
        assert_eq!(a["last_backup_age_hours"], json!(20));
        assert_eq!(a["last_backup_vault"], json!("tickets-vault"));
        assert_eq!(
            a["resource_arn"],
            json!("arn:aws:rds:ap-northeast-2:123456789012:cluster:tickets-db")
        );
        let (a, _) = present(&records, "arn:aws:s3:::tickets-uploads");
        assert_eq!(a["last_backup"], json!("2023-11-14T23:13:20.25Z"));
        assert_eq!(a["last_backup_vault"], json!("s3-vault"));
        let data = records
            .iter()
            .find(|r| r.id == "data")
            .map(|r| &r.observation);
        assert!(
            matches!(data, Some(Observation::Error { error }) if error.contains("ambiguous") && error.contains("vol-1") && error.contains("vol-2")),
            "{data:?}"
        );
        assert!(matches!(
            records
                .iter()
                .find(|r| r.id == "never-backed-up")
                .map(|r| &r.observation),
            Some(Observation::Absent)
        ));

        let replay = Replay::by_request(|_| denied());
        let records = observe_yaml(
            &replay,
            "  - kind: backup_protected_resource\n    id: tickets-db\n",
        )
        .await;
        assert!(
            matches!(&records[0].observation, Observation::Error { error } if error.contains("access denied: the caller may not call `backup:ListProtectedResources`")),
            "{records:?}"
        );
    }
}
