//! The release's parts that run on a user's machine, checked without building a release:
//! the GitHub Action (action.yml, action/install.sh, action/run.sh) against a loopback mirror
//! laid out as a GitHub Release is (ARCHIVE and ARCHIVE.sha256), and the files that must agree
//! with Cargo.toml's version. scripts/release-check builds the real archive with cargo-dist and
//! runs its installer; this file is the part that is fast enough for every test run.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const VERSION: &str = env!("CARGO_PKG_VERSION");
const TARGET: &str = "x86_64-unknown-linux-gnu";

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A static file server on loopback: GET /NAME answers DIR/NAME, or 404. Serves until the test
/// process ends.
fn serve(dir: &Path) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind loopback");
    let addr = listener.local_addr().expect("local addr");
    let dir = dir.to_path_buf();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let mut reader = BufReader::new(&stream);
            let mut request = String::new();
            if reader.read_line(&mut request).is_err() {
                continue;
            }
            // Drain the headers.
            let mut line = String::new();
            while reader.read_line(&mut line).map(|n| n > 2).unwrap_or(false) {
                line.clear();
            }
            let path = request.split_whitespace().nth(1).unwrap_or("/");
            let file = dir.join(path.trim_start_matches('/'));
            let mut out = &stream;
            let _ = match (path.contains(".."), std::fs::read(&file)) {
                (false, Ok(body)) => out
                    .write_all(
                        format!(
                            "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                            body.len()
                        )
                        .as_bytes(),
                    )
                    .and_then(|()| out.write_all(&body)),
                _ => out.write_all(
                    b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
                ),
            };
        }
    });
    format!("http://{addr}")
}

fn sha256_hex(path: &Path) -> String {
    let out = Command::new("sha256sum")
        .arg(path)
        .output()
        .expect("sha256sum runs");
    String::from_utf8_lossy(&out.stdout)
        .split_whitespace()
        .next()
        .expect("a hash")
        .to_string()
}

/// A release as cargo-dist lays it out: `infra-verify-TARGET.tar.xz` holding
/// `infra-verify-TARGET/{infra-verify,README.md,LICENSE}`, and its `.sha256` (`HASH *NAME`).
fn release(dir: &Path) -> PathBuf {
    let name = format!("infra-verify-{TARGET}");
    let stage = dir.join("stage").join(&name);
    std::fs::create_dir_all(&stage).expect("stage dir");
    std::fs::copy(
        assert_cmd::cargo::cargo_bin("infra-verify"),
        stage.join("infra-verify"),
    )
    .expect("copy the binary");
    for f in ["README.md", "LICENSE"] {
        std::fs::copy(repo().join(f), stage.join(f)).expect("copy doc");
    }
    let mirror = dir.join("mirror");
    std::fs::create_dir_all(&mirror).expect("mirror dir");
    let archive = mirror.join(format!("{name}.tar.xz"));
    // xz's fastest preset: the debug binary is large, and the ratio is not what is tested.
    let status = Command::new("tar")
        .env("XZ_OPT", "-0")
        .arg("-cJf")
        .arg(&archive)
        .arg("-C")
        .arg(dir.join("stage"))
        .arg(&name)
        .status()
        .expect("tar runs");
    assert!(status.success(), "tar -cJf failed");
    let sum = format!("{} *{name}.tar.xz\n", sha256_hex(&archive));
    std::fs::write(mirror.join(format!("{name}.tar.xz.sha256")), sum).expect("write .sha256");
    mirror
}

