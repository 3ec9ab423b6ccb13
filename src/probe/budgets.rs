//! AWS Budgets (global; every read is the IAM action `budgets:ViewBudget`). One paginated
//! DescribeBudgets of the credentials' account decides which budgets exist and serves their
//! limits and spend; DescribeNotificationsForBudget (all pages) is called per named budget only
//! when `notifications` or `notification_count` is checked. Subscribers (email addresses, SNS
//! topics) are never read.

use std::collections::BTreeMap;

use aws_sdk_budgets::types::{Budget, Notification};
use aws_sdk_budgets::Client;
use futures::stream::{self, StreamExt};
use serde_json::{json, Value};

use super::{all_errors, by_id, collect_pages, from_listing, of_kind};
use crate::aws::Connection;
use crate::snapshot::{Observation, ResourceRecord};
use crate::spec::Resource;

const VIEW: &str = "budgets:ViewBudget";

/// The attributes read from DescribeNotificationsForBudget (the same IAM action as the list, so
/// the plan cannot tell them apart: the probe looks at the expectations).
const NOTIFICATION_ATTRIBUTES: &[&str] = &["notifications", "notification_count"];

fn checks_notifications(r: &Resource) -> bool {
    r.expectations
        .iter()
        .any(|e| NOTIFICATION_ATTRIBUTES.contains(&e.attribute.name))
}

/// A spend amount as a number (AWS sends it as a decimal string); null when it is not one.
fn amount(spend: Option<&aws_sdk_budgets::types::Spend>) -> Value {
    json!(spend.and_then(|s| s.amount().trim().parse::<f64>().ok()))
}

/// Observes the named budgets.
pub async fn observe(conn: &Connection, resources: &[&Resource]) -> Vec<ResourceRecord> {
    let named = of_kind(resources, "budget");
    if named.is_empty() {
        return Vec::new();
    }
    let Some(account) = conn.account.get().cloned() else {
        return all_errors(
            &named,
            "the account id is not known (sts:GetCallerIdentity was not answered), and Budgets needs it",
        );
    };
    let client = crate::client!(aws_sdk_budgets, conn);
    let listed = collect_pages(
        client
            .describe_budgets()
            .account_id(&account)
            .into_paginator()
            .send(),
        VIEW,
        |page| page.budgets.unwrap_or_default(),
    )
    .await;
    let budgets = match listed {
        Ok(listed) => by_id(listed, |b: &Budget| Some(b.budget_name().to_string())),
        Err(e) => return all_errors(&named, &e),
    };
    let records = from_listing(&named, "budget", &budgets, budget_attributes);
    let (client, account, named) = (&client, account.as_str(), &named);
    stream::iter(records)
        .map(|mut rec| async move {
            let wants = named
                .iter()
                .any(|r| r.id == rec.id && checks_notifications(r));
            if let Observation::Present { attributes, errors } = &mut rec.observation {
                if wants {
                    match notifications(client, account, &rec.id).await {
                        Ok(list) => attributes.extend(notification_attributes(&list)),
                        Err(e) => {
                            for name in NOTIFICATION_ATTRIBUTES {
                                errors.insert((*name).to_string(), e.clone());
                            }
                        }
                    }
                }
            }
            rec
        })
        .buffered(conn.max_concurrency)
        .collect()
        .await
}

async fn notifications(
    client: &Client,
    account: &str,
    budget: &str,
) -> Result<Vec<Notification>, String> {
    collect_pages(
        client
            .describe_notifications_for_budget()
            .account_id(account)
            .budget_name(budget)
            .into_paginator()
            .send(),
        VIEW,
        |page| page.notifications.unwrap_or_default(),
    )
    .await
}

/// The catalog's `budget` attributes DescribeBudgets reports.
pub fn budget_attributes(b: &Budget) -> BTreeMap<String, Value> {
    let spend = b.calculated_spend();
    BTreeMap::from([
        ("budget_type".to_string(), json!(b.budget_type().as_str())),
        ("time_unit".to_string(), json!(b.time_unit().as_str())),
        ("limit_amount".to_string(), amount(b.budget_limit())),
        (
            "limit_unit".to_string(),
            json!(b.budget_limit().map(|l| l.unit())),
        ),
        (
            "actual_spend".to_string(),
            amount(spend.and_then(|s| s.actual_spend())),
        ),
        (
            "forecasted_spend".to_string(),
            amount(spend.and_then(|s| s.forecasted_spend())),
        ),
    ])
}

