//! `init --from-checklist`: a draft spec whose `item:` links tie checklist lines to the kinds and
//! values they mention.
//!
//! The checklist is read by [`crate::checklist::Checklist`] (pulldown-cmark with offsets), so
//! code blocks, tables, HTML and markers that are not checkboxes are never items. Each item is
//! read in three steps:
//!
//! 1. **Environment**: the nearest of its own text, its parent items and its headings that names
//!    one ([`ENVIRONMENTS`]). With `ENV` given only that environment's items are read.
//! 2. **Kind**: a family keyword in its own text ([`FAMILIES`]: "RDS", "Redis", "ALB", "버킷"...),
//!    the earliest one winning, then a kind keyword of that family ("task definition",
//!    "listener"); without a family keyword the item belongs to its parent item's resource, or to
//!    a family its headings name, or to the kind a self-identifying value implies (`/api/health`
//!    is a target group's health check path).
//! 3. **Values**: every [`RULES`] pattern of that family the text matches ("db.t3.micro",
//!    "20 GB", "Multi-AZ: No", "백업 7일", "1 replica", "CPU > 80 %").
//!
//! An item that names a kind is the `item:` of its resource; values on sub-items become
//! expectations with their own `item:`. Resource ids are unknown: placeholders
//! (`TODO-rds-instance-staging`) with a comment, unless the line spells one (`/ecs/...` log
//! groups, a backticked secret or bucket name). An item nothing can be drafted from becomes a
//! `# TODO: "<line>"` comment, never a silent omission.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use regex::{Captures, Regex};
use serde_json::{json, Value as J};

use super::draft::{Draft, Entry, Expect, Group, Match};
use super::InitError;
use crate::catalog;
use crate::checklist::{normalize, Checklist};

/// Environments recognised in headings and items: canonical name, and a pattern for its names
/// (English and Korean).
pub const ENVIRONMENTS: &[(&str, &str)] = &[
    ("staging", r"(?i)\b(staging|stage|stg)\b|스테이징"),
    ("production", r"(?i)\b(production|prod|prd)\b|프로덕션|운영"),
    ("development", r"(?i)\b(development|dev)\b|개발"),
];

/// A family of kinds a checklist line can name.
pub struct Family {
    /// A name for docs and tests.
    pub name: &'static str,
    /// Its kinds; the first is the one meant when the line names no particular kind.
    pub kinds: &'static [&'static str],
    /// Words that name the family.
    pub keywords: &'static str,
    /// Words that name one kind of the family.
    pub scoped: &'static [(&'static str, &'static str)],
}

/// Every family, in the order ties are broken.
pub static FAMILIES: &[Family] = &[
    Family {
        name: "alarm",
        kinds: &["metric_alarm"],
        keywords: r"(?i)\balarms?\b|\balerts?\b|알람|경보",
        scoped: &[],
    },
    Family {
        name: "rds",
        kinds: &["rds_instance", "rds_cluster"],
        keywords: r"(?i)\brds\b|postgres(ql)?\b|\bmysql\b|mariadb|\baurora\b|\bdb\.[a-z0-9]+\.[a-z0-9]+|\bdatabase\b|데이터베이스|\bdb instance",
        scoped: &[(
            "rds_cluster",
            r"(?i)\baurora\b|serverless|\bacu\b|db cluster",
        )],
    },
    Family {
        name: "cache",
        kinds: &["elasticache_cluster", "elasticache_replication_group"],
        keywords: r"(?i)elasticache|\bredis\b|valkey|memcached|\bcache\.[a-z0-9]+\.[a-z0-9]+|레디스",
        scoped: &[("elasticache_replication_group", r"(?i)replication group")],
    },
    Family {
        name: "ecr",
        kinds: &["ecr_repository"],
        keywords: r"(?i)\becr\b|image repositor|container registry|이미지 (저장소|레포)",
        scoped: &[],
    },
    Family {
        name: "ecs",
        kinds: &[
            "ecs_cluster",
            "ecs_service",
            "ecs_task_definition",
            "ecs_service_scaling",
        ],
        keywords: r"(?i)\becs\b|fargate|task definitions?|태스크 정의",
        scoped: &[
            ("ecs_task_definition", r"(?i)task definitions?|태스크 정의"),
            ("ecs_service_scaling", r"(?i)auto ?scaling|오토 ?스케일링"),
            ("ecs_service", r"(?i)\bservices?\b|서비스"),
            ("ecs_cluster", r"(?i)\bclusters?\b|클러스터"),
        ],
    },
    Family {
        name: "elb",
        kinds: &["lb", "lb_listener", "lb_target_group"],
        keywords: r"(?i)\balb\b|\bnlb\b|\belb\b|load balancer|로드 ?밸런서|target groups?|대상 그룹|listeners?\b|리스너",
        scoped: &[
            (
                "lb_target_group",
                r"(?i)target groups?|대상 그룹|health check|헬스 ?체크|sticky|stickiness",
            ),
            ("lb_listener", r"(?i)listeners?\b|리스너"),
        ],
    },
    Family {
        name: "s3",
        kinds: &["s3_bucket"],
        keywords: r"(?i)\bs3\b|\bbuckets?\b|버킷",
        scoped: &[],
    },
    Family {
        name: "cloudfront",
        kinds: &["cloudfront_distribution"],
        keywords: r"(?i)cloudfront|\bcdn\b",
        scoped: &[],
    },
    Family {
        name: "secret",
        kinds: &["secret"],
        keywords: r"(?i)secrets? manager|\bsecrets?\b|시크릿",
        scoped: &[],
    },
    Family {
        name: "logs",
        kinds: &["log_group"],
        keywords: r"(?i)log groups?|로그 그룹|cloudwatch logs",
        scoped: &[],
    },
    Family {
        name: "sns",
        kinds: &["sns_topic"],
        keywords: r"(?i)\bsns\b|\btopics?\b",
        scoped: &[],
    },
    Family {
        name: "waf",
        kinds: &["waf_web_acl"],
        keywords: r"(?i)\bwaf\b|web acl",
        scoped: &[],
    },
    Family {
        name: "vpc",
        kinds: &["vpc"],
        keywords: r"(?i)\bvpc\b|nat gateway|internet gateway|flow logs|subnets?\b|서브넷",
        scoped: &[],
    },
    Family {
        name: "security_group",
        kinds: &["security_group"],
        keywords: r"(?i)security groups?|보안 ?그룹",
        scoped: &[],
    },
    Family {
        name: "autoscaling_group",
        kinds: &["autoscaling_group"],
        keywords: r"(?i)auto ?scaling group|\basg\b",
        scoped: &[],
    },
    Family {
        name: "acm",
        kinds: &["acm_certificate"],
        keywords: r"(?i)\bacm\b|certificates?\b|인증서",
        scoped: &[],
    },
    Family {
        name: "route53",
        kinds: &["route53_zone"],
        keywords: r"(?i)route ?53|hosted zone",
        scoped: &[],
    },
    Family {
        name: "account",
        kinds: &["account"],
        keywords: r"(?i)root (account )?mfa|password policy|ebs encryption",
        scoped: &[],
    },
    Family {
        name: "cloudtrail",
        kinds: &["cloudtrail_trail"],
        keywords: r"(?i)cloudtrail",
        scoped: &[],
    },
    Family {
        name: "config",
        kinds: &["config_recorder"],
        keywords: r"(?i)aws config|config recorder",
        scoped: &[],
    },
    Family {
        name: "guardduty",
        kinds: &["guardduty_detector"],
        keywords: r"(?i)guardduty",
        scoped: &[],
    },
    Family {
        name: "http",
        kinds: &["http_endpoint"],
        keywords: r"(?i)health endpoint|\bhsts\b|x-frame-options|nosniff|security headers|webhook",
        scoped: &[],
    },
];

/// What a value rule found: an attribute of a kind, and for several resources of one kind on
/// one line, which one (`sub`: a listener's port, an alarm's metric).
#[derive(Clone, Debug, PartialEq)]
pub struct Stated {
    /// The kind.
    pub kind: &'static str,
    /// The attribute.
    pub attribute: &'static str,
    /// The matcher.
    pub matcher: Match,
    /// Which resource of the kind, when a line may state several.
    pub sub: Option<String>,
}

