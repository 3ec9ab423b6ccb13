//! The commands that print what is generated from the code for editors: `schema` (the spec
//! format's JSON Schema). It prints to stdout only; the output is committed as it is.

use std::io::{self, Write};

use super::{io_failure, CmdResult, ExitCode};

/// Writes `bytes` to stdout; a reader that went away (`| head`) is not an error.
fn print(bytes: &[u8]) -> CmdResult {
    let mut out = io::stdout().lock();
    match out.write_all(bytes).and_then(|_| out.flush()) {
        Err(e) if e.kind() != io::ErrorKind::BrokenPipe => Err(io_failure(e)),
        _ => Ok(ExitCode::Ready),
    }
}

/// `infra-verify schema`: the JSON Schema of the spec format (docs/spec.schema.json).
pub fn schema_cmd() -> CmdResult {
    print(crate::schema::json().as_bytes())
}
