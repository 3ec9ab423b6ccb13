//! `init --from-account`: a spec whose expectations are today's values of the stable attributes
//! of every resource of the core kinds ([`crate::probe::discover::KINDS`]).

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value as J;

use super::draft::{Draft, Entry, Expect, Group, Match};
use super::recommend;
use super::InitError;
use crate::aws::Connection;
use crate::catalog::{self, Attribute};
use crate::probe::discover::{self, Found};
use crate::snapshot::{Observation, ResourceRecord};

/// How one attribute is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Write {
    /// Today's value, `equals`.
    Equals,
    /// Today's value as a lower bound (`allocated_storage` grows with storage autoscaling).
    AtLeast,
    /// `contains:` today's tags (other tags may be added).
    TagsContain,
    /// `contains:` the first container's name, health check and logging (images change with
    /// every deployment).
    FirstContainer,
    /// Not written, for this reason.
    Skip(&'static str),
}

const TRANSIENT: &str = "a state that changes on its own (maintenance, deployments)";
const GENERATED: &str = "an id or ARN generated per deployment";
const VOLATILE: &str = "changes on its own (catalog::is_volatile)";
const PER_BUCKET: &str = "one more call per bucket of the account: add it by hand where it matters";
const PER_GROUP: &str =
    "one more call per parameter group of the account: add it by hand where it matters";
const PER_SECRET: &str = "one more call per secret of the account: add it by hand where it matters";

