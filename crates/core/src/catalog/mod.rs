//! The resource-kind catalog: every kind infra-verify knows, its attributes, their types, and the
//! AWS API operation each attribute is read from.
//!
//! This is the single source of truth for spec validation (attribute names and value types), for
//! the plan (which operations a spec needs), for the IAM policy, and for `docs/resources.md`.

use serde::Serialize;

pub mod id;
pub mod operations;

pub use id::IdFormat;

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
    /// Whether the value changes on its own (running counts, health, timestamps, days left,
    /// alarm state, latency): the drift report leaves its changes out unless asked
    /// (`--all-attributes`), and `init --from-account` does not write it. Its checks are still
    /// evaluated, and a check it breaks still shows as a verdict change.
    #[serde(skip)]
    pub volatile: bool,
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
    /// Who serves the kind: AWS (IAM actions, credentials) or another provider.
    #[serde(skip)]
    pub provider: Provider,
    /// The shape of `id:`, checked when the spec is loaded.
    #[serde(skip)]
    pub id_format: IdFormat,
    /// Not regional: one endpoint for the whole account (S3's bucket list, CloudFront, Route 53),
    /// so `regions:` does not apply.
    #[serde(skip)]
    pub global: bool,
    /// The probe reads every attribute from the list response ([`Kind::list_operation`]), so
    /// `select:` may name listed attributes besides tags (e.g. an alarm by metric and
    /// dimensions). Not `lb` or `cloudfront_distribution`: their extra per-resource calls are
    /// made for named resources only.
    #[serde(skip)]
    pub select_by_attributes: bool,
    /// Lists read besides the kind's own to find a resource at all: a listener through its load
    /// balancer's ARN, a record through its zone's id. Planned, and credited in evidence, with
    /// every `exists` and `count` check.
    #[serde(skip)]
    pub found_through: &'static [&'static str],
    /// The attributes, in documentation order.
    pub attributes: &'static [Attribute],
}

/// Who serves a kind, with its own credentials, permission list and probes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Provider {
    /// AWS, through the SDK: operations are IAM actions, in the generated IAM policy.
    Aws,
    /// Live endpoints probed over the network by infra-verify itself: no credentials, no IAM
    /// action; operations are pseudo-operations (`http:GET`) in
    /// [`operations::NON_AWS_OPERATIONS`].
    Http,
    /// GitHub's REST API, with a token (`GITHUB_TOKEN`): operations are the API's GETs
    /// (`github:GET /repos/{owner}/{repo}`), each needing one fine-grained token permission
    /// ([`operations::github_permission`]).
    GitHub,
    /// Vercel's REST API, with an access token (`VERCEL_TOKEN`): operations are the API's GETs
    /// (`vercel:GET /v9/projects/{idOrName}`).
    Vercel,
    /// Stripe's API, with a restricted key (`STRIPE_API_KEY`): operations are the API's GETs
    /// (`stripe:GET /v1/webhook_endpoints`), each one restricted-key permission.
    Stripe,
    /// Sentry's API, with an auth token (`SENTRY_AUTH_TOKEN`): operations are the API's GETs
    /// (`sentry:GET /api/0/projects/{org}/{project}/`), each one token scope.
    Sentry,
}

impl Provider {
    /// The provider's name in docs and messages.
    pub fn name(self) -> &'static str {
        match self {
            Provider::Aws => "aws",
            Provider::Http => "http",
            Provider::GitHub => "github",
            Provider::Vercel => "vercel",
            Provider::Stripe => "stripe",
            Provider::Sentry => "sentry",
        }
    }
}

impl Kind {
    /// Looks an attribute up by name. `exists` is not listed here: every kind has it.
    pub fn attribute(&self, name: &str) -> Option<&'static Attribute> {
        self.attributes.iter().find(|a| a.name == name)
    }

    /// Whether the kind is an AWS resource, probed with AWS credentials. Other providers' kinds
    /// are not: their operations are not IAM actions.
    pub fn is_aws(&self) -> bool {
        self.provider == Provider::Aws
    }

    /// Whether `regions:` applies: an AWS kind with regional endpoints.
    pub fn is_regional(&self) -> bool {
        self.is_aws() && !self.global
    }

    /// Every list read to decide whether a resource of this kind exists: its own, then those it
    /// is found through.
    pub fn lookup_operations(&self) -> impl Iterator<Item = &'static str> + '_ {
        std::iter::once(self.list_operation).chain(self.found_through.iter().copied())
    }

    /// Whether `select:` may choose resources of this kind by their tags: it has `tags`, and
    /// its list response carries them (not [`TAGS_NOT_LISTED`]).
    pub fn selects_by_tags(&self) -> bool {
        self.attribute("tags").is_some() && !TAGS_NOT_LISTED.contains(&self.name)
    }

    /// All attribute names, `exists` first, for "did you mean" suggestions.
    pub fn attribute_names(&self) -> impl Iterator<Item = &'static str> + '_ {
        std::iter::once(EXISTS).chain(self.attributes.iter().map(|a| a.name))
    }
}

/// Kinds with `tags` whose list does not return them (IAM's ListRoles and ListUsers): their tags
/// are read per named resource, so `select:` cannot choose them by tags.
pub const TAGS_NOT_LISTED: &[&str] = &["iam_role", "iam_user"];

/// The attribute every kind has: whether the resource exists.
pub const EXISTS: &str = "exists";

/// Looks a kind up by name.
pub fn kind(name: &str) -> Option<&'static Kind> {
    KINDS.iter().find(|k| k.name == name)
}

macro_rules! attrs {
    ($($name:literal : $ty:ident, $op:expr, $desc:literal $(, $volatile:ident)?;)*) => {
        &[$(Attribute {
            name: $name,
            ty: AttrType::$ty,
            operation: $op,
            description: $desc,
            volatile: attrs!(@volatile $($volatile)?),
        }),*]
    };
    (@volatile) => { false };
    (@volatile volatile) => { true };
}

const RDS_INSTANCES: &str = "rds:DescribeDBInstances";
const RDS_CLUSTERS: &str = "rds:DescribeDBClusters";
const RDS_SNAPSHOTS: &str = "rds:DescribeDBSnapshots";
const RDS_PARAMETERS: &str = "rds:DescribeDBParameters";
const RDS_CLUSTER_PARAMETERS: &str = "rds:DescribeDBClusterParameters";
const CACHE_CLUSTERS: &str = "elasticache:DescribeCacheClusters";
const REPLICATION_GROUPS: &str = "elasticache:DescribeReplicationGroups";
const ECS_CLUSTERS: &str = "ecs:DescribeClusters";
const ECS_SERVICES: &str = "ecs:DescribeServices";
const ECS_TASK_DEFINITION: &str = "ecs:DescribeTaskDefinition";
const ECR_REPOSITORIES: &str = "ecr:DescribeRepositories";
const ECR_IMAGES: &str = "ecr:DescribeImages";
const LOAD_BALANCERS: &str = "elasticloadbalancing:DescribeLoadBalancers";
const LISTENERS: &str = "elasticloadbalancing:DescribeListeners";
const TARGET_GROUPS: &str = "elasticloadbalancing:DescribeTargetGroups";
const TARGET_GROUP_ATTRIBUTES: &str = "elasticloadbalancing:DescribeTargetGroupAttributes";
const TARGET_HEALTH: &str = "elasticloadbalancing:DescribeTargetHealth";
const S3_BUCKETS: &str = "s3:ListAllMyBuckets";
const LIST_OBJECTS: &str = "s3:ListBucket";
const DISTRIBUTIONS: &str = "cloudfront:ListDistributions";
const DISTRIBUTION_CONFIG: &str = "cloudfront:GetDistributionConfig";
const CACHE_POLICIES: &str = "cloudfront:ListCachePolicies";
const SECRETS: &str = "secretsmanager:ListSecrets";
const IAM_ROLES: &str = "iam:ListRoles";
const IAM_USERS: &str = "iam:ListUsers";
const IAM_POLICY_VERSION: &str = "iam:GetPolicyVersion";
const IAM_ACCESS_KEYS: &str = "iam:ListAccessKeys";
/// Not AWS: the probe's own GET of an `http_endpoint` (no IAM action).
const HTTP_GET: &str = "http:GET";
/// Not AWS: the probe's own TLS 1.1 ClientHello to an `http_endpoint` (no IAM action).
const LEGACY_HANDSHAKE: &str = "tls:LegacyHandshake";
const ALPN_HANDSHAKE: &str = "tls:AlpnHandshake";
/// Not AWS: the probe's own TCP connection to a `tcp_endpoint` (no IAM action).
const TCP_CONNECT: &str = "tcp:Connect";
/// Not AWS: the probe's own TLS handshake with a `tcp_endpoint` (no IAM action).
const TLS_HANDSHAKE: &str = "tls:Handshake";
/// Not AWS: one DNS query of a `dns_record`, sent by the probe's own stub resolver.
const DNS_QUERY: &str = "dns:Query";
/// Not AWS: one RDAP GET of a `domain` (RFC 9083), or of the IANA bootstrap file.
const RDAP_GET: &str = "rdap:GET";
/// GitHub REST API reads (`github_repository`), each one fine-grained token permission.
const GH_REPO: &str = "github:GET /repos/{owner}/{repo}";
const GH_PROTECTION: &str = "github:GET /repos/{owner}/{repo}/branches/{branch}/protection";
const GH_RUNS: &str = "github:GET /repos/{owner}/{repo}/actions/runs";
const GH_WORKFLOWS: &str = "github:GET /repos/{owner}/{repo}/actions/workflows";
const GH_SECRETS: &str = "github:GET /repos/{owner}/{repo}/actions/secrets";
const GH_DEPENDABOT: &str = "github:GET /repos/{owner}/{repo}/dependabot/alerts";
const GH_CODE_SCANNING: &str = "github:GET /repos/{owner}/{repo}/code-scanning/alerts";
/// Vercel REST API reads (`vercel_project`).
const VERCEL_PROJECT: &str = "vercel:GET /v9/projects/{idOrName}";
const VERCEL_ENV: &str = "vercel:GET /v10/projects/{idOrName}/env";
const VERCEL_DOMAINS: &str = "vercel:GET /v9/projects/{idOrName}/domains";
const VERCEL_DEPLOYMENTS: &str = "vercel:GET /v6/deployments";
/// Stripe API reads (`stripe_webhook_endpoint`).
const STRIPE_WEBHOOKS: &str = "stripe:GET /v1/webhook_endpoints";
/// Sentry API reads (`sentry_project`).
const SENTRY_PROJECT: &str = "sentry:GET /api/0/projects/{org}/{project}/";
const SENTRY_KEYS: &str = "sentry:GET /api/0/projects/{org}/{project}/keys/";
const SENTRY_RULES: &str = "sentry:GET /api/0/projects/{org}/{project}/rules/";
const SENTRY_ENVIRONMENTS: &str = "sentry:GET /api/0/projects/{org}/{project}/environments/";
const SENTRY_ISSUES: &str = "sentry:GET /api/0/projects/{org}/{project}/issues/";
/// Not AWS: one page load of a `web_page` in the user's headless Chromium.
const PAGE_LOAD: &str = "chrome:PageLoad";
/// Not AWS: one run of the `lighthouse` CLI on a `web_page`.
const LIGHTHOUSE_RUN: &str = "lighthouse:Run";

