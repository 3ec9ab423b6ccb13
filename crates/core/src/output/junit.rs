use std::io::{self, Write};

use quick_junit::{NonSuccessKind, Property, TestCase, TestCaseStatus, TestSuite};

use super::Render;
use crate::evaluate::{show, show_expected, Combined, Report, Status};

/// `--format junit`: one `<testsuite>` per resource, one `<testcase>` per check. `fail` and
/// `missing` are `<failure>`s, `error` is an `<error>`. Written with quick-junit. Several
/// environments are one `<testsuites>`, each suite named `ENV: kind/id`.
pub struct Junit;

/// The suites of one report; with `prefix`, each suite's name (and class name) starts `ENV: `.
fn suites(report: &Report, prefix: Option<&str>) -> Vec<TestSuite> {
    let mut suites: Vec<TestSuite> = Vec::new();
    for c in &report.checks {
        let suite_name = match prefix {
            Some(env) => format!("{env}: {}/{}", c.kind, c.resource),
            None => format!("{}/{}", c.kind, c.resource),
        };
        if suites.last().is_none_or(|s| s.name.as_str() != suite_name) {
            suites.push(TestSuite::new(suite_name.clone()));
        }
        let status = match c.status {
            Status::Pass => TestCaseStatus::success(),
            other => {
                let kind = if other == Status::Error {
                    NonSuccessKind::Error
                } else {
                    NonSuccessKind::Failure
                };
                let mut s = TestCaseStatus::non_success(kind);
                s.set_message(c.message.clone());
                s.set_type(other.as_str());
                s.set_description(format!(
                    "check: {}\nexpected: {}\nactual: {}\n{}\nspec: {}",
                    c.id,
                    show_expected(&c.expected),
                    show(&c.actual),
                    c.message,
                    c.location
                ));
                s
            }
        };
        let mut case = TestCase::new(c.id.clone(), status);
        case.set_classname(suite_name);
        if let Some(item) = &c.item {
            case.add_property(Property::new("item", item.clone()));
        }
        for control in &c.controls {
            case.add_property(Property::new("control", control.clone()));
        }
        if let Some(suite) = suites.last_mut() {
            suite.add_test_case(case);
        }
    }
    suites
}

fn write(junit: quick_junit::Report, out: &mut dyn Write) -> io::Result<()> {
    junit.serialize(&mut *out).map_err(io::Error::other)?;
    writeln!(out)
}

impl Render for Junit {
    fn render(&self, report: &Report, out: &mut dyn Write, _color: bool) -> io::Result<()> {
        let mut junit = quick_junit::Report::new(format!("infra-verify {}", report.environment));
        junit.add_test_suites(suites(report, None));
        write(junit, out)
    }

    fn render_all(&self, all: &Combined, out: &mut dyn Write, _color: bool) -> io::Result<()> {
        let names: Vec<&str> = all
            .environments
            .iter()
            .map(|r| r.environment.as_str())
            .collect();
        let mut junit = quick_junit::Report::new(format!("infra-verify {}", names.join(", ")));
        for report in &all.environments {
            junit.add_test_suites(suites(report, Some(&report.environment)));
        }
        write(junit, out)
    }
}
