//! What launch checklists usually ask for, where an existing value falls short: one table, read
//! by `init --from-account` to comment the values it writes (`# recommended: ...`). The spec still
//! expects today's value, so it passes today; the comment says what to tighten it to.
//! docs/init.md shows this table; a test keeps the two in step.

use serde_json::Value as J;

/// One recommendation.
pub struct Recommendation {
    /// Kinds it applies to.
    pub kinds: &'static [&'static str],
    /// The attribute.
    pub attribute: &'static str,
    /// Only in an environment named like production ([`is_production`]).
    pub production_only: bool,
    /// What is recommended, as written after `recommended:`.
    pub advice: &'static str,
    /// When today's value falls short: why, in a few words (for the comment's parentheses).
    pub short: fn(&J) -> Option<String>,
}

fn days(n: i64) -> String {
    if n == 1 {
        "1 day".into()
    } else {
        format!("{n} days")
    }
}

fn backups(v: &J) -> Option<String> {
    let n = v.as_i64()?;
    (n < 7).then(|| {
        if n == 0 {
            "automated backups are off".to_string()
        } else {
            format!("backups kept {}", days(n))
        }
    })
}

fn is(value: bool, why: &'static str) -> impl Fn(&J) -> Option<String> {
    move |v: &J| (v.as_bool() == Some(value)).then(|| why.to_string())
}

fn not_encrypted(v: &J) -> Option<String> {
    is(false, "storage not encrypted at rest")(v)
}
fn no_deletion_protection(v: &J) -> Option<String> {
    is(false, "no deletion protection")(v)
}
fn public_address(v: &J) -> Option<String> {
    is(true, "the instance has a public address")(v)
}
fn single_az(v: &J) -> Option<String> {
    is(false, "single-AZ")(v)
}
fn no_scan(v: &J) -> Option<String> {
    is(false, "images are not scanned on push")(v)
}
fn no_lifecycle(v: &J) -> Option<String> {
    is(false, "old images are never expired")(v)
}
fn public_access(v: &J) -> Option<String> {
    is(false, "public access is not blocked")(v)
}
fn no_tls_policy(v: &J) -> Option<String> {
    is(false, "the bucket policy does not deny plain HTTP")(v)
}
fn no_breaker(v: &J) -> Option<String> {
    is(false, "a failed deployment is not stopped")(v)
}
fn no_rotation(v: &J) -> Option<String> {
    is(false, "the secret is never rotated")(v)
}
fn no_at_rest_encryption(v: &J) -> Option<String> {
    is(false, "not encrypted at rest")(v)
}

fn versioning(v: &J) -> Option<String> {
    match v.as_str() {
        Some("Enabled") => None,
        Some(other) => Some(format!("versioning is {other}")),
        None => Some("versioning not reported".into()),
    }
}

fn no_default_encryption(v: &J) -> Option<String> {
    v.is_null().then(|| "no default encryption".to_string())
}

fn no_replica(_: &J) -> Option<String> {
    Some("a single cache cluster has no replica".into())
}

fn zero_replicas(v: &J) -> Option<String> {
    (v.as_i64() == Some(0)).then(|| "no replica".to_string())
}

fn root_path(v: &J) -> Option<String> {
    (v.as_str() == Some("/")).then(|| "the check only requests /".to_string())
}

fn allow_all(v: &J) -> Option<String> {
    (v.as_str() == Some("allow-all")).then(|| "plain HTTP is served".to_string())
}

fn no_health_check(v: &J) -> Option<String> {
    let missing: Vec<&str> = v
        .as_array()?
        .iter()
        .filter(|c| c.get("health_check").is_none_or(J::is_null))
        .map(|c| c.get("name").and_then(J::as_str).unwrap_or("?"))
        .collect();
    (!missing.is_empty()).then(|| format!("no container health check on {}", missing.join(", ")))
}

