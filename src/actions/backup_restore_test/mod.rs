//! `backup_restore_test`: restores the latest recovery point of a child's resource to a scratch
//! copy, reports how long the restore took, and deletes the copy again.

mod config;
mod run;

use async_trait::async_trait;
use tfplugin::framework::{validators, Action, Attribute, Context, Diagnostics, Progress, Schema};
use tfvalue::{Type, Value};

use crate::cloud::aws::{AwsBackend, AwsRestores};
use crate::resources::ProviderData;

use config::RestoreConfig;

/// The `backup_restore_test` action.
pub struct BackupRestoreTest;

/// The action's type name.
const ACTION: &str = "backup_restore_test";

#[async_trait]
impl Action for BackupRestoreTest {
    fn type_name(&self) -> &'static str {
        ACTION
    }

    fn schema(&self) -> Schema {
        Schema::new(
            "Proves a backup can be restored: restores the latest recovery point of a DynamoDB table (in the \
             vault of the nearest app with an `aws` block in the lineage) to a scratch table, waits for the \
             restore job reporting its progress, reports the time it took, and deletes the scratch table \
             again, also when the restore fails or times out (best effort, said in the diagnostics). Run it \
             with `terraform apply -invoke=action.backup_restore_test.<name>`, or from an `action_trigger` \
             (before a migration, say).",
            vec![
                Attribute::string("policy_document").required().description(
                    "The `policy_document` of the app or child whose resource is restored (from the resource, \
                     or the `backup_policy` data source). Its nearest AWS-backed app names the vault.",
                ),
                Attribute::string("resource_arn").required().description(
                    "ARN of the DynamoDB table whose latest completed recovery point is restored; the scratch \
                     table is named `<table>-restore-test-<run>`.",
                ),
                Attribute::string("recovery_point_arn").optional().description(
                    "Restore this recovery point of `resource_arn` instead of the latest one (e.g. the one \
                     tagged with a commit).",
                ),
                Attribute::string("iam_role_arn")
                    .required()
                    .description("ARN of the role AWS Backup assumes to create the scratch table."),
                Attribute::typed("restore_metadata", Type::map(Type::String))
                    .optional()
                    .description(
                        "Overrides of the restore metadata AWS Backup's `StartRestoreJob` takes for DynamoDB: \
                         `targetTableName` (default `<table>-restore-test-<run>`), `encryptionType` \
                         (`Default` or `KMS`), `kmsMasterKeyArn`.",
                    ),
                Attribute::number("timeout_minutes")
                    .optional()
                    .validator(validators::int_between(1, 10080))
                    .description(
                        "How long to wait for the restore before failing (and cleaning up); default 60.",
                    ),
            ],
        )
    }

    async fn plan(&self, ctx: &Context, config: &Value, diagnostics: &mut Diagnostics) {
        // Values known only after apply are checked when the action is invoked.
        let Some(restore) = RestoreConfig::decode(config, diagnostics) else {
            return;
        };
        restore.check_vault_reachable(ctx.provider_data::<ProviderData>(), diagnostics);
    }

    async fn invoke(
        &self,
        ctx: &Context,
        config: &Value,
        progress: &Progress,
        diagnostics: &mut Diagnostics,
    ) {
        let Some(restore) = RestoreConfig::decode(config, diagnostics) else {
            return;
        };
        let data = ctx.provider_data::<ProviderData>();
        if !restore.check_vault_reachable(data, diagnostics) {
            return;
        }
        let Some(aws) = data.and_then(|d| d.aws.as_ref()) else {
            return;
        };
        let backend = AwsBackend::new(aws).with_cancel(ctx.cancel.clone());
        let restores = AwsRestores::new(aws, backend);
        run::run(&restores, &restore, progress, &ctx.cancel, diagnostics).await;
    }
}
