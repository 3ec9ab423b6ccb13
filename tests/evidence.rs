//! `infra-verify evidence`, offline from the bundled fixture snapshot: the bundle written, verified,
//! tampered with (exit 1 naming the file), signed, archived; report.html rendered in headless
//! Chromium; report.html and verdicts.json kept as snapshots. (Against moto, with raw AWS
//! responses: tests/live/evidence.rs.)

#[path = "support/browser.rs"]
mod browser;

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use predicates::prelude::*;

const FIXTURE: &str = "fixtures/staging.snapshot.json";

fn iv() -> Command {
    let mut c = Command::cargo_bin("infra-verify").expect("binary");
    c.current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("NO_COLOR", "1");
    c
}

/// `infra-verify evidence staging --snapshot FIXTURE --out OUT [extra]`, asserting exit 1 (the
/// fixture is not ready: the verdicts decide the exit code).
fn bundle(out: &Path, extra: &[&str]) {
    iv().args(["evidence", "staging", "--snapshot", FIXTURE, "--out"])
        .arg(out)
        .args(extra)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("wrote evidence bundle"))
        .stderr(predicate::str::contains(
            "No raw AWS responses are included: this bundle was built offline from the saved snapshot",
        ));
}

fn verify(bundle: &Path) -> (i32, String) {
    let out = iv()
        .args(["evidence", "verify"])
        .arg(bundle)
        .output()
        .expect("run");
    (
        out.status.code().unwrap_or(-1),
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    )
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for e in std::fs::read_dir(from).expect("ls").flatten() {
        let target = to.join(e.file_name());
        if e.path().is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), &target).expect("copy");
        }
    }
}

#[test]
fn an_offline_bundle_is_written_and_verifies() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("staging-evidence");
    bundle(&out, &[]);
    let mut names: Vec<String> = std::fs::read_dir(&out)
        .expect("ls")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "manifest.json",
            "report.html",
            "snapshot.json",
            "spec.resolved.yaml",
            "verdicts.json"
        ]
    );
    // The snapshot is the fixture, byte for byte (it is already the canonical form).
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("manifest.json")).expect("read"))
            .expect("json");
    assert_eq!(manifest["source"]["kind"], "snapshot");
    assert_eq!(manifest["source"]["snapshot_file"]["path"], FIXTURE);
    assert_eq!(manifest["raw_responses"]["included"], false);
    let (code, text) = verify(&out);
    assert_eq!(code, 0, "{text}");
    assert!(text.contains("INTACT:"), "{text}");
    assert!(text.contains("all 4 files match manifest.json"), "{text}");
    assert!(text.contains("signature: not signed"), "{text}");
    // The resolved spec and the snapshot give the verdicts again, offline.
    let again = iv()
        .arg("--spec")
        .arg(out.join("spec.resolved.yaml"))
        .arg("--snapshot")
        .arg(out.join("snapshot.json"))
        .args(["--format", "json"])
        .output()
        .expect("run");
    assert_eq!(again.status.code(), Some(1));
    let mut verdicts: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("verdicts.json")).expect("read"))
            .expect("json");
    // Each check's location is the line of the spec it was evaluated from: in the bundle, the
    // spec file of the run (specs/staging.yaml); evaluated again, spec.resolved.yaml.
    let mut files = std::collections::BTreeSet::new();
    for c in verdicts["checks"].as_array_mut().expect("checks") {
        assert_eq!(c["raw"], serde_json::json!([]), "offline: no raw responses");
        let c = c.as_object_mut().expect("object");
        c.remove("raw");
        let location = c.remove("location").expect("location");
        files.insert(location["file"].as_str().expect("file").to_string());
        assert!(
            location["line"].as_u64().is_some_and(|l| l > 1),
            "{location}"
        );
    }
    assert_eq!(
        files,
        std::collections::BTreeSet::from(["specs/staging.yaml".to_string()])
    );
    let mut again: serde_json::Value = serde_json::from_slice(&again.stdout).expect("json");
    let resolved = out.join("spec.resolved.yaml").display().to_string();
    for c in again["checks"].as_array_mut().expect("checks") {
        let location = c
            .as_object_mut()
            .expect("object")
            .remove("location")
            .expect("location");
        assert_eq!(location["file"], resolved.as_str());
    }
    assert_eq!(again, verdicts);
}

