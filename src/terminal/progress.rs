//! The progress bar of live runs (indicatif): on stderr only, only when stderr is a terminal,
//! never with `--quiet` or when `CI` is set, and only once a run has taken [`DELAY`] (a quick
//! run shows nothing). It advances on real progress: the probe's [`Progress`] events, one step
//! per task (one service in one region, or the HTTP endpoints), naming the tasks still running.
//! Log lines are written above it ([`suspended`]); it is cleared before the report is printed.

use std::io::IsTerminal;
use std::sync::Mutex;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::probe::{Progress, Task};

/// How long a run goes before the bar appears.
pub const DELAY: Duration = Duration::from_millis(300);

/// What the observation has done so far: what the bar shows.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Tally {
    /// Tasks planned.
    pub total: usize,
    /// Tasks finished.
    pub done: usize,
    /// Resource entries of the finished tasks.
    pub resources_done: usize,
    /// Resource entries of all tasks.
    pub resources_total: usize,
    /// Labels of the tasks started and not finished, in start order.
    pub running: Vec<String>,
}

impl Tally {
    /// Every task of one observation (several environments observed at once each add theirs).
    pub fn planned(&mut self, tasks: &[Task]) {
        self.total += tasks.len();
        self.resources_total += tasks.iter().map(|t| t.resources).sum::<usize>();
    }

    /// A task started.
    pub fn started(&mut self, task: &Task) {
        self.running.push(task.label());
    }

    /// A task finished.
    pub fn finished(&mut self, task: &Task) {
        let label = task.label();
        if let Some(i) = self.running.iter().position(|l| *l == label) {
            self.running.remove(i);
        }
        self.done += 1;
        self.resources_done += task.resources;
    }

    /// The bar's message: what is still being probed, e.g. `rds@ap-northeast-2, s3 +3`.
    pub fn message(&self) -> String {
        const SHOWN: usize = 3;
        let mut text = self
            .running
            .iter()
            .take(SHOWN)
            .cloned()
            .collect::<Vec<_>>()
            .join(", ");
        if self.running.len() > SHOWN {
            text.push_str(&format!(" +{}", self.running.len() - SHOWN));
        }
        text
    }
}

/// Whether a bar may be shown: stderr is a terminal, `CI` is not set (to anything but empty),
/// and not `--quiet`.
pub fn may_show(stderr_is_terminal: bool, ci: Option<&str>, quiet: bool) -> bool {
    stderr_is_terminal && ci.is_none_or(str::is_empty) && !quiet
}

/// The bar currently on screen, if any: log lines are written above it.
static ACTIVE: Mutex<Option<ProgressBar>> = Mutex::new(None);

/// Runs `write` with the bar (if one is shown) taken off the screen meanwhile.
pub fn suspended(write: impl FnOnce()) {
    let bar = ACTIVE.lock().ok().and_then(|a| a.clone());
    match bar {
        Some(bar) if !bar.is_hidden() => bar.suspend(write),
        _ => write(),
    }
}

/// The progress bar of one observation; finish it (or drop it) before printing the report.
pub struct Bar {
    bar: ProgressBar,
    tally: Mutex<Tally>,
}

impl Bar {
    /// A bar for this process's terminal: drawn on stderr from [`DELAY`] on, when
    /// [`may_show`]; otherwise it draws nothing, ever.
    pub fn for_terminal() -> Bar {
        let ci = std::env::var("CI").ok();
        Bar::new(may_show(
            std::io::stderr().is_terminal(),
            ci.as_deref(),
            super::quiet(),
        ))
    }