/// What a rule reads for one kind: the attribute, its matcher, and which resource of the kind
/// (see [`Stated::sub`]).
pub type Reading = (&'static str, Match, Option<String>);

/// A value rule: a pattern and what it means for each kind it reads.
pub struct Rule {
    /// A name for docs and tests.
    pub name: &'static str,
    /// Kinds it reads; the first is the kind it implies when the line names none of them.
    pub kinds: &'static [&'static str],
    /// Whether the value alone says which kind it is about (`db.t3.micro`, `/api/health`), so it
    /// may place a line that names no kind.
    pub standalone: bool,
    /// The pattern (case-insensitive).
    pub pattern: &'static str,
    /// The attribute and matcher for the kind, from the match.
    pub value: fn(&Captures, &'static str) -> Option<Reading>,
}

fn num(c: &Captures, i: usize) -> Option<i64> {
    c.get(i)?.as_str().parse().ok()
}

fn first_num(c: &Captures) -> Option<i64> {
    (1..c.len()).find_map(|i| num(c, i))
}

fn text(c: &Captures, i: usize) -> Option<String> {
    c.get(i).map(|m| m.as_str().to_string())
}

fn yes(word: &str) -> Option<bool> {
    match word.trim().to_lowercase().as_str() {
        "yes" | "true" | "on" | "enabled" | "y" | "예" | "네" | "사용" | "있음" | "o" => {
            Some(true)
        }
        "no" | "false" | "off" | "disabled" | "n" | "아니오" | "아니요" | "미사용" | "없음"
        | "x" => Some(false),
        _ => None,
    }
}

fn eq(v: J) -> Match {
    Match::Equals(v)
}

/// Every value rule, in the order they are tried.
pub static RULES: &[Rule] = &[
    Rule {
        name: "instance class",
        kinds: &["rds_instance"],
        standalone: true,
        pattern: r"\b(db\.[a-z0-9]+\.[a-z0-9]+)\b",
        value: |c, _| {
            Some((
                "instance_class",
                eq(json!(text(c, 1)?.to_lowercase())),
                None,
            ))
        },
    },
    Rule {
        name: "storage size",
        kinds: &["rds_instance"],
        standalone: false,
        pattern: r"(\d+)\s*(gb|gib|기가)\b",
        value: |c, _| Some(("allocated_storage", Match::AtLeast(json!(num(c, 1)?)), None)),
    },
    Rule {
        name: "storage type",
        kinds: &["rds_instance"],
        standalone: false,
        pattern: r"\b(gp2|gp3|io1|io2)\b",
        value: |c, _| Some(("storage_type", eq(json!(text(c, 1)?.to_lowercase())), None)),
    },
    Rule {
        name: "Multi-AZ",
        kinds: &[
            "rds_instance",
            "rds_cluster",
            "elasticache_replication_group",
            "elasticache_cluster",
        ],
        standalone: false,
        pattern: r"(?:multi|멀티)[- ]?az\s*[:：]?\s*(yes|no|true|false|on|off|enabled|disabled|예|네|아니오|아니요|사용|미사용|있음|없음)?|(single[- ]?az|단일 ?az)",
        value: |c, kind| {
            let on = match (c.get(1), c.get(2)) {
                (_, Some(_)) => false,
                (Some(w), None) => yes(w.as_str())?,
                (None, None) => true,
            };
            if kind == "elasticache_cluster" {
                Some((
                    "az_mode",
                    eq(json!(if on { "cross-az" } else { "single-az" })),
                    None,
                ))
            } else {
                Some(("multi_az", eq(json!(on)), None))
            }
        },
    },
    Rule {
        name: "backup retention",
        kinds: &[
            "rds_instance",
            "rds_cluster",
            "elasticache_replication_group",
        ],
        standalone: false,
        pattern: r"backups?\D{0,30}?(\d+)\s*(days?|일)|(\d+)\s*(days?|일)\s*(of\s+)?backups?|백업\D{0,20}?(\d+)\s*일",
        value: |c, kind| {
            let n = first_num(c)?;
            let attribute = if kind == "elasticache_replication_group" {
                "snapshot_retention_limit"
            } else {
                "backup_retention_period"
            };
            Some((attribute, Match::AtLeast(json!(n)), None))
        },
    },
    Rule {
        name: "encrypted at rest",
        kinds: &[
            "rds_instance",
            "rds_cluster",
            "elasticache_replication_group",
            "s3_bucket",
        ],
        standalone: false,
        pattern: r"encrypt|암호화",
        value: |_, kind| match kind {
            "s3_bucket" => Some((
                "sse_algorithm",
                Match::OneOf(vec![json!("AES256"), json!("aws:kms")]),
                None,
            )),
            "elasticache_replication_group" => Some(("at_rest_encryption", eq(json!(true)), None)),
            _ => Some(("storage_encrypted", eq(json!(true)), None)),
        },
    },
    Rule {
        name: "publicly accessible",
        kinds: &["rds_instance"],
        standalone: false,
        pattern: r"publicly accessible\s*[:：]?\s*(yes|no|true|false)|not publicly accessible|(외부 접근 차단|퍼블릭 접근 차단|no public access)",
        value: |c, _| {
            let public = match c.get(1) {
                Some(w) => yes(w.as_str())?,
                None => false,
            };
            Some(("publicly_accessible", eq(json!(public)), None))
        },
    },
    Rule {
        name: "deletion protection",
        kinds: &["rds_instance", "rds_cluster"],
        standalone: false,
        pattern: r"deletion protection|삭제 방지",
        value: |_, _| Some(("deletion_protection", eq(json!(true)), None)),
    },
    Rule {
        name: "Aurora capacity",
        kinds: &["rds_cluster"],
        standalone: false,
        pattern: r"(\d+(?:\.\d+)?)\s*[–~-]\s*(\d+(?:\.\d+)?)\s*acus?\b",
        value: |c, _| {
            let min: f64 = c.get(1)?.as_str().parse().ok()?;
            Some(("serverless_v2_min_capacity", eq(json!(min)), None))
        },
    },
    Rule {
        name: "Aurora capacity (max)",
        kinds: &["rds_cluster"],
        standalone: false,
        pattern: r"(\d+(?:\.\d+)?)\s*[–~-]\s*(\d+(?:\.\d+)?)\s*acus?\b",
        value: |c, _| {
            let max: f64 = c.get(2)?.as_str().parse().ok()?;
            Some(("serverless_v2_max_capacity", eq(json!(max)), None))
        },
    },
    Rule {
        name: "cache node type",
        kinds: &["elasticache_cluster", "elasticache_replication_group"],
        standalone: true,
        pattern: r"\b(cache\.[a-z0-9]+\.[a-z0-9]+)\b",
        value: |c, _| Some(("node_type", eq(json!(text(c, 1)?.to_lowercase())), None)),
    },
    Rule {
        name: "no replica",
        kinds: &["elasticache_cluster"],
        standalone: false,
        pattern: r"no replicas?|without (a )?replicas?|replicas?\s*[:：]\s*(0|none|no|없음)\b|(레플리카|복제본)\s*(없음|x)",
        value: |_, _| Some(("num_cache_nodes", eq(json!(1)), None)),
    },
    Rule {
        name: "replicas",
        kinds: &["elasticache_replication_group"],
        standalone: false,
        pattern: r"\b([1-9]\d*)\s*(read\s+)?replicas?\b|replicas?\s*[:：]\s*([1-9]\d*)|(레플리카|복제본)\s*([1-9]\d*)",
        value: |c, _| {
            Some((
                "replicas_per_node_group",
                Match::AtLeast(json!(first_num(c)?)),
                None,
            ))
        },
    },
    Rule {
        name: "cache engine",
        kinds: &["elasticache_cluster"],
        standalone: false,
        pattern: r"\b(redis|valkey|memcached)\b|(레디스)",
        value: |c, _| {
            let engine = match c.get(2) {
                Some(_) => "redis".to_string(),
                None => text(c, 1)?.to_lowercase(),
            };
            Some(("engine", eq(json!(engine)), None))
        },
    },
    Rule {
        name: "scan on push",
        kinds: &["ecr_repository"],
        standalone: true,
        pattern: r"(no |without |not )?(scan(ning)? on push|image scanning)\s*[:：]?\s*(on|off|yes|no|enabled|disabled)?|이미지 스캔",
        value: |c, _| {
            let mut on = c.get(1).is_none();
            if let Some(w) = c.get(4) {
                on = on && yes(w.as_str())?;
            }
            Some(("scan_on_push", eq(json!(on)), None))
        },
    },
    Rule {
        name: "immutable tags",
        kinds: &["ecr_repository"],
        standalone: false,
        pattern: r"immutable|불변",
        value: |_, _| Some(("image_tag_mutability", eq(json!("IMMUTABLE")), None)),
    },
    Rule {
        name: "lifecycle policy",
        kinds: &["ecr_repository"],
        standalone: false,
        pattern: r"lifecycle|수명 주기",
        value: |_, _| Some(("lifecycle_policy", eq(json!(true)), None)),
    },
    Rule {
        name: "Fargate",
        kinds: &["ecs_cluster", "ecs_service", "ecs_task_definition"],
        standalone: false,
        pattern: r"fargate",
        value: |_, kind| match kind {
            "ecs_service" => Some(("launch_type", eq(json!("FARGATE")), None)),
            "ecs_task_definition" => Some((
                "requires_compatibilities",
                Match::Contains(json!("FARGATE")),
                None,
            )),
            _ => Some((
                "capacity_providers",
                Match::Contains(json!("FARGATE")),
                None,
            )),
        },
    },
    Rule {
        name: "container health check",
        kinds: &["ecs_task_definition"],
        standalone: true,
        pattern: r"container health ?checks?|컨테이너 헬스 ?체크",
        value: |_, _| {
            Some((
                "containers",
                Match::Contains(json!({ "health_check": {} })),
                None,
            ))
        },
    },
    Rule {
        name: "circuit breaker",
        kinds: &["ecs_service"],
        standalone: true,
        pattern: r"circuit breaker|서킷 브레이커",
        value: |_, _| Some(("deployment_circuit_breaker", eq(json!(true)), None)),
    },
    Rule {
        name: "container insights",
        kinds: &["ecs_cluster"],
        standalone: true,
        pattern: r"container insights",
        value: |_, _| {
            Some((
                "container_insights",
                Match::OneOf(vec![json!("enabled"), json!("enhanced")]),
                None,
            ))
        },
    },
    Rule {
        name: "scaling minimum",
        kinds: &["ecs_service_scaling", "autoscaling_group"],
        standalone: false,
        pattern: r"\bmin(imum)?\s*[:：]?\s*(\d+)",
        value: |c, kind| {
            let n = num(c, 2)?;
            let attribute = if kind == "autoscaling_group" {
                "min_size"
            } else {
                "min_capacity"
            };
            Some((attribute, eq(json!(n)), None))
        },
    },
    Rule {
        name: "scaling maximum",
        kinds: &["ecs_service_scaling", "autoscaling_group"],
        standalone: false,
        pattern: r"\bmax(imum)?\s*[:：]?\s*(\d+)",
        value: |c, kind| {
            let n = num(c, 2)?;
            let attribute = if kind == "autoscaling_group" {
                "max_size"
            } else {
                "max_capacity"
            };
            Some((attribute, eq(json!(n)), None))
        },
    },
    Rule {
        name: "desired capacity",
        kinds: &["autoscaling_group"],
        standalone: false,
        pattern: r"\bdesired\s*[:：]?\s*(\d+)",
        value: |c, _| Some(("desired_capacity", eq(json!(num(c, 1)?)), None)),
    },
    Rule {
        name: "health check path",
        kinds: &["lb_target_group"],
        standalone: true,
        pattern: r"(?:health ?check( path)?|헬스 ?체크( 경로)?)\s*[:：]?\s*(/[A-Za-z0-9_./-]*)|(/[A-Za-z0-9_./-]*health[A-Za-z0-9_./-]*)",
        value: |c, _| {
            let path = text(c, 3).or_else(|| text(c, 4))?;
            Some(("health_check_path", eq(json!(path)), None))
        },
    },
    Rule {
        name: "sticky sessions",
        kinds: &["lb_target_group"],
        standalone: false,
        pattern: r"sticky|stickiness|고정 세션",
        value: |_, _| Some(("stickiness_enabled", eq(json!(true)), None)),
    },
    Rule {
        name: "HTTP redirected to HTTPS",
        kinds: &["lb_listener"],
        standalone: true,
        pattern: r"\bhttp\b[^.;]{0,20}?(→|->|redirect|리다이렉트)[^.;]{0,20}?\bhttps\b",
        value: |_, _| Some(("default_action", eq(json!("redirect")), Some("80".into()))),
    },
    Rule {
        name: "redirect protocol",
        kinds: &["lb_listener"],
        standalone: false,
        pattern: r"\bhttp\b[^.;]{0,20}?(→|->|redirect|리다이렉트)[^.;]{0,20}?\bhttps\b",
        value: |_, _| Some(("redirect_protocol", eq(json!("HTTPS")), Some("80".into()))),
    },
    Rule {
        name: "HTTPS listener",
        kinds: &["lb_listener"],
        standalone: false,
        pattern: r"https (listener|리스너)|(listener|리스너)[^.;]{0,20}https|\bhttps\s*(port\s*)?:?\s*443\b",
        value: |_, _| Some(("protocol", eq(json!("HTTPS")), Some("443".into()))),
    },
    Rule {
        name: "internet-facing",
        kinds: &["lb"],
        standalone: false,
        pattern: r"internet[- ]facing|인터넷 연결",
        value: |_, _| Some(("scheme", eq(json!("internet-facing")), None)),
    },
    Rule {
        name: "versioning",
        kinds: &["s3_bucket"],
        standalone: true,
        pattern: r"versioning\s*[:：]?\s*(on|off|yes|no|enabled|disabled|suspended)?|(버전 ?관리)",
        value: |c, _| {
            let on = match c.get(1) {
                Some(w) if w.as_str().eq_ignore_ascii_case("suspended") => false,
                Some(w) => yes(w.as_str())?,
                None => true,
            };
            let m = if on {
                eq(json!("Enabled"))
            } else {
                Match::OneOf(vec![json!("Suspended"), json!("Disabled")])
            };
            Some(("versioning", m, None))
        },
    },
    Rule {
        name: "website hosting",
        kinds: &["s3_bucket"],
        standalone: true,
        pattern: r"(static )?website( hosting)?\s*[:：]?\s*(on|off|yes|no|enabled|disabled)?|웹 ?사이트 호스팅",
        value: |c, _| {
            let on = match c.get(3) {
                Some(w) => yes(w.as_str())?,
                None => true,
            };
            Some(("website_enabled", eq(json!(on)), None))
        },
    },
    Rule {
        name: "public access blocked",
        kinds: &["s3_bucket"],
        standalone: true,
        pattern: r"blocks? public access|public access (is )?blocked|block public|퍼블릭 액세스 차단|공개 (접근|액세스) 차단",
        value: |_, _| Some(("public_access_blocked", eq(json!(true)), None)),
    },
    Rule {
        name: "Glacier after N days",
        kinds: &["s3_bucket"],
        standalone: true,
        pattern: r"glacier\D{0,20}?(\d+)\s*(days?|일)|(\d+)\s*(days?|일)\D{0,30}?glacier",
        value: |c, _| {
            let days = first_num(c)?;
            Some((
                "lifecycle_rules",
                Match::Contains(
                    json!({ "status": "Enabled", "transitions": [{ "days": days, "storage_class": "GLACIER" }] }),
                ),
                None,
            ))
        },
    },
    Rule {
        name: "TLS-only bucket policy",
        kinds: &["s3_bucket"],
        standalone: false,
        pattern: r"(tls|https) only|deny (plain )?http\b|aws:securetransport",
        value: |_, _| Some(("policy_requires_tls", eq(json!(true)), None)),
    },
    Rule {
        name: "HTTPS only (CloudFront)",
        kinds: &["cloudfront_distribution"],
        standalone: false,
        pattern: r"https[ -]only|redirect(s|ed)? to https|https 전용|https로 리다이렉트",
        value: |_, _| {
            Some((
                "viewer_protocol_policy",
                Match::OneOf(vec![json!("redirect-to-https"), json!("https-only")]),
                None,
            ))
        },
    },
    Rule {
        name: "compression",
        kinds: &["cloudfront_distribution"],
        standalone: false,
        pattern: r"compress(ion)?|압축",
        value: |_, _| Some(("compress", eq(json!(true)), None)),
    },
    Rule {
        name: "cache policy",
        kinds: &["cloudfront_distribution"],
        standalone: false,
        pattern: r"cache policy|캐시 정책",
        value: |_, _| Some(("cache_policy_id", Match::Matches(".".into()), None)),
    },
    Rule {
        name: "ACM certificate (CloudFront)",
        kinds: &["cloudfront_distribution"],
        standalone: false,
        pattern: r"\bacm\b|certificate|인증서",
        value: |_, _| {
            Some((
                "acm_certificate_arn",
                Match::Matches("^arn:aws:acm:".into()),
                None,
            ))
        },
    },
    Rule {
        name: "rotation",
        kinds: &["secret"],
        standalone: false,
        pattern: r"rotat(ion|ed|e)|로테이션|자동 교체",
        value: |_, _| Some(("rotation_enabled", eq(json!(true)), None)),
    },
    Rule {
        name: "log retention",
        kinds: &["log_group"],
        standalone: false,
        pattern: r"(\d+)\s*(days?|일)|retention\D{0,20}?(\d+)",
        value: |c, _| {
            Some((
                "retention_in_days",
                Match::AtLeast(json!(first_num(c)?)),
                None,
            ))
        },
    },
    Rule {
        name: "e-mail subscription",
        kinds: &["sns_topic"],
        standalone: false,
        pattern: r"e-?mail|이메일",
        value: |_, _| {
            Some((
                "confirmed_email_subscriptions",
                Match::AtLeast(json!(1)),
                None,
            ))
        },
    },
    Rule {
        name: "WAF rate limit",
        kinds: &["waf_web_acl"],
        standalone: true,
        pattern: r"rate limit\D{0,10}?(\d+)\s*(requests?|req)?\s*(/|per)\s*(\d+)?\s*min",
        value: |c, _| Some(("rate_limit", Match::AtMost(json!(num(c, 1)?)), None)),
    },
    Rule {
        name: "WAF SQL injection rules",
        kinds: &["waf_web_acl"],
        standalone: false,
        pattern: r"sql[- ]?injection|sqli",
        value: |_, _| {
            Some((
                "managed_rule_groups",
                Match::Contains(json!("AWS/AWSManagedRulesSQLiRuleSet")),
                None,
            ))
        },
    },
    Rule {
        name: "VPC CIDR",
        kinds: &["vpc"],
        standalone: false,
        pattern: r"\b(\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}/\d{1,2})\b",
        value: |c, _| Some(("cidr_block", eq(json!(text(c, 1)?)), None)),
    },
    Rule {
        name: "public subnets",
        kinds: &["vpc"],
        standalone: false,
        pattern: r"\b(\d+|one|two|three)\s+public\b",
        value: |c, _| {
            Some((
                "public_subnet_count",
                eq(json!(count_word(c.get(1)?.as_str())?)),
                None,
            ))
        },
    },
    Rule {
        name: "private subnets",
        kinds: &["vpc"],
        standalone: false,
        pattern: r"\b(\d+|one|two|three)\s+private\b",
        value: |c, _| {
            Some((
                "private_subnet_count",
                eq(json!(count_word(c.get(1)?.as_str())?)),
                None,
            ))
        },
    },
    Rule {
        name: "NAT gateways",
        kinds: &["vpc"],
        standalone: true,
        pattern: r"\b(exactly )?(\d+|one|two|three)\s+nat\b",
        value: |c, _| {
            Some((
                "nat_gateway_count",
                eq(json!(count_word(c.get(2)?.as_str())?)),
                None,
            ))
        },
    },
    Rule {
        name: "internet gateway",
        kinds: &["vpc"],
        standalone: true,
        pattern: r"internet gateway",
        value: |_, _| Some(("internet_gateway_attached", eq(json!(true)), None)),
    },
    Rule {
        name: "S3 gateway endpoint",
        kinds: &["vpc"],
        standalone: true,
        pattern: r"s3 gateway endpoint",
        value: |_, _| Some(("s3_gateway_endpoint", eq(json!(true)), None)),
    },
    Rule {
        name: "flow logs",
        kinds: &["vpc"],
        standalone: true,
        pattern: r"flow logs",
        value: |_, _| Some(("flow_logs_enabled", eq(json!(true)), None)),
    },
    Rule {
        name: "root MFA",
        kinds: &["account"],
        standalone: true,
        pattern: r"root (account )?mfa",
        value: |_, _| Some(("root_mfa_enabled", eq(json!(true)), None)),
    },
    Rule {
        name: "trail logging",
        kinds: &["cloudtrail_trail"],
        standalone: true,
        pattern: r"cloudtrail",
        value: |_, _| Some(("logging", eq(json!(true)), None)),
    },
    Rule {
        name: "Config recording",
        kinds: &["config_recorder"],
        standalone: true,
        pattern: r"aws config",
        value: |_, _| Some(("recording", eq(json!(true)), None)),
    },
    Rule {
        name: "GuardDuty on",
        kinds: &["guardduty_detector"],
        standalone: true,
        pattern: r"guardduty",
        value: |_, _| Some(("status", eq(json!("ENABLED")), None)),
    },
    Rule {
        name: "health endpoint answers",
        kinds: &["http_endpoint"],
        standalone: false,
        pattern: r"health endpoint|webhook",
        value: |_, _| Some(("status", eq(json!(200)), None)),
    },
    Rule {
        name: "HSTS",
        kinds: &["http_endpoint"],
        standalone: false,
        pattern: r"\bhsts\b",
        value: |_, _| Some(("hsts_max_age", Match::AtLeast(json!(31_536_000)), None)),
    },
    Rule {
        name: "frame protection",
        kinds: &["http_endpoint"],
        standalone: false,
        pattern: r"x-frame-options",
        value: |_, _| Some(("frame_protection", eq(json!(true)), None)),
    },
    Rule {
        name: "nosniff",
        kinds: &["http_endpoint"],
        standalone: false,
        pattern: r"nosniff",
        value: |_, _| Some(("content_type_options", eq(json!("nosniff")), None)),
    },
    Rule {
        name: "alarm: CPU",
        kinds: &["metric_alarm"],
        standalone: true,
        pattern: r"\bcpu\b\D{0,15}?(\d+)\s*%",
        value: |c, _| alarm("CPUUtilization", json!(num(c, 1)?)),
    },
    Rule {
        name: "alarm: memory",
        kinds: &["metric_alarm"],
        standalone: true,
        pattern: r"(memory|메모리)\D{0,15}?(\d+)\s*%",
        value: |c, _| alarm("MemoryUtilization", json!(num(c, 2)?)),
    },
    Rule {
        name: "alarm: 5xx count",
        kinds: &["metric_alarm"],
        standalone: true,
        pattern: r"\b5xx\b\s*(>|over|above|초과)\s*(\d+)(\s*(in|per|/)\s*\d+\s*min)",
        value: |c, _| alarm("HTTPCode_ELB_5XX_Count", json!(num(c, 2)?)),
    },
    Rule {
        name: "alarm: response time",
        kinds: &["metric_alarm"],
        standalone: true,
        pattern: r"(response time|latency|응답 ?시간)\D{0,15}?(\d+(?:\.\d+)?)\s*(ms|s|초)\b",
        value: |c, _| {
            let n: f64 = c.get(2)?.as_str().parse().ok()?;
            let seconds = if c.get(3)?.as_str() == "ms" {
                n / 1000.0
            } else {
                n
            };
            alarm("TargetResponseTime", json!(seconds))
        },
    },
    Rule {
        name: "alarm: disk",
        kinds: &["metric_alarm"],
        standalone: true,
        pattern: r"(disk|디스크)\D{0,15}?(\d+)\s*%",
        value: |c, _| alarm("disk_used_percent", json!(num(c, 2)?)),
    },
];

fn alarm(metric: &str, threshold: J) -> Option<Reading> {
    Some((
        "threshold",
        Match::AtMost(threshold),
        Some(metric.to_string()),
    ))
}

fn count_word(w: &str) -> Option<i64> {
    match w.to_lowercase().as_str() {
        "one" => Some(1),
        "two" => Some(2),
        "three" => Some(3),
        n => n.parse().ok(),
    }
}

/// Alarm lines no rule can turn into a metric alarm check (a rate or a percentage of a count
/// needs metric math or a known maximum): they are written as TODOs naming the reason.
const ALARM_GAPS: &[(&str, &str)] = &[
    (r"(?i)5xx\s*(error\s*)?rate", "a 5xx rate needs a metric-math alarm (select it by name)"),
    (r"(?i)(db|rds|database)\s*connections?\D{0,10}\d+\s*%", "a connection percentage depends on the instance's maximum: check DatabaseConnections' threshold by hand"),
];

/// A kind and the pattern of its keywords.
type Scoped = (&'static str, Option<Regex>);

struct Compiled {
    /// Per family: its keywords, and each kind keyword.
    families: Vec<(Option<Regex>, Vec<Scoped>)>,
    rules: Vec<Option<Regex>>,
    environments: Vec<(&'static str, Option<Regex>)>,
    alarm_gaps: Vec<(Option<Regex>, &'static str)>,
}

static COMPILED: LazyLock<Compiled> = LazyLock::new(|| Compiled {
    families: FAMILIES
        .iter()
        .map(|f| {
            (
                Regex::new(f.keywords).ok(),
                f.scoped
                    .iter()
                    .map(|(k, p)| (*k, Regex::new(p).ok()))
                    .collect(),
            )
        })
        .collect(),
    rules: RULES
        .iter()
        .map(|r| Regex::new(&format!("(?i){}", r.pattern)).ok())
        .collect(),
    environments: ENVIRONMENTS
        .iter()
        .map(|(name, p)| (*name, Regex::new(p).ok()))
        .collect(),
    alarm_gaps: ALARM_GAPS
        .iter()
        .map(|(p, why)| (Regex::new(p).ok(), *why))
        .collect(),
});

/// The families a text names, earliest mention first.
fn families_in(text: &str) -> Vec<usize> {
    let mut found: Vec<(usize, usize)> = COMPILED
        .families
        .iter()
        .enumerate()
        .filter_map(|(i, (re, _))| Some((re.as_ref()?.find(text)?.start(), i)))
        .collect();
    found.sort();
    found.into_iter().map(|(_, i)| i).collect()
}

/// The kinds of a family a text names by a kind keyword, earliest first.
fn scoped_kinds(family: usize, text: &str) -> Vec<&'static str> {
    let mut found: Vec<(usize, &'static str)> = COMPILED.families[family]
        .1
        .iter()
        .filter_map(|(k, re)| Some((re.as_ref()?.find(text)?.start(), *k)))
        .collect();
    found.sort();
    let mut kinds: Vec<&'static str> = Vec::new();
    for (_, k) in found {
        if !kinds.contains(&k) {
            kinds.push(k);
        }
    }
    kinds
}

/// Rules whose value says which kind of its family a line is about ("no replica" is a cache
/// cluster, "1 replica" a replication group, `/api/health` a target group).
const KIND_RULES: &[&str] = &[
    "instance class",
    "Aurora capacity",
    "no replica",
    "replicas",
    "container health check",
    "circuit breaker",
    "scaling minimum",
    "scaling maximum",
    "health check path",
    "sticky sessions",
    "HTTP redirected to HTTPS",
    "HTTPS listener",
];

/// The kinds of `family` the rules that tell kinds apart find in `text`.
fn implied_kinds(text: &str, family: &[&'static str]) -> Vec<&'static str> {
    let mut kinds: Vec<&'static str> = Vec::new();
    for (rule, re) in RULES.iter().zip(&COMPILED.rules) {
        if !KIND_RULES.contains(&rule.name) || !re.as_ref().is_some_and(|re| re.is_match(text)) {
            continue;
        }
        for k in rule.kinds.iter().filter(|k| family.contains(k)) {
            if !kinds.contains(k) {
                kinds.push(k);
            }
        }
    }
    kinds
}

/// The values of a line that names `kinds`, and the kinds they are about: standalone values may
/// add kinds (a line about target groups that also says "HTTP redirected to HTTPS" is about a
/// listener too), whose other rules are then read as well.
fn settle(text: &str, kinds: Vec<&'static str>) -> (Vec<&'static str>, Vec<Stated>) {
    let mut kinds = kinds;
    let mut stated = values(text, &kinds, Some(false));
    for _ in 0..2 {
        let before = kinds.len();
        for s in &stated {
            if !kinds.contains(&s.kind) {
                kinds.push(s.kind);
            }
        }
        if kinds.len() == before {
            break;
        }
        stated = values(text, &kinds, Some(false));
    }
    (kinds, stated)
}

/// Every value the rules read in `text` for `kinds` (each rule's value for each of those kinds it
/// reads; for a rule that reads none of them, its own kind when `implied` allows it: `Some(true)`
/// any rule, `Some(false)` standalone rules only, `None` never).
pub fn values(text: &str, kinds: &[&'static str], implied: Option<bool>) -> Vec<Stated> {
    let mut out: Vec<Stated> = Vec::new();
    for (rule, re) in RULES.iter().zip(&COMPILED.rules) {
        let Some(caps) = re.as_ref().and_then(|re| re.captures(text)) else {
            continue;
        };
        let mut targets: Vec<&'static str> = kinds
            .iter()
            .copied()
            .filter(|k| rule.kinds.contains(k))
            .collect();
        if targets.is_empty() {
            match implied {
                Some(any) if any || rule.standalone => targets.push(rule.kinds[0]),
                _ => continue,
            }
        }
        for kind in targets {
            if let Some((attribute, matcher, sub)) = (rule.value)(&caps, kind) {
                let s = Stated {
                    kind,
                    attribute,
                    matcher,
                    sub,
                };
                if !out
                    .iter()
                    .any(|o| o.kind == s.kind && o.attribute == s.attribute && o.sub == s.sub)
                {
                    out.push(s);
                }
            }
        }
    }
    out
}

/// The environment a text names, by canonical name.
pub fn environment_in(text: &str) -> Option<&'static str> {
    COMPILED
        .environments
        .iter()
        .find(|(_, re)| re.as_ref().is_some_and(|re| re.is_match(text)))
        .map(|(name, _)| *name)
}

/// The canonical name of an environment given on the command line (`prod` is `production`).
fn canonical(env: &str) -> String {
    environment_in(env).map_or_else(|| env.to_lowercase(), str::to_string)
}

/// Names that tell resources of one kind apart, in the order they appear (`front end`,
/// `uploads`, `nginx-rtmp`).
const HINTS: &[(&str, &str)] = &[
    ("frontend", r"(?i)front[- ]?end|프론트"),
    ("static", r"(?i)\bstatic\b"),
    ("uploads", r"(?i)\buploads?\b|업로드"),
    ("hls", r"(?i)\bhls\b"),
    ("logs", r"(?i)\blogs\b"),
    ("backups", r"(?i)\bbackups?\b"),
    ("backend", r"(?i)\bbackend\b"),
    ("admin", r"(?i)\badmin\b"),
    ("worker", r"(?i)\bworkers?\b"),
];

/// Kinds an environment usually has several of, told apart by [`HINTS`].
const PLURAL: &[&str] = &[
    "s3_bucket",
    "ecr_repository",
    "secret",
    "log_group",
    "lb_target_group",
    "ecs_service",
    "ecs_task_definition",
    "cloudfront_distribution",
    "security_group",
    "http_endpoint",
];

/// Hyphenated words that are not names.
const NOT_NAMES: &[&str] = &[
    "multi-az",
    "single-az",
    "e-mail",
    "front-end",
    "https-only",
    "redirect-to-https",
    "cross-az",
    "read-only",
    "built-in",
    "internet-facing",
    "x-frame-options",
    "sql-injection",
];

static HINT_RES: LazyLock<Vec<(&'static str, Option<Regex>)>> = LazyLock::new(|| {
    HINTS
        .iter()
        .map(|(h, p)| (*h, Regex::new(p).ok()))
        .collect()
});
static HYPHENATED: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r"\b[a-z][a-z0-9]*(-[a-z0-9]+)+\b").ok());
static REGION: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r"\b(us|eu|ap|sa|ca|me|af|il|mx)-[a-z]+-\d\b").ok());
static CODE: LazyLock<Option<Regex>> = LazyLock::new(|| Regex::new(r"`([^`\s]+)`").ok());
static LOG_PATH: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r"(?:^|[\s(`])(/[A-Za-z0-9_<>.-]+(?:/[A-Za-z0-9_<>.-]+)+)").ok());

