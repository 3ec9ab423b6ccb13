//! EC2 and VPC: one paginated list per Describe operation per run (DescribeVpcs, DescribeSubnets,
//! DescribeRouteTables, DescribeNatGateways, DescribeInternetGateways, DescribeVpcEndpoints,
//! DescribeFlowLogs, DescribeSecurityGroups, DescribeInstances, DescribeNetworkAcls), each made only when a checked
//! resource needs it and shared by every check that does. DescribeVpcAttribute is the only
//! per-resource call: once per named VPC and DNS attribute checked, a bounded number at once.
//!
//! Named resources are found by their id or, failing that, by their `Name` tag; a `Name` tag
//! carried by more than one resource is an error, never a guess.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use aws_sdk_ec2::types::{
    FlowLog, Instance, InternetGateway, IpPermission, NatGateway, NetworkAcl, NetworkAclEntry,
    RouteTable, SecurityGroup, Subnet, Tag, Vpc, VpcAttributeName, VpcEndpoint,
};
use aws_sdk_ec2::Client;
use futures::stream::{self, StreamExt};
use serde_json::{json, Value};

use super::{all_errors, collect_pages, describe_error, tags_json};
use crate::aws::Connection;
use crate::plan::operations_for;
use crate::snapshot::{Observation, ResourceRecord};
use crate::spec::Resource;

const VPCS: &str = "ec2:DescribeVpcs";
const VPC_ATTRIBUTE: &str = "ec2:DescribeVpcAttribute";
const SUBNETS: &str = "ec2:DescribeSubnets";
const ROUTE_TABLES: &str = "ec2:DescribeRouteTables";
const NAT_GATEWAYS: &str = "ec2:DescribeNatGateways";
const INTERNET_GATEWAYS: &str = "ec2:DescribeInternetGateways";
const VPC_ENDPOINTS: &str = "ec2:DescribeVpcEndpoints";
const FLOW_LOGS: &str = "ec2:DescribeFlowLogs";
const SECURITY_GROUPS: &str = "ec2:DescribeSecurityGroups";
const INSTANCES: &str = "ec2:DescribeInstances";
const NETWORK_ACLS: &str = "ec2:DescribeNetworkAcls";
const IMAGES: &str = "ec2:DescribeImages";
/// The `subnet` attributes read from its route table.
const ROUTE_ATTRIBUTES: [&str; 3] = ["tier", "route_table_id", "routes"];
/// The `subnet` attributes read from its network ACL.
const ACL_ATTRIBUTES: [&str; 4] = [
    "network_acl_id",
    "network_acl_default",
    "network_acl_ingress",
    "network_acl_egress",
];

/// A list that was not needed (`None`), read (`Ok`), or could not be read (`Err`, why).
type Listed<T> = Option<Result<Vec<T>, String>>;

/// Everything listed for this run.
#[derive(Default)]
struct Lists {
    vpcs: Listed<Vpc>,
    subnets: Listed<Subnet>,
    route_tables: Listed<RouteTable>,
    nat_gateways: Listed<NatGateway>,
    internet_gateways: Listed<InternetGateway>,
    vpc_endpoints: Listed<VpcEndpoint>,
    flow_logs: Listed<FlowLog>,
    security_groups: Listed<SecurityGroup>,
    instances: Listed<Instance>,
    network_acls: Listed<NetworkAcl>,
}

/// Observes the named VPCs, subnets, security groups and instances, and the tag selections.
pub async fn observe(conn: &Connection, resources: &[&Resource]) -> Vec<ResourceRecord> {
    if resources.is_empty() {
        return Vec::new();
    }
    let client = crate::client!(aws_sdk_ec2, conn);
    let needed: BTreeSet<&str> = resources.iter().flat_map(|r| operations_for(r)).collect();
    let lists = list_all(&client, &needed).await;
    let region = conn.sdk.region().map(|r| r.to_string());

    let mut records = Vec::new();
    let vpcs = resolve(
        resources,
        "vpc",
        &lists.vpcs,
        |v: &Vpc| v.vpc_id(),
        |v| tag_value(v.tags(), "Name"),
        |v| v.tags(),
        &mut records,
    );
    let vpc_records: Vec<ResourceRecord> = stream::iter(vpcs)
        .map(|t| {
            let client = &client;
            let lists = &lists;
            let region = region.as_deref();
            async move {
                let observation = vpc_observation(client, lists, region, t.resource, t.item).await;
                record("vpc", &t.id, observation)
            }
        })
        .buffered(conn.max_concurrency)
        .collect()
        .await;
    records.extend(vpc_records);

    for t in resolve(
        resources,
        "subnet",
        &lists.subnets,
        |s: &Subnet| s.subnet_id(),
        |s| tag_value(s.tags(), "Name"),
        |s| s.tags(),
        &mut records,
    ) {
        let mut attributes = subnet_attributes(t.item);
        let mut errors = BTreeMap::new();
        for (action, names, read) in [
            (
                ROUTE_TABLES,
                &ROUTE_ATTRIBUTES[..],
                &(|s: &Subnet, l: &Lists| {
                    listed(&l.route_tables).and_then(|rts| route_attributes(s, rts))
                })
                    as &dyn Fn(&Subnet, &Lists) -> Result<Vec<(String, Value)>, String>,
            ),
            (
                NETWORK_ACLS,
                &ACL_ATTRIBUTES[..],
                &|s: &Subnet, l: &Lists| {
                    listed(&l.network_acls).and_then(|acls| network_acl_attributes(s, acls))
                },
            ),
        ] {
            if !wants(t.resource, action) {
                continue;
            }
            match read(t.item, &lists) {
                Ok(values) => attributes.extend(values),
                Err(e) => {
                    for a in names {
                        errors.insert((*a).to_string(), e.clone());
                    }
                }
            }
        }
        records.push(record(
            "subnet",
            &t.id,
            Observation::Present { attributes, errors },
        ));
    }

    for t in resolve(
        resources,
        "security_group",
        &lists.security_groups,
        |g: &SecurityGroup| g.group_id(),
        |g| g.group_name(),
        |g| g.tags(),
        &mut records,
    ) {
        // Source groups by name, from the same (complete) listing as the group itself.
        let names: HashMap<&str, &str> = listed(&lists.security_groups)
            .map(|groups| {
                groups
                    .iter()
                    .filter_map(|g| Some((g.group_id()?, g.group_name()?)))
                    .collect()
            })
            .unwrap_or_default();
        records.push(record(
            "security_group",
            &t.id,
            Observation::Present {
                attributes: security_group_attributes(t.item, &names),
                errors: BTreeMap::new(),
            },
        ));
    }

    let instances = resolve(
        resources,
        "ec2_instance",
        &lists.instances,
        // A terminated instance does not exist.
        |i: &Instance| i.instance_id().filter(|_| !is_terminated(i)),
        |i| tag_value(i.tags(), "Name"),
        |i| i.tags(),
        &mut records,
    );
    // The AMIs of the instances that check one, in one DescribeImages call.
    let mut image_ids: Vec<&str> = instances
        .iter()
        .filter(|t| wants(t.resource, IMAGES))
        .filter_map(|t| t.item.image_id())
        .collect();
    image_ids.sort_unstable();
    image_ids.dedup();
    let images: Result<HashMap<String, (Value, Value)>, String> = if image_ids.is_empty() {
        Ok(HashMap::new())
    } else {
        client
            .describe_images()
            .set_image_ids(Some(image_ids.iter().map(|i| i.to_string()).collect()))
            .send()
            .await
            .map(|out| {
                out.images()
                    .iter()
                    .filter_map(|i| {
                        Some((
                            i.image_id()?.to_string(),
                            (json!(i.name()), json!(i.description())),
                        ))
                    })
                    .collect()
            })
            .map_err(|e| describe_error(IMAGES, &e))
    };
    // What Systems Manager says of them, when checked (ssm.rs).
    let ids: Vec<(&Resource, &str)> = instances
        .iter()
        .filter_map(|t| Some((t.resource, t.item.instance_id()?)))
        .collect();
    let ssm = super::ssm::Managed::read(conn, &ids).await;
    for t in instances {
        let mut attributes = instance_attributes(t.item);
        let mut errors = BTreeMap::new();
        ssm.add(
            t.resource,
            t.item.instance_id(),
            &mut attributes,
            &mut errors,
        );
        if wants(t.resource, IMAGES) {
            let found = match (&images, t.item.image_id()) {
                (Err(e), _) => Err(e.clone()),
                (Ok(_), None) => Err(format!("`{INSTANCES}` reported no AMI for the instance")),
                (Ok(all), Some(id)) => all.get(id).cloned().ok_or_else(|| {
                    format!(
                        "`{IMAGES}` does not describe `{id}` (deregistered, or not shared with this account)"
                    )
                }),
            };
            match found {
                Ok((name, description)) => {
                    attributes.insert("image_name".into(), name);
                    attributes.insert("image_description".into(), description);
                }
                Err(e) => {
                    errors.insert("image_name".into(), e.clone());
                    errors.insert("image_description".into(), e);
                }
            }
        }
        records.push(record(
            "ec2_instance",
            &t.id,
            Observation::Present { attributes, errors },
        ));
    }
    records
}

/// Makes every list operation the spec needs, each once, all at once.
async fn list_all(client: &Client, needed: &BTreeSet<&str>) -> Lists {
    let want = |op: &str| needed.contains(op);
    let (vpcs, subnets, route_tables, nat_gateways, internet_gateways) = tokio::join!(
        maybe(want(VPCS), async {
            collect_pages(client.describe_vpcs().into_paginator().send(), VPCS, |p| {
                p.vpcs.unwrap_or_default()
            })
            .await
        }),
        maybe(want(SUBNETS), async {
            collect_pages(
                client.describe_subnets().into_paginator().send(),
                SUBNETS,
                |p| p.subnets.unwrap_or_default(),
            )
            .await
        }),
        maybe(want(ROUTE_TABLES), async {
            collect_pages(
                client.describe_route_tables().into_paginator().send(),
                ROUTE_TABLES,
                |p| p.route_tables.unwrap_or_default(),
            )
            .await
        }),
        maybe(want(NAT_GATEWAYS), async {
            collect_pages(
                client.describe_nat_gateways().into_paginator().send(),
                NAT_GATEWAYS,
                |p| p.nat_gateways.unwrap_or_default(),
            )
            .await
        }),
        maybe(want(INTERNET_GATEWAYS), async {
            collect_pages(
                client.describe_internet_gateways().into_paginator().send(),
                INTERNET_GATEWAYS,
                |p| p.internet_gateways.unwrap_or_default(),
            )
            .await
        }),
    );
    let (vpc_endpoints, flow_logs, security_groups, instances, network_acls) = tokio::join!(
        maybe(want(VPC_ENDPOINTS), async {
            collect_pages(
                client.describe_vpc_endpoints().into_paginator().send(),
                VPC_ENDPOINTS,
                |p| p.vpc_endpoints.unwrap_or_default(),
            )
            .await
        }),
        maybe(want(FLOW_LOGS), async {
            collect_pages(
                client.describe_flow_logs().into_paginator().send(),
                FLOW_LOGS,
                |p| p.flow_logs.unwrap_or_default(),
            )
            .await
        }),
        maybe(want(SECURITY_GROUPS), async {
            collect_pages(
                client.describe_security_groups().into_paginator().send(),
                SECURITY_GROUPS,
                |p| p.security_groups.unwrap_or_default(),
            )
            .await
        }),
        maybe(want(INSTANCES), async {
            collect_pages(
                client.describe_instances().into_paginator().send(),
                INSTANCES,
                |p| {
                    p.reservations
                        .unwrap_or_default()
                        .into_iter()
                        .flat_map(|r| r.instances.unwrap_or_default())
                        .collect()
                },
            )
            .await
        }),
        maybe(want(NETWORK_ACLS), async {
            collect_pages(
                client.describe_network_acls().into_paginator().send(),
                NETWORK_ACLS,
                |p| p.network_acls.unwrap_or_default(),
            )
            .await
        }),
    );
    Lists {
        vpcs,
        subnets,
        route_tables,
        nat_gateways,
        internet_gateways,
        vpc_endpoints,
        flow_logs,
        security_groups,
        instances,
        network_acls,
    }
}

