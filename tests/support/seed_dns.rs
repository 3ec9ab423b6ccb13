//! Seeding for DNS and the edge's protection: ACM certificates (in us-east-1, where CloudFront's
//! live), Route 53 zones and records, WAFv2 web ACLs. Test-only; only ever pointed at a local
//! emulator.

#![allow(dead_code)]

use aws_config::Region;
use aws_sdk_acm::types::KeyAlgorithm;
use aws_sdk_route53::types::{
    AliasTarget, Change, ChangeAction, ChangeBatch, HostedZoneConfig, ResourceRecord,
    ResourceRecordSet, RrType, Vpc, VpcRegion,
};
use aws_sdk_wafv2::types::{
    AllowAction, BlockAction, DefaultAction, ManagedRuleGroupStatement, NoneAction, OverrideAction,
    RateBasedStatement, RateBasedStatementAggregateKeyType, Rule, RuleAction, Scope, Statement,
    VisibilityConfig,
};

use super::seed::{emulator_config, Result};

pub struct DnsSeeder {
    /// In us-east-1.
    pub acm: aws_sdk_acm::Client,
    /// In the home region (certificates of load balancers).
    pub acm_home: aws_sdk_acm::Client,
    pub route53: aws_sdk_route53::Client,
    /// In the home region.
    pub wafv2: aws_sdk_wafv2::Client,
    /// In us-east-1 (CLOUDFRONT scope).
    pub wafv2_global: aws_sdk_wafv2::Client,
}

/// One web ACL to create.
#[derive(Default)]
pub struct Acl<'a> {
    pub name: &'a str,
    pub cloudfront: bool,
    pub block: bool,
    /// (limit, evaluation window in seconds; 0 for the default).
    pub rate: Option<(i64, i64)>,
    /// Managed rule groups (vendor, name).
    pub managed: &'a [(&'a str, &'a str)],
}

fn visibility(name: &str) -> Result<VisibilityConfig> {
    Ok(VisibilityConfig::builder()
        .sampled_requests_enabled(true)
        .cloud_watch_metrics_enabled(true)
        .metric_name(name)
        .build()?)
}

impl DnsSeeder {
    pub fn new(endpoint: &str) -> DnsSeeder {
        let cfg = emulator_config(endpoint);
        let us_east_1 = cfg.to_builder().region(Region::new("us-east-1")).build();
        DnsSeeder {
            acm: aws_sdk_acm::Client::new(&us_east_1),
            acm_home: aws_sdk_acm::Client::new(&cfg),
            route53: aws_sdk_route53::Client::new(&cfg),
            wafv2: aws_sdk_wafv2::Client::new(&cfg),
            wafv2_global: aws_sdk_wafv2::Client::new(&us_east_1),
        }
    }

    /// Requests a DNS-validated certificate in us-east-1 (moto issues it at once when run with
    /// MOTO_ACM_VALIDATION_WAIT=0); returns its ARN.
    pub async fn certificate(
        &self,
        domain: &str,
        sans: &[&str],
        key: Option<KeyAlgorithm>,
    ) -> Result<String> {
        let out = self
            .acm
            .request_certificate()
            .domain_name(domain)
            .validation_method(aws_sdk_acm::types::ValidationMethod::Dns)
            .set_subject_alternative_names(
                (!sans.is_empty()).then(|| sans.iter().map(|s| s.to_string()).collect()),
            )
            .set_key_algorithm(key)
            .send()
            .await?;
        Ok(out.certificate_arn().unwrap_or_default().to_string())
    }

    /// Requests a DNS-validated certificate in the home region (for a load balancer); returns
    /// its ARN.
    pub async fn home_certificate(&self, domain: &str) -> Result<String> {
        let out = self
            .acm_home
            .request_certificate()
            .domain_name(domain)
            .validation_method(aws_sdk_acm::types::ValidationMethod::Dns)
            .send()
            .await?;
        Ok(out.certificate_arn().unwrap_or_default().to_string())
    }

    /// Creates a hosted zone; a private one in the given VPC. Returns its id.
    /// An HTTPS health check of `https://{host}{path}` (30 s, three failures); returns its id.
    pub async fn health_check(&self, host: &str, path: &str) -> Result<String> {
        use aws_sdk_route53::types::{HealthCheckConfig, HealthCheckType};
        let out = self
            .route53
            .create_health_check()
            .caller_reference(format!("seed-{host}{path}"))
            .health_check_config(
                HealthCheckConfig::builder()
                    .r#type(HealthCheckType::Https)
                    .fully_qualified_domain_name(host)
                    .port(443)
                    .resource_path(path)
                    .request_interval(30)
                    .failure_threshold(3)
                    .build()?,
            )
            .send()
            .await?;
        Ok(out.health_check.map(|h| h.id).ok_or("no health check")?)
    }

