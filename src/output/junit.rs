use std::io::{self, Write};

use quick_junit::{NonSuccessKind, Property, TestCase, TestCaseStatus, TestSuite};

use super::Render;
use crate::evaluate::{show, show_expected, Report, Status};

/// `--format junit`: one `<testsuite>` per resource, one `<testcase>` per check. `fail` and
/// `missing` are `<failure>`s, `error` is an `<error>`. Written with quick-junit.
pub struct Junit;

impl Render for Junit {
    fn render(&self, report: &Report, out: &mut dyn Write, _color: bool) -> io::Result<()> {
        let mut junit = quick_junit::Report::new(format!("infra-verify {}", report.environment));
        let mut suites: Vec<TestSuite> = Vec::new();
        for c in &report.checks {
            let suite_name = format!("{}/{}", c.kind, c.resource);
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
                        "check: {}\nexpected: {}\nactual: {}\n{}",
                        c.id,
                        show_expected(&c.expected),
                        show(&c.actual),
                        c.message
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
        junit.add_test_suites(suites);
        junit.serialize(&mut *out).map_err(io::Error::other)?;
        writeln!(out)
    }
}
