//! `infra-verify kinds`: list the resource kinds of the catalog and their attributes.

use std::io::{self, Write};

use super::args::KindsArgs;
use super::{io_failure, CmdResult, ExitCode, Failure};
use crate::catalog;
use crate::spec;

pub(super) fn kinds_cmd(a: &KindsArgs) -> CmdResult {
    let mut text = String::new();
    if a.markdown {
        text = catalog::markdown();
    } else if let Some(name) = &a.kind {
        let Some(k) = catalog::kind(name) else {
            let hint = spec::did_you_mean(name, catalog::KINDS.iter().map(|k| k.name))
                .map(|s| format!("; did you mean `{s}`?"))
                .unwrap_or_default();
            return Err(Failure::usage(format!(
                "unknown resource kind `{name}`{hint}"
            )));
        };
        text.push_str(&format!(
            "{} — {}\nid: {}\nlisted by: {}\n\n",
            k.name, k.description, k.identifier, k.list_operation
        ));
        let width = k
            .attributes
            .iter()
            .map(|a| a.name.len())
            .max()
            .unwrap_or(0)
            .max(6);
        text.push_str(&format!(
            "  {:<width$}  {:<15}  {}\n",
            "exists",
            "bool",
            "Whether the resource exists (write `exists: false` for must-not-exist)."
        ));
        for at in k.attributes {
            text.push_str(&format!(
                "  {:<width$}  {:<15}  {}\n",
                at.name,
                at.ty.name(),
                at.description
            ));
        }
    } else {
        let width = catalog::KINDS
            .iter()
            .map(|k| k.name.len())
            .max()
            .unwrap_or(0);
        // Every kind is probed live (probe::tests::every_catalog_kind_has_a_probe).
        for k in catalog::KINDS {
            text.push_str(&format!("{:<width$}  {}\n", k.name, k.description));
        }
    }
    let mut out = io::stdout().lock();
    match out.write_all(text.as_bytes()) {
        Err(e) if e.kind() != io::ErrorKind::BrokenPipe => Err(io_failure(e)),
        _ => Ok(ExitCode::Ready),
    }
}
