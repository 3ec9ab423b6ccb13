//! Checklist parsing, linking and ticking, on inline checklists and fixture-like specs.

use std::path::Path;

use proptest::prelude::*;

use super::*;
use crate::evaluate::evaluate;
use crate::snapshot::Snapshot;

fn parse(text: &str) -> Checklist {
    Checklist::parse(Path::new("c.md"), text.to_string())
}

#[test]
fn finds_task_items_of_every_list_style_and_nothing_else() {
    let text = "# T\n\n- [ ] dash\n* [x] star\n+ [X] plus\n1. [ ] numbered\n   - [ ] nested\n\n```\n- [ ] fenced\n```\n\n    - [ ] indented code\n\n- [💡] idea\n- [-] n/a\n- [✅➡️📝] done then note\n- plain item\n";
    let list = parse(text);
    let texts: Vec<(&str, bool, usize)> = list
        .items
        .iter()
        .map(|i| (i.text.as_str(), i.checked, i.line))
        .collect();
    assert_eq!(
        texts,
        [
            ("dash", false, 3),
            ("star", true, 4),
            ("plus", true, 5),
            ("numbered", false, 6),
            ("nested", false, 7)
        ]
    );
    assert_eq!(list.items[4].parent, Some(3));
    assert_eq!(list.items[3].children, [4]);
    assert_eq!(
        &text[list.items[1].check_byte..list.items[1].check_byte + 1],
        "x"
    );
}

#[test]
fn context_holds_headings_and_parent_items() {
    let list = parse("# 🚀 Launch\n\n## Staging RDS\n\n- [ ] **Parent** item:\n  - [ ] child\n\n## Other\n\n- [ ] child\n");
    assert_eq!(list.items[0].normalized, "parent item");
    assert_eq!(
        list.items[1].context,
        ["🚀 launch", "staging rds", "parent item"]
    );
    assert_eq!(list.items[2].context, ["🚀 launch", "other"]);
}

#[test]
fn normalisation_ignores_case_emphasis_spacing_and_trailing_punctuation() {
    assert_eq!(
        normalize("  **Backups**   kept _7_ days.  "),
        "backups kept 7 days"
    );
    assert_eq!(
        normalize("Multi-AZ: No <!-- infra-verify: verified 2026-01-01 -->"),
        "multi-az: no"
    );
    assert_eq!(normalize("외부 접근 차단!"), "외부 접근 차단");
}

#[test]
fn references_resolve_by_text_or_by_path() {
    let list = parse("## Staging\n\n- [ ] Security group configured\n- [ ] Unique\n\n## Production\n\n- [ ] RDS\n  - [ ] Security group configured\n");
    assert_eq!(list.resolve("unique."), Ok(1));
    assert_eq!(list.resolve("Staging > Security group configured"), Ok(0));
    assert_eq!(
        list.resolve("Production > RDS > Security group configured"),
        Ok(3)
    );
    assert_eq!(list.resolve("RDS > Security group configured"), Ok(3));
    let many = list
        .resolve("Security group configured")
        .expect_err("ambiguous");
    assert_eq!(
        many,
        "\"Security group configured\" matches 2 items of c.md: line 3 under \"staging\", line 9 under \"rds\"; name a heading or parent item too, as \"<heading> > Security group configured\""
    );
    let none = list.resolve("Uniq").expect_err("missing");
    assert_eq!(
        none,
        "no item of c.md matches \"Uniq\"; did you mean \"Unique\" (line 4)?"
    );
    assert!(list.resolve("Production > Unique").is_err());
}

/// Alarm lines are written with ` > ` in them ("CPU 사용률 > 80%"): a line's whole text names
/// it first; where the text repeats, a path names it, with the line's own ` > ` written `\>`
/// or left as it is when the split names nothing else.
#[test]
fn lines_with_the_path_separator_in_their_text_are_linked() {
    let list = parse(
        "## 스테이징 모니터링\n\n- [ ] CPU 사용률 > 80%\n- [ ] 5xx 에러율 > 1%\n\n## 프로덕션 모니터링\n\n- [ ] CPU 사용률 > 80%\n- [ ] 응답 시간 > 1초\n",
    );
    assert_eq!(list.resolve("5xx 에러율 > 1%"), Ok(1));
    assert_eq!(list.resolve("응답 시간 > 1초"), Ok(3));
    assert_eq!(
        list.resolve("스테이징 모니터링 > CPU 사용률 \\> 80%"),
        Ok(0)
    );
    assert_eq!(list.resolve("프로덕션 모니터링 > CPU 사용률 > 80%"), Ok(2));
    assert_eq!(list.resolve("프로덕션 > CPU 사용률 \\> 80%"), Ok(2));
    // The repeated line alone is ambiguous, and says how to name one.
    let many = list.resolve("CPU 사용률 > 80%").expect_err("ambiguous");
    assert!(many.contains("matches 2 items"), "{many}");
    // An escaped separator is never a path separator.
    assert!(list.resolve("CPU 사용률 \\> 80% > 스테이징").is_err());
    assert_eq!(crate::checklist::escape_part("CPU > 80%"), "CPU \\> 80%");
}

