//! Seeding AWS Backup, SES (v2) and AWS Budgets for the live tests: test-only code that creates
//! resources, only ever pointed at a local emulator (see seed.rs).

#![allow(dead_code)]

use aws_sdk_backup::types::{BackupPlanInput, BackupRuleInput, CopyAction, Lifecycle};
use aws_sdk_budgets::types::{
    Budget, BudgetType, ComparisonOperator, Notification, NotificationType,
    NotificationWithSubscribers, Spend, Subscriber, SubscriptionType, ThresholdType, TimeUnit,
};

use super::seed::{emulator_config, Result};

/// The account moto serves.
pub const ACCOUNT: &str = "123456789012";
/// A subscriber address: personal data the probe never reads.
pub const SUBSCRIBER: &str = "billing-owner@tickets.example";

pub struct BackupMailSeeder {
    pub backup: aws_sdk_backup::Client,
    pub ses: aws_sdk_sesv2::Client,
    pub budgets: aws_sdk_budgets::Client,
}

impl BackupMailSeeder {
    pub fn new(endpoint: &str) -> BackupMailSeeder {
        let config = emulator_config(endpoint);
        BackupMailSeeder {
            backup: aws_sdk_backup::Client::new(&config),
            ses: aws_sdk_sesv2::Client::new(&config),
            budgets: aws_sdk_budgets::Client::new(&config),
        }
    }

    /// Vaults `tickets-vault` (locked: 7 to 400 days) and `scratch` (not locked); plans
    /// `tickets-daily` (daily at 18:00 UTC kept 35 days, continuous, copied to a vault in Tokyo;
    /// monthly kept a year, cold after 30 days) and `scratch-weekly` (weekly, kept 3 days).
    pub async fn backups(&self) -> Result<()> {
        for vault in ["tickets-vault", "scratch"] {
            self.backup
                .create_backup_vault()
                .backup_vault_name(vault)
                .send()
                .await?;
        }
        self.backup
            .put_backup_vault_lock_configuration()
            .backup_vault_name("tickets-vault")
            .min_retention_days(7)
            .max_retention_days(400)
            .send()
            .await?;
        let daily = BackupRuleInput::builder()
            .rule_name("daily")
            .target_backup_vault_name("tickets-vault")
            .schedule_expression("cron(0 18 ? * * *)")
            .lifecycle(Lifecycle::builder().delete_after_days(35).build())
            .enable_continuous_backup(true)
            .copy_actions(
                CopyAction::builder()
                    .destination_backup_vault_arn(
                        "arn:aws:backup:ap-northeast-1:123456789012:backup-vault:tickets-dr",
                    )
                    .build()?,
            )
            .build()?;
        let monthly = BackupRuleInput::builder()
            .rule_name("monthly")
            .target_backup_vault_name("tickets-vault")
            .schedule_expression("cron(0 3 1 * ? *)")
            .lifecycle(
                Lifecycle::builder()
                    .move_to_cold_storage_after_days(30)
                    .delete_after_days(365)
                    .build(),
            )
            .build()?;
        self.backup
            .create_backup_plan()
            .backup_plan(
                BackupPlanInput::builder()
                    .backup_plan_name("tickets-daily")
                    .rules(daily)
                    .rules(monthly)
                    .build()?,
            )
            .send()
            .await?;
        let weekly = BackupRuleInput::builder()
            .rule_name("weekly")
            .target_backup_vault_name("scratch")
            .schedule_expression("cron(0 5 ? * 1 *)")
            .lifecycle(Lifecycle::builder().delete_after_days(3).build())
            .build()?;
        self.backup
            .create_backup_plan()
            .backup_plan(
                BackupPlanInput::builder()
                    .backup_plan_name("scratch-weekly")
                    .rules(weekly)
                    .build()?,
            )
            .send()
            .await?;
        Ok(())
    }

    /// Identities `tickets.example` (a domain with a default configuration set), `news.example`
    /// and `ops@tickets.example`. moto reports DKIM `NOT_STARTED` for all of them; an identity
    /// with its own DKIM key (BYODKIM) cannot be seeded, moto answering it with a timestamp the
    /// SDK cannot read (an ISO string where the API has epoch seconds).
    pub async fn identities(&self) -> Result<()> {
        self.ses
            .create_email_identity()
            .email_identity("tickets.example")
            .configuration_set_name("tickets-default")
            .send()
            .await?;
        for identity in ["news.example", "ops@tickets.example"] {
            self.ses
                .create_email_identity()
                .email_identity(identity)
                .send()
                .await?;
        }
        Ok(())
    }

