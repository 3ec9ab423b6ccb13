//! ECS: `ecs_cluster` from DescribeClusters (up to 100 names a call, with the cluster settings),
//! `ecs_service` from DescribeServices (per cluster, up to 10 names a call), and
//! `ecs_task_definition` from one DescribeTaskDefinition per family (its latest ACTIVE revision).
//! Calls run a bounded number at once.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use aws_sdk_ecs::error::ProvideErrorMetadata;
use aws_sdk_ecs::types::{
    Cluster, ClusterField, ClusterSettingName, ContainerDefinition, DeploymentCircuitBreaker,
    Failure, Service, TaskDefinition, TaskDefinitionStatus,
};
use aws_sdk_ecs::Client;
use futures::stream::{self, StreamExt};
use serde_json::{json, Value};

use super::{collect_pages, describe_error, error_code};
use crate::aws::Connection;
use crate::snapshot::{Observation, ResourceRecord};
use crate::spec::Resource;

const DESCRIBE_CLUSTERS: &str = "ecs:DescribeClusters";
const DESCRIBE_SERVICES: &str = "ecs:DescribeServices";
const DESCRIBE_TASK_DEFINITION: &str = "ecs:DescribeTaskDefinition";
const LIST_CLUSTERS: &str = "ecs:ListClusters";
const LIST_SERVICES: &str = "ecs:ListServices";

/// Most cluster names one DescribeClusters call takes.
pub const CLUSTER_BATCH: usize = 100;
/// Most service names one DescribeServices call takes.
pub const SERVICE_BATCH: usize = 10;

/// Observes the named clusters, services and task definition families.
pub async fn observe(conn: &Connection, resources: &[&Resource]) -> Vec<ResourceRecord> {
    if resources.is_empty() {
        return Vec::new();
    }
    let client = crate::client!(aws_sdk_ecs, conn);
    let of_kind = |kind: &str| -> Vec<&Resource> {
        resources
            .iter()
            .copied()
            .filter(|r| r.kind.name == kind)
            .collect()
    };
    let (clusters, services, families) = (
        of_kind("ecs_cluster"),
        of_kind("ecs_service"),
        of_kind("ecs_task_definition"),
    );
    let (clusters, services, families) = tokio::join!(
        observe_clusters(&client, &clusters, conn.max_concurrency),
        observe_services(&client, &services, conn.max_concurrency),
        observe_task_definitions(&client, &families, conn.max_concurrency),
    );
    clusters
        .into_iter()
        .chain(services)
        .chain(families)
        .collect()
}

/// What discovery (`init --from-account`) found of the three ECS kinds.
pub(crate) struct Discovered {
    /// Every cluster ListClusters names, described.
    pub clusters: Result<Vec<ResourceRecord>, String>,
    /// Every service ListServices names in each cluster, described; a cluster whose services
    /// could not be listed is an error record `<cluster>/*`.
    pub services: Result<Vec<ResourceRecord>, String>,
    /// The task definition family of every service found, described (its latest ACTIVE revision).
    pub task_definitions: Result<Vec<ResourceRecord>, String>,
}

/// The last segment of an ECS ARN: the cluster or service name (`.../service/cluster/name`).
fn arn_name(arn: &str) -> String {
    arn.rsplit_once('/')
        .map_or(arn, |(_, name)| name)
        .to_string()
}

/// Discovers every cluster (ListClusters, all pages), the services of each (ListServices per
/// cluster, all pages, a bounded number at once) and the task definition families the services
/// run; each is then described by the same calls as a named resource (DescribeClusters in
/// batches of 100, DescribeServices in batches of 10, one DescribeTaskDefinition per family).
pub(crate) async fn discover(conn: &Connection) -> Discovered {
    let client = crate::client!(aws_sdk_ecs, conn);
    let limit = conn.max_concurrency;
    let listed = collect_pages(
        client.list_clusters().into_paginator().send(),
        LIST_CLUSTERS,
        |page| page.cluster_arns.unwrap_or_default(),
    )
    .await;
    let names: BTreeSet<String> = match listed {
        Ok(arns) => arns.iter().map(|a| arn_name(a)).collect(),
        Err(e) => {
            let why = format!("needs the list of clusters, which could not be read: {e}");
            return Discovered {
                clusters: Err(e),
                services: Err(why.clone()),
                task_definitions: Err(why),
            };
        }
    };
    let named = |kind: &str, ids: Vec<String>| -> Vec<Resource> {
        ids.into_iter()
            .filter_map(|id| super::discover::named(kind, id, &[]))
            .collect()
    };
    let cluster_resources = named("ecs_cluster", names.into_iter().collect());
    let refs: Vec<&Resource> = cluster_resources.iter().collect();
    let clusters = observe_clusters(&client, &refs, limit).await;

    let present: Vec<&str> = clusters
        .iter()
        .filter(|r| matches!(r.observation, Observation::Present { .. }))
        .map(|r| r.id.as_str())
        .collect();
    let client = &client;
    let lists: Vec<(&str, Result<Vec<String>, String>)> = stream::iter(present)
        .map(|cluster| async move {
            let arns = collect_pages(
                client
                    .list_services()
                    .cluster(cluster)
                    .into_paginator()
                    .send(),
                LIST_SERVICES,
                |page| page.service_arns.unwrap_or_default(),
            )
            .await;
            (cluster, arns)
        })
        .buffered(limit)
        .collect()
        .await;
    let mut ids = BTreeSet::new();
    let mut unlisted = Vec::new();
    for (cluster, arns) in lists {
        match arns {
            Ok(arns) => ids.extend(arns.iter().map(|a| format!("{cluster}/{}", arn_name(a)))),
            Err(error) => unlisted.push(ResourceRecord {
                kind: "ecs_service".into(),
                id: format!("{cluster}/*"),
                observation: Observation::Error {
                    error: format!(
                        "the services of cluster `{cluster}` could not be listed: {error}"
                    ),
                },
            }),
        }
    }
    let service_resources = named("ecs_service", ids.into_iter().collect());
    let refs: Vec<&Resource> = service_resources.iter().collect();
    let mut services = observe_services(client, &refs, limit).await;

    let families: BTreeSet<String> = services
        .iter()
        .filter_map(|r| match &r.observation {
            Observation::Present { attributes, .. } => attributes
                .get("task_definition_family")
                .and_then(Value::as_str)
                .map(str::to_string),
            _ => None,
        })
        .collect();
    let family_resources = named("ecs_task_definition", families.into_iter().collect());
    let refs: Vec<&Resource> = family_resources.iter().collect();
    let mut task_definitions = observe_task_definitions(client, &refs, limit).await;
    // The families of a cluster whose services are unknown are unknown too: said, not omitted.
    task_definitions.extend(unlisted.iter().map(|r| ResourceRecord {
        kind: "ecs_task_definition".into(),
        id: r.id.clone(),
        observation: Observation::Error {
            error: format!(
                "the task definitions its services run are unknown: {}",
                match &r.observation {
                    Observation::Error { error } => error.as_str(),
                    _ => "",
                }
            ),
        },
    }));
    services.extend(unlisted);
    Discovered {
        clusters: Ok(clusters),
        services: Ok(services),
        task_definitions: Ok(task_definitions),
    }
}

