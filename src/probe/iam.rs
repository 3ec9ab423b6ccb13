//! IAM roles and users (IAM is global: one endpoint for the account). One paginated ListRoles
//! (existence, trust policy, maximum session duration) and one paginated ListUsers per run; the
//! per-resource calls only for the named roles and users that exist, and only for the attributes
//! the spec checks, a bounded number at once. A managed policy's document (GetPolicy, then
//! GetPolicyVersion of its default version) is read once per run, however many roles attach it.
//! Nothing secret is ever read: names, dates, counts and flags (access key ids are used only to
//! ask when a key was last used, and never recorded).

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::time::SystemTime;

use aws_sdk_iam::types::{AccessKeyMetadata, Role, StatusType, User};
use aws_sdk_iam::Client;
use aws_smithy_types::date_time::Format;
use futures::stream::{self, StreamExt};
use serde_json::{json, Value};

use super::{
    all_errors, by_id, collect_pages, describe_error, error_code, of_kind, policy_summary,
    tags_json,
};
use crate::aws::Connection;
use crate::plan::operations_for;
use crate::snapshot::{Observation, ResourceRecord};
use crate::spec::Resource;

const LIST_ROLES: &str = "iam:ListRoles";
const GET_ROLE: &str = "iam:GetRole";
const LIST_ATTACHED_ROLE: &str = "iam:ListAttachedRolePolicies";
const LIST_ROLE_POLICIES: &str = "iam:ListRolePolicies";
const GET_ROLE_POLICY: &str = "iam:GetRolePolicy";
const GET_POLICY: &str = "iam:GetPolicy";
const GET_POLICY_VERSION: &str = "iam:GetPolicyVersion";
const LIST_USERS: &str = "iam:ListUsers";
const GET_USER: &str = "iam:GetUser";
const GET_LOGIN_PROFILE: &str = "iam:GetLoginProfile";
const LIST_MFA: &str = "iam:ListMFADevices";
const LIST_KEYS: &str = "iam:ListAccessKeys";
const KEY_LAST_USED: &str = "iam:GetAccessKeyLastUsed";
const LIST_ATTACHED_USER: &str = "iam:ListAttachedUserPolicies";
const LIST_USER_POLICIES: &str = "iam:ListUserPolicies";
const LIST_GROUPS: &str = "iam:ListGroupsForUser";

/// The role attributes read from the policy documents.
const GRANT_ATTRIBUTES: [&str; 2] = ["grants_admin", "service_wildcards"];

/// Observes the named IAM roles and users.
pub async fn observe(conn: &Connection, resources: &[&Resource]) -> Vec<ResourceRecord> {
    let roles = of_kind(resources, "iam_role");
    let users = of_kind(resources, "iam_user");
    if roles.is_empty() && users.is_empty() {
        return Vec::new();
    }
    let client = crate::client!(aws_sdk_iam, conn);
    let (mut roles, users) = tokio::join!(
        observe_roles(conn, &client, &roles),
        observe_users(conn, &client, &users)
    );
    roles.extend(users);
    roles
}

/// A selection (`select:`) is not supported: the tags of roles and users are not in their lists
/// (`catalog::TAGS_NOT_LISTED`, so the spec loader already refuses one; this is the probe's own
/// guard, an error and never a pass).
fn selection_error(r: &Resource) -> Option<ResourceRecord> {
    r.selector.as_ref().map(|_| ResourceRecord {
        kind: r.kind.name.to_string(),
        id: r.id.clone(),
        observation: Observation::Error {
            error: format!(
                "`select:` is not supported for `{}` (ListRoles and ListUsers return no tags): name each one with `id:`",
                r.kind.name
            ),
        },
    })
}

/// The attributes and errors of one present resource, filled in call by call.
#[derive(Default)]
struct Facts {
    attributes: BTreeMap<String, Value>,
    errors: BTreeMap<String, String>,
}

impl Facts {
    fn set(&mut self, name: &str, value: Result<Value, String>) {
        match value {
            Ok(v) => {
                self.errors.remove(name);
                self.attributes.insert(name.to_string(), v);
            }
            Err(e) => {
                self.attributes.remove(name);
                self.errors.insert(name.to_string(), e);
            }
        }
    }

