//! The facts a command evaluates: connecting to AWS, observing one environment or several at
//! once (within `--timeout`, behind a progress bar), or reading saved snapshots of them.

use std::io::{self, Write};
use std::path::{Path, PathBuf};

use super::{failures, ConnectionArgs, ExitCode, Failure};
use crate::aws;
use crate::plan;
use crate::probe;
use crate::snapshot::Snapshot;
use crate::spec::Spec;

pub(super) fn runtime() -> Result<tokio::runtime::Runtime, Failure> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure {
            code: ExitCode::Unverified,
            message: format!("cannot start the async runtime: {e}"),
        })
}

pub(super) fn observe(spec: &Spec, conn_args: &ConnectionArgs) -> Result<Snapshot, Failure> {
    let rt = runtime()?;
    rt.block_on(async {
        // A spec of only http_endpoints needs no AWS: no credentials, region or STS call.
        let conn = if plan::needs_aws(spec) {
            Some(connect(spec, conn_args).await?)
        } else {
            None
        };
        observe_with(spec, conn.as_ref(), conn_args).await
    })
}

pub(super) async fn connect(
    spec: &Spec,
    conn_args: &ConnectionArgs,
) -> Result<aws::Connection, Failure> {
    conn_args
        .check_profiles(&[spec.environment.as_str()])
        .map_err(|e| Failure::usage(e.to_string()))?;
    aws::connect(&conn_args.options_for(&spec.environment), &spec.aws)
        .await
        .map_err(|e| Failure::usage(e.to_string()))
}

pub(super) async fn observe_with(
    spec: &Spec,
    conn: Option<&aws::Connection>,
    conn_args: &ConnectionArgs,
) -> Result<Snapshot, Failure> {
    // Cleared when the observation ends, before anything is printed.
    let bar = crate::terminal::progress::Bar::for_terminal();
    let observed = observe_showing(spec, conn, conn_args, &bar).await;
    bar.finish();
    observed
}

/// [`observe_with`], advancing a progress bar that may be shared (several environments
/// observed at once draw one bar, not one each).
async fn observe_showing(
    spec: &Spec,
    conn: Option<&aws::Connection>,
    conn_args: &ConnectionArgs,
    bar: &crate::terminal::progress::Bar,
) -> Result<Snapshot, Failure> {
    let http = probe::ProviderOptions {
        http: probe::HttpOptions {
            timeout: std::time::Duration::from_secs(conn_args.call_timeout),
            max_concurrency: conn_args.max_concurrency,
            connect_to: conn_args.connect_to.clone(),
            // The flag wins over the spec's `dns.servers`.
            dns_servers: if conn_args.dns_server.is_empty() {
                spec.dns_servers.clone()
            } else {
                conn_args.dns_server.clone()
            },
            rdap_server: conn_args.rdap_server.clone(),
            chromium: conn_args.chromium.clone(),
            lighthouse: conn_args.lighthouse.clone(),
        },
        github: probe::GitHubOptions {
            // Empty only in a ConnectionArgs built in code (Default), not parsed from flags.
            api_url: if conn_args.github_api_url.is_empty() {
                crate::provider::github::DEFAULT_API_URL.into()
            } else {
                conn_args.github_api_url.clone()
            },
            token_env: if conn_args.github_token_env.is_empty() {
                crate::provider::github::DEFAULT_TOKEN_ENV.into()
            } else {
                conn_args.github_token_env.clone()
            },
            timeout: std::time::Duration::from_secs(conn_args.call_timeout),
        },
        vercel: crate::provider::vercel::VercelOptions {
            api_url: if conn_args.vercel_api_url.is_empty() {
                crate::provider::vercel::DEFAULT_API_URL.into()
            } else {
                conn_args.vercel_api_url.clone()
            },
            token_env: if conn_args.vercel_token_env.is_empty() {
                crate::provider::vercel::DEFAULT_TOKEN_ENV.into()
            } else {
                conn_args.vercel_token_env.clone()
            },
            team: conn_args.vercel_team.clone(),
            timeout: std::time::Duration::from_secs(conn_args.call_timeout),
        },
        stripe: crate::provider::stripe::StripeOptions {
            api_url: if conn_args.stripe_api_url.is_empty() {
                crate::provider::stripe::DEFAULT_API_URL.into()
            } else {
                conn_args.stripe_api_url.clone()
            },
            key_env: if conn_args.stripe_key_env.is_empty() {
                crate::provider::stripe::DEFAULT_KEY_ENV.into()
            } else {
                conn_args.stripe_key_env.clone()
            },
            timeout: std::time::Duration::from_secs(conn_args.call_timeout),
        },
        sentry: crate::provider::sentry::SentryOptions {
            url: if conn_args.sentry_url.is_empty() {
                crate::provider::sentry::DEFAULT_URL.into()
            } else {
                conn_args.sentry_url.clone()
            },
            token_env: if conn_args.sentry_token_env.is_empty() {
                crate::provider::sentry::DEFAULT_TOKEN_ENV.into()
            } else {
                conn_args.sentry_token_env.clone()
            },
            timeout: std::time::Duration::from_secs(conn_args.call_timeout),
        },
    };
    let budget = std::time::Duration::from_secs(conn_args.timeout);
    tokio::time::timeout(budget, probe::observe_with(spec, conn, &http, bar))
        .await
        .map_err(|_| Failure {
            code: ExitCode::Unverified,
            message: format!(
                "the observation did not finish within --timeout {} s: nothing was verified",
                conn_args.timeout
            ),
        })?
        .map_err(|e| Failure {
            code: match e {
                probe::ProbeError::WrongAccount { .. } => ExitCode::Usage,
                _ => ExitCode::Unverified,
            },
            message: e.to_string(),
        })
}

