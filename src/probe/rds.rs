//! RDS: one paginated DescribeDBInstances serves every `rds_instance` check, and one paginated
//! DescribeDBClusters every `rds_cluster` check. Each list is made only when the spec has a
//! resource of that kind.

use std::collections::BTreeMap;

use aws_sdk_rds::types::{DbCluster, DbInstance};
use serde_json::{json, Value};

use super::{listed_kind, tags_json};
use crate::aws::Connection;
use crate::snapshot::ResourceRecord;
use crate::spec::Resource;

/// Observes the named DB instances and clusters.
pub async fn observe(conn: &Connection, resources: &[&Resource]) -> Vec<ResourceRecord> {
    observe_with(conn, resources, false).await
}

/// Discovery (`init --from-account`): as [`observe`], except that the DB instances of an Aurora
/// cluster are left out of the instance listing (their backups, encryption and Multi-AZ are the
/// cluster's, which stands for them), so a selection of every instance finds the stand-alone
/// ones only.
pub(crate) async fn discover(conn: &Connection, resources: &[&Resource]) -> Vec<ResourceRecord> {
    observe_with(conn, resources, true).await
}

async fn observe_with(
    conn: &Connection,
    resources: &[&Resource],
    standalone_only: bool,
) -> Vec<ResourceRecord> {
    let client = crate::client!(aws_sdk_rds, conn);
    let (mut records, clusters) = tokio::join!(
        listed_kind(
            resources,
            "rds_instance",
            "rds:DescribeDBInstances",
            || client.describe_db_instances().into_paginator().send(),
            |page| {
                let instances = page.db_instances.unwrap_or_default();
                instances
                    .into_iter()
                    .filter(|db| !standalone_only || db.db_cluster_identifier.is_none())
                    .collect()
            },
            |db: &DbInstance| db.db_instance_identifier.clone(),
            instance_attributes,
        ),
        listed_kind(
            resources,
            "rds_cluster",
            "rds:DescribeDBClusters",
            || client.describe_db_clusters().into_paginator().send(),
            |page| page.db_clusters.unwrap_or_default(),
            |c: &DbCluster| c.db_cluster_identifier.clone(),
            cluster_attributes,
        ),
    );
    records.extend(clusters);
    records
}