    fn observation(self) -> Observation {
        Observation::Present {
            attributes: self.attributes,
            errors: self.errors,
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Roles

/// A role's per-role facts, before the managed policies it attaches are read.
struct RoleFacts {
    facts: Facts,
    /// The ARNs of its attached managed policies, when its grants are checked.
    managed: Option<Result<Vec<String>, String>>,
    /// What its inline policies grant, when checked.
    inline: Option<Result<Grants, String>>,
}

async fn observe_roles(
    conn: &Connection,
    client: &Client,
    resources: &[&Resource],
) -> Vec<ResourceRecord> {
    if resources.is_empty() {
        return Vec::new();
    }
    let listed = collect_pages(
        // The largest page IAM serves (default 100).
        client.list_roles().max_items(1000).into_paginator().send(),
        LIST_ROLES,
        |page| page.roles,
    )
    .await;
    let roles = match listed {
        // IAM names are unique whatever their case, and name a role in any case.
        Ok(listed) => by_id(listed, |r: &Role| Some(r.role_name().to_lowercase())),
        Err(e) => return all_errors(resources, &e),
    };
    let roles = &roles;
    // Per role: its lists, GetRole and its inline documents.
    let firsts: Vec<Option<RoleFacts>> = stream::iter(resources.iter())
        .map(|r| async move {
            if r.selector.is_some() {
                return None;
            }
            let role = roles.get(&r.id.to_lowercase())?;
            Some(role_facts(client, r, role).await)
        })
        .buffered(conn.max_concurrency)
        .collect()
        .await;
    // Every managed policy any of them attaches, once.
    let arns: BTreeSet<String> = firsts
        .iter()
        .flatten()
        .filter_map(|f| f.managed.as_ref()?.as_ref().ok())
        .flatten()
        .cloned()
        .collect();
    let managed: HashMap<String, Result<Grants, String>> = stream::iter(arns)
        .map(|arn| async move {
            let grants = managed_policy_grants(client, &arn).await;
            (arn, grants)
        })
        .buffered(conn.max_concurrency)
        .collect()
        .await;
    resources
        .iter()
        .zip(firsts)
        .map(|(r, first)| {
            let observation = match (selection_error(r), first) {
                (Some(error), _) => return error,
                (None, None) => Observation::Absent,
                (None, Some(first)) => {
                    let mut facts = first.facts;
                    if let (Some(managed_arns), Some(inline)) = (first.managed, first.inline) {
                        let all = managed_arns.and_then(|arns| {
                            let mut total = inline?;
                            for arn in &arns {
                                match managed.get(arn) {
                                    Some(Ok(g)) => total.merge(g),
                                    Some(Err(e)) => return Err(e.clone()),
                                    None => return Err(format!("`{arn}` was not read")),
                                }
                            }
                            Ok(total)
                        });
                        match all {
                            Ok(g) => {
                                facts.set("grants_admin", Ok(json!(g.admin)));
                                facts.set("service_wildcards", Ok(json!(g.wildcards)));
                            }
                            Err(e) => {
                                for a in GRANT_ATTRIBUTES {
                                    facts.set(a, Err(e.clone()));
                                }
                            }
                        }
                    }
                    facts.observation()
                }
            };
            ResourceRecord {
                kind: r.kind.name.to_string(),
                id: r.id.clone(),
                observation,
            }
        })
        .collect()
}

/// A role's facts from the listing and its own calls (only those its checks need).
async fn role_facts(client: &Client, r: &Resource, role: &Role) -> RoleFacts {
    let ops = operations_for(r);
    let mut facts = Facts::default();
    facts.set(
        "max_session_duration",
        Ok(json!(role.max_session_duration())),
    );
    match role.assume_role_policy_document().map(trust_policy) {
        Some(Ok(trust)) => {
            facts.set("trusted_principals", Ok(json!(trust.principals)));
            facts.set("trust_conditions", Ok(json!(trust.conditions)));
        }
        Some(Err(e)) => {
            for a in ["trusted_principals", "trust_conditions"] {
                facts.set(a, Err(format!("`{LIST_ROLES}`: {e}")));
            }
        }
        None => {
            for a in ["trusted_principals", "trust_conditions"] {
                facts.set(
                    a,
                    Err(format!("`{LIST_ROLES}` did not return the trust policy")),
                );
            }
        }
    }
    let name = role.role_name();
    if ops.contains(GET_ROLE) {
        match client.get_role().role_name(name).send().await {
            Ok(out) => {
                let role = out.role();
                facts.set(
                    "last_used",
                    Ok(json!(role
                        .and_then(|r| r.role_last_used())
                        .and_then(|u| u.last_used_date())
                        .map(rfc3339))),
                );
                facts.set(
                    "tags",
                    Ok(tags_json(
                        role.map(|r| r.tags())
                            .unwrap_or_default()
                            .iter()
                            .map(|t| (t.key(), t.value())),
                    )),
                );
            }
            Err(e) => {
                let e = describe_error(GET_ROLE, &e);
                facts.set("last_used", Err(e.clone()));
                facts.set("tags", Err(e));
            }
        }
    }
    let attached = if ops.contains(LIST_ATTACHED_ROLE) {
        let listed = collect_pages(
            client
                .list_attached_role_policies()
                .role_name(name)
                .into_paginator()
                .send(),
            LIST_ATTACHED_ROLE,
            |page| page.attached_policies.unwrap_or_default(),
        )
        .await;
        facts.set(
            "attached_policies",
            listed
                .as_ref()
                .map(|ps| {
                    json!(ps
                        .iter()
                        .filter_map(|p| p.policy_name())
                        .collect::<BTreeSet<_>>())
                })
                .map_err(Clone::clone),
        );
        Some(listed.map(|ps| {
            ps.iter()
                .filter_map(|p| p.policy_arn().map(str::to_string))
                .collect::<Vec<_>>()
        }))
    } else {
        None
    };
    let inline_names = if ops.contains(LIST_ROLE_POLICIES) {
        let listed = collect_pages(
            client
                .list_role_policies()
                .role_name(name)
                .into_paginator()
                .send(),
            LIST_ROLE_POLICIES,
            |page| page.policy_names,
        )
        .await;
        facts.set(
            "inline_policies",
            listed
                .as_ref()
                .map(|ns| json!(ns.iter().collect::<BTreeSet<_>>()))
                .map_err(Clone::clone),
        );
        Some(listed)
    } else {
        None
    };
    let (managed, inline) = if ops.contains(GET_POLICY_VERSION) {
        let inline = match inline_names {
            Some(Ok(names)) => Some(inline_grants(client, name, &names).await),
            Some(Err(e)) => Some(Err(e)),
            None => None,
        };
        (attached, inline)
    } else {
        (None, None)
    };
    RoleFacts {
        facts,
        managed,
        inline,
    }
}

/// What a role's inline policies grant together (one GetRolePolicy each).
async fn inline_grants(client: &Client, role: &str, names: &[String]) -> Result<Grants, String> {
    let mut total = Grants::default();
    for policy in names {
        let out = client
            .get_role_policy()
            .role_name(role)
            .policy_name(policy)
            .send()
            .await
            .map_err(|e| describe_error(GET_ROLE_POLICY, &e))?;
        let g = grants(out.policy_document())
            .map_err(|e| format!("`{GET_ROLE_POLICY}` ({policy}): {e}"))?;
        total.merge(&g);
    }
    Ok(total)
}

/// What a managed policy's default version grants (GetPolicy, then GetPolicyVersion).
async fn managed_policy_grants(client: &Client, arn: &str) -> Result<Grants, String> {
    let policy = client
        .get_policy()
        .policy_arn(arn)
        .send()
        .await
        .map_err(|e| describe_error(GET_POLICY, &e))?;
    let version = policy
        .policy()
        .and_then(|p| p.default_version_id())
        .ok_or_else(|| format!("`{GET_POLICY}` did not report the default version of `{arn}`"))?;
    let out = client
        .get_policy_version()
        .policy_arn(arn)
        .version_id(version)
        .send()
        .await
        .map_err(|e| describe_error(GET_POLICY_VERSION, &e))?;
    let document = out
        .policy_version()
        .and_then(|v| v.document())
        .ok_or_else(|| format!("`{GET_POLICY_VERSION}` returned no document for `{arn}`"))?;
    grants(document).map_err(|e| format!("`{GET_POLICY_VERSION}` ({arn}): {e}"))
}

// ---------------------------------------------------------------------------------------------
// Users

async fn observe_users(
    conn: &Connection,
    client: &Client,
    resources: &[&Resource],
) -> Vec<ResourceRecord> {
    if resources.is_empty() {
        return Vec::new();
    }
    let listed = collect_pages(
        client.list_users().max_items(1000).into_paginator().send(),
        LIST_USERS,
        |page| page.users,
    )
    .await;
    let users = match listed {
        // IAM names are unique whatever their case, and name a user in any case.
        Ok(listed) => by_id(listed, |u: &User| Some(u.user_name().to_lowercase())),
        Err(e) => return all_errors(resources, &e),
    };
    let users = &users;
    stream::iter(resources.iter())
        .map(|r| async move {
            if let Some(error) = selection_error(r) {
                return error;
            }
            let observation = match users.get(&r.id.to_lowercase()) {
                None => Observation::Absent,
                Some(user) => user_facts(client, r, user.user_name()).await.observation(),
            };
            ResourceRecord {
                kind: r.kind.name.to_string(),
                id: r.id.clone(),
                observation,
            }
        })
        .buffered(conn.max_concurrency)
        .collect()
        .await
}

/// A user's facts from its own calls (only those its checks need).
async fn user_facts(client: &Client, r: &Resource, name: &str) -> Facts {
    let ops = operations_for(r);
    let mut facts = Facts::default();
    if ops.contains(GET_LOGIN_PROFILE) {
        let value = match client.get_login_profile().user_name(name).send().await {
            Ok(_) => Ok(json!(true)),
            Err(e) if error_code(&e) == Some("NoSuchEntity") => Ok(json!(false)),
            Err(e) => Err(describe_error(GET_LOGIN_PROFILE, &e)),
        };
        facts.set("console_access", value);
    }
    if ops.contains(LIST_MFA) {
        let listed = collect_pages(
            client
                .list_mfa_devices()
                .user_name(name)
                .into_paginator()
                .send(),
            LIST_MFA,
            |page| page.mfa_devices,
        )
        .await;
        facts.set("mfa_enabled", listed.map(|ds| json!(!ds.is_empty())));
    }
    if ops.contains(LIST_KEYS) {
        let listed = collect_pages(
            client
                .list_access_keys()
                .user_name(name)
                .into_paginator()
                .send(),
            LIST_KEYS,
            |page| page.access_key_metadata,
        )
        .await;
        match listed {
            Ok(keys) => {
                let now = now_secs();
                for (attribute, value) in key_attributes(&keys, now) {
                    facts.set(attribute, Ok(value));
                }
                if ops.contains(KEY_LAST_USED) {
                    let value = last_used_days(client, &keys, now).await;
                    facts.set("access_key_last_used_days", value);
                }
            }
            Err(e) => {
                for a in [
                    "access_key_count",
                    "active_access_key_count",
                    "oldest_active_key_age_days",
                    "access_key_last_used_days",
                ] {
                    facts.set(a, Err(e.clone()));
                }
            }
        }
    }
    for (op, attribute) in [
        (LIST_ATTACHED_USER, "attached_policies"),
        (LIST_USER_POLICIES, "inline_policies"),
        (LIST_GROUPS, "groups"),
    ] {
        if !ops.contains(op) {
            continue;
        }
        let names: Result<BTreeSet<String>, String> = match op {
            LIST_ATTACHED_USER => collect_pages(
                client
                    .list_attached_user_policies()
                    .user_name(name)
                    .into_paginator()
                    .send(),
                op,
                |page| {
                    page.attached_policies
                        .unwrap_or_default()
                        .into_iter()
                        .filter_map(|p| p.policy_name)
                        .collect()
                },
            )
            .await
            .map(|v| v.into_iter().collect()),
            LIST_USER_POLICIES => collect_pages(
                client
                    .list_user_policies()
                    .user_name(name)
                    .into_paginator()
                    .send(),
                op,
                |page| page.policy_names,
            )
            .await
            .map(|v| v.into_iter().collect()),
            _ => collect_pages(
                client
                    .list_groups_for_user()
                    .user_name(name)
                    .into_paginator()
                    .send(),
                op,
                |page| page.groups.into_iter().map(|g| g.group_name).collect(),
            )
            .await
            .map(|v| v.into_iter().collect()),
        };
        facts.set(attribute, names.map(|n| json!(n)));
    }
    if ops.contains(GET_USER) {
        let value = match client.get_user().user_name(name).send().await {
            Ok(out) => Ok(tags_json(
                out.user()
                    .map(|u| u.tags())
                    .unwrap_or_default()
                    .iter()
                    .map(|t| (t.key(), t.value())),
            )),
            Err(e) => Err(describe_error(GET_USER, &e)),
        };
        facts.set("tags", value);
    }
    facts
}

/// The access key attributes ListAccessKeys decides, at `now` (seconds since the epoch).
fn key_attributes(keys: &[AccessKeyMetadata], now: i64) -> Vec<(&'static str, Value)> {
    let active: Vec<&AccessKeyMetadata> = keys
        .iter()
        .filter(|k| k.status() == Some(&StatusType::Active))
        .collect();
    let oldest = active
        .iter()
        .filter_map(|k| k.create_date())
        .map(|d| d.secs())
        .min()
        .map(|created| (now - created).div_euclid(86_400));
    vec![
        ("access_key_count", json!(keys.len())),
        ("active_access_key_count", json!(active.len())),
        ("oldest_active_key_age_days", json!(oldest)),
    ]
}

/// Whole days since any active key was last used (the most recent use); null when none was.
async fn last_used_days(
    client: &Client,
    keys: &[AccessKeyMetadata],
    now: i64,
) -> Result<Value, String> {
    let mut latest: Option<i64> = None;
    for key in keys
        .iter()
        .filter(|k| k.status() == Some(&StatusType::Active))
    {
        let Some(id) = key.access_key_id() else {
            continue;
        };
        let out = client
            .get_access_key_last_used()
            .access_key_id(id)
            .send()
            .await
            .map_err(|e| describe_error(KEY_LAST_USED, &e))?;
        if let Some(used) = out
            .access_key_last_used()
            .and_then(|u| u.last_used_date())
            .map(|d| d.secs())
        {
            latest = Some(latest.map_or(used, |l| l.max(used)));
        }
    }
    Ok(json!(latest.map(|used| (now - used).div_euclid(86_400))))
}

fn now_secs() -> i64 {
    SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

/// RFC 3339 UTC, to the second.
fn rfc3339(d: &aws_smithy_types::DateTime) -> String {
    aws_smithy_types::DateTime::from_secs(d.secs())
        .fmt(Format::DateTime)
        .unwrap_or_default()
}

// ---------------------------------------------------------------------------------------------
// Policy documents

/// A policy document as IAM returns it: URL-encoded JSON (RFC 3986; some tools and emulators
/// return it plain, which is read as is).
pub fn parse_document(text: &str) -> Result<Value, String> {
    if let Ok(v) = serde_json::from_str::<Value>(text) {
        return Ok(v);
    }
    let decoded = percent_decode(text)?;
    serde_json::from_str(&decoded).map_err(|e| format!("the policy document is not JSON: {e}"))
}

/// Percent-decodes `text` (`+` is a plus sign, as IAM encodes documents).
fn percent_decode(text: &str) -> Result<String, String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = bytes
                .get(i + 1..i + 3)
                .and_then(|h| std::str::from_utf8(h).ok())
                .and_then(|h| u8::from_str_radix(h, 16).ok())
                .ok_or("the policy document is neither JSON nor URL-encoded JSON")?;
            out.push(hex);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).map_err(|_| "the policy document is not UTF-8".to_string())
}

/// A value that may be one item or a list of them (`Statement`, `Action`, `Resource`, a
/// principal's or a condition's values), as its items.
fn one_or_many(v: &Value) -> Vec<&Value> {
    match v {
        Value::Array(items) => items.iter().collect(),
        Value::Null => Vec::new(),
        other => vec![other],
    }
}

/// The `Allow` statements of a policy document.
fn allow_statements(doc: &Value) -> Result<Vec<&serde_json::Map<String, Value>>, String> {
    let statements = doc
        .get("Statement")
        .ok_or("the policy document has no `Statement`")?;
    Ok(one_or_many(statements)
        .into_iter()
        .filter_map(Value::as_object)
        .filter(|s| s.get("Effect").and_then(Value::as_str) == Some("Allow"))
        .collect())
}

/// Who a trust policy lets assume the role, and on what conditions.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Trust {
    /// Principals of the `Allow` statements: `*`, or each value of `AWS`, `Service`,
    /// `Federated`, `CanonicalUser`.
    pub principals: BTreeSet<String>,
    /// `<operator> <key>=<value>`, one per value.
    pub conditions: BTreeSet<String>,
}

/// Reads a trust policy (`AssumeRolePolicyDocument`, URL-encoded or not).
pub fn trust_policy(document: &str) -> Result<Trust, String> {
    let doc = parse_document(document)?;
    let mut trust = Trust::default();
    for statement in allow_statements(&doc)? {
        // Read as every resource policy is (policy_summary), secret-looking values redacted.
        if let Some(p) = statement.get("Principal") {
            trust.principals.extend(policy_summary::principals(p));
        }
        if let Some(c) = statement.get("Condition") {
            trust.conditions.extend(policy_summary::conditions(c));
        }
    }
    Ok(trust)
}

/// What permission policies grant, for the least-privilege checks.
#[derive(Debug, Default, PartialEq, Eq, Clone)]
pub struct Grants {
    /// An `Allow` of every action on every resource.
    pub admin: bool,
    /// Whole-service wildcard actions allowed (`s3:*`), lower case; `*` for every action.
    pub wildcards: BTreeSet<String>,
}

impl Grants {
    fn merge(&mut self, other: &Grants) {
        self.admin |= other.admin;
        self.wildcards.extend(other.wildcards.iter().cloned());
    }
}

/// What a permission policy document (URL-encoded or not) grants. An `Allow` with `NotAction`
/// grants every action but those it names, so it counts as `*`; one with `NotResource` as every
/// resource.
pub fn grants(document: &str) -> Result<Grants, String> {
    let doc = parse_document(document)?;
    let mut out = Grants::default();
    for statement in allow_statements(&doc)? {
        let every_resource = statement.contains_key("NotResource")
            || statement
                .get("Resource")
                .is_some_and(|r| one_or_many(r).iter().any(|v| v.as_str() == Some("*")));
        let actions: Vec<String> = if statement.contains_key("NotAction") {
            vec!["*".to_string()]
        } else {
            statement
                .get("Action")
                .map(|a| {
                    one_or_many(a)
                        .into_iter()
                        .filter_map(Value::as_str)
                        .map(str::to_ascii_lowercase)
                        .collect()
                })
                .unwrap_or_default()
        };
        for action in actions {
            if action == "*" || action == "*:*" {
                out.wildcards.insert("*".to_string());
                out.admin |= every_resource;
            } else if action.ends_with(":*") {
                out.wildcards.insert(action);
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documents_are_read_url_encoded_or_plain() {
        let plain = r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"Service":"ecs-tasks.amazonaws.com"},"Action":"sts:AssumeRole"}}"#;
        let encoded = "%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%7B%22Effect%22%3A%22Allow%22%2C%22Principal%22%3A%7B%22Service%22%3A%22ecs-tasks.amazonaws.com%22%7D%2C%22Action%22%3A%22sts%3AAssumeRole%22%7D%7D";
        assert_eq!(parse_document(plain), parse_document(encoded));
        assert_eq!(
            trust_policy(encoded).expect("trust").principals,
            BTreeSet::from(["ecs-tasks.amazonaws.com".to_string()])
        );
        // `+` stays a plus sign (IAM encodes a space as %20).
        let plus = "%7B%22Statement%22%3A%5B%5D%2C%22Sid%22%3A%22a+b%22%7D";
        assert_eq!(parse_document(plus).expect("doc")["Sid"], "a+b");
        assert!(parse_document("%7B%ZZ").is_err());
        assert!(parse_document("not json").is_err());
        assert!(trust_policy(r#"{"Version":"2012-10-17"}"#).is_err());
    }

    /// The GitHub OIDC trust policy of AWS's documentation, URL-encoded as IAM returns it, with
    /// a second statement of every principal shape.
    #[test]
    fn trust_policies_give_principals_and_conditions() {
        let github = r#"{"Version":"2012-10-17","Statement":[
            {"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"},
             "Action":"sts:AssumeRoleWithWebIdentity",
             "Condition":{"StringEquals":{"token.actions.githubusercontent.com:aud":"sts.amazonaws.com",
                                          "token.actions.githubusercontent.com:sub":["repo:org/app:ref:refs/heads/main","repo:org/app:environment:prod"]},
                          "Bool":{"aws:SecureTransport":true}}},
            {"Effect":"Allow","Principal":{"AWS":["arn:aws:iam::111122223333:root","444455556666"],"Service":["ecs-tasks.amazonaws.com","lambda.amazonaws.com"]},"Action":["sts:AssumeRole","sts:TagSession"]},
            {"Effect":"Deny","Principal":"*","Action":"sts:AssumeRole"}]}"#;
        let encoded: String = github
            .bytes()
            .map(|b| match b {
                b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                    (b as char).to_string()
                }
                b => format!("%{b:02X}"),
            })
            .collect();
        let trust = trust_policy(&encoded).expect("trust");
        assert_eq!(
            trust.principals.iter().collect::<Vec<_>>(),
            [
                "444455556666",
                "arn:aws:iam::111122223333:root",
                "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com",
                "ecs-tasks.amazonaws.com",
                "lambda.amazonaws.com",
            ]
        );
        assert_eq!(
            trust.conditions.iter().collect::<Vec<_>>(),
            [
                "Bool aws:SecureTransport=true",
                "StringEquals token.actions.githubusercontent.com:aud=sts.amazonaws.com",
                "StringEquals token.actions.githubusercontent.com:sub=repo:org/app:environment:prod",
                "StringEquals token.actions.githubusercontent.com:sub=repo:org/app:ref:refs/heads/main",
            ]
        );
        // `"Principal": "*"` (anyone) and a principal map of one string.
        let anyone = trust_policy(
            r#"{"Statement":[{"Effect":"Allow","Principal":"*","Action":"sts:AssumeRole"},
                {"Effect":"Allow","Principal":{"CanonicalUser":"79a59df900b949e55d96a1e698fbaced"},"Action":"sts:AssumeRole"}]}"#,
        )
        .expect("trust");
        assert_eq!(
            anyone.principals.iter().collect::<Vec<_>>(),
            ["*", "79a59df900b949e55d96a1e698fbaced"]
        );
        assert!(anyone.conditions.is_empty());
    }

    #[test]
    fn grants_find_admin_and_service_wildcards() {
        let g = |doc: &str| grants(doc).expect("policy");
        // AdministratorAccess: Statement an object, Action and Resource strings.
        let admin = g(
            r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}"#,
        );
        assert!(admin.admin);
        assert_eq!(admin.wildcards, BTreeSet::from(["*".to_string()]));
        // Action arrays, mixed case, a wildcard on one bucket, a prefix wildcard (not a whole
        // service), a Deny of everything (grants nothing).
        let scoped = g(r#"{"Statement":[
                {"Effect":"Allow","Action":["S3:*","logs:CreateLogStream"],"Resource":["arn:aws:s3:::b","arn:aws:s3:::b/*"]},
                {"Effect":"Allow","Action":"ecr:Get*","Resource":"*"},
                {"Effect":"Allow","Action":["dynamodb:*"],"Resource":"*"},
                {"Effect":"Deny","Action":"*","Resource":"*"}]}"#);
        assert!(!scoped.admin);
        assert_eq!(
            scoped.wildcards.iter().collect::<Vec<_>>(),
            ["dynamodb:*", "s3:*"]
        );
        // `*` on one resource is every action but not admin; NotAction on `*` is admin.
        let star_one =
            g(r#"{"Statement":[{"Effect":"Allow","Action":"*","Resource":"arn:aws:s3:::b"}]}"#);
        assert!(!star_one.admin);
        assert_eq!(star_one.wildcards, BTreeSet::from(["*".to_string()]));
        let not_action =
            g(r#"{"Statement":[{"Effect":"Allow","NotAction":"iam:*","Resource":"*"}]}"#);
        assert!(not_action.admin);
        let not_resource = g(
            r#"{"Statement":[{"Effect":"Allow","Action":"*:*","NotResource":"arn:aws:s3:::secret"}]}"#,
        );
        assert!(not_resource.admin);
        // Least privilege.
        let least = g(
            r#"{"Statement":[{"Effect":"Allow","Action":["s3:GetObject","s3:PutObject"],"Resource":"arn:aws:s3:::b/*"}]}"#,
        );
        assert_eq!(least, Grants::default());
        let mut merged = scoped.clone();
        merged.merge(&admin);
        assert!(merged.admin);
        assert_eq!(merged.wildcards.len(), 3);
    }

    #[test]
    fn key_ages_count_active_keys_only() {
        use aws_smithy_types::DateTime;
        let key = |id: &str, status: StatusType, created: i64| {
            AccessKeyMetadata::builder()
                .access_key_id(id)
                .status(status)
                .create_date(DateTime::from_secs(created))
                .build()
        };
        let now = 1_800_000_000;
        let keys = [
            key("AKIAOLDINACTIVE", StatusType::Inactive, now - 400 * 86_400),
            key("AKIAACTIVE1", StatusType::Active, now - 91 * 86_400 - 5),
            key("AKIAACTIVE2", StatusType::Active, now - 3 * 86_400),
        ];
        let a: BTreeMap<_, _> = key_attributes(&keys, now).into_iter().collect();
        assert_eq!(a["access_key_count"], json!(3));
        assert_eq!(a["active_access_key_count"], json!(2));
        assert_eq!(a["oldest_active_key_age_days"], json!(91));
        let a: BTreeMap<_, _> = key_attributes(&keys[..1], now).into_iter().collect();
        assert_eq!(a["active_access_key_count"], json!(0));
        assert_eq!(a["oldest_active_key_age_days"], Value::Null);
    }

    fn iam_xml(action: &str, result: &str) -> String {
        format!(
            r#"<{action}Response xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><{action}Result>{result}</{action}Result><ResponseMetadata><RequestId>7a62c49f-347e-4fc4-9331-6e8eEXAMPLE</RequestId></ResponseMetadata></{action}Response>"#
        )
    }

    fn role_xml(name: &str, trust: &str) -> String {
        format!(
            "<member><Path>/</Path><RoleName>{name}</RoleName><RoleId>AROADBQP57FF2AEXAMPLE</RoleId><Arn>arn:aws:iam::123456789012:role/{name}</Arn><CreateDate>2024-01-10T09:00:00Z</CreateDate><AssumeRolePolicyDocument>{trust}</AssumeRolePolicyDocument><MaxSessionDuration>3600</MaxSessionDuration></member>"
        )
    }

    /// Shaped like the IAM API reference: ListRoles over two pages (the second asked for with
    /// the first's Marker), a URL-encoded trust policy, GetRole's RoleLastUsed and tags (which
    /// moto leaves empty), and a managed policy read through its default version. A user's
    /// access keys: the most recent use of an active key counts; an inactive key is not asked.
    #[tokio::test]
    async fn roles_and_users_read_as_the_api_reference_answers() {
        let now = now_secs();
        let ago = |days: i64| {
            rfc3339(&aws_smithy_types::DateTime::from_secs(
                now - days * 86_400 - 60,
            ))
        };
        let trust = "%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow%22%2C%22Principal%22%3A%7B%22Federated%22%3A%22arn%3Aaws%3Aiam%3A%3A123456789012%3Aoidc-provider%2Ftoken.actions.githubusercontent.com%22%7D%2C%22Action%22%3A%22sts%3AAssumeRoleWithWebIdentity%22%2C%22Condition%22%3A%7B%22StringLike%22%3A%7B%22token.actions.githubusercontent.com%3Asub%22%3A%22repo%3Aorg%2Fapp%3A*%22%7D%7D%7D%5D%7D";
        let admin = "%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow%22%2C%22Action%22%3A%22*%22%2C%22Resource%22%3A%22*%22%7D%5D%7D";
        let first_page = iam_xml(
            "ListRoles",
            &format!(
                "<Roles>{}</Roles><IsTruncated>true</IsTruncated><Marker>page-2</Marker>",
                role_xml("other", trust)
            ),
        );
        let second_page = iam_xml(
            "ListRoles",
            &format!(
                "<Roles>{}</Roles><IsTruncated>false</IsTruncated>",
                role_xml("deploy", trust)
            ),
        );
        let used = ago(3);
        let get_role = iam_xml(
            "GetRole",
            &format!(
                "<Role><Path>/</Path><RoleName>deploy</RoleName><RoleId>AROADBQP57FF2AEXAMPLE</RoleId><Arn>arn:aws:iam::123456789012:role/deploy</Arn><CreateDate>2024-01-10T09:00:00Z</CreateDate><AssumeRolePolicyDocument>{trust}</AssumeRolePolicyDocument><MaxSessionDuration>3600</MaxSessionDuration><Tags><member><Key>team</Key><Value>platform</Value></member></Tags><RoleLastUsed><LastUsedDate>{used}</LastUsedDate><Region>ap-northeast-2</Region></RoleLastUsed></Role>"
            ),
        );
        let attached = iam_xml(
            "ListAttachedRolePolicies",
            "<AttachedPolicies><member><PolicyName>AdministratorAccess</PolicyName><PolicyArn>arn:aws:iam::aws:policy/AdministratorAccess</PolicyArn></member></AttachedPolicies><IsTruncated>false</IsTruncated>",
        );
        let inline = iam_xml(
            "ListRolePolicies",
            "<PolicyNames/><IsTruncated>false</IsTruncated>",
        );
        let policy = iam_xml(
            "GetPolicy",
            "<Policy><PolicyName>AdministratorAccess</PolicyName><DefaultVersionId>v3</DefaultVersionId><PolicyId>ANPAIWMBCKSKIEE64ZLYK</PolicyId><Path>/</Path><Arn>arn:aws:iam::aws:policy/AdministratorAccess</Arn><AttachmentCount>1</AttachmentCount><IsAttachable>true</IsAttachable></Policy>",
        );
        let version = iam_xml(
            "GetPolicyVersion",
            &format!("<PolicyVersion><Document>{admin}</Document><IsDefaultVersion>true</IsDefaultVersion><VersionId>v3</VersionId></PolicyVersion>"),
        );
        let users = iam_xml(
            "ListUsers",
            "<Users><member><Path>/</Path><UserName>ci</UserName><UserId>AIDACKCEVSQ6C2EXAMPLE</UserId><Arn>arn:aws:iam::123456789012:user/ci</Arn><CreateDate>2024-01-10T09:00:00Z</CreateDate></member></Users><IsTruncated>false</IsTruncated>",
        );
        let key = |id: &str, status: &str, days: i64| {
            format!("<member><UserName>ci</UserName><AccessKeyId>{id}</AccessKeyId><Status>{status}</Status><CreateDate>{}</CreateDate></member>", ago(days))
        };
        let keys = iam_xml(
            "ListAccessKeys",
            &format!(
                "<AccessKeyMetadata>{}{}{}</AccessKeyMetadata><IsTruncated>false</IsTruncated>",
                key("AKIAOLDEXAMPLE", "Active", 200),
                key("AKIANEWEXAMPLE", "Active", 20),
                key("AKIAOFFEXAMPLE", "Inactive", 400)
            ),
        );
        let last_used = |date: Option<String>| {
            iam_xml(
                "GetAccessKeyLastUsed",
                &format!(
                    "<UserName>ci</UserName><AccessKeyLastUsed>{}<ServiceName>s3</ServiceName><Region>ap-northeast-2</Region></AccessKeyLastUsed>",
                    date.map_or(String::new(), |d| format!("<LastUsedDate>{d}</LastUsedDate>"))
                ),
            )
        };
        let (old_used, new_used) = (last_used(Some(ago(10))), last_used(None));
        let replay = crate::probe::replay::Replay::by_request(move |request| {
            let has = |s: &str| request.contains(s);
            let body = if has("Action=ListRoles") && has("Marker=page-2") {
                second_page.clone()
            } else if has("Action=ListRoles") {
                first_page.clone()
            } else if has("Action=GetRole&") && has("RoleName=deploy") {
                get_role.clone()
            } else if has("Action=ListAttachedRolePolicies") {
                attached.clone()
            } else if has("Action=ListRolePolicies") {
                inline.clone()
            } else if has("Action=GetPolicy&") {
                policy.clone()
            } else if has("Action=GetPolicyVersion") && has("VersionId=v3") {
                version.clone()
            } else if has("Action=ListUsers") {
                users.clone()
            } else if has("Action=ListAccessKeys") {
                keys.clone()
            } else if has("Action=GetAccessKeyLastUsed") && has("AKIAOLDEXAMPLE") {
                old_used.clone()
            } else if has("Action=GetAccessKeyLastUsed") && has("AKIANEWEXAMPLE") {
                new_used.clone()
            } else {
                return (400, format!("<ErrorResponse><Error><Type>Sender</Type><Code>UnexpectedRequest</Code><Message>{request}</Message></Error></ErrorResponse>"));
            };
            (200, body)
        });
        let spec = crate::spec::from_str(
            std::path::Path::new("inline.yaml"),
            "version: 1\nenvironment: test\nresources:\n\
             - kind: iam_role\n  id: deploy\n  expect: { last_used: null, tags: {}, grants_admin: false, trust_conditions: [] }\n\
             - kind: iam_user\n  id: ci\n  expect: { oldest_active_key_age_days: 0, access_key_last_used_days: 0 }\n",
        )
        .expect("spec");
        let conn = replay.connection();
        let resources: Vec<&Resource> = spec.resources.iter().collect();
        let records = observe(&conn, &resources).await;
        let requests = replay.requests();
        assert!(
            !requests.iter().any(|r| r.contains("AKIAOFFEXAMPLE")),
            "an inactive key's last use is not asked: {requests:#?}"
        );
        let attributes =
            |id: &str| match records.iter().find(|r| r.id == id).map(|r| &r.observation) {
                Some(Observation::Present { attributes, errors }) => {
                    assert!(errors.is_empty(), "{id}: {errors:?}");
                    attributes.clone()
                }
                other => panic!("{id}: {other:?}"),
            };
        let role = attributes("deploy");
        assert_eq!(role["last_used"], json!(used));
        assert_eq!(role["tags"], json!({"team": "platform"}));
        assert_eq!(role["grants_admin"], json!(true));
        assert_eq!(role["service_wildcards"], json!(["*"]));
        assert_eq!(role["attached_policies"], json!(["AdministratorAccess"]));
        assert_eq!(role["inline_policies"], json!([]));
        assert_eq!(
            role["trust_conditions"],
            json!(["StringLike token.actions.githubusercontent.com:sub=repo:org/app:*"])
        );
        let user = attributes("ci");
        assert_eq!(user["access_key_count"], json!(3));
        assert_eq!(user["active_access_key_count"], json!(2));
        assert_eq!(user["oldest_active_key_age_days"], json!(200));
        assert_eq!(user["access_key_last_used_days"], json!(10));
        assert_eq!(
            conn.recorder.calls(),
            BTreeMap::from([
                ("IAM:GetAccessKeyLastUsed".to_string(), 2),
                ("IAM:GetPolicy".to_string(), 1),
                ("IAM:GetPolicyVersion".to_string(), 1),
                ("IAM:GetRole".to_string(), 1),
                ("IAM:ListAccessKeys".to_string(), 1),
                ("IAM:ListAttachedRolePolicies".to_string(), 1),
                ("IAM:ListRolePolicies".to_string(), 1),
                ("IAM:ListRoles".to_string(), 2),
                ("IAM:ListUsers".to_string(), 1),
            ])
        );
    }

    /// GetLoginProfile (a profile, NoSuchEntity: no console access, AccessDenied: an error),
    /// ListMFADevices, ListAttachedUserPolicies, ListUserPolicies, ListGroupsForUser over two
    /// pages, GetUser's tags, and a role's inline policy by GetRolePolicy (URL-encoded), shaped
    /// like the IAM API reference's responses.
    #[tokio::test]
    async fn user_details_and_inline_role_policies_read_as_the_api_reference_answers() {
        let user = |name: &str| {
            format!("<member><Path>/</Path><UserName>{name}</UserName><UserId>AIDACKCEVSQ6C2EXAMPLE</UserId><Arn>arn:aws:iam::123456789012:user/{name}</Arn><CreateDate>2024-01-10T09:00:00Z</CreateDate></member>")
        };
        let users = iam_xml(
            "ListUsers",
            &format!(
                "<Users>{}{}{}</Users><IsTruncated>false</IsTruncated>",
                user("alice"),
                user("ci"),
                user("denied")
            ),
        );
        let roles = iam_xml(
            "ListRoles",
            &format!(
                "<Roles>{}</Roles><IsTruncated>false</IsTruncated>",
                role_xml(
                    "app",
                    "%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%5D%7D"
                )
            ),
        );
        let profile = iam_xml(
            "GetLoginProfile",
            "<LoginProfile><UserName>alice</UserName><CreateDate>2024-01-10T09:00:00Z</CreateDate><PasswordResetRequired>false</PasswordResetRequired></LoginProfile>",
        );
        let error = |code: &str, message: &str| {
            format!("<ErrorResponse xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\"><Error><Type>Sender</Type><Code>{code}</Code><Message>{message}</Message></Error><RequestId>7a62c49f-347e-4fc4-9331-6e8eEXAMPLE</RequestId></ErrorResponse>")
        };
        let no_profile = error("NoSuchEntity", "Login Profile for User ci cannot be found.");
        let denied = error("AccessDenied", "User: arn:aws:iam::123456789012:user/auditor is not authorized to perform: iam:GetLoginProfile");
        let mfa = |serials: &[&str]| {
            iam_xml(
                "ListMFADevices",
                &format!(
                    "<MFADevices>{}</MFADevices><IsTruncated>false</IsTruncated>",
                    serials.iter().map(|s| format!("<member><UserName>alice</UserName><SerialNumber>{s}</SerialNumber><EnableDate>2024-01-10T09:00:00Z</EnableDate></member>")).collect::<String>()
                ),
            )
        };
        let (alice_mfa, ci_mfa) = (mfa(&["arn:aws:iam::123456789012:mfa/alice"]), mfa(&[]));
        let attached = iam_xml(
            "ListAttachedUserPolicies",
            "<AttachedPolicies><member><PolicyName>ReadOnlyAccess</PolicyName><PolicyArn>arn:aws:iam::aws:policy/ReadOnlyAccess</PolicyArn></member></AttachedPolicies><IsTruncated>false</IsTruncated>",
        );
        let inline = iam_xml(
            "ListUserPolicies",
            "<PolicyNames><member>self-service</member></PolicyNames><IsTruncated>false</IsTruncated>",
        );
        let group = |name: &str| {
            format!("<member><Path>/</Path><GroupName>{name}</GroupName><GroupId>AGPACKCEVSQ6C2EXAMPLE</GroupId><Arn>arn:aws:iam::123456789012:group/{name}</Arn><CreateDate>2024-01-10T09:00:00Z</CreateDate></member>")
        };
        let groups_1 = iam_xml(
            "ListGroupsForUser",
            &format!(
                "<Groups>{}</Groups><IsTruncated>true</IsTruncated><Marker>groups-2</Marker>",
                group("oncall")
            ),
        );
        let groups_2 = iam_xml(
            "ListGroupsForUser",
            &format!(
                "<Groups>{}</Groups><IsTruncated>false</IsTruncated>",
                group("developers")
            ),
        );
        let get_user = iam_xml(
            "GetUser",
            "<User><Path>/</Path><UserName>alice</UserName><UserId>AIDACKCEVSQ6C2EXAMPLE</UserId><Arn>arn:aws:iam::123456789012:user/alice</Arn><CreateDate>2024-01-10T09:00:00Z</CreateDate><Tags><member><Key>team</Key><Value>platform</Value></member></Tags></User>",
        );
        let role_policies = iam_xml(
            "ListRolePolicies",
            "<PolicyNames><member>s3-all</member></PolicyNames><IsTruncated>false</IsTruncated>",
        );
        let role_attached = iam_xml(
            "ListAttachedRolePolicies",
            "<AttachedPolicies/><IsTruncated>false</IsTruncated>",
        );
        let role_policy = iam_xml(
            "GetRolePolicy",
            "<RoleName>app</RoleName><PolicyName>s3-all</PolicyName><PolicyDocument>%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow%22%2C%22Action%22%3A%22s3%3A*%22%2C%22Resource%22%3A%22*%22%7D%5D%7D</PolicyDocument>",
        );
        let replay = crate::probe::replay::Replay::by_request(move |request| {
            let has = |s: &str| request.contains(s);
            let ok = |b: &String| (200, b.clone());
            if has("Action=ListUsers") {
                ok(&users)
            } else if has("Action=ListRoles") {
                ok(&roles)
            } else if has("Action=GetLoginProfile") && has("UserName=alice") {
                ok(&profile)
            } else if has("Action=GetLoginProfile") && has("UserName=ci") {
                (404, no_profile.clone())
            } else if has("Action=GetLoginProfile") {
                (403, denied.clone())
            } else if has("Action=ListMFADevices") && has("UserName=alice") {
                ok(&alice_mfa)
            } else if has("Action=ListMFADevices") {
                ok(&ci_mfa)
            } else if has("Action=ListAttachedUserPolicies") {
                ok(&attached)
            } else if has("Action=ListUserPolicies") {
                ok(&inline)
            } else if has("Action=ListGroupsForUser") && has("Marker=groups-2") {
                ok(&groups_2)
            } else if has("Action=ListGroupsForUser") {
                ok(&groups_1)
            } else if has("Action=GetUser&") {
                ok(&get_user)
            } else if has("Action=ListRolePolicies") {
                ok(&role_policies)
            } else if has("Action=ListAttachedRolePolicies") {
                ok(&role_attached)
            } else if has("Action=GetRolePolicy") && has("PolicyName=s3-all") {
                ok(&role_policy)
            } else {
                (400, format!("<ErrorResponse><Error><Type>Sender</Type><Code>UnexpectedRequest</Code><Message>{request}</Message></Error></ErrorResponse>"))
            }
        });
        let spec = crate::spec::from_str(
            std::path::Path::new("inline.yaml"),
            "version: 1\nenvironment: test\nresources:\n\
             - kind: iam_user\n  id: alice\n  expect: { console_access: true, mfa_enabled: true, attached_policies: [], inline_policies: [], groups: [], tags: {} }\n\
             - kind: iam_user\n  id: ci\n  expect: { console_access: false, mfa_enabled: false }\n\
             - kind: iam_user\n  id: denied\n  expect: { console_access: false }\n\
             - kind: iam_role\n  id: app\n  expect: { grants_admin: false }\n",
        )
        .expect("spec");
        let conn = replay.connection();
        let resources: Vec<&Resource> = spec.resources.iter().collect();
        let records = observe(&conn, &resources).await;
        let present = |id: &str| match records.iter().find(|r| r.id == id).map(|r| &r.observation) {
            Some(Observation::Present { attributes, errors }) => {
                (attributes.clone(), errors.clone())
            }
            other => panic!("{id}: {other:?}"),
        };
        let (alice, errors) = present("alice");
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(alice["console_access"], json!(true));
        assert_eq!(alice["mfa_enabled"], json!(true));
        assert_eq!(alice["attached_policies"], json!(["ReadOnlyAccess"]));
        assert_eq!(alice["inline_policies"], json!(["self-service"]));
        assert_eq!(alice["groups"], json!(["developers", "oncall"]));
        assert_eq!(alice["tags"], json!({"team": "platform"}));
        let (ci, errors) = present("ci");
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(ci["console_access"], json!(false));
        assert_eq!(ci["mfa_enabled"], json!(false));
        let (denied, errors) = present("denied");
        assert!(!denied.contains_key("console_access"), "{denied:?}");
        assert!(
            errors["console_access"]
                .contains("access denied: the caller may not call `iam:GetLoginProfile`"),
            "{errors:?}"
        );
        let (app, errors) = present("app");
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(app["grants_admin"], json!(false));
        assert_eq!(app["service_wildcards"], json!(["s3:*"]));
        assert_eq!(conn.recorder.calls()["IAM:ListGroupsForUser"], 2);
        assert_eq!(conn.recorder.calls()["IAM:GetRolePolicy"], 1);
    }
}
