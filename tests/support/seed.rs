//! Seeding: the only code that creates resources. Used by the live tests and by the demo's
//! `seed` example, never by the `infra-verify` binary. Only ever pointed at a local emulator.

#![allow(dead_code)]

use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_sdk_rds::types::Tag as RdsTag;
use aws_sdk_s3::types::{
    BucketLifecycleConfiguration, BucketLocationConstraint, BucketVersioningStatus,
    CreateBucketConfiguration, ExpirationStatus, IndexDocument, LifecycleExpiration, LifecycleRule,
    LifecycleRuleFilter, PublicAccessBlockConfiguration, ServerSideEncryption,
    ServerSideEncryptionByDefault, ServerSideEncryptionConfiguration, ServerSideEncryptionRule,
    Tag, Tagging, Transition, TransitionStorageClass, VersioningConfiguration,
    WebsiteConfiguration,
};

pub type Result<T> = std::result::Result<T, Box<dyn std::error::Error + Send + Sync>>;

pub const REGION: &str = "ap-northeast-2";

/// SDK configuration for the emulator: fixed test credentials, few retries.
pub fn emulator_config(endpoint: &str) -> SdkConfig {
    SdkConfig::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new(REGION))
        .endpoint_url(endpoint)
        .credentials_provider(
            aws_credential_types::provider::SharedCredentialsProvider::new(
                aws_credential_types::Credentials::new("testing", "testing", None, None, "seed"),
            ),
        )
        .retry_config(aws_config::retry::RetryConfig::standard().with_max_attempts(2))
        .build()
}

pub struct Seeder {
    pub endpoint: String,
    pub rds: aws_sdk_rds::Client,
    pub s3: aws_sdk_s3::Client,
    pub elasticache: aws_sdk_elasticache::Client,
    pub secrets: aws_sdk_secretsmanager::Client,
}

/// One DB instance to create.
pub struct Db<'a> {
    pub id: &'a str,
    pub class: &'a str,
    pub storage_gb: i32,
    pub backup_days: i32,
    pub multi_az: bool,
    pub encrypted: bool,
    pub deletion_protection: bool,
    pub environment: &'a str,
}

/// One bucket to create and configure.
#[derive(Default)]
pub struct Bucket<'a> {
    pub name: &'a str,
    pub versioning: bool,
    pub website: bool,
    pub sse: bool,
    pub block_public: bool,
    pub expire_days: Option<i32>,
    pub environment: Option<&'a str>,
    /// A bucket policy that denies requests without TLS.
    pub tls_policy: bool,
    /// The bucket's region (default: [`REGION`]); created and configured there.
    pub region: Option<&'a str>,
}

impl Seeder {
    pub fn new(endpoint: &str) -> Seeder {
        let cfg = emulator_config(endpoint);
        let s3 = aws_sdk_s3::config::Builder::from(&cfg)
            .force_path_style(true)
            .build();
        Seeder {
            endpoint: endpoint.to_string(),
            rds: aws_sdk_rds::Client::new(&cfg),
            s3: aws_sdk_s3::Client::from_conf(s3),
            elasticache: aws_sdk_elasticache::Client::new(&cfg),
            secrets: aws_sdk_secretsmanager::Client::new(&cfg),
        }
    }

    pub async fn db(&self, db: &Db<'_>) -> Result<()> {
        self.rds
            .create_db_instance()
            .db_instance_identifier(db.id)
            .engine("postgres")
            .engine_version("16.4")
            .db_instance_class(db.class)
            .allocated_storage(db.storage_gb)
            .storage_type("gp3")
            .master_username("dorami")
            .master_user_password("not-a-real-password-1")
            .backup_retention_period(db.backup_days)
            .multi_az(db.multi_az)
            .storage_encrypted(db.encrypted)
            .deletion_protection(db.deletion_protection)
            .publicly_accessible(false)
            .tags(
                RdsTag::builder()
                    .key("Environment")
                    .value(db.environment)
                    .build(),
            )
            .send()
            .await?;
        Ok(())
    }

    /// An Aurora PostgreSQL Serverless v2 cluster with `members` instances.
    pub async fn aurora(
        &self,
        id: &str,
        min_acu: f64,
        max_acu: f64,
        backup_days: i32,
        members: usize,
    ) -> Result<()> {
        self.rds
            .create_db_cluster()
            .db_cluster_identifier(id)
            .engine("aurora-postgresql")
            .engine_version("16.4")
            .master_username("tickets")
            .master_user_password("not-a-real-password-1")
            .backup_retention_period(backup_days)
            .storage_encrypted(true)
            .deletion_protection(true)
            .serverless_v2_scaling_configuration(
                aws_sdk_rds::types::ServerlessV2ScalingConfiguration::builder()
                    .min_capacity(min_acu)
                    .max_capacity(max_acu)
                    .build(),
            )
            .tags(
                RdsTag::builder()
                    .key("Environment")
                    .value("production")
                    .build(),
            )
            .send()
            .await?;
        for i in 0..members {
            self.rds
                .create_db_instance()
                .db_instance_identifier(format!("{id}-{i}"))
                .db_cluster_identifier(id)
                .engine("aurora-postgresql")
                .db_instance_class("db.serverless")
                .send()
                .await?;
        }
        Ok(())
    }

