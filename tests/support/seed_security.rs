//! Seeding Auto Scaling, Application Auto Scaling, the account's security settings, CloudTrail,
//! AWS Config and GuardDuty for the live tests: test-only code that creates resources, only ever
//! pointed at a local emulator (see seed.rs).

#![allow(dead_code)]

use aws_sdk_applicationautoscaling::types::{
    CustomizedMetricSpecification as AppCustomMetric, MetricStatistic, MetricType as AppMetricType,
    PolicyType, PredefinedMetricSpecification as AppPredefinedMetric, ScalableDimension,
    ServiceNamespace, TargetTrackingScalingPolicyConfiguration,
};
use aws_sdk_autoscaling::types::{
    CustomizedMetricSpecification, LaunchTemplateSpecification, MetricType,
    PredefinedMetricSpecification, TargetTrackingConfiguration,
};
use aws_sdk_config::types::{ConfigurationRecorder, DeliveryChannel, RecordingGroup};
use aws_sdk_ec2::types::{Filter, RequestLaunchTemplateData};
use aws_sdk_ecs::types::{ContainerDefinition, LaunchType};
use aws_sdk_guardduty::types::FindingPublishingFrequency;
use aws_sdk_s3::types::{BucketLocationConstraint, CreateBucketConfiguration};

use super::seed::{emulator_config, Result, REGION};

/// The ECS cluster whose services are scaled.
pub const SCALED_CLUSTER: &str = "tickets-prod";
/// The KMS key the audit trail is encrypted with.
pub const TRAIL_KEY: &str =
    "arn:aws:kms:ap-northeast-2:123456789012:key/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0";
/// The bucket the trails deliver to.
pub const TRAIL_BUCKET: &str = "tickets-cloudtrail-logs";

pub struct SecuritySeeder {
    pub ec2: aws_sdk_ec2::Client,
    pub elbv2: aws_sdk_elasticloadbalancingv2::Client,
    pub autoscaling: aws_sdk_autoscaling::Client,
    pub app_autoscaling: aws_sdk_applicationautoscaling::Client,
    pub ecs: aws_sdk_ecs::Client,
    pub iam: aws_sdk_iam::Client,
    pub s3: aws_sdk_s3::Client,
    pub cloudtrail: aws_sdk_cloudtrail::Client,
    pub config: aws_sdk_config::Client,
    pub guardduty: aws_sdk_guardduty::Client,
}

/// One Auto Scaling group to create.
pub struct Group<'a> {
    pub name: &'a str,
    pub min: i32,
    pub max: i32,
    pub desired: i32,
    pub zones: &'a [&'a str],
    /// `ELB` with this grace period, or the default (`EC2`) when None.
    pub elb_grace: Option<i32>,
    pub target_group_arn: Option<&'a str>,
    /// Target tracking on average CPU at this value.
    pub cpu_target: Option<f64>,
    /// Target tracking on a custom metric (name, value).
    pub custom_target: Option<(&'a str, f64)>,
}

/// One CloudTrail trail to create.
pub struct TrailSpec<'a> {
    pub name: &'a str,
    pub multi_region: bool,
    pub validation: bool,
    pub kms: bool,
    pub global_events: bool,
    pub logging: bool,
}

impl SecuritySeeder {
    pub fn new(endpoint: &str) -> SecuritySeeder {
        let cfg = emulator_config(endpoint);
        let s3 = aws_sdk_s3::config::Builder::from(&cfg)
            .force_path_style(true)
            .build();
        SecuritySeeder {
            ec2: aws_sdk_ec2::Client::new(&cfg),
            elbv2: aws_sdk_elasticloadbalancingv2::Client::new(&cfg),
            autoscaling: aws_sdk_autoscaling::Client::new(&cfg),
            app_autoscaling: aws_sdk_applicationautoscaling::Client::new(&cfg),
            ecs: aws_sdk_ecs::Client::new(&cfg),
            iam: aws_sdk_iam::Client::new(&cfg),
            s3: aws_sdk_s3::Client::from_conf(s3),
            cloudtrail: aws_sdk_cloudtrail::Client::new(&cfg),
            config: aws_sdk_config::Client::new(&cfg),
            guardduty: aws_sdk_guardduty::Client::new(&cfg),
        }
    }

