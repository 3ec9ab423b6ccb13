//! Discovery, for `infra-verify init --from-account`: every resource of the core kinds, found
//! with the probes' own calls and turned into the same records a spec run observes.
//!
//! Each operation is made once and shared by every kind that needs it (one paginated
//! DescribeLoadBalancers finds both the load balancers and, through their ARNs, the listeners).
//! Where a probe can select every resource from its list response (RDS, ElastiCache, Secrets
//! Manager) discovery is a selection without criteria (the members of an Aurora cluster or of a
//! replication group left out: the cluster or group stands for them); elsewhere the listing is made here, with
//! the probe's list function, and every listed resource is then observed as a named resource by
//! the probe's own code, so the per-resource calls (and their bounded concurrency) are exactly
//! those of a spec run that checks the same attributes. Nothing is called that
//! [`crate::plan::OPERATIONS`] does not list.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use crate::aws::Connection;
use crate::catalog::{self, Attribute};
use crate::snapshot::{Observation, ResourceRecord};
use crate::spec::{Expectation, Origin, Resource, Selector};

use super::{cloudfront, ecr, ecs, elasticache, elbv2, rds, s3, secretsmanager};

/// The kinds discovery finds, in the order a generated spec lists them.
pub const KINDS: &[&str] = &[
    "rds_instance",
    "rds_cluster",
    "elasticache_cluster",
    "elasticache_replication_group",
    "ecs_cluster",
    "ecs_service",
    "ecs_task_definition",
    "ecr_repository",
    "lb",
    "lb_listener",
    "lb_target_group",
    "s3_bucket",
    "cloudfront_distribution",
    "secret",
];

/// Kinds whose tags come with their list response: filtering them by tags costs no call.
pub const TAGS_FROM_LIST: &[&str] = &["rds_instance", "rds_cluster", "secret"];

/// Kinds whose tags cost one call per resource (S3: GetBucketTagging on every bucket of the
/// account), made only when discovery filters by tags.
pub const TAGS_PER_RESOURCE: &[&str] = &["s3_bucket"];

/// Whether discovery can filter a kind by its tags.
pub fn tags_read(kind: &str) -> bool {
    TAGS_FROM_LIST.contains(&kind) || TAGS_PER_RESOURCE.contains(&kind)
}

/// What was found of one kind.
#[derive(Clone, Debug)]
pub struct Found {
    /// The kind.
    pub kind: &'static str,
    /// Its resources (a resource that could not be observed is an error record), or why the
    /// kind could not be listed at all.
    pub result: Result<Vec<ResourceRecord>, String>,
    /// Whether only the resources carrying the requested tags were kept.
    pub tags_filtered: bool,
}

/// The id of the synthetic selection resource (a real resource never has it).
const SELECT_ALL: &str = "*";

fn origin() -> Origin {
    Origin {
        file: Arc::from(Path::new("<discovery>")),
        pos: Default::default(),
    }
}

