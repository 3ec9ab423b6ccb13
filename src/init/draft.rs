//! The spec being drafted, and its rendering as commented YAML. Both `init` paths (from the
//! account, from a checklist) build a [`Draft`]; only [`Draft::render`] writes YAML.

use serde_json::Value as J;

use super::yaml_out::{comment_text, flow, string};

/// One expectation's matcher, as written.
#[derive(Clone, Debug, PartialEq)]
pub enum Match {
    /// `attr: value` (or `{ equals: value }` where a bare value would not do).
    Equals(J),
    /// `{ at_least: n }`.
    AtLeast(J),
    /// `{ at_most: n }`.
    AtMost(J),
    /// `{ one_of: [..] }`.
    OneOf(Vec<J>),
    /// `{ contains: x }`.
    Contains(J),
    /// `{ matches: regex }`.
    Matches(String),
}

/// One expectation.
#[derive(Clone, Debug, PartialEq)]
pub struct Expect {
    /// The attribute.
    pub attribute: &'static str,
    /// How it is checked.
    pub matcher: Match,
    /// The checklist item this check ticks.
    pub item: Option<String>,
    /// A comment at the end of its line.
    pub comment: Option<String>,
}

impl Expect {
    /// An expectation without item or comment.
    pub fn new(attribute: &'static str, matcher: Match) -> Expect {
        Expect {
            attribute,
            matcher,
            item: None,
            comment: None,
        }
    }

    fn value(&self) -> String {
        let mut parts = Vec::new();
        let (key, v) = match &self.matcher {
            Match::Equals(v) => ("equals", flow(v)),
            Match::AtLeast(v) => ("at_least", flow(v)),
            Match::AtMost(v) => ("at_most", flow(v)),
            Match::OneOf(vs) => ("one_of", flow(&J::Array(vs.clone()))),
            Match::Contains(v) => ("contains", flow(v)),
            Match::Matches(re) => ("matches", string(re)),
        };
        // A bare mapping would be read as matchers: maps are always `{ equals: ... }`.
        let bare = matches!(&self.matcher, Match::Equals(v) if !v.is_object());
        if bare && self.item.is_none() {
            return v;
        }
        parts.push(format!("{key}: {v}"));
        if let Some(item) = &self.item {
            parts.push(format!("item: {}", string(item)));
        }
        format!("{{ {} }}", parts.join(", "))
    }
}

/// One resource entry.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Entry {
    /// The kind.
    pub kind: &'static str,
    /// Its id (none with `select`).
    pub id: Option<String>,
    /// A comment at the end of the `id:` line.
    pub id_comment: Option<String>,
    /// `select:` (a mapping), instead of an id.
    pub select: Option<J>,
    /// The checklist item every check of the resource ticks.
    pub item: Option<String>,
    /// Comment lines written above the entry.
    pub notes: Vec<String>,
    /// Expectations, in order.
    pub expect: Vec<Expect>,
    /// Comment lines written at the end of `expect:` (what could not be read or placed).
    pub todos: Vec<String>,
    /// The whole entry is written commented out (to uncomment by hand).
    pub commented: bool,
}

/// A group of entries under a comment line.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Group {
    /// Comment lines above the group.
    pub title: Vec<String>,
    /// The entries.
    pub entries: Vec<Entry>,
}

/// A spec being drafted.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Draft {
    /// Comment lines at the top.
    pub header: Vec<String>,
    /// `environment:`.
    pub environment: String,
    /// `aws:` fields in order (`region`, `account_id`), with a comment each.
    pub aws: Vec<(&'static str, J, Option<String>)>,
    /// Comment lines in place of `aws:` when it has no fields.
    pub aws_todo: Vec<String>,
    /// The resources, grouped.
    pub groups: Vec<Group>,
    /// Comment lines at the end (lines that could not be placed).
    pub footer: Vec<String>,
}

fn push_comment(out: &mut String, indent: &str, text: &str) {
    let text = comment_text(text);
    if text.is_empty() {
        out.push_str(&format!("{indent}#\n"));
    } else {
        out.push_str(&format!("{indent}# {text}\n"));
    }
}

fn with_comment(line: String, comment: Option<&String>) -> String {
    match comment {
        Some(c) => format!("{line}   # {}", comment_text(c)),
        None => line,
    }
}

impl Entry {
    /// The entry's lines, without indentation, the first starting with `- `.
    fn lines(&self) -> Vec<String> {
        let mut lines = vec![format!("- kind: {}", self.kind)];
        if let Some(id) = &self.id {
            lines.push(with_comment(
                format!("  id: {}", string(id)),
                self.id_comment.as_ref(),
            ));
        }
        if let Some(select) = &self.select {
            lines.push(with_comment(
                format!("  select: {}", flow(select)),
                self.id_comment.as_ref(),
            ));
        }
        if let Some(item) = &self.item {
            lines.push(format!("  item: {}", string(item)));
        }
        if !self.expect.is_empty() || !self.todos.is_empty() {
            lines.push("  expect:".into());
            for e in &self.expect {
                lines.push(with_comment(
                    format!("    {}: {}", e.attribute, e.value()),
                    e.comment.as_ref(),
                ));
            }
            for t in &self.todos {
                lines.push(format!("    # {}", comment_text(t)));
            }
        }
        lines
    }
}