/// Every attribute of the core kinds, and how `init --from-account` writes it. A test keeps it
/// complete: an attribute added to the catalog must be placed here.
pub static WRITTEN: &[(&str, &str, Write)] = &[
    ("rds_instance", "status", Write::Skip(TRANSIENT)),
    ("rds_instance", "engine", Write::Equals),
    ("rds_instance", "engine_version", Write::Equals),
    ("rds_instance", "instance_class", Write::Equals),
    ("rds_instance", "allocated_storage", Write::AtLeast),
    ("rds_instance", "storage_type", Write::Equals),
    ("rds_instance", "iops", Write::Equals),
    ("rds_instance", "multi_az", Write::Equals),
    ("rds_instance", "backup_retention_period", Write::Equals),
    ("rds_instance", "storage_encrypted", Write::Equals),
    ("rds_instance", "kms_key_id", Write::Skip(GENERATED)),
    ("rds_instance", "deletion_protection", Write::Equals),
    ("rds_instance", "publicly_accessible", Write::Equals),
    (
        "rds_instance",
        "vpc_security_group_ids",
        Write::Skip(GENERATED),
    ),
    (
        "rds_instance",
        "performance_insights_enabled",
        Write::Equals,
    ),
    ("rds_instance", "auto_minor_version_upgrade", Write::Equals),
    (
        "rds_instance",
        "performance_insights_retention_days",
        Write::Equals,
    ),
    ("rds_instance", "db_subnet_group", Write::Equals),
    ("rds_instance", "subnet_ids", Write::Skip(GENERATED)),
    ("rds_instance", "parameter_group", Write::Equals),
    (
        "rds_instance",
        "latest_restorable_age_minutes",
        Write::Skip(VOLATILE),
    ),
    (
        "rds_instance",
        "latest_automated_snapshot_age_hours",
        Write::Skip(VOLATILE),
    ),
    (
        "rds_instance",
        "latest_manual_snapshot_age_hours",
        Write::Skip(VOLATILE),
    ),
    (
        "rds_instance",
        "latest_manual_snapshot",
        Write::Skip(VOLATILE),
    ),
    ("rds_instance", "parameters", Write::Skip(PER_GROUP)),
    ("rds_instance", "tags", Write::TagsContain),
    ("rds_cluster", "status", Write::Skip(TRANSIENT)),
    ("rds_cluster", "engine", Write::Equals),
    ("rds_cluster", "engine_version", Write::Equals),
    ("rds_cluster", "engine_mode", Write::Equals),
    ("rds_cluster", "serverless_v2_min_capacity", Write::Equals),
    ("rds_cluster", "serverless_v2_max_capacity", Write::Equals),
    ("rds_cluster", "backup_retention_period", Write::Equals),
    ("rds_cluster", "storage_encrypted", Write::Equals),
    ("rds_cluster", "deletion_protection", Write::Equals),
    ("rds_cluster", "multi_az", Write::Equals),
    ("rds_cluster", "member_count", Write::AtLeast),
    ("rds_cluster", "parameter_group", Write::Equals),
    ("rds_cluster", "parameters", Write::Skip(PER_GROUP)),
    ("rds_cluster", "tags", Write::TagsContain),
    ("elasticache_cluster", "status", Write::Skip(TRANSIENT)),
    ("elasticache_cluster", "engine", Write::Equals),
    ("elasticache_cluster", "engine_version", Write::Equals),
    ("elasticache_cluster", "node_type", Write::Equals),
    ("elasticache_cluster", "num_cache_nodes", Write::Equals),
    ("elasticache_cluster", "az_mode", Write::Equals),
    (
        "elasticache_cluster",
        "security_group_ids",
        Write::Skip(GENERATED),
    ),
    ("elasticache_cluster", "subnet_group", Write::Equals),
    ("elasticache_cluster", "replication_group", Write::Equals),
    (
        "elasticache_replication_group",
        "status",
        Write::Skip(TRANSIENT),
    ),
    ("elasticache_replication_group", "node_type", Write::Equals),
    (
        "elasticache_replication_group",
        "node_group_count",
        Write::Equals,
    ),
    (
        "elasticache_replication_group",
        "replicas_per_node_group",
        Write::Equals,
    ),
    (
        "elasticache_replication_group",
        "automatic_failover",
        Write::Equals,
    ),
    ("elasticache_replication_group", "multi_az", Write::Equals),
    (
        "elasticache_replication_group",
        "at_rest_encryption",
        Write::Equals,
    ),
    (
        "elasticache_replication_group",
        "transit_encryption",
        Write::Equals,
    ),
    (
        "elasticache_replication_group",
        "snapshot_retention_limit",
        Write::Equals,
    ),
    ("ecs_cluster", "status", Write::Equals),
    ("ecs_cluster", "capacity_providers", Write::Equals),
    ("ecs_cluster", "container_insights", Write::Equals),
    ("ecs_service", "status", Write::Equals),
    ("ecs_service", "launch_type", Write::Equals),
    ("ecs_service", "capacity_provider_strategy", Write::Equals),
    (
        "ecs_service",
        "desired_count",
        Write::Skip("set by deployments and service auto scaling"),
    ),
    ("ecs_service", "running_count", Write::Skip(VOLATILE)),
    ("ecs_service", "deployment_circuit_breaker", Write::Equals),
    ("ecs_service", "deployment_rollback", Write::Equals),
    ("ecs_service", "target_group_arns", Write::Skip(GENERATED)),
    ("ecs_service", "task_definition_family", Write::Equals),
    ("ecs_service", "deployment_controller", Write::Equals),
    ("ecs_service", "platform_version", Write::Equals),
    (
        "ecs_task_definition",
        "revision",
        Write::Skip("a new revision with every deployment"),
    ),
    (
        "ecs_task_definition",
        "requires_compatibilities",
        Write::Equals,
    ),
    ("ecs_task_definition", "network_mode", Write::Equals),
    ("ecs_task_definition", "cpu", Write::Equals),
    ("ecs_task_definition", "memory", Write::Equals),
    ("ecs_task_definition", "containers", Write::FirstContainer),
    ("ecs_task_definition", "task_role", Write::Equals),
    ("ecs_task_definition", "execution_role", Write::Equals),
    ("ecs_task_definition", "environment_names", Write::Equals),
    ("ecs_task_definition", "secret_names", Write::Equals),
    (
        "ecs_task_definition",
        "secret_sources",
        Write::Skip(GENERATED),
    ),
    ("ecr_repository", "scan_on_push", Write::Equals),
    (
        "ecr_repository",
        "scan_frequency",
        Write::Skip("summed up by scan_on_push"),
    ),
    (
        "ecr_repository",
        "registry_scan_type",
        Write::Skip("the registry's, the same for every repository"),
    ),
    ("ecr_repository", "image_tag_mutability", Write::Equals),
    ("ecr_repository", "encryption_type", Write::Equals),
    ("ecr_repository", "lifecycle_policy", Write::Equals),
    ("lb", "type", Write::Equals),
    ("lb", "scheme", Write::Equals),
    ("lb", "state", Write::Skip(TRANSIENT)),
    ("lb", "dns_name", Write::Skip(GENERATED)),
    ("lb", "security_groups", Write::Skip(GENERATED)),
    ("lb", "availability_zone_count", Write::Equals),
    ("lb", "availability_zones", Write::Equals),
    ("lb_listener", "protocol", Write::Equals),
    ("lb_listener", "certificate_arns", Write::Skip(GENERATED)),
    ("lb_listener", "ssl_policy", Write::Equals),
    ("lb_listener", "default_action", Write::Equals),
    ("lb_listener", "redirect_protocol", Write::Equals),
    ("lb_listener", "redirect_port", Write::Equals),
    ("lb_listener", "redirect_status_code", Write::Equals),
    (
        "lb_listener",
        "forward_target_group_arns",
        Write::Skip(GENERATED),
    ),
    ("lb_target_group", "protocol", Write::Equals),
    ("lb_target_group", "port", Write::Equals),
    ("lb_target_group", "target_type", Write::Equals),
    ("lb_target_group", "health_check_path", Write::Equals),
    ("lb_target_group", "health_check_protocol", Write::Equals),
    ("lb_target_group", "health_check_matcher", Write::Equals),
    (
        "lb_target_group",
        "health_check_interval_seconds",
        Write::Equals,
    ),
    ("lb_target_group", "healthy_threshold", Write::Equals),
    ("lb_target_group", "unhealthy_threshold", Write::Equals),
    ("lb_target_group", "stickiness_enabled", Write::Equals),
    ("lb_target_group", "stickiness_type", Write::Equals),
    ("lb_target_group", "target_count", Write::Skip(VOLATILE)),
    ("lb_target_group", "healthy_count", Write::Skip(VOLATILE)),
    (
        "s3_bucket",
        "region",
        Write::Skip("one more call per bucket (GetBucketLocation), for a value that cannot change"),
    ),
    ("s3_bucket", "versioning", Write::Equals),
    ("s3_bucket", "sse_algorithm", Write::Equals),
    ("s3_bucket", "kms_key_id", Write::Skip(GENERATED)),
    ("s3_bucket", "bucket_key_enabled", Write::Equals),
    (
        "s3_bucket",
        "block_public_acls",
        Write::Skip("summed up by public_access_blocked"),
    ),
    (
        "s3_bucket",
        "ignore_public_acls",
        Write::Skip("summed up by public_access_blocked"),
    ),
    (
        "s3_bucket",
        "block_public_policy",
        Write::Skip("summed up by public_access_blocked"),
    ),
    (
        "s3_bucket",
        "restrict_public_buckets",
        Write::Skip("summed up by public_access_blocked"),
    ),
    ("s3_bucket", "public_access_blocked", Write::Equals),
    (
        "s3_bucket",
        "public_access_block_source",
        Write::Skip("public_access_blocked says whether; which level may change"),
    ),
    ("s3_bucket", "website_enabled", Write::Equals),
    ("s3_bucket", "website_index_document", Write::Equals),
    ("s3_bucket", "website_error_document", Write::Equals),
    ("s3_bucket", "policy_requires_tls", Write::Equals),
    ("s3_bucket", "lifecycle_rules", Write::Equals),
    (
        "s3_bucket",
        "policy_statements",
        Write::Skip("policy_requires_tls and policy_is_public sum it up; statements are long"),
    ),
    ("s3_bucket", "policy_is_public", Write::Skip(PER_BUCKET)),
    ("s3_bucket", "access_logging", Write::Skip(PER_BUCKET)),
    ("s3_bucket", "access_log_target", Write::Skip(PER_BUCKET)),
    // Only with --tag: reading them costs GetBucketTagging on every bucket of the account.
    ("s3_bucket", "tags", Write::TagsContain),
    ("cloudfront_distribution", "status", Write::Skip(TRANSIENT)),
    ("cloudfront_distribution", "enabled", Write::Equals),
    (
        "cloudfront_distribution",
        "domain_name",
        Write::Skip(GENERATED),
    ),
    ("cloudfront_distribution", "aliases", Write::Equals),
    (
        "cloudfront_distribution",
        "origins",
        Write::Skip("origin ids and access control ids are generated"),
    ),
    (
        "cloudfront_distribution",
        "default_root_object",
        Write::Equals,
    ),
    (
        "cloudfront_distribution",
        "origin_domains",
        Write::Skip("load balancer origins have generated DNS names"),
    ),
    (
        "cloudfront_distribution",
        "viewer_protocol_policy",
        Write::Equals,
    ),
    ("cloudfront_distribution", "compress", Write::Equals),
    (
        "cloudfront_distribution",
        "cache_policy_id",
        Write::Skip(GENERATED),
    ),
    (
        "cloudfront_distribution",
        "acm_certificate_arn",
        Write::Skip(GENERATED),
    ),
    (
        "cloudfront_distribution",
        "minimum_protocol_version",
        Write::Equals,
    ),
    (
        "cloudfront_distribution",
        "web_acl_id",
        Write::Skip(GENERATED),
    ),
    ("cloudfront_distribution", "price_class", Write::Equals),
    ("cloudfront_distribution", "http_version", Write::Equals),
    (
        "cloudfront_distribution",
        "cache_behaviors",
        Write::Skip("origin ids and custom policy ids are generated; check the patterns that matter by hand"),
    ),
    (
        "cloudfront_distribution",
        "custom_error_responses",
        Write::Equals,
    ),
    ("cloudfront_distribution", "geo_restriction", Write::Equals),
    (
        "cloudfront_distribution",
        "geo_restriction_locations",
        Write::Equals,
    ),
    // The same GetDistributionConfig as default_root_object: no call more.
    ("cloudfront_distribution", "logging_enabled", Write::Equals),
    (
        "cloudfront_distribution",
        "logging_bucket",
        Write::Skip("log buckets are often named per deployment; logging_enabled says it is on"),
    ),
    (
        "cloudfront_distribution",
        "latest_invalidation_age_minutes",
        Write::Skip(VOLATILE),
    ),
    ("secret", "rotation_enabled", Write::Equals),
    ("secret", "rotation_interval_days", Write::Equals),
    ("secret", "rotation_schedule", Write::Equals),
    ("secret", "kms_key_id", Write::Skip(GENERATED)),
    ("secret", "last_rotated_date", Write::Skip(VOLATILE)),
    ("secret", "last_changed_date", Write::Skip(VOLATILE)),
    ("secret", "has_current_version", Write::Equals),
    ("secret", "current_version_age_days", Write::Skip(VOLATILE)),
    ("secret", "resource_policy", Write::Skip(PER_SECRET)),
    (
        "secret",
        "resource_policy_principals",
        Write::Skip(PER_SECRET),
    ),
    ("secret", "resource_policy_public", Write::Skip(PER_SECRET)),
    ("secret", "tags", Write::TagsContain),
];

