//! Seeding for the edge of the system: an Application Load Balancer with listeners and target
//! groups, and a CloudFront distribution in front of it. Test-only; only ever pointed at a local
//! emulator.
//!
//! An ALB needs subnets (in moto: real ones, it looks them up) and a certificate for HTTPS (moto
//! looks it up in its ACM). The crate has no EC2 or ACM SDK (aws-sdk-ec2 alone is minutes of build
//! time), so this module makes the few calls it needs for them as plain HTTP requests to moto:
//! EC2 `DescribeSubnets` (moto's default VPC has a default subnet in every zone of the region),
//! EC2 `CreateSecurityGroup` and ACM `RequestCertificate`. moto accepts any signature; the region
//! is taken from the credential scope of the Authorization header.

#![allow(dead_code)]

use std::io::{Read, Write};
use std::net::TcpStream;

use aws_sdk_cloudfront::types::{
    Aliases, CustomHeaders, CustomOriginConfig, DefaultCacheBehavior, DistributionConfig,
    HttpVersion, MinimumProtocolVersion, Origin, OriginCustomHeader, OriginProtocolPolicy, Origins,
    PriceClass, S3OriginConfig, SslSupportMethod, ViewerCertificate, ViewerProtocolPolicy,
};
use aws_sdk_elasticloadbalancingv2::types::{
    Action, ActionTypeEnum, AuthenticateOidcActionConfig, Certificate, FixedResponseActionConfig,
    ForwardActionConfig, LoadBalancerSchemeEnum, LoadBalancerTypeEnum, Matcher, ProtocolEnum,
    RedirectActionConfig, RedirectActionStatusCodeEnum, TargetDescription, TargetGroupAttribute,
    TargetGroupTuple, TargetTypeEnum,
};

use super::seed::{emulator_config, Result, REGION};

/// The AWS managed cache policy "CachingOptimized".
pub const CACHING_OPTIMIZED: &str = "658327ea-f89d-4fab-a63d-7e88639e58f6";
/// The SSL policy the HTTPS listener uses.
pub const TLS13_POLICY: &str = "ELBSecurityPolicy-TLS13-1-2-2021-06";

pub struct EdgeSeeder {
    pub elbv2: aws_sdk_elasticloadbalancingv2::Client,
    pub cloudfront: aws_sdk_cloudfront::Client,
    port: u16,
}

/// A plain-HTTP call to moto; returns the response body, or an error for a non-2xx answer.
fn raw_call(port: u16, headers: &[(&str, &str)], body: &str) -> Result<String> {
    let mut s = TcpStream::connect(("127.0.0.1", port))?;
    let mut request = format!(
        "POST / HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (k, v) in headers {
        request.push_str(&format!("{k}: {v}\r\n"));
    }
    request.push_str("\r\n");
    request.push_str(body);
    s.write_all(request.as_bytes())?;
    let mut response = String::new();
    s.read_to_string(&mut response)?;
    let (head, body) = response
        .split_once("\r\n\r\n")
        .ok_or("moto answered without an HTTP head")?;
    let status = head.split_whitespace().nth(1).unwrap_or("");
    if !status.starts_with('2') {
        return Err(format!("moto answered {status}: {body}").into());
    }
    Ok(body.to_string())
}

fn authorization(region: &str, service: &str) -> String {
    format!(
        "AWS4-HMAC-SHA256 Credential=testing/20250101/{region}/{service}/aws4_request, SignedHeaders=host, Signature=00"
    )
}

/// An EC2 query-protocol call in the home region.
fn ec2(port: u16, params: &str) -> Result<String> {
    let auth = authorization(REGION, "ec2");
    raw_call(
        port,
        &[
            ("Content-Type", "application/x-www-form-urlencoded"),
            ("Authorization", &auth),
        ],
        &format!("Version=2016-11-15&{params}"),
    )
}

/// The text of every `<tag>...</tag>` in a document, in order.
fn all_text<'a>(xml: &'a str, tag: &str) -> Vec<&'a str> {
    let (open, close) = (format!("<{tag}>"), format!("</{tag}>"));
    let mut out = Vec::new();
    let mut rest = xml;
    while let Some(start) = rest.find(&open) {
        let after = &rest[start + open.len()..];
        let Some(end) = after.find(&close) else { break };
        out.push(&after[..end]);
        rest = &after[end + close.len()..];
    }
    out
}

/// A subnet of moto's default VPC.
#[derive(Clone, Debug)]
pub struct Subnet {
    pub id: String,
    pub zone: String,
    pub vpc_id: String,
}

