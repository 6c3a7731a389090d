//! Schemas of the `aws` and `azure` blocks of `backup_app` and `backup_child`.

use tfplugin::framework::{validators, Attribute};
use tfvalue::Type;

/// `backup_app.aws`: where the app's own vault and plan live.
pub(crate) fn app_aws_attribute() -> Attribute {
    Attribute::single_nested(
        "aws",
        vec![
            Attribute::string("vault_name")
                .required()
                .validator(validators::string_length(2, 50))
                .description("Name of the app's backup vault in the provider's account and region."),
            Attribute::string("kms_key_arn")
                .optional()
                .description("KMS key that encrypts the vault; default: the AWS Backup managed key. Changing it replaces the vault."),
            Attribute::string("iam_role_arn")
                .optional()
                .description("IAM role AWS Backup assumes for this app's own selections."),
            Attribute::single_nested(
                "vault_lock",
                vec![
                    Attribute::number("min_retention_days").optional().description("Shortest retention the vault accepts."),
                    Attribute::number("max_retention_days").optional().description("Longest retention the vault accepts."),
                    Attribute::number("changeable_for_days").optional().description(
                        "Days (at least 3) before the lock becomes immutable (compliance mode). Null: governance mode, removable.",
                    ),
                ],
            )
            .optional()
            .description("AWS Backup Vault Lock on the vault (WORM)."),
            Attribute::typed("allow_copy_from_accounts", Type::list(Type::String))
                .optional()
                .description("Account ids allowed to copy recovery points into this vault (the vault access policy)."),
        ],
    )
    .optional_nested()
    .description("Realise this app on AWS Backup: a vault (with optional lock and access policy) and a plan of its effective rules.")
}

/// `backup_app.azure`: where the app's Recovery Services vault and policy live.
pub(crate) fn app_azure_attribute() -> Attribute {
    Attribute::single_nested(
        "azure",
        vec![
            Attribute::string("resource_group").required().description("Resource group of the vault."),
            Attribute::string("location").required().description("Azure region of the vault, e.g. `westeurope`."),
            Attribute::string("vault_name").required().description("Name of the Recovery Services vault."),
            Attribute::string("storage_redundancy")
                .optional()
                .validator(validators::one_of(&["LocallyRedundant", "GeoRedundant", "ZoneRedundant"]))
                .description("Backup storage redundancy: `LocallyRedundant`, `GeoRedundant` or `ZoneRedundant`."),
            Attribute::bool("cross_region_restore").optional().description("Whether restores to the paired region are allowed (GeoRedundant only)."),
            Attribute::string("soft_delete")
                .optional()
                .validator(validators::one_of(&["Enabled", "Disabled", "AlwaysON"]))
                .description("Soft delete state: `Enabled`, `Disabled` or `AlwaysON` (cannot be turned off again)."),
            Attribute::string("immutability")
                .optional()
                .validator(validators::one_of(&["Disabled", "Unlocked", "Locked"]))
                .description("Vault immutability: `Disabled`, `Unlocked` or `Locked` (irreversible)."),
        ],
    )
    .optional_nested()
    .description("Realise this app on Azure: a Recovery Services vault and an IaaS VM backup policy of its effective rules.")
}

/// `backup_child.aws`: what the child protects on AWS.
pub(crate) fn child_aws_attribute() -> Attribute {
    Attribute::single_nested(
        "aws",
        vec![
            Attribute::typed("resources", Type::list(Type::String))
                .optional()
                .description("ARNs of the resources to protect."),
            Attribute::typed("selection_tags", Type::map(Type::String))
                .optional()
                .description("Also protect every resource carrying all of these tags."),
            Attribute::string("iam_role_arn")
                .required()
                .description("IAM role AWS Backup assumes to back up the selected resources."),
            Attribute::string("vault_name")
                .optional()
                .description("Name of the child's own vault when it needs one (derived mode); default: derived from `name`."),
        ],
    )
    .optional_nested()
    .description("Protect AWS resources: a selection in the nearest AWS-backed ancestor's plan, or an own plan and vault.")
}

/// `backup_child.azure`: what the child protects on Azure.
pub(crate) fn child_azure_attribute() -> Attribute {
    Attribute::single_nested(
        "azure",
        vec![
            Attribute::typed("vm_ids", Type::list(Type::String))
                .optional()
                .description("Resource ids of the virtual machines to protect."),
            Attribute::single_nested(
                "app_service",
                vec![
                    Attribute::string("site_id").required().description("Resource id of the App Service (web app)."),
                    Attribute::string("storage_account_url").optional().write_only().description(
                        "SAS URL of the blob container backups go to. Write-only: sent to Azure, never stored in plan or \
                         state (Terraform 1.11+; older clients treat it as sensitive).",
                    ),
                ],
            )
            .optional()
            .description("Back up an App Service with the child's effective schedule and retention."),
        ],
    )
    .optional_nested()
    .description("Protect Azure resources in the nearest Azure-backed ancestor's vault.")
}
