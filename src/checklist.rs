//! Markdown launch checklists: finding the real task-list items (pulldown-cmark with source
//! offsets), resolving the spec's `item:` links to them, and ticking or unticking them from the
//! verdicts by editing only the checkbox byte and infra-verify's own marker on that line.
//!
//! How infra-verify knows its own ticks: every item it ticks gets a trailing HTML comment
//! `<!-- infra-verify: verified YYYY-MM-DD -->` (invisible when rendered); an item it unticks gets
//! `<!-- infra-verify: unticked YYYY-MM-DD, <check id> failed -->`. A tick without that marker
//! was made by a person, and is never removed.

use std::ops::Range;
use std::path::{Path, PathBuf};

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};

use crate::evaluate::{Report, Status};
use crate::spec::{Diagnostic, Spec};

/// The start of infra-verify's marker comment.
pub const MARKER: &str = "<!-- infra-verify:";

/// Largest checklist accepted, in bytes.
pub const MAX_CHECKLIST_BYTES: usize = 4 * 1024 * 1024;

/// What infra-verify's marker on an item says.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mark {
    /// infra-verify ticked it.
    Verified,
    /// infra-verify unticked it.
    Unticked,
}

/// One task-list item (`- [ ]`, `* [x]`, `1. [ ]`, any indentation).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Item {
    /// 1-based line of the checkbox.
    pub line: usize,
    /// Whether the box is ticked.
    pub checked: bool,
    /// Byte offset of the character between the brackets.
    pub check_byte: usize,
    /// The item's text on its first line, without infra-verify's marker.
    pub text: String,
    /// [`normalize`]d text.
    pub normalized: String,
    /// Normalised texts of the headings and parent items above it, outermost first.
    pub context: Vec<String>,
    /// The closest enclosing task-list item.
    pub parent: Option<usize>,
    /// Task-list items directly inside it.
    pub children: Vec<usize>,
    /// Byte range of the first line, without its line ending.
    pub line_range: Range<usize>,
    /// infra-verify's marker on the line: its byte range (with the space before it) and meaning.
    pub marker: Option<(Range<usize>, Mark)>,
}

/// Why a checklist could not be used.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ChecklistError {
    /// It could not be read.
    #[error("cannot read checklist {}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// It is not UTF-8 text, or too large.
    #[error("{}: {message}", path.display())]
    Invalid {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
}

/// A parsed checklist.
#[derive(Clone, Debug)]
pub struct Checklist {
    /// Where it was read from.
    pub path: PathBuf,
    /// Its text, exactly as read.
    pub text: String,
    /// Its task-list items, in document order.
    pub items: Vec<Item>,
}

/// Lower-cased text with whitespace collapsed, emphasis and code markers and trailing
/// punctuation removed, for matching references to items.
pub fn normalize(text: &str) -> String {
    let without_marker = match text.find(MARKER) {
        Some(i) => &text[..i],
        None => text,
    };
    let plain: String = without_marker
        .chars()
        .filter(|c| !matches!(c, '*' | '_' | '`' | '~'))
        .collect();
    let collapsed = plain.split_whitespace().collect::<Vec<_>>().join(" ");
    collapsed
        .trim_end_matches(['.', ',', ':', ';', '!', '?', '。', '、', '…'])
        .trim()
        .to_lowercase()
}

fn line_bounds(text: &str, at: usize) -> Range<usize> {
    let start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    let mut end = text[at..].find('\n').map_or(text.len(), |i| at + i);
    if end > start && text.as_bytes()[end - 1] == b'\r' {
        end -= 1;
    }
    start..end
}

/// infra-verify's marker in a line (absolute byte range, including one space before it).
fn find_marker(text: &str, line: &Range<usize>) -> Option<(Range<usize>, Mark)> {
    let l = &text[line.clone()];
    let start = l.find(MARKER)?;
    let end = start + l[start..].find("-->")? + 3;
    let mark = if l[start..end].contains("unticked") {
        Mark::Unticked
    } else {
        Mark::Verified
    };
    let with_space = if start > 0 && l.as_bytes()[start - 1] == b' ' {
        start - 1
    } else {
        start
    };
    Some((line.start + with_space..line.start + end, mark))
}

