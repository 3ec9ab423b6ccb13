//! VPCs, subnets, security groups and EC2 instances against moto: every attribute moto models,
//! failures, missing and ambiguous resources, access denied, and the calls made.

use std::collections::{BTreeMap, BTreeSet};

use infra_verify::evaluate::Status;
use infra_verify::plan;

use crate::support::moto::Moto;
use crate::support::proxy::{self, Answer};
use crate::support::seed_ec2::{seed, Ec2World};
use crate::{assert_only_expectations_fail, check, not_passing, observe, rt, spec_text};

fn start() -> (Moto, Ec2World) {
    let moto = Moto::start();
    let w = rt().block_on(seed(&moto.endpoint)).expect("seed");
    (moto, w)
}

fn every_attribute(w: &Ec2World) -> String {
    format!(
        r#"
version: 1
environment: test
resources:
  - kind: vpc
    id: dorami-staging
    expect:
      cidr_block: 10.0.0.0/16
      is_default: false
      dns_support: true
      dns_hostnames: true
      public_subnet_count: 2
      private_subnet_count: 2
      public_subnet_azs: [ap-northeast-2a, ap-northeast-2c]
      private_subnet_azs: [ap-northeast-2a, ap-northeast-2c]
      public_subnet_az_count: 2
      private_subnet_az_count: 2
      nat_gateway_count: 1
      internet_gateway_attached: true
      s3_gateway_endpoint: true
      flow_logs_enabled: true
      tags: {{ Name: dorami-staging, Environment: staging }}
  - kind: vpc
    id: {bare}
    expect:
      cidr_block: 10.1.0.0/16
      dns_hostnames: false
      public_subnet_count: 0
      private_subnet_az_count: 0
      nat_gateway_count: 0
      internet_gateway_attached: false
      s3_gateway_endpoint: false
      flow_logs_enabled: false
  - kind: subnet
    id: dorami-public-a
    expect:
      vpc_id: {vpc}
      availability_zone: ap-northeast-2a
      cidr_block: 10.0.0.0/24
      tier: public
      map_public_ip_on_launch: true
      tags: {{ contains: {{ Tier: public }} }}
  - kind: subnet
    id: {private_a}
    expect: {{ tier: private, map_public_ip_on_launch: false }}
  - kind: subnet
    id: dorami-private-c
    expect: {{ tier: private, availability_zone: ap-northeast-2c }}
  - kind: security_group
    id: dorami-alb
    expect:
      group_name: dorami-alb
      vpc_id: {vpc}
      world_open_ports: ["443", "80"]
      port_sources: {{ "443": "0.0.0.0/0,::/0", "80": "0.0.0.0/0" }}
      ingress: {{ contains: {{ protocol: tcp, from_port: 443, to_port: 443, ipv6_cidrs: ["::/0"] }} }}
      tags: {{ Name: dorami-alb }}
  - kind: security_group
    id: {db}
    expect:
      world_open_ports: []
      port_sources: {{ contains: {{ "5432": "10.0.0.0/16,{alb}" }} }}
      port_source_names: {{ contains: {{ "5432": "10.0.0.0/16,dorami-alb" }} }}
      ingress: {{ contains: {{ source_groups: ["{alb}"] }} }}
  - kind: security_group
    id: dorami-open
    expect:
      world_open_ports: [all]
      port_source_names: {{ "5432": "0.0.0.0/0,dorami-alb", all: "0.0.0.0/0,dorami-alb" }}
  - kind: ec2_instance
    id: dorami-bastion
    expect:
      instance_type: t3.micro
      state: running
      iam_instance_profile: {profile}
      imdsv2_required: true
      subnet_id: {public_a}
      tags: {{ Name: dorami-bastion }}
  - kind: ec2_instance
    id: {worker}
    expect:
      instance_type: t3.small
      iam_instance_profile: null
      imdsv2_required: false
      subnet_id: {private_a}
"#,
        bare = w.bare_vpc,
        vpc = w.vpc,
        private_a = w.private_a,
        public_a = w.public_a,
        db = w.db_sg,
        alb = w.alb_sg,
        profile = w.profile_arn,
        worker = w.worker,
    )
}