const SPEC: &str = "version: 1\nenvironment: t\nresources:\n  - kind: s3_bucket\n    id: a\n    item: \"Bucket a\"\n    expect:\n      versioning: { equals: Enabled, item: \"a > versioning on\" }\n      tags: { contains: { Env: t }, item: \"a > tagged\" }\n  - kind: s3_bucket\n    id: b\n    item: \"Bucket b\"\n    expect: { versioning: Enabled }\n";

fn snapshot(a_versioning: &str, b: &str) -> Snapshot {
    Snapshot::from_json(
        "t",
        &format!(
            r#"{{"snapshot_version": 1, "metadata": {{"tool": "infra-verify", "tool_version": "0", "taken_at": "2026-03-04T05:06:07Z",
            "environment": "t", "account_id": null, "region": null, "caller_arn": null}},
            "resources": [
              {{"kind": "s3_bucket", "id": "a", "status": "present", "attributes": {{"versioning": "{a_versioning}", "tags": {{"Env": "t"}}}}}},
              {b}
            ]}}"#
        ),
    )
    .expect("snapshot")
}

const B_OK: &str = r#"{"kind": "s3_bucket", "id": "b", "status": "present", "attributes": {"versioning": "Enabled"}}"#;
const B_DENIED: &str =
    r#"{"kind": "s3_bucket", "id": "b", "status": "error", "error": "AccessDenied"}"#;

fn run(text: &str, snap: &Snapshot) -> (String, Vec<Action>) {
    let spec = crate::spec::from_str(Path::new("s.yaml"), SPEC).expect("spec");
    let list = parse(text);
    let links = link(&spec, &list).expect("links");
    let out = tick(&list, &links, &evaluate(&spec, snap), "2026-03-04");
    (out.text, out.actions)
}

const LIST: &str = "# Buckets\r\n\r\n- [ ] Bucket a\r\n  - [ ] versioning on\r\n  - [ ] tagged  \r\n- [ ] Bucket b\r\n- [x] Person ticked\r\n";

#[test]
fn ticks_passing_items_and_parents_changing_only_their_lines() {
    let (text, actions) = run(LIST, &snapshot("Enabled", B_OK));
    assert_eq!(
        text,
        "# Buckets\r\n\r\n- [x] Bucket a <!-- infra-verify: verified 2026-03-04 by t -->\r\n  - [x] versioning on <!-- infra-verify: verified 2026-03-04 by t -->\r\n  - [x] tagged <!-- infra-verify: verified 2026-03-04 by t -->  \r\n- [x] Bucket b <!-- infra-verify: verified 2026-03-04 by t -->\r\n- [x] Person ticked\r\n"
    );
    assert_eq!(
        actions,
        [
            Action::Tick,
            Action::Tick,
            Action::Tick,
            Action::Tick,
            Action::Untouched
        ]
    );
    // Idempotent: a second run changes nothing, whatever the date.
    let spec = crate::spec::from_str(Path::new("s.yaml"), SPEC).expect("spec");
    let list = parse(&text);
    let links = link(&spec, &list).expect("links");
    let again = tick(
        &list,
        &links,
        &evaluate(&spec, &snapshot("Enabled", B_OK)),
        "2027-01-01",
    );
    assert_eq!(again.text, text);
    assert!(again.actions[..4]
        .iter()
        .all(|a| *a == Action::AlreadyTicked));
}

