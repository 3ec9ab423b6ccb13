//! The `infra-verify` binary: everything lives in the library; this only maps the exit code.

fn main() -> std::process::ExitCode {
    std::process::ExitCode::from(infra_verify::cli::main() as u8)
}
