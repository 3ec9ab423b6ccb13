//! CloudFront cache behaviours, error responses, geo restriction, logging and the latest
//! invalidation, and ECR images (`ecr_image`), against moto: each attribute passes as seeded,
//! fails with the actual value, is `missing` for a resource that does not exist, and is an
//! `error` naming the action when the call is refused. Where moto differs from AWS (no scan
//! results in DescribeImages, function associations dropped) the replay tests in
//! `probe::ecr_image` and `probe::cloudfront` prove AWS's shapes.

use aws_sdk_cloudfront::types::{
    CacheBehavior, CacheBehaviors, CustomErrorResponse, CustomErrorResponses, DefaultCacheBehavior,
    DistributionConfig, GeoRestriction, GeoRestrictionType, InvalidationBatch, LoggingConfig,
    Origin, Origins, Paths, Restrictions, S3OriginConfig, ViewerProtocolPolicy,
};
use infra_verify::evaluate::Status;

use crate::support::moto::Moto;
use crate::support::proxy::{self, amz_target, Answer};
use crate::support::seed::emulator_config;
use crate::{assert_only_expectations_fail, check, not_passing, observe, rt};

const MANIFEST: &str = r#"{"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.v2+json","config":{"mediaType":"application/vnd.docker.container.image.v1+json","size":1469,"digest":"sha256:1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f809"},"layers":[{"mediaType":"application/vnd.docker.image.rootfs.diff.tar.gzip","size":3370706,"digest":"sha256:aaaa3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f809"}]}"#;

/// Repository `shop/api` with one image tagged `v1.4.2` and `latest`, repository `shop/empty`
/// without images; distribution `edge.shop.example` with an ordered behaviour `/api/*`, a 403
/// error response, an allow list (KR, JP), standard logging and one invalidation just now.
/// Returns the distribution's id.
async fn seed(endpoint: &str) -> String {
    let cfg = emulator_config(endpoint);
    let ecr = aws_sdk_ecr::Client::new(&cfg);
    for name in ["shop/api", "shop/empty"] {
        ecr.create_repository()
            .repository_name(name)
            .send()
            .await
            .expect("repository");
    }
    for tag in ["v1.4.2", "latest"] {
        ecr.put_image()
            .repository_name("shop/api")
            .image_manifest(MANIFEST)
            .image_tag(tag)
            .send()
            .await
            .expect("image");
    }
    let cloudfront = aws_sdk_cloudfront::Client::new(&cfg);
    let config = DistributionConfig::builder()
        .caller_reference("edge-images")
        .comment("edge")
        .enabled(true)
        .aliases(
            aws_sdk_cloudfront::types::Aliases::builder()
                .quantity(1)
                .items("edge.shop.example")
                .build()
                .expect("aliases"),
        )
        .origins(
            Origins::builder()
                .quantity(1)
                .items(
                    Origin::builder()
                        .id("web")
                        .domain_name("web.s3.ap-northeast-2.amazonaws.com")
                        .s3_origin_config(
                            S3OriginConfig::builder().origin_access_identity("").build(),
                        )
                        .build()
                        .expect("origin"),
                )
                .build()
                .expect("origins"),
        )
        .default_cache_behavior(
            DefaultCacheBehavior::builder()
                .target_origin_id("web")
                .viewer_protocol_policy(ViewerProtocolPolicy::RedirectToHttps)
                .compress(true)
                .cache_policy_id("658327ea-f89d-4fab-a63d-7e88639e58f6")
                .build()
                .expect("default behaviour"),
        )
        .cache_behaviors(
            CacheBehaviors::builder()
                .quantity(1)
                .items(
                    CacheBehavior::builder()
                        .path_pattern("/api/*")
                        .target_origin_id("web")
                        .viewer_protocol_policy(ViewerProtocolPolicy::HttpsOnly)
                        .compress(false)
                        .cache_policy_id("4135ea2d-6df8-44a3-9df3-4b5a84be39ad")
                        .origin_request_policy_id("b689b0a8-53d0-40ab-baf2-68738e2966ac")
                        .build()
                        .expect("behaviour"),
                )
                .build()
                .expect("behaviours"),
        )
        .custom_error_responses(
            CustomErrorResponses::builder()
                .quantity(1)
                .items(
                    CustomErrorResponse::builder()
                        .error_code(403)
                        .response_page_path("/index.html")
                        .response_code("200")
                        .error_caching_min_ttl(10)
                        .build()
                        .expect("error response"),
                )
                .build()
                .expect("error responses"),
        )
        .restrictions(
            Restrictions::builder()
                .geo_restriction(
                    GeoRestriction::builder()
                        .restriction_type(GeoRestrictionType::Whitelist)
                        .quantity(2)
                        .items("KR")
                        .items("JP")
                        .build()
                        .expect("geo"),
                )
                .build(),
        )
        .logging(
            LoggingConfig::builder()
                .enabled(true)
                .include_cookies(false)
                .bucket("shop-logs.s3.amazonaws.com")
                .prefix("cf/")
                .build(),
        )
        .build()
        .expect("config");
    let id = cloudfront
        .create_distribution()
        .distribution_config(config)
        .send()
        .await
        .expect("distribution")
        .distribution()
        .map(|d| d.id().to_string())
        .expect("distribution id");
    cloudfront
        .create_invalidation()
        .distribution_id(&id)
        .invalidation_batch(
            InvalidationBatch::builder()
                .caller_reference("deploy-1")
                .paths(
                    Paths::builder()
                        .quantity(1)
                        .items("/*")
                        .build()
                        .expect("paths"),
                )
                .build()
                .expect("batch"),
        )
        .send()
        .await
        .expect("invalidation");
    id
}

