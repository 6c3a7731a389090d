//! `backup_start_job`: an on-demand backup of one AWS resource, or of Azure VMs, of an app or
//! child into the vault its effective policy names, with a retention the policy's guardrails allow.

mod azure;
mod config;
mod run;

use async_trait::async_trait;
use tfplugin::framework::{validators, Action, Attribute, Context, Diagnostics, Progress, Schema};
use tfvalue::{Type, Value};

use crate::cloud::aws::AwsBackend;
use crate::resources::ProviderData;

use azure::AzureJob;
use config::JobConfig;

/// A checked configuration for one cloud, chosen by whether `vm_ids` is set.
enum Target {
    /// One AWS resource.
    Aws(JobConfig),
    /// Protected Azure VMs.
    Azure(AzureJob),
}

impl Target {
    /// Decodes `config`; `None` when invalid (with errors) or not known yet (without).
    fn decode(config: &Value, diagnostics: &mut Diagnostics) -> Option<Target> {
        let doc = crate::actions::aws_vault::document(config, diagnostics)?;
        match config.get("vm_ids") {
            Some(Value::Null) | None => {
                JobConfig::decode_with(config, &doc, diagnostics).map(Target::Aws)
            }
            Some(v) if v.is_wholly_known() => {
                AzureJob::decode(config, &doc, diagnostics).map(Target::Azure)
            }
            Some(_) => None,
        }
    }
}

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
            "Starts an on-demand backup into the vault of the nearest app in the lineage with that cloud's \
             block, with a retention its guardrails allow: of one AWS resource (`resource_arn`, AWS Backup's \
             StartBackupJob), or of protected Azure VMs (`vm_ids`, Azure Backup's Backups_Trigger). A \
             retried invoke with the same app, resource and tags does not back up twice (AWS: an idempotency \
             token; Azure, which has none: the job an earlier invoke started is found by the marker in its \
             recovery point's expiry time and adopted). App Service apps are not vault items and cannot be \
             backed up by this action. Run it with `terraform apply -invoke=action.backup_start_job.<name>`, \
             or from an `action_trigger` (before a migration, say).",
            vec![
                Attribute::string("policy_document").required().description(
                    "The `policy_document` of the app or child whose resources are backed up (from the \
                     resource, or the `backup_policy` data source). Its nearest app with an `aws` (or, with \
                     `vm_ids`, `azure`) block names the vault, its guardrails bound the retention.",
                ),
                Attribute::string("resource_arn").optional().description(
                    "AWS: ARN of the resource to back up, e.g. a DynamoDB table. Set this and `iam_role_arn`, \
                     or `vm_ids`.",
                ),
                Attribute::string("iam_role_arn")
                    .optional()
                    .description("AWS: ARN of the role AWS Backup assumes to read the resource."),
                Attribute::typed("vm_ids", Type::list(Type::String)).optional().description(
                    "Azure: ARM ids of the protected VMs to back up, e.g. `backup_child.<name>.azure.vm_ids`; \
                     each gets its own job. The recovery point expires `retention_days` after the backup \
                     (rounded up by under an hour: the expiry's second within the hour marks the job as \
                     this action's for these inputs, so a retried invoke within 24 hours adopts it).",
                ),
                Attribute::typed("tags", Type::map(Type::String)).optional().description(
                    "AWS: tags put on the recovery point, e.g. `{ commit = var.commit_sha }`. On both clouds \
                     the job's idempotency (AWS token, Azure expiry marker) is derived from the app, the \
                     resource and these tags: invoking again with the same ones (a retried apply) does not \
                     start a second backup.",
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
                    "Whether to wait until the jobs complete, reporting their progress; default `false` \
                     (report the started jobs and return).",
                ),
                Attribute::number("timeout_minutes")
                    .optional()
                    .validator(validators::int_between(1, 10080))
                    .description(
                        "How long `wait` waits before failing (the jobs go on in AWS or Azure Backup); default \
                         60.",
                    ),
            ],
        )
    }

    async fn plan(&self, ctx: &Context, config: &Value, diagnostics: &mut Diagnostics) {
        // Values known only after apply are checked when the action is invoked.
        let data = ctx.provider_data::<ProviderData>();
        match Target::decode(config, diagnostics) {
            Some(Target::Aws(job)) => {
                job.check_vault_reachable(data, diagnostics);
            }
            Some(Target::Azure(job)) => {
                job.backend(data, diagnostics);
            }
            None => {}
        }
    }

    async fn invoke(
        &self,
        ctx: &Context,
        config: &Value,
        progress: &Progress,
        diagnostics: &mut Diagnostics,
    ) {
        let data = ctx.provider_data::<ProviderData>();
        match Target::decode(config, diagnostics) {
            Some(Target::Aws(job)) => {
                if !job.check_vault_reachable(data, diagnostics) {
                    return;
                }
                let Some(aws) = data.and_then(|d| d.aws.as_ref()) else {
                    return;
                };
                let backend = AwsBackend::new(aws).with_cancel(ctx.cancel.clone());
                run::run(&backend, &job, progress, &ctx.cancel, diagnostics).await;
            }
            Some(Target::Azure(job)) => {
                if let Some(backend) = job.backend(data, diagnostics) {
                    azure::run(&*backend, &job, progress, &ctx.cancel, diagnostics).await;
                }
            }
            None => {}
        }
    }
}
