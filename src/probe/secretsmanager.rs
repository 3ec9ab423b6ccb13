//! Secrets Manager: one paginated ListSecrets serves every `secret` check. Only metadata is read:
//! the probes never call GetSecretValue, and the IAM policy does not allow it.

use std::collections::BTreeMap;

use aws_sdk_secretsmanager::types::SecretListEntry;
use aws_smithy_types::date_time::Format;
use serde_json::{json, Value};

use futures::stream::{self, StreamExt};

use super::{collect_pages, describe_error, listed_kind, policy_summary, tags_json, Wanting};
use crate::aws::Connection;
use crate::snapshot::{Observation, ResourceRecord};
use crate::spec::Resource;

/// Observes the named secrets.
pub async fn observe(conn: &Connection, resources: &[&Resource]) -> Vec<ResourceRecord> {
    let client = crate::client!(aws_sdk_secretsmanager, conn);
    let mut records = listed_kind(
        resources,
        "secret",
        "secretsmanager:ListSecrets",
        || client.list_secrets().into_paginator().send(),
        |page| page.secret_list.unwrap_or_default(),
        |s: &SecretListEntry| s.name.clone(),
        attributes,
    )
    .await;
    for r in &mut records {
        interval_unknown_on_a_schedule(&mut r.observation);
    }
    // Per secret, only for the secrets whose checks read the call.
    let policy = Wanting::of(resources, "secret", GET_RESOURCE_POLICY);
    let versions = Wanting::of(resources, "secret", LIST_VERSIONS);
    if !policy.none() || !versions.none() {
        let (client, policy, versions) = (&client, &policy, &versions);
        let now = aws_smithy_types::DateTime::from(std::time::SystemTime::now()).secs();
        stream::iter(records.iter_mut())
            .for_each_concurrent(conn.max_concurrency, |r| async move {
                let Observation::Present { attributes, errors } = &mut r.observation else {
                    return;
                };
                if policy.wants(&r.id) {
                    match resource_policy(client, &r.id).await {
                        Ok(values) => attributes.extend(values),
                        Err(e) => {
                            for a in POLICY_ATTRIBUTES {
                                errors.insert(a.to_string(), e.clone());
                            }
                        }
                    }
                }
                if versions.wants(&r.id) {
                    match current_version_age(client, &r.id, now).await {
                        Ok(days) => {
                            attributes.insert(VERSION_ATTRIBUTE.into(), json!(days));
                        }
                        Err(e) => {
                            errors.insert(VERSION_ATTRIBUTE.into(), e);
                        }
                    }
                }
            })
            .await;
    }
    records
}

const GET_RESOURCE_POLICY: &str = "secretsmanager:GetResourcePolicy";
const LIST_VERSIONS: &str = "secretsmanager:ListSecretVersionIds";
const POLICY_ATTRIBUTES: [&str; 3] = [
    "resource_policy",
    "resource_policy_principals",
    "resource_policy_public",
];
const VERSION_ATTRIBUTE: &str = "current_version_age_days";

/// The secret's resource policy: whether it has one, the principals it allows, and whether it
/// allows everyone without a condition. The policy is a document about access, not the secret.
async fn resource_policy(
    client: &aws_sdk_secretsmanager::Client,
    id: &str,
) -> Result<Vec<(String, Value)>, String> {
    let out = client
        .get_resource_policy()
        .secret_id(id)
        .send()
        .await
        .map_err(|e| describe_error(GET_RESOURCE_POLICY, &e))?;
    policy_attributes(out.resource_policy()).map_err(|e| format!("{GET_RESOURCE_POLICY}: {e}"))
}

/// The attributes of a resource policy document (none: no policy).
pub fn policy_attributes(policy: Option<&str>) -> Result<Vec<(String, Value)>, String> {
    let Some(text) = policy.filter(|p| !p.trim().is_empty()) else {
        return Ok(vec![
            ("resource_policy".into(), json!(false)),
            ("resource_policy_principals".into(), json!([])),
            ("resource_policy_public".into(), json!(false)),
        ]);
    };
    let statements = policy_summary::statements(text)?;
    Ok(vec![
        ("resource_policy".into(), json!(true)),
        (
            "resource_policy_principals".into(),
            json!(policy_summary::allowed_principals(&statements)),
        ),
        (
            "resource_policy_public".into(),
            json!(policy_summary::allows_everyone(&statements)),
        ),
    ])
}

