//! Probes: read-only AWS calls that turn what is really there into snapshot records. One module
//! per service. A failed call becomes an `error` record, never an abort and never a pass.

use std::collections::BTreeMap;
use std::time::SystemTime;

use aws_sdk_sts::error::ProvideErrorMetadata;
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::date_time::Format;

use crate::aws::Connection;
use crate::catalog;
use crate::snapshot::{Metadata, Observation, ResourceRecord, Snapshot, SNAPSHOT_VERSION};
use crate::spec::{Resource, Spec};

mod account;
mod acm;
mod audit;
mod autoscaling;
mod backup;
mod budgets;
mod cloudfront;
mod cloudfront_cache_policy;
pub mod discover;
mod ec2;
mod ecr;
mod ecr_image;
mod ecs;
mod elasticache;
mod elbv2;
mod iam;
mod monitoring;
pub(crate) mod policy_summary;
mod rds;
#[cfg(test)]
pub(crate) mod replay;
mod route53;
mod route53domains;
mod s3;
mod secretsmanager;
mod ses;
mod ssm;
mod wafv2;

// The connection layer's, re-exported for the probes (and their users) that always named them
// here.
pub use crate::aws::errors::{describe_error, error_code};
pub use crate::aws::CONCURRENCY;

pub use crate::provider::github::GitHubOptions;
pub use crate::provider::http::{ConnectTo, HttpOptions};

/// How the providers other than AWS are reached.
#[derive(Debug, Clone, Default)]
pub struct ProviderOptions {
    /// Live endpoints (`http_endpoint`, `tcp_endpoint`, `dns_record`, `domain`, `web_page`).
    pub http: HttpOptions,
    /// GitHub's API (`github_repository`).
    pub github: GitHubOptions,
    /// Vercel's API (`vercel_project`).
    pub vercel: crate::provider::vercel::VercelOptions,
    /// Stripe's API (`stripe_webhook_endpoint`).
    pub stripe: crate::provider::stripe::StripeOptions,
    /// Sentry's API (`sentry_project`).
    pub sentry: crate::provider::sentry::SentryOptions,
}
use crate::provider::{all_errors, http, Provider};
pub(crate) use s3::bucket_region_of_error;

/// Why a live run could not produce a snapshot at all.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ProbeError {
    /// The caller's identity could not be established (credentials, endpoint).
    #[error("cannot establish the caller identity (sts:GetCallerIdentity): {0}")]
    Identity(String),
    /// The credentials belong to another account than the spec requires.
    #[error("wrong account: the spec requires account {expected}, but the credentials are for account {actual} ({arn})")]
    WrongAccount {
        /// Spec's account.
        expected: String,
        /// Caller's account.
        actual: String,
        /// Caller's ARN.
        arn: String,
    },
}

/// RFC 3339 UTC timestamp of now, to the second.
pub fn now_rfc3339() -> String {
    let now = aws_smithy_types::DateTime::from(SystemTime::now());
    let secs = aws_smithy_types::DateTime::from_secs(now.secs());
    secs.fmt(Format::DateTime).unwrap_or_default()
}

/// Observes every resource the spec names (HTTP checks with the default options).
pub async fn observe(spec: &Spec, conn: &Connection) -> Result<Snapshot, ProbeError> {
    observe_with(spec, Some(conn), &ProviderOptions::default(), &NoProgress).await
}

/// One task of a live observation: the resources of one service in one region (or the
/// `http_endpoint`s), probed concurrently with the others.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Task {
    /// The service (the kinds' IAM prefix, or `http`).
    pub service: String,
    /// The region it is probed in (none for `http`).
    pub region: Option<String>,
    /// How many resource entries of the spec it observes.
    pub resources: usize,
}

impl Task {
    /// `rds@ap-northeast-2`, or `http`.
    pub fn label(&self) -> String {
        match &self.region {
            Some(region) => format!("{}@{region}", self.service),
            None => self.service.clone(),
        }
    }
}

/// Told how a live observation advances, task by task (a progress bar, a test). Every task is
/// planned once, then started and finished once each, in any order, from concurrent tasks.
pub trait Progress: Send + Sync {
    /// Before any task starts: every task of the observation.
    fn planned(&self, _tasks: &[Task]) {}
    /// A task started.
    fn started(&self, _task: &Task) {}
    /// A task finished, with the number of records it produced.
    fn finished(&self, _task: &Task, _records: usize) {}
}

