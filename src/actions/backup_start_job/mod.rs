//! `backup_start_job`: an on-demand AWS Backup of one resource of an app or child into the vault
//! its effective policy names, with a retention the policy's guardrails allow.

mod config;
mod run;

use async_trait::async_trait;
use tfplugin::framework::{validators, Action, Attribute, Context, Diagnostics, Progress, Schema};
use tfvalue::{Type, Value};

use crate::cloud::aws::AwsBackend;
use crate::resources::ProviderData;

use config::JobConfig;

/// The `backup_start_job` action.
pub struct BackupStartJob;

/// The action's type name.
const ACTION: &str = "backup_start_job";

#[async_trait]
impl Action for BackupStartJob {
    fn type_name(&self) -> &'static str {
        ACTION
    }

    fn schema(&self) -> Schema {
        Schema::new(
            "Starts an on-demand AWS Backup job of one resource of an app or child, into the vault of the \
             nearest app with an `aws` block in its lineage, with a retention its guardrails allow. Run it with \
             `terraform apply -invoke=action.backup_start_job.<name>`, or from an `action_trigger` (before a \
             migration, say).",
            vec![
                Attribute::string("policy_document").required().description(
                    "The `policy_document` of the app or child whose resource is backed up (from the resource, \
                     or the `backup_policy` data source). Its nearest AWS-backed app names the vault, its \
                     guardrails bound the retention.",
                ),
                Attribute::string("resource_arn")
                    .required()
                    .description("ARN of the resource to back up, e.g. a DynamoDB table."),
                Attribute::string("iam_role_arn")
                    .required()
                    .description("ARN of the role AWS Backup assumes to read the resource."),
                Attribute::typed("tags", Type::map(Type::String)).optional().description(
                    "Tags put on the recovery point, e.g. `{ commit = var.commit_sha }`. The job's idempotency \
                     token is derived from the app, the resource and these tags: invoking again with the same \
                     ones (a retried apply) does not start a second backup.",
                ),
                Attribute::number("retention_days")
                    .optional()
                    .validator(validators::int_between(1, 36500))
                    .description(
                        "Days the recovery point is kept; default: the longest `retention_days` of the effective \
                         rules. Checked at plan against the effective `min_retention_days` and \
                         `max_retention_days` guardrails.",
                    ),
                Attribute::bool("wait").optional().description(
                    "Whether to wait until the job completes, reporting its progress; default `false` (report \
                     the started job and return).",
                ),
                Attribute::number("timeout_minutes")
                    .optional()
                    .validator(validators::int_between(1, 10080))
                    .description(
                        "How long `wait` waits before failing (the job goes on in AWS Backup); default 60.",
                    ),
            ],
        )
    }

    async fn plan(&self, ctx: &Context, config: &Value, diagnostics: &mut Diagnostics) {
        // Values known only after apply are checked when the action is invoked.
        let Some(job) = JobConfig::decode(config, diagnostics) else {
            return;
        };
        job.check_vault_reachable(ctx.provider_data::<ProviderData>(), diagnostics);
    }

    async fn invoke(
        &self,
        ctx: &Context,
        config: &Value,
        progress: &Progress,
        diagnostics: &mut Diagnostics,
    ) {
        let Some(job) = JobConfig::decode(config, diagnostics) else {
            return;
        };
        let data = ctx.provider_data::<ProviderData>();
        if !job.check_vault_reachable(data, diagnostics) {
            return;
        }
        let Some(aws) = data.and_then(|d| d.aws.as_ref()) else {
            return;
        };
        let backend = AwsBackend::new(aws).with_cancel(ctx.cancel.clone());
        run::run(&backend, &job, progress, &ctx.cancel, diagnostics).await;
    }
}
