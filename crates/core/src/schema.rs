//! `infra-verify schema`: a JSON Schema of the spec format, for editors (completion, hover,
//! typos underlined as you type). `infra-verify validate` stays the authority: it also checks
//! what a schema cannot say (regular expressions that compile, `extends:` files, regions named
//! in `aws.regions`, duplicate resources, checklist links), and reports with line and column.
//!
//! The schema is JSON Schema **draft-07**: every version of yaml-language-server (the engine of
//! VS Code's YAML extension, also used by Neovim, Helix, Zed) validates draft-07, while 2019-09
//! and 2020-12 only since its 1.20 (an earlier attempt was reverted); nothing here needs a later
//! draft. Checked with yaml-language-server 1.25.0 and 2.0.0: the bundled specs are clean, typos
//! and wrong types are flagged, hover shows the catalog's description of each attribute.
//!
//! Editors show the innermost description that matches a value, so the shared definitions of
//! expectations carry none: hovering an attribute shows its own, from the catalog.
//!
//! The top level (`version`, `environment`, `aws:`, `drift:` ...) comes from the document
//! structs below (`#[derive(JsonSchema)]`, their doc comments become the descriptions). Each
//! resource kind's shape comes from the catalog ([`crate::catalog`]): one definition per kind,
//! chosen by its `kind:` with `if`/`then` (not `oneOf`: a resource with a typo would match no
//! branch, and validators then report every kind's complaints instead of its own kind's), with
//! exactly that kind's attributes under `expect:`, each typed from its [`AttrType`] and
//! accepting a bare value or a mapping of the matchers that apply to that type.

use std::borrow::Cow;

use schemars::generate::SchemaSettings;
use schemars::{json_schema, JsonSchema, Schema, SchemaGenerator};
use serde_json::{json, Map, Value};

use crate::catalog::{self, AttrType, Kind};
use crate::spec::{self, EXPECTATION_META_KEYS, MATCHER_KEYS};

/// The JSON Schema of the spec format, as pretty-printed JSON with a final newline: the content
/// of `docs/spec.schema.json`.
pub fn json() -> String {
    let mut text = serde_json::to_string_pretty(&schema()).unwrap_or_default();
    text.push('\n');
    text
}

/// The JSON Schema of the spec format (draft-07).
pub fn schema() -> Value {
    let generator = SchemaSettings::draft07().into_generator();
    let mut schema = generator.into_root_schema_for::<SpecDocument>().to_value();
    unwrap_descriptions(&mut schema);
    schema
}