/// Every resource kind infra-verify knows.
pub static KINDS: &[Kind] = &[
    Kind {
        name: "rds_instance",
        service: "rds",
        description: "An RDS DB instance (PostgreSQL, MySQL, ...).",
        identifier: "DB instance identifier",
        list_operation: RDS_INSTANCES,
        provider: Provider::Aws,
        id_format: IdFormat::Name,
        global: false,
        select_by_attributes: true,
        found_through: &[],
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
            "performance_insights_retention_days": Integer, RDS_INSTANCES, "Days Performance Insights data is kept (7 is the free tier), null when it is off.";
            "db_subnet_group": String, RDS_INSTANCES, "Name of the DB subnet group the instance is placed in.";
            "subnet_ids": StringList, RDS_INSTANCES, "Subnets of that group, sorted (check them against `subnet` resources to prove the database is in private subnets).";
            "parameter_group": String, RDS_INSTANCES, "Name of the DB parameter group, e.g. `default.postgres16`.";
            "latest_restorable_age_minutes": Integer, RDS_INSTANCES, "Minutes since the latest time the instance can be restored to (point-in-time recovery is current when this is small), null when automated backups are off.", volatile;
            "latest_automated_snapshot_age_hours": Number, RDS_SNAPSHOTS, "Hours since the newest available automated snapshot of the instance was taken, null when there is none.", volatile;
            "latest_manual_snapshot_age_hours": Number, RDS_SNAPSHOTS, "Hours since the newest available manual snapshot (\"a snapshot taken before the deploy\"), null when there is none.", volatile;
            "latest_manual_snapshot": String, RDS_SNAPSHOTS, "Identifier of that manual snapshot, null when there is none.", volatile;
            "parameters": StringMap, RDS_PARAMETERS, "Values of the DB parameter group's parameters that have one (engine defaults included), name to value as strings, e.g. `{ contains: { rds.force_ssl: \"1\" } }`. The group's values: a static parameter changed since the last reboot is not in effect yet. Every page of the group read once per run, only when checked.";
            "tags": StringMap, RDS_INSTANCES, "Resource tags.";
        },
    },
    Kind {
        name: "rds_cluster",
        service: "rds",
        description: "An Aurora DB cluster (provisioned or Serverless v2).",
        identifier: "DB cluster identifier",
        list_operation: RDS_CLUSTERS,
        provider: Provider::Aws,
        id_format: IdFormat::Name,
        global: false,
        select_by_attributes: true,
        found_through: &[],
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
            "parameter_group": String, RDS_CLUSTERS, "Name of the DB cluster parameter group, e.g. `default.aurora-postgresql16`.";
            "parameters": StringMap, RDS_CLUSTER_PARAMETERS, "Values of the DB cluster parameter group's parameters that have one (engine defaults included), name to value as strings, e.g. `{ contains: { rds.force_ssl: \"1\", log_min_duration_statement: \"1000\" } }`. A static parameter changed since the last reboot is not in effect yet. Every page of the group read once per run, only when checked.";
            "tags": StringMap, RDS_CLUSTERS, "Resource tags.";
        },
    },
    Kind {
        name: "elasticache_cluster",
        service: "elasticache",
        description: "An ElastiCache cache cluster (a single Redis/Valkey/Memcached cluster).",
        identifier: "Cache cluster id",
        list_operation: CACHE_CLUSTERS,
        provider: Provider::Aws,
        id_format: IdFormat::Name,
        global: false,
        select_by_attributes: true,
        found_through: &[],
        attributes: attrs! {
            "status": String, CACHE_CLUSTERS, "Cluster status, e.g. `available`.";
            "engine": String, CACHE_CLUSTERS, "Engine, e.g. `redis`.";
            "engine_version": String, CACHE_CLUSTERS, "Engine version.";
            "node_type": String, CACHE_CLUSTERS, "Node type, e.g. `cache.t3.micro`.";
            "num_cache_nodes": Integer, CACHE_CLUSTERS, "Number of cache nodes.";
            "az_mode": String, CACHE_CLUSTERS, "`single-az` or `cross-az`.";
            "security_group_ids": StringList, CACHE_CLUSTERS, "VPC security groups of the cluster, sorted (a node of a replication group is a cluster too: name it to check the group's). moto reports none: tested by replay.";
            "subnet_group": String, CACHE_CLUSTERS, "Name of the cache subnet group, null outside a VPC.";
            "replication_group": String, CACHE_CLUSTERS, "Replication group the cluster is a node of, null when stand-alone.";
        },
    },
    Kind {
        name: "elasticache_replication_group",
        service: "elasticache",
        description: "An ElastiCache replication group (Redis/Valkey with replicas).",
        identifier: "Replication group id",
        list_operation: REPLICATION_GROUPS,
        provider: Provider::Aws,
        id_format: IdFormat::Name,
        global: false,
        select_by_attributes: true,
        found_through: &[],
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
        provider: Provider::Aws,
        id_format: IdFormat::Name,
        global: false,
        select_by_attributes: false,
        found_through: &[],
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
        provider: Provider::Aws,
        id_format: IdFormat::ClusterService,
        global: false,
        select_by_attributes: false,
        found_through: &[],
        attributes: attrs! {
            "status": String, ECS_SERVICES, "Service status, e.g. `ACTIVE`.";
            "launch_type": String, ECS_SERVICES, "Launch type, e.g. `FARGATE`; null when a capacity provider strategy is used (moto always reports one, `EC2` by default).";
            "capacity_provider_strategy": StringList, ECS_SERVICES, "Capacity providers of the strategy, empty with a launch type (moto keeps it from UpdateService only).";
            "desired_count": Integer, ECS_SERVICES, "Desired task count.";
            "running_count": Integer, ECS_SERVICES, "Running task count (moto runs no tasks: 0, or the desired count after UpdateService).", volatile;
            "deployment_circuit_breaker": Bool, ECS_SERVICES, "Whether the deployment circuit breaker is on; null when no deployment configuration is reported (moto keeps it from UpdateService only).";
            "deployment_rollback": Bool, ECS_SERVICES, "Whether the circuit breaker rolls back failed deployments; null like `deployment_circuit_breaker`.";
            "target_group_arns": StringList, ECS_SERVICES, "Load balancer target groups the service registers with.";
            "task_definition_family": String, ECS_SERVICES, "Family of the service's task definition.";
            "deployment_controller": String, ECS_SERVICES, "Deployment controller: `ECS` (rolling update), `CODE_DEPLOY` (blue/green) or `EXTERNAL`; `ECS` when none is reported, the API's documented default.";
            "platform_version": String, ECS_SERVICES, "Fargate platform version the service asks for, e.g. `LATEST` or `1.4.0`; null on EC2.";
        },
    },
    Kind {
        name: "ecs_task_definition",
        service: "ecs",
        description: "The latest ACTIVE revision of an ECS task definition family (moto may describe an INACTIVE latest revision instead: reported as an error).",
        identifier: "Task definition family",
        list_operation: ECS_TASK_DEFINITION,
        provider: Provider::Aws,
        id_format: IdFormat::Name,
        global: false,
        select_by_attributes: false,
        found_through: &[],
        attributes: attrs! {
            "revision": Integer, ECS_TASK_DEFINITION, "Revision number of the latest ACTIVE revision.";
            "requires_compatibilities": StringList, ECS_TASK_DEFINITION, "E.g. `FARGATE`.";
            "network_mode": String, ECS_TASK_DEFINITION, "Network mode, e.g. `awsvpc`.";
            "cpu": Integer, ECS_TASK_DEFINITION, "Task CPU units; null when not set at task level.";
            "memory": Integer, ECS_TASK_DEFINITION, "Task memory in MiB; null when not set at task level.";
            "containers": ObjectList, ECS_TASK_DEFINITION, "Containers: `name`, `image`, `health_check` (`command`, with URLs and credential-looking values redacted as in `http_endpoint` `body`, `interval`, `retries`, `timeout`; null when none), `log_driver`, `log_group`.";
            "task_role": String, ECS_TASK_DEFINITION, "Name of the IAM role the task's containers assume (`taskRoleArn`), null when none.";
            "execution_role": String, ECS_TASK_DEFINITION, "Name of the IAM role ECS uses to pull images and read secrets (`executionRoleArn`), null when none.";
            "environment_names": StringList, ECS_TASK_DEFINITION, "Names of the plain environment variables of every container, sorted, without duplicates; values are never read into a record.";
            "secret_names": StringList, ECS_TASK_DEFINITION, "Names of the environment variables every container takes from Secrets Manager or Parameter Store (`secrets`), sorted.";
            "secret_sources": StringList, ECS_TASK_DEFINITION, "Where those come from: each `valueFrom` (a secret or parameter ARN or name, never its value), sorted.";
        },
    },
    Kind {
        name: "ecr_repository",
        service: "ecr",
        description: "An ECR image repository (moto: DescribeRepositories ignores paging, one page).",
        identifier: "Repository name",
        list_operation: ECR_REPOSITORIES,
        provider: Provider::Aws,
        id_format: IdFormat::Name,
        global: false,
        select_by_attributes: false,
        found_through: &[],
        attributes: attrs! {
            "scan_on_push": Bool, "ecr:GetRegistryScanningConfiguration", "Whether images pushed to the repository are scanned, as AWS decides it: with the registry's ENHANCED scanning, a continuous or scan-on-push rule whose filter matches the repository (the repository's own setting is then ignored); with BASIC scanning, a scan-on-push rule that matches, or the repository's own `scanOnPush`.";
            "scan_frequency": String, "ecr:GetRegistryScanningConfiguration", "The scanning that applies: `CONTINUOUS_SCAN`, `SCAN_ON_PUSH` or `MANUAL` (not scanned on push).";
            "registry_scan_type": String, "ecr:GetRegistryScanningConfiguration", "The registry's scan type, `BASIC` or `ENHANCED` (Amazon Inspector).";
            "image_tag_mutability": String, ECR_REPOSITORIES, "`MUTABLE`, `IMMUTABLE`, or either `_WITH_EXCLUSION`.";
            "encryption_type": String, ECR_REPOSITORIES, "`AES256`, `KMS` or `KMS_DSSE`.";
            "lifecycle_policy": Bool, "ecr:GetLifecyclePolicy", "Whether a lifecycle policy is set.";
        },
    },
    Kind {
        name: "ecr_image",
        service: "ecr",
        description: "An image in an ECR repository, named by one of its tags. One DescribeImages per repository for all its named tags; a tag or repository that does not exist is missing.",
        identifier: "`<repository>:<tag>`, e.g. `shop/api:v1.4.2`",
        list_operation: ECR_IMAGES,
        provider: Provider::Aws,
        id_format: IdFormat::RepositoryTag,
        global: false,
        select_by_attributes: false,
        found_through: &[],
        attributes: attrs! {
            "pushed_at_age_hours": Number, ECR_IMAGES, "Hours since the image was pushed (one decimal).", volatile;
            "size_mb": Number, ECR_IMAGES, "Compressed size in MiB (`imageSizeInBytes` / 1,048,576, two decimals).";
            "image_tags": StringList, ECR_IMAGES, "Every tag of the image (the one named included), sorted.";
            "scan_status": String, ECR_IMAGES, "Status of the latest scan: `COMPLETE`, `IN_PROGRESS`, `FAILED`, `ACTIVE`, ... (`imageScanStatus`); null when the image was never scanned.", volatile;
            "critical_findings": Integer, ECR_IMAGES, "`CRITICAL` findings of the latest scan (`imageScanFindingsSummary`; 0 when that severity has none). Null when there is no scan summary (never scanned, scan in progress or failed): then `at_most: 0` fails, it never passes.", volatile;
            "high_findings": Integer, ECR_IMAGES, "`HIGH` findings of the latest scan, as `critical_findings` (null without a scan summary).", volatile;
            "medium_findings": Integer, ECR_IMAGES, "`MEDIUM` findings of the latest scan, as `critical_findings` (null without a scan summary).", volatile;
        },
    },
    Kind {
        name: "lb",
        service: "elasticloadbalancing",
        description: "An Elastic Load Balancing v2 load balancer (ALB/NLB).",
        identifier: "Load balancer name or ARN",
        list_operation: LOAD_BALANCERS,
        provider: Provider::Aws,
        id_format: IdFormat::NameOrArn,
        global: false,
        select_by_attributes: false,
        found_through: &[],
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
        provider: Provider::Aws,
        id_format: IdFormat::LoadBalancerPort,
        global: false,
        select_by_attributes: false,
        found_through: &["elasticloadbalancing:DescribeLoadBalancers"],
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
        provider: Provider::Aws,
        id_format: IdFormat::NameOrArn,
        global: false,
        select_by_attributes: false,
        found_through: &[],
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
            "target_count": Integer, TARGET_HEALTH, "Registered targets (read only when checked).", volatile;
            "healthy_count": Integer, TARGET_HEALTH, "Targets in state `healthy` (moto reports every registered IP target healthy).", volatile;
        },
    },
    Kind {
        name: "s3_bucket",
        service: "s3",
        description: "An S3 bucket in any region: each call about it goes to the bucket's own region (from ListBuckets, else from S3's redirect).",
        identifier: "Bucket name",
        list_operation: S3_BUCKETS,
        provider: Provider::Aws,
        id_format: IdFormat::Name,
        global: true,
        select_by_attributes: false,
        found_through: &[],
        attributes: attrs! {
            "region": String, "s3:GetBucketLocation", "Region the bucket lives in.";
            "versioning": String, "s3:GetBucketVersioning", "`Enabled`, `Suspended` or `Disabled` (never enabled).";
            "sse_algorithm": String, "s3:GetEncryptionConfiguration", "Default encryption: `AES256`, `aws:kms`, `aws:kms:dsse`, or null when none.";
            "kms_key_id": String, "s3:GetEncryptionConfiguration", "KMS key of the default encryption, null when not KMS.";
            "bucket_key_enabled": Bool, "s3:GetEncryptionConfiguration", "Whether an S3 Bucket Key is used.";
            "block_public_acls": Bool, "s3:GetBucketPublicAccessBlock", "Effective Block Public Access setting BlockPublicAcls: on when the bucket's or the account's (S3 Control) is on.";
            "ignore_public_acls": Bool, "s3:GetBucketPublicAccessBlock", "Effective Block Public Access setting IgnorePublicAcls: on when the bucket's or the account's (S3 Control) is on.";
            "block_public_policy": Bool, "s3:GetBucketPublicAccessBlock", "Effective Block Public Access setting BlockPublicPolicy: on when the bucket's or the account's (S3 Control) is on.";
            "restrict_public_buckets": Bool, "s3:GetBucketPublicAccessBlock", "Effective Block Public Access setting RestrictPublicBuckets: on when the bucket's or the account's (S3 Control) is on.";
            "public_access_blocked": Bool, "s3:GetBucketPublicAccessBlock", "All four Block Public Access settings are in effect, from the bucket's own block, the account's, or both (see `public_access_block_source`). A level that cannot be read makes this an error unless the other level blocks everything by itself.";
            "public_access_block_source": String, "s3:GetBucketPublicAccessBlock", "Which level blocks public access: `bucket`, `account`, `bucket and account` (each alone would), `bucket and account combined` (only together); null when public access is not fully blocked.";
            "website_enabled": Bool, "s3:GetBucketWebsite", "Whether static website hosting is configured.";
            "website_index_document": String, "s3:GetBucketWebsite", "Website index document suffix, e.g. `index.html`.";
            "website_error_document": String, "s3:GetBucketWebsite", "Website error document key.";
            "policy_requires_tls": Bool, "s3:GetBucketPolicy", "The bucket policy denies requests without TLS (`aws:SecureTransport` false); false without a policy.";
            "policy_statements": ObjectList, "s3:GetBucketPolicy", "The bucket policy's statements: `sid`, `effect`, `principals` (`*`, ARNs, service names), `actions`, `resources`, `conditions` (`Operator key=value`, one per value; the `aws:Referer` and `aws:UserAgent` values buckets use as a shared secret with CloudFront are replaced by a hash marker); a `Not…` element's entries start with `!`. Empty without a policy.";
            "policy_is_public": Bool, "s3:GetBucketPolicyStatus", "Whether S3 itself judges the bucket policy public (GetBucketPolicyStatus `IsPublic`); false without a policy.";
            "access_logging": Bool, "s3:GetBucketLogging", "Whether server access logging is on.";
            "access_log_target": String, "s3:GetBucketLogging", "Where access logs go, `bucket/prefix`; null when logging is off.";
            "lifecycle_rules": ObjectList, "s3:GetLifecycleConfiguration", "Lifecycle rules: `id`, `status`, `prefix`, `transitions` (`days`, `storage_class`), `expiration_days`.";
            "tags": StringMap, "s3:GetBucketTagging", "Bucket tags.";
        },
    },
    Kind {
        name: "s3_prefix",
        service: "s3",
        description: "The objects under a key prefix of an S3 bucket (\"the nightly dump arrived\"): how many, how large, and the newest. Every page of ListObjectsV2 with the prefix, in the bucket's region, once per resource per run (a page holds 1,000 objects). Missing when the bucket does not exist; a bucket with nothing under the prefix has `object_count` 0.",
        identifier: "`<bucket>/<prefix>`, e.g. `dorami-backups/db/` (`<bucket>/` for the whole bucket)",
        list_operation: LIST_OBJECTS,
        provider: Provider::Aws,
        id_format: IdFormat::BucketPrefix,
        global: true,
        select_by_attributes: false,
        found_through: &[],
        attributes: attrs! {
            "object_count": Integer, LIST_OBJECTS, "Objects whose key starts with the prefix (`db/` counts `db/2026/...` too).", volatile;
            "total_size_bytes": Integer, LIST_OBJECTS, "Their total size in bytes.", volatile;
            "newest_key": String, LIST_OBJECTS, "Key of the most recently modified object, null when there is none.", volatile;
            "newest_age_minutes": Integer, LIST_OBJECTS, "Whole minutes since that object was last modified (`at_most: 1500`: a nightly dump arrived within the last 25 hours), null when there is none.", volatile;
            "newest_size_bytes": Integer, LIST_OBJECTS, "Size of that object in bytes (an empty dump is 0), null when there is none.", volatile;
        },
    },
    Kind {
        name: "cloudfront_distribution",
        service: "cloudfront",
        description: "A CloudFront distribution (moto drops S3 origin access settings and reports the default certificate flag wrongly; neither is an attribute here).",
        identifier: "Distribution id or one of its aliases",
        list_operation: DISTRIBUTIONS,
        provider: Provider::Aws,
        id_format: IdFormat::Name,
        global: true,
        select_by_attributes: false,
        found_through: &[],
        attributes: attrs! {
            "status": String, DISTRIBUTIONS, "Deployment status, e.g. `Deployed`.";
            "enabled": Bool, DISTRIBUTIONS, "Whether the distribution is enabled.";
            "domain_name": String, DISTRIBUTIONS, "The `*.cloudfront.net` domain name.";
            "aliases": StringList, DISTRIBUTIONS, "Alternate domain names (CNAMEs).";
            "origins": ObjectList, DISTRIBUTIONS, "Origins: `id`, `domain_name`, `type` (`s3` or `custom`; moto reports S3 origins as neither: null), `origin_access_control_id`.";
            "default_root_object": String, DISTRIBUTION_CONFIG, "Object served for `/`, e.g. `index.html`; null when none. Read per distribution, only when checked.";
            "origin_domains": StringList, DISTRIBUTIONS, "Domain names of the origins.";
            "viewer_protocol_policy": String, DISTRIBUTIONS, "Default behaviour: `redirect-to-https`, `https-only` or `allow-all`.";
            "compress": Bool, DISTRIBUTIONS, "Default behaviour compresses objects.";
            "cache_policy_id": String, DISTRIBUTIONS, "Default behaviour cache policy id, null with legacy cache settings.";
            "acm_certificate_arn": String, DISTRIBUTIONS, "ACM certificate ARN, null with the default certificate.";
            "minimum_protocol_version": String, DISTRIBUTIONS, "Minimum TLS protocol version, e.g. `TLSv1.2_2021`.";
            "web_acl_id": String, DISTRIBUTIONS, "Associated WAF web ACL, null when none.";
            "price_class": String, DISTRIBUTIONS, "Price class, e.g. `PriceClass_200`.";
            "http_version": String, DISTRIBUTIONS, "Maximum HTTP version, e.g. `http2and3`.";
            "cache_behaviors": ObjectList, DISTRIBUTIONS, "Every cache behaviour, the ordered ones in their order of precedence and the default one last (`path_pattern` `*`): `path_pattern`, `viewer_protocol_policy`, `cache_policy_id` and `origin_request_policy_id` (null with legacy cache settings or none), `compress`, `target_origin_id`, `function_associations` (`event_type`, `name`, `arn`) and `lambda_associations` (`event_type`, `arn`, the version's ARN).";
            "custom_error_responses": ObjectList, DISTRIBUTIONS, "Custom error responses: `error_code`, `response_code` (null when none), `response_page_path` (null when none), `error_caching_min_ttl` (seconds, null when not set).";
            "geo_restriction": String, DISTRIBUTIONS, "Geographic restriction type: `none`, `whitelist` (allow list) or `blacklist` (block list).";
            "geo_restriction_locations": StringList, DISTRIBUTIONS, "ISO 3166-1 alpha-2 country codes of the geographic restriction, sorted; empty with `none`.";
            "logging_enabled": Bool, DISTRIBUTION_CONFIG, "Whether standard (legacy) access logging to S3 is on. Read per distribution, only when checked (with `default_root_object` and `logging_bucket`, one call).";
            "logging_bucket": String, DISTRIBUTION_CONFIG, "The S3 bucket standard logs go to, e.g. `logs.s3.amazonaws.com`; null when logging is off.";
            "latest_invalidation_age_minutes": Integer, "cloudfront:ListInvalidations", "Whole minutes since the newest invalidation was created (\"cache invalidated after deploy\"); null when the distribution has none. One ListInvalidations per named distribution, only when checked; its first page (newest first) is read.", volatile;
        },
    },
    Kind {
        name: "cloudfront_cache_policy",
        service: "cloudfront",
        description: "A CloudFront cache policy, AWS managed (`Managed-CachingOptimized`) or custom: its TTLs and cache key. One ListCachePolicies (every page) per run serves every policy. Not implemented by moto (tested by replay).",
        identifier: "Policy name (`Managed-CachingOptimized`, or a custom policy's) or policy id (a distribution's `cache_policy_id`)",
        list_operation: CACHE_POLICIES,
        provider: Provider::Aws,
        id_format: IdFormat::Name,
        global: true,
        select_by_attributes: false,
        found_through: &[],
        attributes: attrs! {
            "type": String, CACHE_POLICIES, "`managed` (by AWS) or `custom`.";
            "policy_id": String, CACHE_POLICIES, "The policy's id (what a cache behaviour's `cache_policy_id` names).";
            "min_ttl": Integer, CACHE_POLICIES, "Minimum time objects stay in the cache, in seconds.";
            "default_ttl": Integer, CACHE_POLICIES, "Time objects stay in the cache when the origin sends no `Cache-Control`/`Expires`, in seconds.";
            "max_ttl": Integer, CACHE_POLICIES, "Maximum time objects stay in the cache, in seconds.";
            "query_strings": String, CACHE_POLICIES, "Query strings in the cache key: `none`, `whitelist` (those of `query_string_names`), `allExcept` (all but those) or `all`.";
            "query_string_names": StringList, CACHE_POLICIES, "The query strings `query_strings` lists, sorted.";
            "cookies": String, CACHE_POLICIES, "Cookies in the cache key: `none`, `whitelist`, `allExcept` or `all`.";
            "cookie_names": StringList, CACHE_POLICIES, "The cookies `cookies` lists, sorted.";
            "headers": String, CACHE_POLICIES, "Headers in the cache key: `none` or `whitelist`.";
            "header_names": StringList, CACHE_POLICIES, "The headers in the cache key, sorted.";
            "gzip": Bool, CACHE_POLICIES, "Whether gzip-compressed objects are cached (and requested) when the viewer accepts them.";
            "brotli": Bool, CACHE_POLICIES, "Whether Brotli-compressed objects are cached (and requested) when the viewer accepts them.";
        },
    },
    Kind {
        name: "secret",
        service: "secretsmanager",
        description: "A Secrets Manager secret (its metadata only; the value is never read).",
        identifier: "Secret name",
        list_operation: SECRETS,
        provider: Provider::Aws,
        id_format: IdFormat::Name,
        global: false,
        select_by_attributes: true,
        found_through: &[],
        attributes: attrs! {
            "rotation_enabled": Bool, SECRETS, "Whether rotation is on.";
            "rotation_interval_days": Integer, SECRETS, "Days between automatic rotations (`AutomaticallyAfterDays`, or N of a `rate(N days)` schedule), null when rotation is off. Rotation on a `cron(...)` schedule has no number of days: an `error` naming the schedule (check `rotation_schedule`), never a pass or a fail.";
            "rotation_schedule": String, SECRETS, "The rotation's `ScheduleExpression` (`rate(10 days)`, `cron(0 16 1,15 * ? *)`), null when rotation is off or set by days only (moto drops schedules: tested by replay).";
            "kms_key_id": String, SECRETS, "KMS key, null for the AWS managed key.";
            "last_rotated_date": String, SECRETS, "When the secret was last rotated (RFC 3339), null when never.", volatile;
            "last_changed_date": String, SECRETS, "When the secret was last changed (RFC 3339).", volatile;
            "has_current_version": Bool, SECRETS, "Whether a version is labelled `AWSCURRENT` (the secret has a value to read; the value itself is never read).";
            "current_version_age_days": Integer, "secretsmanager:ListSecretVersionIds", "Whole days since the `AWSCURRENT` version was created; an error when no version has the label.", volatile;
            "resource_policy": Bool, "secretsmanager:GetResourcePolicy", "Whether the secret has a resource policy.";
            "resource_policy_principals": StringList, "secretsmanager:GetResourcePolicy", "Principals the resource policy's `Allow` statements name (`*`, ARNs, service names; a `NotPrincipal` entry starts with `!`), sorted.";
            "resource_policy_public": Bool, "secretsmanager:GetResourcePolicy", "Whether the resource policy allows everyone (`*`) without a condition.";
            "tags": StringMap, SECRETS, "Secret tags.";
        },
    },
    Kind {
        name: "log_group",
        service: "logs",
        description: "A CloudWatch Logs log group.",
        identifier: "Log group name, e.g. `/ecs/dorami-backend-staging`",
        list_operation: "logs:DescribeLogGroups",
        provider: Provider::Aws,
        id_format: IdFormat::Name,
        global: false,
        select_by_attributes: true,
        found_through: &[],
        attributes: attrs! {
            "retention_in_days": Integer, "logs:DescribeLogGroups", "Days log events are kept, null when they never expire.";
            "kms_key_id": String, "logs:DescribeLogGroups", "KMS key ARN encrypting the group, null when none.";
            "last_event_age_minutes": Integer, "logs:DescribeLogStreams", "Minutes since the newest event of any of the group's streams (\"logs are arriving\"), null when no stream has an event. CloudWatch Logs updates a stream's last event time eventually (within an hour), so allow an hour of slack.", volatile;
        },
    },
    Kind {
        name: "metric_alarm",
        service: "cloudwatch",
        description: "A CloudWatch metric alarm, single-metric or metric math (composite alarms are `composite_alarm`). moto: DescribeAlarms ignores the alarm-type filter and paging (one page; paging tested by replay), and aws-sdk-cloudwatch is pinned to 1.99, the last that speaks the query protocol moto serves (getmoto/moto#9195).",
        identifier: "Alarm name",
        list_operation: "cloudwatch:DescribeAlarms",
        provider: Provider::Aws,
        id_format: IdFormat::Name,
        global: false,
        select_by_attributes: true,
        found_through: &[],
        attributes: attrs! {
            "namespace": String, "cloudwatch:DescribeAlarms", "Metric namespace, e.g. `AWS/ECS`; null for a metric-math alarm.";
            "metric_name": String, "cloudwatch:DescribeAlarms", "Metric name, e.g. `CPUUtilization`; null for a metric-math alarm.";
            "statistic": String, "cloudwatch:DescribeAlarms", "Statistic (`Average`, `Sum`, ...) or extended statistic (`p99`).";
            "comparison_operator": String, "cloudwatch:DescribeAlarms", "Comparison, e.g. `GreaterThanThreshold`.";
            "threshold": Number, "cloudwatch:DescribeAlarms", "Threshold the statistic is compared with.";
            "period": Integer, "cloudwatch:DescribeAlarms", "Period in seconds over which the statistic is applied.";
            "evaluation_periods": Integer, "cloudwatch:DescribeAlarms", "Number of periods compared with the threshold.";
            "datapoints_to_alarm": Integer, "cloudwatch:DescribeAlarms", "Breaching datapoints that trigger the alarm, null when not set (then all evaluation periods).";
            "actions_enabled": Bool, "cloudwatch:DescribeAlarms", "Whether the alarm's actions run.";
            "alarm_actions": StringList, "cloudwatch:DescribeAlarms", "ARNs notified on ALARM (e.g. an SNS topic).";
            "dimensions": StringMap, "cloudwatch:DescribeAlarms", "Metric dimensions, name to value, e.g. `{ ServiceName: backend }`.";
            "state": String, "cloudwatch:DescribeAlarms", "Current state: `OK`, `ALARM` or `INSUFFICIENT_DATA`.", volatile;
            "expression": String, "cloudwatch:DescribeAlarms", "For a metric-math alarm, the expression whose result is compared with the threshold (e.g. `100*(m1/m2)` for a 5xx rate), null for a single-metric alarm.";
            "metrics": StringList, "cloudwatch:DescribeAlarms", "Every metric the alarm reads, as `Namespace/MetricName` (the one metric, or each metric of a metric-math alarm), sorted.";
        },
    },
    Kind {
        name: "composite_alarm",
        service: "cloudwatch",
        description: "A CloudWatch composite alarm: a rule over other alarms' states. Listed by the same DescribeAlarms call as `metric_alarm` (one call for both kinds). moto does not implement PutCompositeAlarm: tested by replay.",
        identifier: "Alarm name",
        list_operation: "cloudwatch:DescribeAlarms",
        provider: Provider::Aws,
        id_format: IdFormat::Name,
        global: false,
        select_by_attributes: true,
        found_through: &[],
        attributes: attrs! {
            "alarm_rule": String, "cloudwatch:DescribeAlarms", "The rule, e.g. `ALARM(api-5xx-rate) OR ALARM(api-latency-p95)`.";
            "alarms_in_rule": StringList, "cloudwatch:DescribeAlarms", "The alarms the rule names, sorted.";
            "actions_enabled": Bool, "cloudwatch:DescribeAlarms", "Whether the alarm's actions run.";
            "alarm_actions": StringList, "cloudwatch:DescribeAlarms", "ARNs notified on ALARM.";
            "state": String, "cloudwatch:DescribeAlarms", "Current state: `OK`, `ALARM` or `INSUFFICIENT_DATA`.", volatile;
        },
    },
    Kind {
        name: "dashboard",
        service: "cloudwatch",
        description: "A CloudWatch dashboard. Existence and `last_modified` from one paginated ListDashboards per run; `widget_count` and `metrics` from one GetDashboard per named dashboard that exists, made only when the spec checks one of them.",
        identifier: "Dashboard name",
        list_operation: "cloudwatch:ListDashboards",
        provider: Provider::Aws,
        id_format: IdFormat::Name,
        global: false,
        select_by_attributes: false,
        found_through: &[],
        attributes: attrs! {
            "last_modified": String, "cloudwatch:ListDashboards", "When the dashboard was last changed (RFC 3339).", volatile;
            "widget_count": Integer, "cloudwatch:GetDashboard", "Number of widgets in the dashboard body.";
            "metrics": StringList, "cloudwatch:GetDashboard", "Every metric its widgets graph, as `Namespace/MetricName`, sorted, without duplicates (from each widget's `properties.metrics`; the `.`/`...` shorthand that repeats the previous line's values is followed; math expressions and search queries are not metrics).";
        },
    },
    Kind {
        name: "metric",
        service: "cloudwatch",
        description: "A CloudWatch metric: a namespace, a name and its whole dimension set. It exists when ListMetrics lists it (CloudWatch lists a metric for two weeks after its last datapoint); `missing` otherwise. One paginated ListMetrics per distinct namespace and metric name per run (the dimensions are matched exactly on our side); statistics from one GetMetricData per metric, only when checked, over the last 60 whole minutes at a 60-second period. moto ignores `RecentlyActive` (`published` is tested by replay) and has no percentiles (`p95_last_hour` by replay).",
        identifier: "`<namespace>/<metric name>`, with every dimension in braces when it has some: `AWS/ApplicationELB/TargetResponseTime{LoadBalancer=app/web/123}` (a metric with other or more dimensions is another metric; a dimension value may hold `/` and `=`, not `,`, `{` or `}`)",
        list_operation: "cloudwatch:ListMetrics",
        provider: Provider::Aws,
        id_format: IdFormat::Metric,
        global: false,
        select_by_attributes: false,
        found_through: &[],
        attributes: attrs! {
            "published": Bool, "cloudwatch:ListMetrics", "Whether a datapoint was published in the last 3 hours (ListMetrics with `RecentlyActive=PT3H`, a second call per namespace and name, made only when checked).", volatile;
            "datapoints_last_hour": Integer, "cloudwatch:GetMetricData", "Number of 60-second periods with data in the last 60 whole minutes (0 to 60).", volatile;
            "average_last_hour": Number, "cloudwatch:GetMetricData", "Average of every sample in the last 60 whole minutes (the sum over the sample count of the 60-second periods); null with no datapoint.", volatile;
            "maximum_last_hour": Number, "cloudwatch:GetMetricData", "Largest sample in the last 60 whole minutes; null with no datapoint.", volatile;
            "sum_last_hour": Number, "cloudwatch:GetMetricData", "Sum of the samples in the last 60 whole minutes; null with no datapoint.", volatile;
            "p95_last_hour": Number, "cloudwatch:GetMetricData", "95th percentile of the samples in the last 60 whole minutes (one 3600-second period over the same window, as percentiles of 60-second periods cannot be combined); null with no datapoint.", volatile;
        },
    },
    Kind {
        name: "sns_topic",
        service: "sns",
        description: "An SNS topic and its subscriptions (moto confirms every subscription at once; pending ones are tested by replay).",
        identifier: "Topic name or topic ARN",
        list_operation: "sns:ListTopics",
        provider: Provider::Aws,
        id_format: IdFormat::NameOrArn,
        global: false,
        select_by_attributes: false,
        found_through: &[],
        attributes: attrs! {
            "subscriptions": ObjectList, "sns:ListSubscriptionsByTopic", "Subscriptions: `protocol`, `endpoint`, `confirmed` (false while pending confirmation; moto confirms every subscription at once). An endpoint URL keeps only its scheme and host: the rest (a webhook's path, user-info, query) is replaced by `<redacted:HASH>`, a short hash that changes when the URL does; e-mail addresses, numbers and ARNs are kept.";
            "confirmed_subscriptions": Integer, "sns:ListSubscriptionsByTopic", "Number of confirmed subscriptions.";
            "confirmed_email_subscriptions": Integer, "sns:ListSubscriptionsByTopic", "Number of confirmed `email` / `email-json` subscriptions.";
            "pending_subscriptions": Integer, "sns:ListSubscriptionsByTopic", "Number of subscriptions pending confirmation.";
        },
    },
    Kind {
        name: "acm_certificate",
        service: "acm",
        description: "An ACM certificate (CloudFront's live in us-east-1: write `region: us-east-1` on the resource). Several for one domain: an ISSUED one is observed before others, then the newest. moto: certificates stay PENDING_VALIDATION for 60 s unless MOTO_ACM_VALIDATION_WAIT=0, renewal is always INELIGIBLE, InUse is set only by a classic ELB, and ListCertificates answers in one page (in use, ELIGIBLE, EC keys and paging tested by replay).",
        identifier: "The certificate's domain name, e.g. `shop.dorami.example`",
        list_operation: "acm:ListCertificates",
        provider: Provider::Aws,
        id_format: IdFormat::Name,
        global: false,
        select_by_attributes: false,
        found_through: &[],
        attributes: attrs! {
            "status": String, "acm:ListCertificates", "Status, e.g. `ISSUED`, `PENDING_VALIDATION`, `EXPIRED`.";
            "in_use": Bool, "acm:ListCertificates", "Whether an AWS resource (load balancer, distribution) uses it (moto marks those of load balancers, never of CloudFront distributions).";
            "days_until_expiry": Integer, "acm:ListCertificates", "Whole days until it expires; null when it is not ISSUED.", volatile;
            "renewal_eligibility": String, "acm:ListCertificates", "`ELIGIBLE` or `INELIGIBLE` for managed renewal (moto always says `INELIGIBLE`).";
            "key_algorithm": String, "acm:ListCertificates", "Key algorithm, e.g. `RSA_2048`, `EC_prime256v1`.";
            "type": String, "acm:ListCertificates", "`AMAZON_ISSUED`, `IMPORTED` or `PRIVATE`.";
            "subject_alternative_names": StringList, "acm:DescribeCertificate", "Every subject alternative name (the list's summary is truncated). Read per certificate, only when checked.";
        },
    },
    Kind {
        name: "route53_zone",
        service: "route53",
        description: "A Route 53 hosted zone. Two zones of one name (a public and a private one: split-horizon DNS) are an error by name, naming both ids: name such a zone by its id.",
        identifier: "Zone name, e.g. `dorami.example` (trailing dot optional), or zone id, e.g. `Z0123456789ABCDEFGHIJ`",
        list_operation: "route53:ListHostedZones",
        provider: Provider::Aws,
        id_format: IdFormat::Name,
        global: true,
        select_by_attributes: false,
        found_through: &[],
        attributes: attrs! {
            "private_zone": Bool, "route53:ListHostedZones", "Whether the zone is private (VPC-only).";
            "record_count": Integer, "route53:ListHostedZones", "Number of record sets, NS and SOA included.";
        },
    },
    Kind {
        name: "route53_record",
        service: "route53",
        description: "A Route 53 record set (several with one name and type, i.e. routing policies, are an error: ambiguous). moto answers ListResourceRecordSets in one page (paging tested by replay).",
        identifier: "`<zone name or id>/<record name>/<type>`, e.g. `dorami.example/shop.dorami.example/A`",
        list_operation: "route53:ListResourceRecordSets",
        provider: Provider::Aws,
        id_format: IdFormat::ZoneRecordType,
        global: true,
        select_by_attributes: false,
        found_through: &["route53:ListHostedZones"],
        attributes: attrs! {
            "type": String, "route53:ListResourceRecordSets", "Record type, e.g. `A`, `CNAME`.";
            "ttl": Integer, "route53:ListResourceRecordSets", "TTL in seconds; null for an alias record.";
            "alias_target_dns_name": String, "route53:ListResourceRecordSets", "Alias target DNS name without the trailing dot, lower case; null when not an alias.";
            "alias_target_zone_id": String, "route53:ListResourceRecordSets", "Alias target hosted zone id (e.g. `Z2FDTNDATAQYW2` for CloudFront); null when not an alias.";
            "values": StringList, "route53:ListResourceRecordSets", "Record values, in order; empty for an alias record.";
        },
    },
    Kind {
        name: "route53_domain",
        service: "route53domains",
        description: "A domain registered with Route 53 Domains (global: read in us-east-1, the only region with the API). Contact details (names, e-mail addresses, phone numbers) are never recorded. moto: `transfer_lock` is always true, the status list is `SUCCEEDED` instead of EPP codes, and there are no DNSSEC keys (EPP codes and DNSSEC tested by replay).",
        identifier: "The domain name, e.g. `dorami.example` (any case, trailing dot optional)",
        list_operation: "route53domains:ListDomains",
        provider: Provider::Aws,
        id_format: IdFormat::Name,
        global: true,
        select_by_attributes: false,
        found_through: &[],
        attributes: attrs! {
            "auto_renew": Bool, "route53domains:ListDomains", "Whether the registration renews itself before it expires.";
            "transfer_lock": Bool, "route53domains:ListDomains", "Whether the domain is locked against transfer to another registrar.";
            "expiry": String, "route53domains:ListDomains", "When the registration expires (RFC 3339, UTC).";
            "days_to_expiry": Integer, "route53domains:ListDomains", "Whole days until the registration expires (negative once expired).", volatile;
            "registrar": String, "route53domains:GetDomainDetail", "Registrar's name, e.g. `Amazon Registrar, Inc.` or `GANDI SAS`. GetDomainDetail is called per domain, only for the domains whose checks read it.";
            "status_list": StringList, "route53domains:GetDomainDetail", "EPP status codes, sorted, e.g. `clientTransferProhibited`, `clientDeleteProhibited`.";
            "nameservers": StringList, "route53domains:GetDomainDetail", "Name servers the registry delegates to, sorted, lower case, without the trailing dot.";
            "admin_privacy": Bool, "route53domains:GetDomainDetail", "Whether the administrative contact is hidden from WHOIS.";
            "registrant_privacy": Bool, "route53domains:GetDomainDetail", "Whether the registrant contact is hidden from WHOIS.";
            "tech_privacy": Bool, "route53domains:GetDomainDetail", "Whether the technical contact is hidden from WHOIS.";
            "dnssec": Bool, "route53domains:GetDomainDetail", "Whether DNSSEC is on at the registry: the domain has at least one DNSSEC key.";
        },
    },
    Kind {
        name: "route53_health_check",
        service: "route53",
        description: "A Route 53 health check (global). Named by its id, or by the URL it requests (`https://api.example.com/health`: an HTTP or HTTPS check whose type, domain name, port and path all match; several matching is an error naming their ids). The alarm *on* a health check is a `metric_alarm` on `AWS/Route53` `HealthCheckStatus` with dimension `HealthCheckId` (the check's `health_check_id`), in us-east-1 where Route 53 publishes its metrics.",
        identifier: "Health check id, or the URL an HTTP(S) check requests",
        list_operation: "route53:ListHealthChecks",
        provider: Provider::Aws,
        id_format: IdFormat::Name,
        global: true,
        select_by_attributes: false,
        found_through: &[],
        attributes: attrs! {
            "health_check_id": String, "route53:ListHealthChecks", "Its id (for a `metric_alarm` on `AWS/Route53` `HealthCheckStatus`, dimension `HealthCheckId`).";
            "type": String, "route53:ListHealthChecks", "`HTTP`, `HTTPS`, `HTTP_STR_MATCH`, `HTTPS_STR_MATCH`, `TCP`, `CALCULATED`, `CLOUDWATCH_METRIC` or `RECOVERY_CONTROL`.";
            "fqdn": String, "route53:ListHealthChecks", "Domain name checked, lower case without the trailing dot; null when checked by IP address.";
            "port": Integer, "route53:ListHealthChecks", "Port checked.";
            "resource_path": String, "route53:ListHealthChecks", "Path requested, e.g. `/api/health`.";
            "search_string": String, "route53:ListHealthChecks", "Text a `_STR_MATCH` check looks for in the response, null otherwise.";
            "request_interval": Integer, "route53:ListHealthChecks", "Seconds between checks (10 or 30).";
            "failure_threshold": Integer, "route53:ListHealthChecks", "Consecutive failures before the endpoint is unhealthy.";
            "measure_latency": Bool, "route53:ListHealthChecks", "Whether latency is measured (and graphed).";
            "inverted": Bool, "route53:ListHealthChecks", "Whether the status is inverted.";
            "disabled": Bool, "route53:ListHealthChecks", "Whether the check is disabled (then always healthy: a disabled check proves nothing).";
            "enable_sni": Bool, "route53:ListHealthChecks", "Whether the TLS SNI is sent (HTTPS checks).";
            "regions": StringList, "route53:ListHealthChecks", "Regions the checkers run from, sorted; empty means AWS's default set.";
            "cloudwatch_alarm": String, "route53:ListHealthChecks", "Name of the CloudWatch alarm a `CLOUDWATCH_METRIC` check follows (its `AlarmIdentifier`), null for other types. moto drops it (tested by replay).";
            "healthy": Bool, "route53:GetHealthCheckStatus", "Whether Route 53 considers the endpoint healthy: more than 18 % of its checkers report success. An error for a disabled or inverted check, one no checker reports on yet, and calculated and CLOUDWATCH_METRIC checks (their status is an alarm's: see the kind's description). One GetHealthCheckStatus per check, only when checked. moto always reports one successful checker.", volatile;
            "checkers_reporting_healthy_percent": Number, "route53:GetHealthCheckStatus", "Share of the health checkers whose latest report is a success, in percent (one decimal).", volatile;
        },
    },
    Kind {
        name: "waf_web_acl",
        service: "wafv2",
        description: "A WAFv2 web ACL (CLOUDFRONT-scoped ones are read in us-east-1). moto does not implement ListResourcesForWebACL (`associated_resources` is tested by replay).",
        identifier: "`<scope>/<name>`, scope `CLOUDFRONT` or `REGIONAL`, e.g. `CLOUDFRONT/dorami-edge`",
        list_operation: "wafv2:ListWebACLs",
        provider: Provider::Aws,
        id_format: IdFormat::ScopeName,
        global: false,
        select_by_attributes: false,
        found_through: &[],
        attributes: attrs! {
            "default_action": String, "wafv2:GetWebACL", "`allow` or `block`.";
            "rate_limit": Integer, "wafv2:GetWebACL", "Request limit of the first rate-based rule (by priority) that acts on what it matches (block, CAPTCHA, challenge); a rule in Count mode limits nothing and is not counted. Null when none.";
            "rate_limit_window_seconds": Integer, "wafv2:GetWebACL", "Evaluation window of that rule in seconds (300 when not set); null when none.";
            "rate_limit_action": String, "wafv2:GetWebACL", "Action of that rule (`block`, `captcha`, `challenge`), or of the first rate-based rule when every one is in Count mode (`count`: why `rate_limit` is null); null without rate-based rules.";
            "managed_rule_groups": StringList, "wafv2:GetWebACL", "Managed rule groups as `Vendor/Name`: Firewall Manager's pre-process groups, the ACL's own rules by priority, then Firewall Manager's post-process groups, e.g. `AWS/AWSManagedRulesSQLiRuleSet`.";
            "associated_resources": StringList, "wafv2:ListResourcesForWebACL", "ARNs of the associated regional resources, sorted: one call per resource type, each needing its own permission besides `wafv2:ListResourcesForWebACL` (`infra-verify iam-policy` includes them). A `contains:` of ARNs asks only for those ARNs' types; any other expectation asks for every type, and a type that cannot be listed makes it an error naming the type. REGIONAL only: for CLOUDFRONT, an error (check the distribution's `web_acl_id`). Not implemented by moto.";
        },
    },
    Kind {
        name: "autoscaling_group",
        service: "autoscaling",
        description: "An EC2 Auto Scaling group (moto: DescribePolicies ignores paging, one page).",
        identifier: "Auto Scaling group name",
        list_operation: "autoscaling:DescribeAutoScalingGroups",
        provider: Provider::Aws,
        id_format: IdFormat::Name,
        global: false,
        select_by_attributes: false,
        found_through: &[],
        attributes: attrs! {
            "min_size": Integer, "autoscaling:DescribeAutoScalingGroups", "Minimum number of instances.";
            "max_size": Integer, "autoscaling:DescribeAutoScalingGroups", "Maximum number of instances.";
            "desired_capacity": Integer, "autoscaling:DescribeAutoScalingGroups", "Desired number of instances.";
            "health_check_type": String, "autoscaling:DescribeAutoScalingGroups", "`EC2`, `ELB`, `VPC_LATTICE` or `EBS`.";
            "health_check_grace_period": Integer, "autoscaling:DescribeAutoScalingGroups", "Seconds before a new instance's health is checked.";
            "target_group_arns": StringList, "autoscaling:DescribeAutoScalingGroups", "Load balancer target groups the group registers with.";
            "availability_zones": StringList, "autoscaling:DescribeAutoScalingGroups", "Availability zones, sorted.";
            "instance_count": Integer, "autoscaling:DescribeAutoScalingGroups", "Instances in the group now (moto launches the desired count at once).", volatile;
            "launch_template": String, "autoscaling:DescribeAutoScalingGroups", "Launch template the group launches from (its own or its mixed instances policy's), by name (or id); null with a launch configuration.";
            "launch_template_version": String, "autoscaling:DescribeAutoScalingGroups", "The version it asks for: `$Latest`, `$Default` or a number.";
            "launch_configuration": String, "autoscaling:DescribeAutoScalingGroups", "Launch configuration name (the legacy way), null with a launch template.";
            "image_id": String, "ec2:DescribeLaunchTemplateVersions", "AMI of that launch template version (one call per distinct template and version, only when checked); null with a launch configuration.";
            "instance_type": String, "ec2:DescribeLaunchTemplateVersions", "Instance type of that launch template version, e.g. `t3.small`.";
            "target_tracking_policies": ObjectList, "autoscaling:DescribePolicies", "Target tracking policies: `metric` (predefined metric type, or the custom metric's name; null for metric math), `target_value`; sorted by metric. Read once for every group, only when checked.";
            "step_scaling_policies": ObjectList, "autoscaling:DescribePolicies", "Step and simple scaling policies by name: `name`, `type` (`StepScaling`/`SimpleScaling`), `adjustment_type`, `alarms` (the CloudWatch alarms that trigger it; check their thresholds as `metric_alarm`s), `scaling_adjustment` (simple), `steps` (`lower`, `upper`, `adjustment`). Read from the same DescribePolicies list as `target_tracking_policies`.";
        },
    },
    Kind {
        name: "ecs_service_scaling",
        service: "application-autoscaling",
        description: "The Application Auto Scaling target of an ECS service's desired count.",
        identifier: "`cluster/service`, like `ecs_service`",
        list_operation: "application-autoscaling:DescribeScalableTargets",
        provider: Provider::Aws,
        id_format: IdFormat::ClusterService,
        global: false,
        select_by_attributes: false,
        found_through: &[],
        attributes: attrs! {
            "min_capacity": Integer, "application-autoscaling:DescribeScalableTargets", "Minimum task count.";
            "max_capacity": Integer, "application-autoscaling:DescribeScalableTargets", "Maximum task count.";
            "target_tracking_policies": ObjectList, "application-autoscaling:DescribeScalingPolicies", "Target tracking policies: `metric` (predefined metric type, or the custom metric's name; null for metric math), `target_value`; sorted by metric. Read once for every service, only when checked.";
        },
    },
    Kind {
        name: "account",
        service: "iam",
        description: "Account-wide security settings of the credentials' account (`ebs_encryption_by_default` is per region: check it in every region with `regions: all`). moto: GetAccountSummary always reports root MFA off and no root access keys (root MFA on is tested by replay).",
        identifier: "The literal `current`",
        list_operation: "sts:GetCallerIdentity",
        provider: Provider::Aws,
        id_format: IdFormat::Current,
        global: false,
        select_by_attributes: false,
        found_through: &[],
        attributes: attrs! {
            "root_mfa_enabled": Bool, "iam:GetAccountSummary", "Whether the root user has MFA (`AccountMFAEnabled`).";
            "root_access_keys_present": Bool, "iam:GetAccountSummary", "Whether the root user has access keys (`AccountAccessKeysPresent`).";
            "password_policy": ObjectList, "iam:GetAccountPasswordPolicy", "The IAM password policy as a one-element list (match with `contains:`): `minimum_length`, `require_symbols`, `require_numbers`, `require_uppercase`, `require_lowercase`, `allow_users_to_change`, `expire_passwords`, `max_age_days`, `reuse_prevention`, `hard_expiry`; null when none is set.";
            "password_min_length": Integer, "iam:GetAccountPasswordPolicy", "Minimum password length; null when no password policy is set.";
            "ebs_encryption_by_default": Bool, "ec2:GetEbsEncryptionByDefault", "Whether new EBS volumes are encrypted by default in the run's region (or the resource's `region:`).";
        },
    },
    Kind {
        name: "iam_role",
        service: "iam",
        description: "An IAM role: who may assume it (its trust policy), the policies it has, and whether any of them grants full admin or whole-service wildcards. One ListRoles per run; the per-role calls only for the roles that exist and only for what the spec checks. moto reports no `RoleLastUsed` (`last_used` is null there; a used role is tested by replay).",
        identifier: "Role name, without its path (in any case: IAM names are unique whatever their case)",
        list_operation: IAM_ROLES,
        provider: Provider::Aws,
        id_format: IdFormat::Name,
        global: true,
        select_by_attributes: false,
        found_through: &[],
        attributes: attrs! {
            "trusted_principals": StringList, IAM_ROLES, "Principals the trust policy (`AssumeRolePolicyDocument`) allows, sorted: service principals (`ecs-tasks.amazonaws.com`), AWS principals (account ids or ARNs, `*`), federated principals (a GitHub OIDC provider's ARN, `cognito-identity.amazonaws.com`), canonical users. From `Allow` statements only.";
            "trust_conditions": StringList, IAM_ROLES, "Conditions of the trust policy's `Allow` statements, one string per value, sorted: `<operator> <key>=<value>`, e.g. `StringEquals token.actions.githubusercontent.com:sub=repo:org/app:ref:refs/heads/main` or `StringLike token.actions.githubusercontent.com:sub=repo:org/app:*` (check with `contains:`).";
            "max_session_duration": Integer, IAM_ROLES, "Maximum session duration in seconds (3600 to 43200).";
            "attached_policies": StringList, "iam:ListAttachedRolePolicies", "Names of the attached managed policies, sorted.";
            "inline_policies": StringList, "iam:ListRolePolicies", "Names of the inline policies, sorted.";
            "grants_admin": Bool, IAM_POLICY_VERSION, "Whether an attached managed policy (its default version) or an inline policy has an `Allow` statement of action `*` on resource `*` (an `Allow` with `NotAction`, or with `NotResource`, counts as `*`: it grants everything but what it names). Conditions, permissions boundaries and SCPs are not weighed. Also reads ListAttachedRolePolicies, GetPolicy, ListRolePolicies and GetRolePolicy; each managed policy is read once per run.";
            "service_wildcards": StringList, IAM_POLICY_VERSION, "Whole-service wildcard actions those policies `Allow`, whatever the resource (`s3:*` on one bucket counts), lower case and sorted, e.g. `[\"s3:*\"]` (`*` itself when an action is `*` or a statement uses `NotAction`); `[]` for least privilege. Read as `grants_admin`.";
            "last_used": String, "iam:GetRole", "When the role was last assumed (`RoleLastUsed`, RFC 3339, tracked by AWS over the last 400 days); null when never (or not within that window).", volatile;
            "tags": StringMap, "iam:GetRole", "Role tags (ListRoles does not return them: one GetRole per role, only when checked).";
        },
    },
    Kind {
        name: "iam_user",
        service: "iam",
        description: "An IAM user: console access, MFA, access keys (count, age, last use; never the keys themselves), policies and groups. One ListUsers per run; the per-user calls only for the users that exist and only for what the spec checks.",
        identifier: "User name, without its path (in any case: IAM names are unique whatever their case)",
        list_operation: IAM_USERS,
        provider: Provider::Aws,
        id_format: IdFormat::Name,
        global: true,
        select_by_attributes: false,
        found_through: &[],
        attributes: attrs! {
            "console_access": Bool, "iam:GetLoginProfile", "Whether the user has a console password (a login profile; `NoSuchEntity` is false).";
            "mfa_enabled": Bool, "iam:ListMFADevices", "Whether the user has at least one MFA device.";
            "access_key_count": Integer, IAM_ACCESS_KEYS, "Access keys, active or not.";
            "active_access_key_count": Integer, IAM_ACCESS_KEYS, "Access keys in status `Active`.";
            "oldest_active_key_age_days": Integer, IAM_ACCESS_KEYS, "Whole days since the oldest active access key was created; null without an active key.", volatile;
            "access_key_last_used_days": Integer, "iam:GetAccessKeyLastUsed", "Whole days since any active access key was last used (the most recent use); null when no active key was ever used. Also reads ListAccessKeys; one GetAccessKeyLastUsed per active key.", volatile;
            "attached_policies": StringList, "iam:ListAttachedUserPolicies", "Names of the attached managed policies, sorted.";
            "inline_policies": StringList, "iam:ListUserPolicies", "Names of the inline policies, sorted.";
            "groups": StringList, "iam:ListGroupsForUser", "Names of the groups the user is in, sorted.";
            "tags": StringMap, "iam:GetUser", "User tags (ListUsers does not return them: one GetUser per user, only when checked).";
        },
    },
    Kind {
        name: "cloudtrail_trail",
        service: "cloudtrail",
        description: "A CloudTrail trail (a multi-region trail is also found from its other regions).",
        identifier: "Trail name",
        list_operation: "cloudtrail:DescribeTrails",
        provider: Provider::Aws,
        id_format: IdFormat::Name,
        global: false,
        select_by_attributes: false,
        found_through: &[],
        attributes: attrs! {
            "multi_region": Bool, "cloudtrail:DescribeTrails", "Whether the trail logs every region.";
            "logging": Bool, "cloudtrail:GetTrailStatus", "Whether the trail is logging now. Read per trail, only when checked.";
            "log_file_validation": Bool, "cloudtrail:DescribeTrails", "Whether log file integrity validation is on.";
            "s3_bucket": String, "cloudtrail:DescribeTrails", "Bucket the logs are delivered to.";
            "kms_key_id": String, "cloudtrail:DescribeTrails", "KMS key encrypting the logs, null when SSE-S3.";
            "include_global_service_events": Bool, "cloudtrail:DescribeTrails", "Whether events of global services (IAM, STS, ...) are logged.";
        },
    },
    Kind {
        name: "config_recorder",
        service: "config",
        description: "An AWS Config configuration recorder.",
        identifier: "Recorder name, usually `default`",
        list_operation: "config:DescribeConfigurationRecorders",
        provider: Provider::Aws,
        id_format: IdFormat::Name,
        global: false,
        select_by_attributes: false,
        found_through: &[],
        attributes: attrs! {
            "recording": Bool, "config:DescribeConfigurationRecorderStatus", "Whether the recorder is recording now (read once, only when checked).";
            "all_supported": Bool, "config:DescribeConfigurationRecorders", "Whether every supported resource type is recorded.";
            "include_global_resource_types": Bool, "config:DescribeConfigurationRecorders", "Whether global resource types (IAM) are recorded.";
        },
    },
    Kind {
        name: "guardduty_detector",
        service: "guardduty",
        description: "The region's GuardDuty detector (a region has at most one; none is `missing`; check every region with `regions: all`). moto has at most one detector per region, so ListDetectors paging is tested by replay.",
        identifier: "The literal `current`",
        list_operation: "guardduty:ListDetectors",
        provider: Provider::Aws,
        id_format: IdFormat::Current,
        global: false,
        select_by_attributes: false,
        found_through: &[],
        attributes: attrs! {
            "status": String, "guardduty:GetDetector", "`ENABLED` or `DISABLED`.";
            "finding_publishing_frequency": String, "guardduty:GetDetector", "`FIFTEEN_MINUTES`, `ONE_HOUR` or `SIX_HOURS`.";
        },
    },
    Kind {
        name: "backup_plan",
        service: "backup",
        description: "An AWS Backup plan and its rules (what is backed up, when, for how long, and copied where; which resources a plan protects, and their latest backup, are `backup_protected_resource`s).",
        identifier: "Backup plan name",
        list_operation: "backup:ListBackupPlans",
        provider: Provider::Aws,
        id_format: IdFormat::Name,
        global: false,
        select_by_attributes: false,
        found_through: &[],
        attributes: attrs! {
            "last_execution_age_hours": Integer, "backup:ListBackupPlans", "Whole hours since the plan last ran; null when it never has.", volatile;
            "rules": ObjectList, "backup:GetBackupPlan", "Rules by name: `name`, `schedule` (cron or rate expression), `timezone`, `target_vault`, `start_window_minutes`, `completion_window_minutes`, `delete_after_days` (null: kept until deleted), `cold_storage_after_days`, `continuous` (point-in-time recovery), `copy_to` (destination vault ARNs). One GetBackupPlan per named plan, only when a rule attribute is checked.";
            "rule_names": StringList, "backup:GetBackupPlan", "Rule names, sorted.";
            "schedules": StringList, "backup:GetBackupPlan", "The rules' schedule expressions, sorted and distinct.";
            "min_retention_days": Integer, "backup:GetBackupPlan", "The shortest `delete_after_days` of its rules (\"backups kept 30 days\": `at_least: 30`); null when no rule deletes its backups.";
            "continuous_backup": Bool, "backup:GetBackupPlan", "Whether a rule takes continuous backups (point-in-time recovery).";
            "copy_destinations": StringList, "backup:GetBackupPlan", "Vault ARNs its rules copy backups to (another region or account), sorted and distinct.";
        },
    },
    Kind {
        name: "backup_vault",
        service: "backup",
        description: "An AWS Backup vault.",
        identifier: "Backup vault name",
        list_operation: "backup:ListBackupVaults",
        provider: Provider::Aws,
        id_format: IdFormat::Name,
        global: false,
        select_by_attributes: false,
        found_through: &[],
        attributes: attrs! {
            "recovery_points": Integer, "backup:ListBackupVaults", "Recovery points stored in it now.", volatile;
            "locked": Bool, "backup:ListBackupVaults", "Whether AWS Backup Vault Lock protects it (recovery points cannot be deleted early).";
            "min_retention_days": Integer, "backup:ListBackupVaults", "The lock's minimum retention in days; null without a lock.";
            "max_retention_days": Integer, "backup:ListBackupVaults", "The lock's maximum retention in days; null without a lock or a maximum.";
            "encryption_key_arn": String, "backup:ListBackupVaults", "KMS key encrypting its backups.";
            "vault_type": String, "backup:ListBackupVaults", "`BACKUP_VAULT`, `LOGICALLY_AIR_GAPPED_BACKUP_VAULT` or `RESTORE_ACCESS_BACKUP_VAULT`.";
        },
    },
    Kind {
        name: "backup_protected_resource",
        service: "backup",
        description: "A resource AWS Backup has backed up (a database, volume, file system, bucket, ...), with its latest recovery point: \"a backup taken in the last 24 hours\". A resource never backed up is `missing`. moto does not implement ListProtectedResources (tested by replay).",
        identifier: "The resource's ARN, or its name (a name two protected resources share is an error naming their ARNs)",
        list_operation: "backup:ListProtectedResources",
        provider: Provider::Aws,
        id_format: IdFormat::Name,
        global: false,
        select_by_attributes: false,
        found_through: &[],
        attributes: attrs! {
            "resource_arn": String, "backup:ListProtectedResources", "The resource's ARN.";
            "resource_type": String, "backup:ListProtectedResources", "AWS Backup's resource type, e.g. `RDS`, `Aurora`, `EBS`, `S3`, `DynamoDB`.";
            "last_backup": String, "backup:ListProtectedResources", "When its latest recovery point was created (RFC 3339).", volatile;
            "last_backup_age_hours": Integer, "backup:ListProtectedResources", "Whole hours since then (\"backed up daily\": `at_most: 24`).", volatile;
            "last_backup_vault": String, "backup:ListProtectedResources", "Name of the vault holding that recovery point.";
        },
    },
    Kind {
        name: "ses_identity",
        service: "ses",
        description: "An Amazon SES (v2) sending identity: a domain or an email address. moto verifies every identity at once, and reports DKIM signing only for identities created with their own DKIM keys (real SES starts Easy DKIM as `PENDING`): the pending states are tested by replay.",
        identifier: "The domain (case-insensitive) or email address",
        list_operation: "ses:ListEmailIdentities",
        provider: Provider::Aws,
        id_format: IdFormat::Name,
        global: false,
        select_by_attributes: false,
        found_through: &[],
        attributes: attrs! {
            "identity_type": String, "ses:ListEmailIdentities", "`DOMAIN`, `EMAIL_ADDRESS` or `MANAGED_DOMAIN`.";
            "verified": Bool, "ses:ListEmailIdentities", "Whether SES verified it (`VerificationStatus` = `SUCCESS`).";
            "verification_status": String, "ses:ListEmailIdentities", "`PENDING`, `SUCCESS`, `FAILED`, `TEMPORARY_FAILURE` or `NOT_STARTED`.";
            "sending_enabled": Bool, "ses:ListEmailIdentities", "Whether mail can be sent from it.";
            "dkim_signing_enabled": Bool, "ses:GetEmailIdentity", "Whether outgoing mail is DKIM-signed. One GetEmailIdentity per named identity, only when one of these is checked.";
            "dkim_status": String, "ses:GetEmailIdentity", "DKIM status: `SUCCESS` once the DNS records are found, `PENDING`, `FAILED`, `TEMPORARY_FAILURE` or `NOT_STARTED`.";
            "dkim_origin": String, "ses:GetEmailIdentity", "Where its DKIM keys come from: `AWS_SES` (Easy DKIM), `EXTERNAL` (BYODKIM) or a `AWS_SES_*` regional key.";
            "mail_from_domain": String, "ses:GetEmailIdentity", "Custom MAIL FROM domain (for SPF alignment); null when none.";
            "mail_from_status": String, "ses:GetEmailIdentity", "That domain's status: `SUCCESS`, `PENDING`, `FAILED` or `TEMPORARY_FAILURE`; null when none.";
            "configuration_set": String, "ses:GetEmailIdentity", "Default configuration set; null when none.";
        },
    },
    Kind {
        name: "ses_account",
        service: "ses",
        description: "The region's Amazon SES account: out of the sandbox, sending enabled, and in good standing. moto does not implement GetAccount (tested by replay).",
        identifier: "The literal `current`",
        list_operation: "ses:GetAccount",
        provider: Provider::Aws,
        id_format: IdFormat::Current,
        global: false,
        select_by_attributes: false,
        found_through: &[],
        attributes: attrs! {
            "production_access": Bool, "ses:GetAccount", "Whether the account is out of the SES sandbox (may send to any address).";
            "sending_enabled": Bool, "ses:GetAccount", "Whether the account may send email now.";
            "enforcement_status": String, "ses:GetAccount", "`HEALTHY`, `PROBATION` or `SHUTDOWN`.";
            "max_24_hour_send": Number, "ses:GetAccount", "Messages it may send in 24 hours.";
            "max_send_rate": Number, "ses:GetAccount", "Messages it may send per second.";
            "sent_last_24_hours": Number, "ses:GetAccount", "Messages sent in the last 24 hours.", volatile;
        },
    },
    Kind {
        name: "budget",
        service: "budgets",
        description: "An AWS Budgets budget of the credentials' account (global), with its threshold notifications. The IAM action for every Budgets read is `budgets:ViewBudget`.",
        identifier: "Budget name",
        list_operation: "budgets:ViewBudget",
        provider: Provider::Aws,
        id_format: IdFormat::Name,
        global: true,
        select_by_attributes: false,
        found_through: &[],
        attributes: attrs! {
            "budget_type": String, "budgets:ViewBudget", "`COST`, `USAGE`, `RI_UTILIZATION`, `RI_COVERAGE`, `SAVINGS_PLANS_UTILIZATION` or `SAVINGS_PLANS_COVERAGE`.";
            "time_unit": String, "budgets:ViewBudget", "`DAILY`, `MONTHLY`, `QUARTERLY` or `ANNUALLY`.";
            "limit_amount": Number, "budgets:ViewBudget", "The budgeted amount; null for a budget without a fixed limit (planned or auto-adjusting amounts are not read).";
            "limit_unit": String, "budgets:ViewBudget", "Its unit, e.g. `USD` or `GB`.";
            "actual_spend": Number, "budgets:ViewBudget", "Spent so far in the period, in `limit_unit`.", volatile;
            "forecasted_spend": Number, "budgets:ViewBudget", "Forecast for the period.", volatile;
            "notifications": ObjectList, "budgets:ViewBudget", "Threshold notifications: `type` (`ACTUAL`/`FORECASTED`), `comparison` (`GREATER_THAN`, ...), `threshold`, `threshold_type` (`PERCENTAGE`/`ABSOLUTE_VALUE`), `state` (`OK`/`ALARM`); sorted by type and threshold. Read with one DescribeNotificationsForBudget per named budget, only when a notification attribute is checked (subscribers' addresses are never read).";
            "notification_count": Integer, "budgets:ViewBudget", "How many notifications it has (\"an alert before the bill\": `at_least: 1`).";
        },
    },
    Kind {
        name: "vpc",
        service: "ec2",
        description: "A VPC. Its NAT gateways, internet gateway, S3 gateway endpoint, flow logs and subnet tiers are attributes here (one shared list each, made only when checked) rather than kinds of their own.",
        identifier: "VPC id, or its `Name` tag (a name two VPCs carry is an error)",
        list_operation: "ec2:DescribeVpcs",
        provider: Provider::Aws,
        id_format: IdFormat::Name,
        global: false,
        select_by_attributes: false,
        found_through: &[],
        attributes: attrs! {
            "cidr_block": String, "ec2:DescribeVpcs", "Primary IPv4 CIDR block, e.g. `10.0.0.0/16`.";
            "is_default": Bool, "ec2:DescribeVpcs", "Whether it is the region's default VPC.";
            "dns_support": Bool, "ec2:DescribeVpcAttribute", "DNS resolution (`enableDnsSupport`); one call per VPC, only when checked.";
            "dns_hostnames": Bool, "ec2:DescribeVpcAttribute", "DNS hostnames (`enableDnsHostnames`); one call per VPC, only when checked.";
            "public_subnet_count": Integer, "ec2:DescribeSubnets", "Subnets of tier `public` (see `subnet.tier`; also reads DescribeRouteTables).";
            "private_subnet_count": Integer, "ec2:DescribeSubnets", "Subnets of tier `private` (also reads DescribeRouteTables).";
            "public_subnet_azs": StringList, "ec2:DescribeSubnets", "Distinct availability zones of the public subnets, sorted.";
            "private_subnet_azs": StringList, "ec2:DescribeSubnets", "Distinct availability zones of the private subnets, sorted.";
            "public_subnet_az_count": Integer, "ec2:DescribeSubnets", "Number of distinct AZs with a public subnet: \"two public subnets in two AZs\" is `2` here and in `public_subnet_count`.";
            "private_subnet_az_count": Integer, "ec2:DescribeSubnets", "Number of distinct AZs with a private subnet.";
            "nat_gateway_count": Integer, "ec2:DescribeNatGateways", "NAT gateways in the VPC in state `available` (stands in for a `nat_gateway` kind).";
            "internet_gateway_attached": Bool, "ec2:DescribeInternetGateways", "An internet gateway is attached (stands in for an `internet_gateway` kind).";
            "s3_gateway_endpoint": Bool, "ec2:DescribeVpcEndpoints", "An available Gateway endpoint for `com.amazonaws.<region>.s3` is in the VPC (stands in for a `vpc_endpoint` kind).";
            "flow_logs_enabled": Bool, "ec2:DescribeFlowLogs", "An ACTIVE flow log has the VPC as its resource (stands in for a `flow_logs` kind).";
            "tags": StringMap, "ec2:DescribeVpcs", "VPC tags.";
        },
    },
    Kind {
        name: "subnet",
        service: "ec2",
        description: "A VPC subnet.",
        identifier: "Subnet id, or its `Name` tag (a name two subnets carry is an error)",
        list_operation: "ec2:DescribeSubnets",
        provider: Provider::Aws,
        id_format: IdFormat::Name,
        global: false,
        select_by_attributes: false,
        found_through: &[],
        attributes: attrs! {
            "vpc_id": String, "ec2:DescribeSubnets", "The VPC it belongs to.";
            "availability_zone": String, "ec2:DescribeSubnets", "Availability zone, e.g. `ap-northeast-2a`.";
            "cidr_block": String, "ec2:DescribeSubnets", "IPv4 CIDR block.";
            "tier": String, "ec2:DescribeRouteTables", "`public` when its route table (explicit association, else the VPC's main table) routes 0.0.0.0/0 to an internet gateway, else `private`.";
            "route_table_id": String, "ec2:DescribeRouteTables", "Its route table: the explicit association, else the VPC's main table.";
            "routes": ObjectList, "ec2:DescribeRouteTables", "That table's routes, by destination: `destination` (CIDR or prefix list, e.g. the S3 gateway endpoint's `pl-…`), `target` (`local`, `igw-…`, `nat-…`, `vpce-…`, `tgw-…`, `pcx-…`, ...), `state` (`active` or `blackhole`).";
            "network_acl_id": String, "ec2:DescribeNetworkAcls", "The network ACL associated with the subnet (its own, or the VPC's default).";
            "network_acl_default": Bool, "ec2:DescribeNetworkAcls", "Whether that ACL is the VPC's default one (which allows all traffic unless changed).";
            "network_acl_ingress": ObjectList, "ec2:DescribeNetworkAcls", "Its inbound rules by rule number: `rule_number` (32767 is the final deny-all), `protocol` (`-1` all, `6` TCP, `17` UDP), `action` (`allow`/`deny`), `cidr`, `from_port`, `to_port` (null for all ports).";
            "network_acl_egress": ObjectList, "ec2:DescribeNetworkAcls", "Its outbound rules, as `network_acl_ingress`.";
            "map_public_ip_on_launch": Bool, "ec2:DescribeSubnets", "Whether instances get a public IPv4 address at launch.";
            "tags": StringMap, "ec2:DescribeSubnets", "Subnet tags.";
        },
    },
    Kind {
        name: "security_group",
        service: "ec2",
        description: "A VPC security group (its inbound rules).",
        identifier: "Group id, or its group name (a name used in two VPCs, e.g. `default`, is an error)",
        list_operation: "ec2:DescribeSecurityGroups",
        provider: Provider::Aws,
        id_format: IdFormat::Name,
        global: false,
        select_by_attributes: false,
        found_through: &[],
        attributes: attrs! {
            "group_name": String, "ec2:DescribeSecurityGroups", "Group name.";
            "vpc_id": String, "ec2:DescribeSecurityGroups", "The VPC it belongs to.";
            "ingress": ObjectList, "ec2:DescribeSecurityGroups", "Inbound rules: `protocol` (`tcp`, `udp`, `icmp`, `-1` for all), `from_port`, `to_port`, `cidrs`, `ipv6_cidrs`, `source_groups`, `prefix_lists`.";
            "world_open_ports": StringList, "ec2:DescribeSecurityGroups", "Ports open to the whole internet, sorted as strings: a rule from `0.0.0.0/0` or `::/0`, or sources that together cover the address space (`0.0.0.0/1` + `128.0.0.0/1`, on one rule or on several that reach the same ports; such a range is written as the ports all of them reach) (`[\"443\", \"80\"]`): TCP ports bare (`443`, `0-65535`), other protocols prefixed (`udp:53`, `icmp`), `all` for every protocol.";
            "port_sources": StringMap, "ec2:DescribeSecurityGroups", "Port (each rule's, written as in `world_open_ports`) to every source that can reach any of its ports, through that rule or any other that overlaps it (a range, another protocol's `all`), sorted and comma-joined (CIDRs, group ids, prefix lists): `contains: { \"5432\": sg-x }` means 5432 is open to sg-x only. A port no rule names by itself is absent, so such a check fails rather than passes.";
            "port_source_names": StringMap, "ec2:DescribeSecurityGroups", "As `port_sources`, with each source security group written by its name (when it is in the same region's listing), so a spec can say `contains: { \"5432\": tickets-app }` without the group's generated id.";
            "tags": StringMap, "ec2:DescribeSecurityGroups", "Group tags.";
        },
    },
    Kind {
        name: "ec2_instance",
        service: "ec2",
        description: "An EC2 instance (terminated instances do not exist). moto does not implement Systems Manager's DescribeInstanceInformation or ListInventoryEntries (the `ssm_*` attributes and `installed_applications` are tested by replay, and live through a proxy answering as AWS).",
        identifier: "Instance id, or its `Name` tag (a name two live instances carry is an error)",
        list_operation: "ec2:DescribeInstances",
        provider: Provider::Aws,
        id_format: IdFormat::Name,
        global: false,
        select_by_attributes: false,
        found_through: &[],
        attributes: attrs! {
            "instance_type": String, "ec2:DescribeInstances", "Instance type, e.g. `t3.micro`.";
            "state": String, "ec2:DescribeInstances", "`pending`, `running`, `stopping`, `stopped`, `shutting-down`.";
            "iam_instance_profile": String, "ec2:DescribeInstances", "Instance profile ARN, null when none.";
            "imdsv2_required": Bool, "ec2:DescribeInstances", "Whether IMDSv2 is required (`HttpTokens` = `required`).";
            "subnet_id": String, "ec2:DescribeInstances", "The subnet it runs in.";
            "image_id": String, "ec2:DescribeInstances", "The AMI it was launched from.";
            "image_name": String, "ec2:DescribeImages", "That AMI's name, e.g. `al2023-ami-2023.6.20241121.0-kernel-6.1-x86_64` (\"Amazon Linux 2023\": match it with `matches: '^al2023-'`). One DescribeImages for every instance that checks it; an AMI no longer described (deregistered, not shared) is an error.";
            "image_description": String, "ec2:DescribeImages", "That AMI's description.";
            "ssm_managed": Bool, "ssm:DescribeInstanceInformation", "Whether Systems Manager manages it: SSM Agent registered it (DescribeInstanceInformation lists it). One paginated DescribeInstanceInformation per run, only when an instance checks an `ssm_*` attribute or `installed_applications`.";
            "ssm_ping_status": String, "ssm:DescribeInstanceInformation", "SSM Agent's connection: `Online`, `ConnectionLost` or `Inactive`; null when not managed.", volatile;
            "ssm_agent_version": String, "ssm:DescribeInstanceInformation", "SSM Agent's version, e.g. `3.3.1142.0`; null when not managed.";
            "ssm_last_ping_age_minutes": Integer, "ssm:DescribeInstanceInformation", "Whole minutes since SSM Agent last reached Systems Manager; null when not managed.", volatile;
            "ssm_platform": String, "ssm:DescribeInstanceInformation", "Operating system as SSM Agent names it (`PlatformName`), e.g. `Amazon Linux`, `Ubuntu`; null when not managed.";
            "installed_applications": StringList, "ssm:ListInventoryEntries", "Names of the applications SSM Inventory recorded (`AWS:Application`), sorted, each once (\"docker installed\": `contains: docker`). Read per instance, every page, only for the instances that check it. An instance SSM does not manage, or whose inventory was never collected (no inventory association), is an error, never an empty list.";
            "tags": StringMap, "ec2:DescribeInstances", "Instance tags.";
        },
    },
    Kind {
        name: "http_endpoint",
        service: "http",
        description: "A live HTTP(S) endpoint, checked with real requests (any host, AWS or not; a spec of only these needs no AWS credentials). Redirects are not followed. Certificates are verified against the OS trust store, or only the PEM bundle in `SSL_CERT_FILE` when set. `exists` is true once the server answers (an HTTP response, or a completed TLS handshake); DNS failures, refused connections and timeouts (`--call-timeout`, 5 s to connect) are errors, never `missing`.",
        identifier: "The URL, `https://...` or `http://...`, e.g. `https://shop.dorami.example/api/health`",
        list_operation: HTTP_GET,
        provider: Provider::Http,
        id_format: IdFormat::Url,
        global: false,
        select_by_attributes: false,
        found_through: &[],
        attributes: attrs! {
            "status": Integer, HTTP_GET, "Status code of the URL itself (redirects are not followed: a redirect is 301/302/307/308).";
            "response_time_ms": Integer, HTTP_GET, "Milliseconds from connecting (DNS, TCP, TLS included) to the response headers.", volatile;
            "body": String, HTTP_GET, "The first 16 KiB of the body, as text (check with `contains:` or `matches:`). URLs in it keep only scheme and host, and credential-looking values (`token=…`, `password: …`, `Authorization: Bearer …`, AWS access key ids, Slack/Stripe/GitHub tokens, JWTs) are replaced by `<redacted:HASH>`.", volatile;
            "location": String, HTTP_GET, "The `Location` header, with only scheme and host kept of an absolute URL that carries more (`https://example.com/<redacted:HASH>`: a redirect can carry a token); null when none.";
            "redirects_to_https": Bool, HTTP_GET, "For an `http://` URL: it answers 301/302/307/308 with a `Location` on `https://` and the same host (any port). For an `https://` URL: the same, of its `http://` form (same host and path, port 80; one more GET, only when checked). To check another port, add a resource for the `http://` URL.";
            "certificate_valid": Bool, HTTP_GET, "Whether the certificate chain verifies against the trust roots and the host name. When false, the response attributes are errors (nothing is requested over an untrusted connection). Null for `http://`.";
            "certificate_days_remaining": Integer, HTTP_GET, "Whole days until the leaf certificate's notAfter (negative once expired; read even when it does not verify). Null for `http://`.", volatile;
            "tls_version": String, HTTP_GET, "Negotiated TLS version, `TLSv1.2` or `TLSv1.3` (the probe offers both and no older ones, so `TLSv1.3` checks that the server speaks TLS 1.3; the minimum version a server accepts is `accepts_legacy_tls`). Null for `http://`.";
            "certificate_issuer": String, HTTP_GET, "The leaf certificate's issuer, as `CN=..., O=...` (its common name and organization, whichever it has), e.g. `CN=R11, O=Let's Encrypt` (check with `matches:`); read even when it does not verify. Null for `http://`.";
            "certificate_sans": StringList, HTTP_GET, "The DNS names of the leaf certificate's subject alternative names, lower case, sorted. Null for `http://`.";
            "certificate_covers_host": Bool, HTTP_GET, "Whether a subject alternative name of the leaf certificate matches the URL's host (RFC 6125: a `*` only as the whole left-most label, matching one label; an IP address against IP address names; the common name is not used, as browsers do not). `certificate_valid` already requires it; this says which part failed. Null for `http://`.";
            "ocsp_stapled": Bool, HTTP_GET, "Whether the server stapled an OCSP response to the GET's handshake (the probe asks for one). The response itself is not checked. Null for `http://`.";
            "accepts_legacy_tls": Bool, LEGACY_HANDSHAKE, "Whether the server answers a TLS 1.1 ClientHello with a TLS 1.0/1.1 ServerHello. False only on an answer that refuses (an alert, or a ServerHello of another version); a connection closed or reset before any answer is an error, never false. One more connection, only when checked. Null for `http://`.";
            "hsts_max_age": Integer, HTTP_GET, "`max-age` of `Strict-Transport-Security`, in seconds; null when absent or invalid, and for `http://` (browsers ignore it there).";
            "hsts_include_subdomains": Bool, HTTP_GET, "Whether that header has `includeSubDomains`; null for `http://`.";
            "content_type_options": String, HTTP_GET, "`X-Content-Type-Options`, lower case (`nosniff`); null when absent.";
            "frame_protection": Bool, HTTP_GET, "`X-Frame-Options` is `DENY` or `SAMEORIGIN`, or a `Content-Security-Policy` has `frame-ancestors` without `*`, `http:` or `https:`.";
            "cors_allow_origin": String, HTTP_GET, "`Access-Control-Allow-Origin` answered to a request with `Origin: https://infra-verify.invalid`; null when absent.";
            "cors_allows_any_origin": Bool, HTTP_GET, "Whether that header is `*` or reflects the made-up origin back (any site may read responses).";
            "headers": StringMap, HTTP_GET, "Every response header by lower-case name (repeated headers joined with `, `), values redacted like `body`; `set-cookie` and `authorization` are left out (see `cookies`). E.g. `contains: { referrer-policy: strict-origin-when-cross-origin }`. Volatile as a whole (`date`, `etag` and `age` change on every request): the drift report shows the named header attributes instead.", volatile;
            "header_names": StringList, HTTP_GET, "The response headers' lower-case names, sorted (`contains: content-security-policy`: the header is present).";
            "content_security_policy": String, HTTP_GET, "`Content-Security-Policy` (check with `matches:`, e.g. `default-src 'self'`); null when absent.";
            "referrer_policy": String, HTTP_GET, "`Referrer-Policy`; null when absent.";
            "permissions_policy": String, HTTP_GET, "`Permissions-Policy`; null when absent.";
            "cache_control": String, HTTP_GET, "`Cache-Control`; null when absent.";
            "cache_max_age": Integer, HTTP_GET, "Its `max-age` in seconds (\"static assets cached a year\": `at_least: 31536000`); null when absent or with `no-store`.";
            "content_type": String, HTTP_GET, "`Content-Type` as sent, e.g. `text/html; charset=utf-8`.";
            "content_encoding": String, HTTP_GET, "`Content-Encoding` of a second GET that accepts gzip and Brotli (`gzip`, `br`); null when the server sends it uncompressed. One more request, only when checked.";
            "server": String, HTTP_GET, "`Server`; null when absent.";
            "powered_by": String, HTTP_GET, "`X-Powered-By` (`Express`, `PHP/8.2`); null when absent.";
            "reveals_version": Bool, HTTP_GET, "Whether `Server` or `X-Powered-By` names a version (`nginx/1.25.3`).";
            "http3_advertised": Bool, HTTP_GET, "Whether `Alt-Svc` offers HTTP/3 (`h3`).";
            "http2": Bool, ALPN_HANDSHAKE, "Whether the server picks HTTP/2 when a client offers it (ALPN `h2`): one more TLS handshake, nothing requested, only when checked. Null for `http://`.";
            "cookies": ObjectList, HTTP_GET, "Cookies the response sets, by name, never their values: `name`, `secure`, `http_only`, `same_site` (as sent, null when not), `domain`, `path`, `max_age`, `persistent`. E.g. `contains: { name: sessionid, secure: true, http_only: true }`.";
            "cookies_all_secure": Bool, HTTP_GET, "Whether every cookie it sets is `Secure`; null when it sets none (nothing observed, never a vacuous pass).";
            "cookies_all_http_only": Bool, HTTP_GET, "Whether every cookie it sets is `HttpOnly`; null when it sets none.";
            "body_bytes": Integer, HTTP_GET, "Size of the whole body in bytes as sent without compression being asked for (\"bundle under 300 kB\": `at_most: 300000`); read to its end, up to 32 MiB (more is an error), only when checked.";
            "response_time_p50_ms": Integer, HTTP_GET, "Median of 10 more GETs' times to the response headers, in milliseconds (nearest rank), only when checked.", volatile;
            "response_time_p95_ms": Integer, HTTP_GET, "95th percentile of those 10 GETs (with 10 samples, the slowest).", volatile;
            "redirect_chain": StringList, HTTP_GET, "Every `Location` when redirects are followed, in order, redacted like `location`. Followed only on the URL's own host (any scheme and port), up to 10; a redirect to another host ends the chain without being requested (`redirect_leaves_host`), a loop is an error. Only when checked.";
            "final_status": Integer, HTTP_GET, "Status of the last response when following those redirects.";
            "final_url": String, HTTP_GET, "The last URL requested when following them (redacted).";
            "redirect_leaves_host": Bool, HTTP_GET, "Whether the chain ends with a redirect to another host (not requested: infra-verify requests only what the spec names).";
            "connect_to": StringMap, HTTP_GET, "The connections made elsewhere than the URL's host and port through `--connect-to` (before a DNS cutover, to one server behind a load balancer, to a test server): the `host:port` requested → the address connected to, e.g. `{\"learn.example:443\": \"10.0.3.7:443\"}` (the `http://` GET of `redirects_to_https` and the TLS 1.1 hello included). The request, its `Host` header, the TLS server name and the certificate's name check stay the URL's. Null when every connection went to the URL's own host; `connect_to: null` in a spec requires that.";
        },
    },
    Kind {
        name: "tcp_endpoint",
        service: "tcp",
        description: "A TCP port on any host, checked by connecting to it (a spec of only these needs no AWS credentials): open, refused or filtered, what the server sends first, and TLS with its certificate. `exists` is true once the port's state is known (`open`, `refused` or `filtered`); a name that does not resolve and other connection failures (network or host unreachable) are errors, never `missing`. \"Not reachable from the internet\" is `state: { one_of: [refused, filtered] }` (a timeout counts as not reachable) or `open: false` (only a refusal does: a timeout is an error).",
        identifier: "`<host>:<port>`, an IPv6 address in brackets, e.g. `redis.dorami.example:6379`, `[2001:db8::1]:443`",
        list_operation: TCP_CONNECT,
        provider: Provider::Http,
        id_format: IdFormat::HostPort,
        global: false,
        select_by_attributes: false,
        found_through: &[],
        attributes: attrs! {
            "open": Bool, TCP_CONNECT, "Whether a TCP connection was established. False only when every address of the host refused it (a TCP reset: the port is closed); a connection that timed out (`state: filtered`: nothing answered, \"could not tell\") is an error, never false.";
            "state": String, TCP_CONNECT, "`open` (connected), `refused` (every address answered with a reset) or `filtered` (no answer within the connect timeout, 5 s or `--call-timeout` when shorter, from at least one address and no connection from any: a firewall dropping packets, or a host that is down). A network or host unreachable, or a name that does not resolve, is an error.";
            "connect_ms": Integer, TCP_CONNECT, "Milliseconds from starting to connect (name resolution included) to the established connection; null when not open.", volatile;
            "banner": String, TCP_CONNECT, "What the server sends unprompted right after the connection opens (SSH, SMTP, FTP greet first; HTTP, TLS and Redis wait for the client, so null): at most 256 bytes, up to the first line end, read for up to 2 s, as text, with credential-looking values redacted as in `http_endpoint` `body`. Null when the server sent nothing in that time or the port is not open. Nothing is sent to the server. Only read when checked.";
            "tls": Bool, TLS_HANDSHAKE, "Whether a TLS handshake (TLS 1.2 or 1.3) completes on the port, whatever the certificate. False only on an answer that refuses (a TLS alert, or bytes that are not TLS); a connection closed or reset before any answer, or no answer in time, is an error. Null when the port is not open. One more connection, only when this or another TLS attribute is checked.";
            "tls_version": String, TLS_HANDSHAKE, "Negotiated TLS version, `TLSv1.2` or `TLSv1.3`; null when `tls` is false or the port is not open.";
            "certificate_valid": Bool, TLS_HANDSHAKE, "Whether the certificate chain verifies against the trust roots (the OS store, or only `SSL_CERT_FILE` when set) and the host of the id (the TLS server name; not the `--connect-to` address). OCSP is not checked. Null when `tls` is false or the port is not open.";
            "certificate_days_remaining": Integer, TLS_HANDSHAKE, "Whole days until the leaf certificate's notAfter (negative once expired; read even when it does not verify). Null when `tls` is false or the port is not open.", volatile;
            "certificate_issuer": String, TLS_HANDSHAKE, "The leaf certificate's issuer, as `CN=..., O=...` (its common name and organization, whichever it has), e.g. `CN=R11, O=Let's Encrypt` (check with `matches:`). Null when `tls` is false or the port is not open.";
            "certificate_sans": StringList, TLS_HANDSHAKE, "The DNS names of the leaf certificate's subject alternative names, lower case, sorted. Null when `tls` is false or the port is not open.";
            "certificate_covers_host": Bool, TLS_HANDSHAKE, "Whether a subject alternative name of the leaf certificate matches the id's host (RFC 6125: a `*` only as the whole left-most label, matching one label; an IP address against IP address names). The common name is not used, as browsers do not. Null when `tls` is false or the port is not open.";
            "ocsp_stapled": Bool, TLS_HANDSHAKE, "Whether the server stapled an OCSP response to the handshake (the probe asks for one). The response itself is not checked. Null when `tls` is false or the port is not open.";
            "connect_to": StringMap, TCP_CONNECT, "The connection made elsewhere than the id's host and port through `--connect-to`: `{\"redis.example:6379\": \"127.0.0.1:16379\"}`; the TLS server name and the certificate's name checks stay the id's host. Null when it went to the id's own host and port.";
        },
    },
    Kind {
        name: "dns_record",
        service: "dns",
        description: "The records of one name and type as a DNS resolver answers them (any domain, on Route 53 or not; no AWS credentials). The resolver is the system's (`/etc/resolv.conf`) unless `--dns-server` names one. `missing` when the name does not exist (NXDOMAIN) or has no record of that type; a resolver failure (SERVFAIL, REFUSED) or no answer within `--call-timeout` is an error, never `missing`.",
        identifier: "`<name>/<type>`, type `A`, `AAAA`, `CNAME`, `MX`, `TXT`, `CAA` or `NS`, e.g. `shop.dorami.example/A`, `dorami.example/MX`, `_dmarc.dorami.example/TXT`, `s1._domainkey.dorami.example/TXT`",
        list_operation: DNS_QUERY,
        provider: Provider::Http,
        id_format: IdFormat::DnsRecord,
        global: false,
        select_by_attributes: false,
        found_through: &[],
        attributes: attrs! {
            "values": StringList, DNS_QUERY, "The records of that type, as text, sorted: addresses (`192.0.2.10`, `2001:db8::1`), host names in lower case without the final dot (CNAME, NS), `10 mx1.dorami.example` (MX: preference and host), the TXT strings of one record joined without separator, `0 issue \"letsencrypt.org\"` (CAA: flags, tag, value).";
            "ttl": Integer, DNS_QUERY, "The smallest TTL of those records, in seconds, as the resolver answered it (a caching resolver counts it down).", volatile;
            "resolves": Bool, DNS_QUERY, "Whether the name has an address: the answer (an `A`/`AAAA` id), else one more `A` query of the name, following CNAMEs (a CNAME whose target does not resolve, open to a subdomain takeover, is false). Only when checked.";
            "cname_target": String, DNS_QUERY, "The name's CNAME target, lower case without the final dot (for a `/CNAME` id its record; for another type the alias the answer went through); null when the name is no alias.";
            "mx_hosts": StringList, DNS_QUERY, "MX: the mail hosts in order of preference (lowest first, then by name), lower case without the final dot; null for other types.";
            "caa_issuers": StringList, DNS_QUERY, "CAA: the certificate authorities allowed to issue (`issue` and `issuewild` values without parameters, lower case, sorted, each once; `;` alone, which forbids issuance, is left out); null for other types.";
            "spf": String, DNS_QUERY, "TXT: the SPF record (the one starting `v=spf1`); null when none. More than one SPF record (a permanent error for receivers, RFC 7208 §4.5) is an error.";
            "spf_all": String, DNS_QUERY, "TXT: the SPF record's `all` mechanism with its qualifier: `-all` (fail), `~all` (softfail), `?all` (neutral) or `+all` (pass, a bare `all` included); null when the record has none (e.g. only `redirect=`) or there is no SPF record.";
            "dmarc_policy": String, DNS_QUERY, "TXT of `_dmarc.<domain>`: the DMARC record's `p=` (`none`, `quarantine`, `reject`), lower case; null when there is no record starting `v=DMARC1`.";
            "dmarc_subdomain_policy": String, DNS_QUERY, "TXT: the DMARC record's `sp=`, lower case; null when absent (subdomains then follow `p=`).";
            "dmarc_rua": StringList, DNS_QUERY, "TXT: the DMARC aggregate report addresses (`rua=`, e.g. `mailto:dmarc@dorami.example`), sorted; null without a DMARC record, empty when it has no `rua=`.";
            "dkim_key_type": String, DNS_QUERY, "TXT of `<selector>._domainkey.<domain>`: the DKIM key's `k=` (`rsa` when absent, RFC 6376 §3.6.1; `ed25519`); null when the TXT is no DKIM key record (neither `v=DKIM1` nor a `p=` tag).";
            "dkim_revoked": Bool, DNS_QUERY, "TXT: whether that DKIM key record's `p=` is empty (the key revoked); null when no DKIM key record.";
            "dnssec_validated": Bool, DNS_QUERY, "Whether the resolver vouches that the answer is DNSSEC-validated: the AD flag of one more query, sent with the AD and DO bits over UDP to the first configured nameserver (only when checked). False from a resolver that does not validate, whatever the zone: point `--dns-server` at a validating one. A server that does not answer is an error.";
        },
    },
    Kind {
        name: "domain",
        service: "rdap",
        description: "A domain's registration, read from the registry's RDAP service (RFC 9083 JSON over HTTPS; any registrar, no credentials). The RDAP server is found in the IANA bootstrap file (`https://data.iana.org/rdap/dns.json`, fetched once a run) by the domain's top-level domain, unless `--rdap-server` names one; redirects (a registry pointing at the registrar's RDAP) are followed, up to 3. `missing` when the RDAP server answers 404 (not registered); any other failure is an error.",
        identifier: "The registered domain name, e.g. `dorami.example` (not a subdomain: RDAP answers for the registered name)",
        list_operation: RDAP_GET,
        provider: Provider::Http,
        id_format: IdFormat::DomainName,
        global: false,
        select_by_attributes: false,
        found_through: &[],
        attributes: attrs! {
            "expiry": String, RDAP_GET, "When the registration expires, RFC 3339 (the `expiration` event); null when the registry publishes none.";
            "days_to_expiry": Integer, RDAP_GET, "Whole days until `expiry` (negative once past); null when no expiry is published (\"renews in more than 30 days\": `at_least: 30`).", volatile;
            "registrar": String, RDAP_GET, "The sponsoring registrar's name (the `fn` of the entity with role `registrar`); null when none is published.";
            "status": StringList, RDAP_GET, "EPP statuses as RDAP spells them (RFC 8056), sorted, e.g. `active`, `client transfer prohibited`, `server delete prohibited`.";
            "transfer_locked": Bool, RDAP_GET, "Whether `status` has `client transfer prohibited` or `server transfer prohibited` (the registrar lock against hijacking by transfer).";
            "auto_renew": Bool, RDAP_GET, "Whether the registrar renews automatically. RDAP (RFC 9083) has no field for it and registries do not publish it, so it is always null, never a guess (the EPP status `auto renew period` is the grace period after an expiry, not this setting); for a domain registered through Route 53, `route53_domain` `auto_renew` reads it.";
            "nameservers": StringList, RDAP_GET, "The delegation's name servers, lower case without the final dot, sorted.";
            "dnssec": Bool, RDAP_GET, "Whether the delegation is signed (`secureDNS.delegationSigned`: a DS record at the parent); null when the answer has no `secureDNS`.";
            "rdap_url": String, RDAP_GET, "The URL whose answer was read (after redirects), for the evidence.";
        },
    },
    Kind {
        name: "web_page",
        service: "browser",
        description: "What a browser sees when it loads a URL: the page loaded once in your own headless Chromium (found on `PATH` or named by `--chromium`; never downloaded), with an empty profile and the HTTP cache off (a first visit), driven through the DevTools protocol. The load runs to the load event plus 0.5 s, within `--call-timeout`; pages load one at a time. The page loads what it references, as any browser does; `--connect-to` rules apply to every host they name. A navigation that fails (no connection, a certificate error, a name that does not resolve) or no Chromium is an error, never `missing`.",
        identifier: "The page's URL, `http://` or `https://`, e.g. `https://shop.dorami.example/`",
        list_operation: PAGE_LOAD,
        provider: Provider::Http,
        id_format: IdFormat::Url,
        global: false,
        select_by_attributes: false,
        found_through: &[],
        attributes: attrs! {
            "status": Integer, PAGE_LOAD, "The HTTP status of the page's document as the browser received it (after redirects).";
            "final_url": String, PAGE_LOAD, "The URL the browser ended on (after redirects, HTTP or script), redacted like `http_endpoint` `body`.";
            "load_time_ms": Integer, PAGE_LOAD, "Milliseconds from the navigation's start to the load event (`PerformanceNavigationTiming.loadEventStart`): \"page load under 3 s\" is `at_most: 3000`.", volatile;
            "dom_content_loaded_ms": Integer, PAGE_LOAD, "Milliseconds from the navigation's start to `DOMContentLoaded`.", volatile;
            "lcp_ms": Integer, PAGE_LOAD, "Largest contentful paint, milliseconds from the navigation's start, as Chromium reports it (`largest-contentful-paint`). An error when none was reported (nothing painted).", volatile;
            "transfer_bytes": Integer, PAGE_LOAD, "Bytes received for every request of the load (headers and compressed bodies, as on the wire: `Network.loadingFinished` `encodedDataLength`). \"Bundle under 300 kB\" is `script_transfer_bytes: { at_most: 300000 }`.", volatile;
            "script_transfer_bytes": Integer, PAGE_LOAD, "The part of `transfer_bytes` that is JavaScript (requests of type Script).", volatile;
            "request_count": Integer, PAGE_LOAD, "Requests the load made (`data:` and `blob:` URLs left out).", volatile;
            "failed_request_count": Integer, PAGE_LOAD, "Requests that ended without a complete response: refused, timed out, blocked (mixed content, CSP) or cancelled. Chromium cancels a script answered with an error status (a missing bundle), so it counts here; an image or page answered with an error status is a response and does not.";
            "failed_requests": StringList, PAGE_LOAD, "Those requests, each as `URL: why` (Chromium's error, `blocked: <reason>` or `canceled`), sorted, URLs redacted like `http_endpoint` `body`.";
            "console_errors": StringList, PAGE_LOAD, "The console's errors during the load, sorted: `console.error`, uncaught exceptions (their first line), and the browser's own error entries (a failed resource, a CSP violation), each at most 300 characters, the first 20, redacted like `http_endpoint` `body`. \"No console errors\" is `console_error_count: 0`.";
            "console_error_count": Integer, PAGE_LOAD, "How many console errors (at most 20 are counted).";
            "connect_to": StringMap, PAGE_LOAD, "The `--connect-to` rules the load went through (for the page or anything it loaded): `host:port` → the address Chromium was sent to, e.g. `{\"shop.example:443\": \"127.0.0.1:8443\"}`; null when none applied.";
            "mixed_content": StringList, PAGE_LOAD, "For an `https://` page: the `http://` URLs it requested (Chromium's mixed content, blocked or upgraded), sorted; empty when none. Null for an `http://` page.";
            "lighthouse_performance": Integer, LIGHTHOUSE_RUN, "Lighthouse's performance score, 0–100, from the `lighthouse` CLI (on `PATH` or `--lighthouse`) run on the same Chromium, only when a score is checked. Without Lighthouse, an error that says so: a score is Lighthouse's own, never estimated.", volatile;
            "lighthouse_accessibility": Integer, LIGHTHOUSE_RUN, "Lighthouse's accessibility score, 0–100 (as `lighthouse_performance`).", volatile;
            "lighthouse_best_practices": Integer, LIGHTHOUSE_RUN, "Lighthouse's best-practices score, 0–100 (as `lighthouse_performance`).", volatile;
            "lighthouse_seo": Integer, LIGHTHOUSE_RUN, "Lighthouse's SEO score, 0–100 (as `lighthouse_performance`).", volatile;
        },
    },
    Kind {
        name: "github_repository",
        service: "github",
        description: "A GitHub repository, read through GitHub's REST API with a token (`GITHUB_TOKEN`, or the variable `--github-token-env` names; a fine-grained token with read-only permissions is enough, `infra-verify permissions` lists them). Only GETs; secret values are never requested (GitHub does not return them). `missing` when the API answers 404 for the repository; a 401 or 403 is an error naming the permission the token lacks; rate limits are waited out within `--call-timeout`, then an error. Each attribute family is one more request (paginated where the API pages), only when checked.",
        identifier: "`<owner>/<repository>`, e.g. `dorami/shop`",
        list_operation: GH_REPO,
        provider: Provider::GitHub,
        id_format: IdFormat::OwnerRepo,
        global: false,
        select_by_attributes: false,
        found_through: &[],
        attributes: attrs! {
            "default_branch": String, GH_REPO, "The default branch, e.g. `main`.";
            "visibility": String, GH_REPO, "`public`, `private` or `internal`.";
            "archived": Bool, GH_REPO, "Whether the repository is archived (read-only).";
            "branch_protected": Bool, GH_PROTECTION, "Whether the default branch has branch protection (GitHub answers 404 `Branch not protected` when it has none: false). Rulesets are not read.";
            "required_approving_reviews": Integer, GH_PROTECTION, "Approving reviews a pull request needs before it merges into the default branch; 0 when reviews are not required, null when the branch is not protected.";
            "required_status_checks": StringList, GH_PROTECTION, "The status checks that must pass before merging into the default branch (their names), sorted; empty when none are required, null when the branch is not protected.";
            "enforce_admins": Bool, GH_PROTECTION, "Whether the protection applies to administrators too; null when the branch is not protected.";
            "workflows": StringList, GH_WORKFLOWS, "The names of the repository's active GitHub Actions workflows, sorted.";
            "workflow_count": Integer, GH_WORKFLOWS, "How many active workflows the repository has: \"GitHub Actions workflow set up\" is `at_least: 1`.";
            "latest_run_conclusion": String, GH_RUNS, "The conclusion of the latest completed workflow run on the default branch (pull request runs left out): `success`, `failure`, `cancelled`, `timed_out`, ...; \"all tests passing on main\" is `success`. An error when there is no completed run.";
            "latest_run_workflow": String, GH_RUNS, "The name of the workflow of that run.";
            "latest_run_age_hours": Integer, GH_RUNS, "Whole hours since that run was created.", volatile;
            "actions_secret_names": StringList, GH_SECRETS, "The names of the repository's Actions secrets, sorted (never their values: GitHub does not return them).";
            "dependabot_open_alerts": Integer, GH_DEPENDABOT, "Open Dependabot alerts. An error when Dependabot alerts are disabled for the repository (never 0).";
            "dependabot_open_high": Integer, GH_DEPENDABOT, "Open Dependabot alerts of severity `high` or `critical`: \"no high-severity Dependabot alerts\" is `0`.";
            "code_scanning_open_alerts": Integer, GH_CODE_SCANNING, "Open code scanning alerts. An error when code scanning is not set up (never 0).";
            "code_scanning_open_high": Integer, GH_CODE_SCANNING, "Open code scanning alerts whose security severity is `high` or `critical`.";
        },
    },
    Kind {
        name: "vercel_project",
        service: "vercel",
        description: "A Vercel project, read through Vercel's REST API with an access token (`VERCEL_TOKEN`, or the variable `--vercel-token-env` names), in the team `--vercel-team` names (its id, `team_...`) or the token's own account. Only GETs; environment variable values are never requested decrypted and never recorded (not even a plain variable's, which the list carries): only names, types and targets. `missing` when the API answers 404 for the project; a 401 or 403 is an error; rate limits are waited out within `--call-timeout`, then an error. Each attribute family is one more request (paginated), only when checked.",
        identifier: "The project's name (or id), e.g. `marketplace`",
        list_operation: VERCEL_PROJECT,
        provider: Provider::Vercel,
        id_format: IdFormat::Name,
        global: false,
        select_by_attributes: false,
        found_through: &[],
        attributes: attrs! {
            "framework": String, VERCEL_PROJECT, "The framework preset, e.g. `nextjs`; null when none.";
            "git_repository": String, VERCEL_PROJECT, "The connected Git repository as `<org>/<repo>` (GitHub, GitLab or Bitbucket); null when the project is not connected.";
            "git_provider": String, VERCEL_PROJECT, "`github`, `gitlab` or `bitbucket`; null when not connected.";
            "production_branch": String, VERCEL_PROJECT, "The branch whose pushes deploy to production; null when not connected.";
            "env_production": StringList, VERCEL_ENV, "Names of the environment variables that apply to Production, sorted: \"all production secrets set\" is `contains: [STRIPE_SECRET_KEY, ...]`.";
            "env_preview": StringList, VERCEL_ENV, "Names of the environment variables that apply to Preview, sorted.";
            "env_development": StringList, VERCEL_ENV, "Names of the environment variables that apply to Development, sorted.";
            "env_production_plain": StringList, VERCEL_ENV, "Names of the Production variables stored as `plain` (readable by anyone with access to the project, values in API answers): a secret should be `encrypted` or `sensitive`; `[]` when none.";
            "env_production_oldest_update_days": Integer, VERCEL_ENV, "Whole days since the least recently updated Production variable was last changed: \"secrets rotated in the last 90 days\" is `at_most: 90`.", volatile;
            "domains": StringList, VERCEL_DOMAINS, "The project's domains, sorted.";
            "domains_all_verified": Bool, VERCEL_DOMAINS, "Whether every domain of the project is verified; null when it has none.";
            "production_deployment_state": String, VERCEL_DEPLOYMENTS, "The state of the latest production deployment: `READY`, `ERROR`, `BUILDING`, `QUEUED`, `CANCELED`. An error when there is none.";
            "production_deployment_age_hours": Integer, VERCEL_DEPLOYMENTS, "Whole hours since that deployment was created.", volatile;
        },
    },
    Kind {
        name: "stripe_webhook_endpoint",
        service: "stripe",
        description: "A webhook endpoint registered in Stripe, found by its URL in one paginated list of the account's endpoints per run (`GET /v1/webhook_endpoints`), read with a restricted key (`STRIPE_API_KEY`, or the variable `--stripe-key-env` names) that may only read webhook endpoints. The endpoint's signing secret is never returned by the list and never recorded. `missing` when no endpoint has that URL; a 401 or 403 is an error. The key's mode decides which endpoints are seen: a live key (`rk_live_`) the live ones.",
        identifier: "The endpoint's URL, e.g. `https://market.example/api/webhooks/stripe`",
        list_operation: STRIPE_WEBHOOKS,
        provider: Provider::Stripe,
        id_format: IdFormat::Url,
        global: false,
        select_by_attributes: false,
        found_through: &[],
        attributes: attrs! {
            "status": String, STRIPE_WEBHOOKS, "`enabled` or `disabled`.";
            "livemode": Bool, STRIPE_WEBHOOKS, "Whether the endpoint is a live-mode one (a test-mode endpoint receives no live payments' events).";
            "enabled_events": StringList, STRIPE_WEBHOOKS, "The events it is sent, sorted; `[\"*\"]` for all: \"the webhook gets checkout.session.completed\" is `contains: checkout.session.completed` (which `*` does not satisfy: write `one_of` lists for it).";
            "api_version": String, STRIPE_WEBHOOKS, "The API version its events are rendered in; null for the account's default.";
            "description": String, STRIPE_WEBHOOKS, "Its description; null when none.";
        },
    },
    Kind {
        name: "sentry_project",
        service: "sentry",
        description: "A Sentry project, read through Sentry's API with an auth token (`SENTRY_AUTH_TOKEN`, or the variable `--sentry-token-env` names; `--sentry-url` for self-hosted Sentry). Only GETs; a client key's DSN and secret are never recorded. `missing` when Sentry answers 404 for the project; a 401 or 403 is an error naming the scope the token lacks. Each attribute family is one more request (paginated), only when checked.",
        identifier: "`<organization>/<project>` (their slugs), e.g. `aimarket/marketplace-web`",
        list_operation: SENTRY_PROJECT,
        provider: Provider::Sentry,
        id_format: IdFormat::OwnerRepo,
        global: false,
        select_by_attributes: false,
        found_through: &[],
        attributes: attrs! {
            "platform": String, SENTRY_PROJECT, "The project's platform, e.g. `javascript-nextjs`; null when unset.";
            "active_client_keys": Integer, SENTRY_KEYS, "How many of its client keys (DSNs) are active: \"error tracking configured\" is `at_least: 1`.";
            "alert_rules": StringList, SENTRY_RULES, "The names of its issue alert rules, sorted: \"alerts configured\" is a non-empty list (`contains:` a rule's name).";
            "alert_rule_count": Integer, SENTRY_RULES, "How many issue alert rules it has.";
            "environments": StringList, SENTRY_ENVIRONMENTS, "The environments its events came from (visible ones), sorted.";
            "unresolved_errors_24h": Integer, SENTRY_ISSUES, "Unresolved issues of level `error` or `fatal` seen in the last 24 hours (all environments): \"zero critical errors in the first 24 hours\" is `0`.", volatile;
        },
    },
];

