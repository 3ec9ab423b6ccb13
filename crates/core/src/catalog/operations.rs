//! Every API operation the probes may call, with the IAM action that permits it and the SDK's
//! names for it: the source of the IAM policy (`plan::iam_policy`), of the live tests' list of
//! allowed calls, and of the evidence bundle's matching of raw responses to checks. Beside the
//! catalog because every attribute's `operation` must be one of these (catalog tests check).

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
    op("rds:DescribeDBSnapshots", "RDS", "DescribeDBSnapshots"),
    op("rds:DescribeDBParameters", "RDS", "DescribeDBParameters"),
    op(
        "rds:DescribeDBClusterParameters",
        "RDS",
        "DescribeDBClusterParameters",
    ),
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
    op("ecr:DescribeImages", "ECR", "DescribeImages"),
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
    op("s3:GetBucketPolicyStatus", "S3", "GetBucketPolicyStatus"),
    op("s3:GetBucketLogging", "S3", "GetBucketLogging"),
    op("s3:ListBucket", "S3", "ListObjectsV2"),
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
        "cloudfront:ListInvalidations",
        "CloudFront",
        "ListInvalidations",
    ),
    op(
        "cloudfront:ListCachePolicies",
        "CloudFront",
        "ListCachePolicies",
    ),
    op(
        "secretsmanager:ListSecrets",
        "SecretsManager",
        "ListSecrets",
    ),
    op(
        "secretsmanager:GetResourcePolicy",
        "SecretsManager",
        "GetResourcePolicy",
    ),
    op(
        "secretsmanager:ListSecretVersionIds",
        "SecretsManager",
        "ListSecretVersionIds",
    ),
    op(
        "logs:DescribeLogGroups",
        "CloudWatchLogs",
        "DescribeLogGroups",
    ),
    op(
        "logs:DescribeLogStreams",
        "CloudWatchLogs",
        "DescribeLogStreams",
    ),
    op("cloudwatch:DescribeAlarms", "CloudWatch", "DescribeAlarms"),
    op("cloudwatch:ListDashboards", "CloudWatch", "ListDashboards"),
    op("cloudwatch:GetDashboard", "CloudWatch", "GetDashboard"),
    op("cloudwatch:ListMetrics", "CloudWatch", "ListMetrics"),
    op("cloudwatch:GetMetricData", "CloudWatch", "GetMetricData"),
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
    op("route53:ListHealthChecks", "Route53", "ListHealthChecks"),
    op(
        "route53:GetHealthCheckStatus",
        "Route53",
        "GetHealthCheckStatus",
    ),
    op(
        "route53domains:ListDomains",
        "Route53Domains",
        "ListDomains",
    ),
    op(
        "route53domains:GetDomainDetail",
        "Route53Domains",
        "GetDomainDetail",
    ),
    op(
        "ssm:DescribeInstanceInformation",
        "SSM",
        "DescribeInstanceInformation",
    ),
    op("ssm:ListInventoryEntries", "SSM", "ListInventoryEntries"),
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
    op("iam:ListRoles", "IAM", "ListRoles"),
    op("iam:GetRole", "IAM", "GetRole"),
    op(
        "iam:ListAttachedRolePolicies",
        "IAM",
        "ListAttachedRolePolicies",
    ),
    op("iam:ListRolePolicies", "IAM", "ListRolePolicies"),
    op("iam:GetRolePolicy", "IAM", "GetRolePolicy"),
    op("iam:GetPolicy", "IAM", "GetPolicy"),
    op("iam:GetPolicyVersion", "IAM", "GetPolicyVersion"),
    op("iam:ListUsers", "IAM", "ListUsers"),
    op("iam:GetUser", "IAM", "GetUser"),
    op("iam:GetLoginProfile", "IAM", "GetLoginProfile"),
    op("iam:ListMFADevices", "IAM", "ListMFADevices"),
    op("iam:ListAccessKeys", "IAM", "ListAccessKeys"),
    op("iam:GetAccessKeyLastUsed", "IAM", "GetAccessKeyLastUsed"),
    op(
        "iam:ListAttachedUserPolicies",
        "IAM",
        "ListAttachedUserPolicies",
    ),
    op("iam:ListUserPolicies", "IAM", "ListUserPolicies"),
    op("iam:ListGroupsForUser", "IAM", "ListGroupsForUser"),
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
    op("backup:ListBackupPlans", "Backup", "ListBackupPlans"),
    op("backup:GetBackupPlan", "Backup", "GetBackupPlan"),
    op("backup:ListBackupVaults", "Backup", "ListBackupVaults"),
    op(
        "backup:ListProtectedResources",
        "Backup",
        "ListProtectedResources",
    ),
    op("ses:ListEmailIdentities", "SESv2", "ListEmailIdentities"),
    op("ses:GetEmailIdentity", "SESv2", "GetEmailIdentity"),
    op("ses:GetAccount", "SESv2", "GetAccount"),
    // One IAM action for every Budgets read ([`READ_ONLY_ACTIONS`]).
    op("budgets:ViewBudget", "Budgets", "DescribeBudgets"),
    op(
        "budgets:ViewBudget",
        "Budgets",
        "DescribeNotificationsForBudget",
    ),
    op("ec2:DescribeVpcs", "EC2", "DescribeVpcs"),
    op("ec2:DescribeVpcAttribute", "EC2", "DescribeVpcAttribute"),
    op("ec2:DescribeSubnets", "EC2", "DescribeSubnets"),
    op("ec2:DescribeRouteTables", "EC2", "DescribeRouteTables"),
    op("ec2:DescribeNetworkAcls", "EC2", "DescribeNetworkAcls"),
    op("ec2:DescribeImages", "EC2", "DescribeImages"),
    op(
        "ec2:DescribeLaunchTemplateVersions",
        "EC2",
        "DescribeLaunchTemplateVersions",
    ),
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