/// Doc comments are wrapped at 100 columns; a description is one paragraph per blank line.
fn unwrap_descriptions(value: &mut Value) {
    match value {
        Value::Object(map) => {
            for (key, v) in map.iter_mut() {
                match v {
                    Value::String(text) if key == "description" => {
                        *text = text
                            .split("\n\n")
                            .map(|p| p.split('\n').map(str::trim).collect::<Vec<_>>().join(" "))
                            .collect::<Vec<_>>()
                            .join("\n\n");
                    }
                    other => unwrap_descriptions(other),
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(unwrap_descriptions),
        _ => {}
    }
}

// The document structs: never built (specs are read by the hand-written, span-keeping loader in
// `spec.rs`); only their shape matters, which `#[derive(JsonSchema)]` turns into the schema.
// An `Option` field is a key that may be left out, not one that may be `null` (`not_null`).

/// A spec: one environment, where it runs and what must be true of its resources (format
/// version 1). `infra-verify validate` is the authority on specs; this schema is for editors.
#[derive(JsonSchema)]
#[schemars(
    title = "infra-verify spec",
    deny_unknown_fields,
    transform = version_unless_extends
)]
#[allow(dead_code)]
struct SpecDocument {
    /// The spec format version: `1`. Required, except in a spec that `extends:` a base that
    /// gives it.
    #[schemars(transform = not_null)]
    version: Option<FormatVersion>,
    /// The environment's name (letters, digits, `-` and `_`): `infra-verify <environment>`
    /// reads `specs/<environment>.yaml`. A spec that is run needs it (here or in its base); a
    /// base spec that only others extend may leave it out.
    #[schemars(transform = not_null, regex(pattern = r"^[A-Za-z0-9_-]+$"))]
    environment: Option<String>,
    /// A base spec to extend, relative to this file (in the same directory): its settings and
    /// resources are read first, then this file's are applied on top.
    #[schemars(transform = not_null, length(min = 1))]
    extends: Option<String>,
    /// Free text, ignored.
    #[schemars(transform = not_null)]
    description: Option<String>,
    /// Where the environment runs. Command-line flags (`--region`, `--profile`) override it.
    #[schemars(transform = not_null)]
    aws: Option<AwsDocument>,
    /// What `infra-verify drift` leaves out, besides the attributes that change on their own.
    #[schemars(transform = not_null)]
    drift: Option<DriftDocument>,
    /// The nameservers `dns_record` checks ask. `--dns-server` overrides them.
    #[schemars(transform = not_null)]
    dns: Option<DnsDocument>,
    /// The resources the environment must (or must not) have, each with its expectations.
    resources: Option<Vec<ResourceDocument>>,
}

/// The `aws:` block: region, profile, role and account of the environment.
#[derive(JsonSchema)]
#[schemars(rename = "Aws", deny_unknown_fields)]
#[allow(dead_code)]
struct AwsDocument {
    /// The home region: where resources without their own `region:` are looked for (by default
    /// the first of `regions`).
    #[schemars(transform = not_null)]
    region: Option<Region>,
    /// Every region the environment uses: a resource's `region:` must be one of them, and
    /// `regions: all` on a resource means each of them.
    #[schemars(transform = not_null, length(min = 1), extend("uniqueItems" = true))]
    regions: Option<Vec<Region>>,
    /// A named profile from the AWS config files.
    #[schemars(transform = not_null)]
    profile: Option<String>,
    /// An IAM role to assume before probing (`arn:aws:iam::ACCOUNT:role/NAME`).
    #[schemars(transform = not_null, regex(pattern = r"^arn:"))]
    role_arn: Option<String>,
    /// The account the run must be in (12 digits, quoted): a run with credentials of another
    /// account is refused.
    #[schemars(transform = not_null, regex(pattern = r"^[0-9]{12}$"))]
    account_id: Option<String>,
}

/// An AWS region name, e.g. `ap-northeast-2` or `us-east-1`.
#[derive(JsonSchema)]
#[allow(dead_code)]
struct Region(#[schemars(regex(pattern = r"^[a-z0-9]+(-[a-z0-9]+)+-[0-9]+$"))] String);

/// `dns:`: the nameservers `dns_record` asks instead of the system's (`/etc/resolv.conf`).
#[derive(JsonSchema)]
#[schemars(rename = "Dns", deny_unknown_fields)]
#[allow(dead_code)]
struct DnsDocument {
    /// IP addresses with an optional port (53 by default), e.g. `1.1.1.1`, `"127.0.0.1:5353"`,
    /// `"[2606:4700:4700::1111]:53"`; the first also answers `dnssec_validated`'s AD-flag query.
    #[schemars(transform = not_null, length(min = 1))]
    servers: Option<Vec<String>>,
}

/// `drift:`: what the drift report leaves out.
#[derive(JsonSchema)]
#[schemars(rename = "Drift", deny_unknown_fields)]
#[allow(dead_code)]
struct DriftDocument {
    /// Patterns of `kind/id/attribute` whose changes are not reported; `*` matches anything,
    /// `/` included (e.g. `ecs_service/*/desired_count`, `"*/*/tags"`).
    #[schemars(transform = not_null)]
    ignore: Option<Vec<IgnorePattern>>,
}

/// A `kind/id/attribute` pattern (`*` matches anything, `/` included); the kind is a known kind
/// or `*`, the attribute one of that kind's or contains `*`.
#[derive(JsonSchema)]
#[allow(dead_code)]
struct IgnorePattern(#[schemars(regex(pattern = r"^[^/]+/.*/[^/]+$"))] String);

/// The keys every resource entry may have besides `kind`, `id`, `select`, `count` and
/// `expect` (which depend on the kind). Generated once, copied into every kind's definition.
#[derive(JsonSchema)]
#[allow(dead_code)]
struct ResourceKeys {
    /// `false`: the resource must not exist (then it has no `expect:`). Default `true`; on a
    /// `select:`, `exists: false` means none may match. `{ equals: true, item: LINE }` also ticks
    /// LINE from the existence check alone.
    #[schemars(transform = not_null)]
    exists: Option<Exists>,
    /// Look for it in this region instead of `aws.region` (e.g. `us-east-1` for a CloudFront
    /// certificate). Excludes `regions:`.
    #[schemars(transform = not_null)]
    region: Option<Region>,
    /// Check the same resource in several regions: `all` (each of `aws.regions`) or a list of
    /// them; its checks read `<kind>/<id>@<region>/<attribute>`. Excludes `region:`.
    #[schemars(transform = not_null)]
    regions: Option<Regions>,
    /// The checklist line this resource's existence check ticks (`infra-verify tick`).
    #[schemars(transform = not_null)]
    item: Option<Item>,
    /// Audit control ids (e.g. `ISMS-P-2.9.3`), carried into every output.
    #[schemars(transform = not_null)]
    controls: Option<Controls>,
    /// How much a failing check matters (informational: every failing check makes the run not
    /// ready).
    #[schemars(transform = not_null)]
    severity: Option<SeverityName>,
    /// Free text, ignored.
    #[schemars(transform = not_null)]
    description: Option<String>,
    /// `http_endpoint` only: how the URL is requested, `method` (`GET` or `HEAD`) and
    /// `headers` (sent over HTTPS only; a credential as `{ env: VARIABLE, prefix: "Bearer " }`,
    /// never its value).
    #[schemars(transform = not_null)]
    request: Option<RequestDocument>,
}

/// `request:` of an `http_endpoint`.
#[derive(JsonSchema)]
#[allow(dead_code)]
#[schemars(deny_unknown_fields)]
struct RequestDocument {
    /// `GET` (the default) or `HEAD`.
    #[schemars(transform = not_null)]
    method: Option<RequestMethod>,
    /// Header name to a value, or to the environment variable holding it.
    #[schemars(transform = not_null)]
    headers: Option<std::collections::BTreeMap<String, HeaderValueDocument>>,
}

/// A request method that changes nothing.
#[derive(JsonSchema)]
#[allow(dead_code)]
enum RequestMethod {
    #[serde(rename = "GET")]
    Get,
    #[serde(rename = "HEAD")]
    Head,
}

/// A header's value: text, or `{ env: VARIABLE, prefix: TEXT }`.
#[derive(JsonSchema)]
#[allow(dead_code)]
#[serde(untagged)]
enum HeaderValueDocument {
    Text(String),
    Env {
        /// The environment variable holding the value (read when the run starts).
        env: String,
        /// Text sent before it, e.g. `Bearer `.
        #[schemars(transform = not_null)]
        prefix: Option<String>,
    },
}

/// The spec format version this build reads.
struct FormatVersion;

impl JsonSchema for FormatVersion {
    fn inline_schema() -> bool {
        true
    }

    fn schema_name() -> Cow<'static, str> {
        "FormatVersion".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({ "type": "integer", "const": spec::SPEC_VERSION })
    }
}

/// `regions:` of a resource: `all` or a list of region names.
struct Regions;

impl JsonSchema for Regions {
    fn schema_name() -> Cow<'static, str> {
        "Regions".into()
    }

    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        let region = generator.subschema_for::<Region>();
        json_schema!({
            "anyOf": [
                { "const": "all", "description": "Every region of `aws.regions`." },
                { "type": "array", "items": region, "minItems": 1, "uniqueItems": true }
            ]
        })
    }
}

