//! `infra-verify iam-policy`: print the minimal read-only IAM policy a spec (or every probe)
//! needs.

use std::io::{self, Write};

use super::args::{IamPolicyArgs, SpecArgs};
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
            let _ = writeln!(crate::terminal::notes(), "note: this spec names only live endpoints (http_endpoint, tcp_endpoint), no AWS resource: it needs no AWS credentials or permissions");
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
