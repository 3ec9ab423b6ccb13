//! The live-commerce platform's production environment, as specs/production.yaml describes it,
//! with two deliberate gaps (see [`PRODUCTION_GAPS`]). It lives in the same emulator (one account)
//! as the demo's staging, ticketing and group environments (tests/support/demo.rs) and needs
//! staging seeded first: the `dorami-backend` ECR repository, the `shop.dorami.example`
//! CloudFront distribution and the `api.dorami.example` / `shop.dorami.example` certificates are
//! the platform's, shared by both environments, and `seed_demo` creates them. Everything else is
//! `dorami-production*`, in its own VPC (`dorami-production`, 10.10.0.0/16).
//!
//! The spec's one `http_endpoint` (https://shop.dorami.example/api/health) is a live site that
//! must never be probed from the tests or the demo, so production is observed with a copy of the
//! spec without it ([`observable_spec`]); evaluating the real spec against that snapshot reports
//! the endpoint's checks as `error` (not observed). Used by examples/seed.rs (`scripts/demo`), the
//! live test tests/live/production.rs and fixtures/production.snapshot.json. Test-only; only ever
//! pointed at a local emulator.

#![allow(dead_code)]

use std::path::{Path, PathBuf};

use aws_sdk_ecs::types::LaunchType;
use aws_sdk_elasticloadbalancingv2::types::TargetTypeEnum;

use super::seed::{emulator_config, Bucket, Db, Result, Seeder};
use super::seed_backup_mail::BackupMailSeeder;
use super::seed_dns::DnsSeeder;
use super::seed_ec2::{network, security_group, Network, Source};
use super::seed_ecs::{Container, EcsSeeder, Svc, TaskDef};
use super::seed_edge::{DefaultAction, EdgeSeeder, HealthCheck, Subnet, TargetGroupSpec};
use super::seed_monitoring::{Alarm, MonitoringSeeder, RateAlarm};
use super::seed_security::SecuritySeeder;

/// The live-commerce production checks that fail on the emulator, and why: the two seeded gaps.
/// moto models everything else specs/production.yaml checks, except the `http_endpoint`, which
/// is a live site and is never observed here (see [`observable_spec`] and docs/emulator.md, "The
/// demo's live-commerce production").
pub const PRODUCTION_GAPS: [(&str, &str); 2] = [
    (
        "rds_instance/dorami-production/backup_retention_period",
        "gap: backups kept 7 days (the console's default, as in staging), production's checklist \
         says 30",
    ),
    (
        "ecr_repository/dorami-backend/image_tag_mutability",
        "gap: the backend repository, shared with staging, still allows tags to be overwritten \
         (MUTABLE, as staging's deploys re-push :staging); production wants IMMUTABLE",
    ),
];

/// The one resource of specs/production.yaml that is left out of the copy the emulator is
/// observed with.
pub const HTTP_ENDPOINT: &str = "https://shop.dorami.example/api/health";

/// The production spec's text without its `http_endpoint` resources (each `- kind:
/// http_endpoint` item of `resources:`, with the comment lines just above it); everything else
/// byte for byte. Panics when the spec has none, so a renamed kind cannot slip through.
pub fn without_http_endpoint(spec: &str) -> String {
    let lines: Vec<&str> = spec.split_inclusive('\n').collect();
    let item = |l: &str| l.starts_with("  - ");
    let mut keep = vec![true; lines.len()];
    let mut removed = 0;
    let mut i = 0;
    while i < lines.len() {
        if lines[i].trim_end() != "  - kind: http_endpoint" {
            i += 1;
            continue;
        }
        removed += 1;
        // The comments directly above belong to it.
        let mut start = i;
        while start > 0 && lines[start - 1].starts_with("  #") {
            start -= 1;
        }
        // It ends at the next item of the list, or at the next top-level key.
        let mut end = i + 1;
        while end < lines.len() {
            let l = lines[end];
            let top_level = !l.starts_with(' ') && !l.starts_with('#') && !l.trim().is_empty();
            if item(l) || top_level {
                break;
            }
            end += 1;
        }
        // Comments just before the next item are that item's.
        while end > i + 1 && lines[end - 1].starts_with("  #") {
            end -= 1;
        }
        keep[start..end].iter_mut().for_each(|k| *k = false);
        i = end;
    }
    assert!(removed > 0, "the spec has no `- kind: http_endpoint` item");
    lines
        .iter()
        .zip(keep)
        .filter(|(_, k)| *k)
        .map(|(l, _)| *l)
        .collect()
}