    /// A target group in the default VPC (moto registers the group's instances in it, so it
    /// must be in the VPC the instances launch into); returns its ARN.
    pub async fn target_group(&self, name: &str) -> Result<String> {
        let vpcs = self
            .ec2
            .describe_vpcs()
            .filters(Filter::builder().name("is-default").values("true").build())
            .send()
            .await?;
        let vpc = vpcs
            .vpcs()
            .first()
            .and_then(|v| v.vpc_id())
            .ok_or("no default VPC")?;
        let out = self
            .elbv2
            .create_target_group()
            .name(name)
            .protocol(aws_sdk_elasticloadbalancingv2::types::ProtocolEnum::Http)
            .port(80)
            .vpc_id(vpc)
            .send()
            .await?;
        Ok(out
            .target_groups()
            .first()
            .and_then(|t| t.target_group_arn())
            .ok_or("no target group ARN")?
            .to_string())
    }

    /// A launch template with one of moto's default AMIs (moto refuses unknown images).
    pub async fn launch_template(&self, name: &str) -> Result<()> {
        let images = self.ec2.describe_images().owners("amazon").send().await?;
        let ami = images
            .images()
            .first()
            .and_then(|i| i.image_id())
            .ok_or("moto lists no default AMI")?;
        self.ec2
            .create_launch_template()
            .launch_template_name(name)
            .launch_template_data(
                RequestLaunchTemplateData::builder()
                    .image_id(ami)
                    .instance_type(aws_sdk_ec2::types::InstanceType::T3Micro)
                    .build(),
            )
            .send()
            .await?;
        Ok(())
    }

    /// An Auto Scaling group from the launch template `template`, with its policies (plus one
    /// simple scaling policy, which is not target tracking, whenever it has any).
    pub async fn group(&self, template: &str, g: &Group<'_>) -> Result<()> {
        let mut req = self
            .autoscaling
            .create_auto_scaling_group()
            .auto_scaling_group_name(g.name)
            .launch_template(
                LaunchTemplateSpecification::builder()
                    .launch_template_name(template)
                    .version("$Latest")
                    .build(),
            )
            .min_size(g.min)
            .max_size(g.max)
            .desired_capacity(g.desired);
        for z in g.zones {
            req = req.availability_zones(*z);
        }
        if let Some(grace) = g.elb_grace {
            req = req
                .health_check_type("ELB")
                .health_check_grace_period(grace);
        }
        if let Some(arn) = g.target_group_arn {
            req = req.target_group_arns(arn);
        }
        req.send().await?;
        let policy = |name: &str, config: TargetTrackingConfiguration| {
            self.autoscaling
                .put_scaling_policy()
                .auto_scaling_group_name(g.name)
                .policy_name(name)
                .policy_type("TargetTrackingScaling")
                .target_tracking_configuration(config)
                .send()
        };
        if let Some(value) = g.cpu_target {
            policy(
                "cpu",
                TargetTrackingConfiguration::builder()
                    .predefined_metric_specification(
                        PredefinedMetricSpecification::builder()
                            .predefined_metric_type(MetricType::AsgAverageCpuUtilization)
                            .build(),
                    )
                    .target_value(value)
                    .build(),
            )
            .await?;
        }
        if let Some((metric, value)) = g.custom_target {
            policy(
                "custom",
                TargetTrackingConfiguration::builder()
                    .customized_metric_specification(
                        CustomizedMetricSpecification::builder()
                            .metric_name(metric)
                            .namespace("Tickets")
                            .statistic(aws_sdk_autoscaling::types::MetricStatistic::Average)
                            .build(),
                    )
                    .target_value(value)
                    .build(),
            )
            .await?;
        }
        if g.cpu_target.is_some() || g.custom_target.is_some() {
            self.autoscaling
                .put_scaling_policy()
                .auto_scaling_group_name(g.name)
                .policy_name("step-up")
                .policy_type("SimpleScaling")
                .adjustment_type("ChangeInCapacity")
                .scaling_adjustment(1)
                .send()
                .await?;
        }
        Ok(())
    }

