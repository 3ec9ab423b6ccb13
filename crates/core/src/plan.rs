//! The plan: which API operations a spec needs, each once. Also the one list of every operation
//! the probes may call, from which the IAM policy is generated.

use std::collections::BTreeSet;

use serde_json::json;

// The operations table lives beside the catalog; the plan's users (the IAM policy, the live
// tests' allow-list) keep reaching it here too.
pub use crate::catalog::operations::{
    action_for, Operation, DISCOVERY_ACTIONS, IMPLIED_ACTIONS, NON_AWS_OPERATIONS, OPERATIONS,
};
use crate::spec::{Resource, Spec};

/// Whether a live run of the spec needs AWS (credentials, sts:GetCallerIdentity, the account
/// guard): unless it names only kinds that are not AWS resources (`http_endpoint`). A spec
/// without resources still checks the caller and the account.
pub fn needs_aws(spec: &Spec) -> bool {
    spec.resources.is_empty() || spec.resources.iter().any(|r| r.kind.is_aws())
}

/// The operations one resource needs: its kind's list, plus those of the attributes it checks.
pub fn operations_for(resource: &Resource) -> BTreeSet<&'static str> {
    // Its kind's list, and those it is found through (a listener through its load balancer's
    // ARN, a record through its zone's id).
    let mut ops: BTreeSet<&'static str> = resource.kind.lookup_operations().collect();
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
    // A role's policy documents: its attached policies (each one's default version) and its
    // inline ones.
    if resource.kind.name == "iam_role" && ops.contains("iam:GetPolicyVersion") {
        ops.extend([
            "iam:ListAttachedRolePolicies",
            "iam:GetPolicy",
            "iam:ListRolePolicies",
            "iam:GetRolePolicy",
        ]);
    }
    // When a user's access keys were last used needs the keys.
    if ops.contains("iam:GetAccessKeyLastUsed") {
        ops.insert("iam:ListAccessKeys");
    }
    // An instance's inventory is read only once SSM is known to manage it.
    if ops.contains("ssm:ListInventoryEntries") {
        ops.insert("ssm:DescribeInstanceInformation");
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
        p.actions.extend(operations_for(r));
        p.actions.extend(extra_actions(Some(r)));
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
                    .any(|p| action.starts_with(p))
                    || crate::catalog::operations::READ_ONLY_ACTIONS.contains(&o.action),
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
        for k in crate::catalog::KINDS.iter().filter(|k| k.is_aws()) {
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