    /// A single-node Redis cache cluster in one zone (real ElastiCache always reports the zone of
    /// a single-node cluster; moto reports the one it was created with).
    pub async fn cache_cluster(&self, id: &str, node_type: &str) -> Result<()> {
        self.elasticache
            .create_cache_cluster()
            .cache_cluster_id(id)
            .preferred_availability_zone(format!("{REGION}a"))
            .engine("redis")
            .engine_version("7.1")
            .cache_node_type(node_type)
            .num_cache_nodes(1)
            .send()
            .await?;
        Ok(())
    }

    /// A Redis replication group with one node group and `replicas` replicas.
    pub async fn replication_group(&self, id: &str, node_type: &str, replicas: i32) -> Result<()> {
        self.elasticache
            .create_replication_group()
            .replication_group_id(id)
            .replication_group_description("live-commerce cache")
            .engine("redis")
            .cache_node_type(node_type)
            .replicas_per_node_group(replicas)
            .automatic_failover_enabled(replicas > 0)
            .multi_az_enabled(replicas > 0)
            .at_rest_encryption_enabled(true)
            .transit_encryption_enabled(true)
            .snapshot_retention_limit(7)
            .send()
            .await?;
        Ok(())
    }

    /// A secret (its value is a placeholder; infra-verify never reads it).
    pub async fn secret(&self, name: &str, environment: &str) -> Result<()> {
        self.secrets
            .create_secret()
            .name(name)
            .secret_string("{\"placeholder\": true}")
            .tags(
                aws_sdk_secretsmanager::types::Tag::builder()
                    .key("Environment")
                    .value(environment)
                    .build(),
            )
            .send()
            .await?;
        Ok(())
    }

    /// An S3 client in another region than [`REGION`].
    pub fn s3_in(&self, region: &str) -> aws_sdk_s3::Client {
        let cfg = emulator_config(&self.endpoint)
            .to_builder()
            .region(Region::new(region.to_string()))
            .build();
        aws_sdk_s3::Client::from_conf(
            aws_sdk_s3::config::Builder::from(&cfg)
                .force_path_style(true)
                .build(),
        )
    }

    pub async fn bucket(&self, b: &Bucket<'_>) -> Result<()> {
        let region = b.region.unwrap_or(REGION);
        let in_region = (region != REGION).then(|| self.s3_in(region));
        let s3 = in_region.as_ref().unwrap_or(&self.s3);
        let create = s3.create_bucket().bucket(b.name);
        // us-east-1 is the one region named by no location constraint.
        let create = if region == "us-east-1" {
            create
        } else {
            create.create_bucket_configuration(
                CreateBucketConfiguration::builder()
                    .location_constraint(BucketLocationConstraint::from(region))
                    .build(),
            )
        };
        create.send().await?;
        if b.versioning {
            s3.put_bucket_versioning()
                .bucket(b.name)
                .versioning_configuration(
                    VersioningConfiguration::builder()
                        .status(BucketVersioningStatus::Enabled)
                        .build(),
                )
                .send()
                .await?;
        }
        if b.website {
            s3.put_bucket_website()
                .bucket(b.name)
                .website_configuration(
                    WebsiteConfiguration::builder()
                        .index_document(IndexDocument::builder().suffix("index.html").build()?)
                        .build(),
                )
                .send()
                .await?;
        }
        if b.sse {
            s3.put_bucket_encryption()
                .bucket(b.name)
                .server_side_encryption_configuration(
                    ServerSideEncryptionConfiguration::builder()
                        .rules(
                            ServerSideEncryptionRule::builder()
                                .apply_server_side_encryption_by_default(
                                    ServerSideEncryptionByDefault::builder()
                                        .sse_algorithm(ServerSideEncryption::Aes256)
                                        .build()?,
                                )
                                .build(),
                        )
                        .build()?,
                )
                .send()
                .await?;
        }
        if b.block_public {
            s3.put_public_access_block()
                .bucket(b.name)
                .public_access_block_configuration(
                    PublicAccessBlockConfiguration::builder()
                        .block_public_acls(true)
                        .ignore_public_acls(true)
                        .block_public_policy(true)
                        .restrict_public_buckets(true)
                        .build(),
                )
                .send()
                .await?;
        }
        if let Some(days) = b.expire_days {
            s3.put_bucket_lifecycle_configuration()
                .bucket(b.name)
                .lifecycle_configuration(
                    BucketLifecycleConfiguration::builder()
                        .rules(
                            LifecycleRule::builder()
                                .id("expire-segments")
                                .status(ExpirationStatus::Enabled)
                                .filter(LifecycleRuleFilter::builder().prefix("").build())
                                .expiration(LifecycleExpiration::builder().days(days).build())
                                .build()?,
                        )
                        .build()?,
                )
                .send()
                .await?;
        }
        if b.tls_policy {
            let policy = format!(
                r#"{{"Version":"2012-10-17","Statement":[{{"Sid":"DenyInsecureTransport","Effect":"Deny","Principal":"*","Action":"s3:*","Resource":["arn:aws:s3:::{0}","arn:aws:s3:::{0}/*"],"Condition":{{"Bool":{{"aws:SecureTransport":"false"}}}}}}]}}"#,
                b.name
            );
            s3.put_bucket_policy()
                .bucket(b.name)
                .policy(policy)
                .send()
                .await?;
        }
        if let Some(env) = b.environment {
            s3.put_bucket_tagging()
                .bucket(b.name)
                .tagging(
                    Tagging::builder()
                        .tag_set(Tag::builder().key("Environment").value(env).build()?)
                        .build()?,
                )
                .send()
                .await?;
        }
        Ok(())
    }
}

