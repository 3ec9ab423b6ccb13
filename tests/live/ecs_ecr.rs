//! ECS clusters, services and task definitions, and ECR repositories, against moto: every
//! attribute moto models, failures, missing resources, errors, and the calls made.

use std::collections::{BTreeMap, BTreeSet};

use aws_sdk_ecs::types::LaunchType;
use infra_verify::evaluate::{evaluate, Status};
use infra_verify::snapshot::Observation;
use infra_verify::{plan, probe};

use crate::support::moto::Moto;
use crate::support::proxy::{self, amz_target, Answer};
use crate::support::seed::emulator_config;
use crate::support::seed_ecs::{Container, EcsSeeder, Repo, Roles, Svc, TaskDef};
use crate::{
    assert_only_expectations_fail, check, connection, json_check, not_passing, observe, rt,
    run_json, spec_text,
};

const CLUSTER: &str = "dorami-staging";
const TARGET_GROUP: &str = "arn:aws:elasticloadbalancing:ap-northeast-2:123456789012:targetgroup/dorami-staging-backend/0123456789abcdef";
/// An environment value that must never reach a record (it stands for a stream key).
const RTMP_KEY: &str = "live_4f2a9c7e1b8d6e3a";
const DATABASE_SECRET: &str =
    "arn:aws:secretsmanager:ap-northeast-2:123456789012:secret:dorami/staging/db-AbCdEf";
const BACKEND_IMAGE: &str =
    "123456789012.dkr.ecr.ap-northeast-2.amazonaws.com/dorami-backend:2026.11.1";

/// Clusters `dorami-staging` (Fargate providers, Container Insights on), `dorami-bare`,
/// `dorami-retired` (deleted: INACTIVE); task definition families `dorami-backend-staging`
/// (2 revisions), `dorami-worker` (sizes written as "1 vCPU" / "2 GB", which moto keeps),
/// `dorami-retired` (its only revision deregistered); services `backend`, `worker`, `spot` and
/// `old` (deleted: INACTIVE) in `dorami-staging`; repositories `dorami-backend` (scanned,
/// immutable, KMS, lifecycle policy) and `dorami-nginx-rtmp` (defaults).
async fn seed(endpoint: &str) {
    let s = EcsSeeder::new(endpoint);
    s.cluster(CLUSTER, &["FARGATE", "FARGATE_SPOT"], Some("enabled"))
        .await
        .expect("cluster");
    s.cluster("dorami-bare", &[], None).await.expect("cluster");
    s.cluster("dorami-retired", &[], None)
        .await
        .expect("cluster");
    s.delete_cluster("dorami-retired")
        .await
        .expect("delete cluster");

    let containers = [
        Container {
            name: "backend",
            image: BACKEND_IMAGE,
            health_check: true,
            log_group: Some("/ecs/dorami-backend-staging"),
            env: &[],
        },
        Container {
            name: "nginx",
            image: "nginx:1.27",
            health_check: false,
            log_group: None,
            env: &[("NGINX_PORT", "8080"), ("RTMP_KEY", RTMP_KEY)],
        },
    ];
    let first = TaskDef {
        family: "dorami-backend-staging",
        cpu: "256",
        memory: "512",
        containers: &containers[..1],
    };
    assert_eq!(s.task_definition(&first).await.expect("register"), 1);
    let latest = TaskDef {
        family: "dorami-backend-staging",
        cpu: "512",
        memory: "1024",
        containers: &containers,
    };
    let roles = Roles {
        task: Some("dorami-backend-task"),
        execution: Some("ecsTaskExecutionRole"),
        secrets: &[("DATABASE_URL", DATABASE_SECRET)],
    };
    assert_eq!(
        s.task_definition_with(&latest, &roles)
            .await
            .expect("register"),
        2
    );
    s.task_definition(&TaskDef {
        family: "dorami-worker",
        cpu: "1 vCPU",
        memory: "2 GB",
        containers: &containers[..1],
    })
    .await
    .expect("register");
    let retired = s
        .task_definition(&TaskDef {
            family: "dorami-retired",
            cpu: "256",
            memory: "512",
            containers: &containers[..1],
        })
        .await
        .expect("register");
    s.deregister("dorami-retired", retired)
        .await
        .expect("deregister");

    s.service(&Svc {
        cluster: CLUSTER,
        name: "backend",
        task_family: "dorami-backend-staging",
        desired: 2,
        launch_type: Some(LaunchType::Fargate),
        target_group_arn: Some(TARGET_GROUP),
        circuit_breaker: Some((true, true)),
        running: true,
        ..Svc::default()
    })
    .await
    .expect("service");
    s.service(&Svc {
        cluster: CLUSTER,
        name: "worker",
        task_family: "dorami-worker",
        desired: 1,
        launch_type: Some(LaunchType::Fargate),
        code_deploy: true,
        platform_version: Some("1.4.0"),
        ..Svc::default()
    })
    .await
    .expect("service");
    s.service(&Svc {
        cluster: CLUSTER,
        name: "spot",
        task_family: "dorami-backend-staging",
        desired: 1,
        capacity_providers: &["FARGATE_SPOT"],
        circuit_breaker: Some((true, false)),
        ..Svc::default()
    })
    .await
    .expect("service");
    s.service(&Svc {
        cluster: CLUSTER,
        name: "old",
        task_family: "dorami-backend-staging",
        ..Svc::default()
    })
    .await
    .expect("service");
    s.delete_service(CLUSTER, "old")
        .await
        .expect("delete service");

    s.repository(&Repo {
        name: "dorami-backend",
        scan_on_push: true,
        immutable: true,
        kms: true,
        lifecycle: true,
    })
    .await
    .expect("repository");
    s.repository(&Repo {
        name: "dorami-nginx-rtmp",
        ..Repo::default()
    })
    .await
    .expect("repository");
}

