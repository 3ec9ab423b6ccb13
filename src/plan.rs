//! The plan: which API operations a spec needs, each once. Also the one list of every operation
//! the probes may call, from which the IAM policy is generated.

use std::collections::BTreeSet;

use serde_json::json;

use crate::spec::{Resource, Spec};

/// One AWS API operation the probes may call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Operation {
    /// The IAM action, `service:Action`, as the catalog names it.
    pub action: &'static str,
    /// The SDK's service name, as the SDK reports it at run time (e.g. `S3`).
    pub sdk_service: &'static str,
    /// The SDK's operation name (e.g. `GetBucketEncryption` for `s3:GetEncryptionConfiguration`).
    pub sdk_operation: &'static str,
}

const fn op(
    action: &'static str,
    sdk_service: &'static str,
    sdk_operation: &'static str,
) -> Operation {
    Operation {
        action,
        sdk_service,
        sdk_operation,
    }
}

/// Every operation the probes may call. Nothing else is ever called: a live test records every
/// call the SDK makes and fails on any not listed here.
pub static OPERATIONS: &[Operation] = &[
    op("sts:GetCallerIdentity", "STS", "GetCallerIdentity"),
    op("rds:DescribeDBInstances", "RDS", "DescribeDBInstances"),
    op("rds:DescribeDBClusters", "RDS", "DescribeDBClusters"),
    op(
        "elasticache:DescribeCacheClusters",
        "ElastiCache",
        "DescribeCacheClusters",
    ),
    op(
        "elasticache:DescribeReplicationGroups",
        "ElastiCache",
        "DescribeReplicationGroups",
    ),
    op("ecs:DescribeClusters", "ECS", "DescribeClusters"),
    op("ecs:DescribeServices", "ECS", "DescribeServices"),
    op(
        "ecs:DescribeTaskDefinition",
        "ECS",
        "DescribeTaskDefinition",
    ),
    op("ecr:DescribeRepositories", "ECR", "DescribeRepositories"),
    op("ecr:GetLifecyclePolicy", "ECR", "GetLifecyclePolicy"),
    op(
        "elasticloadbalancing:DescribeLoadBalancers",
        "ElasticLoadBalancingv2",
        "DescribeLoadBalancers",
    ),
    op(
        "elasticloadbalancing:DescribeListeners",
        "ElasticLoadBalancingv2",
        "DescribeListeners",
    ),
    op(
        "elasticloadbalancing:DescribeTargetGroups",
        "ElasticLoadBalancingv2",
        "DescribeTargetGroups",
    ),
    op(
        "elasticloadbalancing:DescribeTargetGroupAttributes",
        "ElasticLoadBalancingv2",
        "DescribeTargetGroupAttributes",
    ),
    op(
        "elasticloadbalancing:DescribeTargetHealth",
        "ElasticLoadBalancingv2",
        "DescribeTargetHealth",
    ),
    op("s3:ListAllMyBuckets", "S3", "ListBuckets"),
    op("s3:GetBucketLocation", "S3", "GetBucketLocation"),
    op("s3:GetBucketVersioning", "S3", "GetBucketVersioning"),
    op("s3:GetEncryptionConfiguration", "S3", "GetBucketEncryption"),
    op(
        "s3:GetBucketPublicAccessBlock",
        "S3",
        "GetPublicAccessBlock",
    ),
    op("s3:GetBucketWebsite", "S3", "GetBucketWebsite"),
    op(
        "s3:GetLifecycleConfiguration",
        "S3",
        "GetBucketLifecycleConfiguration",
    ),
    op("s3:GetBucketTagging", "S3", "GetBucketTagging"),
    op("s3:GetBucketPolicy", "S3", "GetBucketPolicy"),
    op(
        "cloudfront:ListDistributions",
        "CloudFront",
        "ListDistributions",
    ),
    op(
        "cloudfront:GetDistributionConfig",
        "CloudFront",
        "GetDistributionConfig",
    ),
    op(
        "secretsmanager:ListSecrets",
        "SecretsManager",
        "ListSecrets",
    ),
    op(
        "logs:DescribeLogGroups",
        "CloudWatchLogs",
        "DescribeLogGroups",
    ),
    op("cloudwatch:DescribeAlarms", "CloudWatch", "DescribeAlarms"),
    op("sns:ListTopics", "SNS", "ListTopics"),
    op(
        "s3:GetAccountPublicAccessBlock",
        "S3Control",
        "GetPublicAccessBlock",
    ),
    op(
        "ecr:GetRegistryScanningConfiguration",
        "ECR",
        "GetRegistryScanningConfiguration",
    ),
    op(
        "sns:ListSubscriptionsByTopic",
        "SNS",
        "ListSubscriptionsByTopic",
    ),
    op("acm:ListCertificates", "ACM", "ListCertificates"),
    op("acm:DescribeCertificate", "ACM", "DescribeCertificate"),
    op("route53:ListHostedZones", "Route53", "ListHostedZones"),
    op(
        "route53:ListResourceRecordSets",
        "Route53",
        "ListResourceRecordSets",
    ),
    op("wafv2:ListWebACLs", "WAFV2", "ListWebACLs"),
    op("wafv2:GetWebACL", "WAFV2", "GetWebACL"),
    op(
        "wafv2:ListResourcesForWebACL",
        "WAFV2",
        "ListResourcesForWebACL",
    ),
    op(
        "autoscaling:DescribeAutoScalingGroups",
        "AutoScaling",
        "DescribeAutoScalingGroups",
    ),
    op(
        "autoscaling:DescribePolicies",
        "AutoScaling",
        "DescribePolicies",
    ),
    op(
        "application-autoscaling:DescribeScalableTargets",
        "ApplicationAutoScaling",
        "DescribeScalableTargets",
    ),
    op(
        "application-autoscaling:DescribeScalingPolicies",
        "ApplicationAutoScaling",
        "DescribeScalingPolicies",
    ),
    op("iam:GetAccountSummary", "IAM", "GetAccountSummary"),
    op(
        "iam:GetAccountPasswordPolicy",
        "IAM",
        "GetAccountPasswordPolicy",
    ),
    op(
        "ec2:GetEbsEncryptionByDefault",
        "EC2",
        "GetEbsEncryptionByDefault",
    ),
    op("cloudtrail:DescribeTrails", "CloudTrail", "DescribeTrails"),
    op("cloudtrail:GetTrailStatus", "CloudTrail", "GetTrailStatus"),
    op(
        "config:DescribeConfigurationRecorders",
        "ConfigService",
        "DescribeConfigurationRecorders",
    ),
    op(
        "config:DescribeConfigurationRecorderStatus",
        "ConfigService",
        "DescribeConfigurationRecorderStatus",
    ),
    op("guardduty:ListDetectors", "GuardDuty", "ListDetectors"),
    op("guardduty:GetDetector", "GuardDuty", "GetDetector"),
    op("ec2:DescribeVpcs", "EC2", "DescribeVpcs"),
    op("ec2:DescribeVpcAttribute", "EC2", "DescribeVpcAttribute"),
    op("ec2:DescribeSubnets", "EC2", "DescribeSubnets"),
    op("ec2:DescribeRouteTables", "EC2", "DescribeRouteTables"),
    op("ec2:DescribeNatGateways", "EC2", "DescribeNatGateways"),
    op(
        "ec2:DescribeInternetGateways",
        "EC2",
        "DescribeInternetGateways",
    ),
    op("ec2:DescribeVpcEndpoints", "EC2", "DescribeVpcEndpoints"),
    op("ec2:DescribeFlowLogs", "EC2", "DescribeFlowLogs"),
    op(
        "ec2:DescribeSecurityGroups",
        "EC2",
        "DescribeSecurityGroups",
    ),
    op("ec2:DescribeInstances", "EC2", "DescribeInstances"),
    // Discovery only (`infra-verify init --from-account`, see [`DISCOVERY_ACTIONS`]).
    op("ecs:ListClusters", "ECS", "ListClusters"),
    op("ecs:ListServices", "ECS", "ListServices"),
];