/// The text of a checklist item (`item:`).
struct Item;

impl JsonSchema for Item {
    fn schema_name() -> Cow<'static, str> {
        "Item".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "anyOf": [
                { "type": "string", "pattern": "\\S" },
                { "type": "array", "minItems": 1, "items": { "type": "string", "pattern": "\\S" } }
            ],
            "description": "The text of the checklist item this check ticks (`infra-verify tick`), or a \
                            list of items when one check answers several lines; `Parent > child` \
                            names a sub-item, and a line's own ` > ` is written `\\>` in a path."
        })
    }
}

/// `exists:`: a boolean, or `{ equals, item }`.
struct Exists;

impl JsonSchema for Exists {
    fn schema_name() -> Cow<'static, str> {
        "Exists".into()
    }

    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        let item = generator.subschema_for::<Item>();
        json_schema!({
            "anyOf": [
                { "type": "boolean" },
                {
                    "type": "object",
                    "properties": {
                        "equals": { "type": "boolean", "description": "Whether it must exist (default true)." },
                        "item": item
                    },
                    "additionalProperties": false
                }
            ],
            "description": "Whether the resource must exist; with `item:`, the checklist line(s) the existence check alone ticks."
        })
    }
}

/// `controls:`: one control id or a list of them.
struct Controls;

