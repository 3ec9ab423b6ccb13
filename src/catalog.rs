//! The resource-kind catalog: every kind infra-verify knows, its attributes, their types, and the
//! AWS API operation each attribute is read from.
//!
//! This is the single source of truth for spec validation (attribute names and value types), for
//! the plan (which operations a spec needs), for the IAM policy, and for `docs/resources.md`.

use serde::Serialize;

/// The type of an attribute's observed value, as it appears in snapshots and is written in specs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AttrType {
    /// `true` / `false`.
    Bool,
    /// A whole number (sizes in GiB, days, counts, ports).
    Integer,
    /// Any number (e.g. Aurora capacity units, 0.5).
    Number,
    /// A string.
    String,
    /// A list of strings (security group ids, aliases).
    StringList,
    /// A map of string to string (tags).
    StringMap,
    /// A list of objects (lifecycle rules, containers, origins).
    ObjectList,
}

impl AttrType {
    /// The name used in docs and error messages.
    pub fn name(self) -> &'static str {
        match self {
            AttrType::Bool => "bool",
            AttrType::Integer => "integer",
            AttrType::Number => "number",
            AttrType::String => "string",
            AttrType::StringList => "list of strings",
            AttrType::StringMap => "map of strings",
            AttrType::ObjectList => "list of objects",
        }
    }

    /// Whether `at_least` / `at_most` apply.
    pub fn is_numeric(self) -> bool {
        matches!(self, AttrType::Integer | AttrType::Number)
    }
}

/// One attribute of a resource kind.
#[derive(Debug, Serialize)]
pub struct Attribute {
    /// snake_case name, as written under `expect:`.
    pub name: &'static str,
    /// Value type.
    #[serde(rename = "type")]
    pub ty: AttrType,
    /// One-line description.
    pub description: &'static str,
    /// The API operation (`service:Operation`, the IAM action name) the value is read from.
    pub operation: &'static str,
}

/// One resource kind.
#[derive(Debug, Serialize)]
pub struct Kind {
    /// snake_case kind name, as written in `kind:`.
    pub name: &'static str,
    /// AWS service (the IAM prefix).
    pub service: &'static str,
    /// One-line description.
    pub description: &'static str,
    /// What the resource's `id:` is.
    pub identifier: &'static str,
    /// The operation that lists resources of this kind and decides whether one exists.
    pub list_operation: &'static str,
    /// The attributes, in documentation order.
    pub attributes: &'static [Attribute],
}

impl Kind {
    /// Looks an attribute up by name. `exists` is not listed here: every kind has it.
    pub fn attribute(&self, name: &str) -> Option<&'static Attribute> {
        self.attributes.iter().find(|a| a.name == name)
    }

    /// All attribute names, `exists` first, for "did you mean" suggestions.
    pub fn attribute_names(&self) -> impl Iterator<Item = &'static str> + '_ {
        std::iter::once(EXISTS).chain(self.attributes.iter().map(|a| a.name))
    }
}

/// The attribute every kind has: whether the resource exists.
pub const EXISTS: &str = "exists";

/// Looks a kind up by name.
pub fn kind(name: &str) -> Option<&'static Kind> {
    KINDS.iter().find(|k| k.name == name)
}

macro_rules! attrs {
    ($($name:literal : $ty:ident, $op:expr, $desc:literal;)*) => {
        &[$(Attribute { name: $name, ty: AttrType::$ty, operation: $op, description: $desc }),*]
    };
}

const RDS_INSTANCES: &str = "rds:DescribeDBInstances";
const RDS_CLUSTERS: &str = "rds:DescribeDBClusters";
const CACHE_CLUSTERS: &str = "elasticache:DescribeCacheClusters";
const REPLICATION_GROUPS: &str = "elasticache:DescribeReplicationGroups";
const ECS_CLUSTERS: &str = "ecs:DescribeClusters";
const ECS_SERVICES: &str = "ecs:DescribeServices";
const ECS_TASK_DEFINITION: &str = "ecs:DescribeTaskDefinition";
const ECR_REPOSITORIES: &str = "ecr:DescribeRepositories";
const LOAD_BALANCERS: &str = "elasticloadbalancing:DescribeLoadBalancers";
const LISTENERS: &str = "elasticloadbalancing:DescribeListeners";
const TARGET_GROUPS: &str = "elasticloadbalancing:DescribeTargetGroups";
const TARGET_GROUP_ATTRIBUTES: &str = "elasticloadbalancing:DescribeTargetGroupAttributes";
const TARGET_HEALTH: &str = "elasticloadbalancing:DescribeTargetHealth";
const S3_BUCKETS: &str = "s3:ListAllMyBuckets";
const DISTRIBUTIONS: &str = "cloudfront:ListDistributions";
const SECRETS: &str = "secretsmanager:ListSecrets";