/// Whether an attribute changes on its own ([`Attribute::volatile`]).
pub fn is_volatile(kind: &str, attribute: &str) -> bool {
    self::kind(kind)
        .and_then(|k| k.attribute(attribute))
        .is_some_and(|a| a.volatile)
}

/// Renders the catalog as Markdown: the body of `docs/resources.md`.
pub fn markdown() -> String {
    let mut out = String::from(
        "# Resource kinds\n\n<!-- Generated by `infra-verify kinds --markdown` from crates/core/src/catalog/mod.rs. \
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
            "\n## `{}`\n\n{}\n\n- Provider: `{}`, service `{}`{}\n- `id:` {}\n- Listed by: `{}`{}\n",
            k.name,
            k.description,
            k.provider.name(),
            k.service,
            if k.is_regional() {
                " (regional: `regions:` applies)"
            } else {
                ""
            },
            k.identifier,
            k.list_operation,
            k.found_through
                .iter()
                .map(|o| format!(", found through `{o}`"))
                .collect::<String>(),
        ));
        if k.select_by_attributes {
            out.push_str(
                "- `select:` may name the attributes read from the list, besides `tags`\n",
            );
        }
        out.push_str("\n| attribute | type | read from | description |\n|---|---|---|---|\n");
        for a in k.attributes {
            let volatile = if a.volatile {
                " *Changes on its own: left out of drift reports.*"
            } else {
                ""
            };
            out.push_str(&format!(
                "| `{}` | {} | `{}` | {}{volatile} |\n",
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
            if !k.is_aws() {
                // Not AWS (http_endpoint): pseudo-operations, no IAM action to be read-only; they
                // are checked against operations::NON_AWS_OPERATIONS in plan's tests.
                continue;
            }
            for op in
                std::iter::once(k.list_operation).chain(k.attributes.iter().map(|a| a.operation))
            {
                let action = op.split(':').nth(1).unwrap_or_default();
                assert!(
                    ["Describe", "List", "Get"]
                        .iter()
                        .any(|p| action.starts_with(p))
                        || operations::READ_ONLY_ACTIONS.contains(&op),
                    "{op} is not a Describe/List/Get action"
                );
            }
        }
    }
}
