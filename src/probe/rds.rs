//! RDS: one paginated DescribeDBInstances serves every `rds_instance` check, and one paginated
//! DescribeDBClusters every `rds_cluster` check. Each list is made only when the spec has a
//! resource of that kind. Parameter values (`parameters`) are read per parameter group, every
//! page of DescribeDBParameters (instances) or DescribeDBClusterParameters (clusters), once per
//! distinct group per run and only for the groups of resources that check them.

use std::collections::BTreeMap;

use aws_sdk_rds::types::{DbCluster, DbInstance, DbSnapshot, Parameter};
use futures::stream::{self, StreamExt};
use serde_json::{json, Value};

use super::{collect_pages, listed_kind, tags_json, Wanting};
use crate::aws::Connection;
use crate::plan::operations_for;
use crate::snapshot::{Observation, ResourceRecord};
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
    // Every snapshot of the region, once, only when a named instance checks one, alongside the
    // two lists.
    let snapshots = async {
        if named_want(resources, RDS_SNAPSHOTS) {
            Some(
                collect_pages(
                    client
                        .describe_db_snapshots()
                        .max_records(100)
                        .into_paginator()
                        .send(),
                    RDS_SNAPSHOTS,
                    |page| page.db_snapshots.unwrap_or_default(),
                )
                .await,
            )
        } else {
            None
        }
    };
    let (mut records, mut clusters, snapshots) = tokio::join!(
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
        snapshots,
    );
    if let Some(snapshots) = snapshots {
        add_snapshots(
            &mut records,
            snapshots.as_deref().map_err(String::as_str),
            now_secs(),
        );
    }
    // Parameter values, once per distinct group of the resources that check them.
    let instance_wanting = Wanting::of(resources, "rds_instance", RDS_PARAMETERS);
    let cluster_wanting = Wanting::of(resources, "rds_cluster", RDS_CLUSTER_PARAMETERS);
    let instance_groups = groups_wanted(&records, "rds_instance", &instance_wanting);
    let cluster_groups = groups_wanted(&clusters, "rds_cluster", &cluster_wanting);
    let client = &client;
    let (instance_values, cluster_values) = tokio::join!(
        stream::iter(instance_groups)
            .map(|group| async move {
                let values = collect_pages(
                    client
                        .describe_db_parameters()
                        .db_parameter_group_name(&group)
                        .max_records(100)
                        .into_paginator()
                        .send(),
                    RDS_PARAMETERS,
                    |page| page.parameters.unwrap_or_default(),
                )
                .await;
                (group, values.map(|p| parameter_values(&p)))
            })
            .buffered(conn.max_concurrency)
            .collect::<BTreeMap<_, _>>(),
        stream::iter(cluster_groups)
            .map(|group| async move {
                let values = collect_pages(
                    client
                        .describe_db_cluster_parameters()
                        .db_cluster_parameter_group_name(&group)
                        .max_records(100)
                        .into_paginator()
                        .send(),
                    RDS_CLUSTER_PARAMETERS,
                    |page| page.parameters.unwrap_or_default(),
                )
                .await;
                (group, values.map(|p| parameter_values(&p)))
            })
            .buffered(conn.max_concurrency)
            .collect::<BTreeMap<_, _>>(),
    );
    add_parameters(
        &mut records,
        "rds_instance",
        &instance_wanting,
        &instance_values,
    );
    add_parameters(
        &mut clusters,
        "rds_cluster",
        &cluster_wanting,
        &cluster_values,
    );
    records.extend(clusters);
    records
}

const RDS_PARAMETERS: &str = "rds:DescribeDBParameters";
const RDS_CLUSTER_PARAMETERS: &str = "rds:DescribeDBClusterParameters";
/// The attribute both parameter listings answer.
const PARAMETERS: &str = "parameters";

/// The values of a parameter group's parameters that have one, by name.
pub fn parameter_values(parameters: &[Parameter]) -> BTreeMap<String, String> {
    parameters
        .iter()
        .filter_map(|p| {
            Some((
                p.parameter_name()?.to_string(),
                p.parameter_value()?.to_string(),
            ))
        })
        .collect()
}