/// Whole days since the version labelled `AWSCURRENT` was created (all pages of
/// ListSecretVersionIds); an error when no version carries the label (the secret has no value
/// an application would read).
async fn current_version_age(
    client: &aws_sdk_secretsmanager::Client,
    id: &str,
    now: i64,
) -> Result<i64, String> {
    let versions = collect_pages(
        client
            .list_secret_version_ids()
            .secret_id(id)
            .into_paginator()
            .send(),
        LIST_VERSIONS,
        |page| page.versions.unwrap_or_default(),
    )
    .await?;
    current_age(&versions, now)
}

/// See [`current_version_age`].
pub fn current_age(
    versions: &[aws_sdk_secretsmanager::types::SecretVersionsListEntry],
    now: i64,
) -> Result<i64, String> {
    let current = versions
        .iter()
        .find(|v| v.version_stages().iter().any(|s| s == "AWSCURRENT"))
        .ok_or_else(|| "no version of the secret is labelled AWSCURRENT".to_string())?;
    let created = current
        .created_date()
        .ok_or_else(|| format!("{LIST_VERSIONS} gave the AWSCURRENT version no creation date"))?;
    Ok((now - created.secs()).max(0).div_euclid(86_400))
}

/// A rotation set by a `ScheduleExpression` (`cron(...)`, or a `rate(...)` that is not whole
/// days) has no `AutomaticallyAfterDays`: its interval in days is not known, so
/// `rotation_interval_days` is an error naming the schedule, never a null that an expectation
/// would fail (or pass) on.
pub fn interval_unknown_on_a_schedule(observation: &mut Observation) {
    let Observation::Present { attributes, errors } = observation else {
        return;
    };
    let on = attributes.get("rotation_enabled") == Some(&json!(true));
    let unknown = attributes
        .get("rotation_interval_days")
        .is_none_or(Value::is_null);
    if let (true, true, Some(Value::String(schedule))) =
        (on, unknown, attributes.get("rotation_schedule"))
    {
        let why = format!(
            "rotation runs on the schedule `{schedule}`, not every whole number of days: check `rotation_schedule` instead"
        );
        attributes.remove("rotation_interval_days");
        errors.insert("rotation_interval_days".into(), why);
    }
}

/// Days of a `rate(N day|days|hour|hours)` schedule that is a whole number of days.
fn rate_days(schedule: &str) -> Option<i64> {
    let inner = schedule.trim().strip_prefix("rate(")?.strip_suffix(')')?;
    let (n, unit) = inner.trim().split_once(char::is_whitespace)?;
    let n: i64 = n.trim().parse().ok()?;
    match unit.trim() {
        "day" | "days" => Some(n),
        "hour" | "hours" if n % 24 == 0 => Some(n / 24),
        _ => None,
    }
}

fn date(d: Option<&aws_smithy_types::DateTime>) -> Value {
    json!(
        d.and_then(|d| aws_smithy_types::DateTime::from_secs(d.secs())
            .fmt(Format::DateTime)
            .ok())
    )
}