/// How an attribute is written (skipped when the table does not name it).
pub fn how(kind: &str, attribute: &str) -> Write {
    WRITTEN
        .iter()
        .find(|(k, a, _)| *k == kind && *a == attribute)
        .map_or(Write::Skip("not in the table"), |(_, _, w)| *w)
}

/// Whether the attribute is read: written, and, for a bucket's tags, only when filtering by tags.
fn read(kind: &str, attribute: &str, filter_by_tags: bool) -> bool {
    let skipped = matches!(how(kind, attribute), Write::Skip(_));
    let costly_tags = kind == "s3_bucket" && attribute == "tags" && !filter_by_tags;
    !skipped && !costly_tags
}

/// The attributes to read, per kind: what is written.
pub fn wanted(filter_by_tags: bool) -> BTreeMap<&'static str, Vec<&'static Attribute>> {
    discover::KINDS
        .iter()
        .filter_map(|k| catalog::kind(k))
        .map(|k| {
            let attrs = k
                .attributes
                .iter()
                .filter(|a| read(k.name, a.name, filter_by_tags))
                .collect();
            (k.name, attrs)
        })
        .collect()
}

/// Every IAM action `init --from-account` may call (with `--tag`: `filter_by_tags`).
pub fn iam_actions(filter_by_tags: bool) -> BTreeSet<&'static str> {
    let mut actions = BTreeSet::from(["sts:GetCallerIdentity"]);
    actions.extend(
        crate::catalog::operations::DISCOVERY_ACTIONS
            .iter()
            .copied(),
    );
    for (kind, attrs) in wanted(filter_by_tags) {
        // Its list, and those it is found through (listeners through the load balancers' ARNs).
        if let Some(k) = catalog::kind(kind) {
            actions.extend(k.lookup_operations());
        }
        actions.extend(attrs.iter().map(|a| a.operation));
    }
    if filter_by_tags {
        actions.insert("s3:GetBucketTagging");
    }
    // A bucket's Block Public Access is the bucket's and the account's together.
    if actions.contains("s3:GetBucketPublicAccessBlock") {
        actions.insert("s3:GetAccountPublicAccessBlock");
    }
    actions
}

