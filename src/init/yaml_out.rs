//! Writing YAML values so that they read back exactly: strings that a YAML reader (1.1 or 1.2)
//! would take for something else (`16.4`, `on`, `no`, `null`, `2026-01-01`, `*`, `a: b`) are
//! double-quoted, numbers and booleans are written bare, lists and maps in flow style.

use serde_json::Value as J;

/// Words YAML 1.1 or 1.2 reads as booleans or null, in any case.
const RESERVED: &[&str] = &[
    "true", "false", "yes", "no", "on", "off", "y", "n", "null", "~",
];

/// Whether `s` can be written as a plain scalar and read back as this same string by any YAML
/// reader, in block and flow context: a letter, `/` or `_` first, then only letters, digits and
/// `-._/@+`, and not a reserved word.
pub fn plain_ok(s: &str) -> bool {
    let mut chars = s.chars();
    let Some(first) = chars.next() else {
        return false;
    };
    (first.is_ascii_alphabetic() || first == '/' || first == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || "-._/@+".contains(c))
        && !RESERVED.iter().any(|r| r.eq_ignore_ascii_case(s))
}

/// A YAML double-quoted scalar: `"` and `\` escaped, and every character YAML does not allow
/// raw (control characters, DEL, C1 controls, the byte order mark) as `\uXXXX`.
pub fn quoted(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() || c == '\u{feff}' => {
                out.push_str(&format!("\\u{:04x}", c as u32));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A string as a YAML scalar: plain when that reads back as the same string, else quoted.
pub fn string(s: &str) -> String {
    if plain_ok(s) {
        s.to_string()
    } else {
        quoted(s)
    }
}

/// A JSON value as a one-line YAML flow value.
pub fn flow(v: &J) -> String {
    match v {
        J::Null => "null".into(),
        J::Bool(b) => b.to_string(),
        J::Number(n) => n.to_string(),
        J::String(s) => string(s),
        J::Array(items) => {
            let items: Vec<String> = items.iter().map(flow).collect();
            format!("[{}]", items.join(", "))
        }
        J::Object(map) if map.is_empty() => "{}".into(),
        J::Object(map) => {
            let entries: Vec<String> = map
                .iter()
                .map(|(k, v)| format!("{}: {}", string(k), flow(v)))
                .collect();
            format!("{{ {} }}", entries.join(", "))
        }
    }
}

/// A comment's text on one line (`#` comments end at the line break).
pub fn comment_text(s: &str) -> String {
    s.split(['\n', '\r']).collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde_json::json;

    /// The value read back from `key: <flow>` and from `[<flow>]` (block and flow context).
    fn read_back(v: &J) -> (J, J) {
        let text = format!("key: {}\nlist: [{}]\n", flow(v), flow(v));
        let node = crate::yaml::parse(&text)
            .unwrap_or_else(|e| panic!("{text:?} does not parse: {}", e.message));
        let json = node.to_json();
        (json["key"].clone(), json["list"][0].clone())
    }

    #[test]
    fn strings_yaml_would_read_as_something_else_are_quoted() {
        for s in [
            "16.4",
            "16",
            "0x1F",
            "1e3",
            "on",
            "off",
            "yes",
            "No",
            "y",
            "N",
            "true",
            "False",
            "null",
            "~",
            "",
            " lead",
            "trail ",
            "a: b",
            "a #b",
            "#x",
            "*alias",
            "&anchor",
            "!tag",
            "- item",
            "-",
            "[x]",
            "{x}",
            "a,b",
            "2026-01-01",
            "10.0.0.0/16",
            "@at",
            "%pct",
            "`tick`",
            "'single'",
            "\"double\"",
            "back\\slash",
            "line\nbreak",
            "tab\there",
            "\u{7f}del",
            "\u{85}nel",
            "\u{feff}bom",
            ".inf",
            ".nan",
            "123456789012",
            "aws:kms",
            "스테이징",
            "✅ done",
            "*/*/tags",
            "=",
        ] {
            let (block, in_flow) = read_back(&json!(s));
            assert_eq!(
                block,
                json!(s),
                "block: {s:?} written as {}",
                flow(&json!(s))
            );
            assert_eq!(
                in_flow,
                json!(s),
                "flow: {s:?} written as {}",
                flow(&json!(s))
            );
        }
    }

    #[test]
    fn everyday_values_are_written_plain() {
        for s in [
            "db.t3.micro",
            "gp3",
            "postgres",
            "/api/health",
            "Enabled",
            "redirect-to-https",
            "TLSv1.2_2021",
            "dorami/staging/backend",
            "ap-northeast-2",
            "_x",
        ] {
            assert_eq!(flow(&json!(s)), s);
        }
        assert_eq!(flow(&json!("16.4")), "\"16.4\"");
        assert_eq!(flow(&json!("on")), "\"on\"");
        assert_eq!(flow(&json!(20)), "20");
        assert_eq!(flow(&json!(0.5)), "0.5");
        assert_eq!(flow(&json!(true)), "true");
        assert_eq!(flow(&json!(null)), "null");
        assert_eq!(flow(&json!(["FARGATE", "on"])), "[FARGATE, \"on\"]");
        assert_eq!(
            flow(&json!({"Environment": "staging", "aws:cloudformation:stack": "x"})),
            "{ Environment: staging, \"aws:cloudformation:stack\": x }"
        );
        assert_eq!(flow(&json!({})), "{}");
        assert_eq!(flow(&json!([])), "[]");
    }

    #[test]
    fn numbers_booleans_null_lists_and_maps_round_trip_with_their_types() {
        for v in [
            json!(20),
            json!(-3),
            json!(0.5),
            json!(2.0),
            json!(true),
            json!(false),
            json!(null),
            json!([]),
            json!({}),
            json!(["a", 1, true, null, "16.4"]),
            json!([{ "id": "glacier", "status": "Enabled", "prefix": "", "transitions": [{ "days": 30, "storage_class": "GLACIER" }], "expiration_days": null }]),
            json!({ "name": "backend", "health_check": { "command": ["CMD-SHELL", "curl -f http://localhost/ || exit 1"], "retries": 3 } }),
        ] {
            let (block, in_flow) = read_back(&v);
            assert_eq!(block, v, "written as {}", flow(&v));
            assert_eq!(in_flow, v, "written as {}", flow(&v));
        }
    }

    #[test]
    fn comments_stay_on_one_line() {
        assert_eq!(comment_text("a\nb\r\nc"), "a b  c");
    }

    proptest! {
        #[test]
        fn any_string_round_trips(s in "\\PC*|[ -~]{0,12}|[\\x00-\\x7f]{0,8}") {
            let (block, in_flow) = read_back(&json!(s));
            prop_assert_eq!(block, json!(s.clone()));
            prop_assert_eq!(in_flow, json!(s));
        }

        #[test]
        fn any_map_of_strings_round_trips(m in proptest::collection::btree_map("[ -~]{1,8}", "\\PC{0,8}", 0..4)) {
            let v = serde_json::to_value(&m).unwrap_or_default();
            let (block, in_flow) = read_back(&v);
            prop_assert_eq!(&block, &v);
            prop_assert_eq!(&in_flow, &v);
        }
    }
}
