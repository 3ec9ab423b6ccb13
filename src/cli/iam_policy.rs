//! `infra-verify iam-policy`: print the minimal read-only IAM policy a spec (or every probe)
//! needs.

use std::io::{self, Write};

use super::args::{IamPolicyArgs, PermissionsArgs, SpecArgs};
use super::specs::load_spec;
use super::{baseline_failure, io_failure, CmdResult, ExitCode, Failure};
use crate::baseline::{self, Location};
use crate::plan;

pub(super) fn iam_policy_cmd(a: &IamPolicyArgs) -> CmdResult {
    let policy = if a.all {
        plan::iam_policy(
            plan::OPERATIONS
                .iter()
                .map(|o| o.action)
                .chain(plan::extra_actions(None)),
        )
    } else {
        let spec = load_spec(&SpecArgs {
            env: a.env.clone(),
            spec: a.spec.clone(),
            specs_dir: a.specs_dir.clone(),
        })?;
        if !plan::needs_aws(&spec) {
            let _ = writeln!(crate::terminal::notes(), "note: this spec names no AWS resource (only live endpoints or other providers' kinds): it needs no AWS credentials or permissions; `infra-verify permissions` lists every provider's");
        }
        plan::iam_policy(plan::plan(&spec).actions)
    };
    let mut policy = policy;
    if let Some(text) = &a.baseline {
        let location = Location::parse(text).map_err(baseline_failure)?;
        let Some(statement) = baseline::iam_statement(&location, a.accept) else {
            return Err(Failure::usage(format!(
                "--baseline {text}: a local baseline file needs no IAM permissions; give s3://BUCKET/KEY"
            )));
        };
        if let Some(list) = policy["Statement"].as_array_mut() {
            list.push(statement);
        }
    }
    let text = serde_json::to_string_pretty(&policy).unwrap_or_default();
    let mut out = io::stdout().lock();
    match writeln!(out, "{text}") {
        Err(e) if e.kind() != io::ErrorKind::BrokenPipe => Err(io_failure(e)),
        _ => Ok(ExitCode::Ready),
    }
}

/// `infra-verify permissions`: every permission the spec needs, per provider. AWS: the IAM
/// actions of `iam-policy`; GitHub: the fine-grained token's repository permissions (read); the
/// live endpoints need none.
pub(super) fn permissions_cmd(a: &PermissionsArgs) -> CmdResult {
    use crate::provider::Provider as _;
    let spec = load_spec(&a.spec)?;
    let aws: Vec<&str> = if spec.resources.iter().any(|r| r.kind.is_aws()) {
        plan::plan(&spec).actions.into_iter().collect()
    } else {
        Vec::new()
    };
    let github_resources: Vec<&crate::spec::Resource> = spec
        .resources
        .iter()
        .filter(|r| r.kind.provider == crate::catalog::Provider::GitHub)
        .collect();
    let github: Vec<&str> = crate::provider::github::GitHub::permissions(&github_resources)
        .into_iter()
        .collect();
    let vercel_resources: Vec<&crate::spec::Resource> = spec
        .resources
        .iter()
        .filter(|r| r.kind.provider == crate::catalog::Provider::Vercel)
        .collect();
    let vercel: Vec<&str> = crate::provider::vercel::Vercel::permissions(&vercel_resources)
        .into_iter()
        .collect();
    let stripe_resources: Vec<&crate::spec::Resource> = spec
        .resources
        .iter()
        .filter(|r| r.kind.provider == crate::catalog::Provider::Stripe)
        .collect();
    let stripe: Vec<&str> = crate::provider::stripe::Stripe::permissions(&stripe_resources)
        .into_iter()
        .collect();
    let sentry_resources: Vec<&crate::spec::Resource> = spec
        .resources
        .iter()
        .filter(|r| r.kind.provider == crate::catalog::Provider::Sentry)
        .collect();
    let sentry: Vec<&str> = crate::provider::sentry::Sentry::permissions(&sentry_resources)
        .into_iter()
        .collect();
    let text = if a.json {
        serde_json::to_string_pretty(&serde_json::json!({
            "aws": aws, "github": github, "vercel": vercel, "stripe": stripe, "sentry": sentry
        }))
        .unwrap_or_default()
    } else {
        let mut t = String::new();
        t.push_str("AWS (IAM actions; `infra-verify iam-policy` prints the policy):\n");
        if aws.is_empty() {
            t.push_str("  none\n");
        }
        for action in &aws {
            t.push_str(&format!("  {action}\n"));
        }
        t.push_str("GitHub (a fine-grained personal access token, repository permissions, on the spec's repositories only):\n");
        if github.is_empty() {
            t.push_str("  none\n");
        }
        for p in &github {
            t.push_str(&format!("  {p}\n"));
        }
        t.push_str("Vercel:\n");
        if vercel.is_empty() {
            t.push_str("  none\n");
        }
        for p in &vercel {
            t.push_str(&format!("  {p}\n"));
        }
        t.push_str("Stripe:\n");
        if stripe.is_empty() {
            t.push_str("  none\n");
        }
        for p in &stripe {
            t.push_str(&format!("  {p}\n"));
        }
        t.push_str("Sentry (an organization auth token's scopes):\n");
        if sentry.is_empty() {
            t.push_str("  none\n");
        }
        for p in &sentry {
            t.push_str(&format!("  {p}\n"));
        }
        t.push_str("Live endpoints (http_endpoint, tcp_endpoint, dns_record, domain, web_page): no credentials\n");
        t
    };
    let mut out = io::stdout().lock();
    match write!(out, "{text}") {
        Err(e) if e.kind() != io::ErrorKind::BrokenPipe => Err(io_failure(e)),
        _ => Ok(ExitCode::Ready),
    }
}