impl Checklist {
    /// Reads and parses a checklist file.
    pub fn load(path: &Path) -> Result<Checklist, ChecklistError> {
        let bytes = std::fs::read(path).map_err(|source| ChecklistError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        if bytes.len() > MAX_CHECKLIST_BYTES {
            return Err(ChecklistError::Invalid {
                path: path.to_path_buf(),
                message: format!(
                    "larger than the {MAX_CHECKLIST_BYTES} byte limit for a checklist"
                ),
            });
        }
        let text = String::from_utf8(bytes).map_err(|e| ChecklistError::Invalid {
            path: path.to_path_buf(),
            message: format!(
                "not UTF-8 text (invalid byte at offset {})",
                e.utf8_error().valid_up_to()
            ),
        })?;
        Ok(Checklist::parse(path, text))
    }

    /// Parses checklist text.
    pub fn parse(path: &Path, text: String) -> Checklist {
        let options = Options::ENABLE_TASKLISTS
            | Options::ENABLE_TABLES
            | Options::ENABLE_STRIKETHROUGH
            | Options::ENABLE_YAML_STYLE_METADATA_BLOCKS
            | Options::ENABLE_FOOTNOTES;
        let mut items: Vec<Item> = Vec::new();
        // Open list items: the task item each one is, if any.
        let mut open: Vec<Option<usize>> = Vec::new();
        // Headings in force: (level, normalised text).
        let mut headings: Vec<(usize, String)> = Vec::new();
        let mut heading: Option<(usize, String)> = None;
        for (event, range) in Parser::new_ext(&text, options).into_offset_iter() {
            match event {
                Event::Start(Tag::Heading { level, .. }) => {
                    heading = Some((level as usize, String::new()))
                }
                Event::End(TagEnd::Heading(_)) => {
                    if let Some((level, t)) = heading.take() {
                        headings.retain(|(l, _)| *l < level);
                        headings.push((level, normalize(&t)));
                    }
                }
                Event::Text(t) | Event::Code(t) => {
                    if let Some((_, h)) = &mut heading {
                        h.push_str(&t);
                    }
                }
                Event::Start(Tag::Item) => open.push(None),
                Event::End(TagEnd::Item) => {
                    open.pop();
                }
                Event::TaskListMarker(checked) => {
                    if text.as_bytes().get(range.start) != Some(&b'[') {
                        continue;
                    }
                    let check_byte = range.start + 1;
                    let line_range = line_bounds(&text, range.start);
                    let marker = find_marker(&text, &line_range);
                    let text_end = marker.as_ref().map_or(line_range.end, |(m, _)| m.start);
                    let own = text[range.end.min(text_end)..text_end].trim().to_string();
                    let parent = open.iter().rev().skip(1).find_map(|o| *o);
                    let mut context: Vec<String> =
                        headings.iter().map(|(_, h)| h.clone()).collect();
                    let mut ancestors = Vec::new();
                    let mut p = parent;
                    while let Some(i) = p {
                        ancestors.push(items[i].normalized.clone());
                        p = items[i].parent;
                    }
                    context.extend(ancestors.into_iter().rev());
                    let index = items.len();
                    if let Some(p) = parent {
                        items[p].children.push(index);
                    }
                    if let Some(top) = open.last_mut() {
                        *top = Some(index);
                    }
                    items.push(Item {
                        line: text[..range.start].matches('\n').count() + 1,
                        checked,
                        check_byte,
                        normalized: normalize(&own),
                        text: own,
                        context,
                        parent,
                        children: Vec::new(),
                        line_range,
                        marker,
                    });
                }
                _ => {}
            }
        }
        Checklist {
            path: path.to_path_buf(),
            text,
            items,
        }
    }

    /// The one item a reference names: `text`, or `heading or parent > ... > text`.
    ///
    /// A line's whole text always names it as itself first, so an item written with ` > ` in
    /// it ("CPU 사용률 > 80%") is linked by its text. Otherwise the reference is split at ` > `
    /// into headings or parents and the item's text; a ` > ` that belongs to a part is written
    /// `\>` ("Monitoring > CPU 사용률 \> 80%"), and when the split names nothing, trailing parts
    /// are tried as one item text ("Monitoring > CPU 사용률 > 80%").
    pub fn resolve(&self, reference: &str) -> Result<usize, String> {
        let literal = normalize(&unescape(reference));
        let whole: Vec<usize> = (0..self.items.len())
            .filter(|&i| self.items[i].normalized == literal)
            .collect();
        if let [one] = whole.as_slice() {
            return Ok(*one);
        }
        let parts: Vec<String> = split_reference(reference)
            .iter()
            .map(|p| normalize(&unescape(p)))
            .collect();
        if parts.is_empty() || parts.iter().all(String::is_empty) {
            return Err("empty checklist reference".into());
        }
        let matching = |path: &[String], last: &str| -> Vec<usize> {
            (0..self.items.len())
                .filter(|&i| self.items[i].normalized == last)
                .filter(|&i| {
                    // Each path segment names a heading or parent item, outermost first.
                    let mut context = self.items[i].context.iter();
                    path.iter()
                        .all(|seg| context.any(|c| c == seg || c.contains(seg.as_str())))
                })
                .collect()
        };
        // Every separator a path separator; then fewer and fewer, the rest one item text.
        let split_at = parts.len() - 1;
        let candidates = matching(&parts[..split_at], &parts[split_at]);
        if candidates.len() != 1 {
            for at in (1..split_at).rev() {
                let last = parts[at..].join(" > ");
                if let [one] = matching(&parts[..at], &last).as_slice() {
                    return Ok(*one);
                }
            }
        }
        // A repeated line named by its text alone: the ambiguity is the whole text's.
        let (candidates, last, named) = if whole.len() > 1 && candidates.len() != 1 {
            (whole, &literal, escape_part(&unescape(reference)))
        } else {
            let named = split_reference(reference)
                .last()
                .copied()
                .unwrap_or(reference)
                .to_string();
            (candidates, &parts[split_at], named)
        };
        let file = self.path.display();
        match candidates.as_slice() {
            [one] => Ok(*one),
            [] => {
                let hint = crate::spec::did_you_mean(
                    last,
                    self.items.iter().map(|i| i.normalized.as_str()),
                )
                .and_then(|n| self.items.iter().find(|i| i.normalized == n))
                .map(|i| format!("; did you mean \"{}\" (line {})?", i.text, i.line))
                .unwrap_or_default();
                Err(format!("no item of {file} matches \"{reference}\"{hint}"))
            }
            many => {
                let listed: Vec<String> = many
                    .iter()
                    .map(|&i| {
                        let it = &self.items[i];
                        let place = it
                            .context
                            .last()
                            .map(|c| format!(" under \"{c}\""))
                            .unwrap_or_default();
                        format!("line {}{place}", it.line)
                    })
                    .collect();
                Err(format!(
                    "\"{reference}\" matches {} items of {file}: {}; name a heading or parent item too, as \"<heading> > {}\"",
                    many.len(),
                    listed.join(", "),
                    named
                ))
            }
        }
    }
}

/// The parts of a reference between its path separators: ` > ` not written `\>`.
fn split_reference(reference: &str) -> Vec<&str> {
    // ` \> ` has no ` > ` in it: an escaped separator is never split at.
    reference.split(" > ").collect()
}

/// A reference part as the item text it names: `\>` is `>`.
fn unescape(part: &str) -> String {
    part.replace("\\>", ">")
}

/// A part of a reference written so that its own ` > ` is not a path separator.
pub fn escape_part(part: &str) -> String {
    part.replace(" > ", " \\> ")
}

/// What an `item:` link ticks on, within one resource of the spec.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target {
    /// Every check of the resource (`item:` on the resource entry).
    Resource,
    /// One expectation's check (`item:` in the expectation).
    Expectation(usize),
    /// The existence (or count) check alone (`exists: { item: ... }`).
    Exists,
}