/// Every attribute moto models, as seeded. (Not modelled by moto, so checked by the unit tests
/// in src/probe/ecs.rs: a `null` launch type next to a capacity provider strategy, and a
/// deployment configuration without a circuit breaker.)
const EVERY_ATTRIBUTE: &str = r#"
version: 1
environment: test
aws: { region: ap-northeast-2 }
resources:
  - kind: ecs_cluster
    id: dorami-staging
    expect:
      status: ACTIVE
      capacity_providers: [FARGATE, FARGATE_SPOT]
      container_insights: enabled
  - kind: ecs_cluster
    id: dorami-bare
    expect:
      status: ACTIVE
      capacity_providers: []
      container_insights: disabled
  - kind: ecs_service
    id: dorami-staging/backend
    expect:
      status: ACTIVE
      launch_type: FARGATE
      capacity_provider_strategy: []
      desired_count: 2
      running_count: 2
      deployment_circuit_breaker: true
      deployment_rollback: true
      target_group_arns: ["arn:aws:elasticloadbalancing:ap-northeast-2:123456789012:targetgroup/dorami-staging-backend/0123456789abcdef"]
      task_definition_family: dorami-backend-staging
      deployment_controller: ECS
  - kind: ecs_service
    id: dorami-staging/worker
    expect:
      launch_type: FARGATE
      desired_count: 1
      running_count: 0
      deployment_circuit_breaker: null
      deployment_rollback: null
      target_group_arns: []
      task_definition_family: dorami-worker
      deployment_controller: CODE_DEPLOY
      platform_version: "1.4.0"
  - kind: ecs_service
    id: dorami-staging/spot
    expect:
      launch_type: EC2
      capacity_provider_strategy: [FARGATE_SPOT]
      deployment_circuit_breaker: true
      deployment_rollback: false
  - kind: ecs_task_definition
    id: dorami-backend-staging
    expect:
      revision: 2
      requires_compatibilities: [FARGATE]
      network_mode: awsvpc
      cpu: 512
      memory: { at_least: 1024 }
      containers:
        - name: backend
          image: "123456789012.dkr.ecr.ap-northeast-2.amazonaws.com/dorami-backend:2026.11.1"
          health_check:
            command: ["CMD-SHELL", "curl -f http://localhost:3000/api/health || exit 1"]
            interval: 30
            retries: 3
            timeout: 5
          log_driver: awslogs
          log_group: /ecs/dorami-backend-staging
        - name: nginx
          image: "nginx:1.27"
          health_check: null
          log_driver: null
          log_group: null
      task_role: dorami-backend-task
      execution_role: ecsTaskExecutionRole
      environment_names: [NGINX_PORT, RTMP_KEY]
      secret_names: [DATABASE_URL]
      secret_sources: ["arn:aws:secretsmanager:ap-northeast-2:123456789012:secret:dorami/staging/db-AbCdEf"]
  - kind: ecr_repository
    id: dorami-backend
    expect:
      scan_on_push: true
      image_tag_mutability: IMMUTABLE
      encryption_type: KMS
      lifecycle_policy: true
  - kind: ecr_repository
    id: dorami-nginx-rtmp
    expect:
      scan_on_push: false
      image_tag_mutability: MUTABLE
      encryption_type: AES256
      lifecycle_policy: false
