//! infra-verify: verify AWS environments against declarative YAML specs.
//!
//! The pipeline, one module per stage, data flowing one way:
//! [`spec`] (YAML) → [`plan`] → [`probe`] (AWS, read-only) → [`snapshot`] (facts) →
//! [`evaluate`] → verdicts → [`output`] formats.

pub mod aws;
pub mod baseline;
pub mod catalog;
pub mod checklist;
pub mod cli;
pub mod drift;
pub mod evaluate;
pub mod evidence;
pub mod fsutil;
pub mod init;
pub mod output;
pub mod plan;
pub mod probe;
pub mod redact;
pub mod schema;
pub mod snapshot;
pub mod spec;
pub mod terminal;
pub mod yaml;