/// No progress reporting.
#[derive(Clone, Copy, Debug, Default)]
pub struct NoProgress;

impl Progress for NoProgress {}

/// Observes every resource the spec names. `conn` may be `None` only when the spec needs no AWS
/// ([`crate::plan::needs_aws`]: it names only `http_endpoint`s); then no AWS call is made at all,
/// not even sts:GetCallerIdentity, and the account and caller are left empty.
pub async fn observe_with(
    spec: &Spec,
    conn: Option<&Connection>,
    options: &ProviderOptions,
    progress: &dyn Progress,
) -> Result<Snapshot, ProbeError> {
    let started = std::time::Instant::now();
    let taken_at = now_rfc3339();
    tracing::info!(
        environment = %spec.environment,
        resources = spec.resources.len(),
        aws = conn.is_some(),
        "observing"
    );
    let caller = match conn {
        Some(conn) => {
            let sts = crate::client!(aws_sdk_sts, conn);
            let identity =
                sts.get_caller_identity().send().await.map_err(|e| {
                    ProbeError::Identity(describe_error("sts:GetCallerIdentity", &e))
                })?;
            let account = identity.account().unwrap_or_default().to_string();
            let arn = identity.arn().unwrap_or_default().to_string();
            if let Some(expected) = &spec.aws.account_id {
                if *expected != account {
                    return Err(ProbeError::WrongAccount {
                        expected: expected.clone(),
                        actual: account,
                        arn,
                    });
                }
            }
            tracing::info!(account = %account, "caller identity");
            let _ = conn.account.set(account.clone());
            Some((account, arn))
        }
        None => None,
    };
    // Requests outside AWS (http_endpoint), counted apart from the SDK's calls.
    let http_calls = crate::aws::CallRecorder::default();

    // One task per service and region, all concurrent; each gets every resource of its kinds
    // there, and a connection for that region (resources may name their own `region:`). The
    // regions of `regions:` entries are tasks of their own, whose records are then named
    // `id@region` (the same id is another resource in each region).
    let mut groups: BTreeMap<(&str, Option<&str>, bool), Vec<&Resource>> = BTreeMap::new();
    for r in &spec.resources {
        groups
            .entry((r.kind.service, r.region.as_deref(), r.per_region))
            .or_default()
            .push(r);
    }
    let regional: BTreeMap<&str, Connection> = match conn {
        Some(conn) => groups
            .iter()
            .filter(|(_, rs)| rs.iter().all(|r| r.kind.is_aws()))
            .filter_map(|((_, region, _), _)| *region)
            .map(|region| (region, conn.in_region(region)))
            .collect(),
        None => BTreeMap::new(),
    };
    let home = conn.and_then(|c| c.sdk.region()).map(|r| r.to_string());
    let tasks: Vec<Task> = groups
        .iter()
        .map(|((service, region, _), rs)| Task {
            service: service.to_string(),
            region: if rs.iter().all(|r| r.kind.is_aws()) {
                region.map(str::to_string).or_else(|| home.clone())
            } else {
                None
            },
            resources: rs.len(),
        })
        .collect();
    progress.planned(&tasks);
    let (regional, http_calls_ref) = (&regional, &http_calls);
    let resources: Vec<ResourceRecord> =
        futures::future::join_all(groups.into_iter().zip(tasks).map(
            |(((service, region, per_region), rs), task)| async move {
                progress.started(&task);
                let began = std::time::Instant::now();
                tracing::info!(
                    service,
                    region = task.region.as_deref(),
                    resources = rs.len(),
                    "probing"
                );
                // A group is one service's, so one provider's (the catalog says which).
                let provider = rs
                    .first()
                    .map_or(catalog::Provider::Aws, |r| r.kind.provider);
                let records = if provider == catalog::Provider::Http {
                    // Not AWS: no connection, no region.
                    http::Http::observe(&rs, &options.http, http_calls_ref).await
                } else if provider == catalog::Provider::GitHub {
                    crate::provider::github::GitHub::observe(&rs, &options.github, http_calls_ref)
                        .await
                } else if provider == catalog::Provider::Vercel {
                    crate::provider::vercel::Vercel::observe(&rs, &options.vercel, http_calls_ref)
                        .await
                } else if provider == catalog::Provider::Stripe {
                    crate::provider::stripe::Stripe::observe(&rs, &options.stripe, http_calls_ref)
                        .await
                } else if provider == catalog::Provider::Sentry {
                    crate::provider::sentry::Sentry::observe(&rs, &options.sentry, http_calls_ref)
                        .await
                } else {
                    let mut records = match conn {
                        Some(conn) => {
                            let c = region.and_then(|r| regional.get(r)).unwrap_or(conn);
                            observe_service(c, service, rs).await
                        }
                        None => all_errors(&rs, "no AWS connection for this run"),
                    };
                    if let (true, Some(region)) = (per_region, region) {
                        in_region(&mut records, region);
                    }
                    records
                };
                let errors = records
                    .iter()
                    .filter(|r| matches!(r.observation, Observation::Error { .. }))
                    .count();
                tracing::info!(
                    service,
                    region = task.region.as_deref(),
                    records = records.len(),
                    errors,
                    elapsed_ms = began.elapsed().as_millis() as u64,
                    "probed"
                );
                progress.finished(&task, records.len());
                records
            },
        ))
        .await
        .into_iter()
        .flatten()
        .collect();
    let mut snapshot = Snapshot {
        snapshot_version: SNAPSHOT_VERSION,
        metadata: Metadata {
            tool: "infra-verify".into(),
            tool_version: env!("CARGO_PKG_VERSION").into(),
            taken_at,
            environment: spec.environment.clone(),
            account_id: caller.as_ref().map(|(account, _)| account.clone()),
            region: conn.and_then(|c| c.sdk.region()).map(|r| r.to_string()),
            caller_arn: caller.map(|(_, arn)| arn),
            endpoint: conn.and_then(|c| c.endpoint.clone()),
            connect_to: rerouted(&resources),
            api_calls: conn
                .map(|c| c.recorder.calls_by_action())
                .unwrap_or_default()
                .into_iter()
                .chain(http_calls.calls())
                .collect(),
            api_retries: conn
                .map(|c| c.recorder.retries_by_action())
                .unwrap_or_default(),
        },
        resources,
    };
    snapshot.sort();
    tracing::info!(
        records = snapshot.resources.len(),
        api_calls = snapshot.metadata.api_calls.values().sum::<u64>(),
        retried_attempts = snapshot.metadata.api_retries.values().sum::<u64>(),
        elapsed_ms = started.elapsed().as_millis() as u64,
        "observed"
    );
    Ok(snapshot)
}