impl JsonSchema for Controls {
    fn schema_name() -> Cow<'static, str> {
        "Controls".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "Audit control ids (e.g. `ISMS-P-2.9.3`), carried into every output.",
            "anyOf": [
                { "type": "string" },
                { "type": "array", "items": { "type": "string" } }
            ]
        })
    }
}

/// `severity:`, from the names the spec loader knows.
struct SeverityName;

impl JsonSchema for SeverityName {
    fn schema_name() -> Cow<'static, str> {
        "Severity".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        let names: Vec<&str> = spec::SEVERITIES.iter().map(|(n, _)| *n).collect();
        json_schema!({
            "description": "How much a failing check matters: low, medium, high or critical.",
            "enum": names
        })
    }
}

/// One entry of `resources:`: its shape depends on its `kind:` (from the catalog).
struct ResourceDocument;

impl JsonSchema for ResourceDocument {
    fn schema_name() -> Cow<'static, str> {
        "Resource".into()
    }

    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        let keys = ResourceKeys::json_schema(generator);
        // Defined once, referenced from every kind.
        let mut common = Map::new();
        for (key, schema) in keys
            .get("properties")
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default()
        {
            let reference = define(generator, &format!("Resource_{key}"), schema);
            common.insert(key, reference);
        }
        let mut branches = Vec::new();
        for kind in catalog::KINDS {
            let definition = kind_schema(generator, kind, &common);
            let reference = define(generator, &format!("Kind_{}", kind.name), definition);
            branches.push(json!({
                "if": { "properties": { "kind": { "const": kind.name } }, "required": ["kind"] },
                "then": reference
            }));
        }
        let names: Vec<&str> = catalog::KINDS.iter().map(|k| k.name).collect();
        json_schema!({
            "description": "A resource the environment must (or must not) have: its `kind`, \
                            which one (`id`, or `select`) and what must be true of it (`expect`).",
            "type": "object",
            "required": ["kind"],
            "properties": {
                // No description here: the kind's own (from its branch) is the one to show.
                "kind": { "enum": names }
            },
            "allOf": branches
        })
    }
}

/// Adds a definition and returns a reference to it.
fn define(generator: &mut SchemaGenerator, name: &str, schema: Value) -> Value {
    let path = generator
        .settings()
        .definitions_path
        .trim_matches('/')
        .to_string();
    generator.definitions_mut().insert(name.to_string(), schema);
    json!({ "$ref": format!("#/{path}/{name}") })
}

/// A property with a description next to a reference (draft-07 ignores a `$ref`'s siblings,
/// so the reference goes in `allOf`).
fn described(description: &str, reference: Value) -> Value {
    json!({ "description": description, "allOf": [reference] })
}

/// Whether `regions:` applies: regional AWS resources (not global namespaces, not http).
fn is_regional(kind: &Kind) -> bool {
    kind.is_regional()
}