/// What `init --from-account` produced.
#[derive(Clone, Debug)]
pub struct Generated {
    /// The spec, as YAML.
    pub text: String,
    /// Resources written.
    pub resources: usize,
    /// What could not be read (kinds, resources, attributes), one line each; every one is also
    /// a `# TODO` in the spec.
    pub problems: Vec<String>,
}

/// Who the caller is.
#[derive(Clone, Debug)]
pub struct Identity {
    /// The account.
    pub account_id: String,
    /// The caller's ARN.
    pub arn: String,
}

/// `infra-verify init ENV --from-account [--tag K=V ...]`: the caller identity, then discovery,
/// then the draft.
pub async fn from_account(
    conn: &Connection,
    environment: &str,
    tags: &BTreeMap<String, String>,
) -> Result<Generated, InitError> {
    let sts = crate::client!(aws_sdk_sts, conn);
    let identity = sts.get_caller_identity().send().await.map_err(|e| {
        InitError::Identity(crate::probe::describe_error("sts:GetCallerIdentity", &e))
    })?;
    let identity = Identity {
        account_id: identity.account().unwrap_or_default().to_string(),
        arn: identity.arn().unwrap_or_default().to_string(),
    };
    let _ = conn.account.set(identity.account_id.clone());
    let region = conn.sdk.region().map(|r| r.to_string()).unwrap_or_default();
    let found = discover::discover(conn, &wanted(!tags.is_empty()), tags).await;
    let taken_at = crate::probe::now_rfc3339();
    Ok(draft_from(
        &found,
        &Context {
            environment,
            region: &region,
            identity: &identity,
            tags,
            taken_at: &taken_at,
        },
    ))
}