"#;

const ECS_TARGET: &str = "AmazonEC2ContainerServiceV20141113";
const ECR_TARGET: &str = "AmazonEC2ContainerRegistry_V20150921";

fn target_is(request: &str, service: &str, operation: &str) -> bool {
    amz_target(request) == Some(format!("{service}.{operation}").as_str())
}

/// Refuses DescribeClusters calls that do not ask for the cluster settings: real ECS only
/// reports `settings` (Container Insights) when asked, moto always does.
fn require_cluster_settings(request: &str) -> Option<Answer> {
    (target_is(request, ECS_TARGET, "DescribeClusters") && !request.contains("\"SETTINGS\""))
        .then(|| Answer::json_error(400, "InvalidParameterException"))
}

#[test]
fn every_modelled_attribute_is_read_from_the_emulator() {
    let moto = Moto::start();
    rt().block_on(seed(&moto.endpoint));
    let guard = proxy::start(moto.port, require_cluster_settings);
    // The guard does refuse a DescribeClusters without SETTINGS.
    let bare = aws_sdk_ecs::Client::new(&emulator_config(&guard.endpoint));
    let refused = rt().block_on(bare.describe_clusters().clusters(CLUSTER).send());
    assert!(refused.is_err(), "{refused:?}");

    let (snapshot, report, calls) = observe(&guard.endpoint, EVERY_ATTRIBUTE);
    assert_eq!(not_passing(&report), []);
    // 8 resources (8 `exists` checks) and 3 + 3 + 10 + 9 + 4 + 11 + 4 + 4 expectations.
    assert_eq!(report.summary.total, 8 + 48);
    // Environment variable names, never their values.
    let text = serde_json::to_string(&snapshot).expect("json");
    assert!(
        text.contains("RTMP_KEY") && !text.contains(RTMP_KEY),
        "{text}"
    );
    assert_eq!(calls.get("ECS:DescribeClusters"), Some(&1));
}