    /// An Auto Scaling group from the launch template `template` in the given subnets (of a VPC
    /// of our own), registering with the target group, ELB health checks after `grace` s. moto
    /// launches the desired count at once into those subnets and registers them.
    pub async fn group_in_subnets(
        &self,
        template: &str,
        g: &Group<'_>,
        subnets: &[&str],
        grace: i32,
    ) -> Result<()> {
        let mut req = self
            .autoscaling
            .create_auto_scaling_group()
            .auto_scaling_group_name(g.name)
            .launch_template(
                LaunchTemplateSpecification::builder()
                    .launch_template_name(template)
                    .version("$Latest")
                    .build(),
            )
            .min_size(g.min)
            .max_size(g.max)
            .desired_capacity(g.desired)
            .vpc_zone_identifier(subnets.join(","))
            .health_check_type("ELB")
            .health_check_grace_period(grace);
        if let Some(arn) = g.target_group_arn {
            req = req.target_group_arns(arn);
        }
        req.send().await?;
        if let Some(value) = g.cpu_target {
            self.autoscaling
                .put_scaling_policy()
                .auto_scaling_group_name(g.name)
                .policy_name("cpu")
                .policy_type("TargetTrackingScaling")
                .target_tracking_configuration(
                    TargetTrackingConfiguration::builder()
                        .predefined_metric_specification(
                            PredefinedMetricSpecification::builder()
                                .predefined_metric_type(MetricType::AsgAverageCpuUtilization)
                                .build(),
                        )
                        .target_value(value)
                        .build(),
                )
                .send()
                .await?;
        }
        Ok(())
    }

    /// An ECS cluster with services (moto's RegisterScalableTarget requires them to exist).
    pub async fn ecs_services(&self, cluster: &str, services: &[&str]) -> Result<()> {
        self.ecs
            .create_cluster()
            .cluster_name(cluster)
            .send()
            .await?;
        self.ecs
            .register_task_definition()
            .family("tickets-backend")
            .container_definitions(
                ContainerDefinition::builder()
                    .name("backend")
                    .image("tickets-backend:1")
                    .memory(512)
                    .build(),
            )
            .send()
            .await?;
        for s in services {
            self.ecs
                .create_service()
                .cluster(cluster)
                .service_name(*s)
                .task_definition("tickets-backend")
                .desired_count(1)
                .launch_type(LaunchType::Fargate)
                .send()
                .await?;
        }
        Ok(())
    }

    /// A scalable target on an ECS service's desired count, with target tracking on average
    /// CPU and, optionally, a custom metric.
    pub async fn ecs_scaling(
        &self,
        cluster: &str,
        service: &str,
        min: i32,
        max: i32,
        cpu_target: Option<f64>,
        custom_target: Option<(&str, f64)>,
    ) -> Result<()> {
        let resource = format!("service/{cluster}/{service}");
        self.app_autoscaling
            .register_scalable_target()
            .service_namespace(ServiceNamespace::Ecs)
            .resource_id(&resource)
            .scalable_dimension(ScalableDimension::EcsServiceDesiredCount)
            .min_capacity(min)
            .max_capacity(max)
            .send()
            .await?;
        let policy = |name: &str, config: TargetTrackingScalingPolicyConfiguration| {
            self.app_autoscaling
                .put_scaling_policy()
                .policy_name(name)
                .service_namespace(ServiceNamespace::Ecs)
                .resource_id(&resource)
                .scalable_dimension(ScalableDimension::EcsServiceDesiredCount)
                .policy_type(PolicyType::TargetTrackingScaling)
                .target_tracking_scaling_policy_configuration(config)
                .send()
        };
        if let Some(value) = cpu_target {
            policy(
                "cpu",
                TargetTrackingScalingPolicyConfiguration::builder()
                    .target_value(value)
                    .predefined_metric_specification(
                        AppPredefinedMetric::builder()
                            .predefined_metric_type(AppMetricType::EcsServiceAverageCpuUtilization)
                            .build()?,
                    )
                    .build()?,
            )
            .await?;
        }
        if let Some((metric, value)) = custom_target {
            policy(
                "custom",
                TargetTrackingScalingPolicyConfiguration::builder()
                    .target_value(value)
                    .customized_metric_specification(
                        AppCustomMetric::builder()
                            .metric_name(metric)
                            .namespace("Tickets")
                            .statistic(MetricStatistic::Average)
                            .build(),
                    )
                    .build()?,
            )
            .await?;
        }
        Ok(())
    }

