//! RDS: one paginated DescribeDBInstances serves every `rds_instance` check.

use std::collections::{BTreeMap, HashMap};

use aws_sdk_rds::types::DbInstance;
use serde_json::{json, Value};

use super::{all_errors, describe_error, tags_json};
use crate::aws::Connection;
use crate::snapshot::{Observation, ResourceRecord};
use crate::spec::Resource;

/// Observes the named DB instances.
pub async fn observe(conn: &Connection, resources: &[&Resource]) -> Vec<ResourceRecord> {
    if resources.is_empty() {
        return Vec::new();
    }
    let client = aws_sdk_rds::Client::from_conf(
        aws_sdk_rds::config::Builder::from(&conn.sdk)
            .interceptor(conn.recorder.clone())
            .build(),
    );
    let mut instances: HashMap<String, DbInstance> = HashMap::new();
    let mut pages = client.describe_db_instances().into_paginator().send();
    while let Some(page) = pages.next().await {
        match page {
            Ok(page) => {
                for db in page.db_instances.unwrap_or_default() {
                    if let Some(id) = db.db_instance_identifier.clone() {
                        instances.insert(id, db);
                    }
                }
            }
            Err(e) => return all_errors(resources, &describe_error("rds:DescribeDBInstances", &e)),
        }
    }
    resources
        .iter()
        .map(|r| ResourceRecord {
            kind: r.kind.name.to_string(),
            id: r.id.clone(),
            observation: match instances.get(&r.id) {
                Some(db) => Observation::Present {
                    attributes: attributes(db),
                    errors: BTreeMap::new(),
                },
                None => Observation::Absent,
            },
        })
        .collect()
}

/// The catalog's `rds_instance` attributes of one instance.
pub fn attributes(db: &DbInstance) -> BTreeMap<String, Value> {
    let sg_ids: Vec<&str> = db
        .vpc_security_groups()
        .iter()
        .filter_map(|g| g.vpc_security_group_id())
        .collect();
    let tags = tags_json(
        db.tag_list()
            .iter()
            .filter_map(|t| Some((t.key()?, t.value().unwrap_or("")))),
    );
    BTreeMap::from([
        ("status".into(), json!(db.db_instance_status())),
        ("engine".into(), json!(db.engine())),
        ("engine_version".into(), json!(db.engine_version())),
        ("instance_class".into(), json!(db.db_instance_class())),
        ("allocated_storage".into(), json!(db.allocated_storage())),
        ("storage_type".into(), json!(db.storage_type())),
        ("iops".into(), json!(db.iops())),
        ("multi_az".into(), json!(db.multi_az())),
        (
            "backup_retention_period".into(),
            json!(db.backup_retention_period()),
        ),
        ("storage_encrypted".into(), json!(db.storage_encrypted())),
        ("kms_key_id".into(), json!(db.kms_key_id())),
        (
            "deletion_protection".into(),
            json!(db.deletion_protection()),
        ),
        (
            "publicly_accessible".into(),
            json!(db.publicly_accessible()),
        ),
        ("vpc_security_group_ids".into(), json!(sg_ids)),
        (
            "performance_insights_enabled".into(),
            json!(db.performance_insights_enabled()),
        ),
        (
            "auto_minor_version_upgrade".into(),
            json!(db.auto_minor_version_upgrade()),
        ),
        ("tags".into(), tags),
    ])
}