#[test]
fn each_attribute_family_reports_a_failure_with_the_actual_value() {
    let moto = Moto::start();
    rt().block_on(seed(&moto.endpoint));
    let (_, report, _) = observe(
        &moto.endpoint,
        r#"
version: 1
environment: test
resources:
  - kind: ecs_cluster
    id: dorami-staging
    expect:
      status: PROVISIONING
      capacity_providers: { contains: EC2 }
      container_insights: enhanced
  - kind: ecs_cluster
    id: dorami-bare
    expect: { container_insights: enabled }
  - kind: ecs_service
    id: dorami-staging/backend
    expect:
      status: DRAINING
      launch_type: EC2
      capacity_provider_strategy: [FARGATE]
      desired_count: { at_least: 3 }
      running_count: 3
      target_group_arns: []
      task_definition_family: dorami-frontend
  - kind: ecs_service
    id: dorami-staging/worker
    expect:
      deployment_circuit_breaker: true
      deployment_rollback: false
  - kind: ecs_service
    id: dorami-staging/spot
    expect: { deployment_rollback: true }
  - kind: ecs_task_definition
    id: dorami-backend-staging
    expect:
      revision: 1
      requires_compatibilities: [EC2]
      network_mode: bridge
      cpu: { at_least: 1024 }
      memory: { at_most: 512 }
      containers: { contains: { name: nginx, health_check: { retries: 3 } } }
  - kind: ecr_repository
    id: dorami-nginx-rtmp
    expect:
      scan_on_push: true
      image_tag_mutability: IMMUTABLE
      encryption_type: KMS
      lifecycle_policy: true
"#,
    );
    assert_eq!(
        assert_only_expectations_fail(&report),
        3 + 1 + 7 + 2 + 1 + 6 + 4
    );
    // Failures carry what was observed.
    let actual = |id: &str| check(&report, id).actual.clone();
    assert_eq!(
        actual("ecs_cluster/dorami-bare/container_insights"),
        "disabled"
    );
    assert_eq!(
        actual("ecs_service/dorami-staging/backend/running_count"),
        2
    );
    assert_eq!(
        actual("ecs_service/dorami-staging/worker/deployment_circuit_breaker"),
        serde_json::Value::Null
    );
    assert_eq!(
        actual("ecs_task_definition/dorami-backend-staging/revision"),
        2
    );
    assert_eq!(
        actual("ecr_repository/dorami-nginx-rtmp/lifecycle_policy"),
        false
    );
}

#[test]
fn missing_and_deleted_resources_are_missing_and_must_not_exist_passes() {
    let moto = Moto::start();
    rt().block_on(seed(&moto.endpoint));
    let (snap, report, calls) = observe(
        &moto.endpoint,
        r#"
version: 1
environment: test
resources:
  - kind: ecs_cluster
    id: nope
    expect: { status: ACTIVE }
  - kind: ecs_cluster
    id: dorami-retired
    expect: { status: ACTIVE }
  - kind: ecs_service
    id: dorami-staging/nope
    expect: { desired_count: 1 }
  - kind: ecs_service
    id: dorami-staging/old
    expect: { desired_count: 0 }
  - kind: ecs_service
    id: no-such-cluster/backend
    expect: { desired_count: 1 }
  - kind: ecs_task_definition
    id: nope
    expect: { revision: 1 }
  - kind: ecr_repository
    id: nope
    expect: { lifecycle_policy: true }
  - kind: ecr_repository
    id: dorami-nginx
    exists: false
  - kind: ecs_task_definition
    id: dorami-frontend
    exists: false
  - kind: ecs_cluster
    id: dorami-bare
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
            ("ecs_cluster/nope/exists", Status::Missing),
            ("ecs_cluster/nope/status", Status::Missing),
            ("ecs_cluster/dorami-retired/exists", Status::Missing),
            ("ecs_cluster/dorami-retired/status", Status::Missing),
            ("ecs_service/dorami-staging/nope/exists", Status::Missing),
            (
                "ecs_service/dorami-staging/nope/desired_count",
                Status::Missing
            ),
            ("ecs_service/dorami-staging/old/exists", Status::Missing),
            (
                "ecs_service/dorami-staging/old/desired_count",
                Status::Missing
            ),
            (
                "ecs_service/no-such-cluster/backend/exists",
                Status::Missing
            ),
            (
                "ecs_service/no-such-cluster/backend/desired_count",
                Status::Missing
            ),
            ("ecs_task_definition/nope/exists", Status::Missing),
            ("ecs_task_definition/nope/revision", Status::Missing),
            ("ecr_repository/nope/exists", Status::Missing),
            ("ecr_repository/nope/lifecycle_policy", Status::Missing),
            ("ecr_repository/dorami-nginx/exists", Status::Pass),
            ("ecs_task_definition/dorami-frontend/exists", Status::Pass),
            ("ecs_cluster/dorami-bare/exists", Status::Fail),
        ]
    );
    let absent = snap
        .resources
        .iter()
        .filter(|r| r.observation == Observation::Absent)
        .count();
    assert_eq!(absent, 9);
    // No per-repository call for a repository that does not exist.
    assert_eq!(calls.get("ECR:GetLifecyclePolicy"), None);
    assert_eq!(calls.get("ECR:DescribeRepositories"), Some(&1));
}