/// Every recommendation, in documentation order.
pub static RECOMMENDATIONS: &[Recommendation] = &[
    Recommendation {
        kinds: &["rds_instance", "rds_cluster"],
        attribute: "backup_retention_period",
        production_only: false,
        advice: "at least 7",
        short: backups,
    },
    Recommendation {
        kinds: &["rds_instance", "rds_cluster"],
        attribute: "storage_encrypted",
        production_only: false,
        advice: "true",
        short: not_encrypted,
    },
    Recommendation {
        kinds: &["rds_instance", "rds_cluster"],
        attribute: "deletion_protection",
        production_only: false,
        advice: "true",
        short: no_deletion_protection,
    },
    Recommendation {
        kinds: &["rds_instance"],
        attribute: "publicly_accessible",
        production_only: false,
        advice: "false",
        short: public_address,
    },
    Recommendation {
        kinds: &[
            "rds_instance",
            "rds_cluster",
            "elasticache_replication_group",
        ],
        attribute: "multi_az",
        production_only: true,
        advice: "true in production",
        short: single_az,
    },
    Recommendation {
        kinds: &["elasticache_cluster"],
        attribute: "num_cache_nodes",
        production_only: true,
        advice: "a replication group with at least 1 replica in production",
        short: no_replica,
    },
    Recommendation {
        kinds: &["elasticache_replication_group"],
        attribute: "replicas_per_node_group",
        production_only: true,
        advice: "at least 1 in production",
        short: zero_replicas,
    },
    Recommendation {
        kinds: &["elasticache_replication_group"],
        attribute: "at_rest_encryption",
        production_only: false,
        advice: "true",
        short: no_at_rest_encryption,
    },
    Recommendation {
        kinds: &["ecr_repository"],
        attribute: "scan_on_push",
        production_only: false,
        advice: "true",
        short: no_scan,
    },
    Recommendation {
        kinds: &["ecr_repository"],
        attribute: "lifecycle_policy",
        production_only: false,
        advice: "true",
        short: no_lifecycle,
    },
    Recommendation {
        kinds: &["ecs_task_definition"],
        attribute: "containers",
        production_only: false,
        advice: "a container health check",
        short: no_health_check,
    },
    Recommendation {
        kinds: &["ecs_service"],
        attribute: "deployment_circuit_breaker",
        production_only: false,
        advice: "true",
        short: no_breaker,
    },
    Recommendation {
        kinds: &["lb_target_group"],
        attribute: "health_check_path",
        production_only: false,
        advice: "the application's health endpoint, e.g. /api/health",
        short: root_path,
    },
    Recommendation {
        kinds: &["s3_bucket"],
        attribute: "versioning",
        production_only: false,
        advice: "Enabled",
        short: versioning,
    },
    Recommendation {
        kinds: &["s3_bucket"],
        attribute: "public_access_blocked",
        production_only: false,
        advice: "true, unless the bucket itself serves a public website",
        short: public_access,
    },
    Recommendation {
        kinds: &["s3_bucket"],
        attribute: "sse_algorithm",
        production_only: false,
        advice: "AES256 or aws:kms",
        short: no_default_encryption,
    },
    Recommendation {
        kinds: &["s3_bucket"],
        attribute: "policy_requires_tls",
        production_only: false,
        advice: "true",
        short: no_tls_policy,
    },
    Recommendation {
        kinds: &["cloudfront_distribution"],
        attribute: "viewer_protocol_policy",
        production_only: false,
        advice: "redirect-to-https or https-only",
        short: allow_all,
    },
    Recommendation {
        kinds: &["secret"],
        attribute: "rotation_enabled",
        production_only: true,
        advice: "true in production",
        short: no_rotation,
    },
];

/// Whether an environment is named like production: `production`, `prod`, `prd`, `live`, or a
/// name with one of them as a `-`/`_` separated part (`shop-prod`, `prod_kr`).
pub fn is_production(environment: &str) -> bool {
    let lower = environment.to_ascii_lowercase();
    lower
        .split(['-', '_'])
        .any(|part| matches!(part, "production" | "prod" | "prd" | "live"))
}

/// Whether a recommendation is about this attribute of this kind (whatever the value).
pub fn covers(kind: &str, attribute: &str) -> bool {
    RECOMMENDATIONS
        .iter()
        .any(|r| r.attribute == attribute && r.kinds.contains(&kind))
}