/// The catalog's `secret` attributes of one secret.
pub fn attributes(s: &SecretListEntry) -> BTreeMap<String, Value> {
    let rotation = s.rotation_enabled().unwrap_or(false);
    let rules = s.rotation_rules().filter(|_| rotation);
    let schedule = rules
        .and_then(|r| r.schedule_expression())
        .filter(|e| !e.trim().is_empty());
    // AutomaticallyAfterDays when AWS reports it; else a `rate(N days)` schedule says it.
    let interval = rules
        .and_then(|r| r.automatically_after_days())
        .filter(|d| *d > 0)
        .or_else(|| schedule.and_then(rate_days));
    BTreeMap::from([
        ("rotation_enabled".into(), json!(rotation)),
        ("rotation_interval_days".into(), json!(interval)),
        ("rotation_schedule".into(), json!(schedule)),
        ("kms_key_id".into(), json!(s.kms_key_id())),
        ("last_rotated_date".into(), date(s.last_rotated_date())),
        ("last_changed_date".into(), date(s.last_changed_date())),
        (
            "has_current_version".into(),
            json!(s
                .secret_versions_to_stages()
                .is_some_and(|m| m.values().any(|st| st.iter().any(|s| s == "AWSCURRENT")))),
        ),
        (
            "tags".into(),
            tags_json(
                s.tags()
                    .iter()
                    .filter_map(|t| Some((t.key()?, t.value().unwrap_or("")))),
            ),
        ),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_secretsmanager::types::RotationRulesType;

    #[test]
    fn rotation_interval_only_when_rotation_is_on() {
        let on = SecretListEntry::builder()
            .name("app/production/backend")
            .rotation_enabled(true)
            .rotation_rules(
                RotationRulesType::builder()
                    .automatically_after_days(30)
                    .build(),
            )
            .last_rotated_date(aws_smithy_types::DateTime::from_secs(1_767_225_600))
            .build();
        let a = attributes(&on);
        assert_eq!(a["rotation_enabled"], json!(true));
        assert_eq!(a["rotation_interval_days"], json!(30));
        assert_eq!(a["last_rotated_date"], json!("2026-01-01T00:00:00Z"));
        let off = SecretListEntry::builder()
            .rotation_enabled(false)
            .rotation_rules(
                RotationRulesType::builder()
                    .automatically_after_days(30)
                    .build(),
            )
            .build();
        assert_eq!(attributes(&off)["rotation_interval_days"], Value::Null);
        assert_eq!(attributes(&off)["last_rotated_date"], Value::Null);
    }

    fn scheduled(expression: &str) -> Observation {
        let s = SecretListEntry::builder()
            .name("app/production/db")
            .rotation_enabled(true)
            .rotation_rules(
                RotationRulesType::builder()
                    .schedule_expression(expression)
                    .duration("2h")
                    .build(),
            )
            .build();
        let mut o = Observation::Present {
            attributes: attributes(&s),
            errors: BTreeMap::new(),
        };
        interval_unknown_on_a_schedule(&mut o);
        o
    }

    /// Rotation by `ScheduleExpression` has no AutomaticallyAfterDays until it first runs (and
    /// a cron schedule never has a number of days): the interval is an error, not a null that
    /// `at_most: 30` would fail on; a `rate(N days)` schedule gives N.
    #[test]
    fn a_rotation_schedule_is_reported_and_its_interval_never_guessed() {
        let Observation::Present { attributes, errors } = scheduled("cron(0 16 1,15 * ? *)") else {
            panic!("present");
        };
        assert_eq!(
            attributes["rotation_schedule"],
            json!("cron(0 16 1,15 * ? *)")
        );
        assert_eq!(attributes["rotation_enabled"], json!(true));
        assert!(!attributes.contains_key("rotation_interval_days"));
        assert!(errors["rotation_interval_days"].contains("cron(0 16 1,15 * ? *)"));
        for (rate, days) in [
            ("rate(10 days)", 10),
            ("rate(1 day)", 1),
            ("rate(48 hours)", 2),
        ] {
            let Observation::Present { attributes, errors } = scheduled(rate) else {
                panic!("present");
            };
            assert_eq!(attributes["rotation_interval_days"], json!(days), "{rate}");
            assert!(errors.is_empty(), "{rate}");
        }
        let Observation::Present { errors, .. } = scheduled("rate(4 hours)") else {
            panic!("present");
        };
        assert!(errors.contains_key("rotation_interval_days"));
        // An evaluation of `at_most: 30` on it is an error, never a pass or a fail.
        let spec = crate::spec::from_str(
            std::path::Path::new("inline.yaml"),
            "version: 1\nenvironment: t\nresources:\n  - kind: secret\n    id: app/production/db\n    expect: { rotation_interval_days: { at_most: 30 } }\n",
        )
        .expect("spec");
        let mut snapshot =
            crate::snapshot::Snapshot::unobserved(&spec, "2026-12-04T00:00:00Z".into(), "-");
        snapshot.resources = vec![ResourceRecord {
            kind: "secret".into(),
            id: "app/production/db".into(),
            observation: scheduled("cron(0 16 1,15 * ? *)"),
        }];
        let report = crate::evaluate::evaluate(&spec, &snapshot);
        assert_eq!(report.checks[1].status, crate::evaluate::Status::Error);
    }

    /// ListSecrets answered as the Secrets Manager API reference documents it (moto keeps only
    /// `AutomaticallyAfterDays` of the rotation rules and pages differently): two pages, the
    /// second asked for with the first's `NextToken`; rotation by a `cron(...)` schedule with a
    /// `Duration` (no days), by a `rate(10 days)` schedule (AWS reports the days too), by days
    /// only, and rotation off; every date as epoch seconds with a fraction.
    #[tokio::test]
    async fn list_secrets_pages_and_rotation_rules_as_aws_reports_them() {
        use crate::probe::replay::Replay;
        const ARN: &str = "arn:aws:secretsmanager:ap-northeast-2:123456789012:secret";
        const KEY: &str =
            "arn:aws:kms:ap-northeast-2:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
        const TOKEN: &str = "AAIAAVhVvyEaIDiaeF8zWnc+kvB7tWJ0B/pKiuTPcuk6Q0DcAAABjZ==";
        let first = format!(
            r#"{{"SecretList":[
            {{"ARN":"{ARN}:app/production/db-a1b2c3","Name":"app/production/db",
              "Description":"Aurora PostgreSQL master user","KmsKeyId":"{KEY}",
              "RotationEnabled":true,
              "RotationLambdaARN":"arn:aws:lambda:ap-northeast-2:123456789012:function:SecretsManagerRotation",
              "RotationRules":{{"ScheduleExpression":"cron(0 16 1,15 * ? *)","Duration":"2h"}},
              "LastRotatedDate":1767225600.123,"LastChangedDate":1767225612.5,"LastAccessedDate":1767139200.0,
              "NextRotationDate":1768492800.0,"CreatedDate":1704067200.0,
              "Tags":[{{"Key":"Environment","Value":"production"}},{{"Key":"Team","Value":"platform"}}],
              "SecretVersionsToStages":{{"a1b2c3d4-5678-90ab-cdef-EXAMPLE11111":["AWSCURRENT"],
                                        "a1b2c3d4-5678-90ab-cdef-EXAMPLE22222":["AWSPREVIOUS"]}}}},
            {{"ARN":"{ARN}:app/production/api-key-d4e5f6","Name":"app/production/api-key",
              "RotationEnabled":true,
              "RotationLambdaARN":"arn:aws:lambda:ap-northeast-2:123456789012:function:ApiKeyRotation",
              "RotationRules":{{"AutomaticallyAfterDays":10,"ScheduleExpression":"rate(10 days)","Duration":"3h"}},
              "LastRotatedDate":1767571200.0,"LastChangedDate":1767571200.0,"NextRotationDate":1768435200.0,
              "CreatedDate":1735689600.0,"Tags":[],
              "SecretVersionsToStages":{{"b2c3d4e5-6789-01ab-cdef-EXAMPLE33333":["AWSCURRENT"]}}}}
            ],"NextToken":"{TOKEN}"}}"#
        );
        let second = format!(
            r#"{{"SecretList":[
            {{"ARN":"{ARN}:rds!db-0a1b2c3d-g7h8i9","Name":"rds!db-0a1b2c3d","Description":"Secret associated with primary RDS DB instance",
              "KmsKeyId":"{KEY}","OwningService":"rds","RotationEnabled":true,
              "RotationRules":{{"AutomaticallyAfterDays":7}},
              "LastRotatedDate":1767744000.0,"LastChangedDate":1767744000.0,"NextRotationDate":1768348800.0,
              "CreatedDate":1735689600.0,
              "Tags":[{{"Key":"aws:rds:primaryDBInstanceArn","Value":"arn:aws:rds:ap-northeast-2:123456789012:db:app"}}],
              "SecretVersionsToStages":{{"c3d4e5f6-7890-12ab-cdef-EXAMPLE44444":["AWSCURRENT","AWSPENDING"]}}}},
            {{"ARN":"{ARN}:app/staging/legacy-j1k2l3","Name":"app/staging/legacy",
              "RotationEnabled":false,"RotationRules":{{"AutomaticallyAfterDays":90}},
              "LastChangedDate":1704067200.0,"CreatedDate":1704067200.0,
              "SecretVersionsToStages":{{"d4e5f6a7-8901-23ab-cdef-EXAMPLE55555":["AWSCURRENT"]}}}}
            ]}}"#
        );
        let replay = Replay::new(&[(200, &first), (200, &second)]);
        let spec = crate::spec::from_str(
            std::path::Path::new("inline.yaml"),
            "version: 1\nenvironment: t\nresources:\n\
             - kind: secret\n  id: app/production/db\n  expect: { rotation_interval_days: { at_most: 30 } }\n\
             - kind: secret\n  id: app/production/api-key\n  expect: { rotation_enabled: true }\n\
             - kind: secret\n  id: rds!db-0a1b2c3d\n  expect: { rotation_enabled: true }\n\
             - kind: secret\n  id: app/staging/legacy\n  expect: { rotation_enabled: true }\n\
             - kind: secret\n  id: app/production/missing\n",
        )
        .expect("spec");
        let resources: Vec<&Resource> = spec.resources.iter().collect();
        let records = observe(&replay.connection(), &resources).await;

        let requests = replay.requests();
        assert_eq!(requests.len(), 2, "{requests:#?}");
        assert!(!requests[0].contains("NextToken"), "{}", requests[0]);
        assert!(
            requests[1].contains(&format!(r#""NextToken":"{TOKEN}""#)),
            "{}",
            requests[1]
        );

        let present = |id: &str| match records.iter().find(|r| r.id == id).map(|r| &r.observation) {
            Some(Observation::Present { attributes, errors }) => (attributes, errors),
            other => panic!("{id}: {other:?}"),
        };
        // A cron schedule: reported, and its interval an error naming it (never a guess).
        let (db, errors) = present("app/production/db");
        assert_eq!(db["rotation_enabled"], json!(true));
        assert_eq!(db["rotation_schedule"], json!("cron(0 16 1,15 * ? *)"));
        assert!(!db.contains_key("rotation_interval_days"));
        assert!(
            errors["rotation_interval_days"].contains("cron(0 16 1,15 * ? *)"),
            "{errors:?}"
        );
        assert_eq!(db["kms_key_id"], json!(KEY));
        assert_eq!(db["last_rotated_date"], json!("2026-01-01T00:00:00Z"));
        assert_eq!(db["last_changed_date"], json!("2026-01-01T00:00:12Z"));
        assert_eq!(
            db["tags"],
            json!({ "Environment": "production", "Team": "platform" })
        );
        // A rate schedule with the days AWS computes from it.
        let (api, errors) = present("app/production/api-key");
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(api["rotation_interval_days"], json!(10));
        assert_eq!(api["rotation_schedule"], json!("rate(10 days)"));
        assert_eq!(api["kms_key_id"], Value::Null);
        assert_eq!(api["tags"], json!({}));
        // On the second page: rotation by days only, and rotation off.
        let (rds, errors) = present("rds!db-0a1b2c3d");
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(rds["rotation_interval_days"], json!(7));
        assert_eq!(rds["rotation_schedule"], Value::Null);
        assert_eq!(rds["last_rotated_date"], json!("2026-01-07T00:00:00Z"));
        let (legacy, errors) = present("app/staging/legacy");
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(legacy["rotation_enabled"], json!(false));
        assert_eq!(legacy["rotation_interval_days"], Value::Null);
        assert_eq!(legacy["rotation_schedule"], Value::Null);
        assert_eq!(legacy["last_rotated_date"], Value::Null);
        assert_eq!(legacy["last_changed_date"], json!("2024-01-01T00:00:00Z"));
        let missing = records
            .iter()
            .find(|r| r.id == "app/production/missing")
            .expect("record");
        assert!(
            matches!(missing.observation, Observation::Absent),
            "{missing:?}"
        );
    }

    /// GetResourcePolicy and ListSecretVersionIds as the API reference shapes them (JSON 1.1):
    /// called only for the secrets that exist, only because the spec checks their attributes;
    /// no policy is `false`, a secret whose versions carry no AWSCURRENT label is an error.
    #[tokio::test]
    async fn resource_policy_and_current_version_by_replay() {
        use crate::probe::replay::Replay;
        const ARN: &str = "arn:aws:secretsmanager:ap-northeast-2:123456789012:secret";
        let now = aws_smithy_types::DateTime::from(std::time::SystemTime::now()).secs();
        let list = format!(
            r#"{{"SecretList":[
            {{"ARN":"{ARN}:app/db-a1b2c3","Name":"app/db","LastChangedDate":1767225600.0,
              "SecretVersionsToStages":{{"v2":["AWSCURRENT"],"v1":["AWSPREVIOUS"]}}}},
            {{"ARN":"{ARN}:app/shared-d4e5f6","Name":"app/shared","LastChangedDate":1767225600.0,
              "SecretVersionsToStages":{{"v9":["AWSPENDING"]}}}},
            {{"ARN":"{ARN}:app/plain-g7h8i9","Name":"app/plain","LastChangedDate":1767225600.0,
              "SecretVersionsToStages":{{"v1":["AWSCURRENT"]}}}}]}}"#
        );
        let policy = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:role/api-task"},"Action":"secretsmanager:GetSecretValue","Resource":"*"},{"Effect":"Deny","Principal":"*","Action":"secretsmanager:DeleteSecret","Resource":"*"}]}"#;
        let db_versions = format!(
            r#"{{"Versions":[
            {{"VersionId":"v1","VersionStages":["AWSPREVIOUS"],"CreatedDate":{},"KmsKeyIds":["DefaultEncryptionKey"]}},
            {{"VersionId":"v2","VersionStages":["AWSCURRENT"],"CreatedDate":{},"LastAccessedDate":{}}}],
            "ARN":"{ARN}:app/db-a1b2c3","Name":"app/db"}}"#,
            now - 90 * 86_400,
            now - 3 * 86_400 - 100,
            now - 86_400
        );
        let shared_versions = format!(
            r#"{{"Versions":[{{"VersionId":"v9","VersionStages":["AWSPENDING"],"CreatedDate":{now}}}],"ARN":"{ARN}:app/shared-d4e5f6","Name":"app/shared"}}"#
        );
        let replay = Replay::by_request(move |request| {
            let target = request.lines().last().unwrap_or_default();
            let shared = request.contains("app/shared");
            match target {
                "secretsmanager.ListSecrets" => (200, list.clone()),
                "secretsmanager.GetResourcePolicy" if shared => (
                    200,
                    format!(r#"{{"ARN":"{ARN}:app/shared-d4e5f6","Name":"app/shared"}}"#),
                ),
                "secretsmanager.GetResourcePolicy" => (
                    200,
                    serde_json::json!({"ARN": format!("{ARN}:app/db-a1b2c3"), "Name": "app/db", "ResourcePolicy": policy}).to_string(),
                ),
                "secretsmanager.ListSecretVersionIds" if shared => (200, shared_versions.clone()),
                "secretsmanager.ListSecretVersionIds" => (200, db_versions.clone()),
                other => (400, format!(r#"{{"__type":"InvalidRequestException","Message":"{other}"}}"#)),
            }
        });
        let spec = crate::spec::from_str(
            std::path::Path::new("inline.yaml"),
            "version: 1\nenvironment: t\nresources:\n\
             - kind: secret\n  id: app/db\n  expect: { resource_policy_public: false, current_version_age_days: { at_most: 30 } }\n\
             - kind: secret\n  id: app/shared\n  expect: { resource_policy: false, current_version_age_days: { at_most: 30 } }\n\
             - kind: secret\n  id: app/missing\n  expect: { resource_policy: false }\n\
             - kind: secret\n  id: app/plain\n  expect: { has_current_version: true }\n",
        )
        .expect("spec");
        let resources: Vec<&Resource> = spec.resources.iter().collect();
        let records = observe(&replay.connection(), &resources).await;
        let requests = replay.requests();
        // One list, then two calls for each secret that exists; none for the missing one.
        assert_eq!(requests.len(), 5, "{requests:#?}");
        assert_eq!(
            requests.iter().filter(|r| r.contains("SecretId")).count(),
            4,
            "{requests:#?}"
        );
        assert!(!requests.iter().any(|r| r.contains("app/missing")));
        // `app/plain` checks only what the list says: no call of its own.
        assert!(!requests.iter().any(|r| r.contains("app/plain")));
        let Observation::Present { attributes, errors } = &records[0].observation else {
            panic!("{:?}", records[0]);
        };
        assert_eq!(attributes["resource_policy"], json!(true));
        assert_eq!(
            attributes["resource_policy_principals"],
            json!(["arn:aws:iam::123456789012:role/api-task"])
        );
        assert_eq!(attributes["resource_policy_public"], json!(false));
        assert_eq!(attributes["current_version_age_days"], json!(3));
        assert_eq!(attributes["has_current_version"], json!(true));
        assert!(errors.is_empty(), "{errors:?}");
        let Observation::Present { attributes, errors } = &records[1].observation else {
            panic!("{:?}", records[1]);
        };
        assert_eq!(attributes["resource_policy"], json!(false));
        assert_eq!(attributes["has_current_version"], json!(false));
        assert_eq!(
            errors["current_version_age_days"],
            "no version of the secret is labelled AWSCURRENT"
        );
        assert_eq!(records[2].observation, Observation::Absent);
    }
}