#[test]
fn failing_checks_leave_items_unticked_and_untick_only_infra_verify_ticks() {
    let (ticked, _) = run(LIST, &snapshot("Enabled", B_OK));
    // A person ticks the "Bucket b" line's sibling by hand; later versioning of a is suspended.
    let (text, actions) = run(&ticked, &snapshot("Suspended", B_OK));
    assert_eq!(
        text,
        "# Buckets\r\n\r\n- [ ] Bucket a <!-- infra-verify: unticked 2026-03-04, s3_bucket/a/versioning fail -->\r\n  - [ ] versioning on <!-- infra-verify: unticked 2026-03-04, s3_bucket/a/versioning fail -->\r\n  - [x] tagged <!-- infra-verify: verified 2026-03-04 by t -->  \r\n- [x] Bucket b <!-- infra-verify: verified 2026-03-04 by t -->\r\n- [x] Person ticked\r\n"
    );
    assert!(matches!(actions[0], Action::Untick(_)) && matches!(actions[1], Action::Untick(_)));
    // Once it passes again, the item is ticked and its marker replaced, not repeated.
    let (again, _) = run(&text, &snapshot("Enabled", B_OK));
    assert_eq!(again, ticked);
}

#[test]
fn unverified_checks_neither_tick_nor_untick() {
    let (ticked, _) = run(LIST, &snapshot("Enabled", B_OK));
    let (text, actions) = run(&ticked, &snapshot("Enabled", B_DENIED));
    assert_eq!(text, ticked, "an error is no reason to untick");
    assert_eq!(actions[3], Action::Unverified("s3_bucket/b/exists".into()));
    let (fresh, actions) = run(LIST, &snapshot("Enabled", B_DENIED));
    assert!(
        fresh.contains("- [ ] Bucket b\r\n"),
        "an error is no reason to tick either"
    );
    assert_eq!(actions[3], Action::Unverified("s3_bucket/b/exists".into()));
}

#[test]
fn a_parent_waits_for_unlinked_children_and_hand_ticks_are_kept() {
    let spec = crate::spec::from_str(
        Path::new("s.yaml"),
        "version: 1\nenvironment: t\nresources:\n  - kind: s3_bucket\n    id: b\n    expect: { versioning: { equals: Enabled, item: linked } }\n",
    )
    .expect("spec");
    let snap = snapshot("Enabled", B_OK);
    let report = evaluate(&spec, &snap);
    let go = |text: &str| {
        let list = parse(text);
        let links = link(&spec, &list).expect("links");
        tick(&list, &links, &report, "2026-03-04").text
    };
    // An unticked, unlinked sibling holds the parent back.
    assert_eq!(
        go("- [ ] parent\n  - [ ] linked\n  - [ ] manual\n"),
        "- [ ] parent\n  - [x] linked <!-- infra-verify: verified 2026-03-04 by t -->\n  - [ ] manual\n"
    );
    // Ticked by hand, it lets the parent be ticked.
    assert_eq!(
        go("- [ ] parent\n  - [ ] linked\n  - [x] manual\n"),
        "- [x] parent <!-- infra-verify: verified 2026-03-04 -->\n  - [x] linked <!-- infra-verify: verified 2026-03-04 by t -->\n  - [x] manual\n"
    );
    // A parent none of whose children infra-verify ticked is not infra-verify's business.
    assert_eq!(
        go("- [ ] parent\n  - [x] manual\n- [ ] linked\n"),
        "- [ ] parent\n  - [x] manual\n- [x] linked <!-- infra-verify: verified 2026-03-04 by t -->\n"
    );
}

#[test]
fn every_link_error_names_the_spec_position() {
    let spec = crate::spec::from_str(
        Path::new("s.yaml"),
        "version: 1\nenvironment: t\nresources:\n  - kind: s3_bucket\n    id: a\n    item: nowhere\n    expect:\n      versioning: { equals: Enabled, item: twice }\n",
    )
    .expect("spec");
    let list = parse("- [ ] twice\n- [ ] twice\n");
    let diags = link(&spec, &list).expect_err("bad links");
    let shown: Vec<String> = diags.iter().map(ToString::to_string).collect();
    assert_eq!(
        shown,
        [
            "s.yaml:6:11: no item of c.md matches \"nowhere\"",
            "s.yaml:8:44: \"twice\" matches 2 items of c.md: line 1, line 2; name a heading or parent item too, as \"<heading> > twice\"",
        ]
    );
}