/// One kind's resource entry.
fn kind_schema(generator: &mut SchemaGenerator, kind: &Kind, common: &Map<String, Value>) -> Value {
    let mut properties = Map::new();
    properties.insert(
        "kind".into(),
        json!({ "const": kind.name, "description": kind.description }),
    );
    let mut id = json!({
        "type": "string",
        "pattern": "\\S",
        "description": format!("Which resource: {}.", kind.identifier.trim_end_matches('.')),
    });
    // The shape the loader checks (catalog::IdFormat), where a pattern can say it.
    if let Some(pattern) = kind.id_format.pattern() {
        id["pattern"] = json!(pattern);
    }
    properties.insert("id".into(), id);
    for (key, value) in common {
        if key == "regions" && !is_regional(kind) {
            continue;
        }
        if key == "request" && kind.name != "http_endpoint" {
            continue;
        }
        properties.insert(key.clone(), value.clone());
    }
    let selectable = kind.selects_by_tags() || !spec::selectable_attributes(kind).is_empty();
    if selectable {
        properties.insert("select".into(), select_schema(kind));
        let count = expectation_ref(generator, AttrType::Integer);
        properties.insert(
            "count".into(),
            described(
                "How many resources `select:` must match (default: at least 1): a number or \
                 matchers (`at_least`, `at_most`, `one_of`).",
                count,
            ),
        );
    }
    properties.insert("expect".into(), expect_schema(generator, kind));
    let mut schema = json!({
        "description": kind.description,
        "type": "object",
        "properties": properties,
        "additionalProperties": false,
        // `exists: false` takes no expectations.
        "if": { "properties": { "exists": { "const": false } }, "required": ["exists"] },
        "then": { "properties": { "expect": { "maxProperties": 0 } } },
    });
    if selectable {
        schema["required"] = json!(["kind"]);
        schema["oneOf"] = json!([{ "required": ["id"] }, { "required": ["select"] }]);
        schema["dependencies"] = json!({ "count": ["select"] });
    } else {
        schema["required"] = json!(["kind", "id"]);
    }
    if is_regional(kind) {
        schema["not"] = json!({ "required": ["region", "regions"] });
    }
    schema
}

/// `select:` of a kind: its tags and the attributes its list response carries.
fn select_schema(kind: &Kind) -> Value {
    let mut properties = Map::new();
    if kind.selects_by_tags() {
        properties.insert(
            "tags".into(),
            json!({
                "description": "Tags every selected resource has (it may have others too).",
                "type": "object",
                "minProperties": 1,
                "additionalProperties": { "type": "string" }
            }),
        );
    }
    for attr in spec::selectable_attributes(kind) {
        let value = match attr.ty {
            AttrType::StringList => json!({
                "anyOf": [
                    { "type": "string" },
                    { "type": "array", "minItems": 1, "items": { "type": "string" } }
                ]
            }),
            AttrType::StringMap => json!({
                "type": "object", "minProperties": 1, "additionalProperties": { "type": "string" }
            }),
            other => json!({ "type": json_type(other) }),
        };
        let mut value = value;
        value["description"] = json!(format!(
            "Select the resources whose `{}` {} this. {}",
            attr.name,
            if matches!(attr.ty, AttrType::StringList | AttrType::StringMap) {
                "contains"
            } else {
                "equals"
            },
            attr.description
        ));
        properties.insert(attr.name.into(), value);
    }
    json!({
        "description": "Choose resources by their tags (or listed attributes) instead of naming one with `id:`.",
        "type": "object",
        "minProperties": 1,
        "properties": properties,
        "additionalProperties": false
    })
}

/// `expect:` of a kind: exactly its attributes (and `exists`).
fn expect_schema(generator: &mut SchemaGenerator, kind: &Kind) -> Value {
    let mut properties = Map::new();
    properties.insert(
        catalog::EXISTS.into(),
        generator.subschema_for::<Exists>().to_value(),
    );
    for attr in kind.attributes {
        let reference = expectation_ref(generator, attr.ty);
        let mut description = format!("{} ({}", attr.description, attr.ty.name());
        if catalog::is_volatile(kind.name, attr.name) {
            description.push_str("; changes on its own: left out of drift reports");
        }
        description.push(')');
        properties.insert(attr.name.into(), described(&description, reference));
    }
    json!({
        "description": format!(
            "Attribute: expectation (a bare value means equals). The attributes of `{}`: \
             `infra-verify kinds {}`.",
            kind.name, kind.name
        ),
        "type": ["object", "null"],
        "properties": properties,
        "additionalProperties": false
    })
}

