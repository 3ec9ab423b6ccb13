//! Seeding EC2 and VPC for the live tests: test-only code that creates resources, only ever
//! pointed at a local emulator (see seed.rs).

#![allow(dead_code)]

use aws_sdk_ec2::types::{
    AttributeBooleanValue, DomainType, FlowLogsResourceType, HttpTokensState,
    IamInstanceProfileSpecification, InstanceMetadataOptionsRequest, InstanceType, IpPermission,
    IpRange, Ipv6Range, ResourceType, Tag, TagSpecification, TrafficType, UserIdGroupPair,
    VpcEndpointType,
};

use super::seed::{emulator_config, Result, REGION};

/// What was created, by role.
#[derive(Debug, Default, Clone)]
pub struct Ec2World {
    pub vpc: String,
    pub bare_vpc: String,
    pub public_a: String,
    pub public_c: String,
    pub private_a: String,
    pub private_c: String,
    pub alb_sg: String,
    pub db_sg: String,
    pub open_sg: String,
    pub bastion: String,
    pub worker: String,
    pub profile_arn: String,
}

fn tags(rt: ResourceType, pairs: &[(&str, &str)]) -> TagSpecification {
    let mut b = TagSpecification::builder().resource_type(rt);
    for (k, v) in pairs {
        b = b.tags(Tag::builder().key(*k).value(*v).build());
    }
    b.build()
}