/// What the draft says about where it comes from.
pub struct Context<'a> {
    /// The environment.
    pub environment: &'a str,
    /// The region discovered.
    pub region: &'a str,
    /// The caller.
    pub identity: &'a Identity,
    /// `--tag` filters.
    pub tags: &'a BTreeMap<String, String>,
    /// When discovery ran.
    pub taken_at: &'a str,
}

fn tags_label(tags: &BTreeMap<String, String>) -> String {
    let pairs: Vec<String> = tags.iter().map(|(k, v)| format!("{k}={v}")).collect();
    pairs.join(",")
}

/// The draft from what discovery found (pure: the live part is [`from_account`]).
pub fn draft_from(found: &[Found], cx: &Context<'_>) -> Generated {
    let tag_args: String = cx
        .tags
        .iter()
        .map(|(k, v)| format!(" --tag {k}={v}"))
        .collect();
    let mut header = vec![
        format!(
            "Generated by `infra-verify init {} --from-account{tag_args}` at {}",
            cx.environment, cx.taken_at
        ),
        format!(
            "from account {} ({}), region {}.",
            cx.identity.account_id, cx.identity.arn, cx.region
        ),
        "Expectations are today's values of the attributes that do not change on their own (no"
            .into(),
        "running counts, timestamps, transient states or generated ids: see docs/init.md), so the"
            .into(),
        "spec passes now. `# recommended:` marks a value a launch checklist usually asks to be"
            .into(),
        "different: tighten the expectation once the resource is fixed. `# TODO` marks what could"
            .into(),
        "not be read. Add `item:` links to your checklist, then run the spec.".into(),
    ];
    if !cx.tags.is_empty() {
        header.push(String::new());
        header.push(format!(
            "Only resources tagged {} are written, for the kinds whose tags are read: rds_instance,",
            tags_label(cx.tags)
        ));
        header.push(
            "rds_cluster and secret (tags come with their list, no extra call) and s3_bucket"
                .into(),
        );
        header.push("(GetBucketTagging on every bucket of the account). The tags of the other kinds are not"
            .into());
        header.push("read: their resources are written commented out, to uncomment the ones of this environment."
            .into());
    }
    let mut groups = Vec::new();
    let mut problems = Vec::new();
    let mut resources = 0;
    for f in found {
        let Some(kind) = catalog::kind(f.kind) else {
            continue;
        };
        let mut group = Group::default();
        match &f.result {
            Err(error) => {
                problems.push(format!("{}: not discovered: {error}", f.kind));
                group
                    .title
                    .push(format!("TODO: {} could not be discovered: {error}", f.kind));
                group.entries.push(Entry {
                    kind: kind.name,
                    id: Some(format!("TODO-{}", kind.name.replace('_', "-"))),
                    commented: true,
                    ..Entry::default()
                });
            }
            Ok(records) => {
                let unfiltered = !cx.tags.is_empty() && !f.tags_filtered;
                let present = records
                    .iter()
                    .filter(|r| matches!(r.observation, Observation::Present { .. }))
                    .count();
                let mut title = format!(
                    "{}: {present} found ({}{})",
                    kind.name,
                    kind.list_operation,
                    if f.tags_filtered {
                        format!(", tagged {}", tags_label(cx.tags))
                    } else {
                        String::new()
                    }
                );
                if unfiltered && present > 0 {
                    title.push_str(&format!(
                        "; their tags are not read, so --tag cannot choose among them: all are written commented out, uncomment the ones of `{}`",
                        cx.environment
                    ));
                }
                group.title.push(title);
                for r in records {
                    let entry = entry(r, cx.environment, &mut problems);
                    if let Some(mut entry) = entry {
                        entry.commented |= unfiltered;
                        if !entry.commented {
                            resources += 1;
                        }
                        group.entries.push(entry);
                    }
                }
            }
        }
        groups.push(group);
    }
    let draft = Draft {
        header,
        environment: cx.environment.to_string(),
        aws: vec![
            ("region", J::String(cx.region.to_string()), None),
            (
                "account_id",
                J::String(cx.identity.account_id.clone()),
                Some(
                    "the caller's account: a run with credentials of another account is refused"
                        .into(),
                ),
            ),
        ],
        groups,
        ..Draft::default()
    };
    Generated {
        text: draft.render(),
        resources,
        problems,
    }
}