/// One target group to create.
pub struct TargetGroupSpec<'a> {
    pub name: &'a str,
    pub port: i32,
    pub target_type: TargetTypeEnum,
    /// `None`: the service defaults (path `/`, matcher 200, 30 s, 5/2).
    pub health_check: Option<HealthCheck<'a>>,
    pub stickiness: bool,
    /// IP targets to register (moto reports every one `healthy`).
    pub targets: &'a [&'a str],
}

pub struct HealthCheck<'a> {
    pub path: &'a str,
    pub matcher: &'a str,
    pub interval: i32,
    pub healthy: i32,
    pub unhealthy: i32,
}

/// What a listener does by default.
pub enum DefaultAction<'a> {
    Forward(&'a str),
    /// OIDC authentication (order 1), then a weighted forward (order 2).
    AuthenticatedWeighted(&'a [(&'a str, i32)]),
    Redirect {
        protocol: &'a str,
        port: &'a str,
    },
    Fixed(&'a str),
}

impl EdgeSeeder {
    pub fn new(endpoint: &str) -> EdgeSeeder {
        let cfg = emulator_config(endpoint);
        let port = endpoint
            .rsplit(':')
            .next()
            .and_then(|p| p.trim_end_matches('/').parse().ok())
            .expect("endpoint http://127.0.0.1:PORT");
        EdgeSeeder {
            elbv2: aws_sdk_elasticloadbalancingv2::Client::new(&cfg),
            cloudfront: aws_sdk_cloudfront::Client::new(&cfg),
            port,
        }
    }

    /// The default subnets of the home region (one per zone, sorted by zone).
    pub fn default_subnets(&self) -> Result<Vec<Subnet>> {
        let xml = ec2(
            self.port,
            "Action=DescribeSubnets&Filter.1.Name=default-for-az&Filter.1.Value.1=true",
        )?;
        let mut subnets: Vec<Subnet> = all_text(&xml, "item")
            .into_iter()
            .filter_map(|item| {
                Some(Subnet {
                    id: all_text(item, "subnetId").first()?.to_string(),
                    zone: all_text(item, "availabilityZone").first()?.to_string(),
                    vpc_id: all_text(item, "vpcId").first()?.to_string(),
                })
            })
            .collect();
        subnets.sort_by(|a, b| a.zone.cmp(&b.zone));
        if subnets.len() < 2 {
            return Err(format!("moto has {} default subnets in {REGION}", subnets.len()).into());
        }
        Ok(subnets)
    }

    /// A security group in the default VPC; returns its id.
    pub fn security_group(&self, name: &str) -> Result<String> {
        let xml = ec2(
            self.port,
            &format!("Action=CreateSecurityGroup&GroupName={name}&GroupDescription={name}"),
        )?;
        Ok(all_text(&xml, "groupId")
            .first()
            .ok_or("CreateSecurityGroup: no groupId")?
            .to_string())
    }