/// The distinct parameter groups (the `parameter_group` attribute) of the present records of a
/// kind that check their parameters.
fn groups_wanted(
    records: &[ResourceRecord],
    kind: &str,
    wanting: &Wanting,
) -> std::collections::BTreeSet<String> {
    if wanting.none() {
        return Default::default();
    }
    records
        .iter()
        .filter(|r| r.kind == kind && wanting.wants(&r.id))
        .filter_map(|r| match &r.observation {
            Observation::Present { attributes, .. } => {
                Some(attributes.get("parameter_group")?.as_str()?.to_string())
            }
            _ => None,
        })
        .collect()
}

/// Adds `parameters` to each present record of a kind that checks it, from its group's values
/// (or the error reading them).
fn add_parameters(
    records: &mut [ResourceRecord],
    kind: &str,
    wanting: &Wanting,
    values: &BTreeMap<String, Result<BTreeMap<String, String>, String>>,
) {
    for r in records
        .iter_mut()
        .filter(|r| r.kind == kind && wanting.wants(&r.id))
    {
        let Observation::Present { attributes, errors } = &mut r.observation else {
            continue;
        };
        let group = attributes
            .get("parameter_group")
            .and_then(Value::as_str)
            .map(str::to_string);
        match group.as_ref().map(|g| (g, values.get(g))) {
            Some((_, Some(Ok(v)))) => {
                attributes.insert(PARAMETERS.into(), json!(v));
            }
            Some((_, Some(Err(e)))) => {
                errors.insert(PARAMETERS.into(), e.clone());
            }
            Some((g, None)) => {
                errors.insert(
                    PARAMETERS.into(),
                    format!("the parameters of group `{g}` were not read"),
                );
            }
            None => {
                errors.insert(
                    PARAMETERS.into(),
                    format!("the {kind} reports no parameter group"),
                );
            }
        }
    }
}

const RDS_SNAPSHOTS: &str = "rds:DescribeDBSnapshots";
/// The `rds_instance` attributes DescribeDBSnapshots answers.
const SNAPSHOT_ATTRIBUTES: [&str; 3] = [
    "latest_automated_snapshot_age_hours",
    "latest_manual_snapshot_age_hours",
    "latest_manual_snapshot",
];

/// Whether a named `rds_instance` checks an attribute read from `action`.
fn named_want(resources: &[&Resource], action: &str) -> bool {
    resources
        .iter()
        .any(|r| r.kind.name == "rds_instance" && operations_for(r).contains(action))
}

fn now_secs() -> i64 {
    aws_smithy_types::DateTime::from(std::time::SystemTime::now()).secs()
}

/// Adds the newest available automated and manual snapshot of each present instance, from one
/// listing of every snapshot of the region (or that listing's error, on those attributes only).
pub fn add_snapshots(
    records: &mut [ResourceRecord],
    snapshots: Result<&[DbSnapshot], &str>,
    now: i64,
) {
    for r in records.iter_mut().filter(|r| r.kind == "rds_instance") {
        let Observation::Present { attributes, errors } = &mut r.observation else {
            continue;
        };
        let snapshots = match snapshots {
            Ok(s) => s,
            Err(e) => {
                for a in SNAPSHOT_ATTRIBUTES {
                    errors.insert(a.to_string(), e.to_string());
                }
                continue;
            }
        };
        // A record of a tag selection is named by the instance id, as listed.
        let newest = |kind: &str| {
            snapshots
                .iter()
                .filter(|s| {
                    s.db_instance_identifier()
                        .is_some_and(|i| i.eq_ignore_ascii_case(&r.id))
                        && s.snapshot_type() == Some(kind)
                        && s.status() == Some("available")
                })
                .filter_map(|s| Some((s.snapshot_create_time()?.secs(), s)))
                .max_by_key(|(t, _)| *t)
        };
        let hours = |t: i64| json!(((now - t) as f64 / 3600.0 * 10.0).round() / 10.0);
        let automated = newest("automated");
        let manual = newest("manual");
        attributes.insert(
            SNAPSHOT_ATTRIBUTES[0].into(),
            automated.map_or(Value::Null, |(t, _)| hours(t)),
        );
        attributes.insert(
            SNAPSHOT_ATTRIBUTES[1].into(),
            manual.map_or(Value::Null, |(t, _)| hours(t)),
        );
        attributes.insert(
            SNAPSHOT_ATTRIBUTES[2].into(),
            json!(manual.and_then(|(_, s)| s.db_snapshot_identifier())),
        );
    }
}

