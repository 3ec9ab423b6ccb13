//! The demo's night of drift: three changes to the demo environment (tests/support/demo.rs), made
//! through the SDK after a baseline was accepted, so that `infra-verify drift staging` has exactly
//! these to report. Test-only; only ever pointed at a local emulator.

use aws_sdk_s3::types::{BucketVersioningStatus, VersioningConfiguration};

use super::seed::{emulator_config, Result};

/// What the night changes, as the drift report names it (`kind/id/attribute`, before → after).
pub const CHANGES: &[&str] = &[
    "rds_instance/dorami-staging/backup_retention_period: 1 → 14",
    "s3_bucket/dorami-staging-frontend/versioning: Enabled → Suspended",
    "ecr_repository/dorami-nginx-rtmp: deleted",
];

/// Someone raises the database's backup retention (fixing a gap), suspends versioning on the
/// front-end bucket (breaking a check), and deletes the nginx-rtmp image repository.
pub async fn change_demo(endpoint: &str) -> Result<()> {
    let cfg = emulator_config(endpoint);
    let rds = aws_sdk_rds::Client::new(&cfg);
    rds.modify_db_instance()
        .db_instance_identifier("dorami-staging")
        .backup_retention_period(14)
        .apply_immediately(true)
        .send()
        .await?;
    let s3 = aws_sdk_s3::Client::from_conf(
        aws_sdk_s3::config::Builder::from(&cfg)
            .force_path_style(true)
            .build(),
    );
    s3.put_bucket_versioning()
        .bucket("dorami-staging-frontend")
        .versioning_configuration(
            VersioningConfiguration::builder()
                .status(BucketVersioningStatus::Suspended)
                .build(),
        )
        .send()
        .await?;
    let ecr = aws_sdk_ecr::Client::new(&cfg);
    ecr.delete_repository()
        .repository_name("dorami-nginx-rtmp")
        .force(true)
        .send()
        .await?;
    Ok(())
}

/// Closes the demo's four gaps, so that every check of specs/staging.yaml passes: what the fault
/// suite needs, where every verdict that is not `pass` must come from a fault.
pub async fn fix_demo_gaps(endpoint: &str) -> Result<()> {
    use aws_sdk_s3::types::PublicAccessBlockConfiguration;
    let cfg = emulator_config(endpoint);
    aws_sdk_rds::Client::new(&cfg)
        .modify_db_instance()
        .db_instance_identifier("dorami-staging")
        .backup_retention_period(7)
        .apply_immediately(true)
        .send()
        .await?;
    let s3 = aws_sdk_s3::Client::from_conf(
        aws_sdk_s3::config::Builder::from(&cfg)
            .force_path_style(true)
            .build(),
    );
    s3.put_bucket_versioning()
        .bucket("dorami-staging-hls")
        .versioning_configuration(
            VersioningConfiguration::builder()
                .status(BucketVersioningStatus::Enabled)
                .build(),
        )
        .send()
        .await?;
    s3.put_public_access_block()
        .bucket("dorami-staging-uploads")
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
    aws_sdk_ecr::Client::new(&cfg)
        .put_image_scanning_configuration()
        .repository_name("dorami-nginx-rtmp")
        .image_scanning_configuration(
            aws_sdk_ecr::types::ImageScanningConfiguration::builder()
                .scan_on_push(true)
                .build(),
        )
        .send()
        .await?;
    Ok(())
}