/// Every resource kind infra-verify knows.
pub static KINDS: &[Kind] = &[
    Kind {
        name: "rds_instance",
        service: "rds",
        description: "An RDS DB instance (PostgreSQL, MySQL, ...).",
        identifier: "DB instance identifier",
        list_operation: RDS_INSTANCES,
        attributes: attrs! {
            "status": String, RDS_INSTANCES, "DB instance status, e.g. `available`.";
            "engine": String, RDS_INSTANCES, "Engine name, e.g. `postgres`.";
            "engine_version": String, RDS_INSTANCES, "Engine version, e.g. `16.4`.";
            "instance_class": String, RDS_INSTANCES, "Instance class, e.g. `db.t3.micro`.";
            "allocated_storage": Integer, RDS_INSTANCES, "Allocated storage in GiB.";
            "storage_type": String, RDS_INSTANCES, "Storage type, e.g. `gp3`.";
            "iops": Integer, RDS_INSTANCES, "Provisioned IOPS, null when not set.";
            "multi_az": Bool, RDS_INSTANCES, "Whether the instance is Multi-AZ.";
            "backup_retention_period": Integer, RDS_INSTANCES, "Days automated backups are kept (0 = off).";
            "storage_encrypted": Bool, RDS_INSTANCES, "Whether storage is encrypted at rest.";
            "kms_key_id": String, RDS_INSTANCES, "KMS key used for storage encryption, null when unencrypted.";
            "deletion_protection": Bool, RDS_INSTANCES, "Whether deletion protection is on.";
            "publicly_accessible": Bool, RDS_INSTANCES, "Whether the instance has a public address.";
            "vpc_security_group_ids": StringList, RDS_INSTANCES, "Ids of the VPC security groups attached.";
            "performance_insights_enabled": Bool, RDS_INSTANCES, "Whether Performance Insights is on.";
            "auto_minor_version_upgrade": Bool, RDS_INSTANCES, "Whether minor engine upgrades are applied automatically.";
            "tags": StringMap, RDS_INSTANCES, "Resource tags.";
        },
    },
    Kind {
        name: "rds_cluster",
        service: "rds",
        description: "An Aurora DB cluster (provisioned or Serverless v2).",
        identifier: "DB cluster identifier",
        list_operation: RDS_CLUSTERS,
        attributes: attrs! {
            "status": String, RDS_CLUSTERS, "Cluster status, e.g. `available`.";
            "engine": String, RDS_CLUSTERS, "Engine, e.g. `aurora-postgresql`.";
            "engine_version": String, RDS_CLUSTERS, "Engine version.";
            "engine_mode": String, RDS_CLUSTERS, "Engine mode, e.g. `provisioned`.";
            "serverless_v2_min_capacity": Number, RDS_CLUSTERS, "Serverless v2 minimum capacity in ACU, null when not serverless v2.";
            "serverless_v2_max_capacity": Number, RDS_CLUSTERS, "Serverless v2 maximum capacity in ACU, null when not serverless v2.";
            "backup_retention_period": Integer, RDS_CLUSTERS, "Days automated backups are kept.";
            "storage_encrypted": Bool, RDS_CLUSTERS, "Whether storage is encrypted at rest.";
            "deletion_protection": Bool, RDS_CLUSTERS, "Whether deletion protection is on.";
            "multi_az": Bool, RDS_CLUSTERS, "Whether the cluster has instances in more than one AZ.";
            "member_count": Integer, RDS_CLUSTERS, "Number of DB instances in the cluster.";
            "tags": StringMap, RDS_CLUSTERS, "Resource tags.";
        },
    },
    Kind {
        name: "elasticache_cluster",
        service: "elasticache",
        description: "An ElastiCache cache cluster (a single Redis/Valkey/Memcached cluster).",
        identifier: "Cache cluster id",
        list_operation: CACHE_CLUSTERS,
        attributes: attrs! {
            "status": String, CACHE_CLUSTERS, "Cluster status, e.g. `available`.";
            "engine": String, CACHE_CLUSTERS, "Engine, e.g. `redis`.";
            "engine_version": String, CACHE_CLUSTERS, "Engine version.";
            "node_type": String, CACHE_CLUSTERS, "Node type, e.g. `cache.t3.micro`.";
            "num_cache_nodes": Integer, CACHE_CLUSTERS, "Number of cache nodes.";
            "az_mode": String, CACHE_CLUSTERS, "`single-az` or `cross-az`.";
        },
    },
    Kind {
        name: "elasticache_replication_group",
        service: "elasticache",
        description: "An ElastiCache replication group (Redis/Valkey with replicas).",
        identifier: "Replication group id",
        list_operation: REPLICATION_GROUPS,
        attributes: attrs! {
            "status": String, REPLICATION_GROUPS, "Replication group status.";
            "node_type": String, REPLICATION_GROUPS, "Node type, e.g. `cache.t3.small`.";
            "node_group_count": Integer, REPLICATION_GROUPS, "Number of node groups (shards).";
            "replicas_per_node_group": Integer, REPLICATION_GROUPS, "Replicas in each node group (members minus the primary).";
            "automatic_failover": String, REPLICATION_GROUPS, "`enabled`, `disabled`, `enabling` or `disabling`.";
            "multi_az": Bool, REPLICATION_GROUPS, "Whether Multi-AZ is enabled.";
            "at_rest_encryption": Bool, REPLICATION_GROUPS, "Whether encryption at rest is on.";
            "transit_encryption": Bool, REPLICATION_GROUPS, "Whether in-transit encryption is on.";
            "snapshot_retention_limit": Integer, REPLICATION_GROUPS, "Days snapshots are kept (0 = off).";
        },
    },
    Kind {
        name: "ecs_cluster",
        service: "ecs",
        description: "An ECS cluster.",
        identifier: "Cluster name",
        list_operation: ECS_CLUSTERS,
        attributes: attrs! {
            "status": String, ECS_CLUSTERS, "Cluster status, e.g. `ACTIVE`.";
            "capacity_providers": StringList, ECS_CLUSTERS, "Capacity providers, e.g. `FARGATE`.";
            "container_insights": String, ECS_CLUSTERS, "Container Insights setting: `enabled`, `enhanced` or `disabled`; null when not reported.";
        },
    },
    Kind {
        name: "ecs_service",
        service: "ecs",
        description: "An ECS service.",
        identifier: "`cluster/service`",
        list_operation: ECS_SERVICES,
        attributes: attrs! {
            "status": String, ECS_SERVICES, "Service status, e.g. `ACTIVE`.";
            "launch_type": String, ECS_SERVICES, "Launch type, e.g. `FARGATE`; null when a capacity provider strategy is used (moto always reports one, `EC2` by default).";
            "capacity_provider_strategy": StringList, ECS_SERVICES, "Capacity providers of the strategy, empty with a launch type (moto keeps it from UpdateService only).";
            "desired_count": Integer, ECS_SERVICES, "Desired task count.";
            "running_count": Integer, ECS_SERVICES, "Running task count (moto runs no tasks: 0, or the desired count after UpdateService).";
            "deployment_circuit_breaker": Bool, ECS_SERVICES, "Whether the deployment circuit breaker is on; null when no deployment configuration is reported (moto keeps it from UpdateService only).";
            "deployment_rollback": Bool, ECS_SERVICES, "Whether the circuit breaker rolls back failed deployments; null like `deployment_circuit_breaker`.";
            "target_group_arns": StringList, ECS_SERVICES, "Load balancer target groups the service registers with.";
            "task_definition_family": String, ECS_SERVICES, "Family of the service's task definition.";
        },
    },
    Kind {
        name: "ecs_task_definition",
        service: "ecs",
        description: "The latest ACTIVE revision of an ECS task definition family (moto may describe an INACTIVE latest revision instead: reported as an error).",
        identifier: "Task definition family",
        list_operation: ECS_TASK_DEFINITION,
        attributes: attrs! {
            "revision": Integer, ECS_TASK_DEFINITION, "Revision number of the latest ACTIVE revision.";
            "requires_compatibilities": StringList, ECS_TASK_DEFINITION, "E.g. `FARGATE`.";
            "network_mode": String, ECS_TASK_DEFINITION, "Network mode, e.g. `awsvpc`.";
            "cpu": Integer, ECS_TASK_DEFINITION, "Task CPU units; null when not set at task level.";
            "memory": Integer, ECS_TASK_DEFINITION, "Task memory in MiB; null when not set at task level.";
            "containers": ObjectList, ECS_TASK_DEFINITION, "Containers: `name`, `image`, `health_check` (`command`, `interval`, `retries`, `timeout`; null when none), `log_driver`, `log_group`.";
        },
    },
    Kind {
        name: "ecr_repository",
        service: "ecr",
        description: "An ECR image repository (moto: DescribeRepositories ignores paging, one page).",
        identifier: "Repository name",
        list_operation: ECR_REPOSITORIES,
        attributes: attrs! {
            "scan_on_push": Bool, ECR_REPOSITORIES, "Whether images are scanned on push (repository setting).";
            "image_tag_mutability": String, ECR_REPOSITORIES, "`MUTABLE`, `IMMUTABLE`, or either `_WITH_EXCLUSION`.";
            "encryption_type": String, ECR_REPOSITORIES, "`AES256`, `KMS` or `KMS_DSSE`.";
            "lifecycle_policy": Bool, "ecr:GetLifecyclePolicy", "Whether a lifecycle policy is set.";
        },
    },
    Kind {
        name: "lb",
        service: "elasticloadbalancing",
        description: "An Elastic Load Balancing v2 load balancer (ALB/NLB).",
        identifier: "Load balancer name or ARN",
        list_operation: LOAD_BALANCERS,
        attributes: attrs! {
            "type": String, LOAD_BALANCERS, "`application`, `network` or `gateway`.";
            "scheme": String, LOAD_BALANCERS, "`internet-facing` or `internal`.";
            "state": String, LOAD_BALANCERS, "State, e.g. `active`.";
            "dns_name": String, LOAD_BALANCERS, "DNS name.";
            "security_groups": StringList, LOAD_BALANCERS, "Security group ids.";
            "availability_zones": StringList, LOAD_BALANCERS, "Availability zones of its subnets.";
            "availability_zone_count": Integer, LOAD_BALANCERS, "Number of availability zones.";
        },
    },
    Kind {
        name: "lb_listener",
        service: "elasticloadbalancing",
        description: "A listener of a load balancer, found through DescribeLoadBalancers (moto reports an SSL policy on plain HTTP listeners too).",
        identifier: "`<load balancer name>:<port>` (or `<load balancer ARN>:<port>`)",
        list_operation: LISTENERS,
        attributes: attrs! {
            "protocol": String, LISTENERS, "`HTTP`, `HTTPS`, `TCP`, ...";
            "certificate_arns": StringList, LISTENERS, "The default certificate's ARN (DescribeListeners does not list extra SNI certificates); empty for plain HTTP.";
            "ssl_policy": String, LISTENERS, "TLS security policy, null for plain HTTP on AWS (moto reports `ELBSecurityPolicy-2016-08` there).";
            "default_action": String, LISTENERS, "Type of the final default action (highest `Order`, after any authenticate action): `forward`, `redirect`, `fixed-response`, ...";
            "redirect_protocol": String, LISTENERS, "Protocol of a redirect default action, e.g. `HTTPS`.";
            "redirect_port": String, LISTENERS, "Port of a redirect default action, e.g. `443`.";
            "redirect_status_code": String, LISTENERS, "`HTTP_301` or `HTTP_302`.";
            "forward_target_group_arns": StringList, LISTENERS, "Target groups of a forward default action (every group of a weighted forward); empty otherwise.";
        },
    },
    Kind {
        name: "lb_target_group",
        service: "elasticloadbalancing",
        description: "A load balancer target group.",
        identifier: "Target group name or ARN",
        list_operation: TARGET_GROUPS,
        attributes: attrs! {
            "protocol": String, TARGET_GROUPS, "Target protocol.";
            "port": Integer, TARGET_GROUPS, "Target port.";
            "target_type": String, TARGET_GROUPS, "`instance`, `ip`, `lambda` or `alb`.";
            "health_check_path": String, TARGET_GROUPS, "Health check path, e.g. `/api/health`.";
            "health_check_protocol": String, TARGET_GROUPS, "Health check protocol.";
            "health_check_matcher": String, TARGET_GROUPS, "Expected HTTP codes, e.g. `200-299` (gRPC codes for a gRPC group).";
            "health_check_interval_seconds": Integer, TARGET_GROUPS, "Seconds between health checks.";
            "healthy_threshold": Integer, TARGET_GROUPS, "Consecutive successes before healthy.";
            "unhealthy_threshold": Integer, TARGET_GROUPS, "Consecutive failures before unhealthy.";
            "stickiness_enabled": Bool, TARGET_GROUP_ATTRIBUTES, "Whether sticky sessions are on (read only when checked).";
            "stickiness_type": String, TARGET_GROUP_ATTRIBUTES, "Stickiness type, e.g. `lb_cookie` (reported also while stickiness is off).";
            "target_count": Integer, TARGET_HEALTH, "Registered targets (read only when checked).";
            "healthy_count": Integer, TARGET_HEALTH, "Targets in state `healthy` (moto reports every registered IP target healthy).";
        },
    },
    Kind {
        name: "s3_bucket",
        service: "s3",
        description: "An S3 bucket.",
        identifier: "Bucket name",
        list_operation: S3_BUCKETS,
        attributes: attrs! {
            "region": String, "s3:GetBucketLocation", "Region the bucket lives in.";
            "versioning": String, "s3:GetBucketVersioning", "`Enabled`, `Suspended` or `Disabled` (never enabled).";
            "sse_algorithm": String, "s3:GetEncryptionConfiguration", "Default encryption: `AES256`, `aws:kms`, `aws:kms:dsse`, or null when none.";
            "kms_key_id": String, "s3:GetEncryptionConfiguration", "KMS key of the default encryption, null when not KMS.";
            "bucket_key_enabled": Bool, "s3:GetEncryptionConfiguration", "Whether an S3 Bucket Key is used.";
            "block_public_acls": Bool, "s3:GetBucketPublicAccessBlock", "Public access block: BlockPublicAcls.";
            "ignore_public_acls": Bool, "s3:GetBucketPublicAccessBlock", "Public access block: IgnorePublicAcls.";
            "block_public_policy": Bool, "s3:GetBucketPublicAccessBlock", "Public access block: BlockPublicPolicy.";
            "restrict_public_buckets": Bool, "s3:GetBucketPublicAccessBlock", "Public access block: RestrictPublicBuckets.";
            "public_access_blocked": Bool, "s3:GetBucketPublicAccessBlock", "All four public access block flags are on.";
            "website_enabled": Bool, "s3:GetBucketWebsite", "Whether static website hosting is configured.";
            "website_index_document": String, "s3:GetBucketWebsite", "Website index document suffix, e.g. `index.html`.";
            "website_error_document": String, "s3:GetBucketWebsite", "Website error document key.";
            "policy_requires_tls": Bool, "s3:GetBucketPolicy", "The bucket policy denies requests without TLS (`aws:SecureTransport` false); false without a policy.";
            "lifecycle_rules": ObjectList, "s3:GetLifecycleConfiguration", "Lifecycle rules: `id`, `status`, `prefix`, `transitions` (`days`, `storage_class`), `expiration_days`.";
            "tags": StringMap, "s3:GetBucketTagging", "Bucket tags.";
        },
    },
    Kind {
        name: "cloudfront_distribution",
        service: "cloudfront",
        description: "A CloudFront distribution (moto drops S3 origin access settings and reports the default certificate flag wrongly; neither is an attribute here).",
        identifier: "Distribution id or one of its aliases",
        list_operation: DISTRIBUTIONS,
        attributes: attrs! {
            "status": String, DISTRIBUTIONS, "Deployment status, e.g. `Deployed`.";
            "enabled": Bool, DISTRIBUTIONS, "Whether the distribution is enabled.";
            "domain_name": String, DISTRIBUTIONS, "The `*.cloudfront.net` domain name.";
            "aliases": StringList, DISTRIBUTIONS, "Alternate domain names (CNAMEs).";
            "origins": ObjectList, DISTRIBUTIONS, "Origins: `id`, `domain_name`, `type` (`s3` or `custom`; moto reports S3 origins as neither: null), `origin_access_control_id`.";
            "default_root_object": String, "cloudfront:GetDistributionConfig", "Object served for `/`, e.g. `index.html`; null when none. Read per distribution, only when checked.";
            "origin_domains": StringList, DISTRIBUTIONS, "Domain names of the origins.";
            "viewer_protocol_policy": String, DISTRIBUTIONS, "Default behaviour: `redirect-to-https`, `https-only` or `allow-all`.";
            "compress": Bool, DISTRIBUTIONS, "Default behaviour compresses objects.";
            "cache_policy_id": String, DISTRIBUTIONS, "Default behaviour cache policy id, null with legacy cache settings.";
            "acm_certificate_arn": String, DISTRIBUTIONS, "ACM certificate ARN, null with the default certificate.";
            "minimum_protocol_version": String, DISTRIBUTIONS, "Minimum TLS protocol version, e.g. `TLSv1.2_2021`.";
            "web_acl_id": String, DISTRIBUTIONS, "Associated WAF web ACL, null when none.";
            "price_class": String, DISTRIBUTIONS, "Price class, e.g. `PriceClass_200`.";
            "http_version": String, DISTRIBUTIONS, "Maximum HTTP version, e.g. `http2and3`.";
        },
    },
    Kind {
        name: "secret",
        service: "secretsmanager",
        description: "A Secrets Manager secret (its metadata only; the value is never read).",
        identifier: "Secret name",
        list_operation: SECRETS,
        attributes: attrs! {
            "rotation_enabled": Bool, SECRETS, "Whether rotation is on.";
            "rotation_interval_days": Integer, SECRETS, "Days between automatic rotations, null when rotation is off.";
            "kms_key_id": String, SECRETS, "KMS key, null for the AWS managed key.";
            "last_rotated_date": String, SECRETS, "When the secret was last rotated (RFC 3339), null when never.";
            "last_changed_date": String, SECRETS, "When the secret was last changed (RFC 3339).";
            "tags": StringMap, SECRETS, "Secret tags.";
        },
    },
];