fn hints(text: &str) -> Vec<String> {
    let mut found: Vec<(usize, String)> = HINT_RES
        .iter()
        .filter_map(|(h, re)| Some((re.as_ref()?.find(text)?.start(), h.to_string())))
        .collect();
    if let Some(re) = HYPHENATED.as_ref() {
        let lower = text.to_lowercase();
        for m in re.find_iter(&lower) {
            let word = m.as_str();
            let in_path = lower[..m.start()].ends_with('/') || lower[m.end()..].starts_with('/');
            if !NOT_NAMES.contains(&word) && !in_path && !word.contains(".") {
                found.push((m.start(), word.to_string()));
            }
        }
    }
    found.sort();
    let mut out: Vec<String> = Vec::new();
    for (_, h) in found {
        if !out.contains(&h) {
            out.push(h);
        }
    }
    out
}

/// An id the line spells for the kind: a log group path, or a backticked secret or bucket name.
/// `<env>` becomes the environment, any other `<name>` a `TODO-name` placeholder.
fn spelled_id(kind: &str, raw: &str, env: Option<&str>) -> Option<String> {
    let fill = |s: &str| -> String {
        let mut out = s.replace("<env>", env.unwrap_or("TODO-env"));
        while let (Some(a), Some(b)) = (out.find('<'), out.find('>')) {
            if b <= a {
                break;
            }
            let name = out[a + 1..b].to_string();
            out.replace_range(a..=b, &format!("TODO-{name}"));
        }
        out
    };
    match kind {
        "log_group" => LOG_PATH
            .as_ref()?
            .captures(raw)
            .and_then(|c| c.get(1))
            .map(|m| fill(m.as_str())),
        "secret" => CODE
            .as_ref()?
            .captures_iter(raw)
            .filter_map(|c| c.get(1))
            .map(|m| m.as_str())
            .find(|s| s.contains('/') && !s.starts_with('/'))
            .map(fill),
        "s3_bucket" => CODE
            .as_ref()?
            .captures_iter(raw)
            .filter_map(|c| c.get(1))
            .map(|m| m.as_str())
            .find(|s| {
                s.len() >= 3
                    && s.chars()
                        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "-.<>".contains(c))
            })
            .map(fill),
        _ => None,
    }
}