async fn maybe<T>(
    needed: bool,
    list: impl std::future::Future<Output = Result<Vec<T>, String>>,
) -> Listed<T> {
    if needed {
        Some(list.await)
    } else {
        None
    }
}

/// The items of a list that was read, or why not.
fn listed<T>(list: &Listed<T>) -> Result<&[T], String> {
    match list {
        Some(Ok(items)) => Ok(items),
        Some(Err(e)) => Err(e.clone()),
        None => Err("internal: the list was not planned".into()),
    }
}

fn record(kind: &str, id: &str, observation: Observation) -> ResourceRecord {
    ResourceRecord {
        kind: kind.to_string(),
        id: id.to_string(),
        observation,
    }
}

/// Whether the resource's checks need the operation.
fn wants(resource: &Resource, action: &str) -> bool {
    resource
        .expectations
        .iter()
        .any(|e| e.attribute.operation == action)
}

/// Whether the resource checks the attribute.
fn checks(resource: &Resource, attribute: &str) -> bool {
    resource
        .expectations
        .iter()
        .any(|e| e.attribute.name == attribute)
}

/// One existing resource to observe: the record id (the spec's id for a named resource, the
/// resource's own id for a selection match), the spec entry asking, and what was listed.
struct Target<'a, T> {
    id: String,
    resource: &'a Resource,
    item: &'a T,
}

fn tag_value<'a>(tags: &'a [Tag], key: &str) -> Option<&'a str> {
    tags.iter()
        .find(|t| t.key() == Some(key))
        .and_then(|t| t.value())
}

fn tags_of(tags: &[Tag]) -> Value {
    tags_json(
        tags.iter()
            .filter_map(|t| Some((t.key()?, t.value().unwrap_or("")))),
    )
}

/// Finds each resource of `kind` in its list: by id, else by name (ambiguous: error); a
/// tag selection matches every listed resource. Records for what is absent, unreadable or
/// selected go to `out`; the resources found are returned. Items without an id do not exist.
fn resolve<'a, T>(
    resources: &[&'a Resource],
    kind: &str,
    list: &'a Listed<T>,
    id_of: impl Fn(&T) -> Option<&str>,
    name_of: impl Fn(&T) -> Option<&str>,
    tags: impl Fn(&T) -> &[Tag],
    out: &mut Vec<ResourceRecord>,
) -> Vec<Target<'a, T>> {
    let named: Vec<&Resource> = resources
        .iter()
        .copied()
        .filter(|r| r.kind.name == kind)
        .collect();
    if named.is_empty() {
        return Vec::new();
    }
    let items: Vec<&T> = match listed(list) {
        Ok(items) => items.iter().filter(|i| id_of(i).is_some()).collect(),
        Err(e) => {
            out.extend(all_errors(&named, &e));
            return Vec::new();
        }
    };
    let mut targets = Vec::new();
    for r in named {
        match &r.selector {
            None => {
                let by_id: Vec<&T> = items
                    .iter()
                    .copied()
                    .filter(|i| id_of(i) == Some(r.id.as_str()))
                    .collect();
                let found = if by_id.is_empty() {
                    items
                        .iter()
                        .copied()
                        .filter(|i| name_of(i) == Some(r.id.as_str()))
                        .collect()
                } else {
                    by_id
                };
                match found.as_slice() {
                    [] => out.push(record(kind, &r.id, Observation::Absent)),
                    [item] => targets.push(Target {
                        id: r.id.clone(),
                        resource: r,
                        item: *item,
                    }),
                    many => {
                        let ids: Vec<&str> = many.iter().filter_map(|i| id_of(i)).collect();
                        let error = format!(
                            "`{}` is ambiguous: {} resources are named `{}` ({}); name one by its id",
                            r.id,
                            many.len(),
                            r.id,
                            ids.join(", ")
                        );
                        out.push(record(kind, &r.id, Observation::Error { error }));
                    }
                }
            }
            Some(sel) => {
                let mut matches: Vec<(String, &T)> = items
                    .iter()
                    .filter(|i| sel.matches(&tags_of(tags(i))))
                    .filter_map(|i| Some((id_of(i)?.to_string(), *i)))
                    .collect();
                matches.sort_by(|a, b| a.0.cmp(&b.0));
                out.push(record(
                    kind,
                    &r.id,
                    Observation::Selected {
                        matches: matches.iter().map(|(id, _)| id.clone()).collect(),
                    },
                ));
                targets.extend(matches.into_iter().map(|(id, item)| Target {
                    id,
                    resource: r,
                    item,
                }));
            }
        }
    }
    targets
}

// ---------------------------------------------------------------------------------------------
// VPC

/// Every attribute of one VPC the resource checks: the VPC list's own, then those read from the
/// shared lists, then the DNS attributes (one DescribeVpcAttribute each, only when checked).
async fn vpc_observation(
    client: &Client,
    lists: &Lists,
    region: Option<&str>,
    resource: &Resource,
    vpc: &Vpc,
) -> Observation {
    let id = vpc.vpc_id().unwrap_or_default();
    let mut attributes = BTreeMap::from([
        ("cidr_block".into(), json!(vpc.cidr_block())),
        ("is_default".into(), json!(vpc.is_default())),
        ("tags".into(), tags_of(vpc.tags())),
    ]);
    let mut errors = BTreeMap::new();
    let mut put = |names: &[&str], value: Result<Vec<Value>, String>| match value {
        Ok(values) => {
            for (n, v) in names.iter().zip(values) {
                attributes.insert((*n).to_string(), v);
            }
        }
        Err(e) => {
            for n in names {
                errors.insert((*n).to_string(), e.clone());
            }
        }
    };
    if wants(resource, SUBNETS) {
        put(
            SUBNET_TIER_ATTRIBUTES,
            listed(&lists.subnets)
                .and_then(|subnets| tiers_of_vpc(id, subnets, listed(&lists.route_tables)?)),
        );
    }
    if wants(resource, NAT_GATEWAYS) {
        put(
            &["nat_gateway_count"],
            listed(&lists.nat_gateways).map(|ngws| {
                let n = ngws
                    .iter()
                    .filter(|g| g.vpc_id() == Some(id))
                    .filter(|g| g.state().map(|s| s.as_str()) == Some("available"))
                    .count();
                vec![json!(n)]
            }),
        );
    }
    if wants(resource, INTERNET_GATEWAYS) {
        put(
            &["internet_gateway_attached"],
            listed(&lists.internet_gateways).map(|igws| {
                let attached = igws.iter().any(|g| {
                    g.attachments().iter().any(|a| {
                        a.vpc_id() == Some(id)
                            && a.state()
                                .is_some_and(|s| matches!(s.as_str(), "available" | "attached"))
                    })
                });
                vec![json!(attached)]
            }),
        );
    }
    if wants(resource, VPC_ENDPOINTS) {
        put(
            &["s3_gateway_endpoint"],
            listed(&lists.vpc_endpoints)
                .map(|eps| vec![json!(eps.iter().any(|e| is_s3_gateway(e, id, region)))]),
        );
    }
    if wants(resource, FLOW_LOGS) {
        put(
            &["flow_logs_enabled"],
            listed(&lists.flow_logs).map(|logs| {
                let on = logs.iter().any(|f| {
                    f.resource_id() == Some(id)
                        && f.flow_log_status()
                            .is_some_and(|s| s.eq_ignore_ascii_case("ACTIVE"))
                });
                vec![json!(on)]
            }),
        );
    }
    for (name, attribute) in [
        ("dns_support", VpcAttributeName::EnableDnsSupport),
        ("dns_hostnames", VpcAttributeName::EnableDnsHostnames),
    ] {
        if checks(resource, name) {
            put(
                &[name],
                dns_attribute(client, id, attribute).await.map(|v| vec![v]),
            );
        }
    }
    Observation::Present { attributes, errors }
}

/// One DNS attribute of a VPC.
async fn dns_attribute(
    client: &Client,
    vpc: &str,
    name: VpcAttributeName,
) -> Result<Value, String> {
    let out = client
        .describe_vpc_attribute()
        .vpc_id(vpc)
        .attribute(name.clone())
        .send()
        .await
        .map_err(|e| describe_error(VPC_ATTRIBUTE, &e))?;
    let value = match name {
        VpcAttributeName::EnableDnsHostnames => out.enable_dns_hostnames(),
        _ => out.enable_dns_support(),
    };
    value
        .and_then(|v| v.value())
        .map(Value::Bool)
        .ok_or_else(|| {
            format!("`{VPC_ATTRIBUTE}` answered without the value of {name} for `{vpc}`")
        })
}

/// A Gateway endpoint for S3 of this region in the VPC, available.
fn is_s3_gateway(e: &VpcEndpoint, vpc: &str, region: Option<&str>) -> bool {
    let service = e.service_name().unwrap_or_default();
    let s3 = match region {
        Some(r) => service == format!("com.amazonaws.{r}.s3"),
        None => service.starts_with("com.amazonaws.") && service.ends_with(".s3"),
    };
    e.vpc_id() == Some(vpc)
        && s3
        && e.vpc_endpoint_type().map(|t| t.as_str()) == Some("Gateway")
        && e.state()
            .is_some_and(|s| s.as_str().eq_ignore_ascii_case("available"))
}

/// The `vpc` attributes read from the subnets and their route tables, in the order
/// [`tiers_of_vpc`] returns them.
const SUBNET_TIER_ATTRIBUTES: &[&str] = &[
    "public_subnet_count",
    "private_subnet_count",
    "public_subnet_azs",
    "private_subnet_azs",
    "public_subnet_az_count",
    "private_subnet_az_count",
];

/// Public and private subnet counts, their distinct AZs (sorted) and AZ counts.
fn tiers_of_vpc(
    vpc: &str,
    subnets: &[Subnet],
    tables: &[RouteTable],
) -> Result<Vec<Value>, String> {
    let mut count = [0usize; 2];
    let mut azs: [BTreeSet<&str>; 2] = Default::default();
    for s in subnets.iter().filter(|s| s.vpc_id() == Some(vpc)) {
        let i = usize::from(subnet_tier(s, tables)? == "private");
        count[i] += 1;
        if let Some(az) = s.availability_zone() {
            azs[i].insert(az);
        }
    }
    Ok(vec![
        json!(count[0]),
        json!(count[1]),
        json!(azs[0]),
        json!(azs[1]),
        json!(azs[0].len()),
        json!(azs[1].len()),
    ])
}

// ---------------------------------------------------------------------------------------------
// Subnets

/// The `subnet` attributes the subnet list reports (`tier` needs the route tables).
pub fn subnet_attributes(s: &Subnet) -> BTreeMap<String, Value> {
    BTreeMap::from([
        ("vpc_id".into(), json!(s.vpc_id())),
        ("availability_zone".into(), json!(s.availability_zone())),
        ("cidr_block".into(), json!(s.cidr_block())),
        (
            "map_public_ip_on_launch".into(),
            json!(s.map_public_ip_on_launch()),
        ),
        ("tags".into(), tags_of(s.tags())),
    ])
}

