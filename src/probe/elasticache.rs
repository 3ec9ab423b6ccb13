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
    let mut security_groups: Vec<&str> = c
        .security_groups()
        .iter()
        .filter_map(|g| g.security_group_id())
        .collect();
    security_groups.sort_unstable();
    BTreeMap::from([
        ("status".into(), json!(c.cache_cluster_status())),
        ("engine".into(), json!(c.engine())),
        ("engine_version".into(), json!(c.engine_version())),
        ("node_type".into(), json!(c.cache_node_type())),
        ("num_cache_nodes".into(), json!(c.num_cache_nodes())),
        ("az_mode".into(), json!(az_mode)),
        ("security_group_ids".into(), json!(security_groups)),
        ("subnet_group".into(), json!(c.cache_subnet_group_name())),
        ("replication_group".into(), json!(c.replication_group_id())),
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
    fn security_groups_subnet_group_and_replication_group_of_a_cluster() {
        use aws_sdk_elasticache::types::SecurityGroupMembership;
        let sg = |id: &str| {
            SecurityGroupMembership::builder()
                .security_group_id(id)
                .status("active")
                .build()
        };
        let node = CacheCluster::builder()
            .cache_cluster_id("dorami-production-redis-001")
            .security_groups(sg("sg-redis"))
            .security_groups(sg("sg-admin"))
            .cache_subnet_group_name("dorami-private")
            .replication_group_id("dorami-production-redis")
            .build();
        let a = cluster_attributes(&node);
        assert_eq!(a["security_group_ids"], json!(["sg-admin", "sg-redis"]));
        assert_eq!(a["subnet_group"], json!("dorami-private"));
        assert_eq!(a["replication_group"], json!("dorami-production-redis"));
        let bare = cluster_attributes(&CacheCluster::builder().cache_cluster_id("c").build());
        assert_eq!(bare["security_group_ids"], json!([]));
        assert_eq!(bare["subnet_group"], Value::Null);
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

    // Replay tests: query-protocol answers shaped like the ElastiCache API reference's, two pages
    // each (moto answers in one), the second asked for with the first's Marker.

    use crate::probe::replay::Replay;
    use crate::snapshot::Observation;
    use crate::spec::Resource;

    fn spec_of(resources: &str) -> crate::spec::Spec {
        crate::spec::from_str(
            std::path::Path::new("inline.yaml"),
            &format!("version: 1\nenvironment: t\nresources:\n{resources}"),
        )
        .expect("spec")
    }

    fn attrs(o: &Observation) -> &BTreeMap<String, Value> {
        match o {
            Observation::Present { attributes, .. } => attributes,
            other => panic!("not present: {other:?}"),
        }
    }

    fn response(action: &str, items: &str, marker: Option<&str>) -> String {
        let marker = marker.map_or(String::new(), |m| format!("<Marker>{m}</Marker>"));
        format!(
            r#"<{action}Response xmlns="http://elasticache.amazonaws.com/doc/2015-02-02/"><{action}Result>{marker}{items}</{action}Result><ResponseMetadata><RequestId>a1b2c3d4-5678-90ab-cdef-EXAMPLE11111</RequestId></ResponseMetadata></{action}Response>"#
        )
    }

    fn cache_node(id: &str, zone: &str, host: &str) -> String {
        format!(
            "<CacheNode><CacheNodeId>{id}</CacheNodeId><CacheNodeStatus>available</CacheNodeStatus>\
             <CacheNodeCreateTime>2024-03-01T10:00:00.000Z</CacheNodeCreateTime>\
             <Endpoint><Address>{host}.cache.amazonaws.com</Address><Port>6379</Port></Endpoint>\
             <ParameterGroupStatus>in-sync</ParameterGroupStatus><CustomerAvailabilityZone>{zone}</CustomerAvailabilityZone></CacheNode>"
        )
    }

    #[tokio::test]
    async fn describe_cache_clusters_reads_every_page_and_the_az_mode_from_the_preferred_zone() {
        let sessions = format!(
            "<CacheClusters><CacheCluster><CacheClusterId>sessions</CacheClusterId>\
             <ClientDownloadLandingPage>https://console.aws.amazon.com/elasticache/home#client-download:</ClientDownloadLandingPage>\
             <CacheNodeType>cache.t3.micro</CacheNodeType><Engine>redis</Engine><EngineVersion>7.1.0</EngineVersion>\
             <CacheClusterStatus>available</CacheClusterStatus><NumCacheNodes>1</NumCacheNodes>\
             <PreferredAvailabilityZone>ap-northeast-2a</PreferredAvailabilityZone>\
             <CacheClusterCreateTime>2024-03-01T10:00:00.000Z</CacheClusterCreateTime>\
             <PreferredMaintenanceWindow>sun:05:00-sun:06:00</PreferredMaintenanceWindow>\
             <CacheSecurityGroups/><CacheParameterGroup><CacheParameterGroupName>default.redis7</CacheParameterGroupName>\
             <ParameterApplyStatus>in-sync</ParameterApplyStatus><CacheNodeIdsToReboot/></CacheParameterGroup>\
             <CacheSubnetGroupName>cache-subnets</CacheSubnetGroupName>\
             <CacheNodes>{}</CacheNodes>\
             <AutoMinorVersionUpgrade>true</AutoMinorVersionUpgrade>\
             <SecurityGroups><member><SecurityGroupId>sg-0123456789abcdef0</SecurityGroupId><Status>active</Status></member></SecurityGroups>\
             <SnapshotRetentionLimit>0</SnapshotRetentionLimit><SnapshotWindow>03:00-04:00</SnapshotWindow>\
             <AuthTokenEnabled>false</AuthTokenEnabled><TransitEncryptionEnabled>false</TransitEncryptionEnabled>\
             <AtRestEncryptionEnabled>false</AtRestEncryptionEnabled>\
             <ARN>arn:aws:elasticache:ap-northeast-2:123456789012:cluster:sessions</ARN></CacheCluster></CacheClusters>",
            cache_node("0001", "ap-northeast-2a", "sessions.abc123.0001.apn2")
        );
        let second = format!(
            "<CacheClusters><CacheCluster><CacheClusterId>memcached</CacheClusterId>\
             <CacheNodeType>cache.m6g.large</CacheNodeType><Engine>memcached</Engine><EngineVersion>1.6.22</EngineVersion>\
             <CacheClusterStatus>available</CacheClusterStatus><NumCacheNodes>3</NumCacheNodes>\
             <PreferredAvailabilityZone>Multiple</PreferredAvailabilityZone>\
             <ConfigurationEndpoint><Address>memcached.abc123.cfg.apn2.cache.amazonaws.com</Address><Port>11211</Port></ConfigurationEndpoint>\
             <CacheNodes>{}{}{}</CacheNodes>\
             <ARN>arn:aws:elasticache:ap-northeast-2:123456789012:cluster:memcached</ARN></CacheCluster>\
             <CacheCluster><CacheClusterId>fresh</CacheClusterId><CacheNodeType>cache.t3.micro</CacheNodeType>\
             <Engine>valkey</Engine><EngineVersion>8.0</EngineVersion><CacheClusterStatus>creating</CacheClusterStatus>\
             <NumCacheNodes>1</NumCacheNodes></CacheCluster></CacheClusters>",
            cache_node("0001", "ap-northeast-2a", "memcached.abc123.0001.apn2"),
            cache_node("0002", "ap-northeast-2b", "memcached.abc123.0002.apn2"),
            cache_node("0003", "ap-northeast-2c", "memcached.abc123.0003.apn2"),
        );
        let replay = Replay::new(&[
            (
                200,
                &response("DescribeCacheClusters", &sessions, Some("page-2")),
            ),
            (200, &response("DescribeCacheClusters", &second, None)),
        ]);
        let spec = spec_of(
            "  - kind: elasticache_cluster\n    id: sessions\n    expect: { az_mode: single-az }\n\
             \x20 - kind: elasticache_cluster\n    id: memcached\n\
             \x20 - kind: elasticache_cluster\n    id: fresh\n\
             \x20 - kind: elasticache_cluster\n    id: gone\n",
        );
        let resources: Vec<&Resource> = spec.resources.iter().collect();
        let records = observe(&replay.connection(), &resources).await;
        let requests = replay.requests();
        assert_eq!(requests.len(), 2, "{requests:#?}");
        assert!(
            requests[0].contains("Action=DescribeCacheClusters") && !requests[0].contains("Marker"),
            "{}",
            requests[0]
        );
        assert!(requests[1].contains("Marker=page-2"), "{}", requests[1]);
        let ids: Vec<&str> = records.iter().map(|r| r.id.as_str()).collect();
        assert_eq!(ids, ["sessions", "memcached", "fresh", "gone"]);
        assert_eq!(
            attrs(&records[0].observation),
            &BTreeMap::from([
                ("status".to_string(), json!("available")),
                ("engine".to_string(), json!("redis")),
                ("engine_version".to_string(), json!("7.1.0")),
                ("node_type".to_string(), json!("cache.t3.micro")),
                ("num_cache_nodes".to_string(), json!(1)),
                ("az_mode".to_string(), json!("single-az")),
                (
                    "security_group_ids".to_string(),
                    json!(["sg-0123456789abcdef0"])
                ),
                ("subnet_group".to_string(), json!("cache-subnets")),
                ("replication_group".to_string(), Value::Null),
            ])
        );
        let memcached = attrs(&records[1].observation);
        assert_eq!(memcached["az_mode"], json!("cross-az"));
        assert_eq!(memcached["num_cache_nodes"], json!(3));
        assert_eq!(memcached["engine"], json!("memcached"));
        // No zone reported (a cluster being created): its AZ mode is an error, not a guess.
        match &records[2].observation {
            Observation::Present { attributes, errors } => {
                assert_eq!(attributes["status"], json!("creating"));
                assert!(!attributes.contains_key("az_mode"));
                assert_eq!(
                    errors["az_mode"],
                    "the cluster reports no availability zone (PreferredAvailabilityZone): its AZ mode is not known"
                );
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(records[3].observation, Observation::Absent);
    }

    fn member_xml(cluster: &str, zone: &str, role: &str) -> String {
        format!(
            "<NodeGroupMember><CacheClusterId>{cluster}</CacheClusterId><CacheNodeId>0001</CacheNodeId>\
             <ReadEndpoint><Address>{cluster}.abc123.0001.apn2.cache.amazonaws.com</Address><Port>6379</Port></ReadEndpoint>\
             <PreferredAvailabilityZone>{zone}</PreferredAvailabilityZone><CurrentRole>{role}</CurrentRole></NodeGroupMember>"
        )
    }

    #[tokio::test]
    async fn describe_replication_groups_reads_every_page_node_groups_and_flags() {
        let sharded = format!(
            "<ReplicationGroups><ReplicationGroup><ReplicationGroupId>cache</ReplicationGroupId>\
             <Description>sharded cache</Description><Status>available</Status>\
             <PendingModifiedValues/><MemberClusters><ClusterId>cache-0001-001</ClusterId><ClusterId>cache-0001-002</ClusterId>\
             <ClusterId>cache-0001-003</ClusterId><ClusterId>cache-0002-001</ClusterId><ClusterId>cache-0002-002</ClusterId></MemberClusters>\
             <NodeGroups>\
             <NodeGroup><NodeGroupId>0001</NodeGroupId><Status>available</Status><Slots>0-8191</Slots><NodeGroupMembers>{}{}{}</NodeGroupMembers></NodeGroup>\
             <NodeGroup><NodeGroupId>0002</NodeGroupId><Status>available</Status><Slots>8192-16383</Slots><NodeGroupMembers>{}{}</NodeGroupMembers></NodeGroup>\
             </NodeGroups>\
             <AutomaticFailover>enabled</AutomaticFailover><MultiAZ>enabled</MultiAZ>\
             <ConfigurationEndpoint><Address>cache.abc123.clustercfg.apn2.cache.amazonaws.com</Address><Port>6379</Port></ConfigurationEndpoint>\
             <SnapshotRetentionLimit>7</SnapshotRetentionLimit><SnapshotWindow>03:00-04:00</SnapshotWindow>\
             <ClusterEnabled>true</ClusterEnabled><CacheNodeType>cache.r7g.large</CacheNodeType>\
             <AuthTokenEnabled>true</AuthTokenEnabled><TransitEncryptionEnabled>true</TransitEncryptionEnabled>\
             <AtRestEncryptionEnabled>true</AtRestEncryptionEnabled>\
             <KmsKeyId>arn:aws:kms:ap-northeast-2:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab</KmsKeyId>\
             <ARN>arn:aws:elasticache:ap-northeast-2:123456789012:replicationgroup:cache</ARN>\
             <Engine>redis</Engine></ReplicationGroup></ReplicationGroups>",
            member_xml("cache-0001-001", "ap-northeast-2a", "primary"),
            member_xml("cache-0001-002", "ap-northeast-2b", "replica"),
            member_xml("cache-0001-003", "ap-northeast-2c", "replica"),
            member_xml("cache-0002-001", "ap-northeast-2b", "primary"),
            member_xml("cache-0002-002", "ap-northeast-2a", "replica"),
        );
        let single = format!(
            "<ReplicationGroups><ReplicationGroup><ReplicationGroupId>queue</ReplicationGroupId>\
             <Description>one node</Description><Status>modifying</Status>\
             <MemberClusters><ClusterId>queue-001</ClusterId></MemberClusters>\
             <NodeGroups><NodeGroup><NodeGroupId>0001</NodeGroupId><Status>available</Status>\
             <PrimaryEndpoint><Address>queue.abc123.ng.0001.apn2.cache.amazonaws.com</Address><Port>6379</Port></PrimaryEndpoint>\
             <NodeGroupMembers>{}</NodeGroupMembers></NodeGroup></NodeGroups>\
             <AutomaticFailover>disabled</AutomaticFailover><MultiAZ>disabled</MultiAZ>\
             <SnapshotRetentionLimit>0</SnapshotRetentionLimit><ClusterEnabled>false</ClusterEnabled>\
             <CacheNodeType>cache.t3.small</CacheNodeType><TransitEncryptionEnabled>false</TransitEncryptionEnabled>\
             <AtRestEncryptionEnabled>false</AtRestEncryptionEnabled></ReplicationGroup></ReplicationGroups>",
            member_xml("queue-001", "ap-northeast-2a", "primary"),
        );
        let replay = Replay::new(&[
            (
                200,
                &response("DescribeReplicationGroups", &sharded, Some("page-2")),
            ),
            (200, &response("DescribeReplicationGroups", &single, None)),
        ]);
        let spec = spec_of(
            "  - kind: elasticache_replication_group\n    id: cache\n    expect: { multi_az: true }\n\
             \x20 - kind: elasticache_replication_group\n    id: queue\n\
             \x20 - kind: elasticache_replication_group\n    id: gone\n",
        );
        let resources: Vec<&Resource> = spec.resources.iter().collect();
        let records = observe(&replay.connection(), &resources).await;
        let requests = replay.requests();
        assert_eq!(requests.len(), 2, "{requests:#?}");
        assert!(
            requests[0].contains("Action=DescribeReplicationGroups")
                && !requests[0].contains("Marker"),
            "{}",
            requests[0]
        );
        assert!(requests[1].contains("Marker=page-2"), "{}", requests[1]);
        let ids: Vec<&str> = records.iter().map(|r| r.id.as_str()).collect();
        assert_eq!(ids, ["cache", "queue", "gone"]);
        assert_eq!(
            attrs(&records[0].observation),
            &BTreeMap::from([
                ("status".to_string(), json!("available")),
                ("node_type".to_string(), json!("cache.r7g.large")),
                ("node_group_count".to_string(), json!(2)),
                // Shards of 3 and 2 members: the smaller has one replica.
                ("replicas_per_node_group".to_string(), json!(1)),
                ("automatic_failover".to_string(), json!("enabled")),
                ("multi_az".to_string(), json!(true)),
                ("at_rest_encryption".to_string(), json!(true)),
                ("transit_encryption".to_string(), json!(true)),
                ("snapshot_retention_limit".to_string(), json!(7)),
            ])
        );
        assert_eq!(
            attrs(&records[1].observation),
            &BTreeMap::from([
                ("status".to_string(), json!("modifying")),
                ("node_type".to_string(), json!("cache.t3.small")),
                ("node_group_count".to_string(), json!(1)),
                ("replicas_per_node_group".to_string(), json!(0)),
                ("automatic_failover".to_string(), json!("disabled")),
                ("multi_az".to_string(), json!(false)),
                ("at_rest_encryption".to_string(), json!(false)),
                ("transit_encryption".to_string(), json!(false)),
                ("snapshot_retention_limit".to_string(), json!(0)),
            ])
        );
        assert_eq!(records[2].observation, Observation::Absent);
    }

    /// Discovery leaves out the cache clusters that are nodes of a replication group.
    #[tokio::test]
    async fn discovery_lists_only_stand_alone_cache_clusters() {
        let clusters = "<CacheClusters>\
             <CacheCluster><CacheClusterId>sessions</CacheClusterId><CacheClusterStatus>available</CacheClusterStatus>\
             <Engine>redis</Engine><NumCacheNodes>1</NumCacheNodes><PreferredAvailabilityZone>ap-northeast-2a</PreferredAvailabilityZone></CacheCluster>\
             <CacheCluster><CacheClusterId>cache-0001-001</CacheClusterId><CacheClusterStatus>available</CacheClusterStatus>\
             <Engine>redis</Engine><NumCacheNodes>1</NumCacheNodes><PreferredAvailabilityZone>ap-northeast-2a</PreferredAvailabilityZone>\
             <ReplicationGroupId>cache</ReplicationGroupId></CacheCluster></CacheClusters>";
        let replay = Replay::new(&[(200, &response("DescribeCacheClusters", clusters, None))]);
        let spec = spec_of(
            "  - kind: elasticache_cluster\n    id: sessions\n\
             \x20 - kind: elasticache_cluster\n    id: cache-0001-001\n",
        );
        let resources: Vec<&Resource> = spec.resources.iter().collect();
        let observed = observe(&replay.connection(), &resources).await;
        assert!(observed
            .iter()
            .all(|r| matches!(r.observation, Observation::Present { .. })));
        let replay = Replay::new(&[(200, &response("DescribeCacheClusters", clusters, None))]);
        let discovered = discover(&replay.connection(), &resources).await;
        assert!(matches!(
            discovered[0].observation,
            Observation::Present { .. }
        ));
        assert_eq!(discovered[1].id, "cache-0001-001");
        assert_eq!(discovered[1].observation, Observation::Absent);
    }
}