#[test]
fn every_modelled_attribute_is_read_from_the_emulator_with_one_list_per_operation() {
    let (moto, w) = start();
    let (_, report, calls) = observe(&moto.endpoint, &every_attribute(&w));
    assert_eq!(not_passing(&report), []);
    // 10 resources, 15 + 8 + 6 + 2 + 2 + 6 + 4 + 2 + 6 + 4 expectations.
    assert_eq!(report.summary.total, 10 + 55);
    // One list per operation whatever the number of resources needing it; DescribeVpcAttribute
    // once per VPC and DNS attribute checked (2 + 1).
    assert_eq!(
        calls,
        BTreeMap::from([
            ("EC2:DescribeFlowLogs".to_string(), 1),
            ("EC2:DescribeInstances".to_string(), 1),
            ("EC2:DescribeInternetGateways".to_string(), 1),
            ("EC2:DescribeNatGateways".to_string(), 1),
            ("EC2:DescribeRouteTables".to_string(), 1),
            ("EC2:DescribeSecurityGroups".to_string(), 1),
            ("EC2:DescribeSubnets".to_string(), 1),
            ("EC2:DescribeVpcAttribute".to_string(), 3),
            ("EC2:DescribeVpcEndpoints".to_string(), 1),
            ("EC2:DescribeVpcs".to_string(), 1),
            ("STS:GetCallerIdentity".to_string(), 1),
        ])
    );
    // Every call made is in the spec's IAM policy, and the policy asks for nothing unused.
    let spec = spec_text(&every_attribute(&w));
    let used: BTreeSet<&str> = calls
        .keys()
        .map(|c| {
            let (service, op) = c.split_once(':').expect("service:operation");
            plan::action_for(service, op).unwrap_or_else(|| panic!("{c} is not in OPERATIONS"))
        })
        .collect();
    assert_eq!(used, plan::plan(&spec).actions);
}

#[test]
fn only_the_lists_the_checks_need_are_made() {
    let (moto, _) = start();
    let (_, report, calls) = observe(
        &moto.endpoint,
        "version: 1\nenvironment: test\nresources:\n  - kind: vpc\n    id: dorami-staging\n    expect: { cidr_block: 10.0.0.0/16 }\n  - kind: subnet\n    id: dorami-public-a\n    expect: { cidr_block: 10.0.0.0/24 }\n  - kind: security_group\n    id: dorami-alb\n",
    );
    assert_eq!(not_passing(&report), []);
    assert_eq!(
        calls,
        BTreeMap::from([
            ("EC2:DescribeSecurityGroups".to_string(), 1),
            ("EC2:DescribeSubnets".to_string(), 1),
            ("EC2:DescribeVpcs".to_string(), 1),
            ("STS:GetCallerIdentity".to_string(), 1),
        ])
    );
}

#[test]
fn each_attribute_family_reports_a_failure_with_the_actual_value() {
    let (moto, w) = start();
    let (_, report, _) = observe(
        &moto.endpoint,
        &format!(
            r#"
version: 1
environment: test
resources:
  - kind: vpc
    id: dorami-bare
    expect:
      cidr_block: 10.0.0.0/16
      is_default: true
      dns_hostnames: true
      public_subnet_az_count: 2
      nat_gateway_count: {{ at_least: 1 }}
      internet_gateway_attached: true
      s3_gateway_endpoint: true
      flow_logs_enabled: true
      tags: {{ contains: {{ Environment: production }} }}
  - kind: subnet
    id: dorami-private-a
    expect:
      vpc_id: {bare}
      availability_zone: ap-northeast-2c
      tier: public
      map_public_ip_on_launch: true
  - kind: security_group
    id: dorami-open
    expect:
      world_open_ports: {{ subset_of: ["443", "80"] }}
      port_sources: {{ contains: {{ "5432": "{alb}" }} }}
      port_source_names: {{ contains: {{ "5432": dorami-alb }} }}
      ingress: {{ contains: {{ protocol: udp }} }}
  - kind: security_group
    id: dorami-db
    expect: {{ port_sources: {{ contains: {{ "5432": "{alb}" }} }} }}
  - kind: ec2_instance
    id: dorami-worker
    expect:
      instance_type: t3.micro
      state: stopped
      iam_instance_profile: {{ matches: "instance-profile/" }}
      imdsv2_required: true
"#,
            bare = w.bare_vpc,
            alb = w.alb_sg
        ),
    );
    assert_eq!(assert_only_expectations_fail(&report), 9 + 4 + 4 + 1 + 4);
    let actual = |id: &str| check(&report, id).actual.clone();
    assert_eq!(actual("vpc/dorami-bare/nat_gateway_count"), 0);
    assert_eq!(actual("subnet/dorami-private-a/tier"), "private");
    assert_eq!(
        actual("security_group/dorami-open/world_open_ports"),
        serde_json::json!(["all"])
    );
    // A 5432 rule from the ALB's group does not make "5432 only from the ALB" true while another
    // rule lets the whole world in on every port.
    assert_eq!(
        actual("security_group/dorami-open/port_sources"),
        serde_json::json!({"5432": format!("0.0.0.0/0,{}", w.alb_sg), "all": format!("0.0.0.0/0,{}", w.alb_sg)})
    );
    assert_eq!(
        actual("security_group/dorami-db/port_sources"),
        serde_json::json!({"5432": format!("10.0.0.0/16,{}", w.alb_sg)})
    );
    assert_eq!(
        actual("ec2_instance/dorami-worker/iam_instance_profile"),
        serde_json::Value::Null
    );
}