/// Writes `dir/base.yaml` (a copy of specs/base.yaml, which production.yaml extends) and
/// `dir/production.yaml` (specs/production.yaml without its http_endpoint, environment still
/// `production`); returns the latter's path.
pub fn observable_spec(dir: &Path) -> PathBuf {
    let specs = Path::new(env!("CARGO_MANIFEST_DIR")).join("specs");
    std::fs::copy(specs.join("base.yaml"), dir.join("base.yaml")).expect("copy base.yaml");
    let text = std::fs::read_to_string(specs.join("production.yaml")).expect("production.yaml");
    let path = dir.join("production.yaml");
    std::fs::write(&path, without_http_endpoint(&text)).expect("write production.yaml");
    path
}

/// The ARN of the certificate for `domain` that already exists (in us-east-1 when
/// `cloudfront`, else in the home region).
async fn existing_certificate(dns: &DnsSeeder, domain: &str, cloudfront: bool) -> Result<String> {
    let acm = if cloudfront { &dns.acm } else { &dns.acm_home };
    let out = acm.list_certificates().send().await?;
    Ok(out
        .certificate_summary_list()
        .iter()
        .find(|c| c.domain_name() == Some(domain))
        .and_then(|c| c.certificate_arn())
        .ok_or_else(|| format!("no certificate for {domain}: seed staging (seed_demo) first"))?
        .to_string())
}