/// Operations only `infra-verify init --from-account` calls: no check of a spec needs them (a spec
/// names its ECS clusters and services), but nothing else enumerates ECS clusters, or the
/// services of a cluster. They are read-only list calls, in [`OPERATIONS`] like every other
/// operation, so `iam-policy --all` and the live tests' list of allowed calls include them;
/// [`plan`] never adds them to a spec's policy.
pub static DISCOVERY_ACTIONS: &[&str] = &["ecs:ListClusters", "ecs:ListServices"];

/// Operations no attribute names but that another one's reading implies: the account's S3
/// Block Public Access with the bucket's ([`operations_for`]).
pub static IMPLIED_ACTIONS: &[&str] = &["s3:GetAccountPublicAccessBlock"];

/// The pseudo-operations of the kinds that are not AWS resources (`http_endpoint`): a plain HTTP
/// GET of the endpoint and a TLS handshake with it, made by the probe itself, not by the AWS SDK.
/// They are not IAM actions and need no credentials, so they are deliberately kept out of
/// [`OPERATIONS`] (the source of the IAM policy and of the live tests' list of allowed SDK calls)
/// and out of the IAM read-only checks, which stay strict for every AWS operation.
pub static NON_AWS_OPERATIONS: &[&str] = &["http:GET", "tls:LegacyHandshake"];

