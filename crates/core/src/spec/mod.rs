//! Spec format v1: the YAML model, loading (with `extends:`), and validation.
//!
//! Loading never stops at the first problem: every file is checked completely and every problem
//! is reported as `file:line:column: message`, with a "did you mean" where a name is close to a
//! known one.
//!
//! The parts: `model` is the document (what a loaded spec is made of), `load` reads files and
//! resolves `extends:` and `regions:`, `validate` checks each file key by key, [`matchers`] says
//! what each matcher means, and `resolved` writes the spec after `extends:` back as YAML. Every
//! public name is re-exported here: callers write `spec::Spec`, `spec::load`, `spec::MATCHER_KEYS`.

mod load;
pub mod matchers;
mod model;
mod resolved;
mod validate;

pub use load::{from_str, load};
pub(crate) use model::SEVERITIES;
pub use model::{
    is_secret_header, AwsSettings, Diagnostic, DriftSettings, Expectation, HeaderSource,
    HttpRequest, Matcher, Origin, Resource, Selector, Severity, Spec, SpecError,
    EXPECTATION_META_KEYS, MATCHER_KEYS, REQUEST_METHODS, SPEC_VERSION,
};
/// The key lists, for `schema`'s tests that hold the JSON Schema to them (validation names them
/// from `model` directly).
#[allow(unused_imports)]
pub(crate) use model::{AWS_KEYS, RESOURCE_KEYS, TOP_KEYS};
pub use resolved::resolved_spec_yaml;
pub(crate) use validate::selectable_attributes;
pub use validate::{did_you_mean, parse_nameserver};

/// The unit tests name positions as `Pos { line, column }` (`use super::*`).
#[cfg(test)]
use crate::yaml::Pos;

#[cfg(test)]
mod tests;