/// The JSON type of a scalar attribute type.
fn json_type(ty: AttrType) -> &'static str {
    match ty {
        AttrType::Bool => "boolean",
        AttrType::Integer => "integer",
        AttrType::Number => "number",
        AttrType::String => "string",
        AttrType::StringList | AttrType::ObjectList => "array",
        AttrType::StringMap => "object",
    }
}

/// The definition name of a type's expectation.
fn type_key(ty: AttrType) -> &'static str {
    match ty {
        AttrType::Bool => "bool",
        AttrType::Integer => "integer",
        AttrType::Number => "number",
        AttrType::String => "string",
        AttrType::StringList => "string_list",
        AttrType::StringMap => "string_map",
        AttrType::ObjectList => "object_list",
    }
}

/// A value of the type, as `equals:` and `one_of:` take it (`null` means "not set").
fn value_schema(ty: AttrType) -> Value {
    let mut schema = json!({ "type": [json_type(ty), "null"] });
    match ty {
        AttrType::StringList => schema["items"] = json!({ "type": "string" }),
        AttrType::ObjectList => schema["items"] = json!({ "type": "object" }),
        AttrType::StringMap => schema["additionalProperties"] = json!({ "type": "string" }),
        _ => {}
    }
    schema
}

/// A reference to the expectation of a type (defined once per type).
fn expectation_ref(generator: &mut SchemaGenerator, ty: AttrType) -> Value {
    let name = format!("Expect_{}", type_key(ty));
    let path = generator
        .settings()
        .definitions_path
        .trim_matches('/')
        .to_string();
    if !generator.definitions().contains_key(&name) {
        let schema = expectation_schema(ty);
        generator.definitions_mut().insert(name.clone(), schema);
    }
    json!({ "$ref": format!("#/{path}/{name}") })
}

/// The matchers that apply to a type, with their schemas (see spec.rs `expectation`).
fn matchers(ty: AttrType) -> Vec<(&'static str, Value)> {
    let value = value_schema(ty);
    let strings = json!({ "type": "array", "items": { "type": "string" } });
    let mut out = vec![
        (
            "equals",
            with_description(value.clone(), "Passes when the observed value equals this (numbers by value, lists in order, maps exactly)."),
        ),
        (
            "one_of",
            json!({
                "description": "Passes when the observed value equals one of these.",
                "type": "array", "minItems": 1, "items": value
            }),
        ),
    ];
    if ty.is_numeric() {
        out.push((
            "at_least",
            json!({ "description": "Passes when the observed number is at least this.", "type": "number" }),
        ));
        out.push((
            "at_most",
            json!({ "description": "Passes when the observed number is at most this.", "type": "number" }),
        ));
    }
    if ty == AttrType::String {
        out.push((
            "matches",
            json!({
                "description": "Passes when the observed string contains a match of this regular expression (Rust `regex` syntax; anchor with `^...$`).",
                "type": "string"
            }),
        ));
    }
    let contains = match ty {
        AttrType::StringList => Some(json!({
            "description": "Passes when the observed list contains this string, or every string of this list.",
            "anyOf": [{ "type": "string" }, strings.clone()]
        })),
        AttrType::String => Some(json!({
            "description": "Passes when the observed string contains this substring.",
            "type": "string"
        })),
        AttrType::StringMap => Some(json!({
            "description": "Passes when the observed map contains every key and value of this one.",
            "type": "object", "additionalProperties": { "type": "string" }
        })),
        AttrType::ObjectList => Some(json!({
            "description": "Passes when an element of the observed list has every field of this mapping (recursively).",
            "type": "object"
        })),
        _ => None,
    };
    if let Some(c) = contains {
        out.push(("contains", c));
    }
    if ty == AttrType::StringList {
        out.push((
            "subset_of",
            with_description(
                strings,
                "Passes when no element of the observed list is outside this list (the empty list passes).",
            ),
        ));
    }
    out
}

