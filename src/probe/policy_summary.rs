//! Resource policies (a bucket's, a secret's) summarised statement by statement: who is allowed
//! or denied which actions, under which conditions. The document is parsed as IAM writes it: a
//! `Statement` that is one object or a list, `Principal` as `"*"`, a string, a list or a map of
//! principal types, `Action`/`Resource` as a string or a list.

use serde_json::{json, Value};

/// A field that is a string or a list of strings, as a list.
fn strings(v: &Value) -> Vec<String> {
    match v {
        Value::String(s) => vec![s.clone()],
        Value::Array(items) => items
            .iter()
            .filter_map(|i| i.as_str().map(str::to_string))
            .collect(),
        _ => Vec::new(),
    }
}

/// Every principal of a `Principal` (or `NotPrincipal`) value: `*`, ARNs, service names,
/// federated providers, sorted.
pub fn principals(v: &Value) -> Vec<String> {
    let mut out = match v {
        Value::Object(by_type) => by_type.values().flat_map(strings).collect(),
        other => strings(other),
    };
    out.sort();
    out.dedup();
    out
}

/// Condition keys whose values are shared secrets in practice: a bucket that only CloudFront
/// may read is often guarded by a `Referer` (or `User-Agent`) the distribution sends.
const SECRET_KEYS: [&str; 2] = ["aws:referer", "aws:useragent"];

/// A `Condition` block as `Operator key=value`, one per value, sorted. Values are ARNs, account
/// ids, VPC endpoints and flags, except the header values of [`SECRET_KEYS`], which are
/// replaced by a marker with a short hash (two different secrets stay apart); any other value
/// goes through [`crate::redact::text`].
pub fn conditions(v: &Value) -> Vec<String> {
    let mut out = Vec::new();
    if let Value::Object(ops) = v {
        for (op, keys) in ops {
            let Value::Object(keys) = keys else { continue };
            for (key, values) in keys {
                let values: Vec<String> = match values {
                    Value::Array(items) => items.iter().map(scalar).collect(),
                    other => vec![scalar(other)],
                };
                for value in values {
                    let shown = if SECRET_KEYS.contains(&key.to_ascii_lowercase().as_str()) {
                        format!(
                            "{}{}>",
                            crate::redact::MARKER,
                            crate::redact::short_hash(&value)
                        )
                    } else {
                        crate::redact::text(&value)
                    };
                    out.push(format!("{op} {key}={shown}"));
                }
            }
        }
    }
    out.sort();
    out
}