/// The subnet's route table: its explicit association, else its VPC's main table.
pub fn route_table_of<'a>(s: &Subnet, tables: &'a [RouteTable]) -> Result<&'a RouteTable, String> {
    let subnet = s.subnet_id().unwrap_or_default();
    let explicit = tables.iter().find(|t| {
        t.associations()
            .iter()
            .any(|a| a.subnet_id() == Some(subnet))
    });
    explicit
        .or_else(|| {
            tables.iter().find(|t| {
                t.vpc_id() == s.vpc_id() && t.associations().iter().any(|a| a.main() == Some(true))
            })
        })
        .ok_or_else(|| {
            format!(
                "`{ROUTE_TABLES}` lists no route table for subnet `{subnet}` (none associated, and no main table of its VPC)"
            )
        })
}

/// The `subnet` attributes its route table gives: `tier`, `route_table_id`, `routes`.
pub fn route_attributes(s: &Subnet, tables: &[RouteTable]) -> Result<Vec<(String, Value)>, String> {
    let table = route_table_of(s, tables)?;
    let tier = subnet_tier(s, tables)?;
    let mut routes: Vec<Value> = table
        .routes()
        .iter()
        .map(|r| {
            let destination = r
                .destination_cidr_block()
                .or(r.destination_ipv6_cidr_block())
                .or(r.destination_prefix_list_id());
            let target = r
                .gateway_id()
                .or(r.nat_gateway_id())
                .or(r.transit_gateway_id())
                .or(r.vpc_peering_connection_id())
                .or(r.network_interface_id())
                .or(r.instance_id())
                .or(r.egress_only_internet_gateway_id())
                .or(r.local_gateway_id())
                .or(r.carrier_gateway_id())
                .or(r.core_network_arn());
            json!({
                "destination": destination,
                "target": target,
                "state": r.state().map(|s| s.as_str()),
            })
        })
        .collect();
    routes.sort_by_key(|r| r["destination"].as_str().unwrap_or_default().to_string());
    Ok(vec![
        ("tier".into(), json!(tier)),
        ("route_table_id".into(), json!(table.route_table_id())),
        ("routes".into(), json!(routes)),
    ])
}

/// The `subnet` attributes its network ACL gives: the ACL associated with the subnet (a subnet
/// always has one: its own, or the VPC's default) and its rules, by rule number.
pub fn network_acl_attributes(
    s: &Subnet,
    acls: &[NetworkAcl],
) -> Result<Vec<(String, Value)>, String> {
    let subnet = s.subnet_id().unwrap_or_default();
    let acl = acls
        .iter()
        .find(|a| {
            a.associations()
                .iter()
                .any(|x| x.subnet_id() == Some(subnet))
        })
        .ok_or_else(|| {
            format!("`{NETWORK_ACLS}` lists no network ACL associated with subnet `{subnet}`")
        })?;
    let rules = |egress: bool| {
        let mut out: Vec<&NetworkAclEntry> = acl
            .entries()
            .iter()
            .filter(|e| e.egress() == Some(egress))
            .collect();
        out.sort_by_key(|e| e.rule_number().unwrap_or(i32::MAX));
        out.into_iter()
            .map(|e| {
                json!({
                    "rule_number": e.rule_number(),
                    "protocol": e.protocol(),
                    "action": e.rule_action().map(|a| a.as_str()),
                    "cidr": e.cidr_block().or(e.ipv6_cidr_block()),
                    "from_port": e.port_range().and_then(|p| p.from()),
                    "to_port": e.port_range().and_then(|p| p.to()),
                })
            })
            .collect::<Vec<_>>()
    };
    Ok(vec![
        ("network_acl_id".into(), json!(acl.network_acl_id())),
        ("network_acl_default".into(), json!(acl.is_default())),
        ("network_acl_ingress".into(), json!(rules(false))),
        ("network_acl_egress".into(), json!(rules(true))),
    ])
}

/// `public` when the subnet's route table (its explicit association, else its VPC's main table)
/// routes 0.0.0.0/0 to an internet gateway (and the route is not a blackhole), else `private`.
pub fn subnet_tier(s: &Subnet, tables: &[RouteTable]) -> Result<&'static str, String> {
    let table = route_table_of(s, tables)?;
    let public = table.routes().iter().any(|r| {
        r.destination_cidr_block() == Some("0.0.0.0/0")
            && r.gateway_id().is_some_and(|g| g.starts_with("igw-"))
            && r.state().map(|s| s.as_str()) != Some("blackhole")
    });
    Ok(if public { "public" } else { "private" })
}

// ---------------------------------------------------------------------------------------------
// Security groups

/// The port key of a rule: `all` for every protocol; TCP ports bare (`443`, `1024-2047`); other
/// protocols prefixed (`udp:53`, `icmp:8`, or just `icmp` for every type).
pub fn port_key(p: &IpPermission) -> String {
    let protocol = p.ip_protocol().unwrap_or("-1");
    let protocol = match protocol {
        "-1" | "all" => return "all".into(),
        "6" => "tcp",
        "17" => "udp",
        "1" => "icmp",
        other => other,
    };
    let ports = match (p.from_port(), p.to_port()) {
        (Some(from), Some(to)) if from == to && from >= 0 => from.to_string(),
        (Some(from), Some(to)) if from >= 0 && to >= 0 => format!("{from}-{to}"),
        (Some(from), _) if from >= 0 && protocol == "icmp" => from.to_string(),
        _ => String::new(),
    };
    match (protocol, ports.is_empty()) {
        ("tcp", false) => ports,
        (_, false) => format!("{protocol}:{ports}"),
        (_, true) => protocol.to_string(),
    }
}

const WORLD: &[&str] = &["0.0.0.0/0", "::/0"];

/// What one rule lets in: a protocol (`None`: every protocol) and a port (or ICMP type) range.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Coverage {
    protocol: Option<String>,
    from: i32,
    to: i32,
}

impl Coverage {
    /// Whether some traffic is let in by both.
    fn overlaps(&self, other: &Coverage) -> bool {
        let same_protocol = match (&self.protocol, &other.protocol) {
            (Some(a), Some(b)) => a == b,
            _ => true,
        };
        same_protocol && self.from <= other.to && other.from <= self.to
    }
}

/// The coverage of a rule. A missing or negative port (every ICMP type, every port of a
/// protocol without ports) covers the whole range; protocol numbers 6/17/1 are tcp/udp/icmp.
fn coverage(p: &IpPermission) -> Coverage {
    let protocol = match p.ip_protocol().unwrap_or("-1") {
        "-1" | "all" => None,
        "6" => Some("tcp".to_string()),
        "17" => Some("udp".to_string()),
        "1" => Some("icmp".to_string()),
        other => Some(other.to_ascii_lowercase()),
    };
    let (from, to) = match (protocol.as_deref(), p.from_port(), p.to_port()) {
        // ICMP: from_port is the type (-1 every type), to_port the code.
        (Some("icmp" | "icmpv6" | "58"), Some(t), _) if t >= 0 => (t, t),
        (Some("icmp" | "icmpv6" | "58"), _, _) => (i32::MIN, i32::MAX),
        (_, Some(from), Some(to)) if from >= 0 && to >= from => (from, to),
        _ => (i32::MIN, i32::MAX),
    };
    Coverage { protocol, from, to }
}

/// Whether CIDR ranges together cover the whole address space of their family: `0.0.0.0/0`,
/// or `0.0.0.0/1` + `128.0.0.0/1`, or any other split. Unparseable entries count for nothing.
fn covers_everything(cidrs: &[&str]) -> bool {
    fn ranges<const V6: bool>(cidrs: &[&str]) -> Vec<(u128, u128)> {
        let bits: u32 = if V6 { 128 } else { 32 };
        let mut out: Vec<(u128, u128)> = cidrs
            .iter()
            .filter_map(|c| {
                let (addr, len) = c.split_once('/')?;
                let len: u32 = len.trim().parse().ok().filter(|l| *l <= bits)?;
                let start: u128 = if V6 {
                    u128::from(addr.trim().parse::<std::net::Ipv6Addr>().ok()?)
                } else {
                    u128::from(u32::from(addr.trim().parse::<std::net::Ipv4Addr>().ok()?))
                };
                let host = match bits - len {
                    0 => 0,
                    128 => u128::MAX,
                    n => (1u128 << n) - 1,
                };
                let start = start & !host;
                Some((start, start | host))
            })
            .collect();
        out.sort_unstable();
        out
    }
    fn whole(ranges: Vec<(u128, u128)>, max: u128) -> bool {
        let mut next: u128 = 0;
        for (start, end) in ranges {
            if start > next {
                return false;
            }
            if end >= max {
                return true;
            }
            next = next.max(end + 1);
        }
        false
    }
    let v4: Vec<&str> = cidrs.iter().copied().filter(|c| !c.contains(':')).collect();
    let v6: Vec<&str> = cidrs.iter().copied().filter(|c| c.contains(':')).collect();
    whole(ranges::<false>(&v4), u128::from(u32::MAX)) || whole(ranges::<true>(&v6), u128::MAX)
}

/// The ports open to the whole internet: a rule with `0.0.0.0/0` or `::/0` itself, and every
/// port (range) that the sources of all the rules reaching it cover together (`0.0.0.0/1` on
/// one rule and `128.0.0.0/1` on another is the world too). Keys as [`port_key`] writes them;
/// a range opened only by the union of overlapping rules is written as that range.
pub fn world_open_ports(rules: &[IpPermission]) -> BTreeSet<String> {
    fn cidrs(p: &IpPermission) -> Vec<&str> {
        let mut out: Vec<&str> = p.ip_ranges().iter().filter_map(|r| r.cidr_ip()).collect();
        out.extend(p.ipv6_ranges().iter().filter_map(|r| r.cidr_ipv6()));
        out
    }
    let mut world: BTreeSet<String> = rules
        .iter()
        .filter(|p| sources(p).iter().any(|s| WORLD.contains(s)))
        .map(port_key)
        .collect();
    let every_protocol: Vec<&IpPermission> = rules
        .iter()
        .filter(|p| coverage(p).protocol.is_none())
        .collect();
    let all_sources: Vec<&str> = every_protocol.iter().flat_map(|p| cidrs(p)).collect();
    if covers_everything(&all_sources) {
        // Every port of every protocol is open: `all` says it, and the rules' own keys stay.
        world.insert("all".into());
        return world;
    }
    let protocols: BTreeSet<String> = rules.iter().filter_map(|p| coverage(p).protocol).collect();
    for protocol in protocols {
        let reaching: Vec<(Coverage, Vec<&str>)> = rules
            .iter()
            .map(|p| (coverage(p), cidrs(p)))
            .filter(|(c, _)| c.protocol.as_deref().is_none_or(|x| x == protocol))
            .collect();
        // Elementary ranges between every rule's bounds; each open to the world when the
        // sources of the rules reaching all of it cover everything.
        let mut bounds: Vec<i64> = reaching
            .iter()
            .filter(|(c, _)| c.protocol.is_some())
            .flat_map(|(c, _)| [i64::from(c.from), i64::from(c.to) + 1])
            .collect();
        bounds.sort_unstable();
        bounds.dedup();
        let mut open: Vec<(i64, i64)> = Vec::new();
        for w in bounds.windows(2) {
            let (from, to) = (w[0], w[1] - 1);
            let covering: Vec<&(Coverage, Vec<&str>)> = reaching
                .iter()
                .filter(|(c, _)| i64::from(c.from) <= from && to <= i64::from(c.to))
                .collect();
            // Only rules for every protocol: that is `all`, decided above.
            if covering.iter().all(|(c, _)| c.protocol.is_none()) {
                continue;
            }
            let sources: Vec<&str> = covering
                .iter()
                .flat_map(|(_, s)| s.iter().copied())
                .collect();
            if covers_everything(&sources) {
                match open.last_mut() {
                    Some(last) if last.1 + 1 == from => last.1 = to,
                    _ => open.push((from, to)),
                }
            }
        }
        for (from, to) in open {
            let ports = if from <= i64::from(i32::MIN) / 2 || to >= i64::from(i32::MAX) / 2 {
                String::new()
            } else if from == to {
                from.to_string()
            } else {
                format!("{from}-{to}")
            };
            world.insert(match (protocol.as_str(), ports.is_empty()) {
                ("tcp", false) => ports,
                (p, false) => format!("{p}:{ports}"),
                (p, true) => p.to_string(),
            });
        }
    }
    world
}

