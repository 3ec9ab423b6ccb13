//! Unit tests of evidence bundles: hashing, the manifest, verification and signatures.

use std::path::Path;

use super::verify::{verify, verify_bundle, Problem, SignatureState};
use super::*;

fn fixture_bundle() -> (Bundle, Manifest) {
    let spec = crate::spec::load(Path::new("specs/staging.yaml")).expect("spec");
    let snap =
        Snapshot::load(Path::new("fixtures/staging.snapshot.json")).expect("fixture snapshot");
    let report = crate::evaluate::evaluate(&spec, &snap);
    let input = Input {
        spec: &spec,
        snapshot: &snap,
        report: &report,
        origin: Origin::Snapshot {
            path: "fixtures/staging.snapshot.json".into(),
            sha256: "0".repeat(64),
        },
        started_at: "2026-11-22T12:00:00.000Z".into(),
        finished_at: "2026-11-22T12:00:01.000Z".into(),
    };
    build(&input).expect("build")
}

fn key(seed: u8) -> ed25519_dalek::SigningKey {
    ed25519_dalek::SigningKey::from_bytes(&[seed; 32])
}

#[test]
fn sha256_is_the_standard_digest() {
    assert_eq!(
        sha256_hex(b"abc"),
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    );
    assert_eq!(
        sha256_hex(b""),
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    );
}

#[test]
fn the_run_id_depends_on_every_input_and_on_nothing_else() {
    let files = [FileHash {
        path: "specs/staging.yaml".into(),
        sha256: "aa".into(),
    }];
    let id = run_id(
        Some("123456789012"),
        "staging",
        "2026-11-22T10:00:00Z",
        "ss",
        &files,
    );
    // The same observation on any host: the same id, shaped as a UUID.
    assert_eq!(
        id,
        run_id(
            Some("123456789012"),
            "staging",
            "2026-11-22T10:00:00Z",
            "ss",
            &files
        )
    );
    assert_eq!(id.len(), 36);
    assert_eq!(id.matches('-').count(), 4);
    // The path a spec was read from does not matter; its bytes do.
    let moved = [FileHash {
        path: "/elsewhere/staging.yaml".into(),
        sha256: "aa".into(),
    }];
    assert_eq!(
        id,
        run_id(
            Some("123456789012"),
            "staging",
            "2026-11-22T10:00:00Z",
            "ss",
            &moved
        )
    );
    let edited = [FileHash {
        path: "specs/staging.yaml".into(),
        sha256: "ab".into(),
    }];
    for other in [
        run_id(
            Some("210987654321"),
            "staging",
            "2026-11-22T10:00:00Z",
            "ss",
            &files,
        ),
        run_id(
            Some("123456789012"),
            "production",
            "2026-11-22T10:00:00Z",
            "ss",
            &files,
        ),
        run_id(
            Some("123456789012"),
            "staging",
            "2026-11-22T10:00:01Z",
            "ss",
            &files,
        ),
        run_id(
            Some("123456789012"),
            "staging",
            "2026-11-22T10:00:00Z",
            "ss",
            &edited,
        ),
        run_id(None, "staging", "2026-11-22T10:00:00Z", "ss", &files),
        // Other facts under the same time.
        run_id(
            Some("123456789012"),
            "staging",
            "2026-11-22T10:00:00Z",
            "st",
            &files,
        ),
    ] {
        assert_ne!(id, other);
    }
}