/// VPC `dorami-staging` (10.0.0.0/16, DNS hostnames on, IGW, NAT gateway, S3 gateway endpoint,
/// flow logs): public subnets in 2a and 2c (routed to the IGW by an explicit table; public-a maps
/// public IPs), private subnets in 2a (main table) and 2c (a table routed to the NAT); groups
/// `dorami-alb` (80 and 443 from the world, 443 also from ::/0), `dorami-db` (5432 from the ALB
/// group and 10.0.0.0/16), `dorami-open` (everything from the world); instances `dorami-bastion`
/// (t3.micro, instance profile, IMDSv2 required) and `dorami-worker` (t3.small, defaults), and
/// a terminated `dorami-old`. VPC `dorami-bare` (10.1.0.0/16, nothing in it), and two VPCs both
/// named `dorami-dup`.
pub async fn seed(endpoint: &str) -> Result<Ec2World> {
    let cfg = emulator_config(endpoint);
    let ec2 = aws_sdk_ec2::Client::new(&cfg);
    let iam = aws_sdk_iam::Client::new(&cfg);
    let mut w = Ec2World::default();

    let vpc = |cidr: &'static str, name: &'static str| {
        let ec2 = ec2.clone();
        async move {
            let out = ec2
                .create_vpc()
                .cidr_block(cidr)
                .tag_specifications(tags(
                    ResourceType::Vpc,
                    &[("Name", name), ("Environment", "staging")],
                ))
                .send()
                .await?;
            Result::Ok(out.vpc.and_then(|v| v.vpc_id).ok_or("no vpc id")?)
        }
    };
    w.vpc = vpc("10.0.0.0/16", "dorami-staging").await?;
    w.bare_vpc = vpc("10.1.0.0/16", "dorami-bare").await?;
    vpc("10.2.0.0/16", "dorami-dup").await?;
    vpc("10.3.0.0/16", "dorami-dup").await?;
    ec2.modify_vpc_attribute()
        .vpc_id(&w.vpc)
        .enable_dns_hostnames(AttributeBooleanValue::builder().value(true).build())
        .send()
        .await?;

    let igw = ec2
        .create_internet_gateway()
        .send()
        .await?
        .internet_gateway
        .and_then(|g| g.internet_gateway_id)
        .ok_or("no igw id")?;
    ec2.attach_internet_gateway()
        .internet_gateway_id(&igw)
        .vpc_id(&w.vpc)
        .send()
        .await?;

    let subnet = |cidr: &'static str, az: &'static str, name: &'static str, tier: &'static str| {
        let ec2 = ec2.clone();
        let vpc = w.vpc.clone();
        async move {
            let out = ec2
                .create_subnet()
                .vpc_id(vpc)
                .cidr_block(cidr)
                .availability_zone(format!("{REGION}{az}"))
                .tag_specifications(tags(
                    ResourceType::Subnet,
                    &[("Name", name), ("Tier", tier)],
                ))
                .send()
                .await?;
            Result::Ok(out.subnet.and_then(|s| s.subnet_id).ok_or("no subnet id")?)
        }
    };
    w.public_a = subnet("10.0.0.0/24", "a", "dorami-public-a", "public").await?;
    w.public_c = subnet("10.0.1.0/24", "c", "dorami-public-c", "public").await?;
    w.private_a = subnet("10.0.10.0/24", "a", "dorami-private-a", "private").await?;
    w.private_c = subnet("10.0.11.0/24", "c", "dorami-private-c", "private").await?;
    ec2.modify_subnet_attribute()
        .subnet_id(&w.public_a)
        .map_public_ip_on_launch(AttributeBooleanValue::builder().value(true).build())
        .send()
        .await?;

    let table = || async {
        let out = ec2.create_route_table().vpc_id(&w.vpc).send().await?;
        Result::Ok(
            out.route_table
                .and_then(|t| t.route_table_id)
                .ok_or("no route table id")?,
        )
    };
    let public_rt = table().await?;
    ec2.create_route()
        .route_table_id(&public_rt)
        .destination_cidr_block("0.0.0.0/0")
        .gateway_id(&igw)
        .send()
        .await?;
    for s in [&w.public_a, &w.public_c] {
        ec2.associate_route_table()
            .route_table_id(&public_rt)
            .subnet_id(s)
            .send()
            .await?;
    }
    let eip = ec2
        .allocate_address()
        .domain(DomainType::Vpc)
        .send()
        .await?
        .allocation_id
        .ok_or("no allocation id")?;
    let nat = ec2
        .create_nat_gateway()
        .subnet_id(&w.public_a)
        .allocation_id(eip)
        .send()
        .await?
        .nat_gateway
        .and_then(|n| n.nat_gateway_id)
        .ok_or("no nat id")?;
    let private_rt = table().await?;
    ec2.create_route()
        .route_table_id(&private_rt)
        .destination_cidr_block("0.0.0.0/0")
        .nat_gateway_id(nat)
        .send()
        .await?;
    ec2.associate_route_table()
        .route_table_id(&private_rt)
        .subnet_id(&w.private_c)
        .send()
        .await?;

    ec2.create_vpc_endpoint()
        .vpc_id(&w.vpc)
        .service_name(format!("com.amazonaws.{REGION}.s3"))
        .vpc_endpoint_type(VpcEndpointType::Gateway)
        .route_table_ids(&private_rt)
        .send()
        .await?;
    ec2.create_flow_logs()
        .resource_ids(&w.vpc)
        .resource_type(FlowLogsResourceType::Vpc)
        .traffic_type(TrafficType::All)
        .log_group_name("/vpc/dorami-staging")
        .deliver_logs_permission_arn("arn:aws:iam::123456789012:role/flow-logs")
        .send()
        .await?;

    let group = |name: &'static str, vpc: String| {
        let ec2 = ec2.clone();
        async move {
            let out = ec2
                .create_security_group()
                .group_name(name)
                .description(name)
                .vpc_id(vpc)
                .tag_specifications(tags(ResourceType::SecurityGroup, &[("Name", name)]))
                .send()
                .await?;
            Result::Ok(out.group_id.ok_or("no group id")?)
        }
    };
    w.alb_sg = group("dorami-alb", w.vpc.clone()).await?;
    w.db_sg = group("dorami-db", w.vpc.clone()).await?;
    w.open_sg = group("dorami-open", w.vpc.clone()).await?;
    let port = |p: i32| {
        IpPermission::builder()
            .ip_protocol("tcp")
            .from_port(p)
            .to_port(p)
    };
    ec2.authorize_security_group_ingress()
        .group_id(&w.alb_sg)
        .ip_permissions(
            port(443)
                .ip_ranges(IpRange::builder().cidr_ip("0.0.0.0/0").build())
                .ipv6_ranges(Ipv6Range::builder().cidr_ipv6("::/0").build())
                .build(),
        )
        .ip_permissions(
            port(80)
                .ip_ranges(IpRange::builder().cidr_ip("0.0.0.0/0").build())
                .build(),
        )
        .send()
        .await?;
    ec2.authorize_security_group_ingress()
        .group_id(&w.db_sg)
        .ip_permissions(
            port(5432)
                .user_id_group_pairs(UserIdGroupPair::builder().group_id(&w.alb_sg).build())
                .ip_ranges(IpRange::builder().cidr_ip("10.0.0.0/16").build())
                .build(),
        )
        .send()
        .await?;
    // Everything from the world, and (what a "5432 only from the ALB" check must not be fooled
    // by) a 5432 rule from the ALB's group beside it.
    ec2.authorize_security_group_ingress()
        .group_id(&w.open_sg)
        .ip_permissions(
            IpPermission::builder()
                .ip_protocol("-1")
                .ip_ranges(IpRange::builder().cidr_ip("0.0.0.0/0").build())
                .build(),
        )
        .ip_permissions(
            port(5432)
                .user_id_group_pairs(UserIdGroupPair::builder().group_id(&w.alb_sg).build())
                .build(),
        )
        .send()
        .await?;

    w.profile_arn = iam
        .create_instance_profile()
        .instance_profile_name("dorami-bastion")
        .send()
        .await?
        .instance_profile
        .map(|p| p.arn)
        .ok_or("no instance profile")?;
    let image = ec2
        .describe_images()
        .owners("amazon")
        .send()
        .await?
        .images
        .unwrap_or_default()
        .into_iter()
        .find_map(|i| i.image_id)
        .ok_or("no image in moto's default set")?;
    let run = |name: &'static str, ty: InstanceType, subnet: String, hardened: bool| {
        let ec2 = ec2.clone();
        let image = image.clone();
        async move {
            let mut b = ec2
                .run_instances()
                .image_id(image)
                .min_count(1)
                .max_count(1)
                .instance_type(ty)
                .subnet_id(subnet)
                .tag_specifications(tags(ResourceType::Instance, &[("Name", name)]));
            if hardened {
                b = b
                    .iam_instance_profile(
                        IamInstanceProfileSpecification::builder()
                            .name("dorami-bastion")
                            .build(),
                    )
                    .metadata_options(
                        InstanceMetadataOptionsRequest::builder()
                            .http_tokens(HttpTokensState::Required)
                            .build(),
                    );
            }
            let out = b.send().await?;
            Result::Ok(
                out.instances
                    .unwrap_or_default()
                    .into_iter()
                    .find_map(|i| i.instance_id)
                    .ok_or("no instance id")?,
            )
        }
    };
    w.bastion = run(
        "dorami-bastion",
        InstanceType::T3Micro,
        w.public_a.clone(),
        true,
    )
    .await?;
    w.worker = run(
        "dorami-worker",
        InstanceType::T3Small,
        w.private_a.clone(),
        false,
    )
    .await?;
    let old = run(
        "dorami-old",
        InstanceType::T3Micro,
        w.private_a.clone(),
        false,
    )
    .await?;
    ec2.terminate_instances().instance_ids(old).send().await?;
    Ok(w)
}