#[test]
fn missing_terminated_and_ambiguous_resources() {
    let (moto, _) = start();
    let (_, report, _) = observe(
        &moto.endpoint,
        r#"
version: 1
environment: test
resources:
  - kind: vpc
    id: vpc-0123456789abcdef0
    expect: { cidr_block: 10.0.0.0/16 }
  - kind: vpc
    id: dorami-dup
    expect: { cidr_block: 10.2.0.0/16 }
  - kind: subnet
    id: nope
  - kind: security_group
    id: default
  - kind: security_group
    id: dorami-gone
    expect: { world_open_ports: [] }
  - kind: security_group
    id: sg-0123456789abcdef0
  - kind: ec2_instance
    id: i-0123456789abcdef0
    expect: { state: running }
  - kind: ec2_instance
    id: dorami-old
    exists: false
  - kind: subnet
    id: dorami-public-c
    exists: false
"#,
    );
    let statuses: Vec<(&str, Status)> = report
        .checks
        .iter()
        .map(|c| (c.id.as_str(), c.status))
        .collect();
    assert_eq!(
        statuses,
        [
            ("vpc/vpc-0123456789abcdef0/exists", Status::Missing),
            ("vpc/vpc-0123456789abcdef0/cidr_block", Status::Missing),
            ("vpc/dorami-dup/exists", Status::Error),
            ("vpc/dorami-dup/cidr_block", Status::Error),
            ("subnet/nope/exists", Status::Missing),
            ("security_group/default/exists", Status::Error),
            ("security_group/dorami-gone/exists", Status::Missing),
            (
                "security_group/dorami-gone/world_open_ports",
                Status::Missing
            ),
            (
                "security_group/sg-0123456789abcdef0/exists",
                Status::Missing
            ),
            ("ec2_instance/i-0123456789abcdef0/exists", Status::Missing),
            ("ec2_instance/i-0123456789abcdef0/state", Status::Missing),
            // Terminated: does not exist.
            ("ec2_instance/dorami-old/exists", Status::Pass),
            ("subnet/dorami-public-c/exists", Status::Fail),
        ]
    );
    assert!(
        check(&report, "vpc/dorami-dup/exists")
            .message
            .contains("ambiguous: 2 resources are named `dorami-dup`"),
        "{:?}",
        check(&report, "vpc/dorami-dup/exists")
    );
    // `default` is the name of the default group of every VPC.
    assert!(check(&report, "security_group/default/exists")
        .message
        .contains("ambiguous"));
}

#[test]
fn tag_selection_counts_subnets_per_tier() {
    let (moto, _) = start();
    let (_, report, _) = observe(
        &moto.endpoint,
        "version: 1\nenvironment: test\nresources:\n  - kind: subnet\n    select: { tags: { Tier: public } }\n    count: 2\n    expect: { tier: public }\n  - kind: vpc\n    select: { tags: { Environment: staging } }\n    count: { at_least: 4 }\n    expect: { is_default: false }\n",
    );
    assert_eq!(not_passing(&report), []);
    let tiers = report
        .checks
        .iter()
        .filter(|c| c.attribute == "tier")
        .count();
    assert_eq!(tiers, 2);
}

