//! The rule tables: which words name an environment, a family and its kinds, which patterns read
//! which attribute values, and the names that tell resources apart. Teaching the drafter a new
//! phrase is an edit here; the engine that applies them is in the sibling files.

use regex::Captures;
use serde_json::{json, Value as J};

use crate::init::draft::Match;

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

/// What a rule reads for one kind: the attribute, its matcher, and which resource of the kind
/// (see [`Stated::sub`](super::Stated::sub)).
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
pub(super) const ALARM_GAPS: &[(&str, &str)] = &[
    (r"(?i)5xx\s*(error\s*)?rate", "a 5xx rate needs a metric-math alarm (select it by name)"),
    (r"(?i)(db|rds|database)\s*connections?\D{0,10}\d+\s*%", "a connection percentage depends on the instance's maximum: check DatabaseConnections' threshold by hand"),
];

/// Rules whose value says which kind of its family a line is about ("no replica" is a cache
/// cluster, "1 replica" a replication group, `/api/health` a target group).
pub(super) const KIND_RULES: &[&str] = &[
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

/// Names that tell resources of one kind apart, in the order they appear (`front end`,
/// `uploads`, `nginx-rtmp`).
pub(super) const HINTS: &[(&str, &str)] = &[
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
pub(super) const PLURAL: &[&str] = &[
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
pub(super) const NOT_NAMES: &[&str] = &[
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