    /// A bar that is drawn on stderr from [`DELAY`] on when `show`, else never.
    pub fn new(show: bool) -> Bar {
        let bar = ProgressBar::with_draw_target(Some(0), ProgressDrawTarget::hidden());
        bar.set_style(
            ProgressStyle::with_template(
                "{spinner} probing {pos}/{len} services·regions [{elapsed}] {wide_msg}",
            )
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        if show {
            if let Ok(mut active) = ACTIVE.lock() {
                *active = Some(bar.clone());
            }
            let weak = bar.downgrade();
            // The bar appears only for a run that lasts; a quick one finishes first.
            let _ = std::thread::Builder::new()
                .name("progress-delay".into())
                .spawn(move || {
                    std::thread::sleep(DELAY);
                    if let Some(bar) = weak.upgrade() {
                        if !bar.is_finished() {
                            bar.set_draw_target(ProgressDrawTarget::stderr());
                            bar.enable_steady_tick(Duration::from_millis(120));
                        }
                    }
                });
        }
        Bar {
            bar,
            tally: Mutex::new(Tally::default()),
        }
    }

    /// What has been done so far.
    pub fn tally(&self) -> Tally {
        self.tally.lock().map(|t| t.clone()).unwrap_or_default()
    }

    /// Clears the bar from the screen for good.
    pub fn finish(&self) {
        self.bar.finish_and_clear();
        if let Ok(mut active) = ACTIVE.lock() {
            *active = None;
        }
    }

    fn update(&self, change: impl FnOnce(&mut Tally)) {
        if let Ok(mut tally) = self.tally.lock() {
            change(&mut tally);
            self.bar.set_length(tally.total as u64);
            self.bar.set_position(tally.done as u64);
            self.bar.set_message(tally.message());
        }
    }
}

impl Drop for Bar {
    fn drop(&mut self) {
        self.finish();
    }
}

impl Progress for Bar {
    fn planned(&self, tasks: &[Task]) {
        self.update(|t| t.planned(tasks));
    }

    fn started(&self, task: &Task) {
        self.update(|t| t.started(task));
    }

    fn finished(&self, task: &Task, _records: usize) {
        self.update(|t| t.finished(task));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn task(service: &str, region: Option<&str>, resources: usize) -> Task {
        Task {
            service: service.into(),
            region: region.map(str::to_string),
            resources,
        }
    }

    #[test]
    fn the_tally_counts_tasks_and_names_the_running_ones() {
        let tasks = [
            task("rds", Some("ap-northeast-2"), 2),
            task("s3", Some("ap-northeast-2"), 3),
            task("acm", Some("us-east-1"), 1),
            task("http", None, 4),
            task("ecs", Some("ap-northeast-2"), 5),
        ];
        let mut t = Tally::default();
        t.planned(&tasks);
        assert_eq!((t.total, t.done, t.resources_total), (5, 0, 15));
        for task in &tasks {
            t.started(task);
        }
        assert_eq!(
            t.message(),
            "rds@ap-northeast-2, s3@ap-northeast-2, acm@us-east-1 +2"
        );
        t.finished(&tasks[1]);
        t.finished(&tasks[3]);
        assert_eq!((t.done, t.resources_done), (2, 7));
        assert_eq!(
            t.message(),
            "rds@ap-northeast-2, acm@us-east-1, ecs@ap-northeast-2"
        );
        for task in [&tasks[0], &tasks[2], &tasks[4]] {
            t.finished(task);
        }
        assert_eq!((t.done, t.total, t.resources_done), (5, 5, 15));
        assert_eq!(t.message(), "");
    }

    #[test]
    fn shown_only_on_a_terminal_outside_ci_and_not_quiet() {
        assert!(may_show(true, None, false));
        assert!(may_show(true, Some(""), false));
        assert!(!may_show(false, None, false));
        assert!(!may_show(true, Some("true"), false));
        assert!(!may_show(true, Some("1"), false));
        assert!(!may_show(true, None, true));
    }

    #[test]
    fn a_bar_off_a_terminal_counts_but_draws_nothing() {
        // As off a terminal: the bar stays hidden, its tally counts.
        let bar = Bar::new(false);
        let tasks = [task("rds", Some("us-east-1"), 1), task("http", None, 2)];
        bar.planned(&tasks);
        bar.started(&tasks[0]);
        bar.finished(&tasks[0], 1);
        std::thread::sleep(DELAY + Duration::from_millis(50));
        assert!(bar.bar.is_hidden());
        let t = bar.tally();
        assert_eq!((t.done, t.total), (1, 2));
        assert_eq!(bar.bar.position(), 1);
        assert_eq!(bar.bar.length(), Some(2));
        bar.finish();
        assert!(bar.bar.is_finished());
    }
}