/// A resource being drafted.
#[derive(Debug)]
struct Res {
    kind: &'static str,
    env: Option<String>,
    hint: Option<String>,
    sub: Option<String>,
    /// An id the checklist spells.
    id: Option<String>,
    /// The item that names it (its `item:`).
    item: Option<usize>,
    /// The line it was first drafted from.
    line: usize,
    /// Expectations, each with the line it comes from and the item it ticks (none: the
    /// resource's own item covers it).
    expect: Vec<(Expect, usize, Option<usize>)>,
    todos: Vec<String>,
}

fn dashed(kind: &str) -> String {
    kind.replace('_', "-")
}

impl Res {
    fn placeholder(&self, kind: &str) -> String {
        let mut p = format!("TODO-{}", dashed(kind));
        if let Some(env) = &self.env {
            p.push('-');
            p.push_str(env);
        }
        if let Some(h) = &self.hint {
            p.push('-');
            p.push_str(h);
        }
        p
    }

    /// The id, and whether it is a placeholder.
    fn id(&self, all: &[Res]) -> (Option<String>, bool) {
        if let Some(id) = &self.id {
            return (Some(id.clone()), id.contains("TODO"));
        }
        let env = self.env.as_deref();
        let same_env = |kind: &str| {
            all.iter()
                .find(|r| r.kind == kind && r.env.as_deref() == env && r.hint.is_none())
        };
        let id = match self.kind {
            "metric_alarm" if self.sub.is_some() => return (None, false),
            "ecs_service" | "ecs_service_scaling" => {
                let cluster = same_env("ecs_cluster")
                    .and_then(|c| c.id(all).0)
                    .unwrap_or_else(|| self.bare().placeholder("ecs_cluster"));
                format!("{cluster}/{}", self.placeholder("ecs_service"))
            }
            "lb_listener" => format!(
                "{}:{}",
                self.bare().placeholder("lb"),
                self.sub.as_deref().unwrap_or("443")
            ),
            "waf_web_acl" => format!("CLOUDFRONT/{}", self.placeholder(self.kind)),
            "account" | "guardduty_detector" => return (Some("current".into()), false),
            "config_recorder" => return (Some("default".into()), false),
            "acm_certificate" | "route53_zone" => {
                format!("{}.example.com", self.placeholder(self.kind).to_lowercase())
            }
            "http_endpoint" => format!(
                "https://{}.example.com/",
                self.placeholder(self.kind).to_lowercase()
            ),
            kind => self.placeholder(kind),
        };
        (Some(id), true)
    }