/// Renders the catalog as Markdown: the body of `docs/resources.md`.
pub fn markdown() -> String {
    let mut out = String::from(
        "# Resource kinds\n\n<!-- Generated by `infra-verify kinds --format markdown` from src/catalog.rs. \
         Do not edit by hand: a test fails when this file and the code differ. -->\n\n\
         Every kind also has the attribute `exists` (bool): write `exists: false` on a resource that must not exist.\n\
         An attribute whose value the service does not report (e.g. `iops` when none is provisioned) is observed as `null`.\n\n",
    );
    for k in KINDS {
        out.push_str(&format!(
            "- [`{}`](#{}) — {}\n",
            k.name, k.name, k.description
        ));
    }
    for k in KINDS {
        out.push_str(&format!(
            "\n## `{}`\n\n{}\n\n- Service: `{}`\n- `id:` {}\n- Listed by: `{}`\n\n| attribute | type | read from | description |\n|---|---|---|---|\n",
            k.name, k.description, k.service, k.identifier, k.list_operation
        ));
        for a in k.attributes {
            out.push_str(&format!(
                "| `{}` | {} | `{}` | {} |\n",
                a.name,
                a.ty.name(),
                a.operation,
                a.description
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn kind_and_attribute_names_are_unique_and_snake_case() {
        let mut kinds = HashSet::new();
        for k in KINDS {
            assert!(kinds.insert(k.name), "duplicate kind {}", k.name);
            let mut attrs = HashSet::new();
            for a in k.attributes {
                assert!(
                    attrs.insert(a.name),
                    "duplicate attribute {}.{}",
                    k.name,
                    a.name
                );
                assert_ne!(a.name, EXISTS, "{}: `exists` is implicit", k.name);
                assert!(
                    a.name
                        .chars()
                        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_'),
                    "{}.{} is not snake_case",
                    k.name,
                    a.name
                );
                assert!(
                    a.operation.contains(':'),
                    "{}.{}: operation must be service:Action",
                    k.name,
                    a.name
                );
            }
        }
    }

    #[test]
    fn every_operation_is_read_only() {
        for k in KINDS {
            for op in
                std::iter::once(k.list_operation).chain(k.attributes.iter().map(|a| a.operation))
            {
                let action = op.split(':').nth(1).unwrap_or_default();
                assert!(
                    ["Describe", "List", "Get"]
                        .iter()
                        .any(|p| action.starts_with(p)),
                    "{op} is not a Describe/List/Get action"
                );
            }
        }
    }
}
