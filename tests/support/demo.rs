//! The demo environment: the live-commerce platform's staging account as specs/staging.yaml
//! describes it, with four deliberate gaps. Used by `scripts/demo` (through examples/seed.rs) and
//! by the live test that keeps fixtures/staging.snapshot.json honest. Test-only; only ever pointed
//! at a local emulator.

use aws_sdk_ecs::types::LaunchType;

use super::seed::{seed_staging, Result};
use super::seed_ecs::{Container, EcsSeeder, Repo, Svc, TaskDef};
use super::seed_edge::seed_edge;

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
    ecs.task_definition(&TaskDef {
        family: "dorami-backend-staging",
        cpu: "512",
        memory: "1024",
        containers: &[Container {
            name: "backend",
            image: "123456789012.dkr.ecr.ap-northeast-2.amazonaws.com/dorami-backend:staging",
            health_check: true,
            log_group: Some("/ecs/dorami-backend-staging"),
        }],
    })
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