    /// An ACM certificate (issued at once: the harness sets MOTO_ACM_VALIDATION_WAIT=0).
    pub fn certificate(&self, region: &str, domain: &str) -> Result<String> {
        let auth = authorization(region, "acm");
        let body = raw_call(
            self.port,
            &[
                ("Content-Type", "application/x-amz-json-1.1"),
                ("X-Amz-Target", "CertificateManager.RequestCertificate"),
                ("Authorization", &auth),
            ],
            &format!(r#"{{"DomainName": "{domain}", "ValidationMethod": "DNS"}}"#),
        )?;
        let v: serde_json::Value = serde_json::from_str(&body)?;
        Ok(v["CertificateArn"]
            .as_str()
            .ok_or("RequestCertificate: no CertificateArn")?
            .to_string())
    }

    /// An internet-facing ALB; returns its ARN.
    pub async fn load_balancer(
        &self,
        name: &str,
        subnets: &[&Subnet],
        security_groups: &[&str],
    ) -> Result<String> {
        let out = self
            .elbv2
            .create_load_balancer()
            .name(name)
            .r#type(LoadBalancerTypeEnum::Application)
            .scheme(LoadBalancerSchemeEnum::InternetFacing)
            .set_subnets(Some(subnets.iter().map(|s| s.id.clone()).collect()))
            .set_security_groups(Some(
                security_groups.iter().map(|s| s.to_string()).collect(),
            ))
            .send()
            .await?;
        Ok(out
            .load_balancers()
            .first()
            .and_then(|lb| lb.load_balancer_arn())
            .ok_or("CreateLoadBalancer: no ARN")?
            .to_string())
    }

    /// A target group with its attributes and targets; returns its ARN.
    pub async fn target_group(&self, vpc_id: &str, tg: &TargetGroupSpec<'_>) -> Result<String> {
        let mut req = self
            .elbv2
            .create_target_group()
            .name(tg.name)
            .protocol(ProtocolEnum::Http)
            .port(tg.port)
            .vpc_id(vpc_id)
            .target_type(tg.target_type.clone());
        if let Some(h) = &tg.health_check {
            req = req
                .health_check_protocol(ProtocolEnum::Http)
                .health_check_path(h.path)
                .matcher(Matcher::builder().http_code(h.matcher).build())
                .health_check_interval_seconds(h.interval)
                .healthy_threshold_count(h.healthy)
                .unhealthy_threshold_count(h.unhealthy);
        }
        let out = req.send().await?;
        let arn = out
            .target_groups()
            .first()
            .and_then(|t| t.target_group_arn())
            .ok_or("CreateTargetGroup: no ARN")?
            .to_string();
        if tg.stickiness {
            let attr = |k: &str, v: &str| TargetGroupAttribute::builder().key(k).value(v).build();
            self.elbv2
                .modify_target_group_attributes()
                .target_group_arn(&arn)
                .attributes(attr("stickiness.enabled", "true"))
                .attributes(attr("stickiness.type", "lb_cookie"))
                .send()
                .await?;
        }
        if !tg.targets.is_empty() {
            self.elbv2
                .register_targets()
                .target_group_arn(&arn)
                .set_targets(Some(
                    tg.targets
                        .iter()
                        .map(|ip| TargetDescription::builder().id(*ip).build())
                        .collect(),
                ))
                .send()
                .await?;
        }
        Ok(arn)
    }

    /// A listener; HTTPS when a certificate is given.
    pub async fn listener(
        &self,
        lb_arn: &str,
        port: i32,
        certificate: Option<&str>,
        default: DefaultAction<'_>,
    ) -> Result<()> {
        let actions = match default {
            DefaultAction::Forward(tg) => vec![Action::builder()
                .r#type(ActionTypeEnum::Forward)
                .target_group_arn(tg)
                .build()],
            DefaultAction::AuthenticatedWeighted(groups) => {
                let mut cfg = ForwardActionConfig::builder();
                for (arn, weight) in groups {
                    cfg = cfg.target_groups(
                        TargetGroupTuple::builder()
                            .target_group_arn(*arn)
                            .weight(*weight)
                            .build(),
                    );
                }
                let oidc = AuthenticateOidcActionConfig::builder()
                    .issuer("https://login.dorami.example")
                    .authorization_endpoint("https://login.dorami.example/authorize")
                    .token_endpoint("https://login.dorami.example/token")
                    .user_info_endpoint("https://login.dorami.example/userinfo")
                    .client_id("infra-verify-test")
                    .client_secret("not-a-secret")
                    .build();
                vec![
                    Action::builder()
                        .r#type(ActionTypeEnum::AuthenticateOidc)
                        .order(1)
                        .authenticate_oidc_config(oidc)
                        .build(),
                    Action::builder()
                        .r#type(ActionTypeEnum::Forward)
                        .order(2)
                        .forward_config(cfg.build())
                        .build(),
                ]
            }
            DefaultAction::Redirect { protocol, port } => vec![Action::builder()
                .r#type(ActionTypeEnum::Redirect)
                .redirect_config(
                    RedirectActionConfig::builder()
                        .protocol(protocol)
                        .port(port)
                        .status_code(RedirectActionStatusCodeEnum::Http301)
                        .build(),
                )
                .build()],
            DefaultAction::Fixed(status) => vec![Action::builder()
                .r#type(ActionTypeEnum::FixedResponse)
                .fixed_response_config(
                    FixedResponseActionConfig::builder()
                        .status_code(status)
                        .content_type("text/plain")
                        .build(),
                )
                .build()],
        };
        let mut req = self
            .elbv2
            .create_listener()
            .load_balancer_arn(lb_arn)
            .port(port)
            .set_default_actions(Some(actions));
        req = match certificate {
            Some(arn) => req
                .protocol(ProtocolEnum::Https)
                .ssl_policy(TLS13_POLICY)
                .certificates(Certificate::builder().certificate_arn(arn).build()),
            None => req.protocol(ProtocolEnum::Http),
        };
        req.send().await?;
        Ok(())
    }

    /// A distribution in front of an S3 bucket (with an origin access control) and an ALB;
    /// returns (id, domain name). `explicit_certificate_flag`: whether the request says
    /// `CloudFrontDefaultCertificate=false` along with the ACM certificate.
    pub async fn distribution(
        &self,
        reference: &str,
        alias: &str,
        alb_dns: &str,
        certificate_arn: &str,
        explicit_certificate_flag: bool,
    ) -> Result<(String, String)> {
        self.distribution_with(&Dist {
            reference,
            alias,
            comment: "storefront",
            s3_domain: "dorami-front.s3.ap-northeast-2.amazonaws.com",
            alb_dns,
            certificate_arn,
            explicit_certificate_flag,
            viewer_protocol_policy: ViewerProtocolPolicy::RedirectToHttps,
            web_acl_id: "arn:aws:wafv2:us-east-1:123456789012:global/webacl/dorami-edge/0a1b2c3d",
            origin_headers: &[],
        })
        .await
    }

    /// A distribution in front of an S3 bucket (origin `s3-front`, with an origin access
    /// control) and an ALB (origin `alb`, HTTPS only); returns (id, domain name).
    pub async fn distribution_with(&self, d: &Dist<'_>) -> Result<(String, String)> {
        let mut certificate = ViewerCertificate::builder()
            .acm_certificate_arn(d.certificate_arn)
            .ssl_support_method(SslSupportMethod::SniOnly)
            .minimum_protocol_version(MinimumProtocolVersion::TlSv122021);
        if d.explicit_certificate_flag {
            certificate = certificate.cloud_front_default_certificate(false);
        }
        let mut alb_origin = Origin::builder()
            .id("alb")
            .domain_name(d.alb_dns)
            .custom_origin_config(
                CustomOriginConfig::builder()
                    .http_port(80)
                    .https_port(443)
                    .origin_protocol_policy(OriginProtocolPolicy::HttpsOnly)
                    .build()?,
            );
        if !d.origin_headers.is_empty() {
            let mut headers = CustomHeaders::builder().quantity(d.origin_headers.len() as i32);
            for (name, value) in d.origin_headers {
                headers = headers.items(
                    OriginCustomHeader::builder()
                        .header_name(*name)
                        .header_value(*value)
                        .build()?,
                );
            }
            alb_origin = alb_origin.custom_headers(headers.build()?);
        }
        let config = DistributionConfig::builder()
            .caller_reference(d.reference)
            .comment(d.comment)
            .enabled(true)
            .default_root_object("index.html")
            .aliases(Aliases::builder().quantity(1).items(d.alias).build()?)
            .origins(
                Origins::builder()
                    .quantity(2)
                    .items(
                        Origin::builder()
                            .id("s3-front")
                            .domain_name(d.s3_domain)
                            .s3_origin_config(
                                S3OriginConfig::builder().origin_access_identity("").build(),
                            )
                            .origin_access_control_id("E2QWRUHEXAMPLE")
                            .build()?,
                    )
                    .items(alb_origin.build()?)
                    .build()?,
            )
            .default_cache_behavior(
                DefaultCacheBehavior::builder()
                    .target_origin_id("s3-front")
                    .viewer_protocol_policy(d.viewer_protocol_policy.clone())
                    .compress(true)
                    .cache_policy_id(CACHING_OPTIMIZED)
                    .build()?,
            )
            .viewer_certificate(certificate.build())
            .price_class(PriceClass::PriceClass200)
            .http_version(HttpVersion::Http2and3)
            .web_acl_id(d.web_acl_id)
            .build()?;
        let out = self
            .cloudfront
            .create_distribution()
            .distribution_config(config)
            .send()
            .await?;
        let d = out
            .distribution()
            .ok_or("CreateDistribution: no distribution")?;
        Ok((d.id().to_string(), d.domain_name().to_string()))
    }
}

/// One CloudFront distribution to create (see [`EdgeSeeder::distribution_with`]).
pub struct Dist<'a> {
    pub reference: &'a str,
    pub alias: &'a str,
    pub comment: &'a str,
    /// Domain of the S3 origin, e.g. `bucket.s3.ap-northeast-2.amazonaws.com`.
    pub s3_domain: &'a str,
    pub alb_dns: &'a str,
    pub certificate_arn: &'a str,
    /// Whether the request says `CloudFrontDefaultCertificate=false` with the certificate.
    pub explicit_certificate_flag: bool,
    pub viewer_protocol_policy: ViewerProtocolPolicy,
    /// The web ACL's ARN.
    pub web_acl_id: &'a str,
    /// Custom headers CloudFront sends to the ALB origin (name, value).
    pub origin_headers: &'a [(&'a str, &'a str)],
}