/// Whether a live run of the spec needs AWS (credentials, sts:GetCallerIdentity, the account
/// guard): unless it names only kinds that are not AWS resources (`http_endpoint`). A spec
/// without resources still checks the caller and the account.
pub fn needs_aws(spec: &Spec) -> bool {
    spec.resources.is_empty() || spec.resources.iter().any(|r| r.kind.is_aws())
}

/// The IAM action for an SDK call, if the probes may make it.
pub fn action_for(sdk_service: &str, sdk_operation: &str) -> Option<&'static str> {
    OPERATIONS
        .iter()
        .find(|o| {
            o.sdk_service.eq_ignore_ascii_case(sdk_service) && o.sdk_operation == sdk_operation
        })
        .map(|o| o.action)
}

/// Whether this build has a live probe for the kind.
pub fn is_probed(kind: &str) -> bool {
    crate::catalog::kind(kind).is_some_and(|k| {
        OPERATIONS.iter().any(|o| o.action == k.list_operation)
            || NON_AWS_OPERATIONS.contains(&k.list_operation)
    })
}

/// The operations one resource needs: its kind's list, plus those of the attributes it checks.
pub fn operations_for(resource: &Resource) -> BTreeSet<&'static str> {
    let mut ops = BTreeSet::from([resource.kind.list_operation]);
    // A listener is found through its load balancer's ARN, which only the load balancer list gives.
    if resource.kind.name == "lb_listener" {
        ops.insert("elasticloadbalancing:DescribeLoadBalancers");
    }
    // A record is found through its zone's id, which only the zone list gives.
    if resource.kind.name == "route53_record" {
        ops.insert("route53:ListHostedZones");
    }
    // A selection by tags reads the tags of every resource of the kind.
    if resource
        .selector
        .as_ref()
        .is_some_and(|s| !s.tags.is_empty())
    {
        if let Some(tags) = resource.kind.attribute("tags") {
            ops.insert(tags.operation);
        }
    }
    for e in &resource.expectations {
        ops.insert(e.attribute.operation);
    }
    // A bucket's Block Public Access is the bucket's and the account's together.
    if ops.contains("s3:GetBucketPublicAccessBlock") {
        ops.insert("s3:GetAccountPublicAccessBlock");
    }
    // A VPC's subnet tiers need its subnets' route tables.
    if resource.kind.name == "vpc" && ops.contains("ec2:DescribeSubnets") {
        ops.insert("ec2:DescribeRouteTables");
    }
    ops
}