impl Seeder {
    /// Replaces the bucket's tags with these.
    pub async fn bucket_tags(&self, name: &str, tags: &[(&str, &str)]) -> Result<()> {
        let mut set = Tagging::builder();
        for (k, v) in tags {
            set = set.tag_set(Tag::builder().key(*k).value(*v).build()?);
        }
        self.s3
            .put_bucket_tagging()
            .bucket(name)
            .tagging(set.build()?)
            .send()
            .await?;
        Ok(())
    }

    /// Replaces the bucket's lifecycle configuration with one rule moving every object to
    /// Glacier after `days`.
    pub async fn glacier_after(&self, name: &str, days: i32) -> Result<()> {
        self.s3
            .put_bucket_lifecycle_configuration()
            .bucket(name)
            .lifecycle_configuration(
                BucketLifecycleConfiguration::builder()
                    .rules(
                        LifecycleRule::builder()
                            .id("to-glacier")
                            .status(ExpirationStatus::Enabled)
                            .filter(LifecycleRuleFilter::builder().prefix("").build())
                            .transitions(
                                Transition::builder()
                                    .days(days)
                                    .storage_class(TransitionStorageClass::Glacier)
                                    .build(),
                            )
                            .build()?,
                    )
                    .build()?,
            )
            .send()
            .await?;
        Ok(())
    }

    /// Turns rotation on every `days` days. moto accepts RotateSecret with rotation rules only;
    /// AWS needs a rotation Lambda function (or a managed secret) for that.
    pub async fn rotate(&self, secret: &str, days: i64) -> Result<()> {
        self.secrets
            .rotate_secret()
            .secret_id(secret)
            .rotation_rules(
                aws_sdk_secretsmanager::types::RotationRulesType::builder()
                    .automatically_after_days(days)
                    .build(),
            )
            .send()
            .await?;
        Ok(())
    }
}

/// The live-commerce staging environment of specs/staging.yaml, with three deliberate gaps:
/// backups kept 1 day instead of 7, versioning off on the HLS bucket, and no public access block
/// on the uploads bucket. Plus an unrelated bucket the spec does not name.
pub async fn seed_staging(endpoint: &str) -> Result<()> {
    let s = Seeder::new(endpoint);
    s.db(&Db {
        id: "dorami-staging",
        class: "db.t3.micro",
        storage_gb: 20,
        backup_days: 1, // gap: the checklist says 7
        multi_az: false,
        encrypted: true,
        deletion_protection: false,
        environment: "staging",
    })
    .await?;
    s.bucket(&Bucket {
        name: "dorami-staging-frontend",
        versioning: true,
        website: true,
        sse: true,
        block_public: false,
        environment: Some("staging"),
        ..Bucket::default()
    })
    .await?;
    s.bucket(&Bucket {
        name: "dorami-staging-hls",
        versioning: false, // gap
        block_public: true,
        sse: true,
        expire_days: Some(7),
        environment: Some("staging"),
        ..Bucket::default()
    })
    .await?;
    s.bucket(&Bucket {
        name: "dorami-staging-uploads",
        sse: true,
        tls_policy: true,
        block_public: false, // gap
        environment: Some("staging"),
        ..Bucket::default()
    })
    .await?;
    s.bucket(&Bucket {
        name: "some-other-team-bucket",
        ..Bucket::default()
    })
    .await?;
    s.cache_cluster("dorami-staging-redis", "cache.t3.micro")
        .await?;
    s.secret("dorami/staging/backend", "staging").await?;
    Ok(())
}