/// One environment's VPC: public subnets routed to an internet gateway, private ones routed to
/// one NAT gateway (in the first public subnet), an S3 gateway endpoint on the private route
/// table, and VPC flow logs to CloudWatch Logs.
pub struct Network<'a> {
    /// The `Name` tag.
    pub name: &'a str,
    pub cidr: &'a str,
    pub environment: &'a str,
    /// (CIDR, zone suffix such as `a`) of each public subnet, named `<name>-public-<zone>`.
    pub public: &'a [(&'a str, &'a str)],
    /// (CIDR, zone suffix) of each private subnet, named `<name>-private-<zone>`.
    pub private: &'a [(&'a str, &'a str)],
    /// The log group the flow logs deliver to.
    pub flow_log_group: &'a str,
}

/// What [`network`] created.
#[derive(Debug, Default, Clone)]
pub struct NetworkIds {
    pub vpc: String,
    /// (subnet id, zone), in the order given.
    pub public: Vec<(String, String)>,
    pub private: Vec<(String, String)>,
    pub flow_log: String,
}

/// Creates the VPC of [`Network`] with everything in it.
pub async fn network(ec2: &aws_sdk_ec2::Client, n: &Network<'_>) -> Result<NetworkIds> {
    let mut ids = NetworkIds {
        vpc: ec2
            .create_vpc()
            .cidr_block(n.cidr)
            .tag_specifications(tags(
                ResourceType::Vpc,
                &[("Name", n.name), ("Environment", n.environment)],
            ))
            .send()
            .await?
            .vpc
            .and_then(|v| v.vpc_id)
            .ok_or("no vpc id")?,
        ..NetworkIds::default()
    };
    ec2.modify_vpc_attribute()
        .vpc_id(&ids.vpc)
        .enable_dns_hostnames(AttributeBooleanValue::builder().value(true).build())
        .send()
        .await?;
    let igw = ec2
        .create_internet_gateway()
        .send()
        .await?
        .internet_gateway
        .and_then(|g| g.internet_gateway_id)
        .ok_or("no igw id")?;
    ec2.attach_internet_gateway()
        .internet_gateway_id(&igw)
        .vpc_id(&ids.vpc)
        .send()
        .await?;
    for (tier, list) in [("public", n.public), ("private", n.private)] {
        for (cidr, az) in list {
            let name = format!("{}-{tier}-{az}", n.name);
            let zone = format!("{REGION}{az}");
            let id = ec2
                .create_subnet()
                .vpc_id(&ids.vpc)
                .cidr_block(*cidr)
                .availability_zone(&zone)
                .tag_specifications(tags(
                    ResourceType::Subnet,
                    &[("Name", &name), ("Tier", tier)],
                ))
                .send()
                .await?
                .subnet
                .and_then(|s| s.subnet_id)
                .ok_or("no subnet id")?;
            if tier == "public" {
                ids.public.push((id, zone));
            } else {
                ids.private.push((id, zone));
            }
        }
    }
    let table = || async {
        Result::Ok(
            ec2.create_route_table()
                .vpc_id(&ids.vpc)
                .send()
                .await?
                .route_table
                .and_then(|t| t.route_table_id)
                .ok_or("no route table id")?,
        )
    };
    let public_rt = table().await?;
    ec2.create_route()
        .route_table_id(&public_rt)
        .destination_cidr_block("0.0.0.0/0")
        .gateway_id(&igw)
        .send()
        .await?;
    for (subnet, _) in &ids.public {
        ec2.associate_route_table()
            .route_table_id(&public_rt)
            .subnet_id(subnet)
            .send()
            .await?;
    }
    let (first_public, _) = ids
        .public
        .first()
        .ok_or("a network needs a public subnet")?;
    let eip = ec2
        .allocate_address()
        .domain(DomainType::Vpc)
        .send()
        .await?
        .allocation_id
        .ok_or("no allocation id")?;
    let nat = ec2
        .create_nat_gateway()
        .subnet_id(first_public)
        .allocation_id(eip)
        .send()
        .await?
        .nat_gateway
        .and_then(|g| g.nat_gateway_id)
        .ok_or("no nat id")?;
    let private_rt = table().await?;
    ec2.create_route()
        .route_table_id(&private_rt)
        .destination_cidr_block("0.0.0.0/0")
        .nat_gateway_id(nat)
        .send()
        .await?;
    for (subnet, _) in &ids.private {
        ec2.associate_route_table()
            .route_table_id(&private_rt)
            .subnet_id(subnet)
            .send()
            .await?;
    }
    ec2.create_vpc_endpoint()
        .vpc_id(&ids.vpc)
        .service_name(format!("com.amazonaws.{REGION}.s3"))
        .vpc_endpoint_type(VpcEndpointType::Gateway)
        .route_table_ids(&private_rt)
        .send()
        .await?;
    ids.flow_log = ec2
        .create_flow_logs()
        .resource_ids(&ids.vpc)
        .resource_type(FlowLogsResourceType::Vpc)
        .traffic_type(TrafficType::All)
        .log_group_name(n.flow_log_group)
        .deliver_logs_permission_arn("arn:aws:iam::123456789012:role/flow-logs")
        .send()
        .await?
        .flow_log_ids
        .unwrap_or_default()
        .into_iter()
        .next()
        .ok_or("no flow log id")?;
    Ok(ids)
}