    /// Budgets `tickets-monthly` (300 USD a month, an actual-spend notification at 80 % and a
    /// forecast one at 100 %, emailed to [`SUBSCRIBER`]) and `silent` (50 USD, no notification).
    pub async fn budgets(&self) -> Result<()> {
        let notify =
            |kind: NotificationType, threshold: f64| -> Result<NotificationWithSubscribers> {
                Ok(NotificationWithSubscribers::builder()
                    .notification(
                        Notification::builder()
                            .notification_type(kind)
                            .comparison_operator(ComparisonOperator::GreaterThan)
                            .threshold(threshold)
                            .threshold_type(ThresholdType::Percentage)
                            .build()?,
                    )
                    .subscribers(
                        Subscriber::builder()
                            .subscription_type(SubscriptionType::Email)
                            .address(SUBSCRIBER)
                            .build()?,
                    )
                    .build()?)
            };
        let budget = |name: &str, amount: &str| -> Result<Budget> {
            Ok(Budget::builder()
                .budget_name(name)
                .budget_limit(Spend::builder().amount(amount).unit("USD").build()?)
                .time_unit(TimeUnit::Monthly)
                .budget_type(BudgetType::Cost)
                .build()?)
        };
        self.budgets
            .create_budget()
            .account_id(ACCOUNT)
            .budget(budget("tickets-monthly", "300")?)
            .notifications_with_subscribers(notify(NotificationType::Actual, 80.0)?)
            .notifications_with_subscribers(notify(NotificationType::Forecasted, 100.0)?)
            .send()
            .await?;
        self.budgets
            .create_budget()
            .account_id(ACCOUNT)
            .budget(budget("silent", "50")?)
            .send()
            .await?;
        Ok(())
    }

    /// A vault, locked for `lock` (minimum, maximum retention days) when given.
    pub async fn vault(&self, name: &str, lock: Option<(i64, i64)>) -> Result<()> {
        self.backup
            .create_backup_vault()
            .backup_vault_name(name)
            .send()
            .await?;
        if let Some((min, max)) = lock {
            self.backup
                .put_backup_vault_lock_configuration()
                .backup_vault_name(name)
                .min_retention_days(min)
                .max_retention_days(max)
                .send()
                .await?;
        }
        Ok(())
    }

    /// A plan with one rule `daily` (at 18:00 UTC) into `vault`, kept `keep_days`.
    pub async fn daily_plan(&self, name: &str, vault: &str, keep_days: i64) -> Result<()> {
        let daily = BackupRuleInput::builder()
            .rule_name("daily")
            .target_backup_vault_name(vault)
            .schedule_expression("cron(0 18 ? * * *)")
            .lifecycle(Lifecycle::builder().delete_after_days(keep_days).build())
            .build()?;
        self.backup
            .create_backup_plan()
            .backup_plan(
                BackupPlanInput::builder()
                    .backup_plan_name(name)
                    .rules(daily)
                    .build()?,
            )
            .send()
            .await?;
        Ok(())
    }

    /// A verified identity (moto verifies at once).
    pub async fn identity(&self, name: &str) -> Result<()> {
        self.ses
            .create_email_identity()
            .email_identity(name)
            .send()
            .await?;
        Ok(())
    }

    /// A monthly cost budget of `amount` USD with an actual-spend notification at `percent` %.
    pub async fn monthly_budget(&self, name: &str, amount: &str, percent: f64) -> Result<()> {
        self.budgets
            .create_budget()
            .account_id(ACCOUNT)
            .budget(
                Budget::builder()
                    .budget_name(name)
                    .budget_limit(Spend::builder().amount(amount).unit("USD").build()?)
                    .time_unit(TimeUnit::Monthly)
                    .budget_type(BudgetType::Cost)
                    .build()?,
            )
            .notifications_with_subscribers(
                NotificationWithSubscribers::builder()
                    .notification(
                        Notification::builder()
                            .notification_type(NotificationType::Actual)
                            .comparison_operator(ComparisonOperator::GreaterThan)
                            .threshold(percent)
                            .threshold_type(ThresholdType::Percentage)
                            .build()?,
                    )
                    .subscribers(
                        Subscriber::builder()
                            .subscription_type(SubscriptionType::Email)
                            .address(SUBSCRIBER)
                            .build()?,
                    )
                    .build()?,
            )
            .send()
            .await?;
        Ok(())
    }

    pub async fn all(&self) -> Result<()> {
        self.backups().await?;
        self.identities().await?;
        self.budgets().await
    }
}
