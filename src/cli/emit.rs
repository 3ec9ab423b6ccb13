//! Where a command's output goes: a report to stdout or to a file (atomically), the GitHub job
//! summary, and any other file a command writes.

use std::io::{self, Write};
use std::path::Path;

use super::{io_failure, Failure};

/// Writes a report to FILE (atomically) or to stdout; colour only on a terminal, and only when
/// the format has it.
pub(super) fn emit(
    output: Option<&Path>,
    colored_format: bool,
    render: impl Fn(&mut dyn Write, bool) -> io::Result<()>,
) -> Result<(), Failure> {
    match output {
        Some(path) => crate::fsutil::write_atomic_with(path, |out| render(out, false))
            .map_err(|e| Failure::usage(format!("cannot write {}: {e}", path.display()))),
        // --quiet: no report; the exit code says it.
        None if crate::terminal::quiet() => Ok(()),
        None => {
            let stdout = io::stdout();
            let color = colored_format
                && anstream::AutoStream::choice(&stdout) != anstream::ColorChoice::Never;
            // Through a large buffer: stdout is line-buffered, and a report of thousands of
            // checks would otherwise be thousands of writes; nor is the report held whole in
            // memory (megabytes at thousands of resources) before it is written.
            let mut out = io::BufWriter::with_capacity(64 * 1024, stdout.lock());
            match render(&mut out, color).and_then(|_| out.flush()) {
                Ok(()) => Ok(()),
                // A reader that went away (`| head`) is not an error: the verdict still stands.
                Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(()),
                Err(e) => Err(io_failure(e)),
            }
        }
    }
}

/// `--format github`: the Markdown report appended to `$GITHUB_STEP_SUMMARY` (the job summary)
/// when that is set. A summary that cannot be written is a warning: the annotations and the exit
/// code are the gate.
pub(super) fn job_summary(render: impl Fn(&mut dyn Write) -> io::Result<()>) {
    let Some(path) = std::env::var_os("GITHUB_STEP_SUMMARY").filter(|p| !p.is_empty()) else {
        return;
    };
    let mut buf = Vec::new();
    let written = render(&mut buf).and_then(|_| {
        let mut file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&path)?;
        file.write_all(&buf)
    });
    if let Err(e) = written {
        let _ = writeln!(
            io::stderr(),
            "warning: cannot append the job summary to $GITHUB_STEP_SUMMARY ({}): {e}",
            Path::new(&path).display()
        );
    }
}

/// Writes a file atomically (see [`crate::fsutil::write_atomic`]).
pub(super) fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), Failure> {
    crate::fsutil::write_atomic(path, bytes)
        .map_err(|e| Failure::usage(format!("cannot write {}: {e}", path.display())))
}

#[cfg(test)]
mod tests {
    use super::write_atomic;

    #[test]
    fn a_failed_atomic_write_leaves_the_target_and_no_temporary_file() {
        let dir = tempfile::tempdir().expect("tempdir");
        // The rename cannot replace a non-empty directory: the write fails after the temporary
        // file was written, which must then be gone, and the target untouched.
        let target = dir.path().join("checklist.md");
        std::fs::create_dir(&target).expect("mkdir");
        std::fs::write(target.join("keep"), "x").expect("write");
        assert!(write_atomic(&target, b"new").is_err());
        assert_eq!(
            std::fs::read_to_string(target.join("keep")).expect("read"),
            "x"
        );
        let left: Vec<_> = std::fs::read_dir(dir.path())
            .expect("ls")
            .flatten()
            .map(|e| e.file_name())
            .collect();
        assert_eq!(left, [std::ffi::OsString::from("checklist.md")]);
        // No directory to write in: an error, nothing created.
        assert!(write_atomic(&dir.path().join("missing/checklist.md"), b"new").is_err());
        // And the ordinary case replaces the file.
        let file = dir.path().join("ok.md");
        std::fs::write(&file, "old").expect("write");
        assert!(write_atomic(&file, b"new").is_ok());
        assert_eq!(std::fs::read_to_string(&file).expect("read"), "new");
    }

    #[test]
    fn a_read_only_file_is_not_replaced() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("c.md");
        std::fs::write(&path, "- [ ] item\n").expect("write");
        let mut perms = std::fs::metadata(&path).expect("meta").permissions();
        perms.set_readonly(true);
        std::fs::set_permissions(&path, perms).expect("chmod");
        assert!(write_atomic(&path, b"- [x] item\n").is_err());
        assert_eq!(
            std::fs::read_to_string(&path).expect("read"),
            "- [ ] item\n"
        );
    }
}