/// One record per resource, from what was observed per key; a key never observed is an error.
fn records<'a>(
    resources: &[&'a Resource],
    key: impl Fn(&'a Resource) -> Result<(&'a str, &'a str), String>,
    seen: &HashMap<(&str, &str), Observation>,
) -> Vec<ResourceRecord> {
    resources
        .iter()
        .map(|r| ResourceRecord {
            kind: r.kind.name.to_string(),
            id: r.id.clone(),
            observation: match key(r) {
                Ok(k) => seen.get(&k).cloned().unwrap_or_else(|| Observation::Error {
                    error: "not observed: no ECS call answered for it".into(),
                }),
                Err(error) => Observation::Error { error },
            },
        })
        .collect()
}

/// The unique ids of `resources`, sorted.
fn unique_ids<'a>(resources: &[&'a Resource]) -> Vec<&'a str> {
    resources
        .iter()
        .map(|r| r.id.as_str())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect()
}

/// What one Describe answer says about one name: the item it returned (its status and
/// attributes), or a failure entry for it (found by `name`, the last segment of its ARN).
/// `INACTIVE` items and `MISSING` failures are absent; an answer that mentions the name nowhere
/// is an error, never a pass. `label` names the resource in messages.
pub fn resolve(
    action: &str,
    label: &str,
    name: &str,
    found: Option<(Option<&str>, BTreeMap<String, Value>)>,
    failures: &[Failure],
) -> Observation {
    if let Some((status, attributes)) = found {
        return if status == Some("INACTIVE") {
            Observation::Absent
        } else {
            Observation::Present {
                attributes,
                errors: BTreeMap::new(),
            }
        };
    }
    match failures
        .iter()
        .find(|f| f.arn().is_some_and(|arn| arn_names(arn, name)))
    {
        Some(f) if f.reason() == Some("MISSING") => Observation::Absent,
        Some(f) => Observation::Error {
            error: format!(
                "`{action}` could not describe {label}: {}{}",
                f.reason().unwrap_or("no reason given"),
                f.detail().map(|d| format!(" ({d})")).unwrap_or_default()
            ),
        },
        None => Observation::Error {
            error: format!("`{action}` answered neither {label} nor a failure for it"),
        },
    }
}

/// Whether an ARN in a failure entry names `name`: the whole ARN, or its last path segment.
fn arn_names(arn: &str, name: &str) -> bool {
    arn == name || arn.rsplit_once('/').is_some_and(|(_, last)| last == name)
}

async fn observe_clusters(
    client: &Client,
    resources: &[&Resource],
    limit: usize,
) -> Vec<ResourceRecord> {
    if resources.is_empty() {
        return Vec::new();
    }
    let names = unique_ids(resources);
    let answers: Vec<_> = stream::iter(names.chunks(CLUSTER_BATCH))
        .map(|batch| async move {
            let answer = client
                .describe_clusters()
                .set_clusters(Some(batch.iter().map(|n| n.to_string()).collect()))
                .include(ClusterField::Settings)
                .send()
                .await
                .map_err(|e| describe_error(DESCRIBE_CLUSTERS, &e));
            (batch, answer)
        })
        .buffered(limit)
        .collect()
        .await;
    let mut seen = HashMap::new();
    for (batch, answer) in answers {
        for name in batch {
            let observation = match &answer {
                Err(error) => Observation::Error {
                    error: error.clone(),
                },
                Ok(out) => {
                    let found = out
                        .clusters()
                        .iter()
                        .find(|c| c.cluster_name() == Some(name) || c.cluster_arn() == Some(name))
                        .map(|c| (c.status(), cluster_attributes(c)));
                    let label = format!("cluster `{name}`");
                    resolve(DESCRIBE_CLUSTERS, &label, name, found, out.failures())
                }
            };
            seen.insert(("", *name), observation);
        }
    }
    records(resources, |r| Ok(("", r.id.as_str())), &seen)
}

/// The catalog's `ecs_cluster` attributes of one cluster.
pub fn cluster_attributes(c: &Cluster) -> BTreeMap<String, Value> {
    let insights = c
        .settings()
        .iter()
        .find(|s| s.name() == Some(&ClusterSettingName::ContainerInsights))
        .and_then(|s| s.value());
    BTreeMap::from([
        ("status".into(), json!(c.status())),
        ("capacity_providers".into(), json!(c.capacity_providers())),
        ("container_insights".into(), json!(insights)),
    ])
}

/// Splits an `ecs_service` id, `cluster/service`.
pub fn split_service_id(id: &str) -> Result<(&str, &str), String> {
    crate::catalog::id::split_cluster_service(id)
}

/// How one DescribeServices batch went.
enum Batch<T> {
    Answered(T),
    /// The cluster does not exist, so none of its services do.
    NoCluster,
    Failed(String),
}

async fn observe_services(
    client: &Client,
    resources: &[&Resource],
    limit: usize,
) -> Vec<ResourceRecord> {
    if resources.is_empty() {
        return Vec::new();
    }
    let mut by_cluster: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for (cluster, service) in resources
        .iter()
        .filter_map(|r| split_service_id(&r.id).ok())
    {
        by_cluster.entry(cluster).or_default().insert(service);
    }
    let batches: Vec<(&str, Vec<&str>)> = by_cluster
        .into_iter()
        .flat_map(|(cluster, services)| {
            let services: Vec<&str> = services.into_iter().collect();
            services
                .chunks(SERVICE_BATCH)
                .map(|b| (cluster, b.to_vec()))
                .collect::<Vec<_>>()
        })
        .collect();
    let answers: Vec<_> = stream::iter(batches)
        .map(|(cluster, batch)| async move {
            let answer = match client
                .describe_services()
                .cluster(cluster)
                .set_services(Some(batch.iter().map(|s| s.to_string()).collect()))
                .send()
                .await
            {
                Ok(out) => Batch::Answered(out),
                Err(e) if error_code(&e) == Some("ClusterNotFoundException") => Batch::NoCluster,
                Err(e) => Batch::Failed(describe_error(DESCRIBE_SERVICES, &e)),
            };
            (cluster, batch, answer)
        })
        .buffered(limit)
        .collect()
        .await;
    let mut seen = HashMap::new();
    for (cluster, batch, answer) in answers {
        for name in batch {
            let observation = match &answer {
                Batch::Answered(out) => {
                    let found = out
                        .services()
                        .iter()
                        .find(|s| s.service_name() == Some(name))
                        .map(|s| (s.status(), service_attributes(s)));
                    let label = format!("service `{cluster}/{name}`");
                    resolve(DESCRIBE_SERVICES, &label, name, found, out.failures())
                }
                Batch::NoCluster => Observation::Absent,
                Batch::Failed(error) => Observation::Error {
                    error: error.clone(),
                },
            };
            seen.insert((cluster, name), observation);
        }
    }
    records(resources, |r| split_service_id(&r.id), &seen)
}

/// The family of a task definition ARN (`arn:...:task-definition/web:3` → `web`).
pub fn family_of(task_definition: &str) -> &str {
    let tail = task_definition
        .rsplit_once('/')
        .map_or(task_definition, |(_, t)| t);
    match tail.rsplit_once(':') {
        Some((family, revision))
            if !revision.is_empty() && revision.bytes().all(|b| b.is_ascii_digit()) =>
        {
            family
        }
        _ => tail,
    }
}

