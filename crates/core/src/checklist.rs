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
    /// The environments a `verified` marker records as having ticked the line (`by a, b`), in
    /// name order; `None` when there is no such record (no marker, an `unticked` one, or one
    /// written before markers recorded environments).
    pub recorded: Option<Vec<String>>,
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
    // Lines as CommonMark counts them: a line ends at LF, CR LF or a lone CR. Ending it only at
    // LF put the marker after what Markdown reads as the following lines (found by fuzzing).
    let is_break = |c: char| c == '\n' || c == '\r';
    let start = text[..at].rfind(is_break).map_or(0, |i| i + 1);
    let end = text[at..].find(is_break).map_or(text.len(), |i| at + i);
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

/// The environments a `verified ... by a, b -->` marker records.
fn recorded_envs(marker: &str) -> Option<Vec<String>> {
    let body = marker
        .trim()
        .strip_prefix(MARKER)?
        .strip_suffix("-->")?
        .trim();
    let rest = body.strip_prefix("verified ")?;
    let (_date, by) = rest.split_once(" by ")?;
    let mut envs: Vec<String> = by.split(", ").map(|e| e.trim().to_string()).collect();
    envs.sort();
    Some(envs)
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
                    let recorded = marker
                        .as_ref()
                        .and_then(|(m, _)| recorded_envs(&text[m.clone()]));
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
                        recorded,
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
pub fn link(spec: &Spec, checklist: &Checklist) -> Result<Links, Vec<Diagnostic>> {
    let (links, diags) = link_partial(spec, checklist);
    if diags.is_empty() {
        Ok(links)
    } else {
        Err(diags)
    }
}

/// The links of the spec that resolve, and a diagnostic for each that does not (used to see
/// which lines another environment's spec links, whatever else it names).
pub fn link_partial<'a>(spec: &'a Spec, checklist: &Checklist) -> (Links, Vec<Diagnostic>) {
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
    (links, diags)
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
    /// Linked, but some of its checks could not be verified: left as it is, with the check.
    Unverified(String),
    /// Its checks pass in this run, but the specs of these other environments link it too: left
    /// as it is until a run that observes all of them (`tick ENV ENV... CHECKLIST`).
    Waiting(Vec<String>),
    /// Not linked to any check of this run, and no parent rule applies: left as it is.
    Untouched,
}

/// One environment's state on one line, for the report.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EnvState {
    /// Every check it links passes.
    Pass,
    /// A check it links fails or is missing (the check and its status).
    Fail(String),
    /// A check it links could not be verified (the check).
    Unverified(String),
    /// Its spec links the line, but it is not part of this run.
    NotInRun,
}

impl std::fmt::Display for EnvState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            EnvState::Pass => f.write_str("pass"),
            EnvState::Fail(why) => write!(f, "fail ({why})"),
            EnvState::Unverified(why) => write!(f, "unverified ({why})"),
            EnvState::NotInRun => f.write_str("not in this run"),
        }
    }
}

/// The outcome of ticking a checklist.
#[derive(Clone, Debug)]
pub struct Outcome {
    /// The new text.
    pub text: String,
    /// One action per item.
    pub actions: Vec<Action>,
    /// Per item, every environment whose spec links it and its state, by environment name.
    pub states: Vec<Vec<(String, EnvState)>>,
}

impl Outcome {
    /// Counts for the summary line.
    pub fn summary(&self, checklist: &Checklist) -> String {
        let count = |f: fn(&Action) -> bool| self.actions.iter().filter(|a| f(a)).count();
        let linked = self
            .states
            .iter()
            .filter(|s| s.iter().any(|(_, st)| *st != EnvState::NotInRun))
            .count();
        let total = checklist.items.len();
        let coverage = (linked * 100).checked_div(total).unwrap_or(0);
        let waiting = count(|a| matches!(a, Action::Waiting(_)));
        let waiting = if waiting > 0 {
            format!(", {waiting} left for a run with every environment that links them")
        } else {
            String::new()
        };
        format!(
            "{} ticked, {} unticked, {} already ticked, {} linked but failing, {} unverified{waiting}; {linked} of {total} checklist items are linked to checks ({coverage}%), {} not linked",
            count(|a| *a == Action::Tick),
            count(|a| matches!(a, Action::Untick(_))),
            count(|a| *a == Action::AlreadyTicked),
            count(|a| matches!(a, Action::Failing(_))),
            count(|a| matches!(a, Action::Unverified(_))),
            total - linked,
        )
    }