/// One record as a resource entry; one that could not be observed is a commented TODO entry.
fn entry(r: &ResourceRecord, environment: &str, problems: &mut Vec<String>) -> Option<Entry> {
    let kind = catalog::kind(&r.kind)?;
    let (attributes, errors) = match &r.observation {
        Observation::Present { attributes, errors } => (attributes, errors),
        Observation::Error { error } => {
            problems.push(format!("{}/{}: not observed: {error}", r.kind, r.id));
            return Some(Entry {
                kind: kind.name,
                id: Some(r.id.clone()),
                notes: vec![format!(
                    "TODO: {}/{} could not be observed: {error}",
                    r.kind, r.id
                )],
                commented: true,
                ..Entry::default()
            });
        }
        // Gone between the list and its description: nothing to write.
        _ => return None,
    };
    let mut e = Entry {
        kind: kind.name,
        id: Some(r.id.clone()),
        ..Entry::default()
    };
    for a in kind.attributes {
        if let Some(error) = errors.get(a.name) {
            problems.push(format!("{}/{}: {} not read: {error}", r.kind, r.id, a.name));
            e.todos.push(format!("TODO: {} not read: {error}", a.name));
            continue;
        }
        let Some(value) = attributes.get(a.name) else {
            continue;
        };
        let comment = recommend::comment(kind.name, a.name, value, environment);
        if let Some(x) = expectation(kind.name, a, value, comment) {
            e.expect.push(x);
        }
    }
    if kind.name == "ecs_task_definition" {
        let others: Vec<&str> = attributes
            .get("containers")
            .and_then(J::as_array)
            .map(|cs| {
                cs.iter()
                    .skip(1)
                    .filter_map(|c| c.get("name").and_then(J::as_str))
                    .collect()
            })
            .unwrap_or_default();
        if !others.is_empty() {
            e.todos.push(format!(
                "containers: only the first is checked; also in this task definition: {}",
                others.join(", ")
            ));
        }
    }
    Some(e)
}