/// The comment for today's value of an attribute, when it falls short of a recommendation:
/// `recommended: at least 7 (backups kept 1 day)`.
pub fn comment(kind: &str, attribute: &str, value: &J, environment: &str) -> Option<String> {
    let production = is_production(environment);
    RECOMMENDATIONS
        .iter()
        .filter(|r| r.attribute == attribute && r.kinds.contains(&kind))
        .filter(|r| production || !r.production_only)
        .find_map(|r| (r.short)(value).map(|why| format!("recommended: {} ({why})", r.advice)))
}

/// The table as Markdown rows (`| kinds | attribute | recommended | when |`), for docs/init.md.
pub fn markdown_rows() -> String {
    RECOMMENDATIONS
        .iter()
        .map(|r| {
            let kinds: Vec<String> = r.kinds.iter().map(|k| format!("`{k}`")).collect();
            format!(
                "| {} | `{}` | {} | {} |\n",
                kinds.join(", "),
                r.attribute,
                r.advice,
                if r.production_only {
                    "production only"
                } else {
                    "every environment"
                }
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn comments_say_what_is_recommended_and_what_is_there() {
        let c = |k, a, v: J, env| comment(k, a, &v, env);
        assert_eq!(
            c(
                "rds_instance",
                "backup_retention_period",
                json!(1),
                "staging"
            )
            .as_deref(),
            Some("recommended: at least 7 (backups kept 1 day)")
        );
        assert_eq!(
            c(
                "rds_cluster",
                "backup_retention_period",
                json!(0),
                "staging"
            )
            .as_deref(),
            Some("recommended: at least 7 (automated backups are off)")
        );
        assert_eq!(
            c(
                "rds_instance",
                "backup_retention_period",
                json!(7),
                "staging"
            ),
            None
        );
        assert_eq!(
            c("s3_bucket", "versioning", json!("Disabled"), "staging").as_deref(),
            Some("recommended: Enabled (versioning is Disabled)")
        );
        assert_eq!(
            c("s3_bucket", "versioning", json!("Enabled"), "staging"),
            None
        );
        assert_eq!(
            c("s3_bucket", "sse_algorithm", json!(null), "staging").as_deref(),
            Some("recommended: AES256 or aws:kms (no default encryption)")
        );
        assert_eq!(
            c("ecr_repository", "scan_on_push", json!(false), "staging").as_deref(),
            Some("recommended: true (images are not scanned on push)")
        );
        assert_eq!(
            c("lb_target_group", "health_check_path", json!("/"), "staging").as_deref(),
            Some("recommended: the application's health endpoint, e.g. /api/health (the check only requests /)")
        );
        assert_eq!(
            c(
                "ecs_task_definition",
                "containers",
                json!([{"name": "api", "health_check": {"retries": 3}}, {"name": "sidecar", "health_check": null}]),
                "staging"
            )
            .as_deref(),
            Some("recommended: a container health check (no container health check on sidecar)")
        );
    }

    #[test]
    fn multi_az_and_replicas_are_recommended_in_production_only() {
        for env in ["production", "shop-prod", "prd", "live_kr"] {
            assert!(is_production(env), "{env}");
            assert_eq!(
                comment("rds_instance", "multi_az", &json!(false), env).as_deref(),
                Some("recommended: true in production (single-AZ)")
            );
            assert!(comment("elasticache_cluster", "num_cache_nodes", &json!(1), env).is_some());
            assert!(comment(
                "elasticache_replication_group",
                "replicas_per_node_group",
                &json!(0),
                env
            )
            .is_some());
        }
        for env in ["staging", "dev", "products", "preprod-ish"] {
            assert!(!is_production(env), "{env}");
            assert_eq!(
                comment("rds_instance", "multi_az", &json!(false), env),
                None
            );
            assert_eq!(
                comment("elasticache_cluster", "num_cache_nodes", &json!(1), env),
                None
            );
        }
    }

    #[test]
    fn every_recommendation_names_a_catalog_attribute() {
        for r in RECOMMENDATIONS {
            for k in r.kinds {
                assert!(
                    crate::catalog::kind(k)
                        .and_then(|k| k.attribute(r.attribute))
                        .is_some(),
                    "{k}.{}",
                    r.attribute
                );
            }
        }
    }
}