#[test]
fn what_cannot_be_read_as_asked_is_an_error_never_a_pass() {
    let moto = Moto::start();
    rt().block_on(seed(&moto.endpoint));
    let (_, report, calls) = observe(
        &moto.endpoint,
        r#"
version: 1
environment: test
resources:
  - kind: ecs_task_definition
    id: dorami-worker
    expect: { revision: 1, cpu: 1024, memory: 2048 }
  - kind: ecs_task_definition
    id: dorami-retired
    expect: { revision: 1 }
  - kind: ecs_task_definition
    id: "dorami-backend-staging:1"
    expect: { revision: 1 }
"#,
    );
    let message = |id: &str| {
        let c = check(&report, id);
        assert_eq!(c.status, Status::Error, "{id}: {c:?}");
        c.message.clone()
    };
    // moto keeps "1 vCPU" / "2 GB" as written: not whole numbers, so errors; the revision is
    // still read.
    assert_eq!(
        check(&report, "ecs_task_definition/dorami-worker/revision").status,
        Status::Pass
    );
    assert_eq!(
        message("ecs_task_definition/dorami-worker/cpu"),
        "could not observe `cpu`: `ecs:DescribeTaskDefinition` reported cpu \"1 vCPU\", which is not a whole number"
    );
    assert!(message("ecs_task_definition/dorami-worker/memory").contains("\"2 GB\""));
    // moto describes the deregistered latest revision, ECS would not: an error, never its values.
    assert!(
        message("ecs_task_definition/dorami-retired/revision").contains(
            "answered revision 1 of `dorami-retired` with status INACTIVE, not an ACTIVE revision"
        )
    );
    assert!(
        message("ecs_task_definition/dorami-backend-staging:1/exists")
            .contains("id must be a task definition family")
    );
    // An ecs_service id without its cluster is a spec error at its position, before any call
    // (catalog::IdFormat::ClusterService).
    let text = "version: 1\nenvironment: test\nresources:\n  - kind: ecs_service\n    id: backend\n    expect: { desired_count: 2 }\n";
    match infra_verify::spec::from_str(std::path::Path::new("t.yaml"), text) {
        Err(infra_verify::spec::SpecError::Invalid(diags)) => {
            assert_eq!(diags.len(), 1, "{diags:?}");
            let d = diags[0].to_string();
            assert!(
                d.starts_with("t.yaml:5:9:") && d.contains("id must be cluster/service"),
                "{d}"
            );
        }
        other => panic!("a malformed ecs_service id loaded: {other:?}"),
    }
    // Malformed ids cost no calls.
    assert_eq!(calls.get("ECS:DescribeTaskDefinition"), Some(&2));
    assert_eq!(calls.get("ECS:DescribeServices"), None);
}

fn deny_ecs_and_lifecycle(request: &str) -> Option<Answer> {
    let denied = [
        "DescribeClusters",
        "DescribeServices",
        "DescribeTaskDefinition",
    ]
    .iter()
    .any(|op| target_is(request, ECS_TARGET, op))
        || target_is(request, ECR_TARGET, "GetLifecyclePolicy");
    denied.then(|| Answer::json_error(400, "AccessDeniedException"))
}

fn deny_describe_repositories(request: &str) -> Option<Answer> {
    target_is(request, ECR_TARGET, "DescribeRepositories")
        .then(|| Answer::json_error(400, "AccessDeniedException"))
}