/// Where an inbound rule lets traffic in from.
pub enum Source<'a> {
    /// 0.0.0.0/0.
    World,
    /// Another security group, by id.
    Group(&'a str),
}

/// A security group in the VPC with TCP ingress rules (port, source); returns its id.
pub async fn security_group(
    ec2: &aws_sdk_ec2::Client,
    vpc: &str,
    name: &str,
    ingress: &[(i32, Source<'_>)],
) -> Result<String> {
    let id = ec2
        .create_security_group()
        .group_name(name)
        .description(name)
        .vpc_id(vpc)
        .tag_specifications(tags(ResourceType::SecurityGroup, &[("Name", name)]))
        .send()
        .await?
        .group_id
        .ok_or("no group id")?;
    if ingress.is_empty() {
        return Ok(id);
    }
    let mut req = ec2.authorize_security_group_ingress().group_id(&id);
    for (port, from) in ingress {
        let rule = IpPermission::builder()
            .ip_protocol("tcp")
            .from_port(*port)
            .to_port(*port);
        req = req.ip_permissions(match from {
            Source::World => rule
                .ip_ranges(IpRange::builder().cidr_ip("0.0.0.0/0").build())
                .build(),
            Source::Group(g) => rule
                .user_id_group_pairs(UserIdGroupPair::builder().group_id(*g).build())
                .build(),
        });
    }
    req.send().await?;
    Ok(id)
}
