//! infra-verify: verify AWS environments against declarative YAML specs.
//!
//! The pipeline, one module per stage, data flowing one way:
//! [`spec`] (YAML) → [`plan`] → [`probe`] (AWS, read-only) → [`snapshot`] (facts) →
//! [`evaluate`] → verdicts → [`output`] formats.

pub mod aws;
pub mod baseline;
pub mod cli;
pub mod evidence;
pub mod init;
pub mod probe;
pub mod provider;
pub mod terminal;

// The core (crates/core, no AWS SDK), under the paths the rest of this crate and its users have
// always used: `infra_verify::spec`, `crate::evaluate`, ...
pub use infra_verify_core::{
    catalog, checklist, drift, evaluate, fsutil, output, plan, redact, schema, snapshot, spec, yaml,
};