/// The resource types a REGIONAL web ACL may be associated with (AMPLIFY is CLOUDFRONT-only):
/// the `ResourceType` of ListResourcesForWebACL, the ARN service that names such a resource, and
/// the permission AWS checks besides `wafv2:ListResourcesForWebACL` to list that type (as AWS's
/// AWSWAFReadOnlyAccess policy grants them; API Gateway needs none).
pub const WAF_RESOURCE_TYPES: &[(&str, &str, Option<&str>)] = &[
    (
        "APPLICATION_LOAD_BALANCER",
        "elasticloadbalancing",
        Some("elasticloadbalancing:DescribeWebACLAssociation"),
    ),
    ("API_GATEWAY", "apigateway", None),
    ("APPSYNC", "appsync", Some("appsync:ListResourcesForWebACL")),
    (
        "COGNITO_USER_POOL",
        "cognito-idp",
        Some("cognito-idp:ListResourcesForWebACL"),
    ),
    (
        "APP_RUNNER_SERVICE",
        "apprunner",
        Some("apprunner:ListAssociatedServicesForWebAcl"),
    ),
    (
        "VERIFIED_ACCESS_INSTANCE",
        "ec2",
        Some("ec2:DescribeVerifiedAccessInstanceWebAclAssociations"),
    ),
    (
        "AGENTCORE_GATEWAY",
        "bedrock-agentcore",
        Some("bedrock-agentcore:GatewayListResourcesForWebACL"),
    ),
];

/// The resource types a web ACL's `associated_resources` is listed for: when every expectation
/// on it is a `contains:` of ARNs, only those ARNs' types (so a type the spec does not ask about,
/// and may not be allowed to list, cannot make the check an error); otherwise every type.
pub fn waf_resource_types(resource: &Resource) -> Vec<&'static str> {
    let all = || WAF_RESOURCE_TYPES.iter().map(|t| t.0).collect();
    let mut types = BTreeSet::new();
    let mut any = false;
    for e in &resource.expectations {
        if e.attribute.name != "associated_resources" {
            continue;
        }
        any = true;
        for m in &e.matchers {
            let crate::spec::Matcher::Contains(v) = m else {
                return all();
            };
            let arns: Vec<&str> = match v {
                serde_json::Value::String(s) => vec![s.as_str()],
                serde_json::Value::Array(items) => {
                    items.iter().filter_map(|i| i.as_str()).collect()
                }
                _ => return all(),
            };
            for arn in arns {
                let service = arn.split(':').nth(2).unwrap_or_default();
                match WAF_RESOURCE_TYPES.iter().find(|t| t.1 == service) {
                    Some(t) => types.insert(t.0),
                    None => return all(),
                };
            }
        }
    }
    if !any || types.is_empty() {
        return all();
    }
    // In the table's order.
    WAF_RESOURCE_TYPES
        .iter()
        .map(|t| t.0)
        .filter(|t| types.contains(t))
        .collect()
}

/// Permissions AWS checks besides the actions of the calls themselves: those of the resource
/// types `associated_resources` lists (see [`WAF_RESOURCE_TYPES`]). `None`: every one.
pub fn extra_actions(resource: Option<&Resource>) -> Vec<&'static str> {
    let types: Vec<&str> = match resource {
        Some(r) if !operations_for(r).contains("wafv2:ListResourcesForWebACL") => return vec![],
        Some(r) => waf_resource_types(r),
        None => WAF_RESOURCE_TYPES.iter().map(|t| t.0).collect(),
    };
    WAF_RESOURCE_TYPES
        .iter()
        .filter(|t| types.contains(&t.0))
        .filter_map(|t| t.2)
        .collect()
}

/// What a spec needs from AWS.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Plan {
    /// IAM actions the run will use, sorted (none for kinds that are not AWS resources).
    pub actions: BTreeSet<&'static str>,
    /// Kinds in the spec that this build cannot probe live (their checks become `error`).
    pub unprobed_kinds: BTreeSet<&'static str>,
}

/// Plans a spec.
pub fn plan(spec: &Spec) -> Plan {
    let mut p = Plan::default();
    if needs_aws(spec) {
        p.actions.insert("sts:GetCallerIdentity");
    }
    for r in &spec.resources {
        if !r.kind.is_aws() {
            // Not AWS (http_endpoint): no IAM action to allow.
            continue;
        }
        if is_probed(r.kind.name) {
            p.actions.extend(operations_for(r));
            p.actions.extend(extra_actions(Some(r)));
        } else {
            p.unprobed_kinds.insert(r.kind.name);
        }
    }
    p
}