/// The spec's links resolved against a checklist: for each item, the (resource, target) pairs
/// linked to it.
pub type Links = Vec<Vec<(usize, Target)>>;

/// Resolves every `item:` of the spec; every link that names no item or several is a diagnostic
/// at the `item:` in the spec.
pub fn link<'a>(spec: &'a Spec, checklist: &Checklist) -> Result<Links, Vec<Diagnostic>> {
    let mut links: Links = vec![Vec::new(); checklist.items.len()];
    let mut diags = Vec::new();
    for (ri, r) in spec.resources.iter().enumerate() {
        // Every line an `item:` names: its first and the rest of a list.
        let more = |items: &'a [(String, crate::spec::Origin)], target: Target| {
            items
                .iter()
                .map(move |(text, at)| (Some(text.as_str()), Some(at), target))
        };
        let refs = std::iter::once((r.item.as_deref(), r.item_origin.as_ref(), Target::Resource))
            .chain(more(&r.more_items, Target::Resource))
            .chain(more(&r.exists_items, Target::Exists))
            .chain(r.expectations.iter().enumerate().flat_map(|(ei, e)| {
                std::iter::once((
                    e.item.as_deref(),
                    e.item_origin.as_ref(),
                    Target::Expectation(ei),
                ))
                .chain(more(&e.more_items, Target::Expectation(ei)))
            }));
        for (reference, origin, target) in refs {
            let Some(reference) = reference else { continue };
            match checklist.resolve(reference) {
                Ok(i) => links[i].push((ri, target)),
                Err(message) => diags.push(Diagnostic {
                    file: origin.map_or_else(|| spec.path.clone(), |o| o.file.to_path_buf()),
                    pos: origin.map(|o| o.pos),
                    message,
                }),
            }
        }
    }
    if diags.is_empty() {
        Ok(links)
    } else {
        Err(diags)
    }
}