fn with_description(mut schema: Value, description: &str) -> Value {
    schema["description"] = json!(description);
    schema
}

/// The expectation of an attribute of a type: a bare value (equals), or a mapping of the
/// matchers that apply to the type, all of which must hold, plus `item`, `controls`, `severity`.
/// Without descriptions of its own: editors show the innermost description that matches, and
/// the one to show on hover is the attribute's, from the catalog.
fn expectation_schema(ty: AttrType) -> Value {
    let mut bare = value_schema(ty);
    if ty == AttrType::StringMap {
        // A mapping with a matcher or meta key is a matcher mapping, not a bare map.
        let reserved: Vec<&str> = MATCHER_KEYS
            .iter()
            .chain(EXPECTATION_META_KEYS)
            .copied()
            .collect();
        bare["propertyNames"] = json!({ "not": { "enum": reserved } });
    }
    let applicable = matchers(ty);
    let mut properties = Map::new();
    let mut required = Vec::new();
    for (name, schema) in &applicable {
        properties.insert((*name).into(), schema.clone());
        required.push(json!({ "required": [name] }));
    }
    properties.insert(
        "item".into(),
        json!({
            "description": "The checklist line this check ticks (`infra-verify tick`), or a list of lines it answers.",
            "anyOf": [
                { "type": "string", "pattern": "\\S" },
                { "type": "array", "minItems": 1, "items": { "type": "string", "pattern": "\\S" } }
            ]
        }),
    );
    properties.insert(
        "controls".into(),
        json!({
            "description": "Audit control ids, added to the resource's.",
            "anyOf": [{ "type": "string" }, { "type": "array", "items": { "type": "string" } }]
        }),
    );
    let severities: Vec<&str> = spec::SEVERITIES.iter().map(|(n, _)| *n).collect();
    properties.insert(
        "severity".into(),
        json!({ "description": "Overrides the resource's severity.", "enum": severities }),
    );
    let matcher_map = json!({
        "type": "object",
        "properties": properties,
        "additionalProperties": false,
        "anyOf": required
    });
    json!({ "anyOf": [bare, matcher_map] })
}

/// `Option` marks a key that may be left out; the loader refuses `null` for these keys
/// (`extends: null`, `aws: null`), so the schema does too.
fn not_null(schema: &mut Schema) {
    if let Some(Value::Array(values)) = schema.get_mut("enum") {
        values.retain(|v| !v.is_null());
        if values.len() == 1 {
            let only = values.remove(0);
            schema.remove("enum");
            schema.insert("const".into(), only);
        }
    }
    if let Some(Value::Array(types)) = schema.get_mut("type") {
        types.retain(|t| t != "null");
        if types.len() == 1 {
            let only = types.remove(0);
            schema.insert("type".into(), only);
        }
    }
    if let Some(Value::Array(any)) = schema.get_mut("anyOf") {
        any.retain(|s| s.get("type").and_then(Value::as_str) != Some("null"));
        if any.len() == 1 {
            let only = any.remove(0);
            schema.remove("anyOf");
            if let Value::Object(map) = only {
                for (k, v) in map {
                    schema.insert(k, v);
                }
            }
        }
    }
}

