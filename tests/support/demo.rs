//! The demo environments, with deliberate gaps: the live-commerce platform's staging account as
//! specs/staging.yaml describes it, the ticketing platform's production account as
//! specs/ticketing-production.yaml describes it, and the group/social app's production account as
//! specs/group-production.yaml describes it. The live-commerce platform's production environment
//! (specs/production.yaml) is seeded by demo_production.rs, after staging, whose shared parts
//! (the `dorami-backend` repository, the CloudFront distribution, the certificates) it uses. All
//! four live in one emulator (one account) without touching each other's checks (`dorami-*`,
//! `tickets-*` and `moim-*` names). Used by `scripts/demo` (through examples/seed.rs) and by the
//! live tests that keep fixtures/staging.snapshot.json,
//! fixtures/ticketing-production.snapshot.json, fixtures/group-production.snapshot.json and
//! fixtures/production.snapshot.json honest. Test-only; only ever pointed at a local emulator.

#![allow(dead_code)]

use aws_sdk_ecs::types::LaunchType;
use aws_sdk_elasticloadbalancingv2::types::TargetTypeEnum;
use aws_sdk_guardduty::types::FindingPublishingFrequency;

use super::seed::{emulator_config, seed_staging, Bucket, Db, Result, Seeder};
use super::seed_backup_mail::BackupMailSeeder;
use super::seed_dns::{Acl, DnsSeeder};
use super::seed_ec2::{network, security_group, Network, Source};
use super::seed_ecs::{Container, EcsSeeder, Repo, Roles, Svc, TaskDef};
use super::seed_edge::{
    seed_edge, DefaultAction, Dist, EdgeSeeder, HealthCheck, Subnet, TargetGroupSpec,
};
use super::seed_monitoring::{Alarm, MonitoringSeeder};
use super::seed_security::{Group, SecuritySeeder, TrailSpec};

/// Seeds everything. The gaps: backups kept 1 day instead of 7, versioning off on the HLS bucket,
/// no public access block on the uploads bucket, and no scan on push for the nginx-rtmp images.
pub async fn seed_demo(endpoint: &str) -> Result<()> {
    seed_staging(endpoint).await?;
    let edge = seed_edge(endpoint).await?;
    let ecs = EcsSeeder::new(endpoint);
    ecs.repository(&Repo {
        name: "dorami-backend",
        scan_on_push: true,
        lifecycle: true,
        ..Repo::default()
    })
    .await?;
    ecs.repository(&Repo {
        name: "dorami-nginx-rtmp",
        scan_on_push: false, // gap: the checklist says "ECR scan on push"
        ..Repo::default()
    })
    .await?;
    ecs.cluster(
        "dorami-staging",
        &["FARGATE", "FARGATE_SPOT"],
        Some("enabled"),
    )
    .await?;
    // The database URL comes from Secrets Manager, read by the execution role.
    ecs.task_definition_with(
        &TaskDef {
            family: "dorami-backend-staging",
            cpu: "512",
            memory: "1024",
            containers: &[Container {
                name: "backend",
                image: "123456789012.dkr.ecr.ap-northeast-2.amazonaws.com/dorami-backend:staging",
                health_check: true,
                log_group: Some("/ecs/dorami-backend-staging"),
                env: &[("NODE_ENV", "staging")],
            }],
        },
        &Roles {
            task: Some("dorami-backend-staging-task"),
            execution: Some("ecsTaskExecutionRole"),
            secrets: &[(
                "DATABASE_URL",
                "arn:aws:secretsmanager:ap-northeast-2:123456789012:secret:dorami/staging/backend-AbCdEf:DATABASE_URL::",
            )],
        },
    )
    .await?;
    ecs.service(&Svc {
        cluster: "dorami-staging",
        name: "dorami-backend",
        task_family: "dorami-backend-staging",
        desired: 1,
        launch_type: Some(LaunchType::Fargate),
        target_group_arn: Some(&edge.api_tg_arn),
        circuit_breaker: Some((true, true)),
        running: true,
        ..Svc::default()
    })
    .await?;
    Ok(())
}

