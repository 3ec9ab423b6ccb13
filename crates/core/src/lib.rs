//! infra-verify's core, without AWS: what a spec says ([`spec`], over [`yaml`] and the resource
//! [`catalog`]), which operations it needs ([`plan`]), the facts observed ([`snapshot`]), the
//! verdicts ([`evaluate`]) and their report formats ([`output`]), Markdown checklists and their
//! ticking ([`checklist`]), drift between two snapshots ([`drift`]), and the JSON Schema of specs
//! ([`schema`]). Nothing here talks to a network: the `infra-verify` crate's probes produce the
//! snapshots, and its command line calls these.
//!
//! Layering, bottom up (a module imports only those before it; `tests/layers.rs` checks):
//! `yaml`, `redact`, `fsutil` → `catalog` → `spec` → `plan`, `snapshot` → `evaluate` →
//! `drift`, `checklist`, `schema` → `output`.

pub mod catalog;
pub mod checklist;
pub mod drift;
pub mod evaluate;
pub mod fsutil;
pub mod output;
pub mod plan;
pub mod redact;
pub mod schema;
pub mod snapshot;
pub mod spec;
pub mod yaml;
