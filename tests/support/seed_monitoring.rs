//! Seeding CloudWatch Logs, CloudWatch alarms and SNS for the live tests: test-only code that
//! creates resources, only ever pointed at a local emulator (see seed.rs).

#![allow(dead_code)]

use aws_sdk_cloudwatch::types::{
    ComparisonOperator, Dimension, Metric, MetricDataQuery, MetricStat, Statistic,
};

use super::seed::{emulator_config, Result};

pub struct MonitoringSeeder {
    pub logs: aws_sdk_cloudwatchlogs::Client,
    pub cloudwatch: aws_sdk_cloudwatch::Client,
    pub sns: aws_sdk_sns::Client,
}

/// One metric alarm to create (statistic `Average`).
pub struct Alarm<'a> {
    pub name: &'a str,
    pub namespace: &'a str,
    pub metric: &'a str,
    pub dimensions: &'a [(&'a str, &'a str)],
    pub threshold: f64,
    pub period: i32,
    pub evaluation_periods: i32,
    pub datapoints_to_alarm: Option<i32>,
    pub actions: &'a [&'a str],
}

/// One metric math alarm on a percentage, `100 * numerator / denominator` (both summed over the
/// period), e.g. the share of requests answered with a 5xx.
pub struct RateAlarm<'a> {
    pub name: &'a str,
    pub namespace: &'a str,
    pub numerator: &'a str,
    pub denominator: &'a str,
    pub dimensions: &'a [(&'a str, &'a str)],
    /// In percent.
    pub threshold: f64,
    pub period: i32,
    pub evaluation_periods: i32,
    pub actions: &'a [&'a str],
}

impl MonitoringSeeder {
    pub fn new(endpoint: &str) -> MonitoringSeeder {
        let cfg = emulator_config(endpoint);
        MonitoringSeeder {
            logs: aws_sdk_cloudwatchlogs::Client::new(&cfg),
            cloudwatch: aws_sdk_cloudwatch::Client::new(&cfg),
            sns: aws_sdk_sns::Client::new(&cfg),
        }
    }

    /// A log group, with a retention policy and a KMS key when given.
    pub async fn log_group(
        &self,
        name: &str,
        retention: Option<i32>,
        kms: Option<&str>,
    ) -> Result<()> {
        self.logs
            .create_log_group()
            .log_group_name(name)
            .set_kms_key_id(kms.map(str::to_string))
            .send()
            .await?;
        if let Some(days) = retention {
            self.logs
                .put_retention_policy()
                .log_group_name(name)
                .retention_in_days(days)
                .send()
                .await?;
        }
        Ok(())
    }

    /// A metric alarm, `GreaterThanThreshold`.
    pub async fn alarm(&self, a: &Alarm<'_>) -> Result<()> {
        self.cloudwatch
            .put_metric_alarm()
            .alarm_name(a.name)
            .namespace(a.namespace)
            .metric_name(a.metric)
            .set_dimensions(Some(
                a.dimensions
                    .iter()
                    .map(|(k, v)| Dimension::builder().name(*k).value(*v).build())
                    .collect(),
            ))
            .statistic(Statistic::Average)
            .comparison_operator(ComparisonOperator::GreaterThanThreshold)
            .threshold(a.threshold)
            .period(a.period)
            .evaluation_periods(a.evaluation_periods)
            .set_datapoints_to_alarm(a.datapoints_to_alarm)
            .actions_enabled(true)
            .set_alarm_actions(Some(a.actions.iter().map(|s| s.to_string()).collect()))
            .send()
            .await?;
        Ok(())
    }

    /// A metric math alarm (see [`RateAlarm`]), `GreaterThanThreshold`. It has no namespace or
    /// metric name of its own: those are in its `Metrics` queries.
    pub async fn rate_alarm(&self, a: &RateAlarm<'_>) -> Result<()> {
        let dimensions: Vec<Dimension> = a
            .dimensions
            .iter()
            .map(|(k, v)| Dimension::builder().name(*k).value(*v).build())
            .collect();
        let sum = |id: &str, metric: &str| {
            MetricDataQuery::builder()
                .id(id)
                .return_data(false)
                .metric_stat(
                    MetricStat::builder()
                        .metric(
                            Metric::builder()
                                .namespace(a.namespace)
                                .metric_name(metric)
                                .set_dimensions(Some(dimensions.clone()))
                                .build(),
                        )
                        .period(a.period)
                        .stat("Sum")
                        .build(),
                )
                .build()
        };
        self.cloudwatch
            .put_metric_alarm()
            .alarm_name(a.name)
            .metrics(sum("errors", a.numerator))
            .metrics(sum("requests", a.denominator))
            .metrics(
                MetricDataQuery::builder()
                    .id("rate")
                    .label("percent")
                    .expression("100 * errors / requests")
                    .return_data(true)
                    .build(),
            )
            .comparison_operator(ComparisonOperator::GreaterThanThreshold)
            .threshold(a.threshold)
            .evaluation_periods(a.evaluation_periods)
            .actions_enabled(true)
            .set_alarm_actions(Some(a.actions.iter().map(|s| s.to_string()).collect()))
            .send()
            .await?;
        Ok(())
    }

    /// A topic; returns its ARN.
    pub async fn topic(&self, name: &str) -> Result<String> {
        let out = self.sns.create_topic().name(name).send().await?;
        Ok(out.topic_arn().unwrap_or_default().to_string())
    }

    /// A subscription to the topic (moto confirms it at once).
    pub async fn subscribe(&self, topic_arn: &str, protocol: &str, endpoint: &str) -> Result<()> {
        self.sns
            .subscribe()
            .topic_arn(topic_arn)
            .protocol(protocol)
            .endpoint(endpoint)
            .send()
            .await?;
        Ok(())
    }
}