/// Every source of one rule: IPv4 and IPv6 CIDRs, security group ids, prefix list ids.
fn sources(p: &IpPermission) -> Vec<&str> {
    let mut out: Vec<&str> = p.ip_ranges().iter().filter_map(|r| r.cidr_ip()).collect();
    out.extend(p.ipv6_ranges().iter().filter_map(|r| r.cidr_ipv6()));
    out.extend(p.user_id_group_pairs().iter().filter_map(|g| g.group_id()));
    out.extend(
        p.prefix_list_ids()
            .iter()
            .filter_map(|l| l.prefix_list_id()),
    );
    out
}

/// The catalog's `security_group` attributes of one group; `names` maps the group ids of the
/// same listing to their names (for `port_source_names`).
pub fn security_group_attributes(
    g: &SecurityGroup,
    names: &HashMap<&str, &str>,
) -> BTreeMap<String, Value> {
    let rules = g.ip_permissions();
    let ingress: Vec<Value> = rules
        .iter()
        .map(|p| {
            json!({
                "protocol": p.ip_protocol(),
                "from_port": p.from_port(),
                "to_port": p.to_port(),
                "cidrs": p.ip_ranges().iter().filter_map(|r| r.cidr_ip()).collect::<Vec<_>>(),
                "ipv6_cidrs": p.ipv6_ranges().iter().filter_map(|r| r.cidr_ipv6()).collect::<Vec<_>>(),
                "source_groups": p.user_id_group_pairs().iter().filter_map(|s| s.group_id()).collect::<Vec<_>>(),
                "prefix_lists": p.prefix_list_ids().iter().filter_map(|l| l.prefix_list_id()).collect::<Vec<_>>(),
            })
        })
        .collect();
    let world = world_open_ports(rules);
    // Every rule's port key gets the sources of every rule that reaches any of its ports, not
    // only of the rules written with the same text: with `5432 from sg-x` and `0-65535 from
    // 0.0.0.0/0`, 5432 is open to the world too, and `"5432": sg-x` must not pass.
    let mut by_port: BTreeMap<String, BTreeSet<&str>> = BTreeMap::new();
    for p in rules {
        let reach = coverage(p);
        let entry = by_port.entry(port_key(p)).or_default();
        for q in rules {
            if reach.overlaps(&coverage(q)) {
                entry.extend(sources(q));
            }
        }
    }
    let joined = |sources: &BTreeSet<&str>, by_name: bool| -> String {
        let shown: BTreeSet<&str> = sources
            .iter()
            .map(|s| match names.get(s) {
                Some(name) if by_name => *name,
                _ => *s,
            })
            .collect();
        shown.into_iter().collect::<Vec<_>>().join(",")
    };
    let port_sources: BTreeMap<&String, String> = by_port
        .iter()
        .map(|(port, s)| (port, joined(s, false)))
        .collect();
    let port_source_names: BTreeMap<&String, String> = by_port
        .iter()
        .map(|(port, s)| (port, joined(s, true)))
        .collect();
    BTreeMap::from([
        ("group_name".into(), json!(g.group_name())),
        ("vpc_id".into(), json!(g.vpc_id())),
        ("ingress".into(), json!(ingress)),
        ("world_open_ports".into(), json!(world)),
        ("port_sources".into(), json!(port_sources)),
        ("port_source_names".into(), json!(port_source_names)),
        ("tags".into(), tags_of(g.tags())),
    ])
}

// ---------------------------------------------------------------------------------------------
// Instances

fn is_terminated(i: &Instance) -> bool {
    i.state()
        .and_then(|s| s.name())
        .is_some_and(|n| n.as_str() == "terminated")
}

