//! Seeding ECS and ECR for the live tests: test-only code that creates resources, only ever
//! pointed at a local emulator (see seed.rs).

#![allow(dead_code)]

use aws_sdk_ecr::types::{
    EncryptionConfiguration, EncryptionType, ImageScanningConfiguration, ImageTagMutability,
};
use aws_sdk_ecs::types::{
    CapacityProviderStrategyItem, ClusterSetting, ClusterSettingName, Compatibility,
    ContainerDefinition, DeploymentCircuitBreaker, DeploymentConfiguration, DeploymentController,
    DeploymentControllerType, HealthCheck, KeyValuePair, LaunchType, LoadBalancer,
    LogConfiguration, LogDriver, NetworkMode, Secret,
};

use super::seed::{emulator_config, Result, REGION};

/// The health check command every seeded container with a health check runs.
pub const HEALTH_COMMAND: [&str; 2] = [
    "CMD-SHELL",
    "curl -f http://localhost:3000/api/health || exit 1",
];

pub struct EcsSeeder {
    pub ecs: aws_sdk_ecs::Client,
    pub ecr: aws_sdk_ecr::Client,
}

/// One container of a task definition.
pub struct Container<'a> {
    pub name: &'a str,
    pub image: &'a str,
    /// [`HEALTH_COMMAND`], every 30 s, 3 retries, 5 s timeout.
    pub health_check: bool,
    /// An `awslogs` log configuration with this group.
    pub log_group: Option<&'a str>,
    /// Environment variables (name, value).
    pub env: &'a [(&'a str, &'a str)],
}

/// One task definition revision to register.
pub struct TaskDef<'a> {
    pub family: &'a str,
    pub cpu: &'a str,
    pub memory: &'a str,
    pub containers: &'a [Container<'a>],
}

/// Roles and secrets of a task definition revision.
#[derive(Default)]
pub struct Roles<'a> {
    /// The task role's name.
    pub task: Option<&'a str>,
    /// The execution role's name.
    pub execution: Option<&'a str>,
    /// Secrets of the first container: (environment variable, `valueFrom`).
    pub secrets: &'a [(&'a str, &'a str)],
}

fn role_arn(name: &str) -> String {
    format!("arn:aws:iam::123456789012:role/{name}")
}

/// One service to create.
#[derive(Default)]
pub struct Svc<'a> {
    pub cluster: &'a str,
    pub name: &'a str,
    pub task_family: &'a str,
    pub desired: i32,
    /// None: moto then reports `EC2`.
    pub launch_type: Option<LaunchType>,
    pub target_group_arn: Option<&'a str>,
    /// The container the target group routes to (port 3000); `backend` when None.
    pub container: Option<&'a str>,
    // moto's CreateService drops capacityProviderStrategy and deploymentConfiguration; its
    // UpdateService keeps them, so these are set by a follow-up UpdateService.
    pub capacity_providers: &'a [&'a str],
    /// (enable, rollback).
    pub circuit_breaker: Option<(bool, bool)>,
    /// moto runs no tasks; after UpdateService with a desired count it reports that many running.
    pub running: bool,
    /// `CODE_DEPLOY` for blue/green; None: ECS (rolling).
    pub code_deploy: bool,
    pub platform_version: Option<&'a str>,
}

/// One ECR repository to create.
#[derive(Default)]
pub struct Repo<'a> {
    pub name: &'a str,
    pub scan_on_push: bool,
    pub immutable: bool,
    pub kms: bool,
    pub lifecycle: bool,
}

impl EcsSeeder {
    pub fn new(endpoint: &str) -> EcsSeeder {
        let cfg = emulator_config(endpoint);
        EcsSeeder {
            ecs: aws_sdk_ecs::Client::new(&cfg),
            ecr: aws_sdk_ecr::Client::new(&cfg),
        }
    }

    /// A cluster; `insights` sets the containerInsights setting (moto's default: `disabled`).
    pub async fn cluster(
        &self,
        name: &str,
        capacity_providers: &[&str],
        insights: Option<&str>,
    ) -> Result<()> {
        let mut req = self.ecs.create_cluster().cluster_name(name);
        for p in capacity_providers {
            req = req.capacity_providers(*p);
        }
        if let Some(value) = insights {
            req = req.settings(
                ClusterSetting::builder()
                    .name(ClusterSettingName::ContainerInsights)
                    .value(value)
                    .build(),
            );
        }
        req.send().await?;
        Ok(())
    }

    /// Deletes a cluster (it stays listed as INACTIVE).
    pub async fn delete_cluster(&self, name: &str) -> Result<()> {
        self.ecs.delete_cluster().cluster(name).send().await?;
        Ok(())
    }

    /// Registers a revision; returns its number.
    pub async fn task_definition(&self, td: &TaskDef<'_>) -> Result<i32> {
        self.task_definition_with(td, &Roles::default()).await
    }