/// Expectations without matchers: they only tell the probe which attributes to read (the
/// per-resource calls of a kind are made only for the attributes checked).
fn reading(attributes: &[&'static Attribute]) -> Vec<Expectation> {
    attributes
        .iter()
        .map(|attribute| Expectation {
            attribute,
            matchers: Vec::new(),
            expected: serde_json::Value::Null,
            item: None,
            item_origin: None,
            more_items: Vec::new(),
            controls: Vec::new(),
            severity: None,
            origin: origin(),
        })
        .collect()
}

fn resource(
    kind: &str,
    id: String,
    selector: Option<Selector>,
    wanted: &[&'static Attribute],
) -> Option<Resource> {
    Some(Resource {
        kind: catalog::kind(kind)?,
        id,
        selector,
        region: None,
        per_region: false,
        exists: true,
        item: None,
        item_origin: None,
        more_items: Vec::new(),
        exists_items: Vec::new(),
        controls: Vec::new(),
        severity: None,
        request: None,
        expectations: reading(wanted),
        origin: origin(),
    })
}

/// A named resource of `kind` whose `wanted` attributes are to be read.
pub(crate) fn named(kind: &str, id: String, wanted: &[&'static Attribute]) -> Option<Resource> {
    resource(kind, id, None, wanted)
}

/// A selection of every resource of `kind` carrying `tags` (every resource when empty).
fn select(
    kind: &str,
    tags: &BTreeMap<String, String>,
    wanted: &[&'static Attribute],
) -> Option<Resource> {
    let selector = Selector {
        tags: tags.clone(),
        criteria: Vec::new(),
        count: Vec::new(),
        count_expected: serde_json::Value::Null,
    };
    resource(kind, SELECT_ALL.into(), Some(selector), wanted)
}

/// The records of a selection's matches, or its error.
fn matches_of(kind: &str, records: &[ResourceRecord]) -> Result<Vec<ResourceRecord>, String> {
    let own = |r: &&ResourceRecord| r.kind == kind;
    match records.iter().filter(own).find(|r| r.id == SELECT_ALL) {
        Some(ResourceRecord {
            observation: Observation::Error { error },
            ..
        }) => Err(error.clone()),
        Some(_) => Ok(records
            .iter()
            .filter(own)
            .filter(|r| r.id != SELECT_ALL)
            .cloned()
            .collect()),
        None => Err(format!("the probe answered nothing for `{kind}`")),
    }
}

/// Discovers every resource of [`KINDS`]. `wanted` names, per kind, the attributes to read
/// beyond the list response (each costs its per-resource call); `tags`, when not empty, keeps
/// only the resources carrying them, for the kinds whose tags are read ([`tags_read`]).
pub async fn discover(
    conn: &Connection,
    wanted: &BTreeMap<&str, Vec<&'static Attribute>>,
    tags: &BTreeMap<String, String>,
) -> Vec<Found> {
    let none = BTreeMap::new();
    let want = |kind: &str| wanted.get(kind).cloned().unwrap_or_default();
    let tags_of = |kind: &str| if tags_read(kind) { tags } else { &none };
    let selection = |kinds: &[&str]| -> Vec<Resource> {
        kinds
            .iter()
            .filter_map(|k| select(k, tags_of(k), &want(k)))
            .collect()
    };
    let (rds_all, cache_all, secret_all) = (
        selection(&["rds_instance", "rds_cluster"]),
        selection(&["elasticache_cluster", "elasticache_replication_group"]),
        selection(&["secret"]),
    );
    fn refs(rs: &[Resource]) -> Vec<&Resource> {
        rs.iter().collect()
    }
    let (rds_refs, cache_refs, secret_refs) = (refs(&rds_all), refs(&cache_all), refs(&secret_all));
    let (bucket_attrs, repository_attrs, group_attrs, distribution_attrs) = (
        want("s3_bucket"),
        want("ecr_repository"),
        want("lb_target_group"),
        want("cloudfront_distribution"),
    );
    let (rds, cache, secrets, buckets, repositories, edge, distributions, ecs) = tokio::join!(
        rds::discover(conn, &rds_refs),
        elasticache::discover(conn, &cache_refs),
        secretsmanager::observe(conn, &secret_refs),
        discover_buckets(conn, &bucket_attrs, tags_of("s3_bucket")),
        discover_repositories(conn, &repository_attrs),
        discover_load_balancers(conn, &group_attrs),
        discover_distributions(conn, &distribution_attrs),
        ecs::discover(conn),
    );
    let (balancers, listeners, groups) = edge;
    let mut out: Vec<(&'static str, Result<Vec<ResourceRecord>, String>)> = vec![
        ("rds_instance", matches_of("rds_instance", &rds)),
        ("rds_cluster", matches_of("rds_cluster", &rds)),
        (
            "elasticache_cluster",
            matches_of("elasticache_cluster", &cache),
        ),
        (
            "elasticache_replication_group",
            matches_of("elasticache_replication_group", &cache),
        ),
        ("ecs_cluster", ecs.clusters),
        ("ecs_service", ecs.services),
        ("ecs_task_definition", ecs.task_definitions),
        ("ecr_repository", repositories),
        ("lb", balancers),
        ("lb_listener", listeners),
        ("lb_target_group", groups),
        ("s3_bucket", buckets),
        ("cloudfront_distribution", distributions),
        ("secret", matches_of("secret", &secrets)),
    ];
    for (_, result) in &mut out {
        if let Ok(records) = result {
            records.sort_by(|a, b| a.id.cmp(&b.id));
        }
    }
    out.into_iter()
        .map(|(kind, result)| Found {
            kind,
            result,
            tags_filtered: !tags.is_empty() && tags_read(kind),
        })
        .collect()
}

/// Buckets: one ListBuckets; then every bucket as a named resource (or, filtering by tags, one
/// selection, which reads the tags of every bucket once and the configuration of the matches).
async fn discover_buckets(
    conn: &Connection,
    wanted: &[&'static Attribute],
    tags: &BTreeMap<String, String>,
) -> Result<Vec<ResourceRecord>, String> {
    let listed = s3::list_buckets(conn).await?;
    let resources: Vec<Resource> = if tags.is_empty() {
        listed
            .keys()
            .filter_map(|name| named("s3_bucket", name.clone(), wanted))
            .collect()
    } else {
        select("s3_bucket", tags, wanted).into_iter().collect()
    };
    let refs: Vec<&Resource> = resources.iter().collect();
    let records = s3::observe_listed(conn, &refs, Ok(listed)).await;
    if tags.is_empty() {
        Ok(records)
    } else {
        matches_of("s3_bucket", &records)
    }
}

/// Repositories: one DescribeRepositories listing, then the probe's per-repository calls.
async fn discover_repositories(
    conn: &Connection,
    wanted: &[&'static Attribute],
) -> Result<Vec<ResourceRecord>, String> {
    let client = crate::client!(aws_sdk_ecr, conn);
    let listed = ecr::list_repositories(&client).await?;
    let resources: Vec<Resource> = listed
        .iter()
        .filter_map(|r| r.repository_name.clone())
        .filter_map(|name| named("ecr_repository", name, wanted))
        .collect();
    let refs: Vec<&Resource> = resources.iter().collect();
    Ok(ecr::observe_listed(conn, &client, &refs, Ok(listed)).await)
}

type Records = Result<Vec<ResourceRecord>, String>;

/// Load balancers, their listeners and target groups: one DescribeLoadBalancers and one
/// DescribeTargetGroups listing, one DescribeListeners per load balancer, and the target groups'
/// per-group calls for `wanted`.
async fn discover_load_balancers(
    conn: &Connection,
    wanted: &[&'static Attribute],
) -> (Records, Records, Records) {
    let client = crate::client!(aws_sdk_elasticloadbalancingv2, conn);
    let limit = conn.max_concurrency;
    let (balancers, groups) = tokio::join!(
        elbv2::list_load_balancers(&client),
        elbv2::list_target_groups(&client)
    );
    let (lbs, listeners) = match &balancers {
        Err(e) => (
            Err(e.clone()),
            Err(format!(
                "needs the list of load balancers, which could not be read: {e}"
            )),
        ),
        Ok(list) => {
            let resources: Vec<Resource> = list
                .iter()
                .filter_map(|lb| lb.load_balancer_name.clone())
                .filter_map(|name| named("lb", name, &[]))
                .collect();
            let refs: Vec<&Resource> = resources.iter().collect();
            let (lbs, listeners) = tokio::join!(
                elbv2::from_balancers(&client, &balancers, &refs, &[], limit),
                elbv2::discover_listeners(&client, list, limit)
            );
            (Ok(lbs), Ok(listeners))
        }
    };
    let groups_found = match &groups {
        Err(e) => Err(e.clone()),
        Ok(list) => {
            let resources: Vec<Resource> = list
                .iter()
                .filter_map(|tg| tg.target_group_name.clone())
                .filter_map(|name| named("lb_target_group", name, wanted))
                .collect();
            let refs: Vec<&Resource> = resources.iter().collect();
            Ok(elbv2::from_target_groups(&client, &groups, &refs, limit).await)
        }
    };
    (lbs, listeners, groups_found)
}

/// Distributions: one ListDistributions; each is named by its first alias (stable across a
/// re-creation) or, without one, by its id.
async fn discover_distributions(
    conn: &Connection,
    wanted: &[&'static Attribute],
) -> Result<Vec<ResourceRecord>, String> {
    let client = crate::client!(aws_sdk_cloudfront, conn);
    let listed = cloudfront::list_distributions(&client).await?;
    let resources: Vec<Resource> = listed
        .iter()
        .map(|d| {
            d.aliases()
                .and_then(|a| a.items().first().cloned())
                .unwrap_or_else(|| d.id().to_string())
        })
        .filter_map(|id| named("cloudfront_distribution", id, wanted))
        .collect();
    let refs: Vec<&Resource> = resources.iter().collect();
    Ok(cloudfront::observe_listed(conn, &client, &refs, Ok(listed)).await)
}