/// EC2 speaks its own query dialect: errors are `Response/Errors/Error`.
fn ec2_error(code: &str) -> Answer {
    Answer {
        status: 403,
        content_type: "text/xml",
        body: format!(
            "<Response><Errors><Error><Code>{code}</Code><Message>injected by the test proxy</Message></Error></Errors><RequestID>test</RequestID></Response>"
        ),
    }
}

fn action_is(request: &str, action: &str) -> bool {
    request.contains(&format!("Action={action}&"))
}

#[test]
fn access_denied_on_each_operation_is_an_error_naming_the_iam_action() {
    let (moto, _) = start();
    let spec = r#"
version: 1
environment: test
resources:
  - kind: vpc
    id: dorami-staging
    expect:
      cidr_block: 10.0.0.0/16
      dns_support: true
      public_subnet_count: 2
      nat_gateway_count: 1
      internet_gateway_attached: true
      s3_gateway_endpoint: true
      flow_logs_enabled: true
  - kind: subnet
    id: dorami-public-a
    expect: { tier: public, cidr_block: 10.0.0.0/24 }
  - kind: security_group
    id: dorami-alb
    expect: { world_open_ports: ["443", "80"] }
  - kind: ec2_instance
    id: dorami-bastion
    expect: { imdsv2_required: true }
"#;
    // Attribute lists denied: only the attributes read from them are errors.
    let proxy = proxy::start(moto.port, |r| {
        [
            "DescribeVpcAttribute",
            "DescribeRouteTables",
            "DescribeNatGateways",
            "DescribeInternetGateways",
            "DescribeVpcEndpoints",
            "DescribeFlowLogs",
        ]
        .iter()
        .any(|a| action_is(r, a))
        .then(|| ec2_error("UnauthorizedOperation"))
    });
    let (_, report, _) = observe(&proxy.endpoint, spec);
    for (id, action) in [
        ("vpc/dorami-staging/dns_support", "ec2:DescribeVpcAttribute"),
        (
            "vpc/dorami-staging/public_subnet_count",
            "ec2:DescribeRouteTables",
        ),
        (
            "vpc/dorami-staging/nat_gateway_count",
            "ec2:DescribeNatGateways",
        ),
        (
            "vpc/dorami-staging/internet_gateway_attached",
            "ec2:DescribeInternetGateways",
        ),
        (
            "vpc/dorami-staging/s3_gateway_endpoint",
            "ec2:DescribeVpcEndpoints",
        ),
        (
            "vpc/dorami-staging/flow_logs_enabled",
            "ec2:DescribeFlowLogs",
        ),
        ("subnet/dorami-public-a/tier", "ec2:DescribeRouteTables"),
    ] {
        let c = check(&report, id);
        assert_eq!(c.status, Status::Error, "{id}: {c:?}");
        assert!(
            c.message.contains(&format!(
                "access denied: the caller may not call `{action}`"
            )),
            "{id}: {}",
            c.message
        );
    }
    for id in [
        "vpc/dorami-staging/exists",
        "vpc/dorami-staging/cidr_block",
        "subnet/dorami-public-a/cidr_block",
        "security_group/dorami-alb/world_open_ports",
        "ec2_instance/dorami-bastion/imdsv2_required",
    ] {
        assert_eq!(check(&report, id).status, Status::Pass, "{id}");
    }

    // Kind lists denied: every check of that kind is an error, nothing is missing.
    let proxy = proxy::start(moto.port, |r| {
        [
            "DescribeVpcs",
            "DescribeSubnets",
            "DescribeSecurityGroups",
            "DescribeInstances",
        ]
        .iter()
        .any(|a| action_is(r, a))
        .then(|| ec2_error("UnauthorizedOperation"))
    });
    let (_, report, calls) = observe(&proxy.endpoint, spec);
    for c in &report.checks {
        assert_eq!(c.status, Status::Error, "{c:?}");
    }
    for (id, action) in [
        ("vpc/dorami-staging/exists", "ec2:DescribeVpcs"),
        ("subnet/dorami-public-a/exists", "ec2:DescribeSubnets"),
        (
            "security_group/dorami-alb/exists",
            "ec2:DescribeSecurityGroups",
        ),
        (
            "ec2_instance/dorami-bastion/exists",
            "ec2:DescribeInstances",
        ),
    ] {
        assert!(
            check(&report, id).message.contains(&format!(
                "access denied: the caller may not call `{action}`"
            )),
            "{id}: {}",
            check(&report, id).message
        );
    }
    // No VPC found: no per-VPC call.
    assert_eq!(calls.get("EC2:DescribeVpcAttribute"), None);
}