/// The catalog's `rds_instance` attributes of one instance.
pub fn instance_attributes(db: &DbInstance) -> BTreeMap<String, Value> {
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

/// The catalog's `rds_cluster` attributes of one cluster.
pub fn cluster_attributes(c: &DbCluster) -> BTreeMap<String, Value> {
    let scaling = c.serverless_v2_scaling_configuration();
    let tags = tags_json(
        c.tag_list()
            .iter()
            .filter_map(|t| Some((t.key()?, t.value().unwrap_or("")))),
    );
    BTreeMap::from([
        ("status".into(), json!(c.status())),
        ("engine".into(), json!(c.engine())),
        ("engine_version".into(), json!(c.engine_version())),
        ("engine_mode".into(), json!(c.engine_mode())),
        (
            "serverless_v2_min_capacity".into(),
            json!(scaling.and_then(|s| s.min_capacity())),
        ),
        (
            "serverless_v2_max_capacity".into(),
            json!(scaling.and_then(|s| s.max_capacity())),
        ),
        (
            "backup_retention_period".into(),
            json!(c.backup_retention_period()),
        ),
        ("storage_encrypted".into(), json!(c.storage_encrypted())),
        ("deletion_protection".into(), json!(c.deletion_protection())),
        ("multi_az".into(), json!(c.multi_az())),
        ("member_count".into(), json!(c.db_cluster_members().len())),
        ("tags".into(), tags),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_rds::types::{DbClusterMember, ServerlessV2ScalingConfigurationInfo, Tag};

    #[test]
    fn cluster_attributes_cover_serverless_v2_and_members() {
        let c = DbCluster::builder()
            .db_cluster_identifier("tickets")
            .status("available")
            .engine("aurora-postgresql")
            .engine_version("16.4")
            .engine_mode("provisioned")
            .serverless_v2_scaling_configuration(
                ServerlessV2ScalingConfigurationInfo::builder()
                    .min_capacity(0.5)
                    .max_capacity(2.0)
                    .build(),
            )
            .backup_retention_period(7)
            .storage_encrypted(true)
            .deletion_protection(true)
            .multi_az(true)
            .db_cluster_members(
                DbClusterMember::builder()
                    .db_instance_identifier("a")
                    .build(),
            )
            .db_cluster_members(
                DbClusterMember::builder()
                    .db_instance_identifier("b")
                    .build(),
            )
            .tag_list(
                Tag::builder()
                    .key("Environment")
                    .value("production")
                    .build(),
            )
            .build();
        let a = cluster_attributes(&c);
        assert_eq!(a["serverless_v2_min_capacity"], json!(0.5));
        assert_eq!(a["serverless_v2_max_capacity"], json!(2.0));
        assert_eq!(a["member_count"], json!(2));
        assert_eq!(a["multi_az"], json!(true));
        assert_eq!(a["tags"], json!({"Environment": "production"}));
        let names: Vec<&str> = a.keys().map(String::as_str).collect();
        let kind = crate::catalog::kind("rds_cluster").expect("kind");
        let mut catalog: Vec<&str> = kind.attributes.iter().map(|x| x.name).collect();
        catalog.sort_unstable();
        assert_eq!(
            names, catalog,
            "the probe records exactly the catalog's attributes"
        );
    }

    #[test]
    fn provisioned_cluster_has_null_capacity() {
        let a = cluster_attributes(&DbCluster::builder().db_cluster_identifier("x").build());
        assert_eq!(a["serverless_v2_min_capacity"], Value::Null);
        assert_eq!(a["member_count"], json!(0));
    }

    /// AWS stores DB instance and cluster identifiers in lower case: a spec naming
    /// `Dorami-Staging` means `dorami-staging` (replayed DescribeDBInstances/Clusters, shaped
    /// like the API reference's, fields moto omits included), never "missing".
    #[tokio::test]
    async fn ids_in_another_case_name_the_same_resource() {
        use crate::probe::replay::Replay;
        use crate::snapshot::Observation;
        let instances = r#"<DescribeDBInstancesResponse xmlns="http://rds.amazonaws.com/doc/2014-10-31/"><DescribeDBInstancesResult><DBInstances><DBInstance>
            <DBInstanceIdentifier>dorami-staging</DBInstanceIdentifier><DBInstanceClass>db.t3.micro</DBInstanceClass><Engine>postgres</Engine>
            <DBInstanceStatus>available</DBInstanceStatus><AllocatedStorage>20</AllocatedStorage><MaxAllocatedStorage>100</MaxAllocatedStorage>
            <StorageType>gp3</StorageType><Iops>3000</Iops><MultiAZ>false</MultiAZ><StorageEncrypted>true</StorageEncrypted>
            <PerformanceInsightsEnabled>true</PerformanceInsightsEnabled><BackupRetentionPeriod>7</BackupRetentionPeriod>
            </DBInstance></DBInstances></DescribeDBInstancesResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></DescribeDBInstancesResponse>"#;
        let clusters = r#"<DescribeDBClustersResponse xmlns="http://rds.amazonaws.com/doc/2014-10-31/"><DescribeDBClustersResult><DBClusters><DBCluster>
            <DBClusterIdentifier>tickets-db</DBClusterIdentifier><Engine>aurora-postgresql</Engine><Status>available</Status>
            </DBCluster></DBClusters></DescribeDBClustersResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></DescribeDBClustersResponse>"#;
        let spec = crate::spec::from_str(
            std::path::Path::new("inline.yaml"),
            "version: 1\nenvironment: t\nresources:\n  - kind: rds_instance\n    id: Dorami-Staging\n    expect: { instance_class: db.t3.micro }\n  - kind: rds_cluster\n    id: TICKETS-DB\n",
        )
        .expect("spec");
        let resources: Vec<&Resource> = spec.resources.iter().collect();
        // The two lists go out concurrently: answer whichever comes first by its action.
        let replay = Replay::by_request(move |request| {
            if request.contains("DescribeDBInstances") {
                (200, instances.to_string())
            } else {
                (200, clusters.to_string())
            }
        });
        let records = observe(&replay.connection(), &resources).await;
        for r in &records {
            assert!(
                matches!(r.observation, Observation::Present { .. }),
                "{}: {:?}",
                r.id,
                r.observation
            );
        }
        let ids: Vec<&str> = records.iter().map(|r| r.id.as_str()).collect();
        assert_eq!(ids, ["Dorami-Staging", "TICKETS-DB"]);
    }
}