#[test]
fn tampering_exits_1_and_names_the_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let good = dir.path().join("good");
    bundle(&good, &[]);
    let case = |name: &str, change: &dyn Fn(&Path)| -> String {
        let copy = dir.path().join(name);
        copy_dir(&good, &copy);
        change(&copy);
        let (code, text) = verify(&copy);
        assert_eq!(code, 1, "{name}: {text}");
        assert!(text.contains("NOT INTACT"), "{text}");
        text
    };
    let text = case("altered", &|b| {
        let p = b.join("verdicts.json");
        let mut bytes = std::fs::read(&p).expect("read");
        let i = bytes.len() / 2;
        bytes[i] ^= 0x20;
        std::fs::write(&p, bytes).expect("write");
    });
    assert!(text.contains("altered: verdicts.json"), "{text}");
    let text = case("added", &|b| {
        std::fs::create_dir(b.join("raw")).expect("mkdir");
        std::fs::write(b.join("raw/0001-S3-ListBuckets.json"), "{}").expect("write");
    });
    assert!(
        text.contains("added: raw/0001-S3-ListBuckets.json"),
        "{text}"
    );
    let text = case("removed", &|b| {
        std::fs::remove_file(b.join("report.html")).expect("rm");
    });
    assert!(text.contains("removed: report.html"), "{text}");
    // Not a bundle at all: a usage error (2), not "altered".
    let empty = dir.path().join("empty");
    std::fs::create_dir(&empty).expect("mkdir");
    let (code, text) = verify(&empty);
    assert_eq!(code, 2, "{text}");
    assert!(
        text.contains("not an infra-verify evidence bundle"),
        "{text}"
    );
}

#[test]
fn an_existing_out_is_replaced_only_when_it_is_a_bundle_and_force_is_given() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("b");
    bundle(&out, &[]);
    iv().args(["evidence", "staging", "--snapshot", FIXTURE, "--out"])
        .arg(&out)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("give --force to replace it"));
    bundle(&out, &["--force"]);
    assert_eq!(verify(&out).0, 0);
    let mine = dir.path().join("mine");
    std::fs::create_dir(&mine).expect("mkdir");
    std::fs::write(mine.join("notes.md"), "keep").expect("write");
    iv().args([
        "evidence",
        "staging",
        "--snapshot",
        FIXTURE,
        "--force",
        "--out",
    ])
    .arg(&mine)
    .assert()
    .code(2)
    .stderr(predicate::str::contains("not an evidence bundle"));
    assert_eq!(
        std::fs::read_to_string(mine.join("notes.md")).expect("read"),
        "keep"
    );
}

#[test]
fn a_tar_gz_bundle_round_trips_and_tampering_inside_it_is_named() {
    let dir = tempfile::tempdir().expect("tempdir");
    let tgz = dir.path().join("staging-evidence.tar.gz");
    bundle(&tgz, &[]);
    let (code, text) = verify(&tgz);
    assert_eq!(code, 0, "{text}");
    assert!(text.contains("all 4 files match"), "{text}");
    // Unpacked with tar (one top directory), it is the same bundle.
    let unpacked = dir.path().join("unpacked");
    std::fs::create_dir(&unpacked).expect("mkdir");
    let file = std::fs::File::open(&tgz).expect("open");
    tar::Archive::new(flate2::read::GzDecoder::new(file))
        .unpack(&unpacked)
        .expect("unpack");
    let root = unpacked.join("staging-evidence");
    assert!(root.join("manifest.json").is_file());
    assert_eq!(verify(&root).0, 0);
    // Rebuilt with one byte of snapshot.json changed: named.
    let tampered = dir.path().join("tampered.tar.gz");
    let gz = flate2::write::GzEncoder::new(
        std::fs::File::create(&tampered).expect("create"),
        flate2::Compression::default(),
    );
    let mut tar = tar::Builder::new(gz);
    let p = root.join("snapshot.json");
    let mut bytes = std::fs::read(&p).expect("read");
    bytes[10] ^= 0x01;
    std::fs::write(&p, bytes).expect("write");
    tar.append_dir_all("staging-evidence", &root)
        .expect("append");
    tar.into_inner().expect("tar").finish().expect("gzip");
    let (code, text) = verify(&tampered);
    assert_eq!(code, 1, "{text}");
    assert!(text.contains("altered: snapshot.json"), "{text}");
}

fn write_keys(dir: &Path, seed: u8) -> (PathBuf, PathBuf) {
    use ed25519_dalek::pkcs8::{spki::der::pem::LineEnding, EncodePrivateKey, EncodePublicKey};
    let key = ed25519_dalek::SigningKey::from_bytes(&[seed; 32]);
    let private = dir.join(format!("key{seed}.pem"));
    let public = dir.join(format!("key{seed}.pub.pem"));
    std::fs::write(
        &private,
        key.to_pkcs8_pem(LineEnding::LF).expect("pem").as_bytes(),
    )
    .expect("write");
    std::fs::write(
        &public,
        key.verifying_key()
            .to_public_key_pem(LineEnding::LF)
            .expect("pem"),
    )
    .expect("write");
    (private, public)
}