/// The minimal IAM policy document allowing `actions`.
pub fn iam_policy<'a>(actions: impl IntoIterator<Item = &'a str>) -> serde_json::Value {
    let actions: BTreeSet<&str> = actions.into_iter().collect();
    json!({
        "Version": "2012-10-17",
        "Statement": [{
            "Sid": "InfraVerifyReadOnly",
            "Effect": "Allow",
            "Action": actions,
            "Resource": "*"
        }]
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_listed_operation_is_read_only_and_in_the_catalog_or_sts() {
        for o in OPERATIONS {
            let action = o.action.split(':').nth(1).unwrap_or_default();
            assert!(
                ["Describe", "List", "Get"]
                    .iter()
                    .any(|p| action.starts_with(p)),
                "{} is not read-only",
                o.action
            );
            assert!(
                ["Describe", "List", "Get"]
                    .iter()
                    .any(|p| o.sdk_operation.starts_with(p)),
                "{} is not read-only",
                o.sdk_operation
            );
            let in_catalog = crate::catalog::KINDS.iter().any(|k| {
                k.list_operation == o.action || k.attributes.iter().any(|a| a.operation == o.action)
            });
            assert!(
                in_catalog
                    || o.action == "sts:GetCallerIdentity"
                    || DISCOVERY_ACTIONS.contains(&o.action)
                    || IMPLIED_ACTIONS.contains(&o.action),
                "{} is not used by the catalog",
                o.action
            );
        }
    }

    #[test]
    fn a_listener_needs_its_load_balancer_list() {
        let spec = crate::spec::from_str(
            std::path::Path::new("t.yaml"),
            "version: 1\nenvironment: t\nresources:\n  - kind: lb_listener\n    id: web:443\n    expect: { protocol: HTTPS }\n",
        )
        .expect("spec");
        let actions = plan(&spec).actions;
        assert!(
            actions.contains("elasticloadbalancing:DescribeLoadBalancers"),
            "{actions:?}"
        );
        assert!(
            actions.contains("elasticloadbalancing:DescribeListeners"),
            "{actions:?}"
        );
    }

    #[test]
    fn probed_kinds_have_every_attribute_operation_listed() {
        // Kinds that are not AWS resources read nothing from AWS: their pseudo-operations are in
        // NON_AWS_OPERATIONS and never in OPERATIONS (see the next test).
        for k in crate::catalog::KINDS
            .iter()
            .filter(|k| is_probed(k.name) && k.is_aws())
        {
            for a in k.attributes {
                assert!(
                    OPERATIONS.iter().any(|o| o.action == a.operation),
                    "{}.{} needs {} which is not in OPERATIONS",
                    k.name,
                    a.name,
                    a.operation
                );
            }
        }
    }

    #[test]
    fn non_aws_operations_never_reach_the_iam_policy() {
        for op in NON_AWS_OPERATIONS {
            assert!(
                OPERATIONS.iter().all(|o| o.action != *op),
                "{op} is not an IAM action"
            );
        }
        for k in crate::catalog::KINDS.iter().filter(|k| !k.is_aws()) {
            assert!(is_probed(k.name), "{} has a live probe", k.name);
            for op in
                std::iter::once(k.list_operation).chain(k.attributes.iter().map(|a| a.operation))
            {
                assert!(NON_AWS_OPERATIONS.contains(&op), "{}: {op}", k.name);
            }
        }
        let all = iam_policy(OPERATIONS.iter().map(|o| o.action)).to_string();
        assert!(!all.contains("http:") && !all.contains("tls:"), "{all}");
    }

    #[test]
    fn http_endpoints_need_no_aws_and_no_iam_action() {
        let spec = |resources: &str| {
            crate::spec::from_str(
                std::path::Path::new("t.yaml"),
                &format!("version: 1\nenvironment: t\nresources:\n{resources}"),
            )
            .expect("spec")
        };
        let http = "  - kind: http_endpoint\n    id: https://shop.example/api/health\n    expect: { status: 200, accepts_legacy_tls: false }\n";
        let only_http = spec(http);
        assert!(!needs_aws(&only_http));
        assert_eq!(plan(&only_http), Plan::default());
        let mixed = spec(&format!(
            "{http}  - kind: rds_instance\n    id: db\n    expect: {{ multi_az: true }}\n"
        ));
        assert!(needs_aws(&mixed));
        let actions: Vec<&str> = plan(&mixed).actions.into_iter().collect();
        assert_eq!(
            actions,
            ["rds:DescribeDBInstances", "sts:GetCallerIdentity"]
        );
    }
}