#[test]
fn access_denied_is_an_error_verdict_naming_the_action_never_a_pass() {
    let moto = Moto::start();
    rt().block_on(seed(&moto.endpoint));
    let proxy = proxy::start(moto.port, deny_ecs_and_lifecycle);
    let report = run_json(&proxy.endpoint, "version: 1\nenvironment: test\naws: { region: ap-northeast-2 }\nresources:\n  - kind: ecs_cluster\n    id: dorami-staging\n    expect: { container_insights: enabled }\n  - kind: ecs_service\n    id: dorami-staging/backend\n    expect: { desired_count: 2 }\n  - kind: ecs_task_definition\n    id: dorami-backend-staging\n    expect: { revision: 2 }\n  - kind: ecr_repository\n    id: dorami-backend\n    expect: { scan_on_push: true, lifecycle_policy: true }\n", 3);
    let by_id = |id: &str| json_check(&report, id);
    for (id, action) in [
        ("ecs_cluster/dorami-staging/exists", "ecs:DescribeClusters"),
        (
            "ecs_cluster/dorami-staging/container_insights",
            "ecs:DescribeClusters",
        ),
        (
            "ecs_service/dorami-staging/backend/exists",
            "ecs:DescribeServices",
        ),
        (
            "ecs_service/dorami-staging/backend/desired_count",
            "ecs:DescribeServices",
        ),
        (
            "ecs_task_definition/dorami-backend-staging/exists",
            "ecs:DescribeTaskDefinition",
        ),
        (
            "ecs_task_definition/dorami-backend-staging/revision",
            "ecs:DescribeTaskDefinition",
        ),
        (
            "ecr_repository/dorami-backend/lifecycle_policy",
            "ecr:GetLifecyclePolicy",
        ),
    ] {
        let c = by_id(id);
        assert_eq!(c["status"], "error", "{c}");
        let message = c["message"].as_str().unwrap_or_default();
        assert!(
            message.contains(&format!(
                "access denied: the caller may not call `{action}`"
            )),
            "{c}"
        );
    }
    // The repository's other attributes were still observed.
    assert_eq!(
        by_id("ecr_repository/dorami-backend/exists")["status"],
        "pass"
    );
    assert_eq!(
        by_id("ecr_repository/dorami-backend/scan_on_push")["status"],
        "pass"
    );

    // Without DescribeRepositories nothing about any repository is known; ECS is unaffected.
    let proxy = proxy::start(moto.port, deny_describe_repositories);
    let (_, report, calls) = observe(
        &proxy.endpoint,
        "version: 1\nenvironment: test\nresources:\n  - kind: ecr_repository\n    id: dorami-backend\n    expect: { scan_on_push: true, lifecycle_policy: true }\n  - kind: ecr_repository\n    id: nope\n  - kind: ecs_cluster\n    id: dorami-staging\n    expect: { status: ACTIVE }\n",
    );
    let statuses: Vec<(&str, Status)> = report
        .checks
        .iter()
        .map(|c| (c.id.as_str(), c.status))
        .collect();
    assert_eq!(
        statuses,
        [
            ("ecr_repository/dorami-backend/exists", Status::Error),
            ("ecr_repository/dorami-backend/scan_on_push", Status::Error),
            (
                "ecr_repository/dorami-backend/lifecycle_policy",
                Status::Error
            ),
            ("ecr_repository/nope/exists", Status::Error),
            ("ecs_cluster/dorami-staging/exists", Status::Pass),
            ("ecs_cluster/dorami-staging/status", Status::Pass),
        ]
    );
    assert!(check(&report, "ecr_repository/nope/exists")
        .message
        .contains("access denied: the caller may not call `ecr:DescribeRepositories`"));
    assert_eq!(calls.get("ECR:GetLifecyclePolicy"), None);
}