#[test]
fn front_matter_tables_html_and_non_utf8_stay_out_of_the_way() {
    let text = "---\ntitle: \"- [ ] not an item\"\n---\n\n| a | b |\n|---|---|\n| - [ ] cell | x |\n\n<div>\n- [ ] html block\n</div>\n\n- [ ] real\n";
    let list = parse(text);
    let texts: Vec<&str> = list.items.iter().map(|i| i.text.as_str()).collect();
    assert_eq!(texts, ["real"]);
    let dir = tempfile::tempdir().expect("tempdir");
    let p = dir.path().join("bad.md");
    std::fs::write(&p, b"- [ ] \xff\n").expect("write");
    assert!(matches!(
        Checklist::load(&p),
        Err(ChecklistError::Invalid { .. })
    ));
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, .. ProptestConfig::default() })]

    /// Whatever the Markdown, a checklist none of whose items is linked comes out byte-identical,
    /// and a linked one changes only at its checkbox byte and its marker.
    #[test]
    fn unlinked_checklists_come_out_byte_identical(
        lines in proptest::collection::vec(
            prop_oneof![
                Just("- [ ] item".to_string()),
                Just("  * [x] nested **bold** ".to_string()),
                Just("1. [ ] numbered\r".to_string()),
                Just("```".to_string()),
                Just("# 제목 🚀".to_string()),
                Just("| a | - [ ] b |".to_string()),
                Just("- [💡] idea".to_string()),
                Just("    - [ ] code".to_string()),
                Just(String::new()),
                "[ -~가-힣]{0,20}",
            ],
            0..30,
        )
    ) {
        let text = lines.join("\n");
        let spec = crate::spec::from_str(Path::new("s.yaml"), SPEC).expect("spec");
        let list = parse(&text);
        let links: Links = vec![Vec::new(); list.items.len()];
        let report = evaluate(&spec, &snapshot("Enabled", B_OK));
        let out = tick(&list, &links, &report, "2026-03-04");
        prop_assert_eq!(out.text, text);
    }

    /// Whatever the Markdown, with every item linked to a passing check, ticking changes only
    /// checkbox characters and adds only infra-verify's markers; a second run changes nothing.
    /// (fuzz/fuzz_targets/checklist.rs checks the same on arbitrary bytes.)
    #[test]
    fn linked_checklists_change_only_at_checkboxes_and_markers(
        lines in proptest::collection::vec(
            prop_oneof![
                Just("- [ ] item".to_string()),
                Just("  * [x] nested **bold** ".to_string()),
                Just("  - [ ] child\r".to_string()),
                Just("1. [ ] numbered\r".to_string()),
                Just("```".to_string()),
                Just("# 제목 🚀".to_string()),
                Just("- [ ] done <!-- infra-verify: verified 2026-01-01 -->".to_string()),
                Just("- [💡] idea".to_string()),
                Just("> - [ ] quoted".to_string()),
                Just(String::new()),
                "[ -~가-힣]{0,20}",
            ],
            0..30,
        )
    ) {
        let text = lines.join("\n");
        let spec = crate::spec::from_str(Path::new("s.yaml"), SPEC).expect("spec");
        let report = evaluate(&spec, &snapshot("Enabled", B_OK));
        let list = parse(&text);
        let links: Links = vec![vec![(0, Target::Resource)]; list.items.len()];
        let out = tick(&list, &links, &report, "2026-03-04");
        let again = parse(&out.text);
        prop_assert_eq!(again.items.len(), list.items.len());
        prop_assert_eq!(neutral(&again, &out.text), neutral(&list, &text));
        let links: Links = vec![vec![(0, Target::Resource)]; again.items.len()];
        prop_assert_eq!(tick(&again, &links, &report, "2026-03-04").text, out.text);
    }
}

/// The text with infra-verify's markers removed and every checkbox unticked.
fn neutral(list: &Checklist, text: &str) -> String {
    let mut bytes = text.as_bytes().to_vec();
    let mut cuts: Vec<std::ops::Range<usize>> = Vec::new();
    for item in &list.items {
        if matches!(bytes[item.check_byte], b'x' | b'X') {
            bytes[item.check_byte] = b' ';
        }
        if let Some((range, _)) = &item.marker {
            cuts.push(range.clone());
        }
    }
    cuts.sort_by_key(|r| std::cmp::Reverse(r.start));
    for r in cuts {
        bytes.drain(r);
    }
    String::from_utf8_lossy(&bytes).into_owned()
}