/// Read-only IAM actions whose names do not start with Describe, List or Get: AWS Budgets
/// authorizes DescribeBudgets and DescribeNotificationsForBudget with `budgets:ViewBudget`.
pub static READ_ONLY_ACTIONS: &[&str] = &["budgets:ViewBudget"];

/// Operations only `infra-verify init --from-account` calls: no check of a spec needs them (a spec
/// names its ECS clusters and services), but nothing else enumerates ECS clusters, or the
/// services of a cluster. They are read-only list calls, in [`OPERATIONS`] like every other
/// operation, so `iam-policy --all` and the live tests' list of allowed calls include them;
/// [`plan`] never adds them to a spec's policy.
pub static DISCOVERY_ACTIONS: &[&str] = &["ecs:ListClusters", "ecs:ListServices"];

/// Operations no attribute names but that another one's reading implies: the account's S3
/// Block Public Access with the bucket's; a role's policy documents (`grants_admin`,
/// `service_wildcards`) with the managed policy's default version and the inline documents
/// ([`operations_for`]).
pub static IMPLIED_ACTIONS: &[&str] = &[
    "s3:GetAccountPublicAccessBlock",
    "iam:GetPolicy",
    "iam:GetRolePolicy",
];

/// The pseudo-operations of the kinds that are not AWS resources: a plain HTTP GET of an
/// `http_endpoint`, a TCP connection and TLS handshakes with an `http_endpoint` or a
/// `tcp_endpoint`, a DNS query of a `dns_record`, an RDAP GET of a `domain`, made by the probe
/// itself, not by the AWS SDK.
/// They are not IAM actions and need no credentials, so they are deliberately kept out of
/// [`OPERATIONS`] (the source of the IAM policy and of the live tests' list of allowed SDK calls)
/// and out of the IAM read-only checks, which stay strict for every AWS operation.
pub static NON_AWS_OPERATIONS: &[&str] = &[
    "http:GET",
    "tls:LegacyHandshake",
    "tls:AlpnHandshake",
    "tcp:Connect",
    "tls:Handshake",
    "dns:Query",
    "rdap:GET",
    "chrome:PageLoad",
    "lighthouse:Run",
    "github:GET /repos/{owner}/{repo}",
    "github:GET /repos/{owner}/{repo}/branches/{branch}/protection",
    "github:GET /repos/{owner}/{repo}/actions/runs",
    "github:GET /repos/{owner}/{repo}/actions/workflows",
    "github:GET /repos/{owner}/{repo}/actions/secrets",
    "github:GET /repos/{owner}/{repo}/dependabot/alerts",
    "github:GET /repos/{owner}/{repo}/code-scanning/alerts",
    "vercel:GET /v9/projects/{idOrName}",
    "vercel:GET /v10/projects/{idOrName}/env",
    "vercel:GET /v9/projects/{idOrName}/domains",
    "vercel:GET /v6/deployments",
    "stripe:GET /v1/webhook_endpoints",
    "sentry:GET /api/0/projects/{org}/{project}/",
    "sentry:GET /api/0/projects/{org}/{project}/keys/",
    "sentry:GET /api/0/projects/{org}/{project}/rules/",
    "sentry:GET /api/0/projects/{org}/{project}/environments/",
    "sentry:GET /api/0/projects/{org}/{project}/issues/",
];

/// The Sentry auth token scope a Sentry operation needs, as Sentry's API reference names it;
/// `None` for an operation that is not Sentry's.
pub fn sentry_scope(operation: &str) -> Option<&'static str> {
    let path = operation.strip_prefix("sentry:GET ")?;
    Some(match path {
        "/api/0/projects/{org}/{project}/"
        | "/api/0/projects/{org}/{project}/keys/"
        | "/api/0/projects/{org}/{project}/environments/" => "project:read",
        "/api/0/projects/{org}/{project}/rules/" => "alerts:read",
        "/api/0/projects/{org}/{project}/issues/" => "event:read",
        _ => return None,
    })
}

/// The fine-grained personal access token permission (repository permissions, read-only) a
/// GitHub operation needs, as GitHub's documentation names it; `None` for an operation that is
/// not GitHub's. Every GitHub operation of [`NON_AWS_OPERATIONS`] has one (a test checks).
pub fn github_permission(operation: &str) -> Option<&'static str> {
    let path = operation.strip_prefix("github:GET ")?;
    Some(match path {
        "/repos/{owner}/{repo}" => "Metadata: read",
        "/repos/{owner}/{repo}/branches/{branch}/protection" => "Administration: read",
        "/repos/{owner}/{repo}/actions/runs" | "/repos/{owner}/{repo}/actions/workflows" => {
            "Actions: read"
        }
        "/repos/{owner}/{repo}/actions/secrets" => "Secrets: read",
        "/repos/{owner}/{repo}/dependabot/alerts" => "Dependabot alerts: read",
        "/repos/{owner}/{repo}/code-scanning/alerts" => "Code scanning alerts: read",
        _ => return None,
    })
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