    fn bare(&self) -> Res {
        Res {
            kind: self.kind,
            env: self.env.clone(),
            hint: None,
            sub: None,
            id: None,
            item: None,
            line: self.line,
            expect: Vec::new(),
            todos: Vec::new(),
        }
    }
}

/// What `init --from-checklist` produced.
#[derive(Clone, Debug)]
pub struct Generated {
    /// The spec, as YAML.
    pub text: String,
    /// Resources drafted.
    pub resources: usize,
    /// Checklist items linked by some `item:`.
    pub linked_items: usize,
    /// Items of the environment that nothing could be drafted from (each a `# TODO` line).
    pub unplaced: usize,
}

/// Why an item cannot be named by a reference, if it cannot.
fn unreferenceable(list: &Checklist, i: usize) -> String {
    format!(
        "line {} cannot be linked: no heading or parent item tells it apart from another item with the same text",
        list.items[i].line
    )
}

/// The reference that names exactly item `i`: its text (without emphasis, when that still
/// names it), or a path of its headings and parents.
pub fn reference(list: &Checklist, i: usize) -> Option<String> {
    let item = &list.items[i];
    let raw = item.text.trim().to_string();
    if raw.is_empty() {
        return None;
    }
    let plain: String = raw.replace("**", "").replace("__", "").replace('`', "");
    let plain = plain.trim().to_string();
    let own = if !plain.is_empty() && normalize(&plain) == item.normalized {
        plain
    } else {
        raw
    };
    // Ancestors (original text) after the headings (normalised).
    let mut ancestors = Vec::new();
    let mut p = item.parent;
    while let Some(a) = p {
        ancestors.push(list.items[a].text.trim().to_string());
        p = list.items[a].parent;
    }
    ancestors.reverse();
    let headings = item.context.len().saturating_sub(ancestors.len());
    let mut parts: Vec<String> = item.context[..headings].to_vec();
    parts.extend(ancestors);
    // A ` > ` inside a heading, a parent or the line itself is written `\>` in a path.
    let parts: Vec<String> = parts
        .into_iter()
        .filter(|p| !p.is_empty())
        .map(|p| crate::checklist::escape_part(&p))
        .collect();
    let mut candidates = vec![own.clone()];
    let own = crate::checklist::escape_part(&own);
    for start in (0..parts.len()).rev() {
        candidates.push(format!("{} > {own}", parts[start]));
    }
    for len in 2..=parts.len() {
        let from = parts.len() - len;
        candidates.push(format!("{} > {own}", parts[from..].join(" > ")));
    }
    candidates
        .into_iter()
        .find(|c| list.resolve(c).ok() == Some(i))
}