impl Draft {
    /// The spec as YAML text.
    pub fn render(&self) -> String {
        let mut out = String::new();
        for h in &self.header {
            push_comment(&mut out, "", h);
        }
        out.push_str("version: 1\n");
        out.push_str(&format!("environment: {}\n", string(&self.environment)));
        if self.aws.is_empty() {
            for t in &self.aws_todo {
                push_comment(&mut out, "", t);
            }
        } else {
            out.push_str("aws:\n");
            for (key, value, comment) in &self.aws {
                out.push_str(&with_comment(
                    format!("  {key}: {}", flow(value)),
                    comment.as_ref(),
                ));
                out.push('\n');
            }
        }
        let live = self
            .groups
            .iter()
            .flat_map(|g| &g.entries)
            .any(|e| !e.commented);
        out.push_str(if live {
            "resources:\n"
        } else {
            "resources: []\n"
        });
        for (i, group) in self.groups.iter().enumerate() {
            if i > 0 {
                out.push('\n');
            }
            for t in &group.title {
                push_comment(&mut out, "  ", t);
            }
            for entry in &group.entries {
                for n in &entry.notes {
                    push_comment(&mut out, "  ", n);
                }
                for line in entry.lines() {
                    if entry.commented {
                        out.push_str(&format!("  # {line}\n"));
                    } else {
                        out.push_str(&format!("  {line}\n"));
                    }
                }
            }
        }
        if !self.footer.is_empty() {
            out.push('\n');
            for f in &self.footer {
                push_comment(&mut out, "", f);
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn draft() -> Draft {
        Draft {
            header: vec!["drafted".into()],
            environment: "staging".into(),
            aws: vec![
                ("region", json!("ap-northeast-2"), None),
                (
                    "account_id",
                    json!("123456789012"),
                    Some("the caller's".into()),
                ),
            ],
            groups: vec![Group {
                title: vec!["RDS".into()],
                entries: vec![
                    Entry {
                        kind: "rds_instance",
                        id: Some("db".into()),
                        item: Some("Staging RDS instance created".into()),
                        expect: vec![
                            Expect::new("engine_version", Match::Equals(json!("16.4"))),
                            Expect {
                                comment: Some(
                                    "recommended: at least 7 (backups kept 1 day)".into(),
                                ),
                                ..Expect::new("backup_retention_period", Match::Equals(json!(1)))
                            },
                            Expect {
                                item: Some("storage: 20 GB gp3".into()),
                                ..Expect::new("allocated_storage", Match::AtLeast(json!(20)))
                            },
                            Expect::new("tags", Match::Contains(json!({"Environment": "staging"}))),
                        ],
                        todos: vec!["TODO: iops not read".into()],
                        ..Entry::default()
                    },
                    Entry {
                        kind: "ecr_repository",
                        id: Some("other-team".into()),
                        commented: true,
                        expect: vec![Expect::new("scan_on_push", Match::Equals(json!(true)))],
                        ..Entry::default()
                    },
                ],
            }],
            footer: vec!["TODO: \"a line\" (line 3)".into()],
            ..Draft::default()
        }
    }

    #[test]
    fn renders_values_matchers_items_and_comments() {
        let text = draft().render();
        assert_eq!(
            text,
            "# drafted\nversion: 1\nenvironment: staging\naws:\n  region: ap-northeast-2\n  account_id: \"123456789012\"   # the caller's\nresources:\n  # RDS\n  - kind: rds_instance\n    id: db\n    item: \"Staging RDS instance created\"\n    expect:\n      engine_version: \"16.4\"\n      backup_retention_period: 1   # recommended: at least 7 (backups kept 1 day)\n      allocated_storage: { at_least: 20, item: \"storage: 20 GB gp3\" }\n      tags: { contains: { Environment: staging } }\n      # TODO: iops not read\n  # - kind: ecr_repository\n  #   id: other-team\n  #   expect:\n  #     scan_on_push: true\n\n# TODO: \"a line\" (line 3)\n"
        );
        let spec = crate::spec::from_str(std::path::Path::new("d.yaml"), &text)
            .unwrap_or_else(|e| panic!("{e}\n{text}"));
        assert_eq!(
            spec.resources.len(),
            1,
            "the commented entry is not a resource"
        );
        let e = &spec.resources[0].expectations;
        assert_eq!(e[0].expected, json!("16.4"));
        assert_eq!(e[2].item.as_deref(), Some("storage: 20 GB gp3"));
    }

    #[test]
    fn a_draft_of_only_commented_entries_has_an_empty_resource_list() {
        let mut d = draft();
        d.groups[0].entries.remove(0);
        let text = d.render();
        assert!(text.contains("resources: []\n"), "{text}");
        let spec = crate::spec::from_str(std::path::Path::new("d.yaml"), &text).expect("valid");
        assert!(spec.resources.is_empty());
    }
}