/// A subnet's route table and routes, and its network ACL: moto's default ACL for the public
/// subnet, a custom one (Redis denied from anywhere, PostgreSQL from the VPC) for a private one.
/// Pass, fail with the actual value, missing, and access denied.
#[test]
fn subnet_routes_and_network_acls() {
    let (moto, w) = start();
    let acl = rt()
        .block_on(async {
            let ec2 =
                aws_sdk_ec2::Client::new(&crate::support::seed::emulator_config(&moto.endpoint));
            let acl = ec2
                .create_network_acl()
                .vpc_id(&w.vpc)
                .send()
                .await?
                .network_acl
                .and_then(|a| a.network_acl_id)
                .ok_or("no acl id")?;
            for (n, action, cidr, port) in [
                (100, "deny", "0.0.0.0/0", 6379),
                (200, "allow", "10.0.0.0/16", 5432),
            ] {
                ec2.create_network_acl_entry()
                    .network_acl_id(&acl)
                    .rule_number(n)
                    .protocol("6")
                    .rule_action(aws_sdk_ec2::types::RuleAction::from(action))
                    .egress(false)
                    .cidr_block(cidr)
                    .port_range(
                        aws_sdk_ec2::types::PortRange::builder()
                            .from(port)
                            .to(port)
                            .build(),
                    )
                    .send()
                    .await?;
            }
            let current = ec2
                .describe_network_acls()
                .filters(
                    aws_sdk_ec2::types::Filter::builder()
                        .name("association.subnet-id")
                        .values(&w.private_c)
                        .build(),
                )
                .send()
                .await?;
            let association = current
                .network_acls()
                .iter()
                .flat_map(|a| a.associations())
                .find(|a| a.subnet_id() == Some(w.private_c.as_str()))
                .and_then(|a| a.network_acl_association_id())
                .ok_or("no association")?
                .to_string();
            ec2.replace_network_acl_association()
                .association_id(association)
                .network_acl_id(&acl)
                .send()
                .await?;
            Ok::<_, Box<dyn std::error::Error + Send + Sync>>(acl)
        })
        .expect("network ACL");
    let spec = format!(
        r#"
version: 1
environment: test
resources:
  - kind: subnet
    id: dorami-public-a
    expect:
      routes: {{ contains: {{ destination: 0.0.0.0/0, state: active }} }}
      network_acl_default: true
  - kind: subnet
    id: dorami-private-c
    expect:
      route_table_id: {{ matches: '^rtb-' }}
      routes: {{ contains: {{ destination: 0.0.0.0/0 }} }}
      network_acl_id: {acl}
      network_acl_default: false
      network_acl_ingress:
        contains: {{ rule_number: 100, protocol: "6", action: deny, cidr: 0.0.0.0/0, from_port: 6379, to_port: 6379 }}
"#
    );
    let (snapshot, report, calls) = observe(&moto.endpoint, &spec);
    assert_eq!(not_passing(&report), []);
    assert_eq!(calls.get("EC2:DescribeNetworkAcls"), Some(&1));
    assert_eq!(calls.get("EC2:DescribeRouteTables"), Some(&1));
    // The public subnet routes the internet through the internet gateway, the private one
    // through the NAT gateway.
    let routes = |id: &str| {
        snapshot
            .resources
            .iter()
            .find(|r| r.id == id)
            .and_then(|r| match &r.observation {
                infra_verify::snapshot::Observation::Present { attributes, .. } => {
                    Some(attributes["routes"].clone())
                }
                _ => None,
            })
            .expect("routes")
    };
    let default_target = |id: &str| {
        routes(id)
            .as_array()
            .expect("list")
            .iter()
            .find(|r| r["destination"] == "0.0.0.0/0")
            .and_then(|r| r["target"].as_str().map(str::to_string))
            .expect("a default route")
    };
    assert!(default_target("dorami-public-a").starts_with("igw-"));
    assert!(default_target("dorami-private-c").starts_with("nat-"));

    // Wrong expectations fail with what is there.
    let (_, report, _) = observe(
        &moto.endpoint,
        "version: 1\nenvironment: test\nresources:\n  - kind: subnet\n    id: dorami-private-c\n    expect: { network_acl_default: true, network_acl_egress: { contains: { rule_number: 100 } } }\n",
    );
    assert_eq!(assert_only_expectations_fail(&report), 2);
    // Missing, and access denied: an error naming the action, never a pass.
    let (_, report, calls) = observe(
        &moto.endpoint,
        "version: 1\nenvironment: test\nresources:\n  - kind: subnet\n    id: nope\n    expect: { network_acl_default: false }\n",
    );
    assert_eq!(
        check(&report, "subnet/nope/network_acl_default").status,
        Status::Missing
    );
    assert_eq!(calls.get("EC2:DescribeSubnets"), Some(&1));
    let guard = proxy::start(moto.port, |request| {
        request
            .contains("Action=DescribeNetworkAcls")
            .then(|| Answer::query_error(403, "UnauthorizedOperation"))
    });
    let (_, report, _) = observe(&guard.endpoint, &spec);
    let denied = check(&report, "subnet/dorami-private-c/network_acl_id");
    assert_eq!(denied.status, Status::Error);
    assert!(
        denied.message.contains("ec2:DescribeNetworkAcls"),
        "{}",
        denied.message
    );
    assert_eq!(
        check(&report, "subnet/dorami-private-c/route_table_id").status,
        Status::Pass
    );
}

