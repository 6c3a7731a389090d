//! `backup_restore_test`: restores the latest recovery point of a child's resource to a scratch
//! copy, reports how long the restore took, and deletes the copy again (AWS: a DynamoDB table;
//! Azure: a VM's disks into a scratch resource group, deleted when this run created it).

mod azure;
mod config;
mod run;
mod scratch_group;

use async_trait::async_trait;
use tfplugin::framework::{validators, Action, Attribute, Context, Diagnostics, Progress, Schema};
use tfvalue::{Type, Value};

use crate::cloud::aws::{AwsBackend, AwsRestores};
use crate::resources::ProviderData;

use azure::AzureRestore;
use config::RestoreConfig;

/// A checked configuration for one cloud, chosen by whether `vm_id` is set.
enum Target {
    /// A DynamoDB table on AWS.
    Aws(RestoreConfig),
    /// A protected VM on Azure.
    Azure(AzureRestore),
}

impl Target {
    /// Decodes `config`; `None` when invalid (with errors) or not known yet (without).
    fn decode(config: &Value, diagnostics: &mut Diagnostics) -> Option<Target> {
        let doc = crate::actions::aws_vault::document(config, diagnostics)?;
        match config.get("vm_id") {
            Some(Value::Null) | None => {
                RestoreConfig::decode_with(config, &doc, diagnostics).map(Target::Aws)
            }
            Some(Value::String(_)) => {
                let timeout = config::timeout_minutes(config)?;
                AzureRestore::decode(config, &doc, timeout, diagnostics).map(Target::Azure)
            }
            Some(_) => None,
        }
    }
}

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
            "Proves a backup can be restored: restores the latest recovery point of a DynamoDB table (AWS, \
             `resource_arn`) to a scratch table, or of a protected VM (Azure, `vm_id`) to a scratch resource \
             group, from the vault of the nearest app in the lineage with that cloud's block; waits for the \
             restore job reporting its progress and reports the time it took. On AWS it deletes the scratch \
             table again, also when the restore fails or times out (best effort, said in the diagnostics); on \
             Azure it creates the scratch resource group when it does not exist (tagged \
             `backup:restore-test` with the run's id) and deletes it with the restored disks afterwards, \
             whatever the outcome; an existing group is kept and a warning names it. Run it with `terraform apply -invoke=action.backup_restore_test.<name>`, or \
             from an `action_trigger` (before a migration, say).",
            vec![
                Attribute::string("policy_document").required().description(
                    "The `policy_document` of the app or child whose resource is restored (from the resource, \
                     or the `backup_policy` data source). Its nearest AWS-backed app names the vault.",
                ),
                Attribute::string("resource_arn").optional().description(
                    "AWS: ARN of the DynamoDB table whose latest completed recovery point is restored; the \
                     scratch table is named `<table>-restore-test-<run>`. Set this or `vm_id`.",
                ),
                Attribute::string("vm_id").optional().description(
                    "Azure: ARM id of the protected VM whose latest recovery point is restored (its disks, \
                     `RestoreDisks`) into `target_resource_group_id`. Set this or `resource_arn`.",
                ),
                Attribute::string("target_resource_group_id").optional().description(
                    "Azure, with `vm_id`: ARM id of the scratch resource group the disks are restored into. When \
                     it does not exist the action creates it in `location` and deletes it afterwards; an \
                     existing group is kept.",
                ),
                Attribute::string("storage_account_id").optional().description(
                    "Azure, with `vm_id`: ARM id of the storage account that stages the restore.",
                ),
                Attribute::string("location")
                    .optional()
                    .description("Azure, with `vm_id`: the region of the VM and vault, e.g. `westeurope`."),
                Attribute::string("created_after").optional().description(
                    "Restore the first complete recovery point made at or after this RFC 3339 UTC time (e.g. \
                     `2026-12-06T14:00:00Z`) instead of the latest: the backup that followed a deployment, which is \
                     how a commit's recovery point is found on Azure, where recovery points carry no tags.",
                ),
                Attribute::string("recovery_point_arn").optional().description(
                    "Restore this recovery point instead of the latest one (e.g. the one tagged with a commit): \
                     its ARN on AWS, its name or ARM id on Azure.",
                ),
                Attribute::string("iam_role_arn").optional().description(
                    "AWS, required with `resource_arn`: ARN of the role AWS Backup assumes to create the \
                     scratch table.",
                ),
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
        let data = ctx.provider_data::<ProviderData>();
        match Target::decode(config, diagnostics) {
            Some(Target::Aws(restore)) => {
                restore.check_vault_reachable(data, diagnostics);
            }
            Some(Target::Azure(restore)) => {
                restore.backend(data, diagnostics);
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
            Some(Target::Aws(restore)) => {
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
            Some(Target::Azure(restore)) => {
                let Some(backend) = restore.backend(data, diagnostics) else {
                    return;
                };
                azure::run(
                    backend.as_ref(),
                    &restore,
                    progress,
                    &ctx.cancel,
                    diagnostics,
                )
                .await;
            }
            None => {}
        }
    }
}
