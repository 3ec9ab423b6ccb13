//! ElastiCache: one paginated DescribeCacheClusters for every `elasticache_cluster` check, one
//! paginated DescribeReplicationGroups for every `elasticache_replication_group` check.

use std::collections::BTreeMap;

use aws_sdk_elasticache::types::{CacheCluster, MultiAzStatus, ReplicationGroup};
use serde_json::{json, Value};

use super::listed_kind;
use crate::aws::Connection;
use crate::snapshot::ResourceRecord;
use crate::spec::Resource;

/// Observes the named cache clusters and replication groups.
pub async fn observe(conn: &Connection, resources: &[&Resource]) -> Vec<ResourceRecord> {
    observe_clusters(conn, resources, false).await
}

/// Discovery (`init --from-account`): as [`observe`], except that the cache clusters that are
/// the nodes of a replication group are left out of the cluster listing (the group stands for
/// them), so a selection of every cluster finds the stand-alone ones only.
pub(crate) async fn discover(conn: &Connection, resources: &[&Resource]) -> Vec<ResourceRecord> {
    observe_clusters(conn, resources, true).await
}

async fn observe_clusters(
    conn: &Connection,
    resources: &[&Resource],
    standalone_only: bool,
) -> Vec<ResourceRecord> {
    let client = crate::client!(aws_sdk_elasticache, conn);
    let (mut records, groups) = tokio::join!(
        listed_kind(
            resources,
            "elasticache_cluster",
            "elasticache:DescribeCacheClusters",
            || client.describe_cache_clusters().into_paginator().send(),
            |page| {
                let clusters = page.cache_clusters.unwrap_or_default();
                clusters
                    .into_iter()
                    .filter(|c| !standalone_only || c.replication_group_id.is_none())
                    .collect()
            },
            |c: &CacheCluster| c.cache_cluster_id.clone(),
            cluster_attributes,
        ),
        listed_kind(
            resources,
            "elasticache_replication_group",
            "elasticache:DescribeReplicationGroups",
            || client.describe_replication_groups().into_paginator().send(),
            |page| page.replication_groups.unwrap_or_default(),
            |g: &ReplicationGroup| g.replication_group_id.clone(),
            group_attributes,
        ),
    );
    for r in &mut records {
        if r.kind == "elasticache_cluster" {
            super::unknown_is_an_error(
                &mut r.observation,
                "az_mode",
                "the cluster reports no availability zone (PreferredAvailabilityZone): its AZ mode is not known",
            );
        }
    }
    records.extend(groups);
    records
}

/// The catalog's `elasticache_cluster` attributes. The API has no AZ mode field: a cluster whose
/// preferred availability zone is `Multiple` is `cross-az`, one in a named zone `single-az`, and
/// one that reports no zone has no known AZ mode (null here; an error once observed, see
/// [`observe`]).
pub fn cluster_attributes(c: &CacheCluster) -> BTreeMap<String, Value> {
    let az_mode = match c.preferred_availability_zone().map(str::trim) {
        Some("Multiple") => Some("cross-az"),
        Some(zone) if !zone.is_empty() => Some("single-az"),
        _ => None,
    };
    BTreeMap::from([
        ("status".into(), json!(c.cache_cluster_status())),
        ("engine".into(), json!(c.engine())),
        ("engine_version".into(), json!(c.engine_version())),
        ("node_type".into(), json!(c.cache_node_type())),
        ("num_cache_nodes".into(), json!(c.num_cache_nodes())),
        ("az_mode".into(), json!(az_mode)),
    ])
}

/// The catalog's `elasticache_replication_group` attributes. `replicas_per_node_group` is the
/// smallest number of replicas (members minus the primary) of any node group.
pub fn group_attributes(g: &ReplicationGroup) -> BTreeMap<String, Value> {
    let replicas = g
        .node_groups()
        .iter()
        .map(|ng| ng.node_group_members().len().saturating_sub(1))
        .min();
    BTreeMap::from([
        ("status".into(), json!(g.status())),
        ("node_type".into(), json!(g.cache_node_type())),
        ("node_group_count".into(), json!(g.node_groups().len())),
        ("replicas_per_node_group".into(), json!(replicas)),
        (
            "automatic_failover".into(),
            json!(g.automatic_failover().map(|a| a.as_str())),
        ),
        (
            "multi_az".into(),
            json!(g.multi_az().map(|m| *m == MultiAzStatus::Enabled)),
        ),
        (
            "at_rest_encryption".into(),
            json!(g.at_rest_encryption_enabled()),
        ),
        (
            "transit_encryption".into(),
            json!(g.transit_encryption_enabled()),
        ),
        (
            "snapshot_retention_limit".into(),
            json!(g.snapshot_retention_limit()),
        ),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_elasticache::types::{AutomaticFailoverStatus, NodeGroup, NodeGroupMember};

    fn member(id: &str) -> NodeGroupMember {
        NodeGroupMember::builder().cache_cluster_id(id).build()
    }

    #[test]
    fn replicas_are_members_minus_primary_of_the_smallest_group() {
        let g = ReplicationGroup::builder()
            .replication_group_id("cache")
            .node_groups(
                NodeGroup::builder()
                    .node_group_id("0001")
                    .node_group_members(member("a"))
                    .node_group_members(member("b"))
                    .build(),
            )
            .node_groups(
                NodeGroup::builder()
                    .node_group_id("0002")
                    .node_group_members(member("c"))
                    .node_group_members(member("d"))
                    .node_group_members(member("e"))
                    .build(),
            )
            .automatic_failover(AutomaticFailoverStatus::Enabled)
            .multi_az(MultiAzStatus::Enabled)
            .at_rest_encryption_enabled(true)
            .transit_encryption_enabled(false)
            .build();
        let a = group_attributes(&g);
        assert_eq!(a["node_group_count"], json!(2));
        assert_eq!(a["replicas_per_node_group"], json!(1));
        assert_eq!(a["automatic_failover"], json!("enabled"));
        assert_eq!(a["multi_az"], json!(true));
        assert_eq!(a["transit_encryption"], json!(false));
        assert_eq!(
            group_attributes(&ReplicationGroup::builder().build())["replicas_per_node_group"],
            Value::Null
        );
    }

    #[test]
    fn az_mode_comes_from_the_preferred_zone() {
        let cross = CacheCluster::builder()
            .preferred_availability_zone("Multiple")
            .build();
        assert_eq!(cluster_attributes(&cross)["az_mode"], json!("cross-az"));
        let single = CacheCluster::builder()
            .preferred_availability_zone("ap-northeast-2a")
            .build();
        assert_eq!(cluster_attributes(&single)["az_mode"], json!("single-az"));
        // No zone reported: unknown, not single-az; observed, it is an error.
        let bare = CacheCluster::builder().cache_cluster_id("c").build();
        assert_eq!(cluster_attributes(&bare)["az_mode"], Value::Null);
        let mut o = crate::snapshot::Observation::Present {
            attributes: cluster_attributes(&bare),
            errors: BTreeMap::new(),
        };
        crate::probe::unknown_is_an_error(&mut o, "az_mode", "not known");
        match o {
            crate::snapshot::Observation::Present { attributes, errors } => {
                assert!(!attributes.contains_key("az_mode"));
                assert_eq!(errors["az_mode"], "not known");
            }
            other => panic!("{other:?}"),
        }
    }
}