/// The catalog's `ec2_instance` attributes of one instance.
pub fn instance_attributes(i: &Instance) -> BTreeMap<String, Value> {
    let tokens = i
        .metadata_options()
        .and_then(|m| m.http_tokens())
        .map(|t| t.as_str() == "required");
    BTreeMap::from([
        (
            "instance_type".into(),
            json!(i.instance_type().map(|t| t.as_str())),
        ),
        (
            "state".into(),
            json!(i.state().and_then(|s| s.name()).map(|n| n.as_str())),
        ),
        (
            "iam_instance_profile".into(),
            json!(i.iam_instance_profile().and_then(|p| p.arn())),
        ),
        ("imdsv2_required".into(), json!(tokens)),
        ("subnet_id".into(), json!(i.subnet_id())),
        ("image_id".into(), json!(i.image_id())),
        ("tags".into(), tags_of(i.tags())),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::probe::replay::Replay;
    use aws_sdk_ec2::types::{Route, RouteState, RouteTableAssociation, UserIdGroupPair};

    fn rule(protocol: &str, ports: Option<(i32, i32)>, cidr: &str) -> IpPermission {
        let mut b = IpPermission::builder()
            .ip_protocol(protocol)
            .ip_ranges(aws_sdk_ec2::types::IpRange::builder().cidr_ip(cidr).build());
        if let Some((from, to)) = ports {
            b = b.from_port(from).to_port(to);
        }
        b.build()
    }

    /// Sources that together cover the address space open a port to the world as surely as
    /// `0.0.0.0/0` does: `0.0.0.0/1` + `128.0.0.0/1`, on one rule or on two that both reach it.
    #[test]
    fn the_union_of_a_ports_sources_can_be_the_world() {
        let keys = |rules: &[IpPermission]| -> Vec<String> {
            world_open_ports(rules).into_iter().collect()
        };
        let halves = IpPermission::builder()
            .ip_protocol("tcp")
            .from_port(22)
            .to_port(22)
            .ip_ranges(
                aws_sdk_ec2::types::IpRange::builder()
                    .cidr_ip("0.0.0.0/1")
                    .build(),
            )
            .ip_ranges(
                aws_sdk_ec2::types::IpRange::builder()
                    .cidr_ip("128.0.0.0/1")
                    .build(),
            )
            .build();
        assert_eq!(keys(&[halves]), ["22"]);
        // Two rules, each half the internet, overlapping on 500-1000 only.
        assert_eq!(
            keys(&[
                rule("tcp", Some((0, 1000)), "0.0.0.0/1"),
                rule("tcp", Some((500, 2000)), "128.0.0.0/1"),
            ]),
            ["500-1000"]
        );
        // Every protocol from one half, 5432 from the other.
        assert_eq!(
            keys(&[
                rule("-1", None, "0.0.0.0/1"),
                rule("tcp", Some((5432, 5432)), "128.0.0.0/1"),
            ]),
            ["5432"]
        );
        // Four quarters of IPv6.
        let v6 = ["::/2", "4000::/2", "8000::/2", "c000::/2"]
            .iter()
            .fold(
                IpPermission::builder()
                    .ip_protocol("udp")
                    .from_port(53)
                    .to_port(53),
                |b, c| {
                    b.ipv6_ranges(
                        aws_sdk_ec2::types::Ipv6Range::builder()
                            .cidr_ipv6(*c)
                            .build(),
                    )
                },
            )
            .build();
        assert_eq!(keys(&[v6]), ["udp:53"]);
        // Not the world: a gap, or two halves on ports that do not meet.
        assert_eq!(
            keys(&[
                rule("tcp", Some((22, 22)), "0.0.0.0/1"),
                rule("tcp", Some((22, 22)), "128.0.0.0/2"),
            ]),
            Vec::<String>::new()
        );
        assert_eq!(
            keys(&[
                rule("tcp", Some((80, 80)), "0.0.0.0/1"),
                rule("tcp", Some((443, 443)), "128.0.0.0/1"),
            ]),
            Vec::<String>::new()
        );
        assert!(covers_everything(&["0.0.0.0/0"]));
        assert!(covers_everything(&["::/0"]));
        assert!(!covers_everything(&["10.0.0.0/8", "not a cidr"]));
    }

    #[test]
    fn port_keys_are_deterministic_and_protocol_aware() {
        assert_eq!(port_key(&rule("tcp", Some((443, 443)), "x")), "443");
        assert_eq!(port_key(&rule("6", Some((0, 65535)), "x")), "0-65535");
        assert_eq!(port_key(&rule("udp", Some((53, 53)), "x")), "udp:53");
        assert_eq!(port_key(&rule("icmp", Some((-1, -1)), "x")), "icmp");
        assert_eq!(port_key(&rule("-1", None, "x")), "all");
        let g = SecurityGroup::builder()
            .group_id("sg-1")
            .ip_permissions(rule("tcp", Some((80, 80)), "0.0.0.0/0"))
            .ip_permissions(rule("tcp", Some((443, 443)), "0.0.0.0/0"))
            .ip_permissions(
                IpPermission::builder()
                    .ip_protocol("tcp")
                    .from_port(5432)
                    .to_port(5432)
                    .user_id_group_pairs(UserIdGroupPair::builder().group_id("sg-b").build())
                    .build(),
            )
            .ip_permissions(rule("tcp", Some((5432, 5432)), "10.0.0.0/16"))
            .ip_permissions(rule("udp", Some((53, 53)), "10.0.0.0/8"))
            .build();
        let a = security_group_attributes(&g, &HashMap::from([("sg-b", "app")]));
        assert_eq!(a["world_open_ports"], json!(["443", "80"]));
        assert_eq!(a["port_source_names"]["5432"], json!("10.0.0.0/16,app"));
        assert_eq!(a["port_sources"]["5432"], json!("10.0.0.0/16,sg-b"));
        assert_eq!(a["port_sources"]["udp:53"], json!("10.0.0.0/8"));
        assert_eq!(a["port_sources"]["443"], json!("0.0.0.0/0"));
        let names: Vec<&str> = a.keys().map(String::as_str).collect();
        let kind = crate::catalog::kind("security_group").expect("kind");
        let mut catalog: Vec<&str> = kind.attributes.iter().map(|x| x.name).collect();
        catalog.sort_unstable();
        assert_eq!(names, catalog);
    }

    /// "5432 only from sg-b" must not pass when a wider rule also lets the world reach 5432.
    #[test]
    fn port_sources_include_every_rule_that_reaches_the_port() {
        let from_group = |from: i32, to: i32, group: &str| {
            IpPermission::builder()
                .ip_protocol("tcp")
                .from_port(from)
                .to_port(to)
                .user_id_group_pairs(UserIdGroupPair::builder().group_id(group).build())
                .build()
        };
        let sources = |rules: Vec<IpPermission>| {
            let mut b = SecurityGroup::builder().group_id("sg-1");
            for r in rules {
                b = b.ip_permissions(r);
            }
            security_group_attributes(&b.build(), &HashMap::new())["port_sources"].clone()
        };
        // A TCP range from the world.
        let a = sources(vec![
            from_group(5432, 5432, "sg-b"),
            rule("tcp", Some((0, 65535)), "0.0.0.0/0"),
        ]);
        assert_eq!(a["5432"], json!("0.0.0.0/0,sg-b"));
        assert_eq!(a["0-65535"], json!("0.0.0.0/0,sg-b"));
        // Every protocol from an office range.
        let a = sources(vec![
            from_group(5432, 5432, "sg-b"),
            rule("-1", None, "203.0.113.0/24"),
        ]);
        assert_eq!(a["5432"], json!("203.0.113.0/24,sg-b"));
        // Rules that do not reach 5432 leave it alone: another TCP range, UDP on the same port.
        let a = sources(vec![
            from_group(5432, 5432, "sg-b"),
            rule("tcp", Some((6379, 6380)), "0.0.0.0/0"),
            rule("udp", Some((5432, 5432)), "0.0.0.0/0"),
            rule("icmp", Some((-1, -1)), "0.0.0.0/0"),
        ]);
        assert_eq!(a["5432"], json!("sg-b"));
        assert_eq!(a["udp:5432"], json!("0.0.0.0/0"));
        // The range boundaries count.
        let a = sources(vec![
            from_group(5432, 5432, "sg-b"),
            rule("tcp", Some((5000, 5432)), "10.0.0.0/8"),
        ]);
        assert_eq!(a["5432"], json!("10.0.0.0/8,sg-b"));
    }

    #[test]
    fn tier_follows_the_explicit_table_else_the_main_one_and_ignores_blackholes() {
        let subnet = |id: &str| Subnet::builder().subnet_id(id).vpc_id("vpc-1").build();
        let to_igw = |state: RouteState| {
            Route::builder()
                .destination_cidr_block("0.0.0.0/0")
                .gateway_id("igw-1")
                .state(state)
                .build()
        };
        let main = RouteTable::builder()
            .vpc_id("vpc-1")
            .associations(RouteTableAssociation::builder().main(true).build())
            .routes(to_igw(RouteState::Active))
            .build();
        let private = RouteTable::builder()
            .vpc_id("vpc-1")
            .associations(
                RouteTableAssociation::builder()
                    .subnet_id("subnet-p")
                    .build(),
            )
            .routes(to_igw(RouteState::Blackhole))
            .build();
        let tables = [main, private];
        assert_eq!(subnet_tier(&subnet("subnet-m"), &tables), Ok("public"));
        assert_eq!(subnet_tier(&subnet("subnet-p"), &tables), Ok("private"));
        assert!(subnet_tier(&subnet("subnet-x"), &tables[1..]).is_err());
        let counts = tiers_of_vpc(
            "vpc-1",
            &[
                Subnet::builder()
                    .subnet_id("subnet-m")
                    .vpc_id("vpc-1")
                    .availability_zone("a")
                    .build(),
                subnet("subnet-p"),
            ],
            &tables,
        )
        .expect("tiers");
        assert_eq!(counts[0], json!(1));
        assert_eq!(counts[1], json!(1));
        assert_eq!(counts[2], json!(["a"]));
        assert_eq!(counts[5], json!(0));
    }

    #[test]
    fn instance_attributes_match_the_catalog_and_unset_is_null() {
        let a = instance_attributes(&Instance::builder().instance_id("i-1").build());
        assert_eq!(a["iam_instance_profile"], Value::Null);
        assert_eq!(a["imdsv2_required"], Value::Null);
        let names: Vec<&str> = a.keys().map(String::as_str).collect();
        let kind = crate::catalog::kind("ec2_instance").expect("kind");
        // Every attribute but the AMI's name and description (DescribeImages, when checked).
        let mut catalog: Vec<&str> = kind
            .attributes
            .iter()
            .filter(|x| x.operation == INSTANCES)
            .map(|x| x.name)
            .collect();
        catalog.sort_unstable();
        assert_eq!(names, catalog);
    }

    /// moto fits everything in one page, so paging is proven by replay: two pages of
    /// DescribeSecurityGroups, the second asked for with the first's token, one list for both.
    #[tokio::test]
    async fn describe_security_groups_reads_every_page() {
        let page = |id: &str, name: &str, next: &str| {
            format!(
                r#"<DescribeSecurityGroupsResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>r</requestId><securityGroupInfo><item><groupId>{id}</groupId><groupName>{name}</groupName><vpcId>vpc-1</vpcId><ipPermissions/></item></securityGroupInfo>{next}</DescribeSecurityGroupsResponse>"#
            )
        };
        let replay = crate::probe::replay::Replay::new(&[
            (
                200,
                &page("sg-1", "first", "<nextToken>token-2</nextToken>"),
            ),
            (200, &page("sg-2", "second", "")),
        ]);
        let spec = crate::spec::from_str(
            std::path::Path::new("inline.yaml"),
            "version: 1\nenvironment: test\nresources:\n\
             - kind: security_group\n  id: first\n  expect: { vpc_id: vpc-1 }\n\
             - kind: security_group\n  id: sg-2\n\
             - kind: security_group\n  id: third\n",
        )
        .expect("spec");
        let conn = replay.connection();
        let resources: Vec<&Resource> = spec.resources.iter().collect();
        let records = observe(&conn, &resources).await;
        let requests = replay.requests();
        assert_eq!(requests.len(), 2, "{requests:#?}");
        assert!(!requests[0].contains("token-2"), "{}", requests[0]);
        assert!(requests[1].contains("NextToken=token-2"), "{}", requests[1]);
        let present: Vec<(&str, bool)> = records
            .iter()
            .map(|r| {
                (
                    r.id.as_str(),
                    matches!(r.observation, Observation::Present { .. }),
                )
            })
            .collect();
        assert_eq!(present, [("third", false), ("first", true), ("sg-2", true)]);
    }

    // -----------------------------------------------------------------------------------------
    // Replays of every EC2 operation the probe calls, answered as the EC2 API reference shows
    // them (query protocol, `<{Action}Response>` with `requestId`, the item set and, when another
    // page follows, `nextToken`). Every list is paged in two so that paging is proven for each.

    /// One paginated list: its action, the XML element of its item set, and its pages in order
    /// (each page the `<item>`s it holds).
    type Pages = (&'static str, &'static str, Vec<String>);

    const VPC_MAIN: &str = "vpc-0a1b2c3d4e5f60001";
    const VPC_OTHER: &str = "vpc-0a1b2c3d4e5f60002";

    fn ec2_page(action: &str, set: &str, items: &str, next: Option<&str>) -> String {
        let next = next
            .map(|t| format!("<nextToken>{t}</nextToken>"))
            .unwrap_or_default();
        format!(
            r#"<{action}Response xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>7a62c49f-347e-4fc4-9331-6e8eEXAMPLE</requestId><{set}>{items}</{set}>{next}</{action}Response>"#
        )
    }

    fn tag_set(tags: &[(&str, &str)]) -> String {
        let items: String = tags
            .iter()
            .map(|(k, v)| format!("<item><key>{k}</key><value>{v}</value></item>"))
            .collect();
        format!("<tagSet>{items}</tagSet>")
    }

    /// A query parameter of a recorded request (`METHOD URI\nBODY...`).
    fn param<'a>(request: &'a str, name: &str) -> Option<&'a str> {
        request
            .lines()
            .nth(1)?
            .split('&')
            .find_map(|p| p.strip_prefix(name)?.strip_prefix('='))
    }

    /// Answers an EC2 list request from `lists` by its action and `NextToken` (page n+1 is asked
    /// for with the token `page-{n+1}`); `None` for any other request.
    fn answer_page(request: &str, lists: &[Pages]) -> Option<(u16, String)> {
        let action = param(request, "Action")?;
        let (_, set, pages) = lists.iter().find(|(a, _, _)| *a == action)?;
        let n: usize = match param(request, "NextToken") {
            None => 0,
            Some(t) => t.strip_prefix("page-")?.parse().ok()?,
        };
        let items = pages.get(n)?;
        let next = (n + 1 < pages.len()).then(|| format!("page-{}", n + 1));
        Some((200, ec2_page(action, set, items, next.as_deref())))
    }

    /// EC2's error answer to a request no replay expects (it fails the call, so the test).
    fn unexpected(request: &str) -> (u16, String) {
        let shown = request.replace(['<', '>', '&'], " ");
        (
            400,
            format!(
                "<Response><Errors><Error><Code>InvalidRequest</Code><Message>unexpected request: {shown}</Message></Error></Errors><RequestID>r</RequestID></Response>"
            ),
        )
    }

    /// A replay answering the lists' pages, and `extra` for any other request.
    fn ec2_replay(
        lists: Vec<Pages>,
        extra: impl Fn(&str) -> Option<(u16, String)> + Send + Sync + 'static,
    ) -> Replay {
        Replay::by_request(move |request| {
            answer_page(request, &lists)
                .or_else(|| extra(request))
                .unwrap_or_else(|| unexpected(request))
        })
    }

    /// How many requests of each action were made.
    fn calls(replay: &Replay) -> BTreeMap<String, usize> {
        let mut out = BTreeMap::new();
        for r in replay.requests() {
            *out.entry(param(&r, "Action").unwrap_or("?").to_string())
                .or_insert(0) += 1;
        }
        out
    }

    fn counts(pairs: &[(&str, usize)]) -> BTreeMap<String, usize> {
        pairs.iter().map(|(a, n)| (a.to_string(), *n)).collect()
    }

    async fn observe_yaml(replay: &Replay, resources_yaml: &str) -> Vec<ResourceRecord> {
        let spec = crate::spec::from_str(
            std::path::Path::new("inline.yaml"),
            &format!("version: 1\nenvironment: t\nresources:\n{resources_yaml}"),
        )
        .expect("spec");
        let resources: Vec<&Resource> = spec.resources.iter().collect();
        observe(&replay.connection(), &resources).await
    }

    /// The observation recorded for one id.
    fn observation<'a>(records: &'a [ResourceRecord], id: &str) -> &'a Observation {
        let found: Vec<&ResourceRecord> = records.iter().filter(|r| r.id == id).collect();
        assert_eq!(found.len(), 1, "one record for {id}: {records:#?}");
        &found[0].observation
    }

    /// The attributes of a resource observed without any error.
    fn attributes<'a>(records: &'a [ResourceRecord], id: &str) -> &'a BTreeMap<String, Value> {
        match observation(records, id) {
            Observation::Present { attributes, errors } => {
                assert!(errors.is_empty(), "{id}: {errors:?}");
                attributes
            }
            other => panic!("{id}: {other:?}"),
        }
    }

    fn vpc_item(id: &str, cidr: &str, default: bool, tags: &[(&str, &str)]) -> String {
        format!(
            "<item><vpcId>{id}</vpcId><ownerId>123456789012</ownerId><state>available</state><cidrBlock>{cidr}</cidrBlock>\
             <cidrBlockAssociationSet><item><cidrBlock>{cidr}</cidrBlock><associationId>vpc-cidr-assoc-0a1b2c3d</associationId><cidrBlockState><state>associated</state></cidrBlockState></item></cidrBlockAssociationSet>\
             <dhcpOptionsId>dopt-19edf471</dhcpOptionsId><instanceTenancy>default</instanceTenancy><isDefault>{default}</isDefault>{}</item>",
            tag_set(tags)
        )
    }

    /// DescribeVpcs in one page: `main` (by its Name tag) and `other`.
    fn two_vpcs() -> Pages {
        (
            "DescribeVpcs",
            "vpcSet",
            vec![format!(
                "{}{}",
                vpc_item(VPC_MAIN, "10.0.0.0/16", false, &[("Name", "main")]),
                vpc_item(VPC_OTHER, "10.1.0.0/16", false, &[("Name", "other")])
            )],
        )
    }

    const TWO_VPCS_CHECKING: &str = "  - kind: vpc\n    id: main\n    expect: { ATTR: VALUE }\n  - kind: vpc\n    id: other\n    expect: { ATTR: OTHER }\n";

    /// Both VPCs of [`two_vpcs`] checking one attribute, `main` for `value`, `other` for `other`.
    fn two_vpcs_checking(attribute: &str, value: &str, other: &str) -> String {
        TWO_VPCS_CHECKING
            .replace("ATTR", attribute)
            .replace("VALUE", value)
            .replace("OTHER", other)
    }

    #[tokio::test]
    async fn describe_vpcs_reads_every_page_and_describe_vpc_attribute_each_dns_flag() {
        let vpcs: Pages = (
            "DescribeVpcs",
            "vpcSet",
            vec![
                vpc_item(
                    VPC_MAIN,
                    "10.0.0.0/16",
                    false,
                    &[("Name", "main"), ("env", "prod")],
                ),
                vpc_item("vpc-0default0000000001", "172.31.0.0/16", true, &[]),
            ],
        );
        let replay = ec2_replay(vec![vpcs], |request| {
            if param(request, "Action")? != "DescribeVpcAttribute"
                || param(request, "VpcId")? != VPC_MAIN
            {
                return None;
            }
            let (element, value) = match param(request, "Attribute")? {
                "enableDnsSupport" => ("enableDnsSupport", true),
                "enableDnsHostnames" => ("enableDnsHostnames", false),
                _ => return None,
            };
            Some((
                200,
                format!(
                    r#"<DescribeVpcAttributeResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>7a62c49f-347e-4fc4-9331-6e8eEXAMPLE</requestId><vpcId>{VPC_MAIN}</vpcId><{element}><value>{value}</value></{element}></DescribeVpcAttributeResponse>"#
                ),
            ))
        });
        let records = observe_yaml(
            &replay,
            "  - kind: vpc\n    id: main\n    expect: { cidr_block: 10.0.0.0/16, dns_support: true, dns_hostnames: true }\n\
             \x20 - kind: vpc\n    id: vpc-0default0000000001\n    expect: { is_default: true }\n\
             \x20 - kind: vpc\n    id: vpc-0missing000000001\n",
        )
        .await;
        assert_eq!(
            calls(&replay),
            counts(&[("DescribeVpcAttribute", 2), ("DescribeVpcs", 2)])
        );
        let requests = replay.requests();
        assert!(
            requests
                .iter()
                .filter(|r| param(r, "Action") == Some("DescribeVpcAttribute"))
                .all(|r| param(r, "VpcId") == Some(VPC_MAIN)),
            "{requests:#?}"
        );
        let main = attributes(&records, "main");
        assert_eq!(main["cidr_block"], json!("10.0.0.0/16"));
        assert_eq!(main["is_default"], json!(false));
        assert_eq!(main["tags"], json!({"Name": "main", "env": "prod"}));
        assert_eq!(main["dns_support"], json!(true));
        // What AWS answered, not what the spec expects: the verdict is not the probe's business.
        assert_eq!(main["dns_hostnames"], json!(false));
        // Only on the second page; its DNS flags are not checked, so not read.
        let default = attributes(&records, "vpc-0default0000000001");
        assert_eq!(default["is_default"], json!(true));
        assert_eq!(default["cidr_block"], json!("172.31.0.0/16"));
        assert_eq!(default["tags"], json!({}));
        assert!(!default.contains_key("dns_support"), "{default:?}");
        assert!(matches!(
            observation(&records, "vpc-0missing000000001"),
            Observation::Absent
        ));
    }

    /// A DescribeVpcAttribute answer without the value asked for is an error for that attribute
    /// only, never a `false`.
    #[tokio::test]
    async fn describe_vpc_attribute_without_the_value_is_an_error() {
        let replay = ec2_replay(vec![two_vpcs()], |request| {
            (param(request, "Action")? == "DescribeVpcAttribute").then(|| {
                let element = param(request, "Attribute").unwrap_or_default().to_string();
                let body = if element == "enableDnsSupport" {
                    format!("<{element}><value>true</value></{element}>")
                } else {
                    String::new()
                };
                (
                    200,
                    format!(
                        r#"<DescribeVpcAttributeResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>r</requestId><vpcId>{VPC_MAIN}</vpcId>{body}</DescribeVpcAttributeResponse>"#
                    ),
                )
            })
        });
        let records = observe_yaml(
            &replay,
            "  - kind: vpc\n    id: main\n    expect: { dns_support: true, dns_hostnames: true }\n",
        )
        .await;
        let Observation::Present { attributes, errors } = observation(&records, "main") else {
            panic!("{records:?}")
        };
        assert_eq!(attributes["dns_support"], json!(true));
        assert!(!attributes.contains_key("dns_hostnames"), "{attributes:?}");
        assert!(
            errors["dns_hostnames"].contains("without the value"),
            "{errors:?}"
        );
    }

    fn subnet_item(
        id: &str,
        vpc: &str,
        cidr: &str,
        az: &str,
        public_ip: bool,
        tags: &[(&str, &str)],
    ) -> String {
        format!(
            "<item><subnetId>{id}</subnetId><subnetArn>arn:aws:ec2:ap-northeast-2:123456789012:subnet/{id}</subnetArn><state>available</state>\
             <vpcId>{vpc}</vpcId><cidrBlock>{cidr}</cidrBlock><ipv6CidrBlockAssociationSet/><availableIpAddressCount>251</availableIpAddressCount>\
             <availabilityZone>{az}</availabilityZone><availabilityZoneId>apne2-az1</availabilityZoneId><defaultForAz>false</defaultForAz>\
             <mapPublicIpOnLaunch>{public_ip}</mapPublicIpOnLaunch><assignIpv6AddressOnCreation>false</assignIpv6AddressOnCreation>\
             <ownerId>123456789012</ownerId>{}</item>",
            tag_set(tags)
        )
    }

    #[tokio::test]
    async fn describe_subnets_reads_every_page() {
        let subnets: Pages = (
            "DescribeSubnets",
            "subnetSet",
            vec![
                subnet_item(
                    "subnet-0aaa0000000000001",
                    VPC_MAIN,
                    "10.0.1.0/24",
                    "ap-northeast-2a",
                    true,
                    &[("Name", "public-a")],
                ),
                subnet_item(
                    "subnet-0bbb0000000000002",
                    VPC_MAIN,
                    "10.0.2.0/24",
                    "ap-northeast-2c",
                    false,
                    &[("Name", "private-c"), ("tier", "private")],
                ),
            ],
        );
        let replay = ec2_replay(vec![subnets], |_| None);
        let records = observe_yaml(
            &replay,
            "  - kind: subnet\n    id: public-a\n    expect: { availability_zone: ap-northeast-2a }\n\
             \x20 - kind: subnet\n    id: subnet-0bbb0000000000002\n    expect: { map_public_ip_on_launch: false }\n\
             \x20 - kind: subnet\n    id: subnet-0missing\n",
        )
        .await;
        // No `tier` checked: the route tables are not listed.
        assert_eq!(calls(&replay), counts(&[("DescribeSubnets", 2)]));
        let a = attributes(&records, "public-a");
        assert_eq!(a["vpc_id"], json!(VPC_MAIN));
        assert_eq!(a["availability_zone"], json!("ap-northeast-2a"));
        assert_eq!(a["cidr_block"], json!("10.0.1.0/24"));
        assert_eq!(a["map_public_ip_on_launch"], json!(true));
        assert_eq!(a["tags"], json!({"Name": "public-a"}));
        assert!(!a.contains_key("tier"), "{a:?}");
        let b = attributes(&records, "subnet-0bbb0000000000002");
        assert_eq!(b["availability_zone"], json!("ap-northeast-2c"));
        assert_eq!(b["cidr_block"], json!("10.0.2.0/24"));
        assert_eq!(b["map_public_ip_on_launch"], json!(false));
        assert_eq!(b["tags"], json!({"Name": "private-c", "tier": "private"}));
        assert!(matches!(
            observation(&records, "subnet-0missing"),
            Observation::Absent
        ));
    }

    fn route(destination: &str, target: &str, state: &str) -> String {
        let target = if target.starts_with("nat-") {
            format!("<natGatewayId>{target}</natGatewayId>")
        } else {
            format!("<gatewayId>{target}</gatewayId>")
        };
        format!(
            "<item><destinationCidrBlock>{destination}</destinationCidrBlock>{target}<state>{state}</state><origin>CreateRoute</origin></item>"
        )
    }

    /// A route table; `subnet` None is the VPC's main table.
    fn route_table_item(id: &str, vpc: &str, subnet: Option<&str>, routes: &[String]) -> String {
        let association = match subnet {
            Some(s) => format!("<subnetId>{s}</subnetId><main>false</main>"),
            None => "<main>true</main>".to_string(),
        };
        format!(
            "<item><routeTableId>{id}</routeTableId><vpcId>{vpc}</vpcId><ownerId>123456789012</ownerId>\
             <routeSet><item><destinationCidrBlock>10.0.0.0/16</destinationCidrBlock><gatewayId>local</gatewayId><state>active</state><origin>CreateRouteTable</origin></item>{}</routeSet>\
             <associationSet><item><routeTableAssociationId>rtbassoc-{id}</routeTableAssociationId><routeTableId>{id}</routeTableId>{association}\
             <associationState><state>associated</state></associationState></item></associationSet><propagatingVgwSet/><tagSet/></item>",
            routes.concat()
        )
    }

    /// The tiers need every route table: subnet-0aaa's explicit (public) table is only on the
    /// second page; read only the first, it would fall back to the main table and be `private`.
    #[tokio::test]
    async fn describe_route_tables_reads_every_page_for_the_tiers() {
        let replay = ec2_replay(route_table_lists(), |_| None);
        let records = observe_yaml(
            &replay,
            "  - kind: subnet\n    id: subnet-0aaa0000000000001\n    expect: { tier: public }\n\
             \x20 - kind: subnet\n    id: subnet-0bbb0000000000002\n    expect: { tier: private }\n\
             \x20 - kind: subnet\n    id: subnet-0ccc0000000000003\n    expect: { tier: private }\n\
             \x20 - kind: vpc\n    id: main\n    expect: { public_subnet_count: 1, private_subnet_az_count: 2 }\n",
        )
        .await;
        assert_eq!(
            calls(&replay),
            counts(&[
                ("DescribeRouteTables", 2),
                ("DescribeSubnets", 1),
                ("DescribeVpcs", 1)
            ])
        );
        let tier = |id: &str| attributes(&records, id)["tier"].clone();
        assert_eq!(tier("subnet-0aaa0000000000001"), json!("public"));
        // The same table gives the subnet's routes, by destination.
        let public = attributes(&records, "subnet-0aaa0000000000001");
        assert!(public["route_table_id"]
            .as_str()
            .is_some_and(|t| t.starts_with("rtb-")));
        let routes = public["routes"].as_array().expect("routes");
        assert!(
            routes.iter().any(|r| r["destination"] == "0.0.0.0/0"
                && r["target"].as_str().is_some_and(|t| t.starts_with("igw-"))),
            "{routes:?}"
        );
        assert_eq!(tier("subnet-0bbb0000000000002"), json!("private"));
        assert_eq!(tier("subnet-0ccc0000000000003"), json!("private"));
        let main = attributes(&records, "main");
        assert_eq!(main["public_subnet_count"], json!(1));
        assert_eq!(main["private_subnet_count"], json!(2));
        assert_eq!(main["public_subnet_azs"], json!(["ap-northeast-2a"]));
        assert_eq!(
            main["private_subnet_azs"],
            json!(["ap-northeast-2b", "ap-northeast-2c"])
        );
        assert_eq!(main["public_subnet_az_count"], json!(1));
        assert_eq!(main["private_subnet_az_count"], json!(2));

        // A VPC checking its subnet counts alone still has the route tables listed.
        let replay = ec2_replay(route_table_lists(), |_| None);
        let records = observe_yaml(
            &replay,
            "  - kind: vpc\n    id: main\n    expect: { public_subnet_count: 1 }\n",
        )
        .await;
        assert_eq!(
            calls(&replay),
            counts(&[
                ("DescribeRouteTables", 2),
                ("DescribeSubnets", 1),
                ("DescribeVpcs", 1)
            ])
        );
        let main = attributes(&records, "main");
        assert_eq!(main["public_subnet_count"], json!(1));
        assert_eq!(main["private_subnet_count"], json!(2));
    }

    /// DescribeNetworkAcls as the API reference shapes it, over two pages: the ACL associated
    /// with each subnet and its rules by number, once for every subnet that checks one.
    #[tokio::test]
    async fn describe_network_acls_reads_every_page_for_each_subnets_acl() {
        let entry = |n: i32,
                     egress: bool,
                     protocol: &str,
                     action: &str,
                     cidr: &str,
                     ports: Option<(i32, i32)>| {
            let ports = ports.map_or(String::new(), |(f, t)| {
                format!("<portRange><from>{f}</from><to>{t}</to></portRange>")
            });
            format!(
                "<item><ruleNumber>{n}</ruleNumber><protocol>{protocol}</protocol><ruleAction>{action}</ruleAction>\
                 <egress>{egress}</egress><cidrBlock>{cidr}</cidrBlock>{ports}</item>"
            )
        };
        let acl = |id: &str, default: bool, subnet: &str, entries: &[String]| {
            format!(
                "<item><networkAclId>{id}</networkAclId><vpcId>{VPC_MAIN}</vpcId><default>{default}</default>\
                 <entrySet>{}</entrySet><associationSet><item><networkAclAssociationId>aclassoc-{id}</networkAclAssociationId>\
                 <networkAclId>{id}</networkAclId><subnetId>{subnet}</subnetId></item></associationSet>\
                 <tagSet/><ownerId>123456789012</ownerId></item>",
                entries.concat()
            )
        };
        let subnets: Pages = (
            "DescribeSubnets",
            "subnetSet",
            vec![[
                subnet_item(
                    "subnet-0aaa0000000000001",
                    VPC_MAIN,
                    "10.0.1.0/24",
                    "ap-northeast-2a",
                    false,
                    &[],
                ),
                subnet_item(
                    "subnet-0bbb0000000000002",
                    VPC_MAIN,
                    "10.0.2.0/24",
                    "ap-northeast-2b",
                    false,
                    &[],
                ),
            ]
            .concat()],
        );
        let acls: Pages = (
            "DescribeNetworkAcls",
            "networkAclSet",
            vec![
                acl(
                    "acl-0000000000000default",
                    true,
                    "subnet-0aaa0000000000001",
                    &[
                        entry(100, false, "-1", "allow", "0.0.0.0/0", None),
                        entry(32767, false, "-1", "deny", "0.0.0.0/0", None),
                        entry(100, true, "-1", "allow", "0.0.0.0/0", None),
                    ],
                ),
                acl(
                    "acl-0000000000000private",
                    false,
                    "subnet-0bbb0000000000002",
                    &[
                        entry(200, false, "6", "allow", "10.0.0.0/16", Some((5432, 5432))),
                        entry(100, false, "6", "deny", "0.0.0.0/0", Some((6379, 6379))),
                        entry(32767, false, "-1", "deny", "0.0.0.0/0", None),
                    ],
                ),
            ],
        );
        let replay = ec2_replay(vec![subnets, acls], |_| None);
        let records = observe_yaml(
            &replay,
            "  - kind: subnet\n    id: subnet-0aaa0000000000001\n    expect: { network_acl_default: true }\n\
             \x20 - kind: subnet\n    id: subnet-0bbb0000000000002\n    expect: { network_acl_default: false }\n",
        )
        .await;
        assert_eq!(
            calls(&replay),
            counts(&[("DescribeNetworkAcls", 2), ("DescribeSubnets", 1)])
        );
        let open = attributes(&records, "subnet-0aaa0000000000001");
        assert_eq!(open["network_acl_id"], json!("acl-0000000000000default"));
        assert_eq!(open["network_acl_default"], json!(true));
        assert_eq!(open["network_acl_egress"].as_array().map(Vec::len), Some(1));
        let private = attributes(&records, "subnet-0bbb0000000000002");
        assert_eq!(private["network_acl_default"], json!(false));
        assert_eq!(
            private["network_acl_ingress"],
            json!([
                {"rule_number": 100, "protocol": "6", "action": "deny", "cidr": "0.0.0.0/0", "from_port": 6379, "to_port": 6379},
                {"rule_number": 200, "protocol": "6", "action": "allow", "cidr": "10.0.0.0/16", "from_port": 5432, "to_port": 5432},
                {"rule_number": 32767, "protocol": "-1", "action": "deny", "cidr": "0.0.0.0/0", "from_port": null, "to_port": null},
            ])
        );
        assert_eq!(private["network_acl_egress"], json!([]));
    }

    /// DescribeVpcs, DescribeSubnets (one page) and DescribeRouteTables (two) of one VPC.
    fn route_table_lists() -> Vec<Pages> {
        let subnets: Pages = (
            "DescribeSubnets",
            "subnetSet",
            vec![[
                subnet_item(
                    "subnet-0aaa0000000000001",
                    VPC_MAIN,
                    "10.0.1.0/24",
                    "ap-northeast-2a",
                    true,
                    &[],
                ),
                subnet_item(
                    "subnet-0bbb0000000000002",
                    VPC_MAIN,
                    "10.0.2.0/24",
                    "ap-northeast-2c",
                    false,
                    &[],
                ),
                subnet_item(
                    "subnet-0ccc0000000000003",
                    VPC_MAIN,
                    "10.0.3.0/24",
                    "ap-northeast-2b",
                    false,
                    &[],
                ),
                subnet_item(
                    "subnet-0ddd0000000000004",
                    VPC_OTHER,
                    "10.1.1.0/24",
                    "ap-northeast-2a",
                    true,
                    &[],
                ),
            ]
            .concat()],
        );
        let tables: Pages = (
            "DescribeRouteTables",
            "routeTableSet",
            vec![
                [
                    // Main: out through a NAT gateway, so private.
                    route_table_item(
                        "rtb-0main000000000001",
                        VPC_MAIN,
                        None,
                        &[route("0.0.0.0/0", "nat-0a1b2c3d4e5f60001", "active")],
                    ),
                    // To an internet gateway, but the route is a blackhole.
                    route_table_item(
                        "rtb-0hole000000000002",
                        VPC_MAIN,
                        Some("subnet-0ccc0000000000003"),
                        &[route("0.0.0.0/0", "igw-0deleted00000001", "blackhole")],
                    ),
                ]
                .concat(),
                route_table_item(
                    "rtb-0public0000000003",
                    VPC_MAIN,
                    Some("subnet-0aaa0000000000001"),
                    &[route("0.0.0.0/0", "igw-0a1b2c3d4e5f60001", "active")],
                ),
            ],
        );
        vec![two_vpcs(), subnets, tables]
    }

    fn nat_gateway_item(id: &str, vpc: &str, state: &str) -> String {
        format!(
            "<item><natGatewayId>{id}</natGatewayId><subnetId>subnet-0aaa0000000000001</subnetId><vpcId>{vpc}</vpcId>\
             <natGatewayAddressSet><item><allocationId>eipalloc-89c620ec</allocationId><networkInterfaceId>eni-9dec76cd</networkInterfaceId>\
             <privateIp>10.0.0.149</privateIp><publicIp>198.11.222.333</publicIp><isPrimary>true</isPrimary><status>succeeded</status></item></natGatewayAddressSet>\
             <createTime>2015-12-01T12:26:55.983Z</createTime><state>{state}</state><connectivityType>public</connectivityType><tagSet/></item>"
        )
    }

    #[tokio::test]
    async fn describe_nat_gateways_reads_every_page_and_counts_the_available() {
        let nat_gateways: Pages = (
            "DescribeNatGateways",
            "natGatewaySet",
            vec![
                [
                    nat_gateway_item("nat-05dba92075d71c408", VPC_MAIN, "available"),
                    nat_gateway_item("nat-0a93acc57881d4199", VPC_MAIN, "deleted"),
                ]
                .concat(),
                [
                    nat_gateway_item("nat-0b2a9e7a4c6e1f0d2", VPC_MAIN, "available"),
                    nat_gateway_item("nat-0c3b8d6f5e7a2b1c3", VPC_OTHER, "pending"),
                ]
                .concat(),
            ],
        );
        let replay = ec2_replay(vec![two_vpcs(), nat_gateways], |_| None);
        let records =
            observe_yaml(&replay, &two_vpcs_checking("nat_gateway_count", "2", "0")).await;
        assert_eq!(
            calls(&replay),
            counts(&[("DescribeNatGateways", 2), ("DescribeVpcs", 1)])
        );
        assert_eq!(attributes(&records, "main")["nat_gateway_count"], json!(2));
        assert_eq!(attributes(&records, "other")["nat_gateway_count"], json!(0));
    }

    #[tokio::test]
    async fn describe_internet_gateways_reads_every_page() {
        let igw = |id: &str, attachments: &str| {
            format!(
                "<item><internetGatewayId>{id}</internetGatewayId><ownerId>123456789012</ownerId><attachmentSet>{attachments}</attachmentSet><tagSet/></item>"
            )
        };
        let internet_gateways: Pages = (
            "DescribeInternetGateways",
            "internetGatewaySet",
            vec![
                // Detached: no attachment at all.
                igw("igw-0d1e2f3a4b5c60001", ""),
                igw(
                    "igw-0c0b1f7a7c9d00002",
                    &format!("<item><vpcId>{VPC_MAIN}</vpcId><state>available</state></item>"),
                ),
            ],
        );
        let replay = ec2_replay(vec![two_vpcs(), internet_gateways], |_| None);
        let records = observe_yaml(
            &replay,
            &two_vpcs_checking("internet_gateway_attached", "true", "false"),
        )
        .await;
        assert_eq!(
            calls(&replay),
            counts(&[("DescribeInternetGateways", 2), ("DescribeVpcs", 1)])
        );
        assert_eq!(
            attributes(&records, "main")["internet_gateway_attached"],
            json!(true)
        );
        assert_eq!(
            attributes(&records, "other")["internet_gateway_attached"],
            json!(false)
        );
    }

    fn vpc_endpoint_item(id: &str, vpc: &str, kind: &str, service: &str, state: &str) -> String {
        format!(
            "<item><vpcEndpointId>{id}</vpcEndpointId><vpcEndpointType>{kind}</vpcEndpointType><vpcId>{vpc}</vpcId>\
             <serviceName>{service}</serviceName><state>{state}</state>\
             <policyDocument>{{\"Version\":\"2008-10-17\",\"Statement\":[{{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"*\",\"Resource\":\"*\"}}]}}</policyDocument>\
             <routeTableIdSet><item>rtb-0main000000000001</item></routeTableIdSet><subnetIdSet/><groupSet/><privateDnsEnabled>false</privateDnsEnabled>\
             <requesterManaged>false</requesterManaged><networkInterfaceIdSet/><dnsEntrySet/><creationTimestamp>2017-09-05T20:14:41.000Z</creationTimestamp>\
             <ownerId>123456789012</ownerId><tagSet/></item>"
        )
    }

    /// Only an available Gateway endpoint for this region's S3 counts: not an Interface endpoint
    /// for S3, not another service's gateway, not a pending one; the one that counts is on the
    /// second page.
    #[tokio::test]
    async fn describe_vpc_endpoints_reads_every_page_for_the_s3_gateway() {
        let s3 = "com.amazonaws.ap-northeast-2.s3";
        let endpoints: Pages = (
            "DescribeVpcEndpoints",
            "vpcEndpointSet",
            vec![
                [
                    vpc_endpoint_item(
                        "vpce-0aaa000000000001",
                        VPC_MAIN,
                        "Interface",
                        s3,
                        "available",
                    ),
                    vpc_endpoint_item(
                        "vpce-0bbb000000000002",
                        VPC_MAIN,
                        "Gateway",
                        "com.amazonaws.ap-northeast-2.dynamodb",
                        "available",
                    ),
                    vpc_endpoint_item("vpce-0ccc000000000003", VPC_OTHER, "Gateway", s3, "pending"),
                ]
                .concat(),
                vpc_endpoint_item(
                    "vpce-0ddd000000000004",
                    VPC_MAIN,
                    "Gateway",
                    s3,
                    "available",
                ),
            ],
        );
        let replay = ec2_replay(vec![two_vpcs(), endpoints], |_| None);
        let records = observe_yaml(
            &replay,
            &two_vpcs_checking("s3_gateway_endpoint", "true", "false"),
        )
        .await;
        assert_eq!(
            calls(&replay),
            counts(&[("DescribeVpcEndpoints", 2), ("DescribeVpcs", 1)])
        );
        assert_eq!(
            attributes(&records, "main")["s3_gateway_endpoint"],
            json!(true)
        );
        assert_eq!(
            attributes(&records, "other")["s3_gateway_endpoint"],
            json!(false)
        );
    }

    fn flow_log_item(id: &str, resource: &str, status: &str) -> String {
        format!(
            "<item><creationTime>2015-06-12T14:41:15Z</creationTime><deliverLogsPermissionArn>arn:aws:iam::123456789012:role/flowlogsrole</deliverLogsPermissionArn>\
             <deliverLogsStatus>SUCCESS</deliverLogsStatus><flowLogId>{id}</flowLogId><flowLogStatus>{status}</flowLogStatus>\
             <logGroupName>FlowLogsForSubnetA</logGroupName><resourceId>{resource}</resourceId><trafficType>ALL</trafficType>\
             <logDestinationType>cloud-watch-logs</logDestinationType><logFormat>${{version}} ${{account-id}} ${{interface-id}}</logFormat>\
             <maxAggregationInterval>600</maxAggregationInterval><tagSet/></item>"
        )
    }

    #[tokio::test]
    async fn describe_flow_logs_reads_every_page() {
        let flow_logs: Pages = (
            "DescribeFlowLogs",
            "flowLogSet",
            vec![
                // A subnet's flow log is not the VPC's.
                flow_log_item("fl-0aaa0000000000001", "subnet-0ddd0000000000004", "ACTIVE"),
                flow_log_item("fl-0bbb0000000000002", VPC_MAIN, "ACTIVE"),
            ],
        );
        let replay = ec2_replay(vec![two_vpcs(), flow_logs], |_| None);
        let records = observe_yaml(
            &replay,
            &two_vpcs_checking("flow_logs_enabled", "true", "false"),
        )
        .await;
        assert_eq!(
            calls(&replay),
            counts(&[("DescribeFlowLogs", 2), ("DescribeVpcs", 1)])
        );
        assert_eq!(
            attributes(&records, "main")["flow_logs_enabled"],
            json!(true)
        );
        assert_eq!(
            attributes(&records, "other")["flow_logs_enabled"],
            json!(false)
        );
    }

    fn instance_item(
        id: &str,
        name: &str,
        state: (u8, &str),
        profile: &str,
        tokens: &str,
    ) -> String {
        let profile = if profile.is_empty() {
            String::new()
        } else {
            format!("<iamInstanceProfile><arn>{profile}</arn><id>AIPAJQABLZS4A3QDU576Q</id></iamInstanceProfile>")
        };
        format!(
            "<item><instanceId>{id}</instanceId><imageId>ami-0abcdef1234567890</imageId>\
             <instanceState><code>{}</code><name>{}</name></instanceState>\
             <privateDnsName>ip-10-0-1-24.ap-northeast-2.compute.internal</privateDnsName><dnsName/><reason/><amiLaunchIndex>0</amiLaunchIndex>\
             <productCodes/><instanceType>t3.micro</instanceType><launchTime>2024-05-01T09:00:00.000Z</launchTime>\
             <placement><availabilityZone>ap-northeast-2a</availabilityZone><groupName/><tenancy>default</tenancy></placement>\
             <monitoring><state>disabled</state></monitoring><subnetId>subnet-0aaa0000000000001</subnetId><vpcId>{VPC_MAIN}</vpcId>\
             <privateIpAddress>10.0.1.24</privateIpAddress><architecture>x86_64</architecture><rootDeviceType>ebs</rootDeviceType>\
             <rootDeviceName>/dev/xvda</rootDeviceName>{profile}<ebsOptimized>false</ebsOptimized>\
             <metadataOptions><state>applied</state><httpTokens>{tokens}</httpTokens><httpPutResponseHopLimit>2</httpPutResponseHopLimit><httpEndpoint>enabled</httpEndpoint></metadataOptions>\
             {}</item>",
            state.0,
            state.1,
            tag_set(&[("Name", name)])
        )
    }

    fn reservation(id: &str, instances: &[String]) -> String {
        format!(
            "<item><reservationId>{id}</reservationId><ownerId>123456789012</ownerId><groupSet/><instancesSet>{}</instancesSet></item>",
            instances.concat()
        )
    }

    /// Instances come in reservations, on pages; a terminated instance does not exist.
    /// DescribeImages as the API reference shapes it: one call with the AMIs of the instances
    /// that check one (both instances share one AMI: asked once); an AMI it no longer
    /// describes is an error, never a guess.
    #[tokio::test]
    async fn describe_images_names_the_ami_of_each_instance_that_checks_it() {
        let instances: Pages = (
            "DescribeInstances",
            "reservationSet",
            vec![reservation(
                "r-0aaa0000000000001",
                &[
                    instance_item("i-0web000000000003", "web", (16, "running"), "", "required"),
                    instance_item(
                        "i-0batch00000000002",
                        "batch",
                        (16, "running"),
                        "",
                        "required",
                    ),
                ],
            )],
        );
        let images = r#"<DescribeImagesResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>r</requestId><imagesSet><item>
            <imageId>ami-0abcdef1234567890</imageId><imageLocation>amazon/al2023-ami-2023.6.20241121.0-kernel-6.1-x86_64</imageLocation>
            <imageState>available</imageState><imageOwnerId>137112412989</imageOwnerId><isPublic>true</isPublic><architecture>x86_64</architecture>
            <imageType>machine</imageType><name>al2023-ami-2023.6.20241121.0-kernel-6.1-x86_64</name><description>Amazon Linux 2023 AMI 2023.6.20241121.0 x86_64 HVM kernel-6.1</description>
            <rootDeviceType>ebs</rootDeviceType><virtualizationType>hvm</virtualizationType></item></imagesSet></DescribeImagesResponse>"#;
        let replay = ec2_replay(vec![instances.clone()], move |request| {
            (param(request, "Action") == Some("DescribeImages")).then(|| (200, images.to_string()))
        });
        let records = observe_yaml(
            &replay,
            "  - kind: ec2_instance\n    id: web\n    expect: { image_name: { matches: '^al2023-' } }\n\
             \x20 - kind: ec2_instance\n    id: batch\n    expect: { image_description: { matches: 'Amazon Linux 2023' } }\n",
        )
        .await;
        assert_eq!(
            calls(&replay),
            counts(&[("DescribeImages", 1), ("DescribeInstances", 1)])
        );
        let images_request = replay
            .requests()
            .into_iter()
            .find(|r| param(r, "Action") == Some("DescribeImages"))
            .expect("DescribeImages");
        assert_eq!(
            param(&images_request, "ImageId.1"),
            Some("ami-0abcdef1234567890")
        );
        assert_eq!(param(&images_request, "ImageId.2"), None);
        let web = attributes(&records, "web");
        assert_eq!(web["image_id"], json!("ami-0abcdef1234567890"));
        assert_eq!(
            web["image_name"],
            json!("al2023-ami-2023.6.20241121.0-kernel-6.1-x86_64")
        );
        // An AMI DescribeImages does not describe: an error on those attributes only.
        let replay = ec2_replay(vec![instances], |request| {
            (param(request, "Action") == Some("DescribeImages")).then(|| {
                (
                    200,
                    r#"<DescribeImagesResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>r</requestId><imagesSet/></DescribeImagesResponse>"#.to_string(),
                )
            })
        });
        let records = observe_yaml(
            &replay,
            "  - kind: ec2_instance\n    id: web\n    expect: { image_name: x }\n",
        )
        .await;
        match observation(&records, "web") {
            Observation::Present { attributes, errors } => {
                assert!(errors["image_name"].contains("deregistered"), "{errors:?}");
                assert_eq!(attributes["image_id"], json!("ami-0abcdef1234567890"));
            }
            other => panic!("{other:?}"),
        }
    }

    #[tokio::test]
    async fn describe_instances_reads_every_page_of_reservations() {
        let profile = "arn:aws:iam::123456789012:instance-profile/web";
        let instances: Pages = (
            "DescribeInstances",
            "reservationSet",
            vec![
                reservation(
                    "r-0aaa0000000000001",
                    &[
                        instance_item(
                            "i-0old000000000001",
                            "old",
                            (48, "terminated"),
                            "",
                            "optional",
                        ),
                        instance_item(
                            "i-0batch00000000002",
                            "batch",
                            (80, "stopped"),
                            "",
                            "optional",
                        ),
                    ],
                ),
                [
                    reservation(
                        "r-0bbb0000000000002",
                        &[instance_item(
                            "i-0web000000000003",
                            "web",
                            (16, "running"),
                            profile,
                            "required",
                        )],
                    ),
                    reservation("r-0ccc0000000000003", &[]),
                ]
                .concat(),
            ],
        );
        let replay = ec2_replay(vec![instances], |_| None);
        let records = observe_yaml(
            &replay,
            "  - kind: ec2_instance\n    id: web\n    expect: { instance_type: t3.micro, imdsv2_required: true }\n\
             \x20 - kind: ec2_instance\n    id: i-0batch00000000002\n    expect: { state: stopped }\n\
             \x20 - kind: ec2_instance\n    id: old\n",
        )
        .await;
        assert_eq!(calls(&replay), counts(&[("DescribeInstances", 2)]));
        let web = attributes(&records, "web");
        assert_eq!(web["instance_type"], json!("t3.micro"));
        assert_eq!(web["state"], json!("running"));
        assert_eq!(web["iam_instance_profile"], json!(profile));
        assert_eq!(web["imdsv2_required"], json!(true));
        assert_eq!(web["subnet_id"], json!("subnet-0aaa0000000000001"));
        assert_eq!(web["tags"], json!({"Name": "web"}));
        let batch = attributes(&records, "i-0batch00000000002");
        assert_eq!(batch["state"], json!("stopped"));
        assert_eq!(batch["iam_instance_profile"], Value::Null);
        assert_eq!(batch["imdsv2_required"], json!(false));
        assert!(matches!(observation(&records, "old"), Observation::Absent));
    }
}