/// An instance's AMI, named by DescribeImages (one call for every instance that checks it):
/// pass with moto's name for it, fail with the actual value, an error naming the action when
/// refused.
#[test]
fn the_ami_of_an_instance_is_named() {
    let (moto, _w) = start();
    let (id, name) = rt()
        .block_on(async {
            let ec2 =
                aws_sdk_ec2::Client::new(&crate::support::seed::emulator_config(&moto.endpoint));
            let out = ec2.describe_instances().send().await?;
            let image = out
                .reservations()
                .iter()
                .flat_map(|r| r.instances())
                .find_map(|i| i.image_id())
                .ok_or("no instance")?
                .to_string();
            let described = ec2.describe_images().image_ids(&image).send().await?;
            let name = described
                .images()
                .first()
                .and_then(|i| i.name())
                .ok_or("no AMI name")?
                .to_string();
            Ok::<_, Box<dyn std::error::Error + Send + Sync>>((image, name))
        })
        .expect("the seeded AMI");
    let spec = format!(
        "version: 1\nenvironment: test\nresources:\n\
         \x20 - kind: ec2_instance\n    id: dorami-bastion\n    expect: {{ image_id: {id}, image_name: \"{name}\" }}\n\
         \x20 - kind: ec2_instance\n    id: dorami-worker\n    expect: {{ image_name: \"{name}\" }}\n"
    );
    let (_, report, calls) = observe(&moto.endpoint, &spec);
    assert_eq!(not_passing(&report), []);
    assert_eq!(calls.get("EC2:DescribeImages"), Some(&1));
    let (_, report, _) = observe(
        &moto.endpoint,
        "version: 1\nenvironment: test\nresources:\n  - kind: ec2_instance\n    id: dorami-bastion\n    expect: { image_name: { matches: '^al2023-' } }\n",
    );
    assert_eq!(assert_only_expectations_fail(&report), 1);
    assert_eq!(
        check(&report, "ec2_instance/dorami-bastion/image_name").actual,
        serde_json::json!(name)
    );
    let guard = proxy::start(moto.port, |request| {
        request
            .contains("Action=DescribeImages")
            .then(|| Answer::query_error(403, "UnauthorizedOperation"))
    });
    let (_, report, _) = observe(&guard.endpoint, &spec);
    let denied = check(&report, "ec2_instance/dorami-bastion/image_name");
    assert_eq!(denied.status, Status::Error);
    assert!(
        denied.message.contains("ec2:DescribeImages"),
        "{}",
        denied.message
    );
    assert_eq!(
        check(&report, "ec2_instance/dorami-bastion/image_id").status,
        Status::Pass
    );
}