    pub async fn zone(&self, name: &str, private_vpc: Option<&str>) -> Result<String> {
        let mut call = self
            .route53
            .create_hosted_zone()
            .name(name)
            .caller_reference(format!("seed-{name}-{}", private_vpc.is_some()));
        if let Some(vpc) = private_vpc {
            call = call
                .hosted_zone_config(HostedZoneConfig::builder().private_zone(true).build())
                .vpc(
                    Vpc::builder()
                        .vpc_id(vpc)
                        .vpc_region(VpcRegion::ApNortheast2)
                        .build(),
                );
        }
        let out = call.send().await?;
        Ok(out
            .hosted_zone()
            .map(|z| z.id().to_string())
            .unwrap_or_default())
    }

    /// Creates a plain record set.
    pub async fn record(
        &self,
        zone_id: &str,
        name: &str,
        ty: RrType,
        ttl: i64,
        values: &[&str],
    ) -> Result<()> {
        let mut set = ResourceRecordSet::builder().name(name).r#type(ty).ttl(ttl);
        for v in values {
            set = set.resource_records(ResourceRecord::builder().value(*v).build()?);
        }
        self.change(zone_id, set.build()?).await
    }

    /// Creates an alias record set.
    pub async fn alias(
        &self,
        zone_id: &str,
        name: &str,
        target_zone: &str,
        target: &str,
    ) -> Result<()> {
        let set = ResourceRecordSet::builder()
            .name(name)
            .r#type(RrType::A)
            .alias_target(
                AliasTarget::builder()
                    .hosted_zone_id(target_zone)
                    .dns_name(target)
                    .evaluate_target_health(false)
                    .build()?,
            )
            .build()?;
        self.change(zone_id, set).await
    }

    async fn change(&self, zone_id: &str, set: ResourceRecordSet) -> Result<()> {
        self.route53
            .change_resource_record_sets()
            .hosted_zone_id(zone_id)
            .change_batch(
                ChangeBatch::builder()
                    .changes(
                        Change::builder()
                            .action(ChangeAction::Upsert)
                            .resource_record_set(set)
                            .build()?,
                    )
                    .build()?,
            )
            .send()
            .await?;
        Ok(())
    }

    /// Creates a web ACL: the rate-based rule first (priority 0), then the managed groups.
    /// Returns its ARN.
    pub async fn web_acl(&self, acl: &Acl<'_>) -> Result<String> {
        let mut rules = Vec::new();
        if let Some((limit, window)) = acl.rate {
            let mut rate = RateBasedStatement::builder()
                .limit(limit)
                .aggregate_key_type(RateBasedStatementAggregateKeyType::Ip);
            if window > 0 {
                rate = rate.evaluation_window_sec(window);
            }
            rules.push(
                Rule::builder()
                    .name("rate")
                    .priority(0)
                    .statement(
                        Statement::builder()
                            .rate_based_statement(rate.build()?)
                            .build(),
                    )
                    .action(
                        RuleAction::builder()
                            .block(BlockAction::builder().build())
                            .build(),
                    )
                    .visibility_config(visibility("rate")?)
                    .build()?,
            );
        }
        for (i, (vendor, name)) in acl.managed.iter().enumerate() {
            rules.push(
                Rule::builder()
                    .name(*name)
                    .priority(i as i32 + 1)
                    .statement(
                        Statement::builder()
                            .managed_rule_group_statement(
                                ManagedRuleGroupStatement::builder()
                                    .vendor_name(*vendor)
                                    .name(*name)
                                    .build()?,
                            )
                            .build(),
                    )
                    .override_action(
                        OverrideAction::builder()
                            .none(NoneAction::builder().build())
                            .build(),
                    )
                    .visibility_config(visibility(name)?)
                    .build()?,
            );
        }
        let default_action = if acl.block {
            DefaultAction::builder()
                .block(BlockAction::builder().build())
                .build()
        } else {
            DefaultAction::builder()
                .allow(AllowAction::builder().build())
                .build()
        };
        let (client, scope) = if acl.cloudfront {
            (&self.wafv2_global, Scope::Cloudfront)
        } else {
            (&self.wafv2, Scope::Regional)
        };
        let out = client
            .create_web_acl()
            .name(acl.name)
            .scope(scope)
            .default_action(default_action)
            .set_rules(Some(rules))
            .visibility_config(visibility(acl.name)?)
            .send()
            .await?;
        Ok(out
            .summary()
            .and_then(|s| s.arn())
            .ok_or("CreateWebACL: no ARN")?
            .to_string())
    }
}