#[test]
fn services_and_clusters_are_described_in_batches_and_only_asked_calls_are_made() {
    let moto = Moto::start();
    rt().block_on(seed(&moto.endpoint));

    // Three services of one cluster: one DescribeServices. No lifecycle_policy: no GetLifecyclePolicy.
    let (_, report, calls) = observe(
        &moto.endpoint,
        "version: 1\nenvironment: test\nresources:\n  - kind: ecs_cluster\n    id: dorami-staging\n  - kind: ecs_cluster\n    id: dorami-bare\n  - kind: ecs_service\n    id: dorami-staging/backend\n  - kind: ecs_service\n    id: dorami-staging/worker\n  - kind: ecs_service\n    id: dorami-staging/spot\n  - kind: ecs_task_definition\n    id: dorami-backend-staging\n  - kind: ecs_task_definition\n    id: dorami-worker\n  - kind: ecr_repository\n    id: dorami-backend\n    expect: { scan_on_push: true }\n  - kind: ecr_repository\n    id: dorami-nginx-rtmp\n",
    );
    assert_eq!(not_passing(&report), []);
    assert_eq!(
        calls,
        BTreeMap::from([
            ("ECR:DescribeRepositories".to_string(), 1),
            // scan_on_push is the registry's decision too: its configuration, once.
            ("ECR:GetRegistryScanningConfiguration".to_string(), 1),
            ("ECS:DescribeClusters".to_string(), 1),
            ("ECS:DescribeServices".to_string(), 1),
            ("ECS:DescribeTaskDefinition".to_string(), 2),
            ("STS:GetCallerIdentity".to_string(), 1),
        ])
    );

    // 101 clusters: two DescribeClusters. 12 services of one cluster: two DescribeServices, plus
    // one per other cluster. lifecycle_policy on two existing repositories and a missing one:
    // two GetLifecyclePolicy.
    let mut text = String::from("version: 1\nenvironment: test\nresources:\n");
    let mut clusters = vec!["dorami-staging".to_string(), "dorami-bare".to_string()];
    clusters.extend((0..99).map(|i| format!("absent-{i:02}")));
    for c in &clusters {
        text.push_str(&format!("  - kind: ecs_cluster\n    id: {c}\n"));
    }
    let mut services = vec!["backend", "worker", "spot"]
        .into_iter()
        .map(String::from)
        .collect::<Vec<_>>();
    services.extend((0..9).map(|i| format!("absent-{i}")));
    for s in &services {
        text.push_str(&format!(
            "  - kind: ecs_service\n    id: dorami-staging/{s}\n"
        ));
    }
    text.push_str("  - kind: ecs_service\n    id: dorami-bare/backend\n");
    text.push_str("  - kind: ecs_service\n    id: no-such-cluster/backend\n");
    for r in ["dorami-backend", "dorami-nginx-rtmp", "nope"] {
        text.push_str(&format!(
            "  - kind: ecr_repository\n    id: {r}\n    expect: {{ lifecycle_policy: {} }}\n",
            r == "dorami-backend"
        ));
    }
    let spec = spec_text(&text);
    let conn = connection(&moto.endpoint);
    let snap = rt()
        .block_on(probe::observe(&spec, &conn))
        .expect("observe");
    let calls = conn.recorder.calls();
    assert_eq!(
        calls,
        BTreeMap::from([
            ("ECR:DescribeRepositories".to_string(), 1),
            ("ECR:GetLifecyclePolicy".to_string(), 2),
            ("ECS:DescribeClusters".to_string(), 2),
            ("ECS:DescribeServices".to_string(), 4),
            ("STS:GetCallerIdentity".to_string(), 1),
        ])
    );
    assert_eq!(
        snap.metadata.api_calls.get("ecs:DescribeServices"),
        Some(&4)
    );
    let report = evaluate(&spec, &snap);
    let count = |st: Status| report.checks.iter().filter(|c| c.status == st).count();
    // Missing: 99 clusters, 9 + 2 services, 1 repository (exists and lifecycle_policy).
    assert_eq!(count(Status::Missing), 99 + 11 + 2);
    assert_eq!(count(Status::Error), 0);
    assert_eq!(count(Status::Fail), 0);

    // Every call made is in the spec's IAM policy, and the policy asks for nothing unused.
    let allowed = plan::plan(&spec).actions;
    let used: BTreeSet<&str> = calls
        .keys()
        .map(|c| {
            let (service, op) = c.split_once(':').expect("service:operation");
            plan::action_for(service, op).unwrap_or_else(|| {
                panic!("the probes called {c}, which is not in plan::OPERATIONS")
            })
        })
        .collect();
    assert_eq!(used, allowed);
}