/// One check answers several lines: `item:` takes a list, on an expectation and on a resource;
/// every line it names is ticked when the check passes, and unticked (infra-verify's tick only)
/// when it fails. A bad entry of the list is an error at that entry.
#[test]
fn one_check_ticks_every_line_of_an_item_list() {
    let spec_text = "version: 1\nenvironment: t\nresources:\n  - kind: s3_bucket\n    id: a\n    item: [\"Bucket a\", \"스토리지 > 버킷 생성\"]\n    expect:\n      versioning:\n        equals: Enabled\n        item:\n          - \"Gzip 압축\"\n          - \"Compression 활성화\"\n";
    let spec = crate::spec::from_str(Path::new("s.yaml"), spec_text).expect("spec");
    assert_eq!(spec.resources[0].more_items.len(), 1);
    assert_eq!(spec.resources[0].expectations[0].more_items.len(), 1);
    let text = "# 체크리스트\n\n## 배포\n\n- [ ] Bucket a\n- [ ] Gzip 압축\n\n## 스토리지\n\n- [ ] 버킷 생성\n\n## CDN\n\n- [ ] Compression 활성화\n";
    let list = parse(text);
    let links = link(&spec, &list).expect("links");
    let linked: Vec<usize> = (0..list.items.len())
        .filter(|&i| !links[i].is_empty())
        .collect();
    assert_eq!(linked, [0, 1, 2, 3]);
    let out = tick(
        &list,
        &links,
        &evaluate(&spec, &snapshot("Enabled", B_OK)),
        "2026-03-04",
    );
    assert_eq!(out.actions, vec![Action::Tick; 4]);
    for line in ["Bucket a", "Gzip 압축", "버킷 생성", "Compression 활성화"] {
        assert!(
            out.text.contains(&format!(
                "- [x] {line} <!-- infra-verify: verified 2026-03-04 by t -->"
            )),
            "{line}: {}",
            out.text
        );
    }
    // Versioning fails: both of its lines are unticked, and the resource's lines with them.
    let list = parse(&out.text);
    let again = tick(
        &list,
        &links,
        &evaluate(&spec, &snapshot("Suspended", B_OK)),
        "2026-03-05",
    );
    assert!(
        again.actions.iter().all(|a| matches!(a, Action::Untick(_))),
        "{:?}",
        again.actions
    );

    // A list entry that is not a line's text is an error at the entry.
    let bad = crate::spec::from_str(
        Path::new("s.yaml"),
        "version: 1\nenvironment: t\nresources:\n  - kind: s3_bucket\n    id: a\n    item: [\"Bucket a\", 3]\n",
    )
    .expect_err("invalid");
    let message = bad.to_string();
    assert!(message.contains("s.yaml:6:24"), "{message}");
    assert!(message.contains("a list of them, found"), "{message}");
    // A line of the list that names no item is a link error at that line.
    let missing = crate::spec::from_str(
        Path::new("s.yaml"),
        "version: 1\nenvironment: t\nresources:\n  - kind: s3_bucket\n    id: a\n    item:\n      - \"Bucket a\"\n      - \"Nowhere\"\n",
    )
    .expect("spec");
    let diags = link(&missing, &parse(text)).expect_err("a missing line");
    assert_eq!(diags.len(), 1);
    assert_eq!(diags[0].pos.map(|p| p.line), Some(8));
}