/// Every `http_endpoint`'s and `tcp_endpoint`'s `connect_to` together: the connections made
/// elsewhere than their host and port (`--connect-to`), `host:port` → the address connected to.
fn rerouted(records: &[ResourceRecord]) -> BTreeMap<String, String> {
    records
        .iter()
        .filter(|r| catalog::kind(&r.kind).is_some_and(|k| k.provider == catalog::Provider::Http))
        .filter_map(|r| match &r.observation {
            Observation::Present { attributes, .. } => attributes.get("connect_to")?.as_object(),
            _ => None,
        })
        .flatten()
        .filter_map(|(from, to)| Some((from.clone(), to.as_str()?.to_string())))
        .collect()
}

/// Names every record (and every id a selection matched) `id@region`: the records of one
/// region of `regions:` entries, observed by a task of their own.
fn in_region(records: &mut [ResourceRecord], region: &str) {
    for rec in records {
        rec.id = format!("{}@{region}", rec.id);
        if let Observation::Selected { matches } = &mut rec.observation {
            for m in matches {
                *m = format!("{m}@{region}");
            }
        }
    }
}

/// The AWS services with a probe: every AWS kind's `service` (its IAM prefix) is one of these
/// (`tests::every_catalog_kind_has_a_probe`), so no kind is left without one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum AwsService {
    Rds,
    ElastiCache,
    SecretsManager,
    S3,
    ElasticLoadBalancing,
    CloudFront,
    Ecs,
    Ecr,
    Ec2,
    Logs,
    CloudWatch,
    Sns,
    Acm,
    Route53,
    Route53Domains,
    Wafv2,
    AutoScaling,
    ApplicationAutoScaling,
    Iam,
    CloudTrail,
    Config,
    GuardDuty,
    Backup,
    Ses,
    Budgets,
}