    /// Registers a revision with task and execution roles, and secrets taken into the first
    /// container's environment; returns its number.
    pub async fn task_definition_with(&self, td: &TaskDef<'_>, roles: &Roles<'_>) -> Result<i32> {
        let mut req = self
            .ecs
            .register_task_definition()
            .family(td.family)
            .requires_compatibilities(Compatibility::Fargate)
            .network_mode(NetworkMode::Awsvpc)
            .cpu(td.cpu)
            .memory(td.memory)
            .set_task_role_arn(roles.task.map(role_arn))
            .set_execution_role_arn(roles.execution.map(role_arn));
        for (i, c) in td.containers.iter().enumerate() {
            let mut def = ContainerDefinition::builder()
                .name(c.name)
                .image(c.image)
                .memory(512)
                .essential(true);
            if c.health_check {
                def = def.health_check(
                    HealthCheck::builder()
                        .set_command(Some(HEALTH_COMMAND.map(str::to_string).to_vec()))
                        .interval(30)
                        .retries(3)
                        .timeout(5)
                        .build()?,
                );
            }
            for (name, value) in c.env {
                def = def.environment(KeyValuePair::builder().name(*name).value(*value).build());
            }
            if let Some(group) = c.log_group {
                def = def.log_configuration(
                    LogConfiguration::builder()
                        .log_driver(LogDriver::Awslogs)
                        .options("awslogs-group", group)
                        .options("awslogs-region", REGION)
                        .options("awslogs-stream-prefix", "ecs")
                        .build()?,
                );
            }
            if i == 0 {
                for (name, from) in roles.secrets {
                    def = def.secrets(Secret::builder().name(*name).value_from(*from).build()?);
                }
            }
            req = req.container_definitions(def.build());
        }
        let out = req.send().await?;
        Ok(out.task_definition().map_or(0, |t| t.revision()))
    }

    /// Deregisters one revision (it becomes INACTIVE).
    pub async fn deregister(&self, family: &str, revision: i32) -> Result<()> {
        self.ecs
            .deregister_task_definition()
            .task_definition(format!("{family}:{revision}"))
            .send()
            .await?;
        Ok(())
    }

    pub async fn service(&self, s: &Svc<'_>) -> Result<()> {
        let mut req = self
            .ecs
            .create_service()
            .cluster(s.cluster)
            .service_name(s.name)
            .task_definition(s.task_family)
            .desired_count(s.desired)
            .set_launch_type(s.launch_type.clone())
            .set_platform_version(s.platform_version.map(str::to_string));
        if s.code_deploy {
            req = req.deployment_controller(
                DeploymentController::builder()
                    .r#type(DeploymentControllerType::CodeDeploy)
                    .build()?,
            );
        }
        if let Some(arn) = s.target_group_arn {
            req = req.load_balancers(
                LoadBalancer::builder()
                    .target_group_arn(arn)
                    .container_name(s.container.unwrap_or("backend"))
                    .container_port(3000)
                    .build(),
            );
        }
        req.send().await?;
        if s.capacity_providers.is_empty() && s.circuit_breaker.is_none() && !s.running {
            return Ok(());
        }
        let mut update = self.ecs.update_service().cluster(s.cluster).service(s.name);
        for p in s.capacity_providers {
            update = update.capacity_provider_strategy(
                CapacityProviderStrategyItem::builder()
                    .capacity_provider(*p)
                    .weight(1)
                    .build()?,
            );
        }
        if let Some((enable, rollback)) = s.circuit_breaker {
            update = update.deployment_configuration(
                DeploymentConfiguration::builder()
                    .deployment_circuit_breaker(
                        DeploymentCircuitBreaker::builder()
                            .enable(enable)
                            .rollback(rollback)
                            .build(),
                    )
                    .build(),
            );
        }
        if s.running {
            update = update.desired_count(s.desired);
        }
        update.send().await?;
        Ok(())
    }

    /// Deletes a service (it stays describable as INACTIVE).
    pub async fn delete_service(&self, cluster: &str, name: &str) -> Result<()> {
        self.ecs
            .delete_service()
            .cluster(cluster)
            .service(name)
            .force(true)
            .send()
            .await?;
        Ok(())
    }

    pub async fn repository(&self, r: &Repo<'_>) -> Result<()> {
        let mut req = self
            .ecr
            .create_repository()
            .repository_name(r.name)
            .image_scanning_configuration(
                ImageScanningConfiguration::builder()
                    .scan_on_push(r.scan_on_push)
                    .build(),
            )
            .image_tag_mutability(if r.immutable {
                ImageTagMutability::Immutable
            } else {
                ImageTagMutability::Mutable
            });
        if r.kms {
            req = req.encryption_configuration(
                EncryptionConfiguration::builder()
                    .encryption_type(EncryptionType::Kms)
                    .build()?,
            );
        }
        req.send().await?;
        if r.lifecycle {
            self.ecr
                .put_lifecycle_policy()
                .repository_name(r.name)
                .lifecycle_policy_text(
                    r#"{"rules":[{"rulePriority":1,"description":"expire untagged images after 14 days","selection":{"tagStatus":"untagged","countType":"sinceImagePushed","countUnit":"days","countNumber":14},"action":{"type":"expire"}}]}"#,
                )
                .send()
                .await?;
        }
        Ok(())
    }
}