    /// One line per item a reader needs to see: ticked, unticked, linked but failing (with the
    /// failing check), linked but unverified, left for a run with every environment, and every
    /// line several environments link, with each one's state. `path:line: what: text`.
    pub fn lines(&self, checklist: &Checklist) -> Vec<String> {
        let path = checklist.path.display();
        let mut out = Vec::new();
        for ((item, action), states) in checklist.items.iter().zip(&self.actions).zip(&self.states)
        {
            let what =
                match action {
                    Action::Tick => "ticked".to_string(),
                    Action::Untick(why) => format!("unticked: {why}"),
                    Action::Failing(why) => format!("failing: {why}"),
                    Action::Unverified(why) => format!("left as it is, not verified: {why}"),
                    Action::Waiting(others) => format!(
                    "left as it is: passes here, but {} also link{} it (tick it with {} together)",
                    list_envs(others),
                    if others.len() == 1 { "s" } else { "" },
                    if others.len() == 1 { "that environment" } else { "those environments" },
                ),
                    Action::AlreadyTicked if states.len() > 1 => "already ticked".to_string(),
                    Action::AlreadyTicked | Action::Untouched => continue,
                };
            let per_env = if states.len() > 1 {
                let each: Vec<String> = states.iter().map(|(e, s)| format!("{e}: {s}")).collect();
                format!(" [{}]", each.join("; "))
            } else {
                String::new()
            };
            out.push(format!(
                "{path}:{}: {what}: {}{per_env}",
                item.line, item.text
            ));
        }
        out
    }
}

fn list_envs(envs: &[String]) -> String {
    let quoted: Vec<String> = envs.iter().map(|e| format!("`{e}`")).collect();
    quoted.join(", ")
}

/// One environment's part in a tick: its spec's links into the checklist and its verdicts.
#[derive(Clone, Copy)]
pub struct EnvRun<'a> {
    /// [`link`] of the environment's spec.
    pub links: &'a Links,
    /// Its verdicts.
    pub report: &'a Report,
}

/// The state of an item's links in one environment (`None`: it links nothing there).
fn env_state(report: &Report, links: &[(usize, Target)]) -> Option<EnvState> {
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
        return Some(EnvState::Fail(format!(
            "{} {}",
            bad.id,
            bad.status.as_str()
        )));
    }
    if let Some(err) = checks.iter().find(|c| c.status == Status::Error) {
        return Some(EnvState::Unverified(err.id.clone()));
    }
    if checks.is_empty() {
        return Some(EnvState::Unverified("no check ran".into()));
    }
    Some(EnvState::Pass)
}

/// The verdict of an item's own links, across every environment.
enum Own {
    Pass,
    Fail(String),
    Unverified(String),
    /// Passes in this run; these environments outside it link it too.
    Waiting(Vec<String>),
}

/// The combined rule: a line passes only when every linked check of every environment whose spec
/// links it passes. Any failure fails it; otherwise any check not verified leaves it unverified;
/// otherwise an environment that links it but is not in this run leaves it waiting. Environments
/// are taken in name order, so the result never depends on the order they were given in.
fn combine(states: &[(String, EnvState)]) -> Option<Own> {
    let observed: Vec<&(String, EnvState)> = states
        .iter()
        .filter(|(_, s)| *s != EnvState::NotInRun)
        .collect();
    if observed.is_empty() {
        return None;
    }
    // With one environment in play, reasons are the check alone, as they always were.
    let name = |env: &str, why: &str| {
        if states.len() > 1 {
            format!("{env}: {why}")
        } else {
            why.to_string()
        }
    };
    let fails: Vec<String> = observed
        .iter()
        .filter_map(|(e, s)| match s {
            EnvState::Fail(why) => Some(name(e, why)),
            _ => None,
        })
        .collect();
    if !fails.is_empty() {
        return Some(Own::Fail(fails.join("; ")));
    }
    let unverified: Vec<String> = observed
        .iter()
        .filter_map(|(e, s)| match s {
            EnvState::Unverified(why) => Some(name(e, why)),
            _ => None,
        })
        .collect();
    if !unverified.is_empty() {
        return Some(Own::Unverified(unverified.join("; ")));
    }
    let waiting: Vec<String> = states
        .iter()
        .filter(|(_, s)| *s == EnvState::NotInRun)
        .map(|(e, _)| e.clone())
        .collect();
    if !waiting.is_empty() {
        return Some(Own::Waiting(waiting));
    }
    Some(Own::Pass)
}

/// A comment body may not contain `--`.
fn comment_safe(s: &str) -> String {
    s.replace("--", "-")
}

/// Ticks and unticks the checklist from one environment's report. `date` goes into the markers
/// (YYYY-MM-DD).
pub fn tick(checklist: &Checklist, links: &Links, report: &Report, date: &str) -> Outcome {
    tick_envs(checklist, &[EnvRun { links, report }], &[], date)
}