/// The ticketing platform's production checks that fail on the emulator, and why: the three
/// seeded gaps, then what moto cannot model (IAM GetAccountSummary always reports root MFA off).
pub const TICKETING_GAPS: [(&str, &str); 4] = [
    (
        "waf_web_acl/CLOUDFRONT/tickets-edge/rate_limit",
        "gap: the rate-based rule allows 2000 requests / 5 min, not 100",
    ),
    (
        "vpc/tickets-production/flow_logs_enabled",
        "gap: the VPC's flow logs were deleted",
    ),
    (
        "s3_bucket/tickets-logs/lifecycle_rules",
        "gap: the logs bucket only expires objects, no Glacier rule",
    ),
    (
        "account/current/root_mfa_enabled",
        "moto: GetAccountSummary always says AccountMFAEnabled 0",
    ),
];

/// The ticketing platform's production environment of specs/ticketing-production.yaml, in its own
/// VPC (10.0.0.0/16, tagged `tickets-production`) next to the staging environment. The seeded
/// gaps: the CloudFront web ACL's rate limit is 2000 instead of 100, the VPC's flow logs were
/// deleted, and the logs bucket has an expiration rule but no Glacier transition. Root MFA is off
/// too, but only because moto cannot turn it on (see [`TICKETING_GAPS`]).
pub async fn seed_ticketing(endpoint: &str) -> Result<()> {
    let cfg = emulator_config(endpoint);
    let ec2 = aws_sdk_ec2::Client::new(&cfg);
    let data = Seeder::new(endpoint);
    let dns = DnsSeeder::new(endpoint);
    let edge = EdgeSeeder::new(endpoint);
    let mon = MonitoringSeeder::new(endpoint);
    let sec = SecuritySeeder::new(endpoint);

    // Network: two public and two private subnets in 2a and 2c, one NAT, S3 endpoint.
    let net = network(
        &ec2,
        &Network {
            name: "tickets-production",
            cidr: "10.0.0.0/16",
            environment: "production",
            public: &[("10.0.0.0/24", "a"), ("10.0.1.0/24", "c")],
            private: &[("10.0.10.0/24", "a"), ("10.0.11.0/24", "c")],
            flow_log_group: "/vpc/tickets-production",
        },
    )
    .await?;
    mon.log_group("/vpc/tickets-production", Some(90), None)
        .await?;
    // Gap: someone deleted the flow logs (the checklist says "VPC flow logs").
    ec2.delete_flow_logs()
        .flow_log_ids(&net.flow_log)
        .send()
        .await?;
    let alb_sg = security_group(
        &ec2,
        &net.vpc,
        "tickets-alb",
        &[(443, Source::World), (80, Source::World)],
    )
    .await?;
    let app_sg = security_group(
        &ec2,
        &net.vpc,
        "tickets-app",
        &[(3001, Source::Group(&alb_sg))],
    )
    .await?;
    security_group(
        &ec2,
        &net.vpc,
        "tickets-db",
        &[
            (5432, Source::Group(&app_sg)),
            (6379, Source::Group(&app_sg)),
        ],
    )
    .await?;

    // Certificates, the CloudFront web ACL (gap: 2000 requests / 5 min instead of 100).
    let cf_certificate = dns.certificate("www.tickets.example", &[], None).await?;
    let alb_certificate = dns.home_certificate("api.tickets.example").await?;
    let acl = dns
        .web_acl(&Acl {
            name: "tickets-edge",
            cloudfront: true,
            rate: Some((2000, 300)),
            managed: &[
                ("AWS", "AWSManagedRulesSQLiRuleSet"),
                // The common rule set carries AWS's cross-site scripting rules.
                ("AWS", "AWSManagedRulesCommonRuleSet"),
                ("AWS", "AWSManagedRulesKnownBadInputsRuleSet"),
            ],
            ..Acl::default()
        })
        .await?;

    // ALB in the public subnets; the app's instances in the private ones.
    let public: Vec<Subnet> = net
        .public
        .iter()
        .map(|(id, zone)| Subnet {
            id: id.clone(),
            zone: zone.clone(),
            vpc_id: net.vpc.clone(),
        })
        .collect();
    let alb_arn = edge
        .load_balancer("tickets-alb", &[&public[0], &public[1]], &[&alb_sg])
        .await?;
    let alb_dns = edge
        .elbv2
        .describe_load_balancers()
        .load_balancer_arns(&alb_arn)
        .send()
        .await?
        .load_balancers()
        .first()
        .and_then(|lb| lb.dns_name())
        .ok_or("no DNS name")?
        .to_string();
    let app_tg = edge
        .target_group(
            &net.vpc,
            &TargetGroupSpec {
                name: "tickets-app",
                port: 3001,
                target_type: TargetTypeEnum::Instance,
                health_check: Some(HealthCheck {
                    path: "/health",
                    matcher: "200",
                    interval: 15,
                    healthy: 2,
                    unhealthy: 3,
                }),
                stickiness: true,
                targets: &[],
            },
        )
        .await?;
    edge.listener(
        &alb_arn,
        443,
        Some(&alb_certificate),
        DefaultAction::Forward(&app_tg),
    )
    .await?;
    edge.listener(
        &alb_arn,
        80,
        None,
        DefaultAction::Redirect {
            protocol: "HTTPS",
            port: "443",
        },
    )
    .await?;
    sec.launch_template("tickets-app").await?;
    let private: Vec<&str> = net.private.iter().map(|(id, _)| id.as_str()).collect();
    sec.group_in_subnets(
        "tickets-app",
        &Group {
            name: "tickets-app",
            min: 2,
            max: 10,
            desired: 3,
            zones: &[],
            elb_grace: Some(120),
            target_group_arn: Some(&app_tg),
            cpu_target: Some(60.0),
            custom_target: None,
        },
        &private,
        120,
    )
    .await?;

    // CloudFront (static bucket + ALB), and the zone's record pointing at it.
    let (_, cf_domain) = edge
        .distribution_with(&Dist {
            reference: "tickets-www",
            alias: "www.tickets.example",
            comment: "ticketing front end and API",
            s3_domain: "tickets-static.s3.ap-northeast-2.amazonaws.com",
            alb_dns: &alb_dns,
            certificate_arn: &cf_certificate,
            explicit_certificate_flag: true,
            viewer_protocol_policy: aws_sdk_cloudfront::types::ViewerProtocolPolicy::HttpsOnly,
            web_acl_id: &acl,
            origin_headers: &[],
        })
        .await?;
    let zone = dns.zone("tickets.example", None).await?;
    dns.alias(&zone, "www.tickets.example", "Z2FDTNDATAQYW2", &cf_domain)
        .await?;
    dns.health_check("api.tickets.example", "/health").await?;

    // Data: Aurora Serverless v2, four buckets (gap: the logs bucket has no Glacier rule), the
    // application secret with rotation.
    data.aurora("tickets", 0.5, 2.0, 7, 2).await?;
    for name in [
        "tickets-static",
        "tickets-uploads",
        "tickets-logs",
        "tickets-backups",
    ] {
        data.bucket(&Bucket {
            name,
            versioning: true,
            sse: true,
            block_public: true,
            expire_days: (name == "tickets-logs").then_some(365),
            ..Bucket::default()
        })
        .await?;
        data.bucket_tags(
            name,
            &[("Project", "tickets"), ("Environment", "production")],
        )
        .await?;
        if name != "tickets-logs" {
            data.glacier_after(name, 30).await?;
        }
    }
    data.secret("tickets/production/app", "production").await?;
    data.rotate("tickets/production/app", 30).await?;

    // Account security: EBS encryption by default, a multi-region trail, Config, GuardDuty.
    sec.ebs_encryption_by_default().await?;
    sec.password_policy(14).await?;
    sec.log_bucket().await?;
    sec.trail(&TrailSpec {
        name: "tickets-audit",
        multi_region: true,
        validation: true,
        kms: true,
        global_events: true,
        logging: true,
    })
    .await?;
    sec.recorder("default", true, true, true).await?;
    sec.detector(true, FindingPublishingFrequency::FifteenMinutes)
        .await?;

    // Alarms to an SNS topic with an e-mail subscription.
    let topic = mon.topic("tickets-alerts").await?;
    mon.subscribe(&topic, "email", "oncall@tickets.example")
        .await?;
    let lb_dimension = alb_arn
        .split_once(":loadbalancer/")
        .map(|(_, name)| name.to_string())
        .ok_or("no load balancer name in the ARN")?;
    for a in [
        Alarm {
            name: "tickets-app-cpu-high",
            namespace: "AWS/EC2",
            metric: "CPUUtilization",
            dimensions: &[("AutoScalingGroupName", "tickets-app")],
            threshold: 80.0,
            period: 300,
            evaluation_periods: 1,
            datapoints_to_alarm: None,
            actions: &[&topic],
        },
        Alarm {
            name: "tickets-alb-5xx",
            namespace: "AWS/ApplicationELB",
            metric: "HTTPCode_ELB_5XX_Count",
            dimensions: &[("LoadBalancer", &lb_dimension)],
            threshold: 10.0,
            period: 60,
            evaluation_periods: 1,
            datapoints_to_alarm: None,
            actions: &[&topic],
        },
        Alarm {
            name: "tickets-app-disk-high",
            namespace: "CWAgent",
            metric: "disk_used_percent",
            dimensions: &[("AutoScalingGroupName", "tickets-app"), ("path", "/")],
            threshold: 90.0,
            period: 300,
            evaluation_periods: 1,
            datapoints_to_alarm: None,
            actions: &[&topic],
        },
        Alarm {
            name: "tickets-db-connections",
            namespace: "AWS/RDS",
            metric: "DatabaseConnections",
            dimensions: &[("DBClusterIdentifier", "tickets")],
            threshold: 80.0,
            period: 300,
            evaluation_periods: 2,
            datapoints_to_alarm: None,
            actions: &[&topic],
        },
    ] {
        mon.alarm(&a).await?;
    }
    // Mail and backups.
    let mail = BackupMailSeeder::new(endpoint);
    mail.identity("tickets.example").await?;
    mail.vault("tickets-vault", Some((7, 400))).await?;
    Ok(())
}