fn install(base: &str, dest: &Path, cache: Option<&Path>) -> Output {
    let mut cmd = Command::new("bash");
    cmd.arg(repo().join("action/install.sh"))
        .env("INFRA_VERIFY_VERSION", VERSION)
        .env("INFRA_VERIFY_TARGET", TARGET)
        .env("INFRA_VERIFY_DOWNLOAD_URL", base)
        .env("INFRA_VERIFY_INSTALL_DIR", dest)
        .env_remove("GITHUB_PATH")
        .env_remove("GITHUB_OUTPUT")
        .env_remove("INFRA_VERIFY_ARCHIVE_CACHE");
    if let Some(cache) = cache {
        cmd.env("INFRA_VERIFY_ARCHIVE_CACHE", cache);
    }
    cmd.output().expect("install.sh runs")
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn corrupt(path: &Path) {
    let mut bytes = std::fs::read(path).expect("read archive");
    let mid = bytes.len() / 2;
    for b in &mut bytes[mid..mid + 16] {
        *b ^= 0xFF;
    }
    std::fs::write(path, bytes).expect("write archive");
}

#[test]
fn the_action_installer_checks_the_archive_against_the_published_checksum() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mirror = release(dir.path());
    let base = serve(&mirror);
    let archive = format!("infra-verify-{TARGET}.tar.xz");

    // Installed, and it runs.
    let dest = dir.path().join("bin");
    let cache = dir.path().join("cache");
    let out = install(&base, &dest, Some(&cache));
    assert!(
        out.status.success(),
        "install failed: {}",
        text(&out.stderr)
    );
    let installed = dest.join("infra-verify");
    assert_eq!(text(&out.stdout).trim(), installed.display().to_string());
    let version = Command::new(&installed)
        .arg("--version")
        .output()
        .expect("runs");
    assert!(text(&version.stdout).starts_with(&format!("infra-verify {VERSION} (")));
    assert!(
        cache.join(&archive).is_file(),
        "the verified archive is cached"
    );

    // A cached archive that still matches is used; one that does not is downloaded again.
    let out = install(&base, &dest, Some(&cache));
    assert!(
        text(&out.stderr).contains("using the cached"),
        "{}",
        text(&out.stderr)
    );
    corrupt(&cache.join(&archive));
    let out = install(&base, &dest, Some(&cache));
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("downloading"),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(
        sha256_hex(&cache.join(&archive)),
        sha256_hex(&mirror.join(&archive))
    );

    // A corrupted download is refused, and nothing is installed.
    corrupt(&mirror.join(&archive));
    let fresh = dir.path().join("fresh");
    let out = install(&base, &fresh, None);
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(
        err.contains(&format!("checksum mismatch for {archive}")),
        "{err}"
    );
    assert!(err.contains("nothing installed"), "{err}");
    assert!(!fresh.join("infra-verify").exists());

    // No checksum published: refused, not installed unchecked.
    std::fs::remove_file(mirror.join(format!("{archive}.sha256"))).expect("rm");
    let out = install(&base, &fresh, None);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains(".sha256"),
        "{}",
        text(&out.stderr)
    );
    assert!(!fresh.join("infra-verify").exists());
}

/// action/run.sh with the Action's inputs: the command line it builds, the exit code passed
/// through (step result and `exit-code` output) and the job summary.
fn run_action(envs: &[(&str, &str)], dir: &Path) -> (Option<i32>, String, String, String) {
    let output = dir.join("github_output");
    let summary = dir.join("step_summary");
    std::fs::write(&output, "").expect("output file");
    std::fs::write(&summary, "").expect("summary file");
    let mut cmd = Command::new("bash");
    cmd.arg(repo().join("action/run.sh"))
        .current_dir(repo())
        .env(
            "INFRA_VERIFY_BIN",
            assert_cmd::cargo::cargo_bin("infra-verify"),
        )
        .env("GITHUB_OUTPUT", &output)
        .env("GITHUB_STEP_SUMMARY", &summary)
        .env_remove("RUST_LOG");
    for key in [
        "INPUT_COMMAND",
        "INPUT_ENVIRONMENTS",
        "INPUT_FORMAT",
        "INPUT_ARGS",
    ] {
        cmd.env_remove(key);
    }
    for (k, v) in envs {
        cmd.env(k, v);
    }
    let out = cmd.output().expect("run.sh runs");
    (
        out.status.code(),
        text(&out.stdout),
        std::fs::read_to_string(&output).expect("output"),
        std::fs::read_to_string(&summary).expect("summary"),
    )
}

#[test]
fn the_action_runs_the_gate_and_passes_its_exit_code_through() {
    let dir = tempfile::tempdir().expect("tempdir");
    let snapshot = "--snapshot fixtures/staging.snapshot.json";

    // Verify (the default command): --format github, annotations on stdout, the Markdown report
    // in the job summary written by infra-verify itself, exit 1 (the fixture has gaps).
    let (code, stdout, output, summary) = run_action(
        &[("INPUT_ENVIRONMENTS", "staging"), ("INPUT_ARGS", snapshot)],
        dir.path(),
    );
    assert_eq!(code, Some(1), "{stdout}");
    assert!(stdout.starts_with(
        "infra-verify staging --format github --snapshot fixtures/staging.snapshot.json\n"
    ));
    assert!(
        stdout.contains("::error file=specs/staging.yaml"),
        "{stdout}"
    );
    assert_eq!(output, "exit-code=1\n");
    assert!(summary.contains("staging"), "{summary}");
    assert!(summary.contains("fail"), "{summary}");

    // Another format: its output on stdout, one summary line saying what the exit code means.
    let (code, stdout, output, summary) = run_action(
        &[
            ("INPUT_ENVIRONMENTS", "staging"),
            ("INPUT_FORMAT", "json"),
            ("INPUT_ARGS", snapshot),
        ],
        dir.path(),
    );
    assert_eq!(code, Some(1));
    let json_start = stdout.find('{').expect("json report");
    let report: serde_json::Value =
        serde_json::from_str(&stdout[json_start..]).expect("the json report parses");
    assert!(report.is_object());
    assert_eq!(output, "exit-code=1\n");
    assert_eq!(
        summary,
        "**infra-verify staging --format json --snapshot fixtures/staging.snapshot.json** exited \
         1: not ready (a check failed or a resource is missing; for drift: drift that broke a \
         check)\n"
    );

    // A command other than verify gets no --format of its own; exit 0 passes through too.
    let (code, stdout, output, _) = run_action(
        &[
            ("INPUT_COMMAND", "validate"),
            ("INPUT_ENVIRONMENTS", "staging"),
        ],
        dir.path(),
    );
    assert_eq!(code, Some(0), "{stdout}");
    assert!(
        stdout.starts_with("infra-verify validate staging\n"),
        "{stdout}"
    );
    assert_eq!(output, "exit-code=0\n");

    // A usage error is exit 2, not swallowed.
    let (code, _, output, _) = run_action(
        &[
            ("INPUT_ENVIRONMENTS", "staging"),
            ("INPUT_ARGS", "--no-such-flag"),
        ],
        dir.path(),
    );
    assert_eq!(code, Some(2));
    assert_eq!(output, "exit-code=2\n");
}