impl AwsService {
    /// The service of a catalog kind's `service` (its IAM prefix).
    fn of(service: &str) -> Option<AwsService> {
        Some(match service {
            "rds" => AwsService::Rds,
            "elasticache" => AwsService::ElastiCache,
            "secretsmanager" => AwsService::SecretsManager,
            "s3" => AwsService::S3,
            "elasticloadbalancing" => AwsService::ElasticLoadBalancing,
            "cloudfront" => AwsService::CloudFront,
            "ecs" => AwsService::Ecs,
            "ecr" => AwsService::Ecr,
            "ec2" => AwsService::Ec2,
            "logs" => AwsService::Logs,
            "cloudwatch" => AwsService::CloudWatch,
            "sns" => AwsService::Sns,
            "acm" => AwsService::Acm,
            "route53" => AwsService::Route53,
            "route53domains" => AwsService::Route53Domains,
            "wafv2" => AwsService::Wafv2,
            "autoscaling" => AwsService::AutoScaling,
            "application-autoscaling" => AwsService::ApplicationAutoScaling,
            "iam" => AwsService::Iam,
            "cloudtrail" => AwsService::CloudTrail,
            "config" => AwsService::Config,
            "guardduty" => AwsService::GuardDuty,
            "backup" => AwsService::Backup,
            "ses" => AwsService::Ses,
            "budgets" => AwsService::Budgets,
            _ => return None,
        })
    }
}

/// Observes the resources of one AWS service (the kind's IAM prefix).
async fn observe_service(
    conn: &Connection,
    service: &str,
    live: Vec<&Resource>,
) -> Vec<ResourceRecord> {
    let Some(probe) = AwsService::of(service) else {
        // Unreachable from a catalog kind (see the test above); an error record, never a pass.
        return all_errors(&live, &format!("no probe for the AWS service `{service}`"));
    };
    match probe {
        AwsService::Rds => rds::observe(conn, &live).await,
        AwsService::ElastiCache => elasticache::observe(conn, &live).await,
        AwsService::SecretsManager => secretsmanager::observe(conn, &live).await,
        AwsService::S3 => s3::observe(conn, &live).await,
        AwsService::ElasticLoadBalancing => elbv2::observe(conn, &live).await,
        AwsService::CloudFront => cloudfront::observe(conn, &live).await,
        AwsService::Ecs => ecs::observe(conn, &live).await,
        AwsService::Ecr => ecr::observe(conn, &live).await,
        AwsService::Ec2 => ec2::observe(conn, &live).await,
        AwsService::Logs => monitoring::observe_logs(conn, &live).await,
        AwsService::CloudWatch => monitoring::observe_cloudwatch(conn, &live).await,
        AwsService::Sns => monitoring::observe_topics(conn, &live).await,
        AwsService::Acm => acm::observe(conn, &live).await,
        AwsService::Route53 => route53::observe(conn, &live).await,
        AwsService::Route53Domains => route53domains::observe(conn, &live).await,
        AwsService::Wafv2 => wafv2::observe(conn, &live).await,
        AwsService::AutoScaling => autoscaling::observe_groups(conn, &live).await,
        AwsService::ApplicationAutoScaling => autoscaling::observe_ecs_scaling(conn, &live).await,
        AwsService::Iam => {
            // The account (`account`) and the identities (`iam_role`, `iam_user`), each probe
            // taking its own kinds.
            let (mut account, identities) =
                tokio::join!(account::observe(conn, &live), iam::observe(conn, &live));
            account.extend(identities);
            account
        }
        AwsService::CloudTrail => audit::observe_trails(conn, &live).await,
        AwsService::Config => audit::observe_recorders(conn, &live).await,
        AwsService::GuardDuty => audit::observe_detectors(conn, &live).await,
        AwsService::Backup => backup::observe(conn, &live).await,
        AwsService::Ses => ses::observe(conn, &live).await,
        AwsService::Budgets => budgets::observe(conn, &live).await,
    }
}

/// Builds a service client from the connection, with the call recorder attached:
/// `client!(aws_sdk_rds, conn)`. Every probe builds its clients this way, so every call is counted.
#[macro_export]
#[doc(hidden)]
macro_rules! client {
    ($krate:ident, $conn:expr) => {
        $krate::Client::from_conf(
            $krate::config::Builder::from(&$conn.sdk)
                .http_client($conn.http_client_for(stringify!($krate)))
                .interceptor($conn.recorder.clone())
                .retry_classifier($crate::aws::TooManyRequestsIsThrottling)
                .build(),
        )
    };
}

