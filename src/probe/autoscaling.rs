//! Auto Scaling: one paginated DescribeAutoScalingGroups serves every `autoscaling_group` check,
//! and one paginated DescribePolicies (all groups at once) the `target_tracking_policies` checks.
//! Application Auto Scaling: one paginated DescribeScalableTargets (namespace `ecs`) serves every
//! `ecs_service_scaling` check, and one paginated DescribeScalingPolicies its policy checks. The
//! policy lists are made only when a spec checks policies of a resource that exists.

use std::collections::{BTreeMap, HashMap};

use aws_sdk_applicationautoscaling::types::{
    PolicyType, ScalableDimension, ScalableTarget, ScalingPolicy as EcsPolicy, ServiceNamespace,
};
use aws_sdk_autoscaling::types::{AutoScalingGroup, ScalingPolicy};
use futures::StreamExt;
use serde_json::{json, Value};

use super::{all_errors, by_id, collect_pages, of_kind};
use crate::aws::Connection;
use crate::plan::operations_for;
use crate::snapshot::{Observation, ResourceRecord};
use crate::spec::Resource;

const GROUPS: &str = "autoscaling:DescribeAutoScalingGroups";
const POLICIES: &str = "autoscaling:DescribePolicies";
const TARGETS: &str = "application-autoscaling:DescribeScalableTargets";
const SCALING_POLICIES: &str = "application-autoscaling:DescribeScalingPolicies";

/// Observes the named Auto Scaling groups.
pub async fn observe_groups(conn: &Connection, resources: &[&Resource]) -> Vec<ResourceRecord> {
    let named = of_kind(resources, "autoscaling_group");
    if named.is_empty() {
        return Vec::new();
    }
    let client = crate::client!(aws_sdk_autoscaling, conn);
    let listed = collect_pages(
        client
            .describe_auto_scaling_groups()
            .into_paginator()
            .send(),
        GROUPS,
        |page| page.auto_scaling_groups.unwrap_or_default(),
    )
    .await;
    let groups = match listed {
        Ok(listed) => by_id(listed, |g: &AutoScalingGroup| {
            g.auto_scaling_group_name.clone()
        }),
        Err(e) => return all_errors(&named, &e),
    };
    let wants_policies = named
        .iter()
        .any(|r| groups.contains_key(&r.id) && operations_for(r).contains(POLICIES));
    type Policies = (HashMap<String, Vec<Value>>, HashMap<String, Vec<Value>>);
    let policies: Option<Result<Policies, String>> = if wants_policies {
        Some(
            collect_pages(
                client.describe_policies().into_paginator().send(),
                POLICIES,
                |page| page.scaling_policies.unwrap_or_default(),
            )
            .await
            .map(|all| {
                let tracking = group_policies(all.iter().filter_map(|p| {
                    Some((p.auto_scaling_group_name()?.to_string(), group_policy(p)?))
                }));
                let mut steps: HashMap<String, Vec<Value>> = HashMap::new();
                for p in &all {
                    if let (Some(group), Some(v)) = (p.auto_scaling_group_name(), step_policy(p)) {
                        steps.entry(group.to_string()).or_default().push(v);
                    }
                }
                for list in steps.values_mut() {
                    list.sort_by_key(|v| v["name"].as_str().unwrap_or_default().to_string());
                }
                (tracking, steps)
            }),
        )
    } else {
        None
    };
    // The launch template versions the named groups launch from, once each, only when checked.
    let wanted_templates: Vec<(String, String)> = {
        let mut v: Vec<(String, String)> = named
            .iter()
            .filter(|r| operations_for(r).contains(TEMPLATE_VERSIONS))
            .filter_map(|r| launch_template_of(groups.get(&r.id)?))
            .collect();
        v.sort();
        v.dedup();
        v
    };
    let templates: HashMap<(String, String), Result<(Value, Value), String>> =
        if wanted_templates.is_empty() {
            HashMap::new()
        } else {
            let ec2 = crate::client!(aws_sdk_ec2, conn);
            let ec2 = &ec2;
            futures::stream::iter(wanted_templates)
                .map(|(name, version)| async move {
                    let read = template_version(ec2, &name, &version).await;
                    ((name, version), read)
                })
                .buffered(conn.max_concurrency)
                .collect()
                .await
        };
    named
        .iter()
        .map(|r| {
            let observation = match groups.get(&r.id) {
                None => Observation::Absent,
                Some(g) => {
                    let mut attributes = group_attributes(g);
                    let mut errors = BTreeMap::new();
                    if operations_for(r).contains(POLICIES) {
                        let (tracking, steps) = match policies.as_ref() {
                            Some(Ok((t, s))) => (Some(Ok(t.clone())), Some(Ok(s.clone()))),
                            Some(Err(e)) => (Some(Err(e.clone())), Some(Err(e.clone()))),
                            None => (None, None),
                        };
                        insert_policies(&mut attributes, &mut errors, tracking.as_ref(), &r.id);
                        match steps {
                            Some(Ok(all)) => {
                                attributes.insert(
                                    "step_scaling_policies".into(),
                                    json!(all.get(&r.id).cloned().unwrap_or_default()),
                                );
                            }
                            Some(Err(e)) => {
                                errors.insert("step_scaling_policies".into(), e);
                            }
                            None => {}
                        }
                    }
                    if operations_for(r).contains(TEMPLATE_VERSIONS) {
                        match launch_template_of(g) {
                            // No launch template (a launch configuration): nothing to read.
                            None => {
                                attributes.insert("image_id".into(), Value::Null);
                                attributes.insert("instance_type".into(), Value::Null);
                            }
                            Some(key) => match templates.get(&key) {
                                Some(Ok((image, ty))) => {
                                    attributes.insert("image_id".into(), image.clone());
                                    attributes.insert("instance_type".into(), ty.clone());
                                }
                                Some(Err(e)) => {
                                    errors.insert("image_id".into(), e.clone());
                                    errors.insert("instance_type".into(), e.clone());
                                }
                                None => {}
                            },
                        }
                    }
                    Observation::Present { attributes, errors }
                }
            };
            record(r, observation)
        })
        .collect()
}