/// The keys of a YAML mapping, in order, as strings.
fn keys(v: &serde_json::Value) -> Vec<String> {
    v.as_object()
        .map(|m| m.keys().cloned().collect())
        .unwrap_or_default()
}

#[test]
fn action_yml_installs_this_release_and_wires_every_input() {
    let text = std::fs::read_to_string(repo().join("action.yml")).expect("action.yml");
    let action: serde_json::Value = serde_saphyr::from_str(&text).expect("action.yml parses");
    assert_eq!(action["runs"]["using"], "composite");
    // The Action at tag vX.Y.Z installs release X.Y.Z: bumped together with Cargo.toml.
    assert_eq!(action["inputs"]["version"]["default"], VERSION);
    // Every input is used by a step, and every input a step uses is declared.
    let inputs = keys(&action["inputs"]);
    let used: Vec<String> = regex::Regex::new(r"\$\{\{\s*inputs\.([a-z-]+)\s*\}\}")
        .expect("regex")
        .captures_iter(&text)
        .map(|c| c[1].to_string())
        .collect();
    for input in &inputs {
        assert!(used.contains(input), "input {input} is not used");
    }
    for u in &used {
        assert!(inputs.contains(u), "input {u} is used but not declared");
    }
    // Inputs reach the scripts through the environment, never spliced into a `run:` line.
    for step in action["runs"]["steps"].as_array().expect("steps") {
        if let Some(run) = step["run"].as_str() {
            assert!(
                !run.contains("${{"),
                "a run: line expands an expression: {run}"
            );
        }
    }
    for script in ["action/install.sh", "action/run.sh"] {
        assert!(text.contains(&format!("$GITHUB_ACTION_PATH/{script}")));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(repo().join(script))
                .expect("script")
                .permissions()
                .mode();
            assert!(mode & 0o111 != 0, "{script} is not executable");
        }
    }
}

#[test]
fn the_changelog_and_the_release_config_name_this_version_and_its_targets() {
    let changelog = std::fs::read_to_string(repo().join("CHANGELOG.md")).expect("CHANGELOG.md");
    assert!(
        changelog.contains(&format!("\n## [{VERSION}]")),
        "CHANGELOG.md has no section for {VERSION}"
    );
    let dist = std::fs::read_to_string(repo().join("dist-workspace.toml")).expect("dist config");
    // The targets docs/release.md promises: one static Linux build per architecture (the image
    // and the Action take those), macOS on both, Windows.
    for target in [
        "x86_64-unknown-linux-gnu",
        "aarch64-unknown-linux-gnu",
        "x86_64-unknown-linux-musl",
        "aarch64-unknown-linux-musl",
        "x86_64-apple-darwin",
        "aarch64-apple-darwin",
        "x86_64-pc-windows-msvc",
    ] {
        assert!(
            dist.contains(&format!("\"{target}\"")),
            "{target} is not built"
        );
    }
    // The release workflow is dist's, for this dist version.
    let version = dist
        .lines()
        .find_map(|l| l.strip_prefix("cargo-dist-version = \""))
        .and_then(|l| l.strip_suffix('"'))
        .expect("cargo-dist-version");
    let workflow =
        std::fs::read_to_string(repo().join(".github/workflows/release.yml")).expect("release.yml");
    assert!(
        workflow.contains(&format!("cargo-dist/releases/download/v{version}/")),
        "release.yml was not generated by dist {version}: run `dist generate`"
    );
    // The image is published by the release, from its own binaries.
    assert!(workflow.contains("uses: $/.github/workflows/publish-image.yml"));
    let image = std::fs::read_to_string(repo().join(".github/workflows/publish-image.yml"))
        .expect("publish-image.yml");
    assert!(image.contains("infra-verify-x86_64-unknown-linux-musl.tar.xz"));
    assert!(image.contains("infra-verify-aarch64-unknown-linux-musl.tar.xz"));
    assert!(image.contains("platforms: linux/amd64,linux/arm64"));
    let dockerfile = std::fs::read_to_string(repo().join("Dockerfile")).expect("Dockerfile");
    assert!(dockerfile.contains("ENTRYPOINT [\"infra-verify\"]"));
    assert!(
        dockerfile.contains("\nUSER 65532:65532\n"),
        "the image runs as non-root"
    );
}