/// The catalog's `rds_instance` attributes of one instance.
pub fn instance_attributes(db: &DbInstance) -> BTreeMap<String, Value> {
    instance_attributes_at(db, now_secs())
}

/// [`instance_attributes`] at `now` (Unix seconds).
pub fn instance_attributes_at(db: &DbInstance, now: i64) -> BTreeMap<String, Value> {
    let group = db.db_subnet_group();
    let mut subnets: Vec<&str> = group
        .map(|g| g.subnets())
        .unwrap_or_default()
        .iter()
        .filter_map(|s| s.subnet_identifier())
        .collect();
    subnets.sort_unstable();
    let restorable = db
        .latest_restorable_time()
        .filter(|_| db.backup_retention_period().unwrap_or(0) > 0)
        .map(|t| (now - t.secs()).max(0) / 60);
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
        (
            "performance_insights_retention_days".into(),
            json!(db
                .performance_insights_retention_period()
                .filter(|_| db.performance_insights_enabled() == Some(true))),
        ),
        (
            "db_subnet_group".into(),
            json!(group.and_then(|g| g.db_subnet_group_name())),
        ),
        ("subnet_ids".into(), json!(subnets)),
        (
            "parameter_group".into(),
            json!(db
                .db_parameter_groups()
                .first()
                .and_then(|g| g.db_parameter_group_name())),
        ),
        ("latest_restorable_age_minutes".into(), json!(restorable)),
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
        (
            "parameter_group".into(),
            json!(c.db_cluster_parameter_group()),
        ),
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
        // Read per parameter group, only when checked (add_parameters).
        catalog.retain(|n| *n != PARAMETERS);
        catalog.sort_unstable();
        assert_eq!(
            names, catalog,
            "the probe records exactly the catalog's attributes"
        );
    }

    #[test]
    fn instance_placement_parameter_group_and_restorable_age() {
        use aws_sdk_rds::types::{DbParameterGroupStatus, DbSubnetGroup, Subnet};
        let now = 1_767_225_600;
        let db = DbInstance::builder()
            .db_instance_identifier("dorami-production")
            .backup_retention_period(7)
            .latest_restorable_time(aws_smithy_types::DateTime::from_secs(now - 5 * 60 - 59))
            .performance_insights_enabled(true)
            .performance_insights_retention_period(7)
            .db_subnet_group(
                DbSubnetGroup::builder()
                    .db_subnet_group_name("dorami-private")
                    .subnets(Subnet::builder().subnet_identifier("subnet-b").build())
                    .subnets(Subnet::builder().subnet_identifier("subnet-a").build())
                    .build(),
            )
            .db_parameter_groups(
                DbParameterGroupStatus::builder()
                    .db_parameter_group_name("dorami-pg16")
                    .build(),
            )
            .build();
        let a = instance_attributes_at(&db, now);
        assert_eq!(a["db_subnet_group"], json!("dorami-private"));
        assert_eq!(a["subnet_ids"], json!(["subnet-a", "subnet-b"]));
        assert_eq!(a["parameter_group"], json!("dorami-pg16"));
        assert_eq!(a["performance_insights_retention_days"], json!(7));
        assert_eq!(a["latest_restorable_age_minutes"], json!(5));
        // Backups off: no restorable time, whatever AWS says; PI off: no retention.
        let off = DbInstance::builder()
            .backup_retention_period(0)
            .latest_restorable_time(aws_smithy_types::DateTime::from_secs(now))
            .performance_insights_enabled(false)
            .performance_insights_retention_period(7)
            .build();
        let a = instance_attributes_at(&off, now);
        assert_eq!(a["latest_restorable_age_minutes"], Value::Null);
        assert_eq!(a["performance_insights_retention_days"], Value::Null);
        assert_eq!(a["subnet_ids"], json!([]));
    }

    fn present(id: &str) -> ResourceRecord {
        ResourceRecord {
            kind: "rds_instance".into(),
            id: id.into(),
            observation: Observation::Present {
                attributes: BTreeMap::new(),
                errors: BTreeMap::new(),
            },
        }
    }

    #[test]
    fn the_newest_available_snapshot_of_each_type_by_instance() {
        let now = 1_767_225_600;
        let snap = |id: &str, db: &str, kind: &str, status: &str, hours_ago: i64| {
            DbSnapshot::builder()
                .db_snapshot_identifier(id)
                .db_instance_identifier(db)
                .snapshot_type(kind)
                .status(status)
                .snapshot_create_time(aws_smithy_types::DateTime::from_secs(
                    now - hours_ago * 3600,
                ))
                .build()
        };
        let snapshots = [
            snap("rds:db-1", "db", "automated", "available", 30),
            snap("rds:db-2", "db", "automated", "available", 6),
            snap("pre-deploy-1", "db", "manual", "available", 50),
            snap("pre-deploy-2", "db", "manual", "creating", 1),
            snap("other", "other-db", "manual", "available", 2),
        ];
        let mut records = [present("db"), present("bare")];
        add_snapshots(&mut records, Ok(&snapshots), now);
        let Observation::Present { attributes, .. } = &records[0].observation else {
            panic!("present");
        };
        assert_eq!(
            attributes["latest_automated_snapshot_age_hours"],
            json!(6.0)
        );
        // A snapshot still being created is not a backup yet.
        assert_eq!(attributes["latest_manual_snapshot_age_hours"], json!(50.0));
        assert_eq!(attributes["latest_manual_snapshot"], json!("pre-deploy-1"));
        let Observation::Present { attributes, .. } = &records[1].observation else {
            panic!("present");
        };
        assert_eq!(attributes["latest_manual_snapshot_age_hours"], Value::Null);
        assert_eq!(attributes["latest_manual_snapshot"], Value::Null);
        // A listing that failed: those attributes are errors, the others untouched.
        let mut records = [present("db")];
        add_snapshots(&mut records, Err("access denied"), now);
        let Observation::Present { attributes, errors } = &records[0].observation else {
            panic!("present");
        };
        assert!(attributes.is_empty());
        assert_eq!(errors.len(), 3);
        assert_eq!(errors["latest_manual_snapshot"], "access denied");
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

    /// DescribeDBSnapshots (query protocol, as the API reference shapes it): listed once, every
    /// page, only because the spec checks a snapshot attribute, alongside DescribeDBInstances.
    #[tokio::test]
    async fn snapshots_are_listed_once_over_every_page() {
        use crate::probe::replay::Replay;
        let now = now_secs();
        let at = |hours: i64| {
            aws_smithy_types::DateTime::from_secs(now - hours * 3600)
                .fmt(aws_smithy_types::date_time::Format::DateTime)
                .expect("date")
        };
        let instances = r#"<DescribeDBInstancesResponse xmlns="http://rds.amazonaws.com/doc/2014-10-31/"><DescribeDBInstancesResult><DBInstances>
            <DBInstance><DBInstanceIdentifier>dorami-production</DBInstanceIdentifier><DBInstanceStatus>available</DBInstanceStatus><BackupRetentionPeriod>30</BackupRetentionPeriod></DBInstance>
            <DBInstance><DBInstanceIdentifier>dorami-staging</DBInstanceIdentifier><DBInstanceStatus>available</DBInstanceStatus><BackupRetentionPeriod>0</BackupRetentionPeriod></DBInstance>
            </DBInstances></DescribeDBInstancesResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></DescribeDBInstancesResponse>"#;
        let snapshot = |id: &str, db: &str, kind: &str, hours: i64| {
            format!(
                "<DBSnapshot><DBSnapshotIdentifier>{id}</DBSnapshotIdentifier><DBInstanceIdentifier>{db}</DBInstanceIdentifier>\
                 <SnapshotCreateTime>{}</SnapshotCreateTime><Engine>postgres</Engine><AllocatedStorage>20</AllocatedStorage>\
                 <Status>available</Status><SnapshotType>{kind}</SnapshotType><Encrypted>true</Encrypted>\
                 <DBSnapshotArn>arn:aws:rds:ap-northeast-2:123456789012:snapshot:{id}</DBSnapshotArn></DBSnapshot>",
                at(hours)
            )
        };
        let page = |snapshots: String, marker: Option<&str>| {
            format!(
                r#"<DescribeDBSnapshotsResponse xmlns="http://rds.amazonaws.com/doc/2014-10-31/"><DescribeDBSnapshotsResult>{}<DBSnapshots>{snapshots}</DBSnapshots></DescribeDBSnapshotsResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></DescribeDBSnapshotsResponse>"#,
                marker.map_or(String::new(), |m| format!("<Marker>{m}</Marker>"))
            )
        };
        let first = page(
            snapshot(
                "rds:dorami-production-2026-12-06",
                "dorami-production",
                "automated",
                20,
            ) + &snapshot(
                "rds:dorami-production-2026-12-07",
                "dorami-production",
                "automated",
                2,
            ),
            Some("page-2"),
        );
        let second = page(
            snapshot("pre-deploy-v42", "dorami-production", "manual", 30),
            None,
        );
        let replay = Replay::by_request(move |request| {
            if request.contains("Action=DescribeDBInstances") {
                (200, instances.to_string())
            } else if request.contains("Marker=page-2") {
                (200, second.clone())
            } else {
                (200, first.clone())
            }
        });
        let spec = crate::spec::from_str(
            std::path::Path::new("inline.yaml"),
            "version: 1\nenvironment: t\nresources:\n  - kind: rds_instance\n    id: dorami-production\n    expect: { latest_manual_snapshot_age_hours: { at_most: 48 } }\n  - kind: rds_instance\n    id: dorami-staging\n",
        )
        .expect("spec");
        let resources: Vec<&Resource> = spec.resources.iter().collect();
        let records = observe(&replay.connection(), &resources).await;
        let requests = replay.requests();
        let snapshot_calls: Vec<&String> = requests
            .iter()
            .filter(|r| r.contains("Action=DescribeDBSnapshots"))
            .collect();
        assert_eq!(snapshot_calls.len(), 2, "{requests:#?}");
        assert!(
            snapshot_calls[0].contains("MaxRecords=100"),
            "{}",
            snapshot_calls[0]
        );
        assert_eq!(requests.len(), 3, "{requests:#?}");
        let Observation::Present { attributes, errors } = &records[0].observation else {
            panic!("{:?}", records[0]);
        };
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(
            attributes["latest_automated_snapshot_age_hours"],
            json!(2.0)
        );
        assert_eq!(attributes["latest_manual_snapshot_age_hours"], json!(30.0));
        assert_eq!(
            attributes["latest_manual_snapshot"],
            json!("pre-deploy-v42")
        );
        let Observation::Present { attributes, .. } = &records[1].observation else {
            panic!("{:?}", records[1]);
        };
        assert_eq!(
            attributes["latest_automated_snapshot_age_hours"],
            Value::Null
        );
        assert_eq!(attributes["latest_restorable_age_minutes"], Value::Null);
    }

    /// DescribeDBParameters and DescribeDBClusterParameters (query protocol, shaped like the API
    /// reference's responses): every page of each distinct group once, only for the resources
    /// that check `parameters`; a parameter without a value (AWS lists every parameter of the
    /// engine) is left out.
    #[tokio::test]
    async fn parameters_are_read_once_per_group_over_every_page() {
        use crate::probe::replay::Replay;
        let instances = r#"<DescribeDBInstancesResponse xmlns="http://rds.amazonaws.com/doc/2014-10-31/"><DescribeDBInstancesResult><DBInstances>
            <DBInstance><DBInstanceIdentifier>dorami-production</DBInstanceIdentifier><DBInstanceStatus>available</DBInstanceStatus>
              <DBParameterGroups><DBParameterGroup><DBParameterGroupName>dorami-pg16</DBParameterGroupName><ParameterApplyStatus>in-sync</ParameterApplyStatus></DBParameterGroup></DBParameterGroups></DBInstance>
            <DBInstance><DBInstanceIdentifier>dorami-staging</DBInstanceIdentifier><DBInstanceStatus>available</DBInstanceStatus>
              <DBParameterGroups><DBParameterGroup><DBParameterGroupName>dorami-pg16</DBParameterGroupName><ParameterApplyStatus>in-sync</ParameterApplyStatus></DBParameterGroup></DBParameterGroups></DBInstance>
            <DBInstance><DBInstanceIdentifier>dorami-analytics</DBInstanceIdentifier><DBInstanceStatus>available</DBInstanceStatus>
              <DBParameterGroups><DBParameterGroup><DBParameterGroupName>default.postgres16</DBParameterGroupName><ParameterApplyStatus>in-sync</ParameterApplyStatus></DBParameterGroup></DBParameterGroups></DBInstance>
            </DBInstances></DescribeDBInstancesResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></DescribeDBInstancesResponse>"#;
        let clusters = r#"<DescribeDBClustersResponse xmlns="http://rds.amazonaws.com/doc/2014-10-31/"><DescribeDBClustersResult><DBClusters><DBCluster>
            <DBClusterIdentifier>tickets-db</DBClusterIdentifier><Engine>aurora-postgresql</Engine><Status>available</Status>
            <DBClusterParameterGroup>tickets-aurora16</DBClusterParameterGroup>
            </DBCluster></DBClusters></DescribeDBClustersResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></DescribeDBClustersResponse>"#;
        let parameter = |name: &str, value: Option<&str>, source: &str| {
            format!(
                "<Parameter><ParameterName>{name}</ParameterName>{}<Description>d</Description><Source>{source}</Source>\
                 <ApplyType>dynamic</ApplyType><DataType>string</DataType><IsModifiable>true</IsModifiable><ApplyMethod>pending-reboot</ApplyMethod></Parameter>",
                value.map_or(String::new(), |v| format!("<ParameterValue>{v}</ParameterValue>"))
            )
        };
        let page = |action: &str, parameters: String, marker: Option<&str>| {
            format!(
                r#"<{action}Response xmlns="http://rds.amazonaws.com/doc/2014-10-31/"><{action}Result><Parameters>{parameters}</Parameters>{}</{action}Result><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></{action}Response>"#,
                marker.map_or(String::new(), |m| format!("<Marker>{m}</Marker>"))
            )
        };
        let first = page(
            "DescribeDBParameters",
            parameter("rds.force_ssl", Some("1"), "user")
                + &parameter("archive_command", None, "system"),
            Some("page-2"),
        );
        let second = page(
            "DescribeDBParameters",
            parameter("log_min_duration_statement", Some("1000"), "user"),
            None,
        );
        let cluster = page(
            "DescribeDBClusterParameters",
            parameter("rds.force_ssl", Some("0"), "engine-default"),
            None,
        );
        let replay = Replay::by_request(move |request| {
            if request.contains("Action=DescribeDBInstances") {
                (200, instances.to_string())
            } else if request.contains("Action=DescribeDBClusters") {
                (200, clusters.to_string())
            } else if request.contains("Action=DescribeDBClusterParameters") {
                (200, cluster.clone())
            } else if request.contains("Marker=page-2") {
                (200, second.clone())
            } else {
                (200, first.clone())
            }
        });
        let spec = crate::spec::from_str(
            std::path::Path::new("inline.yaml"),
            "version: 1\nenvironment: t\nresources:\n  - kind: rds_instance\n    id: dorami-production\n    expect: { parameters: { contains: { rds.force_ssl: \"1\" } } }\n  - kind: rds_instance\n    id: Dorami-Staging\n    expect: { parameters: { contains: { log_min_duration_statement: \"1000\" } } }\n  - kind: rds_instance\n    id: dorami-analytics\n    expect: { status: available }\n  - kind: rds_cluster\n    id: tickets-db\n    expect: { parameters: { contains: { rds.force_ssl: \"1\" } } }\n",
        )
        .expect("spec");
        let resources: Vec<&Resource> = spec.resources.iter().collect();
        let records = observe(&replay.connection(), &resources).await;
        let requests = replay.requests();
        let calls = |action: &str| {
            requests
                .iter()
                .filter(|r| r.contains(&format!("Action={action}&")))
                .cloned()
                .collect::<Vec<_>>()
        };
        // One group, two pages; never the analytics instance's default group (not checked).
        let instance_calls = calls("DescribeDBParameters");
        assert_eq!(instance_calls.len(), 2, "{requests:#?}");
        assert!(instance_calls.iter().all(
            |r| r.contains("DBParameterGroupName=dorami-pg16") && r.contains("MaxRecords=100")
        ));
        let cluster_calls = calls("DescribeDBClusterParameters");
        assert_eq!(cluster_calls.len(), 1, "{requests:#?}");
        assert!(cluster_calls[0].contains("DBClusterParameterGroupName=tickets-aurora16"));
        let expected = json!({"rds.force_ssl": "1", "log_min_duration_statement": "1000"});
        for (i, id) in [(0, "dorami-production"), (1, "Dorami-Staging")] {
            let Observation::Present { attributes, errors } = &records[i].observation else {
                panic!("{:?}", records[i]);
            };
            assert_eq!(records[i].id, id);
            assert!(errors.is_empty(), "{errors:?}");
            assert_eq!(attributes[PARAMETERS], expected);
        }
        let Observation::Present { attributes, .. } = &records[2].observation else {
            panic!("{:?}", records[2]);
        };
        assert!(!attributes.contains_key(PARAMETERS), "{attributes:?}");
        let Observation::Present { attributes, .. } = &records[3].observation else {
            panic!("{:?}", records[3]);
        };
        assert_eq!(attributes["parameter_group"], json!("tickets-aurora16"));
        assert_eq!(attributes[PARAMETERS], json!({"rds.force_ssl": "0"}));
    }

    /// A refused DescribeDBClusterParameters (and a group AWS says does not exist) is an error
    /// of `parameters` alone, never an empty map that a `contains` could be judged on.
    #[tokio::test]
    async fn a_refused_parameter_listing_is_an_error_of_parameters_only() {
        use crate::probe::replay::Replay;
        let instances = r#"<DescribeDBInstancesResponse xmlns="http://rds.amazonaws.com/doc/2014-10-31/"><DescribeDBInstancesResult><DBInstances>
            <DBInstance><DBInstanceIdentifier>dorami-production</DBInstanceIdentifier><DBInstanceStatus>available</DBInstanceStatus>
              <DBParameterGroups><DBParameterGroup><DBParameterGroupName>gone</DBParameterGroupName><ParameterApplyStatus>in-sync</ParameterApplyStatus></DBParameterGroup></DBParameterGroups></DBInstance>
            </DBInstances></DescribeDBInstancesResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></DescribeDBInstancesResponse>"#;
        let clusters = r#"<DescribeDBClustersResponse xmlns="http://rds.amazonaws.com/doc/2014-10-31/"><DescribeDBClustersResult><DBClusters><DBCluster>
            <DBClusterIdentifier>tickets-db</DBClusterIdentifier><Status>available</Status><DBClusterParameterGroup>tickets-aurora16</DBClusterParameterGroup>
            </DBCluster></DBClusters></DescribeDBClustersResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></DescribeDBClustersResponse>"#;
        let error = |code: &str| {
            format!("<ErrorResponse xmlns=\"http://rds.amazonaws.com/doc/2014-10-31/\"><Error><Type>Sender</Type><Code>{code}</Code><Message>no</Message></Error><RequestId>r</RequestId></ErrorResponse>")
        };
        let replay = Replay::by_request(move |request| {
            if request.contains("Action=DescribeDBInstances") {
                (200, instances.to_string())
            } else if request.contains("Action=DescribeDBClusters") {
                (200, clusters.to_string())
            } else if request.contains("Action=DescribeDBClusterParameters") {
                (403, error("AccessDenied"))
            } else {
                (404, error("DBParameterGroupNotFound"))
            }
        });
        let spec = crate::spec::from_str(
            std::path::Path::new("inline.yaml"),
            "version: 1\nenvironment: t\nresources:\n  - kind: rds_instance\n    id: dorami-production\n    expect: { status: available, parameters: { contains: { rds.force_ssl: \"1\" } } }\n  - kind: rds_cluster\n    id: tickets-db\n    expect: { status: available, parameters: { contains: { rds.force_ssl: \"1\" } } }\n",
        )
        .expect("spec");
        let resources: Vec<&Resource> = spec.resources.iter().collect();
        let records = observe(&replay.connection(), &resources).await;
        for (r, action, code) in [
            (
                &records[0],
                "rds:DescribeDBParameters",
                "DBParameterGroupNotFound",
            ),
            (
                &records[1],
                "rds:DescribeDBClusterParameters",
                "AccessDenied",
            ),
        ] {
            let Observation::Present { attributes, errors } = &r.observation else {
                panic!("{r:?}");
            };
            assert_eq!(attributes["status"], json!("available"));
            assert!(!attributes.contains_key(PARAMETERS));
            let e = &errors[PARAMETERS];
            assert!(e.contains(action) && e.contains(code), "{e}");
        }
    }
}