const TEMPLATE_VERSIONS: &str = "ec2:DescribeLaunchTemplateVersions";

/// The AMI and instance type of one launch template version (`$Latest`, `$Default` or a
/// number), by template name (or id, `lt-…`).
async fn template_version(
    ec2: &aws_sdk_ec2::Client,
    template: &str,
    version: &str,
) -> Result<(Value, Value), String> {
    let call = ec2.describe_launch_template_versions().versions(version);
    let call = if template.starts_with("lt-") {
        call.launch_template_id(template)
    } else {
        call.launch_template_name(template)
    };
    let out = call
        .send()
        .await
        .map_err(|e| super::describe_error(TEMPLATE_VERSIONS, &e))?;
    let data = out
        .launch_template_versions()
        .first()
        .ok_or_else(|| {
            format!("`{TEMPLATE_VERSIONS}` answered no version {version} of `{template}`")
        })?
        .launch_template_data();
    Ok((
        json!(data.and_then(|d| d.image_id())),
        json!(data.and_then(|d| d.instance_type()).map(|t| t.as_str())),
    ))
}

/// A step or simple scaling policy of a group as `{name, type, adjustment_type, alarms,
/// scaling_adjustment, steps}`; None for target tracking and predictive policies.
pub fn step_policy(p: &ScalingPolicy) -> Option<Value> {
    let ty = p.policy_type()?;
    if ty != "StepScaling" && ty != "SimpleScaling" {
        return None;
    }
    let mut alarms: Vec<&str> = p.alarms().iter().filter_map(|a| a.alarm_name()).collect();
    alarms.sort_unstable();
    let steps: Vec<Value> = p
        .step_adjustments()
        .iter()
        .map(|s| {
            json!({
                "lower": s.metric_interval_lower_bound(),
                "upper": s.metric_interval_upper_bound(),
                "adjustment": s.scaling_adjustment(),
            })
        })
        .collect();
    Some(json!({
        "name": p.policy_name(),
        "type": ty,
        "adjustment_type": p.adjustment_type(),
        "alarms": alarms,
        "scaling_adjustment": p.scaling_adjustment(),
        "steps": steps,
    }))
}