const PASSING: &str = r#"version: 1
environment: test
aws: { region: ap-northeast-2 }
resources:
  - kind: cloudfront_distribution
    id: edge.shop.example
    expect:
      cache_behaviors: { contains: { path_pattern: /api/*, viewer_protocol_policy: https-only, compress: false, origin_request_policy_id: b689b0a8-53d0-40ab-baf2-68738e2966ac } }
      custom_error_responses: [{ error_code: 403, response_code: "200", response_page_path: /index.html, error_caching_min_ttl: 10 }]
      geo_restriction: whitelist
      geo_restriction_locations: [JP, KR]
      logging_enabled: true
      logging_bucket: shop-logs.s3.amazonaws.com
      latest_invalidation_age_minutes: { at_most: 5 }
  - kind: ecr_image
    id: shop/api:v1.4.2
    expect:
      pushed_at_age_hours: { at_most: 1 }
      size_mb: { at_least: 0 }
      image_tags: [latest, v1.4.2]
  - kind: ecr_image
    id: shop/api:latest
    expect: { image_tags: { contains: v1.4.2 } }
"#;

#[test]
fn edge_and_image_attributes_pass_fail_and_are_missing() {
    let moto = Moto::start();
    rt().block_on(seed(&moto.endpoint));

    let (snap, report, calls) = observe(&moto.endpoint, PASSING);
    assert_eq!(not_passing(&report), [], "{:#?}", snap.resources);
    // One DescribeImages for both tags of the repository; one GetDistributionConfig and one
    // ListInvalidations for the distribution.
    assert_eq!(calls.get("ECR:DescribeImages"), Some(&1), "{calls:?}");
    assert_eq!(calls.get("CloudFront:GetDistributionConfig"), Some(&1));
    assert_eq!(calls.get("CloudFront:ListInvalidations"), Some(&1));
    assert_eq!(calls.get("ECR:DescribeRepositories"), None);

    // Every expectation wrong: each fails with the actual value.
    let failing = r#"version: 1
environment: test
resources:
  - kind: cloudfront_distribution
    id: edge.shop.example
    expect:
      cache_behaviors: { contains: { path_pattern: /admin/* } }
      custom_error_responses: []
      geo_restriction: none
      geo_restriction_locations: [US]
      logging_enabled: false
      logging_bucket: other.s3.amazonaws.com
      latest_invalidation_age_minutes: { at_least: 60 }
  - kind: ecr_image
    id: shop/api:v1.4.2
    expect:
      pushed_at_age_hours: { at_least: 24 }
      size_mb: { at_least: 10000 }
      image_tags: [v1.4.2]
      critical_findings: { at_most: 0 }
"#;
    let (_, report, _) = observe(&moto.endpoint, failing);
    // moto reports no scan for any image: a never-scanned image fails `at_most: 0`.
    assert_eq!(assert_only_expectations_fail(&report), 11);
    assert!(
        check(&report, "ecr_image/shop/api:v1.4.2/critical_findings")
            .message
            .contains("not set"),
        "{:?}",
        check(&report, "ecr_image/shop/api:v1.4.2/critical_findings")
    );

    // A missing tag, a repository without images and one that does not exist are missing;
    // `exists: false` passes on them.
    let missing = r#"version: 1
environment: test
resources:
  - kind: ecr_image
    id: shop/api:v9
    expect: { scan_status: COMPLETE }
  - kind: ecr_image
    id: shop/empty:latest
  - kind: ecr_image
    id: nowhere/api:v1
  - kind: ecr_image
    id: shop/api:v8
    expect: { exists: false }
  - kind: cloudfront_distribution
    id: gone.shop.example
    expect: { latest_invalidation_age_minutes: { at_most: 5 }, logging_enabled: true }
"#;
    let (_, report, calls) = observe(&moto.endpoint, missing);
    let statuses: Vec<(&str, Status)> = report
        .checks
        .iter()
        .map(|c| (c.id.as_str(), c.status))
        .collect();
    for (id, status) in [
        ("ecr_image/shop/api:v9/exists", Status::Missing),
        ("ecr_image/shop/empty:latest/exists", Status::Missing),
        ("ecr_image/nowhere/api:v1/exists", Status::Missing),
        ("ecr_image/shop/api:v8/exists", Status::Pass),
        (
            "cloudfront_distribution/gone.shop.example/exists",
            Status::Missing,
        ),
    ] {
        assert!(statuses.contains(&(id, status)), "{id}: {statuses:#?}");
    }
    // No per-distribution call for a distribution that does not exist.
    assert_eq!(calls.get("CloudFront:ListInvalidations"), None);
    assert_eq!(calls.get("CloudFront:GetDistributionConfig"), None);
}

fn deny_images_and_invalidations(request: &str) -> Option<Answer> {
    let first = request.lines().next().unwrap_or_default();
    if amz_target(request) == Some("AmazonEC2ContainerRegistry_V20150921.DescribeImages") {
        Some(Answer::json_error(400, "AccessDeniedException"))
    } else if first.contains("/invalidation") || first.contains("/config") {
        Some(Answer::query_error(403, "AccessDenied"))
    } else {
        None
    }
}

#[test]
fn refused_image_and_invalidation_calls_are_errors_naming_the_action() {
    let moto = Moto::start();
    rt().block_on(seed(&moto.endpoint));
    let proxy = proxy::start(moto.port, deny_images_and_invalidations);
    let (_, report, _) = observe(&proxy.endpoint, PASSING);
    for (id, action) in [
        ("ecr_image/shop/api:v1.4.2/exists", "ecr:DescribeImages"),
        ("ecr_image/shop/api:v1.4.2/size_mb", "ecr:DescribeImages"),
        (
            "cloudfront_distribution/edge.shop.example/latest_invalidation_age_minutes",
            "cloudfront:ListInvalidations",
        ),
        (
            "cloudfront_distribution/edge.shop.example/logging_enabled",
            "cloudfront:GetDistributionConfig",
        ),
    ] {
        let c = check(&report, id);
        assert_eq!(c.status, Status::Error, "{c:?}");
        assert!(c.message.contains(&format!("`{action}`")), "{c:?}");
    }
    // What the listing says is still observed.
    assert_eq!(
        check(
            &report,
            "cloudfront_distribution/edge.shop.example/geo_restriction"
        )
        .status,
        Status::Pass
    );
}