/// The group app's production checks that fail on the emulator, and why: the two seeded gaps.
/// moto models everything else specs/group-production.yaml checks (docs/emulator.md, "The demo's
/// group app").
pub const GROUP_GAPS: [(&str, &str); 2] = [
    (
        "rds_instance/moim-production/backup_retention_period",
        "gap: backups kept 7 days (the console's default), the checklist says at least 14",
    ),
    (
        "s3_bucket/moim-production-backups/lifecycle_rules",
        "gap: the backups bucket has no lifecycle rule, so dumps never move to Glacier",
    ),
];

/// The group/social app "moim"'s production environment of specs/group-production.yaml, in its
/// own VPC (10.20.0.0/16, tagged `moim-production`) next to the staging and ticketing
/// environments. The seeded gaps (see [`GROUP_GAPS`]): the database keeps its backups 7 days
/// instead of at least 14, and the backups bucket has no lifecycle configuration at all.
pub async fn seed_group(endpoint: &str) -> Result<()> {
    let cfg = emulator_config(endpoint);
    let ec2 = aws_sdk_ec2::Client::new(&cfg);
    let data = Seeder::new(endpoint);
    let dns = DnsSeeder::new(endpoint);
    let ecs = EcsSeeder::new(endpoint);
    let edge = EdgeSeeder::new(endpoint);
    let mon = MonitoringSeeder::new(endpoint);
    let sec = SecuritySeeder::new(endpoint);

    // Network: the ALB in two public subnets, the API's Fargate tasks in two private ones.
    let net = network(
        &ec2,
        &Network {
            name: "moim-production",
            cidr: "10.20.0.0/16",
            environment: "production",
            public: &[("10.20.0.0/24", "a"), ("10.20.1.0/24", "c")],
            private: &[("10.20.10.0/24", "a"), ("10.20.11.0/24", "c")],
            flow_log_group: "/vpc/moim-production",
        },
    )
    .await?;
    mon.log_group("/vpc/moim-production", Some(30), None)
        .await?;
    let alb_sg = security_group(
        &ec2,
        &net.vpc,
        "moim-alb",
        &[(443, Source::World), (80, Source::World)],
    )
    .await?;
    let api_sg = security_group(
        &ec2,
        &net.vpc,
        "moim-api",
        &[(3000, Source::Group(&alb_sg))],
    )
    .await?;
    security_group(
        &ec2,
        &net.vpc,
        "moim-data",
        &[
            (5432, Source::Group(&api_sg)),
            (6379, Source::Group(&api_sg)),
        ],
    )
    .await?;

    // Certificates (the ALB's in Seoul, CloudFront's in us-east-1) and the CloudFront web ACL.
    let alb_certificate = dns.home_certificate("api.moim.example").await?;
    let cf_certificate = dns.certificate("cdn.moim.example", &[], None).await?;
    let acl = dns
        .web_acl(&Acl {
            name: "moim-edge",
            cloudfront: true,
            rate: Some((300, 300)),
            managed: &[
                ("AWS", "AWSManagedRulesCommonRuleSet"),
                ("AWS", "AWSManagedRulesSQLiRuleSet"),
            ],
            ..Acl::default()
        })
        .await?;

    // The API's image repository, cluster, task definition and log group.
    ecs.repository(&Repo {
        name: "moim-api",
        scan_on_push: true,
        immutable: true,
        lifecycle: true,
        ..Repo::default()
    })
    .await?;
    ecs.cluster(
        "moim-production",
        &["FARGATE", "FARGATE_SPOT"],
        Some("enabled"),
    )
    .await?;
    mon.log_group("/ecs/moim-api-production", Some(90), None)
        .await?;
    ecs.task_definition(&TaskDef {
        family: "moim-api-production",
        cpu: "512",
        memory: "1024",
        containers: &[Container {
            name: "api",
            image: "123456789012.dkr.ecr.ap-northeast-2.amazonaws.com/moim-api:1.0.0",
            health_check: true,
            log_group: Some("/ecs/moim-api-production"),
            env: &[("NODE_ENV", "production")],
        }],
    })
    .await?;

    // The ALB: HTTPS 443 with the TLS 1.3 policy forwarding to the API's tasks (two of them,
    // registered by IP), HTTP 80 redirected.
    let public: Vec<Subnet> = net
        .public
        .iter()
        .map(|(id, zone)| Subnet {
            id: id.clone(),
            zone: zone.clone(),
            vpc_id: net.vpc.clone(),
        })
        .collect();
    let alb_arn = edge
        .load_balancer("moim-alb", &[&public[0], &public[1]], &[&alb_sg])
        .await?;
    let alb_dns = edge
        .elbv2
        .describe_load_balancers()
        .load_balancer_arns(&alb_arn)
        .send()
        .await?
        .load_balancers()
        .first()
        .and_then(|lb| lb.dns_name())
        .ok_or("no DNS name")?
        .to_string();
    let api_tg = edge
        .target_group(
            &net.vpc,
            &TargetGroupSpec {
                name: "moim-api",
                port: 3000,
                target_type: TargetTypeEnum::Ip,
                health_check: Some(HealthCheck {
                    path: "/health",
                    matcher: "200",
                    interval: 15,
                    healthy: 2,
                    unhealthy: 3,
                }),
                stickiness: false,
                targets: &["10.20.10.21", "10.20.11.37"],
            },
        )
        .await?;
    edge.listener(
        &alb_arn,
        443,
        Some(&alb_certificate),
        DefaultAction::Forward(&api_tg),
    )
    .await?;
    edge.listener(
        &alb_arn,
        80,
        None,
        DefaultAction::Redirect {
            protocol: "HTTPS",
            port: "443",
        },
    )
    .await?;

    // The API service: two tasks, circuit breaker with rollback, scaling 2..10 on CPU.
    ecs.service(&Svc {
        cluster: "moim-production",
        name: "moim-api",
        task_family: "moim-api-production",
        desired: 2,
        launch_type: Some(LaunchType::Fargate),
        target_group_arn: Some(&api_tg),
        container: Some("api"),
        circuit_breaker: Some((true, true)),
        running: true,
        ..Svc::default()
    })
    .await?;
    sec.ecs_scaling("moim-production", "moim-api", 2, 10, Some(60.0), None)
        .await?;
    data.secret("moim/production/api", "production").await?;

    // Data. Gap: backups kept 7 days, where the checklist says at least 14.
    data.db(&Db {
        id: "moim-production",
        class: "db.t4g.small",
        storage_gb: 50,
        backup_days: 7,
        multi_az: true,
        encrypted: true,
        deletion_protection: true,
        environment: "production",
    })
    .await?;
    data.replication_group("moim-production-redis", "cache.t4g.small", 1)
        .await?;
    data.bucket(&Bucket {
        name: "moim-production-uploads",
        versioning: true,
        sse: true,
        block_public: true,
        tls_policy: true,
        environment: Some("production"),
        ..Bucket::default()
    })
    .await?;
    // Gap: no lifecycle configuration on the backups bucket (the checklist: Glacier after 30 days).
    data.bucket(&Bucket {
        name: "moim-production-backups",
        versioning: true,
        sse: true,
        block_public: true,
        tls_policy: true,
        environment: Some("production"),
        ..Bucket::default()
    })
    .await?;

    // CloudFront in front of the uploads bucket and the admin (on the ALB), with the web ACL.
    edge.distribution_with(&Dist {
        reference: "moim-cdn",
        alias: "cdn.moim.example",
        comment: "moim uploads and admin",
        s3_domain: "moim-production-uploads.s3.ap-northeast-2.amazonaws.com",
        alb_dns: &alb_dns,
        certificate_arn: &cf_certificate,
        explicit_certificate_flag: true,
        viewer_protocol_policy: aws_sdk_cloudfront::types::ViewerProtocolPolicy::RedirectToHttps,
        web_acl_id: &acl,
        origin_headers: &[],
    })
    .await?;

    // Alarms to the on-call topic, which has an e-mail subscription.
    let topic = mon.topic("moim-alerts").await?;
    mon.subscribe(&topic, "email", "oncall@moim.example")
        .await?;
    let lb_dimension = alb_arn
        .split_once(":loadbalancer/")
        .map(|(_, name)| name.to_string())
        .ok_or("no load balancer name in the ARN")?;
    for a in [
        Alarm {
            name: "moim-api-cpu-high",
            namespace: "AWS/ECS",
            metric: "CPUUtilization",
            dimensions: &[
                ("ClusterName", "moim-production"),
                ("ServiceName", "moim-api"),
            ],
            threshold: 80.0,
            period: 300,
            evaluation_periods: 1,
            datapoints_to_alarm: None,
            actions: &[&topic],
        },
        Alarm {
            name: "moim-db-connections",
            namespace: "AWS/RDS",
            metric: "DatabaseConnections",
            dimensions: &[("DBInstanceIdentifier", "moim-production")],
            threshold: 150.0,
            period: 300,
            evaluation_periods: 2,
            datapoints_to_alarm: None,
            actions: &[&topic],
        },
        Alarm {
            name: "moim-alb-5xx",
            namespace: "AWS/ApplicationELB",
            metric: "HTTPCode_ELB_5XX_Count",
            dimensions: &[("LoadBalancer", &lb_dimension)],
            threshold: 10.0,
            period: 60,
            evaluation_periods: 1,
            datapoints_to_alarm: None,
            actions: &[&topic],
        },
    ] {
        mon.alarm(&a).await?;
    }
    // Backups under AWS Backup, and the monthly budget.
    let mail = BackupMailSeeder::new(endpoint);
    mail.vault("moim-production", Some((7, 35))).await?;
    mail.daily_plan("moim-production-daily", "moim-production", 14)
        .await?;
    mail.monthly_budget("moim-monthly", "1000", 80.0).await?;
    Ok(())
}