/// What happens to one item.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Action {
    /// Ticked now.
    Tick,
    /// Unticked now (it was infra-verify's tick), with the reason.
    Untick(String),
    /// Linked, passing, and already ticked.
    AlreadyTicked,
    /// Linked and failing; stays unticked (or stays ticked by hand), with the reason.
    Failing(String),
    /// Linked, but some of its checks could not be verified: left as it is.
    Unverified,
    /// Not linked to any check, and no parent rule applies: left as it is.
    Untouched,
}

/// The outcome of ticking a checklist.
#[derive(Clone, Debug)]
pub struct Outcome {
    /// The new text.
    pub text: String,
    /// One action per item.
    pub actions: Vec<Action>,
}

impl Outcome {
    /// Counts for the summary line.
    pub fn summary(&self, checklist: &Checklist, links: &Links) -> String {
        let count = |f: fn(&Action) -> bool| self.actions.iter().filter(|a| f(a)).count();
        let linked = links.iter().filter(|l| !l.is_empty()).count();
        let total = checklist.items.len();
        let coverage = (linked * 100).checked_div(total).unwrap_or(0);
        format!(
            "{} ticked, {} unticked, {} already ticked, {} linked but failing, {} unverified; {linked} of {total} checklist items are linked to checks ({coverage}%), {} not linked",
            count(|a| *a == Action::Tick),
            count(|a| matches!(a, Action::Untick(_))),
            count(|a| *a == Action::AlreadyTicked),
            count(|a| matches!(a, Action::Failing(_))),
            count(|a| *a == Action::Unverified),
            total - linked,
        )
    }
}

/// The verdict of an item's own links.
enum Own {
    Pass,
    Fail(String),
    Unverified,
}

fn own_verdict(report: &Report, links: &[(usize, Target)]) -> Option<Own> {
    if links.is_empty() {
        return None;
    }
    let checks: Vec<_> = report
        .checks
        .iter()
        .filter(|c| {
            links.iter().any(|(r, target)| {
                c.source.0 == *r
                    && match target {
                        Target::Resource => true,
                        Target::Expectation(e) => c.source.1 == Some(*e),
                        Target::Exists => c.source.1.is_none(),
                    }
            })
        })
        .collect();
    if let Some(bad) = checks
        .iter()
        .find(|c| matches!(c.status, Status::Fail | Status::Missing))
    {
        return Some(Own::Fail(format!("{} {}", bad.id, bad.status.as_str())));
    }
    if checks.is_empty() || checks.iter().any(|c| c.status == Status::Error) {
        return Some(Own::Unverified);
    }
    Some(Own::Pass)
}