/// The catalog's `ecs_service` attributes of one service.
pub fn service_attributes(s: &Service) -> BTreeMap<String, Value> {
    // No deployment configuration reported: unknown (null). Reported without a circuit breaker:
    // the breaker is off.
    let deployment = s.deployment_configuration();
    let breaker = |flag: fn(&DeploymentCircuitBreaker) -> bool| {
        deployment.map(|d| d.deployment_circuit_breaker().is_some_and(flag))
    };
    let strategy: Vec<&str> = s
        .capacity_provider_strategy()
        .iter()
        .map(|i| i.capacity_provider())
        .collect();
    let target_groups: Vec<&str> = s
        .load_balancers()
        .iter()
        .filter_map(|lb| lb.target_group_arn())
        .collect();
    BTreeMap::from([
        ("status".into(), json!(s.status())),
        (
            "launch_type".into(),
            json!(s.launch_type().map(|l| l.as_str())),
        ),
        ("capacity_provider_strategy".into(), json!(strategy)),
        ("desired_count".into(), json!(s.desired_count())),
        ("running_count".into(), json!(s.running_count())),
        (
            "deployment_circuit_breaker".into(),
            json!(breaker(|b| b.enable())),
        ),
        (
            "deployment_rollback".into(),
            json!(breaker(|b| b.rollback())),
        ),
        ("target_group_arns".into(), json!(target_groups)),
        (
            "task_definition_family".into(),
            json!(s.task_definition().map(family_of)),
        ),
        (
            "deployment_controller".into(),
            // The API reference: "If a deployment controller isn't specified, the default is ECS."
            json!(s
                .deployment_controller()
                .map_or("ECS", |d| d.r#type().as_str())),
        ),
        ("platform_version".into(), json!(s.platform_version())),
    ])
}

/// The name of an IAM role from its ARN (`arn:aws:iam::123456789012:role/path/name` → `name`);
/// a value that is not an ARN is kept as written.
fn role_name(arn: &str) -> &str {
    arn.rsplit('/').next().unwrap_or(arn)
}

/// Checks an `ecs_task_definition` id: a family, without a revision or ARN.
fn family_id(id: &str) -> Result<(&str, &str), String> {
    if id.is_empty() || id.contains(':') || id.contains('/') {
        Err(format!(
            "id must be a task definition family (its latest ACTIVE revision is checked), without a revision or ARN, got `{id}`"
        ))
    } else {
        Ok(("", id))
    }
}

async fn observe_task_definitions(
    client: &Client,
    resources: &[&Resource],
    limit: usize,
) -> Vec<ResourceRecord> {
    if resources.is_empty() {
        return Vec::new();
    }
    let families: Vec<&str> = unique_ids(resources)
        .into_iter()
        .filter(|f| family_id(f).is_ok())
        .collect();
    let seen: HashMap<(&str, &str), Observation> = stream::iter(families)
        .map(|family| async move { (("", family), task_definition(client, family).await) })
        .buffered(limit)
        .collect()
        .await;
    records(resources, |r| family_id(&r.id), &seen)
}

/// The latest ACTIVE revision of one family.
async fn task_definition(client: &Client, family: &str) -> Observation {
    match client
        .describe_task_definition()
        .task_definition(family)
        .send()
        .await
    {
        Ok(out) => match out.task_definition() {
            Some(td) => task_definition_observation(family, td),
            None => Observation::Error {
                error: format!("`{DESCRIBE_TASK_DEFINITION}` answered without a task definition"),
            },
        },
        // What ECS answers for a family with no ACTIVE revision.
        Err(e)
            if error_code(&e) == Some("ClientException")
                && e.as_service_error()
                    .and_then(|s| s.message())
                    .is_some_and(|m| m.contains("Unable to describe task definition")) =>
        {
            Observation::Absent
        }
        Err(e) => Observation::Error {
            error: describe_error(DESCRIBE_TASK_DEFINITION, &e),
        },
    }
}

/// The catalog's `ecs_task_definition` attributes of one revision. `cpu` and `memory` come as
/// strings; one that is not a whole number is an error for that attribute. A revision that is
/// not ACTIVE is not the one asked for (ECS describes the latest ACTIVE revision of a family):
/// an error, never its attributes.
pub fn task_definition_observation(family: &str, td: &TaskDefinition) -> Observation {
    if let Some(status) = td.status().filter(|s| **s != TaskDefinitionStatus::Active) {
        return Observation::Error {
            error: format!(
                "`{DESCRIBE_TASK_DEFINITION}` answered revision {} of `{family}` with status {}, not an ACTIVE revision",
                td.revision(),
                status.as_str()
            ),
        };
    }
    let compatibilities: Vec<&str> = td
        .requires_compatibilities()
        .iter()
        .map(|c| c.as_str())
        .collect();
    let containers: Vec<Value> = td.container_definitions().iter().map(container).collect();
    let mut attributes = BTreeMap::from([
        ("revision".into(), json!(td.revision())),
        ("requires_compatibilities".into(), json!(compatibilities)),
        (
            "network_mode".into(),
            json!(td.network_mode().map(|m| m.as_str())),
        ),
        ("containers".into(), json!(containers)),
        ("task_role".into(), json!(td.task_role_arn().map(role_name))),
        (
            "execution_role".into(),
            json!(td.execution_role_arn().map(role_name)),
        ),
    ]);
    // Names only: an environment value can be a credential, and a record is written to disk.
    let defs = td.container_definitions();
    let sorted = |names: BTreeSet<&str>| json!(names.into_iter().collect::<Vec<_>>());
    attributes.insert(
        "environment_names".into(),
        sorted(
            defs.iter()
                .flat_map(|c| c.environment())
                .filter_map(|kv| kv.name())
                .collect(),
        ),
    );
    attributes.insert(
        "secret_names".into(),
        sorted(
            defs.iter()
                .flat_map(|c| c.secrets())
                .map(|s| s.name())
                .collect(),
        ),
    );
    attributes.insert(
        "secret_sources".into(),
        sorted(
            defs.iter()
                .flat_map(|c| c.secrets())
                .map(|s| s.value_from())
                .collect(),
        ),
    );
    let mut errors = BTreeMap::new();
    for (name, raw) in [("cpu", td.cpu()), ("memory", td.memory())] {
        match raw.map(|s| s.trim().parse::<i64>()) {
            None => {
                attributes.insert(name.to_string(), Value::Null);
            }
            Some(Ok(n)) => {
                attributes.insert(name.to_string(), json!(n));
            }
            Some(Err(_)) => {
                errors.insert(
                    name.to_string(),
                    format!(
                        "`{DESCRIBE_TASK_DEFINITION}` reported {name} {:?}, which is not a whole number",
                        raw.unwrap_or_default()
                    ),
                );
            }
        }
    }
    Observation::Present { attributes, errors }
}

/// One container of a task definition, as the `containers` attribute lists it.
fn container(c: &ContainerDefinition) -> Value {
    let log = c.log_configuration();
    json!({
        "name": c.name(),
        "image": c.image(),
        "health_check": c.health_check().map(|h| json!({
            // A health check command can carry a token (`curl -H "Authorization: …"`).
            "command": h.command().iter().map(|c| crate::redact::text(c)).collect::<Vec<_>>(),
            "interval": h.interval(),
            "retries": h.retries(),
            "timeout": h.timeout(),
        })),
        "log_driver": log.map(|l| l.log_driver().as_str()),
        "log_group": log.and_then(|l| l.options()).and_then(|o| o.get("awslogs-group")),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_ecs::types::{
        CapacityProviderStrategyItem, ClusterSetting, Compatibility, DeploymentConfiguration,
        HealthCheck, LaunchType, LoadBalancer, LogConfiguration, LogDriver, NetworkMode,
    };

    fn attrs(o: &Observation) -> &BTreeMap<String, Value> {
        match o {
            Observation::Present { attributes, .. } => attributes,
            other => panic!("not present: {other:?}"),
        }
    }

    // moto's CreateService drops capacityProviderStrategy and always reports a launch type, so
    // a service on a capacity provider strategy is only seen here.
    #[test]
    fn a_capacity_provider_service_has_no_launch_type_and_lists_its_providers() {
        let s = Service::builder()
            .service_name("api")
            .status("ACTIVE")
            .desired_count(2)
            .running_count(1)
            .capacity_provider_strategy(
                CapacityProviderStrategyItem::builder()
                    .capacity_provider("FARGATE")
                    .weight(1)
                    .base(1)
                    .build()
                    .expect("item"),
            )
            .capacity_provider_strategy(
                CapacityProviderStrategyItem::builder()
                    .capacity_provider("FARGATE_SPOT")
                    .weight(3)
                    .build()
                    .expect("item"),
            )
            .task_definition("arn:aws:ecs:ap-northeast-2:123456789012:task-definition/api-prod:12")
            .build();
        let a = service_attributes(&s);
        assert_eq!(a["launch_type"], Value::Null);
        assert_eq!(
            a["capacity_provider_strategy"],
            json!(["FARGATE", "FARGATE_SPOT"])
        );
        assert_eq!(a["desired_count"], json!(2));
        assert_eq!(a["running_count"], json!(1));
        assert_eq!(a["task_definition_family"], json!("api-prod"));
        assert_eq!(a["target_group_arns"], json!([]));
        // No deployment configuration reported: unknown, not "off".
        assert_eq!(a["deployment_circuit_breaker"], Value::Null);
        assert_eq!(a["deployment_rollback"], Value::Null);
    }

    // moto's CreateService drops deploymentConfiguration.
    #[test]
    fn the_circuit_breaker_and_rollback_come_from_the_deployment_configuration() {
        let with = |breaker: Option<DeploymentCircuitBreaker>| {
            let cfg = DeploymentConfiguration::builder()
                .maximum_percent(200)
                .minimum_healthy_percent(100)
                .set_deployment_circuit_breaker(breaker)
                .build();
            service_attributes(
                &Service::builder()
                    .launch_type(LaunchType::Fargate)
                    .deployment_configuration(cfg)
                    .load_balancers(
                        LoadBalancer::builder()
                            .target_group_arn("arn:aws:elasticloadbalancing:ap-northeast-2:123456789012:targetgroup/api/1")
                            .container_name("api")
                            .container_port(3000)
                            .build(),
                    )
                    .load_balancers(LoadBalancer::builder().load_balancer_name("classic").build())
                    .build(),
            )
        };
        let breaker = |enable, rollback| {
            Some(
                DeploymentCircuitBreaker::builder()
                    .enable(enable)
                    .rollback(rollback)
                    .build(),
            )
        };
        let on = with(breaker(true, true));
        assert_eq!(on["deployment_circuit_breaker"], json!(true));
        assert_eq!(on["deployment_rollback"], json!(true));
        assert_eq!(on["launch_type"], json!("FARGATE"));
        assert_eq!(on["capacity_provider_strategy"], json!([]));
        // Classic load balancers have no target group: only target groups are listed.
        assert_eq!(
            on["target_group_arns"],
            json!(["arn:aws:elasticloadbalancing:ap-northeast-2:123456789012:targetgroup/api/1"])
        );
        let no_rollback = with(breaker(true, false));
        assert_eq!(no_rollback["deployment_circuit_breaker"], json!(true));
        assert_eq!(no_rollback["deployment_rollback"], json!(false));
        // A deployment configuration without a breaker: the breaker is off.
        let none = with(None);
        assert_eq!(none["deployment_circuit_breaker"], json!(false));
        assert_eq!(none["deployment_rollback"], json!(false));
    }

    #[test]
    fn family_of_strips_the_arn_and_the_revision() {
        assert_eq!(
            family_of("arn:aws:ecs:ap-northeast-2:123456789012:task-definition/web:3"),
            "web"
        );
        assert_eq!(family_of("web:12"), "web");
        assert_eq!(family_of("web"), "web");
        assert_eq!(family_of("task-definition/web-v2"), "web-v2");
    }

    #[test]
    fn service_ids_are_cluster_slash_service() {
        assert_eq!(split_service_id("prod/api"), Ok(("prod", "api")));
        for bad in ["api", "/api", "prod/", "prod/api/x", ""] {
            let err = split_service_id(bad).expect_err(bad);
            assert!(err.starts_with("id must be cluster/service"), "{err}");
        }
    }

    #[test]
    fn task_definition_ids_are_bare_families() {
        assert_eq!(family_id("web"), Ok(("", "web")));
        for bad in [
            "web:3",
            "arn:aws:ecs:ap-northeast-2:1:task-definition/web",
            "",
        ] {
            assert!(family_id(bad).is_err(), "{bad}");
        }
    }

    fn failure(arn: &str, reason: &str) -> Failure {
        Failure::builder().arn(arn).reason(reason).build()
    }

    #[test]
    fn resolve_maps_inactive_and_missing_to_absent_and_anything_unexplained_to_an_error() {
        let present = resolve(
            DESCRIBE_CLUSTERS,
            "cluster `a`",
            "a",
            Some((Some("ACTIVE"), BTreeMap::new())),
            &[],
        );
        assert!(matches!(present, Observation::Present { .. }));
        let inactive = resolve(
            DESCRIBE_CLUSTERS,
            "cluster `a`",
            "a",
            Some((Some("INACTIVE"), BTreeMap::new())),
            &[],
        );
        assert_eq!(inactive, Observation::Absent);
        let missing = [failure("arn:aws:ecs:ap-northeast-2:1:cluster/a", "MISSING")];
        assert_eq!(
            resolve(DESCRIBE_CLUSTERS, "cluster `a`", "a", None, &missing),
            Observation::Absent
        );
        // Another name's failure says nothing about this one.
        match resolve(DESCRIBE_CLUSTERS, "cluster `b`", "b", None, &missing) {
            Observation::Error { error } => assert_eq!(
                error,
                "`ecs:DescribeClusters` answered neither cluster `b` nor a failure for it"
            ),
            other => panic!("{other:?}"),
        }
        let denied = [Failure::builder()
            .arn("arn:aws:ecs:ap-northeast-2:1:cluster/a")
            .reason("AccessDenied")
            .detail("no permission")
            .build()];
        match resolve(DESCRIBE_CLUSTERS, "cluster `a`", "a", None, &denied) {
            Observation::Error { error } => assert_eq!(
                error,
                "`ecs:DescribeClusters` could not describe cluster `a`: AccessDenied (no permission)"
            ),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_service_failure_is_found_by_its_bare_name() {
        let failures = [failure(
            "arn:aws:ecs:ap-northeast-2:1:service/prod/api",
            "MISSING",
        )];
        let o = resolve(
            DESCRIBE_SERVICES,
            "service `prod/api`",
            "api",
            None,
            &failures,
        );
        assert_eq!(o, Observation::Absent);
        let o = resolve(
            DESCRIBE_SERVICES,
            "service `prod/web`",
            "web",
            None,
            &failures,
        );
        assert!(
            matches!(&o, Observation::Error { error } if error.contains("service `prod/web`")),
            "{o:?}"
        );
    }

    #[test]
    fn a_cluster_without_settings_has_unknown_container_insights() {
        let bare = Cluster::builder().status("ACTIVE").build();
        let a = cluster_attributes(&bare);
        assert_eq!(a["container_insights"], Value::Null);
        assert_eq!(a["capacity_providers"], json!([]));
        let on = Cluster::builder()
            .status("ACTIVE")
            .settings(
                ClusterSetting::builder()
                    .name(ClusterSettingName::ContainerInsights)
                    .value("enhanced")
                    .build(),
            )
            .capacity_providers("FARGATE")
            .build();
        let a = cluster_attributes(&on);
        assert_eq!(a["container_insights"], json!("enhanced"));
        assert_eq!(a["capacity_providers"], json!(["FARGATE"]));
    }

    fn task_definition_with(cpu: Option<&str>, memory: Option<&str>) -> TaskDefinition {
        TaskDefinition::builder()
            .family("web")
            .revision(4)
            .status(TaskDefinitionStatus::Active)
            .requires_compatibilities(Compatibility::Fargate)
            .network_mode(NetworkMode::Awsvpc)
            .set_cpu(cpu.map(str::to_string))
            .set_memory(memory.map(str::to_string))
            .container_definitions(
                ContainerDefinition::builder()
                    .name("web")
                    .image("nginx:1.27")
                    .health_check(
                        HealthCheck::builder()
                            .command("CMD-SHELL")
                            .command("curl -f http://localhost/ || exit 1")
                            .interval(30)
                            .retries(3)
                            .timeout(5)
                            .build()
                            .expect("health check"),
                    )
                    .log_configuration(
                        LogConfiguration::builder()
                            .log_driver(LogDriver::Awslogs)
                            .options("awslogs-group", "/ecs/web")
                            .build()
                            .expect("log configuration"),
                    )
                    .build(),
            )
            .container_definitions(
                ContainerDefinition::builder()
                    .name("sidecar")
                    .image("busybox")
                    .build(),
            )
            .build()
    }

    #[test]
    fn task_definition_cpu_and_memory_are_integers_and_containers_are_objects() {
        let o = task_definition_observation("web", &task_definition_with(Some("256"), None));
        let a = attrs(&o);
        assert_eq!(a["cpu"], json!(256));
        assert_eq!(a["memory"], Value::Null);
        assert_eq!(a["revision"], json!(4));
        assert_eq!(a["requires_compatibilities"], json!(["FARGATE"]));
        assert_eq!(a["network_mode"], json!("awsvpc"));
        assert_eq!(
            a["containers"],
            json!([
                {
                    "name": "web",
                    "image": "nginx:1.27",
                    "health_check": {
                        "command": ["CMD-SHELL", "curl -f http://localhost/ || exit 1"],
                        "interval": 30,
                        "retries": 3,
                        "timeout": 5,
                    },
                    "log_driver": "awslogs",
                    "log_group": "/ecs/web",
                },
                {
                    "name": "sidecar",
                    "image": "busybox",
                    "health_check": null,
                    "log_driver": null,
                    "log_group": null,
                },
            ])
        );
    }

    #[test]
    fn an_unparsable_cpu_or_memory_is_an_error_for_that_attribute_only() {
        let o =
            task_definition_observation("web", &task_definition_with(Some("1 vCPU"), Some("2048")));
        let Observation::Present { attributes, errors } = o else {
            panic!("not present");
        };
        assert!(!attributes.contains_key("cpu"));
        assert_eq!(attributes["memory"], json!(2048));
        assert_eq!(
            errors["cpu"],
            "`ecs:DescribeTaskDefinition` reported cpu \"1 vCPU\", which is not a whole number"
        );
        assert_eq!(errors.len(), 1);
    }

    #[test]
    fn a_revision_that_is_not_active_is_an_error() {
        let td = TaskDefinition::builder()
            .family("web")
            .revision(7)
            .status(TaskDefinitionStatus::Inactive)
            .cpu("256")
            .build();
        assert_eq!(
            task_definition_observation("web", &td),
            Observation::Error {
                error: "`ecs:DescribeTaskDefinition` answered revision 7 of `web` with status INACTIVE, not an ACTIVE revision".into()
            }
        );
    }

    /// Roles by name, environment variable and secret names from every container, sorted and
    /// without duplicates; no environment value reaches the record.
    #[test]
    fn roles_and_environment_names_without_their_values() {
        use aws_sdk_ecs::types::{KeyValuePair, Secret};
        let env = |name: &str, value: &str| KeyValuePair::builder().name(name).value(value).build();
        let secret = |name: &str, from: &str| {
            Secret::builder()
                .name(name)
                .value_from(from)
                .build()
                .expect("secret")
        };
        let db =
            "arn:aws:secretsmanager:ap-northeast-2:123456789012:secret:app/production/db-AbCdEf";
        let td = TaskDefinition::builder()
            .family("api")
            .revision(3)
            .status(TaskDefinitionStatus::Active)
            .task_role_arn("arn:aws:iam::123456789012:role/service/api-task")
            .execution_role_arn("arn:aws:iam::123456789012:role/ecsTaskExecutionRole")
            .container_definitions(
                ContainerDefinition::builder()
                    .name("api")
                    .environment(env("NODE_ENV", "production"))
                    .environment(env("API_TOKEN", "sk_live_do_not_record_me"))
                    .secrets(secret("DATABASE_URL", db))
                    .build(),
            )
            .container_definitions(
                ContainerDefinition::builder()
                    .name("worker")
                    .environment(env("NODE_ENV", "production"))
                    .secrets(secret("SENTRY_DSN", "/production/sentry-dsn"))
                    .build(),
            )
            .build();
        let o = task_definition_observation("api", &td);
        let a = attrs(&o);
        assert_eq!(a["task_role"], json!("api-task"));
        assert_eq!(a["execution_role"], json!("ecsTaskExecutionRole"));
        assert_eq!(a["environment_names"], json!(["API_TOKEN", "NODE_ENV"]));
        assert_eq!(a["secret_names"], json!(["DATABASE_URL", "SENTRY_DSN"]));
        assert_eq!(a["secret_sources"], json!(["/production/sentry-dsn", db]));
        let text = serde_json::to_string(&o).expect("json");
        assert!(!text.contains("sk_live_do_not_record_me"), "{text}");
        assert!(!text.contains("\"production\""), "{text}");
        // No roles: null, not an empty name.
        let bare = task_definition_observation("web", &task_definition_with(None, None));
        assert_eq!(attrs(&bare)["task_role"], Value::Null);
        assert_eq!(attrs(&bare)["environment_names"], json!([]));
    }

    // Replay tests: responses shaped like the ECS API reference's (JSON 1.1), for what moto does
    // not report (deployment configuration, capacity provider strategy, load balancers, health
    // checks) and for paging.

    use crate::probe::replay::Replay;

    const ARN: &str = "arn:aws:ecs:ap-northeast-2:123456789012";

    fn spec_of(resources: &str) -> crate::spec::Spec {
        crate::spec::from_str(
            std::path::Path::new("inline.yaml"),
            &format!("version: 1\nenvironment: t\nresources:\n{resources}"),
        )
        .expect("spec")
    }

    /// The `x-amz-target` of a request as `Replay::by_request` shows it (its last line).
    fn target(request: &str) -> &str {
        request.rsplit('\n').next().unwrap_or_default()
    }

    fn error_body(kind: &str, message: &str) -> String {
        format!(r#"{{"__type":"{kind}","message":"{message}"}}"#)
    }

    #[tokio::test]
    async fn describe_clusters_reads_settings_and_capacity_providers_and_a_missing_failure_is_absent(
    ) {
        let body = format!(
            r#"{{"clusters":[{{"clusterArn":"{ARN}:cluster/prod","clusterName":"prod","status":"ACTIVE",
            "registeredContainerInstancesCount":0,"runningTasksCount":3,"pendingTasksCount":0,"activeServicesCount":2,
            "statistics":[],"tags":[],"settings":[{{"name":"containerInsights","value":"enhanced"}}],
            "capacityProviders":["FARGATE","FARGATE_SPOT"],
            "defaultCapacityProviderStrategy":[{{"capacityProvider":"FARGATE","weight":1,"base":0}}]}},
            {{"clusterArn":"{ARN}:cluster/old","clusterName":"old","status":"INACTIVE","settings":[],"capacityProviders":[]}}],
            "failures":[{{"arn":"{ARN}:cluster/gone","reason":"MISSING"}}]}}"#
        );
        let replay = Replay::new(&[(200, &body)]);
        let spec = spec_of(
            "  - kind: ecs_cluster\n    id: prod\n    expect: { container_insights: enhanced }\n\
             \x20 - kind: ecs_cluster\n    id: old\n\
             \x20 - kind: ecs_cluster\n    id: gone\n\
             \x20 - kind: ecs_cluster\n    id: unexplained\n",
        );
        let resources: Vec<&Resource> = spec.resources.iter().collect();
        let records = observe(&replay.connection(), &resources).await;
        let requests = replay.requests();
        assert_eq!(requests.len(), 1, "{requests:#?}");
        // One batch of every name, asking for the settings.
        for part in [
            r#""clusters":["gone","old","prod","unexplained"]"#,
            r#""include":["SETTINGS"]"#,
        ] {
            assert!(requests[0].contains(part), "{part} in {}", requests[0]);
        }
        let ids: Vec<&str> = records.iter().map(|r| r.id.as_str()).collect();
        assert_eq!(ids, ["prod", "old", "gone", "unexplained"]);
        let a = attrs(&records[0].observation);
        assert_eq!(a["status"], json!("ACTIVE"));
        assert_eq!(a["container_insights"], json!("enhanced"));
        assert_eq!(a["capacity_providers"], json!(["FARGATE", "FARGATE_SPOT"]));
        assert_eq!(records[1].observation, Observation::Absent);
        assert_eq!(records[2].observation, Observation::Absent);
        assert_eq!(
            records[3].observation,
            Observation::Error {
                error: "`ecs:DescribeClusters` answered neither cluster `unexplained` nor a failure for it".into()
            }
        );
    }

    /// A DescribeServices answer as the API reference documents it, with what moto's
    /// CreateService drops: deploymentConfiguration.deploymentCircuitBreaker,
    /// capacityProviderStrategy, healthCheckGracePeriodSeconds and loadBalancers.
    fn services_answer() -> String {
        format!(
            r#"{{"services":[
            {{"serviceArn":"{ARN}:service/prod/api","serviceName":"api","clusterArn":"{ARN}:cluster/prod",
              "loadBalancers":[{{"targetGroupArn":"arn:aws:elasticloadbalancing:ap-northeast-2:123456789012:targetgroup/api/0123456789abcdef","containerName":"api","containerPort":3000}}],
              "serviceRegistries":[],"status":"ACTIVE","desiredCount":2,"runningCount":2,"pendingCount":0,
              "launchType":"FARGATE","platformVersion":"LATEST","platformFamily":"Linux",
              "taskDefinition":"{ARN}:task-definition/api-prod:12",
              "deploymentConfiguration":{{"deploymentCircuitBreaker":{{"enable":true,"rollback":true}},"maximumPercent":200,"minimumHealthyPercent":100}},
              "deployments":[{{"id":"ecs-svc/1234567890123456789","status":"PRIMARY","taskDefinition":"{ARN}:task-definition/api-prod:12","desiredCount":2,"pendingCount":0,"runningCount":2,"failedTasks":0,"createdAt":1700000000.0,"updatedAt":1700000300.0,"launchType":"FARGATE","rolloutState":"COMPLETED","rolloutStateReason":"ECS deployment ecs-svc/1234567890123456789 completed."}}],
              "roleArn":"arn:aws:iam::123456789012:role/aws-service-role/ecs.amazonaws.com/AWSServiceRoleForECS",
              "events":[],"createdAt":1700000000.0,"placementConstraints":[],"placementStrategy":[],
              "networkConfiguration":{{"awsvpcConfiguration":{{"subnets":["subnet-0123456789abcdef0"],"securityGroups":["sg-0123456789abcdef0"],"assignPublicIp":"DISABLED"}}}},
              "healthCheckGracePeriodSeconds":60,"schedulingStrategy":"REPLICA",
              "deploymentController":{{"type":"ECS"}},"createdBy":"arn:aws:iam::123456789012:role/deployer",
              "enableECSManagedTags":true,"propagateTags":"NONE","enableExecuteCommand":false}},
            {{"serviceArn":"{ARN}:service/prod/worker","serviceName":"worker","clusterArn":"{ARN}:cluster/prod",
              "loadBalancers":[],"status":"ACTIVE","desiredCount":3,"runningCount":1,"pendingCount":2,
              "capacityProviderStrategy":[{{"capacityProvider":"FARGATE","weight":1,"base":1}},{{"capacityProvider":"FARGATE_SPOT","weight":4,"base":0}}],
              "platformVersion":"1.4.0","taskDefinition":"{ARN}:task-definition/worker:3",
              "deploymentConfiguration":{{"maximumPercent":200,"minimumHealthyPercent":50}},
              "schedulingStrategy":"REPLICA","deploymentController":{{"type":"CODE_DEPLOY"}}}},
            {{"serviceArn":"{ARN}:service/prod/retired","serviceName":"retired","clusterArn":"{ARN}:cluster/prod",
              "status":"INACTIVE","desiredCount":0,"runningCount":0,"taskDefinition":"{ARN}:task-definition/retired:1"}}],
            "failures":[{{"arn":"{ARN}:service/prod/gone","reason":"MISSING"}}]}}"#
        )
    }

    #[tokio::test]
    async fn describe_services_reads_what_moto_drops_and_an_unknown_cluster_is_absent() {
        let replay = Replay::by_request(|request| {
            assert_eq!(
                target(request),
                "AmazonEC2ContainerServiceV20141113.DescribeServices"
            );
            if request.contains(r#""cluster":"prod""#) {
                (200, services_answer())
            } else if request.contains(r#""cluster":"nowhere""#) {
                (
                    400,
                    error_body("ClusterNotFoundException", "Cluster not found."),
                )
            } else {
                (
                    400,
                    error_body(
                        "AccessDeniedException",
                        "User is not authorized to perform: ecs:DescribeServices",
                    ),
                )
            }
        });
        let spec = spec_of(
            "  - kind: ecs_service\n    id: prod/api\n    expect: { deployment_circuit_breaker: true }\n\
             \x20 - kind: ecs_service\n    id: prod/worker\n\
             \x20 - kind: ecs_service\n    id: prod/retired\n\
             \x20 - kind: ecs_service\n    id: prod/gone\n\
             \x20 - kind: ecs_service\n    id: nowhere/api\n\
             \x20 - kind: ecs_service\n    id: locked/api\n",
        );
        let resources: Vec<&Resource> = spec.resources.iter().collect();
        let records = observe(&replay.connection(), &resources).await;
        let requests = replay.requests();
        assert_eq!(requests.len(), 3, "{requests:#?}");
        let prod = requests
            .iter()
            .find(|r| r.contains(r#""cluster":"prod""#))
            .expect("a call for prod");
        assert!(
            prod.contains(r#""services":["api","gone","retired","worker"]"#),
            "{prod}"
        );
        let ids: Vec<&str> = records.iter().map(|r| r.id.as_str()).collect();
        assert_eq!(
            ids,
            [
                "prod/api",
                "prod/worker",
                "prod/retired",
                "prod/gone",
                "nowhere/api",
                "locked/api"
            ]
        );
        let api = attrs(&records[0].observation);
        assert_eq!(api["status"], json!("ACTIVE"));
        assert_eq!(api["launch_type"], json!("FARGATE"));
        assert_eq!(api["capacity_provider_strategy"], json!([]));
        assert_eq!(api["desired_count"], json!(2));
        assert_eq!(api["running_count"], json!(2));
        assert_eq!(api["deployment_circuit_breaker"], json!(true));
        assert_eq!(api["deployment_rollback"], json!(true));
        assert_eq!(
            api["target_group_arns"],
            json!(["arn:aws:elasticloadbalancing:ap-northeast-2:123456789012:targetgroup/api/0123456789abcdef"])
        );
        assert_eq!(api["task_definition_family"], json!("api-prod"));
        assert_eq!(api["deployment_controller"], json!("ECS"));
        assert_eq!(api["platform_version"], json!("LATEST"));
        let worker = attrs(&records[1].observation);
        assert_eq!(worker["deployment_controller"], json!("CODE_DEPLOY"));
        assert_eq!(worker["platform_version"], json!("1.4.0"));
        assert_eq!(worker["launch_type"], Value::Null);
        assert_eq!(
            worker["capacity_provider_strategy"],
            json!(["FARGATE", "FARGATE_SPOT"])
        );
        assert_eq!(worker["desired_count"], json!(3));
        assert_eq!(worker["running_count"], json!(1));
        // A deployment configuration without a circuit breaker: the breaker is off.
        assert_eq!(worker["deployment_circuit_breaker"], json!(false));
        assert_eq!(worker["deployment_rollback"], json!(false));
        assert_eq!(worker["target_group_arns"], json!([]));
        assert_eq!(worker["task_definition_family"], json!("worker"));
        assert_eq!(records[2].observation, Observation::Absent);
        assert_eq!(records[3].observation, Observation::Absent);
        assert_eq!(records[4].observation, Observation::Absent);
        match &records[5].observation {
            Observation::Error { error } => assert_eq!(
                error,
                "access denied: the caller may not call `ecs:DescribeServices` (AccessDeniedException: User is not authorized to perform: ecs:DescribeServices)"
            ),
            other => panic!("{other:?}"),
        }
    }

    /// DescribeServices takes at most 10 names: 11 services of a cluster are two calls.
    #[tokio::test]
    async fn describe_services_asks_for_at_most_ten_services_a_call() {
        let names: Vec<String> = (1..=11).map(|i| format!("svc{i:02}")).collect();
        let all: Vec<String> = names
            .iter()
            .map(|n| {
                format!(
                    r#"{{"serviceArn":"{ARN}:service/big/{n}","serviceName":"{n}","status":"ACTIVE","desiredCount":1,"runningCount":1,"launchType":"FARGATE","taskDefinition":"{ARN}:task-definition/{n}:1"}}"#
                )
            })
            .collect();
        let body = format!(r#"{{"services":[{}],"failures":[]}}"#, all.join(","));
        let replay = Replay::by_request(move |_| (200, body.clone()));
        let yaml: String = names
            .iter()
            .map(|n| format!("  - kind: ecs_service\n    id: big/{n}\n"))
            .collect();
        let spec = spec_of(&yaml);
        let resources: Vec<&Resource> = spec.resources.iter().collect();
        let records = observe(&replay.connection(), &resources).await;
        let mut sizes: Vec<usize> = replay
            .requests()
            .iter()
            .map(|r| r.matches(r#""svc"#).count())
            .collect();
        sizes.sort_unstable();
        assert_eq!(sizes, [1, SERVICE_BATCH]);
        assert_eq!(records.len(), 11);
        for r in &records {
            assert_eq!(
                attrs(&r.observation)["launch_type"],
                json!("FARGATE"),
                "{}",
                r.id
            );
        }
    }

    /// A DescribeTaskDefinition answer as the API reference documents it.
    fn task_definition_answer(family: &str, revision: i32) -> String {
        format!(
            r#"{{"taskDefinition":{{"taskDefinitionArn":"{ARN}:task-definition/{family}:{revision}",
            "containerDefinitions":[
              {{"name":"{family}","image":"123456789012.dkr.ecr.ap-northeast-2.amazonaws.com/{family}:1.4.2","cpu":0,
                "portMappings":[{{"containerPort":3000,"hostPort":3000,"protocol":"tcp"}}],"essential":true,
                "environment":[],"mountPoints":[],"volumesFrom":[],
                "logConfiguration":{{"logDriver":"awslogs","options":{{"awslogs-group":"/ecs/{family}","awslogs-region":"ap-northeast-2","awslogs-stream-prefix":"ecs"}}}},
                "healthCheck":{{"command":["CMD-SHELL","curl -fsS -H 'Authorization: Bearer s3cr3t-t0ken' http://localhost:3000/health || exit 1"],"interval":30,"timeout":5,"retries":3,"startPeriod":10}}}},
              {{"name":"log-router","image":"public.ecr.aws/aws-observability/aws-for-fluent-bit:stable","essential":false,
                "firelensConfiguration":{{"type":"fluentbit"}},
                "logConfiguration":{{"logDriver":"awsfirelens"}}}}],
            "family":"{family}","taskRoleArn":"arn:aws:iam::123456789012:role/{family}-task",
            "executionRoleArn":"arn:aws:iam::123456789012:role/ecsTaskExecutionRole","networkMode":"awsvpc",
            "revision":{revision},"volumes":[],"status":"ACTIVE",
            "requiresAttributes":[{{"name":"com.amazonaws.ecs.capability.logging-driver.awslogs"}}],
            "placementConstraints":[],"compatibilities":["EC2","FARGATE"],"requiresCompatibilities":["FARGATE"],
            "cpu":"512","memory":"1024","registeredAt":1700000000.0,"registeredBy":"arn:aws:iam::123456789012:role/deployer"}},
            "tags":[]}}"#
        )
    }

    #[tokio::test]
    async fn describe_task_definition_reads_health_checks_and_log_configuration() {
        let replay = Replay::by_request(|request| {
            assert_eq!(
                target(request),
                "AmazonEC2ContainerServiceV20141113.DescribeTaskDefinition"
            );
            if request.contains(r#""taskDefinition":"web""#) {
                (200, task_definition_answer("web", 7))
            } else {
                // What ECS answers for a family without an ACTIVE revision.
                (
                    400,
                    error_body("ClientException", "Unable to describe task definition."),
                )
            }
        });
        let spec = spec_of(
            "  - kind: ecs_task_definition\n    id: web\n    expect: { cpu: 512 }\n\
             \x20 - kind: ecs_task_definition\n    id: retired\n",
        );
        let resources: Vec<&Resource> = spec.resources.iter().collect();
        let records = observe(&replay.connection(), &resources).await;
        assert_eq!(replay.requests().len(), 2, "{:#?}", replay.requests());
        let a = attrs(&records[0].observation);
        assert_eq!(a["revision"], json!(7));
        assert_eq!(a["requires_compatibilities"], json!(["FARGATE"]));
        assert_eq!(a["network_mode"], json!("awsvpc"));
        assert_eq!(a["cpu"], json!(512));
        assert_eq!(a["memory"], json!(1024));
        let containers = a["containers"].as_array().expect("containers");
        assert_eq!(containers.len(), 2);
        let web = &containers[0];
        assert_eq!(web["name"], json!("web"));
        assert_eq!(
            web["image"],
            json!("123456789012.dkr.ecr.ap-northeast-2.amazonaws.com/web:1.4.2")
        );
        assert_eq!(web["log_driver"], json!("awslogs"));
        assert_eq!(web["log_group"], json!("/ecs/web"));
        let check = &web["health_check"];
        assert_eq!(check["interval"], json!(30));
        assert_eq!(check["retries"], json!(3));
        assert_eq!(check["timeout"], json!(5));
        let command = check["command"].as_array().expect("command");
        assert_eq!(command[0], json!("CMD-SHELL"));
        let shell = command[1].as_str().expect("a string");
        // The token in the command is redacted; the rest of it is kept.
        assert!(!shell.contains("s3cr3t-t0ken"), "{shell}");
        assert!(
            shell.starts_with("curl -fsS -H 'Authorization: Bearer ")
                && shell.ends_with(" http://localhost:3000/health || exit 1"),
            "{shell}"
        );
        assert_eq!(
            containers[1],
            json!({
                "name": "log-router",
                "image": "public.ecr.aws/aws-observability/aws-for-fluent-bit:stable",
                "health_check": null,
                "log_driver": "awsfirelens",
                "log_group": null,
            })
        );
        assert_eq!(records[1].id, "retired");
        assert_eq!(records[1].observation, Observation::Absent);
    }

    /// Discovery lists every cluster and every service of each, following nextToken; a cluster
    /// whose services cannot be listed is an error record, for its services and their families.
    #[tokio::test]
    async fn discovery_pages_list_clusters_and_list_services() {
        // Every call, as `Action body`.
        let calls = std::sync::Arc::new(std::sync::Mutex::new(Vec::<String>::new()));
        let log = calls.clone();
        let replay = Replay::by_request(move |request| {
            let action = target(request)
                .strip_prefix("AmazonEC2ContainerServiceV20141113.")
                .unwrap_or_default();
            let body = request.lines().nth(1).unwrap_or_default();
            log.lock().expect("lock").push(format!("{action} {body}"));
            let answer = match action {
                "ListClusters" if request.contains(r#""nextToken":"clusters-2""#) => {
                    format!(r#"{{"clusterArns":["{ARN}:cluster/staging"]}}"#)
                }
                "ListClusters" => {
                    format!(r#"{{"clusterArns":["{ARN}:cluster/prod"],"nextToken":"clusters-2"}}"#)
                }
                "DescribeClusters" => format!(
                    r#"{{"clusters":[
                    {{"clusterArn":"{ARN}:cluster/prod","clusterName":"prod","status":"ACTIVE","settings":[{{"name":"containerInsights","value":"enabled"}}],"capacityProviders":["FARGATE"]}},
                    {{"clusterArn":"{ARN}:cluster/staging","clusterName":"staging","status":"ACTIVE","settings":[{{"name":"containerInsights","value":"disabled"}}],"capacityProviders":[]}}],
                    "failures":[]}}"#
                ),
                "ListServices" if request.contains(r#""cluster":"staging""#) => {
                    return (
                        400,
                        error_body(
                            "AccessDeniedException",
                            "User is not authorized to perform: ecs:ListServices",
                        ),
                    )
                }
                "ListServices" if request.contains(r#""nextToken":"services-2""#) => {
                    format!(r#"{{"serviceArns":["{ARN}:service/prod/worker"]}}"#)
                }
                "ListServices" => format!(
                    r#"{{"serviceArns":["{ARN}:service/prod/api"],"nextToken":"services-2"}}"#
                ),
                "DescribeServices" => services_answer(),
                "DescribeTaskDefinition" if request.contains(r#""taskDefinition":"api-prod""#) => {
                    task_definition_answer("api-prod", 12)
                }
                "DescribeTaskDefinition" => task_definition_answer("worker", 3),
                other => panic!("unexpected {other}: {request}"),
            };
            (200, answer)
        });
        let found = discover(&replay.connection()).await;
        let calls = calls.lock().expect("lock").clone();
        let made = |action: &str| -> Vec<&str> {
            calls
                .iter()
                .filter_map(|c| c.strip_prefix(action)?.strip_prefix(' '))
                .collect()
        };
        // Each list followed its token to the last page, and no further.
        let clusters_pages = made("ListClusters");
        assert_eq!(clusters_pages.len(), 2, "{calls:#?}");
        assert!(!clusters_pages[0].contains("nextToken"), "{calls:#?}");
        assert!(
            clusters_pages[1].contains(r#""nextToken":"clusters-2""#),
            "{calls:#?}"
        );
        let mut services_pages = made("ListServices");
        services_pages.sort_unstable();
        assert_eq!(
            services_pages,
            [
                r#"{"cluster":"prod","nextToken":"services-2"}"#,
                r#"{"cluster":"prod"}"#,
                r#"{"cluster":"staging"}"#,
            ],
            "{calls:#?}"
        );
        assert_eq!(
            made("DescribeServices"),
            [r#"{"cluster":"prod","services":["api","worker"]}"#],
            "{calls:#?}"
        );
        assert_eq!(made("DescribeTaskDefinition").len(), 2, "{calls:#?}");
        let summary = |records: &[ResourceRecord]| -> Vec<(String, &'static str)> {
            records
                .iter()
                .map(|r| {
                    let state = match &r.observation {
                        Observation::Present { .. } => "present",
                        Observation::Absent => "absent",
                        Observation::Error { .. } => "error",
                        _ => "other",
                    };
                    (r.id.clone(), state)
                })
                .collect()
        };
        let clusters = found.clusters.expect("clusters");
        assert_eq!(
            summary(&clusters),
            [("prod".into(), "present"), ("staging".into(), "present")]
        );
        assert_eq!(
            attrs(&clusters[1].observation)["container_insights"],
            json!("disabled")
        );
        let services = found.services.expect("services");
        assert_eq!(
            summary(&services),
            [
                ("prod/api".into(), "present"),
                ("prod/worker".into(), "present"),
                ("staging/*".into(), "error"),
            ]
        );
        assert_eq!(
            attrs(&services[0].observation)["deployment_circuit_breaker"],
            json!(true)
        );
        match &services[2].observation {
            Observation::Error { error } => assert!(
                error.starts_with("the services of cluster `staging` could not be listed: access denied: the caller may not call `ecs:ListServices`"),
                "{error}"
            ),
            other => panic!("{other:?}"),
        }
        let families = found.task_definitions.expect("task definitions");
        assert_eq!(
            summary(&families),
            [
                ("api-prod".into(), "present"),
                ("worker".into(), "present"),
                ("staging/*".into(), "error"),
            ]
        );
        assert_eq!(attrs(&families[0].observation)["revision"], json!(12));
        assert_eq!(attrs(&families[1].observation)["revision"], json!(3));
    }
}