/// The facts to evaluate: a saved snapshot of this spec's environment, or a live observation.
pub(super) fn facts(
    spec: &Spec,
    snapshot: Option<&Path>,
    conn: &ConnectionArgs,
) -> Result<Snapshot, Failure> {
    match snapshot {
        Some(path) => {
            let snap = Snapshot::load(path).map_err(|e| Failure::usage(e.to_string()))?;
            check_snapshot(spec, &snap, path)?;
            Ok(snap)
        }
        None => observe(spec, conn),
    }
}

/// Checks that a saved snapshot belongs to this spec.
pub(super) fn check_snapshot(spec: &Spec, snap: &Snapshot, path: &Path) -> Result<(), Failure> {
    if snap.metadata.environment != spec.environment {
        return Err(Failure::usage(format!(
            "{} is a snapshot of environment `{}`, but the spec is for `{}`",
            path.display(),
            snap.metadata.environment,
            spec.environment
        )));
    }
    if let (Some(expected), Some(actual)) = (&spec.aws.account_id, &snap.metadata.account_id) {
        if expected != actual {
            return Err(Failure::usage(format!(
                "wrong account: the spec requires account {expected}, but {} was taken in account {actual}",
                path.display()
            )));
        }
    }
    Ok(())
}

/// The saved snapshots of several environments, one per spec (in the specs' order), matched by
/// their metadata.environment. Every environment needs exactly one; a snapshot of an environment
/// not given is refused, so no file is silently ignored.
pub(super) fn snapshots_for(specs: &[Spec], paths: &[PathBuf]) -> Result<Vec<Snapshot>, Failure> {
    let names: Vec<&str> = specs.iter().map(|s| s.environment.as_str()).collect();
    let mut found: Vec<Option<(Snapshot, &Path)>> = specs.iter().map(|_| None).collect();
    for path in paths {
        let snap = Snapshot::load(path).map_err(|e| Failure::usage(e.to_string()))?;
        let env = snap.metadata.environment.clone();
        let Some(i) = names.iter().position(|n| *n == env) else {
            return Err(Failure::usage(format!(
                "{} is a snapshot of environment `{env}`, which is not one of the environments given ({})",
                path.display(),
                names.join(", ")
            )));
        };
        if let Some((_, first)) = &found[i] {
            return Err(Failure::usage(format!(
                "{} and {} are both snapshots of environment `{env}`: give one per environment",
                first.display(),
                path.display()
            )));
        }
        check_snapshot(&specs[i], &snap, path)?;
        found[i] = Some((snap, path.as_path()));
    }
    let missing: Vec<&str> = names
        .iter()
        .zip(&found)
        .filter(|(_, f)| f.is_none())
        .map(|(n, _)| *n)
        .collect();
    if !missing.is_empty() {
        return Err(Failure::usage(format!(
            "no --snapshot for {}: with --snapshot, give one per environment (matched by its metadata.environment), or none to observe them all",
            missing
                .iter()
                .map(|m| format!("`{m}`"))
                .collect::<Vec<_>>()
                .join(", ")
        )));
    }
    Ok(found.into_iter().flatten().map(|(s, _)| s).collect())
}

/// Observes several environments at once. Connecting (the region, the profile) is done for all
/// first, so a configuration problem ends the run before any probe. Credentials of the wrong
/// account end it too (exit 2, after every observation finished); an environment that could not
/// be observed at all (its caller identity, the --timeout) is reported with every check an
/// `error` that says why, and the others are reported as usual.
pub(super) fn observe_many(
    specs: &[Spec],
    conn_args: &ConnectionArgs,
) -> Result<Vec<Snapshot>, Failure> {
    let rt = runtime()?;
    rt.block_on(async {
        let mut conns = Vec::new();
        let mut problems = Vec::new();
        for spec in specs {
            if !plan::needs_aws(spec) {
                conns.push(None);
                continue;
            }
            match aws::connect(&conn_args.options_for(&spec.environment), &spec.aws).await {
                Ok(c) => conns.push(Some(c)),
                Err(e) => {
                    problems.push(Failure::usage(format!("{}: {e}", spec.environment)));
                    conns.push(None);
                }
            }
        }
        if !problems.is_empty() {
            return Err(failures(problems));
        }
        let taken_at = probe::now_rfc3339();
        let bar = crate::terminal::progress::Bar::for_terminal();
        let results = futures::future::join_all(
            specs
                .iter()
                .zip(&conns)
                .map(|(spec, conn)| observe_showing(spec, conn.as_ref(), conn_args, &bar)),
        )
        .await;
        bar.finish();
        let mut snaps = Vec::new();
        let mut problems = Vec::new();
        for (spec, result) in specs.iter().zip(results) {
            match result {
                Ok(snap) => snaps.push(snap),
                Err(f) if f.code == ExitCode::Usage => problems.push(Failure::usage(format!(
                    "{}: {}",
                    spec.environment, f.message
                ))),
                Err(f) => {
                    let _ = writeln!(
                        io::stderr(),
                        "warning: {}: {}; its checks are reported as errors",
                        spec.environment,
                        f.message
                    );
                    snaps.push(Snapshot::unobserved(spec, taken_at.clone(), &f.message));
                }
            }
        }
        if !problems.is_empty() {
            return Err(failures(problems));
        }
        Ok(snaps)
    })
}
