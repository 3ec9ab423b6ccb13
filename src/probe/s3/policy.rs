//! Bucket policies: whether one makes the bucket TLS-only.

use serde_json::Value;

/// Whether a bucket policy denies every request made without TLS: statements with `Effect: Deny`,
/// every principal (`"*"` or `{"AWS": "*"}`), every S3 action (`s3:*` or `*`), and a condition
/// that is only `Bool` (or `BoolIfExists`) `aws:SecureTransport: false`, that between them cover
/// both the bucket (`arn:aws:s3:::B`) and all its objects (`arn:aws:s3:::B/*`). A statement that
/// denies only some actions, some principals, only the objects, or under further conditions does
/// not make the bucket TLS-only. An error when the text is not a JSON policy document.
pub fn policy_requires_tls(policy: &str, bucket: &str) -> Result<bool, String> {
    let doc = serde_json::from_str::<Value>(policy)
        .map_err(|e| format!("the bucket policy is not a JSON document ({e})"))?;
    if !doc.is_object() {
        return Err("the bucket policy is not a JSON object".into());
    }
    let statements = match &doc["Statement"] {
        Value::Array(items) => items.clone(),
        one @ Value::Object(_) => vec![one.clone()],
        _ => Vec::new(),
    };
    let strings = |v: &Value| -> Vec<String> {
        match v {
            Value::String(s) => vec![s.clone()],
            Value::Array(items) => items
                .iter()
                .filter_map(|i| i.as_str().map(str::to_string))
                .collect(),
            _ => Vec::new(),
        }
    };
    let is_false = |v: &Value| match v {
        Value::String(s) => s.eq_ignore_ascii_case("false"),
        Value::Bool(b) => !b,
        Value::Array(items) => {
            !items.is_empty()
                && items.iter().all(|i| match i {
                    Value::String(s) => s.eq_ignore_ascii_case("false"),
                    Value::Bool(b) => !b,
                    _ => false,
                })
        }
        _ => false,
    };
    let every_principal = |st: &Value| match &st["Principal"] {
        Value::String(s) => s == "*",
        Value::Object(m) => m.len() == 1 && m.get("AWS").is_some_and(|v| strings(v) == ["*"]),
        _ => false,
    };
    let only_insecure_transport = |st: &Value| {
        let Some(cond) = st["Condition"].as_object() else {
            return false;
        };
        cond.len() == 1
            && cond.iter().all(|(op, keys)| {
                (op == "Bool" || op == "BoolIfExists")
                    && keys.as_object().is_some_and(|k| {
                        k.len() == 1
                            && k.iter().all(|(key, v)| {
                                key.eq_ignore_ascii_case("aws:SecureTransport") && is_false(v)
                            })
                    })
            })
    };
    let qualifying: Vec<&Value> = statements
        .iter()
        .filter(|st| {
            st["Effect"] == "Deny"
                && st.get("NotPrincipal").is_none()
                && st.get("NotAction").is_none()
                && st.get("NotResource").is_none()
                && every_principal(st)
                && strings(&st["Action"])
                    .iter()
                    .any(|a| glob_matches(&a.to_ascii_lowercase(), "s3:*"))
                && only_insecure_transport(st)
        })
        .collect();
    let covers = |target: &str| {
        qualifying.iter().any(|st| {
            strings(&st["Resource"]).iter().any(|r| {
                ["aws", "aws-cn", "aws-us-gov"]
                    .iter()
                    .any(|p| glob_matches(r, &format!("arn:{p}:s3:::{target}")))
            })
        })
    };
    Ok(covers(bucket) && covers(&format!("{bucket}/*")))
}

/// Whether an IAM pattern (`*` any run of characters, `?` one) matches `text` (a `*` in `text`
/// is matched literally, so a pattern "covers all objects" when it matches `B/*`).
fn glob_matches(pattern: &str, text: &str) -> bool {
    let (p, t): (Vec<char>, Vec<char>) = (pattern.chars().collect(), text.chars().collect());
    let (mut pi, mut ti) = (0, 0);
    let (mut star, mut mark) = (None, 0);
    while ti < t.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == t[ti]) {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some(pi);
            mark = ti;
            pi += 1;
        } else if let Some(s) = star {
            pi = s + 1;
            mark += 1;
            ti = mark;
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|c| *c == '*')
}