/// Observes the named ECS service scaling targets (`cluster/service`).
pub async fn observe_ecs_scaling(
    conn: &Connection,
    resources: &[&Resource],
) -> Vec<ResourceRecord> {
    let named = of_kind(resources, "ecs_service_scaling");
    if named.is_empty() {
        return Vec::new();
    }
    // Malformed ids are errors and cost no calls.
    let (valid, malformed): (Vec<&Resource>, Vec<&Resource>) = named
        .into_iter()
        .partition(|r| resource_id(&r.id).is_some());
    let mut records: Vec<ResourceRecord> = malformed
        .iter()
        .map(|r| {
            record(
                r,
                Observation::Error {
                    error: format!(
                        "`{}`: an ecs_service_scaling id must be cluster/service, e.g. `production/backend`",
                        r.id
                    ),
                },
            )
        })
        .collect();
    if valid.is_empty() {
        return records;
    }
    let client = crate::client!(aws_sdk_applicationautoscaling, conn);
    let listed = collect_pages(
        client
            .describe_scalable_targets()
            .service_namespace(ServiceNamespace::Ecs)
            .into_paginator()
            .send(),
        TARGETS,
        |page| page.scalable_targets.unwrap_or_default(),
    )
    .await;
    let targets: HashMap<String, ScalableTarget> = match listed {
        Ok(listed) => listed
            .into_iter()
            .filter(|t| *t.scalable_dimension() == ScalableDimension::EcsServiceDesiredCount)
            .map(|t| (t.resource_id().to_string(), t))
            .collect(),
        Err(e) => {
            records.extend(all_errors(&valid, &e));
            return records;
        }
    };
    let target_of = |r: &Resource| resource_id(&r.id).and_then(|id| targets.get(&id));
    let wants_policies = valid
        .iter()
        .any(|r| target_of(r).is_some() && operations_for(r).contains(SCALING_POLICIES));
    let policies: Option<Result<HashMap<String, Vec<Value>>, String>> = if wants_policies {
        Some(
            collect_pages(
                client
                    .describe_scaling_policies()
                    .service_namespace(ServiceNamespace::Ecs)
                    .into_paginator()
                    .send(),
                SCALING_POLICIES,
                |page| page.scaling_policies.unwrap_or_default(),
            )
            .await
            .map(|all| {
                group_policies(
                    all.iter()
                        .filter(|p| {
                            *p.scalable_dimension() == ScalableDimension::EcsServiceDesiredCount
                        })
                        .filter_map(|p| Some((p.resource_id().to_string(), ecs_policy(p)?))),
                )
            }),
        )
    } else {
        None
    };
    records.extend(valid.iter().map(|r| {
        let observation = match target_of(r) {
            None => Observation::Absent,
            Some(t) => {
                let mut attributes = BTreeMap::from([
                    ("min_capacity".to_string(), json!(t.min_capacity())),
                    ("max_capacity".to_string(), json!(t.max_capacity())),
                ]);
                let mut errors = BTreeMap::new();
                if operations_for(r).contains(SCALING_POLICIES) {
                    insert_policies(
                        &mut attributes,
                        &mut errors,
                        policies.as_ref(),
                        t.resource_id(),
                    );
                }
                Observation::Present { attributes, errors }
            }
        };
        record(r, observation)
    }));
    records
}

fn record(r: &Resource, observation: Observation) -> ResourceRecord {
    ResourceRecord {
        kind: r.kind.name.to_string(),
        id: r.id.clone(),
        observation,
    }
}

/// Application Auto Scaling's resource id of an ECS service: `service/<cluster>/<service>`.
fn resource_id(id: &str) -> Option<String> {
    let (cluster, service) = crate::catalog::id::split_cluster_service(id).ok()?;
    Some(format!("service/{cluster}/{service}"))
}