/// A condition value as text (booleans and numbers as written).
fn scalar(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// The statements of a policy document, each as `sid`, `effect`, `principals`, `actions`,
/// `resources` and `conditions` (a `Not…` element is written with a leading `!` on each entry,
/// so that "everything but" is never read as "exactly"). An error when the text is not a JSON
/// policy document.
pub fn statements(policy: &str) -> Result<Vec<Value>, String> {
    let doc = serde_json::from_str::<Value>(policy)
        .map_err(|e| format!("the policy is not a JSON document ({e})"))?;
    if !doc.is_object() {
        return Err("the policy is not a JSON object".into());
    }
    let list = match &doc["Statement"] {
        Value::Array(items) => items.clone(),
        one @ Value::Object(_) => vec![one.clone()],
        Value::Null => Vec::new(),
        _ => return Err("the policy's `Statement` is neither an object nor a list".into()),
    };
    let either = |st: &Value, field: &str, read: fn(&Value) -> Vec<String>| -> Vec<String> {
        match st.get(field) {
            Some(v) => read(v),
            None => st
                .get(format!("Not{field}"))
                .map(read)
                .unwrap_or_default()
                .into_iter()
                .map(|p| format!("!{p}"))
                .collect(),
        }
    };
    Ok(list
        .iter()
        .map(|st| {
            json!({
                "sid": st.get("Sid").and_then(Value::as_str),
                "effect": st.get("Effect").and_then(Value::as_str),
                "principals": either(st, "Principal", principals),
                "actions": either(st, "Action", strings),
                "resources": either(st, "Resource", strings),
                "conditions": st.get("Condition").map(conditions).unwrap_or_default(),
            })
        })
        .collect())
}

/// The principals an `Allow` statement without conditions grants to everyone (`*`): whether the
/// policy lets anyone in. A statement with a condition is not counted (it may narrow access to
/// an account, a VPC endpoint or a CloudFront distribution).
pub fn allows_everyone(statements: &[Value]) -> bool {
    statements.iter().any(|st| {
        st["effect"] == "Allow"
            && st["conditions"].as_array().is_none_or(Vec::is_empty)
            && st["principals"]
                .as_array()
                .is_some_and(|p| p.iter().any(|p| p == "*"))
    })
}

/// Every principal the `Allow` statements name, sorted, without duplicates.
pub fn allowed_principals(statements: &[Value]) -> Vec<String> {
    let mut out: Vec<String> = statements
        .iter()
        .filter(|st| st["effect"] == "Allow")
        .flat_map(|st| strings(&st["principals"]))
        .collect();
    out.sort();
    out.dedup();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statements_in_every_shape_iam_accepts() {
        let oac = r#"{"Version":"2012-10-17","Statement":[
            {"Sid":"AllowCloudFront","Effect":"Allow","Principal":{"Service":"cloudfront.amazonaws.com"},
             "Action":"s3:GetObject","Resource":"arn:aws:s3:::site/*",
             "Condition":{"StringEquals":{"AWS:SourceArn":"arn:aws:cloudfront::123456789012:distribution/E1"}}},
            {"Effect":"Deny","Principal":"*","Action":["s3:*"],"Resource":["arn:aws:s3:::site","arn:aws:s3:::site/*"],
             "Condition":{"Bool":{"aws:SecureTransport":false}}},
            {"Effect":"Allow","NotPrincipal":{"AWS":["arn:aws:iam::123456789012:root"]},"NotAction":"s3:Delete*","Resource":"*"}]}"#;
        let s = statements(oac).expect("policy");
        assert_eq!(
            s[0],
            json!({
                "sid": "AllowCloudFront", "effect": "Allow",
                "principals": ["cloudfront.amazonaws.com"], "actions": ["s3:GetObject"],
                "resources": ["arn:aws:s3:::site/*"],
                "conditions": ["StringEquals AWS:SourceArn=arn:aws:cloudfront::123456789012:distribution/E1"],
            })
        );
        assert_eq!(s[1]["principals"], json!(["*"]));
        assert_eq!(
            s[1]["conditions"],
            json!(["Bool aws:SecureTransport=false"])
        );
        assert_eq!(
            s[2]["principals"],
            json!(["!arn:aws:iam::123456789012:root"])
        );
        assert_eq!(s[2]["actions"], json!(["!s3:Delete*"]));
        // Only the CloudFront statement allows, and it has a condition: not public.
        assert!(!allows_everyone(&s));
        assert_eq!(
            allowed_principals(&s),
            [
                "!arn:aws:iam::123456789012:root",
                "cloudfront.amazonaws.com"
            ]
        );
        let one = statements(
            r#"{"Statement":{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}}"#,
        )
        .expect("policy");
        assert_eq!(one.len(), 1);
        assert!(allows_everyone(&one));
        let aws_star = statements(
            r#"{"Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"*","Resource":"*"}]}"#,
        )
        .expect("policy");
        assert!(allows_everyone(&aws_star));
        // A shared-secret Referer never reaches a record; values are one per entry.
        let referer = statements(
            r#"{"Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"*",
               "Condition":{"StringLike":{"aws:Referer":["cf-secret-0a9b8c7d6e","other-secret-1f2e"]},"IpAddress":{"aws:SourceIp":"10.0.0.0/8"}}}]}"#,
        )
        .expect("policy");
        let text = serde_json::to_string(&referer).expect("json");
        assert!(
            !text.contains("cf-secret") && !text.contains("other-secret"),
            "{text}"
        );
        let conditions = referer[0]["conditions"].as_array().expect("conditions");
        assert_eq!(conditions.len(), 3, "{conditions:?}");
        assert!(conditions.contains(&json!("IpAddress aws:SourceIp=10.0.0.0/8")));
        assert!(conditions.iter().all(|c| !c
            .as_str()
            .is_some_and(|c| c.starts_with("StringLike"))
            || c.as_str()
                .is_some_and(|c| c.contains(crate::redact::MARKER))));
        assert!(statements("not json").is_err());
        assert!(statements("[1]").is_err());
        assert!(statements(r#"{"Statement":"x"}"#).is_err());
    }
}
