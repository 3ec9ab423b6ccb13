//! Secrets Manager: one paginated ListSecrets serves every `secret` check. Only metadata is read:
//! the probes never call GetSecretValue, and the IAM policy does not allow it.

use std::collections::BTreeMap;

use aws_sdk_secretsmanager::types::SecretListEntry;
use aws_smithy_types::date_time::Format;
use serde_json::{json, Value};

use super::{listed_kind, tags_json};
use crate::aws::Connection;
use crate::snapshot::ResourceRecord;
use crate::spec::Resource;

/// Observes the named secrets.
pub async fn observe(conn: &Connection, resources: &[&Resource]) -> Vec<ResourceRecord> {
    let client = crate::client!(aws_sdk_secretsmanager, conn);
    listed_kind(
        resources,
        "secret",
        "secretsmanager:ListSecrets",
        || client.list_secrets().into_paginator().send(),
        |page| page.secret_list.unwrap_or_default(),
        |s: &SecretListEntry| s.name.clone(),
        attributes,
    )
    .await
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
    let interval = s
        .rotation_rules()
        .and_then(|r| r.automatically_after_days())
        .filter(|_| rotation);
    BTreeMap::from([
        ("rotation_enabled".into(), json!(rotation)),
        ("rotation_interval_days".into(), json!(interval)),
        ("kms_key_id".into(), json!(s.kms_key_id())),
        ("last_rotated_date".into(), date(s.last_rotated_date())),
        ("last_changed_date".into(), date(s.last_changed_date())),
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
}