/// A comment body may not contain `--`.
fn comment_safe(s: &str) -> String {
    s.replace("--", "-")
}

/// Ticks and unticks the checklist from the report. `date` goes into the markers (YYYY-MM-DD).
pub fn tick(checklist: &Checklist, links: &Links, report: &Report, date: &str) -> Outcome {
    let n = checklist.items.len();
    let mut checked: Vec<bool> = checklist.items.iter().map(|i| i.checked).collect();
    // Whether the item is ticked by infra-verify after this run.
    let mut ours: Vec<bool> = checklist
        .items
        .iter()
        .map(|i| i.checked && matches!(i.marker, Some((_, Mark::Verified))))
        .collect();
    let mut actions = vec![Action::Untouched; n];
    // Children come after their parent in the document: deciding from the last item backwards
    // settles every child before its parent.
    for i in (0..n).rev() {
        let item = &checklist.items[i];
        let kids = &item.children;
        let kids_all_ticked = kids.iter().all(|&k| checked[k]);
        let kids_any_ours = kids.iter().any(|&k| ours[k]);
        let own = own_verdict(report, &links[i]);
        let pass = match &own {
            Some(Own::Pass) => kids_all_ticked,
            None => !kids.is_empty() && kids_all_ticked && kids_any_ours,
            _ => false,
        };
        let failing_reason = match &own {
            Some(Own::Fail(reason)) => Some(reason.clone()),
            Some(Own::Pass) if !kids_all_ticked => Some("a sub-item is not ticked".to_string()),
            None if !kids.is_empty() && !kids_all_ticked && kids_any_ours => {
                Some("a sub-item is not ticked".to_string())
            }
            None if !kids.is_empty() && !kids_all_ticked && ours[i] => {
                Some("a sub-item is not ticked".to_string())
            }
            _ => None,
        };
        actions[i] = match (checked[i], ours[i]) {
            (true, _) if pass => Action::AlreadyTicked,
            (true, true) => match (&own, failing_reason) {
                (Some(Own::Unverified), _) => Action::Unverified,
                (_, Some(reason)) => {
                    checked[i] = false;
                    ours[i] = false;
                    Action::Untick(reason)
                }
                _ => Action::AlreadyTicked,
            },
            (true, false) => match (&own, failing_reason) {
                (Some(Own::Fail(reason)), _) => {
                    Action::Failing(format!("{reason} (ticked by hand: left as it is)"))
                }
                (Some(Own::Unverified), _) => Action::Unverified,
                _ => Action::Untouched,
            },
            (false, _) if pass => {
                checked[i] = true;
                ours[i] = true;
                Action::Tick
            }
            (false, _) => match (&own, failing_reason) {
                (Some(Own::Unverified), _) => Action::Unverified,
                (_, Some(reason)) if own.is_some() || kids_any_ours => Action::Failing(reason),
                _ => Action::Untouched,
            },
        };
    }
    // Edits, applied from the end of the file so earlier offsets stay valid.
    let mut text = checklist.text.clone();
    for i in (0..n).rev() {
        let item = &checklist.items[i];
        let (check, comment) = match &actions[i] {
            Action::Tick => ("x", format!(" {MARKER} verified {date} -->")),
            Action::Untick(reason) => (
                " ",
                format!(" {MARKER} unticked {date}, {} -->", comment_safe(reason)),
            ),
            _ => continue,
        };
        // The marker goes at the end of the line's text, before any trailing whitespace.
        let insert: Range<usize> = match &item.marker {
            Some((range, _)) => range.clone(),
            None => {
                let line = &checklist.text[item.line_range.clone()];
                let end = item.line_range.start + line.trim_end().len();
                end..end
            }
        };
        text.replace_range(insert, &comment);
        text.replace_range(item.check_byte..item.check_byte + 1, check);
    }
    Outcome { text, actions }
}

/// A unified diff between two versions of a file.
pub fn diff(path: &Path, old: &str, new: &str) -> String {
    let name = path.display().to_string();
    similar::TextDiff::from_lines(old, new)
        .unified_diff()
        .context_radius(1)
        .header(&name, &name)
        .to_string()
}

#[cfg(test)]
#[path = "checklist_tests.rs"]
mod tests;