#[test]
fn a_signed_bundle_verifies_with_its_key_and_fails_with_another() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (private, public) = write_keys(dir.path(), 1);
    let (_, other) = write_keys(dir.path(), 2);
    let out = dir.path().join("signed");
    bundle(&out, &["--sign-key", private.to_str().expect("utf-8")]);
    assert_eq!(
        std::fs::read(out.join("manifest.sig")).expect("sig").len(),
        64
    );
    let run = |key: &Path| {
        let o = iv()
            .args(["evidence", "verify"])
            .arg(&out)
            .arg("--pubkey")
            .arg(key)
            .output()
            .expect("run");
        (
            o.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&o.stdout).into_owned(),
        )
    };
    let (code, text) = run(&public);
    assert_eq!(code, 0, "{text}");
    assert!(text.contains("signature: valid"), "{text}");
    let (code, text) = run(&other);
    assert_eq!(code, 1, "{text}");
    assert!(
        text.contains("signature: manifest.sig is not a valid signature"),
        "{text}"
    );
    // A private key where a public one belongs (and the reverse): usage errors before anything.
    iv().args(["evidence", "verify"])
        .arg(&out)
        .arg("--pubkey")
        .arg(&private)
        .assert()
        .code(2);
    iv().args(["evidence", "staging", "--snapshot", FIXTURE, "--out"])
        .arg(dir.path().join("never"))
        .arg("--sign-key")
        .arg(&public)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("PKCS#8"));
    assert!(!dir.path().join("never").exists());
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).expect("read")
}

/// Times of this run and hashes of files that change with every spec edit, replaced.
fn normalised(text: &str) -> String {
    let time = regex::Regex::new(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z").expect("re");
    let hash = regex::Regex::new(r"\b[0-9a-f]{64}\b").expect("re");
    let uuid =
        regex::Regex::new(r"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b")
            .expect("re");
    let text = time.replace_all(text, "<time>");
    let text = hash.replace_all(&text, "<sha256>");
    uuid.replace_all(&text, "<run-id>").into_owned()
}

#[test]
fn the_report_and_verdicts_are_kept_as_snapshots() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("b");
    bundle(&out, &[]);
    insta::assert_snapshot!(
        "evidence_report_html",
        normalised(&read(&out.join("report.html")))
    );
    insta::assert_snapshot!(
        "evidence_verdicts_json",
        normalised(&read(&out.join("verdicts.json")))
    );
}

#[test]
fn the_report_reads_right_in_a_browser_and_prints() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("b");
    bundle(&out, &[]);
    let html = read(&out.join("report.html"));
    browser::assert_no_external_assets(&html);
    let text = browser::visible_text(&html);
    let fixture: serde_json::Value = serde_json::from_str(&read(std::path::Path::new(
        "fixtures/staging.snapshot.json",
    )))
    .expect("fixture");
    let observed_at = format!(
        "Observed at\t{}",
        fixture["metadata"]["taken_at"].as_str().expect("taken_at")
    );
    for needle in [
        "Evidence: staging",
        "NOT READY: 74 checks: 70 passed, 4 failed, 0 missing, 0 errors",
        "AWS account\t123456789012",
        &observed_at,
        "specs/base.yaml",
        "No raw AWS responses are included: this bundle was built offline from the saved snapshot fixtures/staging.snapshot.json",
        "Control ISMS-P-2.9.3",
        "Not mapped to a control",
        "infra-verify evidence verify BUNDLE",
    ] {
        assert!(text.contains(needle), "`{needle}` not visible in:\n{text}");
    }
    // The failing backup check, with expected, actual, verdict and control on its row.
    let row = text
        .lines()
        .skip_while(|l| !l.starts_with("rds_instance/dorami-staging/backup_retention_period"))
        .take(4)
        .collect::<Vec<_>>()
        .join("\n");
    assert!(
        row.contains("at least 7\t1\tfail\tISMS-P-2.9.3\tnone: built from a snapshot"),
        "{row}\n---\n{text}"
    );
    assert!(browser::pdf_len(&html) > 1000, "printable to PDF");
}

/// docs/evidence.md's ISMS-P and SOC 2 mapping examples are valid specs (attribute names and
/// values checked by `validate`), and the README points at the page.
#[test]
fn the_control_mapping_examples_in_the_docs_validate() {
    let doc = read(Path::new("docs/evidence.md"));
    let blocks: Vec<&str> = doc
        .split("```yaml\n")
        .skip(1)
        .filter_map(|b| b.split("```").next())
        .collect();
    assert_eq!(blocks.len(), 2, "the ISMS-P and the SOC 2 example");
    let dir = tempfile::tempdir().expect("tempdir");
    for (i, block) in blocks.iter().enumerate() {
        assert!(block.contains("controls: ["), "{block}");
        let spec = dir.path().join(format!("example{i}.yaml"));
        std::fs::write(
            &spec,
            format!("version: 1\nenvironment: example\naws: {{ region: ap-northeast-2 }}\n{block}"),
        )
        .expect("write");
        iv().arg("validate")
            .arg("--spec")
            .arg(&spec)
            .assert()
            .code(0)
            .stdout(predicate::str::contains("ok: environment `example`"));
    }
    assert!(read(Path::new("README.md")).contains("(docs/evidence.md)"));
}