/// What `seed_edge` created, for specs to name.
#[derive(Debug)]
pub struct Edge {
    pub subnets: Vec<Subnet>,
    pub security_group: String,
    pub alb_arn: String,
    pub alb_dns: String,
    pub api_tg_arn: String,
    pub canary_tg_arn: String,
    pub bare_tg_arn: String,
    pub alb_certificate: String,
    pub cf_certificate: String,
    pub distribution_id: String,
    pub distribution_domain: String,
}

/// The live-commerce edge: ALB `dorami-alb` in two zones behind security group `dorami-alb-sg`,
/// listeners 443 (HTTPS, ACM certificate, TLS 1.3 policy, forward to `dorami-api`), 80 (redirect
/// to HTTPS 443, 301), 8443 (HTTPS, OIDC authentication then a weighted forward 90/10 to
/// `dorami-api` and `dorami-canary`)
/// and 8080 (fixed 503); target groups `dorami-api` (ip, 3001, `/api/health`, matcher 200-299,
/// 15 s, 3/4, sticky `lb_cookie`, two targets), `dorami-canary` and `dorami-bare` (instance, 80,
/// service defaults, no targets); and a distribution aliased `shop.dorami.example` in front of an
/// S3 bucket and the ALB, ACM certificate from us-east-1, CloudFrontDefaultCertificate left out of
/// the request.
pub async fn seed_edge(endpoint: &str) -> Result<Edge> {
    let s = EdgeSeeder::new(endpoint);
    let subnets = s.default_subnets()?;
    let vpc = subnets[0].vpc_id.clone();
    let security_group = s.security_group("dorami-alb-sg")?;
    let alb_certificate = s.certificate(REGION, "api.dorami.example")?;
    let cf_certificate = s.certificate("us-east-1", "shop.dorami.example")?;
    let alb_arn = s
        .load_balancer(
            "dorami-alb",
            &[&subnets[0], &subnets[1]],
            &[&security_group],
        )
        .await?;
    let alb_dns = s
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
    let api_tg_arn = s
        .target_group(
            &vpc,
            &TargetGroupSpec {
                name: "dorami-api",
                port: 3001,
                target_type: TargetTypeEnum::Ip,
                health_check: Some(HealthCheck {
                    path: "/api/health",
                    matcher: "200-299",
                    interval: 15,
                    healthy: 3,
                    unhealthy: 4,
                }),
                stickiness: true,
                targets: &["172.31.0.10", "172.31.16.10"],
            },
        )
        .await?;
    let canary_tg_arn = s
        .target_group(
            &vpc,
            &TargetGroupSpec {
                name: "dorami-canary",
                port: 3001,
                target_type: TargetTypeEnum::Ip,
                health_check: None,
                stickiness: false,
                targets: &[],
            },
        )
        .await?;
    let bare_tg_arn = s
        .target_group(
            &vpc,
            &TargetGroupSpec {
                name: "dorami-bare",
                port: 80,
                target_type: TargetTypeEnum::Instance,
                health_check: None,
                stickiness: false,
                targets: &[],
            },
        )
        .await?;
    s.listener(
        &alb_arn,
        443,
        Some(&alb_certificate),
        DefaultAction::Forward(&api_tg_arn),
    )
    .await?;
    s.listener(
        &alb_arn,
        80,
        None,
        DefaultAction::Redirect {
            protocol: "HTTPS",
            port: "443",
        },
    )
    .await?;
    s.listener(
        &alb_arn,
        8443,
        Some(&alb_certificate),
        DefaultAction::AuthenticatedWeighted(&[(&api_tg_arn, 90), (&canary_tg_arn, 10)]),
    )
    .await?;
    s.listener(&alb_arn, 8080, None, DefaultAction::Fixed("503"))
        .await?;
    let (distribution_id, distribution_domain) = s
        .distribution(
            "dorami-storefront",
            "shop.dorami.example",
            &alb_dns,
            &cf_certificate,
            false,
        )
        .await?;
    Ok(Edge {
        subnets,
        security_group,
        alb_arn,
        alb_dns,
        api_tg_arn,
        canary_tg_arn,
        bare_tg_arn,
        alb_certificate,
        cf_certificate,
        distribution_id,
        distribution_domain,
    })
}