/// "ECR repository for nginx-rtmp created" ticks when the repository exists, even though its
/// scan-on-push check (another line) fails: `exists: { item: ... }` links the existence check
/// alone, at the resource or in `expect:`; a resource-level `item:` still takes every check.
#[test]
fn an_existence_line_ticks_on_existence_alone() {
    let spec_text = "version: 1\nenvironment: t\nresources:\n  - kind: s3_bucket\n    id: a\n    exists: { item: \"버킷 a 생성\" }\n    expect:\n      versioning: { equals: Enabled, item: \"버킷 a 버전 관리\" }\n  - kind: s3_bucket\n    id: b\n    item: \"Bucket b fully set\"\n    expect:\n      exists: { equals: true, item: [\"Bucket b created\"] }\n      versioning: Enabled\n";
    let spec = crate::spec::from_str(Path::new("s.yaml"), spec_text).expect("spec");
    assert_eq!(spec.resources[0].exists_items.len(), 1);
    assert_eq!(spec.resources[1].exists_items.len(), 1);
    assert!(spec.resources[1].exists);
    let text = "- [ ] 버킷 a 생성\n- [ ] 버킷 a 버전 관리\n- [ ] Bucket b created\n- [ ] Bucket b fully set\n";
    let list = parse(text);
    let links = link(&spec, &list).expect("links");
    // a exists but its versioning is suspended; b exists and is versioned.
    let snap = Snapshot::from_json(
        "t",
        r#"{"snapshot_version": 1, "metadata": {"tool": "infra-verify", "tool_version": "0", "taken_at": "2026-03-04T05:06:07Z",
            "environment": "t", "account_id": null, "region": null, "caller_arn": null},
            "resources": [
              {"kind": "s3_bucket", "id": "a", "status": "present", "attributes": {"versioning": "Suspended"}},
              {"kind": "s3_bucket", "id": "b", "status": "present", "attributes": {"versioning": "Enabled"}}
            ]}"#,
    )
    .expect("snapshot");
    let out = tick(&list, &links, &evaluate(&spec, &snap), "2026-03-04");
    assert_eq!(out.actions[0], Action::Tick, "{:?}", out.actions);
    assert!(
        matches!(out.actions[1], Action::Failing(_)),
        "{:?}",
        out.actions
    );
    assert_eq!(out.actions[2], Action::Tick);
    assert_eq!(out.actions[3], Action::Tick);
    // a gone: its existence line fails as missing.
    let gone = Snapshot::from_json(
        "t",
        r#"{"snapshot_version": 1, "metadata": {"tool": "infra-verify", "tool_version": "0", "taken_at": "2026-03-04T05:06:07Z",
            "environment": "t", "account_id": null, "region": null, "caller_arn": null},
            "resources": [
              {"kind": "s3_bucket", "id": "a", "status": "absent"},
              {"kind": "s3_bucket", "id": "b", "status": "present", "attributes": {"versioning": "Enabled"}}
            ]}"#,
    )
    .expect("snapshot");
    let out = tick(&list, &links, &evaluate(&spec, &gone), "2026-03-04");
    assert!(
        matches!(&out.actions[0], Action::Failing(r) if r.contains("missing")),
        "{:?}",
        out.actions
    );
    // A wrong key in `exists` is a spec error at the key.
    let bad = crate::spec::from_str(
        Path::new("s.yaml"),
        "version: 1\nenvironment: t\nresources:\n  - kind: s3_bucket\n    id: a\n    exists: { itme: x }\n",
    )
    .expect_err("invalid");
    assert!(
        bad.to_string()
            .contains("s.yaml:6:15: unknown key `itme` in `exists`"),
        "{bad}"
    );
}

/// Spec of environment `env`: bucket `env-a`, whose versioning answers the shared line and the
/// environment's own line.
fn env_spec(env: &str) -> Spec {
    crate::spec::from_str(
        Path::new("s.yaml"),
        &format!(
            "version: 1\nenvironment: {env}\nresources:\n  - kind: s3_bucket\n    id: {env}-a\n    expect:\n      versioning: {{ equals: Enabled, item: [\"공통 > 버전 관리 (versioning) > 켜짐\", \"{env} > versioning on\"] }}\n"
        ),
    )
    .expect("spec")
}

fn env_report(env: &str, versioning: &str, day: &str) -> Report {
    let snap = Snapshot::from_json(
        env,
        &format!(
            r#"{{"snapshot_version": 1, "metadata": {{"tool": "infra-verify", "tool_version": "0", "taken_at": "2026-03-{day}T05:06:07Z",
            "environment": "{env}", "account_id": null, "region": null, "caller_arn": null}},
            "resources": [{{"kind": "s3_bucket", "id": "{env}-a", "status": "present", "attributes": {{"versioning": "{versioning}"}}}}]}}"#
        ),
    )
    .expect("snapshot");
    evaluate(&env_spec(env), &snap)
}

/// Two environments' sections and a line both link; its own text holds the path separator.
const SHARED: &str = "## staging\n\n- [ ] versioning on\n\n## production\n\n- [ ] versioning on\n\n## 공통\n\n- [ ] 버전 관리 (versioning) > 켜짐\n";

/// Ticks `text` with the given environments' (name, versioning, day) in that order.
fn tick_with(text: &str, envs: &[(&str, &str, &str)], elsewhere: &[Vec<String>]) -> Outcome {
    let list = parse(text);
    let specs: Vec<Spec> = envs.iter().map(|(e, _, _)| env_spec(e)).collect();
    let links: Vec<Links> = specs
        .iter()
        .map(|s| link(s, &list).expect("links"))
        .collect();
    let reports: Vec<Report> = envs.iter().map(|(e, v, d)| env_report(e, v, d)).collect();
    let runs: Vec<EnvRun> = links
        .iter()
        .zip(&reports)
        .map(|(links, report)| EnvRun { links, report })
        .collect();
    let date = reports
        .iter()
        .filter_map(|r| r.source.taken_at.get(..10))
        .max()
        .expect("a date");
    tick_envs(&list, &runs, elsewhere, date)
}