#[test]
fn the_manifest_hashes_every_other_file_and_records_the_run() {
    let (bundle, manifest) = fixture_bundle();
    let names: Vec<&str> = bundle.files.keys().map(String::as_str).collect();
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
    assert_eq!(manifest.files.len(), 4);
    for (name, hash) in &manifest.files {
        assert_eq!(*hash, sha256_hex(&bundle.files[name]), "{name}");
    }
    assert!(!manifest.files.contains_key(MANIFEST));
    let json: serde_json::Value =
        serde_json::from_slice(&bundle.files[MANIFEST]).expect("manifest JSON");
    assert_eq!(json["tool"], "infra-verify");
    assert_eq!(json["tool_version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(json["environment"], "staging");
    assert_eq!(json["account_id"], "123456789012");
    assert_eq!(json["caller_arn"], "arn:aws:sts::123456789012:user/moto");
    assert_eq!(json["regions"], serde_json::json!(["ap-northeast-2"]));
    assert_eq!(json["started_at"], "2026-11-22T12:00:00.000Z");
    assert_eq!(json["finished_at"], "2026-11-22T12:00:01.000Z");
    assert_eq!(json["source"]["kind"], "snapshot");
    assert_eq!(json["raw_responses"]["included"], false);
    assert!(json["raw_responses"]["note"]
        .as_str()
        .is_some_and(|n| n.starts_with("No raw AWS responses are included")));
    // Every spec file, the base it extends included, with its hash.
    let spec_files: Vec<&str> = json["spec"]["files"]
        .as_array()
        .expect("files")
        .iter()
        .map(|f| f["path"].as_str().unwrap_or_default())
        .collect();
    assert_eq!(spec_files, ["specs/staging.yaml", "specs/base.yaml"]);
    assert_eq!(
        json["spec"]["files"][1]["sha256"],
        sha256_hex(&std::fs::read("specs/base.yaml").expect("base"))
    );
    assert_eq!(json["run_id"], manifest.run_id);
    // The same inputs build the same bundle, byte for byte.
    assert_eq!(fixture_bundle().0, bundle);
}

#[test]
fn an_intact_bundle_verifies() {
    let (bundle, _) = fixture_bundle();
    let v = verify_bundle(&bundle, None).expect("verify");
    assert!(v.intact(), "{:?}", v.problems);
    assert_eq!(v.listed, 4);
    assert_eq!(v.signature, SignatureState::Unsigned);
    assert_eq!(v.environment, "staging");
}

#[test]
fn altering_adding_or_removing_one_byte_in_any_file_is_named() {
    let (bundle, manifest) = fixture_bundle();
    for name in manifest.files.keys() {
        // One byte changed, in the middle.
        let mut altered = bundle.clone();
        let bytes = altered.files.get_mut(name).expect("file");
        let mid = bytes.len() / 2;
        bytes[mid] ^= 0x01;
        let v = verify_bundle(&altered, None).expect("verify");
        assert_eq!(v.problems, [Problem::Altered(name.clone())], "{name}");
        // One byte added at the end.
        let mut grown = bundle.clone();
        grown.files.get_mut(name).expect("file").push(b' ');
        let v = verify_bundle(&grown, None).expect("verify");
        assert_eq!(v.problems, [Problem::Altered(name.clone())], "{name}");
        // One byte removed.
        let mut shrunk = bundle.clone();
        shrunk.files.get_mut(name).expect("file").pop();
        let v = verify_bundle(&shrunk, None).expect("verify");
        assert_eq!(v.problems, [Problem::Altered(name.clone())], "{name}");
        // The whole file removed.
        let mut removed = bundle.clone();
        removed.files.remove(name);
        let v = verify_bundle(&removed, None).expect("verify");
        assert_eq!(v.problems, [Problem::Removed(name.clone())], "{name}");
    }
    // A file of one byte added anywhere.
    for extra in ["x", "raw/0099-S3-ListBuckets.json", ".hidden"] {
        let mut added = bundle.clone();
        added.files.insert(extra.into(), b"x".to_vec());
        let v = verify_bundle(&added, None).expect("verify");
        assert_eq!(v.problems, [Problem::Added(extra.into())]);
    }
    // The manifest itself changed (one hash edited): the file it no longer matches is named.
    let mut forged = bundle.clone();
    let text = String::from_utf8(forged.files[MANIFEST].clone()).expect("utf-8");
    let h = &manifest.files["report.html"];
    let edited = text.replace(h.as_str(), &"0".repeat(64));
    forged.files.insert(MANIFEST.into(), edited.into_bytes());
    let v = verify_bundle(&forged, None).expect("verify");
    assert_eq!(v.problems, [Problem::Altered("report.html".into())]);
    // No manifest at all: not a bundle (a usage error, not "altered").
    let mut none = bundle;
    none.files.remove(MANIFEST);
    assert!(verify_bundle(&none, None).is_err());
}

#[test]
fn a_signature_made_with_one_key_fails_with_another() {
    let (mut bundle, _) = fixture_bundle();
    bundle.sign(&key(1));
    assert_eq!(bundle.files[SIGNATURE].len(), 64);
    let right = key(1).verifying_key();
    let wrong = key(2).verifying_key();
    let v = verify_bundle(&bundle, Some(&right)).expect("verify");
    assert!(v.intact(), "{:?}", v.problems);
    assert!(matches!(v.signature, SignatureState::Valid(_)));
    let v = verify_bundle(&bundle, Some(&wrong)).expect("verify");
    assert!(!v.intact());
    assert!(matches!(v.problems[..], [Problem::Signature(_)]));
    // Without a key the signature is reported as not checked; the hashes still are.
    let v = verify_bundle(&bundle, None).expect("verify");
    assert!(v.intact());
    assert_eq!(v.signature, SignatureState::NotChecked);
    // A manifest edited after signing fails the signature.
    let mut edited = bundle.clone();
    edited
        .files
        .get_mut(MANIFEST)
        .expect("manifest")
        .extend_from_slice(b"\n");
    let v = verify_bundle(&edited, Some(&right)).expect("verify");
    assert!(matches!(v.problems[..], [Problem::Signature(_)]));
    // A key given for an unsigned bundle: not intact.
    let (unsigned, _) = fixture_bundle();
    let v = verify_bundle(&unsigned, Some(&right)).expect("verify");
    assert!(matches!(v.problems[..], [Problem::Signature(_)]));
}

#[test]
fn pem_keys_load_and_other_files_are_refused() {
    use ed25519_dalek::pkcs8::{spki::der::pem::LineEnding, EncodePrivateKey, EncodePublicKey};
    let dir = tempfile::tempdir().expect("tempdir");
    let private = dir.path().join("key.pem");
    let public = dir.path().join("key.pub.pem");
    let k = key(7);
    std::fs::write(
        &private,
        k.to_pkcs8_pem(LineEnding::LF).expect("pem").as_bytes(),
    )
    .expect("write");
    std::fs::write(
        &public,
        k.verifying_key()
            .to_public_key_pem(LineEnding::LF)
            .expect("pem"),
    )
    .expect("write");
    let loaded = sign::load_signing_key(&private).expect("private key");
    assert_eq!(loaded.to_bytes(), k.to_bytes());
    let loaded = sign::load_verifying_key(&public).expect("public key");
    assert_eq!(loaded, k.verifying_key());
    // A public key is not a private key, and vice versa; a missing file says so.
    let e = sign::load_signing_key(&public).expect_err("not a private key");
    assert!(e.to_string().contains("PKCS#8"), "{e}");
    let e = sign::load_verifying_key(&private).expect_err("not a public key");
    assert!(e.to_string().contains("SubjectPublicKeyInfo"), "{e}");
    let e = sign::load_signing_key(&dir.path().join("nope.pem")).expect_err("missing");
    assert!(e.to_string().contains("cannot read the key file"), "{e}");
}

#[test]
fn written_bundles_verify_as_directories_and_archives_and_targets_are_guarded() {
    let (bundle, _) = fixture_bundle();
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("bundle");
    write(&bundle, &out, false).expect("write");
    assert!(verify(&out, None).expect("verify").intact());
    // Nothing but the bundle was left next to it (no temporary directory).
    let left: Vec<_> = std::fs::read_dir(dir.path())
        .expect("ls")
        .flatten()
        .map(|e| e.file_name())
        .collect();
    assert_eq!(left, [std::ffi::OsString::from("bundle")]);
    // A previous bundle is replaced only with force.
    let e = write(&bundle, &out, false).expect_err("exists");
    assert!(e.to_string().contains("--force"), "{e}");
    write(&bundle, &out, true).expect("forced");
    assert!(verify(&out, None).expect("verify").intact());
    // A directory with other files in it is never replaced.
    let other = dir.path().join("other");
    std::fs::create_dir(&other).expect("mkdir");
    std::fs::write(other.join("notes.txt"), "mine").expect("write");
    assert!(write(&bundle, &other, true).is_err());
    assert_eq!(
        std::fs::read_to_string(other.join("notes.txt")).expect("read"),
        "mine"
    );
    // An empty directory is filled.
    let empty = dir.path().join("empty");
    std::fs::create_dir(&empty).expect("mkdir");
    write(&bundle, &empty, false).expect("write into empty dir");
    assert!(verify(&empty, None).expect("verify").intact());
    // Archives: written whole, read in memory, refused to overwrite without force.
    let tgz = dir.path().join("staging-evidence.tar.gz");
    write(&bundle, &tgz, false).expect("archive");
    let v = verify(&tgz, None).expect("verify archive");
    assert!(v.intact(), "{:?}", v.problems);
    assert_eq!(v.listed, 4);
    assert!(write(&bundle, &tgz, false).is_err());
    write(&bundle, &tgz, true).expect("forced archive");
    // A missing parent directory is refused before anything is written.
    assert!(check_target(&dir.path().join("no/such/dir"), false).is_err());
}

#[test]
fn the_resolved_spec_loads_again_and_evaluates_to_the_same_verdicts() {
    let spec = crate::spec::load(Path::new("specs/staging.yaml")).expect("spec");
    let snap = Snapshot::load(Path::new("fixtures/staging.snapshot.json")).expect("snapshot");
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("spec.resolved.yaml");
    std::fs::write(&path, resolved_spec_yaml(&spec)).expect("write");
    let again = crate::spec::load(&path).expect("the resolved spec is a valid spec");
    assert_eq!(
        again.files,
        std::slice::from_ref(&path),
        "it extends nothing"
    );
    let mut a = crate::evaluate::evaluate(&spec, &snap);
    let mut b = crate::evaluate::evaluate(&again, &snap);
    // The same verdicts; each located in the file it was evaluated from.
    let resolved = path.display().to_string();
    assert!(a
        .checks
        .iter()
        .all(|c| c.location.file == "specs/staging.yaml"));
    assert!(b.checks.iter().all(|c| c.location.file == resolved));
    for c in a.checks.iter_mut().chain(b.checks.iter_mut()) {
        c.location = crate::evaluate::SpecLocation {
            file: String::new(),
            line: 0,
            column: 0,
        };
    }
    assert_eq!(
        serde_json::to_value(&a).expect("json"),
        serde_json::to_value(&b).expect("json")
    );
}

/// A `regions:` entry, expanded to one resource per region when loaded, is one entry again in
/// the resolved spec, which loads to the same resources.
#[test]
fn the_resolved_spec_keeps_regions_entries_whole() {
    let spec = crate::spec::from_str(
        Path::new("inline.yaml"),
        "version: 1\nenvironment: p\naws: { regions: [ap-northeast-2, us-east-1] }\nresources:\n  - kind: guardduty_detector\n    id: current\n    regions: all\n    expect: { status: ENABLED }\n  - kind: secret\n    id: s\n    region: us-east-1\n",
    )
    .expect("spec");
    let text = resolved_spec_yaml(&spec);
    assert!(
        text.contains(r#""regions":["ap-northeast-2","us-east-1"]"#),
        "{text}"
    );
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("spec.resolved.yaml");
    std::fs::write(&path, &text).expect("write");
    let again = crate::spec::load(&path).expect("the resolved spec is a valid spec");
    let keys = |s: &crate::spec::Spec| -> Vec<(String, Option<String>)> {
        s.resources
            .iter()
            .map(|r| (r.key(), r.region.clone()))
            .collect()
    };
    assert_eq!(keys(&again), keys(&spec));
    assert_eq!(again.aws, spec.aws);
}

#[test]
fn checks_link_to_the_calls_of_their_operation_that_name_their_resource() {
    use capture::{RawCall, RawRequest, RawResponse};
    let spec = crate::spec::from_str(
        Path::new("inline.yaml"),
        "version: 1\nenvironment: staging\nresources:\n  - kind: s3_bucket\n    id: a\n    expect: { versioning: Enabled }\n  - kind: s3_bucket\n    id: b\n    exists: false\n  - kind: rds_instance\n    id: db\n    expect: { multi_az: false }\n  - kind: route53_domain\n    id: dorami.com\n    expect: { registrar: GANDI SAS }\n",
    )
    .expect("spec");
    let call = |op: &str, uri: &str, body: &str| RawCall {
        service: if op.starts_with("Describe") {
            "RDS"
        } else {
            "S3"
        }
        .into(),
        operation: op.into(),
        action: None,
        region: Some("ap-northeast-2".into()),
        attempt: 1,
        sent_at: format!("2026-11-22T10:00:00.{:03}Z", uri.len()),
        received_at: String::new(),
        request: RawRequest {
            method: "GET".into(),
            uri: uri.into(),
            body: None,
        },
        response: Some(RawResponse {
            status: 200,
            request_id: Some("r".into()),
            headers: Default::default(),
            body: body.into(),
            body_encoding: "utf-8".into(),
            body_sha256: String::new(),
            body_bytes: body.len(),
            redacted: Vec::new(),
        }),
        error: None,
    };
    let raw = vec![
        call("ListBuckets", "/", "<Name>a</Name>"),
        call(
            "GetBucketVersioning",
            "/a?versioning",
            "<Status>Enabled</Status>",
        ),
        call(
            "GetBucketVersioning",
            "/zz?versioning",
            "<Status>Suspended</Status>",
        ),
        call(
            "DescribeDBInstances",
            "/x",
            "<DBInstanceIdentifier>db</DBInstanceIdentifier>",
        ),
        // Route 53 Domains answers in us-east-1 only, whatever the run's region.
        RawCall {
            service: "Route53Domains".into(),
            region: Some("us-east-1".into()),
            ..call("GetDomainDetail", "/", r#"{"DomainName":"dorami.com"}"#)
        },
    ];
    let names = raw_names(&raw);
    let snap = Snapshot {
        snapshot_version: crate::snapshot::SNAPSHOT_VERSION,
        metadata: crate::snapshot::Metadata {
            tool: "infra-verify".into(),
            tool_version: "0".into(),
            taken_at: "2026-11-22T10:00:00Z".into(),
            environment: "staging".into(),
            account_id: None,
            region: Some("ap-northeast-2".into()),
            caller_arn: None,
            endpoint: None,
            connect_to: Default::default(),
            api_calls: Default::default(),
            api_retries: Default::default(),
        },
        resources: Vec::new(),
    };
    let report = crate::evaluate::evaluate(&spec, &snap);
    let links = check_links(&spec, &report, &names);
    let by_id: BTreeMap<&str, &Vec<String>> = report
        .checks
        .iter()
        .map(|c| c.id.as_str())
        .zip(&links)
        .collect();
    let list = names
        .iter()
        .find(|(_, c)| c.operation == "ListBuckets")
        .map(|(n, _)| n.clone())
        .expect("list");
    let versioning_a = names
        .iter()
        .find(|(_, c)| c.request.uri == "/a?versioning")
        .map(|(n, _)| n.clone())
        .expect("a");
    assert_eq!(by_id["s3_bucket/a/exists"], &vec![list.clone()]);
    assert_eq!(by_id["s3_bucket/a/versioning"], &vec![versioning_a]);
    // Absent: the whole list is the evidence.
    assert_eq!(by_id["s3_bucket/b/exists"], &vec![list]);
    assert_eq!(by_id["rds_instance/db/multi_az"].len(), 1);
    assert!(by_id["rds_instance/db/multi_az"][0].ends_with("-RDS-DescribeDBInstances.json"));
    assert_eq!(by_id["route53_domain/dorami.com/registrar"].len(), 1);
    assert!(by_id["route53_domain/dorami.com/registrar"][0]
        .ends_with("-Route53Domains-GetDomainDetail.json"));
}
