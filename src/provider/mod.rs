//! Providers other than AWS: where a small team's launch infrastructure also lives (live
//! endpoints today; GitHub, Vercel, Supabase, Sentry, Stripe next). Each is one module here that
//! implements [`Provider`]: it brings its own settings (credentials, if any, read where the
//! provider documents them and redacted where they are read), its read-only permission list
//! (what `iam-policy` is for AWS: token scopes, or nothing), its rate limit, and its probes, and
//! produces the same snapshot records as the AWS probes. Evaluation, ticking, drift and evidence
//! work from those records, so they need no change to serve a new provider.
//!
//! The catalog says which provider serves a kind ([`crate::catalog::Kind::provider`]);
//! `probe::observe_with` hands each provider its kinds' resources, concurrently with the AWS
//! services.

use std::collections::BTreeSet;
use std::future::Future;

use crate::aws::CallRecorder;
use crate::catalog;
use crate::snapshot::{Observation, ResourceRecord};
use crate::spec::Resource;

pub mod github;
pub mod http;
pub(crate) mod rest;
pub mod sentry;
pub mod stripe;
pub mod vercel;

/// A provider other than AWS.
pub trait Provider {
    /// The catalog's name for it: the kinds it serves say this.
    const PROVIDER: catalog::Provider;
    /// How it is reached: credentials, timeouts, its rate limit.
    type Options: Send + Sync;

    /// The read-only permissions observing `resources` needs (token scopes, or pseudo-operations
    /// for providers that need none), sorted: the provider's counterpart of the IAM policy.
    fn permissions(resources: &[&Resource]) -> BTreeSet<&'static str>;

    /// Observes the resources (all of kinds it serves): one record each, `error` for what could
    /// not be observed, never a pass. Every request it makes is counted in `calls`.
    fn observe(
        resources: &[&Resource],
        options: &Self::Options,
        calls: &CallRecorder,
    ) -> impl Future<Output = Vec<ResourceRecord>>;
}

/// One `error` record per resource, all for the same reason (nothing could be observed).
pub(crate) fn all_errors(resources: &[&Resource], error: &str) -> Vec<ResourceRecord> {
    resources
        .iter()
        .map(|r| ResourceRecord {
            kind: r.kind.name.to_string(),
            id: r.id.clone(),
            observation: Observation::Error {
                error: error.to_string(),
            },
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_provider_serves_the_kinds_the_catalog_gives_it() {
        let http_kinds: Vec<&str> = catalog::KINDS
            .iter()
            .filter(|k| k.provider == <http::Http as Provider>::PROVIDER)
            .map(|k| k.name)
            .collect();
        assert_eq!(
            http_kinds,
            [
                "http_endpoint",
                "tcp_endpoint",
                "dns_record",
                "domain",
                "web_page"
            ]
        );
    }

    #[test]
    fn the_http_provider_asks_for_no_aws_permission() {
        let spec = crate::spec::from_str(
            std::path::Path::new("t.yaml"),
            "version: 1\nenvironment: t\nresources:\n  - kind: http_endpoint\n    id: https://shop.example/\n    expect: { status: 200, accepts_legacy_tls: false }\n",
        )
        .expect("spec");
        let resources: Vec<&Resource> = spec.resources.iter().collect();
        let permissions = <http::Http as Provider>::permissions(&resources);
        assert_eq!(
            permissions,
            BTreeSet::from(["http:GET", "tls:LegacyHandshake"])
        );
        for p in &permissions {
            assert!(catalog::operations::NON_AWS_OPERATIONS.contains(p), "{p}");
        }
    }
}