/// `infra-verify init [ENV] --from-checklist CHECKLIST.md`.
pub fn from_checklist(list: &Checklist, env: Option<&str>) -> Result<Generated, InitError> {
    let wanted = env.map(canonical);
    // The environment of every item: its own text, else its nearest parent or heading.
    let envs: Vec<Option<String>> = list
        .items
        .iter()
        .map(|it| {
            std::iter::once(it.text.as_str())
                .chain(it.context.iter().rev().map(String::as_str))
                .find_map(environment_in)
                .map(str::to_string)
        })
        .collect();
    let sectioned = wanted
        .as_ref()
        .is_some_and(|w| envs.iter().any(|e| e.as_ref() == Some(w)));
    let in_scope = |i: usize| -> bool {
        match (&wanted, sectioned) {
            (Some(w), true) => envs[i].as_ref() == Some(w),
            _ => true,
        }
    };
    let mut st = Drafting {
        resources: Vec::new(),
    };
    // The resources each item named or attached to, for its sub-items.
    let mut owner: Vec<Vec<usize>> = vec![Vec::new(); list.items.len()];
    let mut unplaced: Vec<String> = Vec::new();
    let mut out_of_scope: Vec<usize> = Vec::new();
    for (i, item) in list.items.iter().enumerate() {
        if !in_scope(i) {
            out_of_scope.push(item.line);
            continue;
        }
        let env = envs[i].clone().or_else(|| wanted.clone());
        let parent_res: Option<usize> = {
            let mut p = item.parent;
            let mut found = None;
            while let Some(a) = p {
                if let Some(r) = owner[a].first() {
                    found = Some(*r);
                    break;
                }
                p = list.items[a].parent;
            }
            found
        };
        let headings = item.context.len().saturating_sub(ancestor_count(list, i));
        let heading_family = item.context[..headings]
            .iter()
            .rev()
            .find_map(|h| families_in(h).first().copied());
        // A line of several topics ("rotation; root account MFA; CloudTrail") is read part by part.
        let mut parts: Vec<&str> = item
            .text
            .split(';')
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .collect();
        if parts.is_empty() {
            parts.push(item.text.as_str());
        }
        let mut targets = Vec::new();
        let mut missed = Vec::new();
        let mut placed = false;
        let whole = parts.len() == 1;
        for (n, part) in parts.into_iter().enumerate() {
            let cx = PartContext {
                list,
                i,
                env: &env,
                parent_res,
                heading_family,
                first: n == 0,
            };
            match draft_part(&mut st, &cx, part) {
                Part::Placed(t) => {
                    placed = true;
                    targets.extend(t);
                }
                Part::Unplaced(message) => missed.push(message),
            }
        }
        if placed || whole {
            unplaced.extend(missed);
        } else {
            unplaced.push(todo_line(item.line, &item.text, None));
        }
        owner[i] = targets;
    }
    render(
        list,
        env,
        wanted.as_deref(),
        sectioned,
        st.resources,
        unplaced,
        out_of_scope,
    )
}

