//! Which spec (or specs) a command reads: `ENV` or `--spec FILE`, checked to be that
//! environment's, and several environments' at once with every problem reported.

use std::path::{Path, PathBuf};

use super::args::SpecArgs;
use super::{failures, Failure};
use crate::spec::{self, Spec};

fn spec_path(t: &SpecArgs) -> Result<PathBuf, Failure> {
    if let Some(p) = &t.spec {
        return Ok(p.clone());
    }
    let env = t
        .env
        .as_deref()
        .ok_or_else(|| Failure::usage("give an environment name or --spec FILE"))?;
    let yaml = t.specs_dir.join(format!("{env}.yaml"));
    let yml = t.specs_dir.join(format!("{env}.yml"));
    if !yaml.exists() && yml.exists() {
        return Ok(yml);
    }
    if !yaml.exists() {
        return Err(Failure::usage(format!(
            "no spec for environment `{env}`: {} does not exist (use --spec FILE or --specs-dir DIR)",
            yaml.display()
        )));
    }
    Ok(yaml)
}

pub(super) fn load_spec(t: &SpecArgs) -> Result<Spec, Failure> {
    let path = spec_path(t)?;
    let spec = spec::load(&path).map_err(|e| Failure::usage(e.to_string()))?;
    if let Some(env) = &t.env {
        if *env != spec.environment {
            return Err(Failure::usage(format!(
                "{} is the spec of environment `{}`, not `{env}`",
                path.display(),
                spec.environment
            )));
        }
    }
    Ok(spec)
}

/// The environments given: at least one (or --spec), none twice, and --spec with one at most.
pub(super) fn check_envs(envs: &[String], spec: Option<&Path>) -> Result<(), Failure> {
    if envs.is_empty() && spec.is_none() {
        return Err(Failure::usage(
            "give an environment name (e.g. `infra-verify staging`); see --help",
        ));
    }
    if spec.is_some() && envs.len() > 1 {
        return Err(Failure::usage(
            "--spec FILE is one environment's spec: give at most one ENV with it (or several ENVs and no --spec)",
        ));
    }
    for (i, env) in envs.iter().enumerate() {
        if envs[..i].contains(env) {
            return Err(Failure::usage(format!(
                "environment `{env}` is given twice"
            )));
        }
    }
    Ok(())
}

/// The specs of several environments from the specs dir; every problem of every one reported.
pub(super) fn load_specs(envs: &[String], specs_dir: &Path) -> Result<Vec<Spec>, Failure> {
    let mut specs = Vec::new();
    let mut problems = Vec::new();
    for env in envs {
        let target = SpecArgs {
            env: Some(env.clone()),
            spec: None,
            specs_dir: specs_dir.to_path_buf(),
        };
        match load_spec(&target) {
            Ok(spec) => specs.push(spec),
            Err(f) => problems.push(f),
        }
    }
    if problems.is_empty() {
        Ok(specs)
    } else {
        Err(failures(problems))
    }
}