/// The expectation for one observed attribute, or none when it is not written: skipped by the
/// table, or not reported (null) without a recommendation to point out.
fn expectation(
    kind: &str,
    attribute: &'static Attribute,
    value: &J,
    comment: Option<String>,
) -> Option<Expect> {
    if value.is_null() && comment.is_none() {
        return None;
    }
    let matcher = match how(kind, attribute.name) {
        Write::Skip(_) => return None,
        Write::Equals => Match::Equals(value.clone()),
        Write::AtLeast => Match::AtLeast(value.clone()),
        Write::TagsContain => {
            if value.as_object().is_none_or(|m| m.is_empty()) {
                return None;
            }
            Match::Contains(value.clone())
        }
        Write::FirstContainer => {
            let first = value.as_array()?.first()?;
            let mut wanted = serde_json::Map::new();
            for key in ["name", "health_check", "log_driver", "log_group"] {
                if let Some(v) = first.get(key) {
                    wanted.insert(key.to_string(), v.clone());
                }
            }
            Match::Contains(J::Object(wanted))
        }
    };
    Some(Expect {
        comment,
        ..Expect::new(attribute.name, matcher)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn every_attribute_of_every_discovered_kind_is_placed_in_the_table() {
        for k in discover::KINDS {
            let kind = catalog::kind(k).expect("a catalog kind");
            for a in kind.attributes {
                assert!(
                    WRITTEN.iter().any(|(wk, wa, _)| wk == k && *wa == a.name),
                    "{k}.{} is not in init::account::WRITTEN",
                    a.name
                );
                if catalog::is_volatile(k, a.name) {
                    assert!(matches!(how(k, a.name), Write::Skip(_)), "{k}.{}", a.name);
                }
            }
        }
        for (k, a, _) in WRITTEN {
            assert!(
                catalog::kind(k)
                    .and_then(|kind| kind.attribute(a))
                    .is_some(),
                "{k}.{a} is not in the catalog"
            );
        }
    }

    #[test]
    fn iam_actions_are_listed_operations_and_tags_cost_only_with_tag() {
        for filter in [false, true] {
            for a in iam_actions(filter) {
                assert!(
                    crate::catalog::operations::OPERATIONS
                        .iter()
                        .any(|o| o.action == a),
                    "{a} is not in plan::OPERATIONS"
                );
            }
        }
        assert!(!iam_actions(false).contains("s3:GetBucketTagging"));
        assert!(iam_actions(true).contains("s3:GetBucketTagging"));
        assert!(!iam_actions(true).contains("s3:GetBucketLocation"));
        assert!(!iam_actions(true).contains("elasticloadbalancing:DescribeTargetHealth"));
        assert!(iam_actions(false).contains("ecs:ListClusters"));
    }

    fn present(kind: &str, id: &str, attributes: J) -> ResourceRecord {
        let attributes = attributes
            .as_object()
            .map(|m| m.clone().into_iter().collect())
            .unwrap_or_default();
        ResourceRecord {
            kind: kind.into(),
            id: id.into(),
            observation: Observation::Present {
                attributes,
                errors: BTreeMap::new(),
            },
        }
    }

    fn context<'a>(identity: &'a Identity, tags: &'a BTreeMap<String, String>) -> Context<'a> {
        Context {
            environment: "staging",
            region: "ap-northeast-2",
            identity,
            tags,
            taken_at: "2026-11-22T00:00:00Z",
        }
    }

    #[test]
    fn the_draft_writes_stable_values_recommendations_and_todos_and_validates() {
        let identity = Identity {
            account_id: "123456789012".into(),
            arn: "arn:aws:iam::123456789012:user/ops".into(),
        };
        let mut bucket = present(
            "s3_bucket",
            "shop-hls",
            json!({"versioning": "Disabled", "public_access_blocked": true, "sse_algorithm": null, "kms_key_id": null}),
        );
        if let Observation::Present { errors, .. } = &mut bucket.observation {
            errors.insert(
                "lifecycle_rules".into(),
                "access denied: the caller may not call `s3:GetLifecycleConfiguration`".into(),
            );
        }
        let found = vec![
            Found {
                kind: "rds_instance",
                result: Ok(vec![present(
                    "rds_instance",
                    "shop-staging",
                    json!({"status": "backing-up", "engine": "postgres", "engine_version": "16.4", "allocated_storage": 20,
                           "backup_retention_period": 1, "iops": null, "vpc_security_group_ids": ["sg-0123"],
                           "tags": {"Environment": "staging"}}),
                )]),
                tags_filtered: false,
            },
            Found {
                kind: "rds_cluster",
                result: Err("access denied: the caller may not call `rds:DescribeDBClusters` (AccessDenied: no)".into()),
                tags_filtered: false,
            },
            Found {
                kind: "s3_bucket",
                result: Ok(vec![bucket]),
                tags_filtered: false,
            },
            Found {
                kind: "ecs_service",
                result: Ok(vec![ResourceRecord {
                    kind: "ecs_service".into(),
                    id: "shop/*".into(),
                    observation: Observation::Error { error: "the services of cluster `shop` could not be listed".into() },
                }]),
                tags_filtered: false,
            },
        ];
        let tags = BTreeMap::new();
        let g = draft_from(&found, &context(&identity, &tags));
        let text = &g.text;
        for want in [
            "environment: staging\naws:\n  region: ap-northeast-2\n  account_id: \"123456789012\"",
            "  - kind: rds_instance\n    id: shop-staging\n    expect:\n      engine: postgres\n      engine_version: \"16.4\"\n      allocated_storage: { at_least: 20 }\n      backup_retention_period: 1   # recommended: at least 7 (backups kept 1 day)\n      tags: { contains: { Environment: staging } }\n",
            "# TODO: rds_cluster could not be discovered: access denied: the caller may not call `rds:DescribeDBClusters`",
            "      versioning: Disabled   # recommended: Enabled (versioning is Disabled)",
            "      sse_algorithm: null   # recommended: AES256 or aws:kms (no default encryption)",
            "      # TODO: lifecycle_rules not read: access denied: the caller may not call `s3:GetLifecycleConfiguration`",
            "  # TODO: ecs_service/shop/* could not be observed",
        ] {
            assert!(text.contains(want), "missing {want:?} in\n{text}");
        }
        for not in ["status:", "iops", "sg-0123", "kms_key_id"] {
            assert!(
                !text.contains(&format!("      {not}")),
                "{not} written in\n{text}"
            );
        }
        assert_eq!(g.resources, 2);
        assert_eq!(g.problems.len(), 3, "{:?}", g.problems);
        let spec = crate::spec::from_str(std::path::Path::new("g.yaml"), text)
            .unwrap_or_else(|e| panic!("{e}\n{text}"));
        assert_eq!(spec.resources.len(), 2);
    }

    #[test]
    fn with_tags_the_kinds_whose_tags_are_not_read_are_commented_out() {
        let identity = Identity {
            account_id: "123456789012".into(),
            arn: "arn".into(),
        };
        let found = vec![
            Found {
                kind: "ecr_repository",
                result: Ok(vec![present(
                    "ecr_repository",
                    "other-team",
                    json!({"scan_on_push": true}),
                )]),
                tags_filtered: false,
            },
            Found {
                kind: "secret",
                result: Ok(vec![present(
                    "secret",
                    "shop/staging/api",
                    json!({"rotation_enabled": false, "tags": {"Environment": "staging"}}),
                )]),
                tags_filtered: true,
            },
        ];
        let tags = BTreeMap::from([("Environment".to_string(), "staging".to_string())]);
        let g = draft_from(&found, &context(&identity, &tags));
        assert!(
            g.text
                .contains("  # - kind: ecr_repository\n  #   id: other-team\n"),
            "{}",
            g.text
        );
        assert!(
            g.text
                .contains("  - kind: secret\n    id: shop/staging/api\n"),
            "{}",
            g.text
        );
        assert!(
            g.text.contains(
                "secret: 1 found (secretsmanager:ListSecrets, tagged Environment=staging)"
            ),
            "{}",
            g.text
        );
        assert!(g.text.contains("--tag Environment=staging"), "{}", g.text);
        assert_eq!(g.resources, 1);
    }
}