/// Whether any rule reads a value in the text (whatever its kind).
fn values_in_part(text: &str) -> bool {
    let plain: String = text.chars().filter(|c| !matches!(c, '*' | '`')).collect();
    COMPILED
        .rules
        .iter()
        .any(|re| re.as_ref().is_some_and(|re| re.is_match(&plain)))
}

/// The resources drafted so far.
struct Drafting {
    resources: Vec<Res>,
}

/// Where a part of a line is.
struct PartContext<'a> {
    list: &'a Checklist,
    /// The item.
    i: usize,
    env: &'a Option<String>,
    /// The resource of the nearest parent item that has one.
    parent_res: Option<usize>,
    /// The family the nearest heading names.
    heading_family: Option<usize>,
    /// Whether this is the line's first `;`-separated part (a later part drafts a resource only
    /// when it states a value: "app port 3001 only from the ALB's group" is about the security
    /// group of the first part, not a load balancer).
    first: bool,
}

/// What drafting one part of a line did.
enum Part {
    /// The resources it is about.
    Placed(Vec<usize>),
    /// Nothing could be drafted from it: the TODO line.
    Unplaced(String),
}

/// Drafts one part of a line (the whole line, unless it has `;`-separated topics).
fn draft_part(st: &mut Drafting, cx: &PartContext<'_>, raw: &str) -> Part {
    let (list, i, env, parent_res, heading_family) =
        (cx.list, cx.i, cx.env, cx.parent_res, cx.heading_family);
    if !cx.first && !values_in_part(raw) {
        return Part::Placed(Vec::new());
    }
    let item = &list.items[i];
    let plain: String = raw.chars().filter(|c| !matches!(c, '*' | '`')).collect();
    let own_family = families_in(&plain).first().copied();
    // Alarm lines whose metric no rule reads.
    let alarm_gap = COMPILED
        .alarm_gaps
        .iter()
        .filter(|(re, _)| re.as_ref().is_some_and(|re| re.is_match(&plain)))
        .map(|(_, why)| *why)
        .collect::<Vec<_>>();

    // Which kinds the line is about, whether it names them, and the values it states.
    let (kinds, names, stated, attach_to): (Vec<&'static str>, bool, Vec<Stated>, Option<usize>) =
        match (own_family, parent_res, heading_family) {
            (Some(f), _, _) => {
                let family_kinds = FAMILIES[f].kinds;
                let mut kinds = scoped_kinds(f, &plain);
                if kinds.is_empty() {
                    // The kind a value implies within the family, else the family's default.
                    kinds = implied_kinds(&plain, family_kinds);
                }
                if kinds.is_empty() {
                    kinds.push(family_kinds[0]);
                }
                let (kinds, stated) = settle(&plain, kinds);
                (kinds, true, stated, None)
            }
            (None, Some(r), _) => {
                let parent_kind = st.resources[r].kind;
                let family = FAMILIES.iter().position(|f| f.kinds.contains(&parent_kind));
                let scoped: Vec<&'static str> = family
                    .map(|f| scoped_kinds(f, &plain))
                    .unwrap_or_default()
                    .into_iter()
                    .filter(|k| *k != parent_kind)
                    .collect();
                if scoped.is_empty() {
                    let stated = values(&plain, &[parent_kind], None);
                    (vec![parent_kind], false, stated, Some(r))
                } else {
                    let (kinds, stated) = settle(&plain, scoped);
                    (kinds, true, stated, None)
                }
            }
            (None, None, Some(f)) => {
                let family_kinds = FAMILIES[f].kinds;
                let mut kinds = scoped_kinds(f, &plain);
                if kinds.is_empty() {
                    kinds.push(family_kinds[0]);
                }
                let stated = values(&plain, &kinds, None);
                (kinds, false, stated, None)
            }
            (None, None, None) => {
                let (kinds, stated) = settle(&plain, Vec::new());
                (kinds, true, stated, None)
            }
        };
    if kinds.is_empty() || (!names && stated.is_empty()) {
        return Part::Unplaced(todo_line(item.line, raw, alarm_gap.first().copied()));
    }
    // The st.resources this line is about.
    let mut targets: Vec<usize> = Vec::new();
    let mut drafted_before = false;
    if let Some(r) = attach_to {
        targets.push(r);
    } else {
        for kind in &kinds {
            let subs: Vec<Option<String>> = {
                let mut subs: Vec<Option<String>> = stated
                    .iter()
                    .filter(|s| s.kind == *kind)
                    .map(|s| s.sub.clone())
                    .collect();
                subs.dedup();
                let named: Vec<Option<String>> =
                    subs.iter().filter(|s| s.is_some()).cloned().collect();
                if named.is_empty() {
                    vec![None]
                } else {
                    let mut unique = Vec::new();
                    for s in named {
                        if !unique.contains(&s) {
                            unique.push(s);
                        }
                    }
                    unique
                }
            };
            let spelled = spelled_id(kind, raw, env.as_deref());
            let line_hints: Vec<Option<String>> = if PLURAL.contains(kind) && spelled.is_none() {
                let h = hints(&plain);
                if h.is_empty() {
                    vec![None]
                } else {
                    h.into_iter().map(Some).collect()
                }
            } else {
                vec![None]
            };
            for hint in &line_hints {
                for sub in &subs {
                    let existing = st.resources.iter().position(|r| {
                        r.kind == *kind
                            && r.env == *env
                            && r.hint == *hint
                            && r.sub == *sub
                            && (spelled.is_none() || r.id == spelled)
                    });
                    let index = match existing {
                        Some(x) => {
                            drafted_before = true;
                            x
                        }
                        None => {
                            st.resources.push(Res {
                                kind,
                                env: env.clone(),
                                hint: hint.clone(),
                                sub: sub.clone(),
                                id: spelled.clone(),
                                item: names.then_some(i),
                                line: item.line,
                                expect: Vec::new(),
                                todos: Vec::new(),
                            });
                            st.resources.len() - 1
                        }
                    };
                    targets.push(index);
                }
            }
        }
    }
    // The values, on the st.resources they are about.
    let mut placed = false;
    for s in &stated {
        for &t in &targets {
            let r = &mut st.resources[t];
            if r.kind != s.kind || (s.sub.is_some() && r.sub.is_some() && r.sub != s.sub) {
                continue;
            }
            let own_item = r.item == Some(i);
            let expect = Expect::new(s.attribute, s.matcher.clone());
            if let Some((prev, line, _)) =
                r.expect.iter().find(|(e, _, _)| e.attribute == s.attribute)
            {
                if prev.matcher != s.matcher {
                    r.todos.push(format!(
                        "TODO: line {} also says {} {} (line {line} said {}): \"{}\"",
                        item.line,
                        s.attribute,
                        describe(&s.matcher),
                        describe(&prev.matcher),
                        normalize(raw)
                    ));
                }
            } else {
                r.expect.push((expect, item.line, (!own_item).then_some(i)));
            }
            placed = true;
        }
    }
    if let Some(why) = alarm_gap.first() {
        if let Some(&t) = targets.first() {
            st.resources[t].todos.push(format!(
                "TODO: line {}: {why}: \"{}\"",
                item.line,
                normalize(raw)
            ));
            placed = true;
        }
    }
    if !placed && drafted_before && !targets.iter().any(|&t| st.resources[t].item == Some(i)) {
        return Part::Unplaced(format!(
                "TODO: \"{}\" (line {}): names a resource drafted from an earlier line, with no value of its own to check",
                raw.trim(),
                item.line
            ));
    }
    if !placed && attach_to.is_some() {
        return Part::Unplaced(todo_line(item.line, raw, None));
    }
    Part::Placed(targets)
}

fn ancestor_count(list: &Checklist, i: usize) -> usize {
    let mut n = 0;
    let mut p = list.items[i].parent;
    while let Some(a) = p {
        n += 1;
        p = list.items[a].parent;
    }
    n
}

fn todo_line(line: usize, raw: &str, why: Option<&str>) -> String {
    let text = raw.trim();
    match why {
        Some(why) => format!("TODO: \"{text}\" (line {line}): {why}"),
        None => format!("TODO: \"{text}\" (line {line})"),
    }
}

fn describe(m: &Match) -> String {
    match m {
        Match::Equals(v) => super::yaml_out::flow(v),
        Match::AtLeast(v) => format!("at least {v}"),
        Match::AtMost(v) => format!("at most {v}"),
        Match::OneOf(vs) => format!("one of {}", super::yaml_out::flow(&J::Array(vs.clone()))),
        Match::Contains(v) => format!("contains {}", super::yaml_out::flow(v)),
        Match::Matches(re) => format!("matches {re}"),
    }
}

fn render(
    list: &Checklist,
    env: Option<&str>,
    wanted: Option<&str>,
    sectioned: bool,
    resources: Vec<Res>,
    unplaced: Vec<String>,
    out_of_scope: Vec<usize>,
) -> Result<Generated, InitError> {
    let file = list.path.display().to_string();
    let environment = match env {
        Some(e) => e.to_string(),
        None => list
            .path
            .file_stem()
            .map(|s| {
                s.to_string_lossy()
                    .chars()
                    .map(|c| {
                        if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                            c
                        } else {
                            '-'
                        }
                    })
                    .collect::<String>()
            })
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| "draft".into()),
    };
    let mut header = vec![
        format!(
            "Drafted by `infra-verify init {}--from-checklist {file}` from its checklist lines.",
            env.map(|e| format!("{e} ")).unwrap_or_default()
        ),
        "Every `id: TODO-...` is a placeholder: replace it with the resource's real identifier."
            .into(),
        "Values are what the lines say; `item:` ties each check to its line, so `infra-verify tick`"
            .into(),
        "ticks the line when the check passes. Lines nothing could be drafted from are listed as".into(),
        "`# TODO` at the end. Check it with `infra-verify validate --spec FILE --checklist CHECKLIST`.".into(),
    ];
    match (wanted, sectioned) {
        (Some(w), true) if !out_of_scope.is_empty() => header.push(format!(
            "Only the `{w}` sections are read: {} items of other sections were left out (lines {}).",
            out_of_scope.len(),
            ranges(&out_of_scope)
        )),
        (Some(w), false) => header.push(format!(
            "No heading or item names `{w}`: every item of the checklist was read."
        )),
        _ => {}
    }
    let region = home_region(&list.text);
    let mut entries = Vec::new();
    let mut linked = std::collections::BTreeSet::new();
    let mut keys: BTreeMap<String, usize> = BTreeMap::new();
    for r in &resources {
        let Some(kind) = catalog::kind(r.kind) else {
            continue;
        };
        let (id, placeholder) = r.id(&resources);
        let mut entry = Entry {
            kind: kind.name,
            id: id.clone(),
            notes: vec![format!("from line {}", r.line)],
            ..Entry::default()
        };
        if placeholder {
            entry.id_comment = Some(format!(
                "TODO: placeholder; write the {}",
                identifier(kind.identifier)
            ));
        }
        if r.kind == "metric_alarm" {
            if let Some(metric) = &r.sub {
                entry.select = Some(json!({ "metric_name": metric }));
                entry.id_comment = Some(
                    "TODO: add namespace and dimensions to choose this environment's alarm".into(),
                );
            }
        }
        let link = |i: usize,
                    todos: &mut Vec<String>,
                    linked: &mut std::collections::BTreeSet<usize>|
         -> Option<String> {
            match reference(list, i) {
                Some(reference) => {
                    linked.insert(i);
                    Some(reference)
                }
                None => {
                    todos.push(format!("TODO: {}", unreferenceable(list, i)));
                    None
                }
            }
        };
        if let Some(i) = r.item {
            entry.item = link(i, &mut entry.todos, &mut linked);
        }
        for (e, _, item) in &r.expect {
            let mut e = e.clone();
            e.item = item.and_then(|i| link(i, &mut entry.todos, &mut linked));
            entry.expect.push(e);
        }
        entry.todos.extend(r.todos.iter().cloned());
        // The same kind and id (or selection) twice would be a spec error: the later one is
        // written commented out.
        let key = format!(
            "{}/{}",
            kind.name,
            id.clone().unwrap_or_else(|| entry
                .select
                .as_ref()
                .map(|s| s.to_string())
                .unwrap_or_default())
        );
        if let Some(first) = keys.get(&key) {
            entry.commented = true;
            entry.notes.push(format!(
                "TODO: the same {} as the entry of line {first}; tell them apart (another id, or dimensions in select)",
                if entry.select.is_some() { "selection" } else { "id" }
            ));
        } else {
            keys.insert(key, r.line);
        }
        entries.push(entry);
    }
    let resources_written = entries.iter().filter(|e| !e.commented).count();
    let mut footer = Vec::new();
    if !unplaced.is_empty() {
        footer.push(format!(
            "Checklist lines nothing could be drafted from ({}): check them another way, or add resources for them.",
            unplaced.len()
        ));
        footer.extend(unplaced.iter().cloned());
    }
    let draft = Draft {
        header,
        environment: environment.clone(),
        aws: region
            .iter()
            .map(|(line, r)| {
                (
                    "region",
                    J::String(r.clone()),
                    Some(format!("from the checklist, line {line}")),
                )
            })
            .collect(),
        aws_todo: vec![
            "aws: { region: ..., account_id: \"...\" }   # TODO: where the environment runs".into(),
        ],
        groups: vec![Group {
            title: Vec::new(),
            entries,
        }],
        footer,
    };
    let text = draft.render();
    let spec = super::validate(&text)?;
    // Every link resolves to exactly one item (checked as `validate --checklist` does).
    crate::checklist::link(&spec, list)
        .map_err(|diags| InitError::Invalid(crate::spec::SpecError::Invalid(diags).to_string()))?;
    Ok(Generated {
        text,
        resources: resources_written,
        linked_items: linked.len(),
        unplaced: unplaced.len(),
    })
}