/// Every item of every page of a paginated list, or one line saying why it could not be read.
/// A failed page fails the whole list: a partial listing would report resources on later pages
/// as absent.
pub async fn collect_pages<O, E, R, T>(
    mut pages: aws_smithy_async::future::pagination_stream::PaginationStream<
        Result<O, SdkError<E, R>>,
    >,
    action: &str,
    items: impl Fn(O) -> Vec<T>,
) -> Result<Vec<T>, String>
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
    R: std::fmt::Debug,
{
    let mut out = Vec::new();
    let mut number = 0u32;
    let mut began = std::time::Instant::now();
    while let Some(page) = pages.next().await {
        number += 1;
        match page {
            Ok(page) => {
                let items = items(page);
                tracing::debug!(
                    action,
                    page = number,
                    items = items.len(),
                    elapsed_ms = began.elapsed().as_millis() as u64,
                    "list page"
                );
                out.extend(items);
            }
            Err(e) => {
                let why = describe_error(action, &e);
                tracing::debug!(action, page = number, error = %why, "list page failed");
                return Err(why);
            }
        }
        began = std::time::Instant::now();
    }
    tracing::debug!(action, pages = number, items = out.len(), "listed");
    Ok(out)
}

/// Items keyed by their id; items without one are dropped.
pub fn by_id<T>(
    items: impl IntoIterator<Item = T>,
    id: impl Fn(&T) -> Option<String>,
) -> std::collections::HashMap<String, T> {
    items
        .into_iter()
        .filter_map(|item| Some((id(&item)?, item)))
        .collect()
}

/// Which records of a kind need a per-resource call for `action`: those of the named resources
/// whose checks read from it, and every record of a selection whose checks do.
pub(crate) struct Wanting {
    all: bool,
    ids: std::collections::HashSet<String>,
}

impl Wanting {
    pub(crate) fn of(resources: &[&Resource], kind: &str, action: &str) -> Wanting {
        let wanting: Vec<&&Resource> = resources
            .iter()
            .filter(|r| r.kind.name == kind && crate::plan::operations_for(r).contains(action))
            .collect();
        Wanting {
            all: wanting.iter().any(|r| r.selector.is_some()),
            ids: wanting.iter().map(|r| r.id.clone()).collect(),
        }
    }

    /// Whether no record needs the call.
    pub(crate) fn none(&self) -> bool {
        !self.all && self.ids.is_empty()
    }

    /// Whether the record with this id needs the call.
    pub(crate) fn wants(&self, id: &str) -> bool {
        self.all || self.ids.contains(id)
    }
}

/// The resources of one kind.
pub fn of_kind<'a>(resources: &[&'a Resource], kind: &str) -> Vec<&'a Resource> {
    resources
        .iter()
        .copied()
        .filter(|r| r.kind.name == kind)
        .collect()
}

/// The records of a kind whose every attribute comes from one list operation: the list (all
/// pages, only when the spec names a resource of the kind), each named resource looked up in it.
pub async fn listed_kind<O, E, R, T>(
    resources: &[&Resource],
    kind: &str,
    action: &str,
    pages: impl FnOnce() -> aws_smithy_async::future::pagination_stream::PaginationStream<
        Result<O, SdkError<E, R>>,
    >,
    items: impl Fn(O) -> Vec<T>,
    id: impl Fn(&T) -> Option<String>,
    attributes: impl Fn(&T) -> BTreeMap<String, serde_json::Value>,
) -> Vec<ResourceRecord>
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
    R: std::fmt::Debug,
{
    let named = of_kind(resources, kind);
    if named.is_empty() {
        return Vec::new();
    }
    match collect_pages(pages(), action, items).await {
        // Keyed by reference: an SDK item can be kilobytes (a DbInstance has a hundred fields),
        // and a map of owned items would move each one again on every growth of its table.
        Ok(listed) => from_listing(
            &named,
            kind,
            &by_id(&listed, |item: &&T| id(item)),
            |item: &&T| attributes(item),
        ),
        Err(e) => all_errors(&named, &e),
    }
}

