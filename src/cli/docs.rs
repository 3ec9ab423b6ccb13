//! The commands that print what is generated from the code for editors, shells and `man`:
//! `schema` (the spec format's JSON Schema), `completions SHELL` (clap_complete) and `man`
//! (clap_mangen). Each prints to stdout only; each output is committed or installed as it is.

use std::io::{self, Write};

use clap::CommandFactory;

use super::{io_failure, CmdResult, ExitCode};

/// `infra-verify completions SHELL`.
#[derive(Debug, Clone, clap::Args)]
pub struct CompletionsArgs {
    /// The shell: bash, zsh, fish, elvish or powershell.
    #[arg(value_name = "SHELL", value_enum)]
    pub shell: clap_complete::Shell,
}

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

/// `infra-verify completions SHELL`: the completion script of the whole command line.
pub fn completions_cmd(a: &CompletionsArgs) -> CmdResult {
    let mut cmd = super::Cli::command();
    let mut buf = Vec::new();
    clap_complete::generate(a.shell, &mut cmd, "infra-verify", &mut buf);
    print(&buf)
}

/// `infra-verify man`: the man page (docs/infra-verify.1).
pub fn man_cmd() -> CmdResult {
    print(&man_page().map_err(io_failure)?)
}

/// The man page: the main command (verify) with its options, then every subcommand with its
/// own options (one page for the whole tool: no `infra-verify-<sub>(1)` pages to install), then
/// the exit codes and examples of `--help`.
pub fn man_page() -> io::Result<Vec<u8>> {
    use clap_mangen::roff::{bold, roman, Roff};
    use clap_mangen::Man;

    // The release only, not the commit `--version` names: the page is committed and must not
    // change with every commit.
    let mut cmd = super::Cli::command().version(env!("CARGO_PKG_VERSION"));
    cmd.build();
    let mut out = Vec::new();
    let man = Man::new(cmd.clone());
    man.render_title(&mut out)?;
    man.render_name_section(&mut out)?;
    man.render_synopsis_section(&mut out)?;
    man.render_description_section(&mut out)?;
    man.render_options_section(&mut out)?;
    let mut heading = Roff::default();
    heading.control("SH", ["COMMANDS"]);
    heading.to_writer(&mut out)?;
    // Not the generated `help` subcommands: `help X` is `X --help`.
    let listed = |s: &&clap::Command| !s.is_hide_set() && s.get_name() != "help";
    let mut stack: Vec<(String, clap::Command)> = cmd
        .get_subcommands()
        .filter(listed)
        .map(|s| (format!("infra-verify {}", s.get_name()), s.clone()))
        .collect();
    stack.reverse();
    while let Some((name, sub)) = stack.pop() {
        let mut roff = Roff::default();
        roff.control("SS", [name.as_str()]);
        let usage = sub.clone().render_usage().to_string();
        let usage = usage.trim_start_matches("Usage: ").trim();
        roff.text([bold(usage)]);
        roff.control("PP", []);
        if let Some(about) = sub.get_long_about().or_else(|| sub.get_about()) {
            for line in about.to_string().lines() {
                roff.text([roman(line)]);
            }
        }
        roff.to_writer(&mut out)?;
        let mut options = Vec::new();
        Man::new(sub.clone()).render_options_section(&mut options)?;
        // Its options under the subcommand's own heading, not a second OPTIONS section.
        let text = String::from_utf8_lossy(&options).replacen(".SH OPTIONS\n", "", 1);
        out.extend_from_slice(text.as_bytes());
        let mut nested: Vec<(String, clap::Command)> = sub
            .get_subcommands()
            .filter(listed)
            .map(|s| (format!("{name} {}", s.get_name()), s.clone()))
            .collect();
        nested.reverse();
        stack.extend(nested);
    }
    // `--help`'s exit codes and examples.
    let mut extra = Vec::new();
    man.render_extra_section(&mut extra)?;
    let text = String::from_utf8_lossy(&extra).replacen(
        ".SH EXTRA",
        ".SH \"EXIT STATUS AND EXAMPLES\"",
        1,
    );
    out.extend_from_slice(text.as_bytes());
    man.render_version_section(&mut out)?;
    Ok(once_preamble(&out))
}

/// Each rendered part starts with roff's two preamble lines (the `Aq` string); once is enough.
fn once_preamble(page: &[u8]) -> Vec<u8> {
    let text = String::from_utf8_lossy(page);
    let mut seen = 0;
    let mut out = String::with_capacity(text.len());
    for line in text.split_inclusive('\n') {
        if line.starts_with(".ie \\n(.g .ds Aq") || line.starts_with(".el .ds Aq") {
            seen += 1;
            if seen > 2 {
                continue;
            }
        }
        out.push_str(line);
    }
    out.into_bytes()
}