    /// The IAM password policy.
    pub async fn password_policy(&self, min_length: i32) -> Result<()> {
        self.iam
            .update_account_password_policy()
            .minimum_password_length(min_length)
            .require_symbols(true)
            .require_numbers(true)
            .password_reuse_prevention(5)
            .send()
            .await?;
        Ok(())
    }

    /// EBS encryption by default in the seeder's region.
    pub async fn ebs_encryption_by_default(&self) -> Result<()> {
        self.ec2.enable_ebs_encryption_by_default().send().await?;
        Ok(())
    }

    /// The bucket trails and the Config recorder deliver to.
    pub async fn log_bucket(&self) -> Result<()> {
        self.s3
            .create_bucket()
            .bucket(TRAIL_BUCKET)
            .create_bucket_configuration(
                CreateBucketConfiguration::builder()
                    .location_constraint(BucketLocationConstraint::from(REGION))
                    .build(),
            )
            .send()
            .await?;
        Ok(())
    }

    /// A trail delivering to [`TRAIL_BUCKET`].
    pub async fn trail(&self, t: &TrailSpec<'_>) -> Result<()> {
        let mut req = self
            .cloudtrail
            .create_trail()
            .name(t.name)
            .s3_bucket_name(TRAIL_BUCKET)
            .is_multi_region_trail(t.multi_region)
            .enable_log_file_validation(t.validation)
            .include_global_service_events(t.global_events);
        if t.kms {
            req = req.kms_key_id(TRAIL_KEY);
        }
        req.send().await?;
        if t.logging {
            self.cloudtrail.start_logging().name(t.name).send().await?;
        }
        Ok(())
    }

    /// A configuration recorder; `recording` also adds a delivery channel and starts it.
    pub async fn recorder(
        &self,
        name: &str,
        all_supported: bool,
        global: bool,
        recording: bool,
    ) -> Result<()> {
        let mut group = RecordingGroup::builder()
            .all_supported(all_supported)
            .include_global_resource_types(global);
        if !all_supported {
            group = group.resource_types(aws_sdk_config::types::ResourceType::Bucket);
        }
        self.config
            .put_configuration_recorder()
            .configuration_recorder(
                ConfigurationRecorder::builder()
                    .name(name)
                    .role_arn("arn:aws:iam::123456789012:role/config-recorder")
                    .recording_group(group.build())
                    .build(),
            )
            .send()
            .await?;
        if recording {
            self.config
                .put_delivery_channel()
                .delivery_channel(
                    DeliveryChannel::builder()
                        .name(name)
                        .s3_bucket_name(TRAIL_BUCKET)
                        .build(),
                )
                .send()
                .await?;
            self.config
                .start_configuration_recorder()
                .configuration_recorder_name(name)
                .send()
                .await?;
        }
        Ok(())
    }

    /// The region's GuardDuty detector.
    pub async fn detector(
        &self,
        enabled: bool,
        frequency: FindingPublishingFrequency,
    ) -> Result<()> {
        self.guardduty
            .create_detector()
            .enable(enabled)
            .finding_publishing_frequency(frequency)
            .send()
            .await?;
        Ok(())
    }
}