/// The region the checklist mentions most, other than us-east-1 (named for CloudFront's
/// certificates whatever the home region), with the line it is first mentioned on.
fn home_region(text: &str) -> Option<(usize, String)> {
    let re = REGION.as_ref()?;
    let mut seen: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    for (n, line) in text.lines().enumerate() {
        for m in re.find_iter(line) {
            let e = seen.entry(m.as_str().to_string()).or_insert((0, n + 1));
            e.0 += 1;
        }
    }
    let best = |home: bool| {
        seen.iter()
            .filter(|(r, _)| (r.as_str() != "us-east-1") == home)
            .max_by_key(|(_, (count, line))| (*count, std::cmp::Reverse(*line)))
            .map(|(r, (_, line))| (*line, r.clone()))
    };
    best(true).or_else(|| best(false))
}

/// A catalog identifier description after "write the": `DB instance identifier`,
/// `certificate's domain name, e.g. ...`.
fn identifier(text: &str) -> String {
    let text = text.trim_end_matches('.');
    let text = text.strip_prefix("The ").unwrap_or(text);
    // "Bucket name" reads "bucket name"; "DB instance", "VPC id" and "Auto Scaling" keep their case.
    let mut words = text.split(' ');
    let first = words.next().unwrap_or_default();
    let next_lower = words
        .next()
        .and_then(|w| w.chars().next())
        .is_none_or(|c| !c.is_uppercase());
    let mut chars = first.chars();
    match (chars.next(), chars.next()) {
        (Some(a), Some(b)) if a.is_uppercase() && b.is_lowercase() && next_lower => {
            format!("{}{}", a.to_lowercase(), &text[a.len_utf8()..])
        }
        _ => text.to_string(),
    }
}

/// `3-5, 9, 12-14` from sorted line numbers.
fn ranges(lines: &[usize]) -> String {
    let mut out: Vec<String> = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let start = lines[i];
        let mut end = start;
        while i + 1 < lines.len() && lines[i + 1] <= end + 2 {
            i += 1;
            end = lines[i];
        }
        out.push(if start == end {
            start.to_string()
        } else {
            format!("{start}-{end}")
        });
        i += 1;
    }
    out.join(", ")
}

#[cfg(test)]
#[path = "checklist_tests.rs"]
mod tests;