/// Policies per owner, each owner's sorted by metric then target value (the API's order is not
/// meaningful, and list equality is element-wise in order).
fn group_policies(items: impl Iterator<Item = (String, Value)>) -> HashMap<String, Vec<Value>> {
    let mut out: HashMap<String, Vec<Value>> = HashMap::new();
    for (owner, policy) in items {
        out.entry(owner).or_default().push(policy);
    }
    for list in out.values_mut() {
        list.sort_by(|a, b| {
            let key = |v: &Value| (v["metric"].to_string(), v["target_value"].as_f64());
            key(a)
                .partial_cmp(&key(b))
                .unwrap_or(std::cmp::Ordering::Equal)
        });
    }
    out
}

fn insert_policies(
    attributes: &mut BTreeMap<String, Value>,
    errors: &mut BTreeMap<String, String>,
    policies: Option<&Result<HashMap<String, Vec<Value>>, String>>,
    owner: &str,
) {
    match policies {
        Some(Ok(all)) => {
            attributes.insert(
                "target_tracking_policies".into(),
                json!(all.get(owner).cloned().unwrap_or_default()),
            );
        }
        Some(Err(e)) => {
            errors.insert("target_tracking_policies".into(), e.clone());
        }
        None => {}
    }
}

/// A target tracking policy of a group as `{metric, target_value}`; None for other policy types.
/// The metric is the predefined metric type, or the custom metric's name (null for a metric
/// math customisation).
pub fn group_policy(p: &ScalingPolicy) -> Option<Value> {
    if p.policy_type() != Some("TargetTrackingScaling") {
        return None;
    }
    let c = p.target_tracking_configuration()?;
    let metric = c
        .predefined_metric_specification()
        .and_then(|m| m.predefined_metric_type())
        .map(|t| t.as_str().to_string())
        .or_else(|| {
            c.customized_metric_specification()
                .and_then(|m| m.metric_name())
                .map(str::to_string)
        });
    Some(json!({ "metric": metric, "target_value": c.target_value() }))
}

/// A target tracking policy of an ECS service as `{metric, target_value}`.
pub fn ecs_policy(p: &EcsPolicy) -> Option<Value> {
    if *p.policy_type() != PolicyType::TargetTrackingScaling {
        return None;
    }
    let c = p.target_tracking_scaling_policy_configuration()?;
    let metric = c
        .predefined_metric_specification()
        .map(|m| m.predefined_metric_type().as_str().to_string())
        .or_else(|| {
            c.customized_metric_specification()
                .and_then(|m| m.metric_name())
                .map(str::to_string)
        });
    Some(json!({ "metric": metric, "target_value": c.target_value() }))
}

/// The launch template a group launches from (its own, or its mixed instances policy's):
/// (name or id, version as written: `$Latest`, `$Default` or a number).
fn launch_template_of(g: &AutoScalingGroup) -> Option<(String, String)> {
    let spec = g.launch_template().or_else(|| {
        g.mixed_instances_policy()?
            .launch_template()?
            .launch_template_specification()
    })?;
    let name = spec
        .launch_template_name()
        .or(spec.launch_template_id())?
        .to_string();
    Some((name, spec.version().unwrap_or("$Default").to_string()))
}