/// The live-commerce platform's production environment of specs/production.yaml, next to
/// staging (which must be seeded first, see the module's note). The seeded gaps (see
/// [`PRODUCTION_GAPS`]): the database keeps its backups 7 days instead of at least 30, and the
/// backend repository shared with staging is left as staging made it, with mutable tags.
pub async fn seed_production(endpoint: &str) -> Result<()> {
    let cfg = emulator_config(endpoint);
    let ec2 = aws_sdk_ec2::Client::new(&cfg);
    let data = Seeder::new(endpoint);
    let dns = DnsSeeder::new(endpoint);
    let ecs = EcsSeeder::new(endpoint);
    let edge = EdgeSeeder::new(endpoint);
    let mon = MonitoringSeeder::new(endpoint);
    let sec = SecuritySeeder::new(endpoint);

    // The platform's shared parts, created with staging: the certificates (the ALB's in Seoul,
    // CloudFront's in us-east-1), the `shop.dorami.example` distribution (its web ACL and TLS
    // 1.2 minimum serve production's checks too) and the `dorami-backend` repository. Gap: that
    // repository keeps mutable tags, which staging's `:staging` deploys rely on.
    let alb_certificate = existing_certificate(&dns, "api.dorami.example", false).await?;
    existing_certificate(&dns, "shop.dorami.example", true).await?;
    let repositories = ecs
        .ecr
        .describe_repositories()
        .repository_names("dorami-backend")
        .send()
        .await?;
    if repositories.repositories().is_empty() {
        return Err("no dorami-backend repository: seed staging (seed_demo) first".into());
    }

    // Network: the ALB in two public subnets, the backend's Fargate tasks in two private ones.
    let net = network(
        &ec2,
        &Network {
            name: "dorami-production",
            cidr: "10.10.0.0/16",
            environment: "production",
            public: &[("10.10.0.0/24", "a"), ("10.10.1.0/24", "c")],
            private: &[("10.10.10.0/24", "a"), ("10.10.11.0/24", "c")],
            flow_log_group: "/vpc/dorami-production",
        },
    )
    .await?;
    mon.log_group("/vpc/dorami-production", Some(30), None)
        .await?;
    let alb_sg = security_group(
        &ec2,
        &net.vpc,
        "dorami-production-alb",
        &[(443, Source::World), (80, Source::World)],
    )
    .await?;
    let backend_sg = security_group(
        &ec2,
        &net.vpc,
        "dorami-production-backend",
        &[(3000, Source::Group(&alb_sg))],
    )
    .await?;
    security_group(
        &ec2,
        &net.vpc,
        "dorami-production-data",
        &[
            (5432, Source::Group(&backend_sg)),
            (6379, Source::Group(&backend_sg)),
        ],
    )
    .await?;

    // The cluster (Container Insights on), the task definition and its log group.
    ecs.cluster(
        "dorami-production",
        &["FARGATE", "FARGATE_SPOT"],
        Some("enabled"),
    )
    .await?;
    mon.log_group("/ecs/dorami-backend-production", Some(90), None)
        .await?;
    ecs.task_definition(&TaskDef {
        family: "dorami-backend-production",
        cpu: "1024",
        memory: "2048",
        containers: &[Container {
            name: "backend",
            image: "123456789012.dkr.ecr.ap-northeast-2.amazonaws.com/dorami-backend:1.8.0",
            health_check: true,
            log_group: Some("/ecs/dorami-backend-production"),
            env: &[("NODE_ENV", "production")],
        }],
    })
    .await?;

    // The ALB: HTTPS 443 with the TLS 1.3 policy forwarding to the backend's tasks (two of them,
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
        .load_balancer(
            "dorami-production-alb",
            &[&public[0], &public[1]],
            &[&alb_sg],
        )
        .await?;
    let api_tg = edge
        .target_group(
            &net.vpc,
            &TargetGroupSpec {
                name: "dorami-production-api",
                port: 3000,
                target_type: TargetTypeEnum::Ip,
                health_check: Some(HealthCheck {
                    path: "/api/health",
                    matcher: "200-299",
                    interval: 15,
                    healthy: 3,
                    unhealthy: 3,
                }),
                // WebSocket chat: a viewer stays on one task.
                stickiness: true,
                targets: &["10.10.10.25", "10.10.11.41"],
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

    // The backend service: two tasks, circuit breaker with rollback, scaling 2..10 on CPU.
    ecs.service(&Svc {
        cluster: "dorami-production",
        name: "dorami-backend",
        task_family: "dorami-backend-production",
        desired: 2,
        launch_type: Some(LaunchType::Fargate),
        target_group_arn: Some(&api_tg),
        circuit_breaker: Some((true, true)),
        running: true,
        ..Svc::default()
    })
    .await?;
    sec.ecs_scaling(
        "dorami-production",
        "dorami-backend",
        2,
        10,
        Some(60.0),
        None,
    )
    .await?;
    data.secret("dorami/production/backend", "production")
        .await?;

    // Data. Gap: backups kept 7 days, where production's checklist says 30.
    data.db(&Db {
        id: "dorami-production",
        class: "db.t3.small",
        storage_gb: 50,
        backup_days: 7,
        multi_az: true,
        encrypted: true,
        deletion_protection: true,
        environment: "production",
    })
    .await?;
    data.replication_group("dorami-production-redis", "cache.t3.small", 1)
        .await?;
    data.bucket(&Bucket {
        name: "dorami-production-frontend",
        versioning: true,
        website: true,
        sse: true,
        environment: Some("production"),
        ..Bucket::default()
    })
    .await?;
    data.bucket(&Bucket {
        name: "dorami-production-hls",
        versioning: true,
        sse: true,
        block_public: true,
        expire_days: Some(7),
        environment: Some("production"),
        ..Bucket::default()
    })
    .await?;
    data.bucket(&Bucket {
        name: "dorami-production-uploads",
        versioning: true,
        sse: true,
        block_public: true,
        tls_policy: true,
        environment: Some("production"),
        ..Bucket::default()
    })
    .await?;

    // Alarms to the on-call topic, which has an e-mail subscription: CPU and memory > 80 %, 5xx
    // rate > 1 %, response time > 1 s, database connections > 80 % (of db.t3.small's ~225).
    let topic = mon.topic("dorami-production-alerts").await?;
    mon.subscribe(&topic, "email", "oncall@dorami.example")
        .await?;
    let lb_dimension = alb_arn
        .split_once(":loadbalancer/")
        .map(|(_, name)| name.to_string())
        .ok_or("no load balancer name in the ARN")?;
    let service = [
        ("ClusterName", "dorami-production"),
        ("ServiceName", "dorami-backend"),
    ];
    let alb = [("LoadBalancer", lb_dimension.as_str())];
    for a in [
        Alarm {
            name: "dorami-production-backend-cpu-high",
            namespace: "AWS/ECS",
            metric: "CPUUtilization",
            dimensions: &service,
            threshold: 80.0,
            period: 300,
            evaluation_periods: 1,
            datapoints_to_alarm: None,
            actions: &[&topic],
        },
        Alarm {
            name: "dorami-production-backend-memory-high",
            namespace: "AWS/ECS",
            metric: "MemoryUtilization",
            dimensions: &service,
            threshold: 80.0,
            period: 300,
            evaluation_periods: 1,
            datapoints_to_alarm: None,
            actions: &[&topic],
        },
        Alarm {
            name: "dorami-production-alb-response-time",
            namespace: "AWS/ApplicationELB",
            metric: "TargetResponseTime",
            dimensions: &alb,
            threshold: 1.0,
            period: 60,
            evaluation_periods: 5,
            datapoints_to_alarm: Some(3),
            actions: &[&topic],
        },
        Alarm {
            name: "dorami-production-db-connections",
            namespace: "AWS/RDS",
            metric: "DatabaseConnections",
            dimensions: &[("DBInstanceIdentifier", "dorami-production")],
            threshold: 180.0,
            period: 300,
            evaluation_periods: 2,
            datapoints_to_alarm: None,
            actions: &[&topic],
        },
    ] {
        mon.alarm(&a).await?;
    }
    mon.rate_alarm(&RateAlarm {
        name: "dorami-production-alb-5xx-rate",
        namespace: "AWS/ApplicationELB",
        numerator: "HTTPCode_Target_5XX_Count",
        denominator: "RequestCount",
        dimensions: &alb,
        threshold: 1.0,
        period: 60,
        evaluation_periods: 5,
        actions: &[&topic],
    })
    .await?;
    // The on-call dashboard the team shares: service CPU and memory, the ALB's 5xx and latency.
    mon.cloudwatch
        .put_dashboard()
        .dashboard_name("dorami-production")
        .dashboard_body(
            r#"{"widgets":[
              {"type":"metric","x":0,"y":0,"width":12,"height":6,"properties":{"title":"Backend","region":"ap-northeast-2","metrics":[
                ["AWS/ECS","CPUUtilization","ClusterName","dorami-production","ServiceName","dorami-backend"],
                [".","MemoryUtilization",".",".",".","."]]}},
              {"type":"metric","x":12,"y":0,"width":12,"height":6,"properties":{"title":"ALB","region":"ap-northeast-2","metrics":[
                ["AWS/ApplicationELB","HTTPCode_Target_5XX_Count","LoadBalancer","app/dorami-production-alb/0123456789abcdef",{"stat":"Sum"}],
                [".","TargetResponseTime",".",".",{"stat":"p95"}]]}}]}"#,
        )
        .send()
        .await?;
    // Backups under AWS Backup (35 days), the mail domain, and the monthly budget.
    let mail = BackupMailSeeder::new(endpoint);
    mail.vault("dorami-production", None).await?;
    mail.daily_plan("dorami-production-daily", "dorami-production", 35)
        .await?;
    mail.identity("dorami.example").await?;
    mail.monthly_budget("dorami-monthly", "400", 80.0).await?;
    Ok(())
}
