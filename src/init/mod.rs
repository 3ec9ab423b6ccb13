//! `infra-verify init`: start a spec from what exists (`--from-account`, [`account`]) or from a
//! launch checklist (`--from-checklist`, [`checklist`]). Both build a [`draft::Draft`] and render
//! it as commented YAML that `infra-verify validate` accepts; see docs/init.md.

use std::collections::BTreeMap;
use std::io::Write as _;
use std::path::{Path, PathBuf};

pub mod account;
pub mod checklist;
pub mod draft;
pub mod recommend;
pub mod yaml_out;

/// Why `init` could not produce or write a spec.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum InitError {
    /// The caller's identity could not be established.
    #[error("cannot establish the caller identity (sts:GetCallerIdentity): {0}")]
    Identity(String),
    /// `--tag` is not `KEY=VALUE`.
    #[error("--tag `{0}`: expected KEY=VALUE, e.g. --tag Environment=staging")]
    Tag(String),
    /// The environment name is not one a spec accepts.
    #[error("`{0}` is not an environment name: use letters, digits, `-` and `_` (e.g. `staging`)")]
    Environment(String),
    /// The output file exists and `--force` was not given.
    #[error("{} exists; nothing was written (give --force to replace it)", .0.display())]
    Exists(PathBuf),
    /// The output could not be written.
    #[error("cannot write {}: {source}", path.display())]
    Write {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// The drafted spec does not validate: a bug in `init`, reported rather than written.
    #[error("the drafted spec does not validate (a bug in infra-verify init; nothing was written):\n{0}")]
    Invalid(String),
}

/// Parses `--tag KEY=VALUE` arguments.
pub fn parse_tags(args: &[String]) -> Result<BTreeMap<String, String>, InitError> {
    args.iter()
        .map(|a| match a.split_once('=') {
            Some((k, v)) if !k.trim().is_empty() => Ok((k.to_string(), v.to_string())),
            _ => Err(InitError::Tag(a.clone())),
        })
        .collect()
}

/// Checks an environment name as the spec format does.
pub fn check_environment(name: &str) -> Result<(), InitError> {
    let ok = !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if ok {
        Ok(())
    } else {
        Err(InitError::Environment(name.to_string()))
    }
}

/// Checks that drafted text is a valid spec (every `init` output is checked before it is
/// written).
pub fn validate(text: &str) -> Result<crate::spec::Spec, InitError> {
    crate::spec::from_str(Path::new("<init>"), text).map_err(|e| InitError::Invalid(e.to_string()))
}

/// Writes the spec to `path` atomically (a temporary file in the same directory, renamed into
/// place). An existing file is refused unless `force`; without `force` the rename itself refuses
/// to replace a file created meanwhile.
pub fn write_new(path: &Path, text: &str, force: bool) -> Result<(), InitError> {
    let failed = |source| InitError::Write {
        path: path.to_path_buf(),
        source,
    };
    if !force && std::fs::symlink_metadata(path).is_ok() {
        return Err(InitError::Exists(path.to_path_buf()));
    }
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let mut tmp = tempfile::NamedTempFile::new_in(dir).map_err(failed)?;
    tmp.write_all(text.as_bytes()).map_err(failed)?;
    tmp.as_file().sync_all().map_err(failed)?;
    if force {
        if let Ok(meta) = std::fs::metadata(path) {
            tmp.as_file()
                .set_permissions(meta.permissions())
                .map_err(failed)?;
        } else {
            set_default_permissions(tmp.as_file()).map_err(failed)?;
        }
        tmp.persist(path).map_err(|e| failed(e.error))?;
    } else {
        set_default_permissions(tmp.as_file()).map_err(failed)?;
        tmp.persist_noclobber(path).map_err(|e| {
            if e.error.kind() == std::io::ErrorKind::AlreadyExists {
                InitError::Exists(path.to_path_buf())
            } else {
                failed(e.error)
            }
        })?;
    }
    Ok(())
}

/// A new spec is an ordinary file (the temporary file is created private).
fn set_default_permissions(file: &std::fs::File) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        file.set_permissions(std::fs::Permissions::from_mode(0o644))
    }
    #[cfg(not(unix))]
    {
        let _ = file;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_are_key_value_pairs() {
        let tags = parse_tags(&["Environment=staging".into(), "Team=a=b".into()]).expect("tags");
        assert_eq!(tags["Environment"], "staging");
        assert_eq!(tags["Team"], "a=b");
        assert!(matches!(
            parse_tags(&["Environment".into()]),
            Err(InitError::Tag(_))
        ));
        assert!(matches!(parse_tags(&["=x".into()]), Err(InitError::Tag(_))));
    }

    #[test]
    fn writing_refuses_an_existing_file_unless_forced() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("staging.yaml");
        write_new(&path, "a\n", false).expect("new file");
        assert_eq!(std::fs::read_to_string(&path).expect("read"), "a\n");
        let e = write_new(&path, "b\n", false).expect_err("exists");
        assert!(matches!(e, InitError::Exists(_)), "{e}");
        assert_eq!(std::fs::read_to_string(&path).expect("read"), "a\n");
        write_new(&path, "c\n", true).expect("forced");
        assert_eq!(std::fs::read_to_string(&path).expect("read"), "c\n");
        let left: Vec<_> = std::fs::read_dir(dir.path())
            .expect("ls")
            .flatten()
            .collect();
        assert_eq!(left.len(), 1, "no temporary file is left");
        assert!(write_new(&dir.path().join("missing/x.yaml"), "d\n", false).is_err());
    }
}