/// A line several environments link ticks only when every one of them passes, and the file is
/// the same whatever the order the environments are given in, from any starting file.
#[test]
fn a_shared_line_ticks_only_when_every_environment_passes_in_any_order() {
    let states = ["Enabled", "Suspended"];
    let mut starts = vec![SHARED.to_string()];
    for first in states {
        for second in states {
            let forward = tick_with(
                SHARED,
                &[("staging", first, "04"), ("production", second, "05")],
                &[],
            );
            let backward = tick_with(
                SHARED,
                &[("production", second, "05"), ("staging", first, "04")],
                &[],
            );
            assert_eq!(forward.text, backward.text, "{first}/{second}");
            assert_eq!(forward.actions, backward.actions);
            let shared_ticked = forward
                .text
                .contains("- [x] 버전 관리 (versioning) > 켜짐 <!-- infra-verify: verified 2026-03-05 by production, staging -->");
            assert_eq!(
                shared_ticked,
                first == "Enabled" && second == "Enabled",
                "{first}/{second}: {}",
                forward.text
            );
            starts.push(forward.text);
        }
    }
    // From every file those runs leave, each order of every verdict gives one file.
    for start in &starts {
        for first in states {
            for second in states {
                let a = tick_with(
                    start,
                    &[("staging", first, "06"), ("production", second, "06")],
                    &[],
                );
                let b = tick_with(
                    start,
                    &[("production", second, "06"), ("staging", first, "06")],
                    &[],
                );
                assert_eq!(a.text, b.text);
            }
        }
    }
    // One failing environment: the reason names it, and the report shows both states.
    let out = tick_with(
        SHARED,
        &[
            ("staging", "Suspended", "04"),
            ("production", "Enabled", "04"),
        ],
        &[],
    );
    assert_eq!(
        out.actions[2],
        Action::Failing("staging: s3_bucket/staging-a/versioning fail".into())
    );
    let lines = out.lines(&parse(SHARED));
    assert_eq!(
        lines,
        [
            "c.md:3: failing: s3_bucket/staging-a/versioning fail: versioning on",
            "c.md:7: ticked: versioning on",
            "c.md:11: failing: staging: s3_bucket/staging-a/versioning fail: 버전 관리 (versioning) > 켜짐 [production: pass; staging: fail (s3_bucket/staging-a/versioning fail)]",
        ]
    );
}

/// A run of one environment never ticks a line another environment's spec also links: it says
/// so and leaves it; it unticks infra-verify's tick when its own check fails (the combined rule
/// fails then, whatever the other says).
#[test]
fn a_single_environment_leaves_shared_lines_to_the_combined_rule() {
    let production = vec![Vec::new(), Vec::new(), vec!["production".to_string()]];
    // Passing alone: not ticked, and said so.
    let alone = tick_with(SHARED, &[("staging", "Enabled", "04")], &production);
    assert_eq!(alone.actions[2], Action::Waiting(vec!["production".into()]));
    assert!(alone.text.contains("- [ ] 버전 관리 (versioning) > 켜짐\n"));
    assert!(alone.text.contains(
        "## staging\n\n- [x] versioning on <!-- infra-verify: verified 2026-03-04 by staging -->"
    ));
    assert_eq!(
        alone.lines(&parse(SHARED))[1],
        "c.md:11: left as it is: passes here, but `production` also links it (tick it with that environment together): 버전 관리 (versioning) > 켜짐 [production: not in this run; staging: pass]"
    );
    assert!(alone
        .summary(&parse(SHARED))
        .contains(", 1 left for a run with every environment that links them;"));
    // Ticked by both, then staging alone passes: left ticked; fails: unticked, naming staging.
    let both = tick_with(
        SHARED,
        &[
            ("staging", "Enabled", "04"),
            ("production", "Enabled", "04"),
        ],
        &[],
    );
    let again = tick_with(&both.text, &[("staging", "Enabled", "05")], &production);
    assert_eq!(again.text, both.text);
    let broken = tick_with(&both.text, &[("staging", "Suspended", "05")], &production);
    assert!(broken.text.contains("- [ ] 버전 관리 (versioning) > 켜짐 <!-- infra-verify: unticked 2026-03-05, staging: s3_bucket/staging-a/versioning fail -->"), "{}", broken.text);
    // And production alone, passing, does not tick it back.
    let staging = vec![Vec::new(), Vec::new(), vec!["staging".to_string()]];
    let back = tick_with(&broken.text, &[("production", "Enabled", "06")], &staging);
    assert_eq!(back.actions[2], Action::Waiting(vec!["staging".into()]));
    assert!(back
        .text
        .contains("- [ ] 버전 관리 (versioning) > 켜짐 <!-- infra-verify: unticked"));
}