/// `version:` may be left out only by a spec that extends a base (the base gives it).
fn version_unless_extends(schema: &mut Schema) {
    schema.insert("if".into(), json!({ "not": { "required": ["extends"] } }));
    schema.insert("then".into(), json!({ "required": ["version"] }));
    schema.remove("required");
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(schema: &Value) -> Vec<String> {
        let mut k: Vec<String> = schema["properties"]
            .as_object()
            .map(|m| m.keys().cloned().collect())
            .unwrap_or_default();
        k.sort();
        k
    }

    fn sorted(list: &[&str]) -> Vec<String> {
        let mut v: Vec<String> = list.iter().map(|s| s.to_string()).collect();
        v.sort();
        v
    }

    #[test]
    fn the_schema_has_exactly_the_keys_the_loader_accepts() {
        let s = schema();
        assert_eq!(s["$schema"], "http://json-schema.org/draft-07/schema#");
        assert_eq!(keys(&s), sorted(spec::TOP_KEYS));
        assert_eq!(s["additionalProperties"], false);
        let defs = &s["definitions"];
        assert_eq!(keys(&defs["Aws"]), sorted(spec::AWS_KEYS));
        assert_eq!(keys(&defs["Drift"]), ["ignore"]);
        // A regional kind that can be selected has every resource key but `request`, which is
        // http_endpoint's.
        let mut all_but_request = sorted(spec::RESOURCE_KEYS);
        all_but_request.retain(|k| k != "request");
        assert_eq!(keys(&defs["Kind_rds_instance"]), all_but_request);
        // s3 buckets are global (no `regions`); http endpoints cannot be selected either.
        let http = keys(&defs["Kind_http_endpoint"]);
        for absent in ["regions", "select", "count"] {
            assert!(!http.contains(&absent.to_string()), "{http:?}");
        }
        assert!(http.contains(&"request".to_string()), "{http:?}");
        assert!(!keys(&defs["Kind_s3_bucket"]).contains(&"regions".to_string()));
        assert!(keys(&defs["Kind_s3_bucket"]).contains(&"select".to_string()));
    }

    #[test]
    fn every_kind_has_a_branch_with_exactly_its_attributes() {
        let s = schema();
        let defs = &s["definitions"];
        let branches = defs["Resource"]["allOf"].as_array().expect("allOf");
        assert_eq!(branches.len(), catalog::KINDS.len());
        for kind in catalog::KINDS {
            let def = &defs[format!("Kind_{}", kind.name)];
            assert_eq!(def["properties"]["kind"]["const"], kind.name);
            assert_eq!(def["description"], kind.description);
            let mut expected: Vec<&str> = kind.attribute_names().collect();
            expected.sort();
            assert_eq!(
                keys(&def["properties"]["expect"]),
                sorted(&expected),
                "{}",
                kind.name
            );
            for attr in kind.attributes {
                let prop = &def["properties"]["expect"]["properties"][attr.name];
                assert!(
                    prop["description"]
                        .as_str()
                        .is_some_and(|d| d.starts_with(attr.description)),
                    "{}.{}: {prop}",
                    kind.name,
                    attr.name
                );
                assert_eq!(
                    prop["allOf"][0]["$ref"],
                    format!("#/definitions/Expect_{}", type_key(attr.ty))
                );
            }
        }
    }

    #[test]
    fn each_type_takes_exactly_the_matchers_the_loader_takes() {
        let s = schema();
        let defs = &s["definitions"];
        let cases: &[(AttrType, &[&str])] = &[
            (AttrType::Bool, &["equals", "one_of"]),
            (
                AttrType::Integer,
                &["equals", "one_of", "at_least", "at_most"],
            ),
            (
                AttrType::Number,
                &["equals", "one_of", "at_least", "at_most"],
            ),
            (
                AttrType::String,
                &["equals", "one_of", "matches", "contains"],
            ),
            (
                AttrType::StringList,
                &["equals", "one_of", "contains", "subset_of"],
            ),
            (AttrType::StringMap, &["equals", "one_of", "contains"]),
            (AttrType::ObjectList, &["equals", "one_of", "contains"]),
        ];
        for (ty, matchers) in cases {
            let Some(def) = defs.get(format!("Expect_{}", type_key(*ty))) else {
                continue; // a type no attribute has is not defined
            };
            let map = &def["anyOf"][1];
            let mut expected: Vec<&str> = matchers.to_vec();
            expected.extend(EXPECTATION_META_KEYS);
            assert_eq!(keys(map), sorted(&expected), "{ty:?}");
            for m in *matchers {
                assert!(MATCHER_KEYS.contains(m), "{m}");
            }
        }
    }

    #[test]
    fn the_output_is_stable_json() {
        let a = json();
        assert_eq!(a, json());
        assert!(a.ends_with("}\n"));
        let parsed: Value = serde_json::from_str(&a).expect("valid JSON");
        assert_eq!(parsed["title"], "infra-verify spec");
    }
}
