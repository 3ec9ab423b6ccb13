//! File-system helpers shared by every command that writes a file the user keeps, and the digest
//! files are named by.

use std::io::{self, Write};
use std::path::Path;

/// SHA-256 of bytes, lower-case hex (spec and baseline versions, evidence manifests, raw
/// responses).
pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Writes a file atomically: a temporary file in the same directory, synced, then renamed over
/// the target. On any error the target is untouched and the temporary file is gone. A rewritten
/// file keeps its permissions (the temporary file is created private). A read-only file is not
/// replaced: the rename would succeed, but the user said the file is not to be written.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> io::Result<()> {
    write_atomic_with(path, |out| out.write_all(bytes))
}

/// As [`write_atomic`], with the contents written by `write` into a buffered temporary file: a
/// large report goes to disk as it is rendered instead of being held whole in memory first. An
/// error from `write` leaves the target untouched, like any other.
pub fn write_atomic_with(
    path: &Path,
    write: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> io::Result<()> {
    if std::fs::metadata(path).is_ok_and(|m| m.permissions().readonly()) {
        return Err(io::Error::new(
            io::ErrorKind::PermissionDenied,
            "the file is read-only",
        ));
    }
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
    if let Ok(meta) = std::fs::metadata(path) {
        tmp.as_file().set_permissions(meta.permissions())?;
    }
    {
        let mut out = io::BufWriter::with_capacity(64 * 1024, tmp.as_file_mut());
        write(&mut out)?;
        out.flush()?;
    }
    tmp.as_file().sync_all()?;
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}