/// The catalog's `autoscaling_group` attributes DescribeAutoScalingGroups reports.
pub fn group_attributes(g: &AutoScalingGroup) -> BTreeMap<String, Value> {
    let mut zones: Vec<&str> = g.availability_zones().iter().map(String::as_str).collect();
    zones.sort_unstable();
    let template = launch_template_of(g);
    BTreeMap::from([
        (
            "launch_template".into(),
            json!(template.as_ref().map(|(name, _)| name)),
        ),
        (
            "launch_template_version".into(),
            json!(template.as_ref().map(|(_, version)| version)),
        ),
        (
            "launch_configuration".into(),
            json!(g.launch_configuration_name()),
        ),
        ("min_size".into(), json!(g.min_size())),
        ("max_size".into(), json!(g.max_size())),
        ("desired_capacity".into(), json!(g.desired_capacity())),
        ("health_check_type".into(), json!(g.health_check_type())),
        (
            "health_check_grace_period".into(),
            json!(g.health_check_grace_period()),
        ),
        ("target_group_arns".into(), json!(g.target_group_arns())),
        ("availability_zones".into(), json!(zones)),
        ("instance_count".into(), json!(g.instances().len())),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::probe::replay::Replay;

    #[test]
    fn ecs_service_ids_map_to_application_auto_scaling_resource_ids() {
        assert_eq!(
            resource_id("production/backend").as_deref(),
            Some("service/production/backend")
        );
        for bad in ["backend", "/backend", "production/", "a/b/c"] {
            assert_eq!(resource_id(bad), None, "{bad}");
        }
    }

    #[test]
    fn only_target_tracking_policies_are_reported_sorted_by_metric() {
        use aws_sdk_autoscaling::types::{
            CustomizedMetricSpecification, MetricType, PredefinedMetricSpecification,
            TargetTrackingConfiguration,
        };
        let tracking = |name: &str, config: TargetTrackingConfiguration| {
            ScalingPolicy::builder()
                .auto_scaling_group_name("web")
                .policy_name(name)
                .policy_type("TargetTrackingScaling")
                .target_tracking_configuration(config)
                .build()
        };
        let cpu = tracking(
            "cpu",
            TargetTrackingConfiguration::builder()
                .predefined_metric_specification(
                    PredefinedMetricSpecification::builder()
                        .predefined_metric_type(MetricType::AsgAverageCpuUtilization)
                        .build(),
                )
                .target_value(60.0)
                .build(),
        );
        let queue = tracking(
            "queue",
            TargetTrackingConfiguration::builder()
                .customized_metric_specification(
                    CustomizedMetricSpecification::builder()
                        .metric_name("QueueDepth")
                        .build(),
                )
                .target_value(10.0)
                .build(),
        );
        let simple = ScalingPolicy::builder()
            .auto_scaling_group_name("web")
            .policy_type("SimpleScaling")
            .build();
        assert_eq!(group_policy(&simple), None);
        let grouped = group_policies(
            [&queue, &simple, &cpu]
                .into_iter()
                .filter_map(|p| Some(("web".to_string(), group_policy(p)?))),
        );
        assert_eq!(
            json!(grouped["web"]),
            json!([
                {"metric": "ASGAverageCPUUtilization", "target_value": 60.0},
                {"metric": "QueueDepth", "target_value": 10.0},
            ])
        );
    }

    fn spec(text: &str) -> crate::spec::Spec {
        crate::spec::from_str(std::path::Path::new("inline.yaml"), text).expect("spec")
    }

    /// moto's DescribePolicies ignores MaxRecords (one page), so paging is proven by replay:
    /// groups on two pages, policies on two pages, each second page asked for with the token.
    #[tokio::test]
    async fn groups_and_policies_are_read_across_pages() {
        let group = |name: &str| {
            format!(
                "<member><AutoScalingGroupName>{name}</AutoScalingGroupName><MinSize>2</MinSize><MaxSize>10</MaxSize>\
                 <DesiredCapacity>3</DesiredCapacity><DefaultCooldown>300</DefaultCooldown>\
                 <AvailabilityZones><member>ap-northeast-2c</member><member>ap-northeast-2a</member></AvailabilityZones>\
                 <HealthCheckType>ELB</HealthCheckType><CreatedTime>2026-11-22T00:00:00Z</CreatedTime></member>"
            )
        };
        let groups_page = |name: &str, next: &str| {
            format!(
                "<DescribeAutoScalingGroupsResponse><DescribeAutoScalingGroupsResult><AutoScalingGroups>{}</AutoScalingGroups>{next}</DescribeAutoScalingGroupsResult></DescribeAutoScalingGroupsResponse>",
                group(name)
            )
        };
        let policy = |group: &str, metric: &str, target: &str| {
            format!(
                "<member><AutoScalingGroupName>{group}</AutoScalingGroupName><PolicyName>p-{metric}</PolicyName>\
                 <PolicyType>TargetTrackingScaling</PolicyType><TargetTrackingConfiguration>\
                 <PredefinedMetricSpecification><PredefinedMetricType>{metric}</PredefinedMetricType></PredefinedMetricSpecification>\
                 <TargetValue>{target}</TargetValue></TargetTrackingConfiguration></member>"
            )
        };
        let policies_page = |body: String, next: &str| {
            format!(
                "<DescribePoliciesResponse><DescribePoliciesResult><ScalingPolicies>{body}</ScalingPolicies>{next}</DescribePoliciesResult></DescribePoliciesResponse>"
            )
        };
        let replay = Replay::new(&[
            (200, &groups_page("web", "<NextToken>g-2</NextToken>")),
            (200, &groups_page("worker", "")),
            (
                200,
                &policies_page(
                    policy("web", "ASGAverageCPUUtilization", "60.0"),
                    "<NextToken>p-2</NextToken>",
                ),
            ),
            (
                200,
                &policies_page(
                    policy("web", "ALBRequestCountPerTarget", "1000.0")
                        + &policy("worker", "ASGAverageCPUUtilization", "70.0"),
                    "",
                ),
            ),
        ]);
        let spec = spec(
            "version: 1\nenvironment: test\nresources:\n\
             - kind: autoscaling_group\n  id: web\n  expect: { target_tracking_policies: [] }\n\
             - kind: autoscaling_group\n  id: worker\n  expect: { min_size: 2 }\n\
             - kind: autoscaling_group\n  id: gone\n  expect: { target_tracking_policies: [] }\n",
        );
        let conn = replay.connection();
        let resources: Vec<&Resource> = spec.resources.iter().collect();
        let records = observe_groups(&conn, &resources).await;
        let requests = replay.requests();
        assert_eq!(requests.len(), 4, "{requests:#?}");
        assert!(requests[1].contains("NextToken=g-2"), "{}", requests[1]);
        assert!(
            requests[2].contains("Action=DescribePolicies"),
            "{}",
            requests[2]
        );
        assert!(
            !requests[2].contains("AutoScalingGroupName"),
            "{}",
            requests[2]
        );
        assert!(requests[3].contains("NextToken=p-2"), "{}", requests[3]);
        let Observation::Present { attributes, errors } = &records[0].observation else {
            panic!("{records:?}")
        };
        assert!(errors.is_empty());
        assert_eq!(
            attributes["target_tracking_policies"],
            json!([
                {"metric": "ALBRequestCountPerTarget", "target_value": 1000.0},
                {"metric": "ASGAverageCPUUtilization", "target_value": 60.0},
            ])
        );
        assert_eq!(
            attributes["availability_zones"],
            json!(["ap-northeast-2a", "ap-northeast-2c"])
        );
        assert_eq!(attributes["instance_count"], json!(0));
        // `worker` does not check its policies: none recorded.
        let Observation::Present { attributes, .. } = &records[1].observation else {
            panic!("{records:?}")
        };
        assert!(!attributes.contains_key("target_tracking_policies"));
        assert_eq!(records[2].observation, Observation::Absent);
    }

    /// A group's launch template version (EC2 DescribeLaunchTemplateVersions, once per distinct
    /// template and version, only when checked) and its step scaling policy with the alarm that
    /// triggers it, as the API references shape them.
    #[tokio::test]
    async fn launch_template_version_and_step_policies() {
        let group = |name: &str, version: &str| {
            format!(
                "<member><AutoScalingGroupName>{name}</AutoScalingGroupName><MinSize>1</MinSize><MaxSize>4</MaxSize>\
                 <DesiredCapacity>2</DesiredCapacity><LaunchTemplate><LaunchTemplateId>lt-0abcdef1234567890</LaunchTemplateId>\
                 <LaunchTemplateName>tickets-app</LaunchTemplateName><Version>{version}</Version></LaunchTemplate>\
                 <AvailabilityZones><member>ap-northeast-2a</member></AvailabilityZones><HealthCheckType>EC2</HealthCheckType></member>"
            )
        };
        let groups = format!(
            "<DescribeAutoScalingGroupsResponse><DescribeAutoScalingGroupsResult><AutoScalingGroups>{}{}</AutoScalingGroups></DescribeAutoScalingGroupsResult></DescribeAutoScalingGroupsResponse>",
            group("tickets-app", "$Latest"),
            group("tickets-app-canary", "$Latest")
        );
        let policies = "<DescribePoliciesResponse><DescribePoliciesResult><ScalingPolicies><member>\
            <AutoScalingGroupName>tickets-app</AutoScalingGroupName><PolicyName>scale-out-on-cpu</PolicyName>\
            <PolicyType>StepScaling</PolicyType><AdjustmentType>ChangeInCapacity</AdjustmentType>\
            <StepAdjustments><member><MetricIntervalLowerBound>0.0</MetricIntervalLowerBound><MetricIntervalUpperBound>20.0</MetricIntervalUpperBound><ScalingAdjustment>1</ScalingAdjustment></member>\
            <member><MetricIntervalLowerBound>20.0</MetricIntervalLowerBound><ScalingAdjustment>2</ScalingAdjustment></member></StepAdjustments>\
            <Alarms><member><AlarmName>tickets-app-cpu-high</AlarmName><AlarmARN>arn:aws:cloudwatch:ap-northeast-2:123456789012:alarm:tickets-app-cpu-high</AlarmARN></member></Alarms>\
            <Enabled>true</Enabled></member></ScalingPolicies></DescribePoliciesResult></DescribePoliciesResponse>";
        let versions = r#"<DescribeLaunchTemplateVersionsResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>r</requestId><launchTemplateVersionSet><item>
            <launchTemplateId>lt-0abcdef1234567890</launchTemplateId><launchTemplateName>tickets-app</launchTemplateName><versionNumber>3</versionNumber>
            <defaultVersion>false</defaultVersion><launchTemplateData><imageId>ami-0123456789abcdef0</imageId><instanceType>t3.small</instanceType></launchTemplateData>
            </item></launchTemplateVersionSet></DescribeLaunchTemplateVersionsResponse>"#;
        let replay = Replay::by_request(move |request| {
            if request.contains("Action=DescribeAutoScalingGroups") {
                (200, groups.clone())
            } else if request.contains("Action=DescribePolicies") {
                (200, policies.to_string())
            } else if request.contains("Action=DescribeLaunchTemplateVersions") {
                (200, versions.to_string())
            } else {
                (400, format!("<ErrorResponse><Error><Code>InvalidAction</Code><Message>{request}</Message></Error></ErrorResponse>"))
            }
        });
        let spec = spec(
            "version: 1\nenvironment: test\nresources:\n\
             - kind: autoscaling_group\n  id: tickets-app\n  expect: { image_id: ami-0123456789abcdef0, step_scaling_policies: [] }\n\
             - kind: autoscaling_group\n  id: tickets-app-canary\n  expect: { instance_type: t3.small }\n",
        );
        let resources: Vec<&Resource> = spec.resources.iter().collect();
        let records = observe_groups(&replay.connection(), &resources).await;
        let requests = replay.requests();
        let versions: Vec<&String> = requests
            .iter()
            .filter(|r| r.contains("Action=DescribeLaunchTemplateVersions"))
            .collect();
        // Two groups on one template version: asked once.
        assert_eq!(versions.len(), 1, "{requests:#?}");
        assert!(
            versions[0].contains("LaunchTemplateName=tickets-app")
                && versions[0].contains("LaunchTemplateVersion.1=%24Latest"),
            "{}",
            versions[0]
        );
        let Observation::Present { attributes, errors } = &records[0].observation else {
            panic!("{records:?}")
        };
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(attributes["launch_template"], json!("tickets-app"));
        assert_eq!(attributes["launch_template_version"], json!("$Latest"));
        assert_eq!(attributes["launch_configuration"], Value::Null);
        assert_eq!(attributes["image_id"], json!("ami-0123456789abcdef0"));
        assert_eq!(attributes["instance_type"], json!("t3.small"));
        assert_eq!(
            attributes["step_scaling_policies"],
            json!([{
                "name": "scale-out-on-cpu", "type": "StepScaling", "adjustment_type": "ChangeInCapacity",
                "alarms": ["tickets-app-cpu-high"], "scaling_adjustment": null,
                "steps": [
                    {"lower": 0.0, "upper": 20.0, "adjustment": 1},
                    {"lower": 20.0, "upper": null, "adjustment": 2},
                ],
            }])
        );
        let Observation::Present { attributes, .. } = &records[1].observation else {
            panic!("{records:?}")
        };
        assert_eq!(attributes["instance_type"], json!("t3.small"));
        assert!(!attributes.contains_key("step_scaling_policies"));
    }

    /// Scalable targets and scaling policies on two pages each (moto does not page them).
    #[tokio::test]
    async fn scalable_targets_and_policies_are_read_across_pages() {
        let target = |service: &str, next: &str| {
            format!(
                r#"{{"ScalableTargets":[{{"ServiceNamespace":"ecs","ResourceId":"service/prod/{service}","ScalableDimension":"ecs:service:DesiredCount","MinCapacity":2,"MaxCapacity":6,"RoleARN":"arn:aws:iam::123456789012:role/r","CreationTime":1767225600}}]{next}}}"#
            )
        };
        let policy = |service: &str, metric: &str, next: &str| {
            format!(
                r#"{{"ScalingPolicies":[{{"PolicyARN":"arn:p","PolicyName":"{metric}","ServiceNamespace":"ecs","ResourceId":"service/prod/{service}","ScalableDimension":"ecs:service:DesiredCount","PolicyType":"TargetTrackingScaling","TargetTrackingScalingPolicyConfiguration":{{"TargetValue":70.0,"PredefinedMetricSpecification":{{"PredefinedMetricType":"{metric}"}}}},"CreationTime":1767225600}}]{next}}}"#
            )
        };
        let replay = Replay::new(&[
            (200, &target("backend", r#","NextToken":"t-2""#)),
            (200, &target("worker", "")),
            (
                200,
                &policy(
                    "backend",
                    "ECSServiceAverageCPUUtilization",
                    r#","NextToken":"p-2""#,
                ),
            ),
            (
                200,
                &policy("backend", "ECSServiceAverageMemoryUtilization", ""),
            ),
        ]);
        let spec = spec(
            "version: 1\nenvironment: test\nresources:\n\
             - kind: ecs_service_scaling\n  id: prod/backend\n  expect: { max_capacity: 6, target_tracking_policies: [] }\n\
             - kind: ecs_service_scaling\n  id: prod/worker\n  expect: { target_tracking_policies: [] }\n\
             - kind: ecs_service_scaling\n  id: prod/api\n",
        );
        let conn = replay.connection();
        // The loader refuses an id without its cluster (catalog::IdFormat::ClusterService); a
        // resource built by hand through the library still gets an error record, never a pass.
        let mut unsplit = spec.resources[2].clone();
        unsplit.id = "backend".into();
        let resources: Vec<&Resource> = spec.resources[..2]
            .iter()
            .chain(std::iter::once(&unsplit))
            .collect();
        let records = observe_ecs_scaling(&conn, &resources).await;
        let requests = replay.requests();
        assert_eq!(requests.len(), 4, "{requests:#?}");
        assert!(
            requests[0].contains(r#""ServiceNamespace":"ecs""#),
            "{}",
            requests[0]
        );
        assert!(
            requests[1].contains(r#""NextToken":"t-2""#),
            "{}",
            requests[1]
        );
        assert!(
            requests[3].contains(r#""NextToken":"p-2""#),
            "{}",
            requests[3]
        );
        let by_id: HashMap<&str, &Observation> = records
            .iter()
            .map(|r| (r.id.as_str(), &r.observation))
            .collect();
        let Observation::Present { attributes, .. } = by_id["prod/backend"] else {
            panic!("{records:?}")
        };
        assert_eq!(attributes["max_capacity"], json!(6));
        assert_eq!(
            attributes["target_tracking_policies"],
            json!([
                {"metric": "ECSServiceAverageCPUUtilization", "target_value": 70.0},
                {"metric": "ECSServiceAverageMemoryUtilization", "target_value": 70.0},
            ])
        );
        let Observation::Present { attributes, .. } = by_id["prod/worker"] else {
            panic!("{records:?}")
        };
        assert_eq!(attributes["target_tracking_policies"], json!([]));
        assert!(
            matches!(by_id["backend"], Observation::Error { error } if error.contains("cluster/service"))
        );
    }
}