/// Ticks and unticks the checklist from several environments at once: each line by the combined
/// rule over every environment whose spec links it (see [`combine`]). `elsewhere[i]` names the
/// environments outside this run whose specs also link item `i` (may be shorter than the item
/// list); such a line is never ticked by this run, only unticked when a check of the run fails.
pub fn tick_envs(
    checklist: &Checklist,
    runs: &[EnvRun<'_>],
    elsewhere: &[Vec<String>],
    date: &str,
) -> Outcome {
    let n = checklist.items.len();
    // Per item, every environment linking it and its state, by name.
    let states: Vec<Vec<(String, EnvState)>> = (0..n)
        .map(|i| {
            let mut s: Vec<(String, EnvState)> = runs
                .iter()
                .filter_map(|r| {
                    let links = r.links.get(i)?;
                    env_state(r.report, links).map(|st| (r.report.environment.clone(), st))
                })
                .collect();
            for other in elsewhere.get(i).into_iter().flatten() {
                if !s.iter().any(|(e, _)| e == other) {
                    s.push((other.clone(), EnvState::NotInRun));
                }
            }
            s.sort_by(|a, b| a.0.cmp(&b.0));
            s
        })
        .collect();
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
        // An item with no text (`- [ ]` alone) is left as it is: its marker would be the first
        // thing in the item, where `<!--` starts an HTML block and changes how the rest of the
        // list parses (found by fuzzing). Its parent then waits for it, as for any unticked
        // sub-item.
        if item.text.trim().is_empty() {
            continue;
        }
        let kids = &item.children;
        let kids_all_ticked = kids.iter().all(|&k| checked[k]);
        let kids_any_ours = kids.iter().any(|&k| ours[k]);
        let own = combine(&states[i]);
        // Linked only by environments outside this run: not this run's to decide, and no
        // parent rule either.
        let elsewhere_only = own.is_none() && !states[i].is_empty();
        let pass = match &own {
            Some(Own::Pass) => kids_all_ticked,
            None if !elsewhere_only => !kids.is_empty() && kids_all_ticked && kids_any_ours,
            _ => false,
        };
        let failing_reason = match &own {
            Some(Own::Fail(reason)) => Some(reason.clone()),
            Some(Own::Pass) if !kids_all_ticked => Some("a sub-item is not ticked".to_string()),
            None if elsewhere_only => None,
            None if !kids.is_empty() && !kids_all_ticked && kids_any_ours => {
                Some("a sub-item is not ticked".to_string())
            }
            None if !kids.is_empty() && !kids_all_ticked && ours[i] => {
                Some("a sub-item is not ticked".to_string())
            }
            _ => None,
        };
        actions[i] = match (&own, checked[i], ours[i]) {
            (Some(Own::Unverified(why)), _, _) => Action::Unverified(why.clone()),
            (Some(Own::Waiting(others)), _, _) => Action::Waiting(others.clone()),
            (_, true, _) if pass => Action::AlreadyTicked,
            (_, true, true) => match failing_reason {
                Some(reason) => {
                    checked[i] = false;
                    ours[i] = false;
                    Action::Untick(reason)
                }
                None => Action::AlreadyTicked,
            },
            (Some(Own::Fail(reason)), true, false) => {
                Action::Failing(format!("{reason} (ticked by hand: left as it is)"))
            }
            (_, true, false) => Action::Untouched,
            (_, false, _) if pass => {
                checked[i] = true;
                ours[i] = true;
                Action::Tick
            }
            (_, false, _) => match failing_reason {
                Some(reason) if own.is_some() || kids_any_ours => Action::Failing(reason),
                _ => Action::Untouched,
            },
        };
    }
    // Edits, applied from the end of the file so earlier offsets stay valid.
    let mut text = checklist.text.clone();
    for i in (0..n).rev() {
        let item = &checklist.items[i];
        // The environments that decided the line, recorded in the marker.
        let deciders: Vec<String> = states[i]
            .iter()
            .filter(|(_, s)| *s != EnvState::NotInRun)
            .map(|(e, _)| comment_safe(e))
            .collect();
        let by = if deciders.is_empty() {
            String::new()
        } else {
            format!(" by {}", deciders.join(", "))
        };
        let (check, comment) = match &actions[i] {
            Action::Tick => (Some("x"), format!(" {MARKER} verified {date}{by} -->")),
            Action::Untick(reason) => (
                Some(" "),
                format!(" {MARKER} unticked {date}, {} -->", comment_safe(reason)),
            ),
            // A tick whose record names other environments than the ones that now decide it
            // (an environment stopped or started linking the line): the record is renewed.
            Action::AlreadyTicked
                if !deciders.is_empty()
                    && item.recorded.as_ref().is_some_and(|envs| *envs != deciders) =>
            {
                (None, format!(" {MARKER} verified {date}{by} -->"))
            }
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
        if let Some(check) = check {
            text.replace_range(item.check_byte..item.check_byte + 1, check);
        }
    }
    Outcome {
        text,
        actions,
        states,
    }
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