/// The records of one kind's resources, from a map of everything its list operation returned:
/// each named resource looked up, and each tag selection matched against every listed one.
pub fn from_listing<T>(
    resources: &[&Resource],
    kind: &str,
    listed: &std::collections::HashMap<String, T>,
    attributes: impl Fn(&T) -> BTreeMap<String, serde_json::Value>,
) -> Vec<ResourceRecord> {
    let record = |id: &str, observation| ResourceRecord {
        kind: kind.to_string(),
        id: id.to_string(),
        observation,
    };
    let present = |item: &T| Observation::Present {
        attributes: attributes(item),
        errors: BTreeMap::new(),
    };
    let mut out = Vec::new();
    for r in resources.iter().filter(|r| r.kind.name == kind) {
        match &r.selector {
            None => out.push(record(
                &r.id,
                lookup(listed, kind, &r.id).map_or(Observation::Absent, present),
            )),
            Some(sel) => {
                let mut matches: Vec<(&String, Observation)> = listed
                    .iter()
                    .map(|(id, item)| (id, present(item)))
                    .filter(|(_, obs)| match obs {
                        Observation::Present { attributes, .. } => {
                            sel.matches_attributes(attributes)
                        }
                        _ => false,
                    })
                    .collect();
                matches.sort_by(|a, b| a.0.cmp(b.0));
                out.push(record(
                    &r.id,
                    Observation::Selected {
                        matches: matches.iter().map(|(id, _)| (*id).clone()).collect(),
                    },
                ));
                out.extend(matches.into_iter().map(|(id, obs)| record(id, obs)));
            }
        }
    }
    out
}

/// Kinds whose identifiers AWS stores in lower case whatever case they were created with (RDS
/// DB instances and clusters, ElastiCache clusters and replication groups): a spec id in another
/// case names the same resource.
pub const LOWERCASE_IDS: &[&str] = &[
    "rds_instance",
    "rds_cluster",
    "elasticache_cluster",
    "elasticache_replication_group",
];

/// A listed resource by the spec's id: as written, or lower-cased for [`LOWERCASE_IDS`] kinds.
fn lookup<'a, T>(
    listed: &'a std::collections::HashMap<String, T>,
    kind: &str,
    id: &str,
) -> Option<&'a T> {
    listed.get(id).or_else(|| {
        LOWERCASE_IDS
            .contains(&kind)
            .then(|| listed.get(&id.to_ascii_lowercase()))
            .flatten()
    })
}

/// An attribute a probe read as null because AWS did not say (not because it is unset) becomes
/// an error with `why`, so that no expectation passes or fails on it.
pub(crate) fn unknown_is_an_error(observation: &mut Observation, attribute: &str, why: &str) {
    if let Observation::Present { attributes, errors } = observation {
        if attributes
            .get(attribute)
            .is_some_and(serde_json::Value::is_null)
        {
            attributes.remove(attribute);
            errors.insert(attribute.to_string(), why.to_string());
        }
    }
}

/// Converts tags to a JSON map.
fn tags_json<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> serde_json::Value {
    let map: BTreeMap<String, serde_json::Value> = pairs
        .into_iter()
        .map(|(k, v)| (k.to_string(), serde_json::Value::String(v.to_string())))
        .collect();
    serde_json::to_value(map).unwrap_or_default()
}

#[cfg(test)]
mod dispatch_tests {
    use super::*;
    use crate::catalog::{Provider, KINDS};

    #[test]
    fn every_catalog_kind_has_a_probe() {
        for k in KINDS {
            match k.provider {
                Provider::Aws => assert!(
                    AwsService::of(k.service).is_some(),
                    "{}: no probe for the AWS service `{}` (add it to AwsService)",
                    k.name,
                    k.service
                ),
                Provider::Http => assert!(
                    [
                        http::SERVICE,
                        http::tcp::SERVICE,
                        crate::provider::http::dns::SERVICE,
                        crate::provider::http::rdap::SERVICE,
                        crate::provider::http::page::SERVICE
                    ]
                    .contains(&k.service),
                    "{}",
                    k.name
                ),
                Provider::GitHub => {
                    assert_eq!(k.service, crate::provider::github::SERVICE, "{}", k.name)
                }
                Provider::Vercel => {
                    assert_eq!(k.service, crate::provider::vercel::SERVICE, "{}", k.name)
                }
                Provider::Stripe => {
                    assert_eq!(k.service, crate::provider::stripe::SERVICE, "{}", k.name)
                }
                Provider::Sentry => {
                    assert_eq!(k.service, crate::provider::sentry::SERVICE, "{}", k.name)
                }
            }
        }
        assert_eq!(AwsService::of("sts"), None);
    }
}