/// The marker records who ticked a line; when the environments that decide it change, the
/// record is renewed, and a marker from before records existed is left as it is.
#[test]
fn the_marker_records_which_environments_ticked_a_line() {
    let list = parse("## staging\n\n- [x] versioning on <!-- infra-verify: verified 2026-03-01 -->\n\n## 공통\n\n- [x] 버전 관리 (versioning) > 켜짐 <!-- infra-verify: verified 2026-03-01 by staging, production -->\n");
    assert_eq!(list.items[0].recorded, None);
    assert_eq!(
        list.items[1].recorded,
        Some(vec!["production".to_string(), "staging".to_string()])
    );
    let out = tick_with(&list.text, &[("staging", "Enabled", "09")], &[]);
    assert_eq!(
        out.text,
        "## staging\n\n- [x] versioning on <!-- infra-verify: verified 2026-03-01 -->\n\n## 공통\n\n- [x] 버전 관리 (versioning) > 켜짐 <!-- infra-verify: verified 2026-03-09 by staging -->\n"
    );
    assert_eq!(out.actions, [Action::AlreadyTicked, Action::AlreadyTicked]);
    // Run again: nothing changes.
    assert_eq!(
        tick_with(&out.text, &[("staging", "Enabled", "10")], &[]).text,
        out.text
    );
}

/// The fuzz targets' report: environment `f`, one secret whose `exists` check (0) passes.
fn one_passing_check() -> Report {
    let spec = crate::spec::from_str(
        Path::new("f.yaml"),
        "version: 1\nenvironment: f\nresources:\n  - kind: secret\n    id: s\n",
    )
    .expect("spec");
    let snap = Snapshot::from_json(
        "f",
        r#"{"snapshot_version": 1, "metadata": {"tool": "infra-verify", "tool_version": "0", "taken_at": "2026-01-01T00:00:00Z", "environment": "f", "account_id": null, "region": null, "caller_arn": null}, "resources": [{"kind": "secret", "id": "s", "status": "present", "attributes": {}}]}"#,
    )
    .expect("snapshot");
    evaluate(&spec, &snap)
}

#[test]
fn an_item_without_text_is_left_as_it_is() {
    // Ticking it would put the marker first in the item, where `<!--` opens an HTML block and
    // the next lines become other items (found by fuzzing: fuzz/regressions/checklist/empty-item.md).
    let text = "- [ ] \n-Staging bucket\n2. [ ] Staging S3 bucket\n- [ ] real item\n";
    let list = parse(text);
    assert_eq!(
        list.items.len(),
        2,
        "{:?}",
        list.items.iter().map(|i| &i.text).collect::<Vec<_>>()
    );
    let report = one_passing_check();
    let links: Links = vec![vec![(0, Target::Resource)]; list.items.len()];
    let out = tick(&list, &links, &report, "2026-01-01");
    assert!(out.text.starts_with("- [ ] \n"), "{}", out.text);
    assert!(
        out.text
            .contains("- [x] real item <!-- infra-verify: verified"),
        "{}",
        out.text
    );
    assert_eq!(parse(&out.text).items.len(), 2, "{}", out.text);
}

#[test]
fn a_lone_cr_ends_the_line_the_marker_goes_on() {
    // CommonMark ends a line at a lone CR too: the marker goes before it, not after the text
    // Markdown reads as the next lines (found by fuzzing: fuzz/regressions/checklist/lone-cr.md).
    let text = "- [ ] ALB health check\r---\r\n- [ ] second\n";
    let list = parse(text);
    let before = list.items.len();
    let report = one_passing_check();
    let links: Links = vec![vec![(0, Target::Resource)]; before];
    let out = tick(&list, &links, &report, "2026-01-01");
    assert!(
        out.text.starts_with(
            "- [x] ALB health check <!-- infra-verify: verified 2026-01-01 by f -->\r---\r\n"
        ),
        "{:?}",
        out.text
    );
    assert_eq!(parse(&out.text).items.len(), before, "{:?}", out.text);
}