/// The notification attributes of one budget.
pub fn notification_attributes(list: &[Notification]) -> BTreeMap<String, Value> {
    let mut objects: Vec<(String, f64, Value)> = list
        .iter()
        .map(|n| {
            (
                n.notification_type().as_str().to_string(),
                n.threshold(),
                json!({
                    "type": n.notification_type().as_str(),
                    "comparison": n.comparison_operator().as_str(),
                    "threshold": n.threshold(),
                    // PERCENTAGE when not set, as the API reference documents.
                    "threshold_type": n.threshold_type().map_or("PERCENTAGE", |t| t.as_str()),
                    "state": n.notification_state().map(|s| s.as_str()),
                }),
            )
        })
        .collect();
    objects.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.total_cmp(&b.1)));
    BTreeMap::from([
        ("notification_count".to_string(), json!(objects.len())),
        (
            "notifications".to_string(),
            json!(objects.into_iter().map(|(_, _, o)| o).collect::<Vec<_>>()),
        ),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::probe::replay::Replay;

    async fn observe_yaml(replay: &Replay, resources_yaml: &str) -> Vec<ResourceRecord> {
        let spec = crate::spec::from_str(
            std::path::Path::new("inline.yaml"),
            &format!("version: 1\nenvironment: t\nresources:\n{resources_yaml}"),
        )
        .expect("spec");
        let resources: Vec<&Resource> = spec.resources.iter().collect();
        observe(&replay.connection(), &resources).await
    }

    /// The JSON-protocol operation of a request: its `x-amz-target` (the last line).
    fn target(request: &str) -> &str {
        let last = request.lines().last().unwrap_or_default();
        last.rsplit('.').next().unwrap_or(last)
    }

    fn present(
        records: &[ResourceRecord],
        id: &str,
    ) -> (BTreeMap<String, Value>, BTreeMap<String, String>) {
        match records.iter().find(|r| r.id == id).map(|r| &r.observation) {
            Some(Observation::Present { attributes, errors }) => {
                (attributes.clone(), errors.clone())
            }
            other => panic!("{id}: {other:?}"),
        }
    }

    /// DescribeBudgets over two pages for the caller's account, shaped like the AWS Budgets API
    /// reference (amounts are decimal strings); DescribeNotificationsForBudget (two pages) only
    /// for the budget whose notifications are checked; a budget not listed is missing.
    #[tokio::test]
    async fn describe_budgets_and_notifications_read_every_page_only_when_checked() {
        let replay = Replay::by_request(|request| {
            let body = request.lines().nth(1).unwrap_or_default();
            match target(request) {
                "DescribeBudgets" if body.contains(r#""NextToken":"b2""#) => (200, r#"{"Budgets":[
                    {"BudgetName":"tickets-monthly","BudgetLimit":{"Amount":"300.0","Unit":"USD"},"CostTypes":{"IncludeTax":true},
                     "TimeUnit":"MONTHLY","TimePeriod":{"Start":1700000000,"End":3706473600},
                     "CalculatedSpend":{"ActualSpend":{"Amount":"123.45","Unit":"USD"},"ForecastedSpend":{"Amount":"280.1","Unit":"USD"}},
                     "BudgetType":"COST","LastUpdatedTime":1700000000}]}"#.to_string()),
                "DescribeBudgets" => (200, r#"{"Budgets":[{"BudgetName":"usage","BudgetLimit":{"Amount":"100","Unit":"GB"},"TimeUnit":"DAILY","BudgetType":"USAGE"}],"NextToken":"b2"}"#.to_string()),
                "DescribeNotificationsForBudget" if body.contains(r#""NextToken":"n2""#) => (200, r#"{"Notifications":[
                    {"NotificationType":"ACTUAL","ComparisonOperator":"GREATER_THAN","Threshold":80.0,"ThresholdType":"PERCENTAGE","NotificationState":"OK"}]}"#.to_string()),
                "DescribeNotificationsForBudget" => (200, r#"{"Notifications":[
                    {"NotificationType":"FORECASTED","ComparisonOperator":"GREATER_THAN","Threshold":100.0,"NotificationState":"ALARM"}],"NextToken":"n2"}"#.to_string()),
                other => (400, format!(r#"{{"__type":"InvalidParameterException","Message":"unexpected {other}"}}"#)),
            }
        });
        let records = observe_yaml(
            &replay,
            "  - kind: budget\n    id: tickets-monthly\n    expect: { limit_amount: { at_most: 500 }, notifications: { contains: { type: ACTUAL, threshold: 80 } } }\n\
             \x20 - kind: budget\n    id: usage\n    expect: { time_unit: DAILY }\n\
             \x20 - kind: budget\n    id: gone\n    expect: { notification_count: { at_least: 1 } }\n",
        )
        .await;
        let requests = replay.requests();
        assert_eq!(requests.len(), 4, "{requests:#?}");
        assert!(
            requests
                .iter()
                .all(|r| r.contains(r#""AccountId":"123456789012""#)),
            "{requests:#?}"
        );
        let (a, e) = present(&records, "tickets-monthly");
        assert!(e.is_empty(), "{e:?}");
        assert_eq!(a["budget_type"], json!("COST"));
        assert_eq!(a["time_unit"], json!("MONTHLY"));
        assert_eq!(a["limit_amount"], json!(300.0));
        assert_eq!(a["limit_unit"], json!("USD"));
        assert_eq!(a["actual_spend"], json!(123.45));
        assert_eq!(a["forecasted_spend"], json!(280.1));
        assert_eq!(a["notification_count"], json!(2));
        assert_eq!(
            a["notifications"],
            json!([
                {"type": "ACTUAL", "comparison": "GREATER_THAN", "threshold": 80.0, "threshold_type": "PERCENTAGE", "state": "OK"},
                {"type": "FORECASTED", "comparison": "GREATER_THAN", "threshold": 100.0, "threshold_type": "PERCENTAGE", "state": "ALARM"},
            ])
        );
        // No notifications checked: none read.
        let (a, _) = present(&records, "usage");
        assert_eq!(a["limit_unit"], json!("GB"));
        assert!(!a.contains_key("notifications"), "{a:?}");
        assert!(matches!(
            records
                .iter()
                .find(|r| r.id == "gone")
                .map(|r| &r.observation),
            Some(Observation::Absent)
        ));
    }

    /// A refused DescribeBudgets makes every budget an error; a refused
    /// DescribeNotificationsForBudget only its notification attributes.
    #[tokio::test]
    async fn a_refused_view_budget_is_an_error() {
        let denied = r#"{"__type":"AccessDeniedException","Message":"not authorized to perform: budgets:ViewBudget"}"#;
        let replay = Replay::new(&[(400, denied)]);
        let records = observe_yaml(&replay, "  - kind: budget\n    id: tickets-monthly\n").await;
        assert!(
            matches!(&records[0].observation, Observation::Error { error } if error.contains("access denied: the caller may not call `budgets:ViewBudget`")),
            "{records:?}"
        );
        let replay = Replay::new(&[
            (
                200,
                r#"{"Budgets":[{"BudgetName":"tickets-monthly","BudgetLimit":{"Amount":"300","Unit":"USD"},"TimeUnit":"MONTHLY","BudgetType":"COST"}]}"#,
            ),
            (400, denied),
        ]);
        let records = observe_yaml(
            &replay,
            "  - kind: budget\n    id: tickets-monthly\n    expect: { limit_amount: 300, notification_count: 1 }\n",
        )
        .await;
        let (a, e) = present(&records, "tickets-monthly");
        assert_eq!(a["limit_amount"], json!(300.0));
        assert!(
            e["notification_count"].contains("`budgets:ViewBudget`"),
            "{e:?}"
        );
        assert!(e["notifications"].contains("`budgets:ViewBudget`"), "{e:?}");
    }
}
